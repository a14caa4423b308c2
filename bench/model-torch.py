#!/usr/bin/env python3
"""PyTorch peer for tsbert's model benchmarks: BERT forward and pre-training step throughput on the CPU.

Run with Debian's python (PyTorch 1.13 CPU), not pyenv's, and at PyTorch's best settings on these machines
(see bench/MODEL-RESULTS.md and /work/shared/REFERENCE-NOTES.md):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \\
        /usr/bin/python3 bench/model-torch.py --task forward --config base --batch 8 --seq 128 --json

The model is reference/tiny_bert.py's TorchBert (PyTorch's own modules, Hugging Face names) extended with what a
benchmark needs and the fixture model leaves out: embedding dropout, BERT's exact dropout sites, the encoder alone
for inference, and MLM logits computed only at the masked positions for training (as the original BERT).

Inputs are full length (no padding, attention mask all ones) so that no path skips work: PyTorch's eval fast path
(torch._transformer_encoder_layer_fwd) does the same arithmetic as the module path, and no nested tensors appear.

forward     eval mode, torch.inference_mode(); outputs last_hidden_state [B,S,H] and pooler_output [B,H]
            (BertModel's outputs, the same work as `tsbert bench forward`, which runs model.bert.forward).
            --path fast (default: PyTorch 1.13's fused encoder-layer kernel, what a user of nn.TransformerEncoderLayer
            gets in eval mode) or --path module (the plain module path, as Hugging Face's BertModel runs).
            --heads adds BertForPreTraining's prediction logits over every position and the NSP logits.
train-step  train mode, dropout 0.1 (embeddings, attention probabilities, attention output, FFN output); loss =
            MLM cross-entropy at ~15% positions (rows gathered before the transform and the vocabulary projection)
            + NSP cross-entropy; backward; clip_grad_norm_(1.0); AdamW (lr 1e-4, eps 1e-6, weight decay 0.01 except
            biases and LayerNorm, as Hugging Face and tsbert).
finetune-classification, finetune-token-classification, finetune-question-answering, finetune-multiple-choice
            a fine-tuning step of Hugging Face's BertForSequenceClassification / ForTokenClassification /
            ForQuestionAnswering / ForMultipleChoice (2 labels; 4 choices): the encoder as above (pooler kept, the
            pre-training heads removed), dropout 0.1 in train mode (classifier dropout = hidden_dropout_prob), the
            head's Linear and loss (cross-entropy; QA: mean of start and end), backward, clip_grad_norm_(1.0), AdamW
            (lr 3e-5, eps 1e-8: Hugging Face Trainer's defaults, weight decay 0.01 except biases and LayerNorm), on
            the same random full-length batch as `tsbert bench finetune` (random targets; multiple choice runs
            batch × 4 sequences and reports batch = 4·batch, as tsbert). "params" in the JSON is the parameter count
            (BERT-base, 2 labels: 109,483,778 = Hugging Face's and tsbert's).

Prints one JSON object per measurement with --json:
{"engine":"pytorch","task","config","batch","seq","threads","tokens_per_s","ms_per_iter","peak_rss_mb",...}
tokens_per_s = batch·seq / median time of one iteration over --rounds timed iterations after --warmup.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import safetensors_io  # noqa: E402
from tiny_bert import IGNORE_INDEX, TorchBert  # noqa: E402

# Same presets as tsbert's src/model/config.ts: (layers, hidden, heads); intermediate = 4 × hidden.
PRESETS = {
    "tiny": (2, 128, 2),
    "mini": (4, 256, 4),
    "small": (4, 512, 8),
    "medium": (8, 512, 8),
    "base": (12, 768, 12),
    "large": (24, 1024, 16),
}


def preset_config(name, dropout=0.1):
    """Hugging Face BertConfig fields for a preset (vocab 30522, 512 positions, 2 token types, eps 1e-12)."""
    layers, hidden, heads = PRESETS[name]
    return {
        "architectures": ["BertForPreTraining"],
        "model_type": "bert",
        "vocab_size": 30522,
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": 4 * hidden,
        "hidden_act": "gelu",
        "hidden_dropout_prob": dropout,
        "attention_probs_dropout_prob": dropout,
        "max_position_embeddings": 512,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
    }


class BenchBert(TorchBert):
    """TorchBert with BERT's dropout sites, the encoder alone, and a masked-positions-only pre-training loss."""

    def __init__(self, cfg):
        if cfg.get("hidden_act", "gelu") != "gelu":
            raise SystemExit(f"hidden_act {cfg['hidden_act']!r}: only 'gelu' (erf) is built here")
        if cfg["hidden_dropout_prob"] != cfg["attention_probs_dropout_prob"]:
            print("note: nn.TransformerEncoderLayer has one dropout rate; using hidden_dropout_prob for both",
                  file=sys.stderr)
        super().__init__(cfg)
        self.embedding_dropout = nn.Dropout(cfg["hidden_dropout_prob"])
        for layer in self.layers:
            # nn.TransformerEncoderLayer drops out after the GELU too; BERT does not. (The eval fast path ignores it.)
            layer.dropout = nn.Identity()

    def init_like_bert(self, generator):
        """Hugging Face's BertPreTrainedModel init: N(0, initializer_range) matrices and embeddings, zero biases,
        LayerNorm 1/0, the [PAD] row zero. (Not reference/'s deliberately skewed fixture init: its N(0, 0.25)
        query/key weights saturate softmax at BERT-base sizes and fill it with subnormal floats, which are slow.)"""
        std = self.cfg["initializer_range"]
        with torch.no_grad():
            for module in self.modules():
                if isinstance(module, nn.LayerNorm):
                    module.weight.fill_(1.0)
                    module.bias.zero_()
                elif isinstance(module, (nn.Linear, nn.Embedding)):
                    module.weight.copy_(torch.randn(module.weight.shape, generator=generator) * std)
                    if getattr(module, "bias", None) is not None:
                        module.bias.zero_()
                elif isinstance(module, nn.MultiheadAttention):
                    module.in_proj_weight.copy_(torch.randn(module.in_proj_weight.shape, generator=generator) * std)
                    module.in_proj_bias.zero_()
            self.word.weight[self.cfg["pad_token_id"]].zero_()
            if getattr(self, "decoder_bias", None) is not None:  # fine-tuning heads have none
                self.decoder_bias.zero_()
        return self

    def encode(self, input_ids, token_type_ids, attention_mask=None, module_path=False):
        """BertModel: (last_hidden_state, pooler_output). attention_mask None means no padding anywhere."""
        batch, seq = input_ids.shape
        positions = torch.arange(seq).unsqueeze(0).expand(batch, seq)
        x = self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids)
        x = self.embedding_dropout(self.embedding_norm(x))
        padding = None if attention_mask is None else attention_mask == 0
        # A zero float src_mask keeps PyTorch 1.13 off its eval fast path (same numbers, unfused kernels).
        src_mask = torch.zeros(seq, seq) if module_path else None
        for layer in self.layers:
            x = layer(x, src_mask=src_mask, src_key_padding_mask=padding)
        return x, (None if self.pooler is None else torch.tanh(self.pooler(x[:, 0])))

    def heads(self, hidden, pooled):
        """BertForPreTraining's heads on every position: prediction logits [B,S,V], NSP logits [B,2]."""
        t = self.transform_norm(F.gelu(self.transform(hidden)))
        return t @ self.word.weight.t() + self.decoder_bias, self.seq_relationship(pooled)

    def pretraining_loss(self, input_ids, token_type_ids, masked_rows, masked_labels, next_sentence_label,
                         labels=None):
        """MLM loss on the masked rows only (flat indices into batch·seq, gathered before the transform and the
        vocabulary projection, as google-research/bert's gather_indexes) + NSP loss. With `labels` [B,S] instead,
        the logits are computed at every position and the loss ignores -100 (Hugging Face's BertForPreTraining)."""
        hidden, pooled = self.encode(input_ids, token_type_ids)
        if labels is not None:
            t = self.transform_norm(F.gelu(self.transform(hidden)))
            logits = t @ self.word.weight.t() + self.decoder_bias
            mlm = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE_INDEX)
        else:
            rows = hidden.reshape(-1, hidden.shape[-1]).index_select(0, masked_rows)
            t = self.transform_norm(F.gelu(self.transform(rows)))
            logits = t @ self.word.weight.t() + self.decoder_bias
            mlm = F.cross_entropy(logits, masked_labels)
        nsp = F.cross_entropy(self.seq_relationship(pooled), next_sentence_label)
        return mlm + nsp


