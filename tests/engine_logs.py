"""Logs and checks shared by the engine tests (test_engines*.py): one place for the log in each engine,
the log with other column names, the bad-log corpus and the comparison of two validation errors."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crmlab.validation import ValidationError

#: The engines a pandas log is converted to by :func:`to_engine` ("parquet": a file read by DuckDB).
ENGINES = ("duckdb", "polars", "polars_lazy", "parquet")


def to_engine(log: pd.DataFrame, engine: str, tmp_dir=None):
    """``log`` as a DuckDB relation, a Polars DataFrame/LazyFrame, or a Parquet file in ``tmp_dir`` (its path)."""
    import duckdb
    import polars as pl

    if engine == "duckdb":
        return duckdb.connect().from_df(log)
    if engine == "polars":
        return pl.from_pandas(log)
    if engine == "polars_lazy":
        return pl.from_pandas(log).lazy()
    if engine == "parquet":
        path = tmp_dir / f"log_{abs(pd.util.hash_pandas_object(log).sum())}.parquet"
        if not path.exists():
            log.to_parquet(path)
        return str(path)
    raise ValueError(f"unknown engine {engine!r}; use one of {ENGINES}")


def other_log(*, seed: int, n: int, customers: int, start: str, days: int, text_amounts: bool) -> pd.DataFrame:
    """Other column names, text ids with leading zeros, ISO text dates with times, amounts (as text when
    ``text_amounts``) and an extra column."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, customers, n)
    stamps = pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, days, n), unit="D") \
        + pd.to_timedelta(rng.integers(0, 86_400, n), unit="s")
    amounts = rng.gamma(2.0, 20.0, n)
    return pd.DataFrame({
        "Kunde": [f"{i:05d}" for i in ids],
        "Zeitpunkt": stamps.strftime("%Y-%m-%d %H:%M:%S"),
        "Betrag": [f"{v:.2f}" for v in amounts] if text_amounts else np.round(amounts, 2),
        "Filiale": rng.integers(1, 5, n),
    })


def good_log() -> pd.DataFrame:
    return pd.DataFrame({
        "customer": ["a", "a", "b", "c", "c"],
        "date": ["2024-01-01", "2024-01-08", "2024-01-03", "2024-01-05", "2024-02-01"],
        "amount": [10.0, 5.0, 7.5, 3.0, 4.0],
    })


#: case -> (a function making the bad log, the options of the call)
BAD_LOGS = {
    "missing_column": (lambda: good_log(), dict(customer_col="client")),
    "missing_amount_column": (lambda: good_log(), dict(amount_col="amout")),
    "empty": (lambda: good_log().iloc[:0], {}),
    "missing_id": (lambda: good_log().assign(customer=["a", None, "b", None, "c"]), {}),
    "blank_id": (lambda: good_log().assign(customer=["a", " ", "b", "", "c"]), {}),
    "bad_dates": (lambda: good_log().assign(date=["2024-01-01", "not a date", "2024-01-03", "31.02.2024", "2024-02-01"]), {}),
    "missing_date": (lambda: good_log().assign(date=["2024-01-01", None, "2024-01-03", "2024-01-05", None]), {}),
    "numbers_not_yyyymmdd": (lambda: good_log().assign(date=[20240101, 20240108, 5, 20240105, 20240201]), {}),
    "numbers_bad_day": (lambda: good_log().assign(date=[20240101, 20240108, 20240230, 20240105, 20240201]), {}),
    "text_amount": (lambda: good_log().assign(amount=["10", "5,50", "7.5", "x", "4"]), {}),
    "missing_amount": (lambda: good_log().assign(amount=[10.0, np.nan, 7.5, 3.0, np.nan]), {}),
    "infinite_amount": (lambda: good_log().assign(amount=[10.0, np.inf, 7.5, 3.0, 4.0]), {}),
    "negative_amount": (lambda: good_log().assign(amount=[10.0, -5.0, 7.5, -3.0, 4.0]), {}),
    "after_observation_end": (lambda: good_log(), dict(observation_end="2024-01-06")),
    "all_after_observation_end": (lambda: good_log(), dict(observation_end="2023-12-01", after_observation_end="drop")),
    "calibration_after_end": (lambda: good_log(), dict(calibration_end="2024-03-01")),
    "no_purchase_in_calibration": (lambda: good_log(), dict(calibration_end="2023-12-01")),
    "bad_time_unit": (lambda: good_log(), dict(time_unit="M")),
    "bad_freq_multiplier": (lambda: good_log(), dict(freq_multiplier=0)),
    "bad_after_observation_end": (lambda: good_log(), dict(after_observation_end="keep")),
    "bad_date_format": (lambda: good_log(), dict(date_format="%Q/%m/%Y")),
    "boolean_dates": (lambda: good_log().assign(date=[True, False, True, True, False]), {}),
    "boolean_amounts": (lambda: good_log().assign(amount=[True, False, True, True, False]), {}),
}

#: The cases about a parameter rather than the log's rows.
PARAMETER_CASES = {"calibration_after_end": "calibration_end", "bad_time_unit": "time_unit",
                   "bad_freq_multiplier": "freq_multiplier", "bad_after_observation_end": "after_observation_end",
                   "bad_date_format": "date_format"}


def without_examples(text: str) -> str:
    """A message with its examples blanked (engines may show other rows first)."""
    return re.sub(r"\(e\.g\. [^)]*\)", "(e.g. ...)", text)


def assert_same_error(got: BaseException, expected: BaseException, context: str = "") -> None:
    """The same error: one type of the validation family, the same message (examples aside), and the same
    column, count of bad rows and parameter (the total too where the engine counts it: a missing column
    is reported before any row is read)."""
    assert isinstance(expected, ValidationError), f"{context}: the pandas path raised {type(expected).__name__}"
    assert type(got) is type(expected), context
    assert without_examples(str(got)) == without_examples(str(expected)), context
    assert (got.column, got.rows, got.parameter) == (expected.column, expected.rows, expected.parameter), context
    assert got.total in (None, expected.total), context
