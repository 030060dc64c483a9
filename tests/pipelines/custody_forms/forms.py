"""Test forms: a good handover form, a site, writers for CSV / JSON / XLSX, and the table of
bad forms with the exact problems each must give."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.utils import get_column_letter

from pipelines.custody_forms import COLUMNS
from pipelines.site import Site

ZONE = ZoneInfo("Asia/Shanghai")
HEADER = ",".join(COLUMNS)

SITE_YAML = """\
timezone: Asia/Shanghai
rooms:
  - {id: vault-1, kind: vault, name: 试卷保密室}
  - {id: duty-1, kind: duty, name: 值班室}
  - {id: exam-office, kind: exam_office, name: 考务办公室}
cameras:
  - {id: vault-a, kind: fixed, room: vault-1}
  - {id: phone-1, kind: handheld}
"""
SITE = Site.model_validate(
    {
        "timezone": "Asia/Shanghai",
        "rooms": [{"id": "vault-1"}, {"id": "duty-1"}, {"id": "exam-office"}],
        "cameras": [{"id": "vault-a", "room": "vault-1"}, {"id": "phone-1", "kind": "handheld"}],
    }
)

# One lot received into the vault, locked in overnight under a duty shift, opened, handed
# over, carried with a phone recording to the exam office. Row 5 has no offset (site zone);
# the duty line names the shift with the full-width semicolon and no lot.
GOOD_CSV = f"""\
{HEADER}
E001,2026-06-06T16:00:00+08:00,arrive,L2026-A,vault-1,12,张三;李四,,从印刷厂接收入库
E002,2026-06-06T16:05:00+08:00,close,L2026-A,vault-1,,张三;李四,,双人双锁
E003,2026-06-06T20:00:00+08:00,duty,,duty-1,,王五；赵六,,夜间值班
E004,2026-06-07 07:00:00,open,L2026-A,vault-1,,张三;李四,,
E005,2026-06-07T07:05:00+08:00,handover,L2026-A,vault-1,12,李四;陈七,,"清点无误, 12 袋"
E006,2026-06-07T07:10:00+08:00,depart,L2026-A,vault-1,12,陈七;周八,phone-1,送往考务办
E007,2026-06-07T07:30:00+08:00,arrive,L2026-A,exam-office,12,陈七;周八,,
"""


def at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


# What GOOD_CSV holds, field by field: (event_id, time, type, lot, location, bundles, persons,
# device, note, row).
GOOD_EVENTS = [
    ("E001", at("2026-06-06T16:00:00+08:00"), "arrive", "L2026-A", "vault-1", 12,
     ("张三", "李四"), None, "从印刷厂接收入库", 2),
    ("E002", at("2026-06-06T16:05:00+08:00"), "close", "L2026-A", "vault-1", None,
     ("张三", "李四"), None, "双人双锁", 3),
    ("E003", at("2026-06-06T20:00:00+08:00"), "duty", "", "duty-1", None,
     ("王五", "赵六"), None, "夜间值班", 4),
    ("E004", at("2026-06-07T07:00:00+08:00"), "open", "L2026-A", "vault-1", None,
     ("张三", "李四"), None, "", 5),
    ("E005", at("2026-06-07T07:05:00+08:00"), "handover", "L2026-A", "vault-1", 12,
     ("李四", "陈七"), None, "清点无误, 12 袋", 6),
    ("E006", at("2026-06-07T07:10:00+08:00"), "depart", "L2026-A", "vault-1", 12,
     ("陈七", "周八"), "phone-1", "送往考务办", 7),
    ("E007", at("2026-06-07T07:30:00+08:00"), "arrive", "L2026-A", "exam-office", 12,
     ("陈七", "周八"), None, "", 8),
]  # fmt: skip


def good_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(GOOD_CSV)))


def write_text(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def write_json(path: Path, rows: Sequence[dict[str, object]], *, wrapped: bool = False) -> Path:
    document: object = {"events": list(rows)} if wrapped else list(rows)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, title: str = "交接单") -> Path:
    """A workbook as openpyxl writes it: `rows` (header first) on the first sheet, and a
    second sheet that must be ignored."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    workbook.create_sheet("说明").append(["这一页不是交接记录", "ignored"])
    workbook.save(path)
    return path


