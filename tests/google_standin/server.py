"""The stand-in's HTTP server: auth, faults, quotas, schema checks and the request log around routes.

Requests arrive as ROOT/<google host>/<path>, the way TRACKER_GOOGLE_API_ROOT sends them.
"""
from __future__ import annotations

import json
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any
from urllib.parse import parse_qs, urlsplit

from . import oauth, routes
from .call import Call, Reply
from .faults import Faults, RequestInfo
from .model import ApiError
from .quotas import Quotas, exceeded_body
from .schemas import SchemaBug, check_response, violations
from .world import World

TOKEN_PATH = "/oauth2.googleapis.com/token"
CERTS = {"/www.googleapis.com/oauth2/v1/certs": oauth.certs_v1,
         "/www.googleapis.com/oauth2/v3/certs": oauth.certs_v3}
SCOPES = {  # which scopes let a token do what (Google's narrowest that work)
    ("sheets.v4", "read"): {"spreadsheets", "spreadsheets.readonly", "drive", "drive.readonly", "drive.file"},
    ("sheets.v4", "write"): {"spreadsheets", "drive", "drive.file"},
    ("drive.v3", "read"): {"drive", "drive.readonly", "drive.file", "drive.metadata.readonly",
                           "drive.metadata"},
    ("drive.v3", "write"): {"drive", "drive.file"},
    ("cloudtasks.v2", "read"): {"cloud-platform"},      # Cloud Tasks has no narrower scope
    ("cloudtasks.v2", "write"): {"cloud-platform"},
}
MAX_PAYLOAD = 10_485_760   # Sheets refuses a larger request body with a 400 (developers.google.com/sheets/api/limits)
FAULT_BODIES = {
    "429": (429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
    "500": (500, "INTERNAL", "Internal error encountered."),
    "503": (503, "UNAVAILABLE", "The service is currently unavailable."),
    "403": (403, "PERMISSION_DENIED", "The caller does not have permission"),
}


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    kind: str          # "read" | "write"
    status: int        # 0 when the connection was dropped
    email: str = ""

    def line(self) -> str:
        return json.dumps({"method": self.method, "path": self.path, "kind": self.kind,
                           "status": self.status})


@dataclass
class State:
    """What the handler threads share."""

    world: World = field(default_factory=World)
    accounts: oauth.Accounts = field(default_factory=oauth.Accounts)
    faults: Faults = field(default_factory=Faults)
    quotas: Quotas = field(default_factory=Quotas)
    requests: list[RequestRecord] = field(default_factory=list)
    auth_requests: list[RequestRecord] = field(default_factory=list)
    unknown_params: list[tuple[str, str]] = field(default_factory=list)   # (method id, name)
    schema_errors: list[str] = field(default_factory=list)
    log_file: IO[str] | None = None
    routes: list[routes.Route] = field(default_factory=routes.build)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, entry: RequestRecord) -> None:
        with self.lock:
            self.requests.append(entry)
            if self.log_file is not None:
                self.log_file.write(entry.line() + "\n")
                self.log_file.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1                       # one write per answer: no Nagle / delayed-ACK stalls
    disable_nagle_algorithm = True
    server: StandInServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: the request log is the record."""

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None,
              content_type: str = "application/json; charset=UTF-8", pretty: bool = True) -> None:
        """Google indents JSON answers unless the request says `prettyPrint=false`."""
        raw = body if isinstance(body, bytes) else (b"" if body is None else
                                                     json.dumps(body, indent=2 if pretty else None,
                                                                separators=None if pretty else (",", ":")).encode())
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)
        self.wfile.flush()

    def _serve(self) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        raw = self._body()
        if url.path == TOKEN_PATH and self.command == "POST":
            return self._token(raw)
        if url.path in CERTS:
            state.auth_requests.append(RequestRecord("GET", url.path, "read", 200))
            return self._send(200, CERTS[url.path]())
        found = routes.find(state.routes, self.command, url.path)
        if found is None:
            return self._send(404, {"error": {"code": 404, "message": "Method not found.",
                                              "status": "NOT_FOUND"}})
        route, params = found
        host = url.path.split("/")[1]
        caller = state.accounts.caller(self.headers.get("Authorization"), host, state.world.clock())
        with state.lock:
            number = len(state.requests) + 1
        info = RequestInfo(number, self.command, url.path, route.kind, caller.email if caller else "")
        fault = state.faults.pick(info)
        if fault is not None and fault.kind == "drop":
            state.record(RequestRecord(self.command, url.path, route.kind, 0, info.email))
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        status, body, headers, content_type = self._answer(route, params, query, raw, caller, fault)
        state.record(RequestRecord(self.command, url.path, route.kind, status, info.email))
        if fault is not None and fault.kind == "lost":     # done, but the answer never arrives
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(status, body, headers, content_type,
                   pretty=(query.get("prettyPrint") or ["true"])[0].lower() != "false")

    def _answer(self, route: routes.Route, params: dict[str, str], query: dict[str, list[str]],
                raw: bytes, caller: oauth.Token | None,
                fault: Any) -> tuple[int, Any, dict[str, str], str]:
        state = self.server.state
        json_type = "application/json; charset=UTF-8"
        if fault is not None and fault.kind in FAULT_BODIES:
            code, status, message = FAULT_BODIES[fault.kind]
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            return code, ApiError(code, status, message).body(), headers, json_type
        if len(raw) > MAX_PAYLOAD and route.service == "sheets.v4":
            return 400, ApiError(400, "INVALID_ARGUMENT", "Request payload size exceeds the limit: "
                                 f"{MAX_PAYLOAD} bytes.").body(), {}, json_type
        if caller is None:
            return 401, ApiError(401, "UNAUTHENTICATED", (
                "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                "login cookie or other valid authentication credential. See "
                "https://developers.google.com/identity/sign-in/web/devconsole-project.")).body(), \
                {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}, json_type
        allowed = SCOPES[(route.service, route.kind)]
        if "*" not in caller.scopes and not {s.removeprefix(oauth.SCOPE_ROOT) for s in caller.scopes} & allowed:
            return 403, ApiError(403, "PERMISSION_DENIED",
                                 "Request had insufficient authentication scopes.").body(), {}, json_type
        if route.service == "sheets.v4" and not state.quotas.take(caller.email, route.kind):
            return 429, exceeded_body(route.kind), {}, json_type
        for name in query:
            if name not in route.parameters:
                if (route.method_id, name) not in state.unknown_params:
                    print(f"stand-in: unknown query parameter {name!r} for {route.method_id}",
                          file=sys.stderr)
                state.unknown_params.append((route.method_id, name))
        if route.handler is None:
            return 501, ApiError(501, "UNIMPLEMENTED", f"The stand-in does not serve {route.method_id}.").body(), {}, json_type
        try:
            body = self._parse_body(route, query, raw)
            call = Call(route.method_id, params, query, body,
                        {k.lower(): v for k, v in self.headers.items()}, caller.email, state.world)
            with state.world.lock:
                result = route.handler(call)
        except ApiError as error:
            return error.code, error.body(), {}, json_type
        if isinstance(result, Reply):
            return result.status, result.content, {}, result.content_type
        if route.response_schema:
            try:
                check_response(route.service, route.response_schema, result)
            except SchemaBug as bug:
                state.schema_errors.append(str(bug))
                return 500, ApiError(500, "INTERNAL", "stand-in bug: response breaks the schema").body(), {}, json_type
        return 200, result, {}, json_type

    def _parse_body(self, route: routes.Route, query: dict[str, list[str]], raw: bytes) -> Any:
        if "uploadType" in query and query["uploadType"][0] in ("media", "multipart"):
            return raw
        if not route.request_schema:
            return None
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected token.") from None
        found = violations(route.service, route.request_schema, body, route.body_field)
        if found:
            raise ApiError(400, "INVALID_ARGUMENT", found[0].description,
                           [{"field": v.field, "description": v.description} for v in found])
        return body

    def _token(self, raw: bytes) -> None:
        state = self.server.state
        form = parse_qs(raw.decode())
        audience = ["https://oauth2.googleapis.com/token", f"{self.server.api_root}{TOKEN_PATH}"]
        try:
            if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
                raise oauth.TokenError("unsupported_grant_type")
            answer = state.accounts.exchange(form.get("assertion", [""])[0], audience, state.world.clock())
        except oauth.TokenError as refusal:
            state.auth_requests.append(RequestRecord("POST", TOKEN_PATH, "write", 400))
            return self._send(400, {"error": "invalid_grant", "error_description": str(refusal)})
        state.auth_requests.append(RequestRecord("POST", TOKEN_PATH, "write", 200))
        self._send(200, answer)


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, state: State) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.state = state

    @property
    def api_root(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (timeouts, dropped-connection faults) is not an error here."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
