"""Findings for review: filtered, sorted and paginated in SQL, with their review state."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from analyzer.findings import Finding, FindingKind, Severity, cameras_from_label
from pipelines.store.columns import utc_datetime
from pipelines.store.findings import finding_from_row
from pipelines.store.schema import CustodyEventRow, FindingRow, ReviewState

_Row = TypeVar("_Row")
_SEVERITY_RANK = case(
    {s.value: rank for rank, s in enumerate(Severity)}, value=FindingRow.severity, else_=-1
)


class FindingSort(StrEnum):
    START = "start"
    SEVERITY = "severity"
    CAMERA = "camera"
    KIND = "kind"
    DURATION = "duration"


@dataclass(frozen=True)
class FindingFilter:
    """Every field narrows the list; None (or empty) does not filter.

    `cameras` and `visible_cameras` (the caller's access; None sees every camera) keep the
    findings one of whose cameras is in them: one camera's, or a room's naming it.
    """

    analyzer_version: str | None = None
    severities: Collection[Severity] = ()
    cameras: Collection[str] = ()
    kinds: Collection[FindingKind] = ()
    rule: str | None = None
    review_state: ReviewState | None = None
    lot: str | None = None
    since: float | None = None
    until: float | None = None
    visible_cameras: Collection[str] | None = None


@dataclass(frozen=True)
class StoredFinding:
    """A finding as stored: the analyzer's value and what the store adds to it."""

    finding: Finding
    analyzer_version: str
    review_state: ReviewState
    scan_id: int
    created_at: datetime


@dataclass(frozen=True)
class FindingPage:
    items: list[StoredFinding]
    total: int


def find_findings(
    session: Session,
    criteria: FindingFilter,
    *,
    sort: FindingSort = FindingSort.START,
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> FindingPage:
    """One page of findings matching `criteria` and how many match in all. Ties are broken
    by start, camera and id, so pages never overlap or skip."""
    query = _filtered(select(FindingRow), criteria)
    total = session.scalar(_filtered(select(func.count()).select_from(FindingRow), criteria))
    key = _sort_key(sort)
    ordered = query.order_by(
        key.desc() if descending else key.asc(),
        FindingRow.start_s,
        FindingRow.camera,
        FindingRow.id,
        FindingRow.analyzer_version,
    )
    rows = session.scalars(ordered.offset(offset).limit(limit))
    return FindingPage(items=[stored_from_row(r) for r in rows], total=int(total or 0))


def get_stored_finding(
    session: Session, *, finding_id: str, analyzer_version: str | None = None
) -> StoredFinding | None:
    """The finding with this id, of `analyzer_version` or else of the newest scan."""
    query = select(FindingRow).where(FindingRow.id == finding_id)
    if analyzer_version is not None:
        query = query.where(FindingRow.analyzer_version == analyzer_version)
    row = session.scalars(query.order_by(FindingRow.created_at.desc()).limit(1)).first()
    return None if row is None else stored_from_row(row)


def stored_from_row(row: FindingRow) -> StoredFinding:
    return StoredFinding(
        finding=finding_from_row(row),
        analyzer_version=row.analyzer_version,
        review_state=ReviewState(row.review_state),
        scan_id=row.scan_id,
        created_at=row.created_at,
    )


def _sort_key(sort: FindingSort) -> ColumnElement[Any]:
    keys: dict[FindingSort, ColumnElement[Any]] = {
        FindingSort.START: FindingRow.start_s.expression,
        FindingSort.SEVERITY: _SEVERITY_RANK,
        FindingSort.CAMERA: FindingRow.camera.expression,
        FindingSort.KIND: FindingRow.kind.expression,
        FindingSort.DURATION: FindingRow.duration_s.expression,
    }
    return keys[sort]


def _filtered(query: Select[_Row], criteria: FindingFilter) -> Select[_Row]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.analyzer_version is not None:
        conditions.append(FindingRow.analyzer_version == criteria.analyzer_version)
    if criteria.severities:
        conditions.append(FindingRow.severity.in_([s.value for s in criteria.severities]))
    if criteria.cameras:
        conditions.append(on_cameras(criteria.cameras))
    if criteria.kinds:
        conditions.append(FindingRow.kind.in_([k.value for k in criteria.kinds]))
    if criteria.rule is not None:
        conditions.append(FindingRow.rule == criteria.rule)
    if criteria.review_state is not None:
        conditions.append(FindingRow.review_state == criteria.review_state.value)
    if criteria.lot is not None:
        events_of_lot = select(CustodyEventRow.event_id).where(CustodyEventRow.lot == criteria.lot)
        conditions.append(
            or_(
                FindingRow.custody_leg.startswith(f"{criteria.lot}/", autoescape=True),
                FindingRow.custody_event.in_(events_of_lot),
            )
        )
    # The indexed datetime columns, as `load_findings` does.
    if criteria.since is not None:
        conditions.append(FindingRow.end >= utc_datetime(criteria.since))
    if criteria.until is not None:
        conditions.append(FindingRow.start <= utc_datetime(criteria.until))
    if criteria.visible_cameras is not None:
        conditions.append(on_cameras(criteria.visible_cameras))
    return query.where(*conditions) if conditions else query


def on_cameras(cameras: Collection[str]) -> ColumnElement[bool]:
    """One of the finding's cameras is one of `cameras`: the SQL twin of
    `User.may_see`, over the stored text ("a", a room's "a+b", `camera_label`)."""
    # A name that is not one camera ("a+b", "-") would match a room's or a camera-less
    # finding's text as a whole: it names no camera, so it matches nothing.
    ids = [c for c in cameras if cameras_from_label(c) == (c,)]
    if not ids:
        return FindingRow.camera.in_([])
    return or_(
        FindingRow.camera.in_(ids),
        *(
            or_(
                FindingRow.camera.startswith(f"{c}+", autoescape=True),
                FindingRow.camera.endswith(f"+{c}", autoescape=True),
                FindingRow.camera.contains(f"+{c}+", autoescape=True),
            )
            for c in ids
        ),
    )
