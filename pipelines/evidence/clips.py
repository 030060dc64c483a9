"""`export --clips`: stream-copied clips of the flagged intervals instead of whole originals.

Each recording with findings gets one clip per merged interval (finding ± `MARGIN_S`), cut at
the keyframe before it and copied packet by packet (`media.remux_clip`: no decoding, the
pictures are the original's bits). A clip is derived evidence: the manifest names its parent's
SHA-256, and the parent is re-hashed here so the parent hash is the original's today.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analyzer.findings import Finding
from analyzer.recording import RecordingInfo
from pipelines.evidence.contents import ExportContents, ExportError
from pipelines.evidence.files import FileDigest, digest_file
from pipelines.media import UnreadableMedia, remux_clip

MARGIN_S = 5.0


@dataclass(frozen=True)
class Clip:
    """One clip in the package: its path, digest, parent and the span copied (seconds from
    the parent's start)."""

    path: str
    digest: FileDigest
    parent: RecordingInfo
    start_s: float
    end_s: float


def flagged_spans(contents: ExportContents) -> list[tuple[RecordingInfo, float, float]]:
    """(recording, start, end) in seconds from the recording's start: the findings on it (by
    its SHA-256, or by camera and time for custody findings) ± margin, clipped to the
    recording and merged where they overlap; recordings in order, spans too."""
    spans: list[tuple[RecordingInfo, float, float]] = []
    for recording in contents.recordings:
        wanted = sorted(
            (
                max(0.0, f.start - recording.start - MARGIN_S),
                min(recording.duration_s, f.end - recording.start + MARGIN_S),
            )
            for f in contents.findings
            if _concerns(f, recording)
        )
        merged: list[list[float]] = []
        for start, end in wanted:
            if end <= start:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        spans.extend((recording, start, end) for start, end in merged)
    return spans


def _concerns(finding: Finding, recording: RecordingInfo) -> bool:
    # Custody findings name a camera and a time, not a recording.
    if finding.recording_sha256 is not None:
        return finding.recording_sha256 == recording.sha256
    return (
        recording.camera in finding.cameras
        and finding.start < recording.end
        and finding.end > recording.start
    )


def write_clips(staging: Path, contents: ExportContents) -> list[Clip]:
    """Cut every flagged span into `staging/clips/<camera>/`; `ExportError` when an original
    is unreadable or no longer has the SHA-256 it was scanned with."""
    clips: list[Clip] = []
    checked: set[str] = set()
    for recording, start, end in flagged_spans(contents):
        source = Path(recording.path)
        if recording.sha256 not in checked:
            try:
                today = digest_file(source).sha256
            except OSError as exc:
                raise ExportError(f"cannot read the original {source}: {exc}") from exc
            if today != recording.sha256:
                raise ExportError(
                    f"{source} no longer has the SHA-256 it was scanned with "
                    f"({recording.sha256}): the original changed since"
                )
            checked.add(recording.sha256)
        relative = f"clips/{recording.camera}/{source.stem}_{start:08.2f}-{end:08.2f}s.mp4"
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            first, last = remux_clip(source, target, start, end)
        except UnreadableMedia as exc:
            raise ExportError(f"cannot cut a clip of {source}: {exc}") from exc
        clips.append(Clip(relative, digest_file(target), recording, first, last))
    return clips
