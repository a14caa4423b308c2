"""The pre-training objectives' separate losses, for test/pretrain/objective-losses.test.ts.

Hugging Face's AlbertForPreTraining returns only loss = MLM + SOP, and the ALBERT / RoBERTa fixture makers
(make_albert_fixtures.py, make_roberta_fixtures.py) store that sum with the logits. Here PyTorch's cross-entropy
splits it: the MLM loss over the labelled positions (ignore_index -100) of the golden prediction logits, and the SOP
loss of the golden sop_logits against sentence_order_label (modeling_albert.py's AlbertForPreTraining.forward), in
float64 from the float32 goldens. Run with Debian's python3 (torch):

    /usr/bin/python3 reference/make_objective_goldens.py
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_io  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "reference")


def golden(*parts):
    tensors, _ = safetensors_io.read(os.path.join(ROOT, *parts, "golden.safetensors"))
    return tensors


def mlm_loss(logits, labels):
    return float(F.cross_entropy(logits.double().reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100))


def main():
    albert = golden("albert", "pretraining")
    albert_mlm = mlm_loss(albert["prediction_logits"], albert["labels"])
    albert_sop = float(F.cross_entropy(albert["sop_logits"].double(), albert["sentence_order_label"]))
    roberta = golden("roberta", "masked-lm")
    out = {
        "albert_pretraining": {"mlm_loss": albert_mlm, "sop_loss": albert_sop, "loss": float(albert["loss"])},
        "roberta_masked_lm": {"mlm_loss": mlm_loss(roberta["logits"], roberta["labels"]), "loss": float(roberta["loss"])},
        "torch": torch.__version__,
        "command": "/usr/bin/python3 reference/make_objective_goldens.py",
    }
    # The split must add up to the stored sum, or the goldens disagree with each other.
    assert abs(albert_mlm + albert_sop - out["albert_pretraining"]["loss"]) < 1e-5 * abs(out["albert_pretraining"]["loss"])
    assert abs(out["roberta_masked_lm"]["mlm_loss"] - out["roberta_masked_lm"]["loss"]) < 1e-5 * abs(out["roberta_masked_lm"]["loss"])
    path = os.path.join(ROOT, "objectives", "losses.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
