"""The day report as a Chinese PDF (A4 portrait): summary, findings by rule, a coverage
timeline per camera drawn as filled bars, lots in custody, the findings, their frames."""

from __future__ import annotations

import io
from pathlib import Path

from analyzer.custody import LegKind
from analyzer.findings import Severity
from analyzer.recording import CameraKind
from pipelines.daily_report.day import CameraDay, DayReport, LotDay
from pipelines.daily_report.images import thumbnail_jpeg
from pipelines.daily_report.labels import (
    CAMERA_KIND_NAMES,
    LEG_NAMES,
    kind_name,
    review_name,
    severity_name,
)
from pipelines.daily_report.text import DAY_TITLE, site_label, span_text
from pipelines.paper.names import stamp, zone_note
from pipelines.paper.pdf import FONT, ReportPdf
from pipelines.pdf_fonts import CJK_FONT
from pipelines.store import ReviewState

RECORDED = (58, 154, 58)
UNUSABLE = (243, 156, 18)
MISSING = (227, 93, 93)
IDLE = (228, 228, 228)
LABEL_W = 48.0
BAR_H = 4.5
ROW_H = 8.0
THUMB_W = 60.0
THUMB_GAP = 5.0


def day_pdf(report: DayReport, *, site_name: str, font: Path = CJK_FONT) -> bytes:
    """The PDF bytes of `report`. Raises `MissingFontError` without the Chinese font."""
    site = site_label(site_name)
    day = report.day.isoformat()
    pdf = ReportPdf(title=f"{DAY_TITLE} {site} {day}", created=report.window.end, font=font)
    pdf.heading = f"{DAY_TITLE} · {site} · {day}"
    pdf.add_page()
    pdf.title_line(DAY_TITLE)
    pdf.text_line(
        f"站点：{site}    日期：{day}    {zone_note(report.zone, report.window.start)}    "
        f"分析版本：{report.analyzer_version}",
        size=9,
    )
    _summary(pdf, report)
    _groups(pdf, report)
    _coverage(pdf, report)
    _lots(pdf, report)
    _findings(pdf, report)
    pdf.section("问题画面", keep_mm=50)
    _thumbnails(pdf, report)
    return bytes(pdf.output())


def _serious(severity: Severity) -> bool:
    return severity in (Severity.HIGH, Severity.CRITICAL)


def _summary(pdf: ReportPdf, report: DayReport) -> None:
    pdf.section("概况")
    open_findings = sum(1 for s in report.findings if s.review_state is ReviewState.OPEN)
    counts = (
        len(report.cameras),
        sum(c.recordings for c in report.cameras),
        len(report.findings),
        open_findings,
        len({lot.lot for lot in report.lots}),
    )
    pdf.grid(
        ("摄像机", "录像文件", "发现问题", "待复核", "涉及批次"),
        [tuple(str(n) for n in counts)],
        (38.0,) * 5,
    )


def _groups(pdf: ReportPdf, report: DayReport) -> None:
    pdf.section("问题统计（按规则和严重程度）")
    if not report.groups:
        pdf.text_line("当日未发现问题。")
        return
    pdf.grid(
        ("规则", "严重程度", "数量", "类型"),
        [
            (g.rule, severity_name(g.severity), str(g.count), "；".join(map(kind_name, g.kinds)))
            for g in report.groups
        ],
        (20.0, 22.0, 18.0, 130.0),
        emphasis=[_serious(g.severity) for g in report.groups],
        emphasis_column=1,
    )


def _coverage(pdf: ReportPdf, report: DayReport) -> None:
    pdf.section("录像覆盖")
    pdf.text_line(
        "绿色：已分析录像；橙色：不可用（冻结、黑屏、遮挡等）；红色：固定摄像机无录像；"
        "灰色：手持设备未录像。",
        size=8,
    )
    _timelines(pdf, report)
    gaps = [c for c in report.cameras if _fixed(c) and c.coverage.gaps]
    if gaps:
        pdf.ln(2)
        pdf.grid(
            ("摄像机", "缺失时段"),
            [
                (c.camera, "；".join(span_text(g, report.zone) for g in c.coverage.gaps))
                for c in gaps
            ],
            (35.0, 155.0),
        )


def _lots(pdf: ReportPdf, report: DayReport) -> None:
    pdf.section("在库与转运批次")
    if not report.lots:
        pdf.text_line("当日无批次在保管中。")
        return
    zone = report.zone
    pdf.grid(
        ("批次", "状态", "房间", "开始", "结束", "袋数", "手持记录设备"),
        [
            (
                lot.lot,
                LEG_NAMES[lot.kind],
                lot.from_room
                if lot.kind is LegKind.STAY
                else f"{lot.from_room} → {lot.to_room or '？'}",
                stamp(lot.start, zone),
                _unended(lot) if lot.end is None else stamp(lot.end, zone),
                "—" if lot.bundles is None else str(lot.bundles),
                lot.device or "—",
            )
            for lot in report.lots
        ],
        (26.0, 14.0, 34.0, 34.0, 34.0, 12.0, 36.0),
    )


