"""Every response that sends bytes of footage is audited: a ranged request that does not
start at the first byte is recorded unless the same user's view of it already is, and a
request for more ranges than any player asks for is refused before a byte goes out."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import SampleScan

pytestmark = pytest.mark.video


def audit_of(admin: TestClient, object_id: str) -> list[dict]:  # type: ignore[type-arg]
    params = {"object_id": object_id, "limit": 500}
    items: list[dict] = admin.get("/api/audit", params=params).json()["items"]  # type: ignore[type-arg]
    return items


def test_a_clip_fetched_from_its_second_byte_is_audited(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    finding = next(f for f in sample_scan.findings if f.kind.value == "frozen_video")
    api = clients["auditor"]
    part = api.get(f"/api/findings/{finding.id}/clip", headers={"Range": "bytes=1-"})
    assert part.status_code == 206
    more = api.get(f"/api/findings/{finding.id}/clip", headers={"Range": "bytes=2-"})
    assert more.status_code == 206
    records = audit_of(clients["admin"], finding.id)
    # One record for the view session, not one per chunk.
    assert [(r["action"], r["actor"]) for r in records] == [("clip.view", "auditor")]
    assert records[0]["detail"]["range"] == "bytes=1-"


def test_a_recording_fetched_from_its_second_byte_is_audited(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    sha = sample_scan.recordings[0].sha256
    assert (
        clients["inspector"]
        .get(f"/api/recordings/{sha}/download", headers={"Range": "bytes=1-"})
        .status_code
        == 206
    )
    clients["auditor"].get(f"/api/recordings/{sha}/video", headers={"Range": "bytes=7-9"})
    actions = sorted((r["action"], r["actor"]) for r in audit_of(clients["admin"], sha))
    assert actions == [("recording.download", "inspector"), ("recording.view", "auditor")]


def test_more_than_a_hundred_ranges_are_refused_unsent(
    clients: dict[str, TestClient], sample_scan: SampleScan
) -> None:
    sha = sample_scan.recordings[0].sha256
    api = clients["auditor"]
    many = "bytes=" + ",".join(f"{i * 10 + 1}-{i * 10 + 5}" for i in range(101))
    refused = api.get(f"/api/recordings/{sha}/video", headers={"Range": many})
    assert refused.status_code == 416
    assert refused.json()["error"]["code"] == "range_not_satisfiable"
    assert "100 ranges" in refused.json()["error"]["message"]
    assert audit_of(clients["admin"], sha) == []
    hundred = "bytes=" + ",".join(f"{i * 10 + 1}-{i * 10 + 5}" for i in range(100))
    served = api.get(f"/api/recordings/{sha}/video", headers={"Range": hundred})
    assert served.status_code == 206
    assert [r["action"] for r in audit_of(clients["admin"], sha)] == ["recording.view"]
