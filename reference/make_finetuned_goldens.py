"""Goldens for the folders `tsbert finetune` wrote (test/fixtures/reference/finetuned/<name>/, made by
reference/make_finetuned_folders.sh): PyTorch reads each folder as Hugging Face would — config.json (`architectures`,
`id2label`, `problem_type`, `hidden_act`, ...) and model.safetensors by Hugging Face's names — and runs the head of
its class from tiny_heads.py in eval mode on fixed inputs.

    /usr/bin/python3 reference/make_finetuned_goldens.py     # Debian's python3-torch, never the pyenv python

Per folder it writes golden.safetensors (the inputs under Hugging Face's argument names; logits, or start_logits and
end_logits; the loss of the given labels) and golden.json (the class, the labels in id order as read from id2label,
the problem type, every parameter name and shape the class has); finetuned/manifest.json records versions and the
checks. Before writing, it checks the folder is what transformers' from_pretrained loads without a warning: exactly the
class's weight names and shapes (no pooler in a token-classification or question-answering folder), id2label keys
0..n-1 and label2id its inverse. Deterministic: the inputs come from a fixed seed, the weights from the folders.
"""
import json
import os
import platform
import sys

import numpy
import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from make_head_fixtures import ARCHITECTURES, CLS, IGNORE_INDEX, SEP, make_weights, pair_batch  # noqa: E402
from tiny_heads import ACT2FN, HEADS, num_labels  # noqa: E402

SEED = 20261130
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "finetuned")
COMMAND = "/usr/bin/python3 reference/make_finetuned_goldens.py"
METADATA = {"format": "pt", "generator": "tsbert reference/make_finetuned_goldens.py", "torch": torch.__version__}
HEAD_OF_ARCHITECTURE = {architecture: head for head, architecture in ARCHITECTURES.items()}

# transformers' BertConfig / PretrainedConfig defaults for the fields a folder may leave out.
BERT_CONFIG_DEFAULTS = {
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
    "type_vocab_size": 2,
    "position_embedding_type": "absolute",
    "classifier_dropout": None,
    "problem_type": None,
}

manifest = {
    "command": COMMAND,
    "seed": SEED,
    "versions": {"torch": torch.__version__, "numpy": numpy.__version__, "python": platform.python_version()},
    "folders": {},
}


def read_folder(name):
    folder = os.path.join(OUT, name)
    with open(os.path.join(folder, "config.json")) as f:
        cfg = dict(BERT_CONFIG_DEFAULTS, **json.load(f))
    weights, _ = safetensors_io.read(os.path.join(folder, "model.safetensors"))
    assert cfg["position_embedding_type"] == "absolute", name
    assert len(cfg["architectures"]) == 1, cfg["architectures"]
    return cfg, HEAD_OF_ARCHITECTURE[cfg["architectures"][0]], weights


def labels_in_id_order(name, cfg):
    """PretrainedConfig turns id2label's keys into ints: the labels are read by id, 0..n-1, never in key order."""
    id2label, label2id = cfg["id2label"], cfg["label2id"]
    assert sorted(int(k) for k in id2label) == list(range(len(id2label))), f"{name}: id2label keys {list(id2label)}"
    labels = [id2label[str(i)] for i in range(len(id2label))]
    assert label2id == {label: i for i, label in enumerate(labels)}, f"{name}: label2id is not id2label's inverse"
    return labels


def check_weights(name, cfg, head, weights):
    """The folder holds exactly the class's parameters, at their shapes: what from_pretrained loads without a missing
    or unexpected key. Returns {name: shape}."""
    expected = {k: list(v.shape) for k, v in make_weights(cfg, head, torch.Generator()).items()}
    found = {k: list(v.shape) for k, v in weights.items()}
    assert found.keys() == expected.keys(), (
        f"{name}: missing {sorted(expected.keys() - found.keys())}, "
        f"unexpected {sorted(found.keys() - expected.keys())}")
    assert found == expected, f"{name}: shapes {[(k, found[k], expected[k]) for k in found if found[k] != expected[k]]}"
    assert all(v.dtype == torch.float32 for v in weights.values()), name
    return dict(sorted(expected.items()))


def make_inputs(head, cfg, g):
    """Pairs with padding (batch 3 × seq 12, 12/9/6 real tokens; multiple choice 2 × 4 choices × seq 10) and labels
    for the loss the folder's problem type picks."""
    vocab, n = cfg["vocab_size"], num_labels(cfg)
    if head == "multiple-choice":
        flat = pair_batch(g, [10, 7, 9, 6, 8, 10, 5, 9], 10, vocab)
        inputs = {k: v.view(2, 4, 10) for k, v in flat.items()}
        inputs["labels"] = torch.tensor([3, 1])
        return inputs
    inputs = pair_batch(g, [12, 9, 6], 12, vocab)
    real = inputs["attention_mask"].bool() & (inputs["input_ids"] != CLS) & (inputs["input_ids"] != SEP)
    if head == "sequence-classification":
        kind = cfg["problem_type"]
        if kind == "regression":
            inputs["labels"] = torch.randn(3, generator=g) * 2 + 2.5
        elif kind == "multi_label_classification":
            inputs["labels"] = (torch.rand(3, n, generator=g) < 0.5).float()
        else:
            inputs["labels"] = torch.randint(0, n, (3,), generator=g)
    elif head == "token-classification":
        tags = torch.randint(0, n, inputs["input_ids"].shape, generator=g)
        inputs["labels"] = torch.where(real, tags, torch.full_like(tags, IGNORE_INDEX))
    elif head == "question-answering":
        inputs["start_positions"] = torch.tensor([2, 6, 1])
        inputs["end_positions"] = torch.tensor([4, 7, 3])
    return inputs


