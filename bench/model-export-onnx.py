#!/usr/bin/env python3
"""Exports bench/model-torch.py's BERT forward to ONNX for bench/model-ort.mjs (onnxruntime-node).

    /usr/bin/python3 bench/model-export-onnx.py --config base --out bench/results/bert-base.onnx

Graph: inputs input_ids, token_type_ids, attention_mask (int64 [batch, seq], both axes dynamic) → outputs
last_hidden_state [batch, seq, hidden] and pooler_output [batch, hidden]. Random weights with a fixed seed
(--seed, Hugging Face's init as model-torch.py), or --model DIR for a Hugging Face folder. Opset 14.

--attention mha (default) exports nn.MultiheadAttention as PyTorch traces it: one packed Q/K/V projection.
--attention hf writes each layer's attention as Hugging Face's BertSelfAttention does (separate Q/K/V projections,
additive mask (1 − mask)·finfo.min, MatMul/Softmax/MatMul), as a Hugging Face export would. Same weights, same
numbers. onnxruntime 1.30's online optimizer (level 'all') fuses neither into its Attention/SkipLayerNormalization
kernels (it fuses LayerNormalization, Gelu/BiasGelu and MatMul+Transpose); the packed projection is the faster of the
two by ~4% (BERT-base 8×128, 2 threads, quiet machine: 432 vs 450 ms, in one process, alternating).

Also writes OUT.check.safetensors: one input (batch 2 × seq 16, the second row padded after 11 tokens) and
PyTorch's outputs for it, which model-ort.mjs compares with onnxruntime's.
"""
import argparse
import importlib.util
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("model_torch", os.path.join(HERE, "model-torch.py"))
model_torch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(model_torch)
safetensors_io = model_torch.safetensors_io


def hf_layer(layer, x, additive, heads):
    """One nn.TransformerEncoderLayer evaluated as Hugging Face's BertLayer (eval mode: no dropout)."""
    batch, seq, hidden = x.shape
    d = hidden // heads
    w, b = layer.self_attn.in_proj_weight, layer.self_attn.in_proj_bias
    q = F.linear(x, w[:hidden], b[:hidden]).view(batch, seq, heads, d).permute(0, 2, 1, 3)
    k = F.linear(x, w[hidden:2 * hidden], b[hidden:2 * hidden]).view(batch, seq, heads, d).permute(0, 2, 3, 1)
    v = F.linear(x, w[2 * hidden:], b[2 * hidden:]).view(batch, seq, heads, d).permute(0, 2, 1, 3)
    scores = torch.matmul(q, k) / math.sqrt(d) + additive
    probs = torch.softmax(scores, dim=-1)
    context = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(batch, seq, hidden)
    x = layer.norm1(x + layer.self_attn.out_proj(context))
    return layer.norm2(x + layer.linear2(F.gelu(layer.linear1(x))))


class ForwardWrapper(torch.nn.Module):
    def __init__(self, model, attention):
        super().__init__()
        self.model = model
        self.attention = attention

    def forward(self, input_ids, token_type_ids, attention_mask):
        m = self.model
        if self.attention == "mha":
            return m.encode(input_ids, token_type_ids, attention_mask)
        batch, seq = input_ids.shape
        positions = torch.arange(seq).unsqueeze(0).expand(batch, seq)
        x = m.embedding_norm(m.word(input_ids) + m.position(positions) + m.token_type(token_type_ids))
        additive = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in m.layers:
            x = hf_layer(layer, x, additive, m.cfg["num_attention_heads"])
        return x, torch.tanh(m.pooler(x[:, 0]))


def check_input(cfg, generator):
    batch, seq = 2, 16
    ids = torch.randint(1000 if cfg["vocab_size"] > 2000 else 5, cfg["vocab_size"], (batch, seq), generator=generator)
    types = (torch.arange(seq) >= 8).long().unsqueeze(0).expand(batch, seq).contiguous()
    mask = torch.ones(batch, seq, dtype=torch.long)
    mask[1, 11:] = 0
    ids[1, 11:] = cfg["pad_token_id"]
    types[1, 11:] = 0
    return ids, types, mask


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", choices=sorted(model_torch.PRESETS), default="base")
    ap.add_argument("--model", help="a Hugging Face BERT folder instead of --config")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--attention", choices=("mha", "hf"), default="mha")
    ap.add_argument("--opset", type=int, default=14)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    model, name = model_torch.build_model(args)
    model.eval()
    wrapper = ForwardWrapper(model, args.attention)
    wrapper.eval()  # torch.onnx.export restores the wrapper's own training flag: it must be eval too

    ids, types, mask = check_input(model.cfg, torch.Generator().manual_seed(args.seed + 7))
    with torch.no_grad():
        # Reference: the plain module path (not the fused kernel), padding mask as nn.TransformerEncoderLayer takes it.
        ref_hidden, ref_pooled = model.encode(ids, types, mask, module_path=True)
        hidden, pooled = wrapper(ids, types, mask)
    wrapper_diff = max((hidden - ref_hidden).abs().max().item(), (pooled - ref_pooled).abs().max().item())

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    # Grad stays enabled while tracing so nn.TransformerEncoderLayer never takes its fused eval fast path, which has
    # no ONNX export (the weights require grad; nothing is trained).
    with torch.enable_grad():
        torch.onnx.export(
            wrapper, (ids, types, mask), args.out,
            input_names=["input_ids", "token_type_ids", "attention_mask"],
            output_names=["last_hidden_state", "pooler_output"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "seq"},
                "token_type_ids": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "last_hidden_state": {0: "batch", 1: "seq"},
                "pooler_output": {0: "batch"},
            },
            opset_version=args.opset,
            do_constant_folding=True,
        )
    assert not wrapper.training and not model.training, "export left the model in training mode"
    safetensors_io.write(
        args.out + ".check.safetensors",
        {"input_ids": ids, "token_type_ids": types, "attention_mask": mask,
         "last_hidden_state": ref_hidden.contiguous(), "pooler_output": ref_pooled.contiguous()},
        {"config": name, "seed": str(args.seed), "attention": args.attention},
    )
    info = {"onnx": args.out, "config": name, "attention": args.attention, "opset": args.opset,
            "bytes": os.path.getsize(args.out), "wrapper_vs_module_max_abs_diff": wrapper_diff,
            "torch": torch.__version__}
    print(json.dumps(info))


if __name__ == "__main__":
    sys.exit(main())
