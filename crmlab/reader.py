"""One door for a researcher's data file: :func:`read_table`.

Every data lecture reads the file given in ``data_path`` (or ``survival_path``, ...) through
:func:`read_table`, so every lecture accepts the same formats and fails the same way:

- **CSV** in UTF-8 (with or without the byte-order mark that Excel writes) or in GB18030 / GBK
  (what Chinese Excel and many Chinese systems export): the encoding is detected, or given with
  ``encoding``; the separator (comma, semicolon, tab or ``|``) is detected from the header line.
- **Excel** ``.xlsx`` / ``.xlsm`` (the first sheet, or ``sheet``), read with openpyxl.
- **Parquet** ``.parquet`` / ``.pq``, read with pyarrow.

Id columns (``id_columns``) are read as text, so ``0007`` and ``7`` stay two customers. Every
problem raises a :class:`DataFileError` that names the parameter (``data_path``, ``encoding``,
``customer_col``, ``date_format``, ...), the column and the number of bad rows, before any other work:
a missing file, an empty file, a header without rows, an unknown encoding, a missing or misspelt
column ("did you mean ...?"). :func:`check_dates` does the same for a date column (day/month/year
versus month/day/year, dates that do not parse).

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "orders.csv").write_text("client,day,total\\n0007,2024-01-02,10\\n7,2024-01-03,5\\n")
>>> log = read_table(folder / "orders.csv", columns={"customer_col": "client"}, id_columns=["client"])
>>> log["client"].tolist(), log.attrs["encoding"]
(['0007', '7'], 'utf-8')
>>> read_table(folder / "orders.csv", columns={"customer_col": "clientt"})
Traceback (most recent call last):
...
crmlab.reader.DataFileError: parameter `customer_col` = 'clientt': orders.csv has no column 'clientt'; did you mean 'client'? Its columns are 'client', 'day', 'total'
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlab.validation import ValidationError, rows_text

__all__ = ["DataFileError", "read_table", "require_columns", "check_dates", "file_sha256", "describe",
           "LectureTable", "own_or_bundled",
           "CSV_SUFFIXES", "EXCEL_SUFFIXES", "PARQUET_SUFFIXES"]

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
#: encodings tried in turn when ``encoding`` is not given: UTF-8 (a BOM is recognised), then GB18030,
#: which contains GBK and GB2312. Text that is valid UTF-8 is almost never meant as GB18030.
DETECTED_ENCODINGS = ("utf-8", "gb18030")
_SEPARATORS = (",", ";", "\t", "|")


class DataFileError(ValidationError):
    """A data file that a lecture cannot read as it is; the message names the parameter to change.

    One of the :class:`crmlab.validation.ValidationError` family (so also a ``ValueError``):
    ``parameter``, ``column`` and ``rows`` say what to change where the message does.
    """


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, in hex (what ``summary.json`` records of the input file).

    Examples
    --------
    >>> import tempfile, os
    >>> handle, name = tempfile.mkstemp(); os.close(handle)
    >>> file_sha256(name)[:12]
    'e3b0c44298fc'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_rows = rows_text


def _decode(raw: bytes, encoding: str | None, name: str, parameter: str) -> tuple[str, str]:
    """The file's text and the encoding that decoded it."""
    if encoding is not None:
        try:
            codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
            return raw.decode(codec), encoding
        except LookupError:
            raise DataFileError(f"parameter `encoding` = {encoding!r} is not an encoding Python knows; "
                                "try 'utf-8' or 'gb18030'") from None
        except UnicodeDecodeError as problem:
            line = raw[:problem.start].count(b"\n") + 1
            raise DataFileError(
                f"parameter `encoding` = {encoding!r}: {name} is not {encoding} text (line {line:,} has bytes "
                f"{raw[problem.start:problem.start + 4]!r}); leave `encoding` as None to detect it, or give the "
                "encoding the file was saved in") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    for candidate in DETECTED_ENCODINGS:
        try:
            return raw.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise DataFileError(
        f"parameter `{parameter}`: {name} is neither UTF-8 nor GB18030/GBK text; pass `encoding` "
        "(e.g. 'big5', 'latin-1') or save the file as CSV UTF-8")


def _separator(text: str) -> str:
    """The separator of the header line: the most frequent of , ; tab | outside quotes."""
    header = text.split("\n", 1)[0]
    try:
        fields = {sep: len(next(csv.reader([header], delimiter=sep))) for sep in _SEPARATORS}
    except (csv.Error, StopIteration):
        return ","
    best = max(_SEPARATORS, key=lambda sep: fields[sep])
    return best if fields[best] > 1 else ","


