"""The linters the project holds itself to, run as part of the suite so CI enforces them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).with_name(command[0])
    if not tool.exists() and shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is not installed: pip install -e '.[test]'")
    executable = str(tool) if tool.exists() else command[0]
    return subprocess.run(
        [executable, *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_lint_and_format():
    lint = run_tool("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = run_tool("ruff", "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_strict_on_the_package():
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_product_code_never_reads_shared():
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("analyzer", "models", "pipelines", "api")
        for path in (ROOT / package).rglob("*.py")
        if "../shared" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
