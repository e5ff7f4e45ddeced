"""One validation layer: the errors bad input raises, and the few rules every module checks with.

Every crmlab function that takes a table, a transaction log or a lecture parameter checks it with
the helpers here, so bad input fails the same way everywhere:

* **One exception family.** Every input error is a :class:`ValidationError` (a ``ValueError``)
  that carries the ``column`` (or ``parameter``) it is about and, when rows are wrong, how many
  (``rows``, of ``total``). Subclasses are also the built-in type callers already catch:
  :class:`MissingColumnError` is a ``KeyError``, :class:`WrongTypeError` a ``TypeError``,
  :class:`MissingFileError` a ``FileNotFoundError``.
  ``crmlab.transactions.TransactionLogError``, ``crmlab.reader.DataFileError`` and
  ``crmlab.params.ParameterError`` belong to the family.
* **One date coercer**, :func:`as_date`, for every date given as a parameter
  (``observation_end``, ``as_of``, ``start``, ...), and its column form :func:`date_column`.
* **One column-list rule**, :func:`column_list` / :func:`require_columns`: columns are named by
  the caller (a name, a list, or a ``{parameter: column}`` map), ``None`` means "not used", and a
  missing one is named with the table's columns.
* **One object for a transaction log's columns**, :class:`LogColumns`, instead of repeating
  ``customer_col, date_col, amount_col, date_format, timezone`` in every signature.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"customer": ["a", "b", "c"], "spend": [10.0, -1.0, -2.0]})
>>> numeric_column(table, "spend", non_negative=True)
Traceback (most recent call last):
...
crmlab.validation.ValidationError: column 'spend' has 2 negative value(s); it must be at least 0
>>> try:
...     require_columns(table, ["customer", "region"])
... except KeyError as error:          # also a ValidationError and a ValueError
...     print(error.column, "|", error)
region | the customer table lacks column(s) ['region']; it has ['customer', 'spend']
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Union

import numpy as np
import pandas as pd

__all__ = [
    "ValidationError",
    "MissingColumnError",
    "WrongTypeError",
    "MissingFileError",
    "DateLike",
    "rows_text",
    "as_date",
    "check_date_format",
    "date_column",
    "column_list",
    "missing_columns",
    "require_table",
    "require_columns",
    "require_complete",
    "require_unique_ids",
    "numeric_column",
    "LogColumns",
]

#: What a date parameter such as ``observation_end`` accepts.
DateLike = Union[str, datetime.date, pd.Timestamp, np.datetime64]


class ValidationError(ValueError):
    """Input crmlab cannot use: a missing column, bad rows, a wrong parameter.

    The message says what is wrong and what to change. The attributes let code act on it:

    ``column``
        The column (or columns, as a list) the error is about, or ``None``.
    ``rows``
        How many rows are wrong, or ``None`` when the error is not about rows.
    ``total``
        How many rows the table has, when known.
    ``parameter``
        The parameter (``observation_end``, ``customer_col``, ...) that fixes it, when there is one.

    >>> error = ValidationError("column 'x' has 2 missing value(s)", column="x", rows=2, total=10)
    >>> isinstance(error, ValueError), error.column, error.rows
    (True, 'x', 2)
    """

    def __init__(self, message: str, *, column: str | list[str] | None = None, rows: int | None = None,
                 total: int | None = None, parameter: str | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.rows = None if rows is None else int(rows)
        self.total = None if total is None else int(total)
        self.parameter = parameter

    def __str__(self) -> str:  # a KeyError subclass would otherwise show the message in quotes
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()


class MissingColumnError(ValidationError, KeyError):
    """A column the caller named is not in the table (also a ``KeyError`` and a ``ValueError``)."""


class WrongTypeError(ValidationError, TypeError):
    """A value of the wrong kind: not a DataFrame, text or true/false where numbers belong
    (also a ``TypeError`` and a ``ValueError``)."""


class MissingFileError(ValidationError, FileNotFoundError):
    """A path or glob the caller gave matches no file (also a ``FileNotFoundError`` and a ``ValueError``).

    >>> error = MissingFileError("no file matches 'logs/*.parquet'", parameter="log")
    >>> isinstance(error, FileNotFoundError), isinstance(error, ValueError), str(error)
    (True, True, "no file matches 'logs/*.parquet'")
    """


def rows_text(n: int) -> str:
    """``"1 row"``, ``"2,051 rows"``: a row count as messages print it.

    >>> rows_text(1), rows_text(2051)
    ('1 row', '2,051 rows')
    """
    return f"{n:,} row" + ("" if n == 1 else "s")


# ---------------------------------------------------------------------------
# dates


def as_date(value: object, name: str, *, timezone: str | None = None, calendar_day: bool = False) -> pd.Timestamp:
    """``value`` as a time-zone-free ``pandas.Timestamp``, or a :class:`ValidationError` naming ``name``.

    Text (``"2024-03-31"``), ``datetime.date``, ``datetime64`` and timestamps are accepted. A date
    with a time zone keeps its local wall-clock time (``timezone="Asia/Shanghai"`` converts it to
    that zone first). ``calendar_day=True`` refuses a time of day and a time zone: the value must be
    a plain calendar date.

    Examples
    --------
    >>> as_date("2024-03-01 10:00+08:00", "as_of")
    Timestamp('2024-03-01 10:00:00')
    >>> as_date("2024-03-01 10:00+08:00", "as_of", timezone="UTC")
    Timestamp('2024-03-01 02:00:00')
    >>> as_date("31/02/2024", "observation_end")
    Traceback (most recent call last):
    ...
    crmlab.validation.ValidationError: `observation_end` = '31/02/2024' is not a date such as '2024-03-31'
    """
    if isinstance(value, bool):
        raise ValidationError(f"`{name}` = {value!r} is not a date such as '2024-03-31'", parameter=name)
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValidationError(f"`{name}` = {value!r} is not a date such as '2024-03-31'", parameter=name) from None
    if stamp is pd.NaT or pd.isna(stamp):
        raise ValidationError(f"`{name}` is missing ({value!r}); give a date such as '2024-03-31'", parameter=name)
    if stamp.tzinfo is not None:
        if calendar_day:
            raise ValidationError(f"`{name}` = {value!r} has a time zone; give a plain calendar date", parameter=name)
        if timezone is not None:
            stamp = stamp.tz_convert(timezone)
        stamp = stamp.tz_localize(None)
    if calendar_day and stamp != stamp.normalize():
        raise ValidationError(f"`{name}` = {value!r} has a time of day; give a calendar date", parameter=name)
    return stamp


def date_column(table: pd.DataFrame, column: str, *, allow_missing: bool = False) -> pd.Series:
    """A table's date column parsed to time-zone-free ``datetime64``, or an error counting the bad rows.

    The same reading as :func:`as_date`, for a column: text in any format pandas reads, dates with
    a zone keep their wall-clock time. Missing dates are refused unless ``allow_missing``
    (then they stay ``NaT``). Transaction logs have a stricter reader with date formats and a
    time-zone rule: :func:`crmlab.transactions.validate`.

    >>> date_column(pd.DataFrame({"day": ["2024-01-02", "2024-01-03 10:00"]}), "day").dt.day.tolist()
    [2, 3]
    >>> date_column(pd.DataFrame({"day": ["2024-01-02", "soon", "later"]}), "day")
    Traceback (most recent call last):
    ...
    crmlab.validation.ValidationError: column 'day' has 2 row(s) that are not dates
    """
    raw = table[column]
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        parsed = raw
    else:
        text = raw.dtype == object or isinstance(raw.dtype, pd.StringDtype)
        try:
            parsed = pd.to_datetime(raw, errors="coerce", format="mixed" if text else None)
        except (TypeError, ValueError):      # mixed UTC offsets: compare in UTC, keep the instants
            parsed = pd.to_datetime(raw, errors="coerce", format="mixed" if text else None, utc=True)
        bad = int((parsed.isna() & raw.notna()).sum())
        if bad:
            raise ValidationError(f"column {column!r} has {bad} row(s) that are not dates",
                                  column=column, rows=bad, total=len(raw))
    if not allow_missing:
        missing = int(parsed.isna().sum())
        if missing:
            raise ValidationError(f"column {column!r} has {missing} row(s) without a date",
                                  column=column, rows=missing, total=len(raw))
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


# ---------------------------------------------------------------------------
# columns


def column_list(columns: str | Iterable[str | None] | Mapping[str, str | None] | None, *,
                parameter: str | None = None) -> list[str]:
    """The column-list rule: the names a caller gave, in order, without ``None`` and repeats.

    A caller may name one column (``"spend"``), several (``["recency", "frequency"]``) or map
    parameters to columns (``{"customer_col": "client"}``: the columns are the values); ``None``
    means "this column is not used". With ``parameter`` the value is a lecture parameter such as
    ``feature_cols``: text is a comma-separated list (``"age, income"``, what ``papermill -p``
    passes), and anything but text or a list of texts raises a :class:`ValidationError` naming it.

    >>> column_list({"customer_col": "client", "amount_col": None, "date_col": "day"})
    ['client', 'day']
    >>> column_list("spend"), column_list(["a", None, "b", "a"])
    (['spend'], ['a', 'b'])
    >>> column_list("age, yearly_income ,", parameter="feature_cols")
    ['age', 'yearly_income']
    """
    if parameter is not None:
        if isinstance(columns, str):
            columns = columns.split(",")
        if not isinstance(columns, list | tuple) or not all(isinstance(c, str) for c in columns):
            raise ValidationError(f"parameter `{parameter}` = {columns!r}: give column names as 'a,b,c' or a list",
                                  parameter=parameter)
        return list(dict.fromkeys(c.strip() for c in columns if c.strip()))
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    values = columns.values() if isinstance(columns, Mapping) else columns
    return list(dict.fromkeys(column for column in values if column is not None))


def missing_columns(table: pd.DataFrame, columns: str | Iterable[str | None] | Mapping[str, str | None] | None) -> list[str]:
    """The columns of :func:`column_list` (``columns``) that ``table`` lacks, in the order given.

    >>> missing_columns(pd.DataFrame(columns=["a", "b"]), ["a", "c", None])
    ['c']
    """
    present = set(table.columns)
    return [column for column in column_list(columns) if column not in present]


def require_table(table: object, what: str = "customer table", *, allow_empty: bool = False) -> pd.DataFrame:
    """``table`` if it is a DataFrame with rows; else a :class:`WrongTypeError` or :class:`ValidationError`.

    >>> require_table([1, 2])
    Traceback (most recent call last):
    ...
    crmlab.validation.WrongTypeError: the customer table must be a pandas DataFrame, got list
    """
    if not isinstance(table, pd.DataFrame):
        raise WrongTypeError(f"the {what} must be a pandas DataFrame, got {type(table).__name__}")
    if table.empty and not allow_empty:
        raise ValidationError(f"the {what} has no rows", rows=0, total=0)
    return table


def require_columns(table: pd.DataFrame, columns: str | Iterable[str | None] | Mapping[str, str | None] | None,
                    what: str = "customer table") -> None:
    """Raise :class:`MissingColumnError` naming every column of ``columns`` that ``table`` lacks."""
    missing = missing_columns(table, columns)
    if missing:
        raise MissingColumnError(f"the {what} lacks column(s) {missing}; it has {list(table.columns)}",
                                 column=missing[0] if len(missing) == 1 else missing)


def require_complete(table: pd.DataFrame, columns: str | Iterable[str | None] | Mapping[str, str | None] | None,
                     what: str = "customer table") -> None:
    """Raise :class:`ValidationError` naming each column with missing values and their count.

    >>> require_complete(pd.DataFrame({"a": [1, None, None]}), ["a"])
    Traceback (most recent call last):
    ...
    crmlab.validation.ValidationError: the customer table: 'a' has 2 missing value(s); fill or drop those rows first
    """
    names = column_list(columns)
    counts = {column: int(table[column].isna().sum()) for column in names}
    bad = {column: n for column, n in counts.items() if n}
    if bad:
        text = ", ".join(f"{column!r} has {n} missing value(s)" for column, n in bad.items())
        first = next(iter(bad))
        raise ValidationError(f"the {what}: {text}; fill or drop those rows first",
                              column=first if len(bad) == 1 else list(bad), rows=bad[first], total=len(table))


def require_unique_ids(table: pd.DataFrame, column: str, what: str = "customer table") -> None:
    """Raise unless ``column`` of ``table`` names every row once: no missing and no repeated id.

    A :class:`MissingColumnError` when the column is absent, else a :class:`ValidationError`
    counting the rows without an id or repeating an earlier one.

    >>> require_unique_ids(pd.DataFrame({"id": ["a", "b", "a", "a"]}), "id", "customers.csv")
    Traceback (most recent call last):
    ...
    crmlab.validation.ValidationError: column 'id' of customers.csv has 2 rows repeating an earlier id (e.g. 'a'); give one row per customer
    """
    require_columns(table, [column], what)
    ids = table[column]
    blank = ids.isna() | ids.astype("string").str.strip().eq("").fillna(False).to_numpy(dtype=bool)
    if blank.any():
        raise ValidationError(f"column {column!r} of {what} has {rows_text(int(blank.sum()))} without an id; "
                              "fill or drop those rows", column=column, rows=int(blank.sum()), total=len(ids))
    repeated = ids.duplicated()
    if repeated.any():
        example = ids[repeated].iloc[0]
        raise ValidationError(f"column {column!r} of {what} has {rows_text(int(repeated.sum()))} repeating an earlier "
                              f"id (e.g. {example!r}); give one row per customer", column=column,
                              rows=int(repeated.sum()), total=len(ids))


def numeric_column(table: pd.DataFrame, column: str, *, non_negative: bool = False) -> np.ndarray:
    """The values of ``column`` as finite floats, or an error naming the column and the bad rows.

    Numbers stored as text (``"12.5"``) are accepted; other text, and true/false values, raise
    :class:`WrongTypeError` (a ``TypeError``); missing, infinite and (with ``non_negative``)
    negative values raise :class:`ValidationError`.

    >>> numeric_column(pd.DataFrame({"x": ["1.5", "2"]}), "x")
    array([1.5, 2. ])
    """
    values = table[column]
    total = len(values)
    if pd.api.types.is_bool_dtype(values):
        raise WrongTypeError(f"column {column!r} must hold numbers, not true/false values ({rows_text(total)})",
                             column=column, rows=total, total=total)
    if not pd.api.types.is_numeric_dtype(values):
        converted = pd.to_numeric(values, errors="coerce")
        bad = int((converted.isna() & values.notna()).sum())
        if bad:
            raise WrongTypeError(f"column {column!r} must hold numbers; {bad} row(s) are not numbers",
                                 column=column, rows=bad, total=total)
        values = converted
    array = values.to_numpy(dtype=float, na_value=np.nan)
    missing = int(np.isnan(array).sum())
    if missing:
        raise ValidationError(f"column {column!r} has {missing} missing value(s); fill or drop those rows first",
                              column=column, rows=missing, total=total)
    infinite = int(np.isinf(array).sum())
    if infinite:
        raise ValidationError(f"column {column!r} has {infinite} infinite value(s)", column=column, rows=infinite,
                              total=total)
    if non_negative:
        negative = int((array < 0).sum())
        if negative:
            raise ValidationError(f"column {column!r} has {negative} negative value(s); it must be at least 0",
                                  column=column, rows=negative, total=total)
    return array


# ---------------------------------------------------------------------------
# the columns of a transaction log


#: The directives of Python's ``strptime`` (what pandas reads); an engine may support fewer.
DATE_DIRECTIVES = frozenset("aAwdbBmyYHIpMSfzZjUWcxXGuV%:")


def check_date_format(date_format: object) -> None:
    """Refuse a ``date_format`` that is not a ``strptime`` format, naming the parameter (``None`` is fine).

    Examples
    --------
    >>> check_date_format("%d/%m/%Y")
    >>> check_date_format("%d/%q/%Y")
    Traceback (most recent call last):
    ...
    crmlab.validation.ValidationError: date_format='%d/%q/%Y' is not a strptime format such as '%d/%m/%Y' (unknown directive(s) %q)
    """
    if date_format is None:
        return
    directives = re.findall(r"%(.?)", date_format) if isinstance(date_format, str) else None
    unknown = None if directives is None else [d for d in directives if d not in DATE_DIRECTIVES]
    if directives is None or unknown:
        raise ValidationError(f"date_format={date_format!r} is not a strptime format such as '%d/%m/%Y'"
                              + (f" (unknown directive(s) {', '.join('%' + d for d in unknown)})" if unknown else ""),
                              parameter="date_format")


@dataclass(frozen=True)
class LogColumns:
    """Which columns of a transaction log hold what, and how its dates are written.

    One object instead of ``customer_col, date_col, amount_col, date_format, timezone`` in every
    signature: :func:`crmlab.transactions.validate`, :func:`crmlab.transactions.clean` and
    :func:`crmlab.rfm.summarize` accept it in place of ``customer_col``.

    Examples
    --------
    >>> columns = LogColumns("client", "ordered_on", "order_total", date_format="%d/%m/%Y")
    >>> columns.names()
    ['client', 'ordered_on', 'order_total']
    >>> LogColumns.from_args("client", "ordered_on") == LogColumns("client", "ordered_on")
    True
    >>> LogColumns.from_args(columns, None, date_format=None) is columns
    True
    """

    customer: str
    date: str
    amount: str | None = None
    date_format: str | None = None
    timezone: str | None = None

    def __post_init__(self) -> None:
        for field in ("customer", "date"):
            if getattr(self, field) is None:
                raise WrongTypeError(f"LogColumns.{field} must be a column name, got None", parameter=f"{field}_col")
        check_date_format(self.date_format)

    def names(self) -> list[str]:
        """The column names, customer, date and (when given) amount."""
        return column_list([self.customer, self.date, self.amount])

    def with_(self, **changes: Any) -> "LogColumns":
        """A copy with some fields changed (``columns.with_(amount=None)``)."""
        return replace(self, **changes)

    @classmethod
    def from_args(cls, customer_col: "str | LogColumns", date_col: str | None = None, amount_col: str | None = None,
                  *, date_format: str | None = None, timezone: str | None = None) -> "LogColumns":
        """The object from the classic arguments, or ``customer_col`` itself when it already is one.

        Given a :class:`LogColumns`, keyword options that are not ``None`` override its fields.
        """
        if isinstance(customer_col, LogColumns):
            given = {"date": date_col, "amount": amount_col, "date_format": date_format, "timezone": timezone}
            changes = {key: value for key, value in given.items() if value is not None}
            return replace(customer_col, **changes) if changes else customer_col
        if date_col is None:
            raise WrongTypeError("give date_col (the date column) or a LogColumns object", parameter="date_col")
        return cls(customer_col, date_col, amount_col, date_format, timezone)

    def as_dict(self) -> dict[str, str | None]:
        """``{field: value}`` for every field."""
        return {field.name: getattr(self, field.name) for field in fields(self)}
