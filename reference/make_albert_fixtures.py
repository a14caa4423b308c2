"""Writes the ALBERT goldens to test/fixtures/reference/albert/ (see reference/README.md, "ALBERT").

    /usr/bin/python3 reference/make_albert_fixtures.py     # Debian's python3-torch, never the pyenv python

Each case is a Hugging Face folder (config.json, model.safetensors) and golden.safetensors: the inputs under Hugging
Face's argument names, the outputs under its output names, and grad.<name> = d loss / d weight for every weight, in
eval mode. Shared layers get one gradient, the sum over every layer that runs them. The functional model
(tiny_albert.py) is first checked against TorchAlbert, built from PyTorch's modules. Deterministic (fixed seeds, one
thread); writes its own manifest, albert/manifest.json.
"""
import os
import sys

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_files import FixtureFiles  # noqa: E402
from make_head_fixtures import make_inputs, norm_relative, pair_batch  # noqa: E402
from tiny_albert import HEADS, TorchAlbert, group_of_layer  # noqa: E402
from tiny_heads import NoDropout, RecordedDropout, ReplayedDropout  # noqa: E402

SEED = 20241130
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = FixtureFiles(os.path.join(ROOT, "test", "fixtures", "reference", "albert"),
                     "/usr/bin/python3 reference/make_albert_fixtures.py", SEED)

# Small and odd: E = 10 ≠ H = 18 (3 heads of 6), intermediate 26, vocab 37, so a swapped dimension cannot pass.
BASE_CONFIG = {
    "model_type": "albert",
    "vocab_size": 37,
    "embedding_size": 10,
    "hidden_size": 18,
    "num_hidden_layers": 3,
    "num_hidden_groups": 1,
    "inner_group_num": 1,
    "num_attention_heads": 3,
    "intermediate_size": 26,
    "hidden_act": "gelu_new",
    "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0,
    "max_position_embeddings": 20,
    "type_vocab_size": 2,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "classifier_dropout_prob": 0.1,
    "position_embedding_type": "absolute",
    "pad_token_id": 0,
    "bos_token_id": 2,
    "eos_token_id": 3,
    "torch_dtype": "float32",
}

ARCHITECTURES = {
    "base": "AlbertModel",
    "pretraining": "AlbertForPreTraining",
    "masked-lm": "AlbertForMaskedLM",
    "sequence-classification": "AlbertForSequenceClassification",
    "token-classification": "AlbertForTokenClassification",
    "question-answering": "AlbertForQuestionAnswering",
    "multiple-choice": "AlbertForMultipleChoice",
}
# add_pooling_layer=False in Hugging Face's constructors of these heads.
WITHOUT_POOLER = {"token-classification", "question-answering", "masked-lm"}

def config_for(head, labels, **overrides):
    names = [f"LABEL_{i}" for i in range(labels)]
    return dict(BASE_CONFIG, architectures=[ARCHITECTURES[head]], **overrides,
                id2label={str(i): name for i, name in enumerate(names)}, label2id={name: i for i, name in enumerate(names)})


def make_weights(cfg, head, g):
    """Hugging Face-named weights of the head's class, at scales where every part matters (as make_head_fixtures.py:
    sharp attention, feed-forward pre-activations ~1.5 where the GELU forms differ)."""
    normal = lambda shape, std: torch.randn(shape, generator=g) * std  # noqa: E731
    e, h, inner = cfg["embedding_size"], cfg["hidden_size"], cfg["intermediate_size"]
    base = "" if head == "base" else "albert."
    w = {}

    def layer_norm(name, size):
        w[name + ".weight"] = 1 + normal((size,), 0.1)
        w[name + ".bias"] = normal((size,), 0.1)

    def linear(name, out_features, in_features, std):
        w[name + ".weight"] = normal((out_features, in_features), std)
        w[name + ".bias"] = normal((out_features,), 0.1)

    w[base + "embeddings.word_embeddings.weight"] = normal((cfg["vocab_size"], e), 0.5)
    w[base + "embeddings.position_embeddings.weight"] = normal((cfg["max_position_embeddings"], e), 0.5)
    w[base + "embeddings.token_type_embeddings.weight"] = normal((cfg["type_vocab_size"], e), 0.5)
    layer_norm(base + "embeddings.LayerNorm", e)
    linear(base + "encoder.embedding_hidden_mapping_in", h, e, 0.4)
    for group in range(cfg["num_hidden_groups"]):
        for j in range(cfg["inner_group_num"]):
            p = f"{base}encoder.albert_layer_groups.{group}.albert_layers.{j}."
            linear(p + "attention.query", h, h, 0.4)
            linear(p + "attention.key", h, h, 0.4)
            linear(p + "attention.value", h, h, 0.2)
            linear(p + "attention.dense", h, h, 0.2)
            layer_norm(p + "attention.LayerNorm", h)
            linear(p + "ffn", inner, h, 0.35)
            linear(p + "ffn_output", h, inner, 0.2)
            layer_norm(p + "full_layer_layer_norm", h)
    if head not in WITHOUT_POOLER:
        linear(base + "pooler", h, h, 0.3)
    labels = len(cfg["id2label"])
    if head in ("sequence-classification", "token-classification"):
        linear("classifier", labels, h, 0.3)
    elif head == "multiple-choice":
        linear("classifier", 1, h, 0.3)
    elif head == "question-answering":
        linear("qa_outputs", 2, h, 0.3)
    if head in ("pretraining", "masked-lm"):
        w["predictions.bias"] = normal((cfg["vocab_size"],), 0.1)
        linear("predictions.dense", e, h, 0.35)
        layer_norm("predictions.LayerNorm", e)
    if head == "pretraining":
        linear("sop_classifier.classifier", labels, h, 0.3)
    return w


