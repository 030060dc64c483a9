"""The README's main command on the shipped sample videos finds every planted problem (continuity
and custody violations, the latter with their leg and event), with start and end within 1 s,
and reports nothing else."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

pytestmark = pytest.mark.video

ROOT = Path(__file__).resolve().parents[1]
CONTINUITY_KINDS = {
    "coverage_gap",
    "timestamp_jump",
    "dropped_frames",
    "frozen_video",
    "black_video",
    "decode_error",
    "unreadable_recording",
    "clock_jump",
}


def readme_scan_command() -> list[str]:
    """The `vaultwatch scan ...` part of the README's first command line."""
    first_commands = (ROOT / "README.md").read_text(encoding="utf-8").split("```")[1]
    install_line = first_commands.strip().splitlines()[1]
    scan = install_line[install_line.index("vaultwatch scan") :]
    return shlex.split(scan)


def test_readme_main_command_finds_every_planted_problem(tmp_path, vaultwatch_home):
    command = readme_scan_command()
    out = tmp_path / "findings.json"
    command[command.index("--json") + 1] = str(out)
    executable = Path(sys.executable).with_name("vaultwatch")
    result = subprocess.run(
        [str(executable), *command[1:]],
        cwd=ROOT,
        env={**os.environ, "VAULTWATCH_HOME": str(vaultwatch_home)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    truth = json.loads((ROOT / "sample_videos" / "ground_truth.json").read_text())
    planted = truth["problems"] + truth["custody_violations"]
    assert {p["kind"] for p in truth["problems"]} <= CONTINUITY_KINDS

    unmatched = list(findings)
    for problem in planted:
        match = next(
            (
                f
                for f in unmatched
                if f["kind"] == problem["kind"]
                and f["camera"] == problem["camera"]
                and abs(seconds(f["start"]) - seconds(problem["start"])) <= 1.0
                and abs(seconds(f["end"]) - seconds(problem["end"])) <= 1.0
                and all(f[key] == problem[key] for key in ("rule", "custody_leg", "custody_event")
                        if key in problem)
            ),
            None,
        )  # fmt: skip
        assert match is not None, f"planted problem not found: {problem}\nfound: {findings}"
        unmatched.remove(match)
    assert unmatched == [], f"spurious findings: {unmatched}"


def seconds(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()
