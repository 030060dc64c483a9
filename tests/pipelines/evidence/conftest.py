"""A store holding the scanned custody sample (vault-b and the phone-2 move, with their
handover form), shared by the module's tests, and a helper that exports from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli import main

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "sample_videos"
SITE = SAMPLES / "site.yaml"
PERIOD = ["--from", "2026-11-24T08:29:00+08:00", "--to", "2026-11-24T08:35:00+08:00"]


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a SQLite store with `sample_videos/custody` scanned against its form."""
    folder = tmp_path_factory.mktemp("evidence-store")
    url = f"sqlite:///{folder / 'store.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAULTWATCH_HOME", str(folder / "home"))
        argv = ["scan", str(SAMPLES / "custody"), "--site", str(SITE), "--db", url,
                "--custody", str(SAMPLES / "custody" / "custody.csv")]  # fmt: skip
        assert main(argv) == 0
    return url


def export(store: str, out: Path, *extra: str, case: str = "LEAK-2026-07") -> int:
    """Run `vaultwatch export` of the sample period into `out`; returns the exit code."""
    argv = ["export", "--case", case, *PERIOD, "--site", str(SITE), "--db", store,
            "--out", str(out), *extra]  # fmt: skip
    return main(argv)
