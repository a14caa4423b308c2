"""Writes the task-head goldens to test/fixtures/reference/heads/ (see reference/README.md, "Task heads").

    /usr/bin/python3 reference/make_head_fixtures.py     # Debian's python3-torch, never the pyenv python

Deterministic (fixed seeds, one thread): twice on one machine gives byte-identical files. It writes its own manifest,
heads/manifest.json, so make_fixtures.py's files are never rewritten by it. Python is never needed by `npm test`.
"""
import copy
import json
import os
import sys

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_runs  # noqa: E402
import safetensors_io  # noqa: E402
from golden_runs import FixtureWriter, add_task_labels, pair_batch  # noqa: E402
from tiny_bert import TINY_CONFIG  # noqa: E402
from tiny_heads import (  # noqa: E402
    ACT2FN, HEADS, NoDropout, RecordedDropout, ReplayedDropout, encode, hf_decay_parameter_names, masked_lm, num_labels,
)

SEED = 20240612
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, "test", "fixtures", "reference")
OUT = os.path.join(REFERENCE, "heads")
COMMAND = "/usr/bin/python3 reference/make_head_fixtures.py"
METADATA = {"format": "pt", "generator": "tsbert reference/make_head_fixtures.py", "torch": torch.__version__}

# Small and odd (hidden 18 = 3 heads of 6, intermediate 30, vocab 41) so a swapped dimension cannot pass and each
# folder stays ~50 KB.
BASE_CONFIG = {
    "model_type": "bert",
    "vocab_size": 41,
    "hidden_size": 18,
    "num_hidden_layers": 2,
    "num_attention_heads": 3,
    "intermediate_size": 30,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0,
    "max_position_embeddings": 20,
    "type_vocab_size": 2,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
    "classifier_dropout": None,
    "torch_dtype": "float32",
}

ARCHITECTURES = {
    "sequence-classification": "BertForSequenceClassification",
    "token-classification": "BertForTokenClassification",
    "question-answering": "BertForQuestionAnswering",
    "multiple-choice": "BertForMultipleChoice",
    "masked-lm": "BertForMaskedLM",
}
# add_pooling_layer=False in Hugging Face's constructors of these heads.
WITHOUT_POOLER = {"token-classification", "question-answering", "masked-lm"}


def is_per_weight(name):
    return name.startswith(("bert.", "classifier.", "qa_outputs.", "cls.")) or ".grad." in name or name.startswith(
        ("grad.", "after."))


writer = FixtureWriter(OUT, METADATA, is_per_weight)
manifest, save = writer.manifest, writer.save


def run(head, cfg, weights, inputs, dropout):
    return golden_runs.run(HEADS[head], cfg, weights, inputs, dropout)


def float32_noise(head, cfg, weights, inputs, out, grads, masks=()):
    return golden_runs.float32_noise(HEADS[head], cfg, weights, inputs, out, grads, masks)


def config_for(head, num_labels, **overrides):
    cfg = dict(BASE_CONFIG, architectures=[ARCHITECTURES[head]], **overrides)
    cfg["id2label"] = {str(i): f"LABEL_{i}" for i in range(num_labels)}
    cfg["label2id"] = {f"LABEL_{i}": i for i in range(num_labels)}
    return cfg


# --- weights ----------------------------------------------------------------------------------------------------

