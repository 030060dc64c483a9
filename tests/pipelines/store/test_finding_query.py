"""Findings of several cameras (a room's) in the store: kept as the text they always were,
read back as their cameras, and found by any one of them, for access control too."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from analyzer.findings import Finding, FindingKind
from pipelines.store import load_findings, save_scan_results
from pipelines.store.finding_query import FindingFilter, find_findings, get_stored_finding
from tests.pipelines.store.factories import make_finding
from tests.pipelines.store.helpers import table_rows


def room_finding(offset: float, *cameras: str) -> Finding:
    return make_finding(
        offset,
        kind=FindingKind.LONE_PERSON,
        cameras=cameras,
        recording_sha256=None,
        custody_leg=f"L1/{offset:g}",
    )


ALONE_A = room_finding(10.0, "vault-a")
ROOM_AB = room_finding(20.0, "vault-a", "vault-b")
ROOM_BC = room_finding(30.0, "vault-b", "vault-c")
# A look-alike id: "vault-a" must not match it as text.
ROOM_LOOKALIKE = room_finding(40.0, "vault-a2", "xvault-a")
NO_CAMERA = room_finding(50.0)
ALL = (ALONE_A, ROOM_AB, ROOM_BC, ROOM_LOOKALIKE, NO_CAMERA)


@pytest.fixture
def saved(session: Session) -> Session:
    save_scan_results(
        session,
        recordings=[],
        findings=list(ALL),
        analyzer_version="1.0",
        params={"command": "scan"},
        count_timelines=[],
    )
    session.commit()
    return session


def test_a_rooms_finding_is_stored_as_text_and_read_back_as_its_cameras(
    store: sa.Engine, saved: Session
) -> None:
    stored = {row["id"]: row["camera"] for row in table_rows(store, "findings")}
    assert stored == {
        ALONE_A.id: "vault-a",
        ROOM_AB.id: "vault-a+vault-b",
        ROOM_BC.id: "vault-b+vault-c",
        ROOM_LOOKALIKE.id: "vault-a2+xvault-a",
        NO_CAMERA.id: "-",
    }
    saved.expire_all()
    assert load_findings(saved) == list(ALL)
    read = get_stored_finding(saved, finding_id=ROOM_AB.id)
    assert read is not None and read.finding.cameras == ("vault-a", "vault-b")


@pytest.mark.parametrize(
    ("cameras", "expected"),
    [
        (["vault-a"], {ALONE_A.id, ROOM_AB.id}),
        (["vault-b"], {ROOM_AB.id, ROOM_BC.id}),
        (["vault-c"], {ROOM_BC.id}),
        (["xvault-a"], {ROOM_LOOKALIKE.id}),
        (["vault"], set()),
        (["vault-a+vault-b"], set()),
        ([], set()),
    ],
)
def test_a_camera_limited_caller_finds_the_findings_one_of_whose_cameras_is_theirs(
    saved: Session, cameras: list[str], expected: set[str]
) -> None:
    visible = find_findings(saved, FindingFilter(visible_cameras=cameras))
    assert {s.finding.id for s in visible.items} == expected
    assert visible.total == len(expected)
    if cameras:
        chosen = find_findings(saved, FindingFilter(cameras=cameras))
        assert {s.finding.id for s in chosen.items} == expected


def test_a_caller_of_every_camera_finds_every_finding(saved: Session) -> None:
    assert find_findings(saved, FindingFilter()).total == len(ALL)
