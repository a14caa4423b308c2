"""Writes tsbert's PyTorch golden fixtures to test/fixtures/reference/ (see reference/README.md).

Run from anywhere with Debian's PyTorch (never the pyenv python on PATH):

    /usr/bin/python3 reference/make_fixtures.py

Deterministic: fixed seeds, one thread. Python is never needed by `npm test`; only the outputs are committed.
"""
import copy
import json
import math
import os
import platform
import sys

import numpy
import torch

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from tiny_bert import IGNORE_INDEX, TINY_CONFIG, TorchBert, manual_forward, pretraining_losses, randomize  # noqa: E402

SEED = 20240611
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "reference")
COMMAND = "/usr/bin/python3 reference/make_fixtures.py"
METADATA = {"format": "pt", "generator": "tsbert reference/make_fixtures.py", "torch": torch.__version__}

PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4
FIRST_WORD = 5  # ids below are special tokens

manifest = {"files": {}, "checks": {}}


def save(relative, tensors, description, metadata=METADATA):
    path = os.path.join(OUT, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    safetensors_io.write(path, tensors, metadata)
    back, _ = safetensors_io.read(path)  # the writer must round-trip exactly
    assert back.keys() == tensors.keys() and all(torch.equal(back[k], tensors[k]) for k in tensors), relative
    manifest["files"][relative] = {
        "description": description,
        "bytes": os.path.getsize(path),
        "tensors": {k: {"dtype": safetensors_io._DTYPES[v.dtype][0], "shape": list(v.shape)} for k, v in sorted(tensors.items())},
    }


# --- dtypes.safetensors: torch's own conversions, to check the TypeScript ones --------------------------------------

def make_dtypes(g):
    special = [0.0, -0.0, 1.0, -2.0, 0.1, 1 / 3, 65504.0, 65520.0, 70000.0, 1e-8, 2.0**-25, 3 * 2.0**-25, 6e-5,
               2.0**-24, 1 + 2.0**-11, 1 + 3 * 2.0**-11, 1 + 2.0**-8, 1 + 3 * 2.0**-8, 3.14159, -123.456, 1e30,
               -1e-30, math.inf, -math.inf]
    scales = torch.tensor([1e-6, 1e-3, 1.0, 1e3, 1e5]).repeat_interleave(8)
    values = torch.cat([torch.tensor(special, dtype=torch.float32), torch.randn(40, generator=g) * scales])
    f64 = torch.randn(16, generator=g, dtype=torch.float64) * torch.logspace(-30, 30, 16, dtype=torch.float64)
    ids = [0, 1, -1, 98, 12345, 2147483647, -2147483648]
    tensors = {
        "values.f32": values,
        "values.f16": values.half(),
        "values.f16.as_f32": values.half().float(),
        "values.bf16": values.bfloat16(),
        "values.bf16.as_f32": values.bfloat16().float(),
        "values.f64": f64,
        "values.f64.as_f32": f64.float(),
        "ids.i64": torch.tensor(ids, dtype=torch.int64),
        "ids.i32": torch.tensor(ids, dtype=torch.int32),
    }
    save("dtypes.safetensors", tensors,
         "The same float32 values converted by torch to F16 and BF16 (raw bits) and back to F32; F64 values and "
         "torch's F64->F32; int ids as I64 and I32. Checks the TypeScript dtype conversions bit for bit.")


# --- adamw.safetensors ----------------------------------------------------------------------------------------------

def make_adamw(g):
    init = {"w": torch.randn(4, 3, generator=g) * 0.5, "b": torch.randn(3, generator=g) * 0.5}
    grads = []
    for step, scale in enumerate([1.0, 0.1, 3.0, -0.5, 2.0, 0.01, 1.0, -1.5, 0.3, 5.0], start=1):
        gw = torch.randn(4, 3, generator=g) * scale
        gw[0, 0] = 0.0  # a parameter whose gradient is always zero: only weight decay moves it
        grads.append({"w": gw, "b": torch.randn(3, generator=g) * scale})
    tensors = {"init.w": init["w"], "init.b": init["b"]}
    for k, grad in enumerate(grads, start=1):
        tensors[f"grad.{k}.w"], tensors[f"grad.{k}.b"] = grad["w"], grad["b"]

    def run(prefix, make_optimizer, steps, make_scheduler=None):
        w = torch.nn.Parameter(init["w"].clone())
        b = torch.nn.Parameter(init["b"].clone())
        optimizer = make_optimizer(w, b)
        scheduler = make_scheduler(optimizer) if make_scheduler else None
        lrs = []
        for k in range(steps):
            w.grad, b.grad = grads[k]["w"].clone(), grads[k]["b"].clone()
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            if scheduler:
                scheduler.step()
            tensors[f"{prefix}.{k + 1}.w"], tensors[f"{prefix}.{k + 1}.b"] = w.detach().clone(), b.detach().clone()
        return lrs

    bert_groups = lambda w, b: torch.optim.AdamW(  # noqa: E731
        [{"params": [w], "weight_decay": 0.01}, {"params": [b], "weight_decay": 0.0}],
        lr=1e-3, betas=(0.9, 0.999), eps=1e-6,
    )
    run("adamw_bert", bert_groups, 5)
    run("adamw_default", lambda w, b: torch.optim.AdamW([w, b], lr=1e-3), 5)

    warmup, total = 3, 10

    def linear_warmup_decay(step):  # transformers' get_linear_schedule_with_warmup
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    lrs = run("schedule", bert_groups, total, lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, linear_warmup_decay))
    tensors["schedule.lr"] = torch.tensor(lrs, dtype=torch.float64)

    for prefix, scale in (("clip", 2.0), ("clip_small", 0.1)):
        w = torch.nn.Parameter(init["w"].clone())
        b = torch.nn.Parameter(init["b"].clone())
        w.grad = torch.randn(4, 3, generator=g) * scale
        b.grad = torch.randn(3, generator=g) * scale
        tensors[f"{prefix}.before.w"], tensors[f"{prefix}.before.b"] = w.grad.clone(), b.grad.clone()
        norm = torch.nn.utils.clip_grad_norm_([w, b], max_norm=1.0)
        tensors[f"{prefix}.total_norm"] = norm.detach().clone().reshape([])
        tensors[f"{prefix}.after.w"], tensors[f"{prefix}.after.b"] = w.grad.clone(), b.grad.clone()
    assert tensors["clip.total_norm"] > 1.0 > tensors["clip_small.total_norm"]

    save("adamw.safetensors", tensors,
         "torch.optim.AdamW goldens. Params init.{w [4,3], b [3]}; gradients grad.{k}.{w,b} for k = 1..10 (w[0,0] "
         "is always 0). adamw_bert.{k}.{w,b}: params after step k = 1..5 with lr 1e-3, betas (0.9, 0.999), eps 1e-6, "
         "weight decay 0.01 on w and 0.0 on b (two groups). adamw_default.{k}: torch defaults (lr 1e-3, eps 1e-8, "
         "wd 0.01 on both). schedule.{k}: the bert config over 10 steps with LambdaLR linear warmup 3 / total 10 "
         "(schedule.lr [10] F64 = lr used by step k: 1e-3 * [0, 1/3, 2/3, 1, 6/7, ..., 1/7]). clip / clip_small: "
         "clip_grad_norm_(max_norm=1.0) on {w, b}: before, after, total_norm (scalar, the pre-clip global L2 norm).")


