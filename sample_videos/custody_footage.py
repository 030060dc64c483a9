"""Writes the custody scenario: vault-b NVR segments, the phone-2 clip, the custody form, and
the ground truth of the custody violations planted in them.

`generate.generate()` calls `write_custody(out)`; everything lands in `out`/custody/.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import numpy as np
from custody_scene import vault_b_plate
from custody_story import (
    BUNDLES,
    PHONE_PLATE,
    PHONE_VIEW,
    STORY_START,
    PhoneCamera,
    PhoneCarriers,
    PhoneStory,
    VaultActors,
    VaultStory,
    bundle_looks,
    phone_story,
    vault_story,
    when,
)
from generate import (
    DAY_START,
    HANDHELD_INTERVAL_MS,
    HANDHELD_NOMINAL_FPS,
    HANDHELD_X264_PARAMS,
    SEED,
    VAULT_FPS,
    VAULT_SIZE,
    VAULT_X264_PARAMS,
    Image,
    Scene,
    Sensor,
    burn_osd,
    corridor_plate,
    encode_mp4,
    hms,
    iso,
    ms_of_day,
)

FOLDER = "custody"
LOT = "L2026-001"
STAFF = ("李娜", "王伟")  # A, B

VAULT_B_CAMERA = "vault-b"
VAULT_B_ROOM = "vault-2"
VAULT_B_CHANNEL = "ch02"
VAULT_B_LABEL = "VAULT-B CH02"
# NVR segments of vault-b in story seconds. They split where the room is empty: the motion
# detector learns each file's background afresh from its first frames.
VAULT_B_SEGMENTS = ((0, 95), (95, 120))

PHONE_CAMERA = "phone-2"
OFFICE = "office-1"
LATE_START_S = 15  # the phone starts filming this long after the departure
PHONE_CLIP_MS = 30_600
# The papers are signed in at the exam office just after the clip ends (less than the 1 s
# that would count as a gap in the handheld coverage), and after every recording has ended,
# so that no stay in the office (which has no camera) begins while video is still running.
OFFICE_AFTER_CLIP_S = 0.4
MIN_SHARE = 0.4  # a bundle counts as in the picture with 40 % of it there (the label rule)


@dataclass(frozen=True)
class Event:
    """One line of the custody form (the analyzer's `CustodyEvent` columns)."""

    event_id: str
    t: float  # story second
    type: str
    location: str
    device: str
    note: str

    def row(self) -> list[str]:
        time = iso(when(self.t))
        persons = ";".join(STAFF)
        return [
            self.event_id,
            time,
            self.type,
            LOT,
            self.location,
            str(len(BUNDLES)),
            persons,
            self.device,
            self.note,
        ]


def events(vault: VaultStory, clip_start: float) -> list[Event]:
    office = clip_start + PHONE_CLIP_MS / 1000 + OFFICE_AFTER_CLIP_S
    return [
        Event("E01", vault.arrive, "arrive", VAULT_B_ROOM, "", "received from the print shop"),
        Event(
            "E02", vault.depart, "depart", VAULT_B_ROOM, PHONE_CAMERA, "taken to the exam office"
        ),
        Event("E03", office, "arrive", OFFICE, "", "received at the exam office"),
    ]


def custody_csv(rows: list[Event]) -> str:
    """The form as CSV text (UTF-8, LF line ends)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(
        ["event_id", "time", "type", "lot", "location", "bundles", "persons", "device", "note"]
    )
    writer.writerows(event.row() for event in rows)
    return text.getvalue()


# --------------------------------------------------------------------------------------------
# Cameras
# --------------------------------------------------------------------------------------------


def scene_offset() -> float:
    """Scene seconds (since generate.DAY_START) of story second 0."""
    return (STORY_START - DAY_START).total_seconds()


@dataclass(frozen=True)
class VaultB:
    """The vault-b camera: its story, layer, scene and sensor."""

    story: VaultStory
    layer: VaultActors
    scene: Scene
    sensor: Sensor

    @classmethod
    def build(cls) -> VaultB:
        story = vault_story()
        plate = vault_b_plate()
        layer = VaultActors(story, plate, scene_offset(), bundle_looks())
        sensor = Sensor(VAULT_B_CAMERA, noise_sigma=2.5, flicker=0.02)
        return cls(story, layer, Scene(plate, (layer,)), sensor)

    def frame(self, t: float) -> Image:
        """The frame of story second `t` as the camera records it: light, noise, OSD."""
        wall = when(t)
        t_ms = ms_of_day(wall)
        image = self.sensor.expose(self.scene.at(t_ms / 1000), t_ms)
        burn_osd(image, wall, VAULT_B_LABEL)
        return image


def segment_name(start: float, end: float) -> str:
    """Hikvision export name of a vault-b segment, local time."""
    fmt = "%Y%m%d%H%M%S"
    return f"{VAULT_B_CHANNEL}_{when(start):{fmt}}_{when(end):{fmt}}.mp4"


def write_segment(path: Path, camera: VaultB, start: float, end: float) -> Path:
    """Encode vault-b from story second `start` to `end` into `path`."""
    step = 1000 // VAULT_FPS

    def frames() -> Iterator[tuple[Image, int, int]]:
        for pts in range(0, round((end - start) * 1000), step):
            yield camera.frame(start + pts / 1000), pts, step

    encode_mp4(path, frames(), size=VAULT_SIZE, rate=VAULT_FPS, x264_params=VAULT_X264_PARAMS)
    return path


def phone_schedule(total_ms: int, seed: int = SEED) -> list[tuple[int, int]]:
    """(pts ms, duration ms) of the phone clip: seeded jittery intervals (like handheld-1)
    that end exactly at `total_ms`; the last two frames share what is left."""
    rng = np.random.default_rng([seed, 16])
    lo, hi = HANDHELD_INTERVAL_MS
    frames: list[tuple[int, int]] = []
    pts = 0
    while total_ms - pts > 2 * hi:
        step = int(rng.integers(lo, hi + 1))
        frames.append((pts, step))
        pts += step
    rest = total_ms - pts
    if rest > hi:
        frames.append((pts, rest // 2))
        pts += rest // 2
    frames.append((pts, total_ms - pts))
    return frames


@dataclass(frozen=True)
class Phone2:
    """The phone-2 recorder: the clip's story, carriers layer, camera path and sensor."""

    story: PhoneStory
    layer: PhoneCarriers
    camera: PhoneCamera
    scene: Scene
    sensor: Sensor

    @classmethod
    def build(cls, start: float) -> Phone2:
        story = phone_story(start, start + PHONE_CLIP_MS / 1000)
        layer = PhoneCarriers(story, scene_offset(), bundle_looks())
        plate = corridor_plate(*PHONE_PLATE)
        sensor = Sensor(PHONE_CAMERA, noise_sigma=3.0, flicker=0.01)
        return cls(story, layer, PhoneCamera(story), Scene(plate, (layer,)), sensor)

    def frame(self, t: float) -> Image:
        """The phone's picture at story second `t` (no clock overlay: phones burn none)."""
        t_ms = ms_of_day(when(t))
        view = self.camera.look(self.scene.at(t_ms / 1000), t)
        return self.sensor.expose(view, t_ms)

    @property
    def file_name(self) -> str:
        return f"VID_{when(self.story.start):%Y%m%d_%H%M%S}_P2.mp4"


def write_phone(out: Path, phone: Phone2) -> Path:
    """Write the phone-2 clip into `out`/custody/phone-2; return its path."""
    folder = out / FOLDER / PHONE_CAMERA
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / phone.file_name

    def frames() -> Iterator[tuple[Image, int, int]]:
        for pts, duration in phone_schedule(PHONE_CLIP_MS):
            yield phone.frame(phone.story.start + pts / 1000), pts, duration

    encode_mp4(
        path,
        frames(),
        size=PHONE_VIEW,
        rate=HANDHELD_NOMINAL_FPS,
        x264_params=HANDHELD_X264_PARAMS,
    )
    return path


# --------------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------------


def first_change(times: list[float], value: Callable[[float], bool]) -> float | None:
    """The first of `times` (in order) where `value` is true."""
    return next((t for t in times if value(t)), None)


def lone_stretches(vault: VaultB, start: float, end: float) -> list[tuple[float, float]]:
    """Stretches of at least 5 s within [start, end) where exactly one person is in sight of
    vault-b, to the frame (0.1 s): the first frame with one person to the first without."""
    coarse = [start + k * 0.5 for k in range(int((end - start) / 0.5))]
    alone = [vault.layer.truth(t)[0] == 1 for t in coarse]
    stretches = []
    k = 0
    while k < len(coarse):
        if not alone[k]:
            k += 1
            continue
        j = k
        while j + 1 < len(coarse) and alone[j + 1]:
            j += 1
        fine_start = [coarse[k] - 0.4 + 0.1 * i for i in range(5)] + [coarse[k]]
        first = first_change(fine_start, lambda t: vault.layer.truth(t)[0] == 1) or coarse[k]
        after = coarse[j] + 0.5
        fine_end = [coarse[j] + 0.1 * i for i in range(1, 6)]
        last = first_change(fine_end, lambda t: vault.layer.truth(t)[0] != 1) or after
        if last - first >= 5.0:
            stretches.append((round(max(first, start), 1), round(min(last, end), 1)))
        k = j + 1
    return stretches


def off_camera_stretches(phone: Phone2) -> list[tuple[float, float, str]]:
    """Stretches of the clip where a bundle is less than 40 % in the picture (the detector's
    label rule), to the frame: (first frame without it, first frame with it again, bundle)."""
    story = phone.story
    times = [story.start + pts / 1000 for pts, _ in phone_schedule(PHONE_CLIP_MS)]
    plate = phone.scene.plate
    out = []
    gone: dict[str, float] = {}
    for t in times:
        coarse_ok = not (story.turn_away - 1 <= t <= story.turn_back + story.turn_s + 1)
        if coarse_ok and round((t - story.start) * 1000) % 1000 > 80:
            continue  # away from the turn, check about once a second
        shares = phone.layer.bundles_in_view(phone.camera, plate, t)
        for name, share in shares.items():
            if share < MIN_SHARE and name not in gone:
                gone[name] = t
            elif share >= MIN_SHARE and name in gone:
                out.append((gone.pop(name), t, name))
    out.extend((t, story.end, name) for name, t in gone.items())
    return out


@dataclass(frozen=True)
class Violation:
    """One planted custody violation, as the rules should report it."""

    kind: str
    rule: str
    camera: str
    start: float
    end: float
    leg: str
    event: str
    note: str

    def as_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "rule": self.rule,
            "camera": self.camera,
            "start": iso(when(self.start)),
            "end": iso(when(self.end)),
            "custody_leg": self.leg,
            "custody_event": self.event,
            "note": self.note,
        }


