"""What a lint rule is: its code, the text users read about it, and its check."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trainguard.findings import Severity

if TYPE_CHECKING:
    from trainguard.lint.analysis import Analysis, Hit

# What every rule's examples take as written before them (the docs say so): the usual imports and a
# table of features with a target. A test lints ``EXAMPLE_SETUP + example`` for every rule.
EXAMPLE_SETUP = (
    "import math\n"
    "import numpy as np\n"
    "import pandas as pd\n"
    "import torch\n"
    "from torch import nn\n"
    "from sklearn.model_selection import train_test_split\n"
    'df = pd.read_csv("data.csv")\n'
    'X, y = df.drop(columns="target"), df["target"]\n'
)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One mistake the linter finds. Each lives in its own module under ``trainguard/lint/rules/``.

    ``example`` is code the rule flags and ``clean_example`` its corrected form, both written after
    :data:`EXAMPLE_SETUP`; a test lints both, so the documentation cannot show an example the linter
    gets wrong. ``check`` turns the facts of the
    shared analysis (run once per file for all rules) into this rule's findings.
    """

    code: str
    name: str
    severity: Severity
    message: str
    why: str
    fix: str
    example: str
    clean_example: str
    check: Callable[[Analysis], Iterable[Hit]]
    pitfall: int | None = None  # entry number in the pitfall catalogue

    @property
    def module(self) -> str:
        """The name of the module that holds the rule: ``tg101_preprocessing_before_split``."""
        return f"{self.code.lower()}_{self.name.replace('-', '_')}"
