r"""``TfidfVectorizer`` as trainguard uses it (free-text columns), with scikit-learn's tokens exactly.

skl2onnx's own converter differs from scikit-learn in three ways that change scores: it replaces
the Unicode token pattern ``(?u)\b\w\w+\b`` with the ASCII ``[a-zA-Z0-9_]+``; it lowercases with
onnxruntime's ``StringNormalizer``, which needs a named C++ locale on the serving machine (the
default ``en_US.UTF-8`` is missing from many images) and maps capital dotted I and final sigma
unlike ``str.lower``; and its ``sublinear_tf`` is ``log(1 + tf)`` where scikit-learn's is
``1 + log(tf)``. Here:

* the text arrives already lowercased with ``str.lower`` (see
  :func:`trainguard.export.inputs.onnx_feed`), so no locale is involved;
* the tokens are maximal runs of at least two word characters, as in scikit-learn, with "word
  character" spelled out as the ranges of code points Python's ``re`` calls ``\w`` (a re2
  ``\p{L}\p{N}_`` class would follow re2's newer Unicode tables and take letters Python does
  not know yet); checked over every code point in tests/export/test_converters.py;
* counts become TF-IDF in double precision: ``1 + log(tf)`` where ``tf > 0``, times ``idf_``,
  then each row divided by its L2 norm (rows without a known word stay zero).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from onnx import TensorProto
from sklearn.feature_extraction.text import TfidfVectorizer

from trainguard.export.converters.heads import constant, node

DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
PAD = "#"  # never a token: tokens are word characters only


def _is_word_character(code_point: int) -> bool:
    character = chr(code_point)
    return character.isalnum() or character == "_"


@cache
def word_token_regex() -> str:
    """re2 pattern for a maximal run of two or more of Python's ``\\w`` characters."""
    ranges: list[tuple[int, int]] = []
    for code_point in range(0x110000):
        if not _is_word_character(code_point):
            continue
        if ranges and ranges[-1][1] == code_point - 1:
            ranges[-1] = (ranges[-1][0], code_point)
        else:
            ranges.append((code_point, code_point))
    spelled = "".join(
        f"\\x{{{first:x}}}" if first == last else f"\\x{{{first:x}}}-\\x{{{last:x}}}"
        for first, last in ranges
    )
    return f"[{spelled}]{{2,}}"


def unsupported_settings(vectorizer: TfidfVectorizer) -> list[str]:
    """The settings this converter does not reproduce (trainguard's pipelines use none of them)."""
    expected = {
        "analyzer": "word",
        "token_pattern": DEFAULT_TOKEN_PATTERN,
        "ngram_range": (1, 1),
        "lowercase": True,
        "binary": False,
        "use_idf": True,
        "norm": "l2",
        "preprocessor": None,
        "tokenizer": None,
        "strip_accents": None,
        "stop_words": None,
    }
    params = vectorizer.get_params()
    return [f"{name}={params[name]!r}" for name, value in expected.items() if params[name] != value]


def _shape(operator: Any) -> None:
    from skl2onnx.common.data_types import DoubleTensorType

    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = DoubleTensorType([n, len(operator.raw_operator.vocabulary_)])


def _convert(scope: Any, operator: Any, container: Any) -> None:
    vectorizer = operator.raw_operator
    unsupported = unsupported_settings(vectorizer)
    if unsupported:
        raise NotImplementedError(f"TfidfVectorizer with {', '.join(unsupported)}")
    tokens = scope.get_unique_variable_name("tokens")
    container.add_node(
        "Tokenizer",
        operator.inputs[0].full_name,
        tokens,
        op_domain="com.microsoft",
        name=scope.get_unique_operator_name("Tokenizer"),
        mark=0,
        mincharnum=1,
        pad_value=PAD,
        tokenexp=word_token_regex(),
    )
    tokens = node(scope, container, "Flatten", tokens)  # [N, 1, T] -> [N, T]
    words = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    counts = scope.get_unique_variable_name("counts")
    container.add_node(
        "TfIdfVectorizer",
        tokens,
        counts,
        op_version=9,
        name=scope.get_unique_operator_name("TfIdfVectorizer"),
        mode="TF",
        min_gram_length=1,
        max_gram_length=1,
        max_skip_count=0,
        ngram_counts=[0],
        ngram_indexes=list(range(len(words))),
        pool_strings=words,
    )
    tf = node(scope, container, "Cast", counts, to=TensorProto.DOUBLE)
    zero = constant(scope, container, "zero", np.array(0.0))
    one = constant(scope, container, "one", np.array(1.0))
    if vectorizer.sublinear_tf:
        # log(0) is -inf, but Where keeps the zero there, as scikit-learn leaves sparse zeros alone.
        logged = node(scope, container, "Add", [node(scope, container, "Log", tf), one])
        tf = node(scope, container, "Where", [node(scope, container, "Greater", [tf, zero]), logged, zero])
    weighted = node(
        scope, container, "Mul", [tf, constant(scope, container, "idf", vectorizer.idf_.astype(float))]
    )
    axes = constant(scope, container, "axes", np.array([1], dtype=np.int64))
    squares = node(scope, container, "Mul", [weighted, weighted])
    norms = node(scope, container, "Sqrt", node(scope, container, "ReduceSum", [squares, axes], keepdims=1))
    # scikit-learn's normalize divides an all-zero row by 1.
    safe = node(scope, container, "Where", [node(scope, container, "Equal", [norms, zero]), one, norms])
    node(scope, container, "Div", [weighted, safe], operator.outputs[0].full_name)


def register() -> None:
    from skl2onnx import update_registered_converter

    update_registered_converter(TfidfVectorizer, "SklearnTfidfVectorizer", _shape, _convert, overwrite=True)
