"""Writes the RoBERTa goldens to test/fixtures/reference/roberta/: for RobertaModel and each head a Hugging Face folder
(config.json, model.safetensors as save_pretrained writes it) and golden.safetensors (inputs under Hugging Face's
argument names, outputs under its output names, the loss, and grad.<name> of the loss for every weight), eval mode.

    /usr/bin/python3 reference/make_roberta_fixtures.py     # Debian's python3-torch, never the pyenv python

Deterministic (fixed seeds, one thread). The models are tiny_roberta.py's torch.nn modules; Python is never needed by
`npm test`.
"""
import json
import os
import platform
import sys

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from golden_runs import add_task_labels  # noqa: E402
from tiny_roberta import CLASSES  # noqa: E402

SEED = 20261130
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "roberta")
COMMAND = "/usr/bin/python3 reference/make_roberta_fixtures.py"
METADATA = {"format": "pt", "generator": "tsbert reference/make_roberta_fixtures.py", "torch": torch.__version__}

BOS, PAD, EOS, UNK = 0, 1, 2, 3  # roberta-base's order for <s>, <pad>, </s>, <unk>
FIRST_WORD = 5

# Small and odd (hidden 18 = 3 heads of 6, intermediate 30, vocab 43) so a swapped dimension cannot pass; 14 positions
# hold sequences of up to 11 tokens after padding_idx 1 (+1).
BASE_CONFIG = {
    "model_type": "roberta",
    "vocab_size": 43,
    "hidden_size": 18,
    "num_hidden_layers": 2,
    "num_attention_heads": 3,
    "intermediate_size": 30,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0,
    "max_position_embeddings": 14,
    "type_vocab_size": 1,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-05,
    "pad_token_id": PAD,
    "bos_token_id": BOS,
    "eos_token_id": EOS,
    "position_embedding_type": "absolute",
    "classifier_dropout": None,
    "torch_dtype": "float32",
}

manifest = {"files": {}, "checks": {}}


def config_for(head, labels, **overrides):
    cfg = dict(BASE_CONFIG, architectures=[CLASSES[head][0]], **overrides)
    cfg["id2label"] = {str(i): f"LABEL_{i}" for i in range(labels)}
    cfg["label2id"] = {f"LABEL_{i}": i for i in range(labels)}
    return cfg


