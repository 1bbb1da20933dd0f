"""Loss/output mismatch checks: each mistake is named with its fix; correct usage passes silently."""

from __future__ import annotations

import functools
import io
import warnings
from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F
from rich.console import Console
from torch import nn

from trainguard.findings import Severity
from trainguard.nn import Guards, LossMismatchError, Trainer, TrainguardWarning, check_loss_inputs
from trainguard.nn.guards.loss_mismatch import loss_kind

MakeMLP = Callable[..., nn.Module]

g = torch.Generator().manual_seed(0)
LOGITS = torch.randn(32, 1, generator=g) * 3
PROBS = torch.sigmoid(LOGITS)
LABELS01 = (torch.rand(32, 1, generator=g) > 0.5).float()
CLASS_LOGITS = torch.randn(32, 4, generator=g)
CLASSES = torch.randint(0, 4, (32,), generator=g)


def ids(findings) -> list[str]:
    return [f.id for f in findings]


def only(findings):
    assert len(findings) == 1, ids(findings)
    return findings[0]


def test_probabilities_into_bce_with_logits_is_a_double_sigmoid_warning() -> None:
    finding = only(check_loss_inputs(nn.BCEWithLogitsLoss(), PROBS, LABELS01))
    assert finding.id == "double-sigmoid" and finding.severity is Severity.WARNING
    assert "sigmoid is applied twice" in finding.message and "remove the final nn.Sigmoid" in finding.fix
    assert check_loss_inputs(nn.BCEWithLogitsLoss(), LOGITS, LABELS01) == []


def test_a_handful_of_values_in_unit_range_is_not_taken_for_a_sigmoid() -> None:
    assert check_loss_inputs(nn.BCEWithLogitsLoss(), PROBS[:4], LABELS01[:4]) == []


def test_logits_into_bce_loss_is_an_error_recommending_bce_with_logits() -> None:
    finding = only(check_loss_inputs(nn.BCELoss(), LOGITS, LABELS01))
    assert finding.id == "bce-input-not-probabilities" and finding.severity is Severity.ERROR
    assert "BCEWithLogitsLoss" in finding.fix
    assert check_loss_inputs(nn.BCELoss(), PROBS, LABELS01) == []


def test_multiclass_labels_into_a_binary_loss() -> None:
    finding = only(check_loss_inputs(nn.BCEWithLogitsLoss(), LOGITS, CLASSES.float().view(-1, 1)))
    assert finding.id == "bce-target-out-of-range" and "CrossEntropyLoss" in finding.fix


def test_softmax_rows_into_cross_entropy_is_a_double_softmax_warning() -> None:
    finding = only(check_loss_inputs(nn.CrossEntropyLoss(), CLASS_LOGITS.softmax(1), CLASSES))
    assert finding.id == "double-softmax" and finding.severity is Severity.WARNING
    assert "remove the final nn.Softmax" in finding.fix
    assert check_loss_inputs(nn.CrossEntropyLoss(), CLASS_LOGITS, CLASSES) == []


@pytest.mark.parametrize(
    "loss", [nn.MSELoss(), nn.L1Loss(), nn.SmoothL1Loss(), nn.BCEWithLogitsLoss(), F.mse_loss]
)
def test_n_by_1_predictions_against_n_targets_broadcast_to_n_by_n(loss) -> None:
    target = LABELS01.squeeze(1)
    finding = next(f for f in check_loss_inputs(loss, LOGITS, target) if f.id == "loss-shape-broadcast")
    assert finding.severity is Severity.ERROR
    assert "output shape (32, 1) and target shape (32,) broadcast to (32, 32)" in finding.message
    assert "output.squeeze(-1)" in finding.fix and "y.view(-1, 1)" in finding.fix
    assert check_loss_inputs(loss, LOGITS, LABELS01) == []


def test_shapes_that_cannot_broadcast_are_explained() -> None:
    finding = only(check_loss_inputs(nn.MSELoss(), torch.zeros(32, 3), torch.zeros(32)))
    assert finding.id == "loss-shape-mismatch"


def test_float_class_labels_into_cross_entropy_need_long() -> None:
    finding = only(check_loss_inputs(nn.CrossEntropyLoss(), CLASS_LOGITS, CLASSES.float()))
    assert finding.id == "float-class-targets" and finding.severity is Severity.ERROR
    assert finding.fix == "convert the labels to integers: y.long()"
    regression = only(check_loss_inputs(nn.CrossEntropyLoss(), CLASS_LOGITS, torch.rand(32, generator=g)))
    assert "regression target" in regression.message and "MSELoss" in regression.fix


