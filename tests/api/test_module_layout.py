"""Route modules are the REST API's edge: the pages and the service's helpers never import
them (what both need lives in a helper module such as api/footage.py or api/login.py), and
only api/app.py mounts their routers."""

from __future__ import annotations

import ast
from pathlib import Path

API = Path(__file__).resolve().parents[2] / "api"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_only_the_app_and_route_modules_import_route_modules() -> None:
    offenders = {
        str(path.relative_to(API.parent)): sorted(
            name for name in imported_modules(path) if name.startswith("api.routes")
        )
        for path in API.rglob("*.py")
        if path.parent != API / "routes" and path != API / "app.py"
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_both_forms_of_import(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text("from api.routes.media import clip_recording\nimport api.routes.auth\n")
    assert {n for n in imported_modules(page) if n.startswith("api.routes")} == {
        "api.routes.media",
        "api.routes.media.clip_recording",
        "api.routes.auth",
    }
