"""The custody report of one lot (`vaultwatch report --lot`): legs, video, findings.

The page an inspector prints: every leg of the lot in time order, which recordings cover it,
and the findings on it with their representative frames. HTML is self-contained (frames are
embedded), so it can be filed or printed on a machine without the product.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from analyzer.custody import CustodyEvent, CustodyLeg, LegKind
from analyzer.findings import Finding
from analyzer.legs import derive_legs
from analyzer.recording import RecordingInfo
from analyzer.wallclock import iso
from pipelines.custody_check import rooms_of
from pipelines.document import finding_entry, recording_entry
from pipelines.site import Site


class ReportError(ValueError):
    """No report can be made (e.g. the lot has no custody events)."""


@dataclass(frozen=True)
class LegReport:
    leg: CustodyLeg
    cameras: tuple[str, ...]
    recordings: list[RecordingInfo]
    findings: list[Finding]


@dataclass(frozen=True)
class LotReport:
    lot: str
    events: list[CustodyEvent]
    legs: list[LegReport]
    unlinked: list[Finding]


def lot_report(
    lot: str,
    *,
    site: Site,
    events: list[CustodyEvent],
    recordings: list[RecordingInfo],
    findings: list[Finding],
) -> LotReport:
    """Assemble the report of `lot` from the stored events, recordings and findings."""
    mine = [e for e in events if e.lot == lot]
    if not mine:
        raise ReportError(f"no custody events for lot {lot!r}")
    until = max([e.time for e in mine] + [r.end for r in recordings])
    trail = derive_legs(mine, until=until)
    rooms = rooms_of(site)
    legs = []
    for leg in trail.legs:
        if leg.kind is LegKind.STAY:
            room = rooms.get(leg.room)
            cameras = room.cameras if room is not None else ()
        else:
            cameras = (leg.device,) if leg.device else ()
        legs.append(
            LegReport(
                leg,
                cameras,
                [
                    r
                    for r in recordings
                    if r.camera in cameras and r.start < leg.end and r.end > leg.start
                ],
                sorted(
                    (f for f in findings if f.custody_leg == leg.leg_id),
                    key=lambda f: f.start,
                ),
            )
        )
    event_ids = {e.event_id for e in mine}
    unlinked = [f for f in findings if f.custody_leg is None and f.custody_event in event_ids]
    return LotReport(lot, sorted(mine, key=lambda e: e.time), legs, unlinked)


def report_document(report: LotReport, zone: tzinfo) -> dict[str, Any]:
    """The report as JSON-ready data (the same fields the findings document uses)."""
    return {
        "lot": report.lot,
        "events": [
            {
                "event_id": e.event_id,
                "time": iso(e.time, zone),
                "type": e.type.value,
                "location": e.location,
                "bundles": e.bundles,
                "persons": list(e.persons),
                "device": e.device,
                "note": e.note,
            }
            for e in report.events
        ],
        "legs": [
            {
                "leg_id": part.leg.leg_id,
                "kind": part.leg.kind.value,
                "start": iso(part.leg.start, zone),
                "end": iso(part.leg.end, zone),
                "from_room": part.leg.from_room,
                "to_room": part.leg.to_room,
                "device": part.leg.device,
                "bundles": part.leg.bundles,
                "start_event": part.leg.start_event,
                "end_event": part.leg.end_event or None,
                "cameras": list(part.cameras),
                "recordings": [recording_entry(r, zone) for r in part.recordings],
                "findings": [finding_entry(f, zone) for f in part.findings],
            }
            for part in report.legs
        ],
        "other_findings": [finding_entry(f, zone) for f in report.unlinked],
    }


def _thumbnail(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def render_html(report: LotReport, zone: tzinfo) -> str:
    environment = Environment(
        loader=PackageLoader("pipelines", "templates"), autoescape=select_autoescape(["html"])
    )
    environment.filters["thumbnail"] = _thumbnail
    return environment.get_template("lot_report.html").render(report=report_document(report, zone))
