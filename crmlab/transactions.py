"""Transaction logs: check them (:func:`validate`) and clean them (:func:`clean`).

A *transaction log* is a table with one row per purchase line: at least a
customer id and a date, usually an amount. Real logs are messy: returns,
cancellations, lines without a customer, duplicated lines, postage and fee
lines, dates that do not parse. Every function in crmlab that takes a log runs
:func:`validate` first, which either returns a normalised copy or raises a
:class:`TransactionLogError` naming the column and the number of bad rows.
:func:`clean` applies documented rules in a fixed order and returns the cleaned
log together with a report of what each rule removed, so nothing is dropped
silently.

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame({"customer": ["a", "a", None], "date": ["2024-01-02", "2024-01-09", "2024-01-03"],
...                     "amount": [10.0, -4.0, 5.0]})
>>> cleaned, report = clean(log, "customer", "date", "amount")
>>> report.set_index("reason")["rows_removed"].loc[lambda removed: removed > 0].to_dict()
{'missing_customer_id': 1, 'negative_amount': 1}
>>> len(cleaned)
1
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from crmlab import lang
from crmlab.datasets import ONLINE_RETAIL_NON_PRODUCT_CODES
from crmlab.validation import DateLike, LogColumns, ValidationError, WrongTypeError, as_date, missing_columns, rows_text

__all__ = [
    "DateLike",
    "TransactionLogError",
    "LogColumns",
    "ValidatedArrays",
    "validate_arrays",
    "DEFAULT_NON_PRODUCT_CODES",
    "CLEANING_RULES",
    "validate",
    "clean",
    "cleaning_table",
]


#: Stock codes of Online Retail lines that are not a product sold to the customer:
#: postage (POST, DOT), carriage (C2), manual adjustments (M), discounts (D),
#: samples (S), bank charges, Amazon fees, CRUK commission, cushion pads at
#: 0.001 (PADS) and bad-debt adjustments (B). Matched after stripping blanks and
#: upper-casing, so the single lower-case "m" line counts as "M". Gift vouchers
#: (``gift_0001_*``) are kept: a customer pays for them. The list is
#: :data:`crmlab.datasets.ONLINE_RETAIL_NON_PRODUCT_CODES` upper-cased.
DEFAULT_NON_PRODUCT_CODES: tuple[str, ...] = tuple(dict.fromkeys(code.upper() for code in ONLINE_RETAIL_NON_PRODUCT_CODES))

#: The cleaning rules of :func:`clean`, in the order they are applied. A row that
#: several rules would remove is counted under the first one only.
CLEANING_RULES: tuple[str, ...] = (
    "missing_customer_id",
    "missing_date",
    "missing_amount",
    "after_observation_end",
    "duplicate_line",
    "cancellation",
    "negative_quantity",
    "negative_amount",
    "non_product_line",
    "zero_amount",
)

lang.register(
    {
        "reason": {"en": "Reason", "zh": "原因"},
        "rows_removed": {"en": "Rows removed", "zh": "删除行数"},
        "share_of_rows": {"en": "Share of rows", "zh": "行数占比"},
        "amount_removed": {"en": "Amount removed", "zh": "删除金额"},
        "missing_customer_id": {"en": "Missing customer id", "zh": "缺少客户编号"},
        "missing_date": {"en": "Missing date", "zh": "缺少日期"},
        "missing_amount": {"en": "Missing amount", "zh": "缺少金额"},
        "after_observation_end": {"en": "Date after observation end", "zh": "日期晚于观察期末"},
        "duplicate_line": {"en": "Exact duplicate line", "zh": "完全重复的行"},
        "cancellation": {"en": "Cancellation invoice", "zh": "取消订单"},
        "negative_quantity": {"en": "Return (negative quantity)", "zh": "退货（数量为负）"},
        "negative_amount": {"en": "Negative amount", "zh": "金额为负"},
        "non_product_line": {"en": "Non-product line (postage, fees, ...)", "zh": "非商品行（邮费、手续费等）"},
        "zero_amount": {"en": "Zero amount", "zh": "金额为零"},
        "total_removed": {"en": "Total removed", "zh": "删除合计"},
        "fully_returned": {"en": "Purchase returned in full", "zh": "已全部退货的购买"},
    }
)


class TransactionLogError(ValidationError):
    """A transaction log that cannot be used as it is (a :class:`crmlab.validation.ValidationError`,
    so also a ``ValueError``).

    The message names the column and how many rows are wrong, shows a few
    examples, and says which cleaning rule or parameter fixes it; ``column``, ``rows`` and
    ``total`` hold them.
    """


@dataclass(frozen=True)
class ValidatedArrays:
    """The columns of a validated log as plain arrays (what fast code needs).

    Attributes
    ----------
    customer : pandas.Series
        Customer ids as given (no missing values).
    customer_codes : numpy.ndarray
        Integer code of each row's customer: position of its id in ``customer_ids``.
    customer_ids : pandas.Index
        The distinct customer ids, sorted when they can be ordered.
    date : numpy.ndarray
        ``datetime64[ns]`` without time zone.
    amount : numpy.ndarray or None
        ``float64`` amounts, or None when no amount column was given.
    notes : tuple of str
        What validation changed without removing rows (time zones, date formats).
    rows_after_observation_end : int
        Rows beyond the observation end that were dropped (``after_observation_end="drop"``).
    """

    customer: pd.Series
    customer_codes: np.ndarray
    customer_ids: pd.Index
    date: np.ndarray
    amount: np.ndarray | None
    notes: tuple[str, ...] = ()
    rows_after_observation_end: int = 0


# ---------------------------------------------------------------------------
# helpers


def _examples(values: Iterable, limit: int = 3) -> str:
    """The first ``limit`` values as Python literals ('12,50', -4.0), for error messages."""
    shown = [repr(v.item() if isinstance(v, np.generic) else v) for v in itertools.islice(values, limit)]
    return ", ".join(shown)


_rows = rows_text


def _check_frame(log: object, columns: Sequence[str | None]) -> None:
    if not isinstance(log, pd.DataFrame):
        raise WrongTypeError(f"the transaction log must be a pandas DataFrame, got {type(log).__name__}")
    missing = missing_columns(log, columns)
    if missing:
        raise TransactionLogError(
            f"the transaction log has no column(s) {', '.join(map(repr, missing))}; "
            f"its columns are {', '.join(map(repr, map(str, log.columns)))}",
            column=missing[0] if len(missing) == 1 else missing, total=len(log),
        )
    wanted = [c for c in columns if c is not None]
    duplicated = sorted({c for c in wanted if list(log.columns).count(c) > 1})
    if duplicated:
        raise TransactionLogError(f"the transaction log has more than one column named {duplicated}",
                                  column=duplicated[0] if len(duplicated) == 1 else duplicated)
    if len(log) == 0:
        raise TransactionLogError("the transaction log is empty (0 rows): there is nothing to summarise",
                                  rows=0, total=0)


def _factorize_customers(ids: pd.Series) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """Integer codes of customer ids, the sorted distinct ids, and a mask of missing ids.

    Missing ids are NaN/None and blank text; their code is -1. Sorting the distinct
    ids (not the rows) keeps this fast for text ids.
    """
    if isinstance(ids.dtype, np.dtype) and ids.dtype.kind in "iu" and len(ids):
        # plain integer ids in a compact range: a lookup table is faster than hashing and sorting
        values = ids.to_numpy()
        low, high = int(values.min()), int(values.max())
        if high - low <= 4 * len(values) + 1_000_000:
            present = np.zeros(high - low + 1, dtype=bool)
            present[values - low] = True
            remap = np.cumsum(present) - 1
            codes = remap[values - low].astype(np.int64)
            uniques = pd.Index((np.flatnonzero(present) + low).astype(values.dtype))
            return codes, uniques, np.zeros(len(values), dtype=bool)
    codes, uniques = pd.factorize(ids, sort=False, use_na_sentinel=True)
    if isinstance(uniques, (pd.Categorical, pd.CategoricalIndex)):  # keep the plain values of categorical ids
        uniques = pd.Index(np.asarray(uniques), dtype=uniques.categories.dtype)
    uniques = pd.Index(uniques)
    if uniques.dtype == object or pd.api.types.is_string_dtype(uniques.dtype):
        blank = np.asarray(uniques.map(lambda v: isinstance(v, str) and v.strip() == ""), dtype=bool)
        if blank.any():
            codes = np.where(codes >= 0, np.where(blank[np.maximum(codes, 0)], -1, codes), -1)
            kept = np.flatnonzero(~blank)
            remap = np.full(len(uniques), -1, dtype=np.int64)
            remap[kept] = np.arange(len(kept))
            codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
            uniques = uniques[kept]
    try:
        if uniques.dtype == object or pd.api.types.is_string_dtype(uniques.dtype):
            values = uniques.to_numpy(dtype=object)
            if all(isinstance(v, str) for v in values):
                order = np.argsort(np.asarray(values, dtype="U"), kind="stable")
            else:
                order = np.argsort(values, kind="stable")
        else:
            order = uniques.argsort()
    except TypeError:  # ids of types that cannot be ordered against each other
        order = np.arange(len(uniques))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = np.asarray(codes, dtype=np.int64)
    missing = codes < 0
    codes = np.where(missing, -1, rank[np.maximum(codes, 0)] if len(rank) else -1)
    return codes, uniques[order], missing

_TRAILING_OFFSET = r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)\s*$"
_UTC_OFFSET = r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)\s*$"


def _time_zone_rule(
    values: pd.Series, present: np.ndarray, column: str, timezone: str | None
) -> tuple[pd.Series, str | None]:
    """Apply the time-zone rule to text or object dates before parsing.

    Rule: dates that carry a zone (a UTC offset in text, or tz-aware objects) keep
    their local wall-clock time and lose the zone, so "2024-01-01 23:30+08:00" is a
    purchase on 1 January, the day the customer saw. With ``timezone`` given, they are
    converted to that zone instead (the caller parses them with ``utc=True``). A column
    that mixes dates with and without a zone raises: the naive ones are ambiguous.
    """
    distinct = pd.Series(pd.unique(values[present]))
    if len(distinct) == 0:
        return values, None
    is_text = distinct.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    offsets = pd.Series([None] * len(distinct), dtype=object)
    if is_text.any():
        found = distinct[is_text].astype("string").str.extract(_UTC_OFFSET, expand=False)
        offsets[is_text] = found.astype(object).where(found.notna(), None).to_numpy()
    if (~is_text).any():
        offsets[~is_text] = [
            pd.Timestamp(v).strftime("%z") if getattr(v, "tzinfo", None) is not None else None
            for v in distinct[~is_text]
        ]
    aware = offsets.notna().to_numpy()
    if not aware.any():
        return values, None
    if not aware.all():
        naive_values = set(distinct[~aware])
        naive_rows = int(values[present].isin(naive_values).sum())
        raise TransactionLogError(
            f"column {column!r} mixes dates with a time zone ({_rows(int(present.sum()) - naive_rows)}) "
            f"and without one ({_rows(naive_rows)}, e.g. {_examples(distinct[~aware])}); "
            "give every date a zone or none",
            column=column, rows=naive_rows, total=len(values),
        )
    zones = sorted(set(offsets))
    shown = ", ".join(zones[:4]) + (", ..." if len(zones) > 4 else "")
    if timezone is not None:
        return values, (f"column {column!r}: dates with UTC offset(s) {shown} converted to {timezone} "
                        "and the zone dropped")
    mapping = {
        value: (re.sub(_TRAILING_OFFSET, "", value) if isinstance(value, str) else pd.Timestamp(value).tz_localize(None))
        for value in distinct
    }
    stripped = values.map(mapping)
    return stripped, (f"column {column!r}: time zone(s) {shown} dropped; local wall-clock times kept "
                      f"(pass timezone= to convert to one zone instead)")


def _parse_dates(
    values: pd.Series, column: str, date_format: str | None, timezone: str | None
) -> tuple[pd.Series, list[str]]:
    """Parse ``values`` to tz-naive datetime64[ns]; raise on anything that does not parse.

    Missing values stay NaT (the caller decides what to do with them).
    """
    notes: list[str] = []
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        parsed = values
    elif pd.api.types.is_datetime64_dtype(dtype):
        parsed = values
    elif pd.api.types.is_bool_dtype(dtype):
        raise TransactionLogError(f"column {column!r} holds booleans, not dates ({_rows(len(values))})",
                                  column=column, rows=len(values), total=len(values))  # as crmlab.summaries says
    elif pd.api.types.is_numeric_dtype(dtype):
        # integers like 19970101 (CDNOW); anything else is ambiguous (epoch seconds? days?)
        numbers = values.dropna()
        fmt = date_format or "%Y%m%d"
        integral = (numbers == np.floor(numbers)).all() if len(numbers) else True
        if not integral or (len(numbers) and (numbers.min() < 1000_01_01 or numbers.max() > 9999_12_31)):
            bad = numbers[(numbers < 1000_01_01) | (numbers > 9999_12_31) | (numbers != np.floor(numbers))]
            raise TransactionLogError(
                f"column {column!r} holds numbers that are not yyyymmdd dates in {_rows(len(bad))} "
                f"(e.g. {_examples(bad)}); convert them to dates first",
                column=column, rows=len(bad), total=len(values),
            )
        text = numbers.astype("int64").astype(str)
        parsed_part = pd.to_datetime(text, format=fmt, errors="coerce")
        bad = numbers[parsed_part.isna().to_numpy()]
        if len(bad):
            raise TransactionLogError(
                f"column {column!r} has {_rows(len(bad))} with dates that cannot be parsed "
                f"(e.g. {_examples(bad)}); pass date_format",
                column=column, rows=len(bad), total=len(values),
            )
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        parsed[numbers.index] = parsed_part.to_numpy()
        notes.append(f"column {column!r}: numbers read as dates in the format {fmt!r}")
    else:
        present = values.notna().to_numpy()
        try:
            parsed = pd.to_datetime(values, format=date_format, errors="coerce")
        except (ValueError, TypeError):  # e.g. pandas refusing mixed UTC offsets
            parsed = None
        utc = False
        if (
            parsed is None
            or parsed.dtype == object
            or isinstance(parsed.dtype, pd.DatetimeTZDtype)
            or (present & parsed.isna().to_numpy()).any()
        ):
            # only now look for time zones (it costs a pass over the distinct dates)
            values, zone_note = _time_zone_rule(values, present, column, timezone)
            if zone_note:
                notes.append(zone_note)
            utc = timezone is not None and zone_note is not None
            parsed = pd.to_datetime(values, format=date_format, errors="coerce", utc=utc)
        unparsed = present & parsed.isna().to_numpy()
        if unparsed.any() and date_format is None:
            # pandas infers one format from the first date; ISO dates with and without
            # times ("2024-01-01", "2024-01-01 09:00") are still unambiguous together
            try:
                iso = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=utc)
            except (ValueError, TypeError):
                iso = None
            if iso is not None and iso.dtype != object and not (present & iso.isna().to_numpy()).any():
                parsed, unparsed = iso, np.zeros(len(values), dtype=bool)
        if unparsed.any():
            examples = values[unparsed]
            raise TransactionLogError(
                f"column {column!r} has {_rows(int(unparsed.sum()))} whose date cannot be parsed "
                f"(e.g. {_examples(examples)}); fix them or pass date_format",
                column=column, rows=int(unparsed.sum()), total=len(values),
            )
        if utc:
            parsed = parsed.dt.tz_convert(timezone).dt.tz_localize(None)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        zone = str(parsed.dt.tz)
        if timezone is not None:
            parsed = parsed.dt.tz_convert(timezone)
            notes.append(f"column {column!r}: times converted from {zone} to {timezone} and the zone dropped")
        else:
            notes.append(f"column {column!r}: time zone {zone} dropped (local wall-clock times kept)")
        parsed = parsed.dt.tz_localize(None)
    parsed = parsed.astype("datetime64[ns]")
    return parsed, notes


def _parse_numbers(values: pd.Series, column: str) -> np.ndarray:
    """Numeric column to float64; raise naming the column if any entry is text."""
    if pd.api.types.is_bool_dtype(values.dtype):
        raise TransactionLogError(f"column {column!r} holds booleans, not numbers ({_rows(len(values))})",
                                  column=column, rows=len(values), total=len(values))  # as crmlab.summaries says
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    numbers = pd.to_numeric(values, errors="coerce")
    text = values.notna().to_numpy() & numbers.isna().to_numpy()
    if text.any():
        raise TransactionLogError(
            f"column {column!r} has {_rows(int(text.sum()))} with text that is not a number "
            f"(e.g. {_examples(values[text])}); fix them before summarising",
            column=column, rows=int(text.sum()), total=len(values),
        )
    return numbers.to_numpy(dtype="float64", na_value=np.nan)


def _to_day_timestamp(value: DateLike, name: str, timezone: str | None) -> pd.Timestamp:
    """:func:`crmlab.validation.as_date` (kept for the modules that still import this name)."""
    return as_date(value, name, timezone=timezone)


# ---------------------------------------------------------------------------
# validate


def validate_arrays(
    log: pd.DataFrame,
    customer_col: str | LogColumns,
    date_col: str | None = None,
    amount_col: str | None = None,
    observation_end: DateLike | None = None,
    *,
    date_format: str | None = None,
    timezone: str | None = None,
    allow_negative_amounts: bool = False,
    allow_duplicates: bool = True,
    after_observation_end: Literal["error", "drop"] = "error",
) -> ValidatedArrays:
    """The work of :func:`validate`, returning :class:`ValidatedArrays` (for fast code such as
    ``rfm.summarize``): same arguments, same checks and errors."""
    columns = LogColumns.from_args(customer_col, date_col, amount_col, date_format=date_format, timezone=timezone)
    customer_col, date_col, amount_col = columns.customer, columns.date, columns.amount
    date_format, timezone = columns.date_format, columns.timezone
    _check_frame(log, [customer_col, date_col, amount_col])
    if after_observation_end not in ("error", "drop"):
        raise ValueError(f"after_observation_end={after_observation_end!r}: use 'error' or 'drop'")
    customer = log[customer_col]
    codes, customer_ids, missing_id = _factorize_customers(customer)
    if missing_id.any():
        raise TransactionLogError(
            f"column {customer_col!r} has no customer id in {_rows(int(missing_id.sum()))} "
            f"of {len(log):,}; remove them with crmlab.transactions.clean (rule 'missing_customer_id')",
            column=customer_col, rows=int(missing_id.sum()), total=len(log),
        )
    dates, notes = _parse_dates(log[date_col], date_col, date_format, timezone)
    missing_date = dates.isna().to_numpy()
    if missing_date.any():
        raise TransactionLogError(
            f"column {date_col!r} has no date in {_rows(int(missing_date.sum()))} of {len(log):,}; "
            "remove them with crmlab.transactions.clean (rule 'missing_date')",
            column=date_col, rows=int(missing_date.sum()), total=len(log),
        )
    date_values = dates.to_numpy(dtype="datetime64[ns]")
    amount = None
    if amount_col is not None:
        amount = _parse_numbers(log[amount_col], amount_col)
        missing_amount = np.isnan(amount)
        if missing_amount.any():
            raise TransactionLogError(
                f"column {amount_col!r} has no amount in {_rows(int(missing_amount.sum()))} of {len(log):,}; "
                "remove them with crmlab.transactions.clean (rule 'missing_amount')",
                column=amount_col, rows=int(missing_amount.sum()), total=len(log),
            )
        infinite = np.isinf(amount)
        if infinite.any():
            raise TransactionLogError(f"column {amount_col!r} has infinite amounts in {_rows(int(infinite.sum()))}",
                                      column=amount_col, rows=int(infinite.sum()), total=len(log))
        negative = amount < 0
        if negative.any() and not allow_negative_amounts:
            raise TransactionLogError(
                f"column {amount_col!r} has negative amounts (returns or cancellations?) in "
                f"{_rows(int(negative.sum()))} (e.g. {_examples(amount[negative])}); remove them with "
                "crmlab.transactions.clean (rule 'negative_amount') or net them against purchases first",
                column=amount_col, rows=int(negative.sum()), total=len(log),
            )
    if not allow_duplicates:
        duplicated = log.duplicated().to_numpy()
        if duplicated.any():
            raise TransactionLogError(
                f"the transaction log has {_rows(int(duplicated.sum()))} repeating an earlier line exactly "
                f"(all columns: {', '.join(map(repr, map(str, log.columns)))}); remove them with "
                "crmlab.transactions.clean (rule 'duplicate_line')",
                column=list(map(str, log.columns)), rows=int(duplicated.sum()), total=len(log),
            )
    dropped = 0
    if observation_end is not None:
        end = _to_day_timestamp(observation_end, "observation_end", timezone)
        # the observation end is a day: purchases at any time on that day are inside
        limit = (end.normalize() + pd.Timedelta(days=1)).to_datetime64()
        after = date_values >= limit
        if after.any():
            if after_observation_end == "error":
                raise TransactionLogError(
                    f"column {date_col!r} has {_rows(int(after.sum()))} after the observation end "
                    f"{end.date()} (latest {pd.Timestamp(date_values[after].max()).date()}); pass "
                    "after_observation_end='drop' to leave them out",
                    column=date_col, rows=int(after.sum()), total=len(log), parameter="observation_end",
                )
            keep = ~after
            dropped = int(after.sum())
            if dropped == len(log):
                raise TransactionLogError(
                    f"column {date_col!r}: all {len(log):,} rows are after the observation end {end.date()}",
                    column=date_col, rows=len(log), total=len(log), parameter="observation_end",
                )
            customer = customer[keep]
            date_values = date_values[keep]
            amount = None if amount is None else amount[keep]
            codes = codes[keep]
            # customers whose every purchase was after the end are no longer customers
            present = np.bincount(codes, minlength=len(customer_ids)) > 0
            if not present.all():
                remap = np.cumsum(present) - 1
                codes = remap[codes]
                customer_ids = customer_ids[present]
            notes.append(f"{_rows(dropped)} after the observation end {end.date()} left out")
    return ValidatedArrays(customer, codes, customer_ids, date_values, amount, tuple(notes), dropped)


#: Former private name, still imported by a few modules.
_validate_arrays = validate_arrays


def validate(
    log: pd.DataFrame,
    customer_col: str | LogColumns,
    date_col: str | None = None,
    amount_col: str | None = None,
    observation_end: DateLike | None = None,
    *,
    date_format: str | None = None,
    timezone: str | None = None,
    allow_negative_amounts: bool = False,
    allow_duplicates: bool = True,
    after_observation_end: Literal["error", "drop"] = "error",
) -> pd.DataFrame:
    """Check a transaction log and return a normalised copy of its key columns.

    Checks, in this order, each raising :class:`TransactionLogError` with the
    column and the number of bad rows:

    1. the columns exist (the error lists the ones that are missing) and the log is not empty;
    2. every row has a customer id (missing: NaN, None or blank text);
    3. every date parses (examples of the ones that do not are shown) and none is missing;
    4. amounts are numbers (no text), none missing or infinite, none negative
       (unless ``allow_negative_amounts``); zero amounts are allowed;
    5. no exact duplicate lines, only when ``allow_duplicates=False`` (two equal purchases on
       one day can be genuine in a log without invoice numbers; CDNOW has 21 such lines);
    6. no date after ``observation_end`` (a day, inclusive), unless ``after_observation_end="drop"``.

    Dates: integer dates such as 19970101 are read as yyyymmdd. Time-zone rule:
    tz-aware dates in one zone keep their local wall-clock time and lose the zone;
    dates with different zones are converted to UTC first; ``timezone="Asia/Shanghai"``
    converts every aware date to that zone before the zone is dropped. What was
    done is listed in ``result.attrs["notes"]``.

    Parameters
    ----------
    log
        One row per purchase line.
    customer_col, date_col, amount_col
        Column names; ``amount_col`` is optional. ``customer_col`` may instead be a
        :class:`~crmlab.validation.LogColumns` naming all of them (and ``date_format``, ``timezone``).
    observation_end
        Last day of observation (inclusive); None means no check.
    date_format
        ``strftime`` format of the dates when pandas cannot infer it.
    timezone
        Zone to convert tz-aware dates to before dropping the zone.
    allow_negative_amounts, allow_duplicates, after_observation_end
        See the checks above.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_col``, ``date_col`` (``datetime64[ns]``, no zone) and
        ``amount_col`` (``float64``), same index as ``log`` minus any dropped rows.

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 2], "day": ["2024-01-01", "not a date"]})
    >>> validate(log, "id", "day")
    Traceback (most recent call last):
    ...
    crmlab.transactions.TransactionLogError: column 'day' has 1 row whose date cannot be parsed (e.g. 'not a date'); fix them or pass date_format

    The columns can travel as one object:

    >>> columns = LogColumns("id", "day", date_format="%d/%m/%Y")
    >>> validate(pd.DataFrame({"id": [1, 2], "day": ["31/12/2023", "01/01/2024"]}), columns)["day"].tolist()
    [Timestamp('2023-12-31 00:00:00'), Timestamp('2024-01-01 00:00:00')]
    """
    columns = LogColumns.from_args(customer_col, date_col, amount_col, date_format=date_format, timezone=timezone)
    customer_col, date_col, amount_col = columns.customer, columns.date, columns.amount
    arrays = validate_arrays(
        log,
        columns,
        observation_end=observation_end,
        allow_negative_amounts=allow_negative_amounts,
        allow_duplicates=allow_duplicates,
        after_observation_end=after_observation_end,
    )
    out = pd.DataFrame({customer_col: arrays.customer})
    out[date_col] = arrays.date
    if amount_col is not None:
        out[amount_col] = arrays.amount
    out.attrs["notes"] = list(arrays.notes)
    out.attrs["rows_after_observation_end"] = arrays.rows_after_observation_end
    return out


# ---------------------------------------------------------------------------
# clean

_RULE_COLUMNS: dict[str, str] = {
    "missing_amount": "amount",
    "cancellation": "invoice_col",
    "negative_quantity": "quantity_col",
    "negative_amount": "amount",
    "non_product_line": "stock_code_col",
    "zero_amount": "amount",
}


def clean(
    log: pd.DataFrame,
    customer_col: str | LogColumns,
    date_col: str | None = None,
    amount_col: str | None = None,
    observation_end: DateLike | None = None,
    *,
    quantity_col: str | None = None,
    price_col: str | None = None,
    invoice_col: str | None = None,
    stock_code_col: str | None = None,
    non_product_codes: Iterable[str] = DEFAULT_NON_PRODUCT_CODES,
    cancellation_prefix: str = "C",
    rules: Iterable[str] | None = None,
    after_observation_end: Literal["error", "drop"] = "drop",
    returns: Literal["remove", "net"] = "remove",
    date_format: str | None = None,
    timezone: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remove the rows of a raw log that are not purchases, and report every removed row.

    The rules run in the order of :data:`CLEANING_RULES`; a row that several rules
    would remove is counted under the first one, so the report's ``rows_removed``
    adds up to ``rows_in - rows_out`` exactly.

    ==========================  ===================================================================
    rule                        removes rows ...
    ==========================  ===================================================================
    ``missing_customer_id``     without a customer id (NaN, None, blank text)
    ``missing_date``            without a date (a date that is present but does not parse raises)
    ``missing_amount``          without an amount (or quantity or price when the amount is computed)
    ``after_observation_end``   dated after ``observation_end`` (a day, inclusive);
                                ``after_observation_end="error"`` raises instead
    ``duplicate_line``          equal in every column to an earlier kept row (the first is kept)
    ``cancellation``            whose invoice number starts with ``cancellation_prefix`` ("C")
    ``negative_quantity``       with a negative quantity (returns without a cancellation invoice)
    ``negative_amount``         with a negative amount (refunds, bad-debt adjustments)
    ``non_product_line``        whose stock code is in ``non_product_codes`` (postage, fees, ...)
    ``zero_amount``             with an amount of exactly 0 (free samples, price not set)
    ==========================  ===================================================================

    A rule runs only when the columns it needs are given (``invoice_col`` for
    ``cancellation``, ...); ``rules`` picks a subset. Text in a numeric column and
    unparsable dates are not cleaned away: they raise :class:`TransactionLogError`,
    because they point to a reading error that should be fixed at the source.
    Returns are removed by default. With ``returns="net"`` they also undo the purchases
    they refer to: the returned quantity (or amount, without a quantity column) of a
    customer and stock code is taken off that customer's purchases of the same stock
    code, latest purchase first; a purchase line returned in full is removed under the
    extra reason ``fully_returned``, a partly returned one keeps the rest (its amount
    scaled down). Returns are matched within the log and by customer and stock code,
    not by date (a return of a purchase made before the log started finds nothing to
    undo and is reported as unmatched).

    Parameters
    ----------
    log
        The raw log.
    customer_col, date_col
        Customer id and date columns (or a :class:`~crmlab.validation.LogColumns` as ``customer_col``,
        naming the amount column, ``date_format`` and ``timezone`` too).
    amount_col
        The amount column. When it is not in ``log`` but ``quantity_col`` and ``price_col``
        are given, it is computed as quantity × price and added to the cleaned log.
    observation_end
        Last day of observation (inclusive).
    quantity_col, price_col, invoice_col, stock_code_col
        Optional columns that enable the rules above.
    non_product_codes
        Stock codes that are not products, compared after stripping blanks and upper-casing.
        Default :data:`DEFAULT_NON_PRODUCT_CODES` (Online Retail's).
    cancellation_prefix
        Invoice numbers starting with it are cancellations.
    rules
        The rules to run, default all of :data:`CLEANING_RULES` that the given columns allow.
    after_observation_end
        ``"drop"`` (rule, reported) or ``"error"``.
    returns
        ``"remove"`` (default) or ``"net"``, see above.
    date_format, timezone
        As in :func:`validate`.

    Returns
    -------
    cleaned : pandas.DataFrame
        The kept rows with all their columns (original index), ``date_col`` parsed to
        ``datetime64[ns]`` and ``amount_col`` as ``float64``.
    report : pandas.DataFrame
        One row per rule that ran, in order: ``reason`` (rule key, translate with
        :func:`crmlab.lang.localize`), ``rows_removed``, ``share_of_rows`` (of the rows in)
        and ``amount_removed`` (when there is an amount). ``report.attrs`` holds
        ``rows_in``, ``rows_out`` and the ``notes`` of date parsing; with
        ``returns="net"`` also ``amount_netted_from_kept_rows`` (taken off partly returned
        lines) and ``returned_unmatched`` (returned quantity or amount that matched no purchase).

    Examples
    --------
    >>> log = pd.DataFrame({"customer": ["a", "a", "a", None], "date": ["2024-01-02"] * 4,
    ...                     "amount": [10.0, 10.0, -4.0, 5.0]})
    >>> cleaned, report = clean(log, "customer", "date", "amount")
    >>> report.set_index("reason")["rows_removed"].loc[lambda s: s > 0].to_dict()
    {'missing_customer_id': 1, 'duplicate_line': 1, 'negative_amount': 1}
    >>> len(cleaned), report.attrs["rows_in"] - report.attrs["rows_out"]
    (1, 3)
    """
    columns = LogColumns.from_args(customer_col, date_col, amount_col, date_format=date_format, timezone=timezone)
    customer_col, date_col, amount_col = columns.customer, columns.date, columns.amount
    date_format, timezone = columns.date_format, columns.timezone
    computed_amount = (
        amount_col is not None
        and isinstance(log, pd.DataFrame)
        and amount_col not in log.columns
        and quantity_col is not None
        and price_col is not None
    )
    needed = [customer_col, date_col, quantity_col, price_col, invoice_col, stock_code_col]
    if not computed_amount:
        needed.append(amount_col)
    _check_frame(log, needed)
    if after_observation_end not in ("error", "drop"):
        raise ValueError(f"after_observation_end={after_observation_end!r}: use 'error' or 'drop'")
    if returns not in ("remove", "net"):
        raise ValueError(f"returns={returns!r}: use 'remove' or 'net'")
    active = _active_rules(rules, observation_end, amount=amount_col is not None, invoice_col=invoice_col,
                           quantity_col=quantity_col, stock_code_col=stock_code_col)
    lines, notes = _parse_lines(log, customer_col, date_col, amount_col, quantity_col, price_col, computed_amount,
                                date_format, timezone)
    lines.invoice_col, lines.stock_code_col = invoice_col, stock_code_col
    lines.cancellation_prefix, lines.non_product_codes = cancellation_prefix, non_product_codes
    if observation_end is not None:
        lines.observation_end = _to_day_timestamp(observation_end, "observation_end", timezone)
    masks = {rule: mask for rule, find in RULE_FUNCTIONS.items() if (mask := find(lines)) is not None}
    if after_observation_end == "error" and "after_observation_end" in masks and masks["after_observation_end"].any():
        count = int(masks["after_observation_end"].sum())
        raise TransactionLogError(
            f"column {date_col!r} has {_rows(count)} after the observation end {lines.observation_end.date()}; "
            "pass after_observation_end='drop' to remove them",
            column=date_col, rows=count, total=len(log), parameter="observation_end",
        )
    removed_by = _first_reason(log, active, masks)
    reasons = list(active)
    netted = {"amount": lines.amount, "quantity": lines.quantity}
    netting: dict[str, float] = {}
    if returns == "net":
        netted, netting = _net_returns(
            log, removed_by, active, lines.dates, lines.quantity, lines.amount, customer_col, stock_code_col
        )
        reasons.append("fully_returned")
    report = _cleaning_report(reasons, removed_by, lines.amount)
    cleaned = _kept_lines(log, removed_by, lines, netted, date_col, amount_col,
                          quantity_col if returns == "net" else None)
    report.attrs.update(netting)
    report.attrs["rows_in"] = len(log)
    report.attrs["rows_out"] = len(cleaned)
    report.attrs["notes"] = notes
    return cleaned, report


