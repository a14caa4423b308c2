"""DistilBERT and its task heads as Hugging Face's modeling_distilbert.py computes them, written functionally over
Hugging Face-named tensors so that training-mode dropout masks can be chosen, recorded and replayed (tiny_heads.py's
dropout objects).

What differs from BERT (tiny_heads.encode), each as modeling_distilbert.py has it:
- Embeddings: word + learned position embeddings only (no token types), LayerNorm (eps fixed at 1e-12), dropout.
  With sinusoidal_pos_embds the position table is create_sinusoidal_embeddings' fixed table (`sinusoidal_table`).
- MultiHeadSelfAttention: q_lin / k_lin / v_lin / out_lin; q is divided by sqrt(head_dim) before the product; masked
  keys are filled with finfo.min (masked_fill, not an additive mask); dropout on the probabilities; *no* dropout after
  out_lin. TransformerBlock: sa_layer_norm(out_lin(context) + x), then FFN (lin1, activation, lin2, dropout) and
  output_layer_norm(ffn + x).
- No pooler. Sequence classification and multiple choice: pre_classifier on the first token, ReLU,
  dropout(seq_classif_dropout), classifier. Token classification: dropout(dropout), classifier. Question answering:
  dropout(qa_dropout), qa_outputs. Masked LM: vocab_transform, activation, vocab_layer_norm, vocab_projector tied to
  the word embeddings with its own bias.

`check_against_torch_modules` (make_distilbert_fixtures.py) compares `encode` with an encoder built from PyTorch's
nn.TransformerEncoderLayer, which computes a post-LayerNorm block the same way, before any golden is written.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch.nn import CrossEntropyLoss

from tiny_heads import (
    ACT2FN, NoDropout, _layer_norm, _linear, masked_lm_output, num_labels, question_answering_output,
    sequence_classification_loss,
)

# DistilBERT's LayerNorms are built with eps=1e-12 whatever the config says (modeling_distilbert.py).
LAYER_NORM_EPS = 1e-12
PREFIX = "distilbert."


def sinusoidal_table(n_pos, dim):
    """create_sinusoidal_embeddings: angle[pos, j] = pos / 10000^(2·(j // 2) / dim) in float64; even columns take its
    sine, odd columns its cosine; then float32."""
    angles = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.zeros(n_pos, dim)
    out[:, 0::2] = torch.FloatTensor(np.sin(angles[:, 0::2]))
    out[:, 1::2] = torch.FloatTensor(np.cos(angles[:, 1::2]))
    return out


def encode(w, cfg, input_ids, attention_mask, dropout=NoDropout(), prefix=PREFIX, want_all=False):
    """DistilBertModel: last_hidden_state [batch, seq, dim]; with want_all also hidden_states (embeddings output and
    every layer's) and attentions ([batch, heads, seq, seq] per layer)."""
    batch, seq = input_ids.shape
    dim, heads = cfg["dim"], cfg["n_heads"]
    head_dim = dim // heads
    act = ACT2FN[cfg["activation"]]
    p = prefix + "embeddings."
    x = (
        F.embedding(input_ids, w[p + "word_embeddings.weight"], padding_idx=cfg["pad_token_id"])
        + w[p + "position_embeddings.weight"][torch.arange(seq)][None]
    )
    x = dropout(_layer_norm(x, w, p + "LayerNorm", LAYER_NORM_EPS), cfg["dropout"], "embeddings")
    hidden_states, attentions = [x], []
    hidden_keys = (attention_mask == 0).view(batch, 1, 1, seq)
    split = lambda t: t.view(batch, seq, heads, head_dim).transpose(1, 2)  # noqa: E731 -> [batch, heads, seq, d]
    for i in range(cfg["n_layers"]):
        p = f"{prefix}transformer.layer.{i}."
        q = split(_linear(x, w, p + "attention.q_lin")) / math.sqrt(head_dim)
        k = split(_linear(x, w, p + "attention.k_lin"))
        v = split(_linear(x, w, p + "attention.v_lin"))
        scores = (q @ k.transpose(2, 3)).masked_fill(hidden_keys, torch.finfo(q.dtype).min)
        probs = torch.softmax(scores, dim=-1)
        attentions.append(probs)
        probs = dropout(probs, cfg["attention_dropout"], f"layer.{i}.attention.probs")
        context = (probs @ v).transpose(1, 2).reshape(batch, seq, dim)
        x = _layer_norm(_linear(context, w, p + "attention.out_lin") + x, w, p + "sa_layer_norm", LAYER_NORM_EPS)
        ffn = _linear(act(_linear(x, w, p + "ffn.lin1")), w, p + "ffn.lin2")
        ffn = dropout(ffn, cfg["dropout"], f"layer.{i}.ffn")
        x = _layer_norm(ffn + x, w, p + "output_layer_norm", LAYER_NORM_EPS)
        hidden_states.append(x)
    if want_all:
        return x, hidden_states, attentions
    return x


def base_model(w, cfg, inputs, dropout=NoDropout()):
    """DistilBertModel's outputs; the loss is a fixed random projection of the last hidden state (`probe`), so that
    every weight gets a gradient to compare."""
    last, hidden_states, attentions = encode(w, cfg, inputs["input_ids"], inputs["attention_mask"], dropout, "", True)
    out = {"last_hidden_state": last, "loss": (last * inputs["probe"]).sum()}
    out.update({f"hidden_states.{i}": h for i, h in enumerate(hidden_states)})
    out.update({f"attentions.{i}": a for i, a in enumerate(attentions)})
    return out


def _first_token_classifier(w, cfg, hidden, dropout):
    """pre_classifier on the first token, ReLU, dropout(seq_classif_dropout), classifier."""
    pooled = F.relu(_linear(hidden[:, 0], w, "pre_classifier"))
    return _linear(dropout(pooled, cfg["seq_classif_dropout"], "classifier"), w, "classifier")


def sequence_classification(w, cfg, inputs, dropout=NoDropout()):
    hidden = encode(w, cfg, inputs["input_ids"], inputs["attention_mask"], dropout)
    logits = _first_token_classifier(w, cfg, hidden, dropout)
    out = {"logits": logits}
    if inputs.get("labels") is not None:
        out["loss"] = sequence_classification_loss(cfg, logits, inputs["labels"])
    return out


def token_classification(w, cfg, inputs, dropout=NoDropout()):
    hidden = encode(w, cfg, inputs["input_ids"], inputs["attention_mask"], dropout)
    logits = _linear(dropout(hidden, cfg["dropout"], "classifier"), w, "classifier")
    out = {"logits": logits}
    if inputs.get("labels") is not None:  # CrossEntropyLoss ignores -100
        out["loss"] = CrossEntropyLoss()(logits.view(-1, num_labels(cfg)), inputs["labels"].view(-1))
    return out


def question_answering(w, cfg, inputs, dropout=NoDropout()):
    hidden = encode(w, cfg, inputs["input_ids"], inputs["attention_mask"], dropout)
    return question_answering_output(_linear(dropout(hidden, cfg["qa_dropout"], "qa"), w, "qa_outputs"), inputs)


def multiple_choice(w, cfg, inputs, dropout=NoDropout()):
    num_choices = inputs["input_ids"].shape[1]
    flat = {k: inputs[k].view(-1, inputs[k].size(-1)) for k in ("input_ids", "attention_mask")}
    hidden = encode(w, cfg, flat["input_ids"], flat["attention_mask"], dropout)
    reshaped_logits = _first_token_classifier(w, cfg, hidden, dropout).view(-1, num_choices)
    out = {"logits": reshaped_logits}
    if inputs.get("labels") is not None:
        out["loss"] = CrossEntropyLoss()(reshaped_logits, inputs["labels"])
    return out


def masked_lm(w, cfg, inputs, dropout=NoDropout()):
    hidden = encode(w, cfg, inputs["input_ids"], inputs["attention_mask"], dropout)
    t = ACT2FN[cfg["activation"]](_linear(hidden, w, "vocab_transform"))
    t = _layer_norm(t, w, "vocab_layer_norm", LAYER_NORM_EPS)
    # vocab_projector: its weight is the word-embedding table (tied), its bias its own.
    logits = t @ w[PREFIX + "embeddings.word_embeddings.weight"].t() + w["vocab_projector.bias"]
    return masked_lm_output(cfg, logits, inputs)


HEADS = {
    "base": base_model,
    "sequence-classification": sequence_classification,
    "token-classification": token_classification,
    "question-answering": question_answering,
    "multiple-choice": multiple_choice,
    "masked-lm": masked_lm,
}
