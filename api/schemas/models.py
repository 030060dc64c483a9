"""Detector models: what the service can count with (built-in and imported)."""

from __future__ import annotations

from pydantic import Field

from api.schemas.common import Public
from models.manifest import ModelManifest


class ModelPublic(Public):
    name: str
    format: str
    sha256: str
    builtin: bool
    person_classes: list[str]
    bundle_classes: list[str]
    count_confidence: float | None = Field(
        description="score a new box of this model needs to count; null: the site's"
    )

    @classmethod
    def of(cls, manifest: ModelManifest) -> ModelPublic:
        names = manifest.class_names
        return cls(
            name=manifest.name,
            format=manifest.format.value,
            sha256=manifest.sha256,
            builtin=manifest.builtin,
            person_classes=[names[i] for i in manifest.person_class_ids],
            bundle_classes=[names[i] for i in manifest.bundle_class_ids],
            count_confidence=manifest.count_confidence,
        )