FINETUNE_TASKS = ("classification", "token-classification", "question-answering", "multiple-choice")
NUM_LABELS = 2  # tsbert's presets (src/model/config.ts) and Hugging Face's default
MULTIPLE_CHOICES = 4  # as `tsbert bench finetune --task multiple-choice`


class BenchBertForTask(BenchBert):
    """Hugging Face's Bert{ForSequenceClassification, ForTokenClassification, ForQuestionAnswering, ForMultipleChoice}:
    the encoder of BenchBert without the pre-training heads, plus the task's dropout and Linear. Token
    classification and question answering have no pooler (Hugging Face's add_pooling_layer=False, as tsbert)."""

    def __init__(self, cfg, task):
        super().__init__(cfg)
        del self.transform, self.transform_norm, self.decoder_bias, self.seq_relationship
        if task in ("token-classification", "question-answering"):
            self.pooler = None
        hidden = cfg["hidden_size"]
        self.task = task
        self.classifier_dropout = nn.Dropout(cfg["hidden_dropout_prob"])  # classifier_dropout None → hidden_dropout_prob
        outputs = {"classification": NUM_LABELS, "token-classification": NUM_LABELS, "question-answering": 2,
                   "multiple-choice": 1}[task]
        self.classifier = nn.Linear(hidden, outputs)

    def finetune_loss(self, ids, types, targets):
        """The head's loss on a full-length batch; multiple choice takes [B·choices, S] rows, choices adjacent."""
        hidden, pooled = self.encode(ids, types)
        if self.task == "classification":
            return F.cross_entropy(self.classifier(self.classifier_dropout(pooled)), targets["labels"])
        if self.task == "multiple-choice":
            scores = self.classifier(self.classifier_dropout(pooled)).view(-1, MULTIPLE_CHOICES)  # [B, choices]
            return F.cross_entropy(scores, targets["labels"])
        if self.task == "token-classification":
            logits = self.classifier(self.classifier_dropout(hidden))  # [B, S, labels]
            return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets["labels"].reshape(-1))
        start, end = self.classifier(hidden).unbind(-1)  # [B, S] each; Hugging Face's QA head has no dropout
        return (F.cross_entropy(start, targets["start_positions"]) + F.cross_entropy(end, targets["end_positions"])) / 2


