"""What every golden writer of a model's heads does (make_head_fixtures.py for BERT, make_distilbert_fixtures.py):
run a functional forward with autograd, measure how far float32 is from float64, gather the tensors of a golden, and
write safetensors files with a manifest entry each."""
import os

import torch

import safetensors_io
from tiny_heads import NoDropout, ReplayedDropout


def norm_relative(a, b, floor=1e-8):
    """||a - b|| / max(||b||, floor): how the TypeScript tests compare gradients."""
    return float((a.double() - b.double()).norm() / max(float(b.double().norm()), floor))


def run(forward, cfg, weights, inputs, dropout):
    """Outputs of forward(w, cfg, inputs, dropout) and the gradient of its loss for every weight, with autograd
    (float32 or float64 weights)."""
    w = {k: v.detach().clone().requires_grad_(True) for k, v in weights.items()}
    dtype = next(iter(w.values())).dtype
    inputs = {k: v.to(dtype) if v.is_floating_point() else v for k, v in inputs.items()}  # float labels follow the weights
    out = forward(w, cfg, inputs, dropout)
    out["loss"].backward()
    return {k: v.detach() for k, v in out.items()}, {k: v.grad.detach().clone() for k, v in w.items()}


def float32_noise(forward, cfg, weights, inputs, out, grads, masks=()):
    """How far the float32 golden is from the same computation in float64: the error a float32 implementation
    cannot be asked to beat."""
    w64 = {k: v.double() for k, v in weights.items()}
    dropout = ReplayedDropout(masks) if masks else NoDropout()
    out64, grads64 = run(forward, cfg, w64, inputs, dropout)
    checks = {f"float32_vs_float64.{k}.max_abs": float((out[k].double() - out64[k]).abs().max()) for k in out}
    # Some gradients are exactly zero in exact arithmetic, because softmax ignores a constant added to a whole row:
    # the attention key biases, and in question answering qa_outputs.bias and the last LayerNorm bias. Their float32
    # values are rounding noise, reported on their own.
    zero = sorted(k for k in grads if float(grads64[k].norm()) < 1e-12)
    checks["float32_vs_float64.grad.max_norm_relative"] = max(norm_relative(grads[k], grads64[k]) for k in grads if k not in zero)
    checks["grad.exactly_zero_in_exact_arithmetic"] = zero
    checks["grad.exactly_zero.float32_max_norm"] = max((float(grads[k].norm()) for k in zero), default=0.0)
    return checks


def golden_tensors(inputs, out, grads, prefix=""):
    tensors = {prefix + k: v for k, v in inputs.items()}
    tensors.update({prefix + k: v for k, v in out.items()})
    tensors.update({f"{prefix}grad.{k}": v for k, v in grads.items()})
    return tensors


class FixtureWriter:
    """Writes safetensors files under `root` (read back and compared) and records each in `manifest["files"]`;
    `is_per_weight(name)` says which tensors (weights, gradients) are counted rather than listed."""

    def __init__(self, root, metadata, is_per_weight):
        self.root, self.metadata, self.is_per_weight = root, metadata, is_per_weight
        self.manifest = {"files": {}, "checks": {}}

    def save(self, relative, tensors, description, metadata=None):
        path = os.path.join(self.root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        safetensors_io.write(path, tensors, metadata or self.metadata)
        back, _ = safetensors_io.read(path)
        assert back.keys() == tensors.keys() and all(torch.equal(back[k], tensors[k]) for k in tensors), relative
        self.manifest["files"][relative] = {
            "description": description,
            "bytes": os.path.getsize(path),
            # Gradients and weights share model.safetensors' names and shapes: counted, not listed.
            "tensors": {k: {"dtype": safetensors_io._DTYPES[v.dtype][0], "shape": list(v.shape)}
                        for k, v in sorted(tensors.items()) if not self.is_per_weight(k)},
            "per_weight_tensors": sum(1 for k in tensors if self.is_per_weight(k)),
        }
