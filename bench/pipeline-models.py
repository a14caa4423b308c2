#!/usr/bin/env python3
"""Random-init BERT folders for the pipeline speed comparison (bench/pipeline-side-by-side.sh), each in tsbert's
layout and, exported by reference/export_transformersjs.py, in transformers.js's.

    /usr/bin/python3 bench/pipeline-models.py --config base [--out bench/results/pipeline-models]

Writes OUT/CONFIG/tsbert/<task>/ (config.json, model.safetensors, vocab.txt, tokenizer_config.json) and
OUT/CONFIG/transformersjs/<task>/ (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx) for
text-classification (BertForSequenceClassification, labels ham/spam) and feature-extraction (BertModel), with
bert-base-uncased's whole vocabulary (assets/) so real text tokenizes as it would for a real BERT. The weights are
reference/make_transformersjs_models.py's random draw; speed does not depend on them.
"""
import argparse
import json
import os
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "reference"))
import make_transformersjs_models as models  # noqa: E402

# google-research/bert's sizes: BERT-base (L-12, H-768, A-12) and BERT-mini (L-4, H-256, A-4), FFN 4H.
PRESETS = {
    "base": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072},
    "mini": {"hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "intermediate_size": 1024},
}
TASKS = {
    "text-classification": ("BertForSequenceClassification", ["ham", "spam"], "bert."),
    "feature-extraction": ("BertModel", None, ""),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", choices=sorted(PRESETS), required=True)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "pipeline-models"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(1)
    with open(models.SOURCE_VOCAB, encoding="utf-8") as f:
        vocab = [line.rstrip("\n") for line in f]
    config = dict(models.CONFIG, **PRESETS[args.config])
    for i, (task, (architecture, labels, prefix)) in enumerate(TASKS.items()):
        folder = os.path.join(args.out, args.config, "tsbert", task)
        generator = torch.Generator().manual_seed(args.seed + i)
        models.write_folder(folder, config, architecture, labels, {}, prefix, vocab, generator)
        exported = os.path.join(args.out, args.config, "transformersjs", task)
        subprocess.run([sys.executable, os.path.join(ROOT, "reference", "export_transformersjs.py"), folder, exported],
                       check=True, stdout=subprocess.DEVNULL)
        print(json.dumps({"config": args.config, "task": task, "tsbert": folder, "transformersjs": exported}))


if __name__ == "__main__":
    sys.exit(main())
