"""Continuity checks on real camera footage from ../shared: real noise, real compression,
people coming and going, long empty stretches. None of it is a continuity problem."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.recording import CameraKind
from analyzer.wallclock import time_zone
from models.storage import sha256_file
from pipelines import scan
from pipelines.site import Camera, ClockSettings, Site
from tests.conftest import shared_path

pytestmark = [pytest.mark.video, pytest.mark.shared]


@pytest.mark.parametrize(
    ("name", "duration_s", "size"),
    [
        ("one-by-one-person-detection.mp4", 139.4, (768, 432)),
        ("vtest.avi", 79.5, (768, 576)),
    ],
)
def test_real_footage_has_no_continuity_findings(name, duration_s, size):
    path = shared_path("videos", name)
    options = scan.ScanOptions(site=Site(), zone=time_zone("UTC"), start=1_795_996_800.0)
    analysis = scan.analyse_recording(
        path,
        sha256=sha256_file(path),
        # The clips burn no on-screen clock.
        camera=Camera(id="cam", kind=CameraKind.FIXED, clock=ClockSettings(read=False)),
        options=options,
    )
    recording = analysis.recording
    assert recording.duration_s == pytest.approx(duration_s, abs=0.05)
    assert (recording.width, recording.height) == size
    assert recording.decode_errors == 0
    assert recording.decoded_to == pytest.approx(recording.end, abs=0.05)
    # 5 pictures a second where the stream shows activity, at least one a GOP (1 s) elsewhere
    steps = np.diff(analysis.signals.time)
    assert steps.max() <= 1.01 and analysis.signals.time[-1] >= duration_s - 1.1
    assert analysis.findings == []
    # The empty room stays static for long stretches: live noise, not a frozen picture.
    assert analysis.signals.change[1:].min() < 0.5 < analysis.signals.change[1:].max()
