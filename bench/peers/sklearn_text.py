#!/usr/bin/env python3
"""scikit-learn's TF-IDF + LogisticRegression on the split Clearway's benchmark wrote, with
the same features and settings as Clearway's classifier, for a side-by-side row.

Usage: sklearn_text.py TRAIN.csv TEST.csv [--repeat N] [--c 10] [--min-df 2] [--extra NAME=FILE ...]

Both files have the columns text,label. Features: word 1-2-grams and character 2-4-grams
within word boundaries (char_wb), each TF-IDF with sublinear tf and L2-normalised, joined
by a FeatureUnion; LogisticRegression(C, solver="lbfgs", tol=1e-4), multinomial. Prints
one JSON object: best-of-N seconds to train (vectorise + fit) and to classify the test set,
accuracy and macro-F1; with --extra, the same model's accuracy and macro-F1 on each further
labelled file (text written in another style) under "extra".
"""
import argparse
import csv
import json
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from sklearn.pipeline import FeatureUnion, make_pipeline  # noqa: E402


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def model(c, min_df):
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=min_df)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=min_df)),
    ])
    return make_pipeline(features, LogisticRegression(C=c, max_iter=200, tol=1e-4))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("train")
    p.add_argument("test")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--c", type=float, default=10.0)
    p.add_argument("--min-df", type=int, default=2)
    p.add_argument("--extra", action="append", default=[])
    a = p.parse_args()
    x_train, y_train = read(a.train)
    x_test, y_test = read(a.test)
    train_best = classify_best = None
    for _ in range(a.repeat):
        start = time.perf_counter()
        fitted = model(a.c, a.min_df).fit(x_train, y_train)
        elapsed = time.perf_counter() - start
        train_best = elapsed if train_best is None else min(train_best, elapsed)
        start = time.perf_counter()
        predicted = fitted.predict(x_test)
        elapsed = time.perf_counter() - start
        classify_best = elapsed if classify_best is None else min(classify_best, elapsed)
    clf = fitted.steps[-1][1]
    extra = {}
    for item in a.extra:
        name, path = item.split("=", 1)
        x, y = read(path)
        got = fitted.predict(x)
        extra[name] = {"n": len(y), "accuracy": accuracy_score(y, got), "macroF1": f1_score(y, got, average="macro")}
    print(json.dumps({
        "extra": extra,
        "trainSeconds": train_best, "classifySeconds": classify_best, "n": len(y_test),
        "accuracy": accuracy_score(y_test, predicted), "macroF1": f1_score(y_test, predicted, average="macro"),
        "features": int(clf.coef_.shape[1]), "iterations": int(clf.n_iter_[0]),
    }))


if __name__ == "__main__":
    main()
