"""What a notebook shows for a run, a finding and the full report."""

from __future__ import annotations

import re
from html import unescape

import trainguard
from trainguard.findings import Finding, Severity
from trainguard.report.notebook import run_findings


def test_run_shows_headline_with_interval_leaderboard_and_findings(binary_run):
    run = trainguard.load_run(binary_run.path)  # a run read back from its folder, as in a new notebook
    page = run._repr_html_()
    ci = run.metrics["test"]["model"]["ci"]
    base = run.metrics["test"]["baseline"]["ci"]
    text = unescape(re.sub(r"<[^>]+>", " ", page))
    assert f"test  {run.metric} :  {ci['value']:.4g} [{ci['low']:.4g}, {ci['high']:.4g}] (95% CI)" in text
    assert f"vs baseline {base['value']:.4g} [{base['low']:.4g}, {base['high']:.4g}]" in text
    for model in run.leaderboard["model"]:
        assert f"<td>{model}</td>" in page
    chosen = run.leaderboard.loc[run.leaderboard["selected"].astype(bool), "model"].item()
    assert re.search(rf'<tr class="selected"><td class="num">\d+</td><td>{chosen}</td>', page)
    findings = run_findings(run)  # the data checks' findings, then the diagnosis after training
    assert len(findings) >= len(run.manifest["findings"])
    for finding in findings:
        assert f"<code>{finding['id']}</code>" in page
    assert f"findings ({len(findings)})" in page


def test_a_finding_is_escaped_and_keeps_its_fix():
    page = Finding(
        "leak-<x>", Severity.ERROR, "column <b>refund</b> predicts the target", "drop it"
    )._repr_html_()
    assert 'class="sev-error"' in page and "<code>leak-&lt;x&gt;</code>" in page
    assert "column &lt;b&gt;refund&lt;/b&gt; predicts" in page and "fix: drop it" in page


def test_report_embeds_the_page_and_rebuilds_it_when_missing(regression_run):
    run = trainguard.load_run(regression_run.path)
    (run.path / "report.html").unlink()
    view = run.report()
    assert view.path == run.path / "report.html" and view.path.is_file()
    frame = view._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "sandbox" in frame
    assert unescape(frame[len('<iframe srcdoc="') : frame.index('" style=')]) == view.path.read_text()
