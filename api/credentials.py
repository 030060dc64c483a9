"""Checking a user name and password, as every way of signing in does (the sign-in form, the
login API, HTTP Basic): throttled per name and per client address, and every failure audited.
"""

from __future__ import annotations

import math
import time

from sqlalchemy.orm import Session

from api.audit_trail import Action, entry, record
from api.errors import ApiError, ErrorCode
from api.state import ServiceState
from pipelines.store.users import User, authenticate


def check_password(
    state: ServiceState, session: Session, *, username: str, password: str, client: str, via: str
) -> User | None:
    """The user these credentials belong to, or None after auditing the failure (`via`: how
    they came, e.g. "basic"). `ApiError` 429 with `Retry-After`, the password unchecked,
    while the name or the address is over its limit of failures."""
    now = time.time()
    wait = state.throttle.wait(user=username, address=client, now=now)
    if wait is not None:
        raise ApiError(
            429,
            ErrorCode.TOO_MANY_REQUESTS,
            "too many failed sign-ins: try again later",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    user = authenticate(session, username=username, password=password)
    if user is None:
        name = username[:100]
        record(
            state,
            entry(None, client, Action.LOGIN_FAILED, "user", name, {"via": via}, actor=name),
        )
        state.throttle.failed(user=name, address=client, now=now)
    else:
        session.commit()  # a password hash made anew at today's cost (`authenticate`)
    return user
