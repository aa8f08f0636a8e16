"""Who may call the service: staff with a Google ID token, and the schedule.

Tokens are verified by google-auth (`verify_oauth2_token`: RS256 signature against Google's
certificates, expiry, audience, issuer). The certificates are fetched through the injected
`requests` session, the same transport as every other Google call, so tests serve their own.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import requests
from google.auth import exceptions as google_exceptions
from google.auth.transport.requests import Request
from google.oauth2 import id_token

from sync.errors import StoreUnavailable, TrackerError
from sync.store import Workbook

log = logging.getLogger(__name__)

ROLES_FOR_REPORTS = ("Head", "Admin")
ROLES_FOR_NEW_YEAR = ("Head", "Admin")


class Unauthenticated(TrackerError):
    """No credentials, or credentials that do not prove who is calling (HTTP 401)."""

    http_status = 401


class Forbidden(TrackerError):
    """A proven caller who may not do this (HTTP 403)."""

    http_status = 403


class NotConfigured(TrackerError):
    """The deployment lacks a setting this route needs (HTTP 503)."""

    http_status = 503


@dataclass(frozen=True)
class TokenVerifier:
    """Verifies Google-signed ID tokens, fetching certificates through `session`."""

    session: requests.Session

    def verify(self, authorization: str | None, audiences: Sequence[str]) -> Mapping[str, object]:
        """The claims of a valid `Bearer` token for one of `audiences` with a verified email."""
        if not audiences:
            # verify_oauth2_token skips the audience check when given none: never allow that.
            raise NotConfigured("This service has no audience configured for sign-in tokens.")
        token = _bearer(authorization)
        try:
            claims = id_token.verify_oauth2_token(
                token, Request(session=self.session), audience=list(audiences))
        except google_exceptions.TransportError as error:
            raise StoreUnavailable(
                "Google could not be reached to check your sign-in; try again in a minute."
            ) from error
        except (ValueError, google_exceptions.GoogleAuthError) as error:
            log.info("Refused a sign-in token: %s", error)
            raise Unauthenticated("Your sign-in could not be verified; sign in again.") from error
        if claims.get("email_verified") is not True or not claims.get("email"):
            raise Unauthenticated("Your Google account's email address is not verified.")
        return claims


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Sign in with your school Google account to use the tracker.")
    return token.strip()


def staff_role(summary: Workbook, email: str) -> str | None:
    """The caller's role (`Teacher`, `Head`, `Admin`) from the `Staff` tab, None when not listed.

    Tab and column names are found case-insensitively, as everywhere in the product; emails are
    compared without regard to case or surrounding spaces.
    """
    rows = next((rows for title, rows in summary.items()
                 if str(title).strip().casefold() == "staff"), [])
    if not rows:
        return None
    header = [str(cell or "").strip().casefold() for cell in rows[0]]
    if "email" not in header or "role" not in header:
        return None
    email_col, role_col = header.index("email"), header.index("role")
    wanted = email.strip().casefold()
    for row in rows[1:]:
        cells = list(row) + [None] * (max(email_col, role_col) + 1 - len(row))
        if str(cells[email_col] or "").strip().casefold() == wanted:
            return str(cells[role_col] or "").strip().title() or None
    return None


def require_staff(summary: Workbook, email: str, roles: Sequence[str] = ()) -> str:
    """The caller's role, or Forbidden when not in `Staff` or not in one of `roles`."""
    role = staff_role(summary, email)
    if role is None:
        raise Forbidden("Your email address is not in this school's Staff tab; ask your head "
                        "or admin to add it.")
    if roles and role not in roles:
        raise Forbidden("Only the head or an admin can do this; ask them to.")
    return role


def require_scheduler(headers: Mapping[str, str], *, on_app_engine: bool, verifier: TokenVerifier,
                      scheduler_email: str, scheduler_audience: str) -> str:
    """Accept App Engine cron (its header is only trusted on App Engine, which strips it from
    outside requests) or an OIDC token of the configured scheduler service account.
    Returns who called, in words, for the log."""
    if on_app_engine and headers.get("X-Appengine-Cron", "").lower() == "true":
        return "App Engine cron"
    if not scheduler_email:
        raise NotConfigured("This service has no scheduler account configured.")
    audiences = [scheduler_audience] if scheduler_audience else []
    claims = verifier.verify(headers.get("Authorization"), audiences)
    if str(claims["email"]).casefold() != scheduler_email.casefold():
        raise Forbidden("Only the scheduler's service account may start this task.")
    return "scheduler token"      # sync.web.service.SCHEDULER_TOKEN
