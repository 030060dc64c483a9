"""The real YOLOX-Nano (COCO-80) from ../shared, imported through the registry, on real video.

Skipped when ../shared is absent. Frames are decoded with PyAV here, in the test, so these tests
depend only on the registry and the backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime as ort
import pytest

from analyzer.detections import Detections, ObjectClass
from models.backends.motion_person import MotionPersonDetector
from models.backends.nms import iou_one_to_many
from models.backends.onnx_yolox import YoloxOnnxDetector
from models.backends.options import DetectorOptions
from models.classes import COCO80
from models.detector import Detector
from models.registry import ModelRegistry
from models.storage import sha256_file
from tests.models.conftest import SHARED, SKIP_SHARED

pytestmark = [
    pytest.mark.shared,
    pytest.mark.video,
    pytest.mark.skipif(not SHARED.is_dir(), reason=SKIP_SHARED),
]

MODEL = SHARED / "models" / "yolox_nano.onnx"
INDOOR = SHARED / "videos" / "one-by-one-person-detection.mp4"
OUTDOOR = SHARED / "videos" / "vtest.avi"
PERSON_AT_TABLE = (120, 300, 1000)  # frame indices at 10 fps (checked by eye)
EMPTY_ROOM = (0, 480, 900)
SAMPLED = tuple(range(0, 1394, 50))

Frame = npt.NDArray[np.uint8]


def decode(
    path: Path, wanted: set[int] | None = None, limit: int | None = None
) -> Iterator[tuple[int, Frame]]:
    """(index, (h, w, 3) uint8 BGR) for the wanted frame indices (all when None)."""
    with av.open(str(path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if limit is not None and i >= limit:
                return
            if wanted is None or i in wanted:
                yield i, frame.to_ndarray(format="bgr24")


@pytest.fixture(scope="module")
def indoor() -> dict[int, Frame]:
    return dict(decode(INDOOR, set(PERSON_AT_TABLE + EMPTY_ROOM + SAMPLED)))


@pytest.fixture(scope="module")
def nano(tmp_path_factory: pytest.TempPathFactory) -> ModelRegistry:
    registry = ModelRegistry(
        tmp_path_factory.mktemp("home"), builtin_dir=tmp_path_factory.mktemp("b")
    )
    registry.import_model(MODEL, name="yolox-nano", format="yolox")
    registry.import_model(
        MODEL, name="yolox-nano-bundles", format="yolox", bundle_classes="book,suitcase"
    )
    return registry


def test_import_into_the_registry_in_home(home: Path) -> None:
    reg = ModelRegistry.from_env()
    manifest = reg.import_model(MODEL, name="nano-copy", format="yolox", classes="coco80")
    assert manifest.class_names == COCO80 and manifest.person_classes == ("person",)
    assert (manifest.input_size.height, manifest.input_size.width) == (416, 416)
    # the shipped built-ins verify too
    assert [(r.name, r.ok) for r in reg.verify_models() if not r.builtin] == [("nano-copy", True)]
    assert all(r.ok for r in reg.verify_models())
    detector: Detector = reg.load_detector("nano-copy")
    assert isinstance(detector, YoloxOnnxDetector) and not detector.dynamic_batch


def test_the_shipped_person_model_is_this_yolox_nano(home: Path) -> None:
    """The built-in `yolox-nano` is these weights, counting COCO's person and nothing else."""
    shipped = ModelRegistry.from_env().get("yolox-nano")
    assert shipped.builtin and shipped.sha256 == sha256_file(MODEL)
    assert shipped.person_classes == ("person",) and shipped.bundle_classes == ()
    assert isinstance(ModelRegistry.from_env().load_detector("yolox-nano"), YoloxOnnxDetector)


@pytest.mark.parametrize("index", PERSON_AT_TABLE)
def test_finds_the_person_at_the_table(
    nano: ModelRegistry, indoor: dict[int, Frame], index: int
) -> None:
    [out] = nano.load_detector("yolox-nano-bundles").detect([indoor[index]])
    assert out.count(ObjectClass.PERSON) == 1 and out.count(ObjectClass.BUNDLE) == 0
    x1, y1, x2, y2 = out.xyxy[0]
    assert out.confidence[0] > 0.7
    assert 330 < (x1 + x2) / 2 < 560 and y2 - y1 > 250  # a standing person at the table


