"""The record of a search, and re-running exactly those trials without a clock (``--replay``).

Under ``--budget`` the clock decides how many trials each family ran, where a forest stopped
growing, whether the best configuration's out-of-fold predictions were kept for the ensemble and
whether the ensemble was built. A run therefore records every decision the clock made
(:class:`SearchRecord`, saved as ``trials.json``): each family's finished trials in order (their
parameters and any length a deadline cut them to), or why it was skipped or failed, whether its
out-of-fold predictions took part in the ensemble, and whether the ensemble step ran.
:class:`ReplayEngine` then runs exactly those trials again, with nothing timed, so the same data
and config give the same leaderboard, model and test metrics. Everything else in a run is
already a function of the seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trainguard.errors import ConfigError
from trainguard.selection.engine import GROWN, KeepGoing, LocalEngine, Objective, TrialCallback

#: The version of ``trials.json``'s layout.
RECORD_FORMAT = 1


@dataclass
class FamilyRecord:
    """What the search of one family did."""

    #: Finished trials in the order they ran: ``{"params", "grown", "state"}`` (COMPLETE or PRUNED).
    trials: list[dict[str, Any]] = field(default_factory=list)
    #: The leaderboard's error for a family that was skipped or failed (then it is not re-run).
    error: str | None = None
    skipped: bool = False
    #: Whether its out-of-fold predictions were there for the ensemble to choose from.
    oof: bool = False


@dataclass
class SearchRecord:
    """Every decision the clock made in one search, by family name."""

    families: dict[str, FamilyRecord]
    #: Whether the budget left time for the ensemble step.
    ensemble: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"format": RECORD_FORMAT, "ensemble": self.ensemble,
                "families": {name: vars(family) for name, family in self.families.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> SearchRecord:
        if not isinstance(data, Mapping) or data.get("format") != RECORD_FORMAT:
            raise ConfigError("the run's trial record is missing or of an unknown format", where=where,
                              fix="replay a run written by this version of trainguard")
        families = {name: FamilyRecord(**family) for name, family in data["families"].items()}
        return cls(families, ensemble=bool(data["ensemble"]))

    def family(self, name: str) -> FamilyRecord:
        try:
            return self.families[name]
        except KeyError:
            raise ConfigError(f"the replayed run did not search {name!r}", where="--replay",
                              fix="replay with the run's own --models") from None


def finished_trials(study: Any) -> list[dict[str, Any]]:
    """The finished trials of an Optuna study, in the order they ran, as the record keeps them."""
    from optuna.trial import TrialState

    finished = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
    return [{"params": dict(t.params), "grown": dict(t.user_attrs.get(GROWN, {})), "state": t.state.name}
            for t in sorted(finished, key=lambda t: t.number)]


class ReplayEngine(LocalEngine):
    """Runs a family's recorded trials, in their order, with their parameters and lengths: no
    sampler draws, no clock (``keep_going`` and ``n_trials`` are not consulted)."""

    name = "replay"
    #: The studies are not seeded with the family's portfolio: the record already holds it.
    replays = True

    def __init__(self, record: SearchRecord) -> None:
        self.record = record

    def optimize(self, study: Any, objective: Objective, space: dict[str, Any], *, n_trials: int | None,
                 keep_going: KeepGoing, sign: float, on_trial: TrialCallback) -> None:
        for recorded in self.record.family(study.study_name).trials:
            study.enqueue_trial(recorded["params"])
            self.run_trial(study, objective, space, sign, grown=recorded["grown"])
            on_trial(study)

