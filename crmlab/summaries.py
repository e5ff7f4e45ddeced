"""Customer summaries of a transaction log: one row per customer, in pandas, DuckDB, Polars or Spark.

:func:`summarize` turns a log into the customer table that the CLV models (BG/NBD,
Pareto/NBD, Gamma-Gamma) and the RFM segmentation read (:mod:`crmlab.rfm` re-exports it).
It follows the conventions of the ``lifetimes`` package (``summary_data_from_transaction_data``
and ``calibration_and_holdout_data``) so results can be compared one to one:

* purchases on the same calendar day merge into one purchase period (times of
  day are ignored, as lifetimes does with ``freq="D"``);
* ``frequency`` is the number of *repeat* purchase days: distinct days minus one;
* ``recency`` is the time from the first to the last purchase day, ``T`` the time
  from the first purchase day to the observation end, both in ``time_unit``
  (weeks are days / 7, like lifetimes' ``freq="D", freq_multiplier=7``);
* ``monetary_value`` is the mean spend of the repeat purchase days (the amounts of
  one day summed first); 0 for a customer without repeat purchases.

The log can be a pandas DataFrame (numpy on integer customer codes: no optional dependency), or,
with the ``scale`` extra (``pip install "crmlab[scale]"``: DuckDB, narwhals, Polars),

* a path or glob of Parquet or CSV files (scanned with DuckDB, the embedded default),
* a DuckDB relation,
* a Polars DataFrame or LazyFrame,
* a PySpark DataFrame (the SparkSession, local or a cluster, is the caller's),

and the work then runs inside that engine: the row checks, the purchase-day group-by and the
customer group-by are written once with `narwhals <https://narwhals-dev.github.io>`_
expressions (imported only for those logs); only reading dates and amounts that arrive as text,
which narwhals cannot do leniently, is engine code (a few lines of SQL or engine expressions
each). The columns and the errors (one :class:`crmlab.validation.ValidationError` family naming
the column or parameter and the count of bad rows) are the same in every engine.

What comes back: a pandas customer table (index: customer id, sorted) for pandas, paths,
DuckDB and Polars, or the engine's own frame with ``output="native"``; for Spark a Spark
DataFrame (a billion-line log's customer table is itself big).

The cohort and lifecycle readers of :mod:`crmlab.lifecycle` (``cohort_table``, ``lifecycle_features``,
``assign_stages``, ``stage_counts_over_time``, ``stage_stability``) take the same logs and run here
too: :func:`cohort_counts` counts customers per (acquisition month, age) by GROUP BY,
:func:`purchase_days` and :func:`features_at` compute the stage features per customer (per-customer
results come back as pandas, or as a Spark DataFrame for Spark; per-cohort and per-stage tables as pandas).

:func:`pattern_table` counts the customers of each distinct (frequency, recency, T)
pattern by GROUP BY in the engine: the BTYD models fit on it with
``fit(patterns, weights="count")`` exactly as on the full customer table. :func:`score`
computes predictions once per distinct pattern and joins them back in the engine.

Text dates in the engines must be ISO 8601 (``2024-01-31``, ``2024-01-31 10:00:00``) or
follow ``date_format``; pandas also infers other formats. Sums of amounts may differ from
the pandas path in the last bit (engines add in another order); counts and times are equal.

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame({"customer": ["a", "a", "a", "b"],
...                     "date": ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"],
...                     "amount": [10.0, 5.0, 20.0, 7.0]})
>>> summary = summarize(log, "customer", "date", "amount", observation_end="2024-01-29")
>>> summary[["frequency", "recency", "T", "monetary_value"]]
          frequency  recency    T  monetary_value
customer                                         
a               1.0      2.0  4.0            20.0
b               0.0      0.0  3.0             0.0
>>> import polars as pl
>>> summarize(pl.from_pandas(log), "customer", "date", "amount", observation_end="2024-01-29")[["frequency", "T"]]
          frequency    T
customer                
a               1.0  4.0
b               0.0  3.0
"""
from __future__ import annotations

import glob as _glob
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from crmlab.lang import register
from crmlab.transactions import DateLike, TransactionLogError, _examples, _rows, validate_arrays
from crmlab.validation import (LogColumns, MissingColumnError, MissingFileError, ValidationError, WrongTypeError, as_date,
                               check_date_format)

if TYPE_CHECKING:  # pragma: no cover
    import narwhals as nw

__all__ = [
    "TIME_UNIT_DAYS",
    "summarize",
    "calibration_and_holdout",
    "pattern_table",
    "score",
    "duckdb_connection",
    "engine_of",
    "cohort_counts",
    "purchase_days",
    "features_at",
]

#: Length of each supported ``time_unit`` in days.
TIME_UNIT_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0}
Engine = Literal["pandas", "duckdb", "polars", "spark"]
_AMOUNT = "__crm_amount"
_DN = "__crm_dn"

register(
    {
        "frequency": {"en": "Frequency (repeat purchases)", "zh": "频次（重复购买次数）"},
        "recency": {"en": "Recency (time of last purchase)", "zh": "最近购买时点"},
        "T": {"en": "Customer age T", "zh": "客户年龄 T"},
        "monetary_value": {"en": "Mean repeat spend", "zh": "平均重复消费额"},
        "recency_days": {"en": "Days since last purchase", "zh": "距上次购买天数"},
        "total_spend": {"en": "Total spend", "zh": "消费总额"},
        "frequency_holdout": {"en": "Purchases in holdout", "zh": "验证期购买次数"},
        "monetary_value_holdout": {"en": "Mean spend in holdout", "zh": "验证期平均消费额"},
        "total_spend_holdout": {"en": "Total spend in holdout", "zh": "验证期消费总额"},
        "duration_holdout": {"en": "Length of holdout", "zh": "验证期长度"},
    }
)


def _narwhals() -> Any:
    """narwhals, imported on first use: only logs that are not pandas frames need it (the ``scale`` extra)."""
    try:
        import narwhals
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("summarising a path, DuckDB, Polars or Spark log needs narwhals: "
                          'pip install "crmlab[scale]"') from None
    return narwhals


def _check_options(time_unit: object, freq_multiplier: object, after_observation_end: object,
                   output: object = None, date_format: object = None) -> None:
    """The options every engine shares, checked once (a :class:`ValidationError` naming the parameter)."""
    check_date_format(date_format)
    if time_unit not in TIME_UNIT_DAYS:
        raise ValidationError(f"time_unit={time_unit!r} is not supported: use one of {sorted(TIME_UNIT_DAYS)}",
                              parameter="time_unit")
    if isinstance(freq_multiplier, bool) or not isinstance(freq_multiplier, (int, float)) or not freq_multiplier > 0:
        raise ValidationError(f"freq_multiplier must be positive, got {freq_multiplier!r}", parameter="freq_multiplier")
    if after_observation_end not in ("error", "drop"):
        raise ValidationError(f"after_observation_end={after_observation_end!r}: use 'error' or 'drop'",
                              parameter="after_observation_end")
    if output not in (None, "pandas", "native"):
        raise ValidationError(f"output={output!r}: use 'pandas' or 'native'", parameter="output")


# ---------------------------------------------------------------------------------------------
# the pandas path (numpy on integer customer codes; no optional dependency)
# ---------------------------------------------------------------------------------------------

def _day_numbers(dates: np.ndarray) -> np.ndarray:
    """datetime64 values to whole days since 1970-01-01 (int64), times of day dropped."""
    return dates.astype("datetime64[D]").astype(np.int64)


