"""Writes the DistilBERT goldens to test/fixtures/reference/distilbert/ (see reference/README.md, "DistilBERT").

    /usr/bin/python3 reference/make_distilbert_fixtures.py     # Debian's python3-torch, never the pyenv python

Deterministic (fixed seeds, one thread). It writes its own manifest, distilbert/manifest.json. Before any golden is
written, tiny_distilbert.encode is checked against an encoder built from PyTorch's own modules.
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_runs import FixtureWriter, add_task_labels, float32_noise, golden_tensors, pair_batch, run  # noqa: E402
from tiny_distilbert import HEADS, LAYER_NORM_EPS, PREFIX, encode, sinusoidal_table  # noqa: E402
from tiny_heads import NoDropout, RecordedDropout, ReplayedDropout, num_labels  # noqa: E402

SEED = 20261130
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "distilbert")
COMMAND = "/usr/bin/python3 reference/make_distilbert_fixtures.py"
METADATA = {"format": "pt", "generator": "tsbert reference/make_distilbert_fixtures.py", "torch": torch.__version__}

# Small and odd (dim 15 = 3 heads of 5, hidden_dim 26, vocab 37, 3 layers) so a swapped dimension cannot pass. The
# dropout fields are Hugging Face's defaults; the eval-mode goldens do not see them.
BASE_CONFIG = {
    "model_type": "distilbert",
    "vocab_size": 37,
    "max_position_embeddings": 13,
    "sinusoidal_pos_embds": False,
    "n_layers": 3,
    "n_heads": 3,
    "dim": 15,
    "hidden_dim": 26,
    "dropout": 0.1,
    "attention_dropout": 0.1,
    "activation": "gelu",
    "initializer_range": 0.02,
    "qa_dropout": 0.1,
    "seq_classif_dropout": 0.2,
    "pad_token_id": 0,
    "tie_weights_": True,
    "torch_dtype": "float32",
}

ARCHITECTURES = {
    "base": "DistilBertModel",
    "sequence-classification": "DistilBertForSequenceClassification",
    "token-classification": "DistilBertForTokenClassification",
    "question-answering": "DistilBertForQuestionAnswering",
    "multiple-choice": "DistilBertForMultipleChoice",
    "masked-lm": "DistilBertForMaskedLM",
}
# The dropout site of each head's own dropout and the config field that sets it.
HEAD_DROPOUT = {
    "sequence-classification": ("classifier", "seq_classif_dropout"),
    "multiple-choice": ("classifier", "seq_classif_dropout"),
    "token-classification": ("classifier", "dropout"),
    "question-answering": ("qa", "qa_dropout"),
}


def is_per_weight(name):
    return (name.startswith(("distilbert.", "embeddings.", "transformer.", "grad.")) or ".grad." in name
            or name.split(".")[0] in ("pre_classifier", "classifier", "qa_outputs", "vocab_transform",
                                      "vocab_layer_norm", "vocab_projector"))


writer = FixtureWriter(OUT, METADATA, is_per_weight)
manifest, save = writer.manifest, writer.save


def config_for(head, labels, **overrides):
    cfg = dict(BASE_CONFIG, architectures=[ARCHITECTURES[head]], **overrides)
    cfg["id2label"] = {str(i): f"LABEL_{i}" for i in range(labels)}
    cfg["label2id"] = {f"LABEL_{i}": i for i in range(labels)}
    return cfg


# --- weights ----------------------------------------------------------------------------------------------------

def make_weights(cfg, head, g):
    """Hugging Face-named weights of the head's class (the base model's bare, a head's under `distilbert.`). Scales
    as make_head_fixtures.py's: sharp attention, feed-forward pre-activations ~1.5 where the GELU forms differ."""
    normal = lambda shape, std: torch.randn(shape, generator=g) * std  # noqa: E731
    dim, inner = cfg["dim"], cfg["hidden_dim"]
    prefix = "" if head == "base" else PREFIX
    w = {
        prefix + "embeddings.word_embeddings.weight": normal((cfg["vocab_size"], dim), 0.5),
        prefix + "embeddings.position_embeddings.weight": normal((cfg["max_position_embeddings"], dim), 0.5),
    }

    def layer_norm(name):
        w[name + ".weight"] = 1 + normal((dim,), 0.1)
        w[name + ".bias"] = normal((dim,), 0.1)

    def linear(name, out_features, in_features, std):
        w[name + ".weight"] = normal((out_features, in_features), std)
        w[name + ".bias"] = normal((out_features,), 0.1)

    layer_norm(prefix + "embeddings.LayerNorm")
    for i in range(cfg["n_layers"]):
        p = f"{prefix}transformer.layer.{i}."
        linear(p + "attention.q_lin", dim, dim, 0.4)  # sharp attention: a mis-split Q/K must show
        linear(p + "attention.k_lin", dim, dim, 0.4)
        linear(p + "attention.v_lin", dim, dim, 0.2)
        linear(p + "attention.out_lin", dim, dim, 0.2)
        layer_norm(p + "sa_layer_norm")
        linear(p + "ffn.lin1", inner, dim, 0.35)
        linear(p + "ffn.lin2", dim, inner, 0.2)
        layer_norm(p + "output_layer_norm")
    if head in ("sequence-classification", "multiple-choice"):
        linear("pre_classifier", dim, dim, 0.3)
        linear("classifier", num_labels(cfg) if head == "sequence-classification" else 1, dim, 0.3)
    elif head == "token-classification":
        linear("classifier", num_labels(cfg), dim, 0.3)
    elif head == "question-answering":
        linear("qa_outputs", 2, dim, 0.3)
    elif head == "masked-lm":
        linear("vocab_transform", dim, dim, 0.35)
        layer_norm("vocab_layer_norm")
        # vocab_projector.weight is the word-embedding table; Hugging Face's safetensors holds only the bias.
        w["vocab_projector.bias"] = normal((cfg["vocab_size"],), 0.1)
    return w


