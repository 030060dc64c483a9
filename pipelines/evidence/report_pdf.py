"""`report.pdf`: the package's report in Chinese, for readers who file paper.

Drawn with fpdf2 in WenQuanYi Zen Hei (Debian `fonts-wqy-zenhei`), the font subset embedded, so
the PDF opens anywhere. Its creation date is the period's end, not the time of export, so two
exports of one case give the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf import FPDF

from analyzer.wallclock import iso
from pipelines.evidence.contents import ExportContents
from pipelines.pdf_fonts import CJK_FONT, cjk_font_available

__all__ = ["CJK_FONT", "cjk_font_available", "report_pdf"]


def report_pdf(contents: ExportContents, package_paths: dict[str, str]) -> bytes:
    """The PDF bytes: case, period, filters, originals, findings, custody events and legs."""
    request = contents.request
    zone = request.zone
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.fromtimestamp(request.until, tz=UTC))
    pdf.set_title(f"证据包 {request.case}")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.add_font("wqy", fname=str(CJK_FONT), collection_font_number=0)

    def heading(text: str) -> None:
        pdf.set_font("wqy", size=13)
        pdf.ln(3)
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("wqy", size=8)

    def line(text: str) -> None:
        pdf.multi_cell(0, 4.5, text, new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("wqy", size=16)
    pdf.multi_cell(0, 10, f"证据包：{request.case}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("wqy", size=9)
    line(f"时段：{iso(request.since, zone)} 至 {iso(request.until, zone)}")
    line(f"批次：{request.lot or '全部'}；摄像机：{'、'.join(request.cameras) or '全部'}")

    heading(f"原始录像（{len(contents.recordings)} 个）")
    for r in contents.recordings:
        where = package_paths.get(r.sha256, "（未复制）")
        line(f"{where}  摄像机 {r.camera}  {iso(r.start, zone)} 至 {iso(r.end, zone)}\n"
             f"    SHA-256 {r.sha256}")  # fmt: skip
    heading(f"发现（{len(contents.findings)} 项）")
    for f in contents.findings:
        leg = f"  保管环节 {f.custody_leg}" if f.custody_leg else ""
        line(f"{f.rule} {f.kind.value}（{f.severity.value}） 摄像机 {f.camera}  "
             f"{iso(f.start, zone)} 至 {iso(f.end, zone)}{leg}\n    {f.detail}")  # fmt: skip
    heading(f"保管事件（{len(contents.events)} 项）")
    for e in contents.events:
        bundles = "" if e.bundles is None else f"  {e.bundles} 包"
        line(f"{e.event_id}  {iso(e.time, zone)}  {e.type.value}  批次 {e.lot}  地点 "
             f"{e.location}{bundles}  人员 {'、'.join(e.persons)}")  # fmt: skip
    heading(f"保管环节（{len(contents.legs)} 段）")
    for leg_ in contents.legs:
        line(f"{leg_.leg_id}  {leg_.kind.value}  {iso(leg_.start, zone)} 至 "
             f"{iso(leg_.end, zone)}  {leg_.from_room} → {leg_.to_room}")  # fmt: skip
    heading("核验")
    line("manifest.json 列出本包每个文件的 SHA-256；manifest.sig 是对其的 Ed25519 签名。"
         "核验方法见 README.txt（sha256sum -c SHA256SUMS；openssl pkeyutl -verify）。")  # fmt: skip
    return bytes(pdf.output())