def _day_stats(codes: np.ndarray, days: np.ndarray, amounts: np.ndarray | None, n_customers: int) -> dict:
    """Per customer: distinct purchase days, first and last day, spend of first day and of repeat days.

    Works on integer customer codes with one sort, no per-customer Python code.
    """
    if len(codes) == 0:
        zeros = np.zeros(n_customers, dtype=np.int64)
        return {"days": zeros, "first": zeros, "last": zeros, "total": np.zeros(n_customers),
                "repeat_spend": np.zeros(n_customers)}
    day_min = int(days.min())
    span = int(days.max()) - day_min + 1
    key = codes.astype(np.int64) * span + (days - day_min)
    order = np.argsort(key)  # equal keys are summed, so their order does not matter
    key_sorted = key[order]
    starts_mask = np.empty(len(key_sorted), dtype=bool)
    starts_mask[0] = True
    np.not_equal(key_sorted[1:], key_sorted[:-1], out=starts_mask[1:])
    starts = np.flatnonzero(starts_mask)
    period_key = key_sorted[starts]
    period_code = period_key // span
    period_day = period_key % span + day_min
    n_days = np.bincount(period_code, minlength=n_customers)
    # periods are sorted by customer then day: the first period of a customer starts its block
    first_of_customer = np.empty(len(period_code), dtype=bool)
    first_of_customer[0] = True
    np.not_equal(period_code[1:], period_code[:-1], out=first_of_customer[1:])
    last_of_customer = np.empty(len(period_code), dtype=bool)
    last_of_customer[-1] = True
    last_of_customer[:-1] = first_of_customer[1:]
    first_day = np.zeros(n_customers, dtype=np.int64)
    last_day = np.zeros(n_customers, dtype=np.int64)
    first_day[period_code[first_of_customer]] = period_day[first_of_customer]
    last_day[period_code[last_of_customer]] = period_day[last_of_customer]
    result = {"days": n_days, "first": first_day, "last": last_day}
    if amounts is not None:
        period_amount = np.add.reduceat(amounts[order], starts)
        result["total"] = np.bincount(period_code, weights=period_amount, minlength=n_customers)
        repeat = ~first_of_customer
        result["repeat_spend"] = np.bincount(period_code[repeat], weights=period_amount[repeat], minlength=n_customers)
    return result


def _summarize_pandas(log: pd.DataFrame, columns: LogColumns, observation_end: DateLike | None, time_unit: str,
                      calibration_end: DateLike | None, freq_multiplier: float, after_observation_end: str) -> pd.DataFrame:
    """The pandas path of :func:`summarize` (numpy on integer customer codes; options checked by the caller)."""
    arrays = validate_arrays(log, columns, observation_end=observation_end, after_observation_end=after_observation_end)
    customer_col, date_col, timezone = columns.customer, columns.date, columns.timezone
    days = _day_numbers(arrays.date)
    last_day_in_log = int(days.max())
    if observation_end is None:
        end_day = last_day_in_log
    else:
        end_day = _day_numbers(np.array([as_date(observation_end, "observation_end", timezone=timezone)
                                         .to_datetime64()]))[0]
    unit_days = TIME_UNIT_DAYS[time_unit] * freq_multiplier

    codes, customers = arrays.customer_codes, arrays.customer_ids
    n_customers = len(customers)
    amounts = arrays.amount

    if calibration_end is None:
        table = _summary_columns(codes, days, amounts, n_customers, end_day, unit_days, suffix="")
        keep = np.ones(n_customers, dtype=bool)
    else:
        cal_day = _day_numbers(np.array([as_date(calibration_end, "calibration_end", timezone=timezone)
                                         .to_datetime64()]))[0]
        _check_calibration_end(cal_day, end_day)
        in_cal = days <= cal_day
        if not in_cal.any():
            raise _no_purchase_in_calibration(date_col, cal_day, int(days.min()), len(days))
        table = _summary_columns(
            codes[in_cal], days[in_cal], None if amounts is None else amounts[in_cal],
            n_customers, cal_day, unit_days, suffix="_cal",
        )
        keep = table.pop("_orders_raw") > 0
        holdout = ~in_cal
        hold = _day_stats(codes[holdout], days[holdout], None if amounts is None else amounts[holdout], n_customers)
        table["frequency_holdout"] = hold["days"].astype(float)
        if amounts is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                table["monetary_value_holdout"] = np.where(hold["days"] > 0, hold["total"] / np.maximum(hold["days"], 1), 0.0)
            table["total_spend_holdout"] = hold["total"]
        table["duration_holdout"] = np.full(n_customers, (end_day - cal_day) / unit_days)
    if calibration_end is None:
        table.pop("_orders_raw")

    index = pd.Index(customers, name=customer_col)
    result = pd.DataFrame(table, index=index)
    if calibration_end is not None:
        excluded = int((~keep).sum())
        result = result[keep]
        result.attrs["calibration_end"] = pd.Timestamp(_day_text(cal_day))
        result.attrs["customers_first_purchase_after_calibration"] = excluded
    result.attrs["observation_end"] = pd.Timestamp(_day_text(end_day))
    result.attrs["time_unit"] = time_unit
    result.attrs["validation_notes"] = list(arrays.notes)
    result.attrs["rows_after_observation_end"] = arrays.rows_after_observation_end
    return result


def _summary_columns(
    codes: np.ndarray,
    days: np.ndarray,
    amounts: np.ndarray | None,
    n_customers: int,
    end_day: int,
    unit_days: float,
    suffix: str,
) -> dict[str, np.ndarray]:
    stats = _day_stats(codes, days, amounts, n_customers)
    frequency = np.maximum(stats["days"] - 1, 0)
    columns: dict[str, np.ndarray] = {
        "frequency" + suffix: frequency.astype(float),
        "recency" + suffix: (stats["last"] - stats["first"]) / unit_days,
        "T" + suffix: (end_day - stats["first"]) / unit_days,
    }
    if amounts is not None:
        columns["monetary_value" + suffix] = np.where(frequency > 0, stats["repeat_spend"] / np.maximum(frequency, 1), 0.0)
    columns["recency_days" + suffix] = end_day - stats["last"]
    columns["orders" + suffix] = stats["days"]
    if amounts is not None:
        columns["total_spend" + suffix] = stats["total"]
    columns["_orders_raw"] = stats["days"]
    return columns