def write_bare_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A workbook as a minimal foreign writer makes it: no styles part (openpyxl warns about
    that), text as inline strings, and numbers written as given, so 12.0 stays "12.0"."""

    def cell(column: int, row: int, value: object) -> str:
        ref = f"{get_column_letter(column)}{row}"
        if value is None:
            return ""
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value!r}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    sheet_rows = "".join(
        f'<row r="{r}">' + "".join(cell(c, r, v) for c, v in enumerate(row, 1)) + "</row>"
        for r, row in enumerate(rows, 1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    book_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{book_type}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><sheetData>{sheet_rows}</sheetData></worksheet>'
        ),
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return path


def line(
    event_id: str = "E1",
    time: str = "2026-06-07T08:00:00+08:00",
    type: str = "arrive",
    lot: str = "L1",
    location: str = "vault-1",
    bundles: str = "3",
    persons: str = "张三;李四",
    device: str = "",
    note: str = "",
) -> str:
    """One CSV line of a form; by default the arrive of lot L1 in vault-1 at 08:00."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [event_id, time, type, lot, location, bundles, persons, device, note]
    )
    return out.getvalue()


@dataclass(frozen=True)
class BadForm:
    """A CSV form (header, then `lines` from row 2) and every problem it must be refused for."""

    name: str
    lines: tuple[str, ...]
    problems: tuple[str, ...]
    header: str = HEADER

    @property
    def text(self) -> str:
        return "\n".join([self.header, *self.lines]) + "\n"


ARRIVE = line()
DEPART = line("E2", "2026-06-07T09:00:00+08:00", "depart", device="phone-1")
T = "2026-06-07T{}:00+08:00".format
ROOMS = "the site's rooms: duty-1, exam-office, vault-1"
HANDHELD = "handheld: phone-1"

