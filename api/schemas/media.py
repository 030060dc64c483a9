"""A finding's footage beyond the video: the counts its chart draws."""

from __future__ import annotations

from api.schemas.common import Public


class CountTimelinePublic(Public):
    """The camera's counts around a finding, one entry per analysed frame (-1: not
    measured)."""

    camera: str
    time: list[float]
    persons: list[int]
    bundles: list[int]