def leg_id(first: Event, second: Event) -> str:
    """The analyzer's leg id (`analyzer.legs.derive_legs`)."""
    return f"{LOT}/{first.event_id}-{second.event_id}"


def media_jobs(out: Path) -> list[Callable[[], object]]:
    """The custody scenario's video files, one job each (independent, for a process pool),
    longest first."""
    jobs: list[Callable[[], object]] = [
        partial(write_vault_b_segment, out, start, end) for start, end in VAULT_B_SEGMENTS
    ]
    jobs.insert(1, partial(write_phone_clip, out))
    return jobs


def write_vault_b_segment(out: Path, start: float, end: float) -> Path:
    """One vault-b segment (a pool job: builds its own camera)."""
    folder = out / FOLDER / VAULT_B_CAMERA
    folder.mkdir(parents=True, exist_ok=True)
    return write_segment(folder / segment_name(start, end), VaultB.build(), start, end)


def write_phone_clip(out: Path) -> Path:
    """The phone-2 clip (a pool job: builds its own camera)."""
    return write_phone(out, Phone2.build(vault_story().depart + LATE_START_S))


def clear_media(out: Path) -> None:
    """Remove custody media of an earlier run (file names change with the story)."""
    for pattern in (f"{VAULT_B_CAMERA}/{VAULT_B_CHANNEL}_*.mp4", f"{PHONE_CAMERA}/VID_*.mp4"):
        for stale in (out / FOLDER).glob(pattern):
            stale.unlink()


