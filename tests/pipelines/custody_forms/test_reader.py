"""Reading handover forms: CSV (with and without BOM), JSON (both shapes), XLSX (datetimes,
text times, integers as floats), and every problem a form can be refused for."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from analyzer.custody import CustodyEvent, EventType
from pipelines.custody_forms import (
    CustodyFileError,
    FormProblem,
    read_custody_file,
    read_custody_form,
)
from pipelines.site import Site
from tests.pipelines.custody_forms.forms import (
    BAD_FORMS,
    GOOD_CSV,
    GOOD_EVENTS,
    HEADER,
    SITE,
    ZONE,
    BadForm,
    at,
    floats_in_xml,
    good_rows,
    line,
    write_bare_xlsx,
    write_json,
    write_text,
    write_xlsx,
)


def events_as_tuples(events: list[CustodyEvent]) -> list[tuple[object, ...]]:
    return [
        (e.event_id, e.time, e.type.value, e.lot, e.location, e.bundles, e.persons, e.device,
         e.note, e.row)
        for e in events
    ]  # fmt: skip


def problems_of(path: Path, site: Site | None = SITE, **kwargs: object) -> list[str]:
    with pytest.raises(CustodyFileError) as caught:
        read_custody_form(path, site=site, zone=ZONE, **kwargs)  # type: ignore[arg-type]
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("bom", [False, True], ids=["utf8", "utf8-bom"])
def test_csv_with_chinese_notes_reads_every_field(tmp_path, bom):
    path = write_text(tmp_path / "交接单.csv", GOOD_CSV, bom=bom)
    form = read_custody_form(path, site=SITE, zone=ZONE)
    assert events_as_tuples(form.events) == GOOD_EVENTS
    assert form.events[0].type is EventType.ARRIVE
    assert form.notes == []
    assert len(form.sha256) == 64
    assert read_custody_file(path, site=SITE, zone=ZONE) == form.events


def test_time_without_offset_is_read_in_the_zone(tmp_path):
    path = write_text(tmp_path / "f.csv", f"{HEADER}\n{line(time='2026-06-07 08:00')}\n")
    [event] = read_custody_file(path, site=None, zone=ZONE)
    assert event.time == at("2026-06-07T08:00:00+08:00")
    # An explicit offset wins over the zone.
    path = write_text(tmp_path / "f.csv", f"{HEADER}\n{line(time='2026-06-07T00:00:00Z')}\n")
    [event] = read_custody_file(path, site=None, zone=ZONE)
    assert event.time == at("2026-06-07T08:00:00+08:00")


@pytest.mark.parametrize("wrapped", [False, True], ids=["list", "events-object"])
def test_json_forms_of_both_shapes_read_like_the_csv(tmp_path, wrapped):
    rows: list[dict[str, object]] = [dict(row) for row in good_rows()]
    rows[0]["bundles"] = 12  # numbers as JSON numbers ...
    rows[4]["bundles"] = 12.0  # ... also as a float that is a whole number
    rows[1]["persons"] = ["张三", "李四"]  # names as a list
    del rows[1]["device"]  # an absent key is an empty cell
    rows[2]["lot"] = None
    path = write_json(tmp_path / "forms.json", rows, wrapped=wrapped)
    events = read_custody_file(path, site=SITE, zone=ZONE)
    assert events_as_tuples(events) == GOOD_EVENTS


def test_csv_and_json_of_one_form_have_the_same_rows(tmp_path):
    csv_events = read_custody_file(write_text(tmp_path / "f.csv", GOOD_CSV), site=SITE, zone=ZONE)
    json_path = write_json(tmp_path / "f.json", good_rows())
    assert read_custody_file(json_path, site=SITE, zone=ZONE) == csv_events


def test_xlsx_with_datetimes_text_times_and_numbers(tmp_path):
    rows: list[list[object]] = [[c.upper() for c in HEADER.split(",")]]  # headers in any case
    rows += [[row[c] or None for c in HEADER.split(",")] for row in good_rows()]
    e001, e003, e004 = rows[1], rows[3], rows[4]
    e001[1] = datetime(2026, 6, 6, 16, 0)  # real Excel datetimes are naive: read in the zone
    e004[1] = datetime(2026, 6, 7, 7, 0)
    e001[5] = 12  # a number, not text
    e003[0] = 1003  # a numeric event id reads as the sheet shows it
    rows.insert(3, [None] * 9)  # an empty row in the middle: later rows keep their numbers
    path = write_xlsx(tmp_path / "forms.xlsx", rows)

    events = read_custody_file(path, site=SITE, zone=ZONE)
    expected = [list(event) for event in GOOD_EVENTS]
    expected[2][0] = "1003"
    for event in expected[2:]:
        event[-1] = int(str(event[-1])) + 1
    assert events_as_tuples(events) == [tuple(event) for event in expected]


def test_xlsx_of_a_foreign_writer_integers_stored_as_floats(tmp_path):
    """No styles part (openpyxl warns; pytest makes warnings errors), numbers stored as 12.0."""
    rows: list[list[object]] = [HEADER.split(",")]
    rows.append(["E1", "2026-06-07T08:00:00+08:00", "arrive", 7.0, "vault-1", 12.0, "张三；李四"])
    rows.append([2.0, "2026-06-07T09:00:00+08:00", "depart", 7, "vault-1", 12.0, "张三", "phone-1"])
    path = write_bare_xlsx(tmp_path / "forms.xlsx", rows)
    assert floats_in_xml(path).split() == ["7.0", "12.0", "2.0", "7", "12.0"]
    first, second = read_custody_file(path, site=SITE, zone=ZONE)
    assert (first.event_id, first.lot, first.bundles, first.persons) == (
        "E1", "7", 12, ("张三", "李四"),
    )  # fmt: skip
    assert (second.event_id, second.lot, second.bundles, second.device, second.row) == (
        "2", "7", 12, "phone-1", 3,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        (datetime(2026, 6, 7).date(), "row 2: time 2026-06-07 has no time of day"),
        (datetime(2026, 6, 7, 8).time(), "row 2: time 08:00:00 has no date"),
        (46180.5, "row 2: time 46180.5 is not an ISO-8601 date and time"),
    ],
    ids=["date", "time-of-day", "serial-number"],
)
def test_xlsx_time_cells_that_are_not_a_moment(tmp_path, cell, problem):
    rows = [HEADER.split(","), ["E1", cell, "arrive", "L1", "vault-1", 3]]
    path = write_xlsx(tmp_path / "forms.xlsx", rows)
    assert problems_of(path) == [problem]


def test_xlsx_text_cell_holding_a_date_is_refused(tmp_path):
    rows = [HEADER.split(","), ["E1", "2026-06-07T08:00+08:00", "arrive", datetime(2026, 6, 7)]]
    rows[1] += ["vault-1", 3]
    path = write_xlsx(tmp_path / "forms.xlsx", rows)
    assert problems_of(path) == [
        "row 2: lot is a date or time (2026-06-07T00:00:00), not text; format the column as text"
    ]


@pytest.mark.parametrize("bad", BAD_FORMS, ids=lambda b: b.name)
def test_bad_form_lists_every_problem_by_row(tmp_path, bad: BadForm):
    path = write_text(tmp_path / "bad.csv", bad.text)
    assert problems_of(path) == list(bad.problems)


def test_error_message_has_a_summary_then_one_line_a_problem(tmp_path):
    bad = BAD_FORMS[-1]
    path = write_text(tmp_path / "bad.csv", bad.text)
    with pytest.raises(CustodyFileError) as caught:
        read_custody_file(path, site=SITE, zone=ZONE)
    assert str(caught.value).splitlines() == [
        f"{path}: 4 problems in the custody form",
        *bad.problems,
    ]
    assert caught.value.summary == f"{path}: 4 problems in the custody form"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("f.xls", b"", "unsupported file type '.xls': use .csv, .json or .xlsx"),
        ("f.csv", b"", f"the file is empty: expected a header row {HEADER}"),
        ("f.csv", HEADER.encode() + b"\n,,,\n", "row 1: a header but no events"),
        ("f.csv", "时间".encode("gbk"), "not UTF-8 text (byte 2): save the sheet as 'CSV UTF-8'; "
         "GBK and other encodings are not read"),
        ("f.json", b"[", "not valid JSON: Expecting value: line 1 column 2 (char 1)"),
        ("f.json", b"{}", 'a JSON form is a list of events or {"events": [...]}'),
        ("f.json", b'{"events": [], "v": 1}',
         'unknown key(s) v: a JSON form is a list of events or {"events": [...]}'),
        ("f.json", b"[]", "no events"),
        ("f.json", b'[["E1"]]', "row 2: an event is a JSON object, not list"),
        ("f.xlsx", b"PK not really", "not a readable XLSX workbook: File is not a zip file"),
    ],
    ids=["xls", "empty", "header-only", "gbk", "bad-json", "json-no-events", "json-extra-key",
         "json-empty", "json-not-object", "xlsx-not-zip"],
)  # fmt: skip
def test_unreadable_files(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    assert problems_of(path) == [problem]


def test_missing_file(tmp_path):
    assert problems_of(tmp_path / "absent.csv") == ["cannot read: No such file or directory"]


def test_json_cells_of_the_wrong_type(tmp_path):
    event: dict[str, object] = dict(good_rows()[0])
    path = write_json(
        tmp_path / "f.json",
        [{**event, "bundles": True}, {**event, "event_id": "E2", "note": {"x": 1}, "colour": 1}],
    )
    assert problems_of(path) == [
        "row 2: bundles is true, not a whole number",
        "row 3: unknown key(s): colour",
        "row 3: note is not text: {'x': 1}",
    ]


def test_values_in_a_column_without_header_are_refused(tmp_path):
    path = write_text(tmp_path / "f.csv", f"{HEADER}\n{line()},,extra\n")
    assert problems_of(path) == ["row 2: a value in column 11, which has no header"]


def test_quoted_note_with_line_breaks_keeps_spreadsheet_row_numbers(tmp_path):
    text = f'{HEADER}\n{line()}"第一行\n第二行"\n{line("E2", "x", "open")}\n'
    path = write_text(tmp_path / "f.csv", text)
    assert problems_of(path) == ["row 3: time 'x' is not an ISO-8601 date and time"]


def test_depart_without_device_is_allowed_and_noted(tmp_path):
    text = f"{HEADER}\n{line()}\n{line('E2', '2026-06-07T09:00+08:00', 'depart')}\n"
    form = read_custody_form(write_text(tmp_path / "f.csv", text), site=SITE, zone=ZONE)
    assert [e.device for e in form.events] == [None, None]
    assert form.notes == [
        FormProblem(
            3,
            "depart of lot L1 from vault-1 names no handheld recorder (device): the move will "
            "be reported as not covered by video",
        )
    ]


def test_depart_with_no_later_arrive_and_duty_without_lot_are_not_errors(tmp_path):
    text = "\n".join(
        [
            HEADER,
            line(),
            line("E2", "2026-06-07T09:00+08:00", "depart", device="phone-1"),
            line("E3", "2026-06-07T09:00+08:00", "duty", lot="", location="duty-1", bundles=""),
        ]
    )
    events = read_custody_file(write_text(tmp_path / "f.csv", text), site=SITE, zone=ZONE)
    assert [(e.type.value, e.lot) for e in events] == [("arrive", "L1"), ("depart", "L1"),
                                                        ("duty", "")]  # fmt: skip


def test_without_a_site_rooms_and_devices_are_not_checked(tmp_path):
    text = f"{HEADER}\n{line(location='anywhere')}\n"
    text += line("E2", "2026-06-07T09:00+08:00", "depart", location="anywhere", device="cam-x")
    path = write_text(tmp_path / "f.csv", text)
    assert [e.device for e in read_custody_file(path, site=None, zone=ZONE)] == [None, "cam-x"]
    # A site without cameras checks rooms but not devices.
    rooms_only = Site.model_validate({"rooms": [{"id": "anywhere"}]})
    assert len(read_custody_file(path, site=rooms_only, zone=ZONE)) == 2


def test_equal_times_keep_file_order(tmp_path):
    text = "\n".join(
        [HEADER, line(), line("E2", type="open", bundles=""), line("E3", type="close")]
    )
    events = read_custody_file(write_text(tmp_path / "f.csv", text), site=SITE, zone=ZONE)
    assert [e.event_id for e in events] == ["E1", "E2", "E3"]


def test_a_form_continues_the_custody_of_known_events(tmp_path):
    """A vault-out record may start with a depart whose arrive is on an earlier form."""
    known = read_custody_file(write_text(tmp_path / "in.csv", GOOD_CSV), site=SITE, zone=ZONE)
    text = "\n".join(
        [
            HEADER,
            line("X1", "2026-06-07T10:00+08:00", "depart", "L2026-A", "exam-office", "12",
                 device="phone-1"),
            line("X2", "2026-06-07T10:20+08:00", "arrive", "L2026-A", "vault-1", "12"),
        ]
    )  # fmt: skip
    path = write_text(tmp_path / "out.csv", text)
    form = read_custody_form(path, site=SITE, zone=ZONE, history=known)
    assert [e.event_id for e in form.events] == ["X1", "X2"]
    assert form.notes == []  # the arrive is known: nothing of the trail is missing


@pytest.mark.parametrize("first", ["depart", "handover", "open", "close"])
def test_a_form_may_start_mid_trail_and_says_so_once(tmp_path, first):
    """Real forms start mid-trail: the lot was in the first event's room; before it is unknown."""
    device = "phone-1" if first == "depart" else ""
    bundles = "" if first in ("open", "close") else "4"
    text = "\n".join(
        [
            HEADER,
            line("M1", "2026-06-07T10:00+08:00", first, "L2", "vault-1", bundles, device=device),
            line("M2", "2026-06-07T10:05+08:00", "handover", "L3", "vault-1", "2"),
        ]
    )  # fmt: skip
    form = read_custody_form(write_text(tmp_path / "mid.csv", text), site=SITE, zone=ZONE)
    assert [str(note) for note in form.notes if "starts with" in str(note)] == [
        f"row 2: lot L2 starts with its {first} in vault-1: where it was before is not on the "
        "forms and is not checked",
        "row 3: lot L3 starts with its handover in vault-1: where it was before is not on the "
        "forms and is not checked",
    ]


