"""/api/findings on SQLite and PostgreSQL: filters, sorting, pages, review decisions and the
audit records they leave; signing in and out; errors as JSON with a stable code."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServiceSettings
from tests.api.conftest import PASSWORD, SampleScan, sign_in


def kinds(response_json: dict) -> list[str]:  # type: ignore[type-arg]
    return [item["kind"] for item in response_json["items"]]


def test_filters_narrow_the_list(clients: dict[str, TestClient], sample_scan: SampleScan) -> None:
    api = clients["auditor"]
    every = api.get("/api/findings", params={"limit": 500}).json()
    assert every["total"] == len(sample_scan.findings) == len(every["items"])
    vault_a = api.get("/api/findings", params={"camera": "vault-a"}).json()
    assert vault_a["total"] == sum(f.camera == "vault-a" for f in sample_scan.findings)
    assert {i["camera"] for i in vault_a["items"]} == {"vault-a"}
    room = api.get("/api/findings", params={"room": "vault-2"}).json()
    assert {i["camera"] for i in room["items"]} == {"vault-b"}
    critical = api.get("/api/findings", params={"severity": "critical"}).json()
    assert {i["severity"] for i in critical["items"]} == {"critical"} and critical["total"] >= 1
    two = api.get("/api/findings", params=[("kind", "frozen_video"), ("kind", "black_video")])
    assert sorted(kinds(two.json())) == ["black_video", "frozen_video"]
    lot = api.get("/api/findings", params={"lot": "L2026-001"}).json()
    assert lot["total"] >= 2
    assert all(i["custody_leg"] or i["custody_event"] for i in lot["items"])
    assert all(
        (i["custody_leg"] or "").startswith("L2026-001/") or i["custody_event"]
        for i in lot["items"]
    )
    rule = lot["items"][0]["rule"]
    assert {i["rule"] for i in api.get("/api/findings", params={"rule": rule}).json()["items"]} == {
        rule
    }
    late = api.get("/api/findings", params={"since": "2026-11-24T08:30:00+08:00"}).json()
    assert 0 < late["total"] < every["total"]
    assert all(i["end"]["posix"] >= 1795480200 for i in late["items"])


def test_sorting_and_pages_cover_every_finding_once(clients: dict[str, TestClient]) -> None:
    api = clients["auditor"]
    by_severity = api.get("/api/findings", params={"sort": "severity", "descending": True}).json()
    order = ["low", "medium", "high", "critical"]
    ranks = [order.index(i["severity"]) for i in by_severity["items"]]
    assert ranks == sorted(ranks, reverse=True)
    seen = []
    for offset in range(0, by_severity["total"], 3):
        page = api.get("/api/findings", params={"sort": "camera", "offset": offset, "limit": 3})
        seen += [i["id"] for i in page.json()["items"]]
    assert sorted(seen) == sorted(i["id"] for i in by_severity["items"])
    assert len(seen) == len(set(seen))
    starts = [i["start"]["posix"] for i in api.get("/api/findings").json()["items"]]
    assert starts == sorted(starts)


def test_a_review_decision_is_kept_and_audited(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    finding = next(f for f in sample_scan.findings if f.kind.value == "black_video")
    path = f"/api/findings/{finding.id}"
    inspector, admin = clients["inspector"], clients["admin"]
    assert inspector.get(path).json()["review_state"] == "open"
    done = inspector.patch(path, json={"state": "confirmed", "comment": "镜头被遮挡，已上报"})
    assert done.status_code == 200
    body = done.json()
    assert body["review_state"] == "confirmed"
    assert [(r["state"], r["reviewer"], r["comment"]) for r in body["reviews"]] == [
        ("confirmed", "inspector", "镜头被遮挡，已上报")
    ]
    # Decided once: a second decision is a conflict, an inspector may not reopen, an admin may.
    again = inspector.patch(path, json={"state": "dismissed", "comment": "no"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert inspector.patch(path, json={"state": "open", "comment": "x"}).status_code == 403
    reopened = admin.patch(path, json={"state": "open", "comment": "wrong click"})
    assert reopened.json()["review_state"] == "open" and len(reopened.json()["reviews"]) == 2
    trail = admin.get("/api/audit", params={"object_id": finding.id}).json()["items"]
    reviews = [r for r in trail if r["action"] == "finding.review"]
    assert [(r["actor"], r["detail"]["from"], r["detail"]["to"]) for r in reviews] == [
        ("admin", "confirmed", "open"),
        ("inspector", "open", "confirmed"),
    ]
    assert reviews[1]["detail"]["comment"] == "镜头被遮挡，已上报"
    assert reviews[1]["client"] == "testclient"
    assert admin.get("/api/audit/verify").json()["intact"] is True


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"state": "dismissed"}, 422),
        ({"state": "dismissed", "comment": ""}, 422),
        ({"state": "maybe", "comment": "x"}, 422),
        ({"state": "dismissed", "comment": "x", "extra": 1}, 422),
    ],
)
def test_bad_review_requests_change_nothing(
    clients: dict[str, TestClient],
    sample_scan: SampleScan,
    body: dict,
    status: int,  # type: ignore[type-arg]
) -> None:
    finding = sample_scan.findings[0]
    inspector = clients["inspector"]
    response = inspector.patch(f"/api/findings/{finding.id}", json=body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == "invalid_request"
    assert inspector.get(f"/api/findings/{finding.id}").json()["review_state"] == "open"
    trail = clients["admin"].get("/api/audit", params={"object_id": finding.id}).json()
    assert trail["total"] == 0


def test_unknown_findings_and_bad_queries_are_json_errors(clients: dict[str, TestClient]) -> None:
    api = clients["auditor"]
    missing = api.get("/api/findings/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    for params in (
        {"limit": 0},
        {"sort": "colour"},
        {"since": "yesterday"},
        {"since": "2026-11-24T08:00"},
    ):
        bad = api.get("/api/findings", params=params)
        assert bad.status_code == 422, params
        assert bad.json()["error"]["code"] == "invalid_request"
    assert api.get("/api/findings", params={"room": "kitchen"}).status_code == 422


def test_signing_in_and_out(app_client: TestClient) -> None:
    wrong = app_client.post("/api/auth/login", json={"username": "admin", "password": "nope"})
    assert wrong.status_code == 401 and "vaultwatch_session" not in wrong.cookies
    unknown = app_client.post("/api/auth/login", json={"username": "who", "password": "nope"})
    assert unknown.json() == wrong.json()  # does not tell which names exist
    ok = app_client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert ok.status_code == 200 and ok.json()["role"] == "admin"
    assert app_client.get("/api/auth/me").json()["username"] == "admin"
    actions = [r["action"] for r in app_client.get("/api/audit").json()["items"]]
    assert actions[:3] == ["login", "login.failed", "login.failed"]
    assert app_client.post("/api/auth/logout").status_code == 204
    assert app_client.get("/api/auth/me").status_code == 401


def test_http_basic_works_for_scripts(app_client: TestClient) -> None:
    assert app_client.get("/api/findings", auth=("auditor", PASSWORD)).status_code == 200
    assert app_client.get("/api/findings", auth=("auditor", "wrong")).status_code == 401
    denied = app_client.get("/api/users", auth=("auditor", PASSWORD))
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"


def test_the_openapi_document_lists_every_resource(app_client: TestClient) -> None:
    paths = app_client.get("/openapi.json").json()["paths"]
    for prefix in (
        "/api/findings",
        "/api/recordings",
        "/api/custody/lots",
        "/api/cameras",
        "/api/rooms",
        "/api/scan-jobs",
        "/api/audit",
        "/api/users",
    ):
        assert prefix in paths
    assert app_client.get("/docs").status_code == 404  # its scripts would come from a CDN


def test_signing_out_ends_every_session_of_the_user(settings: ServiceSettings) -> None:
    app = create_app(settings)
    with TestClient(app) as desk, TestClient(app) as laptop:
        sign_in(desk, "inspector")
        sign_in(laptop, "inspector")
        copied = desk.cookies.get("vaultwatch_session")
        assert desk.post("/api/auth/logout").status_code == 204
        # The laptop's session and a copy of the desk's cookie are over as well.
        assert laptop.get("/api/auth/me").status_code == 401
        with TestClient(app, cookies={"vaultwatch_session": copied}) as thief:
            assert thief.get("/api/auth/me").status_code == 401
        # Signing in again starts a new session.
        sign_in(laptop, "inspector")
        assert laptop.get("/api/auth/me").json()["username"] == "inspector"


def test_an_unknown_kind_is_refused_not_an_empty_list(clients: dict[str, TestClient]) -> None:
    api = clients["auditor"]
    typo = api.get("/api/findings", params=[("kind", "frozen_video"), ("kind", "frozen_vidoe")])
    assert typo.status_code == 422
    assert typo.headers["content-type"].startswith("application/json")
    error = typo.json()["error"]
    assert error["code"] == "invalid_request" and "kind" in error["message"]
    frozen = api.get("/api/findings", params={"kind": "frozen_video"})
    assert frozen.status_code == 200 and set(kinds(frozen.json())) == {"frozen_video"}


def test_the_findings_page_refuses_an_unknown_kind_and_filters_by_a_known_one(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    page = clients["auditor"]
    typo = page.get("/findings", params={"kind": "frozen_vidoe"})
    assert typo.status_code == 422
    assert typo.headers["content-type"].startswith("text/html")
    # The form's "every kind" sends an empty kind.
    every = page.get("/findings", params={"kind": ""})
    frozen = page.get("/findings", params={"kind": "frozen_video"})
    assert every.status_code == frozen.status_code == 200
    expected = sum(f.kind.value == "frozen_video" for f in sample_scan.findings)
    assert expected and frozen.text.count('data-kind="frozen_video"') == expected
    assert frozen.text.count('class="finding-link"') == expected
    assert 'value="frozen_video" selected' in frozen.text
    assert every.text.count('class="finding-link"') > expected
