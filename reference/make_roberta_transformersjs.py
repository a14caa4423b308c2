"""Tiny random RoBERTa folders for the pipelines, and their transformers.js exports (issue 14: every pipeline with
every family, checked against an independent implementation).

    /usr/bin/python3 reference/make_roberta_transformersjs.py     # Debian's python3-torch, never the pyenv python
    node bench/roberta-goldens.mjs                                 # transformers.js on the exports → goldens

Writes, for fill-mask (RobertaForMaskedLM), text-classification (RobertaForSequenceClassification, 3 labels) and
token-classification (RobertaForTokenClassification, BIO labels):
- test/fixtures/reference/transformersjs/roberta/<task>/ (committed): config.json, model.safetensors (Hugging Face's
  names, as save_pretrained writes them: the tied lm_head.decoder left out), and the tokenizer of the byte-level BPE
  fixture (test/fixtures/tokenizer/bpe: vocab.json, merges.txt; tokenizer_config.json naming RobertaTokenizer, its
  special tokens, which transformers.js reads the mask from, and clean_up_tokenization_spaces true, so that both
  libraries clean fill-mask's sequences alike);
- bench/results/transformersjs-roberta/<task>/ (not committed): the same config.json and onnx/model.onnx, the
  forward of reference/tiny_roberta.py's modules (Hugging Face's math, written from modeling_roberta.py), eval mode,
  opset 14, inputs input_ids and attention_mask (int64 [batch, seq], both axes dynamic: RoBERTa takes no token types
  here, so transformers.js feeds none), output `logits`, and export-check.json (one padded batch and PyTorch's
  logits for it, which bench/roberta-goldens.mjs compares with onnxruntime's). The tokenizer.json transformers.js
  reads is written there by bench/roberta-goldens.mjs through tsbert's RobertaTokenizer.

Weights are drawn as reference/make_roberta_fixtures.py draws them (`randomize`: scales where every weight matters),
so scores are far apart and no near tie lets summation order decide a label. Deterministic.
"""
import json
import os
import shutil
import sys

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from make_roberta_fixtures import randomize  # noqa: E402
from tiny_roberta import RobertaForMaskedLM, RobertaForSequenceClassification, RobertaForTokenClassification  # noqa: E402

SEED = 20261201
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BPE = os.path.join(ROOT, "test", "fixtures", "tokenizer", "bpe")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "transformersjs", "roberta")
EXPORTED = os.path.join(ROOT, "bench", "results", "transformersjs-roberta")
METADATA = {"format": "pt", "generator": "tsbert reference/make_roberta_transformersjs.py", "torch": torch.__version__}
OPSET = 14

with open(os.path.join(BPE, "vocab.json")) as f:
    VOCAB = json.load(f)

# The BPE fixture's specials (its trainer's order): <s> 0, <pad> 1, </s> 2, <unk> 3, <mask> 4.
CONFIG = {
    "model_type": "roberta",
    "vocab_size": len(VOCAB),
    "hidden_size": 24,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "intermediate_size": 40,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    # 128 tokens after padding_idx 1 (+ 1).
    "max_position_embeddings": 130,
    "type_vocab_size": 1,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-05,
    "pad_token_id": VOCAB["<pad>"],
    "bos_token_id": VOCAB["<s>"],
    "eos_token_id": VOCAB["</s>"],
    "position_embedding_type": "absolute",
    "classifier_dropout": None,
    "torch_dtype": "float32",
}

BIO = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]

# task → (architecture, module class, labels, the head over the last hidden state [batch, seq, hidden])
TASKS = {
    "fill-mask": ("RobertaForMaskedLM", RobertaForMaskedLM, ["LABEL_0", "LABEL_1"], lambda m, s: m.lm_head(s)),
    "text-classification": ("RobertaForSequenceClassification", RobertaForSequenceClassification, ["negative", "neutral", "positive"], lambda m, s: m.classifier(s)),
    "token-classification": ("RobertaForTokenClassification", RobertaForTokenClassification, BIO, lambda m, s: m.classifier(m.dropout(s))),
}


class Logits(torch.nn.Module):
    """The task model's logits from input_ids and attention_mask (token types all 0: RoBERTa's one type)."""

    def __init__(self, model, head):
        super().__init__()
        self.model = model
        self.head = head

    def forward(self, input_ids, attention_mask):
        sequence, _ = self.model.roberta(input_ids, torch.zeros_like(input_ids), attention_mask)
        return self.head(self.model, sequence)


def check_batch():
    """Two rows of 12 and 7 real tokens: <s> words </s> + <pad>."""
    g = torch.Generator().manual_seed(SEED + 1)
    ids = torch.full((2, 12), CONFIG["pad_token_id"], dtype=torch.int64)
    mask = torch.zeros(2, 12, dtype=torch.int64)
    for row, length in enumerate([12, 7]):
        words = torch.randint(5, CONFIG["vocab_size"], (length - 2,), generator=g).tolist()
        ids[row, :length] = torch.tensor([CONFIG["bos_token_id"], *words, CONFIG["eos_token_id"]])
        mask[row, :length] = 1
    return ids, mask


def write_folder(task, architecture, labels, model):
    folder = os.path.join(OUT, task)
    os.makedirs(folder, exist_ok=True)
    cfg = dict(CONFIG, architectures=[architecture], id2label={str(i): l for i, l in enumerate(labels)}, label2id={l: i for i, l in enumerate(labels)})
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    weights = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items() if not k.startswith("lm_head.decoder.")}
    safetensors_io.write(os.path.join(folder, "model.safetensors"), weights, METADATA)
    for name in ["vocab.json", "merges.txt"]:
        shutil.copyfile(os.path.join(BPE, name), os.path.join(folder, name))
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>", "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"}
        json.dump({"tokenizer_class": "RobertaTokenizer", "model_max_length": 128, "add_prefix_space": False, "trim_offsets": True, "clean_up_tokenization_spaces": True, **specials}, f, indent=2)
        f.write("\n")
    return cfg


def export(task, cfg, model, head):
    out = os.path.join(EXPORTED, task)
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    for name in ["config.json", "tokenizer_config.json"]:
        shutil.copyfile(os.path.join(OUT, task, name), os.path.join(out, name))
    wrapper = Logits(model, head).eval()
    ids, mask = check_batch()
    with torch.no_grad():
        torch.onnx.export(
            wrapper, (ids, mask), os.path.join(out, "onnx", "model.onnx"), opset_version=OPSET,
            input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}},
        )
        # Seven tokens: a sequence length other than the traced one.
        short_ids, short_mask = ids[:, :7].contiguous(), mask[:, :7].contiguous()
        logits = wrapper(short_ids, short_mask)
    with open(os.path.join(out, "export-check.json"), "w") as f:
        json.dump({"input_ids": short_ids.tolist(), "attention_mask": short_mask.tolist(), "logits": logits.tolist()}, f)


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(SEED)
    for task, (architecture, Model, labels, head) in TASKS.items():
        cfg = dict(CONFIG, id2label={str(i): l for i, l in enumerate(labels)})
        model = Model(cfg).eval()
        randomize(model, g)
        cfg = write_folder(task, architecture, labels, model)
        export(task, cfg, model, head)
        print(f"{task}: {architecture}, {sum(p.numel() for p in model.parameters())} parameters")


if __name__ == "__main__":
    main()