def _active_rules(rules: Iterable[str] | None, observation_end: DateLike | None, **given: bool | str | None) -> list[str]:
    """The rules :func:`clean` runs, in the order of :data:`CLEANING_RULES`: those asked for (default: all
    that the given columns allow); a rule whose column is missing, or an unknown rule, raises."""
    given = {name: value not in (None, False) for name, value in given.items()}
    if rules is None:
        active = [r for r in CLEANING_RULES if given.get(_RULE_COLUMNS.get(r, ""), True)]
        if observation_end is None:
            active.remove("after_observation_end")
        return active
    active = list(rules)
    unknown = [r for r in active if r not in CLEANING_RULES]
    if unknown:
        raise ValueError(f"unknown cleaning rule(s) {unknown}; the rules are {list(CLEANING_RULES)}")
    lacking = [r for r in active if not given.get(_RULE_COLUMNS.get(r, ""), True)]
    if lacking:
        raise ValueError(f"rule(s) {lacking} need a column that was not given ({[_RULE_COLUMNS[r] for r in lacking]})")
    if "after_observation_end" in active and observation_end is None:
        raise ValueError("rule 'after_observation_end' needs observation_end")
    return [r for r in CLEANING_RULES if r in active]


@dataclass
class _Lines:
    """A raw log's lines as the cleaning rules see them: parsed dates, quantities and amounts."""

    log: pd.DataFrame
    customer_col: str
    dates: pd.Series
    quantity: np.ndarray | None
    amount: np.ndarray | None
    invoice_col: str | None = None
    stock_code_col: str | None = None
    cancellation_prefix: str = "C"
    non_product_codes: Iterable[str] = ()
    observation_end: pd.Timestamp | None = None


