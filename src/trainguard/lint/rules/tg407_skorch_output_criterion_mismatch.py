"""TG407 skorch-output-criterion-mismatch: a skorch classifier's module output does not fit its criterion.

skorch's ``NeuralNetClassifier.get_loss`` takes the log of the module's output itself when the
criterion is ``NLLLoss`` (its default): "if isinstance(self.criterion_, torch.nn.NLLLoss): y_pred =
torch.log(y_pred + eps)". So under the default the module must return probabilities (softmax), and
under ``criterion=nn.CrossEntropyLoss`` it must return logits; ``NeuralNetBinaryClassifier``'s
default ``BCEWithLogitsLoss`` wants logits too.
"""

from __future__ import annotations

import ast

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.astutil import keyword, name_of
from trainguard.lint.rule import Rule

DEFAULT_CRITERION = {"NeuralNetClassifier": "NLLLoss", "NeuralNetBinaryClassifier": "BCEWithLogitsLoss"}
# criterion -> module outputs that are wrong for it under skorch, and what skorch then does with them
WRONG_OUTPUTS = {
    "NLLLoss": {
        "logits": "takes the log of raw logits (NaN for every negative one)",
        "log_softmax": "takes the log of log-probabilities (NaN: they are negative)",
    },
    "CrossEntropyLoss": {"softmax": "applies softmax a second time", "sigmoid": "applies softmax after it"},
    "BCEWithLogitsLoss": {"sigmoid": "applies sigmoid a second time"},
}


def check(analysis: Analysis) -> list[Hit]:
    """A skorch classifier built in the file around a module whose last activation the file shows."""
    code = analysis.structure
    hits = []
    for call in code.calls:
        wrapper = name_of(call)
        if wrapper not in DEFAULT_CRITERION:
            continue
        module = call.args[0] if call.args else keyword(call, "module")
        if module is None:
            continue
        criterion_node = keyword(call, "criterion")
        criterion = DEFAULT_CRITERION[wrapper] if criterion_node is None else name_of(criterion_node)
        module = code.resolve(module, code.env_at(call))
        if isinstance(module, ast.Name) and module.id in code.classes:
            output = code.class_output(code.classes[module.id], 0)
        else:
            output = code.module_output(module, code.env_at(call), 0)
        effect = WRONG_OUTPUTS.get(criterion, {}).get(output or "")
        if effect is None:
            continue
        given = "the default " if criterion_node is None else ""
        detail = f"the module returns {output} and {wrapper} with {given}{criterion} {effect}"
        hits.append(Hit(RULE.code, call.lineno, call.col_offset, detail))
    return hits


RULE = Rule(
    code="TG407",
    name="skorch-output-criterion-mismatch",
    severity=Severity.ERROR,
    message="A skorch classifier's module returns outputs its criterion does not expect.",
    why=(
        "skorch's `NeuralNetClassifier` defaults to `NLLLoss` and takes the log of the module's output "
        "itself, so the module must end in softmax; with `criterion=nn.CrossEntropyLoss` it must return "
        "logits instead. A softmax module under `CrossEntropyLoss` is squashed twice (gradients vanish, "
        "training stalls), and logits or log-softmax under the default become NaN losses."
    ),
    fix=(
        "Keep skorch's default criterion and end `forward` with `softmax`, or pass "
        "`criterion=nn.CrossEntropyLoss` and return the last linear layer's output (for "
        "`NeuralNetBinaryClassifier`, return logits: its default criterion is `BCEWithLogitsLoss`)."
    ),
    # After public code: probml/pyprobml, deprecated/scripts/skorch_demo.py (softmax module, default
    # criterion: correct) and mateusz-kurowskiUG/projekt-inteligencja-obliczeniowa-1,
    # src/classifiers/neural_network.py (logits module with criterion=nn.CrossEntropyLoss(): correct);
    # the flagged example swaps them.
    example=(
        "class MyModule(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.dense0 = nn.Linear(20, 10)\n"
        "        self.output = nn.Linear(10, 2)\n"
        "    def forward(self, X):\n"
        "        X = torch.relu(self.dense0(X))\n"
        "        X = torch.softmax(self.output(X), dim=-1)\n"
        "        return X\n"
        "net = NeuralNetClassifier(MyModule, criterion=nn.CrossEntropyLoss, max_epochs=10)\n"
    ),
    clean_example=(
        "class MyModule(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.dense0 = nn.Linear(20, 10)\n"
        "        self.output = nn.Linear(10, 2)\n"
        "    def forward(self, X):\n"
        "        X = torch.relu(self.dense0(X))\n"
        "        X = torch.softmax(self.output(X), dim=-1)\n"
        "        return X\n"
        "net = NeuralNetClassifier(MyModule, max_epochs=10)\n"
    ),
    pitfall=11,
    check=check,
)
