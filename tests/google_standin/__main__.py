"""python -m tests.google_standin --port N --load SCHOOL_FOLDER [--log FILE] [--dump DIR]

Prints one JSON line {"spreadsheet_id", "key_file", "api_root"}, serves until SIGTERM or Ctrl-C,
then writes every spreadsheet as DIR/<title>.xlsx when --dump is given.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from . import TEACHER, StandIn
from .load import dump_all, load_school


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.google_standin", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--load", type=Path, help="a local-mode school folder to serve")
    parser.add_argument("--log", type=Path, help="one JSON line per API request")
    parser.add_argument("--dump", type=Path, help="where to write every spreadsheet on exit")
    args = parser.parse_args(argv)
    log = args.log.open("a", encoding="utf-8") if args.log else None
    standin = StandIn(args.port, log_file=log)
    spreadsheet_id = ""
    if args.load:
        with standin.world.lock:
            spreadsheet_id = load_school(standin.world, args.load, TEACHER, standin.service_account)
            for item in standin.world.files.values():
                item.shared_with.add(standin.service_account)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    standin.start()
    print(json.dumps({"spreadsheet_id": spreadsheet_id, "key_file": str(standin.key_file),
                      "api_root": standin.api_root}), flush=True)
    stop.wait()
    standin.stop()
    if args.dump:
        with standin.world.lock:
            dump_all(standin.world, args.dump)
    if log:
        log.close()
    if standin.schema_errors:
        print("\n".join(standin.schema_errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
