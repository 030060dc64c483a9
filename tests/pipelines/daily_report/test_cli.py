"""`vaultwatch daily-report` on the shipped custody sample scanned into a temp store, and its
one-line refusals of bad input."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipelines.cli import main
from pipelines.daily_report import write
from pipelines.pdf_fonts import CJK_FONT

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "sample_videos"
SITE = SAMPLES / "site.yaml"
FILES = [
    "daily-site-2026-11-24.html",
    "daily-site-2026-11-24.pdf",
    "playback-site-2026-11-24.html",
    "playback-site-2026-11-24.pdf",
]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a SQLite store with `sample_videos/custody` scanned against its form."""
    folder = tmp_path_factory.mktemp("daily-store")
    url = f"sqlite:///{folder / 'store.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAULTWATCH_HOME", str(folder / "home"))
        argv = [
            "scan",
            str(SAMPLES / "custody"),
            "--site",
            str(SITE),
            "--db",
            url,
            "--custody",
            str(SAMPLES / "custody" / "custody.csv"),
        ]
        assert main(argv) == 0
    return url


def daily(store: str, out: Path, *extra: str) -> int:
    return main(
        [
            "daily-report",
            "--day",
            "2026-11-24",
            "--site",
            str(SITE),
            "--db",
            store,
            "--out",
            str(out),
            *extra,
        ]
    )


@pytest.mark.video
@pytest.mark.skipif(not CJK_FONT.is_file(), reason="Chinese font absent")
def test_daily_report_of_the_sample(
    sample_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    assert daily(sample_store, out) == 0
    assert sorted(p.name for p in out.iterdir()) == FILES
    assert capsys.readouterr().out.splitlines() == [str(out / name) for name in FILES]
    form = pdfium.PdfDocument(out / "playback-site-2026-11-24.pdf")
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in form)
    finally:
        form.close()
    # The sample's two vaults, each with its four blocks; vault-b recorded 08:30–08:32 only.
    assert "试卷保密室（vault-1）" in text and "试卷保密室（二）（vault-2）" in text
    assert text.count("2026-11-24 06:00–12:00") == 2
    assert "未覆盖 358.0 分钟" in text
    day = (out / "daily-site-2026-11-24.html").read_text(encoding="utf-8")
    assert "L2026-001" in day and "单人接触试卷" in day
    # Again: the files are replaced, nothing else is left behind.
    assert daily(sample_store, out) == 0
    assert sorted(p.name for p in out.iterdir()) == FILES


@pytest.mark.video
def test_without_the_font_the_command_writes_html_and_exits_1(
    sample_store: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(write, "CJK_FONT", tmp_path / "no-font.ttc")
    out = tmp_path / "reports"
    assert daily(sample_store, out) == 1
    assert sorted(p.name for p in out.iterdir()) == [FILES[0], FILES[2]]
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "fonts-wqy-zenhei" in error and "HTML" in error


SITE_ARGS = ["--site", str(SITE)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--day", "2026-13-01", *SITE_ARGS], "is not a day"),
        (["--day", "24.11.2026", *SITE_ARGS], "is not a day"),
        (["--day", "2026-11-24", "--days", "0", *SITE_ARGS], "--days is 1 to 31"),
        (["--day", "2026-11-24", "--days", "40", *SITE_ARGS], "--days is 1 to 31"),
        (["--day", "2026-11-24", "--site", "/nonexistent/site.yaml"], "cannot read site file"),
        (["--day", "2026-11-24"], "--site SITE.yaml is needed"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert (
        main(["daily-report", "--out", str(out), "--db", f"sqlite:///{tmp_path}/s.db", *argv]) == 2
    )
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and message in error
    assert not out.exists()
