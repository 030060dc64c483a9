"""Real pictures for the renderer: room backdrops and people cut out of videos.

`collect_backgrounds` turns images, folders of images and videos into a list of backdrop image
files (a video gives one frame every few seconds). `collect_people` cuts the people out of
videos of people walking: the per-pixel median of frames spread over the clip is the empty
room, YOLOX-Nano (the product's person model) boxes each person, and the pixels inside a box
that differ from the empty room are the person's mask. Each cut-out is written as a BGRA PNG
(alpha = mask), which the renderer pastes into frames (`synth_people`). Both cache their
output in a work folder keyed by the source file's name, size and modification time.

Videos are decoded by `pipelines.media`, the product's one decoding module.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from pipelines.training.synth_scene import IMAGE_SUFFIXES, list_images

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov", ".ts", ".m4v", ".webm")
_MIN_PERSON_PX = 48
"""Shorter cut-outs are too coarse to paste at phone scale."""


def _key(path: Path) -> str:
    st = path.stat()
    return f"{path.stem}_{st.st_size}_{int(st.st_mtime)}"


def _video_times(path: Path, count: int) -> list[float]:
    from pipelines.media import probe

    duration = max(probe(path).duration_s, 0.1)
    return [duration * (i + 0.5) / count for i in range(count)]


def _frames(path: Path, count: int) -> list[npt.NDArray[np.uint8]]:
    from pipelines.media import frame_at

    frames = []
    for t in _video_times(path, count):
        frame = frame_at(path, t)
        if frame is not None:
            frames.append(frame)
    return frames


def collect_backgrounds(
    sources: Sequence[Path], work: Path, frames_per_video: int = 40
) -> tuple[Path, ...]:
    """Backdrop image files from image files, folders of images and videos (sorted, stable)."""
    out: list[Path] = []
    for source in sources:
        source = Path(source)
        if source.is_dir():
            found = list_images(source)
            if not found:
                raise ValueError(f"no background images under {source}")
            out.extend(found)
        elif source.suffix.lower() in IMAGE_SUFFIXES:
            out.append(source)
        elif source.suffix.lower() in VIDEO_SUFFIXES:
            folder = work / _key(source)
            if not (folder / "done").is_file():
                folder.mkdir(parents=True, exist_ok=True)
                for i, frame in enumerate(_frames(source, frames_per_video)):
                    cv2.imwrite(str(folder / f"bg_{i:03d}.jpg"), frame)
                (folder / "done").write_text("")
            out.extend(sorted(folder.glob("bg_*.jpg")))
        else:
            raise ValueError(f"--backgrounds {source}: not an image, folder or video")
    return tuple(out)


def _person_boxes(frames: Sequence[npt.NDArray[np.uint8]]) -> list[npt.NDArray[np.float32]]:
    """(n, 4) xyxy person boxes of each frame, from the shipped YOLOX-Nano."""
    from analyzer.detections import ObjectClass
    from models.backends.onnx_yolox import YoloxOnnxDetector
    from models.backends.options import DetectorOptions
    from models.backends.postprocess import ClassMap
    from models.registry import BUILTIN_DIR

    detector = YoloxOnnxDetector(
        BUILTIN_DIR / "yolox_nano.onnx",
        name="yolox-nano",
        input_size=(416, 416),
        class_map=ClassMap.from_ids(80, person=(0,), bundle=()),
        options=DetectorOptions(person_confidence=0.5),
    )
    out = []
    for det in detector.detect(list(frames)):
        out.append(det.xyxy[det.class_id == ObjectClass.PERSON])
    return out


def cut_people(
    frames: Sequence[npt.NDArray[np.uint8]],
) -> list[npt.NDArray[np.uint8]]:
    """(h, w, 4) BGRA cut-outs of the people in `frames` (same camera, people moving)."""
    background = np.median(np.stack(frames[:: max(1, len(frames) // 25)]), axis=0).astype(np.uint8)
    cutouts = []
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    for frame, boxes in zip(frames, _person_boxes(frames), strict=True):
        diff = cv2.absdiff(frame, background).max(axis=2)
        moving = (diff > 28).astype(np.uint8)
        moving = cv2.morphologyEx(moving, cv2.MORPH_CLOSE, kernel)
        moving = cv2.morphologyEx(moving, cv2.MORPH_OPEN, kernel)
        for x1, y1, x2, y2 in boxes.astype(int):
            x1, y1 = max(0, x1), max(0, y1)
            x2, y2 = min(frame.shape[1], x2), min(frame.shape[0], y2)
            if y2 - y1 < _MIN_PERSON_PX or x2 - x1 < 12:
                continue
            mask = moving[y1:y2, x1:x2]
            # A person standing still for the whole clip is part of the median: no mask.
            if mask.mean() < 0.25:
                continue
            # Keep the largest blob: a neighbour's elbow inside the box is not this person.
            n, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
            if n < 2:
                continue
            biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
            alpha = np.where(labels == biggest, 255, 0).astype(np.uint8)
            soft = np.asarray(cv2.GaussianBlur(alpha, (3, 3), 0), np.uint8)
            cutouts.append(np.dstack((frame[y1:y2, x1:x2], soft)))
    return cutouts


def collect_people(
    videos: Sequence[Path], work: Path, frames_per_video: int = 60
) -> tuple[Path, ...]:
    """BGRA PNG cut-outs of the people in `videos` (sorted, stable)."""
    out: list[Path] = []
    for video in videos:
        video = Path(video)
        if video.suffix.lower() not in VIDEO_SUFFIXES:
            raise ValueError(f"--people-video {video}: not a video file")
        folder = work / _key(video)
        if not (folder / "done").is_file():
            folder.mkdir(parents=True, exist_ok=True)
            people = cut_people(_frames(video, frames_per_video))
            for i, person in enumerate(people):
                cv2.imwrite(str(folder / f"person_{i:03d}.png"), person)
            (folder / "done").write_text(json.dumps({"people": len(people)}))
            log.info("cut %d people out of %s", len(people), video)
        out.extend(sorted(folder.glob("person_*.png")))
    return tuple(out)
