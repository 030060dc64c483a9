"""Dependencies routes declare in their signatures: the store session, the signed-in user
and the role a route needs, the client's address for the audit trail.

    def review(finding_id: str, user: InspectorUser, session: SessionDep, client: ClientDep)

reads like the rule it enforces: an inspector (or admin) may review.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api import sessions
from api.credentials import check_password
from api.errors import ApiError, ErrorCode
from api.settings import AuthMode
from api.state import ServiceState
from pipelines.store.users import Role, User, get_user, get_user_by_id


def service(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


StateDep = Annotated[ServiceState, Depends(service)]


def store_session(state: StateDep) -> Iterator[Session]:
    with state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(store_session)]


def client_address(request: Request) -> str:
    """Where the request came from, as the audit trail records it."""
    host = request.client.host if request.client is not None else "unknown"
    forwarded = request.headers.get("x-forwarded-for")
    state = service(request)
    # Only a trusted proxy's word on the real client is kept, next to the proxy's address.
    if forwarded and host in state.settings.trusted_proxies:
        return f"{forwarded.split(',')[0].strip()} via {host}"[:200]
    return host[:200]


ClientDep = Annotated[str, Depends(client_address)]


def signed_in_user(request: Request, state: StateDep, session: SessionDep) -> User | None:
    """The user the request carries (session cookie, HTTP Basic, or the trusted proxy's
    header), or None. Inactive users are nobody."""
    user = _user_of(request, state, session)
    return user if user is not None and user.active else None


def _user_of(request: Request, state: ServiceState, session: Session) -> User | None:
    settings = state.settings
    if settings.auth is AuthMode.PROXY:
        host = request.client.host if request.client is not None else ""
        name = request.headers.get(settings.proxy_user_header)
        if name and host in settings.trusted_proxies:
            return get_user(session, username=name)
        return None
    token = request.cookies.get(sessions.COOKIE_NAME)
    if token:
        claim = sessions.read(token, state.session_key, now=time.time())
        if claim is not None:
            user = get_user_by_id(session, user_id=claim.user_id)
            ended = user is not None and user.signed_out_at is not None
            if user is not None and not (ended and claim.issued <= _posix(user.signed_out_at)):
                return user
            return None
    return _basic_user(request, state, session)


def _posix(moment: datetime | None) -> float:
    return 0.0 if moment is None else moment.timestamp()


def _basic_user(request: Request, state: ServiceState, session: Session) -> User | None:
    header = request.headers.get("authorization")
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    # ValueError: a header with non-ASCII characters is no base64 at all.
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    username, colon, password = decoded.partition(":")
    if not colon:
        return None
    return check_password(
        state,
        session,
        username=username,
        password=password,
        client=client_address(request),
        via="basic",
    )


MaybeUser = Annotated[User | None, Depends(signed_in_user)]


def require(role: Role) -> Callable[[User | None], User]:
    """A dependency admitting signed-in users of `role` or above: 401 for nobody, 403 for a
    lower role."""

    def check(user: MaybeUser) -> User:
        if user is None:
            raise ApiError(
                401,
                ErrorCode.UNAUTHENTICATED,
                "sign in first",
                headers={"WWW-Authenticate": 'Basic realm="VaultWatch", charset="UTF-8"'},
            )
        if not user.role.at_least(role):
            raise ApiError(403, ErrorCode.FORBIDDEN, f"this needs the {role.value} role")
        return user

    return check


AuditorUser = Annotated[User, Depends(require(Role.AUDITOR))]
InspectorUser = Annotated[User, Depends(require(Role.INSPECTOR))]
AdminUser = Annotated[User, Depends(require(Role.ADMIN))]
