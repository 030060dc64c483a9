"""View integrity on hand-made pictures and timelines: the measures, the reference view, the
meter that learns it, and the stretches that become findings."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from analyzer.continuity import recording_problems, view_integrity
from analyzer.findings import FindingKind, Severity
from analyzer.recording import CameraKind
from analyzer.signals import FrameSignals
from analyzer.thresholds import ContinuityThresholds
from analyzer.view import (
    REGIONS,
    ViewReference,
    measure_view,
    picture_detail,
    scaled_to,
    scene_match,
    sparse_problems,
    view_problems,
)
from analyzer.view_meter import ReferenceLearning, ViewMeter
from tests.helpers import T0, packets, recording, regular_times, signals

H, W = 90, 160  # the scan's thumbnail of a 16:9 camera


def world(seed: int = 1, height: int = H + 40, width: int = W + 40) -> np.ndarray:
    """A textured scene larger than the thumbnail (blocks of 6 px, like shelves and boxes)."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(40, 215, (height // 6 + 1, width // 6 + 1), dtype=np.uint8)
    return np.kron(blocks, np.ones((6, 6), np.uint8))[:height, :width]


def view_of(scene: np.ndarray, dx: int = 0, dy: int = 0) -> np.ndarray:
    """The (H, W) thumbnail a camera pointed `dx`, `dy` pixels off centre sees."""
    y, x = 20 + dy, 20 + dx
    return np.ascontiguousarray(scene[y : y + H, x : x + W])


def blurred(picture: np.ndarray, radius: int = 2) -> np.ndarray:
    """A box blur of (2 radius + 1)^2 pixels, edges repeated."""
    padded = np.pad(picture.astype(np.float64), radius, mode="edge")
    size = 2 * radius + 1
    total = sum(
        padded[dy : dy + picture.shape[0], dx : dx + picture.shape[1]]
        for dy in range(size)
        for dx in range(size)
    )
    return np.rint(total / size**2).astype(np.uint8)


def relit(gain: float, offset: float = 0.0) -> Callable[[np.ndarray], np.ndarray]:
    return lambda p: np.clip(p * gain + offset, 0, 255).astype(np.uint8)


def with_person(picture: np.ndarray, x: int = 60, width: int = 40) -> np.ndarray:
    """A dark standing figure, full height, `width` pixels wide (a quarter of the picture),
    with the folds and seams of clothes (a flat one would hide nothing: flat is not judged)."""
    out = picture.copy()
    clothes = world(seed=5, height=picture.shape[0], width=width) // 5 + 20
    out[:, x : x + width] = clothes[:, : picture.shape[1] - x]
    return out


def partly_covered(share: float, level: int) -> Callable[[np.ndarray], np.ndarray]:
    """A hand or cloth over the left `share` of the lens: out of focus, a smooth shade
    around `level`, the room still seen beside it."""

    def cover(picture: np.ndarray) -> np.ndarray:
        out = picture.copy()
        edge = int(share * picture.shape[1])
        shade = (
            np.linspace(1.1, 0.8, edge)[None, :] * np.linspace(0.9, 1.1, picture.shape[0])[:, None]
        )
        out[:, :edge] = np.clip(level * shade, 0, 255).astype(np.uint8)
        return out

    return cover


SCENE = world()
REFERENCE = ViewReference.from_pictures([view_of(SCENE)])


# ---------------------------------------------------------------------------------------------
# Measures of one picture


def test_a_flat_picture_has_no_structure_and_no_sharpness_to_lose():
    detail = picture_detail(np.full((H, W), 128, np.uint8))
    assert detail.structure == 0.0
    assert detail.region_sharpness.shape == (REGIONS * REGIONS,)
    assert np.isinf(detail.region_sharpness).all()


def test_blur_lowers_sharpness_in_every_region_and_keeps_most_structure():
    sharp, soft = picture_detail(view_of(SCENE)), picture_detail(blurred(view_of(SCENE)))
    assert (soft.region_sharpness < 0.6 * sharp.region_sharpness).all()
    assert soft.structure > 0.5 * sharp.structure


