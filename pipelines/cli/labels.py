"""`vaultwatch labels export OUT_DIR`: the bundle boxes inspectors set in the review service,
as a YOLO detection set for `train-bundles --user-data OUT_DIR`.

    OUT_DIR/images/<camera>_<sha256[:16]>_<ms>.jpg   the frame, decoded again from the original
    OUT_DIR/labels/<same>.txt                         "0 cx cy w h" per bundle, normalised 0-1;
                                                      empty for a frame showing no bundle
    OUT_DIR/data.yaml                                 nc: 1, names: [bundle]
    OUT_DIR/frames.csv                                where each frame came from, who labelled it
                                                      and which model's boxes they corrected

The set is written in a hidden sibling folder and renamed into place at the end, so OUT_DIR
is never half-written; an existing non-empty OUT_DIR is refused. Originals are only read
(`pipelines.media` opens them read-only), and each is checked to be the size it was scanned
at first. The export is recorded in the audit trail (`labels.export`).
"""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import os
import re
import shutil
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image
from sqlalchemy.orm import Session

from analyzer.recording import RecordingInfo
from analyzer.wallclock import iso, time_zone
from pipelines import media
from pipelines.cli.common import UsageError, add_db_option, open_engine, parse_time
from pipelines.store import get_recording
from pipelines.store.audit import AuditEntry, append_audit
from pipelines.store.labels import Boxes, LabelFilter, LabelledFrame, load_labelled_frames
from pipelines.training.yolo_dataset import write_labels, xyxy_to_cxcywh

BgrImage = npt.NDArray[np.uint8]
CLASS_NAMES = ("bundle",)
FRAMES_CSV_COLUMNS = (
    "image",
    "camera",
    "time",
    "recording_sha256",
    "offset_s",
    "width",
    "height",
    "bundles",
    "started_from",
    "labelled_by",
    "labelled_at",
    "finding_id",
)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "labels",
        help="labelled frames from the review service (bundle boxes) for training",
        description="Frames whose bundle boxes inspectors corrected in the review service.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write them as a YOLO detection set (images/, labels/, data.yaml)",
        description="Write labelled frames as a YOLO set for `vaultwatch train-bundles "
        "--user-data OUT_DIR`. Frames are decoded again from the original recordings.",
    )
    export.add_argument("out", type=Path, metavar="OUT_DIR", help="a new or empty folder")
    add_db_option(export)
    export.add_argument(
        "--camera", action="append", default=[], metavar="ID", help="only this camera (repeat)"
    )
    export.add_argument("--since", metavar="ISO", help="only frames at or after this time")
    export.add_argument("--until", metavar="ISO", help="only frames before this time")
    export.add_argument(
        "--tz", metavar="ZONE", help="zone of times without an offset (default: this machine's)"
    )
    export.set_defaults(run=_export)


@dataclass(frozen=True)
class Skipped:
    """A frame left out of the set, and why (original gone, changed or undecodable)."""

    frame: LabelledFrame
    reason: str


@dataclass(frozen=True)
class ExportSummary:
    frames: int
    bundles: int
    negatives: int
    skipped: tuple[Skipped, ...]


def yolo_boxes(boxes: Boxes, width: int, height: int) -> Boxes:
    """(n, 4) pixel x1 y1 x2 y2 -> (n, 4) normalised cx cy w h, each in 0..1."""
    return np.clip(xyxy_to_cxcywh(boxes.astype(np.float32), width, height), 0.0, 1.0).astype(
        np.float64
    )


def image_name(frame: LabelledFrame) -> str:
    """A file name unique per frame (recording and millisecond), readable by camera."""
    camera = re.sub(r"[^A-Za-z0-9._-]+", "_", frame.camera).strip("._") or "camera"
    return f"{camera}_{frame.key.recording_sha256[:16]}_{frame.key.offset_ms:010d}"


