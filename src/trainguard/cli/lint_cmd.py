"""``trainguard lint``: static checks of the user's own scripts and notebooks.

Exit codes follow ruff and flake8: 0 when nothing at or above ``--fail-on`` was found, 1 when
something was (by default any finding, so a pre-commit hook or CI step fails on what it prints;
``--fail-on error`` lets warnings and notes through, ``never`` only reports), and 2 for usage
errors (a path that does not exist, an unknown rule code). A file that cannot be parsed is a
``TG000`` finding, not a usage error: the other files are still checked.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from trainguard.errors import ConfigError
from trainguard.lint import BY_CODE, at_or_above, lint_paths
from trainguard.lint.docs import explain, pages
from trainguard.lint.engine import iter_files
from trainguard.lint.output import to_json, to_sarif, to_text

#: Exit status when findings at or above ``--fail-on`` were found.
EXIT_FINDINGS = 1


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="text: one `path:line:col: CODE message` per finding; json: a list of findings; "
    "sarif: SARIF 2.1.0 for code scanning.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["info", "warning", "error", "never"]),
    default="info",
    show_default=True,
    help="Exit 1 when a finding this severe or worse is found (info: any finding, as ruff does).",
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Only these rules (codes or prefixes, comma-separated: TG1,TG203).",
)
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules (codes or prefixes).")
@click.option("--explain", metavar="CODE", help="Print why a rule matters and how to fix it, then exit.")
@click.option(
    "--docs",
    "docs_dir",
    type=click.Path(path_type=str),
    metavar="DIR",
    help="Write one Markdown page per rule (and an index) to DIR, then exit.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=str), help="Write the report to this file instead of stdout."
)
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
def lint(
    paths: Sequence[str],
    fmt: str,
    fail_on: str,
    select: Sequence[str],
    ignore: Sequence[str],
    explain: str | None,
    docs_dir: str | None,
    output: str | None,
    debug: bool,
) -> None:
    """Find data leakage and training pitfalls in PATHS (.py files, .ipynb notebooks, folders)
    without running them.

    Suppress one finding with a `# trainguard: ignore[CODE]` comment on its line. `trainguard lint
    --explain TG101` says why a rule matters; the rules are listed in docs/lint/README.md.

    Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage errors.
    """
    from trainguard.cli.app import _guarded  # the group module; keeps lint_cmd importable alone

    def action() -> None:
        if explain is not None:
            _explain(explain)
            return
        if docs_dir is not None:
            _write_docs(Path(docs_dir))
            return
        if not paths:
            raise ConfigError(
                "no files or folders to lint",
                where="PATHS",
                fix="name .py files, .ipynb notebooks or folders: trainguard lint src/ notebooks/",
            )
        files = iter_files(paths)
        findings = lint_paths(files, select=select or None, ignore=ignore or None)
        text = {
            "text": lambda: to_text(findings, len(files)),
            "json": lambda: to_json(findings),
            "sarif": lambda: to_sarif(findings),
        }[fmt]()
        if output:
            from trainguard.atomic import write_text_atomically

            write_text_atomically(output, text + "\n")
        else:
            click.echo(text)
        if at_or_above(findings, fail_on):
            sys.exit(EXIT_FINDINGS)

    _guarded(debug, action)


def _explain(code: str) -> None:
    rule = BY_CODE.get(code.strip().upper())
    if rule is None:
        raise ConfigError(
            f"unknown rule code {code!r}", where="--explain", fix=f"use one of {', '.join(BY_CODE)}"
        )
    click.echo(explain(rule))


def _write_docs(folder: Path) -> None:
    from trainguard.atomic import write_text_atomically

    for name, content in pages().items():
        write_text_atomically(folder / name, content)
    click.echo(f"Wrote {len(pages())} pages to {folder}.")
