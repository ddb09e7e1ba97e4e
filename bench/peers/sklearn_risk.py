#!/usr/bin/env python3
"""scikit-learn's LogisticRegression on the breach-risk examples Clearway's benchmark wrote,
with the same features: type, queue, tier and site one-hot (unknown values ignored), and the
four numeric features already scaled by Clearway (elapsed share, log queue load, log money,
month-end).

Usage: sklearn_risk.py TRAIN.csv TEST.csv [--c 1] [--repeat N]
       sklearn_risk.py --hazard SLICES.csv QUERIES.csv [SLICES2.csv QUERIES2.csv ...] [--c 1] [--repeat N]

Prints one JSON object: best-of-N training seconds, AUC, Brier score and expected
calibration error (ten equal bins) on the test file.

With --hazard, the same discrete-time hazard model Clearway fits: a LogisticRegression on
the slices of each exception's time to due that the record saw through (type, queue, tier,
site, the slice, the slice for the type and where the slice falls in the week one-hot; queue load, money, month-end as given), labelled with whether
the exception closed in the slice. Each query row is one slice still ahead of a test
snapshot with the share of it still to come; a snapshot's breach probability is the
product of (1 - hazard) ** share over its rows. Several pairs (one per moment the history
is cut at) are fitted one after another and their predictions pooled; the training time
is the sum over pairs.
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


HAZARD_CATEGORIES = CATEGORIES + ["interval", "typeInterval", "when"]
HAZARD_NUMBERS = ["queueLoad", "moneyAtRisk", "monthEnd"]


def read_hazard(path, label):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["typeInterval"] = r["type"] + "@" + r["interval"]
    x = np.array([[r[c] for c in HAZARD_CATEGORIES] + [float(r[n]) for n in HAZARD_NUMBERS] for r in rows], dtype=object)
    return rows, x, np.array([int(r[label]) for r in rows])


def hazard_pair(slices, queries, c, repeat):
    _, x_train, y_train = read_hazard(slices, "closed")
    rows, x_query, _ = read_hazard(queries, "breached")
    k = len(HAZARD_CATEGORIES)
    columns = ColumnTransformer([("categories", OneHotEncoder(handle_unknown="ignore"), list(range(k))),
                                 ("numbers", "passthrough", list(range(k, k + len(HAZARD_NUMBERS))))])
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        model = make_pipeline(columns, LogisticRegression(C=c, max_iter=300, tol=1e-4)).fit(x_train, y_train)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    h = model.predict_proba(x_query)[:, 1]
    survive, outcome = {}, {}
    for r, hazard in zip(rows, h):
        survive[r["id"]] = survive.get(r["id"], 1.0) * (1.0 - hazard) ** float(r["share"])
        outcome[r["id"]] = int(r["breached"])
    ids = sorted(survive)
    return best, [survive[i] for i in ids], [outcome[i] for i in ids]


def hazard_main(files, c, repeat):
    seconds, p, y = 0.0, [], []
    for slices, queries in zip(files[0::2], files[1::2]):
        s, pp, yy = hazard_pair(slices, queries, c, repeat)
        seconds += s
        p += pp
        y += yy
    p, y = np.array(p), np.array(y)
    print(json.dumps({"trainSeconds": seconds, "n": int(len(y)), "auc": float(roc_auc_score(y, p)),
                      "brier": float(brier_score_loss(y, p)), "ece": float(ece(p, y))}))


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
    a.add_argument("files", nargs="+")
    a.add_argument("--hazard", action="store_true")
    a.add_argument("--c", type=float, default=1.0)
    a.add_argument("--repeat", type=int, default=3)
    args = a.parse_args()
    if args.hazard:
        if len(args.files) % 2:
            a.error("--hazard takes pairs of SLICES.csv QUERIES.csv")
        return hazard_main(args.files, args.c, args.repeat)
    if len(args.files) != 2:
        a.error("give TRAIN.csv TEST.csv")
    args.train, args.test = args.files
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
