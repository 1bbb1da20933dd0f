"""The part every framework's TrainGuard shares, without a framework: options, findings, stops."""

from __future__ import annotations

import pytest

from trainguard.findings import Finding, Severity
from trainguard.guards.base import TrainguardWarning
from trainguard.guards.callback import GuardCallback
from trainguard.guards.epoch_length import EpochLengthError, len_too_small_finding


class Guard(GuardCallback):
    where = "test TrainGuard"


def test_init_stores_the_options_only_and_findings_are_empty_before_a_fit() -> None:
    guard = Guard("skip_batch", epoch_length=False, data_checks=False)
    assert vars(guard) == {
        "nonfinite": "skip_batch",
        "epoch_length": False,
        "loss_mismatch": True,
        "data_checks": False,
        "verbose": False,
    }
    assert guard.findings == []


def test_each_fit_builds_the_guards_the_options_ask_for_with_fresh_findings() -> None:
    guard = Guard(nonfinite=None, loss_mismatch=False)
    guards = guard._begin_fit(cycles=True)
    assert guards.nonfinite is None and guards.loss_mismatch is None
    assert guards.epoch_length is not None and guards.epoch_length.cycles is not None
    first = guard.findings
    guard._begin_fit()
    assert guard.findings is not first


def _finding(error: bool) -> Finding:
    return len_too_small_finding(
        "Rows",
        24,
        16,
        unit="samples",
        found="iterating it yields 40 samples",
        unseen="16 samples are never trained on",
        fix="make __len__ return 40",
        probe="Read a separate iterator",
        error=error,
    )


def test_an_error_finding_is_kept_and_raised_naming_the_adapter() -> None:
    guard = Guard()
    guard._begin_fit()
    finding = _finding(error=True)
    with pytest.raises(EpochLengthError) as info:
        guard._stop_if_error(finding)
    assert str(info.value).startswith(
        "test TrainGuard: Rows.__len__ returns 24, but iterating it yields 40 samples "
        "(16 samples past len()): 16 samples are never trained on."
    )
    assert "Fix: make __len__ return 40." in str(info.value)
    assert guard.findings == [finding]


def test_a_warning_finding_is_kept_and_warned_or_printed_when_verbose(capsys) -> None:
    guard = Guard()
    guard._begin_fit()
    with pytest.warns(TrainguardWarning, match=r"\[len-too-small\] Rows.__len__ returns 24"):
        guard._stop_if_error(_finding(error=False))
    loud = Guard(verbose=True)
    loud._begin_fit()
    loud._stop_if_error(_finding(error=False))
    assert "[len-too-small]" in capsys.readouterr().out
    assert [f.severity for f in guard.findings + loud.findings] == [Severity.WARNING, Severity.WARNING]
