"""Regenerate docs/lint/ from the rule registry (src/trainguard/lint/rules/, one module per rule).

Run after changing a rule: ``.venv/bin/python scripts/gen_lint_docs.py``. A test fails when the
committed pages differ from what this writes (``trainguard lint --docs DIR`` writes the same pages).
"""

from __future__ import annotations

from pathlib import Path

from trainguard.atomic import write_text_atomically
from trainguard.lint.docs import pages

DOCS = Path(__file__).resolve().parents[1] / "docs" / "lint"

if __name__ == "__main__":
    wanted = pages()
    for stale in DOCS.glob("*.md") if DOCS.exists() else []:
        if stale.name not in wanted:
            stale.unlink()
    for name, content in wanted.items():
        write_text_atomically(DOCS / name, content)
    print(f"wrote {len(wanted)} pages to {DOCS}")
