"""What the ONNX detector backends share: batching, session calls, post-processing."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from analyzer.detections import Detections
from models.backends.letterbox import Letterbox
from models.backends.onnx_session import create_session, image_input
from models.backends.options import DetectorOptions
from models.backends.postprocess import Candidates, ClassMap, to_detections
from models.detector import BgrFrame


class OnnxDetector(ABC):
    """A `Detector` over one ONNX Runtime session. Subclasses say how a frame becomes a (3, h, w)
    float32 input and how the raw output becomes per-anchor `Candidates`."""

    low_confidence_fallback: ClassVar[bool] = False

    def __init__(
        self,
        model: bytes | Path,
        *,
        name: str,
        input_size: tuple[int, int],
        class_map: ClassMap,
        options: DetectorOptions | None = None,
    ) -> None:
        self._name = name
        self.options = options or DetectorOptions()
        self.input_height, self.input_width = input_size
        self.class_map = class_map
        self._session = create_session(model, threads=self.options.intra_op_threads)
        spec = image_input(self._session)
        if (spec.height, spec.width) not in {(self.input_height, self.input_width), (None, None)}:
            raise ValueError(
                f"model input is {spec.height}x{spec.width}, expected "
                f"{self.input_height}x{self.input_width}"
            )
        self._input_name = spec.name
        self._output_name = self._session.get_outputs()[0].name
        # A fixed batch dim means every call must send exactly that many images.
        self.dynamic_batch = spec.batch is None
        self._batch = self.options.max_batch if spec.batch is None else spec.batch

    @property
    def name(self) -> str:
        return self._name

    @abstractmethod
    def preprocess(self, frame: BgrFrame) -> tuple[npt.NDArray[np.float32], Letterbox]:
        """(h, w, 3) uint8 BGR frame -> (3, input_h, input_w) float32 network input."""

    @abstractmethod
    def decode(self, raw: npt.NDArray[np.float32]) -> Candidates:
        """The model's raw (B, ...) output -> per-anchor candidates in input pixels."""

    def raw_output(self, batch: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Run the network on a (B, 3, input_h, input_w) batch; B must fit the model."""
        out = self._session.run([self._output_name], {self._input_name: batch})[0]
        return np.asarray(out, np.float32)

    def detect(self, frames: Sequence[BgrFrame]) -> list[Detections]:
        """One `Detections` per (h, w, 3) uint8 BGR frame, boxes in that frame's pixels."""
        results: list[Detections] = []
        for start in range(0, len(frames), self._batch):
            chunk = frames[start : start + self._batch]
            prepared = [self.preprocess(frame) for frame in chunk]
            batch = np.stack([tensor for tensor, _ in prepared])
            if not self.dynamic_batch and batch.shape[0] < self._batch:
                pad = np.zeros((self._batch - batch.shape[0], *batch.shape[1:]), np.float32)
                batch = np.concatenate([batch, pad])
            cand = self.decode(self.raw_output(batch))
            for i, (_, letterbox) in enumerate(prepared):
                results.append(
                    to_detections(
                        cand.xyxy[i],
                        cand.score[i],
                        cand.class_id[i],
                        class_map=self.class_map,
                        options=self.options,
                        letterbox=letterbox,
                    )
                )
        return results
