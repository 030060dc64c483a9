"""What a user limited to cameras sees beyond findings and footage: the audit records of
their cameras' findings and recordings and of their own doings, the lots that were in a room
their cameras watch or carried by their recorders, their own scan jobs, no nightly runs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServiceSettings
from tests.api.conftest import SampleScan, add_vault_auditor_and_run, confirm, sign_in


def test_camera_limited_users_read_only_their_cameras_records(
    settings: ServiceSettings, sample_scan: SampleScan
) -> None:
    add_vault_auditor_and_run(settings)
    app = create_app(settings)
    with TestClient(app) as anonymous:
        inspector, admin = sign_in(TestClient(app), "inspector"), sign_in(TestClient(app), "admin")
        phone, vault = sign_in(TestClient(app), "phone-inspector"), TestClient(app)
        vault_finding = next(f for f in sample_scan.findings if f.camera == "vault-a")
        phone_finding = next(f for f in sample_scan.findings if f.camera == "phone-2")
        confirm(inspector, vault_finding.id)
        confirm(inspector, phone_finding.id)
        assert (
            anonymous.post(
                "/api/auth/login", json={"username": "phone-inspector", "password": "wrong guess"}
            ).status_code
            == 401
        )
        queued = phone.post("/api/scan-jobs", json={"paths": ["handheld-1"]})
        assert queued.status_code == 202
        inspector.post("/api/scan-jobs", json={"paths": ["handheld-1"]})
        sign_in(vault, "vault-a-auditor")

        seen = [(i["actor"], i["action"], i["object_id"]) for i in all_audit(phone)]
        assert ("inspector", "finding.review", phone_finding.id) in seen
        assert ("phone-inspector", "login.failed", "phone-inspector") in seen
        assert ("phone-inspector", "scan.submit", str(queued.json()["id"])) in seen
        assert {object_id for _, _, object_id in seen} <= {
            phone_finding.id,
            "phone-inspector",
            str(queued.json()["id"]),
        }
        assert phone.get("/api/audit").json()["total"] == len(seen)
        assert len(all_audit(admin)) > len(seen)
        found = phone.get("/api/audit", params={"object_id": vault_finding.id}).json()
        assert found == {"items": [], "total": 0, "offset": 0, "limit": 50}

        # Lots: L2026-001 went from vault-2 to office-1 carried by phone-2.
        assert [lot["lot"] for lot in phone.get("/api/custody/lots").json()] == ["L2026-001"]
        assert vault.get("/api/custody/lots").json() == []
        assert vault.get("/api/custody/lot", params={"lot": "L2026-001"}).status_code == 404
        assert vault.get("/api/custody/events").json() == []
        assert len(phone.get("/api/custody/events").json()) == 3

        # Scan jobs: their own only; nightly runs: none.
        assert [j["submitted_by"] for j in phone.get("/api/scan-jobs").json()] == [
            "phone-inspector"
        ]
        assert len(admin.get("/api/scan-jobs").json()) == 2
        others = next(
            j for j in admin.get("/api/scan-jobs").json() if j["submitted_by"] != "phone-inspector"
        )
        assert phone.get(f"/api/scan-jobs/{others['id']}").status_code == 404
        assert phone.get("/api/nightly-runs").json() == []
        run_id = admin.get("/api/nightly-runs").json()[0]["id"]
        assert phone.get(f"/api/nightly-runs/{run_id}").status_code == 404


def all_audit(client: TestClient) -> list[dict]:  # type: ignore[type-arg]
    items: list[dict] = client.get("/api/audit", params={"limit": 500}).json()["items"]  # type: ignore[type-arg]
    return items
