"""Partial responses: the `fields` parameter ("files(id,name),nextPageToken", "sheets.properties")."""
from __future__ import annotations

from typing import Any

Mask = dict[str, "Mask | None"]


def parse(fields: str) -> Mask:
    """"a,b(c,d/e),f.g" -> {"a": None, "b": {"c": None, "d": {"e": None}}, "f": {"g": None}}."""
    mask: Mask = {}
    _parse_into(fields.replace(" ", ""), 0, mask)
    return mask


def _parse_into(text: str, at: int, mask: Mask) -> int:
    path: list[str] = []
    name = ""
    while at < len(text):
        char = text[at]
        if char in "./":
            path.append(name)
            name = ""
        elif char == "(":
            child = _node(mask, path + [name])
            at = _parse_into(text, at + 1, child)
            path, name = [], ""
        elif char == ")":
            _leaf(mask, path + [name])
            return at
        elif char == ",":
            _leaf(mask, path + [name])
            path, name = [], ""
        else:
            name += char
        at += 1
    _leaf(mask, path + [name])
    return at


def _node(mask: Mask, keys: list[str]) -> Mask:
    for key in keys:
        existing = mask.get(key, {})
        if existing is None:
            return {}  # already selected whole
        mask[key] = existing
        mask = existing
    return mask


def _leaf(mask: Mask, keys: list[str]) -> None:
    keys = [k for k in keys if k]
    if not keys:
        return
    parent = _node(mask, keys[:-1])
    parent[keys[-1]] = None


def apply(value: Any, mask: Mask | None) -> Any:
    """Keep only the masked parts of a JSON value ("*" keeps everything at its level)."""
    if mask is None or "*" in mask:
        return value
    if isinstance(value, list):
        return [apply(item, mask) for item in value]
    if isinstance(value, dict):
        return {k: apply(v, mask[k]) for k, v in value.items() if k in mask}
    return value


def wants(mask: Mask | None, *keys: str) -> bool:
    """Does the mask select anything under keys (e.g. "sheets", "data")?"""
    for key in keys:
        if mask is None or "*" in mask:
            return True
        if key not in mask:
            return False
        mask = mask[key]
    return True