# --- bert-tiny/ -----------------------------------------------------------------------------------------------------

def vocab_tokens():
    words = ["the", "of", "and", "to", "in", "is", "was", "he", "it", "for", "on", "as", "with", "his", "at", "by",
             "that", "from", "she", "are", "be", "had", "not", "this", "but", "they"]
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(".,!?'-") + [str(d) for d in range(10)]
    tokens += letters + ["##" + c for c in letters] + words
    assert len(tokens) == TINY_CONFIG["vocab_size"] and len(set(tokens)) == len(tokens)
    return tokens


def make_batch(g, lengths, seq, label_share, min_labels, word_probs=None):
    """Pairs [CLS] A [SEP] B [SEP] + padding, with MLM labels on content tokens only (never specials or padding).
    Labelled positions hold [MASK] 80%, a random word 10%, the original 10% (BERT §3.1). Words are uniform over
    the non-special ids, or drawn from `word_probs` (over ids FIRST_WORD..vocab-1)."""
    batch = len(lengths)
    ids = torch.zeros(batch, seq, dtype=torch.int64)
    types = torch.zeros(batch, seq, dtype=torch.int64)
    mask = torch.zeros(batch, seq, dtype=torch.int64)
    labels = torch.full((batch, seq), IGNORE_INDEX, dtype=torch.int64)
    vocab = TINY_CONFIG["vocab_size"]
    for r, length in enumerate(lengths):
        content = length - 3
        a = max(1, min(content - 1, content // 2 + int(torch.randint(-1, 2, (1,), generator=g))))
        if word_probs is None:
            words = torch.randint(FIRST_WORD, vocab, (content,), generator=g)
        else:
            words = torch.multinomial(word_probs, content, replacement=True, generator=g) + FIRST_WORD
        row = [CLS] + words[:a].tolist() + [SEP] + words[a:].tolist() + [SEP]
        ids[r, :length] = torch.tensor(row)
        types[r, a + 2 : length] = 1
        mask[r, :length] = 1
        positions = [p for p in range(length) if row[p] not in (CLS, SEP)]
        count = min(len(positions), max(min_labels, round(label_share * len(positions))))
        chosen = sorted(positions[int(i)] for i in torch.randperm(len(positions), generator=g)[:count])
        for p in chosen:
            labels[r, p] = ids[r, p]
            coin = float(torch.rand(1, generator=g))
            if coin < 0.8:
                ids[r, p] = MASK
            elif coin < 0.9:
                ids[r, p] = int(torch.randint(FIRST_WORD, vocab, (1,), generator=g))
    return ids, types, mask, labels


def max_relative(a, b):
    """max |a - b| / max(max |b|, 1e-12): errors relative to the tensor's scale (gradients vary by orders)."""
    return float((a.double() - b.double()).abs().max() / max(float(b.double().abs().max()), 1e-12))


def make_bert_tiny(g):
    folder = os.path.join(OUT, "bert-tiny")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(TINY_CONFIG, f, indent=2)
        f.write("\n")
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab_tokens()) + "\n")

    model = TorchBert(TINY_CONFIG)
    randomize(model, g)
    pristine = copy.deepcopy(model)
    weights = model.hf_tensors()
    save("bert-tiny/model.safetensors", weights,
         "Hugging Face BertForPreTraining weights (names as HF; tied decoder weight and position_ids not stored) "
         "for config.json: vocab 99, hidden 48, 3 heads, 2 layers, intermediate 100, 40 positions, 2 types.")

    ids, types, mask, labels = make_batch(g, [11, 9, 7], 11, 0.5, 1)
    nsp_labels = torch.tensor([0, 1, 1])
    model.eval()
    out = model(ids, types, mask, want_attentions=True)  # autograd on: no fused fast path
    loss, mlm, nsp = pretraining_losses(out, labels, nsp_labels)
    loss.backward()
    grads = model.hf_tensors(of_grad=True)
    assert set(grads) == set(weights)

    golden = {
        "input_ids": ids, "token_type_ids": types, "attention_mask": mask, "labels": labels,
        "next_sentence_label": nsp_labels,
        "loss": loss.detach().reshape([]), "mlm_loss": mlm.detach().reshape([]), "nsp_loss": nsp.detach().reshape([]),
    }
    for key in ("last_hidden_state", "pooler_output", "prediction_logits", "seq_relationship_logits"):
        golden[key] = out[key].detach()
    for i, state in enumerate(out["hidden_states"]):
        golden[f"hidden_states.{i}"] = state.detach()
    for i, probs in enumerate(out["attentions"]):
        golden[f"attentions.{i}"] = probs.detach()
    for name, grad in grads.items():
        golden[f"grad.{name}"] = grad
    save("bert-tiny/golden.safetensors", golden,
         "BertForPreTraining in eval mode on bert-tiny/model.safetensors. Inputs (I64) batch 3 x seq 11: row lengths "
         "11, 9, 7 (padding id 0, attention_mask 0), segments 0 then 1 (padding has type 0), labels -100 except "
         "content positions, next_sentence_label [3]. Outputs F32: last_hidden_state [3,11,48], pooler_output [3,48], "
         "prediction_logits [3,11,99], seq_relationship_logits [3,2], hidden_states.{0,1,2} [3,11,48] (embeddings "
         "output, then each layer), attentions.{0,1} [3,3,11,11] (softmax probabilities), loss = mlm_loss + "
         "nsp_loss (scalars, shape []), grad.<HF name> for every tensor in model.safetensors (of loss).")

    check_against_manual(weights, grads, golden, out, ids, types, mask, labels, nsp_labels)
    return pristine


