"""Exports a tsbert / Hugging Face BERT folder to the layout transformers.js loads from a local folder.

    /usr/bin/python3 reference/export_transformersjs.py DIR OUT     # Debian's python3-torch (PyTorch 1.13)

DIR holds config.json (with `architectures`), model.safetensors and vocab.txt or tokenizer.json. OUT gets:
- config.json: DIR's, as it is (transformers.js reads model_type, id2label, label2id, problem_type from it);
- tokenizer.json: DIR's if it has one, else built from vocab.txt and tokenizer_config.json as tokenizers serializes
  BertTokenizerFast (BertNormalizer, BertPreTokenizer, WordPiece with `##`, TemplateProcessing `[CLS] $A [SEP]` /
  `[CLS] $A [SEP] $B:1 [SEP]:1`, WordPiece decoder with cleanup; the five special tokens as special added tokens);
- tokenizer_config.json: DIR's fields, plus `tokenizer_class` BertTokenizer and `model_max_length` no larger than
  max_position_embeddings (transformers.js truncates there);
- onnx/model.onnx: the forward of the folder's class, eval mode, opset 14, inputs input_ids, attention_mask,
  token_type_ids (int64 [batch, seq], both axes dynamic), outputs by class as Hugging Face names them:
  BertModel → last_hidden_state; BertForMaskedLM (and BertForPreTraining, exported as its masked LM) → logits;
  BertForSequenceClassification, BertForTokenClassification → logits; BertForQuestionAnswering → start_logits,
  end_logits;
- export-check.json: one padded batch (2 × 12, the second row 7 real tokens), PyTorch's outputs for it and whether
  they have a sequence axis (`per_token`), so the consumer (bench/pipeline-goldens.mjs) can check that onnxruntime
  computes what PyTorch does, also on a sequence length other than the traced one.

The forward is reference/tiny_heads.py's (BERT written out over Hugging Face-named tensors, checked there against
module-built BERT), so the graph is Hugging Face's math: additive mask (1 - mask) * finfo.min, exact erf GELU (or the
folder's hidden_act), LayerNorm eps from the config.
"""
import json
import os
import shutil
import sys

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import tiny_heads  # noqa: E402
from make_finetuned_goldens import BERT_CONFIG_DEFAULTS  # noqa: E402

OPSET = 14
INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"]
# architecture → (output names, the head as tiny_heads computes it (None: the encoder alone), whether the outputs
# have a sequence axis)
CLASSES = {
    "BertModel": (["last_hidden_state"], None, True),
    "BertForMaskedLM": (["logits"], tiny_heads.masked_lm, True),
    "BertForPreTraining": (["logits"], tiny_heads.masked_lm, True),
    "BertForSequenceClassification": (["logits"], tiny_heads.sequence_classification, False),
    "BertForTokenClassification": (["logits"], tiny_heads.token_classification, True),
    "BertForQuestionAnswering": (["start_logits", "end_logits"], tiny_heads.question_answering, True),
}
ENCODER_PREFIXES = ("embeddings.", "encoder.", "pooler.")
SPECIAL_KEYS = ["unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]
DEFAULT_SPECIALS = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                    "mask_token": "[MASK]"}


class Forward(torch.nn.Module):
    """The class's forward over the folder's weights (held as parameters so they export as initializers)."""

    def __init__(self, weights, cfg, architecture):
        super().__init__()
        self.cfg = cfg
        self.outputs, self.head, self.per_token = CLASSES[architecture]
        self.names = sorted(weights)
        # ParameterDict keys may not hold dots.
        self.weights = torch.nn.ParameterDict(
            {n.replace(".", "__"): torch.nn.Parameter(weights[n], requires_grad=False) for n in self.names})

    def forward(self, input_ids, attention_mask, token_type_ids):
        w = {n: self.weights[n.replace(".", "__")] for n in self.names}
        if self.head is None:
            hidden, _ = tiny_heads.encode(w, self.cfg, input_ids, token_type_ids, attention_mask)
            return (hidden,)
        out = self.head(w, self.cfg, {"input_ids": input_ids, "token_type_ids": token_type_ids,
                                      "attention_mask": attention_mask})
        return tuple(out[name] for name in self.outputs)


def read_json(path, missing_ok=False):
    if missing_ok and not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_weights(path):
    """The folder's tensors as float32, with the encoder under `bert.` (a BertModel checkpoint holds it bare)."""
    tensors, _ = safetensors_io.read(path)
    out = {}
    for name, tensor in tensors.items():
        if name.startswith(ENCODER_PREFIXES):
            name = "bert." + name
        out[name] = tensor.to(torch.float32) if tensor.is_floating_point() else tensor
    return out


def token_text(value):
    """A special token as tokenizer_config.json writes it: a string, or an AddedToken object with `content`."""
    return value["content"] if isinstance(value, dict) else value


