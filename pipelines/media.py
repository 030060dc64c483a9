"""The one module that opens video: probing, demuxing and decoding through PyAV.

Everything else receives numpy arrays with timestamps. Times handed out are seconds from the
start of the video stream, taken from presentation timestamps (never from frame indices), so
variable-frame-rate phone clips come out right. Originals are opened read-only by FFmpeg and are
never written.
"""

from __future__ import annotations

import logging
import threading
from array import array
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import av
import av.error
import cv2
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter

from analyzer.gating import GopPlan
from analyzer.intervals import StreamSpan
from analyzer.sampling import SampleGrid
from analyzer.signals import PacketTimeline
from pipelines.read_ahead import read_ahead

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = frozenset(
    {
        ".mp4",
        ".m4v",
        ".mov",
        ".mkv",
        ".avi",
        ".ts",
        ".m2ts",
        ".mts",
        ".dav",
        ".3gp",
        ".flv",
        ".webm",
        ".mpg",
        ".mpeg",
        ".h264",
        ".264",
        ".h265",
        ".265",
    }
)

# Decoded frames waiting for the caller (a 1080p one holds 3 MB): enough to keep the decoder
# busy while the caller analyses a frame that takes longer than the next one.
READ_AHEAD = 4

# FFmpeg is chatty about every damaged packet; the count of errors is what we report.
av.logging.set_level(av.logging.FATAL)

# Clips we write put their index (moov) before the pictures: a browser starts playing without
# first fetching the end of the file.
_FASTSTART = {"movflags": "+faststart"}


class UnreadableMedia(Exception):
    """The file cannot be analysed at all; the message says why in one line."""


class PixelFormat(StrEnum):
    GRAY = "gray"
    BGR = "bgr24"


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What the container says about a recording's video stream.

    width/height are as displayed, i.e. swapped when `rotation` is 90 or 270 degrees.
    """

    container: str
    codec: str
    width: int
    height: int
    rotation: int
    fps: float
    duration_s: float
    creation_time: datetime | None


# Pixel formats whose first plane is the full-resolution luma, 8 bits a sample.
_PLANAR_YUV = frozenset(
    {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21"}
)


class DecodedFrame:
    """A decoded picture at `time` seconds from stream start, converted only on request.

    Conversions apply rotation metadata, so callers always get the picture as displayed.
    """

    __slots__ = ("_frame", "_thumbnail", "time")

    def __init__(self, time: float, frame: av.VideoFrame) -> None:
        self.time = time
        self._frame = frame
        self._thumbnail: npt.NDArray[np.uint8] | None = None

    def gray(self, width: int | None = None) -> npt.NDArray[np.uint8]:
        """(h, w) uint8 luma, scaled to `width` pixels wide (aspect kept) when given.

        A thumbnail narrower than one already made is scaled down from that one: the scan's
        picture checks and its detector gate each want one, and scaling the full picture
        (2 MB at 1080p) costs fifty times as much as scaling a 160-px thumbnail."""
        if width is None:
            return _convert(self._frame, PixelFormat.GRAY, None)
        made = self._thumbnail
        if made is not None and made.shape[1] > width:
            height = _scaled_height(self._frame, width)
            return cast(
                npt.NDArray[np.uint8],
                cv2.resize(made, (width, height), interpolation=cv2.INTER_AREA),
            )
        image = _convert(self._frame, PixelFormat.GRAY, width)
        self._thumbnail = image
        return image

    def bgr(self, width: int | None = None) -> npt.NDArray[np.uint8]:
        """(h, w, 3) uint8 BGR, scaled to `width` pixels wide (aspect kept) when given."""
        return _convert(self._frame, PixelFormat.BGR, width)

    def luma_rows(self, top: int, bottom: int) -> npt.NDArray[np.uint8]:
        """(bottom - top, w) uint8: rows of the full-resolution luma as displayed.

        An upright planar-YUV picture's rows are copied out of its Y plane, nothing else is
        converted: reading an on-screen clock once a second costs microseconds, not a
        full-frame conversion.
        """
        frame = self._frame
        if _rotation(frame) == 0 and frame.format.name in _PLANAR_YUV:
            plane = frame.planes[0]
            rows = np.frombuffer(memoryview(plane), np.uint8, plane.line_size * plane.height)
            return rows.reshape(plane.height, plane.line_size)[top:bottom, : frame.width].copy()
        return self.gray()[top:bottom]


@dataclass(slots=True)
class DecodeStats:
    """Filled in while frames are decoded: how far decoding got and what failed on the way."""

    decoded_to_s: float = 0.0
    frames: int = 0
    errors: int = 0
    skipped: int = 0  # predicted frames of static GOPs, not decoded


def _open(path: Path) -> av.container.InputContainer:
    if not path.is_file():
        raise UnreadableMedia(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise UnreadableMedia(f"{path}: empty file")
    try:
        return av.open(str(path), mode="r")
    except av.error.FFmpegError as exc:
        raise UnreadableMedia(f"{path}: not a readable video container ({_reason(exc)})") from exc


def _reason(exc: av.error.FFmpegError) -> str:
    text = exc.strerror or type(exc).__name__
    if "moov atom not found" in str(exc).lower():
        return "MP4 index (moov atom) missing, the recording was not finalised"
    return str(text)


def _video_stream(container: av.container.InputContainer, path: Path) -> av.VideoStream:
    if not container.streams.video:
        raise UnreadableMedia(f"{path}: no video stream")
    return container.streams.video[0]


def _stream_origin(stream: av.VideoStream) -> float:
    """Seconds of the stream's first timestamp; all times we hand out are relative to it."""
    if stream.start_time is None or stream.time_base is None:
        return 0.0
    return float(stream.start_time * stream.time_base)


