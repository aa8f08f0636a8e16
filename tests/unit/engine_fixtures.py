"""The shipped framework files, loaded once for the engine's unit tests."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from functions.framework import Framework, load_framework

FRAMEWORKS = Path(__file__).resolve().parents[2] / "sheets_templates" / "frameworks"


def framework_data(name: str) -> dict:
    """The parsed TOML of a shipped framework (a fresh dict each call, safe to change)."""
    return tomllib.loads((FRAMEWORKS / f"{name}.toml").read_text(encoding="utf-8"))


@cache
def shipped(name: str) -> Framework:
    return load_framework(framework_data(name), f"{name}.toml")