def test_a_form_that_contradicts_known_events_names_them(tmp_path):
    known = read_custody_file(write_text(tmp_path / "in.csv", GOOD_CSV), site=SITE, zone=ZONE)
    # Departing the vault at 06:00 leaves the stored 07:00 open and 07:10 depart without papers.
    text = f"{HEADER}\n" + line(
        "X1", "2026-06-07T06:00+08:00", "depart", "L2026-A", bundles="12", device="phone-1"
    )
    path = write_text(tmp_path / "out.csv", text)
    assert problems_of(path, history=known) == [
        "stored event E004 no longer fits: open of lot L2026-A in vault-1, but it left vault-1 "
        "at row 2 and has not arrived anywhere since",
        "stored event E005 no longer fits: handover of lot L2026-A in vault-1, but it left "
        "vault-1 at row 2 and has not arrived anywhere since",
        "stored event E006 no longer fits: depart of lot L2026-A from vault-1, but it left "
        "vault-1 at row 2 and has not arrived anywhere since",
    ]
    # Re-reading the known form itself with its own events as history changes nothing.
    again = read_custody_file(tmp_path / "in.csv", site=SITE, zone=ZONE, history=known)
    assert again == known


def test_events_are_plain_custody_events(tmp_path):
    [event] = read_custody_file(
        write_text(tmp_path / "f.csv", f"{HEADER}\n{line(persons=' 张三 ；; 李四 ')}\n"),
        site=SITE,
        zone=ZONE,
    )
    assert event == CustodyEvent(
        event_id="E1",
        time=at("2026-06-07T08:00:00+08:00"),
        type=EventType.ARRIVE,
        lot="L1",
        location="vault-1",
        bundles=3,
        persons=("张三", "李四"),
        device=None,
        note="",
        row=2,
    )
