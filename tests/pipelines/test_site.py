from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.recording import CameraKind
from pipelines.site import SiteError, load_site

GOOD = """
timezone: Asia/Shanghai
rooms:
  - {id: vault-1, kind: vault, name: 试卷保密室}
cameras:
  - id: vault-a
    room: vault-1
    file_pattern: 'ch01_(?P<start>\\d{14})_\\d{14}\\.mp4'
    time_format: '%Y%m%d%H%M%S'
  - {id: phone-1, kind: handheld}
thresholds:
  continuity: {frozen_min_s: 8}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_site_file_loads(tmp_path):
    site = load_site(write(tmp_path, GOOD))
    assert site.timezone == "Asia/Shanghai"
    assert site.camera("phone-1").kind is CameraKind.HANDHELD
    assert site.camera_for_file("ch01_20261124080000_20261124080030.mp4").id == "vault-a"
    assert site.camera_for_file("ch02_20261124080000_20261124080030.mp4") is None
    assert site.thresholds.continuity.frozen_min_s == 8
    assert site.thresholds.continuity.black_min_s == 2  # default kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timezone: Asia/Shanghai\nroms: []\n", "roms: Extra inputs are not permitted"),
        ("cameras:\n  - {id: a, room: nowhere}\n", "unknown room 'nowhere'"),
        ("cameras:\n  - {id: a}\n  - {id: a}\n", "camera id 'a' appears twice"),
        ("cameras:\n  - {id: a, file_pattern: '(('}\n", "not a regular expression"),
        ("cameras:\n  - {id: a, time_format: '%Y'}\n", "needs a file_pattern with a group"),
        ("thresholds:\n  continuity: {frozen_min_s: -1}\n", "greater than 0"),
        ("thresholds:\n  continuity: {frozen_mins: 3}\n", "frozen_mins"),
        ("- a\n- b\n", "mapping"),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_bad_site_files_are_refused_with_the_reason(tmp_path, text, message):
    with pytest.raises(SiteError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_site(write(tmp_path, text))


def test_missing_site_file(tmp_path):
    with pytest.raises(SiteError, match="cannot read site file"):
        load_site(tmp_path / "absent.yaml")
