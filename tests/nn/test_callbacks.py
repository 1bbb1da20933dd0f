"""Callbacks: early stopping, history, LR schedules, clipping, progress, and the dispatch contract."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
import torch
from rich.console import Console
from torch import nn
from torch.optim.lr_scheduler import OneCycleLR, ReduceLROnPlateau, StepLR

from trainguard.errors import ConfigError
from trainguard.nn import (
    Callback,
    CallbackList,
    EarlyStopping,
    GradientClipping,
    History,
    LossMismatchError,
    LRScheduler,
    ProgressBar,
    Trainer,
)
from trainguard.nn.callbacks import infer_mode, is_improvement
from trainguard.nn.grads import total_grad_norm

Data = tuple[torch.Tensor, torch.Tensor]
MakeMLP = Callable[..., nn.Module]


class Scripted(Callback):
    """Writes a scripted metric into each epoch's logs (before the callbacks after it see them)."""

    def __init__(self, values: list[float], key: str = "val_error") -> None:
        self.values, self.key = values, key

    def on_train_begin(self, logs=None) -> None:
        self.index = 0

    def on_epoch_end(self, epoch, logs=None) -> None:
        logs[self.key] = self.values[self.index]
        self.index += 1


class WeightLog(Callback):
    def on_train_begin(self, logs=None) -> None:
        self.by_epoch: dict[int, list[torch.Tensor]] = {}

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.by_epoch[epoch] = [p.detach().clone() for p in self.trainer.module.parameters()]


def weights(module: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


# --- early stopping ------------------------------------------------------------------------------


def test_improvement_decision() -> None:
    assert is_improvement(0.9, None, "min")
    assert is_improvement(0.9, 1.0, "min") and not is_improvement(1.0, 1.0, "min")
    assert not is_improvement(0.95, 1.0, "min", min_delta=0.1)
    assert is_improvement(0.8, 0.7, "max") and not is_improvement(0.7, 0.8, "max")
    assert not is_improvement(float("nan"), 1.0, "min")
    assert (
        infer_mode("val_loss") == "min" and infer_mode("val_accuracy") == "max" and infer_mode("auc") == "max"
    )


def test_early_stopping_stops_at_the_right_epoch_and_restores_the_best_weights(
    regression: Data, mlp: MakeMLP
) -> None:
    scores = [5.0, 4.0, 3.0, 3.5, 3.6, 3.7, 3.8, 3.9]
    log, stopper = WeightLog(), EarlyStopping(monitor="val_error", patience=2)
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[Scripted(scores), log, stopper])
    history = trainer.fit(regression, epochs=8)
    assert len(history) == 5 and trainer.epoch == 5  # best at 2, no improvement at 3 and 4
    assert stopper.best_epoch == 2 and stopper.stopped_epoch == 4 and stopper.best == 3.0
    assert same(weights(trainer.module), log.by_epoch[2])
    assert not same(log.by_epoch[4], log.by_epoch[2])


def test_best_weights_are_restored_even_without_stopping_early(regression: Data, mlp: MakeMLP) -> None:
    log, stopper = WeightLog(), EarlyStopping(monitor="val_error", patience=10)
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[Scripted([3.0, 1.0, 2.0, 2.5]), log, stopper])
    trainer.fit(regression, epochs=4)
    assert stopper.stopped_epoch is None and trainer.epoch == 4
    assert same(weights(trainer.module), log.by_epoch[1])


def test_early_stopping_is_reusable_across_fits(regression: Data, mlp: MakeMLP) -> None:
    log, stopper = WeightLog(), EarlyStopping(monitor="val_error", patience=1)
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[Scripted([2.0, 1.0, 1.5, 9.0]), log, stopper])
    trainer.fit(regression, epochs=4)
    assert (stopper.best_epoch, stopper.stopped_epoch) == (1, 2)
    trainer.fit(regression, epochs=4)  # epochs 3..6; the scripted scores restart at 2.0
    assert stopper.best == 1.0 and (stopper.best_epoch, stopper.stopped_epoch) == (4, 5)
    assert same(weights(trainer.module), log.by_epoch[4])


def test_early_stopping_on_val_loss_without_validation_is_explained(regression: Data, mlp: MakeMLP) -> None:
    with pytest.raises(ConfigError, match="monitors 'val_loss'.*fit\\(val=...\\)"):
        Trainer(mlp(), nn.MSELoss(), callbacks=[EarlyStopping()]).fit(regression, epochs=2)


def test_early_stopping_state_survives_a_round_trip() -> None:
    stopper = EarlyStopping(monitor="val_error")
    stopper.wait, stopper.best, stopper.best_epoch = 2, 0.5, 3
    copy = EarlyStopping(monitor="val_error")
    copy.load_state_dict(stopper.state_dict())
    assert (copy.wait, copy.best, copy.best_epoch) == (2, 0.5, 3)


