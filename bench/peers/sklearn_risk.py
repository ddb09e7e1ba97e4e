#!/usr/bin/env python3
"""scikit-learn's LogisticRegression on the breach-risk examples Clearway's benchmark wrote,
with the same features: type, queue, tier and site one-hot (unknown values ignored), and the
four numeric features already scaled by Clearway (elapsed share, log queue load, log money,
month-end).

Usage: sklearn_risk.py TRAIN.csv TEST.csv [--c 1] [--repeat N]

Prints one JSON object: best-of-N training seconds, AUC, Brier score and expected
calibration error (ten equal bins) on the test file.
"""
import argparse
import csv
import json
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import brier_score_loss, roc_auc_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder  # noqa: E402

CATEGORIES = ["type", "queue", "tier", "site"]
NUMBERS = ["elapsed", "queueLoad", "moneyAtRisk", "monthEnd"]


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([[r[c] for c in CATEGORIES] + [float(r[n]) for n in NUMBERS] for r in rows], dtype=object)
    y = np.array([int(r["breached"]) for r in rows])
    return x, y


def ece(p, y, bins=10):
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        mask = (p >= lo) & ((p < hi) | ((b == bins - 1) & (p <= hi)))
        if mask.any():
            total += mask.sum() * abs(p[mask].mean() - y[mask].mean())
    return total / len(p)


def main():
    a = argparse.ArgumentParser()
    a.add_argument("train")
    a.add_argument("test")
    a.add_argument("--c", type=float, default=1.0)
    a.add_argument("--repeat", type=int, default=3)
    args = a.parse_args()
    x_train, y_train = read(args.train)
    x_test, y_test = read(args.test)
    columns = ColumnTransformer([("categories", OneHotEncoder(handle_unknown="ignore"), list(range(len(CATEGORIES)))),
                                 ("numbers", "passthrough", list(range(len(CATEGORIES), len(CATEGORIES) + len(NUMBERS))))])
    best = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        model = make_pipeline(columns, LogisticRegression(C=args.c, max_iter=300, tol=1e-4)).fit(x_train, y_train)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    p = model.predict_proba(x_test)[:, 1]
    print(json.dumps({"trainSeconds": best, "n": int(len(y_test)), "auc": float(roc_auc_score(y_test, p)),
                      "brier": float(brier_score_loss(y_test, p)), "ece": float(ece(p, y_test))}))


if __name__ == "__main__":
    main()
