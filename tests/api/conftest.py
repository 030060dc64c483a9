"""The review service under test: the shipped sample videos scanned once per test session,
their results copied into each test's store (SQLite and PostgreSQL), four users, and a
client per role."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.counting import CountTimeline
from analyzer.custody import CustodyEvent
from analyzer.findings import Finding
from analyzer.recording import RecordingInfo
from analyzer.wallclock import time_zone
from api.app import create_app
from api.settings import ServiceSettings
from pipelines import scan
from pipelines.cli.custody import read_custody
from pipelines.detectors import DetectorCatalog, site_counting
from pipelines.scan_and_store import scan_and_store
from pipelines.site import load_site
from pipelines.store import (
    load_count_timelines,
    load_custody_events,
    load_findings,
    load_recordings,
    open_store,
    save_custody_events,
    save_scan_results,
)
from pipelines.store.nightly import start_run
from pipelines.store.users import Role, add_user

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_videos"
PASSWORD = "correct horse battery"
# name -> (role, cameras it may see; empty: all)
USERS = {
    "auditor": (Role.AUDITOR, ()),
    "inspector": (Role.INSPECTOR, ()),
    "admin": (Role.ADMIN, ()),
    "phone-inspector": (Role.INSPECTOR, ("phone-2",)),
}


@dataclass(frozen=True)
class SampleScan:
    """What `vaultwatch scan` stores for the shipped sample videos."""

    recordings: list[RecordingInfo]
    findings: list[Finding]
    timelines: list[CountTimeline]
    events: list[CustodyEvent]
    frames_dir: Path


@pytest.fixture(scope="session")
def sample_scan(tmp_path_factory: pytest.TempPathFactory) -> SampleScan:
    home = tmp_path_factory.mktemp("sample-scan-home")
    previous = os.environ.get("VAULTWATCH_HOME")
    os.environ["VAULTWATCH_HOME"] = str(home)
    try:
        site = load_site(SAMPLES / "site.yaml")
        zone = time_zone(site.timezone)
        engine = open_store(f"sqlite:///{home / 'scan.db'}")
        custody = read_custody(SAMPLES / "custody" / "custody.csv", site=site, zone=zone)
        catalog = DetectorCatalog()
        options = scan.ScanOptions(site=site, zone=zone, counting=site_counting(site, catalog))
        files = sorted(p for p in SAMPLES.rglob("*.mp4"))
        scan_and_store(engine, files, options, params={"command": "test"}, custody=custody)
        with Session(engine) as session:
            result = SampleScan(
                recordings=load_recordings(session),
                findings=load_findings(session),
                timelines=load_count_timelines(session),
                events=load_custody_events(session),
                frames_dir=home / "frames",
            )
        engine.dispose()
        return result
    finally:
        if previous is None:
            os.environ.pop("VAULTWATCH_HOME", None)
        else:
            os.environ["VAULTWATCH_HOME"] = previous


def fill_store(url: str, sample: SampleScan) -> None:
    """The sample scan's results and the users, saved into the empty store at `url`."""
    engine = open_store(url)
    try:
        with Session(engine) as session:
            save_custody_events(session, events=sample.events, source_sha256="0" * 64)
            save_scan_results(
                session,
                recordings=sample.recordings,
                findings=sample.findings,
                count_timelines=sample.timelines,
                analyzer_version=ANALYZER_VERSION,
                params={"command": "test"},
            )
            for name, (role, cameras) in USERS.items():
                add_user(
                    session,
                    username=name,
                    role=role,
                    password=PASSWORD,
                    cameras=cameras,
                    created_by="test",
                    created_at=datetime.now(UTC),
                )
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture
def settings(db_url: str, sample_scan: SampleScan, tmp_path: Path) -> ServiceSettings:
    fill_store(db_url, sample_scan)
    return ServiceSettings(
        db=db_url,
        media_roots=[SAMPLES],
        site=SAMPLES / "site.yaml",
        cache_dir=tmp_path / "cache",
    )


@pytest.fixture
def app_client(settings: ServiceSettings) -> Iterator[TestClient]:
    """An anonymous client of a fresh service."""
    with TestClient(create_app(settings)) as client:
        yield client


def sign_in(client: TestClient, name: str) -> TestClient:
    response = client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client


def confirm(client: TestClient, finding_id: str) -> None:
    """Confirm a finding through the API (an audited review decision)."""
    answer = client.patch(
        f"/api/findings/{finding_id}", json={"state": "confirmed", "comment": "ok"}
    )
    assert answer.status_code == 200, answer.text


def add_vault_auditor_and_run(settings: ServiceSettings) -> int:
    """An auditor limited to camera vault-a ("vault-a-auditor") and a nightly run in the
    store; returns the run's id."""
    engine = open_store(settings.db)
    with Session(engine) as session:
        add_user(
            session,
            username="vault-a-auditor",
            role=Role.AUDITOR,
            password=PASSWORD,
            cameras=("vault-a",),
            created_by="test",
            created_at=datetime.now(UTC),
        )
        run_id = start_run(session, backend="inprocess", at=datetime.now(UTC))
        session.commit()
    engine.dispose()
    return run_id


@pytest.fixture
def clients(settings: ServiceSettings) -> Iterator[dict[str, TestClient]]:
    """One client per identity of `USERS`, plus "anonymous", all on one service."""
    app = create_app(settings)
    with TestClient(app) as anonymous:
        signed = {}
        for name in USERS:
            client = TestClient(app)
            signed[name] = sign_in(client, name)
        yield {"anonymous": anonymous, **signed}
        for client in signed.values():
            client.close()
