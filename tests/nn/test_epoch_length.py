"""Epoch-length guard: a short epoch stops training, extra batches are reported, never dropped silently."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator

import pytest
import torch
from torch import nn

from trainguard.findings import Severity
from trainguard.guards.epoch_length import BY_FIRST_EPOCH, BY_LEN, BY_STEPS, declare_length
from trainguard.nn import EpochLengthError, Guards, Trainer, TrainguardWarning, check_epoch_length

Data = tuple[torch.Tensor, torch.Tensor]
MakeMLP = Callable[..., nn.Module]


def batches_of(data: Data, n: int, size: int = 32) -> list[Data]:
    x, y = data
    return [(x[i * size : (i + 1) * size], y[i * size : (i + 1) * size]) for i in range(n)]


# --- the pure decision ---------------------------------------------------------------------------


def test_matching_length_is_fine() -> None:
    assert check_epoch_length(0, 5, 5, "DataLoader") is None
    assert check_epoch_length(0, 7, None, "generator function") is None


def test_short_epoch_is_an_error_naming_epoch_received_and_expected() -> None:
    finding = check_epoch_length(2, 3, 5, "generator function", declared_by=BY_STEPS)
    assert finding is not None and finding.severity is Severity.ERROR
    assert finding.id == "epoch-too-short"
    assert "epoch 2 ended after 3 batches, but 5 were expected" in finding.message
    assert finding.evidence["received"] == 3 and finding.evidence["expected"] == 5
    causes = "\n".join(finding.evidence["details"])
    assert "floor instead of ceil" in causes and "exception caught inside the generator" in causes


def test_short_epoch_shows_the_floor_ceil_arithmetic_when_sizes_are_known() -> None:
    finding = check_epoch_length(0, 3, 4, "tensors", declared_by=BY_STEPS, n_samples=100, batch_size=32)
    assert finding is not None
    assert "ceil(100/32) = 4 batches (floor: 100 // 32 = 3)" in "\n".join(finding.evidence["details"])


@pytest.mark.parametrize(
    ("kind", "declared_by", "cause"),
    [
        ("iterator", BY_STEPS, "not infinite"),
        ("Sequence", BY_LEN, "__len__ reports 5 but iteration yields 3"),
        ("generator function", BY_FIRST_EPOCH, "state used up by an earlier epoch"),
    ],
)
def test_causes_depend_on_the_source_and_how_the_length_was_declared(
    kind: str, declared_by: str, cause: str
) -> None:
    finding = check_epoch_length(1, 3, 5, kind, declared_by=declared_by)
    assert finding is not None and cause in "\n".join(finding.evidence["details"])


def test_extra_batches_are_a_warning_with_the_count() -> None:
    finding = check_epoch_length(0, 7, 5, "Sequence", declared_by=BY_LEN)
    assert finding is not None and finding.severity is Severity.WARNING
    assert finding.id == "epoch-extra-batches" and finding.evidence["extra"] == 2
    assert "yielded 2 batches beyond the 5 declared" in finding.message
    capped = check_epoch_length(0, 10, 5, "iterable", extra_is_lower_bound=True)
    assert capped is not None and "at least 5" in capped.message


def test_an_epoch_without_batches_is_an_error() -> None:
    finding = check_epoch_length(0, 0, None, "generator function")
    assert finding is not None and finding.severity is Severity.ERROR and finding.id == "epoch-empty"


def test_declared_length_prefers_steps_per_epoch_then_len() -> None:
    assert declare_length(3, 5).by == BY_STEPS and declare_length(3, 5).batches == 3
    assert declare_length(None, 5).by == BY_LEN
    assert declare_length(None, None).batches is None


# --- in the Trainer ------------------------------------------------------------------------------


def test_generator_running_dry_after_3_of_5_declared_batches(regression: Data, mlp: MakeMLP) -> None:
    def three_batches() -> Iterator[Data]:
        yield from batches_of(regression, 3)

    trainer = Trainer(mlp(), nn.MSELoss())
    with pytest.raises(EpochLengthError) as info:
        trainer.fit(three_batches, epochs=2, steps_per_epoch=5)
    message = str(info.value)
    assert "epoch 0 ended after 3 batches, but 5 were expected" in message.splitlines()[0]
    assert "steps_per_epoch" in message and "Fix:" in message
    assert trainer.findings[-1].id == "epoch-too-short"


def test_one_shot_generator_that_is_not_infinite(regression: Data, mlp: MakeMLP) -> None:
    seven = iter(batches_of(regression, 3) * 2 + batches_of(regression, 1))  # 7 batches, then dry
    with pytest.raises(EpochLengthError, match="epoch 1 ended after 2 batches, but 5 were expected") as info:
        Trainer(mlp(), nn.MSELoss()).fit(seven, epochs=3, steps_per_epoch=5)
    assert "while True" in str(info.value)


def test_sequence_whose_len_is_too_large(regression: Data, mlp: MakeMLP) -> None:
    class Batches:
        def __init__(self) -> None:
            self.batches = batches_of(regression, 3)

        def __len__(self) -> int:
            return 5  # wrong: only 3 batches exist

        def __getitem__(self, i: int) -> Data:
            return self.batches[i]  # IndexError past the end

    with pytest.raises(EpochLengthError, match="ended after 3 batches, but 5 were expected") as info:
        Trainer(mlp(), nn.MSELoss()).fit(Batches(), epochs=1)
    assert "__len__ reports 5" in str(info.value)


def test_sequence_that_slices_past_its_end_gives_empty_batches(regression: Data, mlp: MakeMLP) -> None:
    x, y = regression

    class Slicing:
        def __len__(self) -> int:
            return 5  # 100 rows at 32 per batch are 4 batches

        def __getitem__(self, i: int) -> Data:
            return x[i * 32 : (i + 1) * 32], y[i * 32 : (i + 1) * 32]  # never raises IndexError

    with pytest.raises(EpochLengthError, match="batch 4 of the 5 declared from the Sequence is empty"):
        Trainer(mlp(), nn.MSELoss()).fit(Slicing(), epochs=1)


def test_sequence_whose_len_is_too_small_reports_the_extra_batches(regression: Data, mlp: MakeMLP) -> None:
    class Batches:
        def __len__(self) -> int:
            return 3

        def __getitem__(self, i: int) -> Data:
            return batches_of(regression, 4)[i]

    trainer = Trainer(mlp(), nn.MSELoss())
    with pytest.warns(TrainguardWarning, match="yielded 1 batch beyond the 3 declared"):
        trainer.fit(Batches(), epochs=2)
    assert trainer.global_step == 6, "trains on exactly the declared length"


def test_extra_batches_are_consumed_counted_and_reported_once_per_fit(regression: Data, mlp: MakeMLP) -> None:
    def five_batches() -> Iterator[Data]:
        yield from batches_of(regression, 3) + batches_of(regression, 2)

    trainer = Trainer(mlp(), nn.MSELoss())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(five_batches, epochs=3, steps_per_epoch=4)  # n // batch_size where ceil was meant
    reported = [w for w in caught if issubclass(w.category, TrainguardWarning)]
    assert len(reported) == 1 and "yielded 1 batch beyond the 4 declared" in str(reported[0].message)
    assert trainer.global_step == 12


def test_tensors_with_too_few_steps_report_the_exact_extra(regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss())
    with pytest.warns(TrainguardWarning, match="yielded 1 batch beyond the 3 declared") as record:
        trainer.fit(regression, epochs=1, steps_per_epoch=3)
    assert "ceil(100/32) = 4" in str(record[0].message)
    assert trainer.global_step == 3


def test_tensors_with_too_many_steps_stop_with_the_arithmetic(regression: Data, mlp: MakeMLP) -> None:
    with pytest.raises(EpochLengthError, match="ended after 4 batches, but 5 were expected") as info:
        Trainer(mlp(), nn.MSELoss()).fit(regression, epochs=1, steps_per_epoch=5)
    assert "ceil(100/32) = 4 batches" in str(info.value)


def test_infinite_generator_function_cut_by_steps_per_epoch_is_not_reported(
    regression: Data, mlp: MakeMLP
) -> None:
    def endless() -> Iterator[Data]:
        while True:
            yield from batches_of(regression, 3)

    trainer = Trainer(mlp(), nn.MSELoss())
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainguardWarning)
        trainer.fit(endless, epochs=3, steps_per_epoch=2)
    assert trainer.global_step == 6


def test_generator_with_nothing_declared_that_shortens_in_epoch_two(regression: Data, mlp: MakeMLP) -> None:
    remaining = iter(range(100))  # state outside the function: used up over epochs

    def shrinking() -> Iterator[Data]:
        for _ in range(4):
            if next(remaining) >= 6:
                return
            yield batches_of(regression, 1)[0]

    trainer = Trainer(mlp(), nn.MSELoss())
    with pytest.raises(EpochLengthError, match="epoch 1 ended after 2 batches, but 4 were expected") as info:
        trainer.fit(shrinking, epochs=3)
    assert "first epoch" in str(info.value)


def test_generator_that_yields_nothing(mlp: MakeMLP) -> None:
    def nothing() -> Iterator[Data]:
        return
        yield

    with pytest.raises(EpochLengthError, match="yielded no batches"):
        Trainer(mlp(), nn.MSELoss()).fit(nothing, epochs=1)


def test_the_guard_can_be_switched_off(regression: Data, mlp: MakeMLP) -> None:
    def three_batches() -> Iterator[Data]:
        yield from batches_of(regression, 3)

    trainer = Trainer(mlp(), nn.MSELoss(), guards=Guards(epoch_length=False))
    trainer.fit(three_batches, epochs=2, steps_per_epoch=5)
    assert trainer.global_step == 6