def _parse_lines(log: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None,
                 quantity_col: str | None, price_col: str | None, computed_amount: bool,
                 date_format: str | None, timezone: str | None) -> tuple[_Lines, list[str]]:
    """Dates, quantities and amounts of every line (unparsable ones missing) and the parsing notes."""
    dates, notes = _parse_dates(log[date_col], date_col, date_format, timezone)
    quantity = _parse_numbers(log[quantity_col], quantity_col) if quantity_col is not None else None
    if computed_amount:
        amount = quantity * _parse_numbers(log[price_col], price_col)
        notes.append(f"{amount_col!r} computed as {quantity_col!r} x {price_col!r}")
    elif amount_col is not None:
        amount = _parse_numbers(log[amount_col], amount_col)
    else:
        amount = None
    return _Lines(log, customer_col, dates, quantity, amount), notes


# One function per cleaning rule: the lines the rule removes (a boolean mask), None when the log lacks
# the rule's column. ``duplicate_line`` depends on what the earlier rules removed: see _first_reason.

def _missing_customer_id(lines: _Lines) -> np.ndarray:
    return _factorize_customers(lines.log[lines.customer_col])[2]


def _missing_date(lines: _Lines) -> np.ndarray:
    return lines.dates.isna().to_numpy()


def _missing_amount(lines: _Lines) -> np.ndarray | None:
    return None if lines.amount is None else np.isnan(lines.amount)


