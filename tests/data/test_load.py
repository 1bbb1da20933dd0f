"""read_table: every supported format round-trips, and every bad file gets a one-line DataError."""

from __future__ import annotations

import bz2
import gzip
import os
import random
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as pf
import pyarrow.parquet as pq
import pytest

from trainguard.data.load import SUPPORTED_FORMATS, read_table
from trainguard.errors import DataError

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"


def sample() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "n": [1, 2, 3],
            "x": [1.5, np.nan, -3.25],
            "s": ["a", None, "c c"],
        }
    )


def error_for(path: Path | str) -> str:
    """The message read_table raises for a bad file, checked for the one-line contract."""
    with pytest.raises(DataError) as info:
        read_table(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert ". Fix: " in message
    assert info.value.where == str(path)
    return message


def write_arrow_stream(df: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)


WRITERS: dict[str, Callable[[pd.DataFrame, Path], object]] = {
    "data.csv": lambda df, p: df.to_csv(p, index=False),
    "DATA.CSV": lambda df, p: df.to_csv(p, index=False),
    "data.tsv": lambda df, p: df.to_csv(p, sep="\t", index=False),
    "data.csv.gz": lambda df, p: df.to_csv(p, index=False),
    "data.csv.bz2": lambda df, p: df.to_csv(p, index=False),
    "data.csv.zip": lambda df, p: df.to_csv(p, index=False),
    "data.csv.xz": lambda df, p: df.to_csv(p, index=False),
    "data.tsv.gz": lambda df, p: df.to_csv(p, sep="\t", index=False),
    "data.jsonl": lambda df, p: df.to_json(p, orient="records", lines=True),
    "data.ndjson": lambda df, p: df.to_json(p, orient="records", lines=True),
    "data.jsonl.gz": lambda df, p: df.to_json(p, orient="records", lines=True),
    "records.json": lambda df, p: df.to_json(p, orient="records"),
    "columns.json": lambda df, p: df.to_json(p, orient="columns"),
    "lists.json": lambda df, p: p.write_text(
        '{"n": [1, 2, 3], "x": [1.5, null, -3.25], "s": ["a", null, "c c"]}'
    ),
    "data.parquet": lambda df, p: df.to_parquet(p),
    "data.pq": lambda df, p: df.to_parquet(p),
    "data.feather": lambda df, p: df.to_feather(p),
    "file.arrow": lambda df, p: df.to_feather(p),
    "stream.arrow": write_arrow_stream,
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_round_trip_keeps_values_and_types(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    WRITERS[name](sample(), path)

    df = read_table(path)

    assert list(df.columns) == ["n", "x", "s"]
    assert isinstance(df.index, pd.RangeIndex) and df.index.start == 0
    assert df["n"].dtype.kind == "i"
    assert df["x"].dtype.kind == "f"
    assert pd.api.types.is_string_dtype(df["s"])
    assert df["n"].tolist() == [1, 2, 3]
    assert df["x"].iloc[0] == 1.5 and np.isnan(df["x"].iloc[1]) and df["x"].iloc[2] == -3.25
    assert df["s"].iloc[0] == "a" and pd.isna(df["s"].iloc[1]) and df["s"].iloc[2] == "c c"


def test_accepts_str_and_pathlike(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    sample().to_csv(path, index=False)
    assert read_table(str(path)).equals(read_table(path))


def test_xlsx_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "data.xlsx"
    sample().to_excel(path, index=False)
    df = read_table(path)
    assert df["n"].tolist() == [1, 2, 3]
    assert df["x"].dtype.kind == "f"


def test_supported_formats_lists_every_reader() -> None:
    assert set(SUPPORTED_FORMATS) == {
        ".csv", ".tsv", ".parquet", ".pq", ".feather", ".arrow",
        ".jsonl", ".ndjson", ".json", ".xlsx", ".xls",
    }  # fmt: skip
    assert ".txt" not in SUPPORTED_FORMATS


def test_csv_missing_markers_become_nan(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b,c\n1,,x\nNA,2.5,NaN\n3,NaN,\n")
    df = read_table(path)
    assert df["a"].dtype.kind == "f" and df["a"].isna().tolist() == [False, True, False]
    assert df["b"].isna().tolist() == [True, False, True]
    assert df["c"].isna().tolist() == [False, True, True]


def test_csv_with_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("\ufeffname,n\ncafé,1\n".encode())
    df = read_table(path)
    assert list(df.columns) == ["name", "n"]
    assert df["name"].tolist() == ["café"]


def test_csv_in_latin1_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("name,n\ncafé,1\nMüller,2\n".encode("latin-1"))
    assert read_table(path)["name"].tolist() == ["café", "Müller"]


def test_latin1_byte_after_the_sniffed_head_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    rows = "".join(f"row{i},{i}\n" for i in range(10_000))  # > 64 KiB of plain ASCII
    path.write_bytes(("name,n\n" + rows).encode() + "café,1\n".encode("latin-1"))
    df = read_table(path)
    assert len(df) == 10_001
    assert df["name"].iloc[-1] == "café"


def test_unnamed_leading_index_column_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    sample().to_csv(path)  # writes the index with an empty header cell
    df = read_table(path)
    assert list(df.columns) == ["Unnamed: 0", "n", "x", "s"]
    assert df["Unnamed: 0"].tolist() == [0, 1, 2]


def test_blank_header_cells_are_not_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(",,a\n1,2,3\n")
    assert list(read_table(path).columns) == ["Unnamed: 0", "Unnamed: 1", "a"]


def test_real_dotted_column_name_is_not_a_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,a.1\n1,2\n")
    assert list(read_table(path).columns) == ["a", "a.1"]


def test_parquet_named_index_comes_back_as_a_column(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    sample().set_index("n").to_parquet(path)
    df = read_table(path)
    assert list(df.columns) == ["n", "x", "s"]
    assert isinstance(df.index, pd.RangeIndex)


# --- the path ------------------------------------------------------------------------------------


def test_missing_file_suggests_a_similar_name(tmp_path: Path) -> None:
    (tmp_path / "train.csv").write_text("a\n1\n")
    message = error_for(tmp_path / "trian.csv")
    assert "file not found" in message
    assert str(tmp_path / "train.csv") in message


def test_missing_file_without_similar_name(tmp_path: Path) -> None:
    (tmp_path / "zzz.parquet").write_text("x")
    message = error_for(tmp_path / "data.csv")
    assert "file not found" in message and "zzz" not in message
    assert "check the path" in message


def test_missing_folder(tmp_path: Path) -> None:
    message = error_for(tmp_path / "nowhere" / "data.csv")
    assert "does not exist" in message and "nowhere" in message


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "data.csv"
    folder.mkdir()
    (folder / "part.csv").write_text("a\n1\n")
    message = error_for(folder)
    assert "is a folder" in message
    assert "part.csv" in message


@pytest.mark.parametrize("name", ["data.txt", "data.xyz", "data"])
def test_unsupported_extension_lists_supported_ones(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("a,b\n1,2\n")
    message = error_for(path)
    assert "unsupported" in message or "no file extension" in message
    for suffix in (".csv", ".tsv", ".parquet", ".jsonl", ".json", ".gz"):
        assert suffix in message


def test_txt_suggests_renaming(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("a,b\n1,2\n")
    assert "rename it to .csv" in error_for(path)


def test_compressed_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet.gz"
    path.write_bytes(gzip.compress(b"x"))
    message = error_for(path)
    assert "compressed Parquet" in message and "decompress" in message


def test_compression_without_format(tmp_path: Path) -> None:
    path = tmp_path / "data.gz"
    path.write_bytes(gzip.compress(b"a\n1\n"))
    assert "does not say the format" in error_for(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a\n1\n")
    path.chmod(0)
    try:
        assert "permission denied" in error_for(path)
    finally:
        path.chmod(0o644)


# --- empty and header-only -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["data.csv", "data.parquet", "data.json", "data.feather", "data.csv.gz"]
)
def test_zero_byte_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert "is empty (0 bytes)" in error_for(path)


@pytest.mark.parametrize(
    "name", ["data.csv", "data.tsv", "data.json", "data.jsonl", "data.parquet"]
)
def test_whitespace_only_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("  \n\n\t \r\n")
    assert "only whitespace" in error_for(path)


def test_whitespace_only_compressed_file(tmp_path: Path) -> None:
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(b"\n \n"))
    assert "only whitespace" in error_for(path)


def test_bom_only_file(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xef\xbb\xbf\n")
    assert "only whitespace" in error_for(path)


@pytest.mark.parametrize("name", ["data.csv", "data.tsv", "data.csv.bz2"])
def test_header_only(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    sample().iloc[:0].to_csv(path, sep="\t" if ".tsv" in name else ",", index=False)
    assert "has a header but no data rows" in error_for(path)


def test_parquet_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    sample().iloc[:0].to_parquet(path)
    assert "has columns but no data rows" in error_for(path)


@pytest.mark.parametrize("text", ["[]", "{}", "[{}, {}]"])
def test_json_without_columns(tmp_path: Path, text: str) -> None:
    path = tmp_path / "data.json"
    path.write_text(text)
    assert "no columns" in error_for(path)


# --- binary data where text was expected ---------------------------------------------------------


def test_random_bytes_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(random.Random(0).randbytes(4096))
    message = error_for(path)
    assert "does not look like CSV text" in message and "binary data" in message


def test_random_bytes_without_nul_as_csv(tmp_path: Path) -> None:
    rng = random.Random(1)
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(rng.randrange(1, 256) for _ in range(300)))
    assert "does not look like CSV text" in error_for(path)


def test_png_renamed_to_csv(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(PNG_HEADER + bytes(200))
    message = error_for(path)
    assert "does not look like CSV text" in message and "PNG image" in message


def test_parquet_renamed_to_csv(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    sample().to_parquet(path)
    message = error_for(path)
    assert "does not look like CSV text" in message and "rename it to .parquet" in message


def test_utf16_csv(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-16")
    assert "UTF-16" in error_for(path)


def test_png_renamed_to_json(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(PNG_HEADER)
    assert "does not look like JSON Lines text" in error_for(path)


# --- corrupt binary formats and archives ---------------------------------------------------------


def test_truncated_parquet(tmp_path: Path) -> None:
    good = tmp_path / "good.parquet"
    sample().to_parquet(good)
    path = tmp_path / "data.parquet"
    path.write_bytes(good.read_bytes()[:-20])
    assert "is not a valid Parquet file" in error_for(path)


def test_csv_renamed_to_parquet(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    path.write_text("a,b\n1,2\n")
    message = error_for(path)
    assert "is not a valid Parquet file" in message and "extension" in message


@pytest.mark.parametrize("name", ["data.feather", "data.arrow"])
def test_corrupt_feather(tmp_path: Path, name: str) -> None:
    good = tmp_path / "good.feather"
    sample().to_feather(good)
    path = tmp_path / name
    path.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    assert "is not a valid" in error_for(path)


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "data.csv.gz"
    path.write_bytes(b"this is not gzip data at all\n")
    message = error_for(path)
    assert "could not be decompressed as gzip" in message


def test_truncated_bz2(tmp_path: Path) -> None:
    path = tmp_path / "data.csv.bz2"
    data = "".join(f"{i},{i * 7 % 13}\n" for i in range(50_000)).encode()
    path.write_bytes(bz2.compress(b"a,b\n" + data)[:5000])
    assert "could not be decompressed as bz2" in error_for(path)


def test_zip_with_two_files(tmp_path: Path) -> None:
    path = tmp_path / "data.csv.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "a\n1\n")
        archive.writestr("b.csv", "b\n2\n")
    message = error_for(path)
    assert "2 entries" in message and "a.csv" in message and "exactly one" in message


def test_zst_without_zstandard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)
    path = tmp_path / "data.csv.zst"
    path.write_bytes(b"(\xb5/\xfd not really")
    assert "pip install zstandard" in error_for(path)


def test_xlsx_without_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    message = error_for(path)
    assert "openpyxl" in message and "pip install openpyxl" in message


# --- JSON that is not a table --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("42", "single JSON value"),
        ('"abc"', "single JSON value"),
        ("true", "single JSON value"),
        ("[1, 2, 3]", "array of plain values"),
        ("[[1, 2], [3, 4]]", "array of plain values"),
        ('{"a": {"b": {"c": 1}}}', "nested JSON object"),
        ('{"a": {"b": 1}}', "nested JSON object"),
        ('{"data": [{"a": 1}, {"a": 2}]}', "nested values"),
        ('[{"a": 1, "b": {"x": 1}}]', "nested values"),
        ('{"a": 1, "b": 2}', "could not be read as a JSON table"),
        ('[{"a": 1},', "could not be read as a JSON table"),
        ("{'a': 1}", "could not be read as a JSON table"),
    ],
)
def test_json_that_is_not_a_table(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "data.json"
    path.write_text(text)
    message = error_for(path)
    assert words in message
    assert "array of objects (records)" in message and "JSON Lines" in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1\n2\n", "line 1 is not a JSON object"),
        ('{"a": 1}\n{"a": \n', "could not be read as a JSON Lines table"),
        ('{"a": [1, 2]}\n{"a": [3]}\n', "nested values"),
    ],
)
def test_jsonl_that_is_not_a_table(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(text)
    assert words in error_for(path)


# --- duplicate and missing column names ----------------------------------------------------------


def test_duplicate_csv_columns(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b,a,c,b\n1,2,3,4,5\n")
    message = error_for(path)
    assert "duplicate column names: 'a', 'b'" in message
    assert "'c'" not in message


def test_duplicate_quoted_columns_containing_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('"x,y",z,"x,y"\n1,2,3\n')
    assert "duplicate column names: 'x,y'" in error_for(path)


def test_duplicate_tsv_columns(tmp_path: Path) -> None:
    path = tmp_path / "data.tsv"
    path.write_text("a\tb\ta\n1\t2\t3\n")
    assert "duplicate column names: 'a'" in error_for(path)


def test_duplicate_columns_in_compressed_csv(tmp_path: Path) -> None:
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(b"id,id\n1,2\n"))
    assert "duplicate column names: 'id'" in error_for(path)


def test_duplicate_feather_columns(tmp_path: Path) -> None:
    path = tmp_path / "data.feather"
    table = pa.Table.from_arrays([pa.array([1, 2]), pa.array([3, 4])], names=["x", "x"])
    pf.write_feather(table, path)
    assert "duplicate column names: 'x'" in error_for(path)


def test_duplicate_parquet_columns(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    table = pa.Table.from_arrays([pa.array([1, 2]), pa.array([3, 4])], names=["x", "x"])
    pq.write_table(table, path)
    assert "duplicate column names: 'x'" in error_for(path)


@pytest.mark.parametrize("text", ["a,b\n1,2,3\n4,5,6\n", "a,b\n0,1,2\n1,3,4\n", "a\tb\nx\t1\t2\n"])
def test_header_shorter_than_rows(tmp_path: Path, text: str) -> None:
    path = tmp_path / ("data.tsv" if "\t" in text else "data.csv")
    path.write_text(text)
    message = error_for(path)
    assert "header has fewer column names than the first data row has fields" in message


# --- malformed rows ------------------------------------------------------------------------------


def test_inconsistent_field_counts_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6,7\n8,9\n")
    message = error_for(path)
    assert "line 4 has 3 fields where 2 are expected" in message
    assert "quoting" in message and "delimiter" in message


def test_unclosed_quote(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('a,b\n1,2\n3,"4\n5,6\n')
    message = error_for(path)
    assert "starting on line 3 is never closed" in message and "quoting" in message
