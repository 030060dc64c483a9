"""The custody scenario: who moves where, when, with which bundle (vault-b and phone-2).

Story time `T` is seconds after 08:30:00 local on the sample day (`STORY_START`). See
README.md ("Custody scenario") for the story and the planted violations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import cv2
import numpy as np
import numpy.typing as npt
from custody_scene import (
    RACK_SCALE,
    RACK_STAND_Y,
    VB_DOOR,
    VB_THRESHOLD_Y,
    BundleKind,
    BundlePose,
    BundleSpec,
    Facing,
    Gait,
    Outfit,
    Route,
    Stop,
    body_plan,
    canvas_of,
    draw_bundle,
    draw_person,
    flat_pose,
    furniture_sprite,
    standing_pose,
    swing_hands,
    upright_pose,
    vault_scale,
)
from generate import TZ, Image, Point

from pipelines.training import synth_textures as tex
from pipelines.training.synth_draw import CLUTTER, Canvas
from pipelines.training.synth_scene import Person

STORY_START = datetime(2026, 11, 24, 8, 30, 0, tzinfo=TZ)
PERSON_OWNER = 100  # owner ids of people in the truth render: 101, 102, ...
MIN_VISIBLE = 0.4  # the training label rule: a bundle counts when 40 % of it is in sight
MIN_PERSON_PX = 400  # a person counts when this much of them is in sight (640 x 360)


def when(t: float) -> datetime:
    """Wall-clock time of story second `t`."""
    return STORY_START + timedelta(seconds=t)


# --------------------------------------------------------------------------------------------
# Cast and bundles
# --------------------------------------------------------------------------------------------

# Staff A (dark green jacket) works on the left of the room and is the one left alone with the
# papers; staff B (maroon jumper) works on the right, by the door, and goes out once.
OUTFIT_A = Outfit(
    height_cm=158,
    skin=(104, 140, 190),
    shirt=(50, 90, 40),
    trousers=(34, 30, 30),
    hair=(22, 22, 26),
)
OUTFIT_B = Outfit(
    height_cm=166,
    skin=(112, 150, 200),
    shirt=(48, 36, 132),
    trousers=(58, 50, 40),
    hair=(30, 34, 44),
    stripes=(70, 150, 196),  # a striped jumper: the motion detector cannot learn it away
)

# The lot's four bundles: white sealed exam-paper bags with seal strips, labels and red stamps
# (the training renderer's `plastic_bag`). Size and texture seeds are ones the shipped detector
# recognises in these views (see README.md).
BUNDLES = (
    BundleSpec("bag-1", BundleKind.WHITE_BAG, 52, 30, 7, 0),
    BundleSpec("bag-2", BundleKind.WHITE_BAG, 52, 30, 7, 2),
    BundleSpec("bag-3", BundleKind.WHITE_BAG, 52, 30, 7, 4),
    BundleSpec("bag-4", BundleKind.WHITE_BAG, 52, 30, 7, 3),
)
SPECS = {spec.name: spec for spec in BUNDLES}


def bundle_looks() -> dict[str, tex.Look]:
    """Each bundle's textures (seeded, the same every run)."""
    return {spec.name: spec.look() for spec in BUNDLES}


# --------------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------------

Waypoint = tuple[float, float] | tuple[float, float, float] | tuple[float, float, float, Facing]
"""(x, y) feet in the picture, optionally a pause in s there and which way the person faces."""


def timed(t0: float, t1: float, points: Sequence[Waypoint]) -> list[Stop]:
    """Stops that walk through `points` from `t0` to `t1` at one steady pace: the pauses take
    their time and the walking between points shares the rest by distance."""
    walking = sum(
        math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(points, points[1:], strict=False)
    )
    pauses = sum(p[2] for p in points if len(p) > 2)
    speed = walking / (t1 - t0 - pauses) if walking else 0.0
    if walking and not 15 <= speed <= 140:
        raise ValueError(f"walk {t0:g}-{t1:g} s needs {speed:.0f} px/s")
    stops: list[Stop] = []
    t = t0
    for k, point in enumerate(points):
        if k:
            prev = points[k - 1]
            t += math.hypot(point[0] - prev[0], point[1] - prev[1]) / speed
        facing = point[3] if len(point) > 3 else Facing.AUTO
        stops.append(Stop(t, point[0], point[1], facing))
        if len(point) > 2 and point[2] > 0:
            t += point[2]
            stops.append(Stop(t, point[0], point[1], facing))
    return stops


