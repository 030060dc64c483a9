"""Detector backends: ONNX Runtime (YOLOX, Ultralytics), Ultralytics PyTorch, motion fallback."""
