"""Default store location and URL normalisation (no database needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.store import UnsupportedDatabaseError, create_store_engine, default_db_url
from pipelines.store.urls import normalize_url, user_data_dir


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("VAULTWATCH_DB", "VAULTWATCH_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    return tmp_path


def test_vaultwatch_db_wins(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULTWATCH_DB", "postgresql://db.example/vw")
    monkeypatch.setenv("VAULTWATCH_HOME", str(clean_env / "ignored"))
    assert default_db_url() == "postgresql://db.example/vw"


def test_vaultwatch_home(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULTWATCH_HOME", str(clean_env / "vw home"))
    assert default_db_url() == f"sqlite:///{clean_env}/vw home/vaultwatch.db"


@pytest.mark.parametrize(
    ("xdg_data_home", "expected"),
    [
        (None, ".local/share/vaultwatch"),
        ("{home}/xdg", "xdg/vaultwatch"),
        ("relative/xdg", ".local/share/vaultwatch"),  # the XDG spec says: ignore it
        ("", ".local/share/vaultwatch"),
    ],
)
def test_user_data_dir_follows_xdg(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, xdg_data_home: str | None, expected: str
) -> None:
    if xdg_data_home is not None:
        monkeypatch.setenv("XDG_DATA_HOME", xdg_data_home.format(home=clean_env))
    assert user_data_dir() == clean_env / expected
    assert default_db_url() == f"sqlite:///{clean_env / expected / 'vaultwatch.db'}"


def test_default_url_does_not_create_the_directory(clean_env: Path) -> None:
    default_db_url()
    assert not (clean_env / ".local").exists()


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite"),
        ("sqlite+pysqlite:///x.db", "sqlite+pysqlite"),
    ],
)
def test_normalize_url(url: str, driver: str) -> None:
    assert normalize_url(url).drivername == driver


def test_unsupported_backend_is_refused() -> None:
    with pytest.raises(UnsupportedDatabaseError, match="mysql"):
        create_store_engine("mysql://u@h/db")
