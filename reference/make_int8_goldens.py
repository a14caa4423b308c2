"""int8 goldens (docs/quantization.md): bert-tiny's encoder with every Linear run as tsbert's int8 scheme, written
independently in PyTorch — weights symmetric int8 per output channel, activations symmetric int8 per row, both
rounded half to even (torch.round) after float32 steps, products in exact integer arithmetic (int64), the epilogue
float32(sum) * (row scale * column scale) + bias — over tiny_heads.encode (Hugging Face's BertModel written out).

    /usr/bin/python3 reference/make_int8_goldens.py

Writes test/fixtures/reference/int8/golden.safetensors:
  query_weight_int8 (I8 [48, 48]), query_weight_scale (F32 [48]): bert.encoder.layer.0.attention.self.query.weight
      quantized (the bytes tsbert's quantizeWeight must give);
  rows (F32 [6, 37]), rows_int8 (I8), rows_scale (F32 [6]): quantizeRows on values built to hit exact halves;
  last_hidden_state (F32 [3, 11, 48]): the int8 encoder on bert-tiny/golden.safetensors' inputs (padding included:
      rows are quantized independently, so padded positions change no real one);
  last_hidden_state_fp32 (F32): the same encoder in float32, to show the test tells the two apart;
  query_weight_int7 (I8), query_weight_scale7 (F32), last_hidden_state_w7 (F32): the same with 7-bit weights
      (levels [-63, 63], scale max|w| / 63: tsbert quantize --weight-bits 7); activations stay 8-bit.
"""
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bert_tiny_linears  # noqa: E402


def quantize_rows(x, level=127):
    """x float32 [rows, cols] -> (int8 [rows, cols], float32 scales [rows]): tsbert's quantizeRows (maxLevel)."""
    amax = x.abs().amax(dim=-1, keepdim=True)
    scale = amax / float(level)
    inverse = torch.where(amax == 0, torch.zeros_like(amax), float(level) / amax)
    q = torch.round(x * inverse).clamp(-level, level)
    return q.to(torch.int8), scale.squeeze(-1)


WEIGHT_LEVEL = 127  # 63 while the 7-bit-weight encoder runs


def int8_linear(x, w, name):
    qw, sw = quantize_rows(w[name + ".weight"], WEIGHT_LEVEL)
    flat = x.reshape(-1, x.shape[-1])
    qa, sa = quantize_rows(flat)
    sums = qa.to(torch.int64) @ qw.to(torch.int64).T  # exact
    out = sums.to(torch.float32) * (sa[:, None] * sw[None, :]) + w[name + ".bias"]
    return out.reshape(*x.shape[:-1], -1)


def main():
    torch.manual_seed(0)
    global WEIGHT_LEVEL
    weights, fp32, int8 = bert_tiny_linears.encode_with_linear(int8_linear)
    WEIGHT_LEVEL = 63
    try:
        _, _, int8_w7 = bert_tiny_linears.encode_with_linear(int8_linear)
    finally:
        WEIGHT_LEVEL = 127
    qw, sw = quantize_rows(weights["bert.encoder.layer.0.attention.self.query.weight"])
    qw7, sw7 = quantize_rows(weights["bert.encoder.layer.0.attention.self.query.weight"], 63)
    # Rows whose max is 127 make x * (127 / max) = x: exact halves round to even (0.5 -> 0, 1.5 -> 2, 2.5 -> 2).
    rows = torch.randn(6, 37) * 3
    rows[0, :8] = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, 127.0])
    rows[0, 8:] = 0.25
    rows[1] = 0.0
    q_rows, s_rows = quantize_rows(rows)
    assert q_rows[0, :8].tolist() == [0, 2, 2, 0, -2, -2, 126, 127]
    out = {
        "query_weight_int8": qw, "query_weight_scale": sw,
        "rows": rows, "rows_int8": q_rows, "rows_scale": s_rows,
        "last_hidden_state": int8, "last_hidden_state_fp32": fp32,
        "query_weight_int7": qw7, "query_weight_scale7": sw7, "last_hidden_state_w7": int8_w7,
    }
    bert_tiny_linears.write_golden("int8", out, fp32, {"int8": int8, "int8_w7": int8_w7})


if __name__ == "__main__":
    main()
