# ruff: noqa
# Rewritten from XUPT-SSS/DeepLearningCases sklearns/model_selecting/__init__.py (not copied).
"""Model selection with cross-validation and a hyperparameter grid search (see scikit-learn's guide)."""
