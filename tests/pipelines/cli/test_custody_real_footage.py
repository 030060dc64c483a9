"""Lone-person findings on real footage: the shared indoor clip as a vault camera holding a lot,
counted by the shipped person model (YOLOX-Nano, no import), through `vaultwatch scan
--custody`, once with a site file and once with the plain flags saying the same."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from pipelines.cli import main
from tests.conftest import shared_path
from tests.pipelines.test_counting_real import VISITS

pytestmark = [pytest.mark.video, pytest.mark.shared]

START = "2026-11-24T08:00:00+08:00"
SITE = """
timezone: Asia/Shanghai
rooms: [{id: vault-9, kind: vault}]
cameras: [{id: cam-9, kind: fixed, room: vault-9}]
"""
# What the site file says, as flags: the camera, its kind and its room.
FLAGS = ["--camera", "cam-9", "--kind", "fixed", "--room", "vault-9", "--tz", "Asia/Shanghai"]
CUSTODY = (
    "event_id,time,type,lot,location,bundles,persons,device,note\n"
    f"E1,{START},arrive,L9,vault-9,2,张三;李四,,入库\n"
)


def scan_findings(tmp_path: Path, name: str, how: list[str]) -> list[dict[str, Any]]:
    video = shared_path("videos", "one-by-one-person-detection.mp4")
    custody = tmp_path / "custody.csv"
    custody.write_text(CUSTODY, encoding="utf-8")
    out = tmp_path / f"{name}.json"
    argv = [
        "scan", str(video), "--start", START, *how, "--custody", str(custody),
        "--bundle-model", "none", "--json", str(out), "--db", f"sqlite:///{tmp_path / name}.db",
    ]  # fmt: skip
    assert main(argv) == 0
    findings: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))["findings"]
    return findings


@pytest.fixture(scope="module")
def site_and_flag_findings(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    tmp_path = tmp_path_factory.mktemp("lone")
    (tmp_path / "site.yaml").write_text(SITE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAULTWATCH_HOME", str(tmp_path / "home"))
        by_site = scan_findings(
            tmp_path, "site", ["--camera", "cam-9", "--site", str(tmp_path / "site.yaml")]
        )
        by_flags = scan_findings(tmp_path, "flags", FLAGS)
    return by_site, by_flags


@pytest.mark.parametrize("how", ["site file", "flags"])
def test_each_single_person_visit_is_a_lone_person_finding(site_and_flag_findings, how):
    findings = site_and_flag_findings[0 if how == "site file" else 1]
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
        # counted by the shipped model, sure enough to act on
        assert re.fullmatch(
            r"persons: yolox-nano@[0-9a-f]{12}; bundles: none", finding["counts"]["counted_by"]
        )
        assert finding["counts"]["confidence"] >= 0.5
        assert finding["counts"]["low_confidence"] is False
        assert "low-confidence" not in finding["detail"]
        assert finding["frame"] is not None
    # The room is covered throughout, and nobody is there outside the logged stay; the clip
    # burns no clock, which a fixed camera is told of (clock_unreadable), not a coverage gap.
    assert {f["kind"] for f in findings} == {"lone_person", "clock_unreadable"}


def test_the_flags_mean_what_the_site_file_means(site_and_flag_findings):
    by_site, by_flags = site_and_flag_findings

    def essence(findings: list[dict[str, Any]]) -> list[tuple[object, ...]]:
        return [
            (f["id"], f["kind"], f["start"], f["end"], f["detail"], json.dumps(f["counts"]))
            for f in findings
        ]

    assert essence(by_flags) == essence(by_site)
    assert len(by_site) == len(VISITS) + 1


# A transport form as real ones come: it opens with the depart from the vault (the arrive was
# logged on paper), the shared clip filmed by the phone carried along.
TRANSPORT = (
    "event_id,time,type,lot,location,bundles,persons,device,note\n"
    f"T1,{START},depart,L2,vault-1,4,张三;李四,phone-9,出库\n"
    "T2,2026-11-24T08:02:20+08:00,arrive,L2,office-1,4,张三;李四,,入考务室\n"
)
# Stretches of the clip with nobody in sight for 4 s or more: between the visits.
EMPTY = [(0.0, 6.0), (45.3, 50.4), (70.4, 74.4), (87.2, 92.6)]


def test_a_form_starting_with_a_depart_is_imported_and_its_move_checked(tmp_path, capsys):
    video = shared_path("videos", "one-by-one-person-detection.mp4")
    form = tmp_path / "transport.csv"
    form.write_text(TRANSPORT, encoding="utf-8")
    out = tmp_path / "findings.json"
    argv = [
        "scan", str(video), "--camera", "phone-9", "--kind", "handheld", "--start", START,
        "--tz", "Asia/Shanghai", "--bundle-model", "none", "--custody", str(form),
        "--json", str(out),
    ]  # fmt: skip
    assert main(argv) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "note:" in line]
    assert notes == [
        "vaultwatch: note: row 2: lot L2 starts with its depart in vault-1: where it was before "
        "is not on the forms and is not checked"
    ]
    findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    t0 = datetime.fromisoformat(START).timestamp()

    def offset(f: dict[str, Any], key: str) -> float:
        return datetime.fromisoformat(f[key]).timestamp() - t0

    # Nothing before the depart is judged: no gap, no late start, nothing from before T1.
    assert all(offset(f, "start") >= 0 for f in findings)
    assert not {f["kind"] for f in findings} & {"coverage_gap", "late_recording_start"}
    # The move is: nobody carrying in the phone's picture between the visits (V6).
    no_carrier = [f for f in findings if f["kind"] == "no_carrier"]
    assert {f["custody_leg"] for f in no_carrier} == {"L2/T1-T2"}
    for empty_start, empty_end in EMPTY:
        assert any(
            abs(offset(f, "start") - empty_start) <= 2.0
            and abs(offset(f, "end") - empty_end) <= 2.0
            for f in no_carrier
        ), (empty_start, empty_end, [(offset(f, "start"), offset(f, "end")) for f in no_carrier])