def test_soft_labels_shaped_like_the_output_are_fine() -> None:
    assert check_loss_inputs(nn.CrossEntropyLoss(), CLASS_LOGITS, torch.softmax(torch.randn(32, 4), 1)) == []


def test_integer_one_hot_targets_are_flagged() -> None:
    finding = only(check_loss_inputs(nn.CrossEntropyLoss(), CLASS_LOGITS, F.one_hot(CLASSES, 4)))
    assert finding.id == "integer-one-hot-targets" and "argmax(1)" in finding.fix


def test_class_labels_outside_the_output_columns() -> None:
    finding = only(check_loss_inputs(nn.CrossEntropyLoss(), CLASS_LOGITS, CLASSES + 1))
    assert finding.id == "class-target-out-of-range"
    assert finding.evidence["label_max"] == 4 and finding.evidence["n_classes"] == 4
    assert "y - 1" in finding.fix
    ignored = CLASSES.clone()
    ignored[0] = -100  # CrossEntropyLoss's default ignore_index
    assert check_loss_inputs(nn.CrossEntropyLoss(), CLASS_LOGITS, ignored) == []


def test_a_single_output_column_cannot_learn_with_cross_entropy() -> None:
    assert "single-class-output" in ids(
        check_loss_inputs(nn.CrossEntropyLoss(), LOGITS, torch.zeros(32).long())
    )


def test_probabilities_into_nll_loss() -> None:
    finding = only(check_loss_inputs(nn.NLLLoss(), CLASS_LOGITS.softmax(1), CLASSES))
    assert finding.id == "nll-input-not-log-probabilities"
    assert check_loss_inputs(nn.NLLLoss(), CLASS_LOGITS.log_softmax(1), CLASSES) == []


def test_integer_targets_into_a_regression_loss() -> None:
    finding = only(check_loss_inputs(nn.MSELoss(), LOGITS, LABELS01.long()))
    assert finding.id == "integer-regression-target" and "y.float()" in finding.fix


def test_losses_are_recognised_as_modules_functions_and_partials() -> None:
    assert loss_kind(nn.CrossEntropyLoss(label_smoothing=0.1)) == "cross_entropy"
    assert loss_kind(F.binary_cross_entropy_with_logits) == "bce_logits"
    assert loss_kind(functools.partial(F.cross_entropy, label_smoothing=0.1)) == "cross_entropy"
    assert loss_kind(lambda out, y: (out - y).pow(2).mean()) is None
    assert check_loss_inputs(lambda out, y: out.mean(), PROBS, CLASSES) == []


# --- in the Trainer ------------------------------------------------------------------------------


def test_trainer_raises_on_an_error_finding_before_training(regression, mlp: MakeMLP) -> None:
    x, y = regression
    model = mlp()
    before = [p.detach().clone() for p in model.parameters()]
    trainer = Trainer(model, nn.MSELoss())
    with pytest.raises(LossMismatchError) as info:
        trainer.fit((x, y.squeeze(1)), epochs=1)
    message = str(info.value)
    assert message.splitlines()[0].startswith("Trainer.fit: MSELoss on the first batch: output shape (32, 1)")
    assert "Fix:" in message.splitlines()[-1]
    assert all(torch.equal(a.cpu(), b.cpu()) for a, b in zip(before, model.parameters(), strict=True)), (
        "no step was taken"
    )
    assert trainer.findings[0].id == "loss-shape-broadcast"


def test_trainer_warns_once_per_fit_on_a_warning_finding(regression, mlp: MakeMLP) -> None:
    x, y = regression
    model = nn.Sequential(mlp(), nn.Sigmoid())
    with pytest.warns(TrainguardWarning, match="double-sigmoid") as record:
        Trainer(model, nn.BCEWithLogitsLoss()).fit((x, (y > 0).float()), epochs=2)
    assert len(record) == 1
    assert record[0].filename == __file__, "the warning points at the user's fit() call"


def test_verbose_trainer_prints_the_warning_instead(regression, mlp: MakeMLP) -> None:
    x, y = regression
    buffer = io.StringIO()
    trainer = Trainer(nn.Sequential(mlp(), nn.Sigmoid()), nn.BCEWithLogitsLoss(), verbose=2)
    trainer.console = Console(file=buffer, width=300)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainguardWarning)
        trainer.fit((x, (y > 0).float()), epochs=1)
    assert "[double-sigmoid]" in buffer.getvalue()
    assert [f.id for f in trainer.findings] == ["double-sigmoid"]


def test_the_check_can_be_switched_off(regression, mlp: MakeMLP) -> None:
    x, y = regression
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's own broadcast warning
        Trainer(mlp(), nn.MSELoss(), guards=Guards(loss_mismatch=False)).fit((x, y.squeeze(1)), epochs=1)