def _after_observation_end(lines: _Lines) -> np.ndarray | None:
    if lines.observation_end is None:
        return None
    limit = (lines.observation_end.normalize() + pd.Timedelta(days=1)).to_datetime64()
    return (lines.dates.to_numpy(dtype="datetime64[ns]") >= limit) & ~lines.dates.isna().to_numpy()


def _cancellation(lines: _Lines) -> np.ndarray | None:
    if lines.invoice_col is None:
        return None
    invoice = lines.log[lines.invoice_col].astype("string").str.strip().str.upper()
    return invoice.str.startswith(lines.cancellation_prefix.upper()).fillna(False).to_numpy(dtype=bool)


def _negative_quantity(lines: _Lines) -> np.ndarray | None:
    return None if lines.quantity is None else lines.quantity < 0


def _negative_amount(lines: _Lines) -> np.ndarray | None:
    if lines.amount is None:
        return None
    with np.errstate(invalid="ignore"):
        return lines.amount < 0


def _zero_amount(lines: _Lines) -> np.ndarray | None:
    if lines.amount is None:
        return None
    with np.errstate(invalid="ignore"):
        return lines.amount == 0


def _non_product_line(lines: _Lines) -> np.ndarray | None:
    if lines.stock_code_col is None:
        return None
    codes = {str(c).strip().upper() for c in lines.non_product_codes}
    stock = lines.log[lines.stock_code_col].astype("string").str.strip().str.upper()
    return stock.isin(codes).fillna(False).to_numpy(dtype=bool)