def check_against_manual(weights, grads, golden, out, ids, types, mask, labels, nsp_labels):
    """The module-built model must equal BERT written out by hand: float32 to ~1e-6, float64 as the arbiter."""
    checks = {}
    for dtype in (torch.float32, torch.float64):
        w = {k: v.detach().clone().to(dtype).requires_grad_(True) for k, v in weights.items()}
        ref = manual_forward(w, TINY_CONFIG, ids, types, mask)
        loss, _, _ = pretraining_losses(ref, labels, nsp_labels)
        loss.backward()
        tag = str(dtype).replace("torch.", "")
        for key in ("last_hidden_state", "pooler_output", "prediction_logits", "seq_relationship_logits"):
            checks[f"{tag}.{key}.max_abs"] = float((ref[key].double() - out[key].double()).abs().max())
        checks[f"{tag}.attentions.max_abs"] = max(
            float((a.double() - b.double()).abs().max()) for a, b in zip(ref["attentions"], out["attentions"])
        )
        checks[f"{tag}.loss.abs"] = abs(float(loss) - float(golden["loss"]))
        # The key bias gradient is zero in exact arithmetic (REFERENCE-NOTES.md): float32 noise, left out here.
        real = [k for k in grads if not k.endswith("attention.self.key.bias")]
        checks[f"{tag}.grad.max_relative_without_key_bias"] = max(max_relative(grads[k], w[k].grad) for k in real)
    for key, value in checks.items():
        print(f"  manual vs modules {key}: {value}")
    for tag in ("float32", "float64"):
        assert checks[f"{tag}.last_hidden_state.max_abs"] < 1e-5, checks
        assert checks[f"{tag}.prediction_logits.max_abs"] < 1e-5, checks
        assert checks[f"{tag}.attentions.max_abs"] < 1e-6, checks
        assert checks[f"{tag}.loss.abs"] < 1e-5, checks
        assert checks[f"{tag}.grad.max_relative_without_key_bias"] < 1e-5, checks
    padded_keys = mask == 0
    for probs in out["attentions"]:
        assert torch.all(probs.detach().masked_select(padded_keys[:, None, None, :].expand_as(probs)) == 0)
    entropy = float(-(out["attentions"][0] * out["attentions"][0].clamp_min(1e-30).log()).sum(-1).mean())
    checks["attention_entropy_layer0_nats"] = entropy
    checks["key_bias_grad_max_abs"] = max(float(grads[k].abs().max()) for k in grads if k.endswith("key.bias"))
    print(f"  attention entropy (layer 0, mean over rows): {entropy:.3f} nats; uniform over 11 would be {math.log(11):.3f}")
    manifest["checks"]["bert-tiny: modules vs manual implementation"] = checks


