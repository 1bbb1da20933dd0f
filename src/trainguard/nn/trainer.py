"""Trainer: a PyTorch training loop with guards that stop silent failures.

The loop itself is ordinary (forward, loss, backward, step); what it adds is what hand-written
loops get wrong:

* **speed without host syncs**: in-memory data is batched by indexing device tensors (see
  :mod:`trainguard.nn.data`); the epoch loss and gradient norm are summed on the device and read
  once per epoch; per-batch ``logs`` carry device tensors, never ``.item()`` values.
* **guards** (:mod:`trainguard.nn.guards`): the NaN/Inf check runs *before* ``optimizer.step()``
  so a bad batch never reaches the weights; each epoch must have its declared number of batches;
  the first batch of every fit is checked against the loss function.
* **reproducibility**: the first ``fit`` seeds every RNG, and shuffling draws from the Trainer's own
  seeded generator, so two Trainers with the same seed and initial weights train identically.

The Trainer owns the state (module, optimizer, callbacks, guards, device, precision, counters) and
hands it to the loops of :mod:`trainguard.nn.loops`, which run it: ``fit`` is the FitLoop,
``evaluate`` the EvaluationLoop, ``predict`` the PredictionLoop, and ``lr_find`` the FitLoop with
one :class:`~trainguard.nn.callbacks.lr_finder.LRFinder` callback.

``trainer.epoch`` counts completed epochs and ``trainer.global_step`` processed batches (including
batches a lenient NaN policy skipped) over the Trainer's life; each ``fit(epochs=n)`` trains ``n``
more epochs. :meth:`Trainer.state_dict` gathers everything a checkpoint needs; ModelCheckpoint
writes it and ``fit(..., epochs=N, resume_from=dir)`` continues a killed run exactly, ``N`` then
being the run's total (see :mod:`trainguard.nn.checkpointing`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import torch
from torch import Tensor, nn
from torch.optim import Optimizer

from trainguard.errors import ConfigError
from trainguard.findings import Finding
from trainguard.guards.core import FitInfo, GuardSet
from trainguard.nn.callbacks.base import Callback, CallbackList
from trainguard.nn.callbacks.history import History
from trainguard.nn.callbacks.progress import ProgressBar
from trainguard.nn.checkpointing import ResumePoint, open_resume
from trainguard.nn.data import BatchSource, as_batch_source
from trainguard.nn.guards.config import Guards
from trainguard.nn.loops.evaluation import EvaluationLoop
from trainguard.nn.loops.fit import FitLoop, FitState
from trainguard.nn.loops.prediction import PredictionLoop, float_dtype
from trainguard.nn.precision import Precision, autocast_factory, make_scaler, resolve_precision
from trainguard.nn.seed import rng_state, seed_everything, set_rng_state, use_deterministic_algorithms

if TYPE_CHECKING:
    from rich.console import Console

    from trainguard.nn.lr_finder import LRFinderResult

__all__ = ["FitState", "OptimizerSpec", "Trainer", "build_optimizer", "make_fused", "resolve_device"]

OptimizerSpec = (
    Optimizer
    | type[Optimizer]
    | tuple[type[Optimizer], Mapping[str, Any]]
    | Callable[[list[nn.Parameter]], Optimizer]
    | None
)


class Trainer:
    """Train a ``torch.nn.Module`` with guards on: ``Trainer(model, nn.MSELoss()).fit((X, y), epochs=20)``.

    ``optimizer``: ``None`` (Adam, lr 1e-3), an optimizer instance, an optimizer class, a
    ``(class, kwargs)`` pair, or a callable ``params -> optimizer``. ``device="auto"`` picks CUDA when
    available. ``guards``: ``True``, ``False`` or :class:`~trainguard.nn.guards.Guards`.
    ``verbose``: 0 silent (guard warnings go through :mod:`warnings`), 1 progress bar on terminals
    and epoch lines elsewhere, 2 epoch lines only; at 1 and 2 guard warnings are printed instead.
    ``precision``: ``"32"`` (default), ``"bf16"`` (bfloat16 autocast, CUDA or CPU) or ``"16-mixed"``
    (float16 autocast with a GradScaler, CUDA only); see :mod:`trainguard.nn.precision`.
    """

    def __init__(
        self,
        module: nn.Module,
        loss: Callable[[Any, Any], Tensor],
        optimizer: OptimizerSpec = None,
        callbacks: Iterable[Callback] = (),
        seed: int | None = 0,
        device: str | torch.device = "auto",
        deterministic: bool = False,
        guards: bool | Guards = True,
        verbose: int = 0,
        precision: Precision | str = "32",
    ) -> None:
        if not isinstance(module, nn.Module):
            raise ConfigError(
                f"module must be a torch.nn.Module, got {type(module).__name__}",
                where="Trainer(module=...)",
                fix="pass the model, e.g. nn.Sequential(...)",
            )
        if not callable(loss):
            raise ConfigError(
                f"loss must be callable, got {loss!r}",
                where="Trainer(loss=...)",
                fix="pass a loss module such as nn.MSELoss() or a function (output, target) -> loss",
            )
        if not isinstance(verbose, int) or verbose < 0:
            raise ConfigError(
                f"verbose must be 0, 1 or 2, got {verbose!r}",
                where="Trainer(verbose=...)",
                fix="use verbose=1 for a progress bar",
            )
        self.device = resolve_device(device)
        self.module = module.to(self.device)
        self.loss_fn = loss
        self.guards = Guards.resolve(guards).for_device(self.device)
        self.precision = resolve_precision(precision, self.device)
        #: ``with trainer.autocast():`` runs the block in the Trainer's precision (a no-op at "32").
        self.autocast = autocast_factory(self.precision, self.device)
        #: The float16 GradScaler (``precision="16-mixed"``), else ``None``; checkpoint its state_dict().
        self.scaler = make_scaler(self.precision, self.device)
        self.seed, self.deterministic, self.verbose = seed, deterministic, verbose
        self.trainable_parameters = _trainable(module)
        self.optimizer = build_optimizer(optimizer, module, self.trainable_parameters)
        self.callbacks, self.history = _callback_list(callbacks, verbose, self)
        self.stop_training = False
        self.epoch = 0
        self.global_step = 0
        #: The current step's total gradient norm before clipping (device tensor), when computed.
        self.grad_norm: Tensor | None = None
        #: Every guard finding of this Trainer's fits, warnings and errors alike.
        self.findings: list[Finding] = []
        self.fit_state: FitState | None = None
        self._generator: torch.Generator | None = None
        self._console: Console | None = None
        self._batch_size = 32

    # --- public API ------------------------------------------------------------------------------

    def fit(
        self,
        train: Any,
        val: Any = None,
        epochs: int = 10,
        steps_per_epoch: int | None = None,
        batch_size: int = 32,
        shuffle: bool = True,
        resume_from: str | os.PathLike[str] | None = None,
    ) -> History:
        """Train ``epochs`` more epochs; returns (and keeps as ``trainer.history``) this fit's History.

        ``batch_size`` and ``shuffle`` apply to in-memory data and Datasets; DataLoaders and batch
        iterables batch themselves. ``steps_per_epoch`` declares the epoch length (required for a
        one-shot generator over several epochs).

        ``resume_from``: a :class:`~trainguard.nn.callbacks.ModelCheckpoint` file or directory (its
        ``last.ckpt``). Training continues after the checkpoint's last completed epoch, with every
        weight, optimizer/scheduler/callback state, counter and RNG as they were, so the result equals
        an uninterrupted run bit for bit on the CPU. Here ``epochs`` is the run's *total*, not "more":
        re-running the original ``fit(..., epochs=N)`` call with ``resume_from`` added finishes it.
        """
        _check_int("epochs", epochs, minimum=0)
        _check_int("batch_size", batch_size, minimum=1)
        if steps_per_epoch is not None:
            _check_int("steps_per_epoch", steps_per_epoch, minimum=1)
        resume = None if resume_from is None else open_resume(self, resume_from, epochs)
        if resume is not None:  # counters first: the fit starts at the checkpoint's epoch
            self.epoch, self.global_step, epochs = resume.epoch, resume.global_step, resume.remaining(epochs)
        self._batch_size = batch_size
        self._run_fit_loop(
            train, val, epochs, steps_per_epoch, batch_size, shuffle, self.callbacks, resume=resume
        )
        return self.history

    def lr_find(
        self,
        train: Any,
        start_lr: float = 1e-7,
        end_lr: float = 10,
        num_steps: int = 100,
        smooth: float = 0.05,
        diverge_factor: float = 4.0,
        batch_size: int | None = None,
    ) -> LRFinderResult:
        """Sweep the learning rate exponentially over ``num_steps`` batches and suggest one.

        Weights, optimizer, scaler and RNG state are restored afterwards, so the next ``fit`` starts
        exactly as if the sweep never ran. See :func:`trainguard.nn.lr_finder.lr_find`.
        """
        from trainguard.nn.lr_finder import lr_find

        return lr_find(
            self,
            train,
            start_lr=start_lr,
            end_lr=end_lr,
            num_steps=num_steps,
            smooth=smooth,
            diverge_factor=diverge_factor,
            batch_size=batch_size,
        )

    def evaluate(self, data: Any, batch_size: int | None = None) -> dict[str, float]:
        """Mean loss over ``data`` (sample-weighted), in eval mode without gradients."""
        source = self._source(data, role="evaluate", batch_size=batch_size or self._batch_size, shuffle=False)
        return EvaluationLoop(self).run(source)

    def predict(self, data: Any, batch_size: int | None = None) -> Tensor:
        """Model outputs for ``data`` (inputs alone, or batches whose targets are ignored), on the CPU."""
        source = self._source(
            data, role="predict", batch_size=batch_size or self._batch_size, shuffle=False, targets=False
        )
        return PredictionLoop(self).run(source)

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True)
        return self._console

    @console.setter
    def console(self, console: Console) -> None:
        """Send progress and verbose output elsewhere (a file, a notebook console, a test buffer)."""
        self._console = console

    def print(self, message: str) -> None:
        """Print a line for the user (callbacks use this, gated by their own ``verbose``)."""
        self.console.print(message, highlight=False, markup=False, soft_wrap=True)

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue training exactly: weights, optimizer, callbacks, counters, RNG."""
        return {
            "epoch": self.epoch,
            "global_step": self.global_step,
            "module": self.module.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "callbacks": self.callbacks.state_dict(),
            "rng": rng_state(),
            "shuffle_generator": None if self._generator is None else self._generator.get_state(),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.epoch, self.global_step = int(state["epoch"]), int(state["global_step"])
        self.module.load_state_dict(state["module"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.callbacks.load_state_dict(state.get("callbacks", {}))
        if state.get("rng") is not None:
            set_rng_state(state["rng"])
        if state.get("shuffle_generator") is not None:
            if self._generator is None:
                self._generator = torch.Generator()
            # in place: the current fit's batch sources hold this very generator
            self._generator.set_state(state["shuffle_generator"])

    # --- fit setup -------------------------------------------------------------------------------

    def _ensure_seeded(self) -> None:
        """Seed once, at the first fit, so constructing a Trainer has no global side effects."""
        if self._generator is not None:
            return
        generator = torch.Generator()
        if self.seed is not None:
            seed_everything(self.seed, self.deterministic)
            generator.manual_seed(self.seed)
        else:
            generator.seed()
            if self.deterministic:
                use_deterministic_algorithms()
        self._generator = generator

    def _source(
        self, data: Any, *, role: str, batch_size: int, shuffle: bool, targets: bool = True
    ) -> BatchSource:
        return as_batch_source(
            data,
            batch_size=batch_size,
            shuffle=shuffle,
            generator=self._generator,
            device=self.device,
            float_dtype=float_dtype(self.module),
            targets=targets,
            role=role,
        )

    def _run_fit_loop(
        self,
        train: Any,
        val: Any,
        epochs: int,
        steps_per_epoch: int | None,
        batch_size: int,
        shuffle: bool,
        callbacks: CallbackList,
        *,
        resume: ResumePoint | None = None,
        guards: Guards | None = None,
        role: str = "train",
    ) -> None:
        """The one way into the fit loop: ``fit``, and sweeps such as ``lr_find`` with their own callbacks.

        ``guards`` narrows the Trainer's guard settings for this run; ``role`` names the training
        data in error messages. Seeds first (as the first ``fit`` does) so the run shuffles alike.
        """
        self._ensure_seeded()
        state = self._start_fit(
            train, val, epochs, steps_per_epoch, batch_size, shuffle, callbacks, guards or self.guards, role
        )
        FitLoop(self, state, callbacks).run(resume)

    def _start_fit(
        self,
        train: Any,
        val: Any,
        epochs: int,
        steps_per_epoch: int | None,
        batch_size: int,
        shuffle: bool,
        callbacks: CallbackList,
        settings: Guards,
        role: str,
    ) -> FitState:
        train_source = self._source(train, role=role, batch_size=batch_size, shuffle=shuffle)
        val_source = (
            None if val is None else self._source(val, role="val", batch_size=batch_size, shuffle=False)
        )
        _check_reiterable(train_source, val_source, epochs, steps_per_epoch)
        self.trainable_parameters = _trainable(self.module)
        guards = GuardSet.build(
            settings.nonfinite,
            epoch_length=settings.epoch_length,
            loss_mismatch=settings.loss_mismatch,
            check_empty=not train_source.exact_length,
            max_lr_reductions=settings.max_lr_reductions,
            history=settings.grad_norm_history,
        )
        guards.on_fit_start(
            FitInfo(
                steps_per_epoch=steps_per_epoch,
                source_len=train_source.length() if settings.epoch_length else None,
                source_kind=train_source.kind,
                n_samples=train_source.n_samples,
                batch_size=train_source.batch_size,
            )
        )
        self.fit_state = FitState(
            train=train_source,
            val=val_source,
            first_epoch=self.epoch,
            epochs=epochs,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            guards=guards,
            needs_grad_norm=settings.nonfinite is not None or callbacks.needs_grad_norm,
            settings=settings,
        )
        self.stop_training = False
        return self.fit_state


# --- helpers -------------------------------------------------------------------------------------


def resolve_device(device: str | torch.device) -> torch.device:
    """``"auto"`` is CUDA when available, else CPU; anything else is passed to ``torch.device``."""
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ConfigError(
            f"unknown device {device!r}",
            where="Trainer(device=...)",
            fix="use 'auto', 'cpu', 'cuda' or 'cuda:1'",
        ) from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(
            "device 'cuda' was requested but CUDA is not available",
            where="Trainer(device=...)",
            fix="use device='auto' to fall back to the CPU, or install a CUDA build of torch",
        )
    return resolved


def build_optimizer(spec: OptimizerSpec, module: nn.Module, params: list[nn.Parameter]) -> Optimizer:
    """Accept every common way of naming an optimizer; default to Adam(lr=1e-3)."""
    if not params:
        raise ConfigError(
            "the module has no trainable parameters",
            where="Trainer(module=...)",
            fix="check requires_grad on the parameters you mean to train",
        )
    where, fix = "Trainer(optimizer=...)", "pass e.g. lambda params: torch.optim.SGD(params, lr=0.1)"
    if spec is None:
        return make_fused(torch.optim.Adam, params, {"lr": 1e-3})
    if isinstance(spec, Optimizer):
        _check_owns_parameters(spec, module)
        return spec
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], Mapping):
        cls, kwargs = spec
        if not (isinstance(cls, type) and issubclass(cls, Optimizer)):
            raise ConfigError(f"{cls!r} is not a torch optimizer class", where=where, fix=fix)
        return make_fused(cls, params, dict(kwargs))
    if isinstance(spec, type) and issubclass(spec, Optimizer):
        return make_fused(spec, params, {})
    if callable(spec):
        factory: Callable[..., Any] = spec
        built = factory(params)
        if not isinstance(built, Optimizer):
            raise ConfigError(
                f"the optimizer factory returned {type(built).__name__}, not an optimizer",
                where=where,
                fix=fix,
            )
        return built
    raise ConfigError(f"cannot make an optimizer from {spec!r}", where=where, fix=fix)


#: Optimizers whose fused kernel (one kernel for the whole update) computes the same math.
FUSED_OPTIMIZERS: Final = (torch.optim.Adam, torch.optim.AdamW, torch.optim.SGD)


def make_fused(cls: type[Optimizer], params: list[nn.Parameter], kwargs: dict[str, Any]) -> Optimizer:
    """``cls(params, **kwargs)``, with ``fused=True`` where torch has a fused kernel for the device.

    Only for an optimizer named as a class (the Trainer builds it, so it may pick the kernel), only
    Adam/AdamW/SGD exactly (a subclass may override the update), and never over the user's own
    ``fused``/``foreach``. The fused update is the same math in one kernel per parameter group:
    1.4x the default (foreach) Adam step on a small CPU MLP. Where torch refuses (a device or dtype
    without the kernel), the default implementation is used.
    """
    make: Callable[..., Optimizer] = cls  # subclasses take (params, **kwargs)
    if cls not in FUSED_OPTIMIZERS or "fused" in kwargs or "foreach" in kwargs:
        return make(params, **kwargs)
    try:
        return make(params, **kwargs, fused=True)
    except (RuntimeError, ValueError, TypeError):  # no fused kernel for this device/dtype
        return make(params, **kwargs)


def _check_owns_parameters(optimizer: Optimizer, module: nn.Module) -> None:
    ours = {id(p) for p in module.parameters()}
    theirs = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if not ours & theirs:
        raise ConfigError(
            "the optimizer holds none of this module's parameters",
            where="Trainer(optimizer=...)",
            fix="build the optimizer from this model's parameters, or pass a factory "
            "(lambda params: torch.optim.Adam(params, lr=1e-3)) and let the Trainer bind it",
        )


def _callback_list(
    callbacks: Iterable[Callback], verbose: int, trainer: Trainer
) -> tuple[CallbackList, History]:
    """History first (unless the user placed one), the user's callbacks, then a ProgressBar if verbose.

    Callbacks marked ``runs_last`` (ModelCheckpoint) go after all others, so a checkpoint taken at
    an epoch's end already holds what every other callback did at that epoch's end.
    """
    given = list(callbacks)
    history = next((cb for cb in given if isinstance(cb, History)), None)
    ordered = given
    if history is None:
        history = History()
        ordered = [history, *given]
    if verbose and not any(isinstance(cb, ProgressBar) for cb in ordered):
        ordered.append(ProgressBar(verbose))
    ordered.sort(key=lambda cb: bool(getattr(cb, "runs_last", False)))  # stable: order otherwise kept
    return CallbackList(ordered, trainer=trainer), history


def _check_reiterable(
    train: BatchSource, val: BatchSource | None, epochs: int, steps_per_epoch: int | None
) -> None:
    if train.one_shot and steps_per_epoch is None and epochs > 1:
        raise ConfigError(
            "train is a generator/iterator object, which can be read only once, so it cannot restart for "
            f"each of {epochs} epochs (and an infinite one would never end the first)",
            where="fit(train=...)",
            fix="pass the generator function itself (make_batches, not make_batches()) to get a fresh one "
            "each epoch, or make it infinite and pass steps_per_epoch",
        )
    if val is not None and val.one_shot:
        raise ConfigError(
            "val is a generator/iterator object, which would be used up by the first validation",
            where="fit(val=...)",
            fix="pass arrays, a DataLoader, a list of batches, or the generator function itself",
        )


def _check_int(name: str, value: Any, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(
            f"{name} must be an integer >= {minimum}, got {value!r}",
            where=f"fit({name}=...)",
            fix=f"pass a whole number, e.g. {name}={max(minimum, 1)}",
        )


def _trainable(module: nn.Module) -> list[nn.Parameter]:
    return [p for p in module.parameters() if p.requires_grad]
