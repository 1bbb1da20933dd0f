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
from trainguard.findings import Finding, Severity
from trainguard.selection.select import CandidateResult, Leaderboard
from trainguard.split.splitter import Split
from trainguard.track.run import Run
from trainguard.workflow.progress import Reporter

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
        self._status: Any = None

    @contextmanager
    def stage(self, title: str) -> Iterator[None]:
        if self.quiet:
            yield
            return
        start = time.perf_counter()
        with self.console.status(f"{title}...") as status:
            self._status = status
            try:
                yield
            finally:
                self._status = None
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

    def started(self, path: Any, *, resumable: bool) -> None:
        if self.quiet:
            return
        hint = (f" [dim](if interrupted: trainguard train --resume {escape(str(path))})[/]"
                if resumable else "")
        self.console.print(f"  run {escape(str(path))}{hint}", highlight=False)

    def trial(self, candidate: str, done: int, total: int | None, best: float,
              seconds_left: float | None) -> None:
        if self.quiet or self._status is None:
            return
        of = f"/{total}" if total is not None else ""
        left = f", {seconds_left:.0f}s of budget left" if seconds_left is not None else ""
        self._status.update(f"Searching {candidate}: trial {done}{of}, best {_fmt(best)}{left}...")

    def candidate(self, result: CandidateResult) -> None:
        if self.quiet:
            return
        if result.skipped:
            self.console.print(f"  [yellow]–[/] {result.name}: {escape(result.error or '')}", highlight=False)
        elif result.error:
            self.console.print(f"  [red]✗[/] {result.name}: {escape(result.error)}", highlight=False)
        else:
            cv = (f"cv {_fmt(result.cv_mean)} ± {_fmt(result.cv_std, 2)}, "
                  if result.cv_mean == result.cv_mean else "")
            trials = f", {result.n_trials} trials" if result.n_trials > 1 else ""
            self.console.print(f"  {result.name}: {cv}validation {_fmt(result.val_score)} "
                               f"[dim]({result.fit_seconds + result.search_seconds:.1f}s{trials})[/]",
                               highlight=False)

    def leaderboard(self, board: Leaderboard) -> None:
        if self.quiet:
            return
        best = board.best()
        cv = board.ranked_by == "cv"
        by = "cross-validated" if cv else "validation"
        table = Table(title=f"Leaderboard ({by} {board.metric.name}, "
                            f"{'higher' if board.metric.greater_is_better else 'lower'} is better)",
                      title_justify="left", show_edge=False, pad_edge=False)
        headers = ["#", "model"] + ([f"cv {board.metric.name}"] if cv else []) + [
            f"val {board.metric.name}", f"train {board.metric.name}", "trials", "fit s"]
        for header in headers:
            table.add_column(header, justify="right" if header != "model" else "left")
        for rank, r in enumerate(board.results, start=1):
            name = f"[bold]{r.name}[/] ←" if r is best else r.name
            cells = [str(rank), name]
            if cv:
                cells.append(f"{_fmt(r.cv_mean)} ± {_fmt(r.cv_std, 2)}")
            cells += [_fmt(r.val_score), _fmt(r.train_score), str(r.n_trials),
                      f"{r.fit_seconds + r.search_seconds:.1f}"]
            table.add_row(*cells)
        self.console.print(table)

    def finding(self, finding: Finding) -> None:
        if not self.quiet or finding.severity == Severity.ERROR:
            print_finding(self.console, finding)

    def warning(self, message: str) -> None:
        # stderr, even with --quiet/--json: stdout may be a JSON document a script parses.
        Console(stderr=True, highlight=False, soft_wrap=True).print(f"[yellow]warning:[/] {escape(message)}")

    def tracked(self, uri: str, experiment: str, run_id: str) -> None:
        if not self.quiet:
            self.console.print(f"[dim]Logged to MLflow at {escape(uri)} (experiment {escape(experiment)!r}, "
                               f"run {run_id})[/]", highlight=False)

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
