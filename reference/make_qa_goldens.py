"""Goldens for tsbert's SQuAD path: windows, answer positions and post-processing.

    npm run build && /usr/bin/python3 reference/make_qa_goldens.py

Writes test/fixtures/reference/qa/goldens.json from the fixtures test/fixtures/squad/v1.json and v2.json:
1. the questions, read here (a question whose answer text is not context[answer_start:answer_start + len(text)],
   counted in code points as Python does, is dropped, as tsbert's reader does);
2. each (question.lstrip(), context) encoded whole by Hugging Face `tokenizers` (npm, through
   dist/test/finetune/squad-reference-tokens.js) with bert-tiny's vocab;
3. the windows of transformers' run_qa.py `prepare_validation_features` with max_seq_length 40, doc_stride 8,
   built here from those tokens by the rule of tokenizers' Encoding::truncate (windows of the room left by the question
   and the three special tokens, each starting `room - doc_stride` after the last), the question first cut to
   max_query_length 12 tokens (google-research/bert run_squad.py); offsets of non-context tokens None;
4. run_qa.py's start/end positions of the first answer per window ([CLS] = 0 when it is not wholly inside);
5. random float32 logits (seed 20240613) per window, shaped so that every rule shows: in v2 the impossible
   questions' [CLS] logits are raised (the null answer wins), one answer span in its second window is raised (the
   span wins); then qa_postprocess.postprocess under several option sets (v1 defaults; v1 with n_best 3 and
   max_answer_length 4; v2 thresholds 0 and one between two examples' null odds; v2 with n_best 2, where the null
   answer is added back after the cut; n_best 1 in both, where some example keeps no candidate and gets "empty").
Deterministic: a rerun writes the same bytes.
"""
import json
import os
import subprocess
import sys

import numpy as np

from qa_postprocess import postprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOCAB = "test/fixtures/reference/bert-tiny/vocab.txt"
MAX_SEQ_LENGTH, DOC_STRIDE, MAX_QUERY_LENGTH = 40, 8, 12
SEED = 20240613


