"""Inspections in the audit trail: who played back or reviewed which camera's footage of which
time, and when. Pure: audit records in, `Viewing`s out.

The review service names the footage an audit record is about by its object: a recording
view (`recording.view`) names the recording ("recording", its sha256); a clip view
(`clip.view`) and a review decision (`finding.review`) name the finding ("finding", its id).
What was seen is the recording's decoded span, or the finding's span, never after the moment
of the record (nobody plays back footage not yet recorded).

Only a clip view is footage played in the review service (its player shows the finding's
span). A recording view is the file sent to someone, who may play any part of it elsewhere or
none; a review decision is a judgement, not a playback. Both are listed on the form, and
neither counts as footage played through (V12).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analyzer.findings import Finding
from analyzer.intervals import Span
from analyzer.recording import RecordingInfo
from pipelines.store.audit import AuditRecord

INSPECTION_ACTIONS = frozenset({"recording.view", "clip.view", "finding.review"})
# The inspections whose footage was played in front of the inspector.
PLAYBACK_ACTIONS = frozenset({"clip.view"})


@dataclass(frozen=True, slots=True)
class Viewing:
    """One inspection: `actor` (with `role`) did `action` at `at` (POSIX seconds) on footage
    of `cameras` covering `seen`; `object_type` / `object_id` as the audit record names it."""

    actor: str
    role: str
    action: str
    at: float
    cameras: tuple[str, ...]
    seen: Span
    object_type: str
    object_id: str
    seq: int

    @property
    def played(self) -> bool:
        """Whether `seen` was played back in front of the inspector (see the module's note)."""
        return self.action in PLAYBACK_ACTIONS


def viewings(
    records: Iterable[AuditRecord],
    *,
    findings: Mapping[str, Finding],
    recordings: Mapping[str, RecordingInfo],
) -> tuple[Viewing, ...]:
    """The inspections among `records`, in chain order. `findings` (by id) and `recordings`
    (by sha256) resolve what the records name; a record naming neither is left out."""
    found = []
    for record in records:
        entry = record.entry
        if entry.action not in INSPECTION_ACTIONS:
            continue
        at = record.at.timestamp()
        footage = _footage(entry.object_type, entry.object_id, findings, recordings)
        if footage is None:
            continue
        cameras, span = footage
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
            )
        )
    return tuple(found)


def _footage(
    object_type: str,
    object_id: str,
    findings: Mapping[str, Finding],
    recordings: Mapping[str, RecordingInfo],
) -> tuple[tuple[str, ...], Span] | None:
    if object_type == "recording":
        recording = recordings.get(object_id)
        if recording is None or recording.decoded_to <= recording.start:
            return None
        return (recording.camera,), Span(recording.start, recording.decoded_to)
    if object_type == "finding":
        finding = findings.get(object_id)
        if finding is None:
            return None
        # A room's finding names all its cameras, "a+b".
        return tuple(finding.camera.split("+")), Span(finding.start, finding.end)
    return None


def touches(span: Span, window: Span) -> bool:
    """`span` (closed; possibly a single moment) meets the half-open `window`."""
    if span.end > span.start:
        return span.start < window.end and span.end > window.start
    return window.start <= span.start < window.end
