"""``report.html``: one self-contained page a person can open, read and send on.

Everything is inline (CSS, PNG plots as data URIs), so the file opens offline, from an e-mail or
an artifact store, with no CDN, font or script to fetch. The page is assembled from small
functions with :func:`html.escape` on every value from the data or the user, rather than with a
template engine: the structure is a handful of tables and images, and trainguard declares no
templating dependency. Section ids are stable (``#summary``, ``#data``, ``#findings``, ``#split``,
``#leaderboard``, ``#model``, ``#test-metrics``, ``#plots``, ``#importance``, ``#training``,
``#diagnosis``) so links and tests can rely on them.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from trainguard.atomic import atomic_path, write_text_atomically
from trainguard.evaluate.scoring import scalar_metrics
from trainguard.report import plots
from trainguard.report.inputs import ReportInputs
from trainguard.track.run_folder import REPORT
from trainguard.version import __version__

PLOTS = "plots"
#: While :func:`write_report` runs: the PNGs drawn, by caption, to save beside the page.
_drawn: ContextVar[dict[str, bytes] | None] = ContextVar("_drawn", default=None)

SECTIONS = (
    ("summary", "Summary"), ("data", "Data"), ("findings", "Data checks"), ("split", "Split"),
    ("leaderboard", "Leaderboard"), ("model", "Chosen model"), ("test-metrics", "Test metrics"),
    ("plots", "Test-set plots"), ("importance", "Feature importance"), ("training", "Training curves"),
    ("diagnosis", "Diagnosis"),
)

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;
color:#1d2329;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:18px 32px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.85}nav{padding:8px 32px;background:#e8edf3;position:sticky;top:0}
nav a{margin-right:14px;color:#1f3a5f;text-decoration:none;font-size:14px}
main{max-width:1150px;margin:0 auto;padding:8px 32px 40px}
section{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:6px 20px 16px;margin:18px 0}
h2{font-size:18px;border-bottom:1px solid #e3e7ec;padding-bottom:6px}
table{border-collapse:collapse;margin:8px 0;font-size:13.5px}
th,td{border-bottom:1px solid #e6e9ee;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f0f3f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.selected td{background:#eef7ee;font-weight:600}
.sev-error{color:#b00020;font-weight:600}.sev-warning{color:#a86400;font-weight:600}
.sev-info{color:#2a6f97}.muted{color:#667}.big{font-size:24px;font-weight:600}
.cards{display:flex;flex-wrap:wrap;gap:14px}.card{border:1px solid #dde2e8;border-radius:6px;
padding:10px 14px;min-width:160px}.card .label{color:#667;font-size:12.5px}
figure{display:inline-block;margin:8px 12px 8px 0;vertical-align:top}
figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:12.5px;color:#556}
code{background:#f0f3f7;padding:1px 4px;border-radius:3px}
"""


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.{digits}g}"
    return str(value)


