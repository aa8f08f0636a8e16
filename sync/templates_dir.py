"""Where `sheets_templates/` is (the repository, or site-packages after `pip install .`), in one
place below everything that reads it (`sync.templates`, `sync.statutory`, ...)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

TEMPLATES_DIR = Path(str(resources.files("sheets_templates")))
"""`sheets_templates/`, wherever the package is: the repository, or site-packages after `pip install .`."""