def _read_csv(path: Path, encoding: str | None, id_columns: list[str], parameter: str) -> pd.DataFrame:
    raw = path.read_bytes()
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DataFileError(f"parameter `{parameter}`: {path.name} is empty ({len(raw)} bytes): "
                            "there is no header and no row to read")
    text, used = _decode(raw, encoding, path.name, parameter)
    sep = _separator(text)
    header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")], delimiter=sep))
    as_text = {column: str for column in header if column.strip() in set(id_columns)}
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=as_text or None, skipinitialspace=False)
    except pd.errors.ParserError as problem:
        raise DataFileError(f"parameter `{parameter}`: {path.name} is not a regular table "
                            f"({str(problem).strip()}); check the separator and quotes") from None
    table.attrs["encoding"] = used
    table.attrs["separator"] = sep
    return table


def _read_excel(path: Path, sheet: str | int | None, id_columns: list[str], parameter: str) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401  (a clear error below if it is missing)
    except ImportError:  # pragma: no cover - a dependency of crmlab
        raise DataFileError("reading .xlsx needs openpyxl: pip install openpyxl") from None
    try:
        table = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, engine="openpyxl",
                              dtype={column: str for column in id_columns} or None)   # text cells such as 0007 stay text
    except ValueError as problem:      # e.g. no such sheet
        raise DataFileError(f"parameter `sheet` = {sheet!r}: {problem}") from None
    except Exception as problem:       # zip or XML errors: not an xlsx workbook
        raise DataFileError(f"parameter `{parameter}`: {path.name} cannot be read as an Excel workbook "
                            f"({type(problem).__name__}: {problem})") from None
    table.attrs["encoding"] = "xlsx"
    return table


def _read_parquet(path: Path, parameter: str) -> pd.DataFrame:
    try:
        import pyarrow  # noqa: F401
    except ImportError:  # pragma: no cover - a dependency of crmlab
        raise DataFileError("reading Parquet needs pyarrow: pip install pyarrow") from None
    try:
        table = pd.read_parquet(path, engine="pyarrow")
    except Exception as problem:
        raise DataFileError(f"parameter `{parameter}`: {path.name} cannot be read as Parquet "
                            f"({type(problem).__name__}: {problem})") from None
    table.attrs["encoding"] = "parquet"
    return table


def _ids_as_text(values: pd.Series) -> pd.Series:
    """Ids as text: whole numbers without '.0', missing values kept missing, blanks trimmed."""
    if pd.api.types.is_float_dtype(values.dtype):
        whole = values.dropna()
        if len(whole) and (whole == np.floor(whole)).all():
            text = values.map(lambda v: None if pd.isna(v) else str(int(v)))
            return text.astype("object")
    text = values.map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip())
    return text.astype("object").where(text != "", None)


def require_columns(table: pd.DataFrame, columns: Mapping[str, str | list[str] | None], name: str = "the table") -> None:
    """Raise :class:`DataFileError` for every wanted column that ``table`` lacks, naming its parameter.

    ``columns`` maps a parameter name (``customer_col``) to the column it names (``None``: not used),
    or to a list of columns (``feature_cols``).
    A close match among the table's columns (case, blanks, a typo) is offered as "did you mean".

    Examples
    --------
    >>> table = pd.DataFrame({"Customer ID": [1], "date": ["2024-01-01"]})
    >>> require_columns(table, {"customer_col": "customer_id", "date_col": "date"}, "log.csv")
    Traceback (most recent call last):
    ...
    crmlab.reader.DataFileError: parameter `customer_col` = 'customer_id': log.csv has no column 'customer_id'; did you mean 'Customer ID'? Its columns are 'Customer ID', 'date'
    """
    present = [str(c) for c in table.columns]
    problems = []
    lacking: list[tuple[str, object]] = []
    wanted = [(parameter, column) for parameter, given in columns.items()
              for column in (given if isinstance(given, list | tuple) else [given])]
    for parameter, column in wanted:
        if column is None or column in table.columns:
            continue
        folded = {re.sub(r"[\s_\-]+", "", c.lower()): c for c in present}
        guess = folded.get(re.sub(r"[\s_\-]+", "", str(column).lower()))
        if guess is None:
            close = difflib.get_close_matches(str(column), present, n=1, cutoff=0.6)
            guess = close[0] if close else None
        hint = f"; did you mean {guess!r}?" if guess is not None else ";"
        problems.append(f"parameter `{parameter}` = {column!r}: {name} has no column {column!r}{hint}")
        lacking.append((parameter, column))
    if problems:
        shown = ", ".join(map(repr, present[:30])) + (" ..." if len(present) > 30 else "")
        raise DataFileError("; ".join(problems) + f" Its columns are {shown}",
                            column=lacking[0][1] if len(lacking) == 1 else [c for _, c in lacking],
                            parameter=lacking[0][0], total=len(table))


