"""bert-tiny's encoder (tiny_heads.encode, Hugging Face's BertModel written out) on bert-tiny/golden.safetensors'
inputs with every Linear replaced by another scheme's: the int8 and bf16 goldens' shared part."""
import json
import os

import torch

import safetensors_io
import tiny_heads

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "reference")


def encode_with_linear(linear):
    """(weights, float32 last_hidden_state, last_hidden_state with linear(x, weights, name) for every Linear)."""
    weights, _ = safetensors_io.read(os.path.join(FIXTURES, "bert-tiny", "model.safetensors"))
    golden_in, _ = safetensors_io.read(os.path.join(FIXTURES, "bert-tiny", "golden.safetensors"))
    with open(os.path.join(FIXTURES, "bert-tiny", "config.json")) as f:
        cfg = json.load(f)
    ids, types, mask = golden_in["input_ids"], golden_in["token_type_ids"], golden_in["attention_mask"]
    with torch.no_grad():
        fp32, _ = tiny_heads.encode(weights, cfg, ids, types, mask)
        assert (fp32 - golden_in["last_hidden_state"]).abs().max() < 1e-5, "encode reproduces the float32 golden"
        float_linear = tiny_heads._linear
        tiny_heads._linear = linear
        try:
            swapped, _ = tiny_heads.encode(weights, cfg, ids, types, mask)
        finally:
            tiny_heads._linear = float_linear
    return weights, fp32, swapped


def write_golden(scheme, tensors, fp32, variants):
    """Writes test/fixtures/reference/<scheme>/golden.safetensors with each variant's (name: last_hidden_state)
    norm-relative error against float32 in its metadata, and prints them."""
    errors = {name: ((hidden - fp32).norm() / fp32.norm()).item() for name, hidden in variants.items()}
    os.makedirs(os.path.join(FIXTURES, scheme), exist_ok=True)
    safetensors_io.write(os.path.join(FIXTURES, scheme, "golden.safetensors"), tensors, {
        "generator": f"reference/make_{scheme}_goldens.py", "torch": torch.__version__,
        **{f"{name}_vs_fp32_relative_error": f"{error:.6f}" for name, error in errors.items()},
    })
    print("; ".join(f"{name} vs float32 last_hidden_state: norm-relative error {error:.5f}" for name, error in errors.items()))
