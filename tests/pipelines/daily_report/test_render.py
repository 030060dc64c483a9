"""The written reports: file names, the HTML pages, and the PDFs rendered back to pictures and
text with pypdfium2 (A4 pages, not blank, Chinese headings, every vault and block)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa

from pipelines.daily_report import MissingFontError, write_daily_reports
from pipelines.pdf_fonts import CJK_FONT
from pipelines.store import open_store
from tests.pipelines.daily_report import scenario
from tests.pipelines.daily_report.helpers import DAY1, DAY2, SITE, ZONE

A4 = (595.28, 841.89)  # points
BLOCKS = ("00:00–06:00", "06:00–12:00", "12:00–18:00", "18:00–24:00")
ROW = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:00–\d{2}:00)")
DAY_HEADINGS = (
    "保密室监控日报",
    "概况",
    "问题统计",
    "录像覆盖",
    "在库与转运批次",
    "问题清单",
    "问题画面",
)
PAGE = re.compile(r"第 (\d+) 页 / 共 (\d+) 页")

pytestmark = pytest.mark.skipif(
    not CJK_FONT.is_file(), reason=f"font {CJK_FONT} is absent (Debian fonts-wqy-zenhei)"
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    folder = tmp_path_factory.mktemp("daily-render")
    engine = open_store(f"sqlite:///{folder / 'store.db'}")
    scenario.populate(engine, folder)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def written(engine: sa.Engine, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("reports") / "out"
    return write_daily_reports(engine, SITE, ZONE, DAY1, out, days=2, site_name="test-site")


def pages_of(path: Path) -> list[tuple[tuple[float, float], str, np.ndarray]]:
    """Each page's size in points, its text, and its picture (RGB, 50 dpi)."""
    document = pdfium.PdfDocument(path)
    try:
        pages = []
        for page in document:
            text = page.get_textpage().get_text_range()
            picture = page.render(scale=50 / 72).to_numpy()
            pages.append((page.get_size(), text, picture))
            page.close()
        return pages
    finally:
        document.close()


def assert_printable(
    pages: list[tuple[tuple[float, float], str, np.ndarray]], size: tuple[float, float]
) -> None:
    """A4 in the given orientation, not blank, numbered "第 i 页 / 共 n 页"."""
    for number, (page_size, text, picture) in enumerate(pages, start=1):
        assert page_size == pytest.approx(size, abs=0.1)
        assert picture.std() > 10
        assert (picture.min(axis=-1) < 128).mean() > 0.005  # ink on the page
        numbered = PAGE.search(text)
        assert numbered is not None
        assert numbered.groups() == (str(number), str(len(pages)))


def test_files_written(written: list[Path]) -> None:
    assert [p.name for p in written] == [
        "daily-test-site-2026-11-24.html",
        "daily-test-site-2026-11-24.pdf",
        "daily-test-site-2026-11-25.html",
        "daily-test-site-2026-11-25.pdf",
        "playback-test-site-2026-11-24_2026-11-25.html",
        "playback-test-site-2026-11-24_2026-11-25.pdf",
    ]
    folder = written[0].parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)


def test_form_pdf(written: list[Path]) -> None:
    pages = pages_of(written[-1])
    assert_printable(pages, (A4[1], A4[0]))
    # One vault a page here; each page names its vault at the top.
    assert len(pages) == 2
    by_vault: dict[str, list[str]] = {}
    for _, text, _ in pages:
        for heading in (
            "保密室录像回放检查记录表",
            "检查人签名",
            "审核人（签名）",
            "自动扫描",
            "人工回放",
        ):
            assert heading in text
        vault = re.search(r"保密室 \S+（(vault-\d)）", text)
        assert vault is not None
        by_vault.setdefault(vault.group(1), []).append(text)
    expected = {(day.isoformat(), block) for day in (DAY1, DAY2) for block in BLOCKS}
    assert set(by_vault) == {"vault-1", "vault-2"}
    for texts in by_vault.values():
        rows = ROW.findall("\n".join(texts))
        assert len(rows) == 8
        assert set(rows) == expected
    vault_1 = "\n".join(by_vault["vault-1"])
    for words in (
        "张三",
        "王五",
        "已检查（自动扫描）",
        "已检查（人工回放）",
        "未覆盖 10.0 分钟",
        "画面冻结",
        "已确认",
    ):
        assert words in vault_1
    assert "\n".join(by_vault["vault-2"]).count("cam-2 无录像 无 无 无录像，未检查") == 8


def test_day_pdfs(written: list[Path]) -> None:
    for path, day in ((written[1], DAY1), (written[3], DAY2)):
        pages = pages_of(path)
        assert_printable(pages, A4)
        text = "\n".join(t for _, t, _ in pages)
        for words in (*DAY_HEADINGS, day.isoformat(), "cam-1a", "phone-1", "L1"):
            assert words in text
    first = pages_of(written[1])
    assert "单人接触试卷 lone_person" in "\n".join(t for _, t, _ in first)
    document = pdfium.PdfDocument(written[1])
    try:
        images = [
            obj
            for page in document
            for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE])
        ]
        assert len(images) == 1  # the frozen finding's frame
    finally:
        document.close()


def test_html_pages(written: list[Path]) -> None:
    day = written[0].read_text(encoding="utf-8")
    assert "保密室监控日报" in day
    assert day.count("data:image/jpeg;base64,") == 1
    assert "<svg" in day
    # Self-contained: nothing fetched from elsewhere.
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", day)
    form = written[4].read_text(encoding="utf-8")
    assert "保密室录像回放检查记录表" in form
    assert (
        len(
            re.findall(
                r'<tr class="(scan|inspector|scan_and_inspector|not_checked|'
                r'no_recording)">',
                form,
            )
        )
        == 16
    )
    assert form.count('<td class="sign"></td>') == 16
    assert "@page { size: A4 landscape" in form


def test_without_the_font_the_html_is_written(engine: sa.Engine, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(MissingFontError, match="fonts-wqy-zenhei") as caught:
        write_daily_reports(engine, SITE, ZONE, DAY1, out, font=tmp_path / "missing.ttc")
    assert [p.name for p in caught.value.written] == [
        "daily-site-2026-11-24.html",
        "playback-site-2026-11-24.html",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in caught.value.written)
