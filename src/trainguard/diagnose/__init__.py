"""Diagnosis: findings about data, splits and training, with evidence and a fix."""

from trainguard.diagnose.findings import Finding, Severity

__all__ = ["Finding", "Severity"]
