"""Read the user's data file into a DataFrame, or say exactly why it cannot be read.

The readers are pandas' and pyarrow's own; this module only picks the reader from the file name
and adds the checks those readers skip or answer with a traceback: a missing file, binary data in
a text file, a header with no rows, duplicate column names (``read_csv`` silently renames them to
``a.1``), a header one name short (``read_csv`` silently turns the first column into the index).
Every problem becomes one :class:`~trainguard.errors.DataError` line that says what happened and
how to fix it; nothing from pandas or pyarrow reaches the user raw.
"""

from __future__ import annotations

import bz2
import codecs
import difflib
import gzip
import importlib
import lzma
import os
import re
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, NamedTuple, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from trainguard.errors import DataError

__all__ = ["SUPPORTED_FORMATS", "read_table"]

SUPPORTED_FORMATS: Final[dict[str, str]] = {
    ".csv": "CSV",
    ".tsv": "TSV",
    ".parquet": "Parquet",
    ".pq": "Parquet",
    ".feather": "Feather",
    ".arrow": "Arrow",
    ".jsonl": "JSON Lines",
    ".ndjson": "JSON Lines",
    ".json": "JSON",
    ".xlsx": "Excel",
    ".xls": "Excel",
}

# Compression suffix -> pandas' name for it. Only text formats are compressed this way; Parquet and
# Feather compress internally.
_COMPRESSIONS: Final[dict[str, str]] = {
    ".gz": "gzip",
    ".bz2": "bz2",
    ".zip": "zip",
    ".xz": "xz",
    ".zst": "zstd",
}

_DELIMITED, _JSON, _JSONL, _PARQUET, _FEATHER, _EXCEL = (
    "delimited",
    "json",
    "jsonl",
    "parquet",
    "feather",
    "excel",
)
_FAMILIES: Final[dict[str, str]] = {
    ".csv": _DELIMITED,
    ".tsv": _DELIMITED,
    ".parquet": _PARQUET,
    ".pq": _PARQUET,
    ".feather": _FEATHER,
    ".arrow": _FEATHER,
    ".jsonl": _JSONL,
    ".ndjson": _JSONL,
    ".json": _JSON,
    ".xlsx": _EXCEL,
    ".xls": _EXCEL,
}
_TEXT_FAMILIES: Final = frozenset({_DELIMITED, _JSON, _JSONL})
_DELIMITERS: Final[dict[str, str]] = {".csv": ",", ".tsv": "\t"}
_EXCEL_ENGINES: Final[dict[str, str]] = {".xlsx": "openpyxl", ".xls": "xlrd"}

# Enough to hold the header of a wide file and to tell text from binary without reading it all.
_HEAD_BYTES: Final = 64 * 1024
_UTF8: Final = "utf-8-sig"  # plain UTF-8, minus the BOM Excel puts in front of "CSV UTF-8" files
_LATIN1: Final = "latin-1"  # decodes any byte, so it is the fallback for legacy exports
# Text in any real encoding has almost no C0 control characters; random bytes have about 11%.
_MAX_CONTROL_RATIO: Final = 0.02
_CONTROL_BYTES: Final = bytes(b for b in [*range(0x20), 0x7F] if b not in b"\t\n\r\x0b\x0c")

