"""Every code example in the project's seed documents gives exactly the findings its text describes.

The seeds (``../shared/seeds/*.txt`` beside the repository) are the documents this project answers.
Their code blocks are extracted here at test time, never copied: fenced blocks where the text has
them, otherwise the runs of paragraphs that parse as Python (one seed is plain text). Elided bodies
(``class M(nn.Module):`` followed only by ``# ...``) get ``...`` so the rest of the block is checked.

``EXPECTED`` is the reading of each example's surrounding text, written by hand: wrong examples must be
flagged with the codes named, corrected ones must be clean. Reproducibility findings (TG5xx) are
compared only for seed 001, the one whose text is about seeding ("Forget to set random seeds"); the
other seeds do not speak about seeds either way. Info findings count (they are findings).

One reading departs from a seed's text, on purpose: seed 000, example 3 calls
``df['feature3'] = df['feature1'] + df['feature2']`` before the split a leak. It is a row-wise feature
(each row computed from its own values alone), which learns nothing from other rows; the project's
precision rule is that row-wise features stay clean, so the example is expected clean.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from trainguard.lint import Source, lint_source

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
FENCE = re.compile(r"```(?:python|py)?[ \t]*\n(.*?)```", re.S)

# seed prefix -> one sorted list of expected codes per code block, in order.
EXPECTED: dict[str, list[list[str]]] = {
    "000": [
        ["TG101"],  # 1: StandardScaler fit on np.random.rand data, then train_test_split
        [],  # 2: split first, scaler fit on X_train
        [],  # 3: row-wise feature (see the module docstring)
    ],
    "001": [
        # data preparation: LabelEncoder on a feature before the split is a policy note (info), and
        # both train_test_split calls lack random_state, which the text warns about
        ["TG106", "TG501", "TG501"],
        [],  # RandomForestClassifier(random_state=42) on the training rows, report on validation
        ["TG503"],  # PyTorch loop without torch.manual_seed
        ["TG101"],  # "Wrong: X_all = scaler.fit_transform(X)  # Leaks test info!"
        ["TG502", "TG502"],  # class weights / SMOTE on the training rows, unseeded forest and SMOTE
        ["TG502"],  # regularisation snippet, unseeded forest
        [],  # seeding done right
        ["TG502"],  # GridSearchCV on the training rows, one final test score; unseeded forest
    ],
    "002": [
        ["TG424"],  # steps_per_epoch = 5 for 100 rows in batches of 10
        ["TG421"],  # Sequence.__len__ returns a hard-coded 5
        ["TG422", "TG423"],  # generator swallows an exception and is finite
    ],
    "003": [
        [],  # imputer and scaler on sample data that is never split or evaluated
        [],  # skorch NaN hook
        [],  # NaN-safe custom loss
    ],
    "004": [
        [],  # make_classification, split, scaler fit on the training rows
        [],  # network definition
        [],  # BCEWithLogitsLoss on raw logits
        [],  # training loop with the test loss monitored, nothing chosen from it
    ],
}


def _parses(text: str) -> bool:
    try:
        ast.parse(textwrap.dedent(text))
    except SyntaxError:
        return False
    return True


def _is_code(paragraph: str) -> bool:
    if not _parses(paragraph):
        return False
    body = ast.parse(textwrap.dedent(paragraph)).body
    # a lone word or dotted name ("Explanation", "torch.nn") is prose that happens to parse
    return any(not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Name | ast.Attribute)) for s in body)


def _fill_elided(code: str) -> str:
    """``class M(nn.Module):`` with only a ``# ...`` comment as its body gets ``...``."""
    for _ in range(20):
        try:
            ast.parse(code)
            return code
        except SyntaxError as exc:
            if "expected an indented block" not in str(exc.msg) or not exc.lineno:
                return code
            lines = code.splitlines()
            head = lines[exc.lineno - 2] if exc.lineno >= 2 else ""
            indent = len(head) - len(head.lstrip()) + 4
            lines.insert(exc.lineno - 1, " " * indent + "...")
            code = "\n".join(lines) + "\n"
    return code


def code_blocks(text: str) -> list[str]:
    fenced = FENCE.findall(text)
    if fenced:
        return [_fill_elided(block) for block in fenced]
    blocks, current = [], []
    for paragraph in re.split(r"\n[ \t]*\n", text):
        if not paragraph.strip():
            continue
        joined = "\n\n".join([*current, paragraph])
        if current and paragraph[:1] in (" ", "\t") and _parses(joined):
            current.append(paragraph)  # an indented method after a blank line continues the block
        elif _is_code(paragraph):
            current.append(paragraph)
        elif current:
            blocks.append("\n\n".join(current))
            current = []
    if current:
        blocks.append("\n\n".join(current))
    return [_fill_elided(block) for block in blocks]


def _cases() -> list:
    if not SEEDS.is_dir():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=f"no seed folder at {SEEDS}"))]
    cases = []
    for path in sorted(SEEDS.glob("*.txt")):
        for number, block in enumerate(code_blocks(path.read_text()), start=1):
            cases.append(pytest.param(path, number, block, id=f"{path.name[:3]}-example{number}"))
    return cases


def test_every_seed_has_an_expectation_for_each_of_its_examples():
    if not SEEDS.is_dir():
        pytest.skip(f"no seed folder at {SEEDS}")
    for path in sorted(SEEDS.glob("*.txt")):
        assert len(code_blocks(path.read_text())) == len(EXPECTED[path.name[:3]]), path.name


@pytest.mark.parametrize(("path", "number", "block"), _cases())
def test_seed_example(path, number, block):
    findings = lint_source(Source(path=f"{path.name}#{number}", text=block))
    seed = path.name[:3]
    codes = sorted(f.code for f in findings if seed == "001" or not f.code.startswith("TG5"))
    assert codes == EXPECTED[seed][number - 1], [f"{f.line}: {f.code} {f.message}" for f in findings]