def route(*pieces: list[Stop]) -> Route:
    """One route from consecutive pieces (each piece starts where the last one ended)."""
    stops: list[Stop] = []
    for piece in pieces:
        if stops and (piece[0].x, piece[0].y) != (stops[-1].x, stops[-1].y):
            raise ValueError(f"piece at {piece[0].t:g} s does not start where the last ended")
        stops.extend(piece[1:] if stops else piece)
    return Route(tuple(stops))


# --------------------------------------------------------------------------------------------
# Bundles: who or what holds each one, and since when
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnRack:
    """Standing on the storage rack, centred on column `x`."""

    x: float


@dataclass(frozen=True)
class Carried:
    """In `person`'s arms, `level` from the bottom of what they carry."""

    person: str
    level: int


@dataclass(frozen=True)
class Hidden:
    """Out of the camera's sight (under a jacket)."""


Holder = OnRack | Carried | Hidden


@dataclass(frozen=True)
class Hand:
    """From `t` on, the bundle is with `holder`; it takes `duration` s to get there."""

    t: float
    holder: Holder
    duration: float = 0.8


DOOR_X = (VB_DOOR[0] + VB_DOOR[2]) / 2
BEYOND_Y = 212.0  # feet row of someone in the corridor behind the open doorway
DOOR_SWING_S = 0.5


@dataclass(frozen=True)
class Door:
    """The vault door: for each opening, when it starts to open and when it starts to close."""

    openings: tuple[tuple[float, float], ...]

    def open_fraction(self, t: float) -> float:
        """0 closed .. 1 wide open at story second `t`."""
        for start, close in self.openings:
            if start <= t < close + DOOR_SWING_S:
                opening = min(1.0, (t - start) / DOOR_SWING_S)
                closing = min(1.0, (close + DOOR_SWING_S - t) / DOOR_SWING_S)
                return max(0.0, min(opening, closing))
        return 0.0


@dataclass(frozen=True)
class Actor:
    """A person on one route (someone who goes out and comes back has two actors)."""

    person: str
    outfit: Outfit
    route: Route
    sway_seed: float


@dataclass(frozen=True)
class VaultStory:
    """Everything that happens in vault-2, and the times the ground truth is made of."""

    actors: tuple[Actor, ...]
    door: Door
    hands: dict[str, tuple[Hand, ...]]
    arrive: float
    depart: float
    hidden_bundle: str

    def people(self) -> list[str]:
        return sorted({actor.person for actor in self.actors})


# Two bundles side by side on each of two rack boards: close enough to make one wide blob for
# the motion detector (a single bundle must never look like a person to it).
# The four bags stand side by side on the rack, far enough apart for the detector to tell them
# apart; each is wider than high, so the motion detector never takes one for a person.
RACK_SLOTS = (343.0, 429.0, 515.0, 601.0)


