"""Pure parts of the service: signed session cookies, range headers, the media roots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from api import sessions
from api.files import is_new_view, requested_starts
from pipelines.media_roots import OutsideMediaRoots, resolve_under_roots

KEY = b"k" * 32


def test_a_session_token_carries_its_user_until_it_expires() -> None:
    token = sessions.issue(sessions.SessionClaim(user_id=7, expires=1000.0, issued=10.0), KEY)
    assert sessions.read(token, KEY, now=999.0) == sessions.SessionClaim(7, 1000.0, 10.0)
    assert sessions.read(token, KEY, now=1000.0) is None


@pytest.mark.parametrize("forge", ["other key", "swap payload", "no signature", "garbage"])
def test_forged_session_tokens_are_nobody(forge: str) -> None:
    token = sessions.issue(sessions.SessionClaim(user_id=7, expires=1e12, issued=0.0), KEY)
    admin = sessions.issue(sessions.SessionClaim(user_id=1, expires=1e12, issued=0.0), b"x" * 32)
    forged = {
        "other key": admin,
        "swap payload": admin.split(".")[0] + "." + token.split(".")[1],
        "no signature": token.split(".")[0],
        "garbage": "%%%.%%%",
    }[forge]
    assert sessions.read(forged, KEY, now=0.0) is None


def test_the_session_key_is_made_once_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "session.key"
    key = sessions.load_or_create_key(path)
    assert len(key) == 32 and sessions.load_or_create_key(path) == key
    assert os.stat(path).st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("header", "starts"),
    [
        (None, None),
        ("bytes=0-", [0]),
        ("bytes=100-199", [100]),
        ("bytes=-500", [500]),
        ("bytes=-5000", [0]),
        ("bytes=0-0, 400-", [0, 400]),
        ("bytes=5-1", None),
        ("items=0-1", None),
        ("bytes=-", None),
        ("bytes=abc", None),
    ],
)
def test_range_headers(header: str | None, starts: list[int] | None) -> None:
    assert requested_starts(header, 1000) == starts


def test_a_view_starts_at_the_first_byte() -> None:
    assert is_new_view(None, 10) and is_new_view("bytes=0-", 10) and is_new_view("junk", 10)
    assert not is_new_view("bytes=5-", 10)


@pytest.fixture
def roots(tmp_path: Path) -> tuple[Path, Path]:
    media = tmp_path / "media"
    (media / "vault-a").mkdir(parents=True)
    (media / "vault-a" / "ch01.mp4").write_bytes(b"video")
    outside = tmp_path / "media-other"
    outside.mkdir()
    (outside / "secret.mp4").write_bytes(b"not yours")
    (media / "escape").symlink_to(outside)
    (media / "vault-a" / "link.mp4").symlink_to(outside / "secret.mp4")
    (media / "inner.mp4").symlink_to(media / "vault-a" / "ch01.mp4")
    return media, outside


def test_paths_under_the_roots_resolve(roots: tuple[Path, Path]) -> None:
    media, _ = roots
    assert resolve_under_roots("vault-a/ch01.mp4", [media]) == media / "vault-a" / "ch01.mp4"
    assert resolve_under_roots(str(media / "vault-a"), [media]) == media / "vault-a"
    assert resolve_under_roots("vault-a/../vault-a/ch01.mp4", [media]).name == "ch01.mp4"
    assert resolve_under_roots("inner.mp4", [media]).name == "ch01.mp4"
    with pytest.raises(FileNotFoundError):
        resolve_under_roots("vault-a/none.mp4", [media])


@pytest.mark.parametrize(
    "attempt",
    [
        "../media-other/secret.mp4",
        "vault-a/../../media-other/secret.mp4",
        "escape/secret.mp4",
        "vault-a/link.mp4",
        "/etc/passwd",
        "{outside}/secret.mp4",
        "{media}-other/secret.mp4",
        "..%2fmedia-other%2fsecret.mp4",
        "%2e%2e/media-other/secret.mp4",
        "vault-a/\x00.mp4",
        "",
    ],
)
def test_nothing_outside_the_roots_is_reached(roots: tuple[Path, Path], attempt: str) -> None:
    media, outside = roots
    path = attempt.format(outside=outside, media=media)
    with pytest.raises((OutsideMediaRoots, FileNotFoundError)):
        resolve_under_roots(path, [media])


def test_no_roots_admit_nothing(roots: tuple[Path, Path]) -> None:
    media, _ = roots
    with pytest.raises(OutsideMediaRoots):
        resolve_under_roots(str(media / "vault-a" / "ch01.mp4"), [])