def randomize(model, g):
    """Every parameter redrawn at a scale where it matters to the outputs (RoBERTa's N(0, 0.02) makes the inputs'
    representations nearly equal): embeddings 0.5, attention Q/K 0.4 (sharp attention), feed-forward 0.35 (GELU
    pre-activations ~1.5, where the erf and tanh forms differ), LayerNorm weights 1 ± 0.1, biases 0.1."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "embeddings" in name and name.endswith(".weight") and "LayerNorm" not in name:
                std, base = 0.5, 0.0
            elif "LayerNorm" in name or "layer_norm" in name:
                std, base = 0.1, 1.0 if name.endswith(".weight") else 0.0
            elif name.endswith("bias"):
                std, base = 0.1, 0.0
            elif ".query." in name or ".key." in name:
                std, base = 0.4, 0.0
            elif "intermediate" in name or "lm_head.dense" in name:
                std, base = 0.35, 0.0
            else:
                std, base = 0.3, 0.0
            p.copy_(base + torch.randn(p.shape, generator=g) * std)


def pair_batch(g, lengths, seq, vocab):
    """<s> A </s></s> B </s> + <pad>: ids, token types (all 0: one type), attention mask."""
    batch = len(lengths)
    ids = torch.full((batch, seq), PAD, dtype=torch.int64)
    types = torch.zeros(batch, seq, dtype=torch.int64)
    mask = torch.zeros(batch, seq, dtype=torch.int64)
    for r, length in enumerate(lengths):
        words = torch.randint(FIRST_WORD, vocab, (length - 4,), generator=g).tolist()
        a = max(1, (length - 4) // 2)
        row = [BOS] + words[:a] + [EOS, EOS] + words[a:] + [EOS]
        ids[r, :length] = torch.tensor(row)
        mask[r, :length] = 1
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}


def make_inputs(head, cfg, g):
    vocab = cfg["vocab_size"]
    if head == "multiple-choice":
        batch, choices, seq = 2, 3, 9
        flat = pair_batch(g, [9, 7, 6, 9, 5, 8], seq, vocab)
        inputs = {k: v.view(batch, choices, seq) for k, v in flat.items()}
        inputs["labels"] = torch.tensor([2, 0])
        return inputs
    inputs = pair_batch(g, [11, 8, 6], 11, vocab)
    real = inputs["attention_mask"].bool() & (inputs["input_ids"] != BOS) & (inputs["input_ids"] != EOS)
    if head == "base":
        inputs["target_last_hidden_state"] = torch.randn(3, 11, cfg["hidden_size"], generator=g)
        inputs["target_pooler_output"] = torch.randn(3, cfg["hidden_size"], generator=g)
        return inputs
    # BERT's head targets (make_head_fixtures.py); <mask> is id 4 in both vocabularies.
    return add_task_labels(head, cfg, inputs, g, ([3, 15, -2], [5, 6, 12]), real)


def hf_name(head, name):
    """RobertaModel saves its own parameters bare; the scalar wrapper of tiny_roberta.RobertaBase adds `roberta.`."""
    return name[len("roberta."):] if head == "base" else name


def run(model, head, inputs):
    model.zero_grad()
    out = model(inputs)
    out["loss"].backward()
    grads = {hf_name(head, n): p.grad.detach().clone() for n, p in model.named_parameters()}
    return {k: v.detach() for k, v in out.items()}, grads


def save(relative, tensors, description):
    path = os.path.join(OUT, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    safetensors_io.write(path, tensors, METADATA)
    manifest["files"][relative] = {"description": description, "bytes": os.path.getsize(path), "tensors": len(tensors)}


def make_golden(name, head, cfg, g):
    architecture, Model = CLASSES[head]
    model = Model(cfg).eval()
    randomize(model, g)
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    # save_pretrained: the state dict without _keys_to_ignore_on_save (the tied lm_head.decoder.*); the position_ids
    # buffer of older transformers versions is kept in the masked-LM folder, which the loader must ignore.
    weights = {hf_name(head, k): v.detach().clone() for k, v in model.state_dict().items() if not k.startswith("lm_head.decoder.")}
    if head == "masked-lm":
        weights["roberta.embeddings.position_ids"] = torch.arange(cfg["max_position_embeddings"]).unsqueeze(0)
    save(f"{name}/model.safetensors", weights, f"{architecture} weights (Hugging Face names) for {name}/config.json.")
    inputs = make_inputs(head, cfg, g)
    out, grads = run(model, head, inputs)
    # The same computation in float64: the error a float32 implementation cannot be asked to beat.
    model64 = Model(cfg).double().eval()
    model64.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
    out64, grads64 = run(model64, head, {k: v.double() if v.is_floating_point() else v for k, v in inputs.items()})
    manifest["checks"][name] = {
        **{f"float32_vs_float64.{k}.max_abs": float((out[k].double() - out64[k]).abs().max()) for k in out},
        "float32_vs_float64.grad.max_norm_relative": max(
            float((grads[k].double() - grads64[k]).norm() / max(float(grads64[k].norm()), 1e-8))
            for k in grads if float(grads64[k].norm()) > 1e-12),
    }
    tensors = dict(inputs)
    tensors.update(out)
    tensors.update({f"grad.{k}": v for k, v in grads.items()})
    save(f"{name}/golden.safetensors", tensors,
         f"{architecture} in eval mode on {name}/model.safetensors: inputs, outputs ({', '.join(out)}), "
         "grad.<name> = d loss / d weight for every weight.")
    print(f"  {name}: loss {float(out['loss']):.5f}; {manifest['checks'][name]}")


def main():
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    make_golden("base", "base", config_for("base", 2), g)
    make_golden("masked-lm", "masked-lm", config_for("masked-lm", 2, hidden_act="gelu_new"), g)
    make_golden("sequence-classification", "sequence-classification", config_for("sequence-classification", 3), g)
    make_golden("sequence-classification-regression", "sequence-classification",
                config_for("sequence-classification", 1), g)
    make_golden("sequence-classification-multi-label", "sequence-classification",
                config_for("sequence-classification", 4, problem_type="multi_label_classification"), g)
    make_golden("token-classification", "token-classification", config_for("token-classification", 5), g)
    make_golden("question-answering", "question-answering", config_for("question-answering", 2), g)
    make_golden("multiple-choice", "multiple-choice", config_for("multiple-choice", 2), g)
    manifest.update({"command": COMMAND, "seed": SEED, "torch": torch.__version__, "python": platform.python_version()})
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    total = sum(entry["bytes"] for entry in manifest["files"].values())
    print(f"wrote {len(manifest['files'])} safetensors files, {total / 1e6:.2f} MB, to {OUT}")


if __name__ == "__main__":
    main()
