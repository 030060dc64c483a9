"""A room's finding names all the room's cameras: a user limited to cameras sees it when one
of them is theirs, and only then, in the REST API, its list and the finding page; the JSON
gives the cameras as a list beside the `camera` text the UI and older clients read."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.findings import Finding, FindingKind, Severity
from api.app import create_app
from api.settings import ServiceSettings
from pipelines.store import open_store, save_scan_results
from tests.api.conftest import add_vault_auditor_and_run, sign_in

AT = datetime(2026, 11, 24, 1, tzinfo=UTC).timestamp()


def room_finding(leg: str, *cameras: str) -> Finding:
    return Finding(
        FindingKind.LONE_PERSON,
        "V7",
        cameras,
        AT,
        AT + 60.0,
        Severity.CRITICAL,
        "one person alone with lot L9 for 60 s",
        custody_leg=leg,
        frame_time=AT + 30.0,
    )


# vault-a-auditor may see vault-a; phone-inspector phone-2.
WITH_VAULT_A = room_finding("L9/E1-E2", "vault-b", "vault-a")
WITHOUT_VAULT_A = room_finding("L9/E2-E3", "vault-b", "phone-2")


def add_room_findings(settings: ServiceSettings) -> None:
    engine = open_store(settings.db)
    with Session(engine) as session:
        save_scan_results(
            session,
            recordings=[],
            findings=[WITH_VAULT_A, WITHOUT_VAULT_A],
            count_timelines=[],
            analyzer_version=ANALYZER_VERSION,
            params={"command": "test"},
        )
        session.commit()
    engine.dispose()


def listed(client: TestClient) -> set[str]:
    page = client.get("/api/findings", params={"kind": "lone_person", "limit": 500}).json()
    return {item["id"] for item in page["items"]}


def test_camera_limited_users_see_a_rooms_finding_only_through_one_of_their_cameras(
    settings: ServiceSettings,
) -> None:
    add_vault_auditor_and_run(settings)
    add_room_findings(settings)
    app = create_app(settings)
    with TestClient(app) as vault:
        sign_in(vault, "vault-a-auditor")
        phone, everyone = sign_in(TestClient(app), "phone-inspector"), TestClient(app)
        sign_in(everyone, "inspector")
        mine, other = WITH_VAULT_A.id, WITHOUT_VAULT_A.id

        shown = vault.get(f"/api/findings/{mine}")
        assert shown.status_code == 200, shown.text
        assert shown.json()["camera"] == "vault-b+vault-a"
        assert shown.json()["cameras"] == ["vault-b", "vault-a"]
        assert vault.get(f"/api/findings/{other}").status_code == 404
        assert {mine, other} & listed(vault) == {mine}
        assert vault.get(f"/findings/{mine}").status_code == 200
        assert vault.get(f"/findings/{other}").status_code == 404
        # The chart counts the room's camera the user may see, not the room's first.
        assert vault.get(f"/api/findings/{mine}/counts").json()["camera"] == "vault-a"

        assert phone.get(f"/api/findings/{other}").json()["cameras"] == ["vault-b", "phone-2"]
        assert phone.get(f"/api/findings/{mine}").status_code == 404
        assert {mine, other} & listed(phone) == {other}
        assert phone.get(f"/api/findings/{other}/counts").json()["camera"] == "phone-2"

        assert {mine, other} <= listed(everyone)
        assert everyone.get(f"/api/findings/{other}/counts").json()["camera"] == "vault-b"
        for client in (phone, everyone):
            client.close()
