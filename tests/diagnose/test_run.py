"""The refusal: errors stop a run unless allowed; an allowed warning is kept and marked."""

import pytest

from trainguard.diagnose.run import CheckRefused, refuse, validate_allow
from trainguard.errors import ConfigError
from trainguard.findings import Finding, Severity


def _finding(check_id, severity):
    return Finding(id=check_id, severity=severity, message=f"{check_id} found", fix="drop it",
                   evidence={"column": "x"})


def test_an_error_not_allowed_stops_and_names_the_column():
    with pytest.raises(CheckRefused, match="target-leak-feature") as caught:
        refuse([_finding("target-leak-feature", Severity.ERROR)])
    assert caught.value.where == "column 'x'"


def test_allowed_findings_are_kept_and_marked_whatever_their_severity():
    findings = [_finding("target-leak-feature", Severity.ERROR),
                _finding("dominant-feature", Severity.WARNING),
                _finding("missing-values", Severity.WARNING)]
    kept = refuse(findings, validate_allow(["target-leak-feature", "dominant-feature"]))
    assert [f.evidence.get("allowed", False) for f in kept] == [True, True, False]


def test_allow_refuses_an_id_that_cannot_be_allowed_with_a_suggestion():
    with pytest.raises(ConfigError, match="did you mean post-outcome-feature"):
        validate_allow(["post-outcome-features"])
