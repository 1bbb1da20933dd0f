"""TG106 categories-learned-before-split: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG106."""
    return analysis.from_dataflow("TG106")


RULE = Rule(
    code="TG106",
    name="categories-learned-before-split",
    severity=Severity.INFO,
    message="An encoder learns its list of categories from all rows before the data is split.",
    why=(
        "`OneHotEncoder`, `OrdinalEncoder`, `LabelEncoder` or `DictVectorizer` fit on every row learn "
        "which categories exist, including those seen only in the test rows. No statistic of the values "
        "is learned, so the leak is small; but the evaluation never meets an unseen category, which "
        "production will. Whether that matters is a policy choice, hence info severity: it does not fail "
        "`--fail-on warning`."
    ),
    fix=(
        "Fit the encoder on the training rows with `handle_unknown='ignore'` (or "
        "`'infrequent_if_exist'`), inside a `Pipeline`, so unseen categories are handled as they will be "
        "in production; or keep the fit on all rows on purpose and silence the line."
    ),
    example=(
        "df['city'] = LabelEncoder().fit_transform(df['city'])\n"
        "train, test = train_test_split(df, random_state=0)\n"
    ),
    clean_example=(
        "train, test = train_test_split(df, random_state=0)\n"
        "enc = OneHotEncoder(handle_unknown='ignore').fit(train[['city']])\n"
    ),
    pitfall=1,
    check=check,
)