#: The function of each cleaning rule that looks at a line alone (all of :data:`CLEANING_RULES`
#: except ``duplicate_line``, which compares lines that the earlier rules kept).
RULE_FUNCTIONS = {
    "missing_customer_id": _missing_customer_id,
    "missing_date": _missing_date,
    "missing_amount": _missing_amount,
    "after_observation_end": _after_observation_end,
    "cancellation": _cancellation,
    "negative_quantity": _negative_quantity,
    "negative_amount": _negative_amount,
    "zero_amount": _zero_amount,
    "non_product_line": _non_product_line,
}


def _first_reason(log: pd.DataFrame, active: list[str], masks: dict[str, np.ndarray]) -> np.ndarray:
    """For each line, the position in ``active`` of the first rule that removes it (-1: kept).
    ``duplicate_line`` removes a repeat of a line that the rules before it kept."""
    removed_by = np.full(len(log), -1, dtype=np.int64)
    for position, rule in enumerate(active):
        if rule == "duplicate_line":
            alive = removed_by < 0
            mask = np.zeros(len(log), dtype=bool)
            mask[np.flatnonzero(alive)] = log[alive].duplicated(keep="first").to_numpy()
        else:
            mask = masks[rule]
        removed_by[mask & (removed_by < 0)] = position
    return removed_by