@pytest.mark.parametrize("index", EMPTY_ROOM)
def test_empty_room_has_nothing(nano: ModelRegistry, indoor: dict[int, Frame], index: int) -> None:
    [out] = nano.load_detector("yolox-nano-bundles").detect([indoor[index]])
    assert len(out) == 0


def reference_detect(
    session: ort.InferenceSession, img: Frame, conf: float, iou: float
) -> tuple[list[list[float]], list[float]]:
    """Independent YOLOX-Nano person detector written the plain way: preprocessing as in YOLOX's
    `preproc`, decode anchor by anchor in loops, greedy NMS pair by pair, then scale back."""
    h, w = img.shape[:2]
    r = min(416 / h, 416 / w)
    padded = np.full((416, 416, 3), 114, np.float32)
    padded[: int(h * r), : int(w * r)] = cv2.resize(img, (int(w * r), int(h * r)))
    out = session.run(None, {"images": padded.transpose(2, 0, 1)[None]})[0][0]
    found: list[tuple[float, list[float]]] = []
    row = 0
    for stride in (8, 16, 32):
        for gy in range(416 // stride):
            for gx in range(416 // stride):
                p = out[row]
                row += 1
                cls = int(np.argmax(p[5:]))
                score = float(p[4] * p[5 + cls])
                if cls != 0 or score < conf:
                    continue
                cx, cy = (p[0] + gx) * stride, (p[1] + gy) * stride
                bw, bh = np.exp(p[2]) * stride, np.exp(p[3]) * stride
                found.append((score, [cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2]))
    found.sort(key=lambda f: -f[0])
    kept: list[tuple[float, list[float]]] = []
    for score, box in found:
        if all(_iou(box, k[1]) <= iou for k in kept):
            kept.append((score, box))
    boxes = [
        [min(max(v / r, 0.0), float(w if i % 2 == 0 else h)) for i, v in enumerate(b)]
        for _, b in kept
    ]
    return boxes, [s for s, _ in kept]


def _iou(a: list[float], b: list[float]) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - iw * ih
    return iw * ih / union


def test_matches_an_independent_reference(nano: ModelRegistry, indoor: dict[int, Frame]) -> None:
    options = DetectorOptions(person_confidence=0.1, nms_iou=0.45)
    detector = nano.load_detector("yolox-nano", options=options)
    session = ort.InferenceSession(str(MODEL), providers=["CPUExecutionProvider"])
    frames = [indoor[i] for i in SAMPLED]
    compared = 0
    for img, out in zip(frames, detector.detect(frames), strict=True):
        boxes, scores = reference_detect(session, img, conf=0.1, iou=0.45)
        assert len(out) == len(boxes)
        np.testing.assert_allclose(out.xyxy, np.array(boxes).reshape(-1, 4), atol=0.05)
        np.testing.assert_allclose(out.confidence, scores, atol=1e-5)
        compared += len(boxes)
    assert compared >= 15  # the comparison covered real boxes, not only empty frames


def test_batch_of_frames_equals_one_by_one(nano: ModelRegistry, indoor: dict[int, Frame]) -> None:
    detector = nano.load_detector("yolox-nano")
    frames = [indoor[i] for i in PERSON_AT_TABLE + EMPTY_ROOM]
    together = detector.detect(frames)
    alone = [detector.detect([f])[0] for f in frames]
    for a, b in zip(together, alone, strict=True):
        np.testing.assert_array_equal(a.xyxy, b.xyxy)


def test_motion_fallback_roughly_agrees_with_yolox_on_a_fixed_camera(nano: ModelRegistry) -> None:
    """On the fixed outdoor camera the fallback finds most walkers YOLOX finds, with few extra
    boxes (measured: recall 0.50, precision 0.84 over the first 300 frames)."""
    yolox = nano.load_detector("yolox-nano", options=DetectorOptions(person_confidence=0.5))
    motion = MotionPersonDetector()
    matched = missed = extra = 0
    for i, img in decode(OUTDOOR, limit=300):
        ref: Detections = yolox.detect([img])[0]
        got = motion.update(img)
        if i < 20:  # background still being learned
            continue
        used: set[int] = set()
        for box in ref.xyxy:
            overlap = iou_one_to_many(box, got.xyxy) if len(got) else np.zeros(0)
            j = int(overlap.argmax()) if len(overlap) else -1
            if j >= 0 and overlap[j] > 0.3 and j not in used:
                matched += 1
                used.add(j)
            else:
                missed += 1
        extra += len(got) - len(used)
    assert matched / (matched + missed) > 0.4
    assert matched / (matched + extra) > 0.75
