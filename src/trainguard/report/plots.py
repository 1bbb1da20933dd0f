"""The report's figures, drawn with matplotlib's Agg backend and embedded as base64 PNG.

Each function takes what the run folder holds and returns a Figure, or None when the run lacks
the data (no probabilities, no history). The curves themselves come from scikit-learn's
``*Display.from_predictions`` helpers, so the report shows exactly what sklearn computes.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PROBA_PREFIX = "proba_"


def _figure(width: float = 5.0, height: float = 4.0) -> tuple[Figure, Any]:
    # matplotlib.figure.Figure with the Agg canvas, not pyplot: no global state, no GUI backend,
    # and nothing left open in a long-lived process that builds many reports.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def to_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _proba_columns(predictions: pd.DataFrame) -> dict[str, str]:
    """``{class label as text: column}`` for the probability columns."""
    return {c[len(PROBA_PREFIX):]: c for c in predictions.columns if c.startswith(PROBA_PREFIX)}


def _labels(values: pd.Series) -> np.ndarray:
    # Labels round-trip through CSV (1 may come back as 1 or "1"); compare them as text.
    return values.astype(str).to_numpy()


def confusion_matrix(predictions: pd.DataFrame, classes: list[Any] | None) -> Figure:
    from sklearn.metrics import ConfusionMatrixDisplay

    labels = [str(c) for c in classes] if classes else None
    n = len(labels) if labels else predictions["y_true"].nunique()
    figure, ax = _figure(max(4.0, 0.6 * n + 2.5), max(3.5, 0.6 * n + 2.0))
    ConfusionMatrixDisplay.from_predictions(_labels(predictions["y_true"]), _labels(predictions["y_pred"]),
                                            labels=labels, ax=ax, colorbar=False)
    ax.set_title("Confusion matrix (test rows)")
    return figure


def _one_vs_rest(predictions: pd.DataFrame, positive: str | None,
                 draw: Callable[[np.ndarray, np.ndarray, str, Any], None]) -> Figure | None:
    """Binary: the positive class; multiclass: one curve per class against the rest."""
    columns = _proba_columns(predictions)
    if not columns:
        return None
    truth = _labels(predictions["y_true"])
    chosen = [positive] if positive is not None and positive in columns else list(columns)
    figure, ax = _figure()
    for label in chosen:
        positive_rows = truth == label
        if positive_rows.all() or not positive_rows.any():
            continue  # a curve needs both outcomes among the test rows
        # Label the rest "not <label>" so sklearn's axis titles name the class, not True/1.
        y = np.where(positive_rows, label, f"not {label}")
        draw(y, predictions[columns[label]].to_numpy(dtype=float), label, ax)
    return figure


def roc_curve(predictions: pd.DataFrame, positive: str | None) -> Figure | None:
    from sklearn.metrics import RocCurveDisplay

    def draw(y: np.ndarray, p: np.ndarray, label: str, ax: Any) -> None:
        RocCurveDisplay.from_predictions(y, p, pos_label=label, name=f"class {label}", ax=ax,
                                         plot_chance_level=label == (positive or label))

    figure = _one_vs_rest(predictions, positive, draw)
    if figure is not None:
        figure.axes[0].set_title("ROC curve (test rows)")
    return figure


def precision_recall(predictions: pd.DataFrame, positive: str | None) -> Figure | None:
    from sklearn.metrics import PrecisionRecallDisplay

    def draw(y: np.ndarray, p: np.ndarray, label: str, ax: Any) -> None:
        PrecisionRecallDisplay.from_predictions(y, p, pos_label=label, name=f"class {label}", ax=ax)

    figure = _one_vs_rest(predictions, positive, draw)
    if figure is not None:
        figure.axes[0].set_title("Precision-recall curve (test rows)")
    return figure


def calibration(predictions: pd.DataFrame, positive: str | None) -> Figure | None:
    from sklearn.calibration import CalibrationDisplay

    n_bins = int(np.clip(len(predictions) // 20, 3, 10))  # few test rows: fewer, fuller bins

    def draw(y: np.ndarray, p: np.ndarray, label: str, ax: Any) -> None:
        CalibrationDisplay.from_predictions(y, p, n_bins=n_bins, pos_label=label, name=f"class {label}",
                                            ax=ax)

    figure = _one_vs_rest(predictions, positive, draw)
    if figure is not None:
        figure.axes[0].set_title(f"Calibration ({n_bins} bins, test rows)")
    return figure


def regression(predictions: pd.DataFrame) -> list[Figure]:
    from sklearn.metrics import PredictionErrorDisplay

    y_true = predictions["y_true"].to_numpy(dtype=float)
    y_pred = predictions["y_pred"].to_numpy(dtype=float)
    figures = []
    for kind, title in (("actual_vs_predicted", "Actual vs predicted (test rows)"),
                        ("residual_vs_predicted", "Residuals vs predicted (test rows)")):
        figure, ax = _figure()
        PredictionErrorDisplay.from_predictions(y_true, y_pred, kind=kind, ax=ax)
        ax.set_title(title)
        figures.append(figure)
    figure, ax = _figure()
    ax.hist(y_true - y_pred, bins=min(30, max(5, len(y_true) // 5)))
    ax.set_xlabel("residual (actual - predicted)")
    ax.set_ylabel("rows")
    ax.set_title("Residual distribution (test rows)")
    figures.append(figure)
    return figures


def importance(frame: pd.DataFrame, metric: str, top: int = 20) -> Figure:
    shown = frame.head(top).iloc[::-1]  # largest at the top
    figure, ax = _figure(6.0, max(2.5, 0.3 * len(shown) + 1.2))
    ax.barh(shown["feature"].astype(str), shown["importance_mean"],
            xerr=shown.get("importance_std"), color="#4c72b0")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"drop in {metric} when the column is shuffled")
    ax.set_title("Permutation importance (final model, test rows)")
    return figure


def history(frame: pd.DataFrame) -> Figure:
    """One model's per-epoch curves, drawn by the same code as ``History.plot``."""
    from trainguard.nn.callbacks.history import history_quantities, plot_history

    data = frame.drop(columns=["model"], errors="ignore").dropna(axis=1, how="all")
    numeric = [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]
    quantities = history_quantities(numeric)
    quantities = (["loss"] if "loss" in quantities else []) + [q for q in quantities if q != "loss"]
    figure = _figure(4.5 * len(quantities), 3.2)[0]
    figure.clear()
    axes = [figure.add_subplot(1, len(quantities), i + 1) for i in range(len(quantities))]
    return plot_history(data[numeric], ax=axes, metrics=quantities)


def lr_finder(frame: pd.DataFrame) -> Figure:
    from trainguard.nn.lr_finder import LRFinderResult

    suggested = np.flatnonzero(frame["suggested"].astype(bool).to_numpy()) if "suggested" in frame else []
    result = LRFinderResult(
        lrs=frame["lr"].astype(float).tolist(), losses=frame["loss"].astype(float).tolist(),
        suggestion=int(suggested[0]) if len(suggested) else None,
        raw_losses=frame["raw_loss"].astype(float).tolist() if "raw_loss" in frame else [],
    )
    figure, ax = _figure()
    result.plot(ax=ax)
    ax.set_title("Learning-rate finder")
    return figure
