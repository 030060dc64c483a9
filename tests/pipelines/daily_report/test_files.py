"""Report file names and atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.daily_report.files import day_report_name, form_name, safe_name, write_atomic
from tests.pipelines.daily_report.helpers import DAY1, DAY2


@pytest.mark.parametrize(
    ("name", "safe"),
    [("xian-3", "xian-3"), ("西安 考点/3", "西安_考点_3"), ("..", "site"), ("", "site")],
)
def test_safe_name(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_names() -> None:
    assert day_report_name("site", DAY1, ".pdf") == "daily-site-2026-11-24.pdf"
    assert form_name("site", (DAY1,), ".html") == "playback-site-2026-11-24.html"
    assert form_name("s", (DAY1, DAY2), ".pdf") == "playback-s-2026-11-24_2026-11-25.pdf"


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "daily.html"
    target.write_text("old")
    assert write_atomic(target, b"new") == target
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["daily.html"]


def test_write_atomic_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "daily.html"
    target.write_text("old")

    def disk_full(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["daily.html"]