def _cleaning_report(reasons: list[str], removed_by: np.ndarray, amount: np.ndarray | None) -> pd.DataFrame:
    """Rows (and amount) removed per reason."""
    rows_removed = np.bincount(removed_by[removed_by >= 0], minlength=len(reasons))
    report = pd.DataFrame(
        {
            "reason": reasons,
            "rows_removed": rows_removed.astype(np.int64),
            "share_of_rows": rows_removed / len(removed_by),
        }
    )
    if amount is not None:
        removed_amount = np.where(np.isnan(amount), 0.0, amount)
        report["amount_removed"] = np.bincount(
            removed_by[removed_by >= 0], weights=removed_amount[removed_by >= 0], minlength=len(reasons)
        )
    return report


def _kept_lines(log: pd.DataFrame, removed_by: np.ndarray, lines: _Lines, netted: dict[str, np.ndarray | None],
                date_col: str, amount_col: str | None, netted_quantity_col: str | None) -> pd.DataFrame:
    """The kept lines with parsed dates, amounts as float and (after netting returns) the netted quantity."""
    keep = removed_by < 0
    cleaned = log[keep].copy()
    cleaned[date_col] = lines.dates[keep]
    if lines.amount is not None:
        cleaned[amount_col] = netted["amount"][keep]
    if netted_quantity_col is not None:
        new_quantity = netted["quantity"][keep]
        original = log[netted_quantity_col].dtype
        if pd.api.types.is_integer_dtype(original) and np.all(new_quantity == np.round(new_quantity)):
            new_quantity = new_quantity.astype(original)
        cleaned[netted_quantity_col] = new_quantity
    return cleaned


