"""Inspections in the audit trail: who played back or reviewed which camera's footage of which
time, and when. Pure: audit records in, `Viewing`s out.

The review service names the footage an audit record is about by its object: a recording
view (`recording.view`) names the recording ("recording", its sha256); a clip view
(`clip.view`), a played clip (`clip.played`) and a review decision (`finding.review`) name the
finding ("finding", its id). What was seen is the recording's decoded span, or the finding's
span, never after the moment of the record (nobody plays back footage not yet recorded).

Only a played clip is footage played in front of the inspector: the finding page's player
reports what it really played (its `played` ranges, on the wall clock in the record's
`played` detail, with the `camera`). Serving a clip (`clip.view`) is not playing it: the
player may have been closed after a second. A recording view is the file sent to someone, who
may play any part of it elsewhere or none; a review decision is a judgement, not a playback.
All are listed on the form; only played spans count as footage played through (V12).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from analyzer.findings import Finding
from analyzer.intervals import Span
from analyzer.recording import RecordingInfo
from pipelines.store.audit import AuditRecord

PLAYED_ACTION = "clip.played"
INSPECTION_ACTIONS = frozenset({"recording.view", "clip.view", PLAYED_ACTION, "finding.review"})


@dataclass(frozen=True, slots=True)
class Viewing:
    """One inspection: `actor` (with `role`) did `action` at `at` (POSIX seconds) on footage
    of `cameras` covering `seen`; `object_type` / `object_id` as the audit record names it.
    `played`: the wall-clock spans the player reported as played (empty for every action but
    a played clip)."""

    actor: str
    role: str
    action: str
    at: float
    cameras: tuple[str, ...]
    seen: Span
    object_type: str
    object_id: str
    seq: int
    played: tuple[Span, ...] = ()


def viewings(
    records: Iterable[AuditRecord],
    *,
    findings: Mapping[str, Finding],
    recordings: Mapping[str, RecordingInfo],
) -> tuple[Viewing, ...]:
    """The inspections among `records`, in chain order. `findings` (by id) and `recordings`
    (by sha256) resolve what the records name; a record naming neither is left out, and so is
    a played clip whose detail names no camera or no well-formed played span."""
    found = []
    for record in records:
        entry = record.entry
        if entry.action not in INSPECTION_ACTIONS:
            continue
        at = record.at.timestamp()
        if entry.action == PLAYED_ACTION:
            footage = _played_footage(entry.detail, at)
        else:
            footage = _footage(entry.object_type, entry.object_id, findings, recordings)
        if footage is None:
            continue
        cameras, span, played = footage
        seen = Span(span.start, min(span.end, at))
        if seen.end < seen.start:
            continue
        found.append(
            Viewing(
                entry.actor,
                entry.role,
                entry.action,
                at,
                cameras,
                seen,
                entry.object_type,
                entry.object_id,
                record.seq,
                played,
            )
        )
    return tuple(found)


_Footage = tuple[tuple[str, ...], Span, tuple[Span, ...]]


def _footage(
    object_type: str,
    object_id: str,
    findings: Mapping[str, Finding],
    recordings: Mapping[str, RecordingInfo],
) -> _Footage | None:
    if object_type == "recording":
        recording = recordings.get(object_id)
        if recording is None or recording.decoded_to <= recording.start:
            return None
        return (recording.camera,), Span(recording.start, recording.decoded_to), ()
    if object_type == "finding":
        finding = findings.get(object_id)
        if finding is None:
            return None
        # A room's finding names all its cameras.
        return finding.cameras, Span(finding.start, finding.end), ()
    return None


def _played_footage(detail: Mapping[str, Any], at: float) -> _Footage | None:
    """A played clip's camera, the span its played ranges cover and the ranges themselves
    (cut at the record's moment). The service refuses malformed ranges; this check keeps a
    record written by anything else from counting what it cannot mean."""
    camera = detail.get("camera")
    raw = detail.get("played")
    if not isinstance(camera, str) or not camera or not isinstance(raw, list):
        return None
    played = []
    for pair in raw:
        span = _span_of(pair)
        if span is None:
            return None
        if span.start < at:
            played.append(Span(span.start, min(span.end, at)))
    if not played:
        return None
    hull = Span(min(s.start for s in played), max(s.end for s in played))
    return (camera,), hull, tuple(played)


def _span_of(pair: object) -> Span | None:
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return None
    start, end = pair
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (start, end))
    if not numbers or not (math.isfinite(start) and math.isfinite(end)) or end <= start:
        return None
    return Span(float(start), float(end))


def touches(span: Span, window: Span) -> bool:
    """`span` (closed; possibly a single moment) meets the half-open `window`."""
    if span.end > span.start:
        return span.start < window.end and span.end > window.start
    return window.start <= span.start < window.end
