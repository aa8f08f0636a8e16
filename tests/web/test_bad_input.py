"""The web service under hostile requests (issue 13): a body is never read before the caller is
known, bodies have a size limit, and JSON nested too deep is a 400, never a 500."""
from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest

from tests.web.fakes import SCHOOL


class CountingStream(io.BytesIO):
    """A request body that remembers whether anybody read it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readinto(self, buffer) -> int:
        count = super().readinto(buffer)
        self.read_bytes += count
        return count

    def read1(self, size: int | None = -1) -> bytes:
        chunk = super().read1(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.read_bytes += len(line)
        return line


@pytest.mark.parametrize("route", ["sync", "reports"])
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
def test_an_unauthenticated_request_is_refused_before_its_body_is_read(
        school: School, route: str, authorization: str | None) -> None:
    body = CountingStream(b'{"spreadsheetId": "' + SCHOOL.encode() + b'", "pad": "' + b"x" * 50_000 + b'"}')
    headers = {"Content-Type": "application/json"}
    if authorization:
        headers["Authorization"] = authorization
    answer = school.client.post(f"/api/{route}", input_stream=body, headers=headers,
                                content_length=len(body.getvalue()))
    assert answer.status_code == 401
    assert body.read_bytes == 0
    assert school.opened == []


def test_a_body_over_the_limit_is_413_with_a_sentence(school: School) -> None:
    app = school.app
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit and limit <= 1 << 20
    answer = school.client.post("/api/sync", data=b"{" + b" " * limit + b"}",
                                headers={"Authorization": f"Bearer {school.token()}",
                                         "Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json["error"].endswith(".")


@pytest.mark.parametrize("depth", [2_000, 20_000])
def test_deeply_nested_json_is_400_not_500(school: School, depth: int) -> None:
    body = b"[" * depth + b"]" * depth
    answer = school.client.post("/api/sync", data=body,
                                headers={"Authorization": f"Bearer {school.token()}",
                                         "Content-Type": "application/json"})
    assert answer.status_code == 400
    assert "JSON" in answer.json["error"]

if TYPE_CHECKING:
    from tests.web.conftest import School
