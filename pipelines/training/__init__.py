"""Training of VaultWatch's own paper-bundle detector.

`synth_bundles` renders labelled synthetic frames, `train_bundles` fine-tunes a small YOLO on them
(ultralytics and torch are imported lazily: the scanning install has neither) and exports ONNX,
`evaluate_bundles` measures an ONNX model on a held-out synthetic set through onnxruntime.
"""
