"""File-level precision, recall and F2 of ``trainguard lint`` on code from public repositories.

The corpus is ``benchmarks/lint_corpus/real/``: each file is the data flow of one public script,
rewritten (not copied) with its source repository and path in ``labels.csv``. The label says whether
the source leaks test information into training or model selection (and by which rule), judged by
reading the source. The ``heldout`` part was labelled, and the labels committed, before the linter
was first run on it; nothing was tuned on it. The ``dev`` part may be tuned on.

A file counts as flagged when the linter reports a leakage finding (TG1xx-TG3xx) at warning or error
severity; info findings (TG106, categories learned before the split) are a policy note and do not
count. F2 weighs recall twice as much as precision, as the issue's comparison does.

Usage: ``PYTHONPATH=src .venv/bin/python benchmarks/lint_real_corpus.py [--part PART] [--json]``
(PART: dev or heldout, heldout2 ... heldout9, as named in labels.csv).
Run it against another checkout of the source (e.g. the base commit, extracted with ``git archive``)
by pointing PYTHONPATH at that checkout's ``src``.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

from trainguard.lint import BY_CODE, lint_paths

REAL = Path(__file__).resolve().parent / "lint_corpus" / "real"
LEAKAGE = ("TG1", "TG2", "TG3")
# Parts in the order labels.csv first names them, so a new held-out part needs no edit here.
PARTS = list(dict.fromkeys(row["part"] for row in csv.DictReader((REAL / "labels.csv").open())))


def leak_codes(path: Path) -> set[str]:
    return {
        f.code
        for f in lint_paths([path])
        if f.code.startswith(LEAKAGE) and str(BY_CODE[f.code].severity) != "info"
    }


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def measure(part: str) -> dict:
    rows = [r for r in csv.DictReader((REAL / "labels.csv").open()) if r["part"] == part]
    tp = fp = fn = tn = 0
    right_rule = 0
    wrong: list[str] = []
    times = []
    for row in rows:
        path = REAL / part / row["file"]
        start = time.perf_counter()
        codes = leak_codes(path)
        times.append(time.perf_counter() - start)
        leaky, flagged = row["leak"] == "yes", bool(codes)
        tp += leaky and flagged
        fp += flagged and not leaky
        fn += leaky and not flagged
        tn += not leaky and not flagged
        # several labelled codes ("TG101,TG202"): each of them must be found
        right_rule += leaky and set(row["rule"].split(",")) <= codes
        if leaky != flagged:
            wrong.append(f"{'missed' if leaky else 'false positive'}: {row['file']} {sorted(codes) or ''}")
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    f2 = (
        5 * precision * recall / (4 * precision + recall)
        if precision is not None and recall is not None and (precision or recall)
        else None
    )
    return {
        "files": len(rows),
        "leaky": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f2": f2,
        "labelled_rule_found": right_rule,
        "median_seconds_per_file": statistics.median(times) if times else None,
        "wrong": wrong,
    }


def fmt(value: float | None) -> str:
    return " n/a" if value is None else f"{value:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=PARTS, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {part: measure(part) for part in ([args.part] if args.part else PARTS)}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print("| part | files | leaky | tp | fp | fn | precision | recall | F2 | labelled rule found | s/file |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for part, r in results.items():
        print(
            f"| {part} | {r['files']} | {r['leaky']} | {r['tp']} | {r['fp']} | {r['fn']} "
            f"| {fmt(r['precision'])} "
            f"| {fmt(r['recall'])} | {fmt(r['f2'])} | {r['labelled_rule_found']}/{r['leaky']} "
            f"| {r['median_seconds_per_file']:.4f} |"
        )
    for part, r in results.items():
        for line in r["wrong"]:
            print(f"{part}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
