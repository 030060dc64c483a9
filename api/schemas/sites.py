"""Cameras and rooms, from the site file and the recordings in the store."""

from __future__ import annotations

from api.schemas.common import Public


class RoomPublic(Public):
    id: str
    kind: str
    name: str


class CameraPublic(Public):
    id: str
    kind: str
    room: str | None
    # Whether the site file describes it (else it is only known from recordings).
    configured: bool
    recordings: int


class SpanPublic(Public):
    start: float
    end: float


class CameraDayPublic(Public):
    camera: str
    date: str
    day_start: float
    day_end: float
    recordings: list[SpanPublic]
    findings: list[str]
