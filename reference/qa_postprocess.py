"""Question-answering post-processing by the rules of transformers' examples/pytorch/question-answering/utils_qa.py
(`postprocess_qa_predictions`), written here from its description, for goldens tsbert's TypeScript port is held to.

Rules (utils_qa.py):
- each feature (window) belongs to an example by `example_id`; `offset_mapping[i]` is the (start, end) of token i in the
  context, or None outside the context;
- per window: the null score is start_logits[0] + end_logits[0]; the example keeps the window with the lowest;
- per window: the n_best_size highest start indexes x the n_best_size highest end indexes (numpy argsort, reversed);
  a pair is dropped when an index is past the offsets or has None offsets, when end < start, or when
  end - start + 1 > max_answer_length; else it is a candidate with score start_logit + end_logit (float32 numpy sums);
- v2: the minimum null candidate, offsets (0, 0), joins the candidates;
- sort by score (stable, descending), keep n_best_size; v2: add the null back when no kept candidate has offsets (0, 0);
- text = context[start:end] (Python: code points);
- no candidate, or only one with empty text: insert {"text": "empty", logits 0, score 0} first;
- probability = softmax of the scores (max subtracted);
- v1: prediction = best text; v2: best non-empty candidate, score_diff = null_score - its start_logit - its end_logit,
  prediction "" when score_diff > null_score_diff_threshold.

One choice the original leaves open: argsort's default quicksort orders equal logits arbitrarily; here a stable sort,
reversed (the later index first), which is what tsbert does.
"""
import numpy as np


def top_indexes(logits, n):
    return np.argsort(logits, kind="stable")[::-1][:n].tolist()


def postprocess(examples, features, start_logits, end_logits, version_2_with_negative=False, n_best_size=20,
                max_answer_length=30, null_score_diff_threshold=0.0):
    """examples: [{"id", "context"}]; features: [{"example_id", "offset_mapping"}]; logits: float32 [features, seq].

    Returns (predictions {id: text}, nbest {id: [{"text", "start_logit", "end_logit", "probability"}]},
    null_odds {id: float} (v2 only)).
    """
    assert len(start_logits) == len(features) == len(end_logits)
    windows_of = {example["id"]: [] for example in examples}
    for f, feature in enumerate(features):
        windows_of[feature["example_id"]].append(f)

    predictions, nbest, null_odds = {}, {}, {}
    for example in examples:
        candidates = []
        null = None
        for f in windows_of[example["id"]]:
            starts, ends = start_logits[f], end_logits[f]
            offsets = features[f]["offset_mapping"]
            window_null = {"offsets": (0, 0), "score": starts[0] + ends[0],
                           "start_logit": starts[0], "end_logit": ends[0]}
            if null is None or null["score"] > window_null["score"]:
                null = window_null
            for s in top_indexes(starts, n_best_size):
                for e in top_indexes(ends, n_best_size):
                    if s >= len(offsets) or e >= len(offsets) or offsets[s] is None or offsets[e] is None:
                        continue
                    if e < s or e - s + 1 > max_answer_length:
                        continue
                    candidates.append({"offsets": (offsets[s][0], offsets[e][1]), "score": starts[s] + ends[e],
                                       "start_logit": starts[s], "end_logit": ends[e]})
        if version_2_with_negative:
            candidates.append(null)
        kept = sorted(candidates, key=lambda c: c["score"], reverse=True)[:n_best_size]
        if version_2_with_negative and all(c["offsets"] != (0, 0) for c in kept):
            kept.append(null)
        kept = [dict(c) for c in kept]
        for c in kept:
            start, end = c.pop("offsets")
            c["text"] = example["context"][start:end]
        if not kept or (len(kept) == 1 and kept[0]["text"] == ""):
            kept.insert(0, {"text": "empty", "start_logit": 0.0, "end_logit": 0.0, "score": 0.0})
        scores = np.array([c.pop("score") for c in kept])
        exp = np.exp(scores - np.max(scores))
        for c, p in zip(kept, exp / exp.sum()):
            c["probability"] = p

        if not version_2_with_negative:
            predictions[example["id"]] = kept[0]["text"]
        else:
            best = next(c for c in kept if c["text"] != "")
            diff = null["score"] - best["start_logit"] - best["end_logit"]
            null_odds[example["id"]] = float(diff)
            predictions[example["id"]] = "" if diff > null_score_diff_threshold else best["text"]
        nbest[example["id"]] = [{k: (v if isinstance(v, str) else float(v)) for k, v in c.items()} for c in kept]
    return predictions, nbest, null_odds
