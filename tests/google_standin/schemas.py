"""Google discovery documents -> JSON Schema, and validation that answers like Google.

The discovery documents ship in google-api-python-client. Converted schemas reject unknown fields,
allow null everywhere (real clients send nulls) and accept int64 as a string or an integer. They do
not express required fields or "exactly one kind per Request": those rules live in the routes.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import googleapiclient
import jsonschema

DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
_SCALARS = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


def _convert(node: dict[str, Any]) -> dict[str, Any]:
    """One discovery schema node -> a nullable JSON Schema node."""
    if "$ref" in node:
        return {"$ref": f"#/definitions/{node['$ref']}"}  # every definition allows null itself
    kind = node.get("type", "any")
    if kind == "object":
        out: dict[str, Any] = {"type": ["object", "null"]}
        if "properties" in node:
            out["properties"] = {k: _convert(v) for k, v in node["properties"].items()}
        if "additionalProperties" in node:
            out["additionalProperties"] = _convert(node["additionalProperties"])
        elif "properties" in node:
            out["additionalProperties"] = False
        return out
    if kind == "array":
        return {"type": ["array", "null"], "items": _convert(node.get("items", {}))}
    if kind == "string" and node.get("format") in ("int64", "uint64"):
        return {"type": ["string", "integer", "null"]}
    if kind in ("number",) and node.get("format") in ("double", "float"):
        return {"type": ["number", "null"]}
    if kind in _SCALARS:
        out = {"type": [_SCALARS[kind], "null"]}
        if "enum" in node:
            out["enum"] = [*node["enum"], None]
        return out
    return {}  # "any": google.protobuf.Value


@functools.cache
def discovery(name: str) -> dict[str, Any]:
    """The discovery document `name` ("sheets.v4", "drive.v3")."""
    return json.loads((DOCUMENTS / f"{name}.json").read_text(encoding="utf-8"))


@functools.cache
def definitions(name: str) -> dict[str, Any]:
    return {k: _convert(v) for k, v in discovery(name)["schemas"].items()}


@functools.cache
def validator(name: str, schema_id: str) -> jsonschema.protocols.Validator:
    """A validator of one schema (e.g. "ValueRange") of the discovery document `name`."""
    schema = {"$ref": f"#/definitions/{schema_id}", "definitions": definitions(name)}
    return jsonschema.Draft7Validator(schema)


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


def _path(base: str, parts: list[Any]) -> str:
    text = base
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "number": (int, float),
    "integer": (int,), "boolean": (bool,), "null": (type(None),)}


def _fits(node: dict[str, Any], instance: Any, defs: dict[str, Any]) -> bool:
    """True when `instance` is valid against a converted node: a plain walk over the few keywords
    `_convert` makes, much faster than jsonschema on a large batch. jsonschema explains failures."""
    if "$ref" in node:
        return instance is None or _fits(defs[node["$ref"].rsplit("/", 1)[1]], instance, defs)
    kinds = node.get("type")
    if kinds is not None:
        if isinstance(instance, bool) and "boolean" not in kinds:
            return False
        whole = isinstance(instance, float) and instance.is_integer() and "integer" in kinds
        if not whole and not any(isinstance(instance, _JSON_TYPES[kind]) for kind in kinds):
            return False
    if "enum" in node and instance not in node["enum"]:
        return False
    if isinstance(instance, dict):
        properties = node.get("properties", {})
        extra = node.get("additionalProperties", {})
        for key, value in instance.items():
            if key in properties:
                if not _fits(properties[key], value, defs):
                    return False
            elif extra is False or (extra and not _fits(extra, value, defs)):
                return False
    elif isinstance(instance, list) and "items" in node:
        return all(_fits(node["items"], item, defs) for item in instance)
    return True


def violations(name: str, schema_id: str, body: Any, base: str = "") -> list[FieldViolation]:
    """What Google would say about `body`: its wording for unknown names and wrong types."""
    if _fits({"$ref": f"#/definitions/{schema_id}"}, body, definitions(name)):
        return []
    found = []
    for error in validator(name, schema_id).iter_errors(body):
        error = _deepest(error)
        where = _path(base, list(error.absolute_path))
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            for unknown in extra:
                text = (f"Invalid JSON payload received. Unknown name \"{unknown}\" at "
                        f"'{where}': Cannot find field.")
                found.append(FieldViolation(where, text))
            continue
        text = f"Invalid value at '{where}' ({_proto_type(error)}), {json.dumps(error.instance)}"
        found.append(FieldViolation(where, text))
    return found


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """anyOf[null, $ref] hides the real failure one level down: report the innermost one."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), e.schema != {"type": "null"}))
    return error


def _proto_type(error: jsonschema.ValidationError) -> str:
    wanted = error.schema.get("type", "")
    wanted = [t for t in (wanted if isinstance(wanted, list) else [wanted]) if t != "null"]
    names = {"array": "google.protobuf.ListValue", "object": "google.protobuf.Struct",
             "string": "TYPE_STRING", "integer": "TYPE_INT32", "number": "TYPE_DOUBLE",
             "boolean": "TYPE_BOOL"}
    first = wanted[0] if wanted else ""
    if error.validator == "enum":
        return "TYPE_ENUM"
    return f"type.googleapis.com/{names[first]}" if first in ("array", "object") else names.get(first, first)


class SchemaBug(AssertionError):
    """The stand-in built a response its own schema rejects: a bug in the stand-in."""


def check_response(name: str, schema_id: str, body: Any) -> None:
    found = violations(name, schema_id, body)
    if found:
        raise SchemaBug(f"{schema_id} response breaks the schema: {found[:3]}")
