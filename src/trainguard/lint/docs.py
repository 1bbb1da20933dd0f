"""Markdown pages for the rules, rendered from the registry :data:`RULES` (``scripts/gen_lint_docs.py``)."""

from __future__ import annotations

from trainguard.lint.rule import EXAMPLE_SETUP
from trainguard.lint.rules import RULES, Rule


def explain(rule: Rule) -> str:
    """Plain text for ``trainguard lint --explain CODE``."""
    parts = [
        f"{rule.code} {rule.name} ({rule.severity})",
        "",
        rule.message,
        "",
        "Why: " + rule.why,
        "",
        "Fix: " + rule.fix,
        "",
        "Flagged:",
        _indent(rule.example),
        "",
        "Clean:",
        _indent(rule.clean_example),
    ]
    if rule.pitfall:
        parts += ["", f"Pitfall catalogue entry {rule.pitfall}."]
    return "\n".join(parts)


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.rstrip("\n").splitlines())


def page(rule: Rule) -> str:
    pitfall = f" Pitfall catalogue entry {rule.pitfall}." if rule.pitfall else ""
    return (
        f"# {rule.code} `{rule.name}`\n\n"
        f"Severity: **{rule.severity}**.{pitfall}\n\n"
        f"{rule.message}\n\n## Why\n\n{rule.why}\n\n## Fix\n\n{rule.fix}\n\n"
        f"## Flagged\n\n```python\n{rule.example.rstrip()}\n```\n\n"
        f"## Clean\n\n```python\n{rule.clean_example.rstrip()}\n```\n\n"
        f"Silence one line with `# trainguard: ignore[{rule.code}]`; skip the rule with "
        f"`trainguard lint --ignore {rule.code}`. The rule and its check: "
        f"[`{rule.module}.py`](../../src/trainguard/lint/rules/{rule.module}.py).\n"
    )


def index() -> str:
    rows = "\n".join(f"| [{r.code}]({r.code}.md) | `{r.name}` | {r.severity} | {r.message} |" for r in RULES)
    return (
        "# `trainguard lint` rules\n\n"
        "Generated from the rule modules in `src/trainguard/lint/rules/` by `scripts/gen_lint_docs.py`; "
        "do not edit by hand. Every example is checked by the test suite as written after this setup:\n\n"
        f"```python\n{EXAMPLE_SETUP}```\n\n"
        "| code | name | severity | message |\n| --- | --- | --- | --- |\n" + rows + "\n"
    )


def pages() -> dict[str, str]:
    """File name -> content for the whole ``docs/lint`` folder."""
    out = {f"{rule.code}.md": page(rule) for rule in RULES}
    out["README.md"] = index()
    return out
