"""What the registry records about a model: the `manifest.json` beside its weights."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

MANIFEST_FILE = "manifest.json"
NAME_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
"""Model names are also directory names, so no separators, no leading dot, lower case."""


class ModelFormat(StrEnum):
    """How the network's input and output tensors are laid out."""

    YOLOX = "yolox"
    ULTRALYTICS = "ultralytics"


class Runtime(StrEnum):
    ONNX = "onnx"
    TORCH = "torch"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputSize(_Strict):
    """Network input in pixels (the letterbox target)."""

    height: int = Field(ge=32, le=4096)
    width: int = Field(ge=32, le=4096)


class ModelManifest(_Strict):
    """One registered model. Stored as `<home>/models/<name>/manifest.json` for imported models
    and as `models/weights/<name>.json` beside the weights for the product's built-in models."""

    manifest_version: Literal[1] = 1
    name: str = Field(pattern=NAME_PATTERN)
    format: ModelFormat
    runtime: Runtime
    file: str = Field(description="weights file name, in the same directory as the manifest")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=1, description="weights file size in bytes")
    input_size: InputSize
    class_names: tuple[str, ...] = Field(min_length=1, description="the model's own classes")
    person_class_ids: tuple[int, ...] = Field(description="model class ids counted as people")
    bundle_class_ids: tuple[int, ...] = Field(description="model class ids counted as bundles")
    imported_at: AwareDatetime
    source: str = Field(description="where the weights were imported from")
    count_confidence: float | None = Field(
        default=None,
        gt=0.0,
        le=1.0,
        description="score a new box of this model needs to count, chosen on held-out frames "
        "when it was trained; None: the site's `counting.min_confidence`",
    )
    builtin: bool = Field(
        default=False,
        description="shipped with the product (read-only); set by the registry from where the "
        "manifest was found, whatever the file says",
    )

    @field_validator("file")
    @classmethod
    def _plain_file_name(cls, value: str) -> str:
        # The manifest must not be able to point outside its own directory.
        if not value or value in {".", ".."} or re.search(r"[/\\]", value):
            raise ValueError(f"file must be a plain file name, got {value!r}")
        return value

    @model_validator(mode="after")
    def _class_ids_fit(self) -> ModelManifest:
        n = len(self.class_names)
        for role, ids in (("person", self.person_class_ids), ("bundle", self.bundle_class_ids)):
            bad = [i for i in ids if not 0 <= i < n]
            if bad:
                raise ValueError(f"{role} class ids {bad} are outside the model's {n} classes")
        both = set(self.person_class_ids) & set(self.bundle_class_ids)
        if both:
            names = [self.class_names[i] for i in sorted(both)]
            raise ValueError(f"classes {names} cannot count as both person and bundle")
        if not self.person_class_ids and not self.bundle_class_ids:
            raise ValueError("the model maps no class to person or bundle, so it counts nothing")
        return self

    @property
    def person_classes(self) -> tuple[str, ...]:
        return tuple(self.class_names[i] for i in self.person_class_ids)

    @property
    def bundle_classes(self) -> tuple[str, ...]:
        return tuple(self.class_names[i] for i in self.bundle_class_ids)


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of checking one registered model's files against its manifest."""

    name: str
    path: Path
    builtin: bool
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None