def _findings(pdf: ReportPdf, report: DayReport) -> None:
    pdf.section(f"问题清单（{len(report.findings)} 项）")
    if not report.findings:
        return
    pdf.grid(
        ("开始", "摄像机", "规则", "类型", "严重程度", "复核", "说明"),
        [
            (
                stamp(s.finding.start, report.zone),
                s.finding.camera,
                s.finding.rule,
                kind_name(s.finding.kind),
                severity_name(s.finding.severity),
                review_name(s.review_state),
                s.finding.detail,
            )
            for s in report.findings
        ],
        (30.0, 22.0, 12.0, 32.0, 14.0, 16.0, 64.0),
        size=7,
        emphasis=[_serious(s.finding.severity) for s in report.findings],
        emphasis_column=4,
    )


def _unended(lot: LotDay) -> str:
    return "（日终仍在）" if lot.kind is LegKind.STAY else "（日终未签收）"


def _fixed(camera: CameraDay) -> bool:
    return camera.kind is not CameraKind.HANDHELD


def _timelines(pdf: ReportPdf, report: DayReport) -> None:
    if not report.cameras:
        pdf.text_line("站点文件未列出摄像机，存储中当日也无录像。")
        return
    left = pdf.l_margin + LABEL_W
    width = pdf.epw - LABEL_W
    _ticks(pdf, report, left, width)
    for camera in report.cameras:
        if pdf.get_y() + ROW_H > pdf.page_break_trigger:
            pdf.add_page()
            _ticks(pdf, report, left, width)
        y = pdf.get_y()
        kind = CAMERA_KIND_NAMES[camera.kind] if camera.kind else "—"
        pdf.set_font(FONT, size=7.5)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(
            LABEL_W,
            BAR_H,
            f"{camera.camera}（{camera.room or '—'}，{kind}）"
            f" {100 * camera.coverage.fraction:.1f}%",
        )
        pdf.set_fill_color(*(MISSING if _fixed(camera) else IDLE))
        pdf.rect(left, y, width, BAR_H, style="F")
        for colour, spans in ((RECORDED, camera.recorded_bars), (UNUSABLE, camera.unusable_bars)):
            pdf.set_fill_color(*colour)
            for bar in spans:
                pdf.rect(left + bar.left * width, y, max(bar.width * width, 0.2), BAR_H, style="F")
        pdf.set_draw_color(255)
        for mark in report.marks:
            x = left + mark.fraction * width
            pdf.line(x, y, x, y + BAR_H)
        pdf.set_draw_color(0)
        pdf.set_y(y + ROW_H - 2)
    pdf.set_fill_color(255)
    pdf.set_font(FONT, size=9)


def _ticks(pdf: ReportPdf, report: DayReport, left: float, width: float) -> None:
    y = pdf.get_y()
    pdf.set_font(FONT, size=6.5)
    for mark in report.marks:
        pdf.set_xy(left + mark.fraction * width - 6, y)
        pdf.cell(12, 3.5, mark.label, align="C")
    pdf.set_y(y + 4)


def _thumbnails(pdf: ReportPdf, report: DayReport) -> None:
    pictures = [(t, thumbnail_jpeg(t.path)) for t in report.thumbnails]
    shown = [(t, jpeg) for t, jpeg in pictures if jpeg is not None]
    if not shown:
        pdf.text_line("无问题画面。")
        return
    per_row = int((pdf.epw + THUMB_GAP) // (THUMB_W + THUMB_GAP))
    zone = report.zone
    for first in range(0, len(shown), per_row):
        row = shown[first : first + per_row]
        height = max(THUMB_W * jpeg.height / jpeg.width for _, jpeg in row) + 9
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        y = pdf.get_y()
        for column, (thumb, jpeg) in enumerate(row):
            x = pdf.l_margin + column * (THUMB_W + THUMB_GAP)
            picture_h = THUMB_W * jpeg.height / jpeg.width
            pdf.image(io.BytesIO(jpeg.data), x=x, y=y, w=THUMB_W, h=picture_h)
            f = thumb.finding
            pdf.set_font(FONT, size=6.5)
            pdf.set_xy(x, y + picture_h + 0.5)
            pdf.multi_cell(
                THUMB_W,
                3,
                f"{stamp(f.start, zone)} {f.camera}\n{f.rule} "
                f"{kind_name(f.kind)} {severity_name(f.severity)}",
            )
        pdf.set_y(y + height)
    if report.thumbnails_left_out:
        pdf.text_line(f"另有 {report.thumbnails_left_out} 张画面未列出，见复核系统。", size=8)
