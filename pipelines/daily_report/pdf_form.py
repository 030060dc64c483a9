"""The playback-check form as a printable Chinese PDF (A4 landscape).

Each vault starts a new page; its name is at the top of every page it fills. Every row has
an empty "检查人签名" cell for the inspector who checked the block, and every page a line for
the reviewer's signature and the date, as on the paper 录像回放检查记录表.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.daily_report.form import CheckStatus, PlaybackForm
from pipelines.daily_report.text import (
    FORM_TITLE,
    form_summary,
    period_text,
    row_text,
    site_label,
)
from pipelines.paper.names import zone_note
from pipelines.paper.pdf import ReportPdf
from pipelines.pdf_fonts import CJK_FONT

COLUMNS = ("日期", "时段", "摄像机", "自动扫描", "人工回放", "发现问题", "结论", "检查人签名")
WIDTHS = (20.0, 20.0, 20.0, 44.0, 44.0, 60.0, 34.0, 35.0)  # 277 mm: A4 landscape less margins
RULE = (
    "每 6 小时为一个时段。自动扫描对该室固定摄像机的录像全时段分析完毕，或有人员回放、查看或复核了"
    "该时段的录像（审计记录），即为已检查；该时段没有任何录像的，记为“无录像，未检查”。"
)


def form_pdf(form: PlaybackForm, *, site_name: str, font: Path = CJK_FONT) -> bytes:
    """The PDF bytes of `form`. Raises `MissingFontError` without the Chinese font."""
    site = site_label(site_name)
    period = period_text(form.days)
    pdf = ReportPdf(
        title=f"{FORM_TITLE} {site} {period}", created=form.window.end, landscape=True, font=font
    )
    pdf.footer_note = "审核人（签名）：________________      日期：____________"
    vaults = form.vaults
    if not vaults:
        pdf.add_page()
        pdf.title_line(FORM_TITLE)
        pdf.text_line(f"站点：{site}    检查期间：{period}")
        pdf.text_line("站点文件中没有类型为保密室（vault）的房间。")
    for room in vaults:
        name = room.name or room.id
        pdf.heading = f"{FORM_TITLE} · {site} · 保密室 {name}（{room.id}） · {period}"
        pdf.add_page()
        pdf.title_line(FORM_TITLE)
        pdf.text_line(
            f"站点：{site}    保密室：{name}（{room.id}）    检查期间：{period}    "
            f"{zone_note(form.zone, form.window.start)}",
            size=9.5,
        )
        pdf.text_line(RULE, size=8)
        pdf.ln(1)
        rows = form.rows_of(room.id)
        texts = [row_text(row, form.zone) for row in rows]
        pdf.grid(
            COLUMNS,
            [
                (t.day, t.block, t.cameras, t.scan, t.inspector, t.findings, t.status, "")
                for t in texts
            ],
            WIDTHS,
            size=8.5,
            emphasis_column=COLUMNS.index("结论"),
            min_row_height=14,
            emphasis=[
                row.status in (CheckStatus.NOT_CHECKED, CheckStatus.NO_RECORDING) for row in rows
            ],
        )
    pdf.ln(2)
    pdf.text_line(f"{form_summary(form)}    分析版本：{form.analyzer_version}", size=8)
    return bytes(pdf.output())
