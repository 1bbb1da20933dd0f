"""Seeding and RNG state: one call makes a run repeatable, and the state can be saved and restored.

Seeding covers every generator a training run draws from (Python ``random``, NumPy's global
generator, torch on CPU and every CUDA device), because a run that seeds only torch still reshuffles
differently the moment some preprocessing uses NumPy.
"""

from __future__ import annotations

import os
import random
from typing import Any

import numpy as np
import torch

#: cuBLAS needs a fixed workspace to be deterministic; must be set before the first cuBLAS call.
CUBLAS_WORKSPACE = ":4096:8"


def seed_everything(seed: int, deterministic: bool = False) -> int:
    """Seed Python, NumPy and torch (CPU and CUDA); optionally force deterministic kernels.

    ``deterministic=True`` makes torch raise on operations without a deterministic implementation
    instead of silently varying between runs, and is global for the process. ``False`` leaves the
    current setting alone rather than undoing a choice made elsewhere.
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        from trainguard.errors import ConfigError

        raise ConfigError(f"seed must be an integer, got {seed!r}", where="seed", fix="pass e.g. seed=0")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    if deterministic:
        use_deterministic_algorithms()
    return seed


def use_deterministic_algorithms() -> None:
    """Deterministic kernels everywhere, including cuDNN and cuBLAS when CUDA is present."""
    if torch.cuda.is_available():
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", CUBLAS_WORKSPACE)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True)


def rng_state() -> dict[str, Any]:
    """Every global RNG's state, so a resumed run draws the same numbers as an uninterrupted one."""
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
