"""The unit of nightly work: one recording, with what a worker needs to analyse it alone."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from analyzer import ANALYZER_VERSION
from pipelines.site import Camera, Site
from pipelines.store.nightly import AnalysisKey


@dataclass(frozen=True)
class AnalysisUnit:
    """One recording to analyse: its path and SHA-256 (from the inventory), its camera and
    the settings its analysis depends on, the camera's other files this night (a file too
    damaged to learn the on-screen clock from borrows the clock of another), and the run."""

    path: str
    sha256: str
    camera: str
    settings_sha256: str
    camera_files: tuple[str, ...]
    run_id: int

    @property
    def key(self) -> AnalysisKey:
        return AnalysisKey(self.sha256, ANALYZER_VERSION, self.settings_sha256)

    def to_message(self) -> dict[str, object]:
        """JSON-ready, for a task queue."""
        return {**asdict(self), "camera_files": list(self.camera_files)}

    @classmethod
    def from_message(cls, message: dict[str, object]) -> AnalysisUnit:
        files = message["camera_files"]
        if not isinstance(files, list):
            raise ValueError("camera_files must be a list")
        return cls(
            path=str(message["path"]),
            sha256=str(message["sha256"]),
            camera=str(message["camera"]),
            settings_sha256=str(message["settings_sha256"]),
            camera_files=tuple(str(f) for f in files),
            run_id=int(str(message["run_id"])),
        )


def settings_sha256(camera: Camera, site: Site) -> str:
    """The hex SHA-256 of what a recording's own analysis depends on besides its bytes and
    the analyzer: the camera's settings, the thresholds, the counting settings. Changing
    any of them analyses the camera's recordings again; changing sessions or rooms does not
    (those only feed the custody rules, which run again anyway)."""
    document = {
        "camera": camera.model_dump(mode="json"),
        "thresholds": site.thresholds.model_dump(mode="json"),
        "counting": site.counting.model_dump(mode="json"),
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
