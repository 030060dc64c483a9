"""The offline model registry: import, list, verify and load detector models.

Imported models live in `<VAULTWATCH_HOME>/models/<name>/` (`VAULTWATCH_HOME` defaults to
`$XDG_DATA_HOME/vaultwatch`, else `~/.local/share/vaultwatch`), each holding a copy of the
weights and a `manifest.json`. The product's own models are built-ins in the `models/weights/`
package directory (see `models.weights`); they are read-only. Nothing is ever downloaded: every
model comes from a file the user imports or from the package.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from models.backends.onnx_base import OnnxDetector
from models.backends.onnx_ultralytics import UltralyticsOnnxDetector
from models.backends.onnx_yolox import YoloxOnnxDetector
from models.backends.options import DetectorOptions
from models.backends.postprocess import ClassMap
from models.backends.ultralytics_pt import UltralyticsTorchDetector
from models.classes import (
    DEFAULT_BUNDLE_CLASS,
    DEFAULT_PERSON_CLASS,
    class_ids,
    resolve_class_names,
)
from models.detector import Detector
from models.errors import (
    ModelError,
    ModelImportError,
    ModelIntegrityError,
    ModelLoadError,
    ModelNotFoundError,
)
from models.home import vaultwatch_home
from models.manifest import (
    MANIFEST_FILE,
    NAME_PATTERN,
    InputSize,
    ModelFormat,
    ModelManifest,
    Runtime,
    VerifyResult,
)
from models.probe import probe, runtime_for
from models.storage import (
    commit_dir,
    copy_synced,
    sha256_bytes,
    sha256_file,
    staging_dir,
    write_text_synced,
)

ENV_HOME = "VAULTWATCH_HOME"
BUILTIN_DIR = Path(__file__).resolve().parent / "weights"

ClassesSpec = str | Path | None
"""'coco80', a names file, or None (metadata names, else COCO-80 for 80-class models)."""
ClassList = str | Sequence[str] | None
"""Class names as a sequence or comma-separated ("book,suitcase"); None: the default."""

_ONNX_BACKENDS: dict[ModelFormat, type[OnnxDetector]] = {
    ModelFormat.YOLOX: YoloxOnnxDetector,
    ModelFormat.ULTRALYTICS: UltralyticsOnnxDetector,
}


def _check_name(name: str) -> None:
    if not re.fullmatch(NAME_PATTERN, name):
        raise ModelImportError(
            f"invalid model name {name!r}: use 1-64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )


def _check_format(fmt: ModelFormat | str) -> ModelFormat:
    try:
        return ModelFormat(fmt)
    except ValueError:
        known = ", ".join(f.value for f in ModelFormat)
        raise ModelImportError(f"unknown model format {fmt!r}; use one of: {known}") from None


def describe_model(
    path: Path | str,
    *,
    name: str,
    format: ModelFormat | str,
    classes: ClassesSpec = None,
    person_classes: ClassList = None,
    bundle_classes: ClassList = None,
    file: str | None = None,
    source: str | None = None,
    count_confidence: float | None = None,
) -> ModelManifest:
    """Check a weights file in place and return its manifest without registering it.

    `count_confidence` overrides the one the file's metadata gives (see `ModelManifest`).

    This is how a built-in manifest (`models/weights/<name>.json`) is made; `import_model` uses
    it on the copy it stores. Raises `ModelImportError` for every refusal.
    """
    _check_name(name)
    fmt = _check_format(format)
    weights = Path(path)
    if not weights.is_file():
        raise ModelImportError(f"model file {weights} does not exist")
    probed = probe(weights, fmt)
    names = resolve_class_names(
        classes, metadata_names=probed.metadata_names, num_classes=probed.num_classes
    )
    person = class_ids(
        person_classes, class_names=names, default=DEFAULT_PERSON_CLASS, role="person"
    )
    bundle = class_ids(
        bundle_classes, class_names=names, default=DEFAULT_BUNDLE_CLASS, role="bundle"
    )
    try:
        return ModelManifest(
            name=name,
            format=fmt,
            runtime=probed.runtime,
            file=file or weights.name,
            sha256=sha256_file(weights),
            size=weights.stat().st_size,
            input_size=InputSize(height=probed.input_size[0], width=probed.input_size[1]),
            class_names=names,
            person_class_ids=person,
            bundle_class_ids=bundle,
            imported_at=datetime.now(UTC),
            source=source or str(weights.resolve()),
            count_confidence=(
                probed.count_confidence if count_confidence is None else count_confidence
            ),
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" if e["loc"] else str(e["msg"])
            for e in exc.errors()
        )
        raise ModelImportError(f"{weights}: {problems}") from exc


@dataclass(frozen=True)
class _Entry:
    """One place a manifest may be: a user model directory or a built-in JSON file."""

    name: str
    manifest_path: Path
    builtin: bool

    @property
    def directory(self) -> Path:
        return self.manifest_path.parent


@dataclass(frozen=True)
class ModelRegistry:
    """A registry rooted at `home`, with built-ins from `builtin_dir` (parameters so tests and
    tools can point both anywhere)."""

    home: Path
    builtin_dir: Path = BUILTIN_DIR

    @classmethod
    def from_env(cls) -> ModelRegistry:
        return cls(vaultwatch_home())

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    # -- reading ---------------------------------------------------------------------------

    def _entries(self) -> Iterator[_Entry]:
        if self.builtin_dir.is_dir():
            for path in sorted(self.builtin_dir.glob("*.json")):
                yield _Entry(path.stem, path, builtin=True)
        if self.models_dir.is_dir():
            for directory in sorted(self.models_dir.iterdir()):
                # Hidden entries are imports in progress or replaced models being deleted.
                if directory.is_dir() and not directory.name.startswith("."):
                    yield _Entry(directory.name, directory / MANIFEST_FILE, builtin=False)

    @staticmethod
    def _read(entry: _Entry) -> ModelManifest:
        try:
            text = entry.manifest_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"cannot read {entry.manifest_path}: {exc.strerror or exc}") from exc
        try:
            manifest = ModelManifest.model_validate_json(text)
        except ValidationError as exc:
            raise ModelError(f"invalid manifest {entry.manifest_path}: {exc}") from exc
        if not entry.builtin and manifest.name != entry.name:
            raise ModelError(
                f"{entry.manifest_path} names model {manifest.name!r}, not its directory's name"
            )
        return manifest.model_copy(update={"builtin": entry.builtin})

    def _valid(self) -> Iterator[tuple[_Entry, ModelManifest]]:
        seen: set[str] = set()
        for entry in self._entries():
            try:
                manifest = self._read(entry)
            except ModelError:
                continue  # reported by verify_models
            if manifest.name in seen:
                continue  # a built-in shadows a user model of the same name
            seen.add(manifest.name)
            yield entry, manifest

    def list_models(self) -> list[ModelManifest]:
        """Every loadable-looking model: built-ins first, then imported ones, each by name.
        Entries with unreadable manifests are left out (`verify_models` reports them)."""
        return [manifest for _, manifest in self._valid()]

    def get(self, name: str) -> ModelManifest:
        return self._find(name)[1]

    def _find(self, name: str) -> tuple[_Entry, ModelManifest]:
        for entry, manifest in self._valid():
            if manifest.name == name:
                return entry, manifest
        known = ", ".join(m.name for m in self.list_models()) or "none"
        raise ModelNotFoundError(f"no model named {name!r} (registered: {known})")

    def verify_models(self) -> list[VerifyResult]:
        """Check every entry's manifest, weights size and sha256; one result per entry."""
        results: list[VerifyResult] = []
        builtin_sha256: dict[str, str] = {}
        for entry in self._entries():
            try:
                manifest = self._read(entry)
                if entry.builtin:
                    if manifest.name in builtin_sha256:
                        raise ModelError(f"two built-in manifests name {manifest.name!r}")
                    builtin_sha256[manifest.name] = manifest.sha256
                elif builtin_sha256.get(manifest.name, manifest.sha256) != manifest.sha256:
                    # The same weights imported before the product shipped them are harmless:
                    # loading the name gives the very same model.
                    raise ModelError(
                        f"shadowed by the built-in model {manifest.name!r}; re-import it under "
                        "another name"
                    )
                self._check_file(entry, manifest)
            except ModelError as exc:
                results.append(VerifyResult(entry.name, entry.directory, entry.builtin, str(exc)))
            else:
                results.append(VerifyResult(manifest.name, entry.directory, entry.builtin))
        return results

    @staticmethod
    def _check_file(entry: _Entry, manifest: ModelManifest, data: bytes | None = None) -> None:
        weights = entry.directory / manifest.file
        if data is None and not weights.is_file():
            raise ModelIntegrityError(f"weights file {weights} is missing")
        size = len(data) if data is not None else weights.stat().st_size
        if size != manifest.size:
            raise ModelIntegrityError(
                f"{weights} is {size} bytes but the manifest says {manifest.size}: the file "
                "was changed after import; re-import the original"
            )
        digest = sha256_bytes(data) if data is not None else sha256_file(weights)
        if digest != manifest.sha256:
            raise ModelIntegrityError(
                f"sha256 of {weights} is {digest} but the manifest says {manifest.sha256}: the "
                "file was changed after import; refusing to load it, re-import the original"
            )

    # -- writing ---------------------------------------------------------------------------

    def import_model(
        self,
        path: Path | str,
        *,
        name: str,
        format: ModelFormat | str,
        classes: ClassesSpec = None,
        person_classes: ClassList = None,
        bundle_classes: ClassList = None,
        replace: bool = False,
        count_confidence: float | None = None,
    ) -> ModelManifest:
        """Copy a weights file into the registry under `name` and return its manifest.

        Refuses with `ModelImportError`, leaving the registry unchanged, when: the file is
        missing or of an unknown type; it does not load or its tensors do not fit `format`;
        `name` is taken (by a built-in always, by an imported model unless `replace`); a
        requested person/bundle class is not a class of the model; the model would count
        nothing; a `.pt` is given without `ultralytics` installed.
        """
        _check_name(name)
        fmt = _check_format(format)
        src = Path(path)
        if not src.is_file():
            raise ModelImportError(f"model file {src} does not exist")
        runtime = runtime_for(src)
        if any(m.builtin and m.name == name for m in self.list_models()):
            raise ModelImportError(f"{name!r} is a built-in model (read-only); choose another name")
        final = self.models_dir / name
        if final.exists() and not replace:
            raise ModelImportError(
                f"a model named {name!r} is already imported; pass replace=True (--replace) to "
                "overwrite it or choose another name"
            )
        file_name = f"model.{runtime.value if runtime is Runtime.ONNX else 'pt'}"
        with staging_dir(self.models_dir, name) as stage:
            staged = stage / file_name
            copy_synced(src, staged)
            # Probe and hash the copy, not the source, so the manifest describes what is stored.
            try:
                manifest = describe_model(
                    staged,
                    name=name,
                    format=fmt,
                    classes=classes,
                    person_classes=person_classes,
                    bundle_classes=bundle_classes,
                    file=file_name,
                    source=str(src.resolve()),
                    count_confidence=count_confidence,
                )
            except ModelImportError as exc:
                # The user knows the file by its own path, not by the staged copy's.
                raise ModelImportError(str(exc).replace(str(staged), str(src))) from exc
            write_text_synced(stage / MANIFEST_FILE, manifest.model_dump_json(indent=2) + "\n")
            try:
                commit_dir(stage, final, replace=replace)
            except OSError as exc:
                raise ModelImportError(
                    f"could not register {name!r} (imported concurrently?): {exc}"
                ) from exc
        return manifest

    # -- loading ---------------------------------------------------------------------------

    def load_detector(self, name: str, *, options: DetectorOptions | None = None) -> Detector:
        """A ready detector for model `name`, after checking its weights against the manifest
        (`ModelIntegrityError` if they changed). `ModelNotFoundError` / `ModelLoadError`."""
        entry, manifest = self._find(name)
        weights = entry.directory / manifest.file
        class_map = ClassMap.from_ids(
            len(manifest.class_names),
            person=manifest.person_class_ids,
            bundle=manifest.bundle_class_ids,
        )
        size = (manifest.input_size.height, manifest.input_size.width)
        label = f"{manifest.name}@{manifest.sha256[:12]}"
        if manifest.runtime is Runtime.TORCH:
            self._check_file(entry, manifest)
            return UltralyticsTorchDetector(
                weights,
                name=label,
                input_size=size,
                class_map=class_map,
                options=options,
                error=ModelLoadError,
            )
        try:
            data = weights.read_bytes()
        except OSError as exc:
            raise ModelIntegrityError(f"weights file {weights} is missing or unreadable") from exc
        # The session is built from the very bytes that were hashed.
        self._check_file(entry, manifest, data)
        try:
            return _ONNX_BACKENDS[manifest.format](
                data, name=label, input_size=size, class_map=class_map, options=options
            )
        except Exception as exc:  # ORT raises its own pybind exception types
            raise ModelLoadError(f"cannot load {name!r} from {weights}: {exc}") from exc