def tokenizer_json_from_vocab(vocab, tokenizer_config):
    ids = {token: i for i, token in enumerate(vocab)}
    specials = {key: token_text(tokenizer_config.get(key, DEFAULT_SPECIALS[key])) for key in SPECIAL_KEYS}
    for key, token in specials.items():
        if token not in ids:
            raise SystemExit(f"export: vocab.txt has no {key} {token!r}")
    cls, sep = specials["cls_token"], specials["sep_token"]
    added = sorted({ids[t] for t in specials.values()})

    def special(token, type_id):
        return {"SpecialToken": {"id": token, "type_id": type_id}}

    def sequence(name, type_id):
        return {"Sequence": {"id": name, "type_id": type_id}}

    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": vocab[i], "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True} for i in added
        ],
        "normalizer": {
            "type": "BertNormalizer",
            "clean_text": True,
            "handle_chinese_chars": tokenizer_config.get("tokenize_chinese_chars", True),
            "strip_accents": tokenizer_config.get("strip_accents"),
            "lowercase": tokenizer_config.get("do_lower_case", True),
        },
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special(cls, 0), sequence("A", 0), special(sep, 0)],
            "pair": [special(cls, 0), sequence("A", 0), special(sep, 0), sequence("B", 1), special(sep, 1)],
            "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in (cls, sep)},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {
            "type": "WordPiece",
            "unk_token": specials["unk_token"],
            "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100,
            "vocab": ids,
        },
    }


def check_input(cfg):
    """Batch 2 × 12: a sentence pair, and a single sentence of 7 tokens padded to 12."""
    generator = torch.Generator().manual_seed(7)
    low = min(1000, cfg["vocab_size"] // 2)
    ids = torch.randint(low, cfg["vocab_size"], (2, 12), generator=generator)
    types = torch.zeros(2, 12, dtype=torch.long)
    mask = torch.ones(2, 12, dtype=torch.long)
    types[0, 6:] = 1
    mask[1, 7:] = 0
    ids[1, 7:] = cfg["pad_token_id"]
    return ids, mask, types


def export(source, out):
    cfg = dict(BERT_CONFIG_DEFAULTS, max_position_embeddings=512)
    cfg.update(read_json(os.path.join(source, "config.json")))
    architectures = cfg.get("architectures") or []
    architecture = next((a for a in architectures if a in CLASSES), None)
    if architecture is None:
        raise SystemExit(f"export: {source}/config.json architectures {architectures} holds none of {sorted(CLASSES)}")
    weights = read_weights(os.path.join(source, "model.safetensors"))
    model = Forward(weights, cfg, architecture)
    model.eval()  # torch.onnx.export restores the module's own training flag: it must be eval itself

    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    ids, mask, types = check_input(cfg)
    with torch.no_grad():
        expected = model(ids, mask, types)
        dynamic = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES}
        dynamic.update({name: {0: "batch", 1: "sequence"} if model.per_token else {0: "batch"} for name in model.outputs})
        torch.onnx.export(model, (ids, mask, types), os.path.join(out, "onnx", "model.onnx"),
                          input_names=INPUT_NAMES, output_names=model.outputs, dynamic_axes=dynamic,
                          opset_version=OPSET, do_constant_folding=True)
    assert not model.training, "export left the model in training mode"

    shutil.copyfile(os.path.join(source, "config.json"), os.path.join(out, "config.json"))
    tokenizer_config = read_json(os.path.join(source, "tokenizer_config.json"), missing_ok=True)
    if os.path.exists(os.path.join(source, "tokenizer.json")):
        shutil.copyfile(os.path.join(source, "tokenizer.json"), os.path.join(out, "tokenizer.json"))
    else:
        with open(os.path.join(source, "vocab.txt"), encoding="utf-8") as f:
            vocab = [line.rstrip("\n") for line in f]
        with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
            json.dump(tokenizer_json_from_vocab(vocab, tokenizer_config), f, ensure_ascii=False)
    max_length = min(tokenizer_config.get("model_max_length", cfg["max_position_embeddings"]),
                     cfg["max_position_embeddings"])
    tokenizer_config = dict(tokenizer_config, tokenizer_class="BertTokenizer", model_max_length=max_length)
    for key in SPECIAL_KEYS:
        tokenizer_config.setdefault(key, DEFAULT_SPECIALS[key])
    with open(os.path.join(out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_config, f, indent=2)
        f.write("\n")

    check = {"input_ids": ids.tolist(), "attention_mask": mask.tolist(), "token_type_ids": types.tolist(),
             "per_token": model.per_token, "torch": torch.__version__,
             "outputs": {name: {"dims": list(t.shape), "data": t.flatten().tolist()}
                         for name, t in zip(model.outputs, expected)}}
    with open(os.path.join(out, "export-check.json"), "w", encoding="utf-8") as f:
        json.dump(check, f)
    print(json.dumps({"source": source, "out": out, "architecture": architecture, "outputs": model.outputs,
                      "onnx_bytes": os.path.getsize(os.path.join(out, "onnx", "model.onnx")),
                      "opset": OPSET, "torch": torch.__version__}))


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    torch.set_num_threads(1)
    export(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