def vault_story() -> VaultStory:
    """Two staff bring the four bags in and stand them on the rack; B goes out and A, alone,
    takes one and slips it under the jacket; B comes back; at the departure the rack shows
    three bags, and both leave with them.

    A keeps to the left of the room (desk, cabinet, left of the rack) and B to the right (door,
    right of the rack): two people side by side make one blob for the motion detector, so they
    never stand in line with each other, and neither ever stands still for long.
    """
    back, front = Facing.BACK, Facing.FRONT
    a = route(
        timed(9.4, 10.6, [(DOOR_X, 200), (DOOR_X, BEYOND_Y), (DOOR_X, 234)]),
        timed(10.6, 17.4, [(DOOR_X, 234), (370, 248, 4.0, front)]),  # bags on the rack
        timed(
            17.4,
            44.0,
            [
                (370, 248),
                (260, 258),
                (120, 262),
                (230, 264),
                (90, 258),
                (300, 252),
                (150, 264),
                (70, 258),
                (250, 262),
                (130, 256),
                (320, 250),
                (200, 264),
                (330, 250),
            ],
        ),
        timed(44.0, 45.4, [(330, 250, 1.4, front)]),  # alone: takes bag-1 off the rack
        timed(45.4, 48.4, [(330, 250, 3.0, back)]),  # and slips it under the jacket
        timed(
            48.4,
            73.8,
            [
                (330, 250),
                (210, 262),
                (80, 258),
                (260, 264),
                (110, 256),
                (300, 260),
                (160, 264),
                (70, 256),
                (240, 260),
                (120, 264),
                (330, 252),
                (390, 248),
            ],
        ),
        timed(73.8, 76.2, [(390, 248, 2.4, front)]),  # takes bag-3 for the departure
        timed(76.2, 79.5, [(390, 248), (300, 256), (230, 262), (340, 252), (390, 248)]),
        timed(79.5, 81.0, [(390, 248), (DOOR_X, 234)]),
        timed(81.0, 82.3, [(DOOR_X, 234), (DOOR_X, BEYOND_Y), (DOOR_X, 200)]),
    )
    b_first = route(
        timed(12.4, 13.6, [(DOOR_X, 200), (DOOR_X, BEYOND_Y), (DOOR_X, 234)]),
        timed(13.6, 18.4, [(DOOR_X, 234), (560, 246, 3.4, front)]),  # bags on the rack
        timed(
            18.4,
            40.6,
            [
                (560, 246),
                (470, 256),
                (620, 236),
                (520, 256),
                (600, 250),
                (460, 236),
                (625, 246),
                (500, 234),
                (590, 258),
                (464, 250),
                (560, 240),
            ],
        ),
        timed(40.6, 41.8, [(560, 240), (DOOR_X, 234)]),
        timed(41.8, 43.1, [(DOOR_X, 234), (DOOR_X, BEYOND_Y), (DOOR_X, 200)]),
    )
    b_back = route(
        timed(54.6, 55.8, [(DOOR_X, 200), (DOOR_X, BEYOND_Y), (DOOR_X, 234)]),
        timed(
            55.8,
            74.4,
            [
                (DOOR_X, 234),
                (620, 250),
                (464, 238),
                (600, 236),
                (520, 258),
                (470, 246),
                (625, 240),
                (490, 234),
                (610, 256),
                (560, 246),
            ],
        ),
        timed(74.4, 77.4, [(560, 246, 3.0, front)]),  # takes bag-2 and bag-4
        timed(77.4, 78.4, [(560, 246), (DOOR_X, 234)]),
        timed(78.4, 79.7, [(DOOR_X, 234), (DOOR_X, BEYOND_Y), (DOOR_X, 200)]),
    )
    hands = {
        # A brings bag-1 and bag-3, B brings bag-2 and bag-4.
        "bag-1": (
            Hand(0.0, Carried("A", 1), 0.0),
            Hand(14.0, OnRack(RACK_SLOTS[0])),
            Hand(44.4, Carried("A", 0)),
            Hand(47.4, Hidden(), 0.0),  # under A's jacket, A's back to the camera
        ),
        "bag-3": (
            Hand(0.0, Carried("A", 0), 0.0),
            Hand(15.0, OnRack(RACK_SLOTS[1])),
            Hand(74.2, Carried("A", 0)),
        ),
        "bag-2": (
            Hand(0.0, Carried("B", 1), 0.0),
            Hand(15.6, OnRack(RACK_SLOTS[2])),
            Hand(74.8, Carried("B", 0)),
        ),
        "bag-4": (
            Hand(0.0, Carried("B", 0), 0.0),
            Hand(16.6, OnRack(RACK_SLOTS[3])),
            Hand(76.0, Carried("B", 1)),
        ),
    }
    actors = (
        Actor("A", OUTFIT_A, a, 0.0),
        Actor("B", OUTFIT_B, b_first, 1.7),
        Actor("B", OUTFIT_B, b_back, 1.7),
    )
    openings = ((9.4, 10.8), (12.4, 13.8), (41.3, 42.6), (54.6, 56.0), (77.9, 79.2), (80.5, 82.3))
    return VaultStory(
        actors=actors,
        door=Door(openings),
        hands=hands,
        arrive=15.0,
        depart=81.0,
        hidden_bundle="bag-1",
    )


