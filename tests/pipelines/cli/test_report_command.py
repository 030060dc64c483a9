"""`vaultwatch report --lot` on a small generated vault recording with a gap in a stay."""

from __future__ import annotations

import json

import pytest

from pipelines.cli import main
from tests.clips import noisy_scene, regular, write_clip

pytestmark = pytest.mark.video

SITE = """
timezone: Asia/Shanghai
rooms: [{id: vault-1, kind: vault}, {id: office, kind: exam_office}]
cameras:
  - {id: cam-1, kind: fixed, room: vault-1, clock: {read: false}}  # its clips burn no clock
  - {id: phone-1, kind: handheld}
"""
CUSTODY = """event_id,time,type,lot,location,bundles,persons,device,note
E1,2026-11-24T08:00:00+08:00,arrive,L1,vault-1,3,张三;李四,,入库
E2,2026-11-24T08:00:20+08:00,depart,L1,vault-1,3,张三;李四,phone-1,出库
E3,2026-11-24T08:00:40+08:00,arrive,L1,office,3,张三;李四,,
"""


@pytest.fixture
def scanned(tmp_path):
    folder = tmp_path / "cam-1"
    folder.mkdir()
    write_clip(folder / "ch_20261124080000.mp4", regular(8, 10), noisy_scene(seed=1))
    write_clip(folder / "ch_20261124080012.mp4", regular(8, 10), noisy_scene(seed=2))
    (tmp_path / "site.yaml").write_text(SITE, encoding="utf-8")
    (tmp_path / "custody.csv").write_text(CUSTODY, encoding="utf-8")
    argv = ["scan", str(folder), "--site", str(tmp_path / "site.yaml"), "--no-counting",
            "--custody", str(tmp_path / "custody.csv"),
            "--json", str(tmp_path / "f.json")]  # fmt: skip
    assert main(argv) == 0
    return tmp_path


def test_scan_links_findings_to_legs(scanned):
    findings = json.loads((scanned / "f.json").read_text(encoding="utf-8"))["findings"]
    found = [(f["kind"], f["custody_leg"], f["custody_event"], f["start"][11:19], f["end"][11:19])
             for f in findings]  # fmt: skip
    assert found == [
        # the 4 s between the two files: the camera's gap, linked to the stay (reported once)
        ("coverage_gap", "L1/E1-E2", "E1", "08:00:08", "08:00:12"),
        # the camera stopped at 08:00:20 with the departure, but phone-1 has no video at all
        ("coverage_gap", "L1/E2-E3", "E2", "08:00:20", "08:00:40"),
    ]


def test_report_json_and_html(scanned, capsys):
    site = str(scanned / "site.yaml")
    assert main(["report", "--lot", "L1", "--site", site, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # the lot arrived in the office when the footage ends: no stay there yet to check
    assert [leg["leg_id"] for leg in report["legs"]] == ["L1/E1-E2", "L1/E2-E3"]
    stay = report["legs"][0]
    assert [r["path"][-27:] for r in stay["recordings"]] == [
        "cam-1/ch_20261124080000.mp4",
        "cam-1/ch_20261124080012.mp4",
    ]
    assert [f["kind"] for f in stay["findings"]] == ["coverage_gap"]
    assert report["legs"][1]["recordings"] == []

    out = scanned / "L1.html"
    assert main(["report", "--lot", "L1", "--site", site, "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "试卷保密监控核查报告" in html and "L1/E2-E3" in html and "无录像覆盖" in html


def test_report_of_unknown_lot_exits_2(scanned, capsys):
    assert main(["report", "--lot", "NOPE", "--site", str(scanned / "site.yaml")]) == 2
    assert "no custody events for lot 'NOPE'" in capsys.readouterr().err