def make_weights(cfg, head, g):
    """Hugging Face-named weights of the head's class. Scales are chosen so every part matters to the outputs: with
    BERT's N(0, 0.02) the pooled vectors of different inputs are nearly equal (a transposed multiple-choice reshape
    would hardly show) and the feed-forward pre-activations are ~0.1, where the erf and tanh GELUs agree to 1e-7."""
    normal = lambda shape, std: torch.randn(shape, generator=g) * std  # noqa: E731
    h, inner = cfg["hidden_size"], cfg["intermediate_size"]
    w = {
        "bert.embeddings.word_embeddings.weight": normal((cfg["vocab_size"], h), 0.5),
        "bert.embeddings.position_embeddings.weight": normal((cfg["max_position_embeddings"], h), 0.5),
        "bert.embeddings.token_type_embeddings.weight": normal((cfg["type_vocab_size"], h), 0.5),
    }

    def layer_norm(name):
        w[name + ".weight"] = 1 + normal((h,), 0.1)
        w[name + ".bias"] = normal((h,), 0.1)

    def linear(name, out_features, in_features, std):
        w[name + ".weight"] = normal((out_features, in_features), std)
        w[name + ".bias"] = normal((out_features,), 0.1)

    layer_norm("bert.embeddings.LayerNorm")
    for i in range(cfg["num_hidden_layers"]):
        p = f"bert.encoder.layer.{i}."
        linear(p + "attention.self.query", h, h, 0.4)  # sharp attention: a mis-split Q/K must show
        linear(p + "attention.self.key", h, h, 0.4)
        linear(p + "attention.self.value", h, h, 0.2)
        linear(p + "attention.output.dense", h, h, 0.2)
        layer_norm(p + "attention.output.LayerNorm")
        linear(p + "intermediate.dense", inner, h, 0.35)  # pre-activations ~1.5: the GELU forms differ here
        linear(p + "output.dense", h, inner, 0.2)
        layer_norm(p + "output.LayerNorm")
    if head not in WITHOUT_POOLER:
        linear("bert.pooler.dense", h, h, 0.3)
    if head in ("sequence-classification", "token-classification"):
        linear("classifier", num_labels(cfg), h, 0.3)
    elif head == "multiple-choice":
        linear("classifier", 1, h, 0.3)
    elif head == "question-answering":
        linear("qa_outputs", 2, h, 0.3)
    elif head == "masked-lm":
        w["cls.predictions.bias"] = normal((cfg["vocab_size"],), 0.1)
        linear("cls.predictions.transform.dense", h, h, 0.35)
        layer_norm("cls.predictions.transform.LayerNorm")
    return w


# --- inputs -----------------------------------------------------------------------------------------------------

def make_inputs(head, cfg, g):
    vocab = cfg["vocab_size"]
    if head == "multiple-choice":
        batch, choices, seq = 2, 3, 8
        flat = pair_batch(g, [8, 7, 6, 8, 5, 7], seq, vocab)
        inputs = {k: v.view(batch, choices, seq) for k, v in flat.items()}
        inputs["labels"] = torch.tensor([2, 0])
        return inputs
    inputs = pair_batch(g, [10, 8, 6], 10, vocab)
    # Question answering: row 1's start (15) and row 2's end (12) lie past the sequence (10): clamped to 10 and
    # ignored. Row 2's start (-2) is clamped to 0 and counts, as Hugging Face's clamp(0, ignored_index) makes it.
    return add_task_labels(head, cfg, inputs, g, ([3, 15, -2], [5, 6, 12]))


# --- goldens ----------------------------------------------------------------------------------------------------

def write_folder(name, head, cfg, weights):
    writer.write_folder(name, cfg, weights, ARCHITECTURES[head])


def make_head_golden(name, head, cfg, g, sensitivity=None):
    """A folder (config.json, model.safetensors) and its eval-mode golden.safetensors (FixtureWriter.eval_golden)."""
    weights = make_weights(cfg, head, g)
    write_folder(name, head, cfg, weights)
    inputs = make_inputs(head, cfg, g)
    writer.eval_golden(name, ARCHITECTURES[head], HEADS[head], cfg, weights, inputs,
                       None if sensitivity is None else lambda *args: sensitivity(head, *args))
    return weights, inputs


def act_sensitivity(other_act):
    """How much the outputs move if the encoder used `other_act` instead: a test tolerance must sit well below it."""
    def check(head, cfg, weights, inputs, out):
        other, _ = run(head, dict(cfg, hidden_act=other_act), weights, inputs, NoDropout())
        diff = float((other["logits"] - out["logits"]).abs().max())
        assert diff > 1e-4, f"{cfg['hidden_act']} vs {other_act}: logits differ by only {diff}"
        return {f"logits.max_abs_change_if_hidden_act_were_{other_act}": diff}
    return check


