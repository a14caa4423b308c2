"""What every golden writer of a model's heads does (make_head_fixtures.py for BERT, make_distilbert_fixtures.py):
run a functional forward with autograd, measure how far float32 is from float64, gather the tensors of a golden, and
write safetensors files with a manifest entry each."""
import json
import os
import platform

import numpy
import torch

import safetensors_io
from tiny_heads import NoDropout, ReplayedDropout, num_labels

PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4
FIRST_WORD = 5
IGNORE_INDEX = -100


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


def pair_batch(g, lengths, seq, vocab):
    """[CLS] A [SEP] B [SEP] + padding: ids, token types (1 on B, 0 on padding), attention mask."""
    batch = len(lengths)
    ids = torch.zeros(batch, seq, dtype=torch.int64)
    types = torch.zeros(batch, seq, dtype=torch.int64)
    mask = torch.zeros(batch, seq, dtype=torch.int64)
    for r, length in enumerate(lengths):
        words = torch.randint(FIRST_WORD, vocab, (length - 3,), generator=g).tolist()
        a = max(1, (length - 3) // 2)
        row = [CLS] + words[:a] + [SEP] + words[a:] + [SEP]
        ids[r, :length] = torch.tensor(row)
        types[r, a + 2 : length] = 1
        mask[r, :length] = 1
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}


def add_task_labels(head, cfg, inputs, g, qa_positions, real=None):
    """The targets of a batch of 3 for `head`: class ids, regression or multi-label targets (by the config); token
    labels with -100 on special tokens, padding and ~20% of the rest; `qa_positions` (start, end); and masked-LM
    targets at 2 real positions per row, the first of them replaced by [MASK]. `real`: the tokens that are neither
    special nor padding (default: BERT's [CLS]/[SEP] ids; RoBERTa passes its own)."""
    labels = num_labels(cfg)
    if real is None:
        real = inputs["attention_mask"].bool() & (inputs["input_ids"] != CLS) & (inputs["input_ids"] != SEP)
    if head == "sequence-classification":
        kind = cfg.get("problem_type")
        if labels == 1:
            inputs["labels"] = torch.randn(3, generator=g)
        elif kind == "multi_label_classification":
            inputs["labels"] = (torch.rand(3, labels, generator=g) < 0.5).float()
        else:
            inputs["labels"] = torch.tensor([2, 0, 1])
    elif head == "token-classification":
        tags = torch.randint(0, labels, inputs["input_ids"].shape, generator=g)
        dropped = torch.rand(tags.shape, generator=g) < 0.2  # e.g. word-piece continuations
        inputs["labels"] = torch.where(real & ~dropped, tags, torch.full_like(tags, IGNORE_INDEX))
    elif head == "question-answering":
        inputs["start_positions"] = torch.tensor(qa_positions[0])
        inputs["end_positions"] = torch.tensor(qa_positions[1])
    elif head == "masked-lm":
        targets = torch.full_like(inputs["input_ids"], IGNORE_INDEX)
        for r in range(3):
            positions = real[r].nonzero().flatten()
            chosen = positions[torch.randperm(len(positions), generator=g)[:2]]
            targets[r, chosen] = inputs["input_ids"][r, chosen]
            inputs["input_ids"][r, chosen[0]] = MASK
        inputs["labels"] = targets
    return inputs


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

    def write_folder(self, name, cfg, weights, architecture):
        """name/config.json and name/model.safetensors (Hugging Face names)."""
        folder = os.path.join(self.root, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
            f.write("\n")
        self.save(f"{name}/model.safetensors", weights, f"{architecture} weights (Hugging Face names) for {name}/config.json.")

    def eval_golden(self, name, architecture, forward, cfg, weights, inputs, sensitivity=None):
        """name/golden.safetensors in eval mode: the inputs under Hugging Face's argument names, the outputs under its
        output names, grad.<name> of the loss for every weight; the float32-vs-float64 distance (and `sensitivity`'s
        checks) in the manifest."""
        out, grads = run(forward, cfg, weights, inputs, NoDropout())
        checks = float32_noise(forward, cfg, weights, inputs, out, grads)
        if sensitivity is not None:
            checks.update(sensitivity(cfg, weights, inputs, out))
        self.manifest["checks"][name] = checks
        self.save(f"{name}/golden.safetensors", golden_tensors(inputs, out, grads),
                  f"{architecture} in eval mode on {name}/model.safetensors: inputs under Hugging Face's argument names, "
                  f"outputs ({', '.join(out)}) under its output names, grad.<name> = d loss / d weight for every weight.")
        print(f"  {name}: loss {float(out['loss']):.5f}; float32 vs float64 {checks}")

    def finish(self, command, seed):
        """manifest.json with the versions, the command and the seed."""
        self.manifest.update({
            "command": command,
            "seed": seed,
            "torch": torch.__version__,
            "numpy": numpy.__version__,
            "python": platform.python_version(),
        })
        with open(os.path.join(self.root, "manifest.json"), "w") as f:
            json.dump(self.manifest, f, indent=2)
            f.write("\n")
        total = sum(entry["bytes"] for entry in self.manifest["files"].values())
        print(f"wrote {len(self.manifest['files'])} safetensors files, {total / 1e6:.2f} MB, to {self.root}")
