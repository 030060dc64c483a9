"""The day report and the playback-check form as self-contained HTML pages (Chinese).

Nothing is fetched when a page opens: styles are inline, the coverage timelines are inline
SVG, finding frames are embedded as JPEG data URIs (scaled to 320 px), so a page can be
mailed, filed or printed on a machine without the product. The form prints on A4 landscape,
one vault a page (or more), with a signature column per row and a reviewer's line per vault.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from analyzer.wallclock import iso
from pipelines.daily_report.day import DayReport
from pipelines.daily_report.form import PlaybackForm
from pipelines.daily_report.images import data_uri, thumbnail_jpeg
from pipelines.daily_report.labels import (
    CAMERA_KIND_NAMES,
    LEG_NAMES,
    kind_name,
    review_name,
    severity_name,
)
from pipelines.daily_report.text import (
    DAY_TITLE,
    FORM_TITLE,
    form_summary,
    period_text,
    row_text,
    site_label,
    span_text,
)
from pipelines.paper.names import stamp, zone_note
from pipelines.store import ReviewState


def day_html(report: DayReport, *, site_name: str) -> str:
    """The day report page."""
    zone = report.zone
    return (
        _environment(zone)
        .get_template("day.html")
        .render(
            report=report,
            title=DAY_TITLE,
            site=site_label(site_name),
            zone_note=zone_note(zone, report.window.start),
            open_findings=sum(1 for s in report.findings if s.review_state is ReviewState.OPEN),
            recordings=sum(c.recordings for c in report.cameras),
            leg_names=LEG_NAMES,
            camera_kinds=CAMERA_KIND_NAMES,
        )
    )


def form_html(form: PlaybackForm, *, site_name: str) -> str:
    """The playback-check form page."""
    zone = form.zone
    return (
        _environment(zone)
        .get_template("playback.html")
        .render(
            form=form,
            title=FORM_TITLE,
            site=site_label(site_name),
            period=period_text(form.days),
            zone_note=zone_note(zone, form.window.start),
            summary=form_summary(form),
            sections=[
                (room, [(row, row_text(row, zone)) for row in form.rows_of(room.id)])
                for room in form.vaults
            ],
        )
    )


def _thumbnail(path: Path) -> str | None:
    jpeg = thumbnail_jpeg(path)
    return None if jpeg is None else data_uri(jpeg)


def _environment(zone: tzinfo) -> Environment:
    # A new environment per page: its filters print in this page's zone (a shared one would
    # let two reports of different sites rendered at once print in each other's zones).
    environment = Environment(
        loader=PackageLoader("pipelines.daily_report", "."),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        stamp=lambda t: stamp(t, zone),
        iso=lambda t: iso(t, zone),
        span=lambda s: span_text(s, zone),
        kind=kind_name,
        severity=severity_name,
        review=review_name,
        thumbnail=_thumbnail,
        percent=lambda x: f"{100 * x:.1f}%",
    )
    return environment