def make_dropout_golden(g):
    """Training mode with dropout everywhere (hidden 0.1, attention probabilities 0.2) and classifier_dropout 0.4 —
    and again with classifier_dropout null, which falls back to hidden_dropout_prob. The masks are recorded in the
    order BERT draws them (embeddings; per layer attention probabilities, attention output, feed-forward output;
    classifier) so tsbert can be given exactly the same ones."""
    name, head = "sequence-classification-dropout", "sequence-classification"
    cfg = config_for(head, 3, hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.2, classifier_dropout=0.4)
    weights = make_weights(cfg, head, g)
    write_folder(name, head, cfg, weights)
    inputs = make_inputs(head, cfg, g)
    tensors = {k: v for k, v in inputs.items()}
    sites = {}
    for variant, classifier_dropout in (("set", 0.4), ("null", None)):
        variant_cfg = dict(cfg, classifier_dropout=classifier_dropout)
        dropout = RecordedDropout(g)
        out, grads = run(head, variant_cfg, weights, inputs, dropout)
        checks = float32_noise(head, variant_cfg, weights, inputs, out, grads, dropout.masks)
        # What a misread setting gives with the same masks: "set" read as hidden_dropout_prob (the classifier's kept
        # values scaled by 1/0.9, not 1/0.6); "null" read as no classifier dropout at all.
        misread = cfg["hidden_dropout_prob"] if classifier_dropout is not None else 0.0
        replay = [(s, misread if s == "classifier" else p, k) for s, p, k in dropout.masks]
        other, _ = run(head, dict(variant_cfg, classifier_dropout=misread), weights, inputs, ReplayedDropout(replay))
        checks["loss.change_if_classifier_dropout_were_misread"] = abs(float(other["loss"] - out["loss"]))
        assert checks["loss.change_if_classifier_dropout_were_misread"] > 1e-3, checks
        manifest["checks"][f"{name} ({variant})"] = checks
        tensors.update({f"{variant}.{k}": v for k, v in out.items()})
        tensors.update({f"{variant}.grad.{k}": v for k, v in grads.items()})
        for i, (site, p, keep) in enumerate(dropout.masks):
            tensors[f"{variant}.dropout_keep.{i}"] = keep.to(torch.uint8)
        sites[variant] = [{"site": s, "p": p} for s, p, _ in dropout.masks]
        print(f"  {name} ({variant}): loss {float(out['loss']):.5f}; {len(dropout.masks)} masks; {checks}")
    metadata = dict(METADATA, dropout_sites=json.dumps(sites))
    save(f"{name}/golden.safetensors", tensors,
         "BertForSequenceClassification in training mode, hidden dropout 0.1, attention-probability dropout 0.2. "
         "set.*: classifier_dropout 0.4 (config.json); null.*: classifier_dropout null (falls back to 0.1). Each: "
         "logits, loss, grad.<name>, and dropout_keep.{i} (1 kept, 0 dropped; kept values are scaled by 1/(1-p)) in the "
         "order BERT applies dropout; metadata dropout_sites names each mask's site and p.", metadata)