# --- pretrain-trajectory.safetensors --------------------------------------------------------------------------------

TRAJECTORY_FINAL = [
    "bert.embeddings.word_embeddings.weight",
    "bert.embeddings.position_embeddings.weight",
    "bert.embeddings.LayerNorm.weight",
    "bert.encoder.layer.0.attention.self.query.weight",
    "bert.encoder.layer.0.attention.self.key.bias",
    "bert.encoder.layer.1.intermediate.dense.weight",
    "bert.encoder.layer.1.output.LayerNorm.bias",
    "bert.pooler.dense.weight",
    "cls.predictions.bias",
    "cls.predictions.transform.LayerNorm.weight",
    "cls.seq_relationship.weight",
]


def make_trajectory(model, g):
    steps, batch, seq = 20, 4, 16
    decay = [p for p in model.parameters() if not model.no_decay(p)]
    no_decay = [p for p in model.parameters() if model.no_decay(p)]
    assert len(decay) == 3 + 4 * TINY_CONFIG["num_hidden_layers"] + 3  # embeddings 3, per layer 4, pooler/transform/nsp
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
        lr=1e-3, betas=(0.9, 0.999), eps=1e-6,
    )
    # Zipf-distributed words (as in text), so there is something to learn and the loss visibly falls; uniform
    # random words would leave only noise for 20 steps to fit.
    zipf = 1.0 / torch.arange(1, TINY_CONFIG["vocab_size"] - FIRST_WORD + 1, dtype=torch.float64)
    model.train()  # dropout is 0, so train and eval agree; train mode also keeps PyTorch off its fast path
    record = {k: [] for k in ("input_ids", "token_type_ids", "attention_mask", "labels", "next_sentence_label",
                              "loss", "mlm_loss", "nsp_loss", "grad_norm")}
    for _ in range(steps):
        lengths = torch.randint(8, seq + 1, (batch,), generator=g).tolist()
        lengths[0] = seq  # at least one full row per batch
        ids, types, mask, labels = make_batch(g, lengths, seq, 0.15, 1, zipf)
        nsp_labels = torch.randint(0, 2, (batch,), generator=g)
        optimizer.zero_grad()
        loss, mlm, nsp = pretraining_losses(model(ids, types, mask), labels, nsp_labels)
        loss.backward()
        grad_norm = torch.sqrt(sum((p.grad.double() ** 2).sum() for p in model.parameters()))
        optimizer.step()
        for key, value in zip(record, (ids, types, mask, labels, nsp_labels, loss, mlm, nsp, grad_norm)):
            record[key].append(value.detach())
    with torch.no_grad():
        final_loss, _, _ = pretraining_losses(model(ids, types, mask), labels, nsp_labels)
    tensors = {k: torch.stack(v) for k, v in record.items()}
    for key in ("loss", "mlm_loss", "nsp_loss", "grad_norm"):
        tensors[key] = tensors[key].float()
    tensors["final_loss_on_last_batch"] = final_loss.reshape([])
    final = model.hf_tensors()
    for name in TRAJECTORY_FINAL:
        tensors[f"final.{name}"] = final[name]
    print(f"  trajectory loss: {tensors['loss'][0]:.4f} -> {tensors['loss'][-1]:.4f}; "
          f"grad norms {float(tensors['grad_norm'].min()):.3f}..{float(tensors['grad_norm'].max()):.3f}")
    save("pretrain-trajectory.safetensors", tensors,
         "20 AdamW steps of BertForPreTraining from bert-tiny/model.safetensors on Zipf-distributed words, dropout 0: lr 1e-3 constant (no "
         "warmup), betas (0.9, 0.999), eps 1e-6, weight decay 0.01 except biases and LayerNorm weights (and "
         "cls.predictions.bias), no gradient clipping. Per step k: input_ids, token_type_ids, attention_mask, labels "
         "[20,4,16] I64, next_sentence_label [20,4] I64; loss, mlm_loss, nsp_loss [20] = loss of batch k before "
         "update k; grad_norm [20] = global L2 norm of all gradients at step k (for reference; not clipped). "
         "final_loss_on_last_batch: loss of batch 20 after all 20 updates. final.<HF name>: a few parameters "
         "after step 20.")


