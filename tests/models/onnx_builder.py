"""Builds tiny ONNX models in tests without the `onnx` package.

ONNX files are protobuf messages; the few message types a test model needs are written here by
hand with the protobuf wire format (field numbers from onnx/onnx.proto), so the test suite does
not depend on `onnx` just to make fixtures.

The models mimic a detector's interface, not its maths: output = table + mean(image) * gain, where
`table` is a constant (1, *out_dims) tensor the test chooses and the mean of the input image
(per batch item) lets a test tell batch items apart. The batch dimension follows the input's.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

_FLOAT = 1  # TensorProto.DataType.FLOAT
_ATTR_INTS = 7  # AttributeProto.AttributeType.INTS
_ATTR_INT = 2  # AttributeProto.AttributeType.INT


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64  # protobuf encodes negative int64 as 10-byte two's complement
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return _varint(field << 3 | wire_type)


def _int(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(value)


def _bytes(field: int, value: bytes | str) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return _key(field, 2) + _varint(len(data)) + data


def _float(field: int, value: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", value)


Dim = int | str
"""A tensor dimension: a fixed size or a symbolic name (dynamic)."""


def _value_info(name: str, dims: Sequence[Dim]) -> bytes:
    shape = b"".join(_bytes(1, _int(1, d) if isinstance(d, int) else _bytes(2, d)) for d in dims)
    tensor_type = _int(1, _FLOAT) + _bytes(2, shape)
    return _bytes(1, name) + _bytes(2, _bytes(1, tensor_type))


def _tensor(name: str, array: npt.NDArray[np.float32]) -> bytes:
    dims = b"".join(_int(1, d) for d in array.shape)
    return dims + _int(2, _FLOAT) + _bytes(8, name) + _bytes(9, array.astype("<f4").tobytes())


def _node(
    op: str, inputs: Sequence[str], outputs: Sequence[str], **attrs: int | Sequence[int]
) -> bytes:
    body = b"".join(_bytes(1, i) for i in inputs) + b"".join(_bytes(2, o) for o in outputs)
    body += _bytes(4, op)
    for attr_name, value in attrs.items():
        if isinstance(value, int):
            attr = _bytes(1, attr_name) + _int(3, value) + _int(20, _ATTR_INT)
        else:
            attr = _bytes(1, attr_name) + b"".join(_int(8, v) for v in value)
            attr += _int(20, _ATTR_INTS)
        body += _bytes(5, attr)
    return body


def build_model(
    table: npt.NDArray[np.float32],
    *,
    input_dims: Sequence[Dim] = (1, 3, 64, 64),
    output_dims: Sequence[Dim] | None = None,
    gain: float = 0.0,
    metadata: Mapping[str, str] | None = None,
) -> bytes:
    """Serialised ONNX model: input `images` of `input_dims`, output `output` of shape
    (batch, *table.shape[1:]) equal to `table` (1, ...) + mean(images[b]) * gain.

    `output_dims` only changes the declared output shape (default: the input's batch dim followed
    by `table.shape[1:]`), which is how a test makes a model that lies about its shape.
    """
    if table.ndim != 3 or table.shape[0] != 1:
        raise ValueError(f"table must be (1, a, b), got {table.shape}")
    declared = list(output_dims) if output_dims is not None else [input_dims[0], *table.shape[1:]]
    nodes = [
        # (B, 3, H, W) -> (B, H, W) -> (B, 1, 1): one number per batch item, keeps the batch dim.
        _node("ReduceMean", ["images"], ["m1"], axes=[1], keepdims=0),
        _node("ReduceMean", ["m1"], ["m2"], axes=[1, 2], keepdims=1),
        _node("Mul", ["m2", "gain"], ["m3"]),
        _node("Add", ["table", "m3"], ["output"]),
    ]
    graph = b"".join(_bytes(1, n) for n in nodes)
    graph += _bytes(2, "test_graph")
    graph += _bytes(5, _tensor("table", table.astype(np.float32)))
    graph += _bytes(5, _tensor("gain", np.array([gain], np.float32)))
    graph += _bytes(11, _value_info("images", input_dims))
    graph += _bytes(12, _value_info("output", declared))
    model = _int(1, 8)  # ir_version 8 (ONNX 1.10+), read by every ONNX Runtime in use
    model += _bytes(2, "vaultwatch-tests")
    model += _bytes(7, graph)
    model += _bytes(8, _bytes(1, "") + _int(2, 13))  # opset 13: ReduceMean takes axes as attr
    for key, value in (metadata or {}).items():
        model += _bytes(14, _bytes(1, key) + _bytes(2, value))
    return model


def write_model(path: Path, table: npt.NDArray[np.float32], **kwargs: object) -> Path:
    """Write `build_model(table, **kwargs)` to `path` and return it."""
    path.write_bytes(build_model(table, **kwargs))  # type: ignore[arg-type]
    return path