def random_targets(task, batch, seq, generator):
    """Random labels for a fine-tuning head, as tsbert's randomTargets (bench-model.ts)."""
    if task == "token-classification":
        return {"labels": torch.randint(0, NUM_LABELS, (batch, seq), generator=generator)}
    if task == "question-answering":
        return {"start_positions": torch.randint(0, seq, (batch,), generator=generator),
                "end_positions": torch.randint(0, seq, (batch,), generator=generator)}
    if task == "multiple-choice":
        return {"labels": torch.randint(0, MULTIPLE_CHOICES, (batch,), generator=generator)}
    return {"labels": torch.randint(0, NUM_LABELS, (batch,), generator=generator)}


def _pick(tensors, name):
    """Hugging Face checkpoints vary: with or without the 'bert.' prefix, old TF-style gamma/beta LayerNorm names."""
    candidates = [name, name[len("bert."):] if name.startswith("bert.") else "bert." + name]
    candidates += [c.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
                   for c in candidates]
    for c in candidates:
        if c in tensors:
            return tensors[c]
    return None


def load_model_dir(path):
    """A Hugging Face BERT folder (config.json + model.safetensors, or pytorch_model.bin) → BenchBert.
    Missing head tensors (a BertModel checkpoint) stay as initialized; missing encoder tensors are an error."""
    with open(os.path.join(path, "config.json")) as f:
        cfg = {**preset_config("base"), **json.load(f)}
    st = os.path.join(path, "model.safetensors")
    if os.path.exists(st):
        tensors, _ = safetensors_io.read(st)
    else:
        tensors = torch.load(os.path.join(path, "pytorch_model.bin"), map_location="cpu")
    model = BenchBert(cfg).init_like_bert(torch.Generator().manual_seed(0))
    h = cfg["hidden_size"]
    missing = []
    with torch.no_grad():
        dest = {
            "bert.embeddings.word_embeddings.weight": model.word.weight,
            "bert.embeddings.position_embeddings.weight": model.position.weight,
            "bert.embeddings.token_type_embeddings.weight": model.token_type.weight,
            "bert.embeddings.LayerNorm.weight": model.embedding_norm.weight,
            "bert.embeddings.LayerNorm.bias": model.embedding_norm.bias,
            "bert.pooler.dense.weight": model.pooler.weight,
            "bert.pooler.dense.bias": model.pooler.bias,
            "cls.predictions.bias": model.decoder_bias,
            "cls.predictions.transform.dense.weight": model.transform.weight,
            "cls.predictions.transform.dense.bias": model.transform.bias,
            "cls.predictions.transform.LayerNorm.weight": model.transform_norm.weight,
            "cls.predictions.transform.LayerNorm.bias": model.transform_norm.bias,
            "cls.seq_relationship.weight": model.seq_relationship.weight,
            "cls.seq_relationship.bias": model.seq_relationship.bias,
        }
        for i, layer in enumerate(model.layers):
            p = f"bert.encoder.layer.{i}."
            for j, part in enumerate(("query", "key", "value")):  # in_proj packs [Wq; Wk; Wv]
                dest[p + f"attention.self.{part}.weight"] = layer.self_attn.in_proj_weight[j * h:(j + 1) * h]
                dest[p + f"attention.self.{part}.bias"] = layer.self_attn.in_proj_bias[j * h:(j + 1) * h]
            dest[p + "attention.output.dense.weight"] = layer.self_attn.out_proj.weight
            dest[p + "attention.output.dense.bias"] = layer.self_attn.out_proj.bias
            dest[p + "attention.output.LayerNorm.weight"] = layer.norm1.weight
            dest[p + "attention.output.LayerNorm.bias"] = layer.norm1.bias
            dest[p + "intermediate.dense.weight"] = layer.linear1.weight
            dest[p + "intermediate.dense.bias"] = layer.linear1.bias
            dest[p + "output.dense.weight"] = layer.linear2.weight
            dest[p + "output.dense.bias"] = layer.linear2.bias
            dest[p + "output.LayerNorm.weight"] = layer.norm2.weight
            dest[p + "output.LayerNorm.bias"] = layer.norm2.bias
        for name, param in dest.items():
            src = _pick(tensors, name)
            if src is None:
                missing.append(name)
                continue
            if tuple(src.shape) != tuple(param.shape):
                raise SystemExit(f"{path}: {name} has shape {list(src.shape)}, expected {list(param.shape)}")
            param.copy_(src.float())
    encoder_missing = [n for n in missing if n.startswith("bert.")]
    if encoder_missing:
        raise SystemExit(f"{path}: missing {len(encoder_missing)} encoder tensors, e.g. {encoder_missing[:3]}")
    if missing:
        print(f"note: {path} has no {', '.join(missing)}: left as initialized", file=sys.stderr)
    return model


