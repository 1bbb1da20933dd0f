"""Structural checks of neural-network code (TG4xx) and of random seeding (TG503).

These look at the shape of the code rather than at which rows a value holds: the last layer of a
model and the loss it is trained with, what a training loop calls, how a batch generator ends. Each
scope (the module, each function) is read in order with a small map from names to the expression
last assigned to them, falling back to module-level names. The index built here (calls, classes,
generator functions, scopes and the resolvers over them) is shared with the rule modules that read
structure themselves, as ``Analysis.structure`` (trainguard/lint/analysis.py).
"""

from __future__ import annotations

import ast
import re
from functools import cached_property
from operator import attrgetter

from trainguard.lint.astutil import const, dotted, keyword, name_of
from trainguard.lint.dataflow import Hit
from trainguard.lint.tree import TreeIndex, walk

LOGIT_LOSSES = {"BCEWithLogitsLoss": "sigmoid", "CrossEntropyLoss": "softmax"}
PROB_LOSSES = {"BCELoss": "sigmoid", "NLLLoss": "log_softmax"}
ACTIVATIONS = {
    "Sigmoid": "sigmoid",
    "sigmoid": "sigmoid",
    "Softmax": "softmax",
    "softmax": "softmax",
    "LogSoftmax": "log_softmax",
    "log_softmax": "log_softmax",
}
DROPOUT_BN = re.compile(r"^(Dropout\d?d?|AlphaDropout|BatchNorm\dd|BatchNorm|Dropout)$")
LAYERS_LINEAR = {"Linear", "LazyLinear", "Bilinear"}
REGRESSION_LOSSES = {"MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss"}
FUNCTIONAL_REGRESSION = {
    "mse_loss": "MSELoss",
    "l1_loss": "L1Loss",
    "smooth_l1_loss": "SmoothL1Loss",
    "huber_loss": "HuberLoss",
}
RESHAPES = {"squeeze", "unsqueeze", "view", "reshape", "flatten", "view_as", "reshape_as", "ravel"}
KERAS_PROB_LOSSES = {
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
}


# Calls that make an array whose first dimension is their first argument (or ``size=``).
ARRAY_MAKERS = {
    "rand",
    "randn",
    "random",
    "random_sample",
    "zeros",
    "ones",
    "empty",
    "full",
    "randint",
    "normal",
    "uniform",
}


def _calls(node: ast.AST, method: str) -> list[ast.Call]:
    return [
        n
        for n in walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == method
    ]


def _floors_a_division(node: ast.AST) -> bool:
    """``np.floor(n / bs)`` or ``math.floor(n / bs)``: a division rounded down."""
    return (
        isinstance(node, ast.Call)
        and name_of(node) == "floor"
        and bool(node.args)
        and isinstance(node.args[0], ast.BinOp)
        and isinstance(node.args[0].op, ast.Div)
    )


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_SCOPE_CLASSES = frozenset(SCOPES)  # ast.parse makes no subclasses of them: a set lookup of type()