# --------------------------------------------------------------------------------------------
# Vault-b layer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A person as drawn at one moment."""

    actor: Actor
    gait: Gait
    body: Person
    owner: int


@dataclass(frozen=True)
class Placed:
    """A bundle in sight: its pose, its holder, the holder it is leaving (while it moves),
    and the person whose hands it is in (if any)."""

    pose: BundlePose
    holder: Holder
    leaving: Holder | None
    person: str | None

    @property
    def on_rack(self) -> bool:
        """On the rack or on its way to or from it: drawn in front of the rack."""
        return isinstance(self.holder, OnRack) or isinstance(self.leaving, OnRack)


@dataclass
class VaultActors:
    """The people, the door and the bundles of vault-2: a `generate.Layer` (`draw(image, t)`
    with `t` in scene seconds; story second 0 is scene second `offset`)."""

    story: VaultStory
    plate: Image
    offset: float
    looks: dict[str, tex.Look]

    def __post_init__(self) -> None:
        self._furniture = furniture_sprite(self.plate)
        self._owners = {name: k + 1 for k, name in enumerate(SPECS)}
        self._people = {name: PERSON_OWNER + k + 1 for k, name in enumerate(self.story.people())}

    def figures(self, t: float) -> list[Figure]:
        """Everyone on a route at story second `t`, furthest from the camera first."""
        out = []
        for actor in self.story.actors:
            if actor.route.start <= t < actor.route.end:
                gait = actor.route.at(t)
                body = body_plan(actor.outfit, gait, vault_scale(gait.y), actor.sway_seed)
                out.append(Figure(actor, gait, body, self._people[actor.person]))
        return sorted(out, key=lambda f: f.gait.y)

    def resting_pose(
        self, name: str, holder: Holder, figures: dict[str, Figure], t: float
    ) -> BundlePose | None:
        """Where a bundle is while it stays with `holder` (None: nowhere in sight)."""
        spec = SPECS[name]
        if isinstance(holder, OnRack):
            return standing_pose(spec, holder.x, RACK_STAND_Y, RACK_SCALE)
        if isinstance(holder, Carried) and holder.person in figures:
            body = figures[holder.person].body
            below = 0.0
            for other, hands in self.story.hands.items():
                now = holder_at(hands, t)[0]
                if isinstance(now, Carried) and now.person == holder.person:
                    below += SPECS[other].t if now.level < holder.level else 0.0
            x, y = body.at(0, 96 + below * 0.9)
            return flat_pose(spec, x, y, body.scale, fore=0.6)
        return None

    def bundle_poses(self, t: float, figures: dict[str, Figure]) -> dict[str, Placed]:
        """Every bundle in sight at story second `t`: pose, holder, who has it in hand."""
        out: dict[str, Placed] = {}
        for name, hands in self.story.hands.items():
            holder, previous, progress = holder_at(hands, t)
            pose = self.resting_pose(name, holder, figures, t)
            who = holder.person if isinstance(holder, Carried) else None
            if progress < 1 and previous is not None:
                before = self.resting_pose(name, previous, figures, t)
                if isinstance(previous, Carried):
                    who = previous.person
                if before is not None and pose is not None:
                    pose = before.lerp(pose, progress)
                elif before is not None:  # going out of sight: stays where it was
                    pose = before
            if pose is not None:
                moving = progress < 1 and previous is not None
                out[name] = Placed(pose, holder, previous if moving else None, who)
        return out

    def draw(self, image: Image, scene_t: float) -> None:
        self.paint(canvas_of(image), scene_t - self.offset)

    def paint(self, canvas: Canvas, t: float) -> None:
        """Paint story second `t` onto `canvas` (owner ids: bundles 1-4, people 101+)."""
        image = canvas.image
        opened = self.story.door.open_fraction(t)
        x0, y0, x1, y1 = VB_DOOR
        if opened > 0:
            image[y0:y1, x0:x1] = corridor_view(opened)
            canvas.owner[y0:y1, x0:x1] = CLUTTER
        figures = self.figures(t)
        poses = self.bundle_poses(t, {f.actor.person: f for f in figures})
        for name, placed in poses.items():
            if placed.person is None and not placed.on_rack:
                draw_bundle(canvas, self.looks[name], placed.pose, self._owners[name])
        for figure in figures:
            gait, body = figure.gait, figure.body
            mine = [
                (self.looks[n], p.pose, self._owners[n])
                for n, p in poses.items()
                if p.person == figure.actor.person and not p.on_rack
            ]
            reach = [p.pose for p in poses.values() if p.person == figure.actor.person]
            hands = hands_for(body, gait, t, reach)
            if gait.y < VB_THRESHOLD_Y:  # in the corridor: seen only through the doorway
                if opened <= 0:
                    continue
                scratch = Canvas(image.copy(), canvas.owner.copy())
                draw_person(scratch, body, gait, figure.actor.outfit, hands, figure.owner, mine)
                image[y0:y1, x0:x1] = scratch.image[y0:y1, x0:x1]
                canvas.owner[y0:y1, x0:x1] = scratch.owner[y0:y1, x0:x1]
            else:
                draw_person(canvas, body, gait, figure.actor.outfit, hands, figure.owner, mine)
        if opened > 0:  # the door leaf, swung away into the corridor, hides who is behind it
            leaf = door_leaf(self.plate, opened)
            image[y0:y1, x0 : x0 + leaf.shape[1]] = leaf
            canvas.owner[y0:y1, x0 : x0 + leaf.shape[1]] = CLUTTER
        self._furniture.paste(image, canvas.owner, CLUTTER)
        for name, placed in poses.items():
            if placed.on_rack:
                draw_bundle(canvas, self.looks[name], placed.pose, self._owners[name])

    def truth(self, t: float) -> tuple[int, int]:
        """(people, bundles) in sight at story second `t`, from an exact render: a bundle
        counts when 40 % of it is in sight (the detector's label rule), a person when at
        least `MIN_PERSON_PX` pixels of them are."""
        canvas = Canvas(self.plate.copy(), np.full(self.plate.shape[:2], -1, np.int32))
        self.paint(canvas, t)
        seen = np.bincount(canvas.owner[canvas.owner > 0].ravel(), minlength=PERSON_OWNER + 10)
        people = int(np.count_nonzero(seen[PERSON_OWNER + 1 :] >= MIN_PERSON_PX))
        figures = {f.actor.person: f for f in self.figures(t)}
        bundles = 0
        for name, placed in self.bundle_poses(t, figures).items():
            area = cv2.contourArea(cv2.convexHull(placed.pose.outline.astype(np.float32)))
            bundles += int(seen[self._owners[name]] >= MIN_VISIBLE * max(area, 1.0))
        return people, bundles