# --- inputs -----------------------------------------------------------------------------------------------------

def padded_batch(g, lengths, seq, vocab):
    """[CLS] A [SEP] B [SEP] + padding: ids and attention mask; DistilBERT takes no token types."""
    inputs = pair_batch(g, lengths, seq, vocab)
    del inputs["token_type_ids"]
    return inputs


def make_inputs(head, cfg, g):
    vocab = cfg["vocab_size"]
    if head == "multiple-choice":
        batch, choices, seq = 2, 3, 9
        flat = padded_batch(g, [9, 7, 6, 9, 5, 8], seq, vocab)
        inputs = {k: v.view(batch, choices, seq) for k, v in flat.items()}
        inputs["labels"] = torch.tensor([1, 2])
        return inputs
    inputs = padded_batch(g, [11, 8, 5], 11, vocab)
    if head == "base":
        # Scaled so that the gradients are the size of a head's loss's (an unscaled sum over 495 values gives 10×
        # larger ones, and with them 10× larger float32 noise in the gradients that are zero in exact arithmetic).
        inputs["probe"] = torch.randn(3, 11, cfg["dim"], generator=g) * 0.1
    # Question answering: row 1's start (15) and row 2's end (13) lie past the sequence (11): clamped to 11 and
    # ignored; row 2's start (-2) is clamped to 0 and counts.
    return add_task_labels(head, cfg, inputs, g, ([3, 15, -2], [5, 6, 13]))


# --- goldens ----------------------------------------------------------------------------------------------------

def make_golden(name, head, cfg, g, sensitivity=None):
    """A folder (config.json, model.safetensors) and its eval-mode golden.safetensors (FixtureWriter.eval_golden)."""
    weights = make_weights(cfg, head, g)
    writer.write_folder(name, cfg, weights, ARCHITECTURES[head])
    inputs = make_inputs(head, cfg, g)
    writer.eval_golden(name, ARCHITECTURES[head], HEADS[head], cfg, weights, inputs,
                       None if sensitivity is None else lambda *args: sensitivity(head, *args))


def activation_sensitivity(other):
    """How much the outputs move if `activation` were `other`: a test tolerance must sit well below it."""
    def check(head, cfg, weights, inputs, out):
        moved, _ = run(HEADS[head], dict(cfg, activation=other), weights, inputs, NoDropout())
        diff = float((moved["logits"] - out["logits"]).abs().max())
        assert diff > 1e-4, f"{cfg['activation']} vs {other}: logits differ by only {diff}"
        return {f"logits.max_abs_change_if_activation_were_{other}": diff}
    return check