def _day_text(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


def _check_calibration_end(cal_day: int, end_day: int) -> None:
    if cal_day >= end_day:
        raise ValidationError(f"calibration_end {_day_text(cal_day)} must be before the observation end "
                              f"{_day_text(end_day)}", parameter="calibration_end")


def _no_purchase_in_calibration(date_col: str, cal_day: int, first_day: int, rows: int) -> TransactionLogError:
    return TransactionLogError(
        f"column {date_col!r}: no purchase on or before calibration_end {_day_text(cal_day)} "
        f"(first purchase {_day_text(first_day)}; all {_rows(rows)} are later)",
        column=date_col, rows=rows, total=rows, parameter="calibration_end",
    )


# ---------------------------------------------------------------------------------------------
# engines
# ---------------------------------------------------------------------------------------------

def duckdb_connection(memory_limit: str | None = None, threads: int | None = None,
                      temp_directory: str | None = None):
    """A DuckDB connection set up for big logs: a memory limit, spilling to disk, no insertion order.

    Parameters
    ----------
    memory_limit
        DuckDB's ``memory_limit`` (e.g. ``"2GB"``); default DuckDB's own (80% of RAM).
    threads
        Worker threads; default DuckDB's own (all cores).
    temp_directory
        Where DuckDB spills when the limit is reached.

    Examples
    --------
    >>> con = duckdb_connection(memory_limit="1GB", threads=1)
    >>> con.sql("select current_setting('threads') as t").fetchall()[0][0]
    1
    """
    import duckdb

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    if temp_directory is not None:
        con.execute(f"SET temp_directory = '{temp_directory}'")
    return con


def _is_path(log: object) -> bool:
    return isinstance(log, (str, os.PathLike)) or (
        isinstance(log, (list, tuple)) and len(log) > 0 and all(isinstance(p, (str, os.PathLike)) for p in log))


def _scan_paths(log: Any, connection=None, text_columns: Sequence[str] = ()):
    """A DuckDB relation over Parquet or CSV files (a path, a glob or a list of them).

    CSV columns in ``text_columns`` (the customer id) are read as text, so ids such as ``0007``
    keep their leading zeros.
    """
    paths = [os.fspath(p) for p in (log if isinstance(log, (list, tuple)) else [log])]
    found: list[str] = []
    for path in paths:
        matches = sorted(_glob.glob(path)) if any(ch in path for ch in "*?[") else ([path] if os.path.exists(path) else [])
        if not matches:
            raise MissingFileError(f"no file matches {path!r}", parameter="log")
        found.extend(matches)
    kinds = {("parquet" if p.lower().endswith((".parquet", ".pq")) else "csv") for p in found}
    if len(kinds) > 1:
        raise ValidationError(f"give Parquet or CSV files, not both: {found[:4]}", parameter="log")
    con = connection if connection is not None else duckdb_connection()
    if kinds == {"parquet"}:
        return con.read_parquet(found)
    header = con.read_csv(found[0], header=True, all_varchar=True).columns
    types = {c: "VARCHAR" for c in text_columns if c in header}
    return con.read_csv(found, header=True, **({"dtype": types} if types else {}))


def engine_of(data: object) -> Engine:
    """Name of the engine that holds ``data``: ``"pandas"``, ``"duckdb"``, ``"polars"`` or ``"spark"``.

    A pandas frame or a path needs no optional dependency; other frames are recognised with narwhals.

    Examples
    --------
    >>> engine_of(pd.DataFrame({"a": [1]})), engine_of("logs/2024-*.parquet")
    ('pandas', 'duckdb')
    """
    if isinstance(data, pd.DataFrame):
        return "pandas"
    if _is_path(data):
        return "duckdb"
    expected = ("the transaction log must be a pandas DataFrame, a path or glob of Parquet/CSV files, a DuckDB "
                f"relation, a Polars DataFrame/LazyFrame or a PySpark DataFrame, got {type(data).__name__}")
    try:
        nw = _narwhals()
    except ImportError as error:
        raise WrongTypeError(f"{expected} ({error})") from None
    try:
        frame = nw.from_native(data)
    except TypeError:
        raise WrongTypeError(expected) from None
    impl = frame.implementation
    if impl.is_duckdb():
        return "duckdb"
    if impl.is_polars():
        return "polars"
    if impl.is_pyspark() or impl.is_pyspark_connect() or impl.is_sqlframe():
        return "spark"
    if impl.is_pandas():
        return "pandas"
    raise WrongTypeError(f"crmlab cannot summarise a {impl} frame; convert it to pandas, Polars or DuckDB")


def _not_an_engine(engine: str) -> WrongTypeError:
    """The error of an engine step given a log no engine step takes (a pandas frame: use the pandas path)."""
    return WrongTypeError(f"this step runs in DuckDB, Polars or Spark, not on a {engine} log; "
                          "crmlab.summaries.summarize and crmlab.lifecycle take a pandas log directly", parameter="log")


def _lazy(native: Any, engine: Engine) -> nw.LazyFrame:
    nw = _narwhals()
    frame = nw.from_native(native)
    if engine == "polars" and isinstance(frame, nw.DataFrame):
        frame = frame.lazy()
    return frame


def _collect_rows(frame: nw.LazyFrame) -> list[dict]:
    """A small lazy result as Python rows."""
    return frame.collect().rows(named=True)


# ---------------------------------------------------------------------------------------------
# engine code: dates and amounts that need lenient parsing
# ---------------------------------------------------------------------------------------------

_STRFTIME_TO_JAVA = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss", "%y": "yy",
                     "%b": "MMM", "%B": "MMMM", "%f": "SSSSSS", "%p": "a", "%I": "hh", "%%": "%"}


def _java_pattern(date_format: str) -> str:
    """A strftime format as a Spark (Java) date pattern: ``'%d/%m/%Y'`` -> ``'dd/MM/yyyy'``."""
    out, i = [], 0
    while i < len(date_format):
        token = date_format[i:i + 2]
        if token in _STRFTIME_TO_JAVA:
            out.append(_STRFTIME_TO_JAVA[token])
            i += 2
        elif date_format[i] == "%":
            raise ValidationError(f"date_format {date_format!r}: {token!r} has no Spark equivalent",
                                  parameter="date_format")
        else:
            ch = date_format[i]
            out.append(f"'{ch}'" if ch.isalpha() else ch)
            i += 1
    return "".join(out)


def _kind(dtype: Any) -> str:
    """'date', 'datetime', 'datetime_tz', 'integer', 'float', 'bool', 'string' or 'other' for a narwhals dtype."""
    nw = _narwhals()
    if dtype == nw.Boolean:
        return "bool"
    if dtype == nw.Date:
        return "date"
    if dtype == nw.Datetime:
        return "datetime_tz" if getattr(dtype, "time_zone", None) else "datetime"
    if dtype.is_integer():
        return "integer"
    if dtype.is_numeric():
        return "float"
    if dtype == nw.String:
        return "string"
    return "other"


def _prepare(native: Any, engine: Engine, date_col: str, amount_col: str | None, date_kind: str,
             amount_kind: str | None, date_format: str | None, timezone: str | None) -> Any:
    """Add the parsed day as days since 1970-01-01 (null where unparsable) and the amount (double, null where
    not a number): the engine's own lenient parsing, which narwhals does not offer."""
    if engine == "duckdb":
        q = lambda c: '"' + c.replace('"', '""') + '"'  # noqa: E731
        col = q(date_col)
        if date_kind == "date":
            day = f"CAST({col} AS DATE)"
        elif date_kind == "datetime":
            day = f"CAST({col} AS DATE)"
        elif date_kind == "datetime_tz":
            day = f"CAST(timezone('{timezone or 'UTC'}', {col}) AS DATE)"
        elif date_kind in ("integer", "float"):
            fmt = date_format or "%Y%m%d"
            day = (f"CASE WHEN {col} = floor({col}) AND {col} BETWEEN 10000101 AND 99991231 THEN "
                   f"CAST(try_strptime(CAST(CAST({col} AS BIGINT) AS VARCHAR), '{fmt}') AS DATE) END")
        elif date_format is not None:
            day = f"CAST(try_strptime(CAST({col} AS VARCHAR), '{date_format}') AS DATE)"
        else:
            day = f"CAST(TRY_CAST(trim(CAST({col} AS VARCHAR)) AS TIMESTAMP) AS DATE)"
        select = f"*, date_diff('day', DATE '1970-01-01', {day}) AS {_DN}"
        if amount_col is not None:
            select += f", TRY_CAST({q(amount_col)} AS DOUBLE) AS {_AMOUNT}"
        return native.query("crm_log", f"SELECT {select} FROM crm_log")
    if engine == "polars":
        import polars as pl

        col = pl.col(date_col)
        if date_kind in ("date", "datetime"):
            day = col.cast(pl.Date)
        elif date_kind == "datetime_tz":
            day = (col.dt.convert_time_zone(timezone) if timezone else col).dt.replace_time_zone(None).cast(pl.Date)
        elif date_kind in ("integer", "float"):
            ok = (col == col.floor()) & col.is_between(10000101, 99991231)
            day = pl.when(ok).then(col.cast(pl.Int64).cast(pl.String).str.strptime(
                pl.Date, date_format or "%Y%m%d", strict=False))
        elif date_format is not None:
            day = col.cast(pl.String).str.strptime(pl.Datetime, date_format, strict=False).cast(pl.Date)
        else:
            text = col.cast(pl.String).str.strip_chars()
            day = pl.coalesce(text.str.strptime(pl.Datetime, "%Y-%m-%d %H:%M:%S", strict=False),
                              text.str.strptime(pl.Datetime, "%Y-%m-%dT%H:%M:%S", strict=False),
                              text.str.strptime(pl.Datetime, "%Y-%m-%d %H:%M", strict=False),
                              text.str.strptime(pl.Date, "%Y-%m-%d", strict=False).cast(pl.Datetime)).cast(pl.Date)
        exprs = [day.cast(pl.Date).cast(pl.Int64).alias(_DN)]
        if amount_col is not None:
            exprs.append(pl.col(amount_col).cast(pl.Float64, strict=False).alias(_AMOUNT))
        return native.with_columns(exprs)
    if engine == "spark":
        from pyspark.sql import functions as F

        col = F.col(date_col)
        if date_kind in ("date", "datetime", "datetime_tz"):
            day = F.to_date(col)
        elif date_kind in ("integer", "float"):
            ok = (col == F.floor(col)) & col.between(10000101, 99991231)
            day = F.when(ok, F.to_date(F.try_to_timestamp(col.cast("bigint").cast("string"),
                                                          F.lit(_java_pattern(date_format or "%Y%m%d")))))
        elif date_format is not None:
            day = F.to_date(F.try_to_timestamp(col.cast("string"), F.lit(_java_pattern(date_format))))
        else:
            day = F.to_date(F.trim(col.cast("string")).try_cast("timestamp"))
        out = native.withColumn(_DN, F.unix_date(day).cast("bigint"))
        if amount_col is not None:
            out = out.withColumn(_AMOUNT, F.col(amount_col).try_cast("double"))
        return out
    raise _not_an_engine(engine)


