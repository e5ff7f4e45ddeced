"""crmlab.lifecycle's log readers (cohort_table, lifecycle_features, assign_stages, stage_counts_over_time)
on DuckDB, Polars and paths: computed in the engine, the same tables and the same errors as the pandas path."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

duckdb = pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")

from crmlab import datasets  # noqa: E402
from crmlab import lifecycle as lc  # noqa: E402
from crmlab.summaries import cohort_counts, engine_of  # noqa: E402
from crmlab.transactions import TransactionLogError  # noqa: E402
from tests.engine_logs import BAD_LOGS, PARAMETER_CASES, to_engine  # noqa: E402
from tests.engine_logs import other_log as make_other_log  # noqa: E402

ENGINES = ["duckdb", "polars", "polars_lazy", "parquet"]
LEAN = lc.StageRules(growth_days=None, trend_alpha=None)  # the spend-ratio rule: every test fires


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return datasets.load_cdnow()


@pytest.fixture(scope="module")
def other_log() -> pd.DataFrame:
    return make_other_log(seed=9, n=4_000, customers=300, start="2022-11-01", days=500, text_amounts=True)


@pytest.fixture(scope="module")
def tmp_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("engines_lifecycle")


def assert_same_features(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same customers, columns, dtypes and attrs; days and counts exact, money to 1e-12 (engines add in
    another order)."""
    assert got.index.name == expected.index.name == "customer"
    assert got.index.tolist() == expected.index.tolist()
    assert list(got.columns) == list(expected.columns)
    for column in expected.columns:
        assert got[column].dtype == expected[column].dtype, column
        if column.startswith("spend"):
            np.testing.assert_allclose(got[column], expected[column], rtol=1e-12, atol=1e-12, err_msg=column)
        elif column == "stage":
            assert got[column].tolist() == expected[column].tolist()
        else:
            np.testing.assert_array_equal(got[column].to_numpy(), expected[column].to_numpy(), err_msg=column)
    assert got.attrs == expected.attrs


# ---------------------------------------------------------------------------------------------
# cohorts
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_cohort_table_equals_pandas(cdnow, other_log, tmp_dir, engine):
    for log, customer, date, options in [
        (cdnow, "customer_id", "date", dict(observation_end="1998-06-30")),
        (cdnow, "customer_id", "date", dict(rates=True)),
        (other_log, "Kunde", "Zeitpunkt", {}),
        (other_log, "Kunde", "Zeitpunkt", dict(observation_end="2024-12-31", rates=True)),
    ]:
        expected = lc.cohort_table(log, customer, date, **options)
        got = lc.cohort_table(to_engine(log, engine, tmp_dir), customer, date, **options)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert expected.shape[1] == 26 and expected.iloc[0].notna().all()  # Nov 2022 .. Dec 2024, all observed


def test_cohort_counts_are_small_and_computed_in_the_engine(cdnow):
    counts, end_month = cohort_counts(duckdb.connect().from_df(cdnow), "customer_id", "date")
    assert len(counts) <= 3 * 18 and counts.columns.tolist() == ["cohort", "age", "customers"]
    assert int(counts.loc[counts["age"] == 0, "customers"].sum()) == cdnow["customer_id"].nunique()
    assert str(np.datetime64(end_month, "M")) == "1998-06"


def test_month_numbers_are_the_calendar_months():
    import narwhals as nw

    from crmlab.summaries import _month_number

    days = np.arange(-200_000, 120_000, 7)  # 1422 .. 2298, every weekday of the cycle
    for native in (pl.DataFrame({"d": days}), duckdb.connect().from_df(pd.DataFrame({"d": days}))):
        frame = nw.from_native(native)
        frame = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
        got = _month_number(frame, "d", "m").sort("d").collect().to_pandas()["m"].to_numpy()
        np.testing.assert_array_equal(got, days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64))


# ---------------------------------------------------------------------------------------------
# lifecycle features and stages
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_features_and_stages_equal_pandas_on_cdnow(cdnow, tmp_dir, engine):
    source = to_engine(cdnow, engine, tmp_dir)
    for at, rules in [("1997-06-30", lc.StageRules()), ("1998-03-31", lc.StageRules()), ("1998-03-31", LEAN)]:
        expected = lc.assign_stages(cdnow, "customer_id", "date", "dollar_value", at, rules)
        got = lc.assign_stages(source, "customer_id", "date", "dollar_value", at, rules)
        assert_same_features(got, expected)
    assert set(expected["stage"]) >= {"termination", "decline", "maturity", "growth"}  # the rule's branches ran
    features = lc.lifecycle_features(source, "customer_id", "date", "dollar_value", "1997-12-31", window_days=60)
    assert_same_features(features, lc.lifecycle_features(cdnow, "customer_id", "date", "dollar_value", "1997-12-31",
                                                         window_days=60))


@pytest.mark.parametrize("engine", ENGINES)
def test_features_and_stages_equal_pandas_with_other_names(other_log, tmp_dir, engine):
    source = to_engine(other_log, engine, tmp_dir)
    seen: set = set()
    for at in ["2022-12-31", "2023-06-30", "2024-03-14"]:
        for amount in ["Betrag", None]:
            expected = lc.assign_stages(other_log, "Kunde", "Zeitpunkt", amount, at)
            got = lc.assign_stages(source, "Kunde", "Zeitpunkt", amount, at)
            assert_same_features(got, expected)
            assert got.index[0] == "00000"  # text ids keep their zeros
            seen |= set(expected["stage"])
    assert len(seen) >= 4


