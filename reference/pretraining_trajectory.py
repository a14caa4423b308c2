"""An independent PyTorch pre-training run on tsbert's instances, to compare learning curves with `npm start`.

Single-step parity (make_fixtures.py) cannot show that a whole run learns as fast as it should: a data order, schedule
or optimizer-state bug only shows over hundreds of steps. This trains BERT-mini (TorchBert, PyTorch's own modules)
with the default job's recipe (cli/default-job.ts: batch 16, AdamW lr 1e-3, eps 1e-8, weight decay 0.01 except biases
and LayerNorm, linear warmup over 10 % of --total steps then linear decay to 0, global norm clipped at 1.0, dropout 0.1,
Hugging Face's initialisation: N(0, 0.02), zero biases, LayerNorm 1/0, decoder tied to the word embeddings) on the
same instance files, and prints the held-out MLM loss and accuracy every 200 steps beside tsbert's metrics.jsonl.
Seeds and data order differ from tsbert's, so the curves agree within run-to-run noise, not exactly.

  node reference/dump_pretraining_instances.mjs ~/.cache/tsbert/default-train-s128-d2-seed12345.tsbpt /tmp/pt-train
  node reference/dump_pretraining_instances.mjs ~/.cache/tsbert/default-eval-s128-seed12345.tsbpt /tmp/pt-eval
  /usr/bin/python3 reference/pretraining_trajectory.py --data /tmp/pt-train --eval /tmp/pt-eval --total 3129 --stop 600 \
      --config RUN/final/config.json --tsbert RUN/metrics.jsonl
"""
import argparse
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from tiny_bert import TorchBert

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--eval", required=True)
parser.add_argument("--config", required=True, help="the tsbert run's config.json (BERT-mini)")
parser.add_argument("--tsbert", help="the tsbert run's metrics.jsonl, printed beside")
parser.add_argument("--total", type=int, default=3129, help="steps of the schedule")
parser.add_argument("--stop", type=int, default=600, help="stop after this many steps")
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--batch", type=int, default=16)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)


def load(prefix):
    arrays = {k: np.fromfile(f"{prefix}-{k}.bin", dtype=np.int32) for k in ("ids", "types", "labels", "mask", "nsp")}
    n = len(arrays["nsp"])
    return {k: torch.from_numpy(v if k == "nsp" else v.reshape(n, -1)).long() for k, v in arrays.items()}, n


train, n_train = load(args.data)
held_out, n_eval = load(args.eval)
cfg = json.load(open(args.config))
model = TorchBert(cfg)
with torch.no_grad():  # BertPreTrainedModel._init_weights
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.normal_(0, cfg["initializer_range"])
            if getattr(module, "bias", None) is not None:
                module.bias.zero_()
        elif isinstance(module, nn.LayerNorm):
            module.weight.fill_(1)
            module.bias.zero_()
        elif isinstance(module, nn.MultiheadAttention):
            module.in_proj_weight.normal_(0, cfg["initializer_range"])
            module.in_proj_bias.zero_()
    model.word.weight[cfg["pad_token_id"]].zero_()
decay = [p for p in model.parameters() if not model.no_decay(p)]
no_decay = [p for p in model.parameters() if model.no_decay(p)]
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, eps=1e-8)
warmup = args.total // 10


def lr_factor(step):  # step counts from 0
    return step / warmup if step < warmup else max(0.0, (args.total - step) / (args.total - warmup))


def encode(ids, types, mask):
    """TorchBert's encoder and pooler (its forward without the full-vocabulary logits)."""
    x = model.embed(ids, types)
    padding, no_mask = mask == 0, torch.zeros(ids.shape[1], ids.shape[1])
    for layer in model.layers:
        x = layer(x, src_mask=no_mask, src_key_padding_mask=padding)
    return x, torch.tanh(model.pooler(x[:, 0]))


def batch_of(data, index):
    b = {k: v[index] for k, v in data.items()}
    length = int(b["mask"].sum(1).max())
    return {k: v if k == "nsp" else v[:, :length] for k, v in b.items()}


def evaluate():
    model.eval()
    total, count, correct = 0.0, 0, 0
    with torch.no_grad():
        for i in range(0, n_eval, 64):
            b = batch_of(held_out, slice(i, i + 64))
            masked = b["labels"] != -100
            hidden, _ = encode(b["ids"], b["types"], b["mask"])
            log_probs = F.log_softmax(model.mlm_logits(hidden[masked]), -1)
            targets = b["labels"][masked]
            total -= log_probs.gather(1, targets[:, None]).sum().item()
            count += int(masked.sum())
            correct += int((log_probs.argmax(-1) == targets).sum())
    return total / count, correct / count


# What word frequencies alone score on the held-out masked tokens: the training targets' unigram distribution
# (smoothed by 0.01 a word), the floor a masked LM must get under before it uses any context.
counts = torch.bincount(train["labels"][train["labels"] != -100], minlength=cfg["vocab_size"]).double() + 0.01
eval_targets = held_out["labels"][held_out["labels"] != -100]
unigram = -(counts / counts.sum()).log()[eval_targets].mean().item()
print(f"unigram baseline: {unigram:.3f} nats, the most frequent target {100 * (eval_targets == counts.argmax()).double().mean().item():.2f} %")
tsbert = {}
if args.tsbert:
    for line in open(args.tsbert):
        row = json.loads(line)
        if "eval_mlm_loss" in row:
            tsbert[row["step"]] = row
generator = torch.Generator().manual_seed(1)
order, cursor, start = torch.randperm(n_train, generator=generator), 0, time.time()
print("step  pytorch loss / accuracy   tsbert loss / accuracy")
for step in range(1, args.stop + 1):
    if cursor + args.batch > n_train:
        order, cursor = torch.randperm(n_train, generator=generator), 0
    b = batch_of(train, order[cursor : cursor + args.batch])
    cursor += args.batch
    for group in optimizer.param_groups:
        group["lr"] = args.lr * lr_factor(step - 1)
    model.train()
    masked = b["labels"] != -100
    hidden, pooled = encode(b["ids"], b["types"], b["mask"])
    loss = F.cross_entropy(model.mlm_logits(hidden[masked]), b["labels"][masked]) + F.cross_entropy(model.seq_relationship(pooled), b["nsp"])
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    if step % 200 == 0 or step == args.stop:
        mlm_loss, accuracy = evaluate()
        theirs = tsbert.get(step)
        other = f"{theirs['eval_mlm_loss']:.3f} / {100 * theirs['eval_mlm_accuracy']:.2f}%" if theirs else "—"
        print(f"{step:5d}  {mlm_loss:.3f} / {100 * accuracy:.2f}%           {other}   ({time.time() - start:.0f} s)", flush=True)