def main():
    torch.set_num_threads(1)  # deterministic reductions, and kind to the shared machine
    torch.manual_seed(SEED)
    os.makedirs(OUT, exist_ok=True)
    make_dtypes(torch.Generator().manual_seed(SEED + 1))
    make_adamw(torch.Generator().manual_seed(SEED + 2))
    model = make_bert_tiny(torch.Generator().manual_seed(SEED + 3))
    make_trajectory(model, torch.Generator().manual_seed(SEED + 4))
    manifest.update({
        "command": COMMAND,
        "seed": SEED,
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "notes": [
            "All floats are float32 unless the manifest says otherwise; ids and labels are I64 as Hugging Face's.",
            "Attention padding: PyTorch masks keys with -inf; the manual check uses Hugging Face's additive "
            "torch.finfo(float32).min. Both give exactly zero probability on padded keys.",
            "Query/key weights are N(0, 0.25) (other matrices N(0, 0.02)) so attention is far from uniform.",
            "Compare gradients relative to the tensor's max |value| with an absolute floor: the attention key bias "
            "gradient is exactly zero in exact arithmetic and stored as float32 noise.",
        ],
    })
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    total = sum(entry["bytes"] for entry in manifest["files"].values())
    print(f"wrote {len(manifest['files'])} safetensors files, {total / 1e6:.2f} MB, to {OUT}")


if __name__ == "__main__":
    main()
