"""`vaultwatch models import|list|verify`: the offline model registry."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from models.errors import ModelError
from models.manifest import ModelFormat
from models.registry import ModelRegistry
from pipelines.cli.common import UsageError


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "models",
        help="import, list and verify detector models (offline)",
        description="Models are imported from files, copied into $VAULTWATCH_HOME/models with "
        "their SHA-256, and verified before every use. Nothing is downloaded.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    imports = actions.add_parser("import", help="register a model file (ONNX, or .pt with [train])")
    imports.add_argument("path", type=Path, metavar="PATH")
    imports.add_argument("--name", required=True, help="name to refer to the model by")
    imports.add_argument(
        "--format", required=True, choices=[f.value for f in ModelFormat], help="model family"
    )
    imports.add_argument(
        "--classes",
        metavar="coco80|FILE",
        help="class names: 'coco80' or a names file (default: the model's own metadata)",
    )
    imports.add_argument("--person-classes", metavar="A,B", help="classes that count as people")
    imports.add_argument("--bundle-classes", metavar="A,B", help="classes that count as bundles")
    imports.add_argument(
        "--count-confidence",
        type=float,
        metavar="SCORE",
        help="score a new box of this model needs to count, in (0, 1] (default: the one its "
        "training chose, from the model's metadata, else the site's min_confidence)",
    )
    imports.add_argument("--replace", action="store_true", help="replace a model of that name")
    imports.set_defaults(run=_import)

    listing = actions.add_parser("list", help="registered and built-in models")
    listing.set_defaults(run=_list)

    verify = actions.add_parser("verify", help="re-hash every model's weights")
    verify.set_defaults(run=_verify)


def _import(args: argparse.Namespace) -> int:
    try:
        manifest = ModelRegistry.from_env().import_model(
            args.path,
            name=args.name,
            format=args.format,
            classes=args.classes,
            person_classes=args.person_classes,
            bundle_classes=args.bundle_classes,
            replace=args.replace,
            count_confidence=args.count_confidence,
        )
    except ModelError as exc:
        raise UsageError(str(exc)) from exc
    sys.stdout.write(f"imported {manifest.name} ({manifest.format}, sha256 {manifest.sha256})\n")
    return 0


def _list(args: argparse.Namespace) -> int:
    for manifest in ModelRegistry.from_env().list_models():
        persons = ",".join(manifest.class_names[i] for i in manifest.person_class_ids) or "-"
        bundles = ",".join(manifest.class_names[i] for i in manifest.bundle_class_ids) or "-"
        origin = "built-in" if manifest.builtin else "imported"
        counts_at = (
            "site" if manifest.count_confidence is None else f"{manifest.count_confidence:g}"
        )
        sys.stdout.write(
            f"{manifest.name}\t{manifest.format}\t{manifest.input_size.width}x"
            f"{manifest.input_size.height}\tpersons={persons}\tbundles={bundles}\t{origin}\t"
            f"sha256={manifest.sha256[:16]}\tcount_confidence={counts_at}\n"
        )
    return 0


def _verify(args: argparse.Namespace) -> int:
    results = ModelRegistry.from_env().verify_models()
    for result in results:
        state = "ok" if result.ok else f"FAILED: {result.problem}"
        sys.stdout.write(f"{result.name}\t{state}\n")
    return 0 if all(result.ok for result in results) else 1
