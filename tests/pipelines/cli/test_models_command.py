"""`vaultwatch models ...` and model choice in `vaultwatch scan`, end to end."""

from __future__ import annotations

import csv
from datetime import datetime

import numpy as np
import pytest

from pipelines.cli import main
from tests.clips import noisy_scene, regular, write_clip
from tests.conftest import shared_path


def test_import_list_verify_and_refusals(tmp_path, vaultwatch_home, capsys):
    model = shared_path("models", "yolox_nano.onnx")
    assert main(["models", "import", str(model), "--name", "nano", "--format", "yolox"]) == 0
    assert "imported nano (yolox, sha256 " in capsys.readouterr().out
    assert main(["models", "list"]) == 0
    listed = capsys.readouterr().out
    assert "nano\tyolox\t416x416\tpersons=person\tbundles=-\timported" in listed

    # refusals: a missing file, a corrupt ONNX, a taken name, an unknown class
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(model.read_bytes()[:5000])
    for argv, message in [
        ([str(tmp_path / "absent.onnx"), "--name", "x"], "absent.onnx"),
        ([str(corrupt), "--name", "x"], "corrupt.onnx"),
        ([str(model), "--name", "nano"], "nano"),
        ([str(model), "--name", "y", "--bundle-classes", "sealed_bag"], "sealed_bag"),
    ]:
        before = sorted(p.relative_to(vaultwatch_home) for p in vaultwatch_home.rglob("*"))
        assert main(["models", "import", *argv, "--format", "yolox"]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
        assert sorted(p.relative_to(vaultwatch_home) for p in vaultwatch_home.rglob("*")) == before

    assert main(["models", "verify"]) == 0
    weights = next((vaultwatch_home / "models" / "nano").glob("*.onnx"))
    weights.write_bytes(weights.read_bytes() + b"tampered")
    assert main(["models", "verify"]) == 1
    assert "nano\tFAILED" in capsys.readouterr().out
    clip = write_clip(tmp_path / "clip.mp4", regular(2, 10), noisy_scene())
    assert main(["scan", str(clip), "--person-model", "nano", "--bundle-model", "none"]) == 2
    assert "nano" in capsys.readouterr().err


def test_the_motion_fallback_is_refused_on_a_handheld_recorder(tmp_path, capsys):
    clip = write_clip(tmp_path / "clip.mp4", regular(2, 10), noisy_scene())
    argv = ["scan", str(clip), "--kind", "handheld", "--person-model", "motion"]
    assert main(argv) == 2
    assert "motion fallback" in capsys.readouterr().err


@pytest.mark.video
@pytest.mark.shared
@pytest.mark.parametrize("kind", ["fixed", "handheld"])
def test_a_fresh_install_counts_people_with_the_shipped_model(tmp_path, kind, capsys):
    """No model imported, no site file: people are counted by YOLOX-Nano on fixed cameras and
    handheld recorders alike, with the detector's own confidence (not the fallback's 0.3)."""
    video = shared_path("videos", "one-by-one-person-detection.mp4")
    out = tmp_path / "timeline.csv"
    argv = ["scan", str(video), "--kind", kind, "--tz", "UTC", "--timeline", str(out)]
    assert main(argv) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    persons = np.array([int(r["persons"]) for r in rows])
    confidence = np.array([float(r["confidence"]) for r in rows])
    # The clip shows one person at a time for most of its 139 s, nobody in between.
    assert 0.6 <= np.mean(persons == 1) <= 0.95 and np.mean(persons == 0) >= 0.05
    assert np.median(confidence[persons == 1]) >= 0.5


def _timeline(path):
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    seconds = np.array([datetime.fromisoformat(r["time"]).timestamp() for r in rows])
    return seconds, np.array([int(r["persons"]) for r in rows])


@pytest.mark.video
@pytest.mark.shared
def test_the_audit_counts_every_frame_and_the_default_agrees_with_it(tmp_path):
    """`--exhaustive` is the reference the screened default answers to: every frame of the
    real clip (10 fps) is counted by the detector; `--count-fps` still thins it; and the
    default's counts match the audit's wherever the default sampled."""
    video = shared_path("videos", "one-by-one-person-detection.mp4")
    common = ["scan", str(video), "--kind", "fixed", "--tz", "UTC", "--bundle-model", "none"]
    paths = {name: tmp_path / f"{name}.csv" for name in ("default", "audit", "audit2")}
    assert main([*common, "--timeline", str(paths["default"])]) == 0
    assert main([*common, "--exhaustive", "--timeline", str(paths["audit"])]) == 0
    argv = [*common, "--exhaustive", "--count-fps", "2", "--timeline", str(paths["audit2"])]
    assert main(argv) == 0
    default_s, default_persons = _timeline(paths["default"])
    audit_s, audit_persons = _timeline(paths["audit"])
    audit2_s, _ = _timeline(paths["audit2"])
    assert np.median(np.diff(audit_s)) == pytest.approx(0.1, abs=0.01)  # every frame
    assert len(audit_s) >= 10 * (audit_s[-1] - audit_s[0])
    assert np.median(np.diff(audit2_s)) == pytest.approx(0.5, abs=0.01)
    # The default's samples are frames the audit counted too: the counts agree on nearly all
    # (a few differ where a person is half in view at the picture's edge).
    at = np.searchsorted(audit_s, default_s - 1e-3)
    assert np.abs(audit_s[at] - default_s).max() < 1e-2
    assert np.mean(audit_persons[at] == default_persons) >= 0.95


def test_unknown_model_name_fails_before_scanning(tmp_path, capsys):
    clip = write_clip(tmp_path / "clip.mp4", regular(2, 10), noisy_scene())
    assert main(["scan", str(clip), "--person-model", "nosuch"]) == 2
    err = capsys.readouterr().err
    assert "nosuch" in err and "error" in err


@pytest.mark.video
def test_timeline_with_the_motion_fallback(tmp_path):
    base = noisy_scene(640, 360)

    def walker(index: int, time: float) -> np.ndarray:
        image = base(index, time).copy()
        if 3.0 <= time < 9.0:  # a dark figure walks across the room
            x = int(60 + (time - 3.0) * 60)
            image[120:300, x : x + 50] = 30
        return image

    clip = write_clip(tmp_path / "cam_20261124080000.mp4", regular(12, 10), walker)
    out = tmp_path / "timeline.csv"
    args = ["scan", str(clip), "--tz", "UTC", "--person-model", "motion", "--bundle-model", "none"]
    assert main([*args, "--timeline", str(out)]) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0]) == ["time", "camera", "persons", "bundles", "confidence"]
    assert rows[0]["time"] == "2026-11-24T08:00:00.000+00:00"
    assert len(rows) == pytest.approx(24, abs=2)  # 2 fps by default
    assert {r["bundles"] for r in rows} == {""}  # not measured, not zero
    assert all(float(r["confidence"]) <= 0.3 for r in rows)  # the fallback is low confidence
    persons = {r["time"][17:19]: int(r["persons"]) for r in rows}
    assert persons["05"] == persons["07"] == 1
    assert persons["01"] == persons["11"] == 0


def test_the_motion_fallback_may_be_named_for_a_vault_of_a_site_with_phones(tmp_path):
    """Only the cameras of the files scanned are judged: a site's phones do not refuse
    `--person-model motion` on its vault's recordings."""
    site = tmp_path / "site.yaml"
    site.write_text(
        "cameras: [{id: vault-1, kind: fixed}, {id: phone-1, kind: handheld}]\n", encoding="utf-8"
    )
    (tmp_path / "vault-1").mkdir()
    clip = write_clip(tmp_path / "vault-1" / "clip.mp4", regular(2, 10), noisy_scene())
    argv = ["scan", str(clip), "--site", str(site), "--person-model", "motion", "--tz", "UTC"]
    assert main([*argv, "--bundle-model", "none"]) == 0
