"""Where VaultWatch keeps its data: imported models, the default store, finding frames.

It lives in the lowest layer that may touch the environment, so that models, pipelines and the
service all agree on one directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "vaultwatch"


def user_data_dir() -> Path:
    """The per-user data directory VaultWatch uses when `VAULTWATCH_HOME` is not set.

    Linux and other Unixes follow XDG (`$XDG_DATA_HOME/vaultwatch`, else
    `~/.local/share/vaultwatch`); macOS uses `~/Library/Application Support/vaultwatch`;
    Windows `%LOCALAPPDATA%\\vaultwatch`. The directory is not created here.
    """
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_DIR_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR_NAME
    xdg = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says relative values are invalid and must be ignored.
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / APP_DIR_NAME
    return Path.home() / ".local" / "share" / APP_DIR_NAME


def vaultwatch_home() -> Path:
    """`$VAULTWATCH_HOME` if set, else `user_data_dir()`. Not created here."""
    home = os.environ.get("VAULTWATCH_HOME", "")
    return Path(home).expanduser() if home else user_data_dir()
