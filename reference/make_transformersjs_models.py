"""Writes the tiny random BERT folders that tsbert and transformers.js are compared on (issue 12, "same answers"):
test/fixtures/reference/transformersjs/models/<name>/ with config.json, model.safetensors, vocab.txt and
tokenizer_config.json, one folder per pipeline head.

    /usr/bin/python3 reference/make_transformersjs_models.py     # Debian's python3-torch, never the pyenv python

Then reference/export_transformersjs.py turns each folder into transformers.js's layout (tokenizer.json,
onnx/model.onnx) and bench/pipeline-goldens.mjs runs transformers.js on it (reference/README.md, "transformers.js").

The vocabulary is real English so that real sentences tokenize into real words: bert-base-uncased's special tokens,
its first 8,000 entries without the [unusedN] slots and without the single characters of other scripts (Latin,
punctuation and currency signs stay: a Greek or CJK character becomes [UNK], which the goldens then cover too), then
words by frequency, and every `##c` continuation of a kept single character (so no word of those characters becomes
[UNK]); ids renumbered. 6,248 tokens.

Weights are random (seeded) and larger than BERT's N(0, 0.02), so that the scores the pipelines rank are far apart:
a near tie would let float32 summation order (onnxruntime vs tsbert, ~1e-6) decide a label. Deterministic: twice on
one machine gives byte-identical files.
"""
import json
import os
import sys

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from make_head_fixtures import BASE_CONFIG  # noqa: E402

SEED = 20261130
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_VOCAB = os.path.join(ROOT, "assets", "bert-base-uncased-vocab.txt")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "transformersjs", "models")
METADATA = {"format": "pt", "generator": "tsbert reference/make_transformersjs_models.py", "torch": torch.__version__}

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
FIRST_ENTRIES = 8000

# hidden 32 = 2 heads of 16; 512 positions so SpamAssassin messages reach the 512-token truncation both libraries
# apply (model_max_length); BERT's dropout (inert in inference).
CONFIG = dict(BASE_CONFIG, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
              hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, max_position_embeddings=512)

BIO = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]

# name → (architecture, labels or None, extra config fields, weight prefix of the encoder)
MODELS = {
    "feature-extraction": ("BertModel", None, {}, ""),
    "fill-mask": ("BertForMaskedLM", None, {}, "bert."),
    "text-classification": ("BertForSequenceClassification", ["negative", "neutral", "positive"], {}, "bert."),
    "text-classification-multi-label": (
        "BertForSequenceClassification", ["sports", "politics", "science", "arts"],
        {"problem_type": "multi_label_classification"}, "bert.",
    ),
    # MNLI's label order (contradiction, neutral, entailment), as the NLI models zero-shot pipelines run on.
    "zero-shot-classification": (
        "BertForSequenceClassification", ["contradiction", "neutral", "entailment"], {}, "bert.",
    ),
    "token-classification": ("BertForTokenClassification", BIO, {}, "bert."),
    "question-answering": ("BertForQuestionAnswering", None, {}, "bert."),
}
# add_pooling_layer=False in Hugging Face's constructors of these heads.
WITHOUT_POOLER = {"BertForMaskedLM", "BertForTokenClassification", "BertForQuestionAnswering"}


def kept_character(c):
    """Latin (through Latin Extended-B), general punctuation and currency signs."""
    return ord(c) < 0x250 or 0x2000 <= ord(c) < 0x2070 or 0x20A0 <= ord(c) < 0x20D0


def build_vocab():
    with open(SOURCE_VOCAB, encoding="utf-8") as f:
        source = [line.rstrip("\n") for line in f]
    first = [t for t in source[:FIRST_ENTRIES]
             if t not in SPECIALS and not t.startswith("[unused") and (len(t) > 1 or kept_character(t))]
    chars = {t for t in first if len(t) == 1}
    continuations = [t for t in source if t.startswith("##") and len(t) == 3 and t[2] in chars and t not in first]
    vocab = SPECIALS + first + continuations
    assert len(set(vocab)) == len(vocab), "duplicate vocabulary entries"
    return vocab


def normal(generator, shape, std, mean=0.0):
    return torch.randn(shape, generator=generator) * std + mean


