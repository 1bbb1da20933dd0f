"""Compact HTML for Jupyter: a :class:`~trainguard.track.run.Run`, a finding, the full report.

``Run._repr_html_`` shows the headline (the test score with its bootstrap interval beside the
baseline's), the leaderboard and the findings; ``Finding._repr_html_`` one finding; ``Run.report()``
returns a :class:`ReportView` that embeds ``report.html`` in the notebook (an ``iframe`` with the
page inline, so it works offline and in exported notebooks) or opens it in the browser. The table
and findings markup are the report's own (:mod:`trainguard.report.html`).
"""

from __future__ import annotations

import json
import webbrowser
from html import escape
from pathlib import Path
from typing import Any

from trainguard.report.html import _e, _findings_table, _fmt, _table

DIAGNOSIS = "diagnosis.json"
LEADERBOARD_ROWS = 10
_STYLE = (
    "<style>.tg-run table{border-collapse:collapse;font-size:13px;margin:4px 0 10px}"
    ".tg-run th,.tg-run td{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left}"
    ".tg-run td.num{text-align:right;font-variant-numeric:tabular-nums}.tg-run .muted{color:#667}"
    ".tg-run .sev-error{color:#b00020;font-weight:600}.tg-run .sev-warning{color:#a15c00}"
    ".tg-run tr.selected{background:#eef6ee}</style>"
)


def _interval(ci: dict[str, Any] | None) -> str:
    if not ci or ci.get("value") is None:
        return "–"
    low, high = ci.get("low"), ci.get("high")
    level = ci.get("level")
    band = f" [{_fmt(low)}, {_fmt(high)}]" if low is not None and high is not None else ""
    return f"{_fmt(ci['value'])}{band}" + (f" ({level:.0%} CI)" if band and level else "")


def headline(run: Any) -> str:
    """The one-time test score with its interval, beside the baseline's, as one line of HTML."""
    test = run.metrics.get("test", {})
    model, baseline = test.get("model", {}).get("ci"), test.get("baseline", {}).get("ci")
    return (
        f"<p>test <b>{escape(run.metric)}</b>: <b>{escape(_interval(model))}</b> "
        f'<span class="muted">vs baseline {escape(_interval(baseline))}</span></p>'
    )


def leaderboard_table(run: Any) -> str:
    board = run.leaderboard
    scores = [c for c in board.columns if c.startswith(("cv_", "val_", "train_")) and not c.endswith("_std")]
    columns = [c for c in ("rank", "model", *scores, "n_trials", "fit_seconds") if c in board.columns]
    rows = board[columns].head(LEADERBOARD_ROWS)
    selected = board["selected"] if "selected" in board.columns else [False] * len(rows)
    classes = ["selected" if bool(s) else "" for s in list(selected)[: len(rows)]]
    numeric = [board[c].dtype.kind in "if" for c in columns]
    return _table(columns, rows.itertuples(index=False), numeric=numeric, row_class=classes)


def run_findings(run: Any) -> list[dict[str, Any]]:
    """The data findings of the manifest, then the diagnosis made after training."""
    findings = list(run.manifest.get("findings", []))
    diagnosis = Path(run.path) / DIAGNOSIS
    if diagnosis.is_file():
        findings += json.loads(diagnosis.read_text(encoding="utf-8"))
    return findings


def run_html(run: Any) -> str:
    findings = run_findings(run)
    found = _findings_table(findings) if findings else '<p class="muted">no findings</p>'
    return (
        f'{_STYLE}<div class="tg-run"><p><b>trainguard run</b> <code>{_e(str(run.path))}</code>: '
        f"{_e(run.model_name)} for <code>{_e(run.target)}</code> ({_e(run.task)})</p>"
        f"{headline(run)}<details open><summary>leaderboard</summary>{leaderboard_table(run)}</details>"
        f"<details{' open' if findings else ''}><summary>findings ({len(findings)})</summary>"
        f"{found}</details>"
        "</div>"
    )


def finding_html(finding: Any) -> str:
    return f'{_STYLE}<div class="tg-run">{_findings_table([finding.to_dict()])}</div>'


class ReportView:
    """A run's ``report.html``: displayed inline by Jupyter, or opened with :meth:`open`."""

    def __init__(self, path: Path, height: int = 700) -> None:
        self.path, self.height = path, height

    def __repr__(self) -> str:
        return f"<ReportView {self.path}>"

    def open(self) -> None:
        webbrowser.open(self.path.resolve().as_uri())

    def _repr_html_(self) -> str:
        page = self.path.read_text(encoding="utf-8")
        return (
            f'<iframe srcdoc="{escape(page, quote=True)}" style="width:100%;height:{self.height}px;'
            f'border:1px solid #ddd" sandbox title="{escape(self.path.name)}"></iframe>'
        )


def report_view(run: Any, *, open_browser: bool = False) -> ReportView:
    """The run's report, rebuilt from the folder when it is missing."""
    from trainguard.report import REPORT, write_report

    path = Path(run.path) / REPORT
    if not path.is_file():
        path = write_report(run.path)
    view = ReportView(path)
    if open_browser:
        view.open()
    return view
