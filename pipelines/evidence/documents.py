"""The readable files of a package: findings (JSON, CSV), custody records, versions, the
HTML report and README.txt. Each is bytes that depend only on the export's contents, never on
the time of export, so two exports of one case hold identical files."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
from collections.abc import Sequence
from typing import Any

from analyzer.wallclock import iso
from pipelines.document import finding_entry, findings_document
from pipelines.evidence.contents import ExportContents
from pipelines.evidence.manifest import MANIFEST, PUBLIC_KEY, SIGNATURE

FINDING_COLUMNS = (
    "id", "rule", "kind", "camera", "recording_sha256", "start", "end", "duration_s",
    "severity", "detail", "custody_event", "custody_leg",
)  # fmt: skip


def json_bytes(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def findings_json(contents: ExportContents) -> bytes:
    """The findings document (`scan --json` shape) of the period's recordings and findings."""
    zone = contents.request.zone
    return json_bytes(findings_document(contents.recordings, contents.findings, zone))


def findings_csv(contents: ExportContents) -> bytes:
    """One row per finding, the columns of `FINDING_COLUMNS`."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    for finding in contents.findings:
        entry = finding_entry(finding, contents.request.zone)
        writer.writerow(["" if entry[c] is None else entry[c] for c in FINDING_COLUMNS])
    return text.getvalue().encode()


def recordings_json(contents: ExportContents, package_paths: dict[str, str]) -> bytes:
    """Each original: where it was scanned, its SHA-256 and where it is in the package."""
    zone = contents.request.zone
    return json_bytes(
        [
            {
                "package_path": package_paths.get(r.sha256),
                "original_path": r.path,
                "sha256": r.sha256,
                "size": r.size_bytes,
                "camera": r.camera,
                "start": iso(r.start, zone),
                "end": iso(r.end, zone),
            }
            for r in contents.recordings
        ]
    )


def events_json(contents: ExportContents) -> bytes:
    zone = contents.request.zone
    return json_bytes(
        [
            {**dataclasses.asdict(e), "time": iso(e.time, zone), "type": e.type.value}
            for e in contents.events
        ]
    )


def legs_json(contents: ExportContents) -> bytes:
    zone = contents.request.zone
    return json_bytes(
        [
            {
                **dataclasses.asdict(leg),
                "kind": leg.kind.value,
                "start": iso(leg.start, zone),
                "end": iso(leg.end, zone),
            }
            for leg in contents.legs
        ]
    )


def audit_json(contents: ExportContents) -> bytes:
    """The audit records touching the package's findings, recordings and lot, as stored:
    each with its place in the chain and its hash (see `pipelines.store.audit`)."""
    return json_bytes(
        {
            "hash": "sha256 of the canonical JSON of seq, at, actor, role, action, object_type, "
            "object_id, client, detail and prev_hash (sorted keys, no spaces, UTF-8)",
            "records": [
                {
                    "seq": r.seq,
                    "at": r.at.isoformat(timespec="microseconds"),
                    "actor": r.entry.actor,
                    "role": r.entry.role,
                    "action": r.entry.action,
                    "object_type": r.entry.object_type,
                    "object_id": r.entry.object_id,
                    "client": r.entry.client,
                    "detail": dict(r.entry.detail),
                    "prev_hash": r.prev_hash,
                    "hash": r.hash,
                }
                for r in contents.audit
            ],
        }
    )


def versions_json(contents: ExportContents, product_version: str, analyzer_version: str) -> bytes:
    return json_bytes(
        {
            "product_version": product_version,
            "analyzer_version": analyzer_version,
            "models": [dataclasses.asdict(m) for m in contents.models],
        }
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(contents: ExportContents, package_paths: dict[str, str]) -> bytes:
    """A self-contained page: case, period, recordings, findings, custody events and legs."""
    request = contents.request
    zone = request.zone
    period = f"{iso(request.since, zone)} – {iso(request.until, zone)}"
    filters = f"lot {request.lot or 'all'}; cameras {', '.join(request.cameras) or 'all'}"
    sections = [
        f"<h1>Evidence package: {html.escape(request.case)}</h1>",
        f"<p>Period {html.escape(period)}; {html.escape(filters)}.</p>",
        f"<h2>Original recordings ({len(contents.recordings)})</h2>",
        _table(
            ["file in package", "camera", "start", "end", "SHA-256"],
            [
                [
                    package_paths.get(r.sha256, "(not copied)"),
                    r.camera,
                    iso(r.start, zone),
                    iso(r.end, zone),
                    r.sha256,
                ]
                for r in contents.recordings
            ],
        ),
        f"<h2>Findings ({len(contents.findings)})</h2>",
        _table(
            ["rule", "kind", "camera", "start", "end", "severity", "detail", "custody leg"],
            [
                [
                    f.rule,
                    f.kind.value,
                    f.camera,
                    iso(f.start, zone),
                    iso(f.end, zone),
                    f.severity.value,
                    f.detail,
                    f.custody_leg,
                ]  # fmt: skip
                for f in contents.findings
            ],
        ),
        f"<h2>Custody events ({len(contents.events)})</h2>",
        _table(
            ["event", "time", "type", "lot", "location", "bundles", "persons", "device"],
            [
                [
                    e.event_id,
                    iso(e.time, zone),
                    e.type.value,
                    e.lot,
                    e.location,
                    e.bundles,
                    "; ".join(e.persons),
                    e.device,
                ]  # fmt: skip
                for e in contents.events
            ],
        ),
        f"<h2>Custody legs ({len(contents.legs)})</h2>",
        _table(
            ["leg", "kind", "start", "end", "from", "to", "bundles", "device"],
            [
                [
                    leg.leg_id,
                    leg.kind.value,
                    iso(leg.start, zone),
                    iso(leg.end, zone),
                    leg.from_room,
                    leg.to_room,
                    leg.bundles,
                    leg.device,
                ]  # fmt: skip
                for leg in contents.legs
            ],
        ),
        f"<h2>Audit records ({len(contents.audit)})</h2>",
        _table(
            ["#", "time", "who", "role", "action", "object", "from", "hash"],
            [
                [
                    r.seq,
                    iso(r.at.timestamp(), zone),
                    r.entry.actor,
                    r.entry.role,
                    r.entry.action,
                    f"{r.entry.object_type} {r.entry.object_id}",
                    r.entry.client,
                    r.hash[:16],
                ]  # fmt: skip
                for r in contents.audit
            ],
        ),
    ]
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
        "td,th{border:1px solid #999;padding:2px 6px;font-size:90%;text-align:left}"
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(request.case)}</title><style>{style}</style></head>"
        f"<body>{''.join(sections)}</body></html>\n"
    )
    return page.encode()


def readme_txt(case: str, fingerprint: str) -> bytes:
    """How to check the package with standard tools only (coreutils, OpenSSL 3)."""
    text = f"""VaultWatch evidence package: {case}