class NNChecks:
    def __init__(self, tree: ast.Module, index: TreeIndex | None = None) -> None:
        self.tree = tree
        self.hits: list[Hit] = []
        # One walk of the tree feeds every check, so the cost stays linear in the size of the file.
        index = index or TreeIndex.build(tree)
        self.index = index
        self.nodes = index.nodes
        self.parents = index.parents
        # Each node's own scope: the nearest enclosing function, class, lambda or the module
        # (breadth-first order visits a parent before its children).
        self.scope_of: dict[int, ast.AST] = {}
        self.owned: dict[int, list[ast.AST]] = {id(tree): []}
        scope_of, owned, parents = self.scope_of, self.owned, self.parents  # local names: a hot loop
        for node in self.nodes[1:]:
            parent = parents[id(node)]
            scope = parent if type(parent) in _SCOPE_CLASSES else scope_of.get(id(parent), tree)
            scope_of[id(node)] = scope
            try:  # cheaper than setdefault, which makes a new list for every node
                owned[id(scope)].append(node)
            except KeyError:
                owned[id(scope)] = [node]
        self.calls = index.of_type(ast.Call)
        self.text = {id(c): dotted(c.func) for c in self.calls}
        self.classes = {n.name: n for n in index.of_type(ast.ClassDef)}
        self.module_env: dict[str, ast.AST] = {}
        for stmt in index.of_type(ast.Assign):
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                self.module_env.setdefault(stmt.targets[0].id, stmt.value)
        self.has_dropout = any(DROPOUT_BN.match(name_of(n)) for n in self.calls)
        self.added: dict[str, list[ast.AST]] = {}
        for call in self.calls:
            if (
                name_of(call) == "add"
                and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.args
            ):
                self.added.setdefault(call.func.value.id, []).append(call.args[0])

    def hit(self, code: str, node: ast.AST, detail: str) -> None:
        self.hits.append(Hit(code, node.lineno, node.col_offset, detail))

    def run(self) -> list[Hit]:
        scopes: list[ast.AST] = [self.tree, *self.index.of_type(ast.FunctionDef, ast.AsyncFunctionDef)]
        for scope in scopes:
            own = list(self._own_nodes(scope))
            if not any(isinstance(n, ast.Call) for n in own):
                continue
            env = self.scope_env(scope)
            self.loss_checks(scope, env)
            self.shape_checks(scope, env)
            self.eval_mode(scope, env)
            self.accumulation(scope, env)
        self.zero_grad()
        self.unsafe_log()
        self.half_precision()
        self.generators()
        self.keras_losses()
        self.seeding()
        return self.hits

    # ------------------------------------------------------------ helpers
    def scope_env(self, scope: ast.AST) -> dict[str, ast.AST]:
        if scope is self.tree:
            return self.module_env
        env = dict(self.module_env)
        for node in self._own_nodes(scope):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                env[node.targets[0].id] = node.value
        return env

    def env_at(self, node: ast.AST) -> dict[str, ast.AST]:
        """The assignments a name at ``node`` can refer to: its own scope's, then the module's."""
        return self.scope_env(self.scope_of.get(id(node), self.tree))

    def _own_nodes(self, scope: ast.AST) -> list[ast.AST]:
        """Nodes of a scope, not those inside nested functions, classes or lambdas."""
        return self.owned.get(id(scope), [])

    def resolve(self, node: ast.AST, env: dict[str, ast.AST], depth: int = 0) -> ast.AST:
        while isinstance(node, ast.Name) and node.id in env and depth < 5:
            node, depth = env[node.id], depth + 1
        return node

    def model_output(self, node: ast.AST, env: dict[str, ast.AST], depth: int = 0) -> str | None:
        """'sigmoid', 'softmax', 'log_softmax', 'logits' or None for the output of an expression."""
        if depth > 6:
            return None
        node = self.resolve(node, env)
        if isinstance(node, ast.Call):
            fname = name_of(node)
            if fname in ACTIVATIONS:
                return ACTIVATIONS[fname]
            if fname in ("squeeze", "view", "reshape", "flatten", "unsqueeze", "float", "to"):
                inner = node.func.value if isinstance(node.func, ast.Attribute) else None
                if inner is not None:
                    return self.model_output(inner, env, depth + 1)
            callee = node.func
            if isinstance(callee, ast.Name | ast.Attribute):
                model = self.resolve(callee, env) if isinstance(callee, ast.Name) else callee
                return self.module_output(model, env, depth + 1)
        return None

    def module_output(self, model: ast.AST, env: dict[str, ast.AST], depth: int) -> str | None:
        if isinstance(model, ast.Call):
            cname = name_of(model)
            if cname == "Sequential" and model.args:
                last = model.args[-1]
                lname = name_of(last)
                if lname in ACTIVATIONS:
                    return ACTIVATIONS[lname]
                if lname in LAYERS_LINEAR:
                    return "logits"
                return None
            if cname in LAYERS_LINEAR:
                return "logits"
            if cname in self.classes:
                return self.class_output(self.classes[cname], depth)
            if cname.endswith(".to") or cname in ("to", "cuda", "double"):
                return self.module_output(model.func.value, env, depth + 1)
            if isinstance(model.func, ast.Attribute) and model.func.attr in ("to", "cuda", "double", "float"):
                return self.module_output(self.resolve(model.func.value, env), env, depth + 1)
        return None

    def class_output(self, cls: ast.ClassDef, depth: int) -> str | None:
        forward = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "forward"), None)
        if forward is None:
            return None
        attrs: dict[str, ast.AST] = {}
        for node in walk(cls):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                t = node.targets[0]
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                    attrs[t.attr] = node.value
        returns = [n for n in walk(forward) if isinstance(n, ast.Return) and n.value is not None]
        if len(returns) != 1:
            return None
        value = returns[0].value
        local: dict[str, ast.AST] = {}
        for node in forward.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                local[node.targets[0].id] = node.value
        if isinstance(value, ast.Name) and value.id in local:
            value = local[value.id]
        if not isinstance(value, ast.Call):
            return None
        fname = name_of(value)
        if fname in ACTIVATIONS and not (
            isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name)
            and value.func.value.id == "self"
        ):
            return ACTIVATIONS[fname]
        func = value.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
            layer = attrs.get(func.attr)
            if layer is not None:
                lname = name_of(layer)
                if lname in ACTIVATIONS:
                    return ACTIVATIONS[lname]
                if lname in LAYERS_LINEAR:
                    return "logits"
                return self.module_output(layer, {}, depth + 1)
        return None

    # ------------------------------------------------------------ TG401-403
    def loss_checks(self, scope: ast.AST, env: dict[str, ast.AST]) -> None:
        for node in self._own_nodes(scope):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            loss = self.resolve(node.func, env) if isinstance(node.func, ast.Name) else node.func
            if isinstance(loss, ast.Call):
                lname = name_of(loss)
            elif isinstance(loss, ast.Attribute) and loss.attr in (
                "binary_cross_entropy_with_logits",
                "cross_entropy",
                "binary_cross_entropy",
                "nll_loss",
            ):
                lname = {
                    "binary_cross_entropy_with_logits": "BCEWithLogitsLoss",
                    "cross_entropy": "CrossEntropyLoss",
                    "binary_cross_entropy": "BCELoss",
                    "nll_loss": "NLLLoss",
                }[loss.attr]
            else:
                continue
            if lname not in LOGIT_LOSSES and lname not in PROB_LOSSES:
                continue
            out = self.model_output(node.args[0], env)
            if lname in LOGIT_LOSSES and out in ("sigmoid", "softmax", "log_softmax"):
                self.hit(
                    "TG401",
                    node,
                    f"{out} outputs go into {lname}, which applies {LOGIT_LOSSES[lname]} itself",
                )
            elif (
                lname == "BCELoss" and out == "logits" or lname == "NLLLoss" and out in ("logits", "softmax")
            ):
                self.hit(
                    "TG402",
                    node,
                    f"{out} go into {lname}, which expects "
                    f"{'probabilities' if lname == 'BCELoss' else 'log-probabilities'}",
                )
            if lname in ("CrossEntropyLoss", "NLLLoss"):
                target = node.args[1]
                if (
                    isinstance(target, ast.Call)
                    and isinstance(target.func, ast.Attribute)
                    and (
                        target.func.attr in ("float", "double", "half")
                        or target.func.attr in ("to", "type")
                        and target.args
                        and re.search(r"float|Float|double", ast.unparse(target.args[0]))
                    )
                ):
                    self.hit("TG403", node, f"float class targets go into {lname}")

    # ------------------------------------------------------------ TG406
    def shape_checks(self, scope: ast.AST, env: dict[str, ast.AST]) -> None:
        """A regression loss between a model's (N, 1) output and a 1-D target broadcasts to (N, N)."""
        for node in self._own_nodes(scope):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            loss = self.resolve(node.func, env) if isinstance(node.func, ast.Name) else node.func
            lname = (
                name_of(loss) if isinstance(loss, ast.Call) else FUNCTIONAL_REGRESSION.get(name_of(loss), "")
            )
            if isinstance(loss, ast.Attribute) and not isinstance(loss, ast.Call):
                lname = FUNCTIONAL_REGRESSION.get(loss.attr, "")
            if lname not in REGRESSION_LOSSES:
                continue
            if self.output_width(node.args[0], env) == 1 and self.target_is_1d(node.args[1], env, scope):
                self.hit(
                    "TG406",
                    node,
                    f"{lname} between a (N, 1) model output and a 1-D target broadcasts to (N, N)",
                )

    def output_width(self, node: ast.AST, env: dict[str, ast.AST], depth: int = 0) -> int | None:
        node = self.resolve(node, env)
        if depth > 5 or not isinstance(node, ast.Call):
            return None
        if isinstance(node.func, ast.Attribute) and node.func.attr in RESHAPES:
            return None
        model = self.resolve(node.func, env) if isinstance(node.func, ast.Name) else None
        return self.module_width(model, depth + 1) if model is not None else None

    def module_width(self, model: ast.AST, depth: int) -> int | None:
        if not isinstance(model, ast.Call) or depth > 6:
            return None
        name = name_of(model)
        if isinstance(model.func, ast.Attribute) and name in ("to", "cuda", "double", "float"):
            return self.module_width(self.resolve(model.func.value, self.module_env), depth + 1)
        if name in LAYERS_LINEAR:
            width = model.args[1] if len(model.args) > 1 else keyword(model, "out_features")
            value = const(width)
            return value if isinstance(value, int) else None
        if name == "Sequential":
            for layer in reversed(model.args):
                if name_of(layer) in LAYERS_LINEAR or name_of(layer) == "Sequential":
                    return self.module_width(layer, depth + 1)
                kind = name_of(layer)
                if not (kind in ACTIVATIONS or kind.startswith(("Dropout", "ReLU", "Tanh"))):
                    return None
            return None
        cls = self.classes.get(name)
        if cls is None:
            return None
        forward = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "forward"), None)
        returns = [n for n in walk(forward) if isinstance(n, ast.Return)] if forward else []
        if len(returns) != 1 or not isinstance(returns[0].value, ast.Call):
            return None
        func = returns[0].value.func
        if not (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"
        ):
            return None
        for node in walk(cls):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Attribute)
                and node.targets[0].attr == func.attr
            ):
                return self.module_width(node.value, depth + 1)
        return None

    def target_is_1d(self, node: ast.AST, env: dict[str, ast.AST], scope: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            for loop in (n for n in self._own_nodes(scope) if isinstance(n, ast.For)):
                if isinstance(loop.target, ast.Tuple):
                    names = [e.id if isinstance(e, ast.Name) else None for e in loop.target.elts]
                    if node.id in names:
                        return self.loader_column_1d(loop.iter, names.index(node.id), env)
        return self.tensor_1d(node, env, 0)

    def loader_column_1d(self, node: ast.AST, position: int, env: dict[str, ast.AST]) -> bool:
        loader = self.resolve(node, env)
        if not (isinstance(loader, ast.Call) and name_of(loader) == "DataLoader" and loader.args):
            return False
        dataset = self.resolve(loader.args[0], env)
        if not (
            isinstance(dataset, ast.Call)
            and name_of(dataset) == "TensorDataset"
            and len(dataset.args) > position
        ):
            return False
        return self.tensor_1d(dataset.args[position], env, 0)

    def tensor_1d(self, node: ast.AST, env: dict[str, ast.AST], depth: int) -> bool:
        """A tensor built from one DataFrame column (``df["price"].values``) and never reshaped."""
        if depth > 6:
            return False
        node = self.resolve(node, env) if isinstance(node, ast.Name) else node
        if isinstance(node, ast.Subscript):
            if isinstance(node.slice, ast.Tuple):  # y[:, None]
                return False
            column = const(node.slice)
            return isinstance(column, str)
        if isinstance(node, ast.Attribute):
            if node.attr in ("values",):
                return self.tensor_1d(node.value, env, depth + 1)
            return False
        if isinstance(node, ast.Call):
            name = name_of(node)
            if name in RESHAPES:
                return False
            if isinstance(node.func, ast.Attribute) and name in (
                "float",
                "to",
                "to_numpy",
                "astype",
                "double",
                "cuda",
                "numpy",
            ):
                return self.tensor_1d(node.func.value, env, depth + 1)
            if (
                name in ("tensor", "from_numpy", "as_tensor", "FloatTensor", "Tensor", "asarray", "array")
                and node.args
            ):
                return self.tensor_1d(node.args[0], env, depth + 1)
        return False

    def keras_losses(self) -> None:
        for node in self.calls:
            if name_of(node) != "compile":
                continue
            loss = keyword(node, "loss")
            if loss is None or not isinstance(node.func, ast.Attribute):
                continue
            if isinstance(loss, ast.Name):  # loss_fn = keras.losses.SparseCategoricalCrossentropy(...)
                loss = self.assigned_before(loss.id, node) or loss
            model = self.resolve(node.func.value, self.module_env)
            act = self.keras_output(model, node.func.value)
            if act is None:
                continue
            lname = const(loss) if isinstance(loss, ast.Constant) else name_of(loss)
            from_logits = const(keyword(loss, "from_logits")) is True if isinstance(loss, ast.Call) else False
            if lname not in KERAS_PROB_LOSSES:
                continue
            if from_logits and act in ("sigmoid", "softmax"):
                self.hit("TG401", node, f"the last layer applies {act} and the loss has from_logits=True")
            elif not from_logits and act == "logits":
                self.hit(
                    "TG402",
                    node,
                    f"the last layer is linear and {lname} expects probabilities (from_logits is False)",
                )

    def assigned_before(self, name: str, node: ast.AST) -> ast.AST | None:
        """The value last assigned to ``name`` in the scope of ``node``, above it."""
        scope = self.scope_of.get(id(node), self.tree)
        value, line = None, -1
        for other in self._own_nodes(scope):
            if (
                isinstance(other, ast.Assign)
                and line < other.lineno < node.lineno
                and len(other.targets) == 1
                and isinstance(other.targets[0], ast.Name)
                and other.targets[0].id == name
            ):
                value, line = other.value, other.lineno
        return value

    def keras_output(self, model: ast.AST, name_node: ast.AST) -> str | None:
        layers: list[ast.AST] = []
        if (
            isinstance(model, ast.Call)
            and name_of(model) == "Sequential"
            and model.args
            and isinstance(model.args[0], ast.List)
        ):
            layers = list(model.args[0].elts)
        if isinstance(model, ast.Call) and name_of(model) == "Model":  # functional: Model(inputs, outputs)
            outputs = keyword(model, "outputs") or (model.args[1] if len(model.args) > 1 else None)
            if isinstance(outputs, ast.Name):
                outputs = self.assigned_before(outputs.id, model)
            if isinstance(outputs, ast.Call) and isinstance(outputs.func, ast.Call):
                layers = [outputs.func]  # Dense(10, activation="softmax")(x): the layer is the callee
        if isinstance(name_node, ast.Name):
            layers += self.added.get(name_node.id, [])
        if not layers:
            return None
        last = layers[-1]
        if not isinstance(last, ast.Call):
            return None
        lname = name_of(last)
        if lname == "Activation" and last.args:
            act = const(last.args[0])
            return {"sigmoid": "sigmoid", "softmax": "softmax"}.get(act) if isinstance(act, str) else None
        if lname != "Dense":
            return None
        act_node = keyword(last, "activation") or (last.args[1] if len(last.args) > 1 else None)
        if act_node is None:
            return "logits"
        act = const(act_node) if isinstance(act_node, ast.Constant) else name_of(act_node)
        if act in (None, "linear"):
            return "logits" if act == "linear" or act_node is None else None
        return {"sigmoid": "sigmoid", "softmax": "softmax"}.get(act, "other")

    # ------------------------------------------------------------ TG411
    def zero_grad(self) -> None:
        """An optimizer step inside a loop with a backward pass, where no enclosing loop clears gradients."""
        if not any(self.text[id(c)].endswith(".backward") for c in self.calls):
            return
        for step in self.calls:
            if not (self.text[id(step)].endswith(".step") and re.search(r"opt", self.text[id(step)], re.I)):
                continue
            loops = []
            node = self.parents.get(id(step))
            while node is not None and not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module
            ):
                if isinstance(node, ast.For | ast.While | ast.AsyncFor):
                    loops.append(node)
                node = self.parents.get(id(node))
            if not loops or not _calls(loops[0], "backward"):
                continue
            if any(
                _calls(loop, "zero_grad")
                or any(
                    isinstance(n, ast.Attribute) and n.attr == "grad" and isinstance(n.ctx, ast.Store)
                    for n in walk(loop)
                )
                for loop in loops
            ):
                continue
            self.hit("TG411", step, "the loop steps the optimizer but never calls zero_grad()")

    # ------------------------------------------------------------ TG412
    def eval_mode(self, scope: ast.AST, env: dict[str, ast.AST]) -> None:
        # Only calls and with-blocks are read below: sorting just those (a stable sort) keeps their order.
        nodes = sorted(
            (n for n in self._own_nodes(scope) if isinstance(n, ast.Call | ast.With | ast.AsyncWith)),
            key=attrgetter("lineno", "col_offset"),
        )
        modes: dict[str, list[tuple[int, str]]] = {}
        for n in nodes:
            if (
                isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and n.func.attr in ("train", "eval")
                and not n.args
                and isinstance(n.func.value, ast.Name)
            ):
                if n.func.attr == "train" and n.keywords:
                    continue
                modes.setdefault(n.func.value.id, []).append((n.lineno, n.func.attr))
        for n in nodes:
            if not isinstance(n, ast.With | ast.AsyncWith):
                continue
            if not any(name_of(i.context_expr) in ("no_grad", "inference_mode") for i in n.items):
                continue
            for call in (c for c in walk(n) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)):
                model = call.func.id
                history = [m for line, m in modes.get(model, []) if line <= call.lineno]
                if history and history[-1] == "train":
                    self.hit(
                        "TG412",
                        call,
                        f"{model} is still in training mode ({model}.train() was called, "
                        f"{model}.eval() was not)",
                    )
                    break
                if not history and self.has_dropout and model in modes and scope is not self.tree:
                    self.hit(
                        "TG412", call, f"{model} has dropout/batch norm and is evaluated without .eval()"
                    )
                    break

    # ------------------------------------------------------------ TG413
    def accumulation(self, scope: ast.AST, env: dict[str, ast.AST]) -> None:
        own = list(self._own_nodes(scope))
        losses = {
            c.func.value.id
            for c in own
            if isinstance(c, ast.Call)
            and isinstance(c.func, ast.Attribute)
            and c.func.attr == "backward"
            and isinstance(c.func.value, ast.Name)
        }
        for n in own:
            if (
                isinstance(n, ast.Assign)
                and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Name)
                and isinstance(n.value, ast.Call)
                and "loss" in n.targets[0].id.lower()
            ):
                callee = (
                    self.resolve(n.value.func, env) if isinstance(n.value.func, ast.Name) else n.value.func
                )
                if (
                    name_of(callee).endswith(("Loss", "loss", "criterion"))
                    or name_of(n.value).endswith(("Loss", "loss", "criterion"))
                    or "loss" in name_of(n.value).lower()
                ):
                    if name_of(n.value) not in ("item", "detach", "tolist"):
                        losses.add(n.targets[0].id)
        if not losses:
            return
        quiet = {
            id(x)
            for w in own
            if isinstance(w, ast.With)
            and any(name_of(i.context_expr) in ("no_grad", "inference_mode") for i in w.items)
            for x in walk(w)
        }
        for n in own:
            if id(n) in quiet:
                continue
            if isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Add):
                used = {x.id for x in walk(n.value) if isinstance(x, ast.Name)}
                detached = any(
                    isinstance(x, ast.Attribute) and x.attr in ("item", "detach", "tolist")
                    for x in walk(n.value)
                )
                if used & losses and not detached:
                    self.hit("TG413", n, f"{', '.join(sorted(used & losses))} is added as a tensor")
            elif (
                isinstance(n, ast.Call)
                and name_of(n) == "append"
                and n.args
                and isinstance(n.args[0], ast.Name)
                and n.args[0].id in losses
            ):
                self.hit("TG413", n, f"{n.args[0].id} is appended as a tensor")

    # ------------------------------------------------------------ TG404-405
    def unsafe_log(self) -> None:
        """log of a bare value inside a loss: a function named *loss*, or an assignment to a *loss* name."""
        for call in self.calls:
            text = self.text[id(call)]
            is_log = text in ("torch.log", "np.log", "numpy.log", "tf.math.log", "K.log") or (
                text.endswith(".log") and not call.args and not text.startswith(("np.", "torch.", "math."))
            )
            if not is_log:
                continue
            arg = (
                call.args[0]
                if call.args
                else call.func.value
                if isinstance(call.func, ast.Attribute)
                else None
            )
            if arg is None or self._guarded_value(arg):
                continue
            if self._in_loss(call):
                self.hit("TG404", call, f"log of {ast.unparse(arg)} with no epsilon or clamp")

    def _guarded_value(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return True  # p + eps
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Sub)
            and isinstance(node.left, ast.Constant)
        ):
            return self._guarded_value(node.right)  # 1 - p, with p clamped to [eps, 1 - eps]
        if isinstance(node, ast.Call) and name_of(node) in (
            "clamp",
            "clip",
            "clamp_min",
            "clamp_",
            "maximum",
            "softplus",
            "exp",
        ):
            return True  # (sigmoid and softmax outputs do underflow to 0 in float32, so they are not safe)
        if isinstance(node, ast.Name):
            # a name clamped earlier in the same function: p = p.clamp(...)
            scope = self.scope_of.get(id(node), self.tree)
            for other in self._own_nodes(scope):
                if isinstance(other, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == node.id for t in other.targets
                ):
                    if any(
                        isinstance(c, ast.Call) and name_of(c) in ("clamp", "clip", "clamp_min", "maximum")
                        for c in walk(other.value)
                    ):
                        return True
                if (  # clamped in place: p.clamp_(min=eps)
                    isinstance(other, ast.Call)
                    and isinstance(other.func, ast.Attribute)
                    and other.func.attr in ("clamp_", "clip_", "clamp_min_")
                    and isinstance(other.func.value, ast.Name)
                    and other.func.value.id == node.id
                ):
                    return True
        return False

    def _in_loss(self, node: ast.AST) -> bool:
        in_loss_assignment = False
        current = self.parents.get(id(node))
        while current is not None:
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
                name = current.name.lower()
                if name.startswith("test"):  # a test computing the expected value of a loss is not a loss
                    return False
                return in_loss_assignment or "loss" in name or "criterion" in name
            if isinstance(current, ast.Assign) and any(
                isinstance(t, ast.Name) and "loss" in t.id.lower() for t in current.targets
            ):
                in_loss_assignment = True
            current = self.parents.get(id(current))
        return in_loss_assignment

    def half_precision(self) -> None:
        halves = [c for c in self.calls if self.text[id(c)].endswith(".half") and not c.args]
        if not halves or not any(self.text[id(c)].endswith(".backward") for c in self.calls):
            return
        if any(re.search(r"(GradScaler|autocast)$", self.text[id(c)]) for c in self.calls):
            return
        self.hit(
            "TG405", halves[0], "a model or batch is converted with .half() and trained without GradScaler"
        )

    # ------------------------------------------------------------ TG421-423
    @cached_property
    def generator_functions(self) -> list[tuple[ast.FunctionDef, bool]]:
        """Functions that yield, in order, each with whether it loops forever (``while True``, ``cycle``)."""
        found = []
        for func in self.index.of_type(ast.FunctionDef):
            own = self._own_nodes(func)
            if not any(isinstance(n, ast.Yield | ast.YieldFrom) for n in own):
                continue
            endless = any(isinstance(n, ast.While) and const(n.test) in (True, 1) for n in own) or any(
                isinstance(n, ast.Call) and name_of(n) in ("cycle", "repeat", "count") for n in own
            )
            found.append((func, endless))
        return found

    @cached_property
    def endless_by_name(self) -> dict[str, bool]:
        """Generator function name -> whether it loops forever; the last definition of a name wins."""
        return {func.name: endless for func, endless in self.generator_functions}

    def generators(self) -> None:
        gens = self.endless_by_name
        for func, _ in self.generator_functions:
            own = self._own_nodes(func)
            for handler in (n for n in own if isinstance(n, ast.ExceptHandler)):
                # IndexError / StopIteration are how a sequence or an iterator says "no more data".
                if handler.type is not None and name_of(handler.type) in ("IndexError", "StopIteration"):
                    continue
                if any(isinstance(s, ast.Break | ast.Return) for s in walk(handler)):
                    self.hit(
                        "TG422", handler, f"generator {func.name}() ends quietly when an exception is caught"
                    )
        for cls in self.classes.values():
            bases = {name_of(b) for b in cls.bases}
            if not bases & {"Sequence", "PyDataset"}:
                continue
            length = next(
                (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__len__"), None
            )
            if length is None:
                continue
            for ret in (n for n in walk(length) if isinstance(n, ast.Return) and n.value is not None):
                value = ret.value
                if isinstance(value, ast.Constant) and isinstance(value.value, int):
                    self.hit("TG421", ret, f"{cls.name}.__len__ returns a hard-coded {value.value}")
                elif (
                    isinstance(value, ast.BinOp)
                    and isinstance(value.op, ast.FloorDiv)
                    and "len(" in ast.unparse(value.left)
                    and "+" not in ast.unparse(value.left)
                ):
                    self.hit("TG421", ret, f"{cls.name}.__len__ rounds down, dropping the last partial batch")
                elif isinstance(value, ast.Call) and (
                    name_of(value) == "int"
                    and value.args
                    and isinstance(value.args[0], ast.BinOp)
                    and isinstance(value.args[0].op, ast.Div)
                    or name_of(value) in ("int", "floor")  # int(np.floor(len(ids) / bs)), math.floor(...)
                    and value.args
                    and _floors_a_division(value.args[0] if name_of(value) == "int" else value)
                ):
                    self.hit("TG421", ret, f"{cls.name}.__len__ rounds down, dropping the last partial batch")
        for call in (
            n
            for n in self.calls
            if name_of(n) in ("fit", "fit_generator") and keyword(n, "steps_per_epoch") is not None
        ):
            self.steps_arithmetic(call)
            epochs = const(keyword(call, "epochs"))
            if epochs == 1 or not call.args:
                continue
            source = self.resolve(call.args[0], self.module_env)
            if (
                isinstance(source, ast.Call)
                and isinstance(source.func, ast.Name)
                and gens.get(source.func.id) is False
            ):
                self.hit(
                    "TG423",
                    call,
                    f"{source.func.id}() is a finite generator: it is exhausted after the first epoch",
                )

    # ------------------------------------------------------------ TG424
    def steps_arithmetic(self, call: ast.Call) -> None:
        """``steps_per_epoch`` against the rows and batch size, when all three are numbers in the code."""
        steps = self.number(keyword(call, "steps_per_epoch"))
        if not call.args or not isinstance(steps, int):
            return
        source = self.resolve(call.args[0], self.module_env)
        parts = [*source.args, *(k.value for k in source.keywords)] if isinstance(source, ast.Call) else []
        rows = next((r for r in (self.rows_of(p) for p in parts) if r), None)
        batch = self.number(keyword(call, "batch_size"))
        if batch is None and isinstance(source, ast.Call):
            named = keyword(source, "batch_size")
            numbers = [self.number(p) for p in source.args if not self.rows_of(p)]
            batch = self.number(named) if named is not None else next((n for n in numbers if n), None)
        if not rows or not isinstance(batch, int) or batch <= 0:
            return
        full, whole = -(-rows // batch), rows // batch
        if steps not in (full, whole):
            self.hit(
                "TG424",
                call,
                f"steps_per_epoch={steps}, but {rows} rows in batches of {batch} make {full} steps: "
                f"each epoch {'skips' if steps < whole else 'repeats'} part of the data",
            )

    def number(self, node: ast.AST | None) -> int | None:
        value = const(self.resolve(node, self.module_env)) if node is not None else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def rows_of(self, node: ast.AST) -> int | None:
        """Rows of an array made in the code: ``np.random.rand(100, 10)``, ``np.zeros((100, 3))``."""
        node = self.resolve(node, self.module_env)
        if not isinstance(node, ast.Call) or name_of(node) not in ARRAY_MAKERS or not node.args:
            return None
        sized = name_of(node) in ("randint", "normal", "uniform")
        shape = keyword(node, "size") if sized else node.args[0]
        first = const(self.resolve(shape, self.module_env)) if shape is not None else None
        if isinstance(shape, ast.Tuple | ast.List) and shape.elts:
            first = self.number(shape.elts[0])
        if isinstance(first, tuple | list) and first:
            first = first[0]
        return first if isinstance(first, int) and first > 0 else None

    # ------------------------------------------------------------ TG503
    def seeding(self) -> None:
        calls, text = self.calls, self.text

        def seeded(*patterns: str) -> bool:
            searches = [re.compile(p).search for p in patterns]  # compiled once, not per call text
            return any(search(text[id(c)]) for c in calls for search in searches)

        generic = seeded(r"(^|\.)(seed_everything|set_seed|set_random_seed|seed_all|fix_seed|set_seeds)$")
        if generic:
            return
        first = sorted(calls, key=attrgetter("lineno", "col_offset"))
        backward = next((c for c in first if text[id(c)].endswith(".backward")), None)
        # Only a script that builds its own model and optimizer: a library function handed a model by
        # its caller leaves seeding to that caller.
        builds = any(re.search(r"(^|\.)optim\.\w+$", text[id(c)]) for c in calls)
        if backward is not None and builds and not seeded(r"manual_seed$"):
            self.hit("TG503", backward, "PyTorch trains without torch.manual_seed")
        compiled = next(
            (c for c in first if text[id(c)].endswith(".compile") and keyword(c, "loss") is not None), None
        )
        if compiled is not None and not seeded(r"random\.set_seed$", r"set_random_seed$"):
            self.hit("TG503", compiled, "a Keras model is trained without keras.utils.set_random_seed")

        def first_call(pattern: str) -> ast.Call | None:
            fullmatch = re.compile(pattern).fullmatch
            return next((c for c in first if fullmatch(text[id(c)])), None)

        np_draw = first_call(
            r"(np|numpy)\.random\.(rand|randn|randint|choice|shuffle|permutation|normal|uniform|random|"
            r"random_sample|binomial|poisson|exponential)"
        )
        if np_draw is not None and not seeded(r"(np|numpy)\.random\.seed$"):
            self.hit("TG503", np_draw, "np.random is used without np.random.seed")
        rng = next(
            (
                c
                for c in first
                if re.search(r"(default_rng|RandomState)$", text[id(c)]) and not c.args and not c.keywords
            ),
            None,
        )
        if rng is not None:
            self.hit("TG503", rng, f"{text[id(rng)]}() without a seed")
        py_draw = first_call(r"random\.(random|randint|choice|shuffle|sample|uniform|gauss|choices)")
        if py_draw is not None and not seeded(r"^random\.seed$") and self._imports("random"):
            self.hit("TG503", py_draw, "random is used without random.seed")

    def _imports(self, module: str) -> bool:
        return any(
            any(a.name == module and not a.asname for a in n.names) for n in self.index.of_type(ast.Import)
        )
