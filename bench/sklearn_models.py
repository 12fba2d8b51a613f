"""scikit-learn's peers of our two models, fitted on the matrices bench/models.ts wrote.

    /usr/bin/python3 bench/sklearn_models.py TRAIN.csv VALIDATION.csv

Each CSV: a header, the encoded feature columns, then `label` (0/1). Prints JSON
{"lr": {...}, "rf": {...}} with fit_seconds (fit only: the fastest of repeated fits, see
measure; single-threaded default n_jobs), validation ROC AUC and Brier score.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score


def read(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return data[:, :-1], data[:, -1].astype(int)


def measure(make_model, train, validation):
    """Fastest of repeated fits (until they add up to a second, at most 5), as
    bench/models.ts times ours; first one untimed fit on 500 rows (lazy imports and
    caches), where ours has its untimed cold fit."""
    features, labels = train
    make_model().fit(features[:500], labels[:500])
    timings = []
    while len(timings) < 5 and sum(timings) < 1.0:
        model = make_model()
        started = time.perf_counter()
        model.fit(features, labels)
        timings.append(time.perf_counter() - started)
    probabilities = model.predict_proba(validation[0])[:, 1]
    return {
        "fit_seconds": min(timings),
        "fits": len(timings),
        "auc": roc_auc_score(validation[1], probabilities),
        "brier": brier_score_loss(validation[1], probabilities),
    }


def main():
    train, validation = read(sys.argv[1]), read(sys.argv[2])
    results = {
        "lr": measure(LogisticRegression, train, validation),
        "rf": measure(lambda: RandomForestClassifier(n_estimators=100, min_samples_leaf=5, random_state=0), train, validation),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