def read_table(path: str | Path, *, columns: Mapping[str, str | list[str] | None] | None = None,
               id_columns: Iterable[str | None] = (), encoding: str | None = None,
               sheet: str | int | None = None, parameter: str = "data_path",
               dates: Mapping[str, str | None] | None = None, date_format: str | None = None) -> pd.DataFrame:
    """Read a researcher's table (CSV, .xlsx or Parquet) and check it before any other work.

    Parameters
    ----------
    path
        The file; its suffix says the format (``.csv``/``.txt``/``.tsv``, ``.xlsx``/``.xlsm``,
        ``.parquet``/``.pq``).
    columns
        ``{parameter name: column}`` that must exist (``None`` values are skipped); a missing one
        raises naming the parameter, with a "did you mean" when a column is close.
    id_columns
        Columns read as text (ids): leading zeros kept, ``7.0`` read back as ``"7"``, blanks trimmed.
    encoding
        Text encoding of a CSV; None detects UTF-8 (± BOM) or GB18030/GBK.
    sheet
        Sheet name or number of an Excel workbook (default: the first).
    parameter
        The lecture parameter that gave ``path``, named in error messages.
    dates, date_format
        ``{parameter name: column}`` of date columns, parsed with :func:`check_dates` (``date_format``
        or ISO dates; missing dates stay ``NaT``): a column whose dates cannot be read stops here.

    Returns
    -------
    pandas.DataFrame
        The table with column names stripped of blanks; ``attrs`` holds ``path``, ``format``,
        ``encoding`` and ``sha256``.

    Raises
    ------
    DataFileError
        No such file, an unsupported format, an empty file, a header without rows, text in an
        unknown encoding, or a missing column.
    """
    if path is None or not str(path).strip():
        raise DataFileError(f"parameter `{parameter}` is empty: give the path of a CSV, .xlsx or Parquet file")
    path = Path(path).expanduser()
    if not path.is_file():
        where = "a folder, not a file" if path.is_dir() else "no such file"
        raise DataFileError(f"parameter `{parameter}` = {str(path)!r}: {where}")
    suffix = path.suffix.lower()
    ids = [c for c in id_columns if c is not None]
    if suffix in CSV_SUFFIXES or suffix == "":
        table, kind = _read_csv(path, encoding, ids, parameter), "csv"
    elif suffix in EXCEL_SUFFIXES:
        table, kind = _read_excel(path, sheet, ids, parameter), "xlsx"
    elif suffix in PARQUET_SUFFIXES:
        table, kind = _read_parquet(path, parameter), "parquet"
    elif suffix == ".xls":
        raise DataFileError(f"parameter `{parameter}`: {path.name} is an old .xls workbook; "
                            "save it as .xlsx or CSV UTF-8 and pass that file")
    else:
        raise DataFileError(f"parameter `{parameter}`: {path.name} has the suffix {suffix!r}; crmlab reads "
                            f"CSV ({', '.join(CSV_SUFFIXES)}), Excel ({', '.join(EXCEL_SUFFIXES)}) "
                            f"and Parquet ({', '.join(PARQUET_SUFFIXES)})")
    renamed = {c: c.strip().lstrip("\ufeff") for c in table.columns if isinstance(c, str)}
    table = table.rename(columns=renamed)
    if len(table.columns) == 0:
        raise DataFileError(f"parameter `{parameter}`: {path.name} has no columns")
    if len(table) == 0:
        raise DataFileError(f"parameter `{parameter}`: {path.name} has a header "
                            f"({', '.join(map(repr, map(str, table.columns[:10])))}) but no rows")
    require_columns(table, dict(columns or {}), path.name)
    for column in ids:
        if column in table.columns:
            table[column] = _ids_as_text(table[column])
    for date_parameter, column in (dates or {}).items():
        if column is not None:
            table[column] = check_dates(table, column, date_format=date_format, parameter=date_parameter,
                                        name=path.name)
    attrs = dict(table.attrs)
    table.attrs.clear()
    table.attrs.update(attrs, path=str(path), format=kind, sha256=file_sha256(path))
    return table