def _native_frame(frame: nw.LazyFrame, engine: Engine, like: Any = None) -> Any:
    return frame.to_native()


def _from_pandas(table: pd.DataFrame, engine: Engine, like: Any) -> Any:
    """A small pandas table in the engine of ``like`` (for joins)."""
    if engine == "duckdb":
        # a relation on like's own connection: the table is found by name (DuckDB's replacement scan)
        crm_small = table  # noqa: F841
        return like.query("crm_like", "SELECT * FROM crm_small")
    if engine == "polars":
        import polars as pl

        return pl.from_pandas(table).lazy()
    if engine == "spark":
        return like.sparkSession.createDataFrame(table)
    raise _not_an_engine(engine)


# ---------------------------------------------------------------------------------------------
# checks with the pandas path's messages
# ---------------------------------------------------------------------------------------------

def _examples_of(frame: nw.LazyFrame, condition: nw.Expr, column: str, limit: int = 3) -> str:
    nw = _narwhals()
    rows = frame.filter(condition).select(nw.col(column)).head(limit).collect().to_pandas()[column]
    values = [v.item() if isinstance(v, np.generic) else v for v in rows.tolist()]
    if values and all(isinstance(v, int) for v in values) and column.startswith("__crm"):
        values = [float(v) for v in values]
    return _examples(values)


def _check_columns(names: Sequence[str], columns: Sequence[str | None]) -> None:
    wanted = [c for c in columns if c is not None]
    missing = [c for c in wanted if c not in names]
    if missing:
        raise TransactionLogError(
            f"the transaction log has no column(s) {', '.join(map(repr, missing))}; "
            f"its columns are {', '.join(map(repr, map(str, names)))}",
            column=missing[0] if len(missing) == 1 else missing,
        )
    duplicated = sorted({c for c in wanted if list(names).count(c) > 1})
    if duplicated:
        raise TransactionLogError(f"the transaction log has more than one column named {duplicated}",
                                  column=duplicated[0] if len(duplicated) == 1 else duplicated)


def _day_number(day: int | str | pd.Timestamp) -> int:
    return int(np.datetime64(pd.Timestamp(day).date(), "D").astype(np.int64))


def _validated(log: Any, engine: Engine, customer_col: str, date_col: str, amount_col: str | None,
               observation_end: DateLike | None, date_format: str | None, timezone: str | None,
               after_observation_end: str, connection=None) -> tuple[nw.LazyFrame, int, list[str], int, Any, int]:
    """Check the log in its engine; return (rows with __crm_day/__crm_amount, end day, notes, rows dropped, native,
    rows kept)."""
    nw = _narwhals()
    _check_options("W", 1, after_observation_end)
    native = _scan_paths(log, connection, [customer_col]) if _is_path(log) else log
    if engine == "polars":
        import polars as pl

        if isinstance(native, pl.DataFrame):
            native = native.lazy()
    frame = _lazy(native, engine)
    schema = frame.collect_schema()
    _check_columns(list(schema.names()), [customer_col, date_col, amount_col])
    date_kind = _kind(schema[date_col])
    amount_kind = None if amount_col is None else _kind(schema[amount_col])
    for column, kind, what in ((date_col, date_kind, "dates"), (amount_col, amount_kind, "numbers")):
        if kind == "bool":
            n = int(_collect_rows(frame.select(nw.len().alias("n")))[0]["n"])
            raise TransactionLogError(f"column {column!r} holds booleans, not {what} ({_rows(n)})",
                                      column=column, rows=n, total=n)
    notes: list[str] = []
    prepared = _prepare(native, engine, date_col, amount_col, date_kind, amount_kind, date_format, timezone)
    rows = _lazy(prepared, engine)

    cust, date, day = nw.col(customer_col), nw.col(date_col), nw.col(_DN)
    missing_id = cust.is_null()
    if _kind(schema[customer_col]) == "string":
        missing_id = missing_id | (cust.str.strip_chars() == "")
    numeric_dates = date_kind in ("integer", "float")
    not_yyyymmdd = ~date.is_null() & ((date != date.floor()) | (date < 10000101) | (date > 99991231)) \
        if numeric_dates else nw.lit(False)
    unparsed = ~date.is_null() & day.is_null()
    checks = {
        "n": nw.len(),
        **({"not_yyyymmdd": not_yyyymmdd.cast(nw.Int64).sum()} if numeric_dates else {}),
        "missing_id": missing_id.cast(nw.Int64).sum(),
        "unparsed": unparsed.cast(nw.Int64).sum(),
        "missing_date": date.is_null().cast(nw.Int64).sum(),
        "max_day": day.max(),
    }
    if amount_col is not None:
        amount, raw = nw.col(_AMOUNT), nw.col(amount_col)
        checks.update(
            not_number=(~raw.is_null() & amount.is_null()).cast(nw.Int64).sum(),
            missing_amount=(raw.is_null() | amount.is_nan()).cast(nw.Int64).sum(),
            infinite=(amount.abs() == float("inf")).cast(nw.Int64).sum(),
            negative=(amount < 0).cast(nw.Int64).sum(),
        )
    end_day = None
    if observation_end is not None:
        end = as_date(observation_end, "observation_end", timezone=timezone)
        end_day = _day_number(end)
        after = day > end_day
        checks["after"] = after.cast(nw.Int64).sum()
        checks["latest_after"] = nw.when(after).then(day).max()
    found = _collect_rows(rows.select(**checks))[0]
    total = int(found["n"])
    if total == 0:
        raise TransactionLogError("the transaction log is empty (0 rows): there is nothing to summarise",
                                  rows=0, total=0)
    if found["missing_id"]:
        raise TransactionLogError(
            f"column {customer_col!r} has no customer id in {_rows(int(found['missing_id']))} "
            f"of {total:,}; remove them with crmlab.transactions.clean (rule 'missing_customer_id')",
            column=customer_col, rows=int(found["missing_id"]), total=total,
        )
    if found.get("not_yyyymmdd"):
        raise TransactionLogError(
            f"column {date_col!r} holds numbers that are not yyyymmdd dates in {_rows(int(found['not_yyyymmdd']))} "
            f"(e.g. {_examples_of(rows, not_yyyymmdd, date_col)}); convert them to dates first",
            column=date_col, rows=int(found["not_yyyymmdd"]), total=total,
        )
    if found["unparsed"]:
        if numeric_dates:
            raise TransactionLogError(
                f"column {date_col!r} has {_rows(int(found['unparsed']))} with dates that cannot be parsed "
                f"(e.g. {_examples_of(rows, unparsed, date_col)}); pass date_format",
                column=date_col, rows=int(found["unparsed"]), total=total,
            )
        raise TransactionLogError(
            f"column {date_col!r} has {_rows(int(found['unparsed']))} whose date cannot be parsed "
            f"(e.g. {_examples_of(rows, unparsed, date_col)}); fix them or pass date_format",
            column=date_col, rows=int(found["unparsed"]), total=total,
        )
    if numeric_dates:
        notes.append(f"column {date_col!r}: numbers read as dates in the format {date_format or '%Y%m%d'!r}")
    if date_kind == "datetime_tz":
        zone = getattr(schema[date_col], "time_zone", None)
        notes.append(f"column {date_col!r}: times converted from {zone} to {timezone} and the zone dropped"
                     if timezone else f"column {date_col!r}: time zone {zone} dropped (local wall-clock times kept)")
    if found["missing_date"]:
        raise TransactionLogError(
            f"column {date_col!r} has no date in {_rows(int(found['missing_date']))} of {total:,}; "
            "remove them with crmlab.transactions.clean (rule 'missing_date')",
            column=date_col, rows=int(found["missing_date"]), total=total,
        )
    if amount_col is not None:
        if found["not_number"]:
            raise TransactionLogError(
                f"column {amount_col!r} has {_rows(int(found['not_number']))} with text that is not a number "
                f"(e.g. {_examples_of(rows, ~nw.col(amount_col).is_null() & nw.col(_AMOUNT).is_null(), amount_col)}); "
                "fix them before summarising",
                column=amount_col, rows=int(found["not_number"]), total=total,
            )
        if found["missing_amount"]:
            raise TransactionLogError(
                f"column {amount_col!r} has no amount in {_rows(int(found['missing_amount']))} of {total:,}; "
                "remove them with crmlab.transactions.clean (rule 'missing_amount')",
                column=amount_col, rows=int(found["missing_amount"]), total=total,
            )
        if found["infinite"]:
            raise TransactionLogError(f"column {amount_col!r} has infinite amounts in {_rows(int(found['infinite']))}",
                                      column=amount_col, rows=int(found["infinite"]), total=total)
        if found["negative"]:
            raise TransactionLogError(
                f"column {amount_col!r} has negative amounts (returns or cancellations?) in "
                f"{_rows(int(found['negative']))} (e.g. {_examples_of(rows, nw.col(_AMOUNT) < 0, _AMOUNT)}); "
                "remove them with crmlab.transactions.clean (rule 'negative_amount') or net them against purchases first",
                column=amount_col, rows=int(found["negative"]), total=total,
            )
    dropped = 0
    if end_day is None:
        end_day = int(found["max_day"])
    elif found["after"]:
        if after_observation_end == "error":
            raise TransactionLogError(
                f"column {date_col!r} has {_rows(int(found['after']))} after the observation end "
                f"{end.date()} (latest {_day_text(int(found['latest_after']))}); pass "
                "after_observation_end='drop' to leave them out",
                column=date_col, rows=int(found["after"]), total=total, parameter="observation_end",
            )
        dropped = int(found["after"])
        if dropped == total:
            raise TransactionLogError(f"column {date_col!r}: all {total:,} rows are after the observation end {end.date()}",
                                      column=date_col, rows=total, total=total, parameter="observation_end")
        rows = rows.filter(~after)
        notes.append(f"{_rows(dropped)} after the observation end {end.date()} left out")
    return rows, end_day, notes, dropped, prepared, total - dropped


