"""Follow data through a script to find leakage and test-set misuse (TG1xx, TG2xx, TG3xx, TG50x).

Hand-written because no pip-installable library does this: pyright and mypy infer types, not "which
rows does this array hold"; the published notebook leakage analysis needs Soufflé and a patched
pyright. The analysis is an abstract interpretation over Python's ``ast`` in one pass, statement by
statement in execution order (notebook cells joined in order), with a small abstract value per
variable: which rows it holds (all rows, train, validation or test, and of which data source),
which leaks it carries, and what kind of object it is (a transformer, a search, a splitter ...).
Leaks ride along with the data through assignments, aliases, tuple unpacking, ``df[cols] = ...``,
``.values``/``.to_numpy()``/``np.asarray``, ``pd.concat`` and same-file helper functions (analysed
at each call with the arguments bound). A leak is reported only when the leaky data reaches a split
or cross-validation, so preparing data that is never evaluated is not a finding (precision first).
Branches are both taken in order and loops run once: linear in the size of the code.
"""

from __future__ import annotations

import ast
import builtins
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from trainguard.lint.astutil import const as _const
from trainguard.lint.astutil import keyword as _kw
from trainguard.lint.tree import TreeIndex, walk

FULL, TRAIN, TEST, VAL = "all rows", "train", "test", "validation"
# What the rounds of a loop try, when they fit and are scored on the test set (TG202).
HYPERPARAMETERS, MODELS = "hyperparameters", "models"


@dataclass(frozen=True)
class Leak:
    code: str
    line: int
    col: int
    detail: str
    column: str | None = None


@dataclass(frozen=True)
class Hit:
    """A finding before it is tied to a file: code, position, message detail, related lines."""

    code: str
    line: int
    col: int
    detail: str
    related: tuple[tuple[int, str], ...] = ()


class Position(NamedTuple):
    """Where something is in the script, 1-based line and 0-based column as in ``ast``."""

    line: int
    col: int


class Fit(NamedTuple):
    """Which rows a fitted object learnt from, and where it was fit."""

    rows: str | None
    root: int | None
    line: int
    col: int
    inputs: str = ""  # the code of the training inputs: one object refit on other features is another model


class GroupStat(NamedTuple):
    """A per-group statistic (mean or frequency encoding): where it is computed, of which table."""

    line: int
    col: int
    root: int | None
    by_target: bool = False  # the groups are the target's classes: groupby("label")[c].transform("mean")


@dataclass(eq=False)
class Val:
    """What the analysis knows about a value. Treated as immutable: change it with :func:`replace`."""

    rows: str | None = None
    root: int | None = None
    leaks: frozenset[Leak] = frozenset()
    target: bool = False
    stat: bool = False
    stat_of: int | None = None  # the root of the rows a statistic of all rows was computed from
    selstat: bool = False
    time_ordered: bool = False
    test_score: Position | None = None  # a score of the test rows, where it is computed
    model: Position | None = None  # predictions: which model made them (where it was built, else fit)
    built: Position | None = None  # a model or search: where it was constructed (one object, refit or not)
    mask: bool = False
    subset: bool = False
    source: bool = False
    indexer: bool = False
    grouped: bool = False
    grouped_target: bool = False
    target_col: bool = False
    shifted: bool = False
    kind: str | None = None
    cls: str | None = None
    qual: str | None = None
    const: Any = None
    items: tuple[Val, ...] | None = None
    func: Any = None
    shuffles: bool = False
    early_stop: bool = False
    mod: bool = False  # a module or something imported from one
    time_dir: str | None = None  # a mask on a date column: "after" (date > cut) or "before"
    partial: bool = False  # some rows, chosen by code the analysis cannot follow (X_fit = X.iloc[rows])
    elem: Val | None = None  # one element, when iterating gives structured items (KFold.split, enumerate)
    windowed: bool = False
    fitted: Fit | None = None
    pending: frozenset[Leak] = frozenset()
    draw: bool = False  # row positions drawn at random (np.random.permutation(n), rng.choice(n, k))
    position: str | None = None  # "head" (X[:k]) or "tail" (X[k:]) of a positional split
    test_stat: bool = False  # a statistic of the test rows themselves
    cv_cls: str | None = None  # the splitter a search cross-validates with
    val_named: bool = False  # the held-out rows of a single split, named as a validation set
    group_stat: GroupStat | None = None
    group_key: str | None = None  # the column a grouped value is grouped by
    group_by_target: bool = False  # grouped by the target column itself: df.groupby("label")
    date_index: bool = False  # a frame indexed by dates: sorting its index puts the rows in time order
    sampled: bool = False  # a random draw of rows: df.sample(frac=...)
    # layers of a model adapted on all rows (Keras Normalization inside Sequential): (leak, root adapted on)
    adapted: frozenset[tuple[Leak, int | None]] = frozenset()
    # A whole table as read (every column still in it): the columns dropped since; None when the
    # value is some of its columns, or its columns are unknown
    dropped: frozenset[str] | None = None
    column_name: str | None = None  # one named column of a table: df["label"], df["label"].values

    @property
    def data(self) -> bool:
        return self.rows is not None


def replace(value: Val, **changes: Any) -> Val:
    """A changed copy; ``dataclasses.replace`` re-runs ``__init__`` and was most of the run time."""
    new = object.__new__(Val)
    new.__dict__ = {**value.__dict__, **changes}
    return new


EMPTY = Val()

# Which scikit-learn / imbalanced-learn class learns from which rows, generated from the installed
# libraries by scripts/gen_lint_facts.py (the linter never imports them); the sets below add the
# third-party and old names that no installed library lists.
FACTS = json.loads((Path(__file__).with_name("sklearn_facts.json")).read_text())

TRANSFORMERS = set(FACTS["transform"]) | {
    "StandardScaler",
    "MinMaxScaler",
    "RobustScaler",
    "MaxAbsScaler",
    "QuantileTransformer",
    "PowerTransformer",
    "SimpleImputer",
    "KNNImputer",
    "IterativeImputer",
    "PCA",
    "TruncatedSVD",
    "KernelPCA",
    "FastICA",
    "NMF",
    "FactorAnalysis",
    "IncrementalPCA",
    "KBinsDiscretizer",
    "SplineTransformer",
    "TfidfVectorizer",
    "CountVectorizer",
    "TfidfTransformer",
    "ColumnTransformer",
    "make_column_transformer",
    "CountEncoder",
    "BinaryEncoder",
    "Imputer",  # scikit-learn < 0.22
    "DataFrameMapper",  # sklearn_pandas: fits each of its transformers
    "Scaler",
    "HashingEncoder",
    "Tokenizer",  # keras.preprocessing.text: fit_on_texts learns the vocabulary
    "TextVectorization",  # Keras layers learn from the rows given to adapt()
    "Normalization",
    "Discretization",
}
# Encoders that learn only the list of categories: fitting them on all rows is a policy note (TG106).
CATEGORY_ENCODERS = set(FACTS["category"]) | {"OneHotEncoder", "OrdinalEncoder", "LabelEncoder"}
TARGET_ENCODERS = set(FACTS["target_encoder"]) | {
    "TargetEncoder",
    "CatBoostEncoder",
    "WOEEncoder",
    "LeaveOneOutEncoder",
    "JamesSteinEncoder",
    "MEstimateEncoder",
    "GLMMEncoder",
}
SELECTORS = set(FACTS["select"]) | {
    "SelectKBest",
    "SelectPercentile",
    "SelectFpr",
    "SelectFdr",
    "SelectFwe",
    "GenericUnivariateSelect",
    "RFE",
    "RFECV",
    "SelectFromModel",
    "SequentialFeatureSelector",
    "BorutaPy",
    "BorutaShap",
}
# What a fitted object of each kind learns from its rows, as the rule its fit on all rows breaks.
LEARNING_KINDS = {"transform": "TG101", "select": "TG103", "target_encoder": "TG105", "category": "TG106"}
SCORE_FUNCS = {
    "mutual_info_classif",
    "mutual_info_regression",
    "f_classif",
    "f_regression",
    "chi2",
    "r_regression",
}
RESAMPLERS = set(FACTS["resample"]) | {
    "SMOTE",
    "ADASYN",
    "BorderlineSMOTE",
    "SVMSMOTE",
    "KMeansSMOTE",
    "SMOTENC",
    "SMOTEN",
    "RandomOverSampler",
    "RandomUnderSampler",
    "NearMiss",
    "TomekLinks",
    "EditedNearestNeighbours",
    "RepeatedEditedNearestNeighbours",
    "AllKNN",
    "SMOTEENN",
    "SMOTETomek",
    "ClusterCentroids",
    "CondensedNearestNeighbour",
    "OneSidedSelection",
    "NeighbourhoodCleaningRule",
    "InstanceHardnessThreshold",
}
SEARCHES = {
    "GridSearchCV",
    "RandomizedSearchCV",
    "HalvingGridSearchCV",
    "HalvingRandomSearchCV",
    "BayesSearchCV",
    "TuneSearchCV",
    "TuneGridSearchCV",
}
SPLITTERS = set(FACTS["splitters"]) | {
    "KFold",
    "StratifiedKFold",
    "GroupKFold",
    "StratifiedGroupKFold",
    "RepeatedKFold",
    "RepeatedStratifiedKFold",
    "ShuffleSplit",
    "StratifiedShuffleSplit",
    "GroupShuffleSplit",
    "TimeSeriesSplit",
    "LeaveOneOut",
    "LeavePGroupsOut",
    "LeaveOneGroupOut",
    "PredefinedSplit",
}
# scipy.stats power transforms: boxcox(x) estimates the lambda from x; *_normmax returns that lambda.
POWER_LAMBDAS = {"boxcox", "yeojohnson", "boxcox_normmax", "yeojohnson_normmax"}
# Model leaderboards: fit(X_train, X_test, y_train, y_test) fits many models and ranks them by their
# scores on the second pair of rows (lazypredict).
LEADERBOARDS = {"LazyClassifier", "LazyRegressor"}
# Keywords that take a model, not a hyperparameter value: BaggingClassifier(estimator=est).
MODEL_KEYWORDS = {
    "estimator",
    "base_estimator",
    "estimators",
    "model",
    "regressor",
    "classifier",
    "final_estimator",
}
# What a fitted model says about each feature's relation to the target.
IMPORTANCES = {"feature_importances_", "coef_"}
# Keywords that change how a model runs, not what it learns: a loop over seeds averages, it does not tune.
RUN_KEYWORDS = {"random_state", "seed", "random_seed", "n_jobs", "verbose", "verbosity", "thread_count"}
GROUP_SPLITTER_PREFIXES = ("Group", "StratifiedGroup", "LeaveOneGroup", "LeavePGroups")
# Columns naming an entity that usually has several rows (visits of a patient, sessions of a user).
GROUP_COLUMN_RE = re.compile(
    r"(^|_)(patient|subject|user|participant|person|session|device|household|family|animal|"
    r"speaker|driver|player)(_?(id|no|num|number|key))?$|(^|_)group(_?id)?$",
    re.I,
)
TIME_SPLITTERS = {
    "TimeSeriesSplit",
    "PredefinedSplit",
    "GroupTimeSeriesSplit",
    "PurgedKFold",
    "BlockingTimeSeriesSplit",
}
ALWAYS_SHUFFLE = {"ShuffleSplit", "StratifiedShuffleSplit", "RepeatedKFold", "RepeatedStratifiedKFold"}
CV_FUNCS = {
    "cross_val_score",
    "cross_validate",
    "cross_val_predict",
    "learning_curve",
    "validation_curve",
    "permutation_test_score",
}
PIPELINES = {"Pipeline", "make_pipeline"}
SOURCES = {
    "read_csv",
    "read_parquet",
    "read_excel",
    "read_json",
    "read_table",
    "read_feather",
    "read_sql",
    "read_sql_query",
    "read_pickle",
    "read_orc",
    "read_stata",
    "loadtxt",
    "genfromtxt",
    "make_classification",
    "make_regression",
    "make_blobs",
    "make_moons",
    "make_circles",
    "make_friedman1",
    "load_dataset",
    "DataFrame",
}
STATS = {
    "mean",
    "std",
    "min",
    "max",
    "median",
    "quantile",
    "var",
    "sum",
    "mode",
    "describe",
    "nanmean",
    "nanstd",
    "percentile",
    "nanmedian",
    "ptp",
    "nanmin",
    "nanmax",
    "nanpercentile",
}
# Per-group statistics that, put back into the rows they came from, encode a feature with all rows.
GROUP_STATS = (STATS - {"sum"}) | {"count", "size", "nunique", "sum"}
# Data made in the script is data like any other: np.random.rand(100, 5), torch.randn(64, 3).
RANDOM_DATA = {
    "rand",
    "randn",
    "random",
    "random_sample",
    "normal",
    "uniform",
    "randint",
    "standard_normal",
    "binomial",
    "poisson",
    "exponential",
    "multivariate_normal",
    "lognormal",
    "beta",
    "gamma",
    "rand_like",
    "randn_like",
}
# scikit-learn's function forms of its scalers:
# ``preprocessing.scale(X)`` is ``StandardScaler().fit_transform(X)``.
MODULE_TRANSFORMS = {
    "scale",
    "minmax_scale",
    "robust_scale",
    "maxabs_scale",
    "quantile_transform",
    "power_transform",
    "normalize",
}
PATSY_STATEFUL = re.compile(r"\b(standardize|center|scale)\s*\(")
# Reading rows from a database cursor: an unknown source is all rows until it is split.
SOURCE_METHODS = {"fetchall", "fetchmany", "fetch_df", "fetchdf", "fetch_pandas_all", "toPandas"}
GROUP_AGGS = STATS | {"transform", "agg", "aggregate", "apply", "count", "size", "nunique"}
METRIC_RE = re.compile(r"(_score|_error|_loss|_report|^confusion_matrix|_deviance|^r2|_auc)$")
SUBSET_METHODS = {"head", "tail", "sample", "query", "nlargest", "nsmallest", "take"}
# Methods whose result still holds every column of the frame (rows or values may change): after
# them a table read whole is still whole, less the columns dropped (the target-in-features check).
COLUMN_KEEPING_METHODS = {
    "copy",
    "fillna",
    "dropna",
    "drop",
    "drop_duplicates",
    "replace",
    "astype",
    "reset_index",
    "sort_values",
    "sort_index",
    "sample",
    "head",
    "tail",
    "query",
    "interpolate",
    "ffill",
    "bfill",
    "assign",
    "merge",
    "infer_objects",
    "convert_dtypes",
}
EVAL_METHODS = {
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "score",
    "evaluate",
    "transform",
    "texts_to_sequences",
    "texts_to_matrix",
}
# Fits that learn in place and return nothing useful, like ``fit`` (Keras ``adapt``, ``fit_on_texts``).
IN_PLACE_FITS = {"fit", "adapt", "fit_on_texts"}
TRANSFORM_METHODS = {"transform", "texts_to_sequences", "texts_to_matrix"}
FIT_METHODS = {
    "fit",
    "fit_transform",
    "fit_resample",
    "fit_predict",
    "partial_fit",
    "fit_sample",
} | IN_PLACE_FITS
EARLY_STOP_NAMES = {"EarlyStopping", "ModelCheckpoint", "early_stopping", "EarlyStoppingCallback"}
EVAL_SET_KWARGS = {"eval_set", "validation_data", "valid_sets", "evals", "val", "eval_X", "X_val"}
RANDOMIZED = {
    "RandomForestClassifier",
    "RandomForestRegressor",
    "ExtraTreesClassifier",
    "ExtraTreesRegressor",
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "HistGradientBoostingClassifier",
    "HistGradientBoostingRegressor",
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "SGDClassifier",
    "SGDRegressor",
    "MLPClassifier",
    "MLPRegressor",
    "KMeans",
    "MiniBatchKMeans",
    "BaggingClassifier",
    "BaggingRegressor",
    "AdaBoostClassifier",
    "AdaBoostRegressor",
    "IsolationForest",
    "RandomizedSearchCV",
    "SMOTE",
    "ADASYN",
    "BorderlineSMOTE",
    "RandomOverSampler",
    "RandomUnderSampler",
}
GLOBAL_SEEDS = {"seed_everything", "set_seed", "set_random_seed", "seed_all", "fix_seed", "set_seeds"}
DATE_RE = re.compile(r"(date|time|timestamp|(^|_)(day|month|year|week|period|ds|dt|hour|ts)(_|$))", re.I)
ID_COLUMN_RE = re.compile(r"(^|_)id$|[a-z]Id$|ID$", re.I)
TARGET_NAME_RE = re.compile(
    r"^(y|Y)(_?(all|full|data|raw|true|df|label|labels))?$|^(target|labels?|TARGET|LABEL)$"
)
TARGET_CONST_RE = re.compile(
    r"^(target|TARGET|label|LABEL|target_col|TARGET_COL|target_name|label_col|"
    r"TARGET_NAME|LABEL_COL|target_column|TARGET_COLUMN|y_col|Y_COL)$"
)
# Names that, never assigned in a snippet, stand for the whole data set.
WHOLE_DATA_NAME_RE = re.compile(
    r"^(X|x|y|Y|df\w*|data|dataset|features|X_all|X_full|full_df|raw_df|frame|table)$"
)
FUTURE_COL_RE = re.compile(r"(next|future|ahead|target|label|lead|fwd|forward|tomorrow|^y$|^y_)", re.I)