@dataclass(frozen=True)
class LectureTable:
    """A lecture's data, from :func:`own_or_bundled`.

    Attributes
    ----------
    table
        The researcher's table (read and checked) or the bundled one.
    columns
        ``{parameter: column}``: the parameters' values, or their defaults where a parameter is None.
    own
        True when ``table`` is the researcher's file.
    """

    table: pd.DataFrame
    columns: dict[str, Any]
    own: bool

    def describe(self) -> str:
        """:func:`describe` of the researcher's file; empty for the bundled data."""
        return describe(self.table) if self.own else ""


def own_or_bundled(p: Any, bundled: Callable[[], pd.DataFrame] | pd.DataFrame,
                   columns: Mapping[str, Any], *, bundled_columns: Mapping[str, Any] | None = None,
                   id_columns: Iterable[str] = (), dates: Iterable[str] = (), path: str = "data_path",
                   unchecked: Iterable[str] = ()) -> LectureTable:
    """The user's table or the bundled one, with these default columns.

    When the parameter ``path`` of ``p`` (a lecture's checked parameters) is None, the table is
    ``bundled`` (called when it is a function) and its columns are ``columns`` updated with
    ``bundled_columns``. Otherwise the file is read with :func:`read_table` (``p.encoding``,
    ``p.date_format``), each column parameter takes its value in ``p`` or, when that is None, its
    default in ``columns``, and every named column is checked (except the parameters in
    ``unchecked``); ``id_columns`` and ``dates`` are parameter names whose columns are ids / dates.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from types import SimpleNamespace
    >>> bundled = pd.DataFrame({"customer_id": ["a"], "amount": [1.0]})
    >>> defaults = dict(customer_col="customer_id", amount_col="amount")
    >>> p = SimpleNamespace(data_path=None, customer_col=None, amount_col=None)
    >>> data = own_or_bundled(p, bundled, defaults)
    >>> data.own, data.columns
    (False, {'customer_col': 'customer_id', 'amount_col': 'amount'})
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "orders.csv").write_text("client,amount\\n007,10\\n")
    >>> p = SimpleNamespace(data_path=folder / "orders.csv", customer_col="client", amount_col=None, encoding=None)
    >>> data = own_or_bundled(p, bundled, defaults, id_columns=["customer_col"])
    >>> data.own, data.columns, data.table["client"].tolist()
    (True, {'customer_col': 'client', 'amount_col': 'amount'}, ['007'])
    """
    location = getattr(p, path)
    if location is None:
        table = bundled() if callable(bundled) else bundled
        return LectureTable(table, {**columns, **(bundled_columns or {})}, own=False)
    chosen = {name: (value if (value := getattr(p, name, None)) is not None else default)
              for name, default in columns.items()}
    skipped = set(unchecked)
    table = read_table(location, parameter=path, encoding=getattr(p, "encoding", None),
                       date_format=getattr(p, "date_format", None),
                       columns={name: column for name, column in chosen.items() if name not in skipped},
                       id_columns=[chosen[name] for name in id_columns],
                       dates={name: chosen[name] for name in dates})
    return LectureTable(table, chosen, own=True)


def describe(table: pd.DataFrame) -> str:
    """One line on what :func:`read_table` read: file, rows, columns, format and encoding, checksum.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = path.write_bytes("客户,金额\\n1,2\\n".encode("gb18030"))
    >>> describe(read_table(path))[:44]
    'log.csv: 1 row, 2 columns (csv, gb18030), SH'
    """
    attrs = table.attrs
    return (f"{Path(attrs.get('path', '?')).name}: {_rows(len(table))}, {len(table.columns)} columns "
            f"({attrs.get('format', '?')}, {attrs.get('encoding', '?')}), SHA-256 {attrs.get('sha256', '?')[:12]}...")


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(\s|$)")


