"""What a scan is told about its files: the options, and which camera (and room) each file
belongs to, with the plain command-line flags meaning what a site file saying the same means."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from analyzer.custody import RoomKind
from analyzer.gating import GateSettings
from analyzer.recording import CameraKind
from pipelines.counting import CountingSetup
from pipelines.site import Camera, Room, Site


@dataclass(frozen=True)
class ScanOptions:
    """What the user told the scan about the files it is given."""

    site: Site
    zone: tzinfo
    camera: str | None = None
    camera_kind: CameraKind | None = None
    room: str | None = None
    # Kind of a room named by `room` that the site file does not have.
    room_kind: RoomKind = RoomKind.VAULT
    start: float | None = None
    analysis_every_s: float = 0.2
    counting: Callable[[Camera], CountingSetup | None] | None = None
    # Packet screening: decode only the keyframes of GOPs where nothing happens. None decodes
    # every frame (`--exhaustive`).
    gate: GateSettings | None = GateSettings()


def camera_for(path: Path, options: ScanOptions) -> Camera:
    """The camera a file belongs to: `--camera`, a site camera whose file pattern matches, or
    else the name of the folder holding the file (NVR exports keep one folder per channel),
    with the site's settings for a camera of that name. `--kind` and `--room` override what
    the site says of it."""
    if options.camera is not None:
        configured = options.site.camera(options.camera)
    else:
        # A folder named like a site camera holds that camera's files, with its settings.
        configured = options.site.camera_for_file(path.name) or options.site.camera(
            path.parent.name
        )
    if configured is None:
        return Camera(
            id=options.camera or path.parent.name or "camera",
            kind=options.camera_kind or CameraKind.FIXED,
            room=options.room,
        )
    overrides = {
        key: value
        for key, value in (("kind", options.camera_kind), ("room", options.room))
        if value is not None
    }
    return configured.model_copy(update=overrides) if overrides else configured


def site_for_files(files: Sequence[Path], options: ScanOptions) -> Site:
    """The site as the command line describes it: the site file's, plus every camera the
    files belong to and the room `--room` names, so the custody rules know which camera
    watches which room exactly as they would from a site file saying the same.

    A room named only on the command line is of `options.room_kind`.
    """
    site = options.site
    rooms = list(site.rooms)
    if options.room is not None and site.room(options.room) is None:
        rooms.append(Room(id=options.room, kind=options.room_kind))
    cameras = {camera.id: camera for camera in site.cameras}
    for path in files:
        camera = camera_for(path, options)
        cameras[camera.id] = camera
    return site.model_copy(update={"rooms": rooms, "cameras": list(cameras.values())})
