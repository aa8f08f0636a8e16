"""OAuth as Google does it for service accounts: signed JWT in, access token out; ID tokens.

The stand-in issues service-account key files (a fresh RSA key each) and accepts only JWTs signed
with those keys. ID tokens for the web service's tests are signed with one process-wide key served
at the certs endpoints; `mint_id_token(..., key=other)` makes a forged one.
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

SKEW = 300  # seconds of clock skew Google tolerates
SCOPE_ROOT = "https://www.googleapis.com/auth/"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def certificate_pem(key: rsa.RSAPrivateKey, name: str) -> str:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@functools.cache
def service_account_key(email: str) -> rsa.RSAPrivateKey:
    """One key per service account per process: making RSA keys is slow, tests make many stand-ins."""
    return new_key()


@functools.cache
def id_token_key() -> tuple[str, rsa.RSAPrivateKey]:
    """The key (kid, private key) that signs ID tokens, one per process."""
    return secrets.token_hex(20), new_key()


def certs_v1() -> dict[str, str]:
    kid, key = id_token_key()
    return {kid: certificate_pem(key, "accounts.google.com")}


def certs_v3() -> dict[str, Any]:
    kid, key = id_token_key()
    numbers = key.public_key().public_numbers()

    def b64(number: int) -> str:
        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return {"keys": [{"kid": kid, "kty": "RSA", "alg": "RS256", "use": "sig",
                      "n": b64(numbers.n), "e": b64(numbers.e)}]}


def mint_id_token(email: str, audience: str, *, issuer: str = "https://accounts.google.com",
                  email_verified: bool = True, expires_in: int = 3600,
                  key: rsa.RSAPrivateKey | None = None) -> str:
    """A Google ID token as ScriptApp.getIdentityToken() or Cloud Scheduler would send.

    Signed with the stand-in's key (served at /www.googleapis.com/oauth2/v1/certs) unless `key`
    is given: any other key makes a forged token that verification must refuse.
    """
    kid, own = id_token_key()
    now = int(time.time())
    payload = {"iss": issuer, "aud": audience, "azp": audience, "sub": str(abs(hash(email)) % 10**21),
               "email": email, "email_verified": email_verified, "iat": now,
               "exp": now + expires_in}
    signer = crypt.RSASigner.from_string(private_pem(key or own), key_id=kid)
    return jwt.encode(signer, payload).decode()


class TokenError(Exception):
    """The token endpoint's refusal: {"error": "invalid_grant", "error_description": ...}."""


@dataclass
class Token:
    email: str
    scopes: frozenset[str]
    expires: float


@dataclass
class Accounts:
    """Service accounts the stand-in issued, and the access tokens it handed out."""

    keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # key id -> (email, public PEM)
    tokens: dict[str, Token] = field(default_factory=dict)

    def key_file(self, email: str, token_uri: str, project: str = "standin-project") -> dict[str, str]:
        """A service-account key file (as JSON) whose token_uri points at the stand-in."""
        key = service_account_key(email)
        key_id = secrets.token_hex(20)
        self.keys[key_id] = (email, certificate_pem(key, email))
        return {"type": "service_account", "project_id": project, "private_key_id": key_id,
                "private_key": private_pem(key), "client_email": email,
                "client_id": str(abs(hash(email)) % 10**21),
                "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
                "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                "client_x509_cert_url": token_uri.replace("/token", f"/certs/{email}")}

    def exchange(self, assertion: str, audience: list[str], now: float) -> dict[str, Any]:
        """Check a JWT-bearer assertion (RS256, a key we issued, iss, aud, exp, scope)."""
        claims = self._verify(assertion, audience, now)
        scopes = frozenset(str(claims.get("scope", "")).split())
        if not scopes:
            raise TokenError("invalid_scope: Empty or missing scope not allowed.")
        token = "ya29.standin-" + secrets.token_urlsafe(32)
        self.tokens[token] = Token(claims["iss"], scopes, now + 3600)
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _verify(self, assertion: str, audience: list[str] | None, now: float) -> dict[str, Any]:
        try:
            header = jwt.decode_header(assertion)
        except (ValueError, TypeError):
            raise TokenError("Invalid JWT: malformed.") from None
        if header.get("alg") != "RS256" or header.get("kid") not in self.keys:
            raise TokenError("Invalid JWT Signature.")
        email, cert = self.keys[header["kid"]]
        try:
            claims = jwt.decode(assertion, certs=cert, verify=True, audience=audience,
                                clock_skew_in_seconds=SKEW)
        except ValueError as error:
            raise TokenError(f"Invalid JWT: {error}") from None
        if claims.get("iss") != email:
            raise TokenError("Invalid JWT: iss does not match the key's service account.")
        if claims["exp"] - claims["iat"] > 3600 + SKEW or claims["exp"] < now - SKEW:
            raise TokenError("Invalid JWT: Token must be a short-lived token (60 minutes) "
                             "and in a reasonable timeframe.")
        return claims

    def caller(self, authorization: str | None, host: str, now: float) -> Token | None:
        """Who a request's Bearer token belongs to: an access token or a self-signed JWT."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        token = authorization[len("Bearer "):].strip()
        known = self.tokens.get(token)
        if known is not None:
            return known if known.expires > now else None
        try:
            claims = self._verify(token, None, now)
        except TokenError:
            return None
        if claims.get("aud") not in (f"https://{host}/", f"https://{host}"):
            return None
        return Token(claims["iss"], frozenset({"*"}), claims["exp"])
