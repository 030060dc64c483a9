"""Reading a handover form into checked custody events, all or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TypeVar

from analyzer.custody import CustodyEvent, EventType
from analyzer.recording import CameraKind
from pipelines.custody_forms import fields
from pipelines.custody_forms.grammar import custody_problems, mid_trail_starts
from pipelines.custody_forms.tables import (
    CustodyFileError,
    FormFormat,
    FormProblem,
    RawRow,
    is_empty,
    read_table,
)
from pipelines.site import Site

# The store's key and name columns are String(200).
MAX_ID_LENGTH = 200
# Events that move or hand over papers carry the count of bundles on the form (V5, V10).
_COUNTED = frozenset({EventType.ARRIVE, EventType.DEPART, EventType.HANDOVER})
_TYPES = ", ".join(t.value for t in EventType)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CustodyForm:
    """A form that passed every check.

    `events` are in file order; `notes` are lines that are allowed but that a reader should
    know of (a lot whose trail starts mid-way, a depart naming no handheld recorder, which the
    rules report); `sha256` is the hex SHA-256 of the bytes
    the events were read from.
    """

    path: Path
    sha256: str
    events: list[CustodyEvent]
    notes: list[FormProblem]


def read_custody_file(
    path: Path,
    *,
    site: Site | None,
    zone: tzinfo,
    history: Sequence[CustodyEvent] = (),
) -> list[CustodyEvent]:
    """The custody events of a CSV, JSON or XLSX form, in file order (see `read_custody_form`,
    which also gives the notes and the file's SHA-256)."""
    return read_custody_form(path, site=site, zone=zone, history=history).events


def read_custody_form(
    path: Path,
    *,
    site: Site | None,
    zone: tzinfo,
    history: Sequence[CustodyEvent] = (),
) -> CustodyForm:
    """Read and check a handover form; `CustodyEvent.row` is the event's spreadsheet row.

    Times without an offset (text, or the naive datetimes of an XLSX cell) are read in
    `zone`. With a `site` that has rooms, every location must be one of them; with a site
    that has cameras, every device must be one of its handheld cameras. `history` are the
    events known before this form (the stored ones): the custody grammar continues from them,
    so a form may start with the depart of a lot whose arrive is in an earlier form.

    Raises `CustodyFileError` listing every problem (layout, fields, repeated event ids, times
    out of order within a lot, and the custody grammar of each lot whose rows are otherwise
    valid, see `grammar.custody_problems`); nothing is returned from a form with problems.
    """
    form_format = FormFormat.of(path)
    if form_format is None:
        raise CustodyFileError(
            path,
            [FormProblem(0, f"unsupported file type {path.suffix!r}: use .csv, .json or .xlsx")],
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CustodyFileError(path, [FormProblem(0, f"cannot read: {exc.strerror}")]) from exc
    table = read_table(data, form_format)
    problems = list(table.problems)
    checks = _RowChecks(site, zone)
    rows = [checks.row(raw) for raw in table.rows]
    problems += checks.problems
    problems += _repeated_ids(rows)
    problems += _order_problems(rows, zone)

    # A lot with a bad row is not checked against the grammar: its problems would only be
    # echoes of the bad row's (a lost arrive makes every later line "not in the room").
    bad_rows = {problem.row for problem in problems}
    broken_lots = {row.lot for row in rows if row.row in bad_rows}
    events = [row.event for row in rows if row.event is not None]
    problems += custody_problems([e for e in events if e.lot not in broken_lots], history=history)
    if problems:
        raise CustodyFileError(path, problems)
    return CustodyForm(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        events=events,
        notes=mid_trail_starts(events, history=history) + checks.notes,
    )


@dataclass(frozen=True, slots=True)
class _CheckedRow:
    """What could be read of one row; `event` only when the whole row is valid."""

    row: int
    event_id: str
    lot: str
    moment: datetime | None
    event: CustodyEvent | None


class _RowChecks:
    """Reads rows into events against one site, collecting problems and notes."""

    def __init__(self, site: Site | None, zone: tzinfo) -> None:
        self.zone = zone
        self.rooms = sorted(room.id for room in site.rooms) if site is not None else []
        # Devices are checked only against a site that names its cameras.
        self.camera_site = site if site is not None and site.cameras else None
        self.problems: list[FormProblem] = []
        self.notes: list[FormProblem] = []

    def row(self, raw: RawRow) -> _CheckedRow:
        before = len(self.problems)
        cells = raw.cells

        def read(parse: Callable[[], T]) -> T | None:
            try:
                return parse()
            except fields.FieldError as exc:
                self.problems.append(FormProblem(raw.row, str(exc)))
                return None

        event_id = read(lambda: self._identifier(cells.get("event_id"), "event_id"))
        moment = read(lambda: fields.moment(cells.get("time"), self.zone))
        event_type = read(lambda: self._event_type(cells.get("type")))
        lot = read(lambda: self._identifier(cells.get("lot"), "lot"))
        location = read(lambda: self._location(cells.get("location")))
        bundles = read(lambda: fields.count(cells.get("bundles"), "bundles"))
        persons = read(lambda: fields.names(cells.get("persons"), "persons"))
        device = read(lambda: self._device(cells.get("device")))
        note = read(lambda: fields.text(cells.get("note"), "note"))

        if event_id == "":
            self._problem(raw.row, "event_id is empty")
        if event_type is not None and event_type is not EventType.DUTY and lot == "":
            self._problem(raw.row, "lot is empty (only a duty event may have none)")
        if event_type in _COUNTED and is_empty(cells.get("bundles")):
            self._problem(raw.row, f"bundles is empty (a {event_type} needs the count on the form)")
        if event_type is EventType.DEPART and not device and lot and location:
            self.notes.append(
                FormProblem(
                    raw.row,
                    f"depart of lot {lot} from {location} names no handheld recorder (device): "
                    "the move will be reported as not covered by video",
                )
            )
        event = None
        if (
            len(self.problems) == before
            and event_id is not None
            and moment is not None
            and event_type is not None
            and lot is not None
            and location is not None
            and persons is not None
            and note is not None
        ):
            event = CustodyEvent(
                event_id=event_id,
                time=moment.timestamp(),
                type=event_type,
                lot=lot,
                location=location,
                bundles=bundles,
                persons=persons,
                device=device or None,
                note=note,
                row=raw.row,
            )
        return _CheckedRow(raw.row, event_id or "", lot or "", moment, event)

    def _problem(self, row: int, reason: str) -> None:
        self.problems.append(FormProblem(row, reason))

    def _identifier(self, value: object, column: str) -> str:
        shown = fields.text(value, column)
        if len(shown) > MAX_ID_LENGTH:
            raise fields.FieldError(f"{column} is longer than {MAX_ID_LENGTH} characters")
        return shown

    def _event_type(self, value: object) -> EventType:
        shown = fields.text(value, "type").lower()
        if not shown:
            raise fields.FieldError("type is empty")
        try:
            return EventType(shown)
        except ValueError:
            raise fields.FieldError(f"unknown type {shown!r} (one of {_TYPES})") from None

    def _location(self, value: object) -> str:
        shown = fields.text(value, "location")
        if not shown:
            raise fields.FieldError("location is empty")
        if self.rooms and shown not in self.rooms:
            raise fields.FieldError(
                f"unknown room {shown!r} (the site's rooms: {', '.join(self.rooms)})"
            )
        if len(shown) > MAX_ID_LENGTH:
            raise fields.FieldError(f"location is longer than {MAX_ID_LENGTH} characters")
        return shown

    def _device(self, value: object) -> str:
        shown = fields.text(value, "device")
        if not shown or self.camera_site is None:
            if len(shown) > MAX_ID_LENGTH:
                raise fields.FieldError(f"device is longer than {MAX_ID_LENGTH} characters")
            return shown
        camera = self.camera_site.camera(shown)
        if camera is not None and camera.kind is CameraKind.HANDHELD:
            return shown
        handheld = sorted(c.id for c in self.camera_site.cameras if c.kind is CameraKind.HANDHELD)
        known = f"handheld: {', '.join(handheld)}" if handheld else "it names no handheld camera"
        if camera is None:
            raise fields.FieldError(f"device {shown!r} is not a camera of the site ({known})")
        raise fields.FieldError(
            f"device {shown!r} is a {camera.kind} camera, not a handheld recorder ({known})"
        )


def _repeated_ids(rows: Sequence[_CheckedRow]) -> list[FormProblem]:
    first: dict[str, int] = {}
    problems = []
    for row in rows:
        if not row.event_id:
            continue
        if row.event_id in first:
            problems.append(
                FormProblem(row.row, f"event_id {row.event_id} repeats row {first[row.event_id]}")
            )
        else:
            first[row.event_id] = row.row
    return problems


def _order_problems(rows: Sequence[_CheckedRow], zone: tzinfo) -> list[FormProblem]:
    """Within a lot, each row's time is not earlier than the lot's row before it: a form is
    filled in as the papers go, so an earlier time is a typo (or a line in the wrong place)."""
    previous: dict[str, _CheckedRow] = {}
    problems = []
    for row in rows:
        if not row.lot or row.moment is None:
            continue
        before = previous.get(row.lot)
        if before is not None and before.moment is not None and row.moment < before.moment:
            problems.append(
                FormProblem(
                    row.row,
                    f"time {_show(row.moment, zone)} is before row {before.row}'s "
                    f"{_show(before.moment, zone)} for lot {row.lot}",
                )
            )
        previous[row.lot] = row
    return problems


def _show(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return local.isoformat(timespec="milliseconds" if local.microsecond else "seconds")
