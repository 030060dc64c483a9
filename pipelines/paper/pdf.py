"""What the PDF writers share: the Chinese font, A4 pages with a heading and a footer, and
tables in that font.

Drawn with fpdf2 in WenQuanYi Zen Hei (Debian `fonts-wqy-zenhei`), the font subset embedded,
so the PDF opens anywhere. Without the font there is no Chinese PDF to make: the writers raise
`MissingFontError` before drawing anything (the HTML pages do not need it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from pipelines.pdf_fonts import CJK_FONT

FONT = "wqy"

HEADINGS = FontFace(emphasis="", fill_color=(232, 232, 232))


class MissingFontError(RuntimeError):
    """The Chinese font the PDFs are drawn in is not installed. `written` are the files
    written before the PDFs were attempted (the HTML pages)."""

    def __init__(self, message: str, written: tuple[Path, ...] = ()) -> None:
        super().__init__(message)
        self.written = written


def require_font(font: Path = CJK_FONT) -> None:
    """Raise `MissingFontError` naming the font and how to install it, unless it exists."""
    if not font.is_file():
        raise MissingFontError(
            f"cannot draw the Chinese PDF: font {font} is missing "
            "(Debian/Ubuntu: apt install fonts-wqy-zenhei)"
        )


class ReportPdf(FPDF):
    """An A4 document in the Chinese font. `heading` is printed at the top of every page
    (set it before `add_page`), `footer_note` and "第 n 页 / 共 m 页" at the bottom."""

    def __init__(
        self, *, title: str, created: float, landscape: bool = False, font: Path = CJK_FONT
    ) -> None:
        require_font(font)
        super().__init__(orientation="L" if landscape else "P", format="A4")
        self.heading = ""
        self.footer_note = ""
        # Dated by the period, not the clock: the same store gives the same bytes.
        self.set_creation_date(datetime.fromtimestamp(created, tz=UTC))
        self.set_title(title)
        self.set_margins(10, 12, 10)
        self.set_auto_page_break(auto=True, margin=16)
        self.add_font(FONT, fname=str(font), collection_font_number=0)
        self.set_font(FONT, size=9)

    def header(self) -> None:
        if self.heading:
            self.set_font(FONT, size=8)
            self.set_text_color(90)
            self.cell(0, 5, self.heading, new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0)
            self.ln(1)
        self.set_font(FONT, size=9)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, size=8)
        page = f"第 {self.page_no()} 页 / 共 {{nb}} 页"
        if self.footer_note:
            self.cell(self.epw * 0.8, 6, self.footer_note)
            self.cell(0, 6, page, align="R")
        else:
            self.cell(0, 6, page, align="C")

    def title_line(self, text: str, size: float = 15) -> None:
        self.set_font(FONT, size=size)
        self.multi_cell(0, size * 0.55, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=9)

    def section(self, text: str, keep_mm: float = 30) -> None:
        """A section heading, on a new page unless `keep_mm` of what follows fits below it."""
        if self.get_y() + 9 + keep_mm > self.page_break_trigger:
            self.add_page()
        self.ln(2)
        self.set_font(FONT, size=12)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=9)

    def text_line(self, text: str, size: float = 9) -> None:
        self.set_font(FONT, size=size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=9)

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float = 8,
        emphasis: Sequence[bool] = (),
        emphasis_column: int | None = None,
        min_row_height: float | None = None,
    ) -> None:
        """A table with `headings` repeated on every page it runs onto. Rows flagged in
        `emphasis` print in red (only their `emphasis_column` when given); `min_row_height`
        (mm) leaves room to write in."""
        self.set_font(FONT, size=size)
        # Drawing leaves its fill colour behind; table cells must stay white.
        self.set_fill_color(255)
        with self.table(
            col_widths=tuple(widths),
            width=sum(widths),
            line_height=size * 0.5,
            headings_style=HEADINGS,
            first_row_as_headings=True,
            text_align="LEFT",
            padding=1,
            v_align="TOP",
        ) as table:
            heading_row = table.row()
            for text in headings:
                heading_row.cell(text)
            for index, values in enumerate(rows):
                red = index < len(emphasis) and emphasis[index]
                style = FontFace(color=(170, 0, 0)) if red else None
                row = table.row(min_height=min_row_height)
                for column, value in enumerate(values):
                    marked = emphasis_column is None or column == emphasis_column
                    row.cell(value, style=style if marked else None)
        self.set_font(FONT, size=9)
