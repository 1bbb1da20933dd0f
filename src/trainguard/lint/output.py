"""Findings as text (ruff style), JSON, or SARIF 2.1.0 for code-scanning tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trainguard.findings import Severity
from trainguard.lint.engine import LintFinding
from trainguard.lint.rules import RULES
from trainguard.version import __version__

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
DOCS_URI = "https://github.com/trainguard/trainguard/blob/main/docs/lint/{code}.md"


def to_text(findings: Sequence[LintFinding], files: int) -> str:
    lines = [f"{f.location()}: {f.code} {f.message}" for f in findings]
    errors = sum(f.code == "TG000" for f in findings)
    noun = "finding" if len(findings) == 1 else "findings"
    summary = (
        f"Found {len(findings)} {noun} in {files} file{'s' if files != 1 else ''}."
        if findings
        else f"All checks passed ({files} file{'s' if files != 1 else ''})."
    )
    if errors:
        summary += f" {errors} file(s) could not be parsed (TG000)."
    if findings:
        summary += " Run `trainguard lint --explain CODE` for why and how to fix."
    return "\n".join([*lines, summary])


def to_json(findings: Sequence[LintFinding]) -> str:
    return json.dumps([f.to_dict() for f in findings], indent=2)


def to_sarif(findings: Sequence[LintFinding]) -> str:
    index = {rule.code: i for i, rule in enumerate(RULES)}
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.message},
            "fullDescription": {"text": rule.why},
            "help": {
                "text": f"{rule.why}\n\nFix: {rule.fix}",
                "markdown": f"{rule.why}\n\n**Fix:** {rule.fix}",
            },
            "helpUri": DOCS_URI.format(code=rule.code),
            "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
            "properties": {
                "tags": ["ml", "leakage" if rule.code.startswith(("TG1", "TG2", "TG3")) else "training"]
            },
        }
        for rule in RULES
    ]
    results: list[dict[str, Any]] = []
    for f in findings:
        uri = Path(f.path).as_posix()
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        if f.cell is not None:
            result["properties"] = {"cell": f.cell}
        if f.related:
            result["relatedLocations"] = [
                {
                    "id": i,
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {"startLine": rel["line"]},
                    },
                    "message": {"text": rel["what"] + (f" (cell {rel['cell']})" if "cell" in rel else "")},
                }
                for i, rel in enumerate(f.related)
            ]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "trainguard-lint",
                        "version": __version__,
                        "informationUri": "https://github.com/trainguard/trainguard",
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2)
