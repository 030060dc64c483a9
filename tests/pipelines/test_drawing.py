"""Boxes drawn on pictures, and the relative-box type the review UI receives."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.detections import Detections, ObjectClass
from pipelines.drawing import COLOURS, FrameObjects, draw_objects, line_width

PERSON, BUNDLE = int(ObjectClass.PERSON), int(ObjectClass.BUNDLE)


def objects(boxes: list[list[float]], classes: list[int], scores: list[float]) -> FrameObjects:
    return FrameObjects(
        np.asarray(boxes, np.float32).reshape(-1, 4),
        np.asarray(classes, np.int64),
        np.asarray(scores, np.float32),
        frozenset({ObjectClass.PERSON, ObjectClass.BUNDLE}),
    )


def grey(height: int = 180, width: int = 320) -> np.ndarray:
    return np.full((height, width, 3), 128, np.uint8)


def test_box_edges_take_the_class_colour_and_the_inside_stays():
    image = grey()
    found = objects([[0.25, 0.25, 0.5, 0.75], [0.6, 0.5, 0.9, 0.9]], [PERSON, BUNDLE], [0.9, 0.7])
    drawn = draw_objects(image, found)
    person, bundle = COLOURS[ObjectClass.PERSON], COLOURS[ObjectClass.BUNDLE]
    # person box: x 80..160, y 45..135 of a 320 x 180 picture
    assert tuple(drawn[90, 80]) == person  # left edge
    assert tuple(drawn[90, 160]) == person  # right edge
    assert tuple(drawn[135, 120]) == person  # bottom edge
    assert tuple(drawn[90, 120]) == (128, 128, 128)  # inside
    # bundle box: x 192..288, y 90..162
    assert tuple(drawn[162, 240]) == bundle
    assert tuple(drawn[120, 288]) == bundle
    assert person != bundle
    assert np.all(image == 128)  # the input is not drawn on


def test_label_sits_above_the_box_in_its_colour_with_dark_text():
    drawn = draw_objects(grey(), objects([[0.25, 0.5, 0.5, 0.75]], [PERSON], [0.87]))
    colour = np.array(COLOURS[ObjectClass.PERSON], np.uint8)
    coloured = np.all(drawn == colour, axis=2)
    coloured[90:] = False  # the box itself starts at y = 90
    rows, columns = np.nonzero(coloured)
    # a patch on the box's top-left corner (x = 80), above it, as wide as "person 0.87"
    assert (columns.min(), rows.max()) == (80, 89)
    assert 60 > 89 - rows.min() > 8 and columns.max() - 80 > 40
    patch = drawn[rows.min() : 90, 80 : columns.max()]
    assert (patch.sum(axis=2) < 100).any()  # the text


def test_boxes_at_the_picture_edges_stay_visible():
    drawn = draw_objects(grey(), objects([[0.0, 0.0, 1.0, 1.0]], [BUNDLE], [0.5]))
    colour = COLOURS[ObjectClass.BUNDLE]
    assert tuple(drawn[90, 0]) == colour
    assert tuple(drawn[90, 319]) == colour
    assert tuple(drawn[179, 160]) == colour


def test_nothing_to_draw_gives_an_equal_copy():
    image = grey()
    drawn = draw_objects(image, FrameObjects.empty())
    assert drawn is not image and np.array_equal(drawn, image)


@pytest.mark.parametrize(
    ("width", "height", "expected"), [(160, 96, 2), (1920, 1080, 4), (3840, 2160, 9)]
)
def test_line_width_grows_with_the_picture(width, height, expected):
    assert line_width(width, height) == expected


@pytest.mark.parametrize(
    ("box_shape", "classes", "scores", "error"),
    [
        ((2, 4), 2, 2, None),
        ((0, 4), 0, 0, None),
        ((2, 3), 2, 2, "box must be"),
        ((2, 4), 1, 2, "class_id must be"),
        ((2, 4), 2, 3, "confidence must be"),
    ],
)
def test_shapes_are_checked(box_shape, classes, scores, error):
    def make() -> FrameObjects:
        return FrameObjects(
            np.zeros(box_shape, np.float32),
            np.zeros(classes, np.int64),
            np.zeros(scores, np.float32),
            frozenset(),
        )

    if error is None:
        assert len(make()) == box_shape[0]
    else:
        with pytest.raises(ValueError, match=error):
            make()


def test_detections_become_relative_boxes_clipped_to_the_picture():
    detections = Detections.from_arrays(
        [[80, 45, 160, 135], [-10, 170, 330, 200]], [0.9, 0.4], [PERSON, BUNDLE]
    )
    found = FrameObjects.from_detections(
        detections, width=320, height=180, looked_for=[ObjectClass.PERSON]
    )
    np.testing.assert_allclose(found.box, [[0.25, 0.25, 0.5, 0.75], [0.0, 170 / 180, 1.0, 1.0]])
    assert found.class_id.tolist() == [PERSON, BUNDLE]
    assert found.looked_for == {ObjectClass.PERSON}


def test_json_names_classes_and_rounds():
    found = objects([[0.123456, 0.2, 0.3, 0.4]], [BUNDLE], [0.87654])
    data = found.to_json()
    assert data == {
        "looked_for": ["bundle", "person"],
        "objects": [{"label": "bundle", "confidence": 0.877, "box": [0.1235, 0.2, 0.3, 0.4]}],
    }
    json.dumps(data)  # plain types only
