"""Every API endpoint against every role: anonymous, auditor, inspector, admin.

The table is the access policy written down; `test_every_route_is_in_the_matrix` fails when
an endpoint is added without a row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.api.conftest import SampleScan

ROLES = ("anonymous", "auditor", "inspector", "admin")


@dataclass(frozen=True)
class Cell:
    method: str
    path: str
    # Expected status for anonymous, auditor, inspector, admin.
    expected: tuple[int, int, int, int]
    body: Any = None


READ = (401, 200, 200, 200)
ADMIN = (401, 403, 403, 200)


def matrix(finding: str, recording: str) -> list[Cell]:
    return [
        Cell("GET", "/api/auth/me", READ),
        Cell("GET", "/api/findings", READ),
        Cell("GET", f"/api/findings/{finding}", READ),
        # The inspector decides first; the admin passes the role check and meets the decision.
        Cell(
            "PATCH",
            f"/api/findings/{finding}",
            (401, 403, 200, 409),
            {"state": "dismissed", "comment": "x"},
        ),
        Cell("GET", f"/api/findings/{finding}/clip", READ),
        Cell("GET", f"/api/findings/{finding}/thumbnail", READ),
        Cell("GET", f"/api/findings/{finding}/counts", READ),
        Cell("GET", f"/api/findings/{finding}/detections?at=0", (401, 422, 422, 422)),
        Cell("GET", "/api/recordings", READ),
        Cell("GET", f"/api/recordings/{recording}", READ),
        Cell("GET", f"/api/recordings/{recording}/video", READ),
        Cell("GET", f"/api/recordings/{recording}/download", READ),
        Cell("GET", "/api/custody/lots", READ),
        Cell("GET", "/api/custody/lot?lot=L2026-001", READ),
        Cell("GET", "/api/custody/events", READ),
        Cell("GET", "/api/rooms", READ),
        Cell("GET", "/api/cameras", READ),
        Cell("GET", "/api/cameras/vault-a/day?day=2026-11-24", READ),
        Cell("POST", "/api/scan-jobs", (401, 403, 202, 202), {"paths": ["handheld-1"]}),
        Cell("GET", "/api/scan-jobs", READ),
        Cell("GET", "/api/scan-jobs/1", READ),
        Cell("GET", "/api/scan-jobs/99", (401, 404, 404, 404)),
        Cell("GET", "/api/nightly-runs", READ),
        Cell("GET", "/api/nightly-runs/1", (401, 404, 404, 404)),
        Cell("GET", "/api/users", ADMIN),
        Cell(
            "POST",
            "/api/users",
            (401, 403, 403, 201),
            {"username": "new", "role": "auditor", "password": "long enough"},
        ),
        Cell("GET", "/api/models", ADMIN),
        Cell("GET", "/api/audit", READ),
        Cell("GET", "/api/audit/verify", ADMIN),
        # Last: it ends the session.
        Cell("POST", "/api/auth/logout", (204, 204, 204, 204)),
    ]


def _route_key(method: str, path: str) -> tuple[str, str]:
    return method, path.split("?")[0]


def test_role_endpoint_matrix(clients: dict[str, TestClient], sample_scan: SampleScan) -> None:
    finding = next(f for f in sample_scan.findings if f.kind.value == "frozen_video")
    recording = finding.recording_sha256
    assert recording is not None
    failures = []
    for cell in matrix(finding.id, recording):
        for role, expected in zip(ROLES, cell.expected, strict=True):
            response = clients[role].request(cell.method, cell.path, json=cell.body)
            if response.status_code != expected:
                failures.append(
                    f"{role:9} {cell.method} {cell.path}: {response.status_code} "
                    f"(expected {expected}) {response.text[:120]}"
                )
            if response.status_code >= 400:
                assert response.json()["error"]["code"], cell.path
    assert not failures, "\n".join(failures)


def test_every_route_is_in_the_matrix(app_client: TestClient) -> None:
    templates = {
        "/api/findings/{finding_id}",
        "/api/findings/{finding_id}/clip",
        "/api/findings/{finding_id}/thumbnail",
        "/api/findings/{finding_id}/counts",
        "/api/findings/{finding_id}/detections",
        "/api/recordings/{sha256}",
        "/api/recordings/{sha256}/video",
        "/api/recordings/{sha256}/download",
        "/api/cameras/{camera}/day",
        "/api/scan-jobs/{job_id}",
        "/api/nightly-runs/{run_id}",
    }
    covered = set()
    for cell in matrix("{finding_id}", "{sha256}"):
        method, path = _route_key(cell.method, cell.path)
        path = path.replace("/vault-a/", "/{camera}/")
        path = path.replace("/scan-jobs/1", "/scan-jobs/{job_id}").replace("{job_id}9", "{job_id}")
        path = path.replace("/nightly-runs/1", "/nightly-runs/{run_id}")
        covered.add((method, path))
    routes = {
        (method, route.path)
        for route in app_client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and route.path.startswith("/api/")
        for method in route.methods
        if route.path != "/api/auth/login"  # signing in is tested on its own
    }
    assert routes - covered == set()
    assert {p for _, p in covered if "{" in p} <= templates


@pytest.mark.parametrize("role", ["auditor", "inspector", "admin"])
def test_a_user_limited_to_cameras_sees_nothing_else(
    clients: dict[str, TestClient], sample_scan: SampleScan, role: str
) -> None:
    phone = clients["phone-inspector"]
    listed = phone.get("/api/findings").json()
    assert listed["total"] > 0
    assert {item["camera"] for item in listed["items"]} <= {"phone-2"}
    vault = next(f for f in sample_scan.findings if f.camera == "vault-a")
    # Outside the user's cameras answers exactly like a finding that does not exist.
    for path in (f"/api/findings/{vault.id}", f"/api/findings/{vault.id}/clip"):
        assert phone.get(path).status_code == 404
        assert clients[role].get(path).status_code == 200
    assert phone.get(f"/api/recordings/{vault.recording_sha256}/video").status_code == 404
    assert {c["id"] for c in phone.get("/api/cameras").json()} == {"phone-2"}
