"""`vaultwatch scan PATH...`: analyse recordings, store and print the findings."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tqdm import tqdm

from analyzer.custody import RoomKind
from analyzer.gating import GateSettings
from analyzer.recording import CameraKind
from pipelines import ingest, scan
from pipelines.cli.common import (
    UsageError,
    add_db_option,
    add_site_options,
    command_params,
    open_engine,
    parse_time,
    site_and_zone,
)
from pipelines.cli.custody import custody_conflict, read_custody, report_notes
from pipelines.counting import CountingSetup, every_frame
from pipelines.custody_forms.reader import CustodyForm
from pipelines.detectors import (
    DEFAULT_BUNDLE_MODEL,
    DEFAULT_PERSON_MODEL,
    MOTION_FALLBACK,
    DetectorCatalog,
    DetectorChoice,
    DetectorChoiceError,
    counting_setup,
)
from pipelines.document import findings_document, write_document
from pipelines.scan_and_store import StoredScan, scan_and_store
from pipelines.site import Camera, Site
from pipelines.store import CustodyConflictError, load_custody_events
from pipelines.timeline_csv import write_timeline_csv


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "scan",
        help="find continuity problems in recordings",
        description="Analyse video files or folders of them. Files of one camera are ordered "
        "by their start time and checked for missing time between and inside them, frozen, "
        "black, undecodable, covered, blurred or turned pictures, and jumps of the clock "
        "burned into the picture.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file or folder")
    parser.add_argument("--camera", metavar="ID", help="camera id of all the files given")
    parser.add_argument(
        "--kind", choices=[k.value for k in CameraKind], help="camera kind (default fixed)"
    )
    parser.add_argument(
        "--room",
        metavar="ID",
        help="room the camera watches (the custody rules check its stays with this camera)",
    )
    parser.add_argument(
        "--room-kind",
        choices=[k.value for k in RoomKind],
        default=RoomKind.VAULT.value,
        help="kind of a --room the site file does not have (default vault)",
    )
    parser.add_argument(
        "--start",
        metavar="ISO",
        help="wall-clock start of the recording (one file only); without an offset it is "
        "read in the site's time zone",
    )
    add_site_options(parser)
    add_db_option(parser)
    parser.add_argument("--json", type=Path, metavar="OUT.json", help="write the findings here")
    parser.add_argument(
        "--analysis-fps",
        type=float,
        default=5.0,
        help="pictures a second the picture checks look at (default 5)",
    )
    parser.add_argument(
        "--person-model",
        metavar="NAME",
        help=f"registered model that counts people ('none': do not count; '{MOTION_FALLBACK}': "
        "the low-confidence motion fallback, fixed cameras only; default: the camera's in the "
        f"site file, else the shipped {DEFAULT_PERSON_MODEL})",
    )
    parser.add_argument(
        "--bundle-model",
        metavar="NAME",
        help=f"registered model that counts bundles ('none': do not count; default: the "
        f"camera's in the site file, else the shipped {DEFAULT_BUNDLE_MODEL})",
    )
    parser.add_argument(
        "--count-fps", type=float, help="frames a second people and bundles are counted on"
    )
    parser.add_argument(
        "--timeline", type=Path, metavar="OUT.csv", help="write the per-frame count timeline"
    )
    parser.add_argument(
        "--no-counting", action="store_true", help="check continuity only; count nothing"
    )
    parser.add_argument(
        "--exhaustive",
        action="store_true",
        help="audit mode: decode every frame and count people and bundles on every frame "
        "(or on --count-fps frames a second), skipping nothing; slow: the default screens the "
        "compressed stream and runs the detectors only where the picture changed",
    )
    parser.add_argument(
        "--custody",
        type=Path,
        metavar="FILE",
        help="custody events (handover forms: CSV, JSON or XLSX) to import and check the "
        "video against; events already in the store are always checked",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    site, zone = site_and_zone(args)
    if args.analysis_fps <= 0:
        raise UsageError("--analysis-fps must be positive")
    discovery = ingest.discover(args.paths)
    for problem in discovery.problems:
        sys.stderr.write(f"vaultwatch: {problem}\n")
    if args.start is not None and len(discovery.files) != 1:
        raise UsageError("--start names the start of one recording; give exactly one file")
    if not discovery.files:
        raise UsageError("no video files to scan")
    if args.count_fps is not None:
        if args.count_fps <= 0:
            raise UsageError("--count-fps must be positive")
        site = site.model_copy(
            update={"counting": site.counting.model_copy(update={"fps": args.count_fps})}
        )
    if args.exhaustive:
        site = site.model_copy(
            update={"counting": site.counting.model_copy(update={"detector_gate": None})}
        )
    options = scan.ScanOptions(
        site=site,
        zone=zone,
        camera=args.camera,
        camera_kind=CameraKind(args.kind) if args.kind else None,
        room=args.room,
        room_kind=RoomKind(args.room_kind),
        start=None if args.start is None else parse_time(args.start, zone, "--start"),
        analysis_every_s=1.0 / args.analysis_fps,
        gate=None if args.exhaustive else GateSettings(),
    )
    # The flags mean what a site file saying the same would: the files' cameras and the room
    # join the site, so the custody rules know which camera watches which room.
    described = scan.site_for_files(discovery.files, options)
    options = replace(options, site=described)
    if not args.no_counting:
        cameras = (scan.camera_for(path, options) for path in discovery.files)
        scanned = {camera.id: camera for camera in cameras}
        options = replace(options, counting=_counting_for(args, described, scanned.values()))
    engine = open_engine(args.db)
    try:
        # A bad custody file is refused before hours of video are decoded; it is read against
        # the stored events, so it may continue a lot's custody from earlier forms.
        custody = None
        if args.custody is not None:
            with Session(engine) as session:
                history = load_custody_events(session)
            custody = read_custody(
                args.custody, site=_form_site(site, described), zone=zone, history=history
            )
            report_notes(custody)
        try:
            stored = _scan_with_progress(
                engine, discovery.files, options, custody, command_params("scan", args)
            )
        except CustodyConflictError as exc:
            # A form contradicting the stored events is refused before decoding
            # (`read_custody`); this one met events imported while the video was scanned.
            if custody is None:
                raise
            raise custody_conflict(custody, exc) from exc
    finally:
        engine.dispose()
    result, findings, summary = stored.result, stored.findings, stored.summary
    if args.json is not None:
        write_document(findings_document(result.recordings, findings, zone), args.json)
    if args.timeline is not None:
        write_timeline_csv(result.count_timelines, zone, args.timeline)
    by_kind = Counter(f.kind.value for f in findings)
    sys.stdout.write(
        f"{len(result.recordings)} recordings, {len(findings)} findings"
        + "".join(f"\n  {kind}: {n}" for kind, n in sorted(by_kind.items()))
        + f"\nstored as scan {summary.scan_id}: {summary.findings_new} new findings, "
        f"{summary.findings_known} already known\n"
    )
    # Paths that gave nothing are bad input even when the rest was scanned.
    return 2 if discovery.problems else 0


def _form_site(site_file: Site, described: Site) -> Site:
    """The site a handover form is checked against: its locations must be rooms and its
    devices cameras only where the site file lists rooms or cameras (with those the flags
    add); without a site file a form may name any place and any recorder."""
    return described.model_copy(
        update={
            "rooms": described.rooms if site_file.rooms else [],
            "cameras": described.cameras if site_file.cameras else [],
        }
    )


def _counting_for(
    args: argparse.Namespace, site: Site, scanned: Iterable[Camera]
) -> Callable[[Camera], CountingSetup | None]:
    """Checks the chosen models on the cameras of the files now, so a wrong name fails before
    any video is decoded (the site's other cameras are not scanned and not judged)."""
    catalog = DetectorCatalog()
    choice = DetectorChoice(person_model=args.person_model, bundle_model=args.bundle_model)
    for camera in scanned:
        _setup(camera, choice, site, catalog)

    # The audit counts every frame unless asked for a rate: it is what the default is checked
    # against, so it samples nothing the default might skip.
    audit = args.exhaustive and args.count_fps is None

    def setup_for(camera: Camera) -> CountingSetup | None:
        setup = _setup(camera, choice, site, catalog)
        return every_frame(setup) if audit and setup is not None else setup

    return setup_for


def _setup(
    camera: Camera, choice: DetectorChoice, site: Site, catalog: DetectorCatalog
) -> CountingSetup | None:
    try:
        return counting_setup(camera, choice=choice, settings=site.counting, catalog=catalog)
    except DetectorChoiceError as exc:
        raise UsageError(str(exc)) from exc


def _scan_with_progress(
    engine: Engine,
    files: list[Path],
    options: scan.ScanOptions,
    custody: CustodyForm | None,
    params: dict[str, Any],
) -> StoredScan:
    if not sys.stderr.isatty():
        return scan_and_store(engine, files, options, params=params, custody=custody)
    with tqdm(desc="scanning", unit="s video", unit_scale=True, file=sys.stderr) as bar:
        return scan_and_store(
            engine, files, options, params=params, custody=custody, progress=bar.update
        )