def _net_returns(
    log: pd.DataFrame,
    removed_by: np.ndarray,
    active: list[str],
    dates: pd.Series,
    quantity: np.ndarray | None,
    amount: np.ndarray | None,
    customer_col: str,
    stock_code_col: str | None,
) -> tuple[dict[str, np.ndarray | None], dict[str, float]]:
    """Take returned quantities off the purchases they undo (see :func:`clean`, ``returns="net"``).

    Marks purchase lines returned in full in ``removed_by`` (reason index ``len(active)``)
    and returns the netted quantity and amount arrays plus the netting totals.
    """
    if quantity is not None:
        return_rules, value = ("cancellation", "negative_quantity"), quantity
    elif amount is not None:
        return_rules, value = ("cancellation", "negative_amount"), amount
    else:
        raise ValueError("returns='net' needs a quantity or an amount column")
    codes = [active.index(rule) for rule in return_rules if rule in active]
    if not codes:
        raise ValueError(f"returns='net' needs one of the rules {list(return_rules)} to find the returns")
    is_return = np.isin(removed_by, codes) & ~np.isnan(value)
    is_purchase = (removed_by < 0) & (value > 0)
    involved = is_return | is_purchase
    key_columns = [customer_col] + ([stock_code_col] if stock_code_col is not None else [])
    group = np.full(len(log), -1, dtype=np.int64)
    group[involved] = log.loc[involved, key_columns].groupby(key_columns, sort=False, dropna=False).ngroup().to_numpy()
    n_groups = int(group.max()) + 1 if involved.any() else 0
    returned = np.bincount(group[is_return], weights=np.abs(value[is_return]), minlength=n_groups)

    rows = np.flatnonzero(is_purchase & (group >= 0))
    rows = rows[returned[group[rows]] > 0]
    when = dates.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    rows = rows[np.lexsort((-when[rows], group[rows]))]  # by group, latest purchase first
    bought = value[rows]
    cumulative = pd.Series(bought).groupby(group[rows]).cumsum().to_numpy()
    taken = np.clip(returned[group[rows]] - (cumulative - bought), 0.0, bought)
    left = bought - taken
    in_full = np.isclose(left, 0.0, atol=1e-9)

    new_quantity = None if quantity is None else quantity.copy()
    new_amount = None if amount is None else amount.copy()
    share_left = np.where(in_full, 0.0, left / bought)
    if new_quantity is not None:
        new_quantity[rows] = np.where(in_full, 0.0, left)  # the value netted is the quantity
    if new_amount is not None:
        new_amount[rows] = np.where(in_full, 0.0, left) if quantity is None else amount[rows] * share_left
    removed_by[rows[in_full]] = len(active)
    partly = rows[~in_full]
    netting = {
        "amount_netted_from_kept_rows": float(0.0 if amount is None else (amount[partly] - new_amount[partly]).sum()),
        "returned_unmatched": float(returned.sum() - taken.sum()),
    }
    return {"quantity": new_quantity, "amount": new_amount}, netting


lang.register(
    {
        "rows_in_log": {"en": "Rows in the raw log", "zh": "原始记录行数"},
        "rows_kept": {"en": "Rows kept", "zh": "保留行数"},
    }
)