_BUILTIN_NAMES = frozenset(dir(builtins))
_TEST_ROLE_RE = re.compile(r"(^|[^a-z]|x|y|df)(test|holdout)|(^|_|x|y)(te|tst)(_|$|\d)")
_VAL_ROLE_RE = re.compile(r"(^|_|x|y)(val|valid|validation|dev|vl)(_|$|\d|set|id)")
_TRAIN_ROLE_RE = re.compile(r"(^|[^a-z]|x|y|df)train|(^|_|x|y)(tr|trn)(_|$|\d)")


@functools.lru_cache(maxsize=4096)  # asked again and again for the same few names of a file
def role_of(name: str) -> str | None:
    """Which part of a split a variable's name says it holds: ``X_test``, ``df_val``, ``Xtr``.

    Words are matched at a name-part boundary so that ``latest``, ``contest`` or ``constraint`` are
    not taken for parts of a split.
    """
    low = name.lower()
    if _TEST_ROLE_RE.search(low):
        return TEST
    if _VAL_ROLE_RE.search(low):
        return VAL
    if _TRAIN_ROLE_RE.search(low):
        return TRAIN
    return None


def _last(qual: str | None) -> str:
    return (qual or "").rsplit(".", 1)[-1]


def merge(vals: list[Val] | tuple[Val, ...]) -> Val:
    """Combine operands: rows of the first data operand, leaks and flags of all."""
    data = [v for v in vals if v.data]
    rows = root = None
    if data:
        rows, root = data[0].rows, data[0].root
        kinds = {v.rows for v in data}
        if TEST in kinds and (FULL in kinds or TRAIN in kinds):
            rows = FULL  # train and test rows together
    leaks = frozenset().union(*(v.leaks for v in vals)) if vals else frozenset()
    score = next((v.test_score for v in vals if v.test_score), None)
    return Val(
        rows=rows,
        root=root,
        leaks=leaks,
        test_score=score,
        time_ordered=any(v.time_ordered for v in data),
        target=bool(data) and all(v.target for v in data),
        selstat=any(v.selstat for v in vals),
        mask=any(v.mask for v in vals),
        # np.ravel(df["label"]), pd.get_dummies(df), pd.DataFrame(df): still that column, that table
        dropped=data[0].dropped if len(data) == 1 else None,
        column_name=data[0].column_name if len(data) == 1 else None,
    )


@dataclass
class Frame:
    env: dict[str, Val] = field(default_factory=dict)
    returns: list[Val] = field(default_factory=list)


