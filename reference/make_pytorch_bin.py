"""Writes the pytorch_model.bin fixtures for src/io/pytorch-bin.ts from the committed bert-tiny model.

    /usr/bin/python3 reference/make_pytorch_bin.py     # Debian's python3-torch (PyTorch 1.13 CPU)

Reads test/fixtures/reference/bert-tiny/model.safetensors (written by make_fixtures.py) and writes, under
test/fixtures/reference/:

- bert-tiny-bin/pytorch_model.bin + config.json: the same weights as torch.save(state_dict) writes them, float32,
  shaped like a real Hugging Face checkpoint and awkward on purpose:
    * an OrderedDict with a `_metadata` attribute (as Module.state_dict() returns: a BUILD opcode in the pickle);
    * the buffer `bert.embeddings.position_ids` (int64 [1, 40]) and the tied `cls.predictions.decoder.weight`, which
      shares the word embeddings' storage (both ignored by the loader);
    * layer 0's query/key/value: row slices of one packed [144, 48] matrix (one storage, offsets 0, 2304, 4608);
    * layer 1's query/key/value: column slices of a packed [48, 144] matrix, transposed (stride [1, 144], offsets);
    * layer 0's intermediate.dense.weight [100, 48]: a transposed view (stride [1, 100]).
- bert-tiny-bin-half/pytorch_model.bin + config.json: the weights in float16 (embeddings and layer 0) and bfloat16
  (the rest), saved through a file object (so the archive's root folder is `archive/`, not the file's name).
- bert-tiny-bin-legacy/pytorch_model.bin + config.json: float16 weights with the same views as bert-tiny-bin, in the
  legacy (pre-1.6) format, `torch.save(..., _use_new_zipfile_serialization=False)`: five pickles, then the storages.
- pytorch-bin-corrupt/*.bin: small hand-made archives the reader must refuse (see CORRUPT below), and three valid
  files (stored, deflated, legacy) that the tests damage in other ways.

torch.save's zip archives are deterministic (entry times are fixed at 1980): running this twice gives identical files,
except the legacy file, whose storage keys are memory addresses.
"""
import collections
import io
import os
import pickle
import shutil
import sys
import zipfile

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "test", "fixtures", "reference")
SOURCE = os.path.join(FIXTURES, "bert-tiny")
HIDDEN = 48


def source_weights():
    weights, _ = safetensors_io.read(os.path.join(SOURCE, "model.safetensors"))
    return weights


def hf_state_dict(weights):
    """The weights as an OrderedDict in a Hugging Face-like order, with the buffer and the tied decoder added."""
    sd = collections.OrderedDict()
    for name in sorted(weights):
        sd[name] = weights[name].clone()
    sd["bert.embeddings.position_ids"] = torch.arange(40).unsqueeze(0)
    sd["cls.predictions.decoder.weight"] = sd["bert.embeddings.word_embeddings.weight"]  # same storage, as HF ties
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("bert", {"version": 1})])
    return sd


def strided_views(sd):
    """Replaces some weights by views with storage offsets and non-unit strides; the values stay the same."""
    prefix = "bert.encoder.layer.{}.attention.self.{}.weight"
    names = [prefix.format(0, part) for part in ("query", "key", "value")]
    packed = torch.cat([sd[n] for n in names], dim=0).contiguous()  # [144, 48]
    for i, n in enumerate(names):
        sd[n] = packed[i * HIDDEN:(i + 1) * HIDDEN]
    names = [prefix.format(1, part) for part in ("query", "key", "value")]
    packed_t = torch.cat([sd[n].t() for n in names], dim=1).contiguous()  # [48, 144]
    for i, n in enumerate(names):
        sd[n] = packed_t[:, i * HIDDEN:(i + 1) * HIDDEN].t()
    name = "bert.encoder.layer.0.intermediate.dense.weight"
    sd[name] = sd[name].t().contiguous().t()
    assert sd[prefix.format(0, "key")].storage_offset() == HIDDEN * HIDDEN
    assert sd[prefix.format(1, "value")].stride() == (1, 3 * HIDDEN) and sd[prefix.format(1, "value")].storage_offset() == 2 * HIDDEN
    assert not sd[name].is_contiguous()


def write_model(folder, sd, via_file_object=False, legacy=False):
    out = os.path.join(FIXTURES, folder)
    os.makedirs(out, exist_ok=True)
    shutil.copyfile(os.path.join(SOURCE, "config.json"), os.path.join(out, "config.json"))
    path = os.path.join(out, "pytorch_model.bin")
    if legacy:
        torch.save(sd, path, _use_new_zipfile_serialization=False)
    elif via_file_object:
        buffer = io.BytesIO()
        torch.save(sd, buffer)
        with open(path, "wb") as f:
            f.write(buffer.getvalue())
    else:
        torch.save(sd, path)
    back = torch.load(path)
    assert list(back) == list(sd) and all(torch.equal(back[k], sd[k]) for k in sd), folder
    return path


# --- corrupt archives --------------------------------------------------------------------------------------------

class _Storage:
    """Pickled as a persistent id, as torch.save pickles a storage."""
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class _Tensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


