"""BERT for pre-training built from PyTorch's own modules, with Hugging Face's tensor names.

`TorchBert` is the reference: nn.Embedding / nn.LayerNorm / nn.Linear / nn.TransformerEncoderLayer (post-LayerNorm,
exact erf GELU, batch_first) kept in a plain ModuleList — never nn.TransformerEncoder, whose eval fast path may turn
padded batches into nested tensors. `manual_forward` is a second, by-hand implementation (attention written out,
Hugging Face's additive mask) used only to check the first one.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# Hugging Face BertConfig fields for the fixture model. Odd sizes so that a swapped dimension cannot go unnoticed.
TINY_CONFIG = {
    "architectures": ["BertForPreTraining"],
    "model_type": "bert",
    "vocab_size": 99,
    "hidden_size": 48,
    "num_hidden_layers": 2,
    "num_attention_heads": 3,
    "intermediate_size": 100,
    "hidden_act": "gelu",
    # Zero so that the folder reproduces the goldens and the trajectory exactly when read by a trainer.
    "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0,
    "max_position_embeddings": 40,
    "type_vocab_size": 2,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
    "use_cache": True,
    "classifier_dropout": None,
    "torch_dtype": "float32",
}

IGNORE_INDEX = -100  # Hugging Face's label for "no loss at this position"


class TorchBert(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        hidden, eps = cfg["hidden_size"], cfg["layer_norm_eps"]
        self.cfg = cfg
        self.word = nn.Embedding(cfg["vocab_size"], hidden, padding_idx=cfg["pad_token_id"])
        self.position = nn.Embedding(cfg["max_position_embeddings"], hidden)
        self.token_type = nn.Embedding(cfg["type_vocab_size"], hidden)
        self.embedding_norm = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(
                hidden,
                cfg["num_attention_heads"],
                cfg["intermediate_size"],
                dropout=cfg["hidden_dropout_prob"],
                activation="gelu",
                layer_norm_eps=eps,
                batch_first=True,
                norm_first=False,
            )
            for _ in range(cfg["num_hidden_layers"])
        )
        self.pooler = nn.Linear(hidden, hidden)
        self.transform = nn.Linear(hidden, hidden)
        self.transform_norm = nn.LayerNorm(hidden, eps=eps)
        self.decoder_bias = nn.Parameter(torch.zeros(cfg["vocab_size"]))
        self.seq_relationship = nn.Linear(hidden, 2)

    def embed(self, input_ids, token_type_ids):
        """BertEmbeddings: word + position + token type, LayerNorm, dropout (the fixtures' configs have none)."""
        batch, seq = input_ids.shape
        positions = torch.arange(seq).unsqueeze(0).expand(batch, seq)
        x = self.embedding_norm(self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids))
        return F.dropout(x, self.cfg["hidden_dropout_prob"], self.training)

    def mlm_logits(self, hidden):
        """BertLMPredictionHead on hidden [..., hidden]: transform, GELU, LayerNorm, the decoder tied to the word embeddings."""
        return self.transform_norm(F.gelu(self.transform(hidden))) @ self.word.weight.t() + self.decoder_bias

    def forward(self, input_ids, token_type_ids, attention_mask, want_attentions=False):
        seq = input_ids.shape[1]
        x = self.embed(input_ids, token_type_ids)
        hidden_states, attentions = [x], []
        padding = attention_mask == 0  # True = key is ignored
        # A zero float src_mask as well as the padding mask keeps PyTorch 1.13 off its fused fast path even under
        # no_grad (REFERENCE-NOTES.md); with autograd on it is off anyway.
        no_mask = torch.zeros(seq, seq)
        for layer in self.layers:
            if want_attentions:
                _, probs = layer.self_attn(
                    x, x, x, key_padding_mask=padding, need_weights=True, average_attn_weights=False
                )
                attentions.append(probs)
            x = layer(x, src_mask=no_mask, src_key_padding_mask=padding)
            hidden_states.append(x)
        pooled = torch.tanh(self.pooler(x[:, 0]))
        prediction_logits = self.mlm_logits(x)
        seq_relationship_logits = self.seq_relationship(pooled)
        return {
            "last_hidden_state": x,
            "pooler_output": pooled,
            "prediction_logits": prediction_logits,
            "seq_relationship_logits": seq_relationship_logits,
            "hidden_states": hidden_states,
            "attentions": attentions,
        }

    # --- Hugging Face names -------------------------------------------------------------------------------------

    def hf_tensors(self, of_grad=False):
        """{Hugging Face BertForPreTraining name: tensor} for every stored parameter (or its gradient)."""
        get = (lambda p: p.grad) if of_grad else (lambda p: p.data)
        h = self.cfg["hidden_size"]
        out = {
            "bert.embeddings.word_embeddings.weight": get(self.word.weight),
            "bert.embeddings.position_embeddings.weight": get(self.position.weight),
            "bert.embeddings.token_type_embeddings.weight": get(self.token_type.weight),
            "bert.embeddings.LayerNorm.weight": get(self.embedding_norm.weight),
            "bert.embeddings.LayerNorm.bias": get(self.embedding_norm.bias),
        }
        for i, layer in enumerate(self.layers):
            p = f"bert.encoder.layer.{i}."
            w, b = get(layer.self_attn.in_proj_weight), get(layer.self_attn.in_proj_bias)
            for j, part in enumerate(("query", "key", "value")):  # in_proj packs [Wq; Wk; Wv]
                out[p + f"attention.self.{part}.weight"] = w[j * h : (j + 1) * h]
                out[p + f"attention.self.{part}.bias"] = b[j * h : (j + 1) * h]
            out[p + "attention.output.dense.weight"] = get(layer.self_attn.out_proj.weight)
            out[p + "attention.output.dense.bias"] = get(layer.self_attn.out_proj.bias)
            out[p + "attention.output.LayerNorm.weight"] = get(layer.norm1.weight)
            out[p + "attention.output.LayerNorm.bias"] = get(layer.norm1.bias)
            out[p + "intermediate.dense.weight"] = get(layer.linear1.weight)
            out[p + "intermediate.dense.bias"] = get(layer.linear1.bias)
            out[p + "output.dense.weight"] = get(layer.linear2.weight)
            out[p + "output.dense.bias"] = get(layer.linear2.bias)
            out[p + "output.LayerNorm.weight"] = get(layer.norm2.weight)
            out[p + "output.LayerNorm.bias"] = get(layer.norm2.bias)
        out.update(
            {
                "bert.pooler.dense.weight": get(self.pooler.weight),
                "bert.pooler.dense.bias": get(self.pooler.bias),
                "cls.predictions.bias": get(self.decoder_bias),
                "cls.predictions.transform.dense.weight": get(self.transform.weight),
                "cls.predictions.transform.dense.bias": get(self.transform.bias),
                "cls.predictions.transform.LayerNorm.weight": get(self.transform_norm.weight),
                "cls.predictions.transform.LayerNorm.bias": get(self.transform_norm.bias),
                "cls.seq_relationship.weight": get(self.seq_relationship.weight),
                "cls.seq_relationship.bias": get(self.seq_relationship.bias),
            }
        )
        return {k: v.detach().clone().contiguous() for k, v in out.items()}

    def no_decay(self, param):
        """Hugging Face's recipe: no weight decay on biases and LayerNorm weights (names with 'bias', 'LayerNorm.weight')."""
        norms = [self.embedding_norm, self.transform_norm] + [n for l in self.layers for n in (l.norm1, l.norm2)]
        is_norm = any(param is n.weight or param is n.bias for n in norms)
        is_bias = param.dim() == 1 and not is_norm
        return is_norm or is_bias


