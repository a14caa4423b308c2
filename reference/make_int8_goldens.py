"""int8 goldens (docs/quantization.md): bert-tiny's encoder with every Linear run as tsbert's int8 scheme, written
independently in PyTorch — weights symmetric int8 per output channel, activations asymmetric int8 per row (u8 over
[min(0, min x), max(0, max x)], stored as u - 128 with an offset 128 - zero point), both rounded half to even
(torch.round) after float32 steps, products in exact integer arithmetic (int64) on (q + offset), the epilogue
float32(sum) * (row scale * column scale) + bias — over tiny_heads.encode (Hugging Face's BertModel written out).

    /usr/bin/python3 reference/make_int8_goldens.py

Writes test/fixtures/reference/int8/golden.safetensors:
  query_weight_int8 (I8 [48, 48]), query_weight_scale (F32 [48]): bert.encoder.layer.0.attention.self.query.weight
      quantized (the bytes tsbert's quantizeWeight must give);
  rows (F32 [6, 37]), rows_int8 (I8), rows_scale (F32 [6]): quantizeRows on values built to hit exact halves;
  rows_asym_int8 (I8), rows_asym_scale (F32 [6]), rows_asym_offset (I32 [6]): quantizeRowsAsymmetric on the same rows
      (row 2 made one-sided, as a GELU output);
  last_hidden_state (F32 [3, 11, 48]): the int8 encoder on bert-tiny/golden.safetensors' inputs (padding included:
      rows are quantized independently, so padded positions change no real one);
  last_hidden_state_fp32 (F32): the same encoder in float32, to show the test tells the two apart;
  last_hidden_state_symmetric (F32): the encoder with symmetric activation rows (the scheme before), likewise;
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


def quantize_rows_asymmetric(x):
    """x float32 [rows, cols] -> (int8 q = u - 128, float32 scales, int32 offsets = 128 - zero point): tsbert's
    quantizeRowsAsymmetric for finite rows whose range fits float32."""
    lo = torch.clamp(x.amin(dim=-1, keepdim=True), max=0.0)
    hi = torch.clamp(x.amax(dim=-1, keepdim=True), min=0.0)
    span = hi - lo
    empty = span == 0
    scale = torch.where(empty, torch.zeros_like(span), span / 255.0)
    inverse = torch.where(empty, torch.zeros_like(span), 255.0 / torch.where(empty, torch.ones_like(span), span))
    zero = torch.round(-lo * inverse).clamp(0, 255)
    u = (torch.round(x * inverse) + zero).clamp(0, 255)
    q = torch.where(empty, torch.zeros_like(u), u - 128.0)
    offset = torch.where(empty, torch.zeros_like(zero), 128.0 - zero)
    return q.to(torch.int8), scale.squeeze(-1), offset.squeeze(-1).to(torch.int32)


WEIGHT_LEVEL = 127  # 63 while the 7-bit-weight encoder runs
SYMMETRIC_ROWS = False  # True while the symmetric-activation encoder runs


def int8_linear(x, w, name):
    qw, sw = quantize_rows(w[name + ".weight"], WEIGHT_LEVEL)
    flat = x.reshape(-1, x.shape[-1])
    if SYMMETRIC_ROWS:
        qa, sa = quantize_rows(flat)
        shifted = qa.to(torch.int64)
    else:
        qa, sa, offsets = quantize_rows_asymmetric(flat)
        shifted = qa.to(torch.int64) + offsets.to(torch.int64)[:, None]
    sums = shifted @ qw.to(torch.int64).T  # exact
    out = sums.to(torch.float32) * (sa[:, None] * sw[None, :]) + w[name + ".bias"]
    return out.reshape(*x.shape[:-1], -1)


def main():
    torch.manual_seed(0)
    global WEIGHT_LEVEL, SYMMETRIC_ROWS
    weights, fp32, int8 = bert_tiny_linears.encode_with_linear(int8_linear)
    WEIGHT_LEVEL = 63
    try:
        _, _, int8_w7 = bert_tiny_linears.encode_with_linear(int8_linear)
    finally:
        WEIGHT_LEVEL = 127
    SYMMETRIC_ROWS = True
    try:
        _, _, int8_symmetric = bert_tiny_linears.encode_with_linear(int8_linear)
    finally:
        SYMMETRIC_ROWS = False
    qw, sw = quantize_rows(weights["bert.encoder.layer.0.attention.self.query.weight"])
    qw7, sw7 = quantize_rows(weights["bert.encoder.layer.0.attention.self.query.weight"], 63)
    # Rows whose max is 127 make x * (127 / max) = x: exact halves round to even (0.5 -> 0, 1.5 -> 2, 2.5 -> 2).
    rows = torch.randn(6, 37) * 3
    rows[0, :8] = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, 127.0])
    rows[0, 8:] = 0.25
    rows[1] = 0.0
    q_rows, s_rows = quantize_rows(rows)
    assert q_rows[0, :8].tolist() == [0, 2, 2, 0, -2, -2, 126, 127]
    rows_asym = rows.clone()
    rows_asym[2] = F.gelu(rows_asym[2])
    q_asym, s_asym, o_asym = quantize_rows_asymmetric(rows_asym)
    out = {
        "query_weight_int8": qw, "query_weight_scale": sw,
        "rows": rows, "rows_int8": q_rows, "rows_scale": s_rows,
        "rows_asym": rows_asym, "rows_asym_int8": q_asym, "rows_asym_scale": s_asym, "rows_asym_offset": o_asym,
        "last_hidden_state_symmetric": int8_symmetric,
        "last_hidden_state": int8, "last_hidden_state_fp32": fp32,
        "query_weight_int7": qw7, "query_weight_scale7": sw7, "last_hidden_state_w7": int8_w7,
    }
    bert_tiny_linears.write_golden("int8", out, fp32, {"int8": int8, "int8_w7": int8_w7, "int8_symmetric": int8_symmetric})


if __name__ == "__main__":
    main()
