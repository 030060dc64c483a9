"""The evidence package's report.pdf, read back as text with pypdfium2: laid out as Chinese
tables like the daily report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from analyzer.findings import FindingKind
from pipelines.paper.names import KIND_NAMES
from tests.pipelines.evidence.conftest import export

pytestmark = pytest.mark.video


def _text_and_sizes(pdf: Path) -> tuple[str, list[tuple[float, float]]]:
    document = pdfium.PdfDocument(pdf)
    try:
        sizes = [page.get_size() for page in document]
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return text, sizes


def test_the_report_is_chinese_tables_with_one_date_format(sample_store, tmp_path):
    package = tmp_path / "case"
    assert export(sample_store, package) == 0
    text, sizes = _text_and_sizes(package / "report.pdf")
    assert all(size == pytest.approx((842, 595), abs=2) for size in sizes)  # A4 landscape
    for heading in ("原始录像", "发现", "保管事件", "保管环节", "计数模型", "核验"):
        assert heading in text
    for column in ("包内路径", "严重程度", "说明", "袋数", "手持录像设备", "来源"):
        assert column in text
    flat = re.sub(r"\s", "", text)
    findings = json.loads((package / "findings" / "findings.json").read_text(encoding="utf-8"))
    assert findings["findings"]
    for finding in findings["findings"]:
        assert KIND_NAMES[FindingKind(finding["kind"])] in flat
    assert re.search(r"2026-11-24 08:\d\d:\d\d", text)
    assert not re.search(r"\dT\d\d:", text)  # no ISO-8601 stamps beside the tables' dates
    assert "None" not in text
    assert "第 1 页 / 共" in text and "时间为 Asia/Shanghai（UTC+08:00）" in text


def test_an_empty_part_says_none(sample_store, tmp_path):
    """A period with no custody events prints 无 under those headings, not an empty grid."""
    package = tmp_path / "quiet"
    argv = ["--from", "2026-11-24T08:29:00+08:00", "--to", "2026-11-24T08:29:01+08:00"]
    assert export(sample_store, package, *argv, case="QUIET") == 0
    text, _ = _text_and_sizes(package / "report.pdf")
    assert re.search(r"保管事件（0 项）\s*无", text)