# ---------------------------------------------------------------------------------------------
# the summary, written once in narwhals
# ---------------------------------------------------------------------------------------------

def _purchase_days(rows: nw.LazyFrame, customer_col: str, with_amount: bool) -> nw.LazyFrame:
    """One row per (customer, purchase day): the day number and the day's spend."""
    nw = _narwhals()
    aggs = [nw.col(_AMOUNT).sum()] if with_amount else [nw.len().alias("__crm_lines")]
    return rows.group_by(customer_col, _DN).agg(*aggs)


def _customer_columns(days: nw.LazyFrame, customer_col: str, with_amount: bool, end_day: int,
                      unit_days: float, suffix: str) -> nw.LazyFrame:
    """frequency, recency, T, monetary_value, recency_days, orders, total_spend of each customer."""
    nw = _narwhals()
    dn = nw.col(_DN)
    if with_amount:
        days = days.with_columns(nw.col(_DN).min().over(customer_col).alias("__crm_first_dn"))
        repeat_spend = nw.when(dn == nw.col("__crm_first_dn")).then(nw.lit(0.0)).otherwise(nw.col(_AMOUNT))
    aggs = [nw.len().alias("__n"), dn.min().alias("__first"), dn.max().alias("__last")]
    if with_amount:
        aggs += [nw.col(_AMOUNT).sum().alias("__total"), repeat_spend.sum().alias("__repeat")]
    per = days.group_by(customer_col).agg(*aggs)
    n = nw.col("__n").cast(nw.Int64)
    frequency = (n - 1).cast(nw.Float64)
    out = [
        frequency.alias("frequency" + suffix),
        ((nw.col("__last") - nw.col("__first")).cast(nw.Float64) / unit_days).alias("recency" + suffix),
        ((nw.lit(end_day) - nw.col("__first")).cast(nw.Float64) / unit_days).alias("T" + suffix),
    ]
    if with_amount:
        out.append(nw.when(n > 1).then(nw.col("__repeat") / frequency).otherwise(nw.lit(0.0))
                   .alias("monetary_value" + suffix))
    out += [(nw.lit(end_day) - nw.col("__last")).cast(nw.Int64).alias("recency_days" + suffix),
            n.alias("orders" + suffix)]
    if with_amount:
        out.append(nw.col("__total").cast(nw.Float64).alias("total_spend" + suffix))
    return per.select(nw.col(customer_col), *out)