def albert_inputs(head, cfg, g):
    """make_head_fixtures.py's padded batches; the base model gets a probe, pre-training a sentence-order label."""
    if head == "base":
        inputs = pair_batch(g, [10, 8, 6], 10, cfg["vocab_size"])
        # Scaled so the loss is O(1), as the heads' are: exactly-zero gradients then stay at the heads' noise level.
        inputs["probe_sequence"] = torch.randn(3, 10, cfg["hidden_size"], generator=g) * 0.05
        inputs["probe_pooled"] = torch.randn(3, cfg["hidden_size"], generator=g) * 0.05
        return inputs
    inputs = make_inputs("masked-lm" if head == "pretraining" else head, cfg, g)
    if head == "pretraining":
        inputs["sentence_order_label"] = torch.tensor([1, 0, 1])  # 1: the segments were swapped
    return inputs


def run(head, cfg, weights, inputs, dropout=NoDropout()):
    """Outputs and the gradient of the loss for every weight (float32 or float64 weights)."""
    w = {k: v.detach().clone().requires_grad_(True) for k, v in weights.items()}
    dtype = next(iter(w.values())).dtype
    inputs = {k: v.to(dtype) if v.is_floating_point() else v for k, v in inputs.items()}
    out = HEADS[head](w, cfg, inputs, dropout)
    out["loss"].backward()
    return {k: v.detach() for k, v in out.items()}, {k: v.grad.detach().clone() for k, v in w.items()}


def float32_noise(head, cfg, weights, inputs, out, grads, masks=()):
    """How far the float32 golden is from float64: the error a float32 implementation cannot be asked to beat."""
    dropout = ReplayedDropout(masks) if masks else NoDropout()
    out64, grads64 = run(head, cfg, {k: v.double() for k, v in weights.items()}, inputs, dropout)
    checks = {"float32_vs_float64.outputs.max_abs": max(float((out[k].double() - out64[k]).abs().max()) for k in out)}
    zero = sorted(k for k in grads if float(grads64[k].norm()) < 1e-12)
    checks["float32_vs_float64.grad.max_norm_relative"] = max(norm_relative(grads[k], grads64[k]) for k in grads if k not in zero)
    checks["grad.exactly_zero_in_exact_arithmetic"] = zero
    return checks


def group_sensitivity(head, cfg, weights, inputs, out):
    """How much the outputs move if layer i ran group i mod num_hidden_groups instead of Hugging Face's
    int(i / (layers / groups)): the tolerance must sit far below it."""
    import tiny_albert
    original = tiny_albert.group_of_layer
    tiny_albert.group_of_layer = lambda i, c: i % c["num_hidden_groups"]
    try:
        other, _ = run(head, cfg, weights, inputs)
    finally:
        tiny_albert.group_of_layer = original
    key = next(iter(out))
    diff = float((other[key] - out[key]).abs().max())
    assert diff > 1e-2, diff
    return {f"{key}.max_abs_change_if_layer_i_ran_group_i_mod_groups": diff}


def make_golden(name, head, cfg, g, sensitivity=None):
    weights = make_weights(cfg, head, g)
    FILES.json(f"{name}/config.json", cfg)
    FILES.safetensors(f"{name}/model.safetensors", weights, f"{ARCHITECTURES[head]} weights (Hugging Face names).")
    inputs = albert_inputs(head, cfg, g)
    out, grads = run(head, cfg, weights, inputs)
    checks = float32_noise(head, cfg, weights, inputs, out, grads)
    if sensitivity is not None:
        checks.update(sensitivity(head, cfg, weights, inputs, out))
    if head == "base":
        checks.update(check_against_modules(cfg, weights, inputs, out, grads))
    FILES.manifest["checks"][name] = checks
    tensors = dict(inputs)
    tensors.update(out)
    tensors.update({f"grad.{k}": v for k, v in grads.items()})
    FILES.safetensors(f"{name}/golden.safetensors", tensors,
         f"{ARCHITECTURES[head]} in eval mode: inputs, outputs ({', '.join(out)}), grad.<name> for every weight.")
    print(f"  {name}: loss {float(out['loss']):.5f}; {checks}")


