"""seqeval's default (non-strict) entity scoring, written here from conlleval's documented chunk rules (seqeval is not
packaged for Debian and there is no PyPI here). Used by make_metric_goldens.py.

conlleval (and seqeval's default mode) decide at each token, from the previous tag and the current one, whether an
entity ended at the previous token and whether one starts here. A tag is its first letter (B, I, E, S, O) and the
type after the first hyphen ('_' when there is none).

  ends before this token:  previous is E or S; or previous is B/I and current is B, S or O;
                           or previous is not O and the types differ.
  starts at this token:    current is B or S; or current is I/E and previous is O, E or S;
                           or current is not O and the types differ.

Each sentence is closed by an O (seqeval joins the sentences with 'O'), so no entity spans two sentences.
Scores: per type, precision = correct / predicted, recall = correct / reference, F1 = 2PR / (P + R), any 0/0 as 0
(seqeval's zero_division default 'warn' -> 0); the overall scores are the same over all types' counts (micro);
accuracy is the fraction of tokens whose tag equals the reference tag.
"""

END_PAIRS = {(p, c) for p in 'BI' for c in 'BSO'}
START_PAIRS = {(p, c) for p in 'OES' for c in 'IE'}


def split_tag(tag):
    if tag == 'O':
        return 'O', '_'
    # A bare prefix ('B') or an empty type ('B-') gets seqeval's placeholder type '_'.
    prefix, _, kind = tag.partition('-')
    assert prefix in ('B', 'I', 'E', 'S'), tag
    return prefix, kind or '_'


def entities(tags):
    """[(type, first, last)] of one sentence."""
    found = []
    prev_prefix, prev_type, begin = 'O', '_', 0
    for i, tag in enumerate(list(tags) + ['O']):
        prefix, kind = split_tag(tag)
        ended = (prev_prefix in 'ES' or (prev_prefix, prefix) in END_PAIRS
                 or (prev_prefix != 'O' and prev_type != kind))
        started = (prefix in 'BS' or (prev_prefix, prefix) in START_PAIRS
                   or (prefix != 'O' and prev_type != kind))
        if ended:
            found.append((prev_type, begin, i - 1))
        if started:
            begin = i
        prev_prefix, prev_type = prefix, kind
    return found


def ratio(a, b):
    return a / b if b else 0.0


def prf(correct, predicted, actual):
    p, r = ratio(correct, predicted), ratio(correct, actual)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(references, predictions):
    """HF evaluate's seqeval output: {type: {precision, recall, f1, number}, overall_*}."""
    ref_sets, pred_sets = {}, {}
    for s, (ref, pred) in enumerate(zip(references, predictions)):
        assert len(ref) == len(pred)
        for target, tags in ((ref_sets, ref), (pred_sets, pred)):
            for kind, first, last in entities(tags):
                target.setdefault(kind, set()).add((s, first, last))
    out = {}
    totals = [0, 0, 0]
    for kind in sorted(set(ref_sets) | set(pred_sets)):
        r, p = ref_sets.get(kind, set()), pred_sets.get(kind, set())
        counts = (len(r & p), len(p), len(r))
        precision, recall, f1 = prf(*counts)
        out[kind] = {'precision': precision, 'recall': recall, 'f1': f1, 'number': len(r)}
        totals = [t + c for t, c in zip(totals, counts)]
    out['overall_precision'], out['overall_recall'], out['overall_f1'] = prf(*totals)
    flat_ref = [t for sent in references for t in sent]
    flat_pred = [t for sent in predictions for t in sent]
    out['overall_accuracy'] = sum(a == b for a, b in zip(flat_ref, flat_pred)) / len(flat_ref)
    return out


# Hand-worked cases (each traced through the rules above by hand; checked when this module runs as a script):
HAND_CASES = [
    # IOB2: B starts, I continues, O ends.
    (['B-PER', 'I-PER', 'O', 'B-LOC'], [('PER', 0, 1), ('LOC', 3, 3)]),
    # I- after O starts an entity (conlleval is lenient), and I- of another type ends PER and starts LOC.
    (['O', 'I-PER', 'I-PER', 'I-LOC'], [('PER', 1, 2), ('LOC', 3, 3)]),
    # B- after I- of the same type: PER ends at 1, a new PER starts at 2.
    (['B-PER', 'I-PER', 'B-PER'], [('PER', 0, 1), ('PER', 2, 2)]),
    # IOE: E closes (previous E ends a chunk); E after E starts a new one.
    (['I-ORG', 'E-ORG', 'E-ORG'], [('ORG', 0, 1), ('ORG', 2, 2)]),
    # IOBES: S is a one-token entity; I after S starts a new entity.
    (['S-PER', 'I-PER', 'E-PER', 'O'], [('PER', 0, 0), ('PER', 1, 2)]),
    # B of one type then E of another: the type change ends PER and starts LOC.
    (['B-PER', 'E-LOC'], [('PER', 0, 0), ('LOC', 1, 1)]),
    # An entity running to the end of the sentence is closed by the sentinel O.
    (['O', 'B-MISC', 'I-MISC'], [('MISC', 1, 2)]),
    # Bare tags share O's placeholder type '_': only the prefix rule (O then I starts) opens this entity at 1.
    (['O', 'I', 'I'], [('_', 1, 2)]),
]

if __name__ == '__main__':
    for tags, expected in HAND_CASES:
        assert entities(tags) == expected, (tags, entities(tags), expected)
    print(f'{len(HAND_CASES)} hand-worked cases agree')
