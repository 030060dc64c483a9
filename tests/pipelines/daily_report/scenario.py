"""A store with two days of a site with two vaults (`helpers.SITE`): vault-1's footage with
gaps, a truncated file, inspections in the audit trail; vault-2 without any recording.

Block by block, vault-1 (cameras cam-1a, cam-1b):

| day 1 | 00–06 | one recording from the evening before: checked by the scan |
|       | 06–12 | 09:00–09:10 missing, only a thumbnail looked at: not checked |
|       | 12–18 | cam-1a to 15:00, cam-1b from 14:59:59.5: together the whole block, by scan |
|       | 18–24 | 20:00–20:30 missing; 张三 downloaded the 18–20 recording (a download plays
|       |       | nothing, V12): not checked |
| day 2 | 00–06 | the file decodes only to 05:00: 60 minutes missing; 王五's player played all
|       |       | five hours in two sittings: by inspector |
|       | 06–12 | no recording; 李四 reviewed the gap's finding: still "no recording" |
|       | 12–18 | whole block, and 王五 played a finding's 10-s clip: by scan only |
|       | 18–24 | no recording |

A frozen stretch crosses 06:00 of day 1 (in both of its blocks); a finding of an older
analyzer version on day 1 is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from analyzer.custody import CustodyEvent, EventType
from analyzer.findings import Finding, FindingKind, Severity
from pipelines.store import save_custody_events, save_scan_results
from pipelines.store.audit import AuditEntry, append_audit
from pipelines.store.reviews import review_finding
from pipelines.store.schema import ReviewState
from tests.pipelines.daily_report.helpers import DAY1, DAY2, at, finding, recording, sha

R_NIGHT = recording("night", "cam-1a", at(DAY1, "00:00") - 60, at(DAY1, "06:00:30"))
R_MORNING = recording("morning", "cam-1a", at(DAY1, "06:00:30"), at(DAY1, "09:00"))
R_NOON = recording("noon", "cam-1a", at(DAY1, "09:10"), at(DAY1, "12:00"))
R_AFTERNOON_A = recording("afternoon-a", "cam-1a", at(DAY1, "12:00"), at(DAY1, "15:00"))
R_AFTERNOON_B = recording("afternoon-b", "cam-1b", at(DAY1, "14:59:59.5"), at(DAY1, "18:00"))
R_EVENING = recording("evening", "cam-1a", at(DAY1, "18:00"), at(DAY1, "20:00"))
R_LATE = recording("late", "cam-1a", at(DAY1, "20:30"), at(DAY2, "00:00"))
R_D2_NIGHT = recording(
    "d2-night", "cam-1a", at(DAY2, "00:00"), at(DAY2, "06:00"), decoded_to=at(DAY2, "05:00")
)
R_D2_AFTERNOON = recording("d2-afternoon", "cam-1a", at(DAY2, "12:00"), at(DAY2, "18:00"))
R_PHONE = recording("phone", "phone-1", at(DAY2, "07:00"), at(DAY2, "07:30"))
RECORDINGS = (
    R_NIGHT,
    R_MORNING,
    R_NOON,
    R_AFTERNOON_A,
    R_AFTERNOON_B,
    R_EVENING,
    R_LATE,
    R_D2_NIGHT,
    R_D2_AFTERNOON,
    R_PHONE,
)

F_CROSS = finding(
    "cam-1a", at(DAY1, "05:59"), at(DAY1, "06:00:20"), recording_sha256=R_NIGHT.sha256
)
F_GAP = finding(
    "cam-1a",
    at(DAY1, "09:00"),
    at(DAY1, "09:10"),
    kind=FindingKind.COVERAGE_GAP,
    rule="V1",
    frame_time=None,
)
F_ROOM = finding(
    "cam-1a+cam-1b",
    at(DAY1, "13:00"),
    at(DAY1, "13:00:12"),
    rule="V7",
    kind=FindingKind.LONE_PERSON,
    severity=Severity.CRITICAL,
    custody_leg="L1/E1-E2",
)
F_D2_GAP = finding(
    "cam-1a",
    at(DAY2, "06:00"),
    at(DAY2, "12:00"),
    kind=FindingKind.COVERAGE_GAP,
    rule="V1",
    frame_time=None,
)
F_D2 = finding(
    "cam-1a", at(DAY2, "14:00"), at(DAY2, "14:00:10"), recording_sha256=R_D2_AFTERNOON.sha256
)
F_OLD = finding("cam-1a", at(DAY1, "19:00"), at(DAY1, "19:00:10"), detail="older analyzer")
F_D2_NIGHT = finding(
    "cam-1a", at(DAY2, "00:00"), at(DAY2, "05:00"), recording_sha256=R_D2_NIGHT.sha256
)

EVENTS = (
    CustodyEvent(
        "E1",
        at(DAY1, "08:00"),
        EventType.ARRIVE,
        "L1",
        "vault-1",
        bundles=4,
        persons=("李娜", "王伟"),
    ),
    CustodyEvent(
        "E2",
        at(DAY2, "07:00"),
        EventType.DEPART,
        "L1",
        "vault-1",
        bundles=4,
        persons=("李娜", "王伟"),
        device="phone-1",
    ),
    CustodyEvent(
        "E3",
        at(DAY2, "07:30"),
        EventType.ARRIVE,
        "L1",
        "office-1",
        bundles=4,
        persons=("李娜", "王伟"),
    ),
)


def _played(*spans: tuple[str, str]) -> dict[str, object]:
    """A played clip's detail: cam-1a's footage of day 2 from / to the given clock times."""
    return {"camera": "cam-1a", "played": [[at(DAY2, a), at(DAY2, b)] for a, b in spans]}


# actor, action, object type and id, when, detail
VIEWS: tuple[tuple[str, str, str, str, float, dict[str, object]], ...] = (
    ("张三", "recording.view", "recording", R_EVENING.sha256, at(DAY2, "01:00"), {}),
    ("赵六", "thumbnail.view", "finding", F_GAP.id, at(DAY1, "10:00"), {}),
    ("李四", "finding.review", "finding", F_D2_GAP.id, at(DAY2, "13:00"), {}),
    ("王五", "clip.view", "finding", F_D2.id, at(DAY2, "19:00"), {}),
    (
        "王五",
        "clip.played",
        "finding",
        F_D2.id,
        at(DAY2, "19:01"),
        _played(("14:00:00", "14:00:10")),
    ),
    ("王五", "clip.view", "finding", F_D2_NIGHT.id, at(DAY2, "19:10"), {}),
    # Played in two sittings, the second starting a minute before the first ended.
    (
        "王五",
        "clip.played",
        "finding",
        F_D2_NIGHT.id,
        at(DAY2, "21:00"),
        _played(("00:00:00", "03:00:00"), ("02:59:00", "05:00:00")),
    ),
)


@dataclass(frozen=True)
class Stored:
    """What `populate` stored that tests look for: the frozen finding's frame."""

    frame: Path
    findings: tuple[Finding, ...]


