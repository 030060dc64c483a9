"""The finding page's player reports what it played: POST /api/findings/{id}/played keeps each
report as a `clip.played` audit record (recording, camera, wall-clock spans), refuses what
no player sends, and only the played spans count on the playback-check form (V12)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from analyzer.findings import Finding, FindingKind
from analyzer.wallclock import time_zone
from api.settings import ServiceSettings
from pipelines.daily_report import CheckStatus, gather_form
from pipelines.site import load_site
from pipelines.store import open_store
from pipelines.store.audit import verify_chain
from tests.api.conftest import SampleScan, add_vault_auditor_and_run, sign_in

pytestmark = pytest.mark.video


def frozen_vault_finding(sample: SampleScan) -> Finding:
    return next(
        f for f in sample.findings if f.kind is FindingKind.FROZEN_VIDEO and f.camera == "vault-a"
    )


def clip_start(client: TestClient, finding_id: str) -> float:
    """The player's time base as the finding page gives it: POSIX seconds of the clip's first
    picture."""
    page = client.get(f"/findings/{finding_id}")
    assert page.status_code == 200
    found = re.search(r'data-clip-start="([0-9.]+)"', page.text)
    assert found, "the finding page names no clip start"
    return float(found.group(1))


def report(client: TestClient, finding_id: str, body: Any, **headers: str) -> Any:
    return client.post(f"/api/findings/{finding_id}/played", json=body, headers=headers)


def played_records(admin: TestClient, finding_id: str) -> list[dict[str, Any]]:
    items = admin.get("/api/audit", params={"object_id": finding_id, "limit": 500}).json()["items"]
    return [r for r in items if r["action"] == "clip.played"]


def test_a_played_range_is_recorded_on_the_wall_clock(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    finding = frozen_vault_finding(sample_scan)
    api = clients["auditor"]
    first_s = clip_start(api, finding.id)
    answer = report(
        api, finding.id, {"ranges": [{"start": 1.5, "end": 4.0}, {"start": 3, "end": 6}]}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["camera"] == "vault-a" and body["recording_sha256"] == finding.recording_sha256
    assert [(p["start"]["posix"], p["end"]["posix"]) for p in body["played"]] == [
        pytest.approx((first_s + 1.5, first_s + 4.0)),
        pytest.approx((first_s + 3.0, first_s + 6.0)),
    ]
    assert body["played_s"] == pytest.approx(4.5)  # overlaps once

    (record,) = played_records(clients["admin"], finding.id)
    assert (record["actor"], record["object_type"]) == ("auditor", "finding")
    assert record["detail"]["camera"] == "vault-a"
    assert record["detail"]["recording"] == finding.recording_sha256
    assert record["detail"]["played"] == [
        pytest.approx([first_s + 1.5, first_s + 4.0]),
        pytest.approx([first_s + 3.0, first_s + 6.0]),
    ]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "ranges"),
        ({"ranges": []}, "at least 1"),
        ({"ranges": [{"start": 2.0}]}, "end"),
        ({"ranges": [{"start": 4.0, "end": 2.0}]}, "ends after it starts"),
        ({"ranges": [{"start": 2.0, "end": 2.0}]}, "ends after it starts"),
        ({"ranges": [{"start": -1.0, "end": 2.0}]}, "greater than or equal to 0"),
        ({"ranges": [{"start": "soon", "end": 2.0}]}, "valid number"),
        ({"ranges": [[0, 2]]}, "valid dictionary"),
        ({"ranges": [{"start": 0, "end": 2, "by": "me"}]}, "Extra inputs"),
        ({"ranges": [{"start": 0.0, "end": 1e9}]}, "less than or equal to 86400"),
        ({"ranges": [{"start": i, "end": i + 0.5} for i in range(101)]}, "at most 100"),
        # Inside a day, but past the clip's last picture.
        ({"ranges": [{"start": 0.0, "end": 3000.0}]}, "past the clip's end"),
    ],
)
def test_what_no_player_reports_is_refused_unrecorded(
    clients: dict[str, TestClient], sample_scan: SampleScan, body: Any, words: str
) -> None:
    finding = frozen_vault_finding(sample_scan)
    answer = report(clients["auditor"], finding.id, body)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_request" and words in error["message"], error
    assert played_records(clients["admin"], finding.id) == []


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_numbers_json_cannot_hold_are_refused(
    clients: dict[str, TestClient], sample_scan: SampleScan, number: str
) -> None:
    finding = frozen_vault_finding(sample_scan)
    answer = clients["auditor"].post(
        f"/api/findings/{finding.id}/played",
        content=f'{{"ranges": [{{"start": 0, "end": {number}}}]}}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid_request"
    assert played_records(clients["admin"], finding.id) == []


def test_only_the_services_own_pages_may_report(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    finding = frozen_vault_finding(sample_scan)
    url = f"/api/findings/{finding.id}/played"
    body = '{"ranges": [{"start": 0, "end": 2}]}'
    api = clients["auditor"]
    # What another site's form or plain-text beacon can send without asking the browser.
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {} if content_type is None else {"Content-Type": content_type}
        answer = api.post(url, content=body, headers=headers)
        assert answer.status_code == 415, (content_type, answer.text)
        assert answer.json()["error"]["code"] == "unsupported_media_type"
    for site in ("cross-site", "same-site"):
        answer = report(
            api, finding.id, {"ranges": [{"start": 0, "end": 2}]}, **{"Sec-Fetch-Site": site}
        )
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"
    own = report(
        api, finding.id, {"ranges": [{"start": 0, "end": 2}]}, **{"Sec-Fetch-Site": "same-origin"}
    )
    assert own.status_code == 201
    assert len(played_records(clients["admin"], finding.id)) == 1


def test_plays_are_reported_by_users_who_may_see_the_camera(
    clients: dict[str, TestClient], sample_scan: SampleScan, settings: ServiceSettings
) -> None:
    vault = frozen_vault_finding(sample_scan)
    body = {"ranges": [{"start": 0, "end": 2}]}
    anonymous = report(clients["anonymous"], vault.id, body)
    assert anonymous.status_code == 401
    # Limited to phone-2: vault-a's finding does not exist for them, as its clip does not.
    limited = clients["phone-inspector"]
    assert limited.get(f"/api/findings/{vault.id}/clip").status_code == 404
    refused = report(limited, vault.id, body)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    assert report(clients["auditor"], "no-such-finding", body).status_code == 404
    assert played_records(clients["admin"], vault.id) == []
    # A user limited to vault-a reports plays of its footage.
    add_vault_auditor_and_run(settings)
    # A second client of the running service (as the `clients` fixture makes them).
    vault_auditor = sign_in(TestClient(clients["anonymous"].app), "vault-a-auditor")
    try:
        mine = report(vault_auditor, vault.id, body)
    finally:
        vault_auditor.close()
    assert mine.status_code == 201, mine.text
    assert mine.json()["camera"] == "vault-a"
    assert [r["actor"] for r in played_records(clients["admin"], vault.id)] == ["vault-a-auditor"]


def test_the_form_counts_played_ranges_not_served_clips(
    clients: dict[str, TestClient], sample_scan: SampleScan, settings: ServiceSettings
) -> None:
    """vault-a's block with the frozen stretch: the clip served counts nothing; the ranges
    the player reported count once however often they were played."""
    finding = frozen_vault_finding(sample_scan)
    api = clients["inspector"]
    assert api.get(f"/api/findings/{finding.id}/clip").status_code == 200
    assert settings.site is not None
    site = load_site(settings.site)
    zone = time_zone(site.timezone)
    day = datetime.fromtimestamp(finding.start, zone).date()

    def vault_block() -> tuple[CheckStatus, float, float]:
        engine = open_store(settings.db)
        try:
            with Session(engine) as session:
                form = gather_form(session, site, zone, day)
                assert verify_chain(session).intact
        finally:
            engine.dispose()
        (row,) = [
            r
            for r in form.rows_of("vault-1")
            if r.block.span.start <= finding.start < r.block.span.end
        ]
        return row.status, row.played_s, row.recorded_s

    status, played, recorded = vault_block()
    assert played == 0 and recorded > 0
    assert status in (CheckStatus.SCAN, CheckStatus.NOT_CHECKED)

    assert report(api, finding.id, {"ranges": [{"start": 0, "end": 3}]}).status_code == 201
    assert report(api, finding.id, {"ranges": [{"start": 2, "end": 5}]}).status_code == 201
    status_after, played, recorded_after = vault_block()
    assert recorded_after == recorded
    assert played == pytest.approx(5.0, abs=1e-3)
    # Five seconds do not check the block's recorded footage (V12).
    assert status_after is status
