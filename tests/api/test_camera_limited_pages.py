"""The review UI's audit, jobs and lots pages show a user limited to cameras what the REST API
shows them (`test_camera_limited_records.py`): their cameras' audit records and their own, their
own scan jobs, no nightly runs, and only the lots that touched their cameras."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServiceSettings
from tests.api.conftest import SampleScan, add_vault_auditor_and_run, confirm, sign_in


def test_pages_show_a_camera_limited_user_only_their_cameras(
    settings: ServiceSettings, sample_scan: SampleScan
) -> None:
    run_id = add_vault_auditor_and_run(settings)
    app = create_app(settings)
    with TestClient(app) as service:
        check_pages(service, app, sample_scan, run_id)


def check_pages(service: TestClient, app: FastAPI, sample_scan: SampleScan, run_id: int) -> None:
    inspector, admin = sign_in(TestClient(app), "inspector"), sign_in(service, "admin")
    phone, vault = sign_in(TestClient(app), "phone-inspector"), TestClient(app)
    sign_in(vault, "vault-a-auditor")
    vault_finding = next(f for f in sample_scan.findings if f.camera == "vault-a")
    phone_finding = next(f for f in sample_scan.findings if f.camera == "phone-2")
    for finding in (vault_finding, phone_finding):
        confirm(inspector, finding.id)
    assert inspector.post("/api/scan-jobs", json={"paths": ["handheld-1"]}).status_code == 202

    # Audit page: the phone user sees the review of their camera's finding, not vault-a's
    # (the page shows an object's id to 16 characters).
    audit = phone.get("/audit").text
    assert phone_finding.id[:16] in audit and vault_finding.id[:16] not in audit
    assert vault_finding.id[:16] in admin.get("/audit").text

    # Jobs page: another user's job and the nightly run are not listed for them.
    jobs = phone.get("/jobs").text
    assert "handheld-1" not in jobs and f"#{run_id}" not in jobs
    assert "handheld-1" in admin.get("/jobs").text

    # Lots: L2026-001 went from vault-2 to office-1 carried by phone-2, never near vault-a.
    assert "L2026-001" in phone.get("/lots").text
    assert "L2026-001" not in vault.get("/lots").text
    assert vault.get("/lots/view", params={"lot": "L2026-001"}).status_code == 404
    assert phone.get("/lots/view", params={"lot": "L2026-001"}).status_code == 200