def check_dates(table: pd.DataFrame, column: str, *, date_format: str | None = None,
                parameter: str = "date_col", name: str = "the table") -> pd.Series:
    """Parse a date column, or raise naming the column, the parameter and the number of bad rows.

    Text dates are read as ISO (``2024-03-31``, with or without a time) unless ``date_format``
    (a ``strftime`` format such as ``'%d/%m/%Y'``) is given. Dates such as ``31/03/2024`` or
    ``03/31/2024`` are refused without ``date_format``: the message says which order the values
    show (a first number above 12 means day/month/year) and which ``date_format`` to pass, as
    reading ``04/05/2024`` as 4 May or 5 April cannot be guessed. Missing dates stay ``NaT``
    (cleaning reports them); integer dates such as ``19970101`` are read as yyyymmdd.

    Examples
    --------
    >>> table = pd.DataFrame({"day": ["31/01/2024", "01/02/2024"]})
    >>> check_dates(table, "day")
    Traceback (most recent call last):
    ...
    crmlab.reader.DataFileError: column 'day' (parameter `date_col`) holds dates such as '31/01/2024' in day/month/year order (2 rows); pass -p date_format '%d/%m/%Y'
    >>> check_dates(table, "day", date_format="%d/%m/%Y").dt.month.tolist()
    [1, 2]
    """
    values = table[column]
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        present = values.dropna()
        text = present.map(lambda v: str(int(v)) if float(v).is_integer() else str(v))
        parsed = pd.to_datetime(text, format=date_format or "%Y%m%d", errors="coerce")
        bad = present[parsed.isna()]
        if len(bad):
            raise DataFileError(
                f"column {column!r} (parameter `{parameter}`) has {_rows(len(bad))} of {len(values):,} that are "
                f"not dates in the format {date_format or '%Y%m%d'!r} (e.g. {', '.join(map(repr, bad.head(3).tolist()))})",
                column=column, parameter=parameter, rows=len(bad), total=len(values))
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        out[present.index] = parsed.to_numpy()
        return out
    text = values.where(values.notna(), None).astype("object")
    present = text.notna() & (text.astype(str).str.strip() != "")
    if date_format is None:
        sample = text[present].astype(str)
        matched = sample.str.extract(_DAY_FIRST)
        slashed = matched[0].notna()
        if slashed.sum() * 2 > len(sample):    # mostly nn/nn/yyyy dates (a few stray ones count as bad dates)
            first, second = matched.loc[slashed, 0].astype(int), matched.loc[slashed, 1].astype(int)
            year = "%Y" if matched.loc[slashed, 2].str.len().max() == 4 else "%y"
            sep = re.search(r"[/.\-]", sample[slashed].iloc[0]).group(0)
            if (first > 12).any():
                example = sample[slashed][first > 12].iloc[0]
                raise DataFileError(
                    f"column {column!r} (parameter `{parameter}`) holds dates such as {example!r} in day/month/year "
                    f"order ({_rows(int(slashed.sum()))}); pass -p date_format '%d{sep}%m{sep}{year}'",
                    column=column, parameter=parameter, rows=int(slashed.sum()), total=len(values))
            if (second > 12).any():
                example = sample[slashed][second > 12].iloc[0]
                raise DataFileError(
                    f"column {column!r} (parameter `{parameter}`) holds dates such as {example!r} in month/day/year "
                    f"order ({_rows(int(slashed.sum()))}); pass -p date_format '%m{sep}%d{sep}{year}'",
                    column=column, parameter=parameter, rows=int(slashed.sum()), total=len(values))
            raise DataFileError(
                f"column {column!r} (parameter `{parameter}`) holds dates such as {sample[slashed].iloc[0]!r} that can "
                f"be day/month or month/day ({_rows(int(slashed.sum()))}); pass -p date_format "
                f"'%d{sep}%m{sep}{year}' or '%m{sep}%d{sep}{year}'",
                column=column, parameter=parameter, rows=int(slashed.sum()), total=len(values))
        def attempt(**how) -> pd.Series:
            try:
                return pd.to_datetime(text.where(present, None), errors="coerce", **how)
            except (ValueError, TypeError):      # mixed UTC offsets: compare in UTC
                return pd.to_datetime(text.where(present, None), errors="coerce", utc=True, **how)

        parsed = attempt(format="ISO8601")
        if parsed.isna()[present].any():        # maybe another format pandas can infer
            try:
                alternative = attempt()
            except (ValueError, TypeError):
                alternative = parsed
            if alternative.isna()[present].sum() < parsed.isna()[present].sum():
                parsed = alternative
    else:
        try:
            parsed = pd.to_datetime(text.where(present, None), format=date_format, errors="coerce")
        except ValueError as problem:
            raise DataFileError(f"parameter `date_format` = {date_format!r} is not a date format ({problem})",
                                parameter="date_format") from None
    bad = present & parsed.isna()
    if bad.any():
        how = f"does not match date_format {date_format!r}" if date_format else "cannot be read as a date like 2024-03-31"
        raise DataFileError(
            f"column {column!r} (parameter `{parameter}`) has {_rows(int(bad.sum()))} of {len(values):,} whose date "
            f"{how}: {', '.join(map(repr, text[bad].head(3).tolist()))}; fix or remove those "
            f"rows{'' if date_format else ', or pass -p date_format'}",
            column=column, parameter=parameter, rows=int(bad.sum()), total=len(values))
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")