def _nominal_fps(stream: av.VideoStream) -> float:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate is not None and 0 < float(rate) < 1000:
            return float(rate)
    return 0.0


def _duration_s(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / av.time_base
        if "matroska" in container.format.name.split(","):
            # A Matroska segment's duration is where its last block ends, counted from zero:
            # a file cut from a recorder's running timeline (first timestamp at 3600 s) would
            # declare an hour it does not hold.
            duration -= _stream_origin(stream)
    else:
        duration = 0.0
    return max(duration, _declared_avi_s(container, stream))


def _declared_avi_s(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    """The length an AVI's stream header declares (its frame count in time-base ticks), else 0.

    FFmpeg takes an AVI's duration from its index, which is written last; without it (an
    interrupted copy) from the bytes present, so the lost tail would go unreported. The
    header's frame count is written when the recording is closed and survives the cut.
    """
    if "avi" not in container.format.name.split(",") or stream.time_base is None:
        return 0.0
    # One AVI frame is one tick of the stream's time base (a variable-rate source written
    # to AVI at 1/1000 s has a thousand "frames" a second, most of them empty).
    return float(stream.frames * stream.time_base) if stream.frames > 0 else 0.0


def _creation_time(
    container: av.container.InputContainer, stream: av.VideoStream
) -> datetime | None:
    for metadata in (container.metadata, stream.metadata):
        text = metadata.get("creation_time")
        if text:
            try:
                return datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                log.warning("ignoring unparseable creation_time %r", text)
    return None


def probe(path: Path) -> VideoInfo:
    """Read container metadata and decode the first picture to prove the file is usable.

    Raises UnreadableMedia for an empty file, a file that is not video, an MP4 without its index
    or a stream in which no frame decodes.
    """
    with _open(path) as container:
        stream = _video_stream(container, path)
        first = next(_decoded(container, stream, DecodeStats()), None)
        if first is None:
            raise UnreadableMedia(f"{path}: no frame of the video stream decodes")
        rotation = _rotation(first)
        width, height = first.width, first.height
        if rotation in (90, 270):
            width, height = height, width
        return VideoInfo(
            container=container.format.name,
            codec=stream.codec_context.name,
            width=width,
            height=height,
            rotation=rotation,
            fps=_nominal_fps(stream),
            duration_s=_duration_s(container, stream),
            creation_time=_creation_time(container, stream),
        )


def read_packets(path: Path) -> PacketTimeline:
    """Timestamps, keyframe flags and sizes of every video packet, without decoding.

    Uses decode timestamps where present: in decode order they must only increase, so a step
    back is visible; B-frame reordering would hide it in presentation timestamps.
    """
    with _open(path) as container:
        stream = _video_stream(container, path)
        origin = _stream_origin(stream)
        # Compact typed buffers, not lists: 24 h at 25 fps is two million packets.
        stamps = array("q")
        keys = array("b")
        sizes = array("q")
        time_base: Fraction | None = None
        try:
            for packet in container.demux(stream):
                stamp = packet.dts if packet.dts is not None else packet.pts
                if packet.size == 0 or stamp is None or packet.time_base is None:
                    continue
                time_base = packet.time_base
                stamps.append(stamp)
                keys.append(packet.is_keyframe)
                sizes.append(packet.size)
        except av.error.FFmpegError as exc:
            # A damaged tail ends demuxing; what was read before it still counts.
            log.warning("%s: demuxing stopped early: %s", path, _reason(exc))
    ticks = np.frombuffer(stamps, np.int64) if stamps else np.zeros(0, np.int64)
    # Exact tick counts times the time base; float seconds only at the end.
    times = ticks * (float(time_base) if time_base is not None else 0.0) - origin
    return PacketTimeline(
        times.astype(np.float64),
        np.frombuffer(keys, np.int8).astype(np.bool_) if keys else np.zeros(0, np.bool_),
        np.frombuffer(sizes, np.int64).copy() if sizes else np.zeros(0, np.int64),
    )


def _rotation(frame: av.VideoFrame) -> int:
    """Clockwise degrees the picture must be turned to display upright (0, 90, 180 or 270)."""
    # PyAV reports the display matrix angle counter-clockwise; displays turn the other way.
    return int(round(-frame.rotation / 90.0)) % 4 * 90


def _decoded(
    container: av.container.InputContainer,
    stream: av.VideoStream,
    stats: DecodeStats,
    plan: GopPlan | None = None,
) -> Iterator[av.VideoFrame]:
    """Decode every frame, counting damaged packets instead of stopping at the first one.

    With a `plan`, the predicted frames of GOPs it marks static are not decoded at all (their
    keyframe is); they still count as present up to their timestamps in `stats`.
    """
    demuxed = container.demux(stream)
    gop = -1
    origin = _stream_origin(stream)
    seconds_per_tick = float(stream.time_base) if stream.time_base is not None else 0.0
    while True:
        try:
            packet = next(demuxed)
        except StopIteration:
            return
        except av.error.FFmpegError as exc:
            stats.errors += 1
            log.warning("demuxing stopped early: %s", _reason(exc))
            # Frames already inside the decoder are still good: drain them.
            try:
                yield from stream.codec_context.decode(None)
            except av.error.FFmpegError:
                stats.errors += 1
            return
        if plan is not None and packet.size > 0:
            if packet.is_keyframe:
                gop += 1
            elif 0 <= gop < plan.full.size and not plan.full[gop]:
                _count_skipped(packet, stats, origin, seconds_per_tick)
                continue
        try:
            frames = packet.decode()
        except av.error.FFmpegError:
            stats.errors += 1
            continue
        for frame in frames:
            if frame.is_corrupt:
                stats.errors += 1
            yield frame


def gop_heads(
    path: Path, starts: Sequence[float], span_s: float, every_s: float
) -> Iterator[list[DecodedFrame]]:
    """For each GOP starting at one of `starts` (seconds, keyframe times): the frames of its
    first `span_s` seconds, one per `every_s` from the keyframe on, decoding only that far.

    One open file, one seek a GOP; a GOP with no frame after its keyframe yields nothing.
    """
    with _open(path) as container:
        stream = _video_stream(container, path)
        if stream.time_base is None:
            return
        origin = _stream_origin(stream)
        seconds_per_tick = float(stream.time_base)
        for start in starts:
            container.seek(int((start + origin) / stream.time_base), stream=stream, backward=True)
            grid = SampleGrid(every_s)
            taken: list[DecodedFrame] = []
            for frame in _decoded(container, stream, DecodeStats()):
                if frame.pts is None:
                    continue
                time = frame.pts * seconds_per_tick - origin
                if time < start - 1e-6:
                    continue
                if time > start + span_s + 1e-6:
                    break
                if grid.due(time):
                    taken.append(DecodedFrame(time, frame))
            if len(taken) > 1:
                yield taken


def _count_skipped(
    packet: av.Packet[Any], stats: DecodeStats, origin: float, seconds_per_tick: float
) -> None:
    if packet.pts is None:
        return
    end = (packet.pts + (packet.duration or 0)) * seconds_per_tick - origin
    stats.decoded_to_s = max(stats.decoded_to_s, end)
    stats.skipped += 1


def iter_frames(
    path: Path,
    *,
    every_s: float,
    stats: DecodeStats | None = None,
    progress: Callable[[float], None] | None = None,
    plan: GopPlan | None = None,
    window: StreamSpan | None = None,
) -> Generator[DecodedFrame]:
    """Decode `path` and yield one picture per `every_s` seconds of presentation time.

    Every frame is decoded (inter-coded video needs it) but only the sampled ones are handed
    out, and a picture is converted only when the caller asks for it, which is where the cost
    lies. Decoding runs READ_AHEAD frames ahead in a thread of its own, so that it overlaps
    the caller's analysis. `stats` is updated as decoding goes, so after the iterator is
    exhausted it says how far the file decoded and how many packets failed. `progress`
    receives the time of each sampled frame (in the caller's thread, once it is handed over).
    A `plan` (from the packet screening) limits static GOPs to their keyframe. A `window`
    (start, end) in seconds decodes only the frames shown in [start, end), seeking to the
    keyframe before `start`.
    """
    stats = stats if stats is not None else DecodeStats()
    with closing(
        read_ahead(lambda: _sampled_frames(path, every_s, stats, plan, window), READ_AHEAD)
    ) as frames:
        for frame in frames:
            yield frame
            if progress is not None:
                progress(frame.time)


def _sampled_frames(
    path: Path,
    every_s: float,
    stats: DecodeStats,
    plan: GopPlan | None,
    window: StreamSpan | None,
) -> Iterator[DecodedFrame]:
    stats = stats if stats is not None else DecodeStats()
    with _open(path) as container:
        stream = _video_stream(container, path)
        # No frame threading: it hides decoder errors and drops the frames still in flight
        # when a truncated file ends, and both must be reported. Parallelism comes from
        # overlapping decoding with analysis instead.
        origin = _stream_origin(stream)
        frame_s = 1.0 / (_nominal_fps(stream) or 25.0)
        grid = SampleGrid(every_s)
        last_time = -np.inf
        time_base: Fraction | None = None
        seconds_per_tick = 0.0
        if window is not None and stream.time_base is not None:
            seek_to = int((window[0] + origin) / stream.time_base)
            container.seek(seek_to, stream=stream, backward=True)
        for frame in _decoded(container, stream, stats, plan):
            if frame.pts is None or frame.time_base is None:
                stats.errors += 1
                continue
            # One float time base per stream: Fraction arithmetic per frame costs seconds a day.
            if frame.time_base != time_base:
                time_base, seconds_per_tick = frame.time_base, float(frame.time_base)
            time = frame.pts * seconds_per_tick - origin
            if window is not None and not window[0] <= time < window[1]:
                if time >= window[1]:
                    return
                continue
            if time <= last_time:
                # A repeated or backward timestamp: the packet timeline reports it; a picture
                # sequence must stay in order.
                continue
            last_time = time
            duration = frame.duration * seconds_per_tick if frame.duration else frame_s
            stats.frames += 1
            stats.decoded_to_s = max(stats.decoded_to_s, time + duration)
            if not grid.due(time):
                continue
            yield DecodedFrame(time, frame)


_reformatters = threading.local()


def _reformatter(pixel_format: PixelFormat, width: int, height: int) -> VideoReformatter:
    """One swscale context per thread and output kind, reused frame after frame.

    `VideoFrame.reformat` builds a new context for every frame, and setting up the AREA
    filter for a large downscale costs several times the scaling itself (measured 720p to
    160-px grey: 1.7 ms a frame that way, 0.26 ms reusing the context).
    """
    cache: dict[tuple[PixelFormat, int, int], VideoReformatter] | None = getattr(
        _reformatters, "cache", None
    )
    if cache is None:
        cache = _reformatters.cache = {}
    key = (pixel_format, width, height)
    if key not in cache:
        cache[key] = VideoReformatter()
    return cache[key]


def _scaled_height(frame: av.VideoFrame, width: int) -> int:
    """Rows of the displayed picture scaled to `width` columns, aspect kept."""
    turned = _rotation(frame) in (90, 270)
    display_width, display_height = (
        (frame.height, frame.width) if turned else (frame.width, frame.height)
    )
    return max(2, round(display_height * width / display_width))


def _convert(
    frame: av.VideoFrame, pixel_format: PixelFormat, width: int | None
) -> npt.NDArray[np.uint8]:
    rotation = _rotation(frame)
    turned = rotation in (90, 270)
    display_width = frame.height if turned else frame.width
    if width is not None and width != display_width:
        height = _scaled_height(frame, width)
        out_w, out_h = (height, width) if turned else (width, height)
        frame = _reformatter(pixel_format, out_w, out_h).reformat(
            frame, width=out_w, height=out_h, format=pixel_format.value, interpolation="AREA"
        )
    # gray and bgr24 are both 8 bits a sample
    image = cast(npt.NDArray[np.uint8], frame.to_ndarray(format=pixel_format.value))
    if rotation:
        # np.rot90 turns counter-clockwise; k=-1 is one clockwise quarter turn.
        image = np.ascontiguousarray(np.rot90(image, k=-rotation // 90))
    return image


def frame_at(path: Path, time_s: float, width: int | None = None) -> npt.NDArray[np.uint8] | None:
    """The (h, w, 3) uint8 BGR picture shown at `time_s` seconds from stream start, scaled to
    `width` pixels wide (aspect kept) when given, or None if none decodes.

    Seeks to the keyframe before `time_s` and decodes forward, so it costs at most one GOP.
    """
    with _open(path) as container:
        stream = _video_stream(container, path)
        origin = _stream_origin(stream)
        if stream.time_base is not None:
            container.seek(int((time_s + origin) / stream.time_base), stream=stream, backward=True)
        best: av.VideoFrame | None = None
        for frame in _decoded(container, stream, DecodeStats()):
            if frame.pts is None or frame.time_base is None:
                continue
            if float(frame.pts * frame.time_base) - origin > time_s + 1e-6 and best is not None:
                break
            best = frame
        return None if best is None else _convert(best, PixelFormat.BGR, width)


def remux_clip(source: Path, target: Path, start_s: float, end_s: float) -> StreamSpan:
    """Copy the video packets of `source` from the keyframe at or before `start_s` to the
    first packet after `end_s` into the new file `target`, without decoding or re-encoding
    (the pictures are the original's bits). Times are seconds from the stream's start; audio
    and other streams are left out. Returns the span actually copied (seconds from the
    stream's start), which begins at a keyframe, so usually a little before `start_s`.

    The index (moov) is written before the pictures, so a browser can start playing the clip
    before the rest of it arrives.
    """
    with _open(source) as container:
        stream = _video_stream(container, source)
        if stream.time_base is None:
            raise UnreadableMedia(f"{source}: video stream without a time base")
        origin = _stream_origin(stream)
        time_base = float(stream.time_base)
        container.seek(round((origin + start_s) / time_base), stream=stream, backward=True)
        first: float | None = None
        last = start_s
        with av.open(str(target), mode="w", format="mp4", options=_FASTSTART) as output:
            copied = output.add_stream_from_template(stream)
            shift: int | None = None
            for packet in container.demux(stream):
                if packet.pts is None or packet.dts is None:
                    continue
                moment = packet.pts * time_base - origin
                if first is None:
                    if not packet.is_keyframe:
                        continue  # a clip must open on a picture that decodes alone
                    first = moment
                if moment > end_s:
                    break
                if shift is not None and packet.pts < shift:
                    # A leading picture of an open GOP: it needs the GOP before, not copied.
                    continue
                # The opening keyframe is shown at the clip's zero and the spacing stays the
                # original's. Its presentation time, not its decoding time: with B-frames the
                # keyframe is decoded before it is shown, and shifting by the decoding time
                # would leave an empty start that players show as the clip's first moments.
                shift = packet.pts if shift is None else shift
                packet.pts -= shift
                packet.dts -= shift
                packet.stream = copied
                output.mux(packet)
                last = max(last, moment)
    if first is None:
        raise UnreadableMedia(f"{source}: no keyframe at or after {start_s:.3f} s")
    return StreamSpan(first, last)


@dataclass(frozen=True, slots=True)
class ClipEncoding:
    """How `encode_clip` encodes: H.264 in yuv420p, which every browser plays.

    `keyframe_s` spaces keyframes so that an inspector can seek inside a short clip.
    """

    crf: int = 23
    preset: str = "veryfast"
    keyframe_s: float = 2.0

    @property
    def description(self) -> str:
        """The settings in one line, for the audit trail of a derived clip."""
        return (
            f"libx264 crf={self.crf} preset={self.preset} yuv420p, keyframe every "
            f"{self.keyframe_s:g} s, MP4 faststart"
        )


DEFAULT_ENCODING = ClipEncoding()


def encode_clip(
    source: Path,
    target: Path,
    start_s: float,
    end_s: float,
    draw: Callable[[float, npt.NDArray[np.uint8]], npt.NDArray[np.uint8]],
    *,
    encoding: ClipEncoding = DEFAULT_ENCODING,
) -> StreamSpan:
    """Decode the pictures of `source` shown in [`start_s`, `end_s`] (seconds from the
    stream's start), pass each with its time to `draw`, and encode what it returns into the
    new MP4 file `target` (see `ClipEncoding`; index first, at the source's frame rate, the
    pictures keeping the original's timestamps relative to the first).

    `draw` gets (time in seconds from the stream's start, (h, w, 3) uint8 BGR picture as
    displayed, rotation applied) and returns a (h, w, 3) uint8 BGR picture; an odd last row or
    column is dropped (yuv420p needs even sizes). The first picture is the one shown at
    `start_s` (the last at or before it). Returns the span encoded: the times of the first and
    last pictures. On an error `target` is left incomplete; callers write to a temporary name.
    """
    with _open(source) as container:
        stream = _video_stream(container, source)
        if stream.time_base is None:
            raise UnreadableMedia(f"{source}: video stream without a time base")
        time_base = stream.time_base
        fps = _nominal_fps(stream) or 25.0
        container.seek(
            round((_stream_origin(stream) + start_s) / float(time_base)),
            stream=stream,
            backward=True,
        )
        first: float | None = None
        first_pts = 0  # the clip's timestamps start at zero
        last = start_s
        with av.open(str(target), mode="w", format="mp4", options=_FASTSTART) as output:
            encoder: av.VideoStream | None = None
            for time, frame in _frames_in_span(container, stream, start_s, end_s):
                picture = draw(time, _convert(frame, PixelFormat.BGR, None))
                if picture.ndim != 3 or picture.shape[2] != 3 or picture.dtype != np.uint8:
                    raise ValueError(f"draw must return (h, w, 3) uint8, got {picture.shape}")
                if encoder is None:
                    height, width = picture.shape[0] // 2 * 2, picture.shape[1] // 2 * 2
                    encoder = _h264_stream(output, width, height, fps, time_base, encoding)
                    first, first_pts = time, frame.pts or 0
                out = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="bgr24")
                # A picture of another size (a stream that changes resolution) is scaled.
                out = out.reformat(width=encoder.width, height=encoder.height, format="yuv420p")
                out.pts = (frame.pts or 0) - first_pts
                out.time_base = time_base
                output.mux(encoder.encode(out))
                last = time
            if encoder is not None:
                output.mux(encoder.encode(None))
    if first is None:
        raise UnreadableMedia(
            f"{source}: no picture decodes between {start_s:.3f} s and {end_s:.3f} s"
        )
    return StreamSpan(first, last)


def _frames_in_span(
    container: av.container.InputContainer, stream: av.VideoStream, start_s: float, end_s: float
) -> Iterator[tuple[float, av.VideoFrame]]:
    """(time, frame) of the picture shown at `start_s`, then of every later one up to `end_s`,
    times strictly increasing; the container must be positioned at or before `start_s`."""
    origin = _stream_origin(stream)
    seconds_per_tick = float(stream.time_base) if stream.time_base is not None else 0.0
    held: tuple[float, av.VideoFrame] | None = None
    latest = -np.inf
    for frame in _decoded(container, stream, DecodeStats()):
        if frame.pts is None:
            continue
        time = frame.pts * seconds_per_tick - origin
        if time <= start_s + 1e-6:
            held = (time, frame)  # shown at start_s until a later picture replaces it
            continue
        if held is not None:
            yield held
            latest, held = held[0], None
        if time > end_s + 1e-6:
            return
        if time <= latest:
            continue  # a repeated or backward timestamp: the encoder needs them increasing
        latest = time
        yield time, frame
    if held is not None:
        yield held


def _h264_stream(
    output: av.container.OutputContainer,
    width: int,
    height: int,
    fps: float,
    time_base: Fraction,
    encoding: ClipEncoding,
) -> av.VideoStream:
    stream = output.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
    stream.width, stream.height = width, height
    stream.pix_fmt = "yuv420p"
    # The source's own ticks: a variable-rate phone clip keeps its real spacing.
    stream.time_base = time_base
    stream.codec_context.time_base = time_base
    stream.options = {
        "crf": str(encoding.crf),
        "preset": encoding.preset,
        "g": str(max(1, round(encoding.keyframe_s * fps))),
    }
    return stream