def read_squad(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        data = json.load(f)["data"]
    kept, dropped = [], []
    for article in data:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                answers = qa.get("answers", [])
                if all(context[a["answer_start"]:a["answer_start"] + len(a["text"])] == a["text"] for a in answers):
                    kept.append({"id": qa["id"], "question": qa["question"], "context": context, "answers": answers})
                else:
                    dropped.append(qa["id"])
    return kept, dropped


def reference_tokens(examples):
    pairs = [[e["question"].lstrip(), e["context"]] for e in examples]
    script = os.path.join(ROOT, "dist/test/finetune/squad-reference-tokens.js")
    out = subprocess.run(["node", script, VOCAB], input=json.dumps(pairs), capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return json.loads(out.stdout)


def windows(example, tokens):
    ids, offsets, seq = tokens["ids"], tokens["offsets"], tokens["sequenceIds"]
    question = [i for i, s in enumerate(seq) if s == 0][:MAX_QUERY_LENGTH]
    context = [i for i, s in enumerate(seq) if s == 1]
    cls_id, sep_id = ids[0], ids[-1]
    room = MAX_SEQ_LENGTH - 3 - len(question)
    assert room > DOC_STRIDE
    spans, start = [], 0
    while True:
        spans.append(context[start:start + room])
        if start + room >= len(context):
            break
        start += room - DOC_STRIDE
    features = []
    for span in spans:
        input_ids = [cls_id] + [ids[i] for i in question] + [sep_id] + [ids[i] for i in span] + [sep_id]
        offset_mapping = [None] * (len(question) + 2) + [list(offsets[i]) for i in span] + [None]
        features.append({"example_id": example["id"], "input_ids": input_ids, "offset_mapping": offset_mapping})
    return features


def positions(feature, example):
    """run_qa.py's prepare_train_features labels, the start search bounded by the context (see squad-features.ts)."""
    offsets = feature["offset_mapping"]
    context = [i for i, o in enumerate(offsets) if o is not None]
    if not example["answers"]:
        return 0, 0
    answer = example["answers"][0]
    start_char = answer["answer_start"]
    end_char = start_char + len(answer["text"])
    first, last = context[0], context[-1]
    if not (offsets[first][0] <= start_char and offsets[last][1] >= end_char):
        return 0, 0
    start = first
    while start <= last and offsets[start][0] <= start_char:
        start += 1
    end = last
    while end >= first and offsets[end][1] >= end_char:
        end -= 1
    return start - 1, end + 1


def logits_for(features, examples, rng, impossible_boost, span_boost_id):
    by_id = {e["id"]: e for e in examples}
    # Three decimals, so the file stays small: JSON's "0.123" read as float32 on both sides is the same number.
    start = np.round(rng.standard_normal((len(features), MAX_SEQ_LENGTH)), 3)
    end = np.round(rng.standard_normal((len(features), MAX_SEQ_LENGTH)), 3)
    seen = {}
    for f, feature in enumerate(features):
        example = by_id[feature["example_id"]]
        window = seen[example["id"]] = seen.get(example["id"], -1) + 1
        if impossible_boost and not example["answers"]:
            start[f, 0] += 4.0
            end[f, 0] += 4.0
        if example["id"] == span_boost_id and window == 1:
            s, e = feature["start_position"], feature["end_position"]
            assert s > 0, "the boosted answer must lie in the second window"
            start[f, s] += 5.0
            end[f, e] += 5.0
    return start, end, start.astype(np.float32), end.astype(np.float32)


def cases_for(examples, features, start, end, option_sets):
    plain = [{"id": e["id"], "context": e["context"]} for e in examples]
    cases = []
    for options in option_sets:
        predictions, nbest, null_odds = postprocess(plain, features, start, end, **options)
        cases.append({"options": options, "predictions": predictions, "nbest": nbest, "null_odds": null_odds})
    return cases


def golden_for(path, rng, version_2):
    examples, dropped = read_squad(path)
    features = []
    for example, tokens in zip(examples, reference_tokens(examples)):
        for feature in windows(example, tokens):
            feature["start_position"], feature["end_position"] = positions(feature, example)
            features.append(feature)
    span_id = "v2-town-built" if version_2 else "town-built"
    start_json, end_json, start, end = logits_for(features, examples, rng, version_2, span_id)
    if not version_2:
        option_sets = [{}, {"n_best_size": 3, "max_answer_length": 4}, {"n_best_size": 1}]
    else:
        base = {"version_2_with_negative": True}
        _, _, odds = postprocess([{"id": e["id"], "context": e["context"]} for e in examples], features, start, end,
                                 **base)
        positive = sorted(o for o in odds.values() if o > 0)
        # Between the two smallest positive null odds: the first becomes an answer again, the rest stay "".
        threshold = float(np.float32((positive[0] + positive[1]) / 2))
        option_sets = [base, dict(base, null_score_diff_threshold=threshold), dict(base, n_best_size=2),
                       dict(base, n_best_size=1)]
    cases = cases_for(examples, features, start, end, option_sets)
    check(cases, version_2, span_id)
    return {"source": path, "dropped": dropped, "features": features,
            "start_logits": start_json.tolist(), "end_logits": end_json.tolist(), "cases": cases}


def check(cases, version_2, span_id):
    """The cases must show what they are for."""
    first = cases[0]
    assert first["predictions"][span_id] != "", "the boosted span must win"
    last = cases[-1]
    assert "empty" in last["predictions"].values() or any(n[0]["text"] == "empty" for n in last["nbest"].values()), \
        "n_best 1 must leave an example without candidates"
    if version_2:
        assert first["predictions"]["v2-bridge-cost"] == "" and first["predictions"]["v2-keeper-wife"] == ""
        assert first["predictions"] != cases[1]["predictions"], "the threshold must change a prediction"
        assert any(len(n) == 3 for n in cases[2]["nbest"].values()), "n_best 2 must add the null answer back"


def main():
    rng = np.random.default_rng(SEED)
    golden = {
        "about": "reference/make_qa_goldens.py; windows from Hugging Face tokenizers (npm) tokens, offsets in code points",
        "vocab": VOCAB,
        "max_seq_length": MAX_SEQ_LENGTH, "doc_stride": DOC_STRIDE, "max_query_length": MAX_QUERY_LENGTH,
        "v1": golden_for("test/fixtures/squad/v1.json", rng, False),
        "v2": golden_for("test/fixtures/squad/v2.json", rng, True),
    }
    out = os.path.join(ROOT, "test/fixtures/reference/qa/goldens.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out}: {os.path.getsize(out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