def run(head, cfg, weights, inputs):
    with torch.no_grad():
        dtype = next(iter(weights.values())).dtype
        return HEADS[head](weights, cfg, {k: v.to(dtype) if v.is_floating_point() else v for k, v in inputs.items()})


def max_change(a, b):
    """The largest change of any output but the loss."""
    return max(max_abs(a[k], b[k]) for k in a if k != "loss")


def max_abs(a, b):
    return float((a.double() - b.double()).abs().max())


def sensitivities(name, head, cfg, weights, inputs, out):
    """How far the outputs move under a loading bug: the test's tolerance (5e-6) must sit well below every one of
    these. The smallest is one GELU form read as the other (erf and tanh agree to 1e-4..1e-3 in the outputs here)."""
    def changed(config_edit=None, input_edit=None):
        return max_change(run(head, dict(cfg, **(config_edit or {})), weights, dict(inputs, **(input_edit or {}))), out)

    checks = {}
    for act in ACT2FN:
        if act != cfg["hidden_act"]:
            checks[f"outputs.max_abs_change_if_hidden_act_were_{act}"] = changed(config_edit={"hidden_act": act})
    mask, types = inputs["attention_mask"], inputs["token_type_ids"]
    checks["outputs.max_abs_change_if_attention_mask_ignored"] = changed(input_edit={"attention_mask": mask * 0 + 1})
    checks["outputs.max_abs_change_if_token_types_ignored"] = changed(input_edit={"token_type_ids": types * 0})
    if head == "question-answering":
        checks["outputs.max_abs_change_if_start_end_swapped"] = max_abs(out["start_logits"], out["end_logits"])
    if head == "multiple-choice":  # choices scored in [choices, batch] order instead of [batch, choices]
        checks["logits.max_abs_change_if_choices_transposed"] = max_abs(out["logits"].reshape(4, 2).t(), out["logits"])
    if head in ("sequence-classification", "token-classification") and num_labels(cfg) > 1:
        # The classifier's rows in the order a string sort of id2label's keys would give ("10" < "2").
        order = sorted(range(num_labels(cfg)), key=str)
        if order != sorted(order):
            moved = max_abs(out["logits"][..., order], out["logits"])
            checks["logits.max_abs_change_if_labels_in_string_key_order"] = moved
    smallest = min(checks.values())
    assert smallest > 5e-5, f"{name}: a loading bug would move the outputs by only {smallest}: {checks}"
    return checks


def make_golden(name, g):
    cfg, head, weights = read_folder(name)
    parameters = check_weights(name, cfg, head, weights)
    labels = labels_in_id_order(name, cfg) if head in ("sequence-classification", "token-classification") else None
    inputs = make_inputs(head, cfg, g)
    out = run(head, cfg, weights, inputs)
    out64 = run(head, cfg, {k: v.double() for k, v in weights.items()}, inputs)
    checks = {f"float32_vs_float64.{k}.max_abs": float((out[k].double() - out64[k]).abs().max()) for k in out}
    checks.update(sensitivities(name, head, cfg, weights, inputs, out))
    path = os.path.join(OUT, name, "golden.safetensors")
    tensors = dict(inputs, **out)
    safetensors_io.write(path, tensors, METADATA)
    back, _ = safetensors_io.read(path)
    assert back.keys() == tensors.keys() and all(torch.equal(back[k], tensors[k]) for k in tensors), name
    description = {
        "architecture": cfg["architectures"][0],
        "problem_type": cfg["problem_type"] if head == "sequence-classification" else None,
        "hidden_act": cfg["hidden_act"],
        "labels": labels,
        "outputs": sorted(out),
        "parameters": parameters,
    }
    with open(os.path.join(OUT, name, "golden.json"), "w") as f:
        json.dump(description, f, indent=2)
        f.write("\n")
    manifest["folders"][name] = {
        "architecture": cfg["architectures"][0],
        "golden_tensors": {k: {"dtype": safetensors_io._DTYPES[v.dtype][0], "shape": list(v.shape)}
                           for k, v in sorted(tensors.items())},
        "loss": float(out["loss"]),
        "checks": checks,
    }
    print(f"  {name}: {cfg['architectures'][0]}, loss {float(out['loss']):.5f}; {checks}")


def main():
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(SEED)
    names = sorted(d for d in os.listdir(OUT) if os.path.isfile(os.path.join(OUT, d, "config.json")))
    assert names, f"no folders under {OUT}: run reference/make_finetuned_folders.sh first"
    for name in names:
        make_golden(name, g)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"wrote goldens for {len(names)} folders to {OUT}")


if __name__ == "__main__":
    main()
