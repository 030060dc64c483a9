"""Password hashes at the OWASP minimum for scrypt, older cheaper hashes still accepted and
made anew at the next sign-in; the store, keys and caches private whatever the umask."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pipelines.evidence.signing import load_or_create_key
from pipelines.private_files import private_dir
from pipelines.store import open_store, users
from pipelines.store.schema import UserRow

OLD = users.ScryptCost(n=2**14, r=8, p=1)


def stored_hash(engine: sa.Engine, name: str) -> str:
    with Session(engine) as session:
        found = session.scalar(sa.select(UserRow.password_hash).where(UserRow.username == name))
    assert found is not None
    return found


def test_new_hashes_meet_the_owasp_minimum() -> None:
    assert users.OWASP_MINIMUM == users.ScryptCost(n=2**17, r=8, p=1)
    made = users.hash_password("correct horse battery", users.OWASP_MINIMUM)
    assert made.startswith("scrypt$131072$8$1$")
    assert users.password_matches("correct horse battery", made)
    assert not users.password_matches("wrong horse battery", made)


def test_an_old_hash_verifies_and_is_made_anew_at_sign_in(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_store(db_url)
    monkeypatch.setattr(users, "current_cost", OLD)
    with Session(engine) as session:
        users.add_user(
            session,
            username="old-timer",
            role=users.Role.INSPECTOR,
            password="correct horse battery",
            created_by="test",
            created_at=datetime.now(UTC),
        )
        session.commit()
    assert stored_hash(engine, "old-timer").startswith("scrypt$16384$")
    monkeypatch.setattr(users, "current_cost", users.OWASP_MINIMUM)
    with Session(engine) as session:
        assert users.authenticate(session, username="old-timer", password="nope-nope") is None
        session.commit()
    assert stored_hash(engine, "old-timer").startswith("scrypt$16384$")  # no sign-in, no change
    with Session(engine) as session:
        found = users.authenticate(session, username="old-timer", password="correct horse battery")
        session.commit()
    assert found is not None
    renewed = stored_hash(engine, "old-timer")
    assert renewed.startswith("scrypt$131072$8$1$")
    assert users.password_matches("correct horse battery", renewed)
    engine.dispose()


def test_the_store_and_keys_are_private_under_umask_022(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        engine = open_store(f"sqlite:///{tmp_path / 'home' / 'db' / 'vaultwatch.db'}")
        engine.dispose()
        key = load_or_create_key(tmp_path / "home" / "keys" / "signing.pem")
        cache = private_dir(tmp_path / "home" / "cache" / "clips")
    finally:
        os.umask(previous)

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(tmp_path / "home") == 0o700
    assert mode(tmp_path / "home" / "db") == 0o700
    assert mode(tmp_path / "home" / "db" / "vaultwatch.db") == 0o600
    assert mode(key.path) == 0o600 and mode(key.path.parent) == 0o700
    assert mode(cache) == 0o700 and mode(cache.parent) == 0o700


def test_an_existing_keys_folder_is_tightened(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o755)
    keys.chmod(0o755)
    private_dir(keys)
    assert stat.S_IMODE(keys.stat().st_mode) == 0o755  # not ours to change unasked
    private_dir(keys, tighten=True)
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
