"""How fast is `trainguard lint`? A 1,000-line notebook and a folder of several hundred files.

The inputs are synthetic but made of realistic code: the scripts and notebooks of the lint corpus
(benchmarks/lint_corpus/) and the rule fixtures (tests/lint/fixtures/), drawn at random
with a fixed seed. The notebook is code cells of those files joined until it has at least --lines
lines (with markdown cells between them); the folder holds --files files, each a random corpus file
or a random mix of two, a quarter of them as notebooks, in nested subfolders.

For each input the script times, median of --repeats runs in this process:

* ``lint``: ``trainguard.lint.lint_paths`` (read, parse, both analyses, suppressions);
* ``parse``: reading the same files and ``ast.parse`` of the same source text, the floor that any
  AST-based linter pays, so ``lint / parse`` is the cost of the analysis itself;

and once the whole ``trainguard lint`` command as a subprocess, which adds interpreter start-up and
imports. Targets from the issue: the notebook "well under a second", the folder "in seconds".

Usage: ``.venv/bin/python benchmarks/lint_speed.py [--lines 1000] [--files 300] [--repeats 5] [--json]``.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from trainguard.lint import lint_paths
from trainguard.lint.engine import iter_files
from trainguard.lint.source import read_source

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "benchmarks" / "lint_corpus", ROOT / "tests" / "lint" / "fixtures"]


def corpus_code() -> list[str]:
    """Python source of every corpus and fixture file that parses (notebooks joined as the linter joins them).

    The real-code corpus keeps one file that does not parse, as its source does not; it would make every
    generated file a syntax error.
    """
    texts = [
        read_source(p).text
        for folder in SOURCES
        for p in sorted(folder.rglob("*"))
        if p.suffix in (".py", ".ipynb")
    ]
    return [text for text in texts if _parses(text)]


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def notebook(code: list[str], lines: int, rng: random.Random) -> dict:
    cells, total = [], 0
    while total < lines:
        text = rng.choice(code).rstrip("\n")
        cells.append({"cell_type": "markdown", "metadata": {}, "source": [f"## Part {len(cells) // 2 + 1}"]})
        cells.append(
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": text.splitlines(keepends=True),
            }
        )
        total += text.count("\n") + 1
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def make_inputs(folder: Path, lines: int, files: int, seed: int) -> tuple[Path, Path]:
    rng = random.Random(seed)
    code = corpus_code()
    nb_path = folder / "big.ipynb"
    nb_path.write_text(json.dumps(notebook(code, lines, rng)))
    tree = folder / "project"
    for i in range(files):
        sub = tree / f"pkg{i % 7}" / f"mod{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        text = rng.choice(code) if rng.random() < 0.6 else rng.choice(code) + "\n" + rng.choice(code)
        if i % 4 == 0:
            (sub / f"analysis_{i}.ipynb").write_text(json.dumps(notebook([text], 1, rng)))
        else:
            (sub / f"script_{i}.py").write_text(text)
    return nb_path, tree


def median_time(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parse_only(paths: list[Path]) -> None:
    for path in paths:
        ast.parse(read_source(path).text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lines", type=int, default=1000, help="lines of code in the notebook (default 1000)"
    )
    parser.add_argument("--files", type=int, default=300, help="files in the folder (default 300)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per measurement (median)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        nb_path, tree = make_inputs(Path(tmp), args.lines, args.files, args.seed)
        for name, target in (("notebook", nb_path), ("folder", tree)):
            paths = iter_files([target])
            n_lines = sum(read_source(p).text.count("\n") for p in paths)
            lint_paths([target])  # warm-up: imports and regex compilation are not what is measured
            t_lint = median_time(lambda target=target: lint_paths([target]), args.repeats)
            t_parse = median_time(lambda paths=paths: parse_only(paths), args.repeats)
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "trainguard", "lint", str(target), "--fail-on", "never"],
                capture_output=True,
                text=True,
            )
            t_cli = time.perf_counter() - start
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return 1
            findings = len(lint_paths([target]))
            rows.append(
                {
                    "input": name,
                    "files": len(paths),
                    "lines": n_lines,
                    "findings": findings,
                    "lint_s": t_lint,
                    "parse_s": t_parse,
                    "ratio": t_lint / t_parse,
                    "lines_per_s": n_lines / t_lint,
                    "cli_s": t_cli,
                }
            )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(
        f"median of {args.repeats} runs; cli = one `trainguard lint` subprocess "
        "(start-up and imports included)"
    )
    print("")
    print("| input    | files | lines  | findings | lint s | parse s | lint/parse | lines/s | cli s |")
    print("|----------|-------|--------|----------|--------|---------|------------|---------|-------|")
    for r in rows:
        print(
            f"| {r['input']:<8} | {r['files']:5d} | {r['lines']:6d} | {r['findings']:8d} "
            f"| {r['lint_s']:6.3f} | {r['parse_s']:7.3f} | {r['ratio']:10.1f} | {r['lines_per_s']:7.0f} "
            f"| {r['cli_s']:5.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
