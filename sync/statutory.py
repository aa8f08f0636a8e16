"""Read the statutory rules (`sheets_templates/statutory/checks.toml`) and the national figures
(`sheets_templates/national/*.toml`) for `functions.statutory`."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from functions.moderation import ModerationRules
from functions.moderation import moderation_rules as parse_moderation_rules
from functions.statutory import NationalFigures, StatutoryError, StatutoryRules, load_national, load_statutory_rules
from sync.errors import SettingsError
from sync.templates_dir import TEMPLATES_DIR


def _toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path.name} is not a valid TOML file ({error}).") from None
    except OSError as error:
        raise SettingsError(f"{path.name} cannot be read ({error.strerror}).") from None


@lru_cache(maxsize=4)
def statutory_rules(templates_dir: Path = TEMPLATES_DIR) -> StatutoryRules:
    path = templates_dir / "statutory" / "checks.toml"
    try:
        return load_statutory_rules(_toml(path), path.name)
    except StatutoryError as error:
        raise SettingsError(str(error)) from None


@lru_cache(maxsize=4)
def national_figures(templates_dir: Path = TEMPLATES_DIR) -> NationalFigures:
    files = sorted((templates_dir / "national").glob("*.toml"))
    try:
        return load_national([(f"national/{path.name}", _toml(path)) for path in files])
    except StatutoryError as error:
        raise SettingsError(str(error)) from None


@lru_cache(maxsize=8)
def moderation_rules(kind: str, templates_dir: Path = TEMPLATES_DIR) -> ModerationRules:
    """`moderation.toml` for a framework of `kind`; a mistake is a SettingsError sentence."""
    path = templates_dir / "statutory" / "moderation.toml"
    try:
        return parse_moderation_rules(_toml(path), kind, path.name)
    except StatutoryError as error:
        raise SettingsError(str(error)) from None