class DataFlow:
    def __init__(self, tree: ast.Module, index: TreeIndex | None = None) -> None:
        self.tree = tree
        self.index = index or TreeIndex.build(tree)
        self.hits: dict[tuple[str, int], Hit] = {}
        self.globals: dict[str, Val] = {}
        self.frames: list[Frame] = []
        self.roots = 0
        self.depth = 0
        self.called: set[str] = set()
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.loop_depth = 0
        self.target_names: set[str] = set()
        self.global_np_seed = False
        self.memo: dict[tuple, Val] = {}
        self.written: dict[str, Val] = {}  # file path -> what the script saved there (read back later)
        self.memo_scores: dict[tuple, list[tuple[int, int | None, int]]] = {}  # what a memoised helper scores
        self.cuts: dict[tuple[int | None, str], tuple[str, int, int]] = {}
        self.free: dict[str, Val] = {}
        self.group_split_columns: set[str] = set()
        self.repeated: dict[
            int | None, tuple[str, int]
        ] = {}  # root -> (entity column, line grouped)  # columns a group split keeps together (groups=df[c])
        self.tuning_scores: list[tuple[Position, str]] = []
        # Held-out rows read from a file of their own (test = pd.read_csv("test.csv")), and TG206 findings
        # on them kept until the end: they count only if those rows are scored somewhere.
        self.loaded_held_out: set[int] = set()
        self.test_stats_of_loaded: list[tuple[int, int, int, str]] = []  # root, line, col, detail
        # test root -> {where a model was fit: where it is first scored on those rows}, outside tuning loops
        self.models_scored: dict[int, dict[Position, Position]] = {}
        # A search over an estimator class cross-validated on the training rows, and the models of that
        # class built after it: the search's pick written out, which the test rows then do not choose
        self.model_classes: dict[Position, str] = {}  # where a model or search is built -> its class
        self.searched_on_train: dict[str, int] = {}  # estimator class -> line of the search's fit
        self.cv_picks: set[Position] = set()
        # (where a model was built, the code of its training inputs) -> where it was first fit on them
        self.first_fit_with: dict[tuple[Position, str], Position] = {}
        self.first_fit: dict[Position, Position] = {}  # where a model was built -> where first fit
        self.target_in_features: set[tuple[int, str]] = set()  # (table root, column) reported
        # the same on all rows: class -> where the search was fit, on which rows; and the models built
        # after it with its class, whose test score then rests on settings the test rows helped choose
        self.searched_on_all: dict[str, tuple[int, int, int | None]] = {}
        self.all_rows_picks: dict[Position, tuple[int, int, int | None]] = {}
        self.stops_on_holdout: list[tuple[int, int, int, set[int | None]]] = []  # step, line, col, roots
        # (step, root, line) of each score on held-out rows; steps count scores and stops in the order
        # the analysis meets them, so a score made before an early stopping is not blamed on it
        self.scores: list[tuple[int, int | None, int]] = []
        self.steps = 0
        self.tuning: list[str | None] = []  # per enclosing for-loop: what it tries (HYPERPARAMETERS, MODELS)
        self.slices: dict[tuple[tuple[int | None, str], bool], int] = {}
        self.presplit_roots: set[int] = set()
        self.draws: dict[tuple[int | None, str], int] = {}  # (root, train/test) -> line of a df.sample draw
        self.dataset_roots: dict[str, int] = {}  # one root per packaged dataset: its train and test parts
        self._prepass()
        self._free_names()

    # ---------------------------------------------------------------- set-up
    def _prepass(self) -> None:
        # y passed by a name (outcome = df["Survived"]; cross_val_predict(m, X, outcome)): the column
        # that name was taken from is the target, whatever the name says
        y_names: set[str] = set()
        column_of: dict[str, set[str]] = {}
        # inputs = frame.drop(columns=c) beside outcome = frame[c]: the one column split off the frame
        # as the other half of an (X, y) pair is the target (an id column kept aside is not)
        dropped: set[tuple[str, str]] = set()
        taken: set[tuple[str, str]] = set()
        for node in self.index.of_type(ast.Call, ast.Assign):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                groups = _kw(node, "groups")
                if isinstance(groups, ast.Subscript) and isinstance(_const(groups.slice), str):
                    self.group_split_columns.add(_const(groups.slice))
                if name in GLOBAL_SEEDS:
                    self.global_np_seed = True
                elif (
                    name == "seed"
                    and isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Attribute)
                    and func.value.attr == "random"
                ):
                    self.global_np_seed = True
                # The y argument names the target: train_test_split(X, df["price"]), model.fit(X, df.price)
                position = {"train_test_split": 1, "fit": 1, "fit_resample": 1}.get(
                    name, 2 if name in CV_FUNCS else None
                )
                if position is not None and len(node.args) > position:
                    y_arg = node.args[position]
                    col = _const(y_arg.slice) if isinstance(y_arg, ast.Subscript) else None
                    if isinstance(col, str):
                        self.target_names.add(col)
                    elif isinstance(y_arg, ast.Name):
                        y_names.add(y_arg.id)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                self._learn_target(node.targets[0], node.value)
                target, value = node.targets[0], node.value
                if isinstance(target, ast.Name) and isinstance(value, ast.Subscript):
                    col = _const(value.slice)
                    if isinstance(col, str):
                        column_of.setdefault(target.id, set()).add(col)
                        if isinstance(value.value, ast.Name):
                            taken.add((value.value.id, col))
                if isinstance(target, ast.Name) and (frame_col := _dropped_column(value)) is not None:
                    dropped.add(frame_col)
        for name in y_names:
            if len(column_of.get(name, ())) == 1:
                self.target_names |= column_of[name]
        self.target_names |= {col for _, col in dropped & taken if not ID_COLUMN_RE.search(col)}

    def _free_names(self) -> None:
        """A snippet that uses ``X_train`` without making it comes after a split we cannot see.

        Its never-assigned parts (``X_train``, ``X_test``) are those parts of one unseen split, and a
        never-assigned ``X``/``df``/``data`` beside them is the data before that split: all rows.
        """
        bound = set(_BUILTIN_NAMES)
        first_load: dict[str, int] = {}
        first_store: dict[str, int] = {}
        named = (ast.Name, ast.arg, ast.alias, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        for node in self.index.of_type(*named, ast.ExceptHandler):
            if isinstance(node, ast.Name):
                seen = first_load if isinstance(node.ctx, ast.Load) else first_store
                seen[node.id] = min(seen.get(node.id, node.lineno), node.lineno)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
            elif isinstance(node, ast.alias):
                bound.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                bound.add(node.name)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                bound.add(node.name)
        # read before (or on the line where) it is first assigned: ``X_train = scaler.fit_transform(X_train)``
        # a name that is called is a function (``train_test_split`` used without its import), never data
        called = {call.func.id for call in self.index.of_type(ast.Call) if isinstance(call.func, ast.Name)}
        free = {
            n
            for n, line in first_load.items()
            if n not in bound and n not in called and line <= first_store.get(n, line)
        }
        parts = {name: role_of(name) for name in free if role_of(name) in (TRAIN, TEST)}
        if TEST not in parts.values():
            # no unseen split: a never-assigned ``df`` or ``train`` (a training file read earlier) is data
            # from an unknown source, all rows until it is split here; so is any never-assigned name a
            # fitter learns from (``cv.fit_transform(corpus)``): what it is decides, not what it is called
            fitted = {
                call.args[0].id
                for call in self.index.of_type(ast.Call)
                if isinstance(call.func, ast.Attribute)
                and call.func.attr in FIT_METHODS
                and call.args
                and isinstance(call.args[0], ast.Name)
            }
            for name in free:
                if WHOLE_DATA_NAME_RE.match(name) or role_of(name) == TRAIN or name in fitted:
                    target = bool(TARGET_NAME_RE.match(name) or re.match(r"y", name, re.I))
                    self.free[name] = Val(rows=FULL, root=self.new_root(), target=target)
            return
        root = self.new_root()
        self.presplit_roots.add(root)
        for name, role in parts.items():
            self.free[name] = Val(rows=role, root=root, target=bool(re.match(r"y", name, re.I)))
        for name in free - parts.keys():
            if WHOLE_DATA_NAME_RE.match(name):
                self.free[name] = Val(rows=FULL, root=root, target=bool(TARGET_NAME_RE.match(name)))

    def _learn_target(self, target: ast.AST, value: ast.AST) -> None:
        if (
            isinstance(target, ast.Tuple)
            and isinstance(value, ast.Tuple)
            and len(target.elts) == len(value.elts)
        ):
            for t, v in zip(target.elts, value.elts, strict=True):
                self._learn_target(t, v)
            return
        names = [
            t.id
            for t in (target.elts if isinstance(target, ast.Tuple) else [target])
            if isinstance(t, ast.Name)
        ]
        for name in names:
            if (
                TARGET_CONST_RE.match(name)
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                self.target_names.add(value.value)
            if TARGET_NAME_RE.match(name) or name.lower().startswith(("y_", "target")) and not role_of(name):
                col = None
                if isinstance(value, ast.Subscript):
                    col = _const(value.slice)
                elif isinstance(value, ast.Attribute) and value.attr not in ("values", "target"):
                    col = value.attr
                elif (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "pop"
                    and value.args
                ):
                    col = _const(value.args[0])
                if col is None:  # y = LabelEncoder().fit_transform(df["label"]): the one column named
                    # a slice may be a list literal (df[["a", "b"]]): keep only one-column names
                    slices = (_const(n.slice) for n in walk(value) if isinstance(n, ast.Subscript))
                    cols = {c for c in slices if isinstance(c, str)}
                    col = cols.pop() if len(cols) == 1 else None
                if isinstance(col, str):
                    self.target_names.add(col)
                elif isinstance(col, list) and len(col) == 1 and isinstance(col[0], str):
                    self.target_names.add(col[0])
            if (
                role_of(name) is None
                and name.lower().startswith(("x", "feat"))
                and isinstance(value, ast.Call)
            ):
                drops = [
                    n
                    for n in walk(value)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "drop"
                ]
                for call in drops[:1]:
                    arg = call.args[0] if call.args else _kw(call, "columns")
                    cols = _const(arg) if arg is not None else None
                    cols = [cols] if isinstance(cols, str) else cols
                    if isinstance(cols, list | tuple):
                        self.target_names.update(c for c in cols if isinstance(c, str))

    def hit(
        self, code: str, line: int, col: int, detail: str, related: tuple[tuple[int, str], ...] = ()
    ) -> None:
        self.hits.setdefault((code, line), Hit(code, line, col, detail, related))

    def new_root(self) -> int:
        self.roots += 1
        return self.roots

    # ---------------------------------------------------------------- names
    def lookup(self, name: str) -> Val:
        for frame in reversed(self.frames):
            if name in frame.env:
                return frame.env[name]
        if name in self.globals:
            return self.globals[name]
        if name in self.free:
            return self.free[name]
        return Val(qual=name)

    def bind(self, name: str, value: Val) -> None:
        (self.frames[-1].env if self.frames else self.globals)[name] = value

    # ---------------------------------------------------------------- entry
    def run(self) -> list[Hit]:
        self.block(self.tree.body)
        # Functions that were never called are still checked once, their parameters standing for
        # the part of the data their names say (``X_test`` is test rows).
        for name, func in list(self.functions.items()):
            if name not in self.called:
                self.call_function(func, [], {}, by_name=True)
        scored = {root for _, root, _ in self.scores}
        for root, line, col, detail in self.test_stats_of_loaded:
            if root in scored:
                self.hit("TG206", line, col, detail)
        for step, line, col, roots in self.stops_on_holdout:
            scored = sorted(at for later, root, at in self.scores if root in roots and later > step)
            if scored:
                self.hit(
                    "TG203",
                    line,
                    col,
                    "early stopping watches the held-out rows whose score is then reported "
                    f"(line {scored[0]})",
                    ((scored[0], "score"),),
                )
        self.models_compared_on_test()
        for (line, col), loop in self.tuning_scores:
            tried = (
                "fits with a new hyperparameter value" if loop == HYPERPARAMETERS else "takes another model"
            )
            self.hit(
                "TG202",
                line,
                col,
                f"the test set scores every round of a loop that {tried} "
                "(choosing the best round by eye is selection on the test set)",
            )
        return sorted(self.hits.values(), key=lambda h: (h.line, h.col, h.code))

    def block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.stmt(stmt)

    def stmt(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.bind(
                    alias.asname or alias.name.split(".")[0],
                    Val(qual=alias.name if alias.asname else alias.name.split(".")[0], mod=True),
                )
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                self.bind(alias.asname or alias.name, Val(qual=f"{node.module}.{alias.name}", mod=True))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.functions.setdefault(node.name, node)
            self.bind(node.name, Val(func=node, qual=node.name))
        elif isinstance(node, ast.ClassDef):
            self.bind(node.name, Val(qual=node.name, cls=node.name, kind="class"))
        elif isinstance(node, ast.Assign):
            value = self.expr(node.value)
            for target in node.targets:
                self.assign(target, value, node)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.assign(node.target, self.expr(node.value), node)
        elif isinstance(node, ast.AugAssign):
            value = self.binop(self.expr(node.target), self.expr(node.value), node)
            self.assign(node.target, value, node)
        elif isinstance(node, ast.Expr):
            self.expr(node.value)
        elif isinstance(node, ast.Delete):
            for target in node.targets:  # del df["label"]: the frame no longer holds that column
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    frame, column = self.lookup(target.value.id), _const(target.slice)
                    if frame.dropped is not None:
                        left = frame.dropped | {column} if isinstance(column, str) else None
                        self.bind(target.value.id, replace(frame, dropped=left))
        elif isinstance(node, ast.Return):
            value = self.expr(node.value) if node.value is not None else EMPTY
            if self.frames:
                self.frames[-1].returns.append(value)
        elif isinstance(node, ast.If | ast.While):
            self.select_test(node.test, refits=_fits(node.body))
            if _keeps_model(node.body):
                self.checkpoint_on_test(node.test)
            self.loop_depth += isinstance(node, ast.While)
            self.block(node.body)
            self.loop_depth -= isinstance(node, ast.While)
            self.block(node.orelse)
        elif isinstance(node, ast.For | ast.AsyncFor):
            element = self.element(self.expr(node.iter))
            self.assign(node.target, element, node)
            self.loop_depth += 1
            # A loop variable of unknown provenance (a helper's ``models`` parameter) whose ``.fit`` the
            # body calls is a candidate model too: each round fits another one.
            models = {
                n.id
                for n in walk(node.target)
                if isinstance(n, ast.Name)
                and (
                    self.lookup(n.id).kind == "model"
                    or (_unknown(self.lookup(n.id)) and _fits_name(node.body, n.id))
                )
            }
            self.tuning.append(_tuning_loop(node, models))
            self.block(node.body)
            self.tuning.pop()
            self.loop_depth -= 1
            self.block(node.orelse)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                value = self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, node)
            self.block(node.body)
        elif isinstance(node, ast.Try):
            self.block(node.body)
            for handler in node.handlers:
                self.block(handler.body)
            self.block(node.orelse)
            self.block(node.finalbody)
        elif isinstance(node, ast.Assert):
            self.expr(node.test)

    # ---------------------------------------------------------------- assignment
    def assign(self, target: ast.AST, value: Val, node: ast.AST) -> None:
        if isinstance(target, ast.Tuple | ast.List):
            elts = target.elts
            items = value.items if value.items and len(value.items) == len(elts) else None
            split = value.subset and not items
            for index, elt in enumerate(elts):
                item = items[index] if items else value
                if isinstance(elt, ast.Starred):
                    elt = elt.value
                self.assign(elt, item, node)
                if split:  # one split for all the parts
                    value = replace(value, leaks=frozenset())
        elif isinstance(target, ast.Name):
            # "Freshly loaded" only matters for the name it is first given (``test = pd.read_csv(...)``).
            self.bind(target.id, replace(self.named(target.id, value, node), source=False))
        elif isinstance(target, ast.Subscript):
            self.assign_column(target, value, node)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            base = self.lookup(target.value.id)
            if base.data and target.attr == "index" and _makes_dates(getattr(node, "value", None)):
                base = replace(base, date_index=True)  # df.index = pd.to_datetime(df["Date"])
                self.bind(target.value.id, base)
            if base.data and value.leaks:
                self.bind(target.value.id, replace(base, leaks=base.leaks | value.leaks))

    def named(self, name: str, value: Val, node: ast.AST) -> Val:
        role = role_of(name)
        if value.source and role in (TEST, VAL):
            root = self.new_root()
            self.loaded_held_out.add(root)
            return replace(value, rows=role, root=root, source=False)
        if value.subset and role and value.rows in (FULL, TRAIN):
            line, col = node.lineno, node.col_offset
            if value.sampled and value.rows == FULL and role in (TRAIN, TEST):
                self.independent_draws(value.root, role, line, col)
            if value.time_dir and role in (TRAIN, TEST):
                self.time_parts(value, role, line, col)
            if value.position == "tail" and role == TRAIN and value.time_ordered:
                self.hit(
                    "TG303",
                    line,
                    col,
                    "the training rows are the last rows of time-ordered data "
                    "(the first ones are the test rows)",
                )
            if value.rows == FULL:
                self.split_point([value], line, col)
            rows = role if value.rows == FULL or role != TEST else VAL
            if value.rows == TRAIN and role == TRAIN:
                rows = TRAIN
            value = replace(value, rows=rows, subset=False, leaks=frozenset(), position=None, sampled=False)
        elif value.subset and value.position:  # a, b = X[:k], X[k:]: the first rows train, the last test
            rows = TRAIN if value.position == "head" else TEST
            value = replace(value, rows=rows, subset=False, leaks=frozenset(), position=None)
        elif value.subset:
            # ``df = df[df.price < 1000]`` filters the data and stays "all rows"; ``X_fit = X.iloc[rows]``
            # under a new name is some part of it, which must not count as training on the test rows.
            value = replace(
                value, subset=False, sampled=False, partial=_root_name(getattr(node, "value", None)) != name
            )
        if value.data and not value.target and TARGET_NAME_RE.match(name):
            value = replace(value, target=True)
        if value.rows == TEST and role == VAL:
            value = replace(value, val_named=True)
        return value

    def independent_draws(self, root: int | None, role: str, line: int, col: int) -> None:
        """``train = df.sample(frac=.8)`` and ``test = df.sample(frac=.2)``: two draws share rows."""
        self.draws.setdefault((root, role), line)
        other = self.draws.get((root, TEST if role == TRAIN else TRAIN))
        if other is not None:
            self.hit(
                "TG201",
                line,
                col,
                f"the training and test rows are two independent random draws of the same rows (the other "
                f"draw: line {other}), so some rows are in both; take the test rows with "
                "df.drop(train.index)",
                ((other, "other draw"),),
            )

    def time_parts(self, value: Val, role: str, line: int, col: int) -> None:
        """Training rows cut after the date and test rows before it: the model learns from the future."""
        self.cuts[(value.root, role)] = (value.time_dir, line, col)
        train, test = self.cuts.get((value.root, TRAIN)), self.cuts.get((value.root, TEST))
        if train and test and train[0] == "after" and test[0] == "before":
            self.hit(
                "TG303",
                train[1],
                train[2],
                f"the training rows are the later ones (test rows: line {test[1]})",
                ((test[1], "test rows"),),
            )

    def assign_column(self, target: ast.Subscript, value: Val, node: ast.AST) -> None:
        base_node = target.value
        if isinstance(base_node, ast.Attribute) and base_node.attr in ("loc", "iloc"):
            base_node = base_node.value
        if not isinstance(base_node, ast.Name):
            return
        key = target.slice
        if isinstance(key, ast.Tuple) and key.elts:
            key = key.elts[-1]
        self.write_column(base_node.id, _const(key), value, node)

    def write_column(self, frame: str, column: Any, value: Val, node: ast.AST) -> None:
        """``df[column] = value`` or ``df.insert(i, column, value)``: what the value learnt joins ``df``."""
        base = self.lookup(frame)
        column = column if isinstance(column, str) else None
        leaks = value.leaks
        if _same_table(value, base) and base.rows == FULL:
            leaks = leaks | {self.encoding_leak(value)}
        if value.stat and not value.data and base.rows == FULL and not base.target:
            # df.loc[df.Age.isnull(), "Age"] = df.Age.mean(): a statistic of all rows written into them
            leaks = leaks | {
                Leak("TG102", node.lineno, node.col_offset, "values are set to a statistic of all rows")
            }
        if column and (column in self.target_names or FUTURE_COL_RE.search(column)):
            leaks = frozenset(k for k in leaks if k.code not in ("TG302", "TG105"))
        leaks = frozenset(replace(k, column=column) if k.column is None else k for k in leaks)
        base = replace(
            base,
            leaks=base.leaks | leaks,
            time_ordered=base.time_ordered or (value.time_ordered and value.data),
            test_score=base.test_score or value.test_score,
        )
        self.bind(frame, base)

    @staticmethod
    def encoding_leak(value: Val, how: str = "encoded") -> Leak:
        stat = value.group_stat
        if stat.by_target:
            return Leak(
                "TG105",
                stat.line,
                stat.col,
                f"a feature is {how} with a statistic of each target class over all rows, so it carries "
                "each row's label",
            )
        return Leak(
            "TG102",
            stat.line,
            stat.col,
            f"a feature is {how} with a per-group statistic (mean, count, frequency) of all rows",
        )

    # ---------------------------------------------------------------- emission
    def split_point(self, vals: list[Val], line: int, col: int, what: str = "split") -> None:
        for value in vals:
            if value.rows != FULL or value.target:  # y = LabelEncoder().fit_transform(y) is not a leak
                continue
            # In source order: hit() keeps the first leak of a line, and a set's order changes from run
            # to run (leaks hash by string, some by identity).
            for leak in sorted(value.leaks, key=lambda k: (k.line, k.col, k.code, k.detail)):
                if leak.column is not None and leak.column in self.target_names:
                    continue
                self.hit(
                    leak.code, leak.line, leak.col, f"{leak.detail} ({what} at line {line})", ((line, what),)
                )

    def time_split(self, vals: list[Val], line: int, col: int, how: str) -> None:
        if any(v.time_ordered and v.rows in (FULL, TRAIN) for v in vals):
            self.hit(
                "TG301",
                line,
                col,
                f"time-ordered data (sorted by time or with lag/window features) is split at random by {how}",
            )

    def group_split(self, vals: list[Val], line: int, col: int, how: str = "split at random") -> None:
        """A random split of rows that the code itself groups by an entity (patient, user, subject)."""
        for value in vals:
            if value.rows == FULL and value.root in self.repeated and not self.group_split_columns:
                column, grouped = self.repeated[value.root]
                self.hit(
                    "TG304",
                    line,
                    col,
                    f"rows are {how} although several rows share a {column} (grouped at line "
                    f"{grouped}): the same {column} lands in both train and test",
                    ((grouped, "groupby"),),
                )
                return

    def group_cv(self, vals: list[Val], cv: Val, grouped: bool, line: int, col: int) -> None:
        """Cross-validation (cross_val_score, a search's cv) of such rows with folds that ignore the groups.

        The entity column is often dropped from the features first (``X = df.drop(columns=["patient_id"])``);
        the rows still repeat each patient. ``groups=`` or a group splitter keeps them together.
        """
        if cv.elem is not None:  # cv=GroupKFold(5).split(X, y, g): judged at the split() call
            return
        if not grouped and not (cv.cls or "").startswith(GROUP_SPLITTER_PREFIXES):
            folds = f"{cv.cls} folds" if cv.cls else "folds"
            self.group_split(vals, line, col, f"cross-validated in {folds} that ignore the groups")

    def time_cv(self, vals: list[Val], cls: str | None, shuffles: bool, line: int, col: int) -> None:
        """Cross-validation of time-ordered rows with folds that are not in time order."""
        if cls in TIME_SPLITTERS:
            return
        if shuffles:
            self.time_split(vals, line, col, f"cross-validation with {cls}")
        elif any(v.time_ordered and v.rows in (FULL, TRAIN) for v in vals):
            self.hit(
                "TG301",
                line,
                col,
                f"time-ordered data is cross-validated with {cls or 'KFold (the default cv)'}, whose folds "
                "train on rows later than the rows they score; use TimeSeriesSplit",
            )

    def select_test(self, node: ast.AST, refits: bool = False) -> None:
        """A comparison of test scores in a condition is model selection on the test set.

        Against a constant it is a report (``if acc > 0.9: print("good")``), unless the branch trains
        again: ``if score(y_test, ...) < 0.8: model.fit(...)`` retrains until the test set agrees.
        """
        for sub in walk(node):
            if isinstance(sub, ast.Compare):
                sides = [sub.left, *sub.comparators]
                vals = [self.expr(s) for s in sides]
                scored = [v.test_score for v in vals if v.test_score]
                constants = sum(isinstance(s, ast.Constant) for s in sides)
                if scored and (constants == 0 or refits):
                    self.selection(scored[0], sub.lineno)

    def checkpoint_on_test(self, test: ast.AST) -> None:
        """``if acc > best_acc: torch.save(model.state_dict(), ...)`` with ``acc`` counted on test rows.

        A hand-written loop that keeps the best epoch's weights by a number computed from the test
        rows (``correct += (model(xb).argmax(1) == yb).sum()`` over the test loader) chooses the epoch
        on the test set, as early stopping on it does.
        """
        for sub in walk(test):
            if not isinstance(sub, ast.Compare):
                continue
            sides = [sub.left, *sub.comparators]
            if any(isinstance(side, ast.Constant) for side in sides):
                continue
            held = [v for v in map(self.expr, sides) if v.rows == TEST and not v.mask]
            if held and not all(v.val_named for v in held):
                self.hit(
                    "TG203",
                    sub.lineno,
                    sub.col_offset,
                    "the weights kept as the best are chosen by a number computed on the test rows",
                )
                return

    def test_statistics(self, root: int | None, line: int, col: int, detail: str) -> None:
        """TG206: the test rows prepared with statistics of their own.

        Test rows read from a file of their own and never scored are a competition's unlabeled test file,
        prepared for a submission: no score is made from them, so nothing is reported unless they are
        scored somewhere in the script.
        """
        if root in self.loaded_held_out:
            self.test_stats_of_loaded.append((root, line, col, detail))
        else:
            self.hit("TG206", line, col, detail)

    def record_score(self, root: int | None, line: int) -> None:
        self.steps += 1
        self.scores.append((self.steps, root, line))

    def test_score(self, line: int, col: int, root: int | None = None, model: Position | None = None) -> Val:
        """A score on test rows; inside a loop that refits with each hyperparameter value, a selection.

        ``model`` says which model is scored (where it was built, else fit), so that two models scored
        on the same test rows one after the other (not in a loop, which the tuning loops cover) are
        found as a comparison too.
        """
        self.record_score(root, line)
        if self.tuning and self.tuning[-1]:  # reported at the end unless an explicit comparison is found
            self.tuning_scores.append((Position(line, col), self.tuning[-1]))
        elif model is not None and root is not None and not self.loop_depth:
            # outside loops: a fold loop scores each fold's model on that fold, an epoch loop one model
            self.models_scored.setdefault(root, {}).setdefault(model, Position(line, col))
        return Val(test_score=Position(line, col))

    def models_compared_on_test(self) -> None:
        """Two models scored on the same test rows: the test set compares them (multi-test leakage).

        ``lr.score(X_test, y_test)`` in one cell and ``knn.score(X_test, y_test)`` in the next is the
        loop over candidate models written out; whichever looks better is chosen on the test rows.
        """
        for scored in self.models_scored.values():
            # a model and the search's pick of its class (built after a search on the training rows)
            # are one candidate: its default and tuned settings, the tuning chosen by cross-validation
            picked = {self.model_classes.get(m) for m in scored if m in self.cv_picks}
            by_model: dict[Position, Position] = {}
            seen: set[str] = set()
            for model, where in sorted(scored.items(), key=lambda kv: kv[1]):
                cls = self.model_classes.get(model)
                if cls in picked:
                    if cls in seen:
                        continue
                    seen.add(cls)
                by_model[model] = where
            if len(by_model) < 2:
                continue
            (first_model, first), (second_model, second) = list(by_model.items())[:2]  # in score order
            self.hit(
                "TG202",
                second.line,
                second.col,
                f"a second model (made at line {second_model.line}) is scored on the same test rows as the "
                f"model made at line {first_model.line} (scored at line {first.line}): the test set "
                "compares them",
                ((first.line, "first model scored"),),
            )

    def selection(self, score: Position, line: int) -> None:
        self.hit(
            "TG202",
            score.line,
            score.col,
            f"a test-set score is used to choose (compared at line {line})",
            ((line, "selection"),),
        )

    # ---------------------------------------------------------------- expressions
    def expr(self, node: ast.AST | None) -> Val:
        if node is None:
            return EMPTY
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        if isinstance(node, ast.Constant):
            return Val(const=node.value)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute):
            return self.attribute(self.expr(node.value), node.attr, node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.BinOp):
            return self.binop(self.expr(node.left), self.expr(node.right), node)
        if isinstance(node, ast.Compare):
            sides = [self.expr(node.left), *map(self.expr, node.comparators)]
            out = replace(merge(sides), mask=True, target=False)
            if any(v.rows == FULL and not v.target for v in sides) and any(v.stat for v in sides):
                # np.where(df.income > df.income.mean(), 1, 0): a feature cut at a statistic of all rows
                leak = Leak(
                    "TG102", node.lineno, node.col_offset, "a feature is cut at a statistic of all rows"
                )
                out = replace(out, leaks=out.leaks | {leak})
            return replace(out, time_dir=_time_direction(node))
        if isinstance(node, ast.BoolOp):
            return merge([self.expr(v) for v in node.values])
        if isinstance(node, ast.UnaryOp):
            return self.expr(node.operand)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = tuple(self.expr(e.value if isinstance(e, ast.Starred) else e) for e in node.elts)
            const = _const(node)
            score = next((v.test_score for v in items if v.test_score), None)
            return Val(items=items, const=const, test_score=score)
        if isinstance(node, ast.Dict):
            items = tuple(self.expr(v) for v in node.values)
            score = next((v.test_score for v in items if v.test_score), None)
            return Val(items=items, test_score=score)
        if isinstance(node, ast.IfExp):
            self.select_test(node.test)
            return merge([self.expr(node.body), self.expr(node.orelse)])
        if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
            for gen in node.generators:
                self.assign(gen.target, self.element(self.expr(gen.iter)), node)
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            return merge([self.expr(p) for p in parts])
        if isinstance(node, ast.JoinedStr | ast.Lambda):
            return EMPTY
        if isinstance(node, ast.Starred):
            return self.expr(node.value)
        if isinstance(node, ast.NamedExpr):
            value = self.expr(node.value)
            self.assign(node.target, value, node)
            return value
        return EMPTY

    @staticmethod
    def element(iterable: Val) -> Val:
        if iterable.elem is not None:
            return iterable.elem
        if iterable.items is not None and not iterable.items:
            # cols = [] filled by cols.append(...) elsewhere: its elements are unknown, not the empty
            # list itself (frame[c] is one column, not frame[[]])
            return EMPTY
        if iterable.items:
            width = len(iterable.items[0].items or ())
            if width and all(v.items and len(v.items) == width for v in iterable.items):
                # for name, model in [("lr", LogisticRegression()), ("tree", Tree())]: one element per
                # position of the pairs
                return Val(
                    items=tuple(
                        DataFlow.element(Val(items=column))
                        for column in zip(*(v.items for v in iterable.items), strict=True)
                    )
                )
            element = merge(iterable.items)
            return replace(element, kind="model") if all(v.kind for v in iterable.items) else element
        return iterable

    def binop(self, left: Val, right: Val, node: ast.AST) -> Val:
        out = merge([left, right])
        for data, stat in ((left, right), (right, left)):
            if data.rows == FULL and not data.target and stat.stat:
                leak = Leak(
                    "TG102",
                    node.lineno,
                    node.col_offset,
                    "the data is transformed with a statistic computed over all rows",
                )
                out = replace(out, leaks=out.leaks | {leak})
        for data, stat in ((left, right), (right, left)):
            if data.rows == TEST and not data.target and stat.test_stat:
                self.test_statistics(
                    data.root,
                    node.lineno,
                    node.col_offset,
                    "the test rows are transformed with a statistic of the test rows",
                )
            if data.rows == TRAIN and not data.target and _stat_of_all(stat, data):
                self.hit(
                    "TG102",
                    node.lineno,
                    node.col_offset,
                    "the training rows are transformed with a statistic of all rows, test rows included",
                )
        if left.stat and right.stat and not out.data:
            out = replace(out, stat=True, stat_of=left.stat_of if left.stat_of == right.stat_of else None)
        elif (left.stat or right.stat) and not (left.data or right.data):
            # q3 + 1.5 * iqr, df.sum() / len(df): a statistic scaled or shifted by a number is one still
            out = replace(out, stat=True, stat_of=left.stat_of if left.stat else right.stat_of)
        if left.test_stat and right.test_stat and not out.data:
            out = replace(out, test_stat=True)
        return out

    def attribute(self, base: Val, attr: str, node: ast.AST) -> Val:
        if base.mod:
            return Val(qual=f"{base.qual}.{attr}", mod=True)
        if base.data:
            if attr in ("iloc", "loc", "iat", "at"):
                return replace(base, indexer=True)
            if attr in ("columns", "shape", "dtypes", "size", "ndim"):
                return EMPTY
            if attr in ("values", "T", "index", "str", "dt", "cat", "array", "data"):
                return base
            column = self.column(base, attr)
            return column
        if attr in ("best_estimator_", "best_params_", "best_score_", "cv_results_"):
            return replace(base, qual=None)
        if attr in IMPORTANCES and base.kind == "model" and base.fitted and base.fitted.rows == FULL:
            # rf.fit(X, y) on all rows, then X.columns[rf.feature_importances_ > t]: columns chosen by
            # their relation to the target measured on all rows
            return Val(selstat=True)
        if base.test_score or base.selstat or base.stat or base.test_stat:  # df[c].mode().iloc[0]
            return replace(base, qual=None, const=None)
        return Val(kind=base.kind, cls=base.cls)

    def column(self, base: Val, name: str | None) -> Val:
        leaks = frozenset(k for k in base.leaks if k.column is None or k.column == name)
        is_target = name is not None and name in self.target_names
        out = replace(
            base,
            leaks=leaks,
            target=is_target or base.target,
            target_col=is_target,
            subset=False,
            indexer=False,
            grouped=False,
            items=None,
            dropped=None,
            column_name=name,
        )
        if base.grouped and is_target:
            out = replace(out, grouped_target=True)
        elif base.grouped:
            out = replace(out, grouped=True)
        return out

    def column_range(self, base: Val) -> Val:
        """``df.iloc[:, :-1]``, ``X[:, 1:]``: several columns by position, any of them a leaky one.

        Unlike one unknown column, which keeps only the leaks of no particular column, a range of
        columns keeps them all; a leak of the target column is still dropped where the data is split.
        """
        return replace(self.column(base, None), leaks=base.leaks)

    def subscript(self, node: ast.Subscript) -> Val:
        base = self.expr(node.value)
        key_node = node.slice
        if base.items is not None and isinstance(key_node, ast.Constant) and isinstance(key_node.value, int):
            try:
                return base.items[key_node.value]
            except IndexError:
                return EMPTY
        if not base.data:
            key = self.expr(key_node)
            if base.draw or base.stat or base.test_stat:  # perm[:k]; df[c].mode()[0] is still a statistic
                return replace(base, qual=None)
            return replace(base, qual=None) if base.test_score or base.selstat else merge([base, key])
        if base.indexer:
            rows_key = key_node.elts[0] if isinstance(key_node, ast.Tuple) and key_node.elts else key_node
            if isinstance(rows_key, ast.Slice) and rows_key.lower is None and rows_key.upper is None:
                cols = (
                    key_node.elts[1] if isinstance(key_node, ast.Tuple) and len(key_node.elts) > 1 else None
                )
                if _several_by_position(cols):
                    return self.column_range(base)
                name = _const(cols) if cols is not None else None
                return self.column(base, name if isinstance(name, str) else None)
            if isinstance(rows_key, ast.Slice):
                return self.positional(base, rows_key, node)
            key = self.expr(rows_key)
            if key.draw:
                return replace(base, subset=True, indexer=False)
            if key.items is None and not key.data and not key.mask and isinstance(rows_key, ast.Constant):
                return replace(base, indexer=False)  # a single row label
            if key.data and key.rows in (TRAIN, TEST, VAL) and not key.mask:
                return self.take_part(base, key, node)
            return replace(
                merge([base, key]) if key.selstat else base,
                subset=True,
                indexer=False,
                rows=base.rows,
                root=base.root,
                time_dir=key.time_dir,
            )
        if isinstance(key_node, ast.Slice):
            return self.positional(base, key_node, node)
        if isinstance(key_node, ast.Tuple) and key_node.elts and isinstance(key_node.elts[0], ast.Slice):
            first = key_node.elts[0]
            if first.lower is None and first.upper is None:
                if len(key_node.elts) > 1 and _several_by_position(key_node.elts[1]):
                    return self.column_range(base)
                return self.column(base, None)
            return self.positional(base, first, node)
        if base.group_stat is not None and isinstance(key_node, ast.Constant):
            return base  # df.groupby("label")[c].median()[0]: the statistic of one group
        if isinstance(key_node, ast.Tuple) and len(key_node.elts) == 2:
            # X[mask, 1:], X[idx, :]: rows chosen by the first key (NumPy), columns by the second
            rows_key = self.expr(key_node.elts[0])
            if rows_key.mask or rows_key.draw:
                return replace(base, subset=True, time_dir=rows_key.time_dir)
            if rows_key.data and rows_key.rows in (TRAIN, TEST, VAL):
                return self.take_part(base, rows_key, node)
        const = _const(key_node)
        if const is None and isinstance(key_node, ast.Name):
            const = self.lookup(key_node.id).const
        if isinstance(const, str):
            return self.column(base, const)
        if isinstance(const, list) and all(isinstance(c, str) for c in const):
            leaks = frozenset(k for k in base.leaks if k.column is None or k.column in const)
            targets = bool(const) and all(c in self.target_names for c in const)
            return replace(
                base,
                dropped=None,
                column_name=None,
                leaks=leaks,
                target=targets,
                subset=False,
                grouped=False,
                grouped_target=base.grouped and targets,
            )
        key = self.expr(key_node)
        if key.draw:  # X[train_idx] with train_idx drawn at random: a part of the rows
            return replace(base, subset=True)
        if key.selstat:
            leak = Leak(
                "TG103",
                node.lineno,
                node.col_offset,
                "columns are chosen by their relation to the target measured on all rows",
            )
            return replace(base, leaks=base.leaks | {leak} if base.rows == FULL else base.leaks)
        if key.data and key.rows in (TRAIN, TEST, VAL) and not key.mask:
            return self.take_part(base, key, node)
        if key.mask:
            return replace(base, subset=True, time_dir=key.time_dir)
        return self.column(base, None)

    def positional(self, base: Val, key: ast.Slice, node: ast.AST) -> Val:
        """``X[:k]`` and ``X[k:]`` of the same rows with the same bound are a positional split."""
        out = replace(base, subset=True, indexer=False)
        # X[0:k] is X[:k] and X[k:len(X)] is X[k:]
        lower = None if _const(key.lower) == 0 else key.lower
        upper = (
            None if isinstance(key.upper, ast.Call) and _last(_dotted(key.upper.func)) == "len" else key.upper
        )
        if key.step is not None or (lower is None) == (upper is None) or base.rows != FULL:
            return out
        head = upper is not None
        bound = ast.unparse(upper if head else lower).replace(" ", "").lstrip("-")
        mark = (base.root, bound)
        other = self.slices.get((mark, not head))
        self.slices.setdefault((mark, head), node.lineno)
        if other is None:
            return out
        self.split_point([base], node.lineno, node.col_offset, "positional split")
        return replace(out, position="head" if head else "tail")

    def take_part(self, base: Val, key: Val, node: ast.AST) -> Val:
        """``X[train_idx]``, ``df.loc[test.index]``: indexing all rows by one part's indices splits them."""
        if base.rows == FULL:
            self.split_point([base], node.lineno, node.col_offset)
            rows = key.rows
        else:
            rows = base.rows if base.rows != TRAIN or key.rows == TRAIN else VAL
        return replace(base, rows=rows, subset=False, indexer=False, leaks=frozenset(), partial=False)

    # ---------------------------------------------------------------- calls
    def call(self, node: ast.Call) -> Val:
        func = node.func
        args = [self.expr(a.value if isinstance(a, ast.Starred) else a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords if k.arg}
        if isinstance(func, ast.Attribute):
            receiver = self.expr(func.value)
            if receiver.mod:
                return self.function(f"{receiver.qual}.{func.attr}", node, args, kwargs)
            return self.method(receiver, func.attr, node, args, kwargs)
        callee = self.expr(func)
        if callee.func is not None:
            self.called.add(callee.func.name)
            return self.call_function(callee.func, args, kwargs)
        if callee.kind == "class":
            return Val(kind="model", cls=callee.cls)
        if callee.qual is not None:
            return self.function(callee.qual, node, args, kwargs)
        return merge(args)

    @staticmethod
    def _signature(value: Val) -> tuple:
        return (
            value.rows,
            value.root,
            value.leaks,
            value.target,
            value.kind,
            value.test_score,
            value.time_ordered,
            value.stat,
            value.selstat,
            value.fitted,
            value.pending,
            value.func is not None,
        )

    def call_function(
        self,
        func: ast.FunctionDef | ast.AsyncFunctionDef,
        args: list[Val],
        kwargs: dict[str, Val],
        by_name: bool = False,
    ) -> Val:
        if self.depth > 4:
            return merge(args)
        # A helper called again with the same kind of arguments gives the same result: analyse it once,
        # which keeps helpers that call helpers linear instead of exponential.
        key = (
            id(func),
            by_name,
            tuple(map(self._signature, args)),
            tuple(sorted((k, self._signature(v)) for k, v in kwargs.items())),
        )
        if key in self.memo:
            for _, root, line in self.memo_scores.get(key, ()):  # the helper scores again, at this step
                self.record_score(root, line)
            return self.memo[key]
        self.memo[key] = merge(args)  # recursion guard while the body is analysed
        first = len(self.scores)
        result = self._call_function(func, args, kwargs, by_name)
        self.memo[key] = result
        self.memo_scores[key] = self.scores[first:]
        return result

    def _call_function(
        self,
        func: ast.FunctionDef | ast.AsyncFunctionDef,
        args: list[Val],
        kwargs: dict[str, Val],
        by_name: bool,
    ) -> Val:
        frame = Frame()
        params = [*func.args.posonlyargs, *func.args.args]
        for index, param in enumerate(params):
            if index < len(args):
                value = args[index]
            elif param.arg in kwargs:
                value = kwargs[param.arg]
            elif by_name and role_of(param.arg):
                value = Val(rows=role_of(param.arg))
            else:
                value = EMPTY
            frame.env[param.arg] = value
        for param in func.args.kwonlyargs:
            frame.env[param.arg] = kwargs.get(param.arg, EMPTY)
        if func.args.vararg is not None:  # def sweep(*data): X_train, X_test, ... = data
            frame.env[func.args.vararg.arg] = Val(items=tuple(args[len(params) :]))
        if func.args.kwarg is not None:
            named = {p.arg for p in [*params, *func.args.kwonlyargs]}
            frame.env[func.args.kwarg.arg] = Val(items=tuple(v for k, v in kwargs.items() if k not in named))
        self.frames.append(frame)
        self.depth += 1
        try:
            self.block(func.body)
        finally:
            self.depth -= 1
            self.frames.pop()
        if not frame.returns:
            return EMPTY
        if len(frame.returns) == 1:
            return frame.returns[0]
        last = frame.returns[-1]
        return last if last.items else merge(frame.returns)

    def function(self, qual: str, node: ast.Call, args: list[Val], kwargs: dict[str, Val]) -> Val:
        name = _last(qual)
        line, col = node.lineno, node.col_offset
        saved = _saved_to(qual, node, args)
        if saved is not None:  # np.save("X.npy", X), joblib.dump((X, y), "data.pkl"), torch.save(t, "t.pt")
            self.written[saved[0]] = saved[1]
            return EMPTY
        path = _const(node.args[0]) if node.args else None
        if isinstance(path, str) and path in self.written and (name in SOURCES or name in ("load", "loads")):
            return self.written[path]  # read back what the script itself saved: the same rows, leaks and all
        data_args = [a for a in [*args, kwargs.get("data", EMPTY)] if a.data]  # pd.DataFrame(data=X)
        if name in ("train_test_split",):
            shuffle = _const(_kw(node, "shuffle")) if _kw(node, "shuffle") is not None else True
            self.split_point(args, line, col)
            if shuffle is not False:
                self.group_split(args, line, col)
            if shuffle is not False:
                self.time_split(args, line, col, "train_test_split")
                if _kw(node, "random_state") is None and not self.global_np_seed:
                    self.hit("TG501", line, col, "train_test_split without random_state")
            items: list[Val] = []
            for arg in args:
                first, second = (TRAIN, VAL) if arg.rows == TRAIN else (TRAIN, TEST)
                clean = replace(arg, leaks=frozenset(), subset=False)
                items += [replace(clean, rows=first), replace(clean, rows=second)]
            return Val(items=tuple(items))
        if name == "random_split" and "torch" in qual and args and args[0].data:
            # torch.utils.data.random_split(ds, [800, 200]): a random split of the dataset's rows, the
            # last part held out (train/test, or train/validation/test)
            self.split_point(args[:1], line, col, "random_split")
            self.time_split(args[:1], line, col, "random_split")
            lengths = args[1].items if len(args) > 1 and args[1].items else (EMPTY, EMPTY)
            held_out = VAL if args[0].rows == TRAIN else TEST  # a split of the training rows validates
            parts = [TRAIN, *([VAL] * (len(lengths) - 2)), held_out] if len(lengths) > 1 else [TRAIN]
            clean = replace(args[0], leaks=frozenset(), subset=False)
            return Val(items=tuple(replace(clean, rows=part) for part in parts))
        if name in CV_FUNCS:
            data = args[1:] + [kwargs[k] for k in ("X", "y") if k in kwargs]
            self.split_point(data, line, col, "cross-validation")
            if any(d.rows == TEST and not d.val_named for d in data[:1]):
                self.hit(
                    "TG202",
                    line,
                    col,
                    f"{name} runs on the test rows: the test set is used to train and to choose",
                )
            cv = kwargs.get("cv", EMPTY)
            self.time_cv(data, cv.cls, cv.shuffles, line, col)
            self.group_cv(data, cv, "groups" in kwargs, line, col)
            return EMPTY
        part = _packaged_part(qual, node)
        if part is not None:  # datasets.MNIST(root, train=False), load_dataset("imdb", split="test")
            root = self.dataset_roots.setdefault(name, self.new_root())
            return Val(rows=part, root=root, source=part == FULL)
        is_dataset = (
            name.startswith(("load_", "fetch_"))
            and "datasets" in qual
            or name in ("load", "loads")
            and qual.split(".")[0] in ("numpy", "np", "torch", "joblib", "pickle", "dill", "cloudpickle")
            or name in RANDOM_DATA
            and qual.split(".")[0] in ("numpy", "np", "torch")
            or name in ("array", "asarray", "tensor", "Tensor")
            and not data_args
            and bool(node.args)
            and isinstance(node.args[0], ast.List | ast.Tuple)
        )
        if (name in SOURCES or is_dataset) and (name != "DataFrame" or not data_args):
            index_col = _kw(node, "index_col")
            dated = index_col is not None and (
                _kw(node, "parse_dates") is not None
                or isinstance(_const(index_col), str)
                and bool(DATE_RE.search(_const(index_col)))
            )
            ordered = _kw(node, "parse_dates") is not None and index_col is not None
            return Val(
                rows=FULL,
                root=self.new_root(),
                source=True,
                time_ordered=ordered,
                date_index=dated,
                # a table read from a file holds every column (a dataset bunch's .data does not)
                dropped=frozenset() if name.startswith("read_") else None,
            )
        if _is_price_history(qual, name):
            # yf.download, pandas_datareader's DataReader: daily rows in date order, indexed by date
            return Val(rows=FULL, root=self.new_root(), source=True, time_ordered=True, date_index=True)
        if METRIC_RE.search(name) or name in ("accuracy_score", "classification_report"):
            tested = [a for a in [*args, *kwargs.values()] if a.rows == TEST]
            if tested:
                made_by = next((a.model for a in tested if a.model), None)
                if any(a.val_named for a in tested):
                    made_by = None
                return self.test_score(line, col, tested[0].root, made_by)
            return EMPTY
        if name in ("choice", "permutation") and "random" in qual:
            return Val(draw=True)
        if name in ("setdiff1d", "setxor1d") and any(a.draw for a in args):
            return Val(draw=True)
        if name == "shuffle" and "random" in qual and node.args and isinstance(node.args[0], ast.Name):
            self.bind(node.args[0].id, replace(args[0], draw=True))  # np.random.shuffle(idx) in place
            return EMPTY
        if name == "zscore" and "stats" in qual and args and args[0].rows == FULL and not args[0].target:
            axis = _const(_kw(node, "axis"))
            if axis in (None, 0):  # per column (axis=1 standardizes each row by itself)
                leak = Leak("TG101", line, col, "stats.zscore standardizes with the mean and std of all rows")
                return replace(args[0], leaks=args[0].leaks | {leak}, subset=False)
        if name in POWER_LAMBDAS and "stats" in qual and args and args[0].rows == FULL and not args[0].target:
            if name.endswith("_normmax"):  # boxcox_normmax(x): the lambda that best normalises all rows
                return Val(stat=True, stat_of=args[0].root)
            if len(node.args) < 2 and _kw(node, "lmbda") is None:  # boxcox(x): lambda estimated, then used
                leak = Leak("TG102", line, col, f"stats.{name} estimates its lambda from all rows")
                return replace(args[0], leaks=args[0].leaks | {leak}, subset=False, items=None)
        if name in MODULE_TRANSFORMS and "preprocessing" in qual and args and args[0].rows == FULL:
            axis = _const(_kw(node, "axis"))
            if name != "normalize" or axis == 0:  # normalize works row by row unless axis=0
                leak = Leak("TG101", line, col, f"preprocessing.{name} computes its statistics over all rows")
                return replace(args[0], leaks=args[0].leaks | {leak}, subset=False)
        if name in ("dmatrix", "dmatrices") and len(args) > 1 and args[1].rows == FULL:
            formula = _const(node.args[0]) if node.args else None
            data = replace(args[1], subset=False)
            if isinstance(formula, str) and PATSY_STATEFUL.search(formula):
                leak = Leak("TG101", line, col, "the patsy formula standardizes or centers with all rows")
                data = replace(data, leaks=data.leaks | {leak})
            return Val(items=(data, data)) if name == "dmatrices" else data
        if name == "qcut" and args and args[0].rows == FULL and not args[0].target:
            leak = Leak("TG102", line, col, "pd.qcut bins the data by quantiles of all rows")
            return replace(args[0], leaks=args[0].leaks | {leak})
        if name in SCORE_FUNCS and args and args[0].rows == FULL:
            return Val(selstat=True)
        if qual.startswith(("numpy.", "np.")) and name in STATS:
            axis = _const(_kw(node, "axis")) if _kw(node, "axis") is not None else None
            if args and args[0].rows == FULL and not args[0].target and axis != 1:
                return Val(stat=True, stat_of=args[0].root)
            if args and args[0].rows == TEST and not args[0].target and axis != 1:
                return Val(test_stat=True)
            return EMPTY
        if name in ("concat", "concatenate", "vstack", "hstack", "row_stack", "append"):
            parts = list(args[0].items) if args and args[0].items else args
            out = merge(parts)
            if (
                out.rows == FULL
                and _duplicates_rows(node)
                and _const(_kw(node, "axis")) not in (1, "columns")
            ):
                leak = Leak("TG205", line, col, "rows are concatenated with copies of themselves")
                out = replace(out, leaks=out.leaks | {leak})
            if out.rows == FULL and any(p.rows == TEST for p in parts):
                out = replace(out, root=next((p.root for p in parts if p.rows == TEST), out.root))
            return out
        if name in ("max", "min", "sorted", "argmax", "argmin", "nanargmax", "nanargmin"):
            scored = [a.test_score for a in args if a.test_score]
            if scored:
                self.selection(scored[0], line)
            return merge(args)
        if name == "enumerate" and args:
            return Val(elem=Val(items=(EMPTY, self.element(args[0]))))
        if name == "zip":  # what its inputs learnt stays with the pairs: dict(zip(order, range(n)))
            leaks = frozenset().union(*(a.leaks for a in args))
            return Val(elem=Val(items=tuple(self.element(a) for a in args)), leaks=leaks)
        if name in ("next", "iter", "list") and args and args[0].elem is not None:
            return args[0].elem if name == "next" else args[0]
        if name in ("int", "float", "round") and args and args[0].test_score:
            return Val(test_score=args[0].test_score)
        if name in ("int", "float", "round", "abs") and args and (args[0].stat or args[0].test_stat):
            return replace(args[0], qual=None)  # round(np.mean(v)) is still the statistic
        if name in ("len", "print", "int", "float", "str", "round", "range", "display", "isinstance"):
            return EMPTY
        if name in ("where", "nonzero", "flatnonzero", "argwhere", "array", "asarray") and (
            len(args) == 1 and args[0].mask and qual.startswith(("numpy.", "np."))
        ):  # np.where(X[:, 0] == 0): the positions of a row mask choose the same rows
            return args[0]
        if name in ("Series", "DataFrame", "array", "asarray", "Tensor", "tensor") and data_args:
            return self.default(data_args, {})
        if kwargs.keys() & EVAL_SET_KWARGS:  # xgb.train(..., evals=...), lgb.train(..., valid_sets=...)
            self.early_stopping(EMPTY, node, kwargs)
        built = self.construct(name, node, args, kwargs)
        if built is not None:
            return built
        out = self.default(args, kwargs)
        data = next((a for a in args if a.data and a.group_stat is None), EMPTY)
        grouped = next((a for a in [*args, *kwargs.values()] if a is not data and _same_table(a, data)), None)
        if data.rows == FULL and not data.target and grouped is not None:
            # np.where(df[c] == 0, df.groupby("label")[c].median()[1], df[c]): per-group values put back
            out = replace(out, leaks=out.leaks | {self.encoding_leak(grouped, f"filled ({name})")})
        elif data.rows == FULL and not data.target and any(a.stat for a in [*args, *kwargs.values()]):
            # boxcox1p(x, lam_of_all_rows), np.clip(x, lo, hi) with quantiles of all rows: as x - x.mean()
            leak = Leak("TG102", line, col, "the data is transformed with a statistic computed over all rows")
            out = replace(out, leaks=out.leaks | {leak})
        return out

    def default(self, args: list[Val], kwargs: dict[str, Val]) -> Val:
        # Positional data decides the rows: lgb.Dataset(X_test, y_test, reference=dtrain) holds test rows.
        out = merge(args) if any(a.data for a in args) else merge([*args, *kwargs.values()])
        return replace(out, mask=False)

    def construct(self, name: str, node: ast.Call, args: list[Val], kwargs: dict[str, Val]) -> Val | None:
        line, col = node.lineno, node.col_offset
        seeded = _kw(node, "random_state") is not None or _kw(node, "seed") is not None
        if name in RANDOMIZED and not seeded and not self.global_np_seed:
            self.hit("TG502", line, col, f"{name} without random_state")
        if name in SPLITTERS:
            shuffle = name in ALWAYS_SHUFFLE or _const(_kw(node, "shuffle")) is True
            if shuffle and not seeded and not self.global_np_seed:
                self.hit("TG501", line, col, f"{name} shuffles without random_state")
            # scikit-learn < 0.18 (sklearn.cross_validation): the labels or the row count go to the
            # constructor, and the splitter itself is iterated: for train, test in StratifiedKFold(y, 4)
            old = [a for a in [*args, kwargs.get("y", EMPTY), kwargs.get("labels", EMPTY)] if a.data]
            elem = None
            if old or "n_folds" in kwargs or "n_iter" in kwargs:
                root = old[0].root if old else None
                elem = Val(items=(Val(rows=TRAIN, root=root), Val(rows=TEST, root=root)))
            return Val(kind="splitter", cls=name, shuffles=shuffle, elem=elem)
        if name in CATEGORY_ENCODERS:
            return Val(kind="category", cls=name)
        if name in TRANSFORMERS:
            return Val(kind="transform", cls=name)
        if name in TARGET_ENCODERS:
            return Val(kind="target_encoder", cls=name)
        if name in SELECTORS:
            return Val(kind="select", cls=name)
        if name in RESAMPLERS:
            return Val(kind="resample", cls=name)
        if name in SEARCHES:
            cv = kwargs.get("cv", EMPTY)
            built = Position(line, col)
            estimator = args[0] if args else kwargs.get("estimator", EMPTY)
            if estimator.kind == "model" and estimator.cls:
                self.model_classes[built] = estimator.cls
            return Val(kind="search", cls=name, cv_cls=cv.cls, shuffles=cv.shuffles, built=built)
        if name in PIPELINES:
            steps = args[0].items if name == "Pipeline" and args and args[0].items else tuple(args)
            last = steps[-1] if steps else EMPTY
            if last.items:
                last = last.items[-1]
            kind = "transform" if last.kind in LEARNING_KINDS else "model"
            return Val(kind=kind, cls=name, built=Position(line, col))
        if name in EARLY_STOP_NAMES:
            return Val(cls=name, early_stop=True)
        if name[:1].isupper() and not any(
            a.data or a.test_score or a.selstat for a in [*args, *kwargs.values()]
        ):
            stop = any(k in kwargs for k in ("early_stopping_rounds", "n_iter_no_change")) or bool(
                _const(_kw(node, "early_stopping"))
            )
            self.model_classes[Position(line, col)] = name
            if name in self.searched_on_train:
                self.cv_picks.add(Position(line, col))
            if name in self.searched_on_all:
                self.all_rows_picks[Position(line, col)] = self.searched_on_all[name]
            return Val(
                kind="model",
                cls=name,
                early_stop=stop,
                adapted=_adapted_layers([*args, *kwargs.values()]),
                built=Position(line, col),
            )
        return None

    # ---------------------------------------------------------------- methods
    def method(self, recv: Val, name: str, node: ast.Call, args: list[Val], kwargs: dict[str, Val]) -> Val:
        line, col = node.lineno, node.col_offset
        if name in FIT_METHODS and not recv.data:
            return self.fit(recv, name, node, args, kwargs)
        if name in EVAL_METHODS and not recv.data:
            return self.evaluate(recv, name, node, args)
        if name in WRITE_METHODS and recv.data:  # df.to_csv("clean.csv"): read back later as the same rows
            path = (
                _const(node.args[0]) if node.args else _const(_kw(node, "path_or_buf") or _kw(node, "path"))
            )
            if isinstance(path, str):
                self.written[path] = recv
        if name == "add" and recv.kind == "model" and isinstance(node.func.value, ast.Name):
            # model.add(layer): the model carries what its layers learnt (a Normalization adapted on all rows)
            adapted = _adapted_layers(args)
            if adapted:
                self.bind(node.func.value.id, replace(recv, adapted=recv.adapted | adapted))
        if name == "split" and recv.kind == "splitter":
            self.split_point(args, line, col, "cross-validation split")
            if not (recv.cls or "").startswith(GROUP_SPLITTER_PREFIXES) and "groups" not in kwargs:
                self.group_split(args, line, col)
            if recv.shuffles:
                self.time_split(args, line, col, f"{recv.cls}")
            root = next((a.root for a in args if a.data), None)
            return Val(elem=Val(items=(Val(rows=TRAIN, root=root), Val(rows=TEST, root=root))))
        if (
            name == "append"
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
        ):
            if args and args[0].test_score and not recv.test_score:
                self.bind(node.func.value.id, replace(recv, test_score=args[0].test_score))
            if not recv.data and args and args[0].data and node.args:
                # corpus.append(cleaned_review) in a loop over the rows: the list holds those rows;
                # windows.append(series[i - w:i]): overlapping windows of ordered rows
                rows = replace(args[0], subset=False, indexer=False, test_score=recv.test_score)
                if _sliding_window(node.args[0]):
                    rows = replace(rows, time_ordered=True)
                self.bind(node.func.value.id, rows)
            return EMPTY
        if name in ("items", "values") and not recv.data and recv.items and not args:
            # for name, model in models.items(): the dict's values are the candidates
            value = self.element(Val(items=recv.items))
            return Val(elem=Val(items=(EMPTY, value)) if name == "items" else value)
        if name == "optimize" and args and args[0].func is not None:
            result = self.call_function(args[0].func, [], {}, by_name=True)
            self.called.add(args[0].func.name)
            if result.test_score:
                self.selection(result.test_score, line)
            return EMPTY
        if name in ("idxmax", "idxmin", "argmax", "argmin", "nlargest", "sort_values") and recv.test_score:
            self.selection(recv.test_score, line)
            return recv
        if name in ("item", "tolist", "numpy", "mean", "cpu") and recv.test_score:
            return Val(test_score=recv.test_score)
        if not recv.data and name in ("choice", "permutation"):
            return Val(draw=True)  # rng.permutation(n)
        if not recv.data and name == "history" and recv.cls == "Ticker":  # yf.Ticker("AAPL").history()
            return Val(rows=FULL, root=self.new_root(), source=True, time_ordered=True, date_index=True)
        if not recv.data and name in SOURCE_METHODS:
            return Val(rows=FULL, root=self.new_root(), source=True)
        if not recv.data:
            out = self.default(args, kwargs)
            if recv.selstat or recv.test_score:
                out = replace(out, selstat=recv.selstat or out.selstat, test_score=recv.test_score)
            if (recv.stat or recv.test_stat) and not out.data:  # df[c].mean().round(2)
                out = replace(out, stat=recv.stat, test_stat=recv.test_stat)
            if recv.group_stat and not out.data:  # df[c].map(df[c].value_counts().to_dict())
                out = replace(out, group_stat=recv.group_stat)
            return out
        return self.data_method(recv, name, node, args, kwargs)

    def fit(self, recv: Val, name: str, node: ast.Call, args: list[Val], kwargs: dict[str, Val]) -> Val:
        line, col = node.lineno, node.col_offset
        X = args[0] if args else kwargs.get("X", EMPTY)
        y = args[1] if len(args) > 1 else kwargs.get("y", EMPTY)
        kind = recv.kind
        ranked_on = args[1] if len(args) > 1 else kwargs.get("X_test", EMPTY)
        if recv.cls in LEADERBOARDS and ranked_on.rows == TEST and not ranked_on.val_named:
            self.record_score(ranked_on.root, line)
            self.hit(
                "TG202",
                line,
                col,
                f"{recv.cls}.fit fits many models and ranks them by their scores on the test rows (its "
                "second argument); pass a validation part carved from the training rows instead",
            )
        fitted_rows = "part" if X.partial else X.rows
        if (
            kind == "model"
            and X.dropped is not None
            and y.column_name is not None
            and y.root is not None
            and y.root == X.root
            and y.column_name not in X.dropped
            and (X.root, y.column_name) not in self.target_in_features  # once per table and column
        ):  # feats = df; y = df["label"]; model.fit(feats, y): the label is one of the features
            self.target_in_features.add((X.root, y.column_name))
            self.hit(
                "TG105",
                line,
                col,
                f"the features still hold the target column {y.column_name!r} (y is that column of the "
                "same table); drop it from X",
            )
        fitted_on = node.args[0] if node.args else _kw(node, "X")
        inputs = ast.unparse(fitted_on) if fitted_on is not None else ""
        if recv.built is not None:
            self.first_fit_with.setdefault((recv.built, inputs), Position(line, col))
            self.first_fit.setdefault(recv.built, Position(line, col))
        out_recv = replace(recv, fitted=Fit(fitted_rows, X.root, line, col, inputs), pending=frozenset())
        result: Val = out_recv
        full = X.rows == FULL and not X.target
        if (
            (kind in LEARNING_KINDS or kind == "resample")
            and X.rows == TEST
            and not X.target
            and not X.partial
        ):
            self.test_statistics(
                X.root,
                line,
                col,
                f"{recv.cls or 'a transformer'} is fit on the test rows (it should only transform them "
                "with what it learned from the training rows)",
            )
        if kind in LEARNING_KINDS and full:
            if kind == "category":
                leak = Leak("TG106", line, col, f"{recv.cls} learns the list of categories from all rows")
            elif kind == "select":
                leak = Leak("TG103", line, col, f"{recv.cls or 'a feature selector'} is fit on all rows")
            elif kind == "target_encoder" or (recv.cls == "TargetEncoder" and y.data):
                leak = Leak("TG105", line, col, f"{recv.cls} encodes categories with the target of all rows")
            else:
                leak = Leak("TG101", line, col, f"{recv.cls or 'a transformer'} is fit on all rows")
            if X.root in self.presplit_roots:  # the split came before this snippet
                self.hit(leak.code, leak.line, leak.col, f"{leak.detail}, after the data was split")
            if name in IN_PLACE_FITS:
                out_recv = replace(out_recv, pending=frozenset({leak}))
                result = out_recv
            else:
                result = replace(X, leaks=X.leaks | {leak}, subset=False)
        elif kind in LEARNING_KINDS and name != "fit":
            result = replace(X, subset=False)
        elif kind == "resample" and name in ("fit_resample", "fit_sample"):
            if X.rows == FULL:
                leak = Leak("TG104", line, col, f"{recv.cls} resamples all rows")
                X, y = replace(X, leaks=X.leaks | {leak}), replace(y, leaks=y.leaks | {leak})
            result = Val(items=(X, y))
        elif kind == "search" and X.rows in (FULL, TRAIN):
            searched = self.model_classes.get(recv.built) if recv.built else None
            if X.rows == TRAIN and searched and not X.partial:
                self.searched_on_train.setdefault(searched, line)
            if X.rows == FULL and searched and not X.target:
                self.searched_on_all.setdefault(searched, (line, col, X.root))
            if X.rows == FULL:
                self.split_point([X, y], line, col, "the search's cross-validation")
                self.group_cv([X], Val(cls=recv.cv_cls), "groups" in kwargs, line, col)
            self.time_cv([X], recv.cv_cls, recv.shuffles, line, col)
        elif name == "fit_transform":
            result = replace(X, subset=False)
        if "validation_split" in kwargs:  # Keras keeps the last rows apart for validation: a split
            self.split_point([X, y], line, col, "the validation_split of fit")
        self.early_stopping(recv, node, kwargs)
        if isinstance(node.func, ast.Attribute):
            base = node.func.value
            while isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute):
                base = base.func.value
            if isinstance(base, ast.Name) and isinstance(node.func.value, ast.Name):
                self.bind(base.id, out_recv)
        return result

    def early_stopping(self, recv: Val, node: ast.Call, kwargs: dict[str, Val]) -> None:
        watched = [v for k, v in kwargs.items() if k in EVAL_SET_KWARGS]
        if not watched:
            return

        def rows(v: Val) -> set[str | None]:
            found = {v.rows}
            for item in v.items or ():
                found |= rows(item)
            return found

        if not any(TEST in rows(v) for v in watched):
            return

        def parts(v: Val) -> list[Val]:
            return [v] if not v.items else [p for item in v.items for p in parts(item)]

        held = [p for v in watched for p in parts(v) if p.rows == TEST]
        callbacks = kwargs.get("callbacks", EMPTY)
        stop = (
            recv.early_stop
            or "early_stopping_rounds" in kwargs
            or callbacks.early_stop
            or any(i.early_stop for i in callbacks.items or ())
        )
        if stop and all(p.val_named for p in held):
            # the only held-out rows, named as validation: a validation set unless they are also scored
            self.steps += 1
            self.stops_on_holdout.append((self.steps, node.lineno, node.col_offset, {p.root for p in held}))
        elif stop:
            self.hit(
                "TG203",
                node.lineno,
                node.col_offset,
                "early stopping watches the test set (passed as the evaluation set)",
            )

    def evaluate(self, recv: Val, name: str, node: ast.Call, args: list[Val]) -> Val:
        line, col = node.lineno, node.col_offset
        X = args[0] if args else EMPTY
        if (
            recv.kind == "model"
            and recv.fitted
            and recv.fitted.rows == TEST
            and recv.fitted.root is not None
            and X.root == recv.fitted.root
            and X.rows in (TRAIN, TEST)
        ):
            # ``f_test, f_train = train_test_split(X)`` then fit(f_train): the parts are told by their
            # position, so this model learnt from the held-out part; for it the other part is the one
            # held out, and its own rows give an in-sample score, not a test score
            X = replace(X, rows=TEST if X.rows == TRAIN else TRAIN)
        for leak, root in recv.adapted:
            if X.rows == TEST and root is not None and root == X.root:
                self.hit(
                    leak.code,
                    leak.line,
                    leak.col,
                    f"{leak.detail}; the model it is a layer of is evaluated on the test rows (line {line})",
                    ((line, "evaluation"),),
                )
        if (
            recv.fitted
            and X.rows == TEST
            and recv.fitted.rows == FULL
            and recv.fitted.root is not None
            and recv.fitted.root == X.root
        ):
            fit_line, fit_col = recv.fitted.line, recv.fitted.col
            if recv.kind in LEARNING_KINDS:
                code = LEARNING_KINDS[recv.kind]
                self.hit(
                    code,
                    fit_line,
                    fit_col,
                    f"{recv.cls or 'a transformer'} is fit on rows that include the "
                    f"test rows it transforms at line {line}",
                    ((line, "evaluation"),),
                )
            elif recv.kind == "search":
                self.hit(
                    "TG204",
                    fit_line,
                    fit_col,
                    f"the search is fit on all rows, then scored on test rows (line {line})",
                    ((line, "evaluation"),),
                )
            else:
                self.hit(
                    "TG201",
                    fit_line,
                    fit_col,
                    f"the model is fit on all rows, including the test rows "
                    f"it is evaluated on at line {line}",
                    ((line, "evaluation"),),
                )
        # which model: where it was built (the same object fit again, as a notebook cell run twice, is
        # one model), else where it was fit; not for the only held-out rows named as validation, where
        # comparing models is what they are for, nor for a DummyClassifier (a baseline, not a candidate)
        made_by = recv.built or (Position(recv.fitted.line, recv.fitted.col) if recv.fitted else None)
        if recv.built is not None and recv.fitted is not None:
            # clf.fit(X_rfe, y) then clf.fit(X_all, y): one object, two candidate models; the same
            # fit run again (a notebook cell re-run) stays one model
            first = self.first_fit.get(recv.built)
            this = self.first_fit_with.get((recv.built, recv.fitted.inputs))
            if this is not None and first is not None and this != first:
                made_by = this
        search_fit = self.all_rows_picks.get(recv.built) if recv.built else None
        if search_fit and X.rows == TEST and search_fit[2] is not None and search_fit[2] == X.root:
            self.hit(
                "TG204",
                search_fit[0],
                search_fit[1],
                f"the search is fit on all rows; a {recv.cls} built after it (line {recv.built.line}), "
                f"presumably with its settings, is scored on test rows taken from them (line {line})",
                ((line, "evaluation"),),
            )
        if X.val_named or (recv.cls or "").startswith("Dummy"):
            made_by = None
        if name in ("score", "evaluate"):
            return self.test_score(line, col, X.root, made_by) if X.rows == TEST else EMPTY
        if name in TRANSFORM_METHODS:
            if X.rows == FULL and recv.pending:
                return replace(X, leaks=X.leaks | recv.pending, subset=False)
            return replace(X, subset=False)
        return Val(rows=X.rows, root=X.root, model=made_by, val_named=X.val_named) if X.data else EMPTY

    def data_method(
        self, recv: Val, name: str, node: ast.Call, args: list[Val], kwargs: dict[str, Val]
    ) -> Val:
        line, col = node.lineno, node.col_offset
        axis = _const(_kw(node, "axis")) if _kw(node, "axis") is not None else None
        inplace = _const(_kw(node, "inplace")) is True
        # The whole-table mark (which columns were dropped) survives only methods that keep every
        # column; any other (filter, select_dtypes, reindex, ...) leaves the columns unknown.
        dropped = recv.dropped if name in COLUMN_KEEPING_METHODS else None
        out = replace(recv, subset=False, indexer=False, mask=False, dropped=dropped)
        if recv.grouped_target and name in GROUP_AGGS:
            if not recv.shifted and not _mentions_shift(node) and recv.rows == FULL:
                leak = Leak("TG105", line, col, "a per-group statistic of the target over all rows")
                out = replace(
                    out, leaks=out.leaks | {leak}, grouped_target=False, target=False, target_col=False
                )
            else:
                out = replace(out, grouped_target=False, target=False)
        elif (recv.grouped or recv.windowed) and name in GROUP_AGGS:
            out = replace(out, grouped=False, windowed=False)
            if node.args and isinstance(node.args[0], ast.Lambda) and node.args[0].args.args:
                # groupby(store)[x].transform(lambda g: (g - g.mean()) / g.std()): per-group statistics
                out = replace(out, leaks=out.leaks | self.lambda_body(node.args[0], recv).leaks)
            how = _const(node.args[0]) if node.args and name in ("transform", "agg", "aggregate") else name
            if (
                recv.grouped
                and not recv.windowed
                and recv.rows == FULL
                and isinstance(how, str)
                and how in GROUP_STATS
                and recv.group_key not in self.group_split_columns  # within-group under a group split
            ):
                # mean or frequency encoding
                out = replace(out, group_stat=GroupStat(line, col, recv.root, recv.group_by_target))
        elif name == "value_counts" and recv.rows == FULL and not recv.target and not recv.grouped:
            return Val(group_stat=GroupStat(line, col, recv.root))
        elif name in STATS and name != "sum" or (name == "sum" and recv.rows == FULL and axis != 1):
            if recv.rows == FULL and not recv.target and axis not in (1, "columns"):
                return Val(stat=True, stat_of=recv.root)
            if recv.rows == TEST and not recv.target and axis not in (1, "columns"):
                return Val(test_stat=True)
            return EMPTY
        elif name in ("fillna", "clip", "replace", "where", "mask") and any(
            a.stat or _same_table(a, recv) for a in [*args, *kwargs.values()]
        ):  # fillna(df[c].median()), fillna(df.groupby(k)[c].transform("median"))
            fills = [*args, *kwargs.values()]
            by_class = next((a for a in fills if _same_table(a, recv) and a.group_stat.by_target), None)
            if recv.rows == FULL and not recv.target and by_class is not None:
                # fillna(df.groupby("label")[c].transform("mean")): the filled values tell the label
                out = replace(out, leaks=out.leaks | {self.encoding_leak(by_class, f"filled ({name})")})
            elif recv.rows == FULL and not recv.target:
                leak = Leak(
                    "TG102", line, col, f"missing values are filled ({name}) with a statistic of all rows"
                )
                out = replace(out, leaks=out.leaks | {leak})
            elif (
                recv.rows == TRAIN
                and not recv.target
                and any(_stat_of_all(a, recv) for a in [*args, *kwargs.values()])
            ):  # train.fillna(df.mean()) after the split: the fill values include the test rows
                self.hit(
                    "TG102",
                    line,
                    col,
                    f"the training rows are filled ({name}) with a statistic of all rows, test rows included",
                )
        elif (
            name in ("fillna", "clip", "replace", "where", "mask")
            and recv.rows == TEST
            and any(a.test_stat for a in [*args, *kwargs.values()])
        ):
            self.test_statistics(
                recv.root, line, col, f"the test rows are filled ({name}) with a statistic of the test rows"
            )
        elif name in ("bfill", "backfill") or (
            name == "fillna" and _const(_kw(node, "method")) in ("bfill", "backfill")
        ):
            if recv.time_ordered:
                out = replace(
                    out,
                    leaks=out.leaks
                    | {Leak("TG302", line, col, "a backward fill copies later values into earlier rows")},
                )
        elif name == "groupby":
            key = _const(node.args[0]) if node.args else _const(_kw(node, "by"))
            if isinstance(key, str) and GROUP_COLUMN_RE.search(key) and recv.rows == FULL:
                self.repeated.setdefault(recv.root, (key, line))
            keys = key if isinstance(key, list) else [key]
            out = replace(
                out,
                grouped=True,
                group_key=key if isinstance(key, str) else None,
                group_by_target=any(
                    isinstance(k, str)
                    and k in self.target_names
                    and not (GROUP_COLUMN_RE.search(k) or ID_COLUMN_RE.search(k))
                    for k in keys
                ),
            )
        elif name in ("rolling", "expanding", "ewm"):
            out = replace(out, time_ordered=True, windowed=True)
            if _const(_kw(node, "center")) is True:
                out = replace(
                    out, leaks=out.leaks | {Leak("TG302", line, col, "a centered window uses later rows")}
                )
            if (
                recv.target_col
                and not recv.shifted
                and recv.rows == FULL
                and _const(_kw(node, "center")) is not True
            ):
                leak = Leak("TG105", line, col, "a window over the target includes the current row's target")
                out = replace(out, leaks=out.leaks | {leak}, target=False, target_col=False)
            out = replace(out, grouped_target=False)
        elif name in ("shift", "diff", "pct_change"):
            periods = _const(node.args[0]) if node.args else _const(_kw(node, "periods"))
            periods = 1 if periods is None else periods
            out = replace(
                out,
                time_ordered=True,
                grouped=False,
                shifted=recv.shifted or (isinstance(periods, int) and periods > 0),
            )
            if isinstance(periods, int) and periods < 0:
                out = replace(
                    out,
                    leaks=out.leaks
                    | {Leak("TG302", line, col, f"{name}({periods}) moves later values into earlier rows")},
                )
            if recv.grouped_target:
                out = replace(out, grouped_target=False, target_col=True)
        elif name in ("sort_values", "sort_index", "set_index"):
            key = node.args[0] if node.args else _kw(node, "by") or _kw(node, "keys")
            value = _const(key) if key is not None else None
            names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            dates = any(isinstance(n, str) and DATE_RE.search(n) for n in names)
            # sort_index orders by time only when the index holds dates (train.sort_index() on row ids
            # just restores the file order)
            if dates or name == "sort_index" and recv.date_index:
                out = replace(out, time_ordered=True)
            if name == "set_index":
                out = replace(out, date_index=dates)
        elif name in ("corr", "corrwith"):
            if recv.rows == FULL:
                return Val(selstat=True)
        elif name in SUBSET_METHODS:
            out = replace(out, subset=True, sampled=name == "sample" and role_is_split(node))
            if name == "sample" and recv.time_ordered:
                self.time_split([recv], line, col, "DataFrame.sample")
        elif name == "drop":
            cols = _drop_columns(node)
            values = _const(cols) if cols is not None else None
            values = [values] if isinstance(values, str) else values
            if isinstance(values, list | tuple):
                out = replace(
                    out,
                    leaks=frozenset(k for k in out.leaks if k.column not in values),
                    target=False,
                    dropped=None if recv.dropped is None else recv.dropped | set(values),
                )
            elif cols is not None:  # drop(columns=[label, "id"]): which columns are left is unknown
                out = replace(out, dropped=None)
            index = [*args, kwargs.get("index", EMPTY)]
            if any(a.rows in (TEST, VAL) for a in index):
                out = replace(out, rows=TRAIN, subset=False)
            elif recv.rows == FULL and any(a.rows == TRAIN and a.root == recv.root for a in index):
                out = replace(out, rows=TEST, subset=False)  # test = df.drop(train.index): the rest
        elif name == "pop":
            column = _const(node.args[0]) if node.args else None
            column = column if isinstance(column, str) else None
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
                # y = df.pop("label"): the frame no longer holds that column
                left = None if recv.dropped is None or column is None else recv.dropped | {column}
                self.bind(node.func.value.id, replace(recv, dropped=left))
            return self.column(recv, column)
        elif name == "insert" and len(args) >= 3 and isinstance(node.func, ast.Attribute):
            if isinstance(node.func.value, ast.Name):  # df.insert(0, "amount_scaled", scaled): in place
                self.write_column(node.func.value.id, _const(node.args[1]), args[2], node)
            return EMPTY
        elif name in ("isin", "between", "isna", "isnull", "notna", "notnull", "duplicated"):
            return replace(out, mask=True)
        elif (
            name in ("apply", "transform", "agg", "map")
            and node.args
            and isinstance(node.args[0], ast.Lambda)
            and node.args[0].args.args
            and axis not in (1, "columns")
        ):  # df[cols].apply(lambda c: (c - c.min()) / ...), s.map(lambda v: v / mx): what the body learns
            out = replace(out, leaks=out.leaks | self.lambda_body(node.args[0], recv).leaks)
        elif (
            name in ("apply", "transform", "agg", "pipe")
            and args
            and args[0].func is not None
            and axis not in (1, "columns")
        ):  # df.apply(normalise) with a function defined in the file: what it learns, per column
            self.called.add(args[0].func.name)
            result = self.call_function(args[0].func, [replace(recv, subset=False, grouped=False)], {})
            out = replace(out, leaks=out.leaks | result.leaks)
        elif name == "map" and recv.rows == FULL and any(_same_table(a, recv) for a in args):
            leak = self.encoding_leak(next(a for a in args if _same_table(a, recv)))
            out = replace(out, leaks=out.leaks | {leak})
        elif name in ("merge", "join", "map", "combine_first", "assign", "apply", "transform", "agg"):
            out = replace(out, leaks=out.leaks.union(*(a.leaks for a in [*args, *kwargs.values()])))
        if inplace and isinstance(node.func, ast.Attribute):
            self._inplace(node.func.value, out)
        if (
            name == "sample"
            and role_is_split(node)
            and _kw(node, "random_state") is None
            and not self.global_np_seed
        ):
            self.hit("TG501", line, col, "DataFrame.sample without random_state")
        return out

    def lambda_body(self, lam: ast.Lambda, recv: Val) -> Val:
        """The value of a lambda's body with its first parameter standing for the rows it is given."""
        bound = replace(recv, subset=False, grouped=False, windowed=False)
        self.frames.append(Frame(env={lam.args.args[0].arg: bound}))
        try:
            return self.expr(lam.body)
        finally:
            self.frames.pop()

    def _inplace(self, target: ast.AST, value: Val) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, value)
        elif isinstance(target, ast.Subscript | ast.Attribute):
            base = target.value
            column = _const(target.slice) if isinstance(target, ast.Subscript) else target.attr
            if isinstance(base, ast.Name):
                frame = self.lookup(base.id)
                new = frozenset(
                    replace(k, column=column if isinstance(column, str) else None)
                    for k in value.leaks - frame.leaks
                )
                self.bind(base.id, replace(frame, leaks=frame.leaks | new))


