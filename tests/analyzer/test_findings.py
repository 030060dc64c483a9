"""A finding's cameras: a tuple in memory, one text ("a+b") in the store and JSON, and ids
that stay what they were when the text was the only form."""

from __future__ import annotations

import pytest

from analyzer.findings import (
    Finding,
    FindingKind,
    Severity,
    camera_label,
    cameras_from_label,
)

START, END = 1_795_000_000.0, 1_795_000_042.5


@pytest.mark.parametrize(
    ("cameras", "label"),
    [
        (("vault-a",), "vault-a"),
        (("vault-a", "vault-b"), "vault-a+vault-b"),
        (("cam-1a", "cam-1b", "cam-1c"), "cam-1a+cam-1b+cam-1c"),
        ((), "-"),
    ],
)
def test_cameras_and_their_text_form_read_back_into_each_other(
    cameras: tuple[str, ...], label: str
) -> None:
    assert camera_label(cameras) == label
    assert cameras_from_label(label) == cameras


@pytest.mark.parametrize(
    ("kind", "rule", "cameras", "leg", "stored_id"),
    [
        # Ids of findings stored while `camera` was the text: a re-scan must find them again.
        (FindingKind.LONE_PERSON, "V7", ("vault-a", "vault-b"), "L1/E1-E2", "45b0aa788af5e968fc64"),
        (FindingKind.EARLY_PICKUP, "V13", (), "L1/E2-E3", "6da4858a7d2d986024f9"),
    ],
)
def test_a_findings_id_is_the_one_it_had_as_text(
    kind: FindingKind, rule: str, cameras: tuple[str, ...], leg: str, stored_id: str
) -> None:
    finding = Finding(kind, rule, cameras, START, END, Severity.HIGH, "x", custody_leg=leg)
    assert finding.id == stored_id


def test_a_room_finding_names_each_camera_and_shows_them_as_one_text() -> None:
    finding = Finding(
        FindingKind.LONE_PERSON, "V7", ("vault-a", "vault-b"), START, END, Severity.HIGH, "x"
    )
    assert finding.cameras == ("vault-a", "vault-b")
    assert finding.camera == "vault-a+vault-b"


def test_cameras_given_as_one_text_are_refused() -> None:
    with pytest.raises(TypeError, match="tuple"):
        Finding(FindingKind.LONE_PERSON, "V7", "vault-a", START, END, Severity.HIGH, "x")  # type: ignore[arg-type]