def write_form_and_truth(out: Path) -> list[dict[str, str]]:
    """Write custody.csv into `out`/custody and return the planted violations (ground truth),
    in time order. The truth is measured on exact renders of the story, not on the videos."""
    vault = VaultB.build()
    story = vault.story
    clip_start = story.depart + LATE_START_S
    phone = Phone2.build(clip_start)
    form = events(story, clip_start)
    arrive, depart, office = form
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "custody.csv").write_text(custody_csv(form), encoding="utf-8")

    stay, move = leg_id(arrive, depart), leg_id(depart, office)
    truths = []
    lone = lone_stretches(vault, story.arrive, story.depart)
    if len(lone) != 1:
        raise RuntimeError(f"vault-b: expected one lone-person stretch in the stay, got {lone}")
    ((lone_start, lone_end),) = lone
    truths.append(
        Violation(
            "lone_person",
            "V7",
            VAULT_B_CAMERA,
            lone_start,
            lone_end,
            stay,
            arrive.event_id,
            f"B ({STAFF[1]}, striped jumper) is out of sight behind the closing door from "
            f"{hms(when(lone_start))}; A ({STAFF[0]}, green jacket) stays alone with the papers "
            f"for {lone_end - lone_start:.1f} s and slips {story.hidden_bundle} off the rack "
            f"under the jacket; B is back in the doorway at {hms(when(lone_end))}",
        )
    )
    window = 30.0
    truths.append(
        Violation(
            "bundle_count_mismatch",
            "V10",
            VAULT_B_CAMERA,
            depart.t - window,
            depart.t + window,
            stay,
            depart.event_id,
            f"the form says {len(BUNDLES)} bundles at the departure; within 30 s of it at most "
            f"3 are in sight on the rack: {story.hidden_bundle} is under A's jacket",
        )
    )
    truths.append(
        Violation(
            "late_recording_start",
            "V4",
            PHONE_CAMERA,
            depart.t,
            clip_start,
            move,
            depart.event_id,
            f"the papers leave {VAULT_B_ROOM} at {hms(when(depart.t))}; the phone-2 clip starts "
            f"{LATE_START_S} s later (allowed 10 s)",
        )
    )
    off = off_camera_stretches(phone)
    if len(off) != 1:
        raise RuntimeError(f"phone-2: expected one bundle out of the picture, got {off}")
    ((off_start, off_end, off_bundle),) = off
    truths.append(
        Violation(
            "paper_off_camera",
            "V5",
            PHONE_CAMERA,
            off_start,
            off_end,
            move,
            depart.event_id,
            f"the phone turns away and {off_bundle} (in A's right hand) is out of the picture "
            f"for {off_end - off_start:.1f} s; 3 of the {len(BUNDLES)} bundles in sight",
        )
    )
    return [t.as_json() for t in sorted(truths, key=lambda v: v.start)]