def build_model(args):
    if args.model:
        return load_model_dir(args.model), os.path.basename(os.path.normpath(args.model))
    torch.manual_seed(args.seed)
    cfg = preset_config(args.config)
    model = BenchBertForTask(cfg, finetune_task(args)) if finetune_task(args) else BenchBert(cfg)
    return model.init_like_bert(torch.Generator().manual_seed(args.seed)), args.config


def finetune_task(args):
    """The head of a finetune-… task (classification, ...), or None (also for scripts without --task: the exporter)."""
    task = getattr(args, "task", "")
    return task[len("finetune-"):] if task.startswith("finetune-") else None


def random_batch(cfg, batch, seq, generator):
    """Full-length random ids (as tsbert's randomPretrainBatch: ids ≥ 1000, segment A then B, MLM labels at ~15%
    of positions after [CLS], random NSP labels)."""
    vocab = cfg["vocab_size"]
    low = 1000 if vocab > 2000 else 5
    ids = torch.randint(low, vocab, (batch, seq), generator=generator)
    types = (torch.arange(seq) >= seq / 2).long().unsqueeze(0).expand(batch, seq).contiguous()
    masked = torch.rand(batch, seq, generator=generator) < 0.15
    masked[:, 0] = False
    labels = torch.where(masked, ids, torch.full_like(ids, IGNORE_INDEX))
    nsp = torch.randint(0, 2, (batch,), generator=generator)
    return ids, types, labels, nsp


def no_decay(name, param):
    """Hugging Face's rule: no weight decay on biases and LayerNorm weights."""
    return param.dim() == 1 or "norm" in name