def holder_at(hands: Sequence[Hand], t: float) -> tuple[Holder, Holder | None, float]:
    """(holder now, holder before, progress 0..1 of the move to the holder now)."""
    k = max((i for i, h in enumerate(hands) if h.t <= t), default=0)
    hand = hands[k]
    previous = hands[k - 1].holder if k > 0 else None
    progress = 1.0 if hand.duration <= 0 else min(1.0, max(0.0, (t - hand.t) / hand.duration))
    return hand.holder, previous, progress


def hands_for(
    body: Person, gait: Gait, t: float, held: Sequence[BundlePose]
) -> tuple[Point, Point]:
    """Hands on the sides of what the person holds (the lowest bundle's bottom), else
    swinging with the walk or gesturing."""
    if not held:
        return swing_hands(body, gait, t)
    pts = np.concatenate([pose.outline for pose in held])
    x0, x1 = float(pts[:, 0].min()), float(pts[:, 0].max())
    y = float(pts[:, 1].max()) - 3 * body.scale
    return (x0 + 2 * body.scale, y), (x1 - 2 * body.scale, y)


def corridor_view(opened: float) -> Image:
    """What the open doorway shows of the corridor beyond: wall, floor, darker further in."""
    x0, y0, x1, y1 = VB_DOOR
    h, w = y1 - y0, x1 - x0
    corridor = np.empty((h, w, 3), np.float32)
    corridor[:] = (142, 150, 150)
    corridor[int(h * 0.82) :] = (96, 104, 110)
    corridor *= np.linspace(0.72, 0.95, h, dtype=np.float32)[:, None, None]
    return np.clip(corridor, 0, 255).astype(np.uint8)


