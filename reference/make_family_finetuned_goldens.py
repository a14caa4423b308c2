"""Goldens for the RoBERTa, DistilBERT and ALBERT folders `tsbert finetune --model-type` wrote
(test/fixtures/reference/finetuned-families/<family>-<task>/, made by reference/make_family_finetuned_folders.sh):
PyTorch reads each folder as Hugging Face would — config.json (`architectures`, `id2label`, `problem_type`,
`pad_token_id`, ...) and model.safetensors by Hugging Face's names — and runs the family's class (tiny_roberta.py's
torch.nn modules, loaded strictly; tiny_distilbert.py's and tiny_albert.py's functions, every weight of the folder
read and none missing) in eval mode on fixed inputs.

    /usr/bin/python3 reference/make_family_finetuned_goldens.py     # Debian's python3-torch, never the pyenv python

Per folder it writes golden.safetensors: the inputs under Hugging Face's argument names (no token_type_ids for
DistilBERT) and the outputs (logits, or start_logits and end_logits, and the loss of the given labels).
Deterministic: the inputs come from a fixed seed, the weights from the folders.
"""
import json
import os
import sys

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import tiny_albert  # noqa: E402
import tiny_distilbert  # noqa: E402
from tiny_roberta import CLASSES as ROBERTA_CLASSES  # noqa: E402

SEED = 20261130
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "finetuned-families")
METADATA = {"format": "pt", "generator": "tsbert reference/make_family_finetuned_goldens.py", "torch": torch.__version__}
IGNORE_INDEX = -100

TASK_OF_SUFFIX = {
    "ForSequenceClassification": "sequence-classification",
    "ForTokenClassification": "token-classification",
    "ForQuestionAnswering": "question-answering",
    "ForMultipleChoice": "multiple-choice",
}


class ReadTracking(dict):
    """The weights, remembering which were read: a functional model must read every one (no unexpected key)."""

    def __init__(self, weights):
        super().__init__(weights)
        self.read = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def sequences(g, shape, lengths, cfg):
    """input_ids [rows, seq] of random ids after the special ids, each row `lengths[i]` real tokens then padding."""
    rows, seq = shape
    ids = torch.randint(5, cfg["vocab_size"], (rows, seq), generator=g)
    mask = torch.zeros(rows, seq, dtype=torch.long)
    for row, length in enumerate(lengths):
        mask[row, :length] = 1
    ids = torch.where(mask.bool(), ids, torch.full_like(ids, cfg["pad_token_id"]))
    return ids, mask


def make_inputs(task, cfg, g):
    if task == "multiple-choice":
        ids, mask = sequences(g, (6, 9), [9, 7, 6, 9, 5, 8], cfg)
        inputs = {"input_ids": ids.view(2, 3, 9), "attention_mask": mask.view(2, 3, 9), "labels": torch.tensor([2, 0])}
    else:
        ids, mask = sequences(g, (3, 11), [11, 8, 6], cfg)
        inputs = {"input_ids": ids, "attention_mask": mask}
        n = len(cfg["id2label"])
        if task == "sequence-classification":
            kind = cfg.get("problem_type")
            inputs["labels"] = (torch.randn(3, generator=g) if kind == "regression"
                                else (torch.rand(3, n, generator=g) < 0.5).float() if kind == "multi_label_classification"
                                else torch.randint(0, n, (3,), generator=g))
        elif task == "token-classification":
            tags = torch.randint(0, n, ids.shape, generator=g)
            inputs["labels"] = torch.where(mask.bool(), tags, torch.full_like(tags, IGNORE_INDEX))
        else:
            inputs["start_positions"] = torch.tensor([2, 6, 1])
            inputs["end_positions"] = torch.tensor([4, 7, 3])
    if cfg["model_type"] != "distilbert":  # DistilBERT takes no token types; RoBERTa's one type takes 0s
        types = torch.zeros_like(inputs["input_ids"])
        if cfg["model_type"] == "albert":
            types[..., 4:] = 1
        inputs["token_type_ids"] = types * inputs["attention_mask"]
    return inputs


def run(cfg, task, weights, inputs):
    family = cfg["model_type"]
    if family == "roberta":
        model = ROBERTA_CLASSES[task][1](cfg)
        model.load_state_dict(weights, strict=True)  # exactly the class's names and shapes
        model.eval()
        with torch.no_grad():
            return model(inputs)
    tracked = ReadTracking(weights)
    heads = tiny_distilbert.HEADS if family == "distilbert" else tiny_albert.HEADS
    with torch.no_grad():
        out = heads[task](tracked, cfg, inputs)
    unread = sorted(set(weights) - tracked.read)
    assert not unread, f"weights the {cfg['architectures'][0]} of Hugging Face does not have: {unread}"
    return out


def main():
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    for name in sorted(os.listdir(OUT)):
        folder = os.path.join(OUT, name)
        if not os.path.isdir(folder):
            continue
        with open(os.path.join(folder, "config.json")) as f:
            cfg = json.load(f)
        defaults = tiny_albert.ALBERT_DEFAULTS if cfg["model_type"] == "albert" else {}
        cfg = dict(defaults, **cfg)
        cfg.setdefault("problem_type", None)
        cfg.setdefault("classifier_dropout", None)
        (architecture,) = cfg["architectures"]
        task = next(t for suffix, t in TASK_OF_SUFFIX.items() if architecture.endswith(suffix))
        weights, _ = safetensors_io.read(os.path.join(folder, "model.safetensors"))
        inputs = make_inputs(task, cfg, g)
        out = run(cfg, task, weights, inputs)
        tensors = {k: v.to(torch.int64) for k, v in inputs.items() if not v.is_floating_point()}
        tensors.update({k: v.contiguous() for k, v in inputs.items() if v.is_floating_point()})
        tensors.update({k: v.detach().float().contiguous() for k, v in out.items()})
        safetensors_io.write(os.path.join(folder, "golden.safetensors"), tensors, METADATA)
        print(name, architecture, {k: list(v.shape) for k, v in out.items()})


main()