Signer's public key fingerprint (SHA-256 of the raw Ed25519 public key):
    {fingerprint}
Compare it with the fingerprint the exporting office gives you (`vaultwatch keys show`);
a package re-signed with another key has another fingerprint.

Contents
    {MANIFEST}      every other file with its SHA-256 and size, the case, period and filters
    {SIGNATURE}       Ed25519 signature over the exact bytes of {MANIFEST}
    {PUBLIC_KEY}     the public key that checks it
    SHA256SUMS         the same hashes in `sha256sum` format (listed in the manifest)
    recordings/        the original recordings, byte for byte
    clips/             (with --clips, instead) packet copies of the flagged intervals; the
                       manifest names each one's original by SHA-256 (derived_from)
    recordings.json    where each original was scanned, its SHA-256 and camera
    findings/          findings of the period (JSON and CSV)
    custody/           custody events and legs of the period
    audit/records.json who viewed, downloaded or reviewed these findings and recordings:
                       the product's hash-chained audit records, each with its hash
    versions.json      analyzer version, models and their SHA-256
    report.html        the readable report (report.pdf: the same in Chinese)

Verify without VaultWatch (in this folder):
    sha256sum -c SHA256SUMS
    openssl pkeyutl -verify -pubin -inkey {PUBLIC_KEY} -rawin -in {MANIFEST} -sigfile {SIGNATURE}
    openssl pkey -pubin -in {PUBLIC_KEY} -outform DER | tail -c 32 | sha256sum
The last line prints the fingerprint (without spaces). SHA256SUMS must match the hashes in
{MANIFEST}, and no file may be present that the manifest does not list (other than the four
above). With VaultWatch: `vaultwatch verify PACKAGE --expect-fingerprint "<fingerprint>"`.
"""
    return text.encode()
