"""Writing a period's reports into a folder: the entry point of `vaultwatch daily-report` and
of the nightly run."""

from __future__ import annotations

import dataclasses
from datetime import date, tzinfo
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analyzer import ANALYZER_VERSION
from pipelines.daily_report.day import gather_day
from pipelines.daily_report.files import day_report_name, form_name, write_atomic
from pipelines.daily_report.form import gather_form
from pipelines.daily_report.html_pages import day_html, form_html
from pipelines.daily_report.pdf_day import day_pdf
from pipelines.daily_report.pdf_form import form_pdf
from pipelines.daily_report.periods import period_days
from pipelines.paper.pdf import MissingFontError, require_font
from pipelines.pdf_fonts import CJK_FONT
from pipelines.site import Site
from pipelines.store.audit_anchor import keep_anchor, sign_head


def write_daily_reports(
    engine: Engine,
    site: Site,
    zone: tzinfo,
    day: date,
    out_dir: Path,
    *,
    days: int = 1,
    site_name: str = "site",
    analyzer_version: str = ANALYZER_VERSION,
    font: Path | None = None,
) -> list[Path]:
    """Write the day report of each of `days` days from `day` (site calendar in `zone`) and
    one playback-check form for the whole period into `out_dir` (created if missing), each
    as HTML and PDF; see `files` for the names. Returns the paths written: per day its HTML
    and PDF, then the form's HTML and PDF.

    Every file is written under a temporary name and renamed, so a reader never sees half a
    report; a report written before is replaced. The HTML pages are written first: without
    the Chinese font `MissingFontError` is raised after them, with the pages in `written`.
    Raises ValueError for a period outside 1..31 days, OSError when `out_dir` is not writable.
    `font` is the Chinese font file (default: `pdf_fonts.CJK_FONT`, WenQuanYi Zen Hei).
    """
    font = CJK_FONT if font is None else font
    period = period_days(day, days)
    with Session(engine) as session:
        reports = [
            gather_day(session, site, zone, d, analyzer_version=analyzer_version) for d in period
        ]
        form = gather_form(session, site, zone, day, days, analyzer_version=analyzer_version)
        # Each report carries the chain's head, and the anchor log keeps it too: the copies
        # a later rewrite of the audit trail in the database cannot reach.
        anchor = sign_head(session)
    if anchor is not None:
        keep_anchor(anchor)
        reports = [dataclasses.replace(r, audit_anchor=anchor) for r in reports]
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = [
        write_atomic(
            out_dir / day_report_name(site_name, r.day, ".html"),
            day_html(r, site_name=site_name).encode(),
        )
        for r in reports
    ]
    pages.append(
        write_atomic(
            out_dir / form_name(site_name, period, ".html"),
            form_html(form, site_name=site_name).encode(),
        )
    )
    try:
        require_font(font)
    except MissingFontError as exc:
        raise MissingFontError(str(exc), tuple(pages)) from exc
    written: list[Path] = []
    for page, report in zip(pages, reports, strict=False):
        written.append(page)
        written.append(
            write_atomic(
                out_dir / day_report_name(site_name, report.day, ".pdf"),
                day_pdf(report, site_name=site_name, font=font),
            )
        )
    written.append(pages[-1])
    written.append(
        write_atomic(
            out_dir / form_name(site_name, period, ".pdf"),
            form_pdf(form, site_name=site_name, font=font),
        )
    )
    return written