def _time_direction(node: ast.Compare) -> str | None:
    """'after' for ``df.date > cut`` (or ``cut < df.date``), 'before' for the opposite, else None."""
    if len(node.ops) != 1:
        return None

    def is_date(side: ast.AST) -> bool:
        name = _const(side.slice) if isinstance(side, ast.Subscript) else getattr(side, "attr", None)
        return isinstance(name, str) and bool(DATE_RE.search(name))

    op = node.ops[0]
    later = isinstance(op, ast.Gt | ast.GtE)
    if not isinstance(op, ast.Gt | ast.GtE | ast.Lt | ast.LtE):
        return None
    if is_date(node.left):
        return "after" if later else "before"
    if is_date(node.comparators[0]):
        return "before" if later else "after"
    return None


def _is_price_history(qual: str, name: str) -> bool:
    """Market-data downloads return one row per trading day, oldest first, indexed by date."""
    package = qual.split(".")[0]
    return (
        name == "download"
        and package in ("yfinance", "yf")
        or name in ("DataReader", "get_data_yahoo", "get_data_stooq")
        and ("datareader" in qual.lower() or package in ("web", "pdr"))
    )


def _makes_dates(node: ast.AST | None) -> bool:
    """``pd.to_datetime(...)``, ``pd.DatetimeIndex(...)``, ``pd.date_range(...)``."""
    return isinstance(node, ast.Call) and _last(_dotted(node.func)) in (
        "to_datetime",
        "DatetimeIndex",
        "date_range",
    )


