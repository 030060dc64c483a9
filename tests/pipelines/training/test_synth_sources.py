"""Real backdrops and people for the renderer, from image folders and videos."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from pipelines.training.synth_bundles import SynthConfig, render_sample
from pipelines.training.synth_sources import collect_backgrounds, collect_people
from tests.conftest import shared_path


def _write_video(path: Path, frames: int = 30) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (160, 120))
    for i in range(frames):
        frame = np.full((120, 160, 3), 90, np.uint8)
        cv2.rectangle(frame, (5 * i % 150, 30), (5 * i % 150 + 10, 90), (20, 200, 20), -1)
        writer.write(frame)
    writer.release()
    return path


@pytest.mark.video
def test_backgrounds_come_from_images_folders_and_videos(tmp_path: Path) -> None:
    folder = tmp_path / "stills"
    folder.mkdir()
    for name in ("a.jpg", "b.png"):
        cv2.imwrite(str(folder / name), np.zeros((40, 60, 3), np.uint8))
    video = _write_video(tmp_path / "room.mp4")
    found = collect_backgrounds([folder, video], tmp_path / "work", frames_per_video=5)
    assert [p.name for p in found[:2]] == ["a.jpg", "b.png"]
    frames = found[2:]
    assert len(frames) == 5 and all(cv2.imread(str(p)).shape == (120, 160, 3) for p in frames)
    # Cached: a second call decodes nothing and lists the same files.
    assert collect_backgrounds([folder, video], tmp_path / "work", frames_per_video=5) == found
    with pytest.raises(ValueError, match="not an image, folder or video"):
        collect_backgrounds([tmp_path / "notes.txt"], tmp_path / "work")


@pytest.mark.video
@pytest.mark.shared
def test_people_cut_from_real_footage_are_pasted_into_frames(tmp_path: Path) -> None:
    video = shared_path("videos", "one-by-one-person-detection.mp4")
    people = collect_people([video], tmp_path / "people", frames_per_video=30)
    assert len(people) >= 5
    cutouts = [cv2.imread(str(p), cv2.IMREAD_UNCHANGED) for p in people]
    for cut in cutouts:
        assert cut.shape[2] == 4 and cut.shape[0] >= 48
        opaque = (cut[..., 3] >= 128).mean()
        assert 0.2 < opaque < 0.95, "a mask, neither empty nor the whole box"
    config = SynthConfig(people=people, real_person_fraction=1.0)
    changed = sum(render_sample(21, i, config).jpeg != render_sample(21, i).jpeg for i in range(12))
    assert changed >= 3, "frames with carriers must show the real people"
