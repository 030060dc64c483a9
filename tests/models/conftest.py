from __future__ import annotations

from pathlib import Path

import pytest

from models.registry import ENV_HOME, ModelRegistry

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SKIP_SHARED = "../shared (real models and footage beside the checkout) is absent"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh VAULTWATCH_HOME for `ModelRegistry.from_env()`; not created yet."""
    path = tmp_path / "home"
    monkeypatch.setenv(ENV_HOME, str(path))
    return path


@pytest.fixture
def builtin_dir(tmp_path: Path) -> Path:
    path = tmp_path / "builtin"
    path.mkdir()
    return path


@pytest.fixture
def registry(home: Path, builtin_dir: Path) -> ModelRegistry:
    return ModelRegistry(home, builtin_dir=builtin_dir)