def write_yolo_set(
    frames: Sequence[LabelledFrame],
    recordings: dict[str, RecordingInfo],
    out: Path,
    zone: tzinfo,
) -> ExportSummary:
    """Decode each frame from its original and write the set into the folder `out` (which
    must exist and be empty). Frames whose original cannot be read are skipped, not fatal."""
    (out / "images").mkdir()
    (out / "labels").mkdir()
    rows: list[dict[str, Any]] = []
    skipped: list[Skipped] = []
    bundles = negatives = 0
    for frame in frames:
        recording = recordings.get(frame.key.recording_sha256)
        picture = _picture(frame, recording)
        if isinstance(picture, str):
            skipped.append(Skipped(frame, picture))
            continue
        name = image_name(frame)
        buffer = io.BytesIO()
        # The frame as decoded, RGB for PIL; quality 95 keeps compression artefacts of the
        # export small next to the recording's own.
        Image.fromarray(np.ascontiguousarray(picture[:, :, ::-1])).save(
            buffer, format="JPEG", quality=95
        )
        (out / "images" / f"{name}.jpg").write_bytes(buffer.getvalue())
        boxes = yolo_boxes(frame.boxes, frame.width, frame.height)
        write_labels(
            out / "labels" / f"{name}.txt",
            np.zeros(len(boxes), np.int64),
            boxes.astype(np.float32),
        )
        bundles += len(boxes)
        negatives += int(len(boxes) == 0)
        rows.append(
            {
                "image": f"images/{name}.jpg",
                "camera": frame.camera,
                "time": iso(frame.at, zone),
                "recording_sha256": frame.key.recording_sha256,
                "offset_s": f"{frame.key.offset_ms / 1000:.3f}",
                "width": frame.width,
                "height": frame.height,
                "bundles": len(boxes),
                "started_from": frame.started_from,
                "labelled_by": frame.labelled_by,
                "labelled_at": frame.labelled_at.isoformat(timespec="seconds"),
                "finding_id": frame.finding_id or "",
            }
        )
    (out / "data.yaml").write_text(
        "# Bundle boxes corrected by inspectors in VaultWatch (vaultwatch labels export).\n"
        f"nc: {len(CLASS_NAMES)}\nnames: [{', '.join(CLASS_NAMES)}]\n",
        encoding="utf-8",
    )
    with (out / "frames.csv").open("w", newline="", encoding="utf-8") as table:
        writer = csv.DictWriter(table, fieldnames=FRAMES_CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return ExportSummary(len(rows), bundles, negatives, tuple(skipped))


def _picture(frame: LabelledFrame, recording: RecordingInfo | None) -> BgrImage | str:
    """The (h, w, 3) BGR frame, or a one-line reason it cannot be had."""
    if recording is None:
        return "its recording is not in the store"
    path = Path(recording.path)
    try:
        size = path.stat().st_size
    except OSError:
        return f"{path}: the original recording is missing"
    if size != recording.size_bytes:
        return f"{path}: {size} bytes, not the {recording.size_bytes} scanned: the file changed"
    try:
        picture = media.frame_at(path, frame.key.offset_ms / 1000)
    except media.UnreadableMedia as exc:
        return str(exc)
    if picture is None:
        return f"{path}: no picture decodes at {frame.key.offset_ms / 1000:.3f} s"
    if picture.shape[:2] != (frame.height, frame.width):
        return (
            f"{path}: the picture is {picture.shape[1]} x {picture.shape[0]}, "
            f"labelled at {frame.width} x {frame.height}"
        )
    return picture


def _export(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} exists and is not an empty folder: choose a new one")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent} is not a folder")
    try:
        zone = time_zone(args.tz)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    criteria = LabelFilter(
        cameras=tuple(args.camera),
        since=None if args.since is None else parse_time(args.since, zone, "--since"),
        until=None if args.until is None else parse_time(args.until, zone, "--until"),
    )
    engine = open_engine(args.db)
    try:
        with Session(engine) as session:
            frames = load_labelled_frames(session, criteria)
            if not frames:
                raise UsageError("no labelled frames match: label frames in the review service")
            recordings = {
                sha: recording
                for sha in {f.key.recording_sha256 for f in frames}
                if (recording := get_recording(session, sha256=sha)) is not None
            }
            summary = _write_in_place(frames, recordings, out, zone)
            append_audit(
                session,
                AuditEntry(
                    actor=_os_user(),
                    role="",
                    action="labels.export",
                    object_type="labels",
                    object_id=str(out.resolve()),
                    client="command line",
                    detail={
                        "cameras": list(args.camera),
                        "since": args.since,
                        "until": args.until,
                        "frames": summary.frames,
                        "bundles": summary.bundles,
                        "skipped": len(summary.skipped),
                    },
                ),
                at=datetime.now(UTC),
            )
            session.commit()
    finally:
        engine.dispose()
    for skip in summary.skipped:
        sys.stderr.write(
            f"vaultwatch: warning: frame {skip.frame.id} ({skip.frame.camera}, "
            f"{iso(skip.frame.at, zone)}) left out: {skip.reason}\n"
        )
    sys.stdout.write(
        f"exported {summary.frames} frame(s), {summary.bundles} bundle box(es), "
        f"{summary.negatives} without bundles, to {out}\n"
    )
    return 1 if summary.skipped else 0


def _write_in_place(
    frames: Sequence[LabelledFrame], recordings: dict[str, RecordingInfo], out: Path, zone: tzinfo
) -> ExportSummary:
    """`write_yolo_set` into a hidden sibling, renamed to `out` when complete (an empty `out`
    folder is replaced); nothing is left behind on failure."""
    partial = out.with_name(f".{out.name}.{os.getpid()}-{uuid.uuid4().hex}.partial")
    partial.mkdir()
    try:
        summary = write_yolo_set(frames, recordings, partial, zone)
        if summary.frames == 0:
            raise UsageError(
                "none of the labelled frames could be decoded: "
                + "; ".join(s.reason for s in summary.skipped[:3])
            )
        partial.replace(out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return summary


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user with no name: its uid says who
        return f"uid {os.getuid()}"