class MisreadDropout(ReplayedDropout):
    """The recorded masks, with rate `p` at `site` whatever the model asks for there: a head reading the wrong field."""

    def __init__(self, masks, site, p):
        super().__init__([(s, p if s == site else q, k) for s, q, k in masks])
        self.site, self.p = site, p

    def __call__(self, x, p, site):
        return super().__call__(x, self.p if site == self.site else p, site)


def make_dropout_golden(head, cfg, g):
    """Training mode with every dropout on (embeddings and feed-forward 0.1, attention probabilities 0.2, the head's
    own rate), the masks recorded in the order DistilBERT draws them so tsbert can be given exactly the same ones;
    and how far the loss would move if the head's dropout read another config field."""
    name = f"{head}-dropout"
    weights = make_weights(cfg, head, g)
    writer.write_folder(name, cfg, weights, ARCHITECTURES[head])
    inputs = make_inputs(head, cfg, g)
    dropout = RecordedDropout(g)
    out, grads = run(HEADS[head], cfg, weights, inputs, dropout)
    checks = float32_noise(HEADS[head], cfg, weights, inputs, out, grads, dropout.masks)
    site, field = HEAD_DROPOUT[head]
    wrong = cfg["seq_classif_dropout"] if field == "dropout" else cfg["dropout"]
    moved, _ = run(HEADS[head], cfg, weights, inputs, MisreadDropout(dropout.masks, site, wrong))
    checks[f"loss.change_if_{field}_were_{wrong}"] = abs(float(moved["loss"] - out["loss"]))
    assert checks[f"loss.change_if_{field}_were_{wrong}"] > 1e-3, checks
    manifest["checks"][name] = checks
    tensors = golden_tensors(inputs, out, grads)
    tensors.update({f"dropout_keep.{i}": keep.to(torch.uint8) for i, (_, _, keep) in enumerate(dropout.masks)})
    sites = [{"site": s, "p": p} for s, p, _ in dropout.masks]
    save(f"{name}/golden.safetensors", tensors,
         f"{ARCHITECTURES[head]} in training mode (dropout {cfg['dropout']}, attention_dropout "
         f"{cfg['attention_dropout']}, {field} {cfg[field]}): outputs, loss, grad.<name>, and dropout_keep.{{i}} (1 kept, "
         "0 dropped; kept values scaled by 1/(1-p)) in the order DistilBERT applies dropout; metadata dropout_sites "
         "names each mask's site and p.", dict(METADATA, dropout_sites=json.dumps(sites)))
    print(f"  {name}: loss {float(out['loss']):.5f}; {len(sites)} masks; {checks}")


def make_sinusoidal():
    """create_sinusoidal_embeddings' table at the fixtures' sizes (odd dim: one more sine column than cosine)."""
    n_pos, dim = BASE_CONFIG["max_position_embeddings"], BASE_CONFIG["dim"]
    table = sinusoidal_table(n_pos, dim)
    save("sinusoidal.safetensors", {"position_embeddings": table},
         f"create_sinusoidal_embeddings(n_pos={n_pos}, dim={dim}): the fixed position table of sinusoidal_pos_embds.")


