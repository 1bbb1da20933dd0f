"""Framework-neutral training guards: plain numbers in, findings and verdicts out.

:mod:`trainguard.guards.core` holds the guard objects and their hook protocol; the Trainer
(:mod:`trainguard.nn`) and the Keras, skorch and Lightning callbacks all drive these same objects.
Nothing here imports a deep-learning framework.
"""
