"""Errors the model registry raises; each message tells the user what to do next."""

from __future__ import annotations

TRAIN_EXTRA_HINT = (
    "install Ultralytics (pip install ultralytics; it brings torch) "
    "or import an ONNX export of the model instead"
)


class ModelError(Exception):
    """Base of every registry error."""


class ModelImportError(ModelError):
    """A model was refused at import; the registry was left unchanged."""


class ModelNotFoundError(ModelError):
    """No imported or built-in model has that name."""


class ModelLoadError(ModelError):
    """A registered model could not be turned into a detector."""


class ModelIntegrityError(ModelLoadError):
    """The weights on disk no longer match the manifest (size or sha256)."""