def door_leaf(plate: Image, opened: float) -> Image:
    """The door leaf swung `opened` (0..1) of its 80 degrees: narrower and darker."""
    x0, y0, x1, y1 = VB_DOOR
    width = max(1, round((x1 - x0) * math.cos(math.radians(80 * opened))))
    leaf = cv2.resize(plate[y0:y1, x0:x1], (width, y1 - y0), interpolation=cv2.INTER_AREA)
    darker = np.asarray(leaf, np.float32) * (1 - 0.3 * opened)
    return np.asarray(np.clip(darker, 0, 255), np.uint8)


# --------------------------------------------------------------------------------------------
# Phone-2: the walk from vault-2 to the exam office, filmed from behind the two carriers
# --------------------------------------------------------------------------------------------

PHONE_PLATE = (1200, 600)  # (w, h) of the corridor plate the phone looks at
PHONE_VIEW = (640, 360)  # (w, h) of the phone's (landscape) picture
PHONE_FOCAL = 330.0  # px; the corridor plate's pinhole camera, 1.5 m above the floor
PHONE_HORIZON = PHONE_PLATE[1] * 0.46


@dataclass(frozen=True)
class Carrier:
    """Someone walking down the corridor ahead of the phone, a bundle in each hand.

    x_m: metres right of the corridor's axis; z_m: mean distance ahead of the phone, which
    drifts by `drift_m` as the two walk at slightly different paces; bundles: left hand,
    right hand (as seen from behind: left in the picture).
    """

    person: str
    outfit: Outfit
    x_m: float
    z_m: float
    drift_m: float
    drift_period_s: float
    bundles: tuple[str, str]
    phase0: float


@dataclass(frozen=True)
class PhoneStory:
    """The clip: when it starts and ends (story s), who carries what, when the phone turns
    away so that the right-most bundle leaves the picture."""

    start: float
    end: float
    carriers: tuple[Carrier, ...]
    turn_away: float  # story s the phone starts turning left
    turn_back: float  # story s it starts turning back
    turn_s: float = 0.7
    turn_px: float = 235.0


def phone_story(start: float, end: float) -> PhoneStory:
    """B and A carry two bags each, bag-1 (the one A hid) in A's right hand now; the phone
    turns away for about five seconds, twelve seconds into the clip."""
    return PhoneStory(
        start=start,
        end=end,
        carriers=(
            Carrier("B", OUTFIT_B, -0.55, 1.85, 0.12, 9.0, ("bag-2", "bag-4"), 2.1),
            Carrier("A", OUTFIT_A, 0.55, 2.0, 0.1, 7.0, ("bag-3", "bag-1"), 0.0),
        ),
        turn_away=start + 12.0,
        turn_back=start + 12.0 + 0.7 + 4.6,
    )


