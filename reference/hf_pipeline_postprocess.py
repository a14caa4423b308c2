"""Hugging Face transformers' pipeline post-processing, written out here with numpy (no transformers install) from
the rules of transformers/pipelines/token_classification.py and question_answering.py (the version with
`align_to_words`, `pre_topk = top_k * 2 + 10` and answers merged by lower-cased text):

- token classification: float32 softmax per token; `gather_pre_entities` (a WordPiece token is a subword when its
  string and the text it covers differ in length; the unknown token takes the text and starts a word);
  `aggregate` for none / simple / first / average / max; `group_entities` (same type and not B- joins the group);
  the ignore_labels filter on entities and groups; words through the WordPiece decoder (tokenizers'
  decoders/wordpiece.rs, with its cleanup), as transformers' convert_tokens_to_string does for a fast tokenizer.
- question answering: per window, `select_starts_ends` (non-context tokens but [CLS] at -10000, softmax, null score
  start[0] * end[0], [CLS] zeroed) and `decode_spans` (outer product, triu / tril by max_answer_len, top k by
  argpartition, spans outside the allowed tokens dropped); `get_indices` (align_to_words: the words of the first and
  last token, as far as the window holds them); answers with the same lower-cased text add their scores; the null
  answer when handle_impossible_answer; sorted, cut to top_k.

Inputs are what tsbert's tokenizer produced (tokens, offsets, word and sequence ids) and its model's logits, as
test/pipelines/pipeline-inputs.ts dumps them; offsets are UTF-16 indices, equal to Python's code point indices for
texts without astral characters (make_pipeline_goldens.py checks that).
"""
import numpy as np

# ---------------------------------------------------------------- token classification


