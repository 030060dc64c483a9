"""/api/auth: sign in (session cookie), sign out, who am I."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TypeVar

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from api import sessions
from api.audit_trail import Action, entry, record
from api.credentials import check_password
from api.deps import AuditorUser, ClientDep, MaybeUser, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorCode
from api.schemas.users import LoginRequest, UserPublic
from api.settings import AuthMode
from api.state import ServiceState
from pipelines.store.audit import append_audit, run_audited
from pipelines.store.users import User, sign_out

R = TypeVar("R", bound=Response)

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=ERROR_RESPONSES)


@router.post("/login", response_model=UserPublic)
def login(
    body: LoginRequest, response: Response, session: SessionDep, state: StateDep, client: ClientDep
) -> UserPublic:
    user = sign_in(state, session, body.username, body.password, client)
    set_session_cookie(response, state, user)
    return UserPublic.of(user)


@router.post("/logout", status_code=204)
def logout(user: MaybeUser, state: StateDep, client: ClientDep) -> Response:
    return end_session(Response(status_code=204), state, user, client)


@router.get("/me", response_model=UserPublic)
def me(user: AuditorUser) -> UserPublic:
    return UserPublic.of(user)


def sign_in(
    state: ServiceState, session: SessionDep, username: str, password: str, client: str
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
