"""Which detectors count people and bundles on a camera, loaded once per scan.

Order of choice for each class: the scan's option (`--person-model`, `--bundle-model`), the
camera's entry in the site file, then the default: the models the product ships (YOLOX-Nano
for people, `bundle_yolo` for bundles). The low-confidence motion detector counts people only
where it is asked for by name (`motion`), on fixed cameras: it sees moving blobs, not people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from analyzer.counting import Zone
from analyzer.recording import CameraKind
from models.backends.motion_person import MAX_CONFIDENCE, MotionPersonDetector, MotionPersonSettings
from models.backends.options import DetectorOptions
from models.detector import Detector
from models.errors import ModelError
from models.registry import ModelRegistry
from pipelines.counting import CountingSetup
from pipelines.site import Camera, CountingSettings, Site

NO_MODEL = "none"
# Weak boxes are kept for the tracker to continue tracks with; whether a box counts is decided
# after tracking (`CountingSettings.min_confidence`).
TRACKING_OPTIONS = DetectorOptions(person_confidence=0.1, bundle_confidence=0.1)
DEFAULT_PERSON_MODEL = "yolox-nano"
DEFAULT_BUNDLE_MODEL = "bundle_yolo"
# Not a registered model: the background-subtraction fallback, for a site with no usable model.
MOTION_FALLBACK = "motion"


class DetectorChoiceError(ValueError):
    """A named model cannot be used; the message says which and why."""


@dataclass
class DetectorCatalog:
    """Loads each named model once (verifying its hash) and hands out the same detector."""

    registry: ModelRegistry = field(default_factory=ModelRegistry.from_env)
    _loaded: dict[str, Detector] = field(default_factory=dict)

    def get(self, name: str) -> Detector:
        if name not in self._loaded:
            try:
                self._loaded[name] = self.registry.load_detector(name, options=TRACKING_OPTIONS)
            except ModelError as exc:
                raise DetectorChoiceError(f"model {name!r}: {exc}") from exc
        return self._loaded[name]

    def has(self, name: str) -> bool:
        return any(manifest.name == name for manifest in self.registry.list_models())

    def count_confidence(self, name: str, settings: CountingSettings) -> float | None:
        """The score a new box of model `name` needs to count where it is not the site's
        `min_confidence`: the one the model's training chose, unless the site file sets its
        own (an inspector's explicit choice stands)."""
        if "min_confidence" in settings.model_fields_set:
            return None
        return self.registry.get(name).count_confidence


@dataclass(frozen=True)
class DetectorChoice:
    """What the user asked for: model names, or None to use the camera's or the default."""

    person_model: str | None = None
    bundle_model: str | None = None


def counting_setup(
    camera: Camera,
    *,
    choice: DetectorChoice,
    settings: CountingSettings,
    catalog: DetectorCatalog,
) -> CountingSetup | None:
    """The counting setup for one recording of `camera` (None when nothing is counted).

    Called per recording: the motion fallback learns one stream's background and must start
    afresh on the next file.
    """
    person_name = choice.person_model or camera.person_model or DEFAULT_PERSON_MODEL
    bundle_name = choice.bundle_model or camera.bundle_model
    if bundle_name is None:
        bundle_name = DEFAULT_BUNDLE_MODEL if catalog.has(DEFAULT_BUNDLE_MODEL) else NO_MODEL

    person: Detector | None
    ceiling = 1.0
    person_min_confidence = None
    if person_name == MOTION_FALLBACK:
        if camera.kind is not CameraKind.FIXED:
            raise DetectorChoiceError(
                f"camera {camera.id!r}: the motion fallback counts moving blobs against a still "
                "background and cannot count on a handheld recorder; name a person model"
            )
        person = MotionPersonDetector(MotionPersonSettings(fps=settings.fps))
        # Its boxes all carry the same low score: the score says "fallback", not "unsure".
        ceiling, person_min_confidence = MAX_CONFIDENCE, 0.0
    elif person_name == NO_MODEL:
        person = None
    else:
        person = catalog.get(person_name)
        person_min_confidence = catalog.count_confidence(person_name, settings)
    bundle = None if bundle_name == NO_MODEL else catalog.get(bundle_name)
    bundle_min_confidence = (
        None if bundle is None else catalog.count_confidence(bundle_name, settings)
    )
    if person is None and bundle is None:
        return None
    return CountingSetup(
        person=person,
        bundle=bundle,
        person_ceiling=ceiling,
        zone=None if camera.zone is None else Zone.of(list(camera.zone)),
        every_s=1.0 / settings.fps,
        min_run_s=settings.min_run_s,
        min_confidence=settings.min_confidence,
        person_min_confidence=person_min_confidence,
        bundle_min_confidence=bundle_min_confidence,
        detect_width=settings.detect_width,
        # The motion fallback learns its background from every frame: it cannot be skipped.
        detect_on_change=None if ceiling < 1.0 else settings.detector_gate,
        needs_every_frame=ceiling < 1.0,
        keep_alive_s=settings.keep_alive_s,
        empty_keep_alive_s=settings.empty_keep_alive_s,
    )


def site_counting(site: Site, catalog: DetectorCatalog) -> Callable[[Camera], CountingSetup | None]:
    """Each camera's counting setup from the site file with the default models (what the
    review service's scan jobs and nightly runs use; `vaultwatch scan` adds its options)."""

    def setup_for(camera: Camera) -> CountingSetup | None:
        return counting_setup(
            camera, choice=DetectorChoice(), settings=site.counting, catalog=catalog
        )

    return setup_for
