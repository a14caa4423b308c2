"""The SQuAD v1.1 and v2.0 evaluations, written here from their published definitions (not a copy of the official
evaluate-v1.1.py / evaluate-v2.0.py), over a flat list of questions instead of the nested dataset JSON.

Definitions implemented (both scripts):
  normalize: str.lower(); drop every character of string.punctuation; replace r'\b(a|an|the)\b' by ' ';
             ' '.join(text.split()).
  exact:     normalize(prediction) == normalize(gold), max over the gold answers.
  f1:        token multiset overlap of the normalised texts; 0 when nothing is shared; else 2PR/(P+R),
             max over the gold answers.
v1.1 only: a question without a prediction scores 0 but counts; results are exact_match and f1, 100 * sum / total.
v2.0 only: F1 with an empty side is 1 when both are empty, else 0; gold answers that normalise to '' are dropped and
           a question left with none is scored against ['']; has_ans is "the answers list is non-empty"; a question
           whose no-answer probability is > na_prob_thresh (default 1.0) scores 1 when it has no answer, else 0;
           HasAns_/NoAns_ splits appear when non-empty; with no-answer probabilities, best_* come from a walk over the
           questions sorted by probability (stable), starting from the count of unanswerable questions.
"""
import re
import string
from collections import Counter

PUNCTUATION = frozenset(string.punctuation)
ARTICLE_RE = re.compile(r'\b(a|an|the)\b', re.UNICODE)


def normalize(text):
    lowered = text.lower()
    without_punct = ''.join(c for c in lowered if c not in PUNCTUATION)
    without_articles = ARTICLE_RE.sub(' ', without_punct)
    return ' '.join(without_articles.split())


def shared_token_f1(pred_tokens, gold_tokens):
    shared = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    if shared == 0:
        return 0
    precision = 1.0 * shared / len(pred_tokens)
    recall = 1.0 * shared / len(gold_tokens)
    return (2 * precision * recall) / (precision + recall)


def exact_v1(pred, gold):
    return normalize(pred) == normalize(gold)


def f1_v1(pred, gold):
    return shared_token_f1(normalize(pred).split(), normalize(gold).split())


def tokens_v2(text):
    return normalize(text).split() if text else []


def exact_v2(pred, gold):
    return int(normalize(gold) == normalize(pred))


def f1_v2(pred, gold):
    gold_tokens = tokens_v2(gold)
    pred_tokens = tokens_v2(pred)
    if not gold_tokens or not pred_tokens:
        return int(gold_tokens == pred_tokens)
    return shared_token_f1(pred_tokens, gold_tokens)


def evaluate_v1(questions, predictions):
    """questions: [{'id', 'answers': [text, ...]}]; predictions: {id: text}."""
    exact_sum = 0
    f1_sum = 0
    for q in questions:
        if q['id'] not in predictions:
            continue
        pred = predictions[q['id']]
        exact_sum += max(exact_v1(pred, g) for g in q['answers'])
        f1_sum += max(f1_v1(pred, g) for g in q['answers'])
    total = len(questions)
    return {'exact_match': 100.0 * exact_sum / total, 'f1': 100.0 * f1_sum / total}


def evaluate_v2(questions, predictions, na_probs=None, na_prob_thresh=1.0):
    """na_probs: list of (id, probability) pairs in the order the script would read them, or None."""
    prob_of = dict(na_probs) if na_probs is not None else {q['id']: 0.0 for q in questions}
    has_ans = {q['id']: bool(q['answers']) for q in questions}
    raw_exact, raw_f1 = {}, {}
    for q in questions:
        golds = [g for g in q['answers'] if normalize(g)] or ['']
        pred = predictions[q['id']]
        raw_exact[q['id']] = max(exact_v2(pred, g) for g in golds)
        raw_f1[q['id']] = max(f1_v2(pred, g) for g in golds)

    def thresholded(raw):
        return {k: (float(not has_ans[k]) if prob_of[k] > na_prob_thresh else s) for k, s in raw.items()}

    exact, f1 = thresholded(raw_exact), thresholded(raw_f1)

    def summary(ids):
        return (100.0 * sum(exact[k] for k in ids) / len(ids), 100.0 * sum(f1[k] for k in ids) / len(ids), len(ids))

    out = {}
    out['exact'], out['f1'], out['total'] = summary([q['id'] for q in questions])
    for prefix, wanted in (('HasAns', True), ('NoAns', False)):
        ids = [q['id'] for q in questions if has_ans[q['id']] == wanted]
        if ids:
            out[prefix + '_exact'], out[prefix + '_f1'], out[prefix + '_total'] = summary(ids)
    if na_probs is not None:
        for name, raw in (('exact', raw_exact), ('f1', raw_f1)):
            score, thresh = best_threshold(raw, predictions, na_probs, has_ans)
            out['best_' + name] = score
            out['best_' + name + '_thresh'] = thresh
    return out


def best_threshold(raw, predictions, na_probs, has_ans):
    running = sum(1 for v in has_ans.values() if not v)
    best, best_thresh = running, 0.0
    for qid, prob in sorted(na_probs, key=lambda pair: pair[1]):
        if qid not in raw:
            continue
        if has_ans[qid]:
            running += raw[qid]
        elif predictions[qid]:
            running -= 1
        if running > best:
            best, best_thresh = running, prob
    return 100.0 * best / len(raw), best_thresh
