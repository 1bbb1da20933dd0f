"""Checkpoint files and exact resume: what :class:`~trainguard.nn.callbacks.ModelCheckpoint` writes
and what ``Trainer.fit(resume_from=...)`` reads.

A checkpoint holds everything that decides the rest of a run: :meth:`Trainer.state_dict` (weights,
optimizer, every callback's state, the epoch and step counters, every RNG and the shuffle
generator) plus whether a callback had asked training to stop. Taken at an epoch boundary, it lets
a resumed run replay the remaining epochs bit for bit (on the CPU; on CUDA as far as the kernels
are deterministic).

**Safe to load.** A file is never unpickled: the state is split into its tensors and a JSON
*skeleton* describing the containers around them (dicts with their real key types, lists, tuples,
numbers, strings). The tensors go to ``safetensors`` when it is installed, otherwise to
``torch.save`` of a dict of tensors and strings, which is read back with ``torch.load(...,
weights_only=True)``. RNG states are converted to tensors and numbers on the way (Python's
``random.getstate()`` is a tuple of ints, NumPy's holds an array).

**Never half-written.** Files are written to a temporary name in the same directory, flushed to
disk and renamed over the old one (``os.replace`` is atomic), so a run killed mid-write leaves the
previous checkpoint intact.
"""

from __future__ import annotations

import json
import os
import pickle
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import torch
from torch import Tensor, nn

from trainguard.errors import ConfigError, TrainguardError
from trainguard.guards.base import TrainguardWarning

if TYPE_CHECKING:
    from trainguard.nn.trainer import Trainer

try:  # optional: the torch.save fallback is just as safe, safetensors is simply the common format
    import safetensors
    import safetensors.torch as safetensors_torch
except ImportError:  # pragma: no cover - depends on the environment
    safetensors = None
    safetensors_torch = None

FORMAT: Final = "trainguard.nn.checkpoint"
VERSION: Final = 1
LAST: Final = "last.ckpt"
BEST: Final = "best.ckpt"
_ZIP_MAGIC: Final = b"PK\x03\x04"  # torch.save's format
#: Callbacks whose state only records what was saved; resuming without them changes no result.
_BOOKKEEPING: Final = ("ModelCheckpoint",)

PathLike = str | os.PathLike[str]


class CheckpointError(TrainguardError):
    """A checkpoint cannot be used: missing, corrupt, unsafe, or written for another model."""


# --- encoding: nested state <-> (JSON skeleton, flat tensors) --------------------------------------
#
# Every container is a one-key JSON object naming its kind, so dict keys keep their types (the
# optimizer's state is keyed by int, and a str "0" would silently drop it) and tuples stay tuples.


def encode(state: Any) -> tuple[str, dict[str, Tensor]]:
    """Split ``state`` into a JSON skeleton and the tensors it refers to by name."""
    tensors: dict[str, Tensor] = {}
    skeleton = _encode(state, tensors, "state")
    return json.dumps(skeleton, separators=(",", ":")), tensors


def decode(skeleton: str, tensors: Mapping[str, Tensor]) -> Any:
    """Rebuild the nested state that :func:`encode` split."""
    return _decode(json.loads(skeleton), tensors)


