"""The Cloud Storage emulator from PyPI (`gcp-storage-emulator`), run by the tests on 127.0.0.1.

    python -m tests.gcs_emulator PORT BUCKET [BUCKET ...]

The emulator as published (2026.7.19) ignores Cloud Storage's request preconditions: two uploads
with `ifGenerationMatch=0` both succeed, where Google answers the second 412
(`test_lease.test_the_published_emulator_ignores_preconditions` keeps that fact checked). The lease
rests on them, so this launcher adds them and nothing else: before the emulator handles an upload or
a delete carrying `ifGenerationMatch=N`, the object's current generation (0 when there is none) must
be N, else the answer is 412 as Google's. The emulator serves one request at a time (a plain
`http.server.HTTPServer`), so the check and the write cannot interleave with another request.
Everything else is the emulator's own.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, unquote, urlsplit

import requests

ROOT = "/storage/v1/b/"
UPLOAD_ROOT = "/upload/storage/v1/b/"


def _target(path: str, query: dict[str, list[str]]) -> tuple[str, str] | None:
    """(bucket, object name) of an upload or a single-object call, else None."""
    if path.startswith(UPLOAD_ROOT) and path.endswith("/o") and "name" in query:
        return path[len(UPLOAD_ROOT):-2], query["name"][0]
    if path.startswith(ROOT) and "/o/" in path:
        bucket, name = path[len(ROOT):].split("/o/", 1)
        return bucket, unquote(name)
    return None


def add_preconditions() -> None:
    """Make the emulator's router honour `ifGenerationMatch` on POST and DELETE."""
    from gcp_storage_emulator import server
    from gcp_storage_emulator.exceptions import NotFound

    handle = server.Router.handle

    def with_preconditions(self, method):  # type: ignore[no-untyped-def]
        request = self._request_handler
        parts = urlsplit(request.path)
        query = parse_qs(parts.query)
        target = _target(parts.path, query)
        if method in ("POST", "DELETE") and "ifGenerationMatch" in query and target:
            try:
                current = int(request.storage.get_file_obj(*target)["generation"])
            except NotFound:
                current = 0
            if current != int(query["ifGenerationMatch"][0]):
                length = int(request.headers.get("Content-Length") or 0)
                if length:
                    request.rfile.read(length)
                body = json.dumps({"error": {"code": 412, "message":
                                             "At least one of the pre-conditions you specified did not hold."}}).encode()
                request.send_response(412)
                request.send_header("Content-Type", "application/json")
                request.send_header("Content-Length", str(len(body)))
                request.end_headers()
                request.wfile.write(body)
                return None
        return handle(self, method)

    server.Router.handle = with_preconditions


def serve(port: int, buckets: list[str], preconditions: bool = True) -> None:
    import socketserver

    socketserver.TCPServer.request_queue_size = 128   # many contenders connect at once
    from gcp_storage_emulator.handlers import buckets as bucket_handlers
    from gcp_storage_emulator.server import create_server

    if preconditions:
        add_preconditions()
    emulator = create_server("127.0.0.1", port, in_memory=True)
    for name in buckets:
        bucket_handlers.create_bucket(name, emulator._storage)
    emulator.run()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_emulator(*buckets: str, preconditions: bool = True) -> Iterator[str]:
    """Start the emulator in its own process; yield its root URL; stop it after."""
    port = free_port()
    args = [sys.executable, "-m", "tests.gcs_emulator", str(port), *buckets]
    if not preconditions:
        args.append("--as-published")
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(root + "/", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None:
                raise RuntimeError("the Cloud Storage emulator did not start")
            time.sleep(0.05)   # waiting for a server to come up, not timing anything
        else:
            raise RuntimeError("the Cloud Storage emulator did not answer")
        yield root
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    published = "--as-published" in arguments
    arguments = [a for a in arguments if a != "--as-published"]
    serve(int(arguments[0]), arguments[1:], preconditions=not published)
