"""Representative frames of findings, written as JPEGs an inspector can glance at."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from analyzer.findings import Finding
from analyzer.recording import RecordingInfo
from pipelines import media

log = logging.getLogger(__name__)


def attach_frames(
    findings: Sequence[Finding], recordings: Sequence[RecordingInfo], out_dir: Path
) -> list[Finding]:
    """Findings with `frame` set to a JPEG of the picture at their `frame_time`.

    The picture comes from the finding's recording, or for findings that span recordings (the
    custody rules) from a recording of its camera (or of the first of its cameras, "a+b") that
    holds that moment. The file is named by the finding id, so a re-scan finds it already
    written and leaves it untouched. Findings without a frame time or a recording keep `frame`
    None.
    """
    by_sha = {recording.sha256: recording for recording in recordings}
    attached = []
    for finding in findings:
        recording = by_sha.get(finding.recording_sha256 or "") or _showing(finding, recordings)
        if recording is None or finding.frame_time is None:
            attached.append(finding)
            continue
        jpeg = out_dir / f"{finding.id}.jpg"
        if not jpeg.exists() and not _write_frame(recording, finding.frame_time, jpeg):
            attached.append(finding)
            continue
        attached.append(dataclasses.replace(finding, frame=str(jpeg)))
    return attached


def _showing(finding: Finding, recordings: Sequence[RecordingInfo]) -> RecordingInfo | None:
    if finding.frame_time is None:
        return None
    return next(
        (
            r
            for camera in finding.cameras
            for r in recordings
            if r.camera == camera and r.start <= finding.frame_time < r.decoded_to
        ),
        None,
    )


def _write_frame(recording: RecordingInfo, at: float, jpeg: Path) -> bool:
    try:
        image = media.frame_at(Path(recording.path), at - recording.start)
    except media.UnreadableMedia as exc:
        log.warning("no frame for a finding: %s", exc)
        return False
    if image is None:
        return False
    jpeg.parent.mkdir(parents=True, exist_ok=True)
    partial = jpeg.with_suffix(".part")
    Image.fromarray(image[:, :, ::-1]).save(partial, format="JPEG", quality=85)
    partial.replace(jpeg)
    return True