class _Evil:
    def __init__(self, function, argument):
        self.function, self.argument = function, argument

    def __reduce__(self):  # pickled by reference; never called here
        return (self.function, (self.argument,))


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            return ("storage", torch.FloatStorage, obj.key, "cpu", obj.numel)
        return None


def pickle_bytes(obj):
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


def write_archive(name, pickled, storages, compression=zipfile.ZIP_STORED):
    """A torch.save-like archive: archive/data.pkl, archive/data/<key>, archive/version (stored, like torch)."""
    path = os.path.join(FIXTURES, "pytorch-bin-corrupt", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", compression) as z:
        def add(entry, data):
            info = zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, data)
        add("archive/data.pkl", pickled)
        for key, data in storages.items():
            add(f"archive/data/{key}", data)
        add("archive/version", b"3\n")


FOUR_FLOATS = torch.arange(4, dtype=torch.float32).numpy().tobytes()

CORRUPT = {
    # GLOBAL os.system: Python's unpickler would run `echo pwned`; the reader must stop at the GLOBAL.
    "forbidden-os-system.bin": (collections.OrderedDict(w=_Evil(os.system, "echo pwned")), {}),
    "forbidden-eval.bin": (collections.OrderedDict(w=_Evil(eval, "1+1")), {}),
    # data/1 is named by the pickle but not in the archive.
    "missing-storage.bin": (collections.OrderedDict(w=_Tensor(_Storage("1", 4), 0, (4,), (1,))), {"0": FOUR_FLOATS}),
    # A [2, 2] view at offset 1 of a 4-element storage reaches element 4.
    "past-storage.bin": (collections.OrderedDict(w=_Tensor(_Storage("0", 4), 1, (2, 2), (2, 1))), {"0": FOUR_FLOATS}),
    # The storage claims 8 elements, its entry holds 4.
    "short-storage.bin": (collections.OrderedDict(w=_Tensor(_Storage("0", 8), 0, (8,), (1,))), {"0": FOUR_FLOATS}),
    # A valid small archive (the tests truncate and damage it).
    "valid.bin": (collections.OrderedDict(w=_Tensor(_Storage("0", 4), 1, (3,), (1,))), {"0": FOUR_FLOATS}),
}


def main():
    torch.manual_seed(0)
    weights = source_weights()

    sd = hf_state_dict(weights)
    strided_views(sd)
    write_model("bert-tiny-bin", sd)

    half = hf_state_dict(weights)
    for name, tensor in half.items():
        if tensor.is_floating_point() and name != "cls.predictions.decoder.weight":
            early = name.startswith("bert.embeddings.") or name.startswith("bert.encoder.layer.0.")
            half[name] = tensor.to(torch.float16 if early else torch.bfloat16)
    half["cls.predictions.decoder.weight"] = half["bert.embeddings.word_embeddings.weight"]
    write_model("bert-tiny-bin-half", half, via_file_object=True)

    legacy = hf_state_dict(weights)
    for name, tensor in legacy.items():
        if tensor.is_floating_point() and name != "cls.predictions.decoder.weight":
            legacy[name] = tensor.half()
    legacy["cls.predictions.decoder.weight"] = legacy["bert.embeddings.word_embeddings.weight"]
    strided_views(legacy)
    write_model("bert-tiny-bin-legacy", legacy, legacy=True)
    with open(os.path.join(FIXTURES, "bert-tiny-bin-legacy", "pytorch_model.bin"), "rb") as f:
        assert f.read(2) == b"\x80\x02", "legacy format starts with a pickle, not PK"

    for name, (obj, storages) in CORRUPT.items():
        write_archive(name, pickle_bytes(obj), storages)
    # The same as valid.bin with deflated entries (torch stores, but a re-zipped checkpoint may not).
    write_archive("valid-deflate.bin", pickle_bytes(CORRUPT["valid.bin"][0]), CORRUPT["valid.bin"][1], zipfile.ZIP_DEFLATED)
    assert torch.load(os.path.join(FIXTURES, "pytorch-bin-corrupt", "valid-deflate.bin"))["w"].tolist() == [1.0, 2.0, 3.0]
    assert torch.load(os.path.join(FIXTURES, "pytorch-bin-corrupt", "valid.bin"))["w"].tolist() == [1.0, 2.0, 3.0]

    small = collections.OrderedDict(w=torch.arange(4, dtype=torch.float32)[1:])
    torch.save(small, os.path.join(FIXTURES, "pytorch-bin-corrupt", "valid-legacy.bin"), _use_new_zipfile_serialization=False)
    assert torch.load(os.path.join(FIXTURES, "pytorch-bin-corrupt", "valid-legacy.bin"))["w"].tolist() == [1.0, 2.0, 3.0]

    for folder in ("bert-tiny-bin", "bert-tiny-bin-half", "bert-tiny-bin-legacy", "pytorch-bin-corrupt"):
        directory = os.path.join(FIXTURES, folder)
        sizes = {f: os.path.getsize(os.path.join(directory, f)) for f in sorted(os.listdir(directory))}
        print(folder, sizes)


if __name__ == "__main__":
    main()
