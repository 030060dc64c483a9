"""Signing in and out, for the REST API's /api/auth and the sign-in page alike: credentials
checked (throttled, failures audited), the session cookie set, and a sign-out that ends every
session of the user with its audit record in one transaction."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TypeVar

from fastapi import Response
from sqlalchemy.orm import Session

from api import sessions
from api.audit_trail import Action, entry, record
from api.credentials import check_password
from api.errors import ApiError, ErrorCode
from api.settings import AuthMode
from api.state import ServiceState
from pipelines.store.audit import append_audit, run_audited
from pipelines.store.users import User, sign_out

R = TypeVar("R", bound=Response)


def sign_in(
    state: ServiceState, session: Session, username: str, password: str, client: str
) -> User:
    """The user these credentials belong to; a failed attempt is audited and is a 401 that
    does not say whether the name exists (429 past the failures allowed)."""
    if state.settings.auth is AuthMode.PROXY:
        raise ApiError(409, ErrorCode.CONFLICT, "users sign in at the reverse proxy, not here")
    user = check_password(
        state, session, username=username, password=password, client=client, via="sign-in"
    )
    if user is None:
        raise ApiError(401, ErrorCode.UNAUTHENTICATED, "wrong user name or password")
    record(state, entry(user, client, Action.LOGIN, "user", user.username))
    return user


def end_session(response: R, state: ServiceState, user: User | None, client: str) -> R:
    """`response` with the session cookie removed; every session of the user ended and the
    sign-out recorded, in one transaction."""
    response.delete_cookie(sessions.COOKIE_NAME, path="/")
    if user is None:
        return response
    signed_in = user

    def work(session: Session) -> None:
        sign_out(session, user_id=signed_in.id, at=datetime.now(UTC))
        append_audit(session, entry(signed_in, client, Action.LOGOUT, "user", signed_in.username))

    run_audited(state.sessions, work)
    return response


def set_session_cookie(response: Response, state: ServiceState, user: User) -> None:
    lifetime = state.settings.session_hours * 3600
    now = time.time()
    claim = sessions.SessionClaim(user_id=user.id, expires=now + lifetime, issued=now)
    token = sessions.issue(claim, state.session_key)
    # SameSite=Strict: no other site can make the browser send it (the forms' CSRF guard).
    response.set_cookie(
        sessions.COOKIE_NAME,
        token,
        max_age=int(lifetime),
        httponly=True,
        samesite="strict",
        secure=state.settings.secure_cookies,
        path="/",
    )
