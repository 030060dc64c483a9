"""Training of VaultWatch's own paper-bundle detector.

`synth_bundles` renders labelled synthetic frames (with real backdrops and people from
`synth_sources`), `train_bundles` fine-tunes YOLOX-Nano on them in torch (`yolox_*`; torch is
imported lazily: the scanning install has none) and exports ONNX, `evaluate_bundles` measures an
ONNX model through onnxruntime on held-out frames of the training renderer or of the
independently written `eval_renderer`.
"""