def encoder_weights(generator, cfg, vocab_size, with_pooler):
    h, inner = cfg["hidden_size"], cfg["intermediate_size"]
    w = {
        "embeddings.word_embeddings.weight": normal(generator, (vocab_size, h), 0.5),
        "embeddings.position_embeddings.weight": normal(generator, (cfg["max_position_embeddings"], h), 0.2),
        "embeddings.token_type_embeddings.weight": normal(generator, (cfg["type_vocab_size"], h), 0.2),
    }

    def layer_norm(name):
        w[name + ".weight"] = normal(generator, (h,), 0.1, 1.0)
        w[name + ".bias"] = normal(generator, (h,), 0.1)

    def linear(name, out_features, in_features, std):
        w[name + ".weight"] = normal(generator, (out_features, in_features), std)
        w[name + ".bias"] = normal(generator, (out_features,), 0.1)

    layer_norm("embeddings.LayerNorm")
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        linear(p + "attention.self.query", h, h, 0.3)  # sharper attention than BERT's init
        linear(p + "attention.self.key", h, h, 0.3)
        linear(p + "attention.self.value", h, h, 0.2)
        linear(p + "attention.output.dense", h, h, 0.2)
        layer_norm(p + "attention.output.LayerNorm")
        linear(p + "intermediate.dense", inner, h, 0.3)
        linear(p + "output.dense", h, inner, 0.2)
        layer_norm(p + "output.LayerNorm")
    if with_pooler:
        linear("pooler.dense", h, h, 0.3)
    return w


def head_weights(generator, architecture, cfg, labels, vocab_size):
    h = cfg["hidden_size"]
    if architecture == "BertModel":
        return {}
    if architecture == "BertForMaskedLM":
        return {
            "cls.predictions.transform.dense.weight": normal(generator, (h, h), 0.3),
            "cls.predictions.transform.dense.bias": normal(generator, (h,), 0.1),
            "cls.predictions.transform.LayerNorm.weight": normal(generator, (h,), 0.1, 1.0),
            "cls.predictions.transform.LayerNorm.bias": normal(generator, (h,), 0.1),
            "cls.predictions.bias": normal(generator, (vocab_size,), 0.1),
        }
    if architecture == "BertForQuestionAnswering":
        return {"qa_outputs.weight": normal(generator, (2, h), 0.5), "qa_outputs.bias": normal(generator, (2,), 0.1)}
    # Sequence classification reads the pooled tanh output, token classification LayerNorm'd hidden states.
    std = 1.0 if architecture == "BertForSequenceClassification" else 0.5
    bias = normal(generator, (len(labels),), 0.1)
    if labels == BIO:
        bias[0] += 2.0  # about half the tokens "O", as in NER data, so entities come in short runs between them
    return {"classifier.weight": normal(generator, (len(labels), h), std), "classifier.bias": bias}


def write_folder(folder, config, architecture, labels, extra, prefix, vocab, generator):
    """A Hugging Face folder of `architecture` with random weights; returns its size in bytes."""
    os.makedirs(folder, exist_ok=True)
    cfg = dict(config, vocab_size=len(vocab), architectures=[architecture], **extra)
    if labels is not None:
        cfg["id2label"] = {str(i): label for i, label in enumerate(labels)}
        cfg["label2id"] = {label: i for i, label in enumerate(labels)}
    encoder = encoder_weights(generator, cfg, len(vocab), architecture not in WITHOUT_POOLER)
    tensors = {prefix + k: v for k, v in encoder.items()}
    tensors.update(head_weights(generator, architecture, cfg, labels, len(vocab)))
    safetensors_io.write(os.path.join(folder, "model.safetensors"), tensors, METADATA)
    with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("".join(t + "\n" for t in vocab))
    tokenizer_config = {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "model_max_length": cfg["max_position_embeddings"],
        "clean_up_tokenization_spaces": True,
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]",
    }
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_config, f, indent=2)
        f.write("\n")
    return sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder))


def main():
    torch.set_num_threads(1)
    vocab = build_vocab()
    total = 0
    for i, (name, (architecture, labels, extra, prefix)) in enumerate(MODELS.items()):
        generator = torch.Generator().manual_seed(SEED + i)
        total += write_folder(os.path.join(OUT, name), CONFIG, architecture, labels, extra, prefix, vocab, generator)
    print(json.dumps({"out": os.path.relpath(OUT, ROOT), "folders": list(MODELS), "vocab_size": len(vocab),
                      "bytes": total, "torch": torch.__version__}))


if __name__ == "__main__":
    sys.exit(main())