def cleaning_table(report: pd.DataFrame) -> pd.DataFrame:
    """The cleaning report of :func:`clean` as an account: rows in, removed per reason, total, rows kept.

    Parameters
    ----------
    report
        The report returned by :func:`clean` (its ``attrs`` hold ``rows_in`` and ``rows_out``).

    Returns
    -------
    pandas.DataFrame
        Columns ``reason``, ``rows``, ``share_of_rows`` and, when the report has amounts,
        ``amount``. The first row is ``rows_in_log``, then one row per rule (rows removed),
        ``total_removed`` and ``rows_kept``; ``rows_in_log - total_removed == rows_kept``. Keys
        whatever the language: show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> log = pd.DataFrame({"customer": ["a", "a", None], "date": ["2024-01-02"] * 3, "amount": [10.0, 10.0, 5.0]})
    >>> table = cleaning_table(clean(log, "customer", "date", "amount")[1])
    >>> rows = table.set_index("reason")["rows"]
    >>> rows.loc[["rows_in_log", "missing_customer_id", "total_removed", "rows_kept"]].tolist()
    [3, 1, 2, 1]
    """
    for key in ("rows_in", "rows_out"):
        if key not in report.attrs:
            raise ValueError(f"report.attrs has no {key!r}: pass the report returned by crmlab.transactions.clean")
    rows_in, rows_out = int(report.attrs["rows_in"]), int(report.attrs["rows_out"])
    removed = int(report["rows_removed"].sum())
    if rows_in - removed != rows_out:
        raise ValueError(f"the report does not add up: {rows_in:,} rows in - {removed:,} removed != {rows_out:,} kept")
    with_amount = "amount_removed" in report.columns
    table = pd.DataFrame({"reason": report["reason"].astype(str), "rows": report["rows_removed"].astype(np.int64)})
    if with_amount:
        table["amount"] = report["amount_removed"].astype(float)
    head = {"reason": "rows_in_log", "rows": rows_in}
    total = {"reason": "total_removed", "rows": removed}
    kept = {"reason": "rows_kept", "rows": rows_out}
    if with_amount:
        head["amount"] = np.nan
        total["amount"] = float(report["amount_removed"].sum())
        kept["amount"] = np.nan
    table = pd.concat([pd.DataFrame([head]), table, pd.DataFrame([total, kept])], ignore_index=True)
    table.insert(2, "share_of_rows", table["rows"] / rows_in if rows_in else 0.0)
    return lang.with_display(table, value_columns=["reason"])


# ---------------------------------------------------------------------------
# display: what a lecture prints for the reader (the error messages above stay English)

lang.register(
    {
        "transactions_log_passes": {"en": "the log passes validation as it is", "zh": "交易记录原样通过检查"},
        "transactions_error_missing": {
            "en": "TransactionLogError: {message}",
            "zh": "交易记录错误（TransactionLogError）：列 '{column}' 中有 {rows:,} 行（共 {total:,} 行）{what}；"
            "请用 crmlab.transactions.clean 删除这些行（规则：{rule}）",
        },
        "transactions_error_other": {
            "en": "TransactionLogError: {message}",
            "zh": "交易记录错误（TransactionLogError），该记录无法直接使用：{message}",
        },
        "transactions_no_customer_id": {"en": "no customer id", "zh": "缺少客户编号"},
        "transactions_no_date": {"en": "no date", "zh": "缺少日期"},
        "transactions_no_amount": {"en": "no amount", "zh": "缺少金额"},
        "transactions_cleaning_summary": {
            "en": "{rows_in:,} rows in, {rows_out:,} kept; most rows removed: {reason} ({removed:,})",
            "zh": "原始记录 {rows_in:,} 行，保留 {rows_out:,} 行；删除最多的原因：{reason}（{removed:,} 行）",
        },
    }
)

_label, _terms = lang.label, lang.terms  # the functions below take a ``lang`` parameter

_MISSING_MESSAGE = re.compile(
    r"^column (?P<column>'[^']*'|\"[^\"]*\") has no (?P<what>customer id|date|amount) in "
    r"(?P<rows>[\d,]+) rows? of (?P<total>[\d,]+); remove them with crmlab\.transactions\.clean "
    r"\(rule '(?P<rule>\w+)'\)$"
)


def explain_error(problem: Exception, lang: str = "en") -> str:
    """A caught :class:`TransactionLogError` as a sentence for the reader, in ``lang``.

    In English this is ``"TransactionLogError: "`` and the message itself. In Chinese the
    missing-value messages (customer id, date, amount) are explained in Chinese with the same
    numbers and the cleaning rule; other messages keep their English text after a Chinese lead.

    Examples
    --------
    >>> log = pd.DataFrame({"customer": ["a", None], "date": ["2024-01-02"] * 2, "amount": [1.0, 2.0]})
    >>> try:
    ...     validate(log, "customer", "date", "amount")
    ... except TransactionLogError as problem:
    ...     print(explain_error(problem, "en"))
    ...     print(explain_error(problem, "zh"))
    TransactionLogError: column 'customer' has no customer id in 1 row of 2; remove them with crmlab.transactions.clean (rule 'missing_customer_id')
    交易记录错误（TransactionLogError）：列 'customer' 中有 1 行（共 2 行）缺少客户编号；请用 crmlab.transactions.clean 删除这些行（规则：缺少客户编号）
    """
    message = str(problem)
    found = _MISSING_MESSAGE.match(message)
    if lang == "zh" and found is not None:
        what = "transactions_no_" + found["what"].replace(" ", "_")
        return _label("transactions_error_missing", lang).format(
            message=message, column=found["column"][1:-1], rows=int(found["rows"].replace(",", "")),
            total=int(found["total"].replace(",", "")), what=_label(what, lang),
            rule=_label(found["rule"], lang) if found["rule"] in _terms() else found["rule"])
    return _label("transactions_error_other", lang).format(message=message)


def describe_cleaning(report: pd.DataFrame, lang: str = "en") -> str:
    """One sentence on a :func:`clean` report: rows in, rows kept and the rule that removed most rows.

    Examples
    --------
    >>> log = pd.DataFrame({"customer": ["a", "a", None], "date": ["2024-01-02"] * 3, "amount": [10.0, 10.0, 5.0]})
    >>> report = clean(log, "customer", "date", "amount")[1]
    >>> describe_cleaning(report, "en")
    '3 rows in, 1 kept; most rows removed: Missing customer id (1)'
    >>> describe_cleaning(report, "zh")
    '原始记录 3 行，保留 1 行；删除最多的原因：缺少客户编号（1 行）'
    """
    removed = dict(zip(report["reason"], report["rows_removed"].astype(int)))
    largest = max(removed, key=removed.get)
    return _label("transactions_cleaning_summary", lang).format(
        rows_in=report.attrs["rows_in"], rows_out=report.attrs["rows_out"],
        reason=_label(largest, lang), removed=removed[largest])