def summarize(
    log: Any,
    customer_col: str | LogColumns,
    date_col: str | None = None,
    amount_col: str | None = None,
    observation_end: DateLike | None = None,
    time_unit: Literal["D", "W"] = "W",
    calibration_end: DateLike | None = None,
    freq_multiplier: float = 1,
    *,
    date_format: str | None = None,
    timezone: str | None = None,
    after_observation_end: Literal["error", "drop"] = "error",
    output: Literal["pandas", "native"] | None = None,
    connection: Any = None,
) -> Any:
    """One row per customer with frequency, recency, T and monetary value (lifetimes' conventions).

    The log is checked with :func:`crmlab.transactions.validate` first (missing
    columns, unparsable dates, text or negative amounts, missing ids raise a
    :class:`~crmlab.transactions.TransactionLogError`; clean a raw log with
    :func:`crmlab.transactions.clean`).

    Parameters
    ----------
    log
        Transaction log, one row per purchase line: a pandas DataFrame, or a path or glob of
        Parquet/CSV files (read with DuckDB), a DuckDB relation, a Polars DataFrame/LazyFrame or a
        PySpark DataFrame, summarised in that engine.
    customer_col, date_col
        Columns with the customer id and the purchase date (or date and time); or a
        :class:`~crmlab.validation.LogColumns` as ``customer_col``, naming the columns,
        ``date_format`` and ``timezone`` in one object.
    amount_col
        Column with the amount spent; without it there are no money columns.
    observation_end
        Last day of observation, inclusive; default the last purchase day in the log.
        Rows after it raise an error unless ``after_observation_end="drop"``.
    time_unit
        ``"W"`` (weeks, = days / 7) or ``"D"`` (days): the unit of ``recency``, ``T``
        and ``duration_holdout``.
    calibration_end
        Last day of the calibration period, inclusive. When given, the calibration
        columns get the suffix ``_cal`` (as in lifetimes' ``calibration_and_holdout_data``)
        and holdout columns are added; customers whose first purchase is after it are
        left out (their number is in ``result.attrs["customers_first_purchase_after_calibration"]``).
    freq_multiplier
        Extra divisor of the times, as in lifetimes: ``time_unit="D", freq_multiplier=7``
        equals ``time_unit="W"``.
    date_format, timezone, after_observation_end
        Passed to :func:`crmlab.transactions.validate`.

    output
        ``"pandas"`` (default except for Spark): a pandas table indexed by the sorted customer ids,
        with ``attrs`` as in the pandas path. ``"native"`` (default for Spark; not for a pandas log):
        the engine's frame (DuckDB relation, Polars LazyFrame, Spark DataFrame) with the customer id as
        a column, not sorted, not yet computed.
    connection
        DuckDB connection used to scan a path (default: :func:`duckdb_connection`).

    Returns
    -------
    pandas.DataFrame
        Index: customer id (sorted), named ``customer_col``. Columns:

        - ``frequency``: repeat purchase days (distinct purchase days minus 1), float;
        - ``recency``: last minus first purchase day, in ``time_unit``;
        - ``T``: observation end minus first purchase day, in ``time_unit``;
        - ``monetary_value``: mean spend per repeat purchase day, 0 without repeats;
        - ``recency_days``: days from the last purchase to the observation end (the "R" of RFM);
        - ``orders``: distinct purchase days (``frequency + 1``);
        - ``total_spend``: all spend, first purchase included.

        With ``calibration_end`` these are computed up to the calibration end and named
        ``frequency_cal``, ..., ``total_spend_cal``; then ``frequency_holdout`` (purchase
        days after the calibration end up to the observation end), ``monetary_value_holdout``
        (mean spend per holdout purchase day, 0 if none), ``total_spend_holdout`` and
        ``duration_holdout`` (in ``time_unit``) follow.

        ``result.attrs`` records the observation (and calibration) end used and what
        validation noted or left out.

    Notes
    -----
    Differences from lifetimes, all deliberate: the calibration end is a whole day
    (lifetimes compares raw timestamps, so a purchase at 10:00 on the calibration-end day
    would fall in its holdout); ``monetary_value_holdout`` averages spend per purchase day
    like the calibration column (lifetimes averages raw lines there); rows after the
    observation end raise an error instead of being cut silently.

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 1, 1, 2], "day": [19970101, 19970108, 19971001, 19970301]})
    >>> summary = summarize(log, "id", "day", observation_end="1997-12-31", calibration_end="1997-09-30")
    >>> summary[["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]].round(2)
        frequency_cal  recency_cal  T_cal  frequency_holdout  duration_holdout
    id                                                                        
    1             1.0          1.0  38.86                1.0             13.14
    2             0.0          0.0  30.43                0.0             13.14
    """
    columns = LogColumns.from_args(customer_col, date_col, amount_col, date_format=date_format, timezone=timezone)
    customer_col, date_col, amount_col = columns.customer, columns.date, columns.amount
    date_format, timezone = columns.date_format, columns.timezone
    _check_options(time_unit, freq_multiplier, after_observation_end, output, date_format)
    engine = engine_of(log)
    if engine == "pandas":
        if output == "native":
            raise ValidationError("output='native' is for engine frames; a pandas log gives a pandas table",
                                  parameter="output")
        return _summarize_pandas(log, columns, observation_end, time_unit, calibration_end, freq_multiplier,
                                 after_observation_end)
    nw = _narwhals()
    if output is None:
        output = "native" if engine == "spark" else "pandas"
    rows, end_day, notes, dropped, _, kept_rows = _validated(log, engine, customer_col, date_col, amount_col, observation_end,
                                                  date_format, timezone, after_observation_end, connection)
    unit_days = TIME_UNIT_DAYS[time_unit] * freq_multiplier
    with_amount = amount_col is not None
    attrs: dict[str, Any] = {}
    if calibration_end is None:
        table = _customer_columns(_purchase_days(rows, customer_col, with_amount), customer_col, with_amount,
                                  end_day, unit_days, suffix="")
    else:
        cal = as_date(calibration_end, "calibration_end", timezone=timezone)
        cal_day = _day_number(cal)
        _check_calibration_end(cal_day, end_day)
        days = _purchase_days(rows, customer_col, with_amount)
        in_cal = nw.col(_DN) <= cal_day
        first = _collect_rows(days.select(nw.col(_DN).min().alias("first"),
                                          nw.col(customer_col).n_unique().alias("customers"),
                                          in_cal.cast(nw.Int64).sum().alias("in_cal")))[0]
        if not first["in_cal"]:
            raise _no_purchase_in_calibration(date_col, cal_day, int(first["first"]), kept_rows)
        table = _customer_columns(days.filter(in_cal), customer_col, with_amount, cal_day, unit_days, suffix="_cal")
        hold_aggs = [nw.len().alias("__hn")]
        if with_amount:
            hold_aggs.append(nw.col(_AMOUNT).sum().alias("__htotal"))
        hold = days.filter(~in_cal).group_by(customer_col).agg(*hold_aggs)
        table = table.join(hold, on=customer_col, how="left")
        hn = nw.col("__hn").fill_null(0).cast(nw.Int64)
        extra = [hn.cast(nw.Float64).alias("frequency_holdout")]
        if with_amount:
            htotal = nw.col("__htotal").fill_null(0.0).cast(nw.Float64)
            extra += [nw.when(hn > 0).then(htotal / hn.cast(nw.Float64)).otherwise(nw.lit(0.0)).alias("monetary_value_holdout"),
                      htotal.alias("total_spend_holdout")]
        extra.append(nw.lit((end_day - cal_day) / unit_days).cast(nw.Float64).alias("duration_holdout"))
        table = table.with_columns(*extra).drop("__hn", *(["__htotal"] if with_amount else []))
        attrs["calibration_end"] = pd.Timestamp(_day_text(cal_day))
        attrs["customers_first_purchase_after_calibration"] = None  # filled below (needs the count of kept rows)
        attrs["_customers"] = int(first["customers"])
    attrs["observation_end"] = pd.Timestamp(_day_text(end_day))
    attrs["time_unit"] = time_unit
    attrs["validation_notes"] = list(notes)
    attrs["rows_after_observation_end"] = dropped
    if output == "native":
        return table.to_native()
    result = table.sort(customer_col).collect().to_pandas().set_index(customer_col)
    if "_customers" in attrs:
        attrs["customers_first_purchase_after_calibration"] = attrs.pop("_customers") - len(result)
        order = ["calibration_end", "customers_first_purchase_after_calibration", "observation_end", "time_unit",
                 "validation_notes", "rows_after_observation_end"]
        attrs = {key: attrs[key] for key in order}
    result.attrs.update(attrs)
    return result


def calibration_and_holdout(log: Any, customer_col: str, date_col: str, amount_col: str | None = None, *,
                            calibration_end: DateLike, observation_end: DateLike | None = None,
                            time_unit: Literal["D", "W"] = "W", **options: Any) -> Any:
    """The calibration/holdout split of :func:`summarize` (``calibration_end`` required), in any engine.

    Examples
    --------
    >>> log = pd.DataFrame({"id": [1, 1, 2], "day": ["2024-01-01", "2024-01-15", "2024-01-08"]})
    >>> calibration_and_holdout(log, "id", "day", calibration_end="2024-01-10", time_unit="D")["frequency_holdout"].tolist()
    [1.0, 0.0]
    """
    return summarize(log, customer_col, date_col, amount_col, observation_end, time_unit, calibration_end, **options)


# ---------------------------------------------------------------------------------------------
# pattern tables and scoring
# ---------------------------------------------------------------------------------------------

def pattern_table(customers: Any, columns: Sequence[str] = ("frequency", "recency", "T"), *,
                  count_col: str = "count", output: Literal["pandas", "native"] = "pandas") -> Any:
    """Customers per distinct pattern of ``columns``, by GROUP BY in the engine that holds them.

    The BTYD models' likelihood depends on a customer only through their pattern, so
    ``BetaGeo().fit(pattern_table(summary), weights="count")`` equals the fit on ``summary``.
    The pandas result records ``attrs["weights"] = count_col`` (the models pick it up).

    Parameters
    ----------
    customers
        A customer table: pandas, DuckDB relation, Polars frame or Spark DataFrame.
    columns
        The pattern columns: ``("frequency", "recency", "T")`` for BG/NBD and Pareto/NBD,
        ``("frequency", "recency", "periods")`` for BG/BB, ``("frequency", "monetary_value")``
        for Gamma-Gamma.
    count_col
        Name of the count column.
    output
        ``"pandas"`` (patterns are few) or ``"native"``.

    Examples
    --------
    >>> table = pd.DataFrame({"frequency": [0.0, 2.0, 2.0], "recency": [0.0, 5.0, 5.0], "T": [9.0, 9.0, 9.0]})
    >>> pattern_table(table)
       frequency  recency    T  count
    0        0.0      0.0  9.0      1
    1        2.0      5.0  9.0      2
    """
    columns = list(columns)
    engine = engine_of(customers)
    if engine == "pandas" and isinstance(customers, pd.DataFrame):  # no narwhals needed
        _require_pattern_columns(list(customers.columns), columns)
        counts = customers.groupby(columns, sort=True, dropna=False).size().astype(np.int64)
        result = counts.rename(count_col).reset_index()
        result.attrs["weights"] = count_col
        result.attrs["pattern_table"] = True
        return result
    nw = _narwhals()
    frame = nw.from_native(customers)
    _require_pattern_columns(list(frame.collect_schema().names()) if isinstance(frame, nw.LazyFrame)
                             else list(frame.columns), columns)
    if engine == "polars" and isinstance(frame, nw.DataFrame):
        frame = frame.lazy()
    grouped = frame.group_by(*columns).agg(nw.len().alias(count_col))
    grouped = grouped.with_columns(nw.col(count_col).cast(nw.Int64))
    if output == "native":
        return grouped.to_native()
    if isinstance(grouped, nw.LazyFrame):
        grouped = grouped.collect()
    result = grouped.to_pandas().sort_values(columns, kind="stable").reset_index(drop=True)
    result.attrs["weights"] = count_col
    result.attrs["pattern_table"] = True
    return result


