"""The count timeline as CSV (`scan --timeline`): one row per analysed frame."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path

from analyzer.counting import NOT_MEASURED, CountTimeline
from analyzer.wallclock import iso

COLUMNS = ("time", "camera", "persons", "bundles", "confidence")


def write_timeline_csv(timelines: Sequence[CountTimeline], zone: tzinfo, out: Path) -> None:
    """Rows in time order per camera; a class nothing counted is an empty cell, not 0.

    Written to a temporary name and renamed, so a reader never sees half a file.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    ordered = sorted(timelines, key=lambda t: (t.camera, float(t.time[0]) if len(t) else 0.0))
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for timeline in ordered:
            for time, persons, bundles, confidence in zip(
                timeline.time, timeline.persons, timeline.bundles, timeline.confidence, strict=True
            ):
                writer.writerow(
                    (
                        iso(float(time), zone),
                        timeline.camera,
                        "" if persons == NOT_MEASURED else int(persons),
                        "" if bundles == NOT_MEASURED else int(bundles),
                        f"{float(confidence):.3f}",
                    )
                )
    partial.replace(out)
