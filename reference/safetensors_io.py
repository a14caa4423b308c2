"""A hand-written safetensors reader/writer (no `safetensors` package on these machines).

Format: u64 little-endian header length N, N bytes of JSON header
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}, then the raw little-endian data.
The layout matches src/io/safetensors.ts: tensors ordered by element size (largest first) and then by name, the
header padded with spaces to a multiple of 8, so every tensor is aligned to its element size.
"""
import json
import struct
import sys

import torch

_DTYPES = {
    torch.float64: ("F64", 8),
    torch.float32: ("F32", 4),
    torch.float16: ("F16", 2),
    torch.bfloat16: ("BF16", 2),
    torch.int64: ("I64", 8),
    torch.int32: ("I32", 4),
    torch.int16: ("I16", 2),
    torch.int8: ("I8", 1),
    torch.uint8: ("U8", 1),
    torch.bool: ("BOOL", 1),
}
_BY_NAME = {name: (dtype, size) for dtype, (name, size) in _DTYPES.items()}

assert sys.byteorder == "little", "numpy's tobytes() would write big-endian data"


def _raw_bytes(tensor):
    tensor = tensor.detach().contiguous().cpu()
    # numpy has no bfloat16: reinterpret its bits as int16, which have the same size and byte order.
    if tensor.dtype == torch.bfloat16:
        tensor = tensor.view(torch.int16)
    return tensor.numpy().tobytes()


def serialize(tensors, metadata=None):
    """tensors: {name: torch.Tensor}. Returns the file's bytes."""
    names = sorted(tensors, key=lambda n: (-_DTYPES[tensors[n].dtype][1], n))
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks = []
    offset = 0
    for name in names:
        tensor = tensors[name]
        raw = _raw_bytes(tensor)
        header[name] = {
            "dtype": _DTYPES[tensor.dtype][0],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write(path, tensors, metadata=None):
    with open(path, "wb") as f:
        f.write(serialize(tensors, metadata))


def read(path):
    """Returns ({name: torch.Tensor}, metadata). Used to check the writer round-trips."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    metadata = header.pop("__metadata__", {})
    base = 8 + length
    out = {}
    for name, entry in header.items():
        dtype, _ = _BY_NAME[entry["dtype"]]
        begin, end = entry["data_offsets"]
        raw = bytearray(data[base + begin : base + end])
        storage_dtype = torch.int16 if dtype == torch.bfloat16 else dtype
        flat = torch.frombuffer(raw, dtype=storage_dtype) if raw else torch.empty(0, dtype=storage_dtype)
        out[name] = flat.view(dtype).reshape(entry["shape"])
    return out, metadata