def write_custody(out: Path) -> list[dict[str, str]]:
    """Write the whole custody scenario into `out`/custody, one file after the other, and
    return its ground truth (`generate.generate` runs the same jobs in parallel)."""
    clear_media(out)
    for job in media_jobs(out):
        job()
    return write_form_and_truth(out)


# --------------------------------------------------------------------------------------------
# Checking the product's counts against the story
# --------------------------------------------------------------------------------------------


def expected_counts(camera: str, times: Sequence[float]) -> list[tuple[int | None, int]]:
    """(people, bundles) in sight at each story second of `times` on `camera` (vault-b or
    phone-2), from exact renders; people are None on phone-2 (not counted on handhelds)."""
    if camera == VAULT_B_CAMERA:
        vault = VaultB.build()
        return [(people, bundles) for people, bundles in map(vault.layer.truth, times)]
    phone = Phone2.build(vault_story().depart + LATE_START_S)
    plate = phone.scene.plate
    counts: list[tuple[int | None, int]] = []
    for t in times:
        shares = phone.layer.bundles_in_view(phone.camera, plate, t)
        counts.append((None, int(sum(share >= MIN_SHARE for share in shares.values()))))
    return counts


def compare_timeline(path: Path) -> str:
    """How often the count timeline `vaultwatch scan --timeline` wrote to `path` agrees
    with the story, per camera and class, with the samples that disagree."""
    rows: dict[str, list[tuple[float, str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            t = (datetime.fromisoformat(row["time"]) - STORY_START).total_seconds()
            rows.setdefault(row["camera"], []).append((t, row["persons"], row["bundles"]))
    lines = []
    for camera in (VAULT_B_CAMERA, PHONE_CAMERA):
        samples = rows.get(camera, [])
        if not samples:
            lines.append(f"{camera}: no samples in {path}")
            continue
        expected = expected_counts(camera, [t for t, _, _ in samples])
        for index, what in ((0, "persons"), (1, "bundles")):
            pairs = [
                (t, want[index], int(got[index]))
                for (t, *got), want in zip(samples, expected, strict=True)
                if want[index] is not None and got[index]
            ]
            if not pairs:
                continue
            wrong = [(round(t, 1), want, got) for t, want, got in pairs if want != got]
            share = 1 - len(wrong) / len(pairs)
            lines.append(
                f"{camera} {what}: {share:.1%} of {len(pairs)} samples agree; "
                f"(story s, expected, counted) where not: {wrong}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: compare a count timeline of the custody footage with the story."""
    parser = argparse.ArgumentParser(description=compare_timeline.__doc__)
    parser.add_argument("timeline", type=Path, help="CSV from `vaultwatch scan --timeline`")
    args = parser.parse_args(argv)
    print(compare_timeline(args.timeline))


if __name__ == "__main__":
    main()
