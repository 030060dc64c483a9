"""A batch of files scanned one after the other, each camera's on-screen clock learnt once."""

from __future__ import annotations

import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from analyzer import continuity
from analyzer.counting import CountTimeline
from analyzer.findings import Finding
from analyzer.recording import RecordingInfo
from models.storage import sha256_file
from pipelines import media
from pipelines.clock_reader import ClockFaces
from pipelines.ingest import name_start
from pipelines.scan.options import ScanOptions, camera_for
from pipelines.scan.progress import Progress
from pipelines.scan.recording import analyse_recording
from pipelines.site import Camera

log = logging.getLogger(__name__)


@dataclass
class ScanResult:
    recordings: list[RecordingInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    count_timelines: list[CountTimeline] = field(default_factory=list)


def scan_files(
    files: list[Path], options: ScanOptions, progress: Progress | None = None
) -> ScanResult:
    """Analyse every file. A file that cannot be analysed becomes an `unreadable_recording`
    finding; the scan goes on. The gaps between files are judged later, against the stored
    recordings too (`pipelines.conclude`).
    """
    result = ScanResult()
    files_of: dict[str, list[Path]] = defaultdict(list)
    for path in files:
        files_of[camera_for(path, options).id].append(path)
    clock_faces = ClockFaces(dict(files_of))
    # Files are hashed one after the other in a thread of their own while the scan goes on:
    # hashing reads the file and little else, and learning a clock leaves part of a core idle.
    # A scan that stops early does not wait for the hashes of files it will not analyse.
    hashing = ThreadPoolExecutor(1, thread_name_prefix="hashing")
    try:
        digests = [hashing.submit(sha256_file, path) for path in files]
        for index, (path, sha256) in enumerate(zip(files, digests, strict=True), 1):
            camera = camera_for(path, options)
            try:
                analysis = analyse_recording(
                    path,
                    sha256=sha256,
                    camera=camera,
                    options=options,
                    progress=progress,
                    clock_faces=clock_faces,
                )
            except media.UnreadableMedia as exc:
                log.warning("unreadable recording (%d/%d): %s", index, len(files), exc)
                finding = unreadable_finding(path, camera, sha256.result(), str(exc), options)
                result.findings.append(finding)
                continue
            log.info(
                "scanned %s (%d/%d): %.1f s of video, %d findings",
                path.name,
                index,
                len(files),
                analysis.recording.duration_s,
                len(analysis.findings),
            )
            result.recordings.append(analysis.recording)
            result.findings.extend(analysis.findings)
            if analysis.counts is not None:
                result.count_timelines.append(analysis.counts)
    finally:
        hashing.shutdown(cancel_futures=True)
    result.recordings.sort(key=lambda r: (r.camera, r.start))
    result.findings.sort(key=lambda f: (f.camera, f.start, f.kind.value))
    return result


def unreadable_finding(
    path: Path, camera: Camera, sha256: str, reason: str, options: ScanOptions
) -> Finding:
    """The `unreadable_recording` finding of a file no decoder could read."""
    # The file's time span is unknown; its name may still say when it began, read as the
    # start of a readable file is (the camera's file pattern first).
    at = name_start(path, camera=camera, zone=options.zone)
    if at is None:
        at = options.start if options.start is not None else path.stat().st_mtime
    return continuity.unreadable(
        path=str(path),
        camera=camera.id,
        sha256=None,
        at=at,
        reason=f"{reason} (sha256 {sha256})",
    )
