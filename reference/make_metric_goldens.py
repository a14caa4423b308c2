"""Goldens for src/metrics/: hand-checked cases and generated ones, scored by scikit-learn, SciPy and the reference
scripts here (squad_eval.py, seqeval_rules.py), written to test/fixtures/reference/metrics/.

    /usr/bin/python3 reference/make_metric_goldens.py     # Debian: python3-sklearn, python3-scipy

Every hand-checked case carries the value worked out by hand ('by_hand'), and this script asserts that the reference
library agrees before writing it, so a golden is both hand-checked and library-checked. Generated cases come from
random.Random(SEED); running twice gives byte-identical files. NaN is written as null.
"""
import json
import math
import os
import platform
import random
import sys
import warnings

import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef, mean_squared_error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seqeval_rules  # noqa: E402
import squad_eval  # noqa: E402

SEED = 20261130
CASES = 50
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'reference', 'metrics')
warnings.simplefilter('ignore')  # sklearn's UndefinedMetricWarning and SciPy's ConstantInputWarning are expected here


def nan_to_none(value):
    if isinstance(value, dict):
        return {k: nan_to_none(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def check_by_hand(name, got, by_hand):
    for key, want in by_hand.items():
        have = got[key]
        same = (isinstance(want, float) and math.isnan(want) and math.isnan(have)) or \
            (have == want if isinstance(want, (str, dict)) else abs(have - want) <= 1e-12)
        assert same, f'{name}: {key} is {have}, worked out by hand as {want}'


# ---------------------------------------------------------------- classification

def classification_scores(preds, refs, num_labels):
    out = {
        'accuracy': float(accuracy_score(refs, preds)),
        'macro_f1': float(f1_score(refs, preds, average='macro')),
        'matthews_correlation': float(matthews_corrcoef(refs, preds)),
    }
    if num_labels == 2:
        out['f1'] = float(f1_score(refs, preds, pos_label=1))
    return out


CLASSIFICATION_HAND = [
    # One class only, all correct: MCC's denominator is 0 -> sklearn returns 0; macro over the one class present is 1;
    # the positive class (1) never occurs, so its F1 is 0/0 -> 0.
    ('degenerate confusion matrix: one class only', 2, [0, 0, 0], [0, 0, 0],
     {'accuracy': 1.0, 'macro_f1': 1.0, 'matthews_correlation': 0.0, 'f1': 0.0}),
    # Constant predictions: class 0 F1 0; class 1 P=2/4 R=1 F=2/3; macro 1/3; sum p_k^2 = 16 = s^2 -> MCC 0.
    ('constant predictions', 2, [1, 1, 1, 1], [0, 1, 1, 0],
     {'accuracy': 0.5, 'macro_f1': 1 / 3, 'matthews_correlation': 0.0, 'f1': 2 / 3}),
    # Macro is not micro: per class F1 1, 0, 0 -> macro 1/3, while micro (= accuracy) would be 4/6.
    ('macro differs from micro', 3, [0, 0, 0, 0, 2, 1], [0, 0, 0, 0, 1, 2],
     {'accuracy': 4 / 6, 'macro_f1': 1 / 3}),
    # Class 2 only predicted: it joins the average with F1 0: (2/3 + 1 + 0) / 3 = 5/9 (not 5/6 over reference classes).
    ('class predicted but absent from references', 3, [0, 1, 2, 1], [0, 1, 0, 1],
     {'accuracy': 0.75, 'macro_f1': 5 / 9}),
    # Labels 2 and 3 absent from both: the average is over {0, 1}: (2/3 + 2/3) / 2, not over all four ids.
    ('label ids absent from both', 4, [0, 1, 0], [0, 1, 1],
     {'accuracy': 2 / 3, 'macro_f1': 2 / 3}),
    # Perfect and inverted binary predictions: MCC +1 and -1.
    ('perfect binary', 2, [0, 1, 1, 0], [0, 1, 1, 0],
     {'accuracy': 1.0, 'macro_f1': 1.0, 'matthews_correlation': 1.0, 'f1': 1.0}),
    ('inverted binary', 2, [1, 0, 0, 1], [0, 1, 1, 0],
     {'accuracy': 0.0, 'macro_f1': 0.0, 'matthews_correlation': -1.0, 'f1': 0.0}),
    # Binary F1 is of class 1 only: class 1 P=1/2 R=1 -> 2/3; class 0 P=1 R=1/2 -> 2/3 too, so use an asymmetric case:
    # refs 1,1,0,0,0 preds 1,0,0,0,0: class 1 P=1 R=1/2 F=2/3; class 0 P=3/4 R=1 F=6/7.
    ('binary F1 is the positive class', 2, [1, 0, 0, 0, 0], [1, 1, 0, 0, 0],
     {'accuracy': 0.8, 'f1': 2 / 3, 'macro_f1': (2 / 3 + 6 / 7) / 2}),
]


def classification_cases(rng):
    cases = []
    for name, num_labels, preds, refs, by_hand in CLASSIFICATION_HAND:
        expected = classification_scores(preds, refs, num_labels)
        check_by_hand(name, expected, by_hand)
        cases.append({'name': name, 'num_labels': num_labels, 'predictions': preds, 'references': refs, 'expected': expected})
    for i in range(CASES):
        num_labels = rng.choice([2, 2, 3, 4, 6])
        n = rng.randint(1, 40)
        used = rng.sample(range(num_labels), rng.randint(1, num_labels))  # some ids may never occur
        refs = [rng.choice(used) for _ in range(n)]
        accuracy_bias = rng.random()
        preds = [r if rng.random() < accuracy_bias else rng.randrange(num_labels) for r in refs]
        if rng.random() < 0.1:
            preds = [preds[0]] * n  # a constant classifier
        cases.append({'name': f'generated {i}', 'num_labels': num_labels, 'predictions': preds, 'references': refs,
                      'expected': classification_scores(preds, refs, num_labels)})
    return cases


# ---------------------------------------------------------------- multi-label

def multi_label_scores(preds, refs):
    p, r = np.array(preds), np.array(refs)
    return {
        'subset_accuracy': float(accuracy_score(r, p)),
        'micro_f1': float(f1_score(r, p, average='micro')),
        'macro_f1': float(f1_score(r, p, average='macro')),
    }


MULTI_LABEL_HAND = [
    # Row 1 misses label 2: subset 1/2; micro tp=2 pred=2 true=3 -> P=1 R=2/3 F=0.8; macro (1 + 1 + 0) / 3.
    ('one missed label', 3, [[1, 0, 0], [0, 1, 0]], [[1, 0, 1], [0, 1, 0]],
     {'subset_accuracy': 0.5, 'micro_f1': 0.8, 'macro_f1': 2 / 3}),
    # Label 1 never occurs anywhere: it still counts in macro with F1 0 (an indicator matrix names every label).
    ('label absent everywhere counts as 0 in macro', 2, [[1, 0], [0, 0]], [[1, 0], [1, 0]],
     {'subset_accuracy': 0.5, 'micro_f1': 2 / 3, 'macro_f1': 1 / 3}),
    # Nothing positive at all: rows match (subset 1) but every F1 is 0/0 -> 0.
    ('all negative', 2, [[0, 0], [0, 0]], [[0, 0], [0, 0]],
     {'subset_accuracy': 1.0, 'micro_f1': 0.0, 'macro_f1': 0.0}),
]


def multi_label_cases(rng):
    cases = []
    for name, num_labels, preds, refs, by_hand in MULTI_LABEL_HAND:
        expected = multi_label_scores(preds, refs)
        check_by_hand(name, expected, by_hand)
        cases.append({'name': name, 'num_labels': num_labels, 'predictions': preds, 'references': refs, 'expected': expected})
    for i in range(CASES):
        # Two labels at least: scikit-learn reads a one-column 0/1 array as binary classes, not as a one-label matrix.
        num_labels = rng.randint(2, 6)
        n = rng.randint(1, 20)
        density = rng.random()
        refs = [[int(rng.random() < density) for _ in range(num_labels)] for _ in range(n)]
        flip = rng.random() * 0.5
        preds = [[v ^ int(rng.random() < flip) for v in row] for row in refs]
        cases.append({'name': f'generated {i}', 'num_labels': num_labels, 'predictions': preds, 'references': refs,
                      'expected': multi_label_scores(preds, refs)})
    return cases


# ---------------------------------------------------------------- regression

def regression_scores(preds, refs):
    return {
        'pearson': float(scipy.stats.pearsonr(preds, refs)[0]),
        'spearmanr': float(scipy.stats.spearmanr(preds, refs)[0]),
        'mse': float(mean_squared_error(refs, preds)),
    }


REGRESSION_HAND = [
    # Constant predictions: both correlations undefined (SciPy: nan); MSE (1 + 0 + 1) / 3.
    ('constant input', [2.0, 2.0, 2.0], [1.0, 2.0, 3.0], {'pearson': math.nan, 'spearmanr': math.nan, 'mse': 2 / 3}),
    # Ties: ranks [1, 2.5, 2.5, 4] vs [1, 3, 2, 4] -> 4.5 / sqrt(4.5 * 5) = 0.94868...; ordinal ranks would give 0.8.
    ('ties share their average rank', [1.0, 2.0, 2.0, 3.0], [1.0, 3.0, 2.0, 4.0],
     {'spearmanr': 4.5 / math.sqrt(22.5), 'pearson': 4.5 / math.sqrt(22.5)}),
    # Two points: SciPy's shortcut sign(dx) * sign(dy).
    ('two points', [1.0, 2.0], [5.0, 3.0], {'pearson': -1.0, 'spearmanr': -1.0, 'mse': (16 + 1) / 2}),
    # A monotone but non-linear relation: Spearman 1, Pearson below 1.
    ('monotone, not linear', [1.0, 2.0, 3.0, 4.0], [1.0, 4.0, 9.0, 100.0], {'spearmanr': 1.0}),
]


def regression_cases(rng):
    cases = []
    for name, preds, refs, by_hand in REGRESSION_HAND:
        expected = regression_scores(preds, refs)
        check_by_hand(name, expected, by_hand)
        cases.append({'name': name, 'predictions': preds, 'references': refs, 'expected': expected})
    for i in range(CASES):
        n = rng.randint(2, 30)
        refs = [rng.uniform(0, 5) for _ in range(n)]
        noise = rng.random() * 2
        preds = [r + rng.gauss(0, noise) for r in refs]
        if rng.random() < 0.3:  # STS-B-like scores on a coarse grid: many ties
            refs = [round(r * 2) / 2 for r in refs]
            preds = [round(p) for p in preds]
            preds = [float(p) for p in preds]
        cases.append({'name': f'generated {i}', 'predictions': preds, 'references': refs,
                      'expected': regression_scores(preds, refs)})
    return cases


# ---------------------------------------------------------------- seqeval

SEQEVAL_HAND = [
    # seqeval's own documented example: MISC predicted one token early (wrong span), PER right -> micro P = R = F1 = 1/2;
    # 8 of 10 tags equal.
    ("seqeval's documented example",
     [['O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']],
     [['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']],
     {'overall_precision': 0.5, 'overall_recall': 0.5, 'overall_f1': 0.5, 'overall_accuracy': 0.8,
      'MISC': {'precision': 0.0, 'recall': 0.0, 'f1': 0.0, 'number': 1},
      'PER': {'precision': 1.0, 'recall': 1.0, 'f1': 1.0, 'number': 1}}),
    # I- after O starts an entity, so the prediction PER 1-2 equals the reference.
    ('I- after O starts an entity', [['O', 'I-PER', 'I-PER']], [['O', 'B-PER', 'I-PER']],
     {'overall_precision': 1.0, 'overall_recall': 1.0, 'overall_f1': 1.0, 'overall_accuracy': 2 / 3}),
    # B- of another type ends PER: predicted PER 0-0 and LOC 1-1, neither matches PER 0-1.
    ('B- of another type', [['B-PER', 'B-LOC']], [['B-PER', 'I-PER']],
     {'overall_precision': 0.0, 'overall_recall': 0.0, 'overall_f1': 0.0, 'overall_accuracy': 0.5,
      'PER': {'precision': 0.0, 'recall': 0.0, 'f1': 0.0, 'number': 1},
      'LOC': {'precision': 0.0, 'recall': 0.0, 'f1': 0.0, 'number': 0}}),
    # I- of another type after I-: PER 0-1 then LOC 2-2.
    ('I- of another type', [['I-PER', 'I-PER', 'I-LOC']], [['B-PER', 'I-PER', 'B-LOC']],
     {'overall_precision': 1.0, 'overall_recall': 1.0, 'overall_f1': 1.0}),
    # No predicted entities: precision 0/0 -> 0 (zero_division), recall 0/1.
    ('no predicted entities', [['O', 'O']], [['B-PER', 'O']],
     {'overall_precision': 0.0, 'overall_recall': 0.0, 'overall_f1': 0.0, 'overall_accuracy': 0.5,
      'PER': {'precision': 0.0, 'recall': 0.0, 'f1': 0.0, 'number': 1}}),
    # Bare tags (seqeval's type '_'): I after O starts the entity at 1 in both.
    ('bare tags', [['O', 'I', 'I']], [['O', 'B', 'I']],
     {'overall_f1': 1.0, 'overall_accuracy': 2 / 3, '_': {'precision': 1.0, 'recall': 1.0, 'f1': 1.0, 'number': 1}}),
    # No entities anywhere: all overall scores 0, no type entries.
    ('no entities anywhere', [['O', 'O']], [['O', 'O']],
     {'overall_precision': 0.0, 'overall_recall': 0.0, 'overall_f1': 0.0, 'overall_accuracy': 1.0}),
    # Sentences do not join: B-PER | I-PER is two entities, matching B-PER | B-PER.
    ('entities end at the sentence end', [['B-PER'], ['B-PER']], [['B-PER'], ['I-PER']],
     {'overall_precision': 1.0, 'overall_recall': 1.0, 'overall_f1': 1.0, 'overall_accuracy': 0.5}),
    # IOBES: S-PER, then B-LOC E-LOC vs B-LOC I-LOC (same span LOC 1-2).
    ('IOBES tags', [['S-PER', 'B-LOC', 'I-LOC']], [['S-PER', 'B-LOC', 'E-LOC']],
     {'overall_f1': 1.0, 'overall_accuracy': 2 / 3}),
    # Partly right: predicted PER 0-1 (right) and LOC 3-3 (wrong type; reference ORG 3-3); MISC missed.
    # precision 1/2, recall 1/3, F1 = 2 * 1/2 * 1/3 / (5/6) = 0.4.
    ('partly right', [['B-PER', 'I-PER', 'O', 'B-LOC', 'O', 'O']], [['B-PER', 'I-PER', 'O', 'B-ORG', 'O', 'B-MISC']],
     {'overall_precision': 0.5, 'overall_recall': 1 / 3, 'overall_f1': 0.4, 'overall_accuracy': 4 / 6}),
]

TYPES = ['PER', 'LOC', 'ORG', 'MISC']


def random_tags(rng, n, prefixes):
    tags = []
    for _ in range(n):
        if rng.random() < 0.4:
            tags.append('O')
        else:
            tags.append(rng.choice(prefixes) + '-' + rng.choice(TYPES[:rng.randint(1, 4)]))
    return tags


def seqeval_cases(rng):
    cases = []
    for name, preds, refs, by_hand in SEQEVAL_HAND:
        expected = seqeval_rules.evaluate(refs, preds)
        check_by_hand(name, expected, by_hand)
        cases.append({'name': name, 'predictions': preds, 'references': refs, 'expected': expected})
    for i in range(CASES):
        prefixes = rng.choice([['B', 'I'], ['I'], ['B', 'I', 'E', 'S'], ['I', 'E']])  # IOB2/IOB1, IOBES, IOE
        refs = [random_tags(rng, rng.randint(0, 12), prefixes) for _ in range(rng.randint(1, 5))]
        refs[0] = refs[0] or ['O']
        flip = rng.random() * 0.6
        preds = [[(random_tags(rng, 1, prefixes)[0] if rng.random() < flip else t) for t in sent] for sent in refs]
        cases.append({'name': f'generated {i}', 'predictions': preds, 'references': refs,
                      'expected': seqeval_rules.evaluate(refs, preds)})
    return cases


# ---------------------------------------------------------------- SQuAD

SQUAD_V1_HAND = [
    # Case, articles and punctuation vanish: 'eiffel tower' both.
    ('articles and punctuation', [{'id': 'q1', 'answers': ['The Eiffel Tower']}], {'q1': 'eiffel tower!'},
     {'exact_match': 100.0, 'f1': 100.0}),
    # "an" is an article; "Anne" keeps its "an" (whole words only).
    ('"an" removed as a whole word', [{'id': 'q1', 'answers': ['an apple']}, {'id': 'q2', 'answers': ['Anne']}],
     {'q1': 'apple', 'q2': 'ne'}, {'exact_match': 50.0, 'f1': 50.0}),
    # 'obama' is 1 of 3 gold tokens: P=1 R=1/3 F1=0.5.
    ('partial overlap', [{'id': 'q1', 'answers': ['Barack Obama Jr']}], {'q1': 'Obama'},
     {'exact_match': 0.0, 'f1': 50.0}),
    # The best gold answer counts.
    ('max over gold answers', [{'id': 'q1', 'answers': ['Paris', 'the city of Paris']}], {'q1': 'City of Paris'},
     {'exact_match': 100.0, 'f1': 100.0}),
    # A missing prediction scores 0 and still counts in the total.
    ('missing prediction counts as 0', [{'id': 'q1', 'answers': ['x']}, {'id': 'q2', 'answers': ['y']}], {'q1': 'x'},
     {'exact_match': 50.0, 'f1': 50.0}),
    # Both normalise to '': exact match, but v1.1's F1 has no shared token -> 0.
    ('article-only answers in v1.1', [{'id': 'q1', 'answers': ['the']}], {'q1': 'A'}, {'exact_match': 100.0, 'f1': 0.0}),
    # Python's str.split() splits at U+00A0 and U+001C; counted tokens: pred [cat, cat, cat] vs gold [cat]: F1 0.5.
    ('unicode whitespace and repeated tokens', [{'id': 'q1', 'answers': ['new york']}, {'id': 'q2', 'answers': ['cat']}],
     {'q1': 'New\u00a0York\u001c', 'q2': 'the cat cat\u2003cat'}, {'exact_match': 50.0, 'f1': 75.0}),
]

SQUAD_V2_HAND = [
    # q1 right, q2 correctly empty, q3 answers an unanswerable, q4 wrong. exact = f1 = 2/4.
    # best: start 2 (both unanswerable right); by na prob: q1 (.1) +1 -> 3 best at .1; q3 (.3) -1; q4 +0; q2 +0.
    ('mixed answerable and unanswerable',
     [{'id': 'q1', 'answers': ['Denver Broncos']}, {'id': 'q2', 'answers': []}, {'id': 'q3', 'answers': []},
      {'id': 'q4', 'answers': ['Paris']}],
     {'q1': 'Denver Broncos', 'q2': '', 'q3': 'something', 'q4': 'London'},
     [['q1', 0.1], ['q2', 0.9], ['q3', 0.3], ['q4', 0.6]], 1.0,
     {'exact': 50.0, 'f1': 50.0, 'total': 4, 'HasAns_exact': 50.0, 'HasAns_total': 2, 'NoAns_exact': 50.0,
      'NoAns_total': 2, 'best_exact': 75.0, 'best_exact_thresh': 0.1, 'best_f1': 75.0, 'best_f1_thresh': 0.1}),
    # Threshold 0.5: q2 (.9) and q3 (.7) abstain -> both right; q4 (.6) abstains -> 0. exact 3/4.
    ('no-answer threshold',
     [{'id': 'q1', 'answers': ['Denver Broncos']}, {'id': 'q2', 'answers': []}, {'id': 'q3', 'answers': []},
      {'id': 'q4', 'answers': ['Paris']}],
     {'q1': 'Denver Broncos', 'q2': '', 'q3': 'something', 'q4': 'London'},
     [['q1', 0.1], ['q2', 0.9], ['q3', 0.7], ['q4', 0.6]], 0.5,
     {'exact': 75.0, 'NoAns_exact': 100.0, 'HasAns_exact': 50.0, 'best_exact': 75.0, 'best_exact_thresh': 0.1}),
    # Tied probabilities are walked in na_probs' own order: b (-1) before a (+1) never beats the start (1 of 2).
    ('tied probabilities keep their order',
     [{'id': 'a', 'answers': ['yes']}, {'id': 'b', 'answers': []}], {'a': 'yes', 'b': 'no'},
     [['b', 0.5], ['a', 0.5]], 1.0, {'best_exact': 50.0, 'best_exact_thresh': 0.0, 'exact': 50.0}),
    # Same with a first: +1 -> 2 of 2 at 0.5.
    ('tied probabilities, other order',
     [{'id': 'a', 'answers': ['yes']}, {'id': 'b', 'answers': []}], {'a': 'yes', 'b': 'no'},
     [['a', 0.5], ['b', 0.5]], 1.0, {'best_exact': 100.0, 'best_exact_thresh': 0.5}),
    # v2.0 drops gold answers that normalise to '' -> gold [''], so an article-only prediction scores exact 1 and F1 1
    # (both token lists empty); has_ans is still true (the answers list is not empty).
    ('article-only gold in v2.0', [{'id': 'q1', 'answers': ['The']}], {'q1': 'an'}, None, 1.0,
     {'exact': 100.0, 'f1': 100.0, 'HasAns_total': 1}),
    # F1 with one empty side: 0 (v2.0's rule); partial overlap as v1.1.
    ('empty prediction for an answerable question', [{'id': 'q1', 'answers': ['Barack Obama Jr']}, {'id': 'q2', 'answers': ['x y']}],
     {'q1': 'Obama', 'q2': ''}, None, 1.0, {'exact': 0.0, 'f1': 25.0}),
]

WORDS = ['the', 'a', 'an', 'The', 'An', 'Anne', 'theatre', 'cat', 'Cat', 'dog', 'New', 'York', 'Paris', 'city', 'of',
         '1999', 'éan', 'naïve', 'Ångström', 'ΣΑΣ', '東京', 'x', "don't", 'U.S.', 'co-op', '(1)', '$5', '—', 'ça']
SEPARATORS = [' ', ' ', ' ', '  ', '\t', '\n', '\u00a0', '\u2003', '\u001c', ', ', '. ', '-', '"']


def random_text(rng, max_words):
    words = [rng.choice(WORDS) for _ in range(rng.randint(0, max_words))]
    out = ''
    for w in words:
        out += w + rng.choice(SEPARATORS)
    return out.strip(' ') if rng.random() < 0.7 else out


def random_questions(rng, allow_unanswerable):
    questions, preds = [], {}
    for q in range(rng.randint(1, 8)):
        qid = f'q{q}'
        unanswerable = allow_unanswerable and rng.random() < 0.35
        answers = [] if unanswerable else [random_text(rng, 4) or 'x' for _ in range(rng.randint(1, 3))]
        questions.append({'id': qid, 'answers': answers})
        if answers and rng.random() < 0.4:
            pred = rng.choice(answers)
            pred = pred.upper() if rng.random() < 0.3 else pred + rng.choice(['', '.', ' the', '!'])
        else:
            pred = '' if (allow_unanswerable and rng.random() < 0.4) else random_text(rng, 5)
        preds[qid] = pred
    return questions, preds


def squad_v1_cases(rng):
    cases = []
    for name, questions, preds, by_hand in SQUAD_V1_HAND:
        expected = squad_eval.evaluate_v1(questions, preds)
        check_by_hand(name, expected, by_hand)
        cases.append({'name': name, 'references': questions, 'predictions': list(preds.items()), 'expected': expected})
    for i in range(CASES):
        questions, preds = random_questions(rng, False)
        if rng.random() < 0.2:
            del preds[rng.choice(list(preds))]
        cases.append({'name': f'generated {i}', 'references': questions, 'predictions': list(preds.items()),
                      'expected': squad_eval.evaluate_v1(questions, preds)})
    return cases


def squad_v2_cases(rng):
    cases = []
    for name, questions, preds, na_probs, thresh, by_hand in SQUAD_V2_HAND:
        expected = squad_eval.evaluate_v2(questions, preds, na_probs, thresh)
        check_by_hand(name, expected, by_hand)
        cases.append({'name': name, 'references': questions, 'predictions': list(preds.items()), 'na_probs': na_probs,
                      'na_prob_thresh': thresh, 'expected': expected})
    for i in range(CASES):
        questions, preds = random_questions(rng, True)
        na_probs = None
        if rng.random() < 0.8:
            grid = rng.choice([None, 4])  # a coarse grid makes ties
            na_probs = [[q['id'], (rng.randint(0, grid) / grid if grid else rng.random())] for q in questions]
            rng.shuffle(na_probs)
        thresh = rng.choice([1.0, 1.0, 0.5, rng.random()])
        cases.append({'name': f'generated {i}', 'references': questions, 'predictions': list(preds.items()),
                      'na_probs': na_probs, 'na_prob_thresh': thresh,
                      'expected': squad_eval.evaluate_v2(questions, preds, na_probs, thresh)})
    return cases


def write(name, cases):
    path = os.path.join(OUT, name)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump([nan_to_none(c) for c in cases], f, ensure_ascii=False, indent=None, separators=(',', ':'))
        f.write('\n')
    return path


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(SEED)
    files = {
        'classification.json': classification_cases(rng),
        'multi-label.json': multi_label_cases(rng),
        'regression.json': regression_cases(rng),
        'seqeval.json': seqeval_cases(rng),
        'squad-v1.json': squad_v1_cases(rng),
        'squad-v2.json': squad_v2_cases(rng),
    }
    for name, cases in files.items():
        write(name, cases)
    manifest = {
        'command': '/usr/bin/python3 reference/make_metric_goldens.py',
        'seed': SEED,
        'python': platform.python_version(),
        'numpy': np.__version__,
        'scipy': scipy.__version__,
        'sklearn': sklearn.__version__,
        'oracles': {
            'classification.json': 'sklearn accuracy_score, f1_score(average="macro"), matthews_corrcoef, f1_score(pos_label=1)',
            'multi-label.json': 'sklearn accuracy_score, f1_score(average="micro"/"macro") on indicator arrays',
            'regression.json': 'scipy.stats.pearsonr, scipy.stats.spearmanr, sklearn mean_squared_error',
            'seqeval.json': 'reference/seqeval_rules.py (seqeval default mode / conlleval rules; seqeval is not packaged)',
            'squad-v1.json': 'reference/squad_eval.py evaluate_v1',
            'squad-v2.json': 'reference/squad_eval.py evaluate_v2',
        },
        'cases': {name: len(cases) for name, cases in files.items()},
    }
    with open(os.path.join(OUT, 'manifest.json'), 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(json.dumps(manifest['cases']))


if __name__ == '__main__':
    main()
