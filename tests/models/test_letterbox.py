from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from models.backends.letterbox import Letterbox, letterbox_centered, letterbox_top_left


def yolox_preproc(img: npt.NDArray[np.uint8], size: tuple[int, int]) -> npt.NDArray[np.uint8]:
    """YOLOX's `preproc` (yolox/data/data_augment.py), without the transpose."""
    padded = np.ones((size[0], size[1], 3), np.uint8) * 114
    r = min(size[0] / img.shape[0], size[1] / img.shape[1])
    resized = cv2.resize(
        img, (int(img.shape[1] * r), int(img.shape[0] * r)), interpolation=cv2.INTER_LINEAR
    ).astype(np.uint8)
    padded[: int(img.shape[0] * r), : int(img.shape[1] * r)] = resized
    return padded


def ultralytics_letterbox(
    img: npt.NDArray[np.uint8], new_shape: tuple[int, int]
) -> npt.NDArray[np.uint8]:
    """Ultralytics' `LetterBox(auto=False, scaleup=True, center=True)`."""
    shape = img.shape[:2]
    r = min(new_shape[0] / shape[0], new_shape[1] / shape[1])
    new_unpad = int(round(shape[1] * r)), int(round(shape[0] * r))
    dw, dh = (new_shape[1] - new_unpad[0]) / 2, (new_shape[0] - new_unpad[1]) / 2
    if shape[::-1] != new_unpad:
        img = cv2.resize(img, new_unpad, interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    return cv2.copyMakeBorder(
        img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(114, 114, 114)
    )


FRAME_SIZES = [(432, 768), (576, 768), (100, 301), (301, 100), (64, 64), (30, 40), (1080, 1920)]


def noise(h: int, w: int) -> npt.NDArray[np.uint8]:
    return np.random.default_rng(h * 10_000 + w).integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize(("h", "w"), FRAME_SIZES)
@pytest.mark.parametrize("size", [(416, 416), (64, 64), (320, 640)])
def test_top_left_matches_yolox(h: int, w: int, size: tuple[int, int]) -> None:
    img = noise(h, w)
    canvas, lb = letterbox_top_left(img, *size)
    np.testing.assert_array_equal(canvas, yolox_preproc(img, size))
    assert (lb.pad_x, lb.pad_y) == (0.0, 0.0)
    assert lb.scale == min(size[0] / h, size[1] / w)


@pytest.mark.parametrize(("h", "w"), FRAME_SIZES)
@pytest.mark.parametrize("size", [(640, 640), (64, 64), (320, 640)])
def test_centered_matches_ultralytics(h: int, w: int, size: tuple[int, int]) -> None:
    img = noise(h, w)
    canvas, lb = letterbox_centered(img, *size)
    np.testing.assert_array_equal(canvas, ultralytics_letterbox(img, size))


@pytest.mark.parametrize("place", [letterbox_top_left, letterbox_centered])
@pytest.mark.parametrize(("h", "w"), FRAME_SIZES)
def test_boxes_map_back_to_frame(place: object, h: int, w: int) -> None:
    lb: Letterbox = place(noise(h, w), 64, 96)[1]  # type: ignore[operator]
    frame_boxes = np.array([[0.1 * w, 0.2 * h, 0.5 * w, 0.9 * h], [0, 0, w, h]], np.float32)
    in_input = frame_boxes * lb.scale + np.array([lb.pad_x, lb.pad_y] * 2, np.float32)
    np.testing.assert_allclose(lb.to_frame(in_input), frame_boxes, rtol=1e-5, atol=1e-3)


def test_to_frame_clips_to_the_frame() -> None:
    lb = Letterbox(scale=0.5, pad_x=0.0, pad_y=10.0, frame_height=100, frame_width=200)
    out = lb.to_frame(np.array([[-8, 0, 120, 80]], np.float32))
    np.testing.assert_allclose(out, [[0, 0, 200, 100]])


@pytest.mark.parametrize("bad", [np.zeros((4, 4), np.uint8), np.zeros((4, 4, 3), np.float32)])
def test_rejects_non_bgr_frames(bad: npt.NDArray[np.generic]) -> None:
    with pytest.raises(ValueError, match="uint8 BGR"):
        letterbox_top_left(bad, 64, 64)  # type: ignore[arg-type]