def _encode(obj: Any, tensors: dict[str, Tensor], where: str) -> Any:
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):  # a NumPy scalar in someone's logs
        return obj.item()
    if isinstance(obj, Tensor):
        return {"T": _add_tensor(_portable_tensor(obj, where), tensors)}
    if isinstance(obj, np.ndarray):
        return {"A": _add_tensor(torch.from_numpy(np.array(obj, copy=True)), tensors)}
    if isinstance(obj, Mapping):
        return {
            "d": [[_encode(k, tensors, where), _encode(v, tensors, f"{where}.{k}")] for k, v in obj.items()]
        }
    if isinstance(obj, tuple):
        return {"t": [_encode(v, tensors, f"{where}[{i}]") for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return {"l": [_encode(v, tensors, f"{where}[{i}]") for i, v in enumerate(obj)]}
    raise ConfigError(
        f"cannot store a {type(obj).__name__} in a checkpoint (at {where})",
        where="ModelCheckpoint",
        fix="make state_dict() return only tensors, numbers, strings, None, and lists/tuples/dicts of them",
    )


def _decode(obj: Any, tensors: Mapping[str, Tensor]) -> Any:
    if not isinstance(obj, dict):
        return obj
    ((kind, value),) = obj.items()
    if kind == "T":
        return tensors[value]
    if kind == "A":
        return tensors[value].numpy()
    if kind == "d":
        return {_decode(k, tensors): _decode(v, tensors) for k, v in value}
    if kind == "t":
        return tuple(_decode(v, tensors) for v in value)
    if kind == "l":
        return [_decode(v, tensors) for v in value]
    raise ValueError(f"unknown skeleton entry {kind!r}")


def _portable_tensor(tensor: Tensor, where: str) -> Tensor:
    """A private, contiguous CPU copy: safetensors refuses shared or strided storage."""
    if tensor.layout != torch.strided:
        raise ConfigError(
            f"cannot store a {tensor.layout} tensor in a checkpoint (at {where})",
            where="ModelCheckpoint",
            fix="convert it to a dense tensor in state_dict()",
        )
    return tensor.detach().to("cpu", copy=True).contiguous()


def _add_tensor(tensor: Tensor, tensors: dict[str, Tensor]) -> str:
    name = f"t{len(tensors)}"
    tensors[name] = tensor
    return name


# --- RNG states: native objects <-> tensors and numbers ---------------------------------------------


def portable_rng(rng: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`trainguard.nn.seed.rng_state` as tensors and numbers (no tuples of 625 ints, no arrays)."""
    version, internal, gauss = rng["python"]
    kind, keys, pos, has_gauss, cached = rng["numpy"]
    out = dict(rng)
    out["python"] = {"version": version, "state": torch.tensor(internal, dtype=torch.int64), "gauss": gauss}
    out["numpy"] = {
        "kind": kind,
        "keys": torch.from_numpy(np.asarray(keys, dtype=np.int64)),
        "pos": int(pos),
        "has_gauss": int(has_gauss),
        "cached_gaussian": float(cached),
    }
    return out


def native_rng(rng: Mapping[str, Any]) -> dict[str, Any]:
    """Undo :func:`portable_rng`, giving what :func:`trainguard.nn.seed.set_rng_state` takes."""
    py, npy = rng["python"], rng["numpy"]
    out = dict(rng)
    out["python"] = (py["version"], tuple(py["state"].tolist()), py["gauss"])
    out["numpy"] = (
        npy["kind"],
        npy["keys"].numpy().astype(np.uint32),
        npy["pos"],
        npy["has_gauss"],
        npy["cached_gaussian"],
    )
    return out


# --- payload ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Encoded:
    """A checkpoint ready to write: encoded once, written to ``best`` and/or ``last``."""

    skeleton: str
    tensors: dict[str, Tensor]


def capture(trainer: Trainer) -> Encoded:
    """Snapshot the Trainer at an epoch boundary (call after every other callback's ``on_epoch_end``)."""
    state = dict(trainer.state_dict())
    state["rng"] = portable_rng(state["rng"])
    scaler = getattr(trainer, "scaler", None)  # precision="16-mixed": the loss scale is training state too
    if scaler is not None:
        state.setdefault("scaler", scaler.state_dict())
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "torch": torch.__version__,
        "optimizer_class": type(trainer.optimizer).__name__,
        "stop_training": bool(trainer.stop_training),
        "state": state,
    }
    return Encoded(*encode(payload))


# --- files ------------------------------------------------------------------------------------------


def write_checkpoint(encoded: Encoded, path: PathLike) -> Path:
    """Write atomically: a temporary file in the same directory, fsync, then ``os.replace``."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        _write_raw(encoded, tmp)
        _fsync(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return target


def _write_raw(encoded: Encoded, path: Path) -> None:
    if safetensors_torch is not None:
        metadata = {"format": FORMAT, "skeleton": encoded.skeleton}
        safetensors_torch.save_file(encoded.tensors, str(path), metadata=metadata)
    else:
        torch.save({"format": FORMAT, "skeleton": encoded.skeleton, "tensors": encoded.tensors}, path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    try:
        _fsync(directory)
    except OSError:
        pass


def resolve_checkpoint_path(path: PathLike) -> Path:
    """A checkpoint file, or a ModelCheckpoint directory meaning its ``last.ckpt``."""
    given = Path(path)
    target = given / LAST if given.is_dir() else given
    if not target.is_file():
        detail = f"the directory has no {LAST}" if given.is_dir() else "the file does not exist"
        raise CheckpointError(
            f"no checkpoint at {target} ({detail})",
            where="fit(resume_from=...)",
            fix=f"pass a file written by ModelCheckpoint or its directory (which holds {LAST}), "
            "or drop resume_from to start from scratch",
        )
    return target


def read_checkpoint(path: PathLike) -> dict[str, Any]:
    """Load and validate a checkpoint file without ever unpickling Python objects."""
    target = Path(path)
    try:
        fmt, skeleton, tensors = _read_raw(target)
        if fmt != FORMAT:
            raise _not_ours(target)
        payload = decode(skeleton, tensors)
        _check_payload(payload, target)
    except CheckpointError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the reader says, the file is unusable
        raise _corrupt(target, exc) from exc
    return payload


def _read_raw(path: Path) -> tuple[Any, str, Mapping[str, Tensor]]:
    with open(path, "rb") as f:
        head = f.read(9)
    if head.startswith(_ZIP_MAGIC):
        return _read_torch(path)
    if len(head) == 9 and head[8:9] == b"{":
        return _read_safetensors(path)
    raise _corrupt(path, ValueError("neither a safetensors nor a torch.save file"))


def _read_torch(path: Path) -> tuple[Any, str, Mapping[str, Tensor]]:
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "weights only" not in str(exc).lower():
            raise
        raise CheckpointError(
            f"{path} holds arbitrary Python objects, which trainguard refuses to unpickle",
            where="fit(resume_from=...)",
            fix="resume only from files written by ModelCheckpoint; never load an untrusted pickle",
        ) from None
    if not isinstance(obj, dict) or "skeleton" not in obj:
        raise _not_ours(path)
    return obj.get("format"), obj["skeleton"], obj["tensors"]


def _read_safetensors(path: Path) -> tuple[Any, str, Mapping[str, Tensor]]:
    if safetensors is None:
        raise CheckpointError(
            f"{path} was written with safetensors, which is not installed here",
            where="fit(resume_from=...)",
            fix="pip install safetensors",
        )
    with safetensors.safe_open(str(path), framework="pt") as f:
        metadata = f.metadata() or {}
        tensors = {name: f.get_tensor(name) for name in f.keys()}  # noqa: SIM118 - not a dict
    if "skeleton" not in metadata:
        raise _not_ours(path)
    return metadata.get("format"), metadata["skeleton"], tensors


def _check_payload(payload: Any, path: Path) -> None:
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise _not_ours(path)
    if payload.get("version") != VERSION:
        raise CheckpointError(
            f"{path} is a version {payload.get('version')!r} checkpoint; "
            f"this trainguard reads version {VERSION}",
            where="fit(resume_from=...)",
            fix="resume with the trainguard version that wrote it",
        )
    missing = {"epoch", "global_step", "module", "optimizer", "callbacks", "rng"} - set(payload["state"])
    if missing:
        raise ValueError(f"the state lacks {sorted(missing)}")


def _corrupt(path: Path, exc: BaseException) -> CheckpointError:
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    if isinstance(exc, (zipfile.BadZipFile, EOFError)):
        reason = f"truncated ({reason})"
    return CheckpointError(
        f"{path} is corrupt or truncated: {reason}",
        where="fit(resume_from=...)",
        fix="resume from the other checkpoint in the directory (best.ckpt / last.ckpt) or start again",
    )


def _not_ours(path: Path) -> CheckpointError:
    return CheckpointError(
        f"{path} is not a trainguard checkpoint",
        where="fit(resume_from=...)",
        fix="pass a file written by ModelCheckpoint; for plain weights use "
        "module.load_state_dict(torch.load(path, weights_only=True))",
    )


# --- resume -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResumePoint:
    """A checked checkpoint, ready to put back into a Trainer once its callbacks have reset."""

    path: Path
    state: dict[str, Any]  # Trainer.load_state_dict's format, RNG states native again
    stopped: bool

    @property
    def epoch(self) -> int:
        return int(self.state["epoch"])

    @property
    def global_step(self) -> int:
        return int(self.state["global_step"])

    def remaining(self, total_epochs: int) -> int:
        """Epochs left to reach ``total_epochs``; none once a callback had stopped training."""
        return 0 if self.stopped else total_epochs - self.epoch

    def apply(self, trainer: Trainer) -> None:
        """Load everything; called after ``on_train_begin``, which would otherwise reset it."""
        try:
            trainer.load_state_dict(self.state)
            scaler = getattr(trainer, "scaler", None)
            if scaler is not None and self.state.get("scaler"):
                scaler.load_state_dict(self.state["scaler"])
        except (RuntimeError, ValueError, KeyError) as exc:
            raise CheckpointError(
                f"{self.path} does not fit this Trainer: {str(exc).splitlines()[0][:200]}",
                where="fit(resume_from=...)",
                fix="resume with the model, optimizer and callbacks that wrote the checkpoint",
            ) from exc
        trainer.stop_training = self.stopped


def open_resume(trainer: Trainer, path: PathLike, total_epochs: int) -> ResumePoint:
    """Read ``path`` and check it against ``trainer`` before anything is changed."""
    target = resolve_checkpoint_path(path)
    payload = read_checkpoint(target)
    state = payload["state"]
    check_module_matches(state["module"], trainer.module, target)
    _check_optimizer_matches(payload, trainer, target)
    _warn_dropped_callbacks(state["callbacks"], trainer, target)
    point = ResumePoint(target, {**state, "rng": native_rng(state["rng"])}, bool(payload["stop_training"]))
    if total_epochs < point.epoch:
        raise ConfigError(
            f"the checkpoint has already trained {point.epoch} epochs, more than epochs={total_epochs}",
            where="fit(epochs=..., resume_from=...)",
            fix=f"when resuming, epochs is the run's total: pass epochs >= {point.epoch}",
        )
    return point


def check_module_matches(saved: Mapping[str, Tensor], module: nn.Module, path: Path) -> None:
    """Name the first parameter or buffer whose name or shape differs between checkpoint and model."""
    current = module.state_dict()
    problem = _first_mismatch(saved, current)
    if problem is not None:
        raise CheckpointError(
            f"{path} was saved from a different model: {problem}",
            where="fit(resume_from=...)",
            fix="build the same architecture that wrote the checkpoint, or drop resume_from to start anew",
        )


def _first_mismatch(saved: Mapping[str, Tensor], current: Mapping[str, Tensor]) -> str | None:
    for name, tensor in current.items():
        if name not in saved:
            return f"parameter {name!r} is not in the checkpoint"
        if tuple(saved[name].shape) != tuple(tensor.shape):
            return (
                f"parameter {name!r} has shape {tuple(saved[name].shape)} in the checkpoint "
                f"but {tuple(tensor.shape)} in the model"
            )
    extra = next((name for name in saved if name not in current), None)
    return None if extra is None else f"the checkpoint has parameter {extra!r}, which the model lacks"


def _check_optimizer_matches(payload: Mapping[str, Any], trainer: Trainer, path: Path) -> None:
    saved_cls, ours = payload.get("optimizer_class"), type(trainer.optimizer).__name__
    saved_groups = [len(g["params"]) for g in payload["state"]["optimizer"]["param_groups"]]
    our_groups = [len(g["params"]) for g in trainer.optimizer.param_groups]
    if saved_cls != ours or saved_groups != our_groups:
        raise CheckpointError(
            f"{path} was saved with a {saved_cls} over parameter groups of sizes {saved_groups}, "
            f"this Trainer has a {ours} over {our_groups}",
            where="fit(resume_from=...)",
            fix="resume with the optimizer configuration that wrote the checkpoint",
        )


def _warn_dropped_callbacks(saved: Mapping[str, Any], trainer: Trainer, path: Path) -> None:
    """State saved for a callback this Trainer lacks is lost, so the run is no longer the same run."""
    ours = set(trainer.callbacks.state_dict())
    dropped = sorted(
        key for key, value in saved.items() if value and key not in ours and not key.startswith(_BOOKKEEPING)
    )
    if dropped:
        warnings.warn(
            f"{path} holds state for callbacks this Trainer lacks ({', '.join(dropped)}); it is ignored "
            "and the resumed run will differ from the original",
            TrainguardWarning,
            stacklevel=4,
        )
