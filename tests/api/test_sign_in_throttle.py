"""Failed sign-ins, HTTP Basic included, are audited, and password guessing is throttled per
user name and per client address (429 with Retry-After), in this process by default or
across every worker of one store."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServiceSettings
from api.throttle import LedgerKind, retry_after
from tests.api.conftest import PASSWORD, sign_in


def basic(name: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def login(client: TestClient, name: str, password: str) -> int:
    answer = client.post("/api/auth/login", json={"username": name, "password": password})
    return answer.status_code


@pytest.mark.parametrize(
    ("times", "limit", "now", "wait"),
    [
        ([], 5, 100.0, None),
        ([10, 20, 30, 40], 5, 100.0, None),
        ([10, 20, 30, 40, 50], 5, 100.0, 810.0),
        ([10, 20, 30, 40, 50, 60], 5, 100.0, 820.0),
        ([10, 20, 30, 40, 50], 5, 1000.0, None),  # the window has slid past them
        ([10, 20, 30, 40, 50], 5, 909.5, 1.0),  # never less than a second
    ],
)
def test_retry_after(times: list[float], limit: int, now: float, wait: float | None) -> None:
    assert retry_after(times, limit, 900.0, now) == wait


def test_a_failed_basic_sign_in_is_audited(clients: dict[str, TestClient]) -> None:
    anonymous = clients["anonymous"]
    refused = anonymous.get("/api/findings", headers=basic("inspector", "wrong password"))
    assert refused.status_code == 401
    assert "Basic" in refused.headers["www-authenticate"]
    trail = clients["admin"].get("/api/audit", params={"actor": "inspector"})
    failed = [i for i in trail.json()["items"] if i["action"] == "login.failed"]
    assert len(failed) == 1 and failed[0]["detail"] == {"via": "basic"}
    assert failed[0]["client"] == "testclient"


def test_guessing_one_users_password_is_throttled(settings: ServiceSettings) -> None:
    with TestClient(create_app(settings)) as client:
        for _ in range(5):
            assert client.get("/api/findings", headers=basic("admin", "guess-1")).status_code == 401
        # Past the limit even the right password is not checked.
        throttled = client.get("/api/findings", headers=basic("admin", PASSWORD))
        assert throttled.status_code == 429
        assert throttled.json()["error"]["code"] == "too_many_requests"
        assert 800 <= int(throttled.headers["retry-after"]) <= 900
        assert login(client, "admin", PASSWORD) == 429
        # Another name from the same address is still let in.
        assert login(client, "auditor", PASSWORD) == 200


def test_guessing_from_one_address_is_throttled(settings: ServiceSettings) -> None:
    settings = settings.model_copy(update={"sign_in_failures_per_address": 3})
    with TestClient(create_app(settings)) as client:
        for name in ("auditor", "inspector", "nobody"):
            assert login(client, name, "guess-1") == 401
        assert login(client, "admin", PASSWORD) == 429


@pytest.fixture
def two_workers(settings: ServiceSettings) -> Iterator[tuple[TestClient, TestClient]]:
    shared = settings.model_copy(update={"sign_in_ledger": LedgerKind.STORE})
    with TestClient(create_app(shared)) as one, TestClient(create_app(shared)) as two:
        yield one, two


def test_workers_on_one_store_share_the_count(two_workers: tuple[TestClient, TestClient]) -> None:
    one, two = two_workers
    for client in (one, two, one, two, one):
        assert login(client, "inspector", "guess-1") == 401
    assert login(two, "inspector", PASSWORD) == 429
    assert sign_in(one, "auditor").get("/api/auth/me").status_code == 200
