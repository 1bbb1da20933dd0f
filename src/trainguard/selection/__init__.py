"""Model selection: each candidate's hyperparameter search on training rows, and the leaderboard.

The public entry point for people's own estimators is :func:`trainguard.search` (in
:mod:`trainguard.selection.api`); the workflow's stage is :mod:`trainguard.selection.stage`.
"""
