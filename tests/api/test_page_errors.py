"""An unknown address or a bad parameter met by a page of the review UI is answered as a page
in the reader's language; the same met by the REST API stays JSON."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServiceSettings
from api.ui.i18n import ERROR_WORDS, LANGUAGE_COOKIE
from tests.api.conftest import sign_in


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/no-such-page", 404, "not_found"),
        ("/cameras/vault-a/day?day=not-a-day", 422, "invalid_request"),
        ("/findings?offset=-1", 422, "invalid_request"),
        ("/findings?kind=frozen_vidoe", 422, "invalid_request"),
    ],
)
def test_page_errors_are_pages(settings: ServiceSettings, path: str, status: int, code: str):
    with TestClient(create_app(settings)) as client:
        check_page_error(sign_in(client, "inspector"), path, status, code)


def check_page_error(client: TestClient, path: str, status: int, code: str) -> None:
    answer = client.get(path)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert ERROR_WORDS[code] in answer.text  # the Chinese page says what the code means
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = client.get(path)
    assert english.status_code == status and english.headers["content-type"].startswith("text/html")
    assert ERROR_WORDS[code] not in english.text


@pytest.mark.parametrize(
    "path", ["/api/no-such-thing", "/api/findings?offset=-1", "/api/findings?kind=frozen_vidoe"]
)
def test_api_errors_stay_json(settings: ServiceSettings, path: str):
    with TestClient(create_app(settings)) as client:
        answer = sign_in(client, "inspector").get(path)
    assert answer.status_code in (404, 422)
    assert answer.headers["content-type"].startswith("application/json")
    assert "error" in answer.json()
