"""How a command ends on an expected failure: one sentence on stderr and the error's exit code,
never a traceback (shared by `sync.cli` and the commands it registers)."""
from __future__ import annotations

import functools
import io
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from sync.errors import TrackerError


def plain_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a TrackerError into its sentence on stderr and its exit code, without a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TrackerError as error:
            _quiet_stdout()
            click.echo(f"Error: {error}", err=True)
            sys.exit(error.exit_code)
        except OSError as error:   # the computer: a full disk, a file we may not write
            _quiet_stdout()
            reason = error.strerror or "the computer refused a read or a write"
            click.echo(f"Error: the computer stopped the command ({reason}); "
                       "fix that and run it again (nothing was half-written).", err=True)
            sys.exit(1)

    return wrapper


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that Python's own flush at exit cannot fail again
    (on a full disk or a closed pipe) with an "Exception ignored" traceback."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass   # not a real file (a test runner's buffer): nothing to flush at exit
