"""People and paper bundles boxed on a picture, for an inspector's eyes.

`FrameObjects` is what one picture shows, its boxes relative to the picture (0..1 of its width
and height) so that they fit the picture at any size: the detector's 640-px copy, the original,
a browser canvas. `draw_objects` is pure: an array in, a new array out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

import cv2
import numpy as np
import numpy.typing as npt

from analyzer.detections import Detections, ObjectClass

BgrImage = npt.NDArray[np.uint8]
"""(h, w, 3) uint8 picture in BGR order."""

# BGR, saturated and far apart, so neither hides in a grey vault nor looks like the other.
COLOURS: dict[ObjectClass, tuple[int, int, int]] = {
    ObjectClass.PERSON: (0, 255, 0),
    ObjectClass.BUNDLE: (0, 140, 255),
}
LABEL_TEXT = (0, 0, 0)


def label(object_class: ObjectClass) -> str:
    """The class as the UI and the JSON name it: "person", "bundle"."""
    return object_class.name.lower()


class ObjectJson(TypedDict):
    label: str
    confidence: float
    box: list[float]


class FrameObjectsJson(TypedDict):
    looked_for: list[str]
    objects: list[ObjectJson]


@dataclass(frozen=True)
class FrameObjects:
    """The people and bundles found in one picture.

    box: (n, 4) float32 (x1, y1, x2, y2) relative to the picture as displayed, 0..1 of its
    width and height; class_id: (n,) int64 `ObjectClass` values; confidence: (n,) float32 in
    [0, 1]. `looked_for` are the classes a detector searched for: a class missing from it was
    not looked for, which is not the same as found absent.
    """

    box: npt.NDArray[np.float32]
    class_id: npt.NDArray[np.int64]
    confidence: npt.NDArray[np.float32]
    looked_for: frozenset[ObjectClass]

    def __post_init__(self) -> None:
        n = self.box.shape[0]
        if self.box.ndim != 2 or self.box.shape[1] != 4:
            raise ValueError(f"box must be (n, 4), got {self.box.shape}")
        for name in ("class_id", "confidence"):
            shape = getattr(self, name).shape
            if shape != (n,):
                raise ValueError(f"{name} must be ({n},), got {shape}")

    @classmethod
    def empty(cls, looked_for: Iterable[ObjectClass] = ()) -> FrameObjects:
        return cls(
            np.zeros((0, 4), np.float32),
            np.zeros(0, np.int64),
            np.zeros(0, np.float32),
            frozenset(looked_for),
        )

    @classmethod
    def from_detections(
        cls,
        detections: Detections,
        *,
        width: int,
        height: int,
        looked_for: Iterable[ObjectClass],
    ) -> FrameObjects:
        """The detections of a `width` x `height` picture, boxes made relative and clipped to
        the picture (a detector may reach a little past its edges)."""
        scale = np.array([width, height, width, height], np.float32)
        box = np.clip(detections.xyxy / scale, 0.0, 1.0).astype(np.float32)
        return cls(
            box,
            detections.class_id.astype(np.int64),
            detections.confidence.astype(np.float32),
            frozenset(looked_for),
        )

    def __len__(self) -> int:
        return int(self.box.shape[0])

    def to_json(self) -> FrameObjectsJson:
        """A JSON-ready structure: the classes looked for, and per object its label,
        confidence (3 decimals) and relative box [x1, y1, x2, y2] (4 decimals)."""
        return {
            "looked_for": sorted(label(c) for c in self.looked_for),
            "objects": [
                {
                    "label": label(ObjectClass(int(class_id))),
                    "confidence": round(float(confidence), 3),
                    "box": [round(float(v), 4) for v in box],
                }
                for box, class_id, confidence in zip(
                    self.box, self.class_id, self.confidence, strict=True
                )
            ],
        }


def line_width(width: int, height: int) -> int:
    """Box line thickness in pixels: 2 up to a 480-px picture, thicker on larger ones, so a box
    stays visible when the browser scales a 4K clip down."""
    return max(2, round(min(width, height) / 240))


def draw_objects(image: BgrImage, objects: FrameObjects) -> BgrImage:
    """A copy of `image` ((h, w, 3) uint8 BGR) with each object's box drawn in its class colour
    (`COLOURS`) and a label "person 0.87" on a patch of that colour, above the box when there
    is room, inside it otherwise."""
    drawn = image.copy()
    height, width = image.shape[:2]
    thickness = line_width(width, height)
    scale = np.array([width, height, width, height], np.float64)
    corners = np.rint(objects.box.astype(np.float64) * scale).astype(np.int64)
    # Keep the whole line inside the picture: a box touching the edge still shows its edge.
    inset = thickness // 2
    corners = np.clip(corners, inset, np.array([width, height, width, height]) - 1 - inset)
    font_scale = max(0.4, min(width, height) / 720)
    for (x1, y1, x2, y2), class_id, confidence in zip(
        corners.tolist(), objects.class_id.tolist(), objects.confidence.tolist(), strict=True
    ):
        object_class = ObjectClass(class_id)
        colour = COLOURS[object_class]
        cv2.rectangle(drawn, (x1, y1), (x2, y2), colour, thickness)
        _put_label(drawn, f"{label(object_class)} {confidence:.2f}", (x1, y1), colour, font_scale)
    return drawn


def _put_label(
    image: BgrImage,
    text: str,
    corner: tuple[int, int],
    colour: tuple[int, int, int],
    font_scale: float,
) -> None:
    font = cv2.FONT_HERSHEY_SIMPLEX
    (text_w, text_h), baseline = cv2.getTextSize(text, font, font_scale, 1)
    x, y = corner
    patch_h = text_h + baseline + 2
    # Above the box, unless the box touches the top of the picture.
    top = y - patch_h if y - patch_h >= 0 else y
    cv2.rectangle(image, (x, top), (x + text_w + 2, top + patch_h), colour, cv2.FILLED)
    cv2.putText(
        image, text, (x + 1, top + text_h + 1), font, font_scale, LABEL_TEXT, 1, cv2.LINE_AA
    )
