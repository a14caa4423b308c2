"""Linear probes on frozen features (probe_features.mjs): how much a pre-trained encoder's vectors say about the
showcase's tasks, against the same architecture at random initialisation. Logistic regression (scikit-learn, L2,
C = 1) on standardised features: spam from the [CLS] vector and from the mean token vector, part of speech from a
word's first sub-token vector (accuracy overall and on test words never seen in training).

  /usr/bin/python3 reference/linear_probe.py PRETRAINED_FEATURES RANDOM_FEATURES
"""
import json
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore", category=ConvergenceWarning)


def probe(train_x, train_y, test_x, test_y, max_iter):
    scaler = StandardScaler().fit(train_x)
    classifier = LogisticRegression(max_iter=max_iter, C=1.0).fit(scaler.transform(train_x), train_y)
    return classifier.predict(scaler.transform(test_x)) == np.array(test_y)


for folder in sys.argv[1:]:
    spam = {s: json.load(open(f"{folder}/spam-{s}.json")) for s in ("train", "test")}
    for pooling in ("cls", "mean"):
        x = {s: np.array(spam[s][pooling]).reshape(len(spam[s]["labels"]), -1) for s in spam}
        right = probe(x["train"], spam["train"]["labels"], x["test"], spam["test"]["labels"], 3000)
        print(f"{folder}  spam from {pooling:4s}: {100 * right.mean():.1f} %")
    pos = {s: json.load(open(f"{folder}/pos-{s}.json")) for s in ("train", "test")}
    x = {s: np.array(pos[s]["features"]).reshape(len(pos[s]["tags"]), -1) for s in pos}
    right = probe(x["train"], pos["train"]["tags"], x["test"], pos["test"]["tags"], 500)
    seen = set(pos["train"]["words"])
    unseen = np.array([w not in seen for w in pos["test"]["words"]])
    print(f"{folder}  part of speech: {100 * right.mean():.1f} % ({len(right)} words), unseen words {100 * right[unseen].mean():.1f} % ({unseen.sum()})")
