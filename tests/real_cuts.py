"""Recordings made from real footage the way they reach a scan: NVR segments stream-copied out
of a longer recording, remuxed with a timestamp offset, re-encoded into other containers and
codecs, with a frozen or black stretch planted, or cut short by an interrupted copy.

Only PyAV is used (no ffmpeg binary is needed). Times are seconds of the source's own
presentation time from its first frame.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


class Picture(Enum):
    LIVE = "live"  # the source's own frames
    FROZEN = "frozen"  # the source frame at the piece's start, repeated
    BLACK = "black"  # studio black


@dataclass(frozen=True)
class Piece:
    """Source frames shown in [src_start, src_end), placed at output time `at_s` (None:
    straight after the previous piece, or at `src_start` for the first one)."""

    src_start: float
    src_end: float
    at_s: float | None = None
    picture: Picture = Picture.LIVE


@dataclass(frozen=True)
class Encoding:
    """How an output file is encoded: codec, container format and its options."""

    codec: str = "libx264"
    container: str | None = None  # None: from the file suffix
    rate: int = 10  # nominal frame rate written to the stream
    # Timestamp ticks a second. AVI knows only a constant rate: one tick per frame, or the
    # muxer writes an empty frame and an index entry for every unused tick.
    ticks_per_s: int = 1000
    options: tuple[tuple[str, str], ...] = (
        ("preset", "veryfast"),
        ("crf", "23"),
        ("g", "10"),
        ("bf", "0"),
        ("threads", "1"),
    )
    container_options: tuple[tuple[str, str], ...] = ()


X264 = Encoding()
HEVC = Encoding(
    codec="libx265",
    options=(("preset", "ultrafast"), ("x265-params", "keyint=10:log-level=error:pools=1")),
)
# What a recorder writes: 2 s GOPs, more compression (a smoother picture, less noise kept).
NVR_LIKE = Encoding(
    options=(("preset", "veryfast"), ("crf", "30"), ("g", "20"), ("bf", "0"), ("threads", "1"))
)
# A camera configured for storage: 10 s GOPs and B-frames.
LONG_GOP = Encoding(
    options=(("preset", "veryfast"), ("crf", "26"), ("g", "100"), ("bf", "2"), ("threads", "1"))
)
FRAGMENTED = Encoding(
    container_options=(("movflags", "frag_keyframe+empty_moov+default_base_moof"),)
)
MPEG4_PART2 = Encoding(codec="mpeg4", ticks_per_s=10, options=(("g", "12"), ("qscale", "4")))
FASTSTART = Encoding(container_options=(("movflags", "+faststart"),))


def source_frames(path: Path, start: float, end: float) -> Iterator[tuple[float, av.VideoFrame]]:
    """(time, frame) of the decoded source frames shown in [start, end)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.time_base is not None
        origin = float((stream.start_time or 0) * stream.time_base)
        if start > 0:
            container.seek(int((start + origin) / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            if frame.pts is None:
                continue
            time = float(frame.pts * stream.time_base) - origin
            if time >= end - 1e-6:
                return
            if time >= start - 1e-6:
                yield time, frame


def _black_like(frame: av.VideoFrame) -> av.VideoFrame:
    planes = frame.to_ndarray(format="yuv420p")
    height = frame.height
    planes[:height] = 16
    planes[height:] = 128
    return av.VideoFrame.from_ndarray(planes, format="yuv420p")


def _pictures(source: Path, pieces: Sequence[Piece]) -> Iterator[tuple[float, av.VideoFrame]]:
    """(output time, picture) for every source frame of every piece."""
    at = pieces[0].src_start if pieces[0].at_s is None else pieces[0].at_s
    for piece in pieces:
        at = at if piece.at_s is None else piece.at_s
        held: np.ndarray | None = None
        for time, frame in source_frames(source, piece.src_start, piece.src_end):
            if piece.picture is Picture.FROZEN:
                if held is None:
                    held = frame.to_ndarray(format="yuv420p")
                frame = av.VideoFrame.from_ndarray(held.copy(), format="yuv420p")
            elif piece.picture is Picture.BLACK:
                frame = _black_like(frame)
            yield at + time - piece.src_start, frame
        at += piece.src_end - piece.src_start


def encode(
    source: Path,
    target: Path,
    pieces: Sequence[Piece],
    encoding: Encoding = X264,
    *,
    out_fps: float | None = None,
    keep: Sequence[bool] | None = None,
) -> Path:
    """Re-encode `pieces` of `source` into `target`.

    `out_fps` re-times the pictures onto a regular grid of that rate, repeating the latest
    source frame (10 fps shown at 25 fps); `keep`, cycled over the source frames, drops the
    frames marked False (variable frame rate).
    """
    with av.open(
        str(target), "w", format=encoding.container, options=dict(encoding.container_options)
    ) as output:
        stream: av.VideoStream | None = None
        latest: av.VideoFrame | None = None
        next_slot = 0.0

        def put(time: float, frame: av.VideoFrame) -> None:
            nonlocal stream
            if stream is None:
                stream = output.add_stream(encoding.codec, rate=encoding.rate)
                stream.width, stream.height = frame.width, frame.height
                stream.pix_fmt = "yuv420p"
                stream.time_base = Fraction(1, encoding.ticks_per_s)
                stream.codec_context.time_base = Fraction(1, encoding.ticks_per_s)
                stream.options = dict(encoding.options)
            picture = av.VideoFrame.from_ndarray(frame.to_ndarray(format="yuv420p"), "yuv420p")
            picture.pts = int(round(time * encoding.ticks_per_s))
            picture.time_base = Fraction(1, encoding.ticks_per_s)
            for packet in stream.encode(picture):
                output.mux(packet)

        for index, (time, frame) in enumerate(_pictures(source, pieces)):
            if keep is not None and not keep[index % len(keep)]:
                continue
            if out_fps is None:
                put(time, frame)
                continue
            while latest is not None and next_slot < time - 1e-6:
                put(next_slot, latest)
                next_slot += 1.0 / out_fps
            latest = frame
            next_slot = max(next_slot, time)
        if out_fps is not None and latest is not None:
            put(next_slot, latest)
        if stream is not None:
            for packet in stream.encode():
                output.mux(packet)
    return target


def remux(source: Path, target: Path, pieces: Sequence[tuple[float, float, float]]) -> Path:
    """Stream-copy the packets of `source` whose pictures are shown in [start, end) of each
    (start, end, at_s) piece, placed from output time `at_s` (an NVR segment, or a file whose
    timestamps jump). Starts must fall on keyframes."""
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        assert stream.time_base is not None
        tick = float(stream.time_base)
        origin = stream.start_time or 0
        with av.open(str(target), "w") as output:
            copied = output.add_stream_from_template(stream)
            for start, end, at_s in pieces:
                container.seek(int(start / tick) + origin, stream=stream, backward=True)
                shift = int(round((at_s - start) / tick))
                for packet in container.demux(stream):
                    if packet.pts is None or packet.dts is None or packet.size == 0:
                        continue
                    time = (packet.pts - origin) * tick
                    if time >= end - 1e-6:
                        break
                    if time < start - 1e-6:
                        continue
                    packet.pts += shift - origin
                    packet.dts += shift - origin
                    packet.stream = copied
                    output.mux(packet)
    return target


def cut_tail(path: Path, keep_fraction: float) -> float:
    """Truncate `path` to `keep_fraction` of its bytes (an interrupted copy) and return the end
    in seconds of the last picture whose packet is still whole. Assumes no B-frames, so packets
    come in presentation order."""
    size = path.stat().st_size
    keep = int(size * keep_fraction)
    end = 0.0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.time_base is not None
        for packet in container.demux(stream):
            if packet.pts is None or packet.pos is None or packet.size == 0:
                continue
            if packet.pos + packet.size <= keep:
                duration = packet.duration or 0
                end = max(end, float((packet.pts + duration) * stream.time_base))
    with path.open("r+b") as handle:
        handle.truncate(keep)
    return end
