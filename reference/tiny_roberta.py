"""RoBERTa as Hugging Face's modeling_roberta.py builds it, from torch.nn modules, so that the module tree itself gives
Hugging Face's parameter names (`roberta.encoder.layer.0.attention.self.query.weight`, `lm_head.layer_norm.bias`,
`classifier.out_proj.weight`, ...). Written here from reading modeling_roberta.py; `transformers` is not installed.

What RoBERTa changes against BERT, and this file therefore states on its own:
- position ids count only real tokens, from padding_idx + 1 (create_position_ids_from_input_ids); padding tokens
  take position padding_idx, a row of the position table that gets no gradient (nn.Embedding's padding_idx);
- RobertaLMHead: dense → gelu (the exact erf form, whatever hidden_act says) → layer_norm → decoder tied to the word
  embeddings, with its bias tied to lm_head.bias;
- RobertaClassificationHead on `<s>` (no pooler): dropout → dense → tanh → dropout → out_proj;
- RobertaForMultipleChoice's dropout is hidden_dropout_prob, the other heads' classifier_dropout or hidden_dropout_prob.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss

# transformers/activations.py: "gelu" is the exact erf GELU; "gelu_new" the tanh approximation.
ACT2FN = {
    "gelu": F.gelu,
    "gelu_new": lambda x: 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0)))),
}


def position_ids_from_input_ids(input_ids, padding_idx):
    """modeling_roberta.create_position_ids_from_input_ids: cumsum of the real-token mask, times the mask, + padding_idx."""
    mask = input_ids.ne(padding_idx).int()
    return (torch.cumsum(mask, dim=1).type_as(mask) * mask).long() + padding_idx


class RobertaEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h, pad = cfg["hidden_size"], cfg["pad_token_id"]
        self.padding_idx = pad
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], h, padding_idx=pad)
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], h, padding_idx=pad)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=cfg["layer_norm_eps"])
        self.dropout = nn.Dropout(cfg["hidden_dropout_prob"])

    def forward(self, input_ids, token_type_ids):
        positions = position_ids_from_input_ids(input_ids, self.padding_idx)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(x))


class RobertaSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h = cfg["hidden_size"]
        self.heads = cfg["num_attention_heads"]
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.dropout = nn.Dropout(cfg["attention_probs_dropout_prob"])

    def forward(self, x, additive_mask):
        batch, seq, h = x.shape
        d = h // self.heads
        split = lambda t: t.view(batch, seq, self.heads, d).permute(0, 2, 1, 3)  # noqa: E731 -> [batch, heads, seq, d]
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + additive_mask
        probs = self.dropout(torch.softmax(scores, dim=-1))
        return (probs @ v).permute(0, 2, 1, 3).reshape(batch, seq, h)


class RobertaSelfOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])
        self.dropout = nn.Dropout(cfg["hidden_dropout_prob"])

    def forward(self, hidden, residual):
        return self.LayerNorm(self.dropout(self.dense(hidden)) + residual)


class RobertaAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.self = RobertaSelfAttention(cfg)
        self.output = RobertaSelfOutput(cfg)

    def forward(self, x, additive_mask):
        return self.output(self.self(x, additive_mask), x)


class RobertaIntermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"])
        self.act = ACT2FN[cfg["hidden_act"]]

    def forward(self, x):
        return self.act(self.dense(x))


class RobertaOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["intermediate_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])
        self.dropout = nn.Dropout(cfg["hidden_dropout_prob"])

    def forward(self, inner, residual):
        return self.LayerNorm(self.dropout(self.dense(inner)) + residual)


class RobertaLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = RobertaAttention(cfg)
        self.intermediate = RobertaIntermediate(cfg)
        self.output = RobertaOutput(cfg)

    def forward(self, x, additive_mask):
        attended = self.attention(x, additive_mask)
        return self.output(self.intermediate(attended), attended)


class RobertaEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([RobertaLayer(cfg) for _ in range(cfg["num_hidden_layers"])])

    def forward(self, x, additive_mask):
        for layer in self.layer:
            x = layer(x, additive_mask)
        return x


class RobertaPooler(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])

    def forward(self, sequence):
        return torch.tanh(self.dense(sequence[:, 0]))


class RobertaModel(nn.Module):
    def __init__(self, cfg, add_pooling_layer=True):
        super().__init__()
        self.embeddings = RobertaEmbeddings(cfg)
        self.encoder = RobertaEncoder(cfg)
        self.pooler = RobertaPooler(cfg) if add_pooling_layer else None

    def forward(self, input_ids, token_type_ids, attention_mask):
        dtype = self.embeddings.word_embeddings.weight.dtype
        # get_extended_attention_mask: (1 - mask) · finfo.min on every padded key.
        additive = (1.0 - attention_mask.to(dtype))[:, None, None, :] * torch.finfo(dtype).min
        sequence = self.encoder(self.embeddings(input_ids, token_type_ids), additive)
        return sequence, (self.pooler(sequence) if self.pooler is not None else None)


class RobertaBase(nn.Module):
    """The base model alone, with a scalar to differentiate: MSE of both outputs against fixed random targets."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.roberta = RobertaModel(cfg)

    def forward(self, inputs):
        sequence, pooled = self.roberta(inputs["input_ids"], inputs["token_type_ids"], inputs["attention_mask"])
        loss = F.mse_loss(sequence, inputs["target_last_hidden_state"]) + F.mse_loss(pooled, inputs["target_pooler_output"])
        return {"last_hidden_state": sequence, "pooler_output": pooled, "loss": loss}


class RobertaLMHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h = cfg["hidden_size"]
        self.dense = nn.Linear(h, h)
        self.layer_norm = nn.LayerNorm(h, eps=cfg["layer_norm_eps"])
        self.decoder = nn.Linear(h, cfg["vocab_size"])
        self.bias = nn.Parameter(torch.zeros(cfg["vocab_size"]))
        self.decoder.bias = self.bias

    def forward(self, sequence):
        return self.decoder(self.layer_norm(F.gelu(self.dense(sequence))))


class RobertaForMaskedLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.roberta = RobertaModel(cfg, add_pooling_layer=False)
        self.lm_head = RobertaLMHead(cfg)
        self.lm_head.decoder.weight = self.roberta.embeddings.word_embeddings.weight  # tie_weights()

    def forward(self, inputs):
        sequence, _ = self.roberta(inputs["input_ids"], inputs["token_type_ids"], inputs["attention_mask"])
        logits = self.lm_head(sequence)
        loss = CrossEntropyLoss()(logits.view(-1, self.cfg["vocab_size"]), inputs["labels"].view(-1))
        return {"logits": logits, "loss": loss}


def num_labels(cfg):
    return len(cfg["id2label"])


def classifier_dropout_prob(cfg):
    value = cfg.get("classifier_dropout")
    return value if value is not None else cfg["hidden_dropout_prob"]


class RobertaClassificationHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.dropout = nn.Dropout(classifier_dropout_prob(cfg))
        self.out_proj = nn.Linear(cfg["hidden_size"], num_labels(cfg))

    def forward(self, sequence):
        x = self.dropout(sequence[:, 0, :])  # <s>
        x = self.dropout(torch.tanh(self.dense(x)))
        return self.out_proj(x)


class RobertaForSequenceClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.roberta = RobertaModel(cfg, add_pooling_layer=False)
        self.classifier = RobertaClassificationHead(cfg)

    def forward(self, inputs):
        sequence, _ = self.roberta(inputs["input_ids"], inputs["token_type_ids"], inputs["attention_mask"])
        logits = self.classifier(sequence)
        labels, n = inputs["labels"], num_labels(self.cfg)
        # problem_type as RobertaForSequenceClassification picks it when the config leaves it None.
        kind = self.cfg.get("problem_type") or (
            "regression" if n == 1 else "single_label_classification" if labels.dtype in (torch.long, torch.int)
            else "multi_label_classification")
        if kind == "regression":
            loss = MSELoss()(logits.squeeze(), labels.squeeze()) if n == 1 else MSELoss()(logits, labels)
        elif kind == "single_label_classification":
            loss = CrossEntropyLoss()(logits.view(-1, n), labels.view(-1))
        else:
            loss = BCEWithLogitsLoss()(logits, labels)
        return {"logits": logits, "loss": loss}


class RobertaForTokenClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.roberta = RobertaModel(cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(classifier_dropout_prob(cfg))
        self.classifier = nn.Linear(cfg["hidden_size"], num_labels(cfg))

    def forward(self, inputs):
        sequence, _ = self.roberta(inputs["input_ids"], inputs["token_type_ids"], inputs["attention_mask"])
        logits = self.classifier(self.dropout(sequence))
        loss = CrossEntropyLoss()(logits.view(-1, num_labels(self.cfg)), inputs["labels"].view(-1))
        return {"logits": logits, "loss": loss}


class RobertaForQuestionAnswering(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.roberta = RobertaModel(cfg, add_pooling_layer=False)
        self.qa_outputs = nn.Linear(cfg["hidden_size"], 2)

    def forward(self, inputs):
        sequence, _ = self.roberta(inputs["input_ids"], inputs["token_type_ids"], inputs["attention_mask"])
        start_logits, end_logits = self.qa_outputs(sequence).split(1, dim=-1)
        start_logits, end_logits = start_logits.squeeze(-1).contiguous(), end_logits.squeeze(-1).contiguous()
        ignored_index = start_logits.size(1)
        start = inputs["start_positions"].clamp(0, ignored_index)
        end = inputs["end_positions"].clamp(0, ignored_index)
        loss_fct = CrossEntropyLoss(ignore_index=ignored_index)
        loss = (loss_fct(start_logits, start) + loss_fct(end_logits, end)) / 2
        return {"start_logits": start_logits, "end_logits": end_logits, "loss": loss}


class RobertaForMultipleChoice(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.roberta = RobertaModel(cfg)
        self.dropout = nn.Dropout(cfg["hidden_dropout_prob"])
        self.classifier = nn.Linear(cfg["hidden_size"], 1)

    def forward(self, inputs):
        choices = inputs["input_ids"].shape[1]
        flat = [inputs[k].view(-1, inputs[k].size(-1)) for k in ("input_ids", "token_type_ids", "attention_mask")]
        _, pooled = self.roberta(*flat)
        logits = self.classifier(self.dropout(pooled)).view(-1, choices)
        return {"logits": logits, "loss": CrossEntropyLoss()(logits, inputs["labels"])}


CLASSES = {
    "base": ("RobertaModel", RobertaBase),
    "masked-lm": ("RobertaForMaskedLM", RobertaForMaskedLM),
    "sequence-classification": ("RobertaForSequenceClassification", RobertaForSequenceClassification),
    "token-classification": ("RobertaForTokenClassification", RobertaForTokenClassification),
    "question-answering": ("RobertaForQuestionAnswering", RobertaForQuestionAnswering),
    "multiple-choice": ("RobertaForMultipleChoice", RobertaForMultipleChoice),
}
