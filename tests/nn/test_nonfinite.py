"""NaN/Inf guard: caught before the optimizer step, localised to a module, explained with evidence."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import pytest
import torch
from torch import nn

from trainguard.findings import Severity
from trainguard.nn import Callback, Guards, NonFiniteError, Trainer, TrainguardWarning
from trainguard.nn.guards.nonfinite import (
    NonFiniteCount,
    NonFiniteEvidence,
    NonFiniteMonitor,
    Reproduction,
    StepRecord,
    diagnose_nonfinite,
    grad_norm_trend,
    reproduce_step,
    trace_forward,
)

Data = tuple[torch.Tensor, torch.Tensor]
MakeMLP = Callable[..., nn.Module]


class LogOfRelu(nn.Module):
    """log(relu(x)) is -inf wherever x <= 0: an operation outside its domain on finite inputs."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.log(torch.relu(x))


class Net(nn.Module):
    def __init__(self, middle: nn.Module) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(4, 8), middle, nn.Linear(8, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class NaNOnCalls(nn.Module):
    """Identity, except that the listed calls (1-based) return NaN: a model-made, data-independent NaN."""

    def __init__(self, calls: set[int] | None = None, always: bool = False) -> None:
        super().__init__()
        self.calls, self.bad, self.always = 0, calls or set(), always

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return x * math.nan if self.always or self.calls in self.bad else x


def all_finite(module: nn.Module) -> bool:
    return all(bool(torch.isfinite(p).all()) for p in module.parameters())


def evidence(**overrides) -> NonFiniteEvidence:
    base = dict(
        epoch=1,
        step=12,
        batch_index=3,
        loss=math.nan,
        grad_norm=math.nan,
        inputs=[NonFiniteCount("inputs", 0, 0, 0, 64)],
        targets=[NonFiniteCount("targets", 0, 0, 0, 16)],
        reproduction=Reproduction("not reproduced", loss=0.5),
        nonfinite_params=[],
        grad_norms=[1.0, 1.1, 0.9, math.nan],
        lrs=[0.001],
    )
    return NonFiniteEvidence(**(base | overrides))


# --- pure decision logic -------------------------------------------------------------------------


def test_grad_norm_trend_flags_growth_beyond_ten_times() -> None:
    assert grad_norm_trend([1.0, 3.0, 30.0, math.nan]).exploding
    assert not grad_norm_trend([1.0, 2.0, 1.5, math.nan]).exploding
    assert grad_norm_trend([2.0, math.inf]).exploding, "an overflowing norm after finite ones"
    trend = grad_norm_trend([math.nan])
    assert not trend.exploding and trend.growth is None
    assert "grew 100x: exploding" in grad_norm_trend([1.0, 100.0]).describe()


def test_diagnosis_ranks_bad_data_first_and_names_the_tensor() -> None:
    finding = diagnose_nonfinite(
        evidence(inputs=[NonFiniteCount("inputs", 3, 0, 1, 64)], reproduction=Reproduction("inputs"))
    )
    assert finding.severity is Severity.ERROR and finding.id == "non-finite-training"
    assert finding.message.startswith("non-finite values in the batch data at epoch 1, step 12 (batch 3")
    details = "\n".join(finding.evidence["details"])
    assert "1. the training data holds NaN/Inf: inputs: 3 NaN, 1 -inf of 64 values" in details
    assert "SimpleImputer" in finding.fix and finding.evidence["inputs_finite"] is False


def test_diagnosis_names_the_origin_module_and_says_inputs_were_finite() -> None:
    from trainguard.nn.guards.nonfinite import ModuleFault

    origin = ModuleFault("net.1", "LogOfRelu", [NonFiniteCount("output", 0, 0, 40, 128)], True, None)
    finding = diagnose_nonfinite(evidence(reproduction=Reproduction("forward", origin=origin)))
    details = "\n".join(finding.evidence["details"])
    assert (
        "module net.1 (LogOfRelu) produced non-finite output (output: 40 -inf of 128 values) "
        "from finite inputs" in details
    )
    assert "batch data finite" in details
    assert "clamp_min" in finding.fix and finding.evidence["origin"] == "net.1 (LogOfRelu)"


def test_diagnosis_calls_exploding_gradients_divergence_and_quotes_the_lr() -> None:
    finding = diagnose_nonfinite(
        evidence(
            grad_norms=[1.0, 50.0, 4e3, 2e6, math.inf],
            lrs=[5.0],
            reproduction=Reproduction("loss", loss=math.inf),
        )
    )
    details = "\n".join(finding.evidence["details"])
    assert "1. training diverged" in details and "learning rate: 5" in details
    assert "lower the learning rate (e.g. 0.5)" in finding.fix and "GradientClipping" in finding.fix
    assert finding.evidence["exploding"] is True


def test_diagnosis_of_a_backward_only_failure_lists_the_parameters() -> None:
    finding = diagnose_nonfinite(
        evidence(
            loss=0.3,
            grad_norm=math.inf,
            grad_norms=[1.0, math.nan],
            reproduction=Reproduction("backward", loss=0.3, nonfinite_grads=["net.0.weight"]),
        )
    )
    assert finding.message.startswith("non-finite gradient norm (inf) with a finite loss")
    assert "gradients are non-finite in net.0.weight" in "\n".join(finding.evidence["details"])


def test_diagnosis_without_a_loss_does_not_call_the_loss_finite() -> None:
    # skorch hands over no loss before the optimizer step
    finding = diagnose_nonfinite(evidence(loss=None, grad_norm=math.nan))
    assert finding.message.startswith("non-finite gradient norm (nan) at epoch 1")


def test_monitor_reads_deferred_flags_in_one_poll_and_returns_the_bad_steps() -> None:
    monitor = NonFiniteMonitor(check_every=3)
    for step, ok in enumerate([True, False, True]):
        monitor.record(
            StepRecord(
                0,
                step,
                step,
                ref=None,
                loss=torch.tensor(1.0),
                grad_norm=torch.tensor(float(step)),
                ok=torch.tensor(ok),
                data_ok=None,
            )
        )
    assert monitor.due()
    bad = monitor.poll()
    assert [r.step for r in bad] == [1] and not monitor.due()
    assert monitor.grad_norms_until(1) == [0.0, 1.0]


def test_monitor_evicts_held_batches_beyond_its_byte_budget() -> None:
    monitor = NonFiniteMonitor(check_every=4, max_held_bytes=100)
    records = [
        StepRecord(
            0,
            s,
            s,
            ref=("batch", s),
            loss=torch.tensor(0.0),
            grad_norm=None,
            ok=torch.tensor(True),
            data_ok=None,
            nbytes=60,
        )
        for s in range(3)
    ]
    for record in records:
        monitor.record(record)
    assert [r.ref is not None for r in records] == [False, False, True]


def test_trace_forward_finds_the_first_module_with_finite_inputs_and_non_finite_output() -> None:
    model = Net(LogOfRelu())
    _, origin, receiver = trace_forward(model, torch.randn(16, 4))
    assert origin is not None and origin.label == "net.1 (LogOfRelu)" and origin.params_finite
    assert receiver is None, "nothing received non-finite values before the origin finished"


def test_trace_forward_blames_a_container_whose_own_code_made_the_nan() -> None:
    class Inline(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a, self.b = nn.Linear(4, 4), nn.Linear(4, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.b(torch.log(torch.relu(self.a(x))))

    _, origin, receiver = trace_forward(Inline(), torch.randn(16, 4))
    assert origin is not None and origin.label == "model (Inline)" and receiver == "b (Linear)"


def test_reproduce_step_finds_a_backward_only_failure() -> None:
    class SqrtAtZero(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = nn.Parameter(torch.zeros(4))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.sqrt(self.w * 0).sum() + x.sum(1, keepdim=True) * 0  # d sqrt(0) = inf

    model = SqrtAtZero()
    repro = reproduce_step(model, nn.MSELoss(), torch.ones(2, 4), torch.zeros(2, 1))
    assert repro.stage == "backward" and repro.nonfinite_grads == ["w"]
    assert model.w.grad is None, "the re-run leaves no gradients behind"


# --- in the Trainer ------------------------------------------------------------------------------


def test_nan_in_inputs_stops_and_names_the_input(regression: Data, mlp: MakeMLP) -> None:
    x, y = regression
    x = x.clone()
    x[5, 2] = math.nan
    x[7, 0] = math.inf
    model = mlp()
    with pytest.raises(NonFiniteError) as info:
        Trainer(model, nn.MSELoss()).fit((x, y), epochs=1, shuffle=False)
    message = str(info.value)
    assert message.splitlines()[0].startswith(
        "Trainer.fit: non-finite values in the batch data at epoch 0, step 0"
    )
    assert "inputs: 1 NaN, 1 +inf of 128 values" in message and "targets: finite" in message
    assert all_finite(model), "the guard runs before optimizer.step()"


def test_module_producing_inf_is_named_and_inputs_reported_finite(regression: Data) -> None:
    model = Net(LogOfRelu())
    with pytest.raises(NonFiniteError) as info:
        Trainer(model, nn.MSELoss()).fit(regression, epochs=1)
    message = str(info.value)
    assert "module net.1 (LogOfRelu) produced non-finite output" in message
    assert "from finite inputs" in message and "inputs: finite" in message
    assert all_finite(model)
    assert info.value.finding.evidence["origin"] == "net.1 (LogOfRelu)"


def test_huge_learning_rate_is_diagnosed_as_divergence(regression: Data) -> None:
    x, y = regression
    torch.manual_seed(0)
    model = nn.Linear(4, 1)
    trainer = Trainer(model, nn.MSELoss(), optimizer=lambda p: torch.optim.SGD(p, lr=50.0))
    with pytest.raises(NonFiniteError) as info:
        trainer.fit((x * 10, y * 10), epochs=5)
    message = str(info.value)
    assert "gradient norm, last" in message and "exploding" in message
    assert "learning rate: 50" in message and "training diverged" in message
    assert "lower the learning rate (e.g. 5)" in message
    assert all_finite(model)


def test_skip_batch_skips_and_carries_on_with_finite_weights(regression: Data, mlp: MakeMLP) -> None:
    x, y = regression
    x = x.clone()
    x[40, 1] = math.nan  # one bad row: one bad batch per epoch
    model = mlp()
    trainer = Trainer(model, nn.MSELoss(), guards=Guards(nonfinite="skip_batch"))
    with pytest.warns(TrainguardWarning, match="skipped 1 of 4 batches") as record:
        history = trainer.fit((x, y), epochs=3)
    assert len([w for w in record if "skipped" in str(w.message)]) == 1, "reported once per fit"
    frame = history.to_frame()
    assert frame["nonfinite_skipped"].tolist() == [1, 1, 1]
    assert frame["loss"].notna().all() and frame["loss"].iloc[-1] < frame["loss"].iloc[0]
    assert all_finite(model) and trainer.global_step == 12


def test_reduce_lr_divides_the_learning_rate_by_ten(regression: Data) -> None:
    model = Net(NaNOnCalls({3}))
    trainer = Trainer(
        model,
        nn.MSELoss(),
        optimizer=lambda p: torch.optim.SGD(p, lr=0.01),
        guards=Guards(nonfinite="reduce_lr"),
    )
    with pytest.warns(TrainguardWarning, match="learning rate: 0.001 now"):
        history = trainer.fit(regression, epochs=2)
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(0.001)
    assert history.to_frame()["lr"].tolist() == pytest.approx([0.001, 0.001])
    assert all_finite(model)


def test_reduce_lr_gives_up_after_max_reductions(regression: Data) -> None:
    # check_every=1: the step-by-step policy (the default on CPU; accelerators defer the reads)
    guards = Guards(nonfinite="reduce_lr", max_lr_reductions=2, check_every=1)
    trainer = Trainer(Net(NaNOnCalls(always=True)), nn.MSELoss(), guards=guards)
    with pytest.raises(NonFiniteError, match="already divided by 10 2 times"):
        trainer.fit(regression, epochs=1)


def test_reduce_lr_does_not_punish_the_lr_for_bad_data(regression: Data, mlp: MakeMLP) -> None:
    x, y = regression
    y = y.clone()
    y[0, 0] = math.nan
    trainer = Trainer(mlp(), nn.MSELoss(), guards=Guards(nonfinite="reduce_lr"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainguardWarning)
        trainer.fit((x, y), epochs=2)
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(1e-3)


def test_skipping_every_batch_of_an_epoch_stops(regression: Data) -> None:
    trainer = Trainer(Net(NaNOnCalls(always=True)), nn.MSELoss(), guards=Guards(nonfinite="skip_batch"))
    with pytest.raises(NonFiniteError, match="every one of the 4 batches of epoch 0 was skipped"):
        trainer.fit(regression, epochs=3)


def test_deferred_checks_keep_weights_finite_and_find_the_first_bad_step(regression: Data) -> None:
    """The accelerator path (flags read every N steps) exercised on the CPU."""
    model = Net(NaNOnCalls({6}))
    trainer = Trainer(model, nn.MSELoss(), guards=Guards(check_every=4))
    with pytest.raises(NonFiniteError, match="at epoch 1, step 5 \\(batch 1 of the epoch\\)"):
        trainer.fit(regression, epochs=3)
    assert all_finite(model), "masked gradients never reach the weights"
    assert trainer.global_step == 8, "detected at the epoch-end poll of epoch 1"


def test_deferred_check_without_the_batch_explains_how_to_localise(regression: Data) -> None:
    batches = [(regression[0][i : i + 32], regression[1][i : i + 32]) for i in range(0, 100, 32)]
    trainer = Trainer(Net(NaNOnCalls({2})), nn.MSELoss(), guards=Guards(check_every=4, max_held_bytes=0))
    with pytest.raises(NonFiniteError, match="check_every=1"):
        trainer.fit(batches, epochs=1)


def test_the_nonfinite_guard_can_be_switched_off(regression: Data) -> None:
    trainer = Trainer(Net(NaNOnCalls({1})), nn.MSELoss(), guards=Guards(nonfinite=None))
    history = trainer.fit(regression, epochs=1)
    assert math.isnan(history.history["loss"][0])
    assert "grad_norm" not in history.history


def test_deferred_checks_read_the_device_a_few_times_per_epoch_not_per_step(
    regression: Data, mlp: MakeMLP, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On accelerators every host read stalls the GPU; the deferred path reads only at polls."""
    trainer = Trainer(
        mlp(), nn.MSELoss(), optimizer=lambda p: torch.optim.SGD(p, lr=0.01), guards=Guards(check_every=25)
    )
    reads = {"n": 0}
    for name in ("item", "tolist", "__bool__", "__float__"):
        original = getattr(torch.Tensor, name)

        def counting(self, *args, _original=original, **kwargs):
            reads["n"] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, counting)
    trainer.fit(regression, epochs=2, batch_size=4)  # 25 steps per epoch
    monkeypatch.undo()
    assert trainer.global_step == 50
    assert reads["n"] <= 6, f"{reads['n']} host reads for 50 steps"


@pytest.mark.parametrize(
    "make_scheduler",
    [
        lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=8),
        lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0 / (1 + step)),
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=8),
    ],
)
def test_reduce_lr_survives_a_running_schedule(make_scheduler, regression: Data) -> None:
    """A scheduler that recomputes lr from its anchors must not undo the guard's reduction."""
    from trainguard.nn import LRScheduler

    def lrs_seen(nan_calls: set[int]) -> list[float]:
        seen: list[float] = []

        class LRLog(Callback):
            def on_batch_begin(self, step, logs=None) -> None:
                seen.append(self.trainer.optimizer.param_groups[0]["lr"])

        trainer = Trainer(
            Net(NaNOnCalls(nan_calls)),
            nn.MSELoss(),
            optimizer=lambda p: torch.optim.SGD(p, lr=0.1),
            callbacks=[LRScheduler(make_scheduler, interval="step"), LRLog()],
            guards=Guards(nonfinite="reduce_lr", check_every=1),  # step-by-step, on any device
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TrainguardWarning)
            trainer.fit(regression, epochs=2)
        return seen

    clean, reduced = lrs_seen(set()), lrs_seen({3})
    assert reduced[:3] == pytest.approx(clean[:3])
    assert reduced[3:] == pytest.approx([lr / 10 for lr in clean[3:]])


def test_the_adapters_flat_gradient_read_matches_the_per_tensor_norms() -> None:
    from trainguard.nn.guards.step import flat_norm_fits, step_values

    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 1))
    nn.functional.mse_loss(module(torch.randn(32, 20)), torch.randn(32, 1)).backward()
    params = list(module.parameters())
    grads = [p.grad for p in params]
    assert flat_norm_fits(params) and not flat_norm_fits([torch.zeros(1 << 17)])
    assert not flat_norm_fits([torch.zeros(3, dtype=torch.float16)])
    loss = torch.tensor(0.25)
    flat, per_tensor = step_values(loss, grads, flat=True), step_values(loss, grads)
    assert flat[0] == per_tensor[0] == 0.25 and flat[1] == pytest.approx(per_tensor[1], rel=1e-6)
    for bad in (math.nan, math.inf):
        grads[1][0] = bad
        assert not math.isfinite(step_values(None, grads, flat=True)[1])
    grads[1][0] = 1e30  # its square overflows float32: the per-tensor norms answer instead
    assert step_values(None, grads, flat=True) == step_values(None, grads)
