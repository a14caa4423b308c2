"""BERT task heads as Hugging Face's modeling_bert.py computes them, written functionally over Hugging Face-named
tensors so that the training-mode dropout masks can be chosen, recorded and replayed.

`encode` is BERT's encoder (embeddings, post-LayerNorm layers, pooler) with the activation that `hidden_act` names and
a dropout at each of Hugging Face's dropout sites. make_head_fixtures.py checks it against the module-built
`TorchBert` goldens of bert-tiny before trusting it. The heads follow Hugging Face's forward() of each class: which
output feeds the classifier, where the classifier dropout sits, and how the loss is picked.
"""
import math

import torch
import torch.nn.functional as F
from torch.nn import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss

# transformers/activations.py ACT2FN for the names BERT configs use.
ACT2FN = {
    "gelu": F.gelu,  # GELUActivation: the exact erf form
    # NewGELUActivation (the original BERT/GPT tanh approximation), written out as Hugging Face does.
    "gelu_new": lambda x: 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0)))),
    "relu": F.relu,
}


def num_labels(cfg):
    """PretrainedConfig.num_labels is len(id2label)."""
    return len(cfg["id2label"])


def classifier_dropout_prob(cfg):
    """BertForSequenceClassification / TokenClassification / MultipleChoice: classifier_dropout, else hidden_dropout_prob."""
    value = cfg.get("classifier_dropout")
    return value if value is not None else cfg["hidden_dropout_prob"]


class NoDropout:
    """Eval mode: every dropout site is the identity."""

    def __call__(self, x, p, site):
        return x


class RecordedDropout:
    """Training mode with masks drawn from `generator` and kept, in call order, so another implementation can be given
    exactly the same masks. Inverted dropout as nn.Dropout: kept values are scaled by 1 / (1 - p)."""

    def __init__(self, generator):
        self.generator = generator
        self.masks = []  # (site, p, keep) with keep a 0/1 float tensor of x's shape

    def __call__(self, x, p, site):
        if p == 0:
            return x
        keep = (torch.rand(x.shape, generator=self.generator) >= p).to(x.dtype)
        self.masks.append((site, p, keep))
        return x * (keep * (1.0 / (1.0 - p)))


class ReplayedDropout:
    """The masks of a RecordedDropout again (e.g. in float64), checking that the sites come in the same order."""

    def __init__(self, masks):
        self.masks = list(masks)

    def __call__(self, x, p, site):
        if p == 0:
            return x
        recorded_site, recorded_p, keep = self.masks.pop(0)
        assert (recorded_site, recorded_p) == (site, p), (recorded_site, recorded_p, site, p)
        return x * (keep.to(x.dtype) * (1.0 / (1.0 - p)))


def _layer_norm(x, w, name, eps):
    # The weight's shape, not x's: a traced x.shape is dynamic, which torch.onnx.export cannot take as normalized_shape.
    return F.layer_norm(x, w[name + ".weight"].shape, w[name + ".weight"], w[name + ".bias"], eps)


def _linear(x, w, name):
    return F.linear(x, w[name + ".weight"], w[name + ".bias"])


