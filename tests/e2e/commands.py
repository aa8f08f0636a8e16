"""Running the command line in-process, and what every refusal must look like."""
from __future__ import annotations

from click.testing import CliRunner

from sync.cli import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_sentence(stderr: str) -> str:
    """One line on stderr, a sentence, no traceback (not even the one Python prints at exit)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert lines[0].rstrip().endswith("."), lines[0]
    return lines[0]
