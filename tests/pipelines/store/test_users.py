"""Users of the review service: password hashes, sign-in, names, roles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pipelines.store import open_store
from pipelines.store.users import (
    Role,
    User,
    UserError,
    add_user,
    authenticate,
    hash_password,
    list_users,
    password_matches,
)

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)


def user_of(*cameras: str) -> User:
    return User(1, "li.wei", Role.AUDITOR, cameras, True, NOW, "admin", True)


@pytest.mark.parametrize(
    ("user_cameras", "shown_by", "may_see"),
    [
        # A room's finding names all its cameras: one of them is the user's.
        (("vault-a",), ("vault-a", "vault-b"), True),
        (("vault-a",), ("vault-x", "vault-a"), True),
        (("vault-a",), ("vault-a",), True),
        # None of the room's cameras is the user's.
        (("vault-a",), ("vault-b", "vault-c"), False),
        (("vault-a",), ("vault-b",), False),
        # Not a substring match of the old "a+b" text.
        (("vault-a",), ("vault-a2", "xvault-a"), False),
        (("vault-a+vault-b",), ("vault-a", "vault-b"), False),
        # A custody finding that names no camera: only a user of every camera.
        (("vault-a",), (), False),
        ((), (), True),
        ((), ("vault-b", "vault-c"), True),
    ],
)
def test_a_camera_limited_user_sees_what_one_of_their_cameras_shows(
    user_cameras: tuple[str, ...], shown_by: tuple[str, ...], may_see: bool
) -> None:
    assert user_of(*user_cameras).may_see(shown_by) is may_see


def test_password_hashes_are_salted_and_check_only_the_right_password() -> None:
    first, second = hash_password("秘密 password 1"), hash_password("秘密 password 1")
    assert first != second and first.startswith("scrypt$")
    assert password_matches("秘密 password 1", first)
    assert not password_matches("秘密 password 2", first)
    assert not password_matches("x", "not a hash")
    assert not password_matches("x", "bcrypt$1$2$3$AAAA$AAAA")


@pytest.fixture
def session(db_url: str) -> Session:
    engine = open_store(db_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_sign_in_finds_the_user_only_with_the_right_password(session: Session) -> None:
    add_user(
        session,
        username="li.wei",
        role=Role.INSPECTOR,
        password="long enough",
        created_by="admin",
        created_at=NOW,
        cameras=["vault-b", "vault-a", "vault-a"],
    )
    session.commit()
    user = authenticate(session, username="li.wei", password="long enough")
    assert user is not None and user.role is Role.INSPECTOR
    assert user.cameras == ("vault-a", "vault-b")
    assert user.may_see(("vault-a",)) and not user.may_see(("x",))
    assert authenticate(session, username="li.wei", password="long enougH") is None
    assert authenticate(session, username="nobody", password="long enough") is None


def test_inactive_and_proxy_users_cannot_sign_in_with_a_password(session: Session) -> None:
    add_user(
        session, username="proxy", role=Role.AUDITOR, password=None, created_by="a", created_at=NOW
    )
    add_user(
        session,
        username="gone",
        role=Role.ADMIN,
        password="long enough",
        created_by="a",
        created_at=NOW,
    )
    session.execute(sa.text("UPDATE users SET active = false WHERE username = 'gone'"))
    session.commit()
    assert authenticate(session, username="proxy", password="") is None
    assert authenticate(session, username="gone", password="long enough") is None
    assert [u.has_password for u in list_users(session)] == [False, True]


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "long enough", "user name"),
        ("../admin", "long enough", "user name"),
        ("ok", "short", "too short"),
        ("taken", "long enough", "exists already"),
    ],
)
def test_bad_users_are_refused_and_nothing_is_stored(
    session: Session, username: str, password: str, message: str
) -> None:
    add_user(
        session,
        username="taken",
        role=Role.ADMIN,
        password="long enough",
        created_by="a",
        created_at=NOW,
    )
    session.commit()
    with pytest.raises(UserError, match=message):
        add_user(
            session,
            username=username,
            role=Role.AUDITOR,
            password=password,
            created_by="a",
            created_at=NOW,
        )
    session.rollback()
    assert [u.username for u in list_users(session)] == ["taken"]


def test_roles_are_ordered() -> None:
    assert Role.ADMIN.at_least(Role.INSPECTOR) and Role.INSPECTOR.at_least(Role.AUDITOR)
    assert not Role.AUDITOR.at_least(Role.INSPECTOR) and not Role.INSPECTOR.at_least(Role.ADMIN)