# Signatures of formats people rename by mistake, to say what the file really is.
_MAGIC: Final[tuple[tuple[bytes, str, str], ...]] = (
    (b"PAR1", "a Parquet file", "rename it to .parquet"),
    (b"ARROW1", "an Arrow/Feather file", "rename it to .feather"),
    (b"\x1f\x8b", "gzip-compressed", "add .gz to its name (e.g. data.csv.gz)"),
    (b"BZh", "bzip2-compressed", "add .bz2 to its name (e.g. data.csv.bz2)"),
    (b"\xfd7zXZ\x00", "xz-compressed", "add .xz to its name (e.g. data.csv.xz)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "add .zst to its name (e.g. data.csv.zst)"),
    (b"PK\x03\x04", "a ZIP archive or an .xlsx workbook", "rename it to .zip or .xlsx"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office file (.xls)", "rename it to .xls"),
    (b"\xff\xfe", "UTF-16 text", "re-save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 text", "re-save it as UTF-8"),
    (b"\x89PNG", "a PNG image", "point trainguard at the data file, not the image"),
    (b"\xff\xd8\xff", "a JPEG image", "point trainguard at the data file, not the image"),
    (b"%PDF", "a PDF document", "export the table from its source as CSV"),
    (b"SQLite format 3\x00", "an SQLite database", "export the table as CSV or Parquet"),
)

_FIELDS_RE: Final = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_UNCLOSED_QUOTE_RE: Final = re.compile(r"EOF inside string starting at row (\d+)")
_MANGLED_RE: Final = re.compile(r"\.\d+$")  # read_csv renames a duplicate 'a' to 'a.1'
_CONTAINER_TYPES: Final = (dict, list, tuple, set, np.ndarray)

_JSON_FIX: Final = (
    'the JSON must be an array of objects (records), e.g. [{"a": 1, "b": "x"}, ...], '
    'or an object of columns, e.g. {"a": [1, 2], "b": ["x", "y"]}; '
    "or use JSON Lines (.jsonl): one flat object per line"
)
_QUOTING_FIX: Final = (
    "check the quoting (a value containing the delimiter or a line break must be wrapped in "
    'double quotes, and a quote inside it written as "") and that the delimiter is right'
)
# Errors the stdlib decompressors raise for damaged or mislabelled archives.
_DECOMPRESSION_ERRORS: Final = (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile)
# What pandas and pyarrow raise about a file's content; anything else is a bug and surfaces as one.
_READER_ERRORS: Final = (ValueError, pa.ArrowException, *_DECOMPRESSION_ERRORS)

_T = TypeVar("_T")


@dataclass(frozen=True)
class _Source:
    """The file to read and how: decided once from the name so every check agrees."""

    path: Path
    where: str
    suffix: str
    compression: str | None

    @property
    def kind(self) -> str:
        return SUPPORTED_FORMATS[self.suffix]

    @property
    def family(self) -> str:
        return _FAMILIES[self.suffix]

    def error(self, what: str, fix: str) -> DataError:
        return DataError(what, where=self.where, fix=fix)


class _Head(NamedTuple):
    """The (decompressed) start of the file; ``complete`` when it is the whole file."""

    data: bytes
    complete: bool


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a tabular data file, choosing the reader from its extension.

    The result keeps the readers' own type inference (so a CSV column of numbers is numeric and
    "", "NA", "NaN" are missing) and gets a fresh RangeIndex. Anything wrong with the file raises
    :class:`DataError` naming the file, the problem and the fix.
    """
    source = _locate(path)
    head = _read_head(source)
    if source.family in _TEXT_FAMILIES:
        encoding, text = _choose_encoding(source, head)
        _check_not_blank(source, text, head.complete)
        df = _TEXT_READERS[source.family](source, encoding, text)
    else:
        _check_not_blank(source, head.data, head.complete)
        df = _BINARY_READERS[source.family](source)
    _check_unique_columns(source, df)
    _check_has_data(source, df)
    _check_flat_cells(source, df)
    return _fresh_index(df)


# --- where the file is and what it is ------------------------------------------------------------


def _locate(path: str | os.PathLike[str]) -> _Source:
    """Fail on the path before anything is opened, so the message is about the path."""
    where = os.fspath(path)
    resolved = Path(where)
    _check_exists(resolved, where)
    _check_regular_file(resolved, where)
    suffix, compression = _detect_format(resolved, where)
    return _Source(resolved, where, suffix, compression)


def _check_exists(path: Path, where: str) -> None:
    """A typo in a file name is the most common mistake: point at the file that was meant."""
    if path.exists():
        return
    folder = path.parent
    if not folder.is_dir():
        raise DataError(
            f"file not found (the folder '{folder}' does not exist either)",
            where=where,
            fix=f"check the path; relative paths start from {Path.cwd()}",
        )
    similar = _similar_name(path)
    fix = (
        f"check the spelling: the same folder has '{path.with_name(similar)}'"
        if similar
        else f"check the path; relative paths start from {Path.cwd()}"
    )
    raise DataError("file not found", where=where, fix=fix)


def _similar_name(path: Path) -> str | None:
    """The closest file name in the same folder, if one is close enough to be the intended one."""
    try:
        names = [entry.name for entry in path.parent.iterdir() if entry.is_file()]
    except OSError:
        return None
    matches = difflib.get_close_matches(path.name, names, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _check_regular_file(path: Path, where: str) -> None:
    """Folders and devices exist but hold no table; say so rather than an IsADirectoryError."""
    if path.is_dir():
        examples = _data_files_in(path)
        fix = (
            f"pass a data file inside it, e.g. '{examples[0]}'"
            if examples
            else "pass the path of a data file, not of a folder"
        )
        raise DataError("is a folder, not a data file", where=where, fix=fix)
    if not path.is_file():
        raise DataError("is not a regular file", where=where, fix="pass the path of a data file")


def _data_files_in(folder: Path) -> list[Path]:
    """Readable files in a folder, to suggest one when the folder itself was passed."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [entry for entry in entries if entry.is_file() and _format_suffixes(entry)[0]]


def _format_suffixes(path: Path) -> tuple[str | None, str | None]:
    """Split 'data.csv.gz' into ('.csv', '.gz'); either part is None when it is not supported."""
    last = path.suffix.lower()
    if last in _COMPRESSIONS:
        inner = Path(path.stem).suffix.lower()
        return (inner if inner in SUPPORTED_FORMATS else None), last
    return (last if last in SUPPORTED_FORMATS else None), None


def _detect_format(path: Path, where: str) -> tuple[str, str | None]:
    """Decide the reader from the name alone: guessing from content hides a mislabelled file."""
    suffix, compression_suffix = _format_suffixes(path)
    if suffix is None:
        raise DataError(_unsupported_what(path), where=where, fix=_unsupported_fix(path))
    if compression_suffix is None:
        return suffix, None
    if _FAMILIES[suffix] not in _TEXT_FAMILIES:
        raise DataError(
            f"is a compressed {SUPPORTED_FORMATS[suffix]} file ('{compression_suffix}')",
            where=where,
            fix=(
                f"decompress it first ({SUPPORTED_FORMATS[suffix]} compresses internally); "
                "only CSV, TSV and JSON files can be read compressed"
            ),
        )
    return suffix, _COMPRESSIONS[compression_suffix]


def _unsupported_what(path: Path) -> str:
    last = path.suffix.lower()
    if not last:
        return "has no file extension, so its format is unknown"
    if last in _COMPRESSIONS:
        return f"is compressed ('{last}') but its name does not say the format inside"
    return f"has an unsupported file type '{last}'"


def _unsupported_fix(path: Path) -> str:
    supported = ", ".join(SUPPORTED_FORMATS)
    compressed = "CSV, TSV and JSON may also be compressed: " + ", ".join(_COMPRESSIONS)
    hint = ""
    if path.suffix.lower() in {".txt", ".dat"}:
        hint = "if it is comma-separated rename it to .csv, if tab-separated to .tsv; "
    elif path.suffix.lower() in _COMPRESSIONS:
        hint = f"name it after its content, e.g. data.csv{path.suffix.lower()}; "
    return f"{hint}supported extensions are {supported} ({compressed})"


# --- the first bytes: empty, binary, encoding ----------------------------------------------------


def _read_head(source: _Source) -> _Head:
    """Read the start of the decompressed content, which the text checks look at before parsing."""
    if source.path.stat().st_size == 0:
        raise source.error(
            "is empty (0 bytes)", fix="write the data to the file, or pass another file"
        )
    try:
        with _open_binary(source) as handle:
            data = handle.read(_HEAD_BYTES + 1)
    except PermissionError as exc:
        raise source.error(
            "cannot be read: permission denied", fix="check the file's permissions"
        ) from exc
    except _DECOMPRESSION_ERRORS as exc:
        if source.compression is None:
            raise source.error(
                f"cannot be read ({_brief(exc)})",
                fix="check that the file can be opened (permissions, disk, network drive)",
            ) from exc
        raise _decompression_error(source, exc) from exc
    return _Head(data[:_HEAD_BYTES], len(data) <= _HEAD_BYTES)


@contextmanager
def _open_binary(source: _Source) -> Iterator[IO[bytes]]:
    """Open the content the way pandas will decompress it, so the head checks see the same bytes."""
    path = source.path
    if source.compression == "zip":
        with _open_zip_member(source) as member:
            yield member
        return
    if source.compression == "zstd":
        zstandard = _require_module(
            source, "zstandard", "to read .zst files; or decompress the file first"
        )
        opener: Callable[..., IO[bytes]] = zstandard.open
    else:
        opener = _OPENERS[source.compression]
    with opener(path, "rb") as handle:
        yield handle


_OPENERS: Final[dict[str | None, Callable[..., IO[bytes]]]] = {
    None: open,
    "gzip": gzip.open,
    "bz2": bz2.open,
    "xz": lzma.open,
}


@contextmanager
def _open_zip_member(source: _Source) -> Iterator[IO[bytes]]:
    """pandas reads a zip only when it holds exactly one entry; check that here with a clear fix."""
    with zipfile.ZipFile(source.path) as archive:
        names = archive.namelist()
        if len(names) != 1:
            listed = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            raise source.error(
                f"is a zip archive with {len(names)} entries ({listed or 'none'})",
                fix="put exactly one data file in the zip, or extract the one you want and pass it",
            )
        with archive.open(names[0]) as member:
            yield member


def _choose_encoding(source: _Source, head: _Head) -> tuple[str, str]:
    """UTF-8 when the text is UTF-8, else latin-1 — but never decode binary data as latin-1."""
    if b"\x00" in head.data:
        raise _binary_error(source, head.data)
    try:
        decoder = codecs.getincrementaldecoder(_UTF8)()
        return _UTF8, decoder.decode(head.data, final=head.complete)
    except UnicodeDecodeError:
        pass
    if _control_ratio(head.data) > _MAX_CONTROL_RATIO:
        raise _binary_error(source, head.data)
    return _LATIN1, head.data.decode(_LATIN1)


def _control_ratio(data: bytes) -> float:
    """Share of bytes that are control characters, which text files (nearly) never contain."""
    return (len(data) - len(data.translate(None, _CONTROL_BYTES))) / max(len(data), 1)


def _binary_error(source: _Source, data: bytes) -> DataError:
    kind = f"{source.kind} text"
    for magic, looks_like, fix in _MAGIC:
        if data.startswith(magic):
            return source.error(f"does not look like {kind}: it is {looks_like}", fix=fix)
    supported = ", ".join(SUPPORTED_FORMATS)
    return source.error(
        f"does not look like {kind}: it contains binary data",
        fix=(
            f"export the data as {kind}, or if it is another format give it that format's "
            f"extension ({supported})"
        ),
    )


def _check_not_blank(source: _Source, text: str | bytes, complete: bool) -> None:
    """A whitespace-only file would otherwise surface as a cryptic 'No columns to parse'."""
    if complete and not text.strip():
        raise source.error(
            "contains only whitespace, no data",
            fix="write the data to the file, or pass another file",
        )


# --- readers -------------------------------------------------------------------------------------


def _call_reader(source: _Source, read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Run a library reader and turn what it says about the file into a DataError.

    Only the exceptions readers raise about a file's content are caught, so a bug in trainguard
    still surfaces as itself.
    """
    try:
        return read()
    except pd.errors.ParserWarning as exc:  # raised, not warned: see _read_delimited
        raise _short_header_error(source) from exc
    except pd.errors.EmptyDataError as exc:
        raise source.error(
            "contains no data", fix="write the data to the file, or pass another file"
        ) from exc
    except pd.errors.ParserError as exc:
        raise _parser_error(source, exc) from exc
    except ImportError as exc:
        raise source.error(
            f"cannot be read: a package is missing ({_brief(exc)})",
            fix="install the missing package with pip",
        ) from exc
    except _READER_ERRORS as exc:
        if source.compression is not None and isinstance(exc, _DECOMPRESSION_ERRORS):
            raise _decompression_error(source, exc) from exc
        raise _unreadable_error(source, exc) from exc


def _read_with_fallback(encoding: str, read: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    """Bytes that are not UTF-8 can sit past the sniffed head; re-read those files as latin-1."""
    try:
        return read(encoding)
    except UnicodeDecodeError:
        if encoding == _LATIN1:
            raise
    return read(_LATIN1)


def _read_delimited(source: _Source, encoding: str, text: str) -> pd.DataFrame:
    sep = _DELIMITERS[source.suffix]

    def read(enc: str) -> pd.DataFrame:
        # When the rows have more fields than the header has names, read_csv silently makes the
        # extra leading fields the index, shifting every value under the wrong name. index_col=False
        # turns that into a ParserWarning, raised here so the file is refused instead.
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "error", message="Length of header", category=pd.errors.ParserWarning
            )
            return pd.read_csv(
                source.path,
                sep=sep,
                index_col=False,
                low_memory=False,
                encoding=enc,
                compression=source.compression,
            )

    def read_header(enc: str) -> list[Any]:
        raw = pd.read_csv(
            source.path,
            sep=sep,
            header=None,
            nrows=1,
            dtype=str,
            na_filter=False,
            encoding=enc,
            compression=source.compression,
        )
        return raw.iloc[0].tolist() if len(raw) else []

    df = _call_reader(source, lambda: _read_with_fallback(encoding, read))
    if _has_mangled_names(df.columns):
        header = _call_reader(source, lambda: _read_with_fallback(encoding, read_header))
        _check_unique_header(source, header)
    return df


def _read_json(source: _Source, encoding: str, text: str) -> pd.DataFrame:
    lines = source.family == _JSONL
    _check_json_shape(source, text, lines=lines)

    def read(enc: str) -> pd.DataFrame:
        return pd.read_json(
            source.path, lines=lines, encoding=enc, compression=source.compression
        )

    df = _call_reader(source, lambda: _read_with_fallback(encoding, read))
    if not lines and text.lstrip().startswith("{"):
        _check_row_labels(source, df)
    return df


def _check_row_labels(source: _Source, df: pd.DataFrame) -> None:
    """A JSON object of columns maps each column to {row number: value}. Inner keys that are not
    row numbers mean a nested document (e.g. a config file), which pandas would silently turn
    into a one-row table with the keys as its index."""
    labels = [str(label) for label in df.index]
    if not all(label.isdigit() for label in labels):
        raise source.error(
            f"is a nested JSON object (inner keys such as {labels[0]!r} are not row numbers), not a table",
            fix=_JSON_FIX,
        )


def _read_parquet(source: _Source) -> pd.DataFrame:
    # pyarrow refuses to read a file with duplicate column names with an obscure 'Multiple
    # matches for FieldRef'; its schema (the footer alone) names them.
    schema = _call_reader(source, lambda: pq.read_schema(source.path))
    _check_unique_header(source, schema.names)
    return _call_reader(source, lambda: pd.read_parquet(source.path))


def _read_feather(source: _Source) -> pd.DataFrame:
    return _call_reader(source, lambda: _read_feather_or_stream(source.path))


def _read_feather_or_stream(path: Path) -> pd.DataFrame:
    """'.arrow' files are often Arrow IPC *streams* (e.g. Hugging Face caches), which read_feather
    rejects; pyarrow reads those directly. A file that is neither keeps read_feather's error."""
    try:
        return pd.read_feather(path)
    except pa.ArrowInvalid:
        try:
            with pa.memory_map(str(path)) as mapped, pa.ipc.open_stream(mapped) as reader:
                table = reader.read_all()
        except (pa.ArrowException, OSError):
            pass
        else:
            return pd.DataFrame.from_arrow(table)
        raise


def _read_excel(source: _Source) -> pd.DataFrame:
    engine = _EXCEL_ENGINES[source.suffix]
    _require_module(source, engine, f"to read {source.suffix} files; or export the sheet as CSV")

    def read() -> pd.DataFrame:
        return pd.read_excel(source.path, sheet_name=0, engine=engine)

    def read_header() -> list[Any]:
        raw = pd.read_excel(source.path, sheet_name=0, engine=engine, header=None, nrows=1)
        return ["" if pd.isna(value) else str(value) for value in raw.iloc[0]] if len(raw) else []

    df = _call_excel(source, read)
    if _has_mangled_names(df.columns):
        _check_unique_header(source, _call_excel(source, read_header))
    return df


def _call_excel(source: _Source, read: Callable[[], _T]) -> _T:
    """The Excel engines raise their own exception types (openpyxl's InvalidFileException, KeyError
    for a missing part, ...) that cannot be named without importing them, so catch broadly here."""
    try:
        return read()
    except Exception as exc:
        raise source.error(
            f"could not be read as an Excel workbook ({_brief(exc)})",
            fix="check the file opens in Excel, or export the sheet as CSV",
        ) from exc


_TEXT_READERS: Final[dict[str, Callable[[_Source, str, str], pd.DataFrame]]] = {
    _DELIMITED: _read_delimited,
    _JSON: _read_json,
    _JSONL: _read_json,
}
_BINARY_READERS: Final[dict[str, Callable[[_Source], pd.DataFrame]]] = {
    _PARQUET: _read_parquet,
    _FEATHER: _read_feather,
    _EXCEL: _read_excel,
}


def _require_module(source: _Source, name: str, purpose: str) -> Any:
    """Optional dependencies are imported only when a file needs them; say how to get them."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise source.error(
            f"cannot be read: the optional package '{name}' is not installed",
            fix=f"pip install {name} {purpose}",
        ) from exc


# --- what a reader raised, in the user's words ---------------------------------------------------


def _brief(exc: BaseException) -> str:
    """The first line of a library message, short enough for a one-line error."""
    lines = str(exc).strip().splitlines()
    text = lines[0].strip().rstrip(".") if lines else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _parser_error(source: _Source, exc: pd.errors.ParserError) -> DataError:
    message = str(exc)
    if match := _FIELDS_RE.search(message):
        expected, line, saw = match.groups()
        return source.error(
            f"line {line} has {saw} fields where {expected} are expected", fix=_QUOTING_FIX
        )
    if match := _UNCLOSED_QUOTE_RE.search(message):
        line = int(match.group(1)) + 1  # pandas counts rows of the file from 0
        return source.error(
            f"a quoted value starting on line {line} is never closed",
            fix=_QUOTING_FIX,
        )
    return source.error(f"could not be parsed as {source.kind} ({_brief(exc)})", fix=_QUOTING_FIX)


def _short_header_error(source: _Source) -> DataError:
    return source.error(
        "the header has fewer column names than the first data row has fields",
        fix=(
            "add the missing column names to the header (a file saved with its index needs a "
            "leading delimiter, e.g. ',a,b'), or remove the extra fields from the rows"
        ),
    )


def _decompression_error(source: _Source, exc: BaseException) -> DataError:
    return source.error(
        f"could not be decompressed as {source.compression} ({_brief(exc)})",
        fix=(
            "check the file is complete (re-download or re-compress it), or remove the "
            "compression extension from its name if it is not compressed"
        ),
    )


def _unreadable_error(source: _Source, exc: BaseException) -> DataError:
    if source.family in (_JSON, _JSONL):
        return source.error(
            f"could not be read as a {source.kind} table ({_brief(exc)})", fix=_JSON_FIX
        )
    if source.family == _DELIMITED:
        return source.error(
            f"could not be parsed as {source.kind} ({_brief(exc)})", fix=_QUOTING_FIX
        )
    return source.error(
        f"is not a valid {source.kind} file ({_brief(exc)})",
        fix=(
            "the file is damaged, truncated or in another format: write it again, "
            "or give it the extension of its real format"
        ),
    )


# --- checks on what was read ---------------------------------------------------------------------


def _check_json_shape(source: _Source, text: str, *, lines: bool) -> None:
    """pandas reads a bare scalar or an array of numbers as a table with columns 0, 1, ...;
    only objects give named columns, so insist on them before parsing."""
    body = text.lstrip()
    first = body[:1]
    if lines:
        if first != "{":
            raise source.error("line 1 is not a JSON object", fix=_JSON_FIX)
        return
    if first == "[":
        element = body[1:].lstrip()[:1]
        if element and element not in "{]":
            raise source.error("is a JSON array of plain values, not of objects", fix=_JSON_FIX)
    elif first != "{":
        raise source.error("holds a single JSON value, not a table", fix=_JSON_FIX)


def _has_mangled_names(columns: pd.Index) -> bool:
    return any(isinstance(name, str) and _MANGLED_RE.search(name) for name in columns)


def _duplicates(names: Iterable[Any]) -> list[str]:
    """Names used more than once; blank names are pandas' 'Unnamed: N' and not duplicates."""
    counts = Counter(str(name) for name in names if str(name).strip())
    return [name for name, count in counts.items() if count > 1]


def _duplicate_error(source: _Source, duplicated: list[str]) -> DataError:
    names = ", ".join(f"'{name}'" for name in duplicated)
    return source.error(
        f"has duplicate column names: {names}",
        fix=(
            "rename the columns so each name is used once "
            f"(pandas would silently rename the copies to '{duplicated[0]}.1')"
        ),
    )


def _check_unique_header(source: _Source, header: Iterable[Any]) -> None:
    if duplicated := _duplicates(header):
        raise _duplicate_error(source, duplicated)


def _check_unique_columns(source: _Source, df: pd.DataFrame) -> None:
    """Formats without mangling (Feather, JSON) can hand back two columns with the same name."""
    if df.columns.has_duplicates:
        raise _duplicate_error(source, _duplicates(df.columns))


def _check_has_data(source: _Source, df: pd.DataFrame) -> None:
    """Header-only files parse fine and fail much later in training; stop them here."""
    if df.shape[1] == 0:
        raise source.error(
            "contains no columns (no records)",
            fix="write the data to the file, or pass another file",
        )
    if len(df) == 0:
        header = "a header" if source.family in (_DELIMITED, _EXCEL) else "columns"
        raise source.error(
            f"has {header} but no data rows",
            fix="write the data rows to the file, or pass the file that has them",
        )


def _check_flat_cells(source: _Source, df: pd.DataFrame) -> None:
    """A nested JSON object (or a list/struct column) lands in a cell as a dict or array, which no
    model can use and which breaks hashing (nunique, value_counts) later; reject it now."""
    for name in df.columns[df.dtypes.map(pd.api.types.is_object_dtype)]:
        values = df[name].dropna()
        nested = values.map(lambda value: isinstance(value, _CONTAINER_TYPES))
        if nested.any():
            example = type(values[nested].iloc[0]).__name__
            fix = (
                _JSON_FIX + "; flatten nested fields first, e.g. with pandas.json_normalize"
                if source.family in (_JSON, _JSONL)
                else "flatten the column into plain values, or drop it"
            )
            raise source.error(
                f"column '{name}' holds nested values ({example}) instead of plain values", fix=fix
            )


def _fresh_index(df: pd.DataFrame) -> pd.DataFrame:
    """Parquet and Feather restore an index pandas saved by name: that is data the user wrote, so
    it becomes columns again. Unnamed indexes (row numbers, JSON labels) carry nothing: dropped."""
    named = [name for name in df.index.names if name is not None]
    if named and not set(named) & set(df.columns):
        df = df.reset_index()
    return df.reset_index(drop=True)
