"""Test objects for the store: recordings, findings and count timelines with awkward float
times."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import numpy as np

from analyzer.counting import CountTimeline
from analyzer.findings import Counts, Finding, FindingKind, Severity
from analyzer.recording import CameraKind, RecordingInfo, StartSource

# Not representable in whole microseconds: a datetime-only store would not round-trip these.
T0 = 1_718_000_000.123_456_7


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


# As long as a real description gets: two models with their weights' hashes, the tracker and
# the sampling (far past any String(64) key).
COUNTED_WITH = (
    f"persons=yolo11n-person.onnx sha256:{sha('person-weights')} conf>=0.35; "
    f"bundles=bundle-v3.onnx sha256:{sha('bundle-weights')} conf>=0.40; "
    "tracker=bytetrack(high=0.50, low=0.10, buffer=2.0 s); sampling=every 0.5 s; min_run=2.0 s"
)


def make_recording(name: str = "rec-1", **overrides: Any) -> RecordingInfo:
    recording = RecordingInfo(
        path=f"/footage/{name}.mp4",
        sha256=sha(name),
        size_bytes=5_000_000_000,
        camera="vault-1",
        camera_kind=CameraKind.FIXED,
        start=T0,
        start_source=StartSource.FILE_NAME,
        duration_s=600.040_000_1,
        fps=29.97,
        width=1920,
        height=1080,
        codec="h264",
        container="mp4",
        rotation=0,
        decoded_to=T0 + 599.966_666_7,
        decode_errors=0,
    )
    return replace(recording, **overrides)


def make_finding(offset: float = 10.0, **overrides: Any) -> Finding:
    finding = Finding(
        kind=FindingKind.FROZEN_VIDEO,
        rule="frozen_video",
        cameras=("vault-1",),
        start=T0 + offset,
        end=T0 + offset + 12.345_678_9,
        severity=Severity.HIGH,
        detail="picture frozen for 12.3 s",
        recording_sha256=sha("rec-1"),
        counts=Counts(persons_min=1, persons_max=3, bundles_min=None, bundles_expected=4),
        custody_event="open-vault",
        custody_leg="leg-2",
        frame_time=T0 + offset + 1.000_000_3,
        frame="frames/abc.jpg",
    )
    return replace(finding, **overrides)


def make_timeline(
    name: str = "rec-1",
    frames: int = 7,
    *,
    offset: float = 0.0,
    step: float = 0.5,
    **overrides: Any,
) -> CountTimeline:
    """`frames` analysed frames of recording `name`, `step` seconds apart from T0 + `offset`:
    two people with a spell of three, four bundles then three, detector-like confidences."""
    time = np.asarray(T0 + offset + np.arange(frames) * step, np.float64)
    persons = np.full(frames, 2, np.int64)
    persons[frames // 3 : frames // 2] = 3
    bundles = np.full(frames, 4, np.int64)
    bundles[2 * frames // 3 :] = 3
    confidence = np.random.default_rng(frames).uniform(0.55, 0.95, frames).astype(np.float32)
    timeline = CountTimeline(
        camera="vault-1",
        recording_sha256=sha(name),
        counted_with=COUNTED_WITH,
        time=time,
        persons=persons,
        bundles=bundles,
        confidence=confidence,
    )
    return replace(timeline, **overrides)