def randomize(model, generator):
    """Non-trivial weights: N(0, 0.02) matrices and embeddings, LayerNorm weights 1 + 0.1·N(0,1), biases and
    LayerNorm biases 0.05·N(0,1), so a bug in bias or LayerNorm handling changes the outputs.

    Query and key weights get N(0, 0.25) instead: with 0.02 everywhere the attention scores are ~0.01 and the
    probabilities nearly uniform, which would hide a transposed or mis-split Q/K. The [PAD] embedding row stays
    random (pre-trained checkpoints have one), so padded positions carry real values."""
    def normal(shape, std):
        return torch.randn(shape, generator=generator) * std

    h = model.cfg["hidden_size"]
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.LayerNorm):
                module.weight.copy_(1 + normal(module.weight.shape, 0.1))
                module.bias.copy_(normal(module.bias.shape, 0.05))
            elif isinstance(module, (nn.Linear, nn.Embedding)):
                module.weight.copy_(normal(module.weight.shape, 0.02))
                if getattr(module, "bias", None) is not None:
                    module.bias.copy_(normal(module.bias.shape, 0.05))
            elif isinstance(module, nn.MultiheadAttention):
                w = normal(module.in_proj_weight.shape, 0.02)
                w[: 2 * h] = normal((2 * h, h), 0.25)
                module.in_proj_weight.copy_(w)
                module.in_proj_bias.copy_(normal(module.in_proj_bias.shape, 0.05))
        model.decoder_bias.copy_(normal(model.decoder_bias.shape, 0.05))


