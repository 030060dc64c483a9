"""The product's built-in models, shipped as package data.

Each built-in model is a weights file plus a manifest beside it: `<name>.onnx` and `<name>.json`,
where the JSON is a `models.manifest.ModelManifest` whose `file` names the weights file (make
one with `models.registry.describe_model(...)` and `model_dump_json(indent=2)`). The registry
lists them read-only and checks their sha256 like imported models. The directory may be empty.
"""
