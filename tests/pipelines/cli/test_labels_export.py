"""`vaultwatch labels export`: labelled frames of a real (generated, H.264) recording written
as a YOLO set that the trainer's loader accepts, with the saved boxes, the right pictures,
negatives as empty label files; a non-empty OUT_DIR refused; originals left as they were."""

from __future__ import annotations

import csv
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from pipelines import media
from pipelines.cli import main
from pipelines.cli.labels import yolo_boxes
from pipelines.store import open_store, save_scan_results
from pipelines.store.audit import load_audit
from pipelines.store.labels import FrameKey, LabelledFrame, save_labelled_frame
from pipelines.training.yolo_dataset import cxcywh_to_xyxy, load_user_dataset, parse_labels
from tests.clips import regular, write_clip
from tests.pipelines.store.factories import make_recording

pytestmark = pytest.mark.video

WIDTH, HEIGHT = 320, 180
FPS = 10.0
START = 1_795_480_200.0
# offset in ms -> boxes (pixels); the 3-s frame shows no bundle.
LABELS = {
    1_000: [[20.0, 30.0, 100.5, 90.25], [150.0, 40.0, 320.0, 180.0]],
    2_500: [[0.0, 0.0, 60.0, 45.0]],
    3_000: [],
}


def moving_block(index: int, time: float) -> np.ndarray:
    """A grey scene with a white block that moves 8 px a frame: each frame is its own."""
    image = np.full((HEIGHT, WIDTH, 3), 60, np.uint8)
    x = (index * 8) % (WIDTH - 40)
    image[60:120, x : x + 40] = 255
    return image


def block_columns(image: np.ndarray) -> tuple[int, int]:
    """First and last column of the white block (its middle row)."""
    bright = np.flatnonzero(image[90, :, 1] > 160)
    return int(bright[0]), int(bright[-1])


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    footage = tmp_path / "footage" / "vault-b"
    footage.mkdir(parents=True)
    return write_clip(footage / "ch02.mp4", regular(5.0, FPS), moving_block)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_labels(db_url: str, clip: Path, camera: str = "vault-b") -> None:
    info = media.probe(clip)
    recording = make_recording(
        path=str(clip),
        sha256=sha256_of(clip),
        size_bytes=clip.stat().st_size,
        camera=camera,
        start=START,
        duration_s=info.duration_s,
        fps=info.fps,
        width=info.width,
        height=info.height,
        decoded_to=START + info.duration_s,
    )
    engine = open_store(db_url)
    try:
        with Session(engine) as session:
            save_scan_results(
                session,
                recordings=[recording],
                findings=[],
                analyzer_version=ANALYZER_VERSION,
                params={"command": "test"},
            )
            for offset_ms, boxes in LABELS.items():
                save_labelled_frame(
                    session,
                    LabelledFrame(
                        key=FrameKey(recording.sha256, offset_ms),
                        camera=camera,
                        at=START + offset_ms / 1000,
                        width=info.width,
                        height=info.height,
                        boxes=boxes,
                        started_from="bundle_yolo@ab1007139cc5",
                        finding_id=None,
                        labelled_by="inspector",
                        labelled_at=datetime(2026, 12, 7, 20, 0, tzinfo=UTC),
                    ),
                )
            session.commit()
    finally:
        engine.dispose()


def test_export_writes_a_yolo_set_of_the_saved_boxes(
    db_url: str, clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_labels(db_url, clip)
    original = sha256_of(clip)
    out = tmp_path / "site_frames"
    assert main(["labels", "export", str(out), "--db", db_url]) == 0
    assert "exported 3 frame(s), 3 bundle box(es), 1 without bundles" in capsys.readouterr().out
    assert sha256_of(clip) == original  # the original is only read

    dataset = load_user_dataset(out)
    assert dataset.names == ("bundle",) and dataset.bundle_class == 0
    assert dataset.boxes == 3 and len(dataset.pairs) == 3
    with (out / "frames.csv").open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    assert [float(r["offset_s"]) for r in rows] == [1.0, 2.5, 3.0]
    for (image, label), row, (offset_ms, boxes) in zip(
        dataset.pairs, rows, LABELS.items(), strict=True
    ):
        assert label is not None and row["image"] == f"images/{image.name}"
        assert (row["camera"], row["started_from"]) == ("vault-b", "bundle_yolo@ab1007139cc5")
        parsed, problems = parse_labels(label.read_text(), str(label), 1)
        assert problems == []
        # The boxes come back to the pixel (6 decimals of 320 px).
        back = cxcywh_to_xyxy(parsed.cxcywh, WIDTH, HEIGHT)
        np.testing.assert_allclose(back, np.asarray(boxes).reshape(-1, 4), atol=1e-3)
        if not boxes:
            assert label.read_text() == ""  # a negative: the frame shows no bundle
        # The picture is the frame at that moment: the block where that frame has it.
        with Image.open(image) as picture:
            assert picture.size == (WIDTH, HEIGHT)
            pixels = np.asarray(picture.convert("RGB"), np.int16)[:, :, ::-1]
        index = round(offset_ms / 1000 * FPS)
        assert np.abs(pixels - moving_block(index, 0)).mean() < 6
        assert block_columns(pixels) == block_columns(moving_block(index, 0))
        assert block_columns(pixels) != block_columns(moving_block(index + 1, 0))

    engine = open_store(db_url)
    try:
        with Session(engine) as session:
            [exported] = load_audit(session, object_type="labels")
    finally:
        engine.dispose()
    assert exported.entry.action == "labels.export"
    assert exported.entry.object_id == str(out.resolve())
    assert exported.entry.detail["frames"] == 3 and exported.entry.detail["bundles"] == 3


def test_export_filters_by_camera_and_time(db_url: str, clip: Path, tmp_path: Path) -> None:
    store_labels(db_url, clip)
    since = datetime.fromtimestamp(START + 2, UTC).isoformat()
    out = tmp_path / "late"
    assert main(["labels", "export", str(out), "--db", db_url, "--since", since]) == 0
    assert sorted(p.name[-14:] for p in (out / "labels").iterdir()) == [
        "0000002500.txt",
        "0000003000.txt",
    ]
    none = tmp_path / "none"
    assert main(["labels", "export", str(none), "--db", db_url, "--camera", "vault-a"]) == 2
    assert not none.exists()


def test_a_non_empty_out_dir_is_refused(
    db_url: str, clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_labels(db_url, clip)
    out = tmp_path / "used"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main(["labels", "export", str(out), "--db", db_url]) == 2
    assert "exists and is not an empty folder" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    # An empty folder is fine: it is replaced by the finished set.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["labels", "export", str(empty), "--db", db_url]) == 0
    assert len(list((empty / "images").iterdir())) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_changed_original_is_left_out_and_said(
    db_url: str, clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_labels(db_url, clip)
    with clip.open("ab") as grown:  # the file is no longer the one scanned
        grown.write(b"\0")
    out = tmp_path / "set"
    assert main(["labels", "export", str(out), "--db", db_url]) == 2
    assert "the file changed" in capsys.readouterr().err
    assert not out.exists()


def test_yolo_boxes_are_normalised_centres_and_sizes() -> None:
    got = yolo_boxes(np.array([[0.0, 0.0, 320.0, 180.0], [20.0, 30.0, 100.0, 90.0]]), 320, 180)
    np.testing.assert_allclose(got, [[0.5, 0.5, 1.0, 1.0], [0.1875, 1 / 3, 0.25, 1 / 3]])
    assert yolo_boxes(np.zeros((0, 4)), 320, 180).shape == (0, 4)
