"""Goldens for the token-classification and question-answering pipelines.

Reads test/fixtures/reference/pipelines/inputs.json (tsbert's tokens, offsets, word ids and tiny-model logits for
fixed texts and options; written by `node dist/test/pipelines/pipeline-inputs.js --write`), runs the Python port of
Hugging Face's post-processing (hf_pipeline_postprocess.py) and writes goldens.json beside it: one output per case,
in the pipelines' output shapes (a QA case gives its list of answers). Also prints what the cases cover.

    /usr/bin/python3 reference/make_pipeline_goldens.py
"""
import json
import os
import sys

import numpy as np

from hf_pipeline_postprocess import question_answering, token_classification, token_classification_windows, wordpiece_decode

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, "..", "test", "fixtures", "reference", "pipelines")


def bmp_only(text):
    # UTF-16 offsets equal code point offsets only without astral characters.
    assert all(ord(c) < 0x10000 for c in text), f"astral character in {text!r}"
    return text


def main():
    with open(os.path.join(FOLDER, "inputs.json"), encoding="utf-8") as f:
        inputs = json.load(f)
    labels = inputs["labels"]
    decoder = inputs["decoder"]

    def decode(tokens):
        return wordpiece_decode(tokens, decoder["prefix"], decoder["cleanup"])

    tagged = []
    for case in inputs["token_classification"]["cases"]:
        t = inputs["token_classification"]["texts"][case["text"]]
        o = case["options"]
        tagged.append(token_classification(bmp_only(t["text"]), t["tokens"], t["is_unknown"], t["special"], t["offsets"],
                                           t["logits"], labels, o["aggregation_strategy"], o["ignore_labels"], decode))
    windowed = []
    for case in inputs["token_classification_windows"]:
        o = case["options"]
        windowed.append(token_classification_windows(bmp_only(case["text"]), case["windows"], labels,
                                                     o["aggregation_strategy"], o["ignore_labels"], decode))
    answered = []
    for case in inputs["question_answering"]:
        o = case["options"]
        bmp_only(case["context"])
        answered.append(question_answering(case["context"], case["windows"], o["top_k"], o["max_answer_len"],
                                           o["handle_impossible_answer"], o["align_to_words"]))
    goldens = {
        "generator": "/usr/bin/python3 reference/make_pipeline_goldens.py",
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "token_classification": tagged,
        "token_classification_windows": windowed,
        "question_answering": answered,
    }
    with open(os.path.join(FOLDER, "goldens.json"), "w", encoding="utf-8") as f:
        json.dump(goldens, f, ensure_ascii=False, indent=1)
        f.write("\n")
    for case, out in zip(inputs["token_classification"]["cases"], tagged):
        print("tc", case["text"], case["options"]["aggregation_strategy"], [(e.get("entity") or e["entity_group"], e["word"]) for e in out])
    for case, out in zip(inputs["question_answering"], answered):
        print("qa", case["context"][:20], len(case["windows"]), [(a["answer"], round(a["score"], 5), a["start"]) for a in out])


if __name__ == "__main__":
    main()