def _e(value: Any) -> str:
    return escape(_fmt(value))


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], *, numeric: Sequence[bool] | None = None,
           row_class: Sequence[str] | None = None) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_class[i]}"' if row_class and row_class[i] else ""
        cells = "".join(
            f'<td class="num">{_e(v)}</td>' if numeric and numeric[j] else f"<td>{_e(v)}</td>"
            for j, v in enumerate(row)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _section(section_id: str, body: str) -> str:
    title = dict(SECTIONS)[section_id]
    return f'<section id="{section_id}"><h2>{escape(title)}</h2>{body}</section>'


def _missing(what: str) -> str:
    return f'<p class="muted">{escape(what)}</p>'


def _figure(figure: Any, caption: str) -> str:
    if figure is None:
        return ""
    png = plots.to_png(figure)
    drawn = _drawn.get()
    if drawn is not None:
        drawn[caption] = png
    return (f'<figure><img alt="{escape(caption)}" src="{plots.data_uri(png)}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


def _findings_table(findings: Sequence[dict[str, Any]]) -> str:
    rows = []
    for f in findings:
        sev = str(f.get("severity", ""))
        fix = f.get("fix")
        text = escape(str(f.get("message", ""))) + (
            f'<br><span class="muted">fix: {escape(str(fix))}</span>' if fix else "")
        finding_id = escape(str(f.get("id", "")))
        rows.append(f'<tr><td class="sev-{escape(sev)}">{escape(sev)}</td><td><code>{finding_id}'
                    f"</code></td><td>{text}</td></tr>")
    return ("<table><thead><tr><th>severity</th><th>id</th><th>finding and fix</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


# ------------------------------------------------------------------------------------- sections
def _summary(run: ReportInputs) -> str:
    m = run.manifest
    target, metric = m.get("target", {}), m.get("metric", {}).get("name", "")
    test = run.metrics.get("test", {})
    ci, base_ci = test.get("model", {}).get("ci", {}), test.get("baseline", {}).get("ci", {})
    cards = [
        ("target", f"{target.get('name', '')} ({target.get('task', '')})"),
        ("chosen model", m.get("model", {}).get("name", "")),
        (f"test {metric}", _fmt(ci.get("value"))),
        ("confidence interval", f"{_fmt(ci.get('low'))} – {_fmt(ci.get('high'))}"
         f" ({_fmt(ci.get('level'))} level)" if ci.get("low") is not None else "not computed"),
        (f"baseline {metric}", _fmt(base_ci.get("value"))),
    ]
    html = '<div class="cards">' + "".join(
        f'<div class="card"><div class="label">{escape(k)}</div><div class="big">{escape(str(v))}</div></div>'
        for k, v in cards) + "</div>"
    html += (f'<p class="muted">The test score comes from the sealed test set, opened once after the model '
             f"was chosen on validation rows. Run <code>{escape(str(m.get('name', '')))}</code>, created "
             f"{escape(str(m.get('created', '')))}; data fingerprint "
             f"<code>{escape(str(m.get('data', {}).get('fingerprint', '')))}</code>.</p>")
    return _section("summary", html)


def _data(run: ReportInputs) -> str:
    data = run.manifest.get("data", {})
    html = _table(["source", "rows read", "rows used", "rows without target (dropped)", "columns"],
                  [[data.get("source"), data.get("rows_read"), data.get("rows_used"),
                    data.get("rows_dropped_missing_target"), data.get("columns")]])
    schema = run.manifest.get("schema") or []
    columns = schema.get("columns", []) if isinstance(schema, dict) else schema
    if columns:
        keys = [k for k in ("name", "role", "reason", "n_missing") if any(k in c for c in columns)]
        html += _table(keys, [[c.get(k) for k in keys] for c in columns])
    return _section("data", html)


def _diagnosis_ids(run: ReportInputs) -> set[str]:
    return {f.get("id") for f in run.diagnosis or []}


def _findings(run: ReportInputs) -> str:
    after = _diagnosis_ids(run)
    findings = [f for f in run.manifest.get("findings", []) if f.get("id") not in after]
    body = _findings_table(findings) if findings else _missing("The data checks found no problems.")
    return _section("findings", body)


def _split(run: ReportInputs) -> str:
    split = run.manifest.get("split", {})
    sizes = split.get("sizes", {})
    total = sum(v for v in sizes.values() if isinstance(v, (int, float))) or 1
    html = f"<p>{escape(str(split.get('strategy', '')))} split, seed {_e(split.get('seed'))}"
    for key in ("group", "time"):
        if split.get(key):
            html += f", by {key} column <code>{escape(str(split[key]))}</code>"
    html += "</p>" + _table(["part", "rows", "share"], [[k, v, f"{v / total:.0%}"] for k, v in sizes.items()],
                            numeric=[False, True, True])
    return _section("split", html)


def _leaderboard(run: ReportInputs) -> str:
    board = run.leaderboard
    if board is None or board.empty:
        return _section("leaderboard", _missing("No leaderboard was saved with this run."))
    # Columns are rendered as they come: the leaderboard grows new ones (cross-validation,
    # trials, ...) and the report should show them without being taught each.
    shown = [c for c in board.columns if c != "selected" and not board[c].isna().all()
             and not (board[c].astype(str) == "").all()]
    numeric = [pd.api.types.is_numeric_dtype(board[c]) and not pd.api.types.is_bool_dtype(board[c])
               for c in shown]
    selected = board["selected"].astype(str).str.lower().eq("true") if "selected" in board else None
    classes = ["selected" if selected is not None and selected.iloc[i] else "" for i in range(len(board))]
    rows = [[None if isinstance(v, float) and math.isnan(v) else v for v in row]
            for row in board[shown].itertuples(index=False)]
    metric = run.manifest.get("metric", {})
    name = str(metric.get("name", ""))
    # With cross-validation the families are ranked by their CV mean, else by the validation score.
    basis = "cross-validated" if f"cv_{name}_mean" in board.columns else "validation"
    note = (f"<p>Ranked by {basis} {escape(name)} "
            f"({'higher' if metric.get('greater_is_better', True) else 'lower'} is better); the chosen "
            "model is highlighted.</p>")
    return _section("leaderboard", note + _table(shown, rows, numeric=numeric, row_class=classes))


def _model(run: ReportInputs) -> str:
    model = run.manifest.get("model", {})
    html = (f"<p><b>{escape(str(model.get('name', '')))}</b>, fit on {escape(str(model.get('fit_on', '')))}; "
            f"saved as <code>{escape(str(model.get('file', '')))}</code> "
            f"({escape(str(model.get('format', '')))}).</p>")
    params = model.get("params") or {}
    if params:
        html += _table(["parameter", "value"],
                       [[k, v if isinstance(v, (int, float, str, bool)) or v is None else json.dumps(v)]
                        for k, v in sorted(params.items())])
    return _section("model", html)


def _test_metrics(run: ReportInputs) -> str:
    test = run.metrics.get("test", {})
    if not test:
        return _section("test-metrics", _missing("This run has no test metrics (the test share was 0)."))
    names = list(test)
    scalars = {name: scalar_metrics(test[name].get("metrics", {})) for name in names}
    keys = list(dict.fromkeys(k for name in names for k in scalars[name]))
    html = _table(["metric", *names], [[k, *(scalars[n].get(k) for n in names)] for k in keys],
                  numeric=[False, *[True] * len(names)])
    rows = []
    for name in names:
        ci = test[name].get("ci") or {}
        if ci.get("value") is not None:
            rows.append([name, ci.get("metric"), ci.get("value"), ci.get("low"), ci.get("high"),
                         ci.get("level"), ci.get("n_resamples")])
    if rows:
        html += "<p>Bootstrap confidence interval of the main metric (test rows resampled):</p>"
        html += _table(["model", "metric", "value", "low", "high", "level", "resamples"], rows,
                       numeric=[False, False, True, True, True, True, True])
    return _section("test-metrics", html)


def _plots(run: ReportInputs) -> str:
    predictions = run.predictions
    if predictions is None or predictions.empty:
        return _section("plots", _missing("No test-set predictions were saved with this run."))
    parts = []
    if run.task == "regression":
        captions = ("predicted against actual", "residuals against predictions", "residual histogram")
        parts += [_figure(f, c) for f, c in zip(plots.regression(predictions), captions, strict=True)]
    else:
        model_metrics = run.metrics.get("test", {}).get("model", {}).get("metrics", {})
        classes = run.manifest.get("target", {}).get("classes") or model_metrics.get("classes")
        positive = model_metrics.get("positive_class")
        positive = None if positive is None else str(positive)
        parts.append(_figure(plots.confusion_matrix(predictions, classes), "confusion matrix"))
        parts.append(_figure(plots.roc_curve(predictions, positive), "ROC curve"))
        parts.append(_figure(plots.precision_recall(predictions, positive), "precision-recall curve"))
        parts.append(_figure(plots.calibration(predictions, positive), "calibration curve"))
        if not any("proba_" in c for c in predictions.columns):
            parts.append(_missing("The model gives no probabilities: no ROC, precision-recall or "
                                  "calibration curve."))
    return _section("plots", "".join(parts))


def _importance(run: ReportInputs) -> str:
    frame = run.importance
    if frame is None or frame.empty:
        return _section("importance", _missing("No permutation importance was saved with this run."))
    metric = str(run.manifest.get("metric", {}).get("name", "score"))
    html = ("<p>How much the test score drops when one input column is shuffled (mean ± standard "
            "deviation over repeats), for the final model. Near zero: the model does not rely on the "
            "column; negative: noise.</p>")
    html += _figure(plots.importance(frame, metric), "permutation importance")
    html += _table(["feature", "importance (mean)", "± std"],
                   frame[["feature", "importance_mean", "importance_std"]].itertuples(index=False),
                   numeric=[False, True, True])
    return _section("importance", html)


def _by_model(frame: pd.DataFrame) -> Iterable[tuple[Any, pd.DataFrame]]:
    return frame.groupby("model", sort=False) if "model" in frame else [("", frame)]


def _training(run: ReportInputs) -> str:
    parts = []
    if run.history is not None and not run.history.empty:
        for name, frame in _by_model(run.history):
            parts.append(f"<h3>{escape(str(name))}: loss and metrics per epoch</h3>")
            parts.append(_figure(plots.history(frame), f"{name} learning curves (training rows vs "
                                                       "validation rows, before the refit)"))
    if run.lr_finder is not None and not run.lr_finder.empty:
        for name, frame in _by_model(run.lr_finder):
            parts.append(_figure(plots.lr_finder(frame), f"{name} learning-rate finder"))
    if not parts:
        parts.append(_missing("No model in this run trains in epochs (only networks have learning curves)."))
    return _section("training", "".join(parts))


def _diagnosis(run: ReportInputs) -> str:
    parts = []
    metric = run.manifest.get("metric", {})
    test = run.metrics.get("test", {})
    ci = test.get("model", {}).get("ci") or {}
    base = (test.get("baseline", {}).get("ci") or {}).get("value")
    value, low, high = ci.get("value"), ci.get("low"), ci.get("high")
    if value is not None and base is not None:
        better = value > base if metric.get("greater_is_better", True) else value < base
        sentence = (f"On the test rows the model scores {_fmt(value)} {metric.get('name', '')} against the "
                    f"baseline's {_fmt(base)}: {'better' if better else 'no better'} than predicting "
                    "without the features.")
        if low is not None and high is not None:
            inside = low <= base <= high
            sentence += (" The baseline's score lies inside the model's confidence interval, so the "
                         "difference may be chance." if inside else
                         " The baseline's score lies outside the model's confidence interval.")
        parts.append(f"<p>{escape(sentence)}</p>")
    if run.diagnosis:
        parts.append(_findings_table(run.diagnosis))
    elif run.diagnosis is not None:
        parts.append(_missing("The checks after training found no overfitting, underfitting or failed "
                              "candidates."))
    else:
        parts.append(_missing("No diagnosis was saved with this run."))
    return _section("diagnosis", "".join(parts))


def render(run: ReportInputs) -> str:
    """The whole page as text."""
    name = str(run.manifest.get("name") or run.path.name)
    target = run.manifest.get("target", {})
    nav = "".join(f'<a href="#{sid}">{escape(title)}</a>' for sid, title in SECTIONS)
    body = "".join(section(run) for section in (
        _summary, _data, _findings, _split, _leaderboard, _model, _test_metrics, _plots, _importance,
        _training, _diagnosis))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>trainguard run {escape(name)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>trainguard run {escape(name)}</h1><p>predicting "
        f"<b>{escape(str(target.get('name', '')))}</b> ({escape(str(target.get('task', '')))}) · "
        f"report by trainguard {escape(__version__)}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main></body></html>\n"
    )


def render_check(report: Any) -> str:
    """``trainguard check --report FILE``: the findings of a check (a
    :class:`~trainguard.workflow.checking.CheckReport`) as one page in the run report's style."""
    counts = report.counts()
    split = report.split
    sizes = ", ".join(f"{part} {n}" for part, n in split.get("sizes", {}).items())
    summary = _table(("", ""), [
        ("data", report.source), ("rows, columns", f"{report.rows}, {report.columns}"),
        ("target", f"{report.target} ({report.task})"),
        ("split", f"{split.get('strategy', '')}: {sizes} (seed {split.get('seed', '')})"),
        ("findings", ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warning", "info"))),
    ])
    findings = [f.to_dict() for f in report.findings]
    body = (f'<section id="summary"><h2>Summary</h2>{summary}<p class="muted">leakage checked on '
            "training rows only; nothing was trained or saved</p></section>"
            f'<section id="findings"><h2>Data checks</h2>'
            f"{_findings_table(findings) if findings else _missing('no problems found')}</section>")
    title = f"trainguard check {escape(str(report.source))}"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{title}</h1><p>predicting <b>{escape(report.target)}</b> "
        f"({escape(report.task)}) · report by trainguard {escape(__version__)}</p></header>"
        f"<main>{body}</main></body></html>\n"
    )


def write_report(run_folder: str | os.PathLike[str], out: str | os.PathLike[str] | None = None) -> Path:
    """Build ``report.html`` from a run folder alone; written atomically. Returns its path.

    Written into the run folder (no ``out``), the plots are also saved as ``plots/*.png``, so
    artifact stores (MLflow) list them as files beside the page.
    """
    run = ReportInputs.load(run_folder)
    target = Path(out) if out is not None else Path(run_folder) / REPORT
    drawn: dict[str, bytes] = {}
    token = _drawn.set(drawn)
    try:
        page = render(run)
    finally:
        _drawn.reset(token)
    write_text_atomically(target, page)
    if out is None:
        for caption, png in drawn.items():
            name = re.sub(r"[^a-z0-9]+", "_", caption.lower()).strip("_")[:80] or "plot"
            with atomic_path(Path(run_folder) / PLOTS / f"{name}.png") as tmp:
                tmp.write_bytes(png)
    return target