def encode(w, cfg, input_ids, token_type_ids, attention_mask, dropout=NoDropout()):
    """BertModel: returns (sequence_output [batch, seq, hidden], pooled_output [batch, hidden] or None without a pooler)."""
    batch, seq = input_ids.shape
    hidden, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    head_dim = hidden // heads
    hidden_p, attention_p = cfg["hidden_dropout_prob"], cfg["attention_probs_dropout_prob"]
    act = ACT2FN[cfg["hidden_act"]]
    dtype = w["bert.embeddings.word_embeddings.weight"].dtype
    # BertEmbeddings: word (padding_idx: the [PAD] row gets no gradient from the lookup) + position + token type,
    # LayerNorm, dropout.
    x = (
        F.embedding(input_ids, w["bert.embeddings.word_embeddings.weight"], padding_idx=cfg["pad_token_id"])
        + w["bert.embeddings.position_embeddings.weight"][torch.arange(seq)][None]
        + w["bert.embeddings.token_type_embeddings.weight"][token_type_ids]
    )
    x = dropout(_layer_norm(x, w, "bert.embeddings.LayerNorm", eps), hidden_p, "embeddings")
    # get_extended_attention_mask: (1 - mask) * finfo.min, added to every query's scores.
    additive = (1.0 - attention_mask.to(dtype))[:, None, None, :] * torch.finfo(dtype).min
    for i in range(cfg["num_hidden_layers"]):
        p = f"bert.encoder.layer.{i}."
        split = lambda t: t.reshape(batch, seq, heads, head_dim).transpose(1, 2)  # noqa: E731 -> [b, heads, seq, d]
        q = split(_linear(x, w, p + "attention.self.query"))
        k = split(_linear(x, w, p + "attention.self.key"))
        v = split(_linear(x, w, p + "attention.self.value"))
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(head_dim) + additive, dim=-1)
        probs = dropout(probs, attention_p, f"layer.{i}.attention.probs")  # BertSelfAttention drops attention probs
        context = (probs @ v).transpose(1, 2).reshape(batch, seq, hidden)
        # BertSelfOutput: dense, dropout, LayerNorm(· + input).
        attended = dropout(_linear(context, w, p + "attention.output.dense"), hidden_p, f"layer.{i}.attention.output")
        x = _layer_norm(attended + x, w, p + "attention.output.LayerNorm", eps)
        # BertIntermediate (dense, hidden_act) and BertOutput (dense, dropout, LayerNorm(· + input)).
        inner = act(_linear(x, w, p + "intermediate.dense"))
        out = dropout(_linear(inner, w, p + "output.dense"), hidden_p, f"layer.{i}.output")
        x = _layer_norm(out + x, w, p + "output.LayerNorm", eps)
    pooled = None
    if "bert.pooler.dense.weight" in w:  # BertPooler: dense + tanh on the first token
        pooled = torch.tanh(_linear(x[:, 0], w, "bert.pooler.dense"))
    return x, pooled


def _encode_inputs(w, cfg, inputs, dropout):
    return encode(w, cfg, inputs["input_ids"], inputs["token_type_ids"], inputs["attention_mask"], dropout)


def problem_type(cfg, labels):
    """BertForSequenceClassification's choice when config.problem_type is None: one label is regression; integer
    labels are single-label classification; anything else (float labels) multi-label classification."""
    if cfg.get("problem_type") is not None:
        return cfg["problem_type"]
    if num_labels(cfg) == 1:
        return "regression"
    if labels.dtype in (torch.long, torch.int):
        return "single_label_classification"
    return "multi_label_classification"


def sequence_classification_loss(cfg, logits, labels):
    """The loss of BertForSequenceClassification.forward (and of the other families' sequence classifiers) for the
    problem type `problem_type` picks."""
    kind = problem_type(cfg, labels)
    if kind == "regression":
        loss_fct = MSELoss()
        return loss_fct(logits.squeeze(), labels.squeeze()) if num_labels(cfg) == 1 else loss_fct(logits, labels)
    if kind == "single_label_classification":
        return CrossEntropyLoss()(logits.view(-1, num_labels(cfg)), labels.view(-1))
    return BCEWithLogitsLoss()(logits, labels)


def sequence_classification(w, cfg, inputs, dropout=NoDropout()):
    _, pooled = _encode_inputs(w, cfg, inputs, dropout)
    logits = _linear(dropout(pooled, classifier_dropout_prob(cfg), "classifier"), w, "classifier")
    out = {"logits": logits}
    if inputs.get("labels") is not None:
        out["loss"] = sequence_classification_loss(cfg, logits, inputs["labels"])
    return out


def sequence_classification_loss(cfg, logits, labels):
    """BertForSequenceClassification's loss (and every family's that copies it) for the problem type it picks."""
    kind = problem_type(cfg, labels)
    if kind == "regression":
        loss_fct = MSELoss()
        return loss_fct(logits.squeeze(), labels.squeeze()) if num_labels(cfg) == 1 else loss_fct(logits, labels)
    if kind == "single_label_classification":
        return CrossEntropyLoss()(logits.view(-1, num_labels(cfg)), labels.view(-1))
    return BCEWithLogitsLoss()(logits, labels)