def smoothstep(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


@dataclass(frozen=True)
class PhoneCamera:
    """The phone held by a third person walking behind the carriers: steps bob it, the hand
    shakes and rolls it, it slowly pushes in, and it turns away once (`story.turn_*`)."""

    story: PhoneStory
    seed: int = 11

    def matrix(self, t: float) -> npt.NDArray[np.float64]:
        """2x3 affine matrix from plate pixels to view pixels at story second `t`."""
        rng = np.random.default_rng([20261124, self.seed])
        freqs = np.array([0.6, 1.1, 1.9, 3.1])
        phases = rng.uniform(0, 2 * np.pi, size=(3, freqs.size))
        amps = np.array([1.0, 0.6, 0.35, 0.2])
        c = t - self.story.start
        shake = [float(np.sum(amps * np.sin(2 * np.pi * freqs * c + ph))) for ph in phases]
        s = self.story
        turned = smoothstep((t - s.turn_away) / s.turn_s) - smoothstep((t - s.turn_back) / s.turn_s)
        pan_x = 14 * math.sin(2 * math.pi * c / 13.0) + 3.5 * shake[0] - s.turn_px * turned
        pan_y = 5 * math.sin(2 * math.pi * c / 0.55) + 3.0 * shake[1]  # steps
        roll = 1.0 * shake[2]
        zoom = 1.0 + 0.05 * c / max(s.end - s.start, 1.0)
        centre = (PHONE_PLATE[0] / 2 + pan_x, 400.0 + pan_y)
        m = cv2.getRotationMatrix2D(centre, roll, zoom)
        m[0, 2] += PHONE_VIEW[0] / 2 - centre[0]
        m[1, 2] += PHONE_VIEW[1] / 2 - centre[1]
        return np.asarray(m, np.float64)

    def look(self, scene: Image, t: float, flags: int = cv2.INTER_LINEAR) -> Image:
        """The phone's view of the plate-sized `scene` (h, w[, 3]) at story second `t`."""
        view = cv2.warpAffine(
            scene, self.matrix(t), PHONE_VIEW, flags=flags, borderMode=cv2.BORDER_REFLECT
        )
        return np.asarray(view, scene.dtype)


@dataclass
class PhoneCarriers:
    """The carriers and their bundles in the corridor plate: a `generate.Layer` whose `t` is
    the scene second; story second 0 is scene second `offset`."""

    story: PhoneStory
    offset: float
    looks: dict[str, tex.Look]

    def __post_init__(self) -> None:
        self._owners = {name: k + 1 for k, name in enumerate(SPECS)}

    def draw(self, image: Image, scene_t: float) -> None:
        self.paint(canvas_of(image), scene_t - self.offset)

    def placed(self, t: float) -> list[tuple[Carrier, Person, Gait, list[BundlePose]]]:
        """Each carrier's body and bundle poses at story second `t`, furthest first."""
        out = []
        c = t - self.story.start
        for carrier in self.story.carriers:
            z = carrier.z_m + carrier.drift_m * math.sin(2 * math.pi * c / carrier.drift_period_s)
            scale = PHONE_FOCAL / z / 100  # px per cm
            x = PHONE_PLATE[0] / 2 + PHONE_FOCAL * carrier.x_m / z
            feet = PHONE_HORIZON + PHONE_FOCAL * 1.5 / z
            phase = carrier.phase0 + 2 * math.pi * 1.1 * c / 1.3  # 1.1 m/s, 1.3 m a cycle
            gait = Gait(x, feet, phase, 1.0, (0.0, -1.0), Facing.BACK, 0.0)
            body = body_plan(carrier.outfit, gait, scale, 0.0)
            poses = []
            for side, name in zip((-1, 1), carrier.bundles, strict=True):
                swing = 6 * math.sin(phase + side * 0.4)
                hx, hy = body.at(side * 30, 72)
                top = hy - 0.1 * SPECS[name].d * body.scale
                poses.append(upright_pose(SPECS[name], hx, top, body.scale, swing, 15 * side))
            out.append((carrier, body, gait, poses))
        return sorted(out, key=lambda item: -item[0].z_m)

    def paint(self, canvas: Canvas, t: float) -> None:
        for carrier, body, gait, poses in self.placed(t):
            carried = [
                (self.looks[name], pose, self._owners[name])
                for name, pose in zip(carrier.bundles, poses, strict=True)
            ]
            hands = (
                (float(poses[0].quad[:2, 0].mean()), float(poses[0].quad[:2, 1].mean()) + 3),
                (float(poses[1].quad[:2, 0].mean()), float(poses[1].quad[:2, 1].mean()) + 3),
            )
            owner = PERSON_OWNER + 1 + self.story.carriers.index(carrier)
            draw_person(canvas, body, gait, carrier.outfit, hands, owner, carried, False)

    def bundles_in_view(self, camera: PhoneCamera, plate: Image, t: float) -> dict[str, float]:
        """Share (0..1) of each bundle's visible pixels that lies inside the phone's picture."""
        canvas = Canvas(plate.copy(), np.full(plate.shape[:2], -1, np.int32))
        self.paint(canvas, t)
        m = camera.matrix(t)
        zoom2 = abs(float(np.linalg.det(m[:, :2])))
        view = camera.look(canvas.owner, t, cv2.INTER_NEAREST)
        out = {}
        for name, owner in self._owners.items():
            total = np.count_nonzero(canvas.owner == owner) * zoom2
            out[name] = np.count_nonzero(view == owner) / total if total else 0.0
        return out
