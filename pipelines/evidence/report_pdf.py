"""`report.pdf`: the package's report in Chinese, for readers who file paper.

Laid out as the daily report is (`pipelines.paper.pdf.ReportPdf`: A4, the font subset embedded
so the PDF opens anywhere, a heading and page numbers on every page), with one table per part:
originals, findings, custody events, custody legs, the models that counted. Its creation date is
the period's end, not the time of export, so two exports of one case give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from analyzer.findings import Severity
from pipelines.evidence.contents import ExportContents
from pipelines.paper.names import (
    event_name,
    kind_name,
    leg_name,
    severity_name,
    stamp,
    zone_note,
)
from pipelines.paper.pdf import ReportPdf
from pipelines.pdf_fonts import CJK_FONT, cjk_font_available

__all__ = ["CJK_FONT", "cjk_font_available", "report_pdf"]

NONE = "无"


def report_pdf(contents: ExportContents, package_paths: dict[str, str]) -> bytes:
    """The PDF bytes: case, period, filters, originals, findings, custody events and legs,
    models, and how to verify the package."""
    request = contents.request
    zone = request.zone
    pdf = ReportPdf(title=f"证据包 {request.case}", created=request.until, landscape=True)
    pdf.heading = f"证据包 {request.case}"
    pdf.footer_note = zone_note(zone, request.until)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.title_line(f"证据包：{request.case}")
    pdf.text_line(f"时段：{stamp(request.since, zone)} 至 {stamp(request.until, zone)}")
    pdf.text_line(f"批次：{request.lot or '全部'}；摄像机：{'、'.join(request.cameras) or '全部'}")
    _originals(pdf, contents, package_paths, zone)
    _findings(pdf, contents, zone)
    _events(pdf, contents, zone)
    _legs(pdf, contents, zone)
    _models(pdf, contents)
    pdf.section("核验", keep_mm=10)
    pdf.text_line(
        "manifest.json 列出本包每个文件的 SHA-256；manifest.sig 是对其的 Ed25519 签名。"
        "核验方法见 README.txt（sha256sum -c SHA256SUMS；openssl pkeyutl -verify）。"
    )
    return bytes(pdf.output())


def _originals(
    pdf: ReportPdf, contents: ExportContents, package_paths: dict[str, str], zone: tzinfo
) -> None:
    pdf.section(f"原始录像（{len(contents.recordings)} 个）")
    rows = [
        (
            package_paths.get(r.sha256, "（未复制）"),
            r.camera,
            stamp(r.start, zone),
            stamp(r.end, zone),
            r.sha256,
        )
        for r in contents.recordings
    ]
    _table(pdf, ("包内路径", "摄像机", "开始", "结束", "SHA-256"), rows, (62, 28, 34, 34, 119))


def _findings(pdf: ReportPdf, contents: ExportContents, zone: tzinfo) -> None:
    pdf.section(f"发现（{len(contents.findings)} 项）")
    rows = [
        (
            f.rule,
            kind_name(f.kind),
            severity_name(f.severity),
            f.camera,
            stamp(f.start, zone),
            stamp(f.end, zone),
            f.custody_leg or NONE,
            f.detail,
        )
        for f in contents.findings
    ]
    serious = [f.severity in (Severity.HIGH, Severity.CRITICAL) for f in contents.findings]
    _table(
        pdf,
        ("规则", "类型", "严重程度", "摄像机", "开始", "结束", "保管环节", "说明"),
        rows,
        (12, 40, 16, 26, 32, 32, 26, 93),
        emphasis=serious,
    )


def _events(pdf: ReportPdf, contents: ExportContents, zone: tzinfo) -> None:
    pdf.section(f"保管事件（{len(contents.events)} 项）")
    rows = [
        (
            e.event_id,
            stamp(e.time, zone),
            event_name(e.type),
            e.lot or NONE,
            e.location,
            NONE if e.bundles is None else str(e.bundles),
            "、".join(e.persons) or NONE,
            e.device or NONE,
        )
        for e in contents.events
    ]
    _table(
        pdf,
        ("事件", "时间", "类型", "批次", "地点", "袋数", "人员", "手持录像设备"),
        rows,
        (40, 34, 22, 24, 30, 14, 76, 37),
    )


def _legs(pdf: ReportPdf, contents: ExportContents, zone: tzinfo) -> None:
    pdf.section(f"保管环节（{len(contents.legs)} 段）")
    rows = [
        (
            leg.leg_id,
            leg.lot,
            leg_name(leg.kind),
            stamp(leg.start, zone),
            stamp(leg.end, zone),
            leg.from_room if leg.from_room == leg.to_room else f"{leg.from_room} → {leg.to_room}",
            NONE if leg.bundles is None else str(leg.bundles),
            leg.device or NONE,
        )
        for leg in contents.legs
    ]
    _table(
        pdf,
        ("环节", "批次", "类型", "开始", "结束", "地点", "袋数", "手持录像设备"),
        rows,
        (48, 24, 16, 34, 34, 60, 14, 47),
    )


def _models(pdf: ReportPdf, contents: ExportContents) -> None:
    pdf.section(f"计数模型（{len(contents.models)} 个）", keep_mm=15)
    rows = [(m.name, "内置" if m.builtin else "导入", m.sha256) for m in contents.models]
    _table(pdf, ("名称", "来源", "SHA-256"), rows, (60, 30, 187))


def _table(
    pdf: ReportPdf,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    emphasis: Sequence[bool] = (),
) -> None:
    """A table, or 无 where there is nothing to list (never an empty grid)."""
    if not rows:
        pdf.text_line(NONE)
        return
    pdf.grid(headings, rows, widths, emphasis=emphasis)