def token_classification(w, cfg, inputs, dropout=NoDropout()):
    sequence, _ = _encode_inputs(w, cfg, inputs, dropout)
    logits = _linear(dropout(sequence, classifier_dropout_prob(cfg), "classifier"), w, "classifier")
    out = {"logits": logits}
    if inputs.get("labels") is not None:  # CrossEntropyLoss ignores -100
        out["loss"] = CrossEntropyLoss()(logits.view(-1, num_labels(cfg)), inputs["labels"].view(-1))
    return out


def question_answering_loss(start_logits, end_logits, start_positions, end_positions):
    """(CE(start) + CE(end)) / 2, as every family's ForQuestionAnswering: positions outside the sequence are clamped
    to seq_len, which the loss ignores."""
    ignored_index = start_logits.size(1)
    loss_fct = CrossEntropyLoss(ignore_index=ignored_index)
    start = start_positions.clamp(0, ignored_index)
    end = end_positions.clamp(0, ignored_index)
    return (loss_fct(start_logits, start) + loss_fct(end_logits, end)) / 2


def question_answering_output(logits, inputs):
    """Every family's ForQuestionAnswering outputs from qa_outputs' logits [batch, seq, 2]: start and end logits and,
    with positions, question_answering_loss."""
    start_logits, end_logits = logits.split(1, dim=-1)
    start_logits, end_logits = start_logits.squeeze(-1).contiguous(), end_logits.squeeze(-1).contiguous()
    out = {"start_logits": start_logits, "end_logits": end_logits}
    if inputs.get("start_positions") is not None and inputs.get("end_positions") is not None:
        out["loss"] = question_answering_loss(start_logits, end_logits, inputs["start_positions"], inputs["end_positions"])
    return out


def question_answering(w, cfg, inputs, dropout=NoDropout()):
    sequence, _ = _encode_inputs(w, cfg, inputs, dropout)
    return question_answering_output(_linear(sequence, w, "qa_outputs"), inputs)


def multiple_choice(w, cfg, inputs, dropout=NoDropout()):
    num_choices = inputs["input_ids"].shape[1]
    flat = {k: inputs[k].view(-1, inputs[k].size(-1)) for k in ("input_ids", "token_type_ids", "attention_mask")}
    _, pooled = _encode_inputs(w, cfg, flat, dropout)
    logits = _linear(dropout(pooled, classifier_dropout_prob(cfg), "classifier"), w, "classifier")
    reshaped_logits = logits.view(-1, num_choices)
    out = {"logits": reshaped_logits}
    if inputs.get("labels") is not None:
        out["loss"] = CrossEntropyLoss()(reshaped_logits, inputs["labels"])
    return out


def masked_lm_output(cfg, logits, inputs):
    """Every family's ForMaskedLM outputs: the logits and, with labels, CrossEntropyLoss over labels ≠ -100."""
    out = {"logits": logits}
    if inputs.get("labels") is not None:
        out["loss"] = CrossEntropyLoss()(logits.view(-1, cfg["vocab_size"]), inputs["labels"].view(-1))
    return out


def masked_lm(w, cfg, inputs, dropout=NoDropout()):
    sequence, _ = _encode_inputs(w, cfg, inputs, dropout)
    # BertLMPredictionHead: transform (dense, hidden_act, LayerNorm), decoder tied to the word embeddings, own bias.
    t = ACT2FN[cfg["hidden_act"]](_linear(sequence, w, "cls.predictions.transform.dense"))
    t = _layer_norm(t, w, "cls.predictions.transform.LayerNorm", cfg["layer_norm_eps"])
    logits = t @ w["bert.embeddings.word_embeddings.weight"].t() + w["cls.predictions.bias"]
    return masked_lm_output(cfg, logits, inputs)


HEADS = {
    "sequence-classification": sequence_classification,
    "token-classification": token_classification,
    "question-answering": question_answering,
    "multiple-choice": multiple_choice,
    "masked-lm": masked_lm,
}


def hf_decay_parameter_names(names):
    """transformers.Trainer's grouping (get_decay_parameter_names): weight decay on every parameter that is not inside a
    LayerNorm module and has no "bias" in its name."""
    in_layer_norm = lambda n: n.rsplit(".", 1)[0].split(".")[-1] == "LayerNorm"  # noqa: E731
    return [n for n in names if not in_layer_norm(n) and "bias" not in n]