def _require_pattern_columns(names: list[str], columns: list[str]) -> None:
    missing = [c for c in columns if c not in names]
    if missing:
        raise MissingColumnError(f"pattern_table: missing column(s) {missing}; the table has {names[:12]}",
                                 column=missing[0] if len(missing) == 1 else missing)


def score(customers: Any, purchase_model: Any, *, spend_model: Any = None, horizon: float = 52.0,
          clv_periods: int | None = None, discount_rate: float = 0.0, period_length: float = 1.0,
          margin: float = 1.0, columns: Mapping[str, str] | None = None,
          output: Literal["pandas", "native"] | None = None) -> Any:
    """Predictions for every customer, computed once per distinct pattern and joined back in the engine.

    Adds ``probability_alive`` and ``expected_purchases`` (next ``horizon`` time units) from the
    purchase model; with a spend model also ``expected_spend`` and, with ``clv_periods``, ``clv``
    (:func:`crmlab.clv.customer_lifetime_value`: ``margin`` x expected spend x discounted expected
    purchases over ``clv_periods`` periods of ``period_length``). A billion customers are scored
    without collecting them: only their distinct patterns come to Python.

    Parameters
    ----------
    customers
        Customer table (pandas, DuckDB relation, Polars frame or Spark DataFrame) with
        ``frequency``, ``recency``, ``T`` (and ``monetary_value`` for a spend model).
    purchase_model, spend_model
        Fitted :class:`~crmlab.models.BetaGeo` / :class:`~crmlab.models.ParetoNBD` and
        :class:`~crmlab.models.GammaGamma`.
    columns
        Map from model column name to the table's column (e.g. ``{"frequency": "frequency_cal"}``).
    output
        Default: the input's kind (pandas for pandas, engine frame otherwise).

    Examples
    --------
    >>> from crmlab.models import BetaGeo
    >>> model = BetaGeo().use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> table = pd.DataFrame({"frequency": [0.0, 2.0], "recency": [0.0, 30.0], "T": [38.0, 38.0]})
    >>> score(table, model, horizon=39)["expected_purchases"].round(3).tolist()
    [0.199, 1.253]
    """
    names = {c: (columns or {}).get(c, c) for c in ("frequency", "recency", "T", "monetary_value")}
    engine = engine_of(customers)
    purchase_cols = [names["frequency"], names["recency"], names["T"]]
    model_names = {names[k]: k for k in ("frequency", "recency", "T", "monetary_value")}
    tables: list[tuple[list[str], pd.DataFrame]] = []
    patterns = pattern_table(customers, purchase_cols)
    renamed = patterns.rename(columns=model_names)
    preds = patterns[purchase_cols].copy()
    preds["probability_alive"] = purchase_model.probability_alive(renamed).to_numpy()
    preds["expected_purchases"] = purchase_model.expected_purchases(renamed, horizon).to_numpy()
    if spend_model is not None and clv_periods is not None:
        from crmlab.clv import customer_lifetime_value

        preds["__crm_discounted_purchases"] = customer_lifetime_value(
            purchase_model, 1.0, renamed, clv_periods, discount_rate, period_length=period_length, margin=1.0
        ).to_numpy()
    tables.append((purchase_cols, preds))
    if spend_model is not None:
        spend_cols = [names["frequency"], names["monetary_value"]]
        spend_patterns = pattern_table(customers, spend_cols)
        spend = spend_patterns[spend_cols].copy()
        spend["expected_spend"] = spend_model.expected_spend(spend_patterns.rename(columns=model_names)).to_numpy()
        tables.append((spend_cols, spend))
    if engine == "pandas":
        result = customers
        for keys, table in tables:
            index = result.index
            result = result.merge(table, on=keys, how="left")
            result.index = index
    else:
        frame = _lazy(customers, engine)
        for keys, table in tables:
            frame = frame.join(_lazy(_from_pandas(table, engine, customers), engine), on=keys, how="left")
        result = frame
    if spend_model is not None and clv_periods is not None:
        if engine == "pandas":
            result["clv"] = result.pop("__crm_discounted_purchases") * result["expected_spend"] * margin
        else:
            nw = _narwhals()
            clv = nw.col("__crm_discounted_purchases") * nw.col("expected_spend") * margin
            result = result.with_columns(clv.alias("clv")).drop("__crm_discounted_purchases")
    if engine == "pandas":
        return result
    if output is None or output == "native":
        return result.to_native()
    return result.collect().to_pandas()


# ---------------------------------------------------------------------------------------------
# cohorts and lifecycle features (crmlab.lifecycle's log readers), written once in narwhals
# ---------------------------------------------------------------------------------------------

