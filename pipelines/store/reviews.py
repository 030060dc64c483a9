"""Review decisions on findings: open -> confirmed or dismissed, each kept as a record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.store.schema import FindingReviewRow, FindingRow, ReviewState

# A decided finding stays decided: a second opinion is a comment on the audit trail's record,
# not a silent overwrite. An admin may reopen a finding (e.g. after a wrong click).
_ALLOWED = {
    ReviewState.OPEN: {ReviewState.CONFIRMED, ReviewState.DISMISSED},
    ReviewState.CONFIRMED: {ReviewState.OPEN},
    ReviewState.DISMISSED: {ReviewState.OPEN},
}


class ReviewConflictError(ValueError):
    """The finding is not in a state the asked-for decision can follow."""


class UnknownFindingError(LookupError):
    """No finding with this id and analyzer version."""


@dataclass(frozen=True)
class Review:
    finding_id: str
    analyzer_version: str
    state: ReviewState
    comment: str
    reviewer: str
    at: datetime


def review_finding(
    session: Session,
    *,
    finding_id: str,
    analyzer_version: str,
    state: ReviewState,
    comment: str,
    reviewer: str,
    at: datetime,
) -> tuple[ReviewState, Review]:
    """Move the finding to `state` and keep the decision; returns the state before and the
    review. The row is locked (PostgreSQL) so two reviewers cannot both decide from "open".
    Does not commit."""
    row = session.scalar(
        select(FindingRow)
        .where(FindingRow.id == finding_id, FindingRow.analyzer_version == analyzer_version)
        .with_for_update()
    )
    if row is None:
        raise UnknownFindingError(f"no finding {finding_id} of analyzer {analyzer_version}")
    before = ReviewState(row.review_state)
    if state not in _ALLOWED[before]:
        raise ReviewConflictError(
            f"finding {finding_id} is {before.value}; it cannot become {state.value}"
        )
    row.review_state = state.value
    review = Review(finding_id, analyzer_version, state, comment, reviewer, at)
    session.add(
        FindingReviewRow(
            finding_id=finding_id,
            analyzer_version=analyzer_version,
            state=state.value,
            comment=comment,
            reviewer=reviewer,
            at=at,
        )
    )
    session.flush()
    return before, review


def load_reviews(session: Session, *, finding_id: str, analyzer_version: str) -> list[Review]:
    """The finding's decisions, oldest first."""
    query = (
        select(FindingReviewRow)
        .where(
            FindingReviewRow.finding_id == finding_id,
            FindingReviewRow.analyzer_version == analyzer_version,
        )
        .order_by(FindingReviewRow.id)
    )
    return [
        Review(r.finding_id, r.analyzer_version, ReviewState(r.state), r.comment, r.reviewer, r.at)
        for r in session.scalars(query)
    ]