def test_early_stopping_prints_only_when_verbose(regression: Data, mlp: MakeMLP) -> None:
    for verbose, expected in ((0, False), (1, True)):
        buffer = io.StringIO()
        trainer = Trainer(
            mlp(),
            nn.MSELoss(),
            callbacks=[
                Scripted([1.0, 2.0, 3.0]),
                EarlyStopping(monitor="val_error", patience=1, verbose=verbose),
            ],
        )
        trainer.console = Console(file=buffer, width=200)
        trainer.fit(regression, epochs=3)
        assert ("Early stopping at epoch 1" in buffer.getvalue()) is expected


# --- history -------------------------------------------------------------------------------------


def test_history_frame_has_one_row_per_epoch_and_the_logged_columns(regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss())
    frame = trainer.fit(regression, val=regression, epochs=3).to_frame()
    assert frame.index.name == "epoch" and list(frame.index) == [0, 1, 2]
    assert {"loss", "val_loss", "lr", "grad_norm", "time"} <= set(frame.columns)
    assert frame["loss"].dtype == float
    assert trainer.history.history["loss"] == frame["loss"].tolist()


def test_a_history_passed_in_is_the_one_the_trainer_uses(regression: Data, mlp: MakeMLP) -> None:
    mine = History()
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[mine])
    assert trainer.fit(regression, epochs=1) is mine and trainer.history is mine
    assert sum(isinstance(cb, History) for cb in trainer.callbacks) == 1


# --- LR scheduling -------------------------------------------------------------------------------


class LRLog(Callback):
    def on_train_begin(self, logs=None) -> None:
        self.lrs: list[float] = []

    def on_batch_begin(self, step, logs=None) -> None:
        self.lrs.append(self.trainer.optimizer.param_groups[0]["lr"])


def changes(values: list[float]) -> int:
    return sum(a != b for a, b in zip(values, values[1:], strict=False))


@pytest.mark.parametrize(
    ("interval", "n_changes", "final"), [("step", 11, 0.1 * 0.5**12), ("epoch", 2, 0.1 * 0.5**3)]
)
def test_scheduler_steps_per_batch_or_per_epoch(
    interval: str, n_changes: int, final: float, regression: Data, mlp: MakeMLP
) -> None:
    lr_log = LRLog()
    scheduler = LRScheduler(lambda opt: StepLR(opt, step_size=1, gamma=0.5), interval=interval)
    trainer = Trainer(
        mlp(), nn.MSELoss(), optimizer=lambda p: torch.optim.SGD(p, lr=0.1), callbacks=[scheduler, lr_log]
    )
    history = trainer.fit(regression, epochs=3)
    assert len(lr_log.lrs) == 12 and changes(lr_log.lrs) == n_changes
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(final)
    assert history.to_frame()["lr"].iloc[0] == pytest.approx(0.1 if interval == "epoch" else 0.1 * 0.5**4)


def test_one_cycle_runs_exactly_its_total_steps(regression: Data, mlp: MakeMLP) -> None:
    scheduler = LRScheduler(lambda opt: OneCycleLR(opt, max_lr=0.05, total_steps=3 * 4), interval="step")
    Trainer(mlp(), nn.MSELoss(), callbacks=[scheduler]).fit(regression, epochs=3)
    assert scheduler.scheduler.last_epoch == 12


def test_reduce_on_plateau_watches_the_monitored_metric(regression: Data, mlp: MakeMLP) -> None:
    scheduler = LRScheduler(lambda opt: ReduceLROnPlateau(opt, factor=0.1, patience=0), monitor="val_error")
    trainer = Trainer(
        mlp(),
        nn.MSELoss(),
        optimizer=lambda p: torch.optim.SGD(p, lr=0.1),
        callbacks=[Scripted([1.0, 1.0, 1.0, 0.5]), scheduler],
    )
    trainer.fit(regression, epochs=4)
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(0.001)


def test_scheduler_misconfigurations_are_config_errors(regression: Data, mlp: MakeMLP) -> None:
    with pytest.raises(ConfigError, match="needs a metric"):
        Trainer(mlp(), nn.MSELoss(), callbacks=[LRScheduler(ReduceLROnPlateau)]).fit(regression, epochs=1)
    with pytest.raises(ConfigError, match="takes no metric"):
        Trainer(mlp(), nn.MSELoss(), callbacks=[LRScheduler(lambda o: StepLR(o, 1), monitor="val_loss")]).fit(
            regression, epochs=1
        )
    with pytest.raises(ConfigError, match="interval"):
        LRScheduler(lambda o: StepLR(o, 1), interval="batch")  # type: ignore[arg-type]


def test_scheduler_state_round_trips_into_the_next_fit(regression: Data, mlp: MakeMLP) -> None:
    scheduler = LRScheduler(lambda opt: StepLR(opt, step_size=1, gamma=0.5))
    Trainer(mlp(), nn.MSELoss(), callbacks=[scheduler]).fit(regression, epochs=2)
    fresh = LRScheduler(lambda opt: StepLR(opt, step_size=1, gamma=0.5))
    fresh.load_state_dict(scheduler.state_dict())
    Trainer(mlp(), nn.MSELoss(), callbacks=[fresh]).fit(regression, epochs=1)
    assert fresh.scheduler.last_epoch == 3


