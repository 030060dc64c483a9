"""Input no client should send still gets a 4xx JSON error, never a plain-text 500: a
non-ASCII cookie or Basic header, dates at the ends of the calendar, thousands of repeated
filter parameters, paths too long for the file system."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api import sessions
from api.app import create_app
from api.settings import ServiceSettings
from tests.api.conftest import sign_in


@pytest.fixture
def tolerant(settings: ServiceSettings) -> Iterator[dict[str, TestClient]]:
    """Clients that hand back a server error as a response instead of raising it."""
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        admin = sign_in(TestClient(app, raise_server_exceptions=False), "admin")
        inspector = sign_in(TestClient(app, raise_server_exceptions=False), "inspector")
        yield {"anonymous": anonymous, "admin": admin, "inspector": inspector}


def json_error(response, status: int) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text[:300]
    code: str = response.json()["error"]["code"]
    return code


def test_non_ascii_tokens_are_nobody(tolerant: dict[str, TestClient]) -> None:
    assert sessions.read("é.é", b"k" * 32, now=0.0) is None
    anonymous = tolerant["anonymous"]
    cookie = {"Cookie": "vaultwatch_session=abc.déf".encode()}
    assert json_error(anonymous.get("/api/findings", headers=cookie), 401) == "unauthenticated"
    basic = {"Authorization": "Basic wrong-é".encode()}
    assert json_error(anonymous.get("/api/findings", headers=basic), 401) == "unauthenticated"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/findings", {"since": "0001-01-01T00:00:00+14:00"}),
        ("/api/findings", {"until": "0001-01-01T00:00:00+14:00"}),
        ("/api/findings", {"since": "9999-12-31T23:59:59-12:00"}),
        ("/api/cameras/vault-a/day", {"day": "0001-01-01"}),
        ("/api/cameras/vault-a/day", {"day": "9999-12-31"}),
    ],
)
def test_dates_at_the_ends_of_the_calendar(
    tolerant: dict[str, TestClient], path: str, params: dict[str, str]
) -> None:
    assert json_error(tolerant["admin"].get(path, params=params), 422) == "invalid_request"


@pytest.mark.parametrize("name", ["camera", "kind", "severity"])
def test_thousands_of_repeated_filters(tolerant: dict[str, TestClient], name: str) -> None:
    params = [(name, "high" if name == "severity" else "x")] * 2000
    answer = tolerant["admin"].get("/api/findings", params=params)
    assert json_error(answer, 422) == "invalid_request"
    assert "query parameters" in answer.json()["error"]["message"]
    # A page of the UI is refused alike, before anything is parsed.
    assert tolerant["admin"].get("/findings", params=params).status_code == 422


@pytest.mark.parametrize(
    "path", ["a" * 5000, "a/" * 3000, ("x" * 256 + "/") * 3, "x" * 300 + "/ch01.mp4"]
)
def test_paths_too_long_for_the_file_system(tolerant: dict[str, TestClient], path: str) -> None:
    answer = tolerant["inspector"].post("/api/scan-jobs", json={"paths": [path]})
    assert json_error(answer, 422) == "invalid_request"
