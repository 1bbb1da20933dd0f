"""Callbacks: one small class per behaviour, hooked into the Trainer's loop.

The contract, borrowed from Keras 3 and Lightning:

* a callback resets its run state in ``on_train_begin``, so the same object can serve several fits;
* anything that must survive a resume is in ``state_dict()`` / ``load_state_dict()``;
* it talks only when its own ``verbose`` says so, through ``trainer.print``;
* it stops training by setting ``trainer.stop_training = True``, never by raising.

Batch-level ``logs`` hold 0-dim device tensors (``logs["loss"]``): converting one with ``float()``
forces a host sync, which is the callback's choice to make, not the loop's. Epoch-level ``logs``
hold plain floats. During per-batch hooks ``trainer.fit_state.batch`` is the batch being trained
on (its ``x`` and ``y`` on the device), as Lightning passes ``batch`` to its batch hooks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from trainguard.nn.trainer import Trainer

Logs = dict[str, Any]

HOOKS: Final = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_batch_begin",
    "on_batch_end",
    "on_before_optimizer_step",
    "on_lr_scaled",
    "on_exception",
)
#: The hooks that receive a step's ``logs`` dict; the Trainer builds that dict only if one is used.
BATCH_HOOKS: Final = ("on_batch_begin", "on_before_optimizer_step", "on_batch_end")


class Callback:
    """Base class: every hook is a no-op, so a callback overrides only what it needs.

    ``needs_grad_norm = True`` asks the Trainer to compute the total gradient norm each step (as
    ``trainer.grad_norm``) even when the NaN guard is off.
    """

    needs_grad_norm: bool = False
    verbose: int = 0
    trainer: Trainer | None = None

    def set_trainer(self, trainer: Trainer) -> None:
        self.trainer = trainer

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """Reset per-run state here so the callback can be reused across fits."""

    def on_train_end(self, logs: Logs | None = None) -> None:
        """Called after the last epoch when training finished without an exception."""

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        """``epoch`` counts from 0 over the Trainer's life, so it keeps increasing across fits."""

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """``logs``: ``loss``, ``val_loss`` (with validation data), ``lr``, ``time`` and guard counts."""

    def on_batch_begin(self, step: int, logs: Logs | None = None) -> None:
        """``step`` is the global step; ``logs["batch"]`` the batch index within the epoch."""

    def on_batch_end(self, step: int, logs: Logs | None = None) -> None:
        """``logs["loss"]`` is a device tensor; ``logs["skipped"]`` is True for a skipped batch."""

    def on_before_optimizer_step(self, step: int, logs: Logs | None = None) -> None:
        """Gradients are final here and the NaN guard has judged them: clip or inspect them now."""

    def on_lr_scaled(self, factor: float) -> None:
        """Every learning rate was scaled (the NaN guard's ``reduce_lr``): keep schedules in step."""

    def on_exception(self, exc: BaseException) -> None:
        """Training stopped with an exception: release resources (progress displays, files)."""

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned."""

    @property
    def state_key(self) -> str:
        """The name this callback's state is stored under in the Trainer's state dict."""
        return type(self).__name__

    def print(self, message: str) -> None:
        """Say something if this callback is verbose and attached to a Trainer."""
        if self.verbose and self.trainer is not None:
            self.trainer.print(message)


class CallbackList:
    """Dispatches each hook to the callbacks that override it, in order.

    Callbacks that keep the base no-op for a hook are not called at all, so a batch costs one short
    loop per hook that someone actually uses. ``batch_hooks`` says whether any callback uses a
    per-step hook at all: when none does, the Trainer skips building the step's ``logs`` and the
    three dispatches (at a few microseconds a step, that is measurable on a small model). It is
    kept current by :meth:`append`, so a callback added during a fit gets per-step hooks from the
    next step on.
    """

    def __init__(self, callbacks: Iterable[Callback] = (), trainer: Trainer | None = None) -> None:
        self.callbacks: list[Callback] = []
        self.trainer = trainer
        self._by_hook: dict[str, list[Callback]] = {hook: [] for hook in HOOKS}
        self.batch_hooks = False
        for callback in callbacks:
            self.append(callback)

    def append(self, callback: Callback) -> None:
        if not isinstance(callback, Callback):
            from trainguard.errors import ConfigError

            raise ConfigError(
                f"{callback!r} is not a Callback",
                where="Trainer(callbacks=...)",
                fix="subclass trainguard.nn.Callback and override the hooks you need",
            )
        self.callbacks.append(callback)
        for hook in HOOKS:
            if getattr(type(callback), hook) is not getattr(Callback, hook):
                self._by_hook[hook].append(callback)
        self.batch_hooks = any(self._by_hook[hook] for hook in BATCH_HOOKS)
        if self.trainer is not None:
            callback.set_trainer(self.trainer)

    def set_trainer(self, trainer: Trainer) -> None:
        self.trainer = trainer
        for callback in self.callbacks:
            callback.set_trainer(trainer)

    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    @property
    def needs_grad_norm(self) -> bool:
        return any(cb.needs_grad_norm for cb in self.callbacks)

    def on_train_begin(self, logs: Logs | None = None) -> None:
        for cb in self._by_hook["on_train_begin"]:
            cb.on_train_begin(logs)

    def on_train_end(self, logs: Logs | None = None) -> None:
        for cb in self._by_hook["on_train_end"]:
            cb.on_train_end(logs)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        for cb in self._by_hook["on_epoch_begin"]:
            cb.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        for cb in self._by_hook["on_epoch_end"]:
            cb.on_epoch_end(epoch, logs)

    def on_batch_begin(self, step: int, logs: Logs | None = None) -> None:
        for cb in self._by_hook["on_batch_begin"]:
            cb.on_batch_begin(step, logs)

    def on_batch_end(self, step: int, logs: Logs | None = None) -> None:
        for cb in self._by_hook["on_batch_end"]:
            cb.on_batch_end(step, logs)

    def on_before_optimizer_step(self, step: int, logs: Logs | None = None) -> None:
        for cb in self._by_hook["on_before_optimizer_step"]:
            cb.on_before_optimizer_step(step, logs)

    def on_lr_scaled(self, factor: float) -> None:
        for cb in self._by_hook["on_lr_scaled"]:
            cb.on_lr_scaled(factor)

    def on_exception(self, exc: BaseException) -> None:
        """Tell every callback, even if one of them fails, so displays are always torn down."""
        for cb in self._by_hook["on_exception"]:
            try:
                cb.on_exception(exc)
            except Exception:  # noqa: BLE001 - the original exception is the one to report
                pass

    def state_dict(self) -> dict[str, dict[str, Any]]:
        return {key: cb.state_dict() for key, cb in self._keyed()}

    def load_state_dict(self, state: dict[str, dict[str, Any]]) -> None:
        for key, cb in self._keyed():
            if key in state:
                cb.load_state_dict(state[key])

    def _keyed(self) -> list[tuple[str, Callback]]:
        """Stable keys: the callback's ``state_key``, with ``#2``, ``#3`` for repeats."""
        seen: dict[str, int] = {}
        keyed = []
        for cb in self.callbacks:
            seen[cb.state_key] = seen.get(cb.state_key, 0) + 1
            keyed.append(
                (cb.state_key if seen[cb.state_key] == 1 else f"{cb.state_key}#{seen[cb.state_key]}", cb)
            )
        return keyed