def _several_by_position(key: ast.AST | None) -> bool:
    """A column key that takes several columns by position: a slice (``:-1``, ``0:8``) or ``[0, 2, 5]``."""
    if isinstance(key, ast.Slice):
        return True
    positions = _const(key) if isinstance(key, ast.List) else None
    return isinstance(positions, list) and len(positions) > 1 and all(isinstance(c, int) for c in positions)


def _drop_columns(call: ast.Call) -> ast.AST | None:
    """The columns a ``drop`` call removes: ``columns=``, or ``labels=``/the first argument when the
    axis (keyword or the old positional second argument, ``drop(["c"], 1)``) is 1 or "columns"."""
    cols = _kw(call, "columns")
    if cols is not None:
        return cols
    axis = _kw(call, "axis")
    if axis is None and len(call.args) > 1:
        axis = call.args[1]
    if _const(axis) not in (1, "columns"):
        return None
    return _kw(call, "labels") or (call.args[0] if call.args else None)


def _dropped_column(value: ast.AST) -> tuple[str, str] | None:
    """``frame.drop(columns="c")`` or ``frame.drop("c", axis=1)``: (frame, "c"), one column only."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "drop"
        and isinstance(value.func.value, ast.Name)
    ):
        return None
    cols = _drop_columns(value)
    col = _const(cols) if cols is not None else None
    col = col[0] if isinstance(col, list) and len(col) == 1 else col
    return (value.func.value.id, col) if isinstance(col, str) else None


def _stat_of_all(value: Val, part: Val) -> bool:
    """A statistic of all the rows that ``part`` was split from (``df.mean()`` used on ``train``)."""
    return value.stat and value.stat_of is not None and value.stat_of == part.root


def _same_table(value: Val, frame: Val) -> bool:
    """A per-group statistic of a frame put back into that frame: mean or frequency encoding.

    Aggregating another table (a customer's transactions into the customers table) uses each entity's
    own rows and is not a leak.
    """
    return value.group_stat is not None and frame.root is not None and value.group_stat.root == frame.root


def _duplicates_rows(call: ast.Call) -> bool:
    """``pd.concat([df, df.sample(frac=.3)])``, ``np.vstack([X, X[y == 1]])``, ``pd.concat([df] * 3)``."""
    if not call.args:
        return False
    arg = call.args[0]
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mult):
        return True
    if not isinstance(arg, ast.List | ast.Tuple):
        return False
    whole = [e.id for e in arg.elts if isinstance(e, ast.Name)]
    roots = [_root_name(e) for e in arg.elts]
    return any(roots.count(name) > 1 for name in whole)


def _fits(body: list[ast.stmt]) -> bool:
    """Does a block train a model (a ``fit``-like call anywhere in it)?"""
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in FIT_METHODS
        for stmt in body
        for n in walk(stmt)
    )


def _packaged_part(qual: str, node: ast.Call) -> str | None:
    """Which part of a packaged dataset a loader call returns: ``train=False`` or ``split="test"``."""
    if not any(p in qual for p in ("torchvision", "datasets", "torchtext", "torchaudio")):
        return None
    train = _kw(node, "train")
    if train is not None and isinstance(_const(train), bool):
        return TRAIN if _const(train) else TEST
    split = _const(_kw(node, "split")) if _kw(node, "split") is not None else None
    if isinstance(split, str):
        low = split.lower()
        if low.startswith("test"):
            return TEST
        if low.startswith(("val", "valid", "dev")):
            return VAL
        if low.startswith("train"):
            return TRAIN
    return None


def _keeps_model(body: list[ast.stmt]) -> bool:
    """Does a block save or copy a model's weights (``torch.save``, ``state_dict()``, ``deepcopy``)?"""
    keep = {
        "save",
        "state_dict",
        "deepcopy",
        "save_weights",
        "save_model",
        "save_pretrained",
        "save_checkpoint",
    }
    return any(
        isinstance(n, ast.Call) and _last(_dotted(n.func)) in keep for stmt in body for n in walk(stmt)
    )


WRITE_METHODS = {"to_csv", "to_parquet", "to_pickle", "to_feather", "to_json", "to_excel", "to_hdf"}


def _saved_to(qual: str, node: ast.Call, args: list[Val]) -> tuple[str, Val] | None:
    """The file a save call writes and the value written: ``np.save(path, X)``, ``joblib.dump(X, path)``."""
    package, name = qual.split(".")[0], _last(qual)
    if package in ("numpy", "np") and name == "save" and len(args) > 1:
        path, value = _const(node.args[0]), args[1]
    elif package in ("joblib", "torch") and name in ("dump", "save") and len(args) > 1:
        path, value = _const(node.args[1]), args[0]
    else:
        return None
    return (path, value) if isinstance(path, str) else None


def _adapted_layers(values: list[Val]) -> frozenset[tuple[Leak, int | None]]:
    """Layers among ``values`` (or in a list of them) that were adapted on all rows, with those rows' root."""
    found: set[tuple[Leak, int | None]] = set()
    for value in values:
        for part in (value, *(value.items or ())):
            found |= part.adapted
            if part.pending and part.fitted:
                found |= {(leak, part.fitted.root) for leak in part.pending}
    return frozenset(found)


def _unknown(value: Val) -> bool:
    """Nothing is known of a value: not data, not a model, not a constant (an unannotated parameter)."""
    return value.kind is None and not value.data and value.const is None and not value.items and not value.mod


def _fits_name(body: list[ast.stmt], name: str) -> bool:
    """The statements call ``name.fit(...)`` (or another fit method) on the name itself."""
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in FIT_METHODS
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == name
        for stmt in body
        for n in walk(stmt)
    )


