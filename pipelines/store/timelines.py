"""Count timelines in the store, so later rules read per-frame counts without decoding video.

Each `CountTimeline` is one `count_timelines` row, keyed by (recording_sha256,
analyzer_version, SHA-256 of `counted_with`). Its scalar fields are columns; its four arrays
are one blob in `data`, a NumPy `.npz` archive as written by `np.savez_compressed` (a zip of
deflate-compressed `.npy` files) holding exactly these members, nothing else:

    time        (n,) <f8   POSIX seconds, finite and non-decreasing
    persons     (n,) <i8
    bundles     (n,) <i8
    confidence  (n,) <f4

with n equal to the row's `frames`, and `start_s` / `end_s` the first and last `time` (NULL
when n is 0). No pickled objects are written, and reading refuses them
(`np.load(io.BytesIO(data), allow_pickle=False)`), so a blob can be inspected with plain NumPy
and cannot run code. Counts hardly change from frame to frame and compress to almost nothing;
the frame times and the detector confidences take the space: a day at 2 fps (172,800 frames,
4.8 MB of arrays) stores in about 0.77 MB.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from analyzer.counting import CountTimeline
from pipelines.store.inserts import Inserted, insert_missing
from pipelines.store.schema import CountTimelineRow

_COUNT_TIMELINES = cast(Table, CountTimelineRow.__table__)

# The arrays of a timeline with their in-memory dtypes. They are stored little-endian
# whatever the machine, so a blob reads the same everywhere.
ARRAY_DTYPES: dict[str, np.dtype[Any]] = {
    "time": np.dtype(np.float64),
    "persons": np.dtype(np.int64),
    "bundles": np.dtype(np.int64),
    "confidence": np.dtype(np.float32),
}


def counted_with_sha256(counted_with: str) -> str:
    """The key column for `counted_with`: hex SHA-256 of its UTF-8 bytes (64 characters)."""
    return hashlib.sha256(counted_with.encode("utf-8")).hexdigest()


def check_count_timeline(timeline: CountTimeline) -> None:
    """Raise ValueError unless `timeline` can be stored and read back exactly.

    Every array must be 1-d with the dtype `CountTimeline` documents (time float64, persons
    and bundles int64, confidence float32): the store converts nothing, so what is loaded is
    what was saved. Times must be finite and never decrease, since the first and last of them
    are the span that time-window queries use. `counted_with` must not be empty.
    """
    where = f"count timeline of {timeline.recording_sha256} ({timeline.camera})"
    if not timeline.counted_with:
        raise ValueError(f"{where}: counted_with must not be empty")
    for name, dtype in ARRAY_DTYPES.items():
        array = getattr(timeline, name)
        if not isinstance(array, np.ndarray) or array.ndim != 1 or array.dtype != dtype:
            shown = f"{array.shape} {array.dtype}" if isinstance(array, np.ndarray) else "not one"
            raise ValueError(f"{where}: {name} must be an (n,) {dtype} array, got {shown}")
    if not np.isfinite(timeline.time).all():
        raise ValueError(f"{where}: time must be finite")
    if (np.diff(timeline.time) < 0).any():
        raise ValueError(f"{where}: time must not decrease")


def encode_arrays(timeline: CountTimeline) -> bytes:
    """The `data` blob of `timeline` (format in the module docstring); check it first with
    `check_count_timeline`."""
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        **{
            name: getattr(timeline, name).astype(dtype.newbyteorder("<"), copy=False)
            for name, dtype in ARRAY_DTYPES.items()
        },
    )
    return buffer.getvalue()


def decode_arrays(data: bytes, *, frames: int) -> dict[str, npt.NDArray[Any]]:
    """The four (frames,) arrays of a `data` blob, by name, in their in-memory dtypes.

    Raises ValueError when the blob is not exactly the documented format (other members,
    dtypes or lengths, or pickled objects).
    """
    archive = np.load(io.BytesIO(data), allow_pickle=False)
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError("count timeline data is not an .npz archive")
    with archive:
        if sorted(archive.files) != sorted(ARRAY_DTYPES):
            raise ValueError(f"count timeline data holds {sorted(archive.files)}")
        arrays = {name: archive[name] for name in ARRAY_DTYPES}
    for name, dtype in ARRAY_DTYPES.items():
        array = arrays[name]
        if array.shape != (frames,) or array.dtype != dtype.newbyteorder("<"):
            raise ValueError(
                f"count timeline data: {name} is {array.shape} {array.dtype}, "
                f"expected ({frames},) {dtype.newbyteorder('<')}"
            )
        arrays[name] = array.astype(dtype, copy=False)
    return arrays


def add_count_timelines(
    session: Session,
    *,
    timelines: Sequence[CountTimeline],
    analyzer_version: str,
    scan_id: int,
    created_at: datetime,
) -> Inserted:
    """Store timelines whose (recording, analyzer_version, counted_with) is not stored yet;
    never change a stored one.

    They must pass `check_count_timeline` and their recordings must be stored already (see
    `recordings.check_recordings_known`). Does not commit.
    """
    return insert_missing(
        session,
        table=_COUNT_TIMELINES,
        rows=[
            timeline_values(
                t, analyzer_version=analyzer_version, scan_id=scan_id, created_at=created_at
            )
            for t in timelines
        ],
        key=("recording_sha256", "analyzer_version", "counted_with_sha256"),
    )


def load_count_timelines(
    session: Session,
    *,
    camera: str | None = None,
    recording_sha256: str | None = None,
    analyzer_version: str | None = None,
    counted_with: str | None = None,
    since: float | None = None,
    until: float | None = None,
) -> list[CountTimeline]:
    """Stored count timelines matching every given filter, ordered by camera then start.

    `since` / `until` are POSIX seconds and keep timelines whose [first frame, last frame]
    overlaps [since, until] (both ends inclusive, exact floats); a timeline without frames
    overlaps no window, so either bound leaves it out (without bounds it comes last of its
    camera). Without `analyzer_version` / `counted_with` a recording can come back once per
    version and counting setup that produced a timeline for it; rules should pick one.
    Arrays come back exactly as saved: (n,) time float64, persons and bundles int64,
    confidence float32.
    """
    query = select(CountTimelineRow).order_by(
        CountTimelineRow.camera,
        CountTimelineRow.start_s.nulls_last(),
        CountTimelineRow.end_s.nulls_last(),
        CountTimelineRow.recording_sha256,
        CountTimelineRow.analyzer_version,
        CountTimelineRow.counted_with_sha256,
    )
    if camera is not None:
        query = query.where(CountTimelineRow.camera == camera)
    if recording_sha256 is not None:
        query = query.where(CountTimelineRow.recording_sha256 == recording_sha256)
    if analyzer_version is not None:
        query = query.where(CountTimelineRow.analyzer_version == analyzer_version)
    if counted_with is not None:
        # The hash is in the key; the text comparison guards against a (theoretical) collision.
        query = query.where(
            CountTimelineRow.counted_with_sha256 == counted_with_sha256(counted_with),
            CountTimelineRow.counted_with == counted_with,
        )
    if since is not None:
        query = query.where(CountTimelineRow.end_s >= since)
    if until is not None:
        query = query.where(CountTimelineRow.start_s <= until)
    return [timeline_from_row(row) for row in session.scalars(query)]


def timeline_values(
    timeline: CountTimeline, *, analyzer_version: str, scan_id: int, created_at: datetime
) -> dict[str, Any]:
    """The `count_timelines` row for `timeline`, keyed by column name."""
    frames = len(timeline)
    return {
        "recording_sha256": timeline.recording_sha256,
        "analyzer_version": analyzer_version,
        "counted_with_sha256": counted_with_sha256(timeline.counted_with),
        "counted_with": timeline.counted_with,
        "camera": timeline.camera,
        "frames": frames,
        "start_s": float(timeline.time[0]) if frames else None,
        "end_s": float(timeline.time[-1]) if frames else None,
        "data": encode_arrays(timeline),
        "scan_id": scan_id,
        "created_at": created_at,
    }


def timeline_from_row(row: CountTimelineRow) -> CountTimeline:
    """A stored row back into the analyzer's `CountTimeline` (exact arrays and dtypes)."""
    arrays = decode_arrays(row.data, frames=row.frames)
    return CountTimeline(
        camera=row.camera,
        recording_sha256=row.recording_sha256,
        counted_with=row.counted_with,
        time=arrays["time"],
        persons=arrays["persons"],
        bundles=arrays["bundles"],
        confidence=arrays["confidence"],
    )