class ModuleEncoder(nn.Module):
    """DistilBertModel from PyTorch's modules: nn.TransformerEncoderLayer (post-LayerNorm, erf GELU, batch_first) is
    TransformerBlock — attention with q scaled before the product, LayerNorm(attention + x), lin1 → GELU → lin2,
    LayerNorm(ffn + x). The packed in_proj_weight is [q_lin; k_lin; v_lin]."""

    def __init__(self, cfg, w):
        super().__init__()
        dim = cfg["dim"]
        self.word = nn.Embedding.from_pretrained(w["embeddings.word_embeddings.weight"], freeze=False)
        self.position = nn.Embedding.from_pretrained(w["embeddings.position_embeddings.weight"], freeze=False)
        self.norm = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(dim, cfg["n_heads"], cfg["hidden_dim"], dropout=0.0, activation="gelu",
                                       layer_norm_eps=LAYER_NORM_EPS, batch_first=True, norm_first=False)
            for _ in range(cfg["n_layers"]))
        with torch.no_grad():
            self.norm.weight.copy_(w["embeddings.LayerNorm.weight"])
            self.norm.bias.copy_(w["embeddings.LayerNorm.bias"])
            for i, layer in enumerate(self.layers):
                p = f"transformer.layer.{i}."
                get = lambda name: w[p + name]  # noqa: E731
                layer.self_attn.in_proj_weight.copy_(torch.cat([get(f"attention.{n}_lin.weight") for n in "qkv"]))
                layer.self_attn.in_proj_bias.copy_(torch.cat([get(f"attention.{n}_lin.bias") for n in "qkv"]))
                layer.self_attn.out_proj.weight.copy_(get("attention.out_lin.weight"))
                layer.self_attn.out_proj.bias.copy_(get("attention.out_lin.bias"))
                for ours, theirs in (("linear1", "ffn.lin1"), ("linear2", "ffn.lin2"), ("norm1", "sa_layer_norm"),
                                     ("norm2", "output_layer_norm")):
                    getattr(layer, ours).weight.copy_(get(theirs + ".weight"))
                    getattr(layer, ours).bias.copy_(get(theirs + ".bias"))

    def forward(self, input_ids, attention_mask):
        seq = input_ids.shape[1]
        x = self.norm(self.word(input_ids) + self.position(torch.arange(seq))[None])
        # A zero float src_mask besides the padding mask keeps PyTorch 1.13 off its fused fast path (tiny_bert.py).
        for layer in self.layers:
            x = layer(x, src_mask=torch.zeros(seq, seq), src_key_padding_mask=attention_mask == 0)
        return x


def check_against_torch_modules(g):
    """tiny_distilbert.encode against ModuleEncoder on the base model's weights and a padded batch."""
    cfg = dict(BASE_CONFIG)
    weights = make_weights(cfg, "base", g)
    inputs = padded_batch(g, [11, 8, 5], 11, cfg["vocab_size"])
    expected = ModuleEncoder(cfg, weights)(inputs["input_ids"], inputs["attention_mask"])
    actual = encode(weights, cfg, inputs["input_ids"], inputs["attention_mask"], prefix="")
    real = inputs["attention_mask"].bool()  # PyTorch's fast path may zero padded rows; compare the real ones
    error = float((expected - actual)[real].abs().max())
    assert error < 5e-6, error
    manifest["checks"]["tiny_distilbert.encode vs nn.TransformerEncoderLayer modules"] = {"last_hidden_state.max_abs": error}
    print(f"  functional encoder vs modules: {error:.2e}")


def main():
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    check_against_torch_modules(g)
    make_golden("model", "base", config_for("base", 2), g)
    make_golden("masked-lm", "masked-lm", config_for("masked-lm", 2, activation="gelu_new"), g,
                activation_sensitivity("gelu"))
    make_golden("sequence-classification", "sequence-classification", config_for("sequence-classification", 3), g)
    make_golden("sequence-classification-regression", "sequence-classification",
                config_for("sequence-classification", 1), g)
    make_golden("sequence-classification-multi-label", "sequence-classification",
                config_for("sequence-classification", 4, problem_type="multi_label_classification"), g)
    make_golden("sequence-classification-relu", "sequence-classification",
                config_for("sequence-classification", 3, activation="relu"), g, activation_sensitivity("gelu"))
    make_golden("token-classification", "token-classification", config_for("token-classification", 5), g)
    make_golden("question-answering", "question-answering", config_for("question-answering", 2), g)
    make_golden("multiple-choice", "multiple-choice", config_for("multiple-choice", 2), g)
    training = dict(dropout=0.1, attention_dropout=0.2, seq_classif_dropout=0.3, qa_dropout=0.25)
    make_dropout_golden("sequence-classification", config_for("sequence-classification", 3, **training), g)
    make_dropout_golden("token-classification", config_for("token-classification", 5, **training), g)
    make_dropout_golden("question-answering", config_for("question-answering", 2, **training), g)
    make_dropout_golden("multiple-choice", config_for("multiple-choice", 2, **training), g)
    make_sinusoidal()
    writer.finish(COMMAND, SEED)

if __name__ == "__main__":
    main()
