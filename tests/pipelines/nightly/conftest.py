"""A small site for nightly runs: two vault cameras exporting NVR segments into a media root,
one with a missing stretch and a frozen one, made once per test session and copied into each
test's own media root (tests change and add files)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from analyzer.findings import Finding
from pipelines.store import load_count_timelines, load_findings, open_store
from tests.clips import noisy_scene, regular, write_clip

SEGMENT_S = 6.0
SITE_YAML = """
timezone: Asia/Shanghai
rooms:
  - {id: vault-1, kind: vault}
  - {id: vault-2, kind: vault}
cameras:
  - id: cam-a
    room: vault-1
    file_pattern: 'a_(?P<start>\\d{14})\\.mp4'
    time_format: '%Y%m%d%H%M%S'
    clock: {read: false}
  - id: cam-b
    room: vault-2
    file_pattern: 'b_(?P<start>\\d{14})\\.mp4'
    time_format: '%Y%m%d%H%M%S'
    clock: {read: false}
thresholds:
  continuity: {frozen_min_s: 2}
media_roots: [media]
"""
# (file, seconds after 08:00:00): cam-a misses 08:00:12-08:00:20; b_...0006 freezes.
SEGMENTS = {
    "a_20261124080000.mp4": 0,
    "a_20261124080006.mp4": 6,
    "a_20261124080020.mp4": 20,
    "b_20261124080000.mp4": 0,
    "b_20261124080006.mp4": 6,
    "b_20261124080012.mp4": 12,
}


def _frozen_after(
    paint: Callable[[int, float], np.ndarray], at: float
) -> Callable[..., np.ndarray]:
    still = paint(0, 0.0)

    def frozen(index: int, time: float) -> np.ndarray:
        return still if time >= at else paint(index, time)

    return frozen


@pytest.fixture(scope="session")
def segments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nightly-segments")
    for index, name in enumerate(SEGMENTS):
        paint = noisy_scene(seed=index + 1)
        if name == "b_20261124080006.mp4":
            paint = _frozen_after(paint, 1.0)
        write_clip(folder / name, regular(SEGMENT_S, 10), paint, preset="ultrafast")
    return folder


@dataclass(frozen=True)
class NightlySite:
    site: Path
    media: Path
    db_url: str


def make_site(
    folder: Path, segments: Path, db_url: str, names: list[str] | None = None
) -> NightlySite:
    media = folder / "media"
    media.mkdir(parents=True)
    for name in names if names is not None else list(SEGMENTS):
        shutil.copy(segments / name, media / name)
    site = folder / "site.yaml"
    site.write_text(SITE_YAML, encoding="utf-8")
    return NightlySite(site=site, media=media, db_url=db_url)


def stored_findings(db_url: str) -> list[Finding]:
    engine = open_store(db_url)
    with Session(engine) as session:
        findings = load_findings(session)
    engine.dispose()
    return findings


def stored_timeline_count(db_url: str) -> int:
    engine = open_store(db_url)
    with Session(engine) as session:
        count = len(load_count_timelines(session))
    engine.dispose()
    return count


def comparable(findings: list[Finding]) -> list[tuple[object, ...]]:
    """Findings without the frame JPEG path (it names the store's data folder)."""
    return sorted((f.id, f.kind.value, f.camera, f.start, f.end, f.detail) for f in findings)