def make_dropout_golden(g):
    """Training mode: hidden dropout 0.1, attention-probability dropout 0.2, classifier_dropout_prob 0.3, one layer
    group run at three steps (each with its own masks). The keep masks are recorded in the order ALBERT draws them —
    embeddings; per layer run the attention probabilities and the attention output (none after the feed-forward);
    the classifier — as dropout_keep.{i} with their rates in dropout_p, so tsbert can be handed the same ones."""
    name, head = "token-classification-dropout", "token-classification"
    cfg = config_for(head, 3, hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.2, classifier_dropout_prob=0.3)
    weights = make_weights(cfg, head, g)
    FILES.json(f"{name}/config.json", cfg)
    FILES.safetensors(f"{name}/model.safetensors", weights, f"{ARCHITECTURES[head]} weights (Hugging Face names).")
    inputs = albert_inputs(head, cfg, g)
    dropout = RecordedDropout(g)
    out, grads = run(head, cfg, weights, inputs, dropout)
    checks = float32_noise(head, cfg, weights, inputs, out, grads, dropout.masks)
    checks["dropout_sites"] = [site for site, _, _ in dropout.masks]
    FILES.manifest["checks"][name] = checks
    tensors = dict(inputs)
    tensors.update(out)
    tensors.update({f"grad.{k}": v for k, v in grads.items()})
    tensors.update({f"dropout_keep.{i}": keep.to(torch.uint8) for i, (_, _, keep) in enumerate(dropout.masks)})
    tensors["dropout_p"] = torch.tensor([p for _, p, _ in dropout.masks], dtype=torch.float64)
    FILES.safetensors(f"{name}/golden.safetensors", tensors,
                      f"{ARCHITECTURES[head]} in training mode: inputs, outputs, grad.<name>, dropout_keep.<i> (1 kept) and "
                      "dropout_p in the order ALBERT applies dropout.")
    print(f"  {name}: loss {float(out['loss']):.5f}; {len(dropout.masks)} masks; {checks}")


def check_against_modules(cfg, weights, inputs, out, grads):
    """The functional encoder against TorchAlbert (PyTorch's modules, shared layers called again): outputs and the
    gradient of every weight, the shared ones summed over their uses by autograd itself."""
    model = TorchAlbert(cfg)
    model.load_hf(weights)
    sequence, pooled = model(inputs["input_ids"], inputs["token_type_ids"], inputs["attention_mask"])
    ((sequence * inputs["probe_sequence"]).sum() + (pooled * inputs["probe_pooled"]).sum()).backward()
    module_grads = model.hf_grads()
    assert module_grads.keys() == grads.keys(), sorted(set(module_grads) ^ set(grads))
    checks = {
        "last_hidden_state.max_abs": float((sequence - out["last_hidden_state"]).abs().max()),
        "pooler_output.max_abs": float((pooled - out["pooler_output"]).abs().max()),
        "grad.max_norm_relative": max(norm_relative(module_grads[k], grads[k]) for k in grads if float(grads[k].norm()) > 1e-4),
    }
    assert checks["last_hidden_state.max_abs"] < 1e-5 and checks["pooler_output.max_abs"] < 1e-5, checks
    assert checks["grad.max_norm_relative"] < 1e-4, checks
    return {f"functional_vs_TorchAlbert_modules.{k}": v for k, v in checks.items()}


def main():
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    assert [group_of_layer(i, {"num_hidden_layers": 3, "num_hidden_groups": 2}) for i in range(3)] == [0, 0, 1]
    make_golden("model-g1-i1", "base", config_for("base", 2), g)
    make_golden("model-g2-i2", "base", config_for("base", 2, num_hidden_layers=4, num_hidden_groups=2, inner_group_num=2), g,
                group_sensitivity)
    make_golden("pretraining", "pretraining", config_for("pretraining", 2, num_hidden_groups=2), g, group_sensitivity)
    make_golden("masked-lm", "masked-lm", config_for("masked-lm", 2, num_hidden_layers=2, inner_group_num=2), g)
    make_golden("sequence-classification", "sequence-classification",
                config_for("sequence-classification", 3, num_hidden_layers=2, num_hidden_groups=2), g)
    make_golden("sequence-classification-regression", "sequence-classification", config_for("sequence-classification", 1), g)
    make_golden("sequence-classification-multi-label", "sequence-classification",
                config_for("sequence-classification", 4, problem_type="multi_label_classification"), g)
    make_golden("token-classification", "token-classification", config_for("token-classification", 5, inner_group_num=2), g)
    make_golden("question-answering", "question-answering", config_for("question-answering", 2), g)
    make_golden("multiple-choice", "multiple-choice", config_for("multiple-choice", 2, num_hidden_groups=3), g)
    make_dropout_golden(g)
    FILES.finish()


if __name__ == "__main__":
    main()