def _tuning_loop(loop: ast.For | ast.AsyncFor, models: set[str]) -> str | None:
    """What a loop tries: ``HYPERPARAMETERS`` for ``for k in ks: Model(k).fit(...)`` (the loop variable
    configures the model the body fits), ``MODELS`` for ``for name, model in models: ...`` (each round
    takes another candidate, fitted in the loop or before it; scoring each on the test set and reporting
    the scores side by side is choosing among them on the test set), else None.

    Names bound to models (``models``), model keywords (``Bagging(estimator=est)``) and pipeline step
    lists are candidates, not hyperparameter values.
    """
    names = {n.id for n in walk(loop.target) if isinstance(n, ast.Name)} - models
    configured = fits = False
    for node in walk(ast.Module(body=loop.body, type_ignores=[])):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if callee in FIT_METHODS:
            fits = True
        if callee[:1].isupper() or callee == "set_params":
            values = [
                *(a for a in node.args if not isinstance(a, ast.List | ast.Tuple)),
                *(k.value for k in node.keywords if k.arg not in MODEL_KEYWORDS | RUN_KEYWORDS),
            ]
            configured = configured or any(
                isinstance(n, ast.Name) and n.id in names for v in values for n in walk(v)
            )
    if fits and configured:
        return HYPERPARAMETERS
    return MODELS if models else None