def _month_number(frame: nw.LazyFrame, day_col: str, out: str) -> nw.LazyFrame:
    """Add ``out``: months since 1970-01 of the day number in ``day_col`` (days since 1970-01-01).

    Integer arithmetic every engine runs (H. Hinnant's ``civil_from_days``, valid from 0000-03-01):
    narwhals has no cast from a day number to a date.
    """
    nw = _narwhals()
    t = [f"__crm_m{i}" for i in range(4)]
    z = nw.col(day_col) + 719468
    frame = frame.with_columns((z // 146097).alias(t[0]))  # era of 400 years
    frame = frame.with_columns((z - nw.col(t[0]) * 146097).alias(t[1]))  # day of the era
    doe = nw.col(t[1])
    frame = frame.with_columns(((doe - doe // 1460 + doe // 36524 - doe // 146096) // 365).alias(t[2]))  # year of era
    yoe = nw.col(t[2])
    frame = frame.with_columns((doe - (365 * yoe + yoe // 4 - yoe // 100)).alias(t[3]))  # day of the year from March
    month_from_march = (5 * nw.col(t[3]) + 2) // 153
    months = (yoe + nw.col(t[0]) * 400) * 12 + month_from_march + (2 - 1970 * 12)
    return frame.with_columns(months.cast(nw.Int64).alias(out)).drop(*t)


def cohort_counts(log: Any, customer_col: str, date_col: str, observation_end: DateLike | None = None, *,
                  connection: Any = None) -> tuple[pd.DataFrame, int]:
    """Customers per (acquisition month, months since it) with a purchase, by GROUP BY in the log's engine.

    The engine half of :func:`crmlab.lifecycle.cohort_table` for a path, DuckDB relation, Polars or Spark
    frame: the log is checked as on the pandas path (same errors), each customer's distinct purchase months
    are counted per (first month, age) in the engine, and only those counts come back.

    Returns
    -------
    (pandas.DataFrame, int)
        Columns ``cohort`` and ``age`` (months since 1970-01 and months since the cohort's) and
        ``customers``; and the last observed month (months since 1970-01).

    Examples
    --------
    >>> import polars as pl
    >>> log = pl.DataFrame({"c": [1, 1, 2], "d": ["2024-01-05", "2024-02-01", "2024-02-20"]})
    >>> counts, end_month = cohort_counts(log, "c", "d")
    >>> counts.to_numpy().tolist(), end_month
    ([[648, 0, 1], [648, 1, 1], [649, 0, 1]], 649)
    """
    nw = _narwhals()
    engine = engine_of(log)
    if engine == "pandas":
        raise WrongTypeError("cohort_counts is for engine frames; crmlab.lifecycle.cohort_table takes a pandas log",
                             parameter="log")
    rows, end_day, _, _, _, _ = _validated(log, engine, customer_col, date_col, None, observation_end, None, None,
                                        "error", connection)
    end_month = int(np.datetime64(int(end_day), "D").astype("datetime64[M]").astype(np.int64))
    pairs = _month_number(rows.select(nw.col(customer_col), nw.col(_DN)), _DN, "__crm_month")
    pairs = pairs.select(nw.col(customer_col), nw.col("__crm_month")).unique()
    pairs = pairs.with_columns(nw.col("__crm_month").min().over(customer_col).alias("cohort"))
    counts = (pairs.with_columns((nw.col("__crm_month") - nw.col("cohort")).alias("age"))
              .group_by("cohort", "age").agg(nw.len().alias("customers")))
    table = counts.collect().to_pandas().astype(np.int64).sort_values(["cohort", "age"]).reset_index(drop=True)
    return table, end_month


def _as_date_columns(native: Any, engine: Engine, columns: Sequence[str]) -> Any:
    """Day numbers (days since 1970-01-01) to the engine's date type (narwhals cannot cast them)."""
    if engine == "duckdb":
        q = lambda c: '"' + c.replace('"', '""') + '"'  # noqa: E731
        replaced = ", ".join(f"DATE '1970-01-01' + CAST({q(c)} AS INTEGER) AS {q(c)}" for c in columns)
        return native.query("crm_days", f"SELECT * REPLACE ({replaced}) FROM crm_days")
    if engine == "polars":
        import polars as pl

        return native.with_columns([pl.col(c).cast(pl.Int32).cast(pl.Date) for c in columns])
    if engine == "spark":
        from pyspark.sql import functions as F

        for c in columns:
            native = native.withColumn(c, F.date_from_unix_date(F.col(c).cast("int")))
        return native
    raise _not_an_engine(engine)


def purchase_days(log: Any, customer_col: str, date_col: str, amount_col: str | None, *,
                  connection: Any = None) -> tuple[nw.LazyFrame, Engine]:
    """The validated log as one row per customer and purchase day, in its engine (lazy).

    Columns ``customer`` (the id), ``day`` (days since 1970-01-01), ``amount`` (the day's spend, 0.0
    without an amount column) and ``gap_days`` (days since the customer's previous purchase day, null
    for the first): the table :func:`crmlab.lifecycle.lifecycle_features` reads.

    Examples
    --------
    >>> import polars as pl
    >>> log = pl.DataFrame({"c": [1, 1, 1], "d": ["2024-01-01", "2024-01-01", "2024-01-11"], "a": [2.0, 3.0, 4.0]})
    >>> daily, engine = purchase_days(log, "c", "d", "a")
    >>> engine, daily.sort("day").collect().rows()
    ('polars', [(1, 19723, 5.0, None), (1, 19733, 4.0, 10.0)])
    """
    nw = _narwhals()
    engine = engine_of(log)
    if engine == "pandas":
        raise _not_an_engine(engine)
    rows, _, _, _, _, _ = _validated(log, engine, customer_col, date_col, amount_col, None, None, None, "error",
                                  connection)
    if amount_col is not None:
        daily = rows.group_by(customer_col, _DN).agg(nw.col(_AMOUNT).sum().cast(nw.Float64).alias("amount"))
    else:
        daily = rows.group_by(customer_col, _DN).agg(nw.len().alias("__crm_lines"))
        daily = daily.with_columns(nw.lit(0.0).cast(nw.Float64).alias("amount")).drop("__crm_lines")
    daily = daily.select(nw.col(customer_col).alias("customer"), nw.col(_DN).cast(nw.Int64).alias("day"),
                         nw.col("amount"))
    previous = nw.col("day").shift(1).over("customer", order_by="day")
    return daily.with_columns((nw.col("day") - previous).cast(nw.Float64).alias("gap_days")), engine


def features_at(daily: nw.LazyFrame, at_day: int, window_days: int) -> nw.LazyFrame:
    """The columns of :data:`crmlab.lifecycle.FEATURE_COLUMNS` per customer at day number ``at_day``
    (lazy, in the engine of ``daily``; first and last purchase as day numbers).

    Examples
    --------
    >>> import polars as pl
    >>> log = pl.DataFrame({"c": [1, 1, 1], "d": ["2024-01-01", "2024-01-11", "2024-03-01"], "a": [2.0, 3.0, 4.0]})
    >>> daily, _ = purchase_days(log, "c", "d", "a")
    >>> features_at(daily, 19733, window_days=30).select("tenure_days", "purchase_days", "spend_recent").collect().rows()
    [(10, 2, 5.0)]
    """
    nw = _narwhals()
    upto = daily.filter(nw.col("day") <= at_day)
    day, amount, gap = nw.col("day"), nw.col("amount"), nw.col("gap_days")
    recent = day > at_day - window_days
    previous = (day > at_day - 2 * window_days) & ~recent
    per = upto.group_by("customer").agg(
        day.min().alias("first_purchase"),
        day.max().alias("last_purchase"),
        nw.len().alias("purchase_days"),
        gap.median().alias("typical_gap_days"),
        nw.when(recent).then(amount).otherwise(nw.lit(0.0)).sum().alias("spend_recent"),
        nw.when(previous).then(amount).otherwise(nw.lit(0.0)).sum().alias("spend_previous"),
        nw.when(recent).then(gap).otherwise(nw.lit(None)).max().alias("comeback_gap_days"),
        recent.cast(nw.Int64).sum().alias("days_recent"),
        previous.cast(nw.Int64).sum().alias("days_previous"),
    )
    return per.select(
        nw.col("customer"), nw.col("first_purchase"), nw.col("last_purchase"),
        (nw.lit(at_day) - nw.col("first_purchase")).cast(nw.Int64).alias("tenure_days"),
        (nw.lit(at_day) - nw.col("last_purchase")).cast(nw.Int64).alias("recency_days"),
        nw.col("purchase_days").cast(nw.Int64),
        nw.col("typical_gap_days").cast(nw.Float64),
        nw.col("spend_recent").cast(nw.Float64),
        nw.col("spend_previous").cast(nw.Float64),
        nw.col("comeback_gap_days").cast(nw.Float64).fill_null(0.0),
        nw.col("days_recent").cast(nw.Int64),
        nw.col("days_previous").cast(nw.Int64),
    )


def _has_purchase_by(daily: nw.LazyFrame, at_day: int) -> bool:
    """Whether any purchase day is on or before ``at_day`` (reads one row)."""
    nw = _narwhals()
    return len(daily.filter(nw.col("day") <= at_day).select(nw.col("day")).head(1).collect()) > 0


def _features_to_pandas(features: nw.LazyFrame) -> pd.DataFrame:
    """A lazy feature table as the pandas path's: index ``customer`` (sorted), dates as ``datetime64[ns]``."""
    table = features.sort("customer").collect().to_pandas().set_index("customer")
    for column in ("first_purchase", "last_purchase"):
        table[column] = pd.to_datetime(table[column].to_numpy(dtype=np.int64), unit="D").astype("datetime64[ns]")
    for column in ("typical_gap_days", "spend_recent", "spend_previous", "comeback_gap_days"):
        table[column] = table[column].astype(np.float64)
    for column in ("tenure_days", "recency_days", "purchase_days", "days_recent", "days_previous"):
        table[column] = table[column].astype(np.int64)
    return table


def _native_with_dates(frame: nw.LazyFrame, engine: Engine) -> Any:
    """The engine's frame of a lazy feature table, first and last purchase as the engine's dates."""
    return _as_date_columns(frame.to_native(), engine, ["first_purchase", "last_purchase"])
