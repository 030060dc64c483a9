"""How the service is set up: users from the command line, sign-in by a reverse proxy, scan
jobs a stopped service left behind."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.app import create_app
from api.settings import AuthMode, ServiceSettings
from pipelines.cli import main
from pipelines.store import open_store
from pipelines.store.audit import load_audit, verify_chain
from pipelines.store.scan_jobs import claim_job, get_job, submit_job
from pipelines.store.users import authenticate
from tests.api.conftest import SAMPLES


def test_users_are_added_from_the_command_line(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    argv = ["users", "add", "zhang", "--role", "admin", "--password-stdin", "--db", db_url]
    assert main(argv) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("another password\n"))
    assert main(argv) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["users", "add", "li", "--role", "auditor", "--no-password", "--camera",
                 "vault-a", "--db", db_url]) == 0  # fmt: skip
    assert main(["users", "list", "--db", db_url]) == 0
    listed = capsys.readouterr().out
    assert "zhang\tadmin\tall cameras" in listed and "li\tauditor\tvault-a" in listed
    engine = open_store(db_url)
    with Session(engine) as session:
        assert authenticate(session, username="zhang", password="a long password") is not None
        records = load_audit(session)
        assert [(r.entry.action, r.entry.object_id) for r in records] == [
            ("user.create", "zhang"),
            ("user.create", "li"),
        ]
        assert verify_chain(session).intact
    engine.dispose()


def test_a_trusted_proxy_names_the_user(settings: ServiceSettings) -> None:
    behind = settings.model_copy(update={"auth": AuthMode.PROXY, "trusted_proxies": ["testclient"]})
    with TestClient(create_app(behind)) as client:
        headers = {"X-Remote-User": "inspector"}
        assert client.get("/api/auth/me", headers=headers).json()["role"] == "inspector"
        assert client.get("/api/auth/me", headers={"X-Remote-User": "nobody"}).status_code == 401
        assert client.get("/api/auth/me").status_code == 401
        signing_in = client.post("/api/auth/login", json={"username": "a", "password": "b"})
        assert signing_in.status_code == 409
    untrusted = behind.model_copy(update={"trusted_proxies": ["10.0.0.1"]})
    with TestClient(create_app(untrusted)) as client:
        assert client.get("/api/auth/me", headers={"X-Remote-User": "admin"}).status_code == 401


@pytest.mark.video
def test_jobs_left_running_by_a_stopped_service_are_run_again(settings: ServiceSettings) -> None:
    engine = open_store(settings.db)
    with Session(engine) as session:
        job = submit_job(
            session,
            paths=[str(SAMPLES / "handheld-1")],
            submitted_by="inspector",
            at=datetime.now(UTC),
        )
        assert claim_job(session, job_id=job.id, at=datetime.now(UTC))
        session.commit()
    with TestClient(create_app(settings)):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with Session(engine) as session:
                state = get_job(session, job_id=job.id)
            assert state is not None
            if state.state.value in ("done", "failed"):
                break
            time.sleep(0.2)
    engine.dispose()
    assert state.state.value == "done" and state.recordings == 1, state
