"""The daily report and the 6-hour playback-check form (V12) of a site.

    engine = open_store(url)
    paths = write_daily_reports(engine, site, zone, date(2026, 11, 24), Path("reports"),
                                site_name="xian-3")

Per day of the site's calendar (local midnight to midnight in the site's zone):

- the day report (`DayReport`, `gather_day`): findings by rule and severity, each camera's
  coverage as a timeline (analysed recordings, unusable stretches, gaps), the lots in
  custody, the findings with their review state and frames;
- the playback-check form (`PlaybackForm`, `gather_form`): one row per vault room and
  6-hour block (00–06, 06–12, 12–18, 18–24 local), saying whether the scan analysed the
  whole block or a person played back its footage (`CheckStatus`), who and when, and the
  block's findings; every vault and block has its row, footage or not.

Both are built by pure functions from a `StoreExtract` (the one read of the store, in
`sources`) and written as self-contained HTML and as Chinese PDF (fpdf2, WenQuanYi Zen Hei;
`MissingFontError` without it, after the HTML is written). Nothing imports this package but
the command line (`vaultwatch daily-report`) and the nightly run.
"""

from pipelines.daily_report.day import DayReport, build_day, gather_day
from pipelines.daily_report.form import (
    CheckStatus,
    FormRow,
    PlaybackForm,
    build_form,
    check_status,
    gather_form,
)
from pipelines.daily_report.html_pages import day_html, form_html
from pipelines.daily_report.pdf_day import day_pdf
from pipelines.daily_report.pdf_form import form_pdf
from pipelines.daily_report.write import write_daily_reports
from pipelines.paper.pdf import MissingFontError

__all__ = [
    "CheckStatus",
    "DayReport",
    "FormRow",
    "MissingFontError",
    "PlaybackForm",
    "build_day",
    "build_form",
    "check_status",
    "day_html",
    "day_pdf",
    "form_html",
    "form_pdf",
    "gather_day",
    "gather_form",
    "write_daily_reports",
]