# --- gradient clipping ---------------------------------------------------------------------------


class GradNormLog(Callback):
    def on_train_begin(self, logs=None) -> None:
        self.before: list[float] = []
        self.after: list[float] = []

    def on_before_optimizer_step(self, step, logs=None) -> None:
        self.before.append(float(self.trainer.grad_norm))
        self.after.append(float(total_grad_norm(self.trainer.trainable_parameters)))


@pytest.mark.parametrize("guards", [True, False])
def test_gradient_clipping_bounds_the_norm(guards: bool, regression: Data, mlp: MakeMLP) -> None:
    x, y = regression
    log = GradNormLog()
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[GradientClipping(max_norm=0.5), log], guards=guards)
    trainer.fit((x, y * 100), epochs=2)
    assert max(log.before) > 0.5, "the test must actually need clipping"
    assert max(log.after) <= 0.5 * (1 + 1e-4)


def test_gradient_value_clipping(regression: Data, mlp: MakeMLP) -> None:
    x, y = regression
    seen: list[float] = []

    class MaxGrad(Callback):
        def on_before_optimizer_step(self, step, logs=None) -> None:
            seen.append(max(float(p.grad.abs().max()) for p in self.trainer.trainable_parameters))

    Trainer(mlp(), nn.MSELoss(), callbacks=[GradientClipping(max_value=0.01), MaxGrad()]).fit(
        (x, y * 100), epochs=1
    )
    assert max(seen) <= 0.01


def test_gradient_clipping_needs_a_limit() -> None:
    with pytest.raises(ConfigError, match="nothing to clip"):
        GradientClipping()
    with pytest.raises(ConfigError, match="max_norm must be > 0"):
        GradientClipping(max_norm=0)


# --- progress and dispatch -----------------------------------------------------------------------


def test_progress_bar_on_a_terminal_and_lines_elsewhere(regression: Data, mlp: MakeMLP) -> None:
    for terminal in (True, False):
        buffer = io.StringIO()
        trainer = Trainer(mlp(), nn.MSELoss(), verbose=1)
        trainer.console = Console(file=buffer, force_terminal=terminal, width=120)
        trainer.fit(regression, epochs=2)
        assert sum(isinstance(cb, ProgressBar) for cb in trainer.callbacks) == 1
        assert "epoch 1 (2/2): loss" in buffer.getvalue()


def test_progress_bar_is_torn_down_on_an_exception(mlp: MakeMLP) -> None:
    buffer = io.StringIO()
    trainer = Trainer(mlp(), nn.MSELoss(), verbose=1)
    trainer.console = Console(file=buffer, force_terminal=True)
    bar = next(cb for cb in trainer.callbacks if isinstance(cb, ProgressBar))
    with pytest.raises(LossMismatchError):
        trainer.fit([(torch.zeros(4, 4), torch.zeros(4))], epochs=1)
    assert bar._progress is None


def test_callback_list_calls_only_overridden_hooks_in_order() -> None:
    calls: list[str] = []

    class A(Callback):
        def on_epoch_end(self, epoch, logs=None) -> None:
            calls.append(f"A{epoch}")

    class B(Callback):
        def on_epoch_end(self, epoch, logs=None) -> None:
            calls.append(f"B{epoch}")

        def state_dict(self):
            return {"b": 1}

    callbacks = CallbackList([A(), B(), B()])
    callbacks.on_epoch_end(3)
    callbacks.on_batch_end(0)  # nobody overrides it: nothing happens
    assert calls == ["A3", "B3", "B3"]
    assert callbacks.state_dict() == {"A": {}, "B": {"b": 1}, "B#2": {"b": 1}}
    with pytest.raises(ConfigError, match="not a Callback"):
        CallbackList([object()])  # type: ignore[list-item]


def test_batch_hooks_flag_follows_the_callbacks_that_use_per_step_logs() -> None:
    class EpochOnly(Callback):
        def on_epoch_end(self, epoch, logs=None) -> None:
            pass

    class BeforeStep(Callback):
        def on_before_optimizer_step(self, step, logs=None) -> None:
            pass

    callbacks = CallbackList([EpochOnly()])
    assert not callbacks.batch_hooks  # the Trainer then builds no per-step logs
    callbacks.append(BeforeStep())  # added later, e.g. during a fit
    assert callbacks.batch_hooks


def test_a_callback_added_during_fit_gets_batch_hooks_from_the_next_step(regression, mlp) -> None:
    seen: list[int] = []

    class Late(Callback):
        def on_batch_end(self, step, logs=None) -> None:
            seen.append(logs["batch"])

    class Adder(Callback):
        def on_epoch_end(self, epoch, logs=None) -> None:
            if epoch == 0:
                self.trainer.callbacks.append(Late())

    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[Adder()])
    trainer.fit(regression, epochs=2, batch_size=50)
    assert seen == [0, 1]  # the second epoch's two batches, with their logs
