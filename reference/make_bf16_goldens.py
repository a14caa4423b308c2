"""bfloat16 goldens (docs/quantization.md, "bfloat16"): torch's own float32 -> bfloat16 rounding, and bert-tiny's
encoder with every Linear run as tsbert's bf16 scheme, written independently in PyTorch — x and W rounded with
`.to(torch.bfloat16)`, the product in float64 on their exact values, the bias added in float32 — over
tiny_heads.encode (Hugging Face's BertModel written out); and one Linear's mixed-precision gradients.

    /usr/bin/python3 reference/make_bf16_goldens.py

Writes test/fixtures/reference/bf16/golden.safetensors:
  values (F32 [n]): ties (lower half exactly 0x8000, even and odd upper halves), one bit either side of a tie, the
      largest finite float32 (rounds to Inf), subnormals, signed zeros and infinities, random values of every scale;
  values_bf16 (I16 [n]): torch's `values.to(torch.bfloat16)` bits (NaN is left out: torch writes every NaN as 0x7fc0,
      tsbert keeps the sign and upper payload with the quiet bit set, as AVX512-BF16's vcvtneps2bf16 does);
  last_hidden_state (F32 [3, 11, 48]): the bf16 encoder on bert-tiny/golden.safetensors' inputs;
  last_hidden_state_fp32 (F32): the float32 encoder, to show the test tells the two apart;
  linear_x (F32 [5, 37]), linear_w (F32 [29, 37]), linear_b (F32 [29]), linear_dy (F32 [5, 29]): one Linear's
      operands; linear_y = bf16(x) . bf16(W)^T + b; linear_dx = bf16(dy) . bf16(W); linear_dw = bf16(dy)^T . bf16(x);
      linear_db = sum of dy over rows (float32): the gradients PyTorch's CPU autocast computes from its bfloat16
      saved inputs, without its final rounding of each product to bfloat16.
"""
import os
import sys

import numpy
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bert_tiny_linears  # noqa: E402


def bf16(x):
    """x's values rounded to bfloat16 (torch's round to nearest even), as float64."""
    return x.to(torch.bfloat16).to(torch.float64)


def bf16_linear(x, w, name):
    y = bf16(x) @ bf16(w[name + ".weight"]).T
    return y.to(torch.float32) + w[name + ".bias"]


def special_values():
    bits = [
        0x3F808000, 0x3F818000, 0xBF808000, 0xBF818000,  # ties: even stays, odd rounds up (away from zero in size)
        0x3F807FFF, 0x3F808001, 0x3F817FFF, 0x3F818001,  # one bit either side of a tie
        0x7F7FFFFF, 0xFF7FFFFF, 0x7F7F7FFF, 0x7F7F8000,  # largest finite rounds to Inf; just below stays finite
        0x00000001, 0x00008000, 0x00018000, 0x807FFFFF, 0x00400000,  # subnormals
        0x00000000, 0x80000000, 0x7F800000, 0xFF800000,  # zeros, infinities
        0x3F800000, 0x40490FDB, 0xC2F6E979,  # 1, pi, -123.456
    ]
    return torch.from_numpy(numpy.array(bits, dtype=numpy.uint32).view(numpy.float32).copy())


def main():
    torch.manual_seed(0)
    randoms = torch.randn(2000) * torch.pow(10.0, torch.randint(-30, 30, (2000,)).to(torch.float32))
    values = torch.cat([special_values(), randoms.to(torch.float32)])
    assert not torch.isnan(values).any()
    values_bf16 = values.to(torch.bfloat16).view(torch.int16)

    _, fp32, bf = bert_tiny_linears.encode_with_linear(bf16_linear)

    x, w, b, dy = torch.randn(5, 37), torch.randn(29, 37) * 0.2, torch.randn(29), torch.randn(5, 29)
    y = (bf16(x) @ bf16(w).T).to(torch.float32) + b
    dx = (bf16(dy) @ bf16(w)).to(torch.float32)
    dw = (bf16(dy).T @ bf16(x)).to(torch.float32)
    db = dy.sum(0)
    out = {
        "values": values, "values_bf16": values_bf16,
        "last_hidden_state": bf, "last_hidden_state_fp32": fp32,
        "linear_x": x, "linear_w": w, "linear_b": b, "linear_dy": dy,
        "linear_y": y, "linear_dx": dx, "linear_dw": dw, "linear_db": db,
    }
    bert_tiny_linears.write_golden("bf16", out, fp32, {"bf16": bf})


if __name__ == "__main__":
    main()