def _sliding_window(node: ast.AST) -> bool:
    """``x[i - w:i]`` or ``x[i:i + w, 0]``: a slice whose both ends move with the same variable."""
    if not isinstance(node, ast.Subscript):
        return False
    key = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and node.slice.elts else node.slice
    if not isinstance(key, ast.Slice) or key.lower is None or key.upper is None:
        return False
    lower = {n.id for n in walk(key.lower) if isinstance(n, ast.Name)}
    upper = {n.id for n in walk(key.upper) if isinstance(n, ast.Name)}
    return bool(lower & upper)


def _dotted(node: ast.AST) -> str:
    return ast.unparse(node) if isinstance(node, ast.Name | ast.Attribute) else ""


def _root_name(node: ast.AST | None) -> str | None:
    """The variable an expression starts from: ``df`` for ``df.loc[mask, cols].copy()``."""
    while isinstance(node, ast.Subscript | ast.Attribute | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _mentions_shift(node: ast.Call) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "shift" for n in walk(node))


def role_is_split(node: ast.Call) -> bool:
    """``df.sample(frac=...)`` is a split; ``df.sample(5)`` to look at rows is not."""
    return _kw(node, "frac") is not None


def analyse(tree: ast.Module, index: TreeIndex | None = None) -> list[Hit]:
    return DataFlow(tree, index).run()
