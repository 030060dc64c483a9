"""/api/auth: sign in (session cookie), sign out, who am I."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import AuditorUser, ClientDep, MaybeUser, SessionDep, StateDep
from api.errors import ERROR_RESPONSES
from api.login import end_session, set_session_cookie, sign_in
from api.schemas.users import LoginRequest, UserPublic

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
