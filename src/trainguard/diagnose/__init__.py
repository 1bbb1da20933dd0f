"""Diagnosis: findings about data, splits and training, with evidence and a fix.

:class:`~trainguard.findings.Finding` itself lives at the top level, beside the error types, since
every layer (the training loop included) reports through it.
"""
