"""Errors a user can act on.

Every problem trainguard reports about the user's input says three things on one line: what
happened, where (a file, a column, an option), and how to fix it. The CLI prints ``str(error)``
and exits with :attr:`TrainguardError.exit_code`; anything that is *not* a ``TrainguardError`` is
a bug in trainguard and exits with 1 (``--debug`` shows the traceback either way).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2


class TrainguardError(Exception):
    """A problem with the user's input or options, explained well enough to fix it.

    ``where`` is a file path, ``column 'x'`` or ``--option``; ``fix`` is the action to take.
    """

    exit_code = EXIT_USAGE

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what.rstrip(".")
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        if self.fix:
            fix = self.fix.rstrip(".")
            text += f". Fix: {fix}" + ("" if fix.endswith(("?", "!")) else ".")
        else:
            text += "."
        return text

    def __str__(self) -> str:
        return self.message


class DataError(TrainguardError):
    """The data file or frame cannot be used as given (unreadable, empty, wrong columns)."""


class ConfigError(TrainguardError):
    """An option or a combination of options makes no sense for this data."""


class SchemaMismatchError(DataError):
    """New data does not match what the model was trained on."""
