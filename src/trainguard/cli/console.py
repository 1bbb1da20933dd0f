"""Rich terminal output for the workflow: stages, tables and the final summary."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from trainguard.data.schema import Schema
from trainguard.data.target import Target
from trainguard.diagnose.findings import Finding, Severity
from trainguard.search.select import CandidateResult, Leaderboard
from trainguard.split.splitter import Split
from trainguard.workflow.progress import Reporter
from trainguard.workflow.run import Run

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return "nan" if value != value else f"{value:.{digits}g}"
    return str(value)


def print_finding(console: Console, finding: Finding) -> None:
    style = SEVERITY_STYLE[finding.severity]
    console.print(f"[{style}]{finding.severity}[/] {escape(finding.one_line())}", highlight=False)


def findings_table(findings: list[Finding], *, title: str = "Findings") -> Table:
    """A compact table: severity, id, message and fix (evidence is in --json and the manifest)."""
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("severity", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("finding and fix", overflow="fold")
    for finding in findings:
        style = SEVERITY_STYLE[finding.severity]
        text = escape(finding.message) + (f"\n[dim]fix: {escape(finding.fix)}[/]" if finding.fix else "")
        table.add_row(f"[{style}]{finding.severity}[/]", finding.id, text)
    return table


def print_check_report(console: Console, report: Any) -> None:
    """What ``trainguard check`` prints: the data, the split the leakage check used, the findings."""
    sizes = report.split["sizes"]
    console.print(f"{escape(report.source)}: {report.rows} rows, {report.columns} columns; target "
                  f"{escape(repr(report.target))} ({report.task}); {report.split['strategy']} split "
                  + ", ".join(f"{k} {v}" for k, v in sizes.items())
                  + f" (seed {report.split['seed']}; leakage checked on training rows only)",
                  highlight=False)
    if report.findings:
        console.print(findings_table(report.findings))
    counts = report.counts()
    console.print(", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items())
                  + ("" if report.findings else ": no problems found"), highlight=False)


class RichReporter(Reporter):
    """Shows each stage as it runs and the tables a user needs to trust the result."""

    def __init__(self, console: Console, *, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet

    @contextmanager
    def stage(self, title: str) -> Iterator[None]:
        if self.quiet:
            yield
            return
        start = time.perf_counter()
        with self.console.status(f"{title}..."):
            yield
        self.console.print(f"[green]✓[/] {title} [dim]({time.perf_counter() - start:.1f}s)[/]")

    def data(self, summary: dict[str, Any]) -> None:
        if self.quiet:
            return
        self.console.print(
            f"  {escape(summary['source'])}: {summary['rows']} rows, {summary['columns']} columns"
            + (f", {summary['rows_used']} with a target" if summary["rows_used"] != summary["rows"] else ""),
            highlight=False,
        )

    def roles(self, schema: Schema, target: Target) -> None:
        if self.quiet:
            return
        table = Table(title="Columns", title_justify="left", show_edge=False, pad_edge=False)
        for header in ("column", "role", "why", "missing"):
            table.add_column(header)
        table.add_row(escape(target.name), f"[bold]target ({target.task})[/]", escape(target.reason),
                      str(target.n_dropped) if target.n_dropped else "")
        for spec in schema.columns:
            role = str(spec.role) if spec.is_feature else f"[dim]{spec.role} (not a feature)[/]"
            table.add_row(escape(spec.name), role, escape(spec.reason),
                          str(spec.n_missing) if spec.n_missing else "")
        self.console.print(table)

    def split(self, split: Split) -> None:
        if self.quiet:
            return
        sizes = split.sizes()
        total = sum(sizes.values())
        parts = ", ".join(f"{part} {n} ({n / total:.0%})" for part, n in sizes.items())
        self.console.print(f"  {split.strategy} split: {parts}", highlight=False)

    def candidate(self, result: CandidateResult) -> None:
        if self.quiet:
            return
        if result.error:
            self.console.print(f"  [red]✗[/] {result.name}: {escape(result.error)}", highlight=False)
        else:
            self.console.print(f"  {result.name}: validation {_fmt(result.val_score)} "
                               f"[dim]({result.fit_seconds:.1f}s)[/]", highlight=False)

    def leaderboard(self, board: Leaderboard) -> None:
        if self.quiet:
            return
        best = board.best()
        table = Table(title=f"Leaderboard (validation {board.metric.name}, "
                            f"{'higher' if board.metric.greater_is_better else 'lower'} is better)",
                      title_justify="left", show_edge=False, pad_edge=False)
        for header in ("#", "model", f"val {board.metric.name}", f"train {board.metric.name}", "fit s"):
            table.add_column(header, justify="right" if header != "model" else "left")
        for rank, r in enumerate(board.results, start=1):
            name = f"[bold]{r.name}[/] ←" if r is best else r.name
            table.add_row(str(rank), name, _fmt(r.val_score), _fmt(r.train_score), f"{r.fit_seconds:.1f}")
        self.console.print(table)

    def finding(self, finding: Finding) -> None:
        if not self.quiet or finding.severity == Severity.ERROR:
            print_finding(self.console, finding)

    def done(self, run: Run) -> None:
        if self.quiet:
            return
        test = run.metrics["test"]
        model, baseline = test["model"], test["baseline"]
        ci = model["ci"]
        level = f"{ci['level']:.0%}"
        self.console.print()
        self.console.print(
            f"[bold]Test {run.metric}[/] (sealed test set, used once): "
            f"[bold]{_fmt(ci['value'])}[/] [dim]({level} CI {_fmt(ci['low'])} – {_fmt(ci['high'])})[/]"
            f"  vs baseline {_fmt(baseline['ci']['value'])}",
            highlight=False,
        )
        headline = _headline_metrics(run.task, model["metrics"], baseline["metrics"])
        if headline:
            self.console.print("  " + "   ".join(headline), highlight=False)
        self.console.print(f"Model: [bold]{run.model_name}[/], fit on {run.manifest['model']['fit_on']}",
                           highlight=False)
        self.console.print(f"Run saved to [bold]{escape(str(run.path))}[/]", highlight=False)
        self.console.print(
            f"[dim]Score new rows: trainguard predict {escape(str(run.path))} NEW.csv -o predictions.csv[/]",
            highlight=False,
        )


def _headline_metrics(task: str, model: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    keys = {
        "binary": ("accuracy", "balanced_accuracy", "f1", "roc_auc", "pr_auc"),
        "multiclass": ("accuracy", "balanced_accuracy", "f1_macro", "log_loss"),
        "regression": ("rmse", "mae", "r2"),
    }[task]
    return [f"{k} {_fmt(model.get(k))} [dim](baseline {_fmt(baseline.get(k))})[/]"
            for k in keys if k in model]
