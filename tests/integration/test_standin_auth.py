"""OAuth through the stand-in: google-auth's real service-account sign-in, and ID tokens."""
from __future__ import annotations

import json

import pytest
import requests
from google.auth import crypt, jwt
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import id_token, service_account

from tests.google_standin import StandIn, mint_id_token
from tests.google_standin.oauth import new_key, private_pem

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]


class ToStandIn(requests.adapters.HTTPAdapter):
    """Sends https://<google host>/path to ROOT/<google host>/path, as TRACKER_GOOGLE_API_ROOT does."""

    def __init__(self, root: str) -> None:
        super().__init__()
        self.root = root

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        request.url = request.url.replace("https://", f"{self.root}/", 1)
        return super().send(request, **kwargs)


def session_to(standin: StandIn) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.mount("https://", ToStandIn(standin.api_root))
    return session


def test_google_auth_signs_in_through_the_token_endpoint_and_reads(standin) -> None:
    book = standin.create_spreadsheet("4B", {"Pupils": [["UPN"]]})
    credentials = service_account.Credentials.from_service_account_file(str(standin.key_file), scopes=SCOPES)
    api = AuthorizedSession(credentials)
    api.trust_env = False
    answer = api.get(f"{standin.api_root}/sheets.googleapis.com/v4/spreadsheets/{book}/values/Pupils")
    assert answer.status_code == 200
    assert answer.json()["values"] == [["UPN"]]
    assert credentials.token.startswith("ya29.")
    assert [r.status for r in standin.state.auth_requests] == [200]


def test_a_jwt_signed_with_a_key_the_stand_in_never_issued_is_refused(standin) -> None:
    issued = json.loads(standin.key_file.read_text())
    forged = dict(issued, private_key=private_pem(new_key()))
    credentials = service_account.Credentials.from_service_account_info(forged, scopes=SCOPES)
    with pytest.raises(Exception, match="invalid_grant"):
        credentials.refresh(Request(session_to(standin)))


def test_an_expired_assertion_is_refused(standin) -> None:
    issued = json.loads(standin.key_file.read_text())
    signer = crypt.RSASigner.from_service_account_info(issued)
    assertion = jwt.encode(signer, {"iss": issued["client_email"], "aud": standin.token_uri,
                                    "scope": SCOPES[0], "iat": 1_000_000, "exp": 1_003_600}).decode()
    answer = requests.post(standin.token_uri, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_requests_without_a_valid_bearer_token_are_unauthenticated(standin) -> None:
    book = standin.create_spreadsheet("4B")
    for headers in ({}, {"Authorization": "Bearer made-up"}):
        answer = requests.get(f"{standin.api_root}/sheets.googleapis.com/v4/spreadsheets/{book}", headers=headers)
        assert answer.status_code == 401
        assert answer.json()["error"]["status"] == "UNAUTHENTICATED"


def test_a_token_without_a_drive_scope_cannot_list_files(standin) -> None:
    token = standin.access_token(scopes=("https://www.googleapis.com/auth/spreadsheets",))
    answer = requests.get(f"{standin.api_root}/www.googleapis.com/drive/v3/files",
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403


def test_id_tokens_verify_with_the_stand_ins_certs_and_forged_ones_do_not(standin) -> None:
    request = Request(session_to(standin))
    token = mint_id_token("head@school.example", "https://tracker.example")
    claims = id_token.verify_oauth2_token(token, request, audience="https://tracker.example")
    assert claims["email"] == "head@school.example" and claims["email_verified"] is True
    forged = mint_id_token("head@school.example", "https://tracker.example", key=new_key())
    with pytest.raises(ValueError):
        id_token.verify_oauth2_token(forged, request, audience="https://tracker.example")
    expired = mint_id_token("head@school.example", "https://tracker.example", expires_in=-3600)
    with pytest.raises(ValueError):
        id_token.verify_oauth2_token(expired, request, audience="https://tracker.example")
