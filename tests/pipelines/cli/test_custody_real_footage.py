"""Lone-person findings on real footage: the shared indoor clip as a vault camera holding a lot,
with the real YOLOX-Nano imported as the person model, through `vaultwatch scan --custody`."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from pipelines.cli import main
from tests.conftest import shared_path
from tests.pipelines.test_counting_real import VISITS

pytestmark = [pytest.mark.video, pytest.mark.shared]

START = "2026-11-24T08:00:00+08:00"
SITE = """
timezone: Asia/Shanghai
rooms: [{id: vault-9, kind: vault}]
# The clip burns no clock (a camera without one is told so: clock_unreadable).
cameras: [{id: cam-9, kind: fixed, room: vault-9, person_model: yolox-nano, bundle_model: none,
           clock: {read: false}}]
"""
CUSTODY = (
    "event_id,time,type,lot,location,bundles,persons,device,note\n"
    f"E1,{START},arrive,L9,vault-9,2,张三;李四,,入库\n"
)


def test_each_single_person_visit_is_a_lone_person_finding(tmp_path):
    model = shared_path("models", "yolox_nano.onnx")
    video = shared_path("videos", "one-by-one-person-detection.mp4")
    assert main(["models", "import", str(model), "--name", "yolox-nano", "--format", "yolox"]) == 0
    (tmp_path / "site.yaml").write_text(SITE, encoding="utf-8")
    (tmp_path / "custody.csv").write_text(CUSTODY, encoding="utf-8")
    out = tmp_path / "findings.json"
    argv = [
        "scan", str(video), "--camera", "cam-9", "--start", START,
        "--site", str(tmp_path / "site.yaml"), "--custody", str(tmp_path / "custody.csv"),
        "--json", str(out),
    ]  # fmt: skip
    assert main(argv) == 0
    findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    t0 = datetime.fromisoformat(START).timestamp()
    lone = [
        (datetime.fromisoformat(f["start"]).timestamp() - t0,
         datetime.fromisoformat(f["end"]).timestamp() - t0, f)
        for f in findings
        if f["kind"] == "lone_person"
    ]  # fmt: skip
    assert len(lone) == len(VISITS), [(round(s, 1), round(e, 1)) for s, e, _ in lone]
    for (start, end, finding), (visit_start, visit_end) in zip(lone, VISITS, strict=True):
        assert abs(start - visit_start) <= 2.0 and abs(end - visit_end) <= 2.0, (start, end)
        assert finding["rule"] == "V7"
        assert finding["custody_event"] == "E1"
        assert finding["custody_leg"] == "L9/E1-open"
        assert finding["counts"]["persons_max"] == 1
        assert finding["frame"] is not None
    # the room is covered throughout, and nobody is there outside the logged stay
    assert {f["kind"] for f in findings} == {"lone_person"}
