"""Factories for test objects (recordings, timelines) with sensible defaults."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from analyzer.recording import CameraKind, RecordingInfo, StartSource
from analyzer.signals import FrameSignals, PacketTimeline

T0 = 1_795_996_800.0  # 2026-12-01T00:00:00Z


def recording(**overrides: Any) -> RecordingInfo:
    base = RecordingInfo(
        path="/nvr/ch01_a.mp4",
        sha256="a" * 64,
        size_bytes=1000,
        camera="vault-a",
        camera_kind=CameraKind.FIXED,
        start=T0,
        start_source=StartSource.FILE_NAME,
        duration_s=60.0,
        fps=10.0,
        width=640,
        height=360,
        codec="h264",
        container="mp4",
        rotation=0,
        decoded_to=T0 + 60.0,
        decode_errors=0,
    )
    return replace(base, **overrides)


def packets(times: np.ndarray | list[float], key_every: int = 10) -> PacketTimeline:
    t = np.asarray(times, np.float64)
    keys = (np.arange(t.size) % key_every) == 0
    return PacketTimeline(t, keys, np.full(t.size, 1000, np.int64))


def regular_times(duration_s: float, fps: float, start: float = 0.0) -> np.ndarray:
    return start + np.arange(int(round(duration_s * fps))) / fps


def signals(
    times: np.ndarray,
    *,
    luma: float | np.ndarray = 120.0,
    uniform: float | np.ndarray = 0.3,
    change: float | np.ndarray = 1.0,
    structure: float | np.ndarray = 1.0,
    sharpness: float | np.ndarray = 1.0,
    scene_match: float | np.ndarray = 1.0,
) -> FrameSignals:
    """Signals of a live, sharp, unmoved camera unless told otherwise."""
    n = times.size

    def column(value: float | np.ndarray) -> np.ndarray:
        return np.broadcast_to(np.asarray(value, np.float64), (n,)).copy()

    changes = column(change)
    changes[0] = np.inf
    return FrameSignals(
        times.astype(np.float64),
        column(luma),
        column(uniform),
        changes,
        column(structure),
        column(sharpness),
        column(scene_match),
    )
