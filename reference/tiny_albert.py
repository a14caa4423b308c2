"""ALBERT (Lan et al. 2020) as Hugging Face's modeling_albert.py computes it, written functionally over Hugging
Face-named tensors, plus `TorchAlbert`, the same model built from PyTorch's own modules, to check the first.

What differs from BERT (tiny_heads.py): embeddings of size E (`embedding_size`) with their own LayerNorm, mapped to
the hidden size by `encoder.embedding_hidden_mapping_in`; `num_hidden_groups` groups of `inner_group_num` layers,
layer i of `num_hidden_layers` running group int(i / (num_hidden_layers / num_hidden_groups)) (AlbertTransformer);
a layer is attention (query/key/value/dense/LayerNorm in one module) then ffn → act → ffn_output →
full_layer_layer_norm, with no dropout on the feed-forward output (AlbertLayer defines one and never applies it);
the pooler is a bare Linear (`pooler.weight`) + tanh; the MLM head is dense H→E, act, LayerNorm(E), decoder tied to
the E-sized word embeddings, plus `predictions.bias`; the SOP head is dropout(classifier_dropout_prob) + classifier.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn import CrossEntropyLoss

from tiny_heads import ACT2FN, NoDropout, num_labels, sequence_classification_loss

# AlbertConfig's defaults (configuration_albert.py) for the fields config.json may omit.
ALBERT_DEFAULTS = {
    "hidden_act": "gelu_new",
    "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0,
    "classifier_dropout_prob": 0.1,
    "layer_norm_eps": 1e-12,
}


def _layer_norm(x, w, name, eps):
    return F.layer_norm(x, w[name + ".weight"].shape, w[name + ".weight"], w[name + ".bias"], eps)


def _linear(x, w, name):
    return F.linear(x, w[name + ".weight"], w[name + ".bias"])


def group_of_layer(i, cfg):
    """AlbertTransformer: int(i / (num_hidden_layers / num_hidden_groups)), a float division as Python writes it."""
    return int(i / (cfg["num_hidden_layers"] / cfg["num_hidden_groups"]))


def encode(w, cfg, input_ids, token_type_ids, attention_mask, dropout=NoDropout(), prefix="albert."):
    """AlbertModel: (sequence_output, pooled_output or None, hidden_states, attentions)."""
    batch, seq = input_ids.shape
    hidden, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    head_dim = hidden // heads
    hidden_p, attention_p = cfg["hidden_dropout_prob"], cfg["attention_probs_dropout_prob"]
    act = ACT2FN[cfg["hidden_act"]]
    p = prefix
    dtype = w[p + "embeddings.word_embeddings.weight"].dtype
    # AlbertEmbeddings: as BERT's, at size E.
    x = (
        F.embedding(input_ids, w[p + "embeddings.word_embeddings.weight"], padding_idx=cfg["pad_token_id"])
        + w[p + "embeddings.token_type_embeddings.weight"][token_type_ids]
        + w[p + "embeddings.position_embeddings.weight"][torch.arange(seq)][None]
    )
    x = dropout(_layer_norm(x, w, p + "embeddings.LayerNorm", eps), hidden_p, "embeddings")
    additive = (1.0 - attention_mask.to(dtype))[:, None, None, :] * torch.finfo(dtype).min
    x = _linear(x, w, p + "encoder.embedding_hidden_mapping_in")  # [batch, seq, E] -> [batch, seq, H]
    hidden_states, attentions = [x], []
    for i in range(cfg["num_hidden_layers"]):
        group = group_of_layer(i, cfg)
        for j in range(cfg["inner_group_num"]):
            q_ = f"{p}encoder.albert_layer_groups.{group}.albert_layers.{j}."
            split = lambda t: t.reshape(batch, seq, heads, head_dim).transpose(1, 2)  # noqa: E731
            q = split(_linear(x, w, q_ + "attention.query"))
            k = split(_linear(x, w, q_ + "attention.key"))
            v = split(_linear(x, w, q_ + "attention.value"))
            probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(head_dim) + additive, dim=-1)
            attentions.append(probs)
            probs = dropout(probs, attention_p, f"layer.{i}.{j}.attention.probs")
            context = (probs @ v).transpose(1, 2).reshape(batch, seq, hidden)
            projected = dropout(_linear(context, w, q_ + "attention.dense"), hidden_p, f"layer.{i}.{j}.attention.output")
            x = _layer_norm(x + projected, w, q_ + "attention.LayerNorm", eps)
            ffn = _linear(act(_linear(x, w, q_ + "ffn")), w, q_ + "ffn_output")
            x = _layer_norm(ffn + x, w, q_ + "full_layer_layer_norm", eps)
        hidden_states.append(x)  # one per num_hidden_layers step, as AlbertTransformer collects them
    pooled = None
    if p + "pooler.weight" in w:
        pooled = torch.tanh(_linear(x[:, 0], w, p + "pooler"))
    return x, pooled, hidden_states, attentions


def _encode_inputs(w, cfg, inputs, dropout, prefix="albert."):
    return encode(w, cfg, inputs["input_ids"], inputs["token_type_ids"], inputs["attention_mask"], dropout, prefix)


def mlm_logits(w, cfg, sequence):
    """AlbertMLMHead: dense H→E, act, LayerNorm(E), decoder tied to the word embeddings + predictions.bias."""
    t = ACT2FN[cfg["hidden_act"]](_linear(sequence, w, "predictions.dense"))
    t = _layer_norm(t, w, "predictions.LayerNorm", cfg["layer_norm_eps"])
    return t @ w["albert.embeddings.word_embeddings.weight"].t() + w["predictions.bias"]


def base_model(w, cfg, inputs, dropout=NoDropout()):
    sequence, pooled, states, attentions = _encode_inputs(w, cfg, inputs, dropout, prefix="")
    out = {"last_hidden_state": sequence, "pooler_output": pooled}
    out.update({f"hidden_states.{i}": s for i, s in enumerate(states)})
    out.update({f"attentions.{i}": a for i, a in enumerate(attentions)})
    # A probe: a fixed random weighting of both outputs, so every weight gets a gradient to compare.
    out["loss"] = (sequence * inputs["probe_sequence"]).sum() + (pooled * inputs["probe_pooled"]).sum()
    return out


def pretraining(w, cfg, inputs, dropout=NoDropout()):
    sequence, pooled, _, _ = _encode_inputs(w, cfg, inputs, dropout)
    logits = mlm_logits(w, cfg, sequence)
    sop = _linear(dropout(pooled, cfg["classifier_dropout_prob"], "sop"), w, "sop_classifier.classifier")
    mlm_loss = CrossEntropyLoss()(logits.view(-1, cfg["vocab_size"]), inputs["labels"].view(-1))
    sop_loss = CrossEntropyLoss()(sop.view(-1, 2), inputs["sentence_order_label"].view(-1))
    return {"prediction_logits": logits, "sop_logits": sop, "loss": mlm_loss + sop_loss}


def masked_lm(w, cfg, inputs, dropout=NoDropout()):
    sequence, _, _, _ = _encode_inputs(w, cfg, inputs, dropout)
    logits = mlm_logits(w, cfg, sequence)
    return {"logits": logits, "loss": CrossEntropyLoss()(logits.view(-1, cfg["vocab_size"]), inputs["labels"].view(-1))}


def sequence_classification(w, cfg, inputs, dropout=NoDropout()):
    _, pooled, _, _ = _encode_inputs(w, cfg, inputs, dropout)
    logits = _linear(dropout(pooled, cfg["classifier_dropout_prob"], "classifier"), w, "classifier")
    return {"logits": logits, "loss": sequence_classification_loss(cfg, logits, inputs["labels"])}


def token_classification(w, cfg, inputs, dropout=NoDropout()):
    sequence, _, _, _ = _encode_inputs(w, cfg, inputs, dropout)
    p = cfg["classifier_dropout_prob"] if cfg["classifier_dropout_prob"] is not None else cfg["hidden_dropout_prob"]
    logits = _linear(dropout(sequence, p, "classifier"), w, "classifier")
    return {"logits": logits, "loss": CrossEntropyLoss()(logits.view(-1, num_labels(cfg)), inputs["labels"].view(-1))}


def question_answering(w, cfg, inputs, dropout=NoDropout()):
    sequence, _, _, _ = _encode_inputs(w, cfg, inputs, dropout)
    start_logits, end_logits = _linear(sequence, w, "qa_outputs").split(1, dim=-1)
    start_logits, end_logits = start_logits.squeeze(-1).contiguous(), end_logits.squeeze(-1).contiguous()
    ignored_index = start_logits.size(1)
    start = inputs["start_positions"].clamp(0, ignored_index)
    end = inputs["end_positions"].clamp(0, ignored_index)
    loss_fct = CrossEntropyLoss(ignore_index=ignored_index)
    loss = (loss_fct(start_logits, start) + loss_fct(end_logits, end)) / 2
    return {"start_logits": start_logits, "end_logits": end_logits, "loss": loss}


def multiple_choice(w, cfg, inputs, dropout=NoDropout()):
    num_choices = inputs["input_ids"].shape[1]
    flat = {k: inputs[k].view(-1, inputs[k].size(-1)) for k in ("input_ids", "token_type_ids", "attention_mask")}
    _, pooled, _, _ = _encode_inputs(w, cfg, flat, dropout)
    logits = _linear(dropout(pooled, cfg["classifier_dropout_prob"], "classifier"), w, "classifier").view(-1, num_choices)
    return {"logits": logits, "loss": CrossEntropyLoss()(logits, inputs["labels"])}


HEADS = {
    "base": base_model,
    "pretraining": pretraining,
    "masked-lm": masked_lm,
    "sequence-classification": sequence_classification,
    "token-classification": token_classification,
    "question-answering": question_answering,
    "multiple-choice": multiple_choice,
}


class TorchAlbert(nn.Module):
    """AlbertModel from PyTorch's modules: nn.Embedding, nn.LayerNorm, nn.Linear, and one post-LayerNorm
    nn.TransformerEncoderLayer per distinct ALBERT layer, called again at every layer that shares it. A
    TransformerEncoderLayer is exactly an AlbertLayer: attention, dropout, LayerNorm(x + ·), then
    linear2(act(linear1(·))), LayerNorm(x + ·)."""

    def __init__(self, cfg):
        super().__init__()
        e, h, eps = cfg["embedding_size"], cfg["hidden_size"], cfg["layer_norm_eps"]
        self.cfg = cfg
        self.word = nn.Embedding(cfg["vocab_size"], e, padding_idx=cfg["pad_token_id"])
        self.position = nn.Embedding(cfg["max_position_embeddings"], e)
        self.token_type = nn.Embedding(cfg["type_vocab_size"], e)
        self.embedding_norm = nn.LayerNorm(e, eps=eps)
        self.mapping_in = nn.Linear(e, h)
        self.groups = nn.ModuleList(
            nn.ModuleList(
                nn.TransformerEncoderLayer(h, cfg["num_attention_heads"], cfg["intermediate_size"], dropout=0.0,
                                           activation=ACT2FN[cfg["hidden_act"]], layer_norm_eps=eps,
                                           batch_first=True, norm_first=False)
                for _ in range(cfg["inner_group_num"])
            )
            for _ in range(cfg["num_hidden_groups"])
        )
        self.pooler = nn.Linear(h, h)

    def forward(self, input_ids, token_type_ids, attention_mask):
        batch, seq = input_ids.shape
        x = self.word(input_ids) + self.token_type(token_type_ids) + self.position(torch.arange(seq)[None].expand(batch, seq))
        x = self.mapping_in(self.embedding_norm(x))
        padding = attention_mask == 0
        no_mask = torch.zeros(seq, seq)  # keeps PyTorch 1.13 off its fused fast path (REFERENCE-NOTES.md)
        for i in range(self.cfg["num_hidden_layers"]):
            for layer in self.groups[group_of_layer(i, self.cfg)]:
                x = layer(x, src_mask=no_mask, src_key_padding_mask=padding)
        return x, torch.tanh(self.pooler(x[:, 0]))

    def hf_parameters(self):
        """{Hugging Face AlbertModel name: (parameter, rows)}: rows slices a packed in_proj [Wq; Wk; Wv], else None."""
        h = self.cfg["hidden_size"]
        named = {
            "embeddings.word_embeddings": self.word, "embeddings.position_embeddings": self.position,
            "embeddings.token_type_embeddings": self.token_type,
        }
        out = {f"{name}.weight": (m.weight, None) for name, m in named.items()}
        modules = {"embeddings.LayerNorm": self.embedding_norm, "encoder.embedding_hidden_mapping_in": self.mapping_in,
                   "pooler": self.pooler}
        for g, group in enumerate(self.groups):
            for j, layer in enumerate(group):
                p = f"encoder.albert_layer_groups.{g}.albert_layers.{j}."
                for k, part in enumerate(("query", "key", "value")):
                    rows = slice(k * h, (k + 1) * h)
                    out[p + f"attention.{part}.weight"] = (layer.self_attn.in_proj_weight, rows)
                    out[p + f"attention.{part}.bias"] = (layer.self_attn.in_proj_bias, rows)
                modules.update({p + "attention.dense": layer.self_attn.out_proj, p + "attention.LayerNorm": layer.norm1,
                                p + "ffn": layer.linear1, p + "ffn_output": layer.linear2,
                                p + "full_layer_layer_norm": layer.norm2})
        for name, m in modules.items():
            out[name + ".weight"] = (m.weight, None)
            out[name + ".bias"] = (m.bias, None)
        return out

    def load_hf(self, w):
        """Copies Hugging Face-named tensors into the modules."""
        with torch.no_grad():
            for name, (param, rows) in self.hf_parameters().items():
                (param if rows is None else param[rows]).copy_(w[name])

    def hf_grads(self):
        """{Hugging Face name: gradient} after backward."""
        return {name: (param.grad if rows is None else param.grad[rows]).detach().clone()
                for name, (param, rows) in self.hf_parameters().items()}
