"""Fakes for the web service tests: a signing key whose certificate a fake Google
session serves, a store with a Staff tab, and a sync job that can be held.

Tokens are real RS256 JWTs made with `cryptography` and google-auth's signer, so the service's
google-auth verification runs unchanged.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt
from requests.adapters import BaseAdapter

from sync.web.config import WebConfig

GOOGLE_ISSUER = "https://accounts.google.com"
ADDON_AUDIENCE = "1234-addon.apps.googleusercontent.com"
TEACHER = "teacher@school.example"
SCHEDULER_EMAIL = "tracker-cron@example-project.iam.gserviceaccount.com"
SCHEDULER_AUDIENCE = "https://tracker.example.org"
SCHOOL = "1SchoolSummarySpreadsheetId"
OTHER_SCHOOL = "1AnotherSchoolSpreadsheetId"
CERTS_URLS = ("https://www.googleapis.com/oauth2/v1/certs",
              "https://www.googleapis.com/oauth2/v3/certs")


@dataclass
class SigningKey:
    """An RSA key and its self-signed certificate, like one of Google's token-signing keys."""

    kid: str
    private_pem: bytes
    cert_pem: str

    @classmethod
    def generate(cls, kid: str) -> SigningKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, kid)])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
        private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        return cls(kid, private, cert.public_bytes(serialization.Encoding.PEM).decode())

    def mint(self, email: str, audience: str, *, issuer: str = GOOGLE_ISSUER,
             email_verified: bool = True, expires_in: int = 3600) -> str:
        """A Google-style ID token for `email`; a negative `expires_in` makes it expired."""
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "sub": "1" + str(abs(hash(email)))[:12],
                  "email": email, "email_verified": email_verified,
                  "iat": min(now, now + expires_in) - 60, "exp": now + expires_in}
        signer = crypt.RSASigner.from_string(self.private_pem, key_id=self.kid)
        return jwt.encode(signer, claims).decode()


class FakeGoogle(BaseAdapter):
    """A transport that serves Google's certificate endpoints and records every other request."""

    def __init__(self, certs: dict[str, str]) -> None:
        super().__init__()
        self.certs = certs
        self.requests: list[requests.PreparedRequest] = []
        self.answers: list[tuple[int, dict]] = []   # for non-certificate requests, in order

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        if request.method == "GET" and request.url in CERTS_URLS:
            return _response(request, 200, self.certs)
        self.requests.append(request)
        status, body = self.answers.pop(0) if self.answers else (200, {})
        return _response(request, status, body)

    def close(self) -> None:
        pass


def _response(request: requests.PreparedRequest, status: int, body: dict) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    response.url = request.url or ""
    response.request = request
    return response


def fake_google_session(*keys: SigningKey) -> tuple[requests.Session, FakeGoogle]:
    adapter = FakeGoogle({key.kid: key.cert_pem for key in keys})
    session = requests.Session()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter


@dataclass
class FakeStore:
    """A school with a Staff tab and, optionally, a Sync log and Problems from an earlier run."""

    display_name: str = "Test school"
    staff: list[list[object]] = field(default_factory=lambda: [
        ["Email", "Role"], ["teacher@school.example", "Teacher"], ["Head@School.example ", "head"],
        ["admin@school.example", "Admin"]])
    extra_tabs: dict[str, list[list[object]]] = field(default_factory=dict)
    reads: int = 0

    @contextmanager
    def lock(self):
        yield

    def read_summary(self) -> dict[str, list[list[object]]]:
        self.reads += 1
        return {"Settings": [["School name", "Test"]], "Staff": self.staff, **self.extra_tabs}


@dataclass
class FakeOutcome:
    school: str

    def summary_line(self) -> str:
        return f"Synced {self.school}: 2 workbooks read, 0 problems."

    def as_dict(self) -> dict[str, object]:
        return {"school": self.school, "workbooks_read": 2}


class FakeJob:
    """The sync job: counts runs per store; `hold()` makes runs wait until `release()`."""

    def __init__(self, fail_for: dict[str, Exception] | None = None) -> None:
        self.runs: list[str] = []
        self.full_runs: list[bool] = []
        self.fail_for = fail_for or {}
        self.started = threading.Event()
        self._gate = threading.Event()
        self._gate.set()
        self._guard = threading.Lock()

    def hold(self) -> None:
        self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    def __call__(self, store: FakeStore, *, full: bool = False) -> FakeOutcome:
        with self._guard:
            self.runs.append(store.display_name)
            self.full_runs.append(full)
        self.started.set()
        if not self._gate.wait(timeout=30):
            raise TimeoutError("the test never released the held sync")
        if store.display_name in self.fail_for:
            raise self.fail_for[store.display_name]
        return FakeOutcome(store.display_name)


def web_config(**changes: object) -> WebConfig:
    base = WebConfig(schools=(SCHOOL, OTHER_SCHOOL), oauth_audiences=(ADDON_AUDIENCE,),
                     scheduler_email=SCHEDULER_EMAIL, scheduler_audience=SCHEDULER_AUDIENCE)
    return WebConfig(**{**base.__dict__, **changes})