def timed(fn, warmup, rounds):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def training_step(model, loss_fn, lr, eps, foreach):
    """train(); one step = zero_grad(set_to_none), loss, backward, clip_grad_norm_(1.0), AdamW (betas 0.9/0.999,
    weight decay 0.01 except biases and LayerNorm)."""
    model.train()
    named = list(model.named_parameters())
    groups = [
        {"params": [p for n, p in named if not no_decay(n, p)], "weight_decay": 0.01},
        {"params": [p for n, p in named if no_decay(n, p)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=eps, foreach=foreach)
    params = [p for _, p in named]

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        return loss

    return step


def run(args):
    torch.set_num_threads(args.threads)
    model, config_name = build_model(args)
    cfg = model.cfg
    gen = torch.Generator().manual_seed(args.seed + 1)
    ids, types, labels, nsp = random_batch(cfg, args.batch, args.seq, gen)
    extra = {}
    sequences = args.batch

    if args.task == "forward":
        model.eval()
        for p in model.parameters():
            p.requires_grad_(False)
        module_path = args.path == "module"

        def step():
            with torch.inference_mode():
                hidden, pooled = model.encode(ids, types, module_path=module_path)
                if args.heads:
                    model.heads(hidden, pooled)
            return hidden

        extra["outputs"] = "last_hidden_state+pooler_output" + ("+prediction_logits+seq_relationship_logits"
                                                                if args.heads else "")
        extra["path"] = args.path
    elif finetune_task(args):
        head = finetune_task(args)
        sequences = args.batch * (MULTIPLE_CHOICES if head == "multiple-choice" else 1)
        ids, types, _, _ = random_batch(cfg, sequences, args.seq, gen)
        targets = random_targets(head, args.batch, args.seq, gen)
        step = training_step(model, lambda: model.finetune_loss(ids, types, targets), lr=3e-5, eps=1e-8,
                             foreach=args.foreach)
        extra["params"] = sum(p.numel() for p in model.parameters())
        extra["dropout"] = cfg["hidden_dropout_prob"]
        extra["foreach"] = args.foreach
    else:
        flat = labels.reshape(-1)
        masked_rows = (flat != IGNORE_INDEX).nonzero().squeeze(1)
        masked_labels = flat.index_select(0, masked_rows)
        step = training_step(model, lambda: model.pretraining_loss(
            ids, types, masked_rows, masked_labels, nsp, labels if args.mlm_positions == "all" else None),
            lr=1e-4, eps=1e-6, foreach=args.foreach)
        extra["masked_positions"] = int(masked_rows.numel())
        extra["dropout"] = cfg["hidden_dropout_prob"]
        extra["foreach"] = args.foreach
        extra["mlm_logits"] = args.mlm_positions

    times = timed(step, args.warmup, args.rounds)
    ms = statistics.median(times) * 1000
    result = {
        "engine": "pytorch",
        "task": args.task,
        "config": config_name,
        "batch": sequences,
        "seq": args.seq,
        "threads": torch.get_num_threads(),
        "tokens_per_s": round(sequences * args.seq / (ms / 1000)),
        "ms_per_iter": round(ms, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rounds": args.rounds,
        "ms_all": [round(t * 1000, 1) for t in times],
        **extra,
        "torch": torch.__version__,
        "env": {k: os.environ.get(k) for k in ("OMP_WAIT_POLICY", "GLIBC_TUNABLES", "OPENBLAS_CORETYPE",
                                                "OPENBLAS_L2_SIZE") if os.environ.get(k) is not None},
    }
    if args.json:
        print(json.dumps(result), flush=True)
    else:
        print(f"pytorch {args.task} {config_name} {args.batch}×{args.seq}: {result['tokens_per_s']} tokens/s "
              f"({result['ms_per_iter']} ms/iter, {result['threads']} threads, peak RSS {result['peak_rss_mb']} MB)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--task", choices=("forward", "train-step") + tuple("finetune-" + t for t in FINETUNE_TASKS),
                    default="forward")
    ap.add_argument("--config", choices=sorted(PRESETS), default="base")
    ap.add_argument("--model", help="a Hugging Face BERT folder (config.json + model.safetensors) instead of --config")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3, help="timed iterations (the median is reported)")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--path", choices=("fast", "module"), default="fast", help="forward: encoder-layer path")
    ap.add_argument("--heads", action="store_true", help="forward: also the MLM and NSP heads on every position")
    ap.add_argument("--foreach", action=argparse.BooleanOptionalAction, default=True,
                    help="train-step, finetune-…: AdamW's multi-tensor implementation (default on)")
    ap.add_argument("--mlm-positions", choices=("masked", "all"), default="masked",
                    help="train-step: MLM logits at the masked positions only (BERT's; default) or at every position "
                         "(Hugging Face's BertForPreTraining: ~2× the work for BERT-small)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.seq > 512:
        ap.error("--seq must be ≤ 512 (max_position_embeddings)")
    if args.model and args.task.startswith("finetune-"):
        ap.error("--model: the finetune-… tasks build their head from --config only")
    run(args)


if __name__ == "__main__":
    main()