@pytest.mark.parametrize(
    ("change", "structure", "sharpness", "match"),
    [
        (lambda p: p, 1.0, 1.0, 1.0),
        (relit(0.5), 1.0, 1.0, 1.0),  # lights dimmed: contrast and brightness halve
        (relit(0.6, 30), (0.6, 0.95), 1.0, 1.0),  # a haze lifts the blacks: less contrast
        (blurred, (0.5, 1.0), (0.0, 0.6), (0.8, 1.0)),  # refocused
        (lambda p: blurred(p, 6) // 4 + 150, (0.0, 0.1), None, None),  # a hand on it
        (partly_covered(0.66, 150), (0.0, 0.1), None, None),  # a hand over two thirds
        (partly_covered(0.4, 35), (0.0, 0.1), None, None),  # a dark cloth over 40 %
        (with_person, (1.0, 1.6), (0.8, 1.2), (0.6, 0.85)),  # a quarter of the view occluded
        (lambda p: view_of(SCENE, dx=1, dy=-1), (0.8, 1.2), (0.8, 1.2), (0.95, 1.0)),  # shake
        (lambda p: view_of(SCENE, dx=12), (0.8, 1.2), (0.8, 1.2), (0.0, 0.3)),  # turned 7 %
        (lambda p: view_of(SCENE, dy=10), (0.8, 1.2), (0.8, 1.2), (0.0, 0.3)),  # tilted
        (lambda p: view_of(world(seed=9)), (0.8, 1.2), (0.8, 1.2), (0.0, 0.2)),  # elsewhere
    ],
    ids=[
        "same",
        "dimmed",
        "hazed",
        "refocused",
        "covered",
        "two-thirds-covered",
        "cloth-over-40-percent",
        "person",
        "shaken",
        "turned",
        "tilted",
        "another-room",
    ],
)
def test_measures_against_the_reference(change, structure, sharpness, match):
    measured = measure_view(change(view_of(SCENE)), REFERENCE)

    def check(value: float, expected: float | tuple[float, float] | None) -> None:
        if expected is None:
            return
        if isinstance(expected, tuple):
            assert expected[0] <= value <= expected[1]
        else:
            assert value == pytest.approx(expected, abs=0.02)

    check(measured.structure, structure)
    check(measured.sharpness, sharpness)
    check(measured.scene_match, match)


def test_a_picture_too_flat_or_dark_to_compare_gets_no_scene_match():
    dark = relit(0.02, 20)(view_of(SCENE))  # lights off: a few grey levels of spread left
    assert np.isnan(scene_match(dark, REFERENCE))
    assert np.isnan(scene_match(np.full((H, W), 90, np.uint8), REFERENCE))


def test_a_picture_of_another_size_is_refused():
    with pytest.raises(ValueError, match="sizes differ"):
        scene_match(np.zeros((H, W + 2), np.uint8), REFERENCE)


# ---------------------------------------------------------------------------------------------
# The reference view


def test_the_reference_is_the_room_without_the_people_walking_through_it():
    room = view_of(SCENE)
    walking = [with_person(room, x=x, width=20) for x in (0, 30, 60, 90, 120)]
    reference = ViewReference.from_pictures(walking)
    np.testing.assert_array_equal(reference.picture, room)
    assert measure_view(room, reference).scene_match == 1.0


@pytest.mark.parametrize(
    ("pictures", "message"),
    [
        ([], "at least one picture"),
        ([np.zeros((H, W), np.uint8), np.zeros((H, W + 1), np.uint8)], "differ in size"),
    ],
)
def test_a_reference_needs_pictures_of_one_size(pictures, message):
    with pytest.raises(ValueError, match=message):
        ViewReference.from_pictures(pictures)


def test_a_bare_wall_is_no_usable_reference_and_nothing_is_judged_against_it():
    wall = np.tile(np.linspace(100, 110, W).astype(np.uint8), (H, 1))
    reference = ViewReference.from_pictures([wall])
    assert not reference.usable
    measured = measure_view(view_of(SCENE), reference)
    assert np.isnan([measured.structure, measured.sharpness, measured.scene_match]).all()


def test_a_larger_still_is_scaled_by_area_averaging():
    still = np.kron(view_of(SCENE), np.ones((4, 4), np.uint8))  # the same view, 4x the pixels
    np.testing.assert_array_equal(scaled_to(still, (H, W)), view_of(SCENE))
    odd = scaled_to(np.arange(35, dtype=np.uint8).reshape(5, 7), (2, 3))
    assert odd.shape == (2, 3) and abs(float(odd.mean()) - 17.0) < 1.0
    same = view_of(SCENE)
    assert scaled_to(same, same.shape) is same


# ---------------------------------------------------------------------------------------------
# The meter: measuring a recording's pictures in time order


def take_all(meter: ViewMeter, times: np.ndarray, pictures: list[np.ndarray]) -> np.ndarray:
    """The meter's scene-match column after taking every (time, picture)."""
    for t, picture in zip(times, pictures, strict=True):
        uniform = 1.0 if picture.std() == 0 else 0.3
        meter.take(float(t), picture, uniform)
    return meter.finish().scene_match


def test_pictures_taken_while_the_reference_is_learnt_are_measured_against_it():
    times = np.arange(0, 14, 0.2)
    room = view_of(SCENE)
    meter = ViewMeter(learning=ReferenceLearning())
    matches = take_all(meter, times, [room] * times.size)
    measured = np.isfinite(matches)
    # once a second, the very first picture included
    assert times[measured].tolist() == pytest.approx(np.arange(0, 14, 1.0).tolist())
    assert (matches[measured] == 1.0).all()
    assert meter.reference is not None
    np.testing.assert_array_equal(meter.reference.picture, room)


def test_blank_pictures_are_not_judged_nor_learnt_from():
    times = np.arange(0, 20, 1.0)
    black = np.zeros((H, W), np.uint8)
    pictures = [black] * 4 + [view_of(SCENE)] * 16
    meter = ViewMeter(learning=ReferenceLearning())
    matches = take_all(meter, times, pictures)
    assert np.isnan(matches[:4]).all() and (matches[4:] == 1.0).all()


def test_a_turned_camera_is_measured_against_the_first_seconds():
    times = np.arange(0, 30, 1.0)
    pictures = [view_of(SCENE) if t < 15 else view_of(SCENE, dx=12) for t in times]
    matches = take_all(ViewMeter(learning=ReferenceLearning()), times, pictures)
    assert (matches[times < 15] == 1.0).all() and (matches[times >= 15] < 0.3).all()


def test_a_reference_picture_of_any_size_is_scaled_to_the_thumbnails():
    still = np.kron(view_of(SCENE), np.ones((3, 3), np.uint8))
    meter = ViewMeter(reference_picture=still)
    matches = take_all(meter, np.array([0.0, 1.0]), [view_of(SCENE), view_of(SCENE, dx=12)])
    assert matches[0] == 1.0 and matches[1] < 0.3
    assert meter.reference is not None and meter.reference.picture.shape == (H, W)


def test_a_short_recording_learns_from_what_it_has_and_no_source_judges_nothing():
    times = np.array([0.0, 1.0, 2.0])
    learnt = ViewMeter(learning=ReferenceLearning())
    assert (take_all(learnt, times, [view_of(SCENE)] * 3) == 1.0).all()
    assert learnt.reference is not None
    assert np.isnan(take_all(ViewMeter(), times, [view_of(SCENE)] * 3)).all()


def test_a_meter_takes_one_reference_source():
    with pytest.raises(ValueError, match="one of"):
        ViewMeter(REFERENCE, learning=ReferenceLearning())


# ---------------------------------------------------------------------------------------------
# From measurements to stretches


def timeline(spec: str, *, uniform: str = "") -> FrameSignals:
    """One row a second. Each character of `spec` is a second: '.' fine, 'o' obstructed,
    'b' blurred, 'm' moved, '?' not measured (NaN); `uniform` marks blank seconds with 'k'."""
    structure = {"o": 0.05, "?": np.nan}
    sharpness = {"b": 0.4, "o": 3.0, "?": np.nan}
    match = {"m": 0.1, "o": 0.05, "b": 0.8, "?": np.nan}
    blank = uniform.ljust(len(spec), ".")
    return signals(
        regular_times(len(spec), 1.0),
        uniform=np.array([1.0 if c == "k" else 0.3 for c in blank]),
        structure=np.array([structure.get(c, 1.0) for c in spec]),
        sharpness=np.array([sharpness.get(c, 1.0) for c in spec]),
        scene_match=np.array([match.get(c, 0.9) for c in spec]),
    )


OBS, B, M = FindingKind.OBSTRUCTED_VIEW, FindingKind.BLURRED_VIEW, FindingKind.CAMERA_MOVED


@pytest.mark.parametrize(
    ("spec", "uniform", "expected"),
    [
        ("." * 30, "", []),
        ("." * 10 + "o" * 10 + "." * 10, "", [(OBS, 10, 20)]),
        ("." * 10 + "b" * 10 + "." * 10, "", [(B, 10, 20)]),
        ("." * 10 + "m" * 20, "", [(M, 10, 30)]),
        # too short to report
        ("." * 10 + "m" * 4 + "." * 16, "", []),
        # a person passing the lens inside a moved stretch does not split it
        ("." * 10 + "m" * 5 + "oo" + "m" * 13, "", [(M, 10, 30)]),
        # a blurred stretch that loses all structure for a moment stays one blurred stretch
        ("." * 5 + "b" * 8 + "ooo" + "b" * 8 + "." * 6, "", [(B, 5, 24)]),
        # each stretch is the worst thing it is, once
        ("." * 5 + "o" * 10 + "b" * 6 + "m" * 9, "", [(OBS, 5, 15), (B, 15, 21), (M, 21, 30)]),
        # unmeasured seconds are no evidence either way
        ("." * 10 + "m?m?m?m?m?m?" + "." * 8, "", [(M, 10, 22)]),
        # black video is reported as black, not as an obstruction
        ("." * 10 + "o" * 10 + "." * 10, "." * 10 + "k" * 10, []),
        ("." * 10 + "o" * 10 + "." * 10, "." * 12 + "k", [(OBS, 13, 20)]),
    ],
    ids=[
        "fine",
        "covered",
        "refocused",
        "turned",
        "brief",
        "passer-by",
        "blur-dip",
        "worst-first",
        "sparse",
        "black",
        "black-splits",
    ],
)
def test_view_problems(spec, uniform, expected):
    rows = timeline(spec, uniform=uniform)
    ends = np.append(rows.time[1:], float(len(spec)))
    found = view_problems(rows, ends, ContinuityThresholds())
    assert [(p.kind, p.interval.start, p.interval.end) for p in found] == expected


def test_thresholds_from_the_site_file_apply():
    rows = timeline("." * 10 + "m" * 3 + "." * 7)
    ends = np.append(rows.time[1:], 20.0)
    assert view_problems(rows, ends, ContinuityThresholds()) == []
    brief = ContinuityThresholds(moved_min_s=2.0)
    assert [p.kind for p in view_problems(rows, ends, brief)] == [M]
    strict = ContinuityThresholds(moved_max_match=0.95)  # 0.9 of a healthy view: moved
    assert [p.interval.start for p in view_problems(timeline("." * 20), ends, strict)] == [0.0]


def test_view_findings_of_a_fixed_camera_name_v2_and_what_was_measured():
    rows = timeline("." * 10 + "o" * 10 + "b" * 10 + "m" * 10)
    findings = view_integrity(recording(), rows, 40.0, ContinuityThresholds())
    assert [(f.kind, f.start - T0, f.end - T0) for f in findings] == [
        (OBS, 10, 20),
        (B, 20, 30),
        (M, 30, 40),
    ]
    for finding in findings:
        assert finding.rule == "V2" and finding.severity is Severity.HIGH
        assert finding.frame_time == finding.start
        assert finding.camera == "vault-a" and finding.recording_sha256 == "a" * 64
    assert "coarse structure 5% of the reference view's" in findings[0].detail
    assert "fine detail 40% of the reference view's" in findings[1].detail
    assert "10% of the reference's textured places still match" in findings[2].detail


def test_a_handheld_recorder_has_no_view_to_keep():
    rows = timeline("." * 10 + "m" * 20)
    handheld = recording(camera_kind=CameraKind.HANDHELD)
    assert view_integrity(handheld, rows, 30.0, ContinuityThresholds()) == []


def test_recording_problems_include_the_view():
    rows = timeline("." * 10 + "m" * 50)
    found = recording_problems(
        recording(), packets(regular_times(60, 10)), rows, ContinuityThresholds()
    )
    assert [f.kind for f in found] == [M]


def test_splicing_keeps_the_view_columns():
    outer = timeline("." * 10)
    inner = timeline("mm")
    inner = FrameSignals(inner.time + 4.0, *inner.columns[1:])
    spliced = outer.spliced(4.0, 6.0, inner)
    assert spliced.scene_match.tolist() == [0.9] * 4 + [0.1, 0.1] + [0.9] * 4
    merged = outer.with_rows(FrameSignals(np.array([4.5]), *(c[:1] for c in inner.columns[1:])))
    assert merged.scene_match[5] == 0.1 and len(merged) == 11


@pytest.mark.parametrize(
    ("times", "covered_at", "expected"),
    [
        # keyframes 4 s apart: an 8-s cover is two pictures; measured again from the keyframe
        # before to the one after
        (np.arange(0.0, 60.0, 4.0), (36.0, 40.0), [(32.0, 44.0)]),
        # the cover runs to the end of decoding
        (np.arange(0.0, 42.0, 4.0), (36.0, 40.0), [(32.0, 42.5)]),
        # measured once a second already: nothing to measure again
        (np.arange(0.0, 60.0, 1.0), (36.0, 40.0), []),
        # a single keyframe 2 s from its neighbours cannot add up to 5 s
        (np.arange(0.0, 60.0, 2.0), (36.0, 36.0), []),
        (np.arange(0.0, 60.0, 4.0), None, []),
    ],
    ids=["gop-4s", "at-the-end", "dense", "too-short", "nothing"],
)
def test_problems_seen_only_in_sparse_pictures_are_measured_again(times, covered_at, expected):
    structure = np.ones(times.size)
    if covered_at is not None:
        structure[(times >= covered_at[0]) & (times <= covered_at[1])] = 0.03
    rows = signals(times, structure=structure)
    assert sparse_problems(rows, 42.5 if times[-1] < 42 else 60.0, ContinuityThresholds()) == (
        expected
    )