def wordpiece_decode(tokens, prefix="##", cleanup=True):
    out = []
    for i, token in enumerate(tokens):
        if i > 0:
            token = token[len(prefix):] if token.startswith(prefix) else " " + token
        if cleanup:
            for a, b in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                         (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
                token = token.replace(a, b)
        out.append(token)
    return "".join(out)


def token_softmax(logits):
    logits = np.asarray(logits, dtype=np.float32)
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def gather_pre_entities(text, tokens, is_unknown, special, offsets, scores):
    pre = []
    for idx, token_scores in enumerate(scores):
        if special[idx]:
            continue
        start, end = offsets[2 * idx], offsets[2 * idx + 1]
        word = tokens[idx]
        word_ref = text[start:end]
        is_subword = len(word) != len(word_ref)
        if is_unknown[idx]:
            word = word_ref
            is_subword = False
        pre.append({"word": word, "scores": token_scores, "start": start, "end": end, "index": idx, "is_subword": is_subword})
    return pre


def aggregate_word(entities, strategy, labels, decode):
    word = decode([e["word"] for e in entities])
    if strategy == "first":
        scores = entities[0]["scores"]
    elif strategy == "max":
        scores = max(entities, key=lambda e: e["scores"].max())["scores"]
    elif strategy == "average":
        scores = np.nanmean(np.stack([e["scores"] for e in entities]), axis=0)
    else:
        raise ValueError(strategy)
    idx = scores.argmax()
    return {"entity": labels[idx], "score": scores[idx], "word": word, "start": entities[0]["start"], "end": entities[-1]["end"]}


def aggregate_words(pre, strategy, labels, decode):
    words, group = [], None
    for entity in pre:
        if group is None:
            group = [entity]
        elif entity["is_subword"]:
            group.append(entity)
        else:
            words.append(aggregate_word(group, strategy, labels, decode))
            group = [entity]
    if group is not None:
        words.append(aggregate_word(group, strategy, labels, decode))
    return words


def get_tag(name):
    if name.startswith("B-"):
        return "B", name[2:]
    if name.startswith("I-"):
        return "I", name[2:]
    return "I", name


def group_sub_entities(entities, decode):
    return {
        "entity_group": entities[0]["entity"].split("-", 1)[-1],
        "score": float(np.nanmean([e["score"] for e in entities])),
        "word": decode([e["word"] for e in entities]),
        "start": entities[0]["start"],
        "end": entities[-1]["end"],
    }


def group_entities(entities, decode):
    groups, members = [], []
    for entity in entities:
        if not members:
            members.append(entity)
            continue
        bi, tag = get_tag(entity["entity"])
        _, last_tag = get_tag(members[-1]["entity"])
        if tag == last_tag and bi != "B":
            members.append(entity)
        else:
            groups.append(group_sub_entities(members, decode))
            members = [entity]
    if members:
        groups.append(group_sub_entities(members, decode))
    return groups


def token_classification(text, tokens, is_unknown, special, offsets, logits, labels, strategy, ignore_labels, decode):
    pre = gather_pre_entities(text, tokens, is_unknown, special, offsets, token_softmax(logits))
    if strategy in ("none", "simple"):
        entities = []
        for p in pre:
            idx = p["scores"].argmax()
            entities.append({"entity": labels[idx], "score": float(p["scores"][idx]), "index": p["index"],
                             "word": p["word"], "start": p["start"], "end": p["end"]})
    else:
        entities = aggregate_words(pre, strategy, labels, decode)
    if strategy != "none":
        entities = group_entities(entities, decode)
    return [e for e in entities if e.get("entity") not in ignore_labels and e.get("entity_group") not in ignore_labels]


def aggregate_overlapping_entities(entities):
    """Entities of overlapping windows (the pipeline's `stride`): of entities that start inside the one before, the
    longer stays, or at equal length the higher score (token_classification.py's aggregate_overlapping_entities)."""
    if not entities:
        return entities
    entities = sorted(entities, key=lambda e: e["start"])
    kept = []
    previous = entities[0]
    for entity in entities:
        if previous["start"] <= entity["start"] < previous["end"]:
            length = entity["end"] - entity["start"]
            previous_length = previous["end"] - previous["start"]
            if length > previous_length or (length == previous_length and entity["score"] > previous["score"]):
                previous = entity
        else:
            kept.append(previous)
            previous = entity
    kept.append(previous)
    return kept


def token_classification_windows(text, windows, labels, strategy, ignore_labels, decode):
    """postprocess over a text's windows: each window's entities as if alone, then the overlap rule when several."""
    entities = []
    for w in windows:
        entities.extend(token_classification(text, w["tokens"], w["is_unknown"], w["special"], w["offsets"], w["logits"],
                                             labels, strategy, ignore_labels, decode))
    return aggregate_overlapping_entities(entities) if len(windows) > 1 else entities


# ---------------------------------------------------------------- question answering


def decode_spans(start, end, topk, max_answer_len, undesired_tokens):
    outer = np.matmul(np.expand_dims(start, -1), np.expand_dims(end, 1))
    candidates = np.tril(np.triu(outer), max_answer_len - 1)
    scores_flat = candidates.flatten()
    if topk == 1:
        idx_sort = [np.argmax(scores_flat)]
    elif len(scores_flat) < topk:
        idx_sort = np.argsort(-scores_flat)
    else:
        idx = np.argpartition(-scores_flat, topk)[0:topk]
        idx_sort = idx[np.argsort(-scores_flat[idx])]
    starts, ends = np.unravel_index(idx_sort, candidates.shape)[1:]
    desired = np.isin(starts, undesired_tokens.nonzero()) & np.isin(ends, undesired_tokens.nonzero())
    starts, ends = starts[desired], ends[desired]
    return starts, ends, candidates[0, starts, ends]


def select_starts_ends(start, end, p_mask, min_null_score, top_k, handle_impossible_answer, max_answer_len):
    undesired_tokens = np.abs(np.array(p_mask) - 1)
    mask = undesired_tokens == 0.0
    start = np.where(mask, np.float32(-10000.0), start)
    end = np.where(mask, np.float32(-10000.0), end)
    start = np.exp(start - start.max(axis=-1, keepdims=True))
    start = start / start.sum()
    end = np.exp(end - end.max(axis=-1, keepdims=True))
    end = end / end.sum()
    if handle_impossible_answer:
        min_null_score = min(min_null_score, (start[0, 0] * end[0, 0]).item())
    start[0, 0] = end[0, 0] = 0.0
    starts, ends, scores = decode_spans(start, end, top_k, max_answer_len, undesired_tokens)
    return starts, ends, scores, min_null_score


def word_chars(window, token):
    """Encoding.word_to_chars(token_to_word(token), sequence_index=1) over one window."""
    word = window["word_ids"][token]
    members = [t for t, w in enumerate(window["word_ids"]) if w == word and window["sequence_ids"][t] == 1]
    return window["offsets"][2 * members[0]], window["offsets"][2 * members[-1] + 1]


def question_answering(context, windows, top_k, max_answer_len, handle_impossible_answer, align_to_words):
    min_null_score = 1000000
    answers = []
    pre_topk = top_k * 2 + 10 if align_to_words else top_k
    for w in windows:
        p_mask = [0 if s == 1 or c == 1 else 1 for s, c in zip(w["sequence_ids"], w["is_cls"])]
        start = np.asarray(w["start_logits"], dtype=np.float32)[None]
        end = np.asarray(w["end_logits"], dtype=np.float32)[None]
        starts, ends, scores, min_null_score = select_starts_ends(
            start, end, p_mask, min_null_score, pre_topk, handle_impossible_answer, max_answer_len)
        for s, e, score in zip(starts, ends, scores):
            if align_to_words:
                start_index, end_index = word_chars(w, s)[0], word_chars(w, e)[1]
            else:
                start_index, end_index = w["offsets"][2 * s], w["offsets"][2 * e + 1]
            target = context[start_index:end_index]
            same = next((a for a in answers if a["answer"].lower() == target.lower()), None)
            if same:
                same["score"] += score.item()
            else:
                answers.append({"score": score.item(), "start": start_index, "end": end_index, "answer": target})
    if handle_impossible_answer:
        answers.append({"score": min_null_score, "start": 0, "end": 0, "answer": ""})
    return sorted(answers, key=lambda a: a["score"], reverse=True)[:top_k]