def make_adamw_groups(weights, inputs, g):
    """Three torch.optim.AdamW steps on the sequence-classification folder with transformers.Trainer's two groups
    (decay 0.1 except biases and LayerNorm weights); lr 1e-2 so the decay term (lr·wd = 1e-3 per step) is far above
    float32 noise."""
    cfg = config_for("sequence-classification", 3)
    params = {k: v.detach().clone().requires_grad_(True) for k, v in weights.items()}
    decay = hf_decay_parameter_names(list(params))
    optimizer = torch.optim.AdamW(
        [{"params": [params[n] for n in decay], "weight_decay": 0.1},
         {"params": [p for n, p in params.items() if n not in decay], "weight_decay": 0.0}],
        lr=1e-2, betas=(0.9, 0.999), eps=1e-6,
    )
    losses = []
    for _ in range(3):
        optimizer.zero_grad()
        loss = HEADS["sequence-classification"](params, cfg, inputs)["loss"]
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    tensors = {f"after.{k}": v.detach().clone() for k, v in params.items()}
    tensors["loss"] = torch.tensor(losses)
    # If LayerNorm weights were decayed too: how far they would move (the test must see this).
    ln = [n for n in params if n.endswith("LayerNorm.weight")]
    manifest["checks"]["adamw-groups"] = {
        "decayed": len(decay), "not_decayed": len(params) - len(decay),
        "layer_norm_weight_change_from_decay_if_misgrouped": 3 * 1e-2 * 0.1 * max(float(weights[n].abs().max()) for n in ln),
    }
    save("adamw-groups.safetensors", tensors,
         "3 torch.optim.AdamW steps (lr 1e-2, betas (0.9, 0.999), eps 1e-6; weight decay 0.1 on the names in metadata "
         "decay_names, 0 on the rest — transformers.Trainer's grouping) from sequence-classification/model.safetensors "
         "on that golden's inputs and labels, eval mode. after.<name>: every weight after step 3; loss [3]: the loss "
         "before each step.", dict(METADATA, decay_names=json.dumps(decay)))


def check_encoder_against_modules():
    """tiny_heads.encode and masked_lm on bert-tiny must reproduce the module-built TorchBert golden of make_fixtures.py."""
    weights, _ = safetensors_io.read(os.path.join(REFERENCE, "bert-tiny", "model.safetensors"))
    golden, _ = safetensors_io.read(os.path.join(REFERENCE, "bert-tiny", "golden.safetensors"))
    inputs = {k: golden[k] for k in ("input_ids", "token_type_ids", "attention_mask")}
    cfg = dict(TINY_CONFIG)
    sequence, pooled = encode(weights, cfg, **inputs)
    logits = masked_lm(weights, cfg, inputs)["logits"]
    checks = {
        "last_hidden_state.max_abs": float((sequence - golden["last_hidden_state"]).abs().max()),
        "pooler_output.max_abs": float((pooled - golden["pooler_output"]).abs().max()),
        "prediction_logits.max_abs": float((logits - golden["prediction_logits"]).abs().max()),
    }
    assert all(v < 5e-6 for v in checks.values()), checks
    manifest["checks"]["tiny_heads.encode vs TorchBert modules (bert-tiny golden)"] = checks
    print(f"  functional encoder vs modules: {checks}")


def main():
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    assert set(ACT2FN) == {"gelu", "gelu_new", "relu"}
    check_encoder_against_modules()
    g = torch.Generator().manual_seed(SEED)
    weights, inputs = make_head_golden("sequence-classification", "sequence-classification",
                                       config_for("sequence-classification", 3), g)
    make_head_golden("sequence-classification-regression", "sequence-classification",
                     config_for("sequence-classification", 1), g)
    make_head_golden("sequence-classification-multi-label", "sequence-classification",
                     config_for("sequence-classification", 4, problem_type="multi_label_classification"), g)
    make_head_golden("sequence-classification-gelu-new", "sequence-classification",
                     config_for("sequence-classification", 3, hidden_act="gelu_new"), g, act_sensitivity("gelu"))
    make_head_golden("sequence-classification-relu", "sequence-classification",
                     config_for("sequence-classification", 3, hidden_act="relu"), g, act_sensitivity("gelu"))
    make_dropout_golden(g)
    make_head_golden("token-classification", "token-classification", config_for("token-classification", 5), g)
    make_head_golden("question-answering", "question-answering", config_for("question-answering", 2), g)
    make_head_golden("multiple-choice", "multiple-choice", config_for("multiple-choice", 2), g)
    make_head_golden("masked-lm", "masked-lm", config_for("masked-lm", 2, hidden_act="gelu_new"), g,
                     act_sensitivity("gelu"))
    make_adamw_groups(weights, inputs, g)
    writer.finish(COMMAND, SEED)

if __name__ == "__main__":
    main()
