"""Recordings: the original files the scans read, by SHA-256."""

from __future__ import annotations

from datetime import tzinfo

from analyzer.recording import RecordingInfo
from api.schemas.common import Moment, Page, Public


class RecordingPublic(Public):
    sha256: str
    camera: str
    camera_kind: str
    file_name: str
    size_bytes: int
    start: Moment
    end: Moment
    start_source: str
    duration_s: float
    fps: float
    width: int
    height: int
    codec: str
    container: str
    decode_errors: int

    @classmethod
    def of(cls, r: RecordingInfo, zone: tzinfo) -> RecordingPublic:
        # The server-side path is not the client's business; the name helps recognise it.
        return cls(
            sha256=r.sha256,
            camera=r.camera,
            camera_kind=r.camera_kind.value,
            file_name=r.path.replace("\\", "/").rsplit("/", 1)[-1],
            size_bytes=r.size_bytes,
            start=Moment.of(r.start, zone),
            end=Moment.of(r.end, zone),
            start_source=r.start_source.value,
            duration_s=round(r.duration_s, 3),
            fps=round(r.fps, 3),
            width=r.width,
            height=r.height,
            codec=r.codec,
            container=r.container,
            decode_errors=r.decode_errors,
        )


RecordingListPublic = Page[RecordingPublic]