def frame_picture(path: Path) -> Path:
    """A 640x360 JPEG that is not blank."""
    y, x = np.mgrid[0:360, 0:640]
    picture = np.stack([x % 256, y % 256, (x + y) % 256], axis=-1).astype(np.uint8)
    Image.fromarray(picture).save(path, format="JPEG")
    return path


def populate(engine: sa.Engine, frames: Path) -> Stored:
    """Store the scenario; the frozen finding of day 1 gets a frame written into `frames`."""
    frame = frame_picture(frames / "cross.jpg")
    current = (replace(F_CROSS, frame=str(frame)), F_GAP, F_ROOM, F_D2_GAP, F_D2, F_D2_NIGHT)
    with Session(engine) as session:
        save_scan_results(
            session,
            recordings=RECORDINGS,
            findings=current,
            analyzer_version=ANALYZER_VERSION,
            params={"test": True},
        )
        save_scan_results(
            session,
            recordings=(),
            findings=(F_OLD,),
            analyzer_version="0.0.1",
            params={"test": True},
        )
        save_custody_events(session, events=EVENTS, source_sha256=sha("form"))
        review_finding(
            session,
            finding_id=F_D2.id,
            analyzer_version=ANALYZER_VERSION,
            state=ReviewState.CONFIRMED,
            comment="ok",
            reviewer="王五",
            at=datetime.fromtimestamp(at(DAY2, "19:05"), UTC),
        )
        for actor, action, object_type, object_id, moment, detail in VIEWS:
            append_audit(
                session,
                AuditEntry(actor, "inspector", action, object_type, object_id, "10.0.0.7", detail),
                at=datetime.fromtimestamp(moment, UTC),
            )
        session.commit()
    return Stored(frame, current)
