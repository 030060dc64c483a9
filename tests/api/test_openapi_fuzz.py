"""Schemathesis drives every operation of the OpenAPI document with generated requests, as
an admin (who may reach every endpoint): no request may end in a server error, and every
client error is this API's JSON error."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from api.app import create_app
from api.settings import ServiceSettings
from tests.api.conftest import SAMPLES, SampleScan, fill_store, sign_in

# Cases per operation: enough to hit every parameter's edges (the coverage phase adds the
# boundary values of each constraint), few enough for a CI run.
EXAMPLES = 25


@pytest.fixture
def admin_app(sample_scan: SampleScan, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    fill_store(url, sample_scan)
    app = create_app(
        ServiceSettings(
            db=url, media_roots=[SAMPLES], site=SAMPLES / "site.yaml", cache_dir=tmp_path / "c"
        )
    )
    with TestClient(app) as client:
        sign_in(client, "admin")
        app.state.admin_cookie = client.cookies.get("vaultwatch_session")
        yield app


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_ends_in_a_server_error(admin_app, mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    """Valid requests (positive) and requests breaking the schema (negative) alike."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", admin_app)
    cookie = {"vaultwatch_session": admin_app.state.admin_cookie}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        # Logging out would end the admin's session for the operations after it.
        if operation.path == "/api/auth/logout":
            continue
        operations += 1

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(cookies=cookie)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.text[:200]}")
            elif response.status_code >= 400:
                assert response.json()["error"]["code"], response.text

        try:
            exercise()
        except Unsatisfiable:
            # An operation without parameters or body has no invalid request to make.
            if mode is not GenerationMode.NEGATIVE:
                raise
            operations -= 1
    assert operations >= 15
    assert not failures, "\n".join(failures[:20])
