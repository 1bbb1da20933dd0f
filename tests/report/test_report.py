"""report.html built from the run folder: sections, plots, escaping, and missing pieces."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest

from trainguard.report import REPORT, ReportInputs, render, write_report

SECTIONS = ("summary", "data", "findings", "split", "leaderboard", "model", "test-metrics", "plots",
            "importance", "training", "diagnosis")


class _Page(HTMLParser):
    """Ids, image sources and external references, from a real HTML parse."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.images: list[str] = []
        self.external: list[str] = []
        self.captions: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
            self.captions.append(attrs.get("alt", ""))
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            if value and not value.startswith(("#", "data:")):
                self.external.append(value)
        if tag in ("script", "link"):
            self.external.append(tag)


def test_classification_report_has_every_section_and_only_inline_content(binary_run):
    text = (binary_run.path / REPORT).read_text(encoding="utf-8")
    page = _Page(text)
    assert [i for i in page.ids if i in SECTIONS] == list(SECTIONS)
    assert page.external == []  # no CDN, font, script or stylesheet to fetch
    assert all(src.startswith("data:image/png;base64,") for src in page.images)
    assert {"confusion matrix", "ROC curve", "precision-recall curve", "calibration curve",
            "permutation importance"} <= set(page.captions)
    assert any("learning curves" in c for c in page.captions)  # the MLP's history
    # The numbers shown are the run's: the test score and every leaderboard row.
    value = binary_run.metrics["test"]["model"]["ci"]["value"]
    assert f"{value:.4g}" in text
    for model in binary_run.leaderboard["model"]:
        assert f"<td>{model}</td>" in text


def test_saved_inputs_match_the_single_test_evaluation(binary_run):
    predictions = pd.read_csv(binary_run.path / "test_predictions.csv")
    split = pd.read_csv(binary_run.path / "split.csv")
    assert sorted(predictions["row"]) == sorted(split.loc[split["part"] == "test", "row"])
    assert list(predictions.columns) == ["row", "y_true", "y_pred", "proba_no", "proba_yes"]
    accuracy = (predictions["y_true"] == predictions["y_pred"]).mean()
    assert accuracy == pytest.approx(binary_run.metrics["test"]["model"]["metrics"]["accuracy"])
    importance = pd.read_csv(binary_run.path / "importance.csv")
    features = [c["name"] for c in binary_run.manifest["schema"] if c["role"] not in ("id", "ignored")]
    assert set(importance["feature"]) <= {c["name"] for c in binary_run.manifest["schema"]}
    assert importance["importance_mean"].is_monotonic_decreasing
    assert importance.iloc[0]["feature"] in features
    history = pd.read_csv(binary_run.path / "history.csv")
    assert set(history["model"]) == {"mlp"} and {"loss", "val_loss"} <= set(history.columns)


def test_regression_report_shows_residual_plots(regression_run):
    page = _Page((regression_run.path / REPORT).read_text(encoding="utf-8"))
    assert {"predicted against actual", "residuals against predictions",
            "residual histogram"} <= set(page.captions)
    assert "confusion matrix" not in page.captions
    assert not (regression_run.path / "history.csv").exists()  # no network candidate in this run


def test_rebuilt_from_a_folder_missing_the_optional_pieces(binary_run, tmp_path):
    folder = tmp_path / "old-run"
    shutil.copytree(binary_run.path, folder)
    for name in ("test_predictions.csv", "importance.csv", "history.csv", "diagnosis.json", REPORT):
        (folder / name).unlink()
    metrics = json.loads((folder / "metrics.json").read_text())
    for result in metrics["test"].values():
        result["ci"] = {}  # a run without a confidence interval
    (folder / "metrics.json").write_text(json.dumps(metrics))
    path = write_report(folder)
    text = path.read_text(encoding="utf-8")
    assert [i for i in _Page(text).ids if i in SECTIONS] == list(SECTIONS)
    assert "No test-set predictions were saved" in text
    assert "No permutation importance was saved" in text
    assert "only networks have learning curves" in text
    assert "<img" not in text


def test_user_text_is_escaped(binary_run, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(binary_run.path, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema"][0]["name"] = "<script>alert(1)</script>"
    manifest["findings"].append({"id": "x", "severity": "warning", "message": "a <b>bold</b> & claim",
                                 "fix": None})
    (folder / "manifest.json").write_text(json.dumps(manifest))
    text = render(ReportInputs.load(folder))
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "a &lt;b&gt;bold&lt;/b&gt; &amp; claim" in text


def test_leaderboard_columns_are_rendered_as_they_come(binary_run, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(binary_run.path, folder)
    board = pd.read_csv(folder / "leaderboard.csv")
    board["a_new_column"] = range(len(board))
    board.to_csv(folder / "leaderboard.csv", index=False)
    text = render(ReportInputs.load(folder))
    section = re.search(r'<section id="leaderboard">.*?</section>', text, re.S).group(0)
    assert "<th>a_new_column</th>" in section and 'class="selected"' in section


def test_lr_finder_sweep_and_plot_files(binary_run, tmp_path):
    import torch

    from trainguard.nn import Trainer

    folder = tmp_path / "run"
    shutil.copytree(binary_run.path, folder)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(256, 3, generator=g)
    y = x @ torch.tensor([[1.0], [-1.0], [0.5]])
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    sweep = Trainer(net, torch.nn.MSELoss(), seed=0).lr_find((x, y), num_steps=40)
    frame = sweep.to_frame().reset_index()
    frame.insert(0, "model", "mlp")
    frame.to_csv(folder / "lr_finder.csv", index=False)
    write_report(folder)
    page = _Page((folder / REPORT).read_text(encoding="utf-8"))
    assert "mlp learning-rate finder" in page.captions
    # The plots are also files beside the page (MLflow lists them as artifacts).
    pngs = sorted(p.name for p in (folder / "plots").iterdir())
    assert "mlp_learning_rate_finder.png" in pngs and "roc_curve.png" in pngs
    assert all((folder / "plots" / p).read_bytes().startswith(b"\x89PNG") for p in pngs)