BAD_FORMS = [
    BadForm(
        "missing column",
        (ARRIVE.rsplit(",", 1)[0],),
        ("row 1: missing column(s): note",),
        header=HEADER.rsplit(",", 1)[0],
    ),
    BadForm(
        "unknown column",
        (ARRIVE + ",red",),
        (f"row 1: unknown column(s): colour (the columns are {HEADER})",),
        header=HEADER + ",colour",
    ),
    BadForm(
        "repeated column",
        (ARRIVE + ",L1",),
        ("row 1: repeated column(s): lot",),
        header=HEADER + ",Lot",
    ),
    BadForm(
        "empty event_id", (ARRIVE, line("", T("09:00"), "open")), ("row 3: event_id is empty",)
    ),
    BadForm("empty time", (ARRIVE, line("E2", "", "open")), ("row 3: time is empty",)),
    BadForm(
        "time not ISO-8601",
        (ARRIVE, line("E2", "07/06/2026 09:00", "open")),
        ("row 3: time '07/06/2026 09:00' is not an ISO-8601 date and time",),
    ),
    BadForm(
        "time without time of day",
        (ARRIVE, line("E2", "2026-06-08", "open")),
        ("row 3: time '2026-06-08' has no time of day",),
    ),
    BadForm("empty type", (ARRIVE, line("E2", T("09:00"), "")), ("row 3: type is empty",)),
    BadForm(
        "unknown type",
        (ARRIVE, line("E2", T("09:00"), "move")),
        ("row 3: unknown type 'move' (one of arrive, depart, handover, open, close, duty)",),
    ),
    BadForm(
        "empty lot",
        (ARRIVE, line("E2", T("09:00"), "open", lot="")),
        ("row 3: lot is empty (only a duty event may have none)",),
    ),
    BadForm(
        "empty location",
        (ARRIVE, line("E2", T("09:00"), "open", location="")),
        ("row 3: location is empty",),
    ),
    BadForm(
        "empty bundles on a depart",
        (ARRIVE, line("E2", T("09:00"), "depart", bundles="", device="phone-1")),
        ("row 3: bundles is empty (a depart needs the count on the form)",),
    ),
    BadForm(
        "negative bundles",
        (line(bundles="-2"),),
        ("row 2: bundles -2 is negative",),
    ),
    BadForm(
        "fractional bundles",
        (ARRIVE, line("E2", T("09:00"), "handover", bundles="2.5")),
        ("row 3: bundles '2.5' is not a whole number",),
    ),
    BadForm(
        "bundles not a number",
        (ARRIVE, line("E2", T("09:00"), "handover", bundles="三")),
        ("row 3: bundles '三' is not a whole number",),
    ),
    BadForm(
        "repeated event_id",
        (ARRIVE, line("E1", T("09:00"), "open")),
        ("row 3: event_id E1 repeats row 2",),
    ),
    BadForm(
        "unknown room",
        (line(location="vault-9"),),
        (f"row 2: unknown room 'vault-9' ({ROOMS})",),
    ),
    BadForm(
        "device not a camera",
        (ARRIVE, line("E2", T("09:00"), "depart", device="cam-9")),
        (f"row 3: device 'cam-9' is not a camera of the site ({HANDHELD})",),
    ),
    BadForm(
        "device a fixed camera",
        (ARRIVE, line("E2", T("09:00"), "depart", device="vault-a")),
        (f"row 3: device 'vault-a' is a fixed camera, not a handheld recorder ({HANDHELD})",),
    ),
    BadForm(
        "time before the lot's previous row",
        # Lot L2 at 07:00 between them is fine: the order is kept per lot.
        (ARRIVE, line("E2", T("07:00"), lot="L2"), line("E3", T("07:30"), "open")),
        (
            "row 4: time 2026-06-07T07:30:00+08:00 is before row 2's "
            "2026-06-07T08:00:00+08:00 for lot L1",
        ),
    ),
    BadForm(
        "arrive while in a room",
        (ARRIVE, line("E2", T("09:00"), location="exam-office")),
        (
            "row 3: arrive of lot L1 in exam-office, but it is still in vault-1 "
            "(arrived at row 2, no depart since)",
        ),
    ),
    BadForm(
        "depart from another room",
        (ARRIVE, line("E2", T("09:00"), "depart", location="exam-office", device="phone-1")),
        ("row 3: depart of lot L1 from exam-office, but it is in vault-1 (arrived at row 2)",),
    ),
    BadForm(
        "handover in another room",
        (ARRIVE, line("E2", T("09:00"), "handover", location="exam-office")),
        ("row 3: handover of lot L1 in exam-office, but it is in vault-1 (arrived at row 2)",),
    ),
    BadForm(
        "open after the lot left",
        (ARRIVE, DEPART, line("E3", T("09:30"), "open")),
        (
            "row 4: open of lot L1 in vault-1, but it left vault-1 at row 3 and has not "
            "arrived anywhere since",
        ),
    ),
    BadForm(
        "every problem of the file at once",
        (
            line(time="yesterday"),
            "",  # a blank line still counts as a row, as in a spreadsheet
            line("E2", T("09:00"), "opn", lot="L2", bundles="x"),
            line("E3", T("09:30"), "depart", lot="L3", device="cam-9"),
        ),
        (
            "row 2: time 'yesterday' is not an ISO-8601 date and time",
            "row 4: unknown type 'opn' (one of arrive, depart, handover, open, close, duty)",
            "row 4: bundles 'x' is not a whole number",
            f"row 5: device 'cam-9' is not a camera of the site ({HANDHELD})",
        ),
    ),
]


def floats_in_xml(path: Path) -> str:
    """The numbers as stored in the first sheet of an XLSX (to show a test wrote floats)."""
    with zipfile.ZipFile(path) as archive:
        return " ".join(
            re.findall(r"<v>([^<]*)</v>", archive.read("xl/worksheets/sheet1.xml").decode())
        )