@pytest.mark.parametrize("engine", ["duckdb", "polars", "parquet"])
def test_stage_counts_over_time_equal_pandas(cdnow, other_log, tmp_dir, engine):
    dates = ["1996-12-31", "1997-01-31", "1997-06-30", "1997-12-31", "1998-06-30"]  # the first: nobody yet
    expected = lc.stage_counts_over_time(cdnow, "customer_id", "date", "dollar_value", dates)
    got = lc.stage_counts_over_time(to_engine(cdnow, engine, tmp_dir), "customer_id", "date", "dollar_value", dates)
    pd.testing.assert_frame_equal(got, expected)
    assert got.iloc[0].sum() == 0 and got.iloc[-1].sum() == cdnow["customer_id"].nunique()
    other = lc.stage_counts_over_time(to_engine(other_log, engine, tmp_dir), "Kunde", "Zeitpunkt", "Betrag",
                                      ["2023-12-31"], rules=LEAN)
    pd.testing.assert_frame_equal(other, lc.stage_counts_over_time(other_log, "Kunde", "Zeitpunkt", "Betrag",
                                                                   ["2023-12-31"], rules=LEAN))


def test_native_output_is_the_engines_frame(other_log):
    expected = lc.assign_stages(other_log, "Kunde", "Zeitpunkt", "Betrag", "2024-01-31")
    relation = lc.assign_stages(to_engine(other_log, "duckdb"), "Kunde", "Zeitpunkt", "Betrag", "2024-01-31",
                                output="native")
    assert engine_of(relation) == "duckdb"
    lazy = lc.lifecycle_features(to_engine(other_log, "polars"), "Kunde", "Zeitpunkt", "Betrag", "2024-01-31",
                                 output="native")
    assert isinstance(lazy, pl.LazyFrame) and lazy.collect_schema()["first_purchase"] == pl.Date
    got = relation.df().sort_values("customer").set_index("customer")
    assert got["stage"].tolist() == expected["stage"].astype(str).tolist()
    assert (pd.to_datetime(got["last_purchase"]) == expected["last_purchase"]).all()
    with pytest.raises(TypeError, match="output"):
        lc.assign_stages(other_log, "Kunde", "Zeitpunkt", "Betrag", "2024-01-31", output="native")
    with pytest.raises(ValueError, match="output='frame'"):
        lc.lifecycle_features(to_engine(other_log, "duckdb"), "Kunde", "Zeitpunkt", "Betrag", "2024-01-31",
                              output="frame")


# ---------------------------------------------------------------------------------------------
# bad logs: the same error (type, column, count of bad rows) as the pandas path
# ---------------------------------------------------------------------------------------------

LOG_CASES = sorted(case for case in BAD_LOGS if case not in {*PARAMETER_CASES, "no_purchase_in_calibration",
                                                             "all_after_observation_end"})


def _error(call):
    with pytest.raises((TransactionLogError, ValueError, TypeError)) as info:
        call()
    return info.value


def _calls(log, options):
    customer = options.get("customer_col", "customer")
    amount = options.get("amount_col", "amount")
    end = options.get("observation_end")
    return {
        "assign_stages": lambda: lc.assign_stages(log, customer, "date", amount, end or "2024-03-01"),
        "stage_counts_over_time": lambda: lc.stage_counts_over_time(log, customer, "date", amount, ["2024-03-01"]),
        "cohort_table": lambda: lc.cohort_table(log, customer, "date", observation_end=end),
    }


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
@pytest.mark.parametrize("case", LOG_CASES)
def test_bad_logs_raise_the_pandas_error(case, engine):
    make, options = BAD_LOGS[case]
    strip = lambda text: re.sub(r"\(e\.g\. [^)]*\)", "(e.g. ...)", text)  # noqa: E731
    expected_calls, got_calls = _calls(make(), options), _calls(to_engine(make(), engine), options)
    for name in expected_calls:
        if (name == "cohort_table" and "amount" in case) or (name != "cohort_table" and "observation_end" in case):
            continue  # a cohort table reads no amount; the stages read no observation end (later days are ignored)
        expected, got = _error(expected_calls[name]), _error(got_calls[name])
        assert type(got) is type(expected), name
        assert strip(str(got)) == strip(str(expected)), name


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_no_purchase_by_the_date_is_the_pandas_error(other_log, engine):
    call = lambda log: lc.assign_stages(log, "Kunde", "Zeitpunkt", "Betrag", "2020-01-01")  # noqa: E731
    expected, got = _error(lambda: call(other_log)), _error(lambda: call(to_engine(other_log, engine)))
    assert type(got) is type(expected) and str(got) == str(expected)
    assert "no purchase on or before 2020-01-01" in str(got)


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_stage_stability_equals_pandas(engine):
    from crmlab import simulate

    base = simulate.customer_base(1500, seed=42)
    log, end = base.transactions, base.params.observation_end
    rules = {"spend_only": LEAN, "default": lc.StageRules()}
    expected = lc.stage_stability(log, "customer_id", "date", "amount", end, 3, rules)
    got = lc.stage_stability(to_engine(log, engine), "customer_id", "date", "amount", end, 3, rules)
    pd.testing.assert_frame_equal(got, expected)
    assert expected.loc["default", "mature_at_start"] > 100
    with pytest.raises(ValueError, match="no purchase on or before") as info:
        lc.stage_stability(to_engine(log, engine), "customer_id", "date", "amount", "2000-01-01", 3, rules)
    with pytest.raises(ValueError) as pandas_info:
        lc.stage_stability(log, "customer_id", "date", "amount", "2000-01-01", 3, rules)
    assert str(info.value) == str(pandas_info.value)
