"""The nightly inventory walks the site's media roots but never follows a symlink among the
files out of them: such a file is not hashed, and the run lists it as a problem."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from pipelines.nightly.inventory import take_inventory
from pipelines.store import open_store


def test_a_link_out_of_the_roots_is_not_inventoried(tmp_path: Path) -> None:
    root, outside = tmp_path / "nvr", tmp_path / "elsewhere"
    (root / "cam").mkdir(parents=True)
    outside.mkdir()
    (root / "cam" / "a.mp4").write_bytes(b"inside")
    (outside / "secret.mp4").write_bytes(b"outside")
    (root / "cam" / "b.mp4").symlink_to(outside / "secret.mp4")
    hashed: list[Path] = []

    def fake_hash(path: Path) -> str:
        hashed.append(path)
        return "0" * 64

    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    with Session(engine) as session:
        inventory = take_inventory(session, [root], at=datetime.now(UTC), hash_file=fake_hash)
    engine.dispose()
    assert hashed == [(root / "cam" / "a.mp4").resolve()]
    assert [Path(f.path).name for f in inventory.files] == ["a.mp4"]
    assert any("b.mp4: leads outside the media roots" in p for p in inventory.problems)
