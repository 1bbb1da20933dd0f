"""TG425 generator-without-steps: Keras `fit` on a generator, which has no length, and no `steps_per_epoch`.

Keras' own contract (the ``fit_generator`` docstring of Keras 2, kept for ``fit`` on generators in
Keras 3): "The generator is expected to loop over its data indefinitely. An epoch finishes when
`steps_per_epoch` batches have been seen by the model." A generator has no ``__len__``, so without
``steps_per_epoch`` Keras cannot know where an epoch ends.
"""

from __future__ import annotations

import ast

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.astutil import keyword, name_of
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """``fit``/``fit_generator`` whose data is a call of a generator function of the same file."""
    code = analysis.structure
    hits = []
    for call in code.calls if code.endless_by_name else ():
        if (
            name_of(call) not in ("fit", "fit_generator")
            or not isinstance(call.func, ast.Attribute)
            or not call.args
            or keyword(call, "steps_per_epoch") is not None
        ):
            continue
        source = code.resolve(call.args[0], code.env_at(call))
        if not (isinstance(source, ast.Call) and isinstance(source.func, ast.Name)):
            continue
        name = source.func.id
        endless = code.endless_by_name.get(name)
        if endless is None:
            continue
        epochs = code.number(keyword(call, "epochs"))
        if endless:
            detail = f"{name}() loops forever and fit has no steps_per_epoch: the first epoch never ends"
        elif epochs is not None and epochs > 1:
            detail = (
                f"{name}() is a finite generator trained on for {epochs} epochs without steps_per_epoch: "
                "it is exhausted after the first"
            )
        else:
            continue
        hits.append(Hit(RULE.code, call.lineno, call.col_offset, detail))
    return hits


RULE = Rule(
    code="TG425",
    name="generator-without-steps",
    severity=Severity.ERROR,
    message="A Python generator is passed to Keras `fit` without `steps_per_epoch`.",
    why=(
        "A generator has no length, so Keras cannot tell where an epoch ends: an endless generator "
        "(`while True:`, as Keras asks for) makes the first epoch run forever, and a finite one is "
        "exhausted after the first epoch, so the next ones stop with 'Your input ran out of data'."
    ),
    fix=(
        "Pass `steps_per_epoch=math.ceil(len(X) / batch_size)` with an endless generator, or give `fit` "
        "a `keras.utils.PyDataset`/`Sequence` (it has `__len__`) or a `tf.data.Dataset` instead."
    ),
    # After public code: an endless batch generator "to make the generator infinite, keras needs that"
    # (dakodako/machine-learning-venv, data_generator_test.py) handed to `fit(..., epochs=100)` with no
    # steps, and the Keras 2 `fit_generator` docstring's own example with `steps_per_epoch=10000`.
    example=(
        "def image_loader(files, batch_size):\n"
        "    while True:\n"
        "        for start in range(0, len(files), batch_size):\n"
        "            yield load_images(files[start:start + batch_size])\n"
        "model.fit(image_loader(files, 32), epochs=100)\n"
    ),
    clean_example=(
        "def image_loader(files, batch_size):\n"
        "    while True:\n"
        "        for start in range(0, len(files), batch_size):\n"
        "            yield load_images(files[start:start + batch_size])\n"
        "model.fit(image_loader(files, 32), steps_per_epoch=math.ceil(len(files) / 32), epochs=100)\n"
    ),
    pitfall=9,
    check=check,
)
