"""What the workflow's selection stage needs to know about the search before it runs: the
documented spaces, a ``--space`` file checked against them, and the imbalance handling.

The stage itself (rows in, leaderboard out) is :func:`trainguard.workflow.stages.select`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from trainguard.errors import ConfigError
from trainguard.models import available_candidates
from trainguard.models.target_transform import LOG1P, NONE, TARGET_TRANSFORM, YEO_JOHNSON
from trainguard.selection.spaces import Space, parse_space, read_space_file

IMBALANCE = ("auto", "none", "weights", "smote", "undersample")
#: ``--imbalance auto`` weights the classes when the rarest class has fewer than this share of
#: the most common class's training rows; milder imbalance is left alone (weights then cost more
#: calibration than they gain).
AUTO_IMBALANCE_RATIO = 0.25


def documented_spaces(task: str) -> dict[str, Space]:
    """Each family's documented space; for regression with every target transform (the search
    offers those the training target allows, see ``Candidate.target_transforms``)."""
    return {name: parse_space({**cls.search_space(task), **_target_space(cls, task)}, f"candidate {name}")
            for name, cls in available_candidates().items()}


def _target_space(cls: type, task: str) -> dict[str, Any]:
    if task != "regression" or cls.is_baseline or not cls.target_transform_ready:
        return {}
    return {TARGET_TRANSFORM: {"type": "categorical", "choices": [NONE, LOG1P, YEO_JOHNSON]}}


def check_space_file(path: str) -> None:
    """Refuse a bad ``--space`` file before any data is read.

    The task is not known yet, and a model's parameters differ by task (C for logistic, alpha for
    ridge): a parameter of either task is accepted here; each is checked against the task's own
    space once it is known (:func:`settings_for`).
    """
    by_task = [documented_spaces(task) for task in ("binary", "regression")]
    either = {name: {**by_task[0].get(name, {}), **by_task[1].get(name, {})}
              for name in by_task[0].keys() | by_task[1].keys()}
    read_space_file(path, either)


def resolve_imbalance(choice: str, task: str, y_train: pd.Series) -> str:
    if task == "regression":
        if choice not in ("auto", "none"):
            raise ConfigError(f"--imbalance {choice} is for classification, but the task is regression",
                              where="--imbalance", fix="leave --imbalance out for a regression target")
        return "none"
    if choice != "auto":
        return choice
    counts = y_train.value_counts()
    return "weights" if counts.min() / counts.max() < AUTO_IMBALANCE_RATIO else "none"
