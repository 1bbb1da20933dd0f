"""The guard core alone: numbers in, verdicts and findings out, no framework."""

from __future__ import annotations

import math
import subprocess
import sys

from trainguard.findings import Severity
from trainguard.guards.core import (
    BatchInfo,
    CycleDetector,
    EpochInfo,
    EpochLengthGuard,
    FitInfo,
    GuardSet,
    NonFiniteGuard,
    StepInfo,
    Verdict,
)


def _run_epoch(guard: EpochLengthGuard, epoch: int, batches: int, fingerprints=None) -> list:
    found = []
    for i in range(batches):
        fp = None if fingerprints is None else fingerprints[i]
        found += guard.on_batch_end(BatchInfo(epoch, i, rows=4, fingerprint=fp))
    return found + guard.on_epoch_end(EpochInfo(epoch))


def test_core_imports_no_deep_learning_framework() -> None:
    code = (
        "import sys, trainguard.guards.core; "
        "bad = [m for m in ('torch', 'keras', 'tensorflow', 'lightning', 'skorch') if m in sys.modules]; "
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_first_epoch_sets_the_length_and_a_shorter_second_epoch_is_an_error() -> None:
    guard = EpochLengthGuard()
    guard.on_fit_start(FitInfo(source_kind="generator function"))
    assert _run_epoch(guard, 0, 5) == [] and guard.expected == 5
    (finding,) = _run_epoch(guard, 1, 3)
    assert finding.id == "epoch-too-short" and finding.severity is Severity.ERROR
    assert finding.evidence["received"] == 3 and finding.evidence["expected"] == 5


def test_declared_steps_and_an_interrupted_epoch() -> None:
    guard = EpochLengthGuard()
    guard.on_fit_start(FitInfo(steps_per_epoch=4, source_len=10))
    assert guard.expected == 4
    for i in range(2):
        guard.on_batch_end(BatchInfo(0, i))
    assert guard.on_epoch_end(EpochInfo(0, interrupted=True)) == []  # early stopping is not a short epoch
    assert _run_epoch(guard, 1, 4) == []


def test_empty_batch_is_reported_at_batch_start() -> None:
    guard = EpochLengthGuard()
    guard.on_fit_start(FitInfo(source_len=3, source_kind="Sequence"))
    assert guard.on_batch_start(BatchInfo(0, 0, rows=8)) == []
    (finding,) = guard.on_batch_start(BatchInfo(0, 2, rows=0))
    assert finding.id == "empty-batch" and "batch 2 of the 3 declared" in finding.message


def test_cycle_detector_finds_the_period_of_an_endless_stream() -> None:
    det = CycleDetector()
    stream = [f"b{i % 10}" for i in range(25)]
    periods = [p for fp in stream if (p := det.observe(fp)) is not None]
    assert periods == [10]


def test_cycle_detector_ignores_constant_and_unrepeated_data() -> None:
    det = CycleDetector()
    assert all(det.observe("same") is None for _ in range(30))
    det.reset()
    assert all(det.observe(i) is None for i in range(30))


def test_epoch_guard_reports_half_data_epochs_from_the_cycle() -> None:
    guard = EpochLengthGuard(cycles=True)
    guard.on_fit_start(FitInfo(steps_per_epoch=5, source_kind="generator"))
    stream = [f"b{i % 10}" for i in range(15)]
    found = []
    for epoch in range(3):
        found += _run_epoch(guard, epoch, 5, stream[epoch * 5 : epoch * 5 + 5])
    (finding,) = found
    assert finding.id == "epoch-data-cycle-mismatch" and finding.severity is Severity.ERROR
    assert finding.evidence["period"] == 10 and finding.evidence["expected"] == 5
    assert "50% of the data" in finding.message and "steps_per_epoch to 10" in finding.fix


def test_epoch_guard_accepts_a_cycle_equal_to_the_epoch() -> None:
    guard = EpochLengthGuard(cycles=True)
    guard.on_fit_start(FitInfo(source_len=5))
    for epoch in range(3):
        assert _run_epoch(guard, epoch, 5, [f"b{i}" for i in range(5)]) == []


def test_nonfinite_policies() -> None:
    bad = StepInfo(0, 3, 3, loss=math.nan, grad_norm=1.0)
    assert NonFiniteGuard("stop").before_optimizer_step(StepInfo(0, 0, 0, 0.5, 1.0)) is Verdict.STEP
    assert NonFiniteGuard("stop").before_optimizer_step(bad) is Verdict.STOP
    assert NonFiniteGuard("skip_batch").before_optimizer_step(bad) is Verdict.SKIP
    reduce = NonFiniteGuard("reduce_lr", max_lr_reductions=2)
    assert [reduce.before_optimizer_step(bad) for _ in range(3)] == [
        Verdict.REDUCE_LR,
        Verdict.REDUCE_LR,
        Verdict.STOP,
    ]
    assert "divided by 10 2 times" in reduce.note


def test_bad_data_is_skipped_not_answered_with_a_lower_learning_rate() -> None:
    guard = NonFiniteGuard("reduce_lr")
    assert guard.before_optimizer_step(StepInfo(0, 0, 0, math.nan, data_finite=False)) is Verdict.SKIP
    assert guard.lr_reductions == 0


def test_infinite_gradient_norm_with_finite_loss_is_bad() -> None:
    guard = NonFiniteGuard("stop")
    assert guard.before_optimizer_step(StepInfo(0, 0, 0, 0.3, grad_norm=math.inf)) is Verdict.STOP
    assert list(guard.norms) == [math.inf]


def test_the_fast_path_records_a_finite_step_and_leaves_a_bad_one_to_the_verdict() -> None:
    guard = NonFiniteGuard("skip_batch")
    assert guard.passes(0.5, 1.0) and guard.passes(None, 2.0) and guard.passes(0.4, None)
    assert (list(guard.losses), list(guard.norms)) == ([0.5, 0.4], [1.0, 2.0])
    assert not guard.passes(0.3, math.nan) and not guard.passes(math.inf, 1.0)
    assert (list(guard.losses), list(guard.norms)) == ([0.5, 0.4], [1.0, 2.0])  # nothing recorded
    assert guard.before_optimizer_step(StepInfo(0, 4, 4, 0.3, math.nan)) is Verdict.SKIP
    assert len(guard.norms) == 3 and math.isnan(guard.norms[-1])  # the bad norm recorded, once


def test_guard_set_keeps_every_finding() -> None:
    guards = GuardSet.build()
    guards.on_fit_start(FitInfo(steps_per_epoch=3))
    for i in range(2):
        guards.on_batch_end(BatchInfo(0, i))
    (finding,) = guards.on_epoch_end(EpochInfo(0))
    assert guards.findings == [finding]
