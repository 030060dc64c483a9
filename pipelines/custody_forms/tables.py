"""From a form file's bytes to rows of cells keyed by column: CSV, JSON and XLSX.

Row numbers are a spreadsheet's: the header is row 1 and the first event row 2. In JSON, the
n-th event is row n + 1, as if the list were a sheet below a header row. Rows whose cells are
all empty are skipped (but still counted), as spreadsheets leave them at the end.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

COLUMNS = ("event_id", "time", "type", "lot", "location", "bundles", "persons", "device", "note")

# openpyxl warns about workbook features it drops while loading (styles, data-validation and
# other extensions, print settings). Only cell values are read here, so these are noise; any
# other warning still shows.
_IGNORED_XLSX_WARNINGS = (
    r"Workbook contains no (default style|stylesheet)",
    r".* extension is not supported and will be removed",
    r"Failed to load a conditional formatting rule",
    r"File contains an invalid specification",
)


class FormFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"

    @classmethod
    def of(cls, path: Path) -> FormFormat | None:
        """The format a file name says (by its extension, any case); None if unsupported."""
        suffix = path.suffix.lower().lstrip(".")
        if suffix == "xlsm":
            return cls.XLSX
        return next((f for f in cls if f.value == suffix), None)


@dataclass(frozen=True, slots=True)
class FormProblem:
    """One thing wrong with a form; `row` 0 is the file as a whole."""

    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}" if self.row else self.reason


class CustodyFileError(ValueError):
    """A form that cannot be imported; `problems` lists everything found, in row order."""

    def __init__(self, path: Path, problems: Sequence[FormProblem]) -> None:
        self.path = path
        self.problems = sorted(problems, key=lambda p: p.row)
        count = len(self.problems)
        self.summary = f"{path}: {count} problem{'s' if count != 1 else ''} in the custody form"
        super().__init__("\n".join([self.summary, *map(str, self.problems)]))


@dataclass(frozen=True, slots=True)
class RawRow:
    """The cells of one event row, by column name; absent columns are missing keys.

    Cells are as the file gave them: text (CSV, XLSX, JSON), numbers and booleans (XLSX,
    JSON), datetimes, dates and times of day (XLSX), lists (JSON) or None.
    """

    row: int
    cells: Mapping[str, object]


@dataclass
class RawTable:
    rows: list[RawRow] = field(default_factory=list)
    problems: list[FormProblem] = field(default_factory=list)


def read_table(data: bytes, form_format: FormFormat) -> RawTable:
    """The event rows of a form file's bytes, and the problems of its layout."""
    if form_format is FormFormat.JSON:
        return _json_table(data)
    if form_format is FormFormat.XLSX:
        return _xlsx_table(data)
    return _csv_table(data)


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _csv_table(data: bytes) -> RawTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _fails(
            f"not UTF-8 text (byte {exc.start}): save the sheet as 'CSV UTF-8'; "
            "GBK and other encodings are not read"
        )
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return _fails(f"not a readable CSV file: {exc}")
    # Records, not lines: a note may hold line breaks inside quotes, as a cell may in a sheet.
    return _grid_table(enumerate(records, start=1))


def _xlsx_table(data: bytes) -> RawTable:
    with warnings.catch_warnings():
        for message in _IGNORED_XLSX_WARNINGS:
            warnings.filterwarnings(
                "ignore", message=message, category=UserWarning, module="openpyxl"
            )
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            return _fails(f"not a readable XLSX workbook: {exc}")
        try:
            if not workbook.worksheets:
                return _fails("the workbook has no worksheet")
            sheet = workbook.worksheets[0]
            # Some writers store a wrong sheet size, which would cut rows off in read-only mode.
            sheet.reset_dimensions()
            grid = [
                (number, [_xlsx_value(cell) for cell in cells])
                for number, cells in enumerate(sheet.iter_rows(), start=1)
            ]
        finally:
            workbook.close()
    return _grid_table(grid)


def _xlsx_value(cell: Any) -> object:
    """A cell's value; a datetime shown as a date only (no hours in its number format) is
    the date, so that a time column of dates is refused instead of read as midnight."""
    value = getattr(cell, "value", None)
    if isinstance(value, datetime):
        shown = str(getattr(cell, "number_format", "")).lower()
        if "h" not in shown and "s" not in shown:
            return value.date()
    return value


def _grid_table(grid: Iterable[tuple[int, Sequence[object]]]) -> RawTable:
    """Rows of cells in column order, the first non-empty one being the header."""
    table = RawTable()
    header: list[str | None] | None = None
    header_row = 0
    for row, cells in grid:
        if all(is_empty(cell) for cell in cells):
            continue
        if header is None:
            header_row = row
            header = [None if is_empty(cell) else str(cell).strip().lower() for cell in cells]
            table.problems.extend(_header_problems(header, row))
            if table.problems:
                # Rows read against a wrong header would only repeat the header's problem.
                return table
            continue
        values: dict[str, object] = {}
        for index, cell in enumerate(cells):
            name = header[index] if index < len(header) else None
            if name is not None:
                values[name] = cell
            elif not is_empty(cell):
                table.problems.append(
                    FormProblem(row, f"a value in column {index + 1}, which has no header")
                )
        table.rows.append(RawRow(row, values))
    if header is None:
        return _fails(f"the file is empty: expected a header row {','.join(COLUMNS)}")
    if not table.rows and not table.problems:
        table.problems.append(FormProblem(header_row, "a header but no events"))
    return table


def _header_problems(header: list[str | None], row: int) -> list[FormProblem]:
    names = [name for name in header if name is not None]
    problems = []
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        problems.append(FormProblem(row, f"repeated column(s): {', '.join(repeated)}"))
    unknown = [name for name in dict.fromkeys(names) if name not in COLUMNS]
    if unknown:
        problems.append(
            FormProblem(
                row,
                f"unknown column(s): {', '.join(unknown)} (the columns are {','.join(COLUMNS)})",
            )
        )
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        problems.append(FormProblem(row, f"missing column(s): {', '.join(missing)}"))
    return problems


def _json_table(data: bytes) -> RawTable:
    try:
        document: Any = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return _fails(f"not UTF-8 text (byte {exc.start})")
    except json.JSONDecodeError as exc:
        return _fails(f"not valid JSON: {exc}")
    shape = 'a JSON form is a list of events or {"events": [...]}'
    if isinstance(document, dict):
        extra = sorted(str(key) for key in document if key != "events")
        if extra:
            return _fails(f"unknown key(s) {', '.join(extra)}: {shape}")
        document = document.get("events")
    if not isinstance(document, list):
        return _fails(shape)
    table = RawTable()
    for index, item in enumerate(document):
        row = index + 2
        if not isinstance(item, dict):
            table.problems.append(
                FormProblem(row, f"an event is a JSON object, not {type(item).__name__}")
            )
            continue
        unknown = [str(key) for key in item if key not in COLUMNS]
        if unknown:
            table.problems.append(FormProblem(row, f"unknown key(s): {', '.join(unknown)}"))
        # An absent key is an empty cell: JSON writers often leave out empty values.
        table.rows.append(RawRow(row, {k: v for k, v in item.items() if k in COLUMNS}))
    if not document:
        table.problems.append(FormProblem(0, "no events"))
    return table


def _fails(reason: str) -> RawTable:
    return RawTable(problems=[FormProblem(0, reason)])
