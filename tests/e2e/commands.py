"""Running the command line in-process, and what every refusal must look like."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from sync.cli import cli

REPO = Path(__file__).resolve().parents[2]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_sentence(stderr: str) -> str:
    """One line on stderr, a sentence, no traceback (not even the one Python prints at exit)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert lines[0].rstrip().endswith("."), lines[0]
    return lines[0]


@contextmanager
def school_lock_held(school: Path) -> Iterator[None]:
    """Another process holds the school's lock (as a running sync does) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\n"
         "from sync.local_store import LocalStore\n"
         "with LocalStore(sys.argv[1]).lock():\n"
         "    print('holding', flush=True)\n"
         "    sys.stdin.readline()\n", str(school)],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield
    finally:
        holder.communicate("done\n", timeout=30)