def pretraining_losses(out, labels, next_sentence_label):
    """As BertForPreTraining: mean CE over positions with label != -100, plus mean NSP CE."""
    vocab = out["prediction_logits"].shape[-1]
    mlm = F.cross_entropy(out["prediction_logits"].reshape(-1, vocab), labels.reshape(-1), ignore_index=IGNORE_INDEX)
    nsp = F.cross_entropy(out["seq_relationship_logits"], next_sentence_label)
    return mlm + nsp, mlm, nsp


def _layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)  # biased variance, as BERT
    return (x - mean) / torch.sqrt(var + eps) * weight + bias


def manual_forward(w, cfg, input_ids, token_type_ids, attention_mask):
    """BERT written out by hand from the Hugging Face-named tensors `w` (any float dtype).

    The padding mask is additive with Hugging Face's value, the dtype's most negative finite number
    (torch.finfo(dtype).min, -3.4e38 in float32), instead of nn.MultiheadAttention's -inf."""
    batch, seq = input_ids.shape
    hidden, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    head_dim = hidden // heads
    dtype = w["bert.embeddings.word_embeddings.weight"].dtype
    x = (
        # padding_idx: as Hugging Face, the [PAD] row gets no gradient from the lookup (only from the tied decoder).
        F.embedding(input_ids, w["bert.embeddings.word_embeddings.weight"], padding_idx=cfg["pad_token_id"])
        + w["bert.embeddings.position_embeddings.weight"][torch.arange(seq)][None]
        + w["bert.embeddings.token_type_embeddings.weight"][token_type_ids]
    )
    x = _layer_norm(x, w["bert.embeddings.LayerNorm.weight"], w["bert.embeddings.LayerNorm.bias"], eps)
    additive = (1.0 - attention_mask.to(dtype))[:, None, None, :] * torch.finfo(dtype).min  # [batch, 1, 1, seq]
    linear = lambda t, name: t @ w[name + ".weight"].t() + w[name + ".bias"]  # noqa: E731
    states, attentions = [x], []
    for i in range(cfg["num_hidden_layers"]):
        p = f"bert.encoder.layer.{i}."
        split = lambda t: t.reshape(batch, seq, heads, head_dim).transpose(1, 2)  # noqa: E731 -> [b, heads, seq, d]
        q = split(linear(x, p + "attention.self.query"))
        k = split(linear(x, p + "attention.self.key"))
        v = split(linear(x, p + "attention.self.value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(head_dim) + additive
        probs = torch.softmax(scores, dim=-1)
        attentions.append(probs)
        context = (probs @ v).transpose(1, 2).reshape(batch, seq, hidden)
        x = _layer_norm(
            x + linear(context, p + "attention.output.dense"),
            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps,
        )
        inner = F.gelu(linear(x, p + "intermediate.dense"))
        x = _layer_norm(
            x + linear(inner, p + "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps
        )
        states.append(x)
    pooled = torch.tanh(linear(x[:, 0], "bert.pooler.dense"))
    t = F.gelu(linear(x, "cls.predictions.transform.dense"))
    t = _layer_norm(t, w["cls.predictions.transform.LayerNorm.weight"], w["cls.predictions.transform.LayerNorm.bias"], eps)
    return {
        "last_hidden_state": x,
        "pooler_output": pooled,
        "prediction_logits": t @ w["bert.embeddings.word_embeddings.weight"].t() + w["cls.predictions.bias"],
        "seq_relationship_logits": linear(pooled, "cls.seq_relationship"),
        "hidden_states": states,
        "attentions": attentions,
    }
