"""Which cameras and rooms a site's reports cover.

A store can hold several sites' footage (provincial scale), so a site file that lists cameras
and rooms limits the reports to them; a site file that lists none (e.g. a bare `Site()`)
reports everything in the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from analyzer.custody import RoomKind
from analyzer.recording import CameraKind
from pipelines.site import Room, Site


def report_cameras(site: Site, recorded: Iterable[str]) -> tuple[str, ...]:
    """The site's cameras in file order, or, when it lists none, the cameras that `recorded`
    names, sorted."""
    if site.cameras:
        return tuple(camera.id for camera in site.cameras)
    return tuple(sorted(set(recorded)))


def camera_filter(site: Site) -> frozenset[str] | None:
    """The camera ids a finding must name to be reported, or None for any."""
    return frozenset(camera.id for camera in site.cameras) if site.cameras else None


def room_filter(site: Site) -> frozenset[str] | None:
    """The room ids a custody leg must touch to be reported, or None for any."""
    return frozenset(room.id for room in site.rooms) if site.rooms else None


def shows_camera(finding_cameras: tuple[str, ...], cameras: frozenset[str] | None) -> bool:
    """Whether a finding's cameras (one camera's, or a room's) include one of `cameras`
    (None: any)."""
    return cameras is None or not cameras.isdisjoint(finding_cameras)


def vaults(site: Site) -> tuple[Room, ...]:
    """The site's rooms of kind vault, in file order."""
    return tuple(room for room in site.rooms if room.kind is RoomKind.VAULT)


def fixed_cameras(site: Site, room_id: str) -> tuple[str, ...]:
    """The fixed cameras watching a room, in file order (handheld recorders belong to moves)."""
    return tuple(
        camera.id
        for camera in site.cameras
        if camera.room == room_id and camera.kind is CameraKind.FIXED
    )
