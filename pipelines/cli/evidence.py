"""`vaultwatch export`, `vaultwatch verify` and `vaultwatch keys show`: evidence packages."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from analyzer.wallclock import iso
from pipelines.cli.common import (
    UsageError,
    add_db_option,
    add_site_options,
    open_engine,
    parse_time,
    site_and_zone,
)
from pipelines.evidence.contents import ExportError, ExportRequest, gather
from pipelines.evidence.package import check_output, write_package
from pipelines.evidence.signing import SigningKeyError, load_key, load_or_create_key
from pipelines.evidence.verify import PackageUnusable, verify_package
from pipelines.store.audit import AuditEntry, append_audit
from pipelines.store.audit_anchor import keep_anchor
from pipelines.store.exports import ExportRecord, save_export


def register(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="write a signed evidence package of a period",
        description="Copy the original recordings overlapping the period, its findings, custody "
        "events and legs, versions and a report into a new folder or ZIP, with a manifest of "
        "SHA-256 hashes signed with this installation's Ed25519 key.",
    )
    export.add_argument("--case", required=True, help="case name, e.g. the leak's reference")
    export.add_argument("--from", dest="since", required=True, metavar="T", help="ISO-8601")
    export.add_argument("--to", dest="until", required=True, metavar="T", help="ISO-8601")
    export.add_argument("--lot", help="only this lot's custody records and findings")
    export.add_argument("--camera", action="append", default=[], metavar="ID",
                        help="only this camera's recordings and findings (repeatable)")  # fmt: skip
    export.add_argument("--out", required=True, type=Path, metavar="DIR|ZIP",
                        help="a new (or empty) folder, or a new .zip file")  # fmt: skip
    export.add_argument("--cosign-key", type=Path, metavar="PATH",
                        help="2nd Ed25519 private key (PEM) co-signing the manifest")  # fmt: skip
    export.add_argument("--clips", action="store_true",
                        help="stream-copied clips of flagged intervals, not originals")  # fmt: skip
    add_site_options(export)
    add_db_option(export)
    export.set_defaults(run=run_export)

    verify = commands.add_parser(
        "verify",
        help="check an evidence package's hashes and signature",
        description="Recompute every file's SHA-256 and check the manifest's signature. Exit 0 "
        "only when everything verifies, 1 when anything differs, 2 when it is no package.",
    )
    verify.add_argument("package", type=Path, metavar="PACKAGE", help="folder or ZIP")
    verify.add_argument("--expect-fingerprint", metavar="HEX",
                        help="the signer's key fingerprint it must have")  # fmt: skip
    verify.set_defaults(run=run_verify)

    keys = commands.add_parser("keys", help="the signing key of evidence packages")
    actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="print the public key's fingerprint (made if absent)")
    show.set_defaults(run=run_keys_show)


def run_export(args: argparse.Namespace) -> int:
    _, zone = site_and_zone(args)
    since = parse_time(args.since, zone, "--from")
    until = parse_time(args.until, zone, "--to")
    try:
        # Before anything is made (the key, the store): a bad request writes nothing.
        request = ExportRequest(
            case=args.case,
            since=since,
            until=until,
            zone=zone,
            lot=args.lot,
            cameras=tuple(dict.fromkeys(args.camera)),
            clips=args.clips,
        )
        check_output(args.out)
        key = load_or_create_key()
        cosigner = None if args.cosign_key is None else load_key(args.cosign_key)
    except (ExportError, SigningKeyError) as exc:
        raise UsageError(str(exc)) from exc
    engine = open_engine(args.db)
    now = time.time()  # one moment for the manifest and the store's record
    try:
        with Session(engine) as session:
            contents = gather(session, request)
            result = write_package(
                contents,
                out=args.out,
                key=key,
                created_at=iso(now, zone),
                cosigner=cosigner,
            )
            export_id = save_export(
                session,
                ExportRecord(
                    case=request.case,
                    since=request.since,
                    until=request.until,
                    lot=request.lot,
                    cameras=request.cameras,
                    manifest_sha256=result.manifest_sha256,
                    signer_fingerprint=key.fingerprint,
                    created_by=_os_user(),
                    created_at=datetime.fromtimestamp(now, UTC),
                    out_path=str(args.out.resolve()),
                ),
            )
            # The export and its audit record commit together, or neither does.
            append_audit(
                session,
                AuditEntry(
                    actor=_os_user(),
                    role="",
                    action="export.create",
                    object_type="export",
                    object_id=str(export_id),
                    client="command line",
                    detail={
                        "case": request.case,
                        "from": iso(request.since, zone),
                        "to": iso(request.until, zone),
                        "lot": request.lot,
                        "cameras": list(request.cameras),
                        "clips": request.clips,
                        "manifest_sha256": result.manifest_sha256,
                        "signer": key.fingerprint,
                        "out": str(args.out.resolve()),
                        "audit_records_included": len(contents.audit),
                    },
                ),
                at=datetime.fromtimestamp(now, UTC),
            )
            session.commit()
        if contents.anchor is not None:
            keep_anchor(contents.anchor)
    except ExportError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        engine.dispose()
    manifest = result.manifest
    copied = "clips of" if request.clips else "exported"
    sys.stdout.write(
        f"{copied} {len(contents.recordings)} recording(s), {len(contents.findings)} "
        f"finding(s), {len(contents.events)} custody event(s) to {args.out}\n"
        f"manifest sha256 {result.manifest_sha256}\nsigned by {manifest.signer_fingerprint}\n"
    )
    if cosigner is not None:
        sys.stdout.write(f"co-signed by {cosigner.fingerprint}\n")
    return 0


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user with no name: its uid says who
        return f"uid {os.getuid()}"


def run_verify(args: argparse.Namespace) -> int:
    try:
        report = verify_package(args.package, expect_fingerprint=args.expect_fingerprint)
    except PackageUnusable as exc:
        raise UsageError(str(exc)) from exc
    for problem in report.problems:
        sys.stdout.write(problem.line() + "\n")
    if args.expect_fingerprint is None:
        # Anyone can sign a package with a key of their own: only the fingerprint the sender
        # gave through another channel says whose it is.
        sys.stderr.write(
            "vaultwatch: WARNING: no --expect-fingerprint given: the signature only shows the "
            f"package is unchanged since key {report.fingerprint or 'unknown'} signed it; "
            "compare that fingerprint with the one the sender gave you by another channel\n"
        )
    signer = report.fingerprint or "unknown"
    if report.cosigner_fingerprint is not None:
        signer += f", co-signer {report.cosigner_fingerprint}"
    if report.ok:
        sys.stdout.write(
            f"OK: {report.files_checked} file(s) match the signed manifest; signer {signer}\n"
        )
        return 0
    sys.stdout.write(f"FAILED: {len(report.problems)} problem(s); signer key {signer}\n")
    return 1


def run_keys_show(args: argparse.Namespace) -> int:
    try:
        key = load_or_create_key()
    except SigningKeyError as exc:
        raise UsageError(str(exc)) from exc
    sys.stdout.write(f"{key.fingerprint}\n{key.path}\n")
    return 0
