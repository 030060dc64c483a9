"""`vaultwatch train-bundles` and `vaultwatch evaluate-bundles`: the bundle detector's own
training and evaluation commands (see models/README.md), under the product's command.

Their options belong to the training modules, so everything after the command name is handed
to them unparsed.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any


def _train(argv: Sequence[str]) -> int:
    from pipelines.training.train_bundles import main

    return main(argv)


def _evaluate(argv: Sequence[str]) -> int:
    from pipelines.training.evaluate_bundles import main

    return main(argv)


PASSTHROUGH: dict[str, tuple[str, Callable[[Sequence[str]], int]]] = {
    "train-bundles": (
        "fine-tune the bundle detector (YOLOX-Nano) offline on synthetic images and a site's "
        "own labelled frames (needs pip install -e '.[train]')",
        _train,
    ),
    "evaluate-bundles": (
        "precision and recall of a bundle model on a held-out synthetic set",
        _evaluate,
    ),
}


def register(commands: Any) -> None:
    """Listed in `vaultwatch --help`; `pipelines.cli.main` hands their arguments over."""
    for name, (help_text, _) in PASSTHROUGH.items():
        parser = commands.add_parser(name, help=help_text, add_help=False)
        parser.add_argument("arguments", nargs=argparse.REMAINDER)
        parser.set_defaults(run=lambda args, name=name: PASSTHROUGH[name][1](args.arguments))
