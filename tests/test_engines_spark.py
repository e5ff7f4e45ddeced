"""crmlab.summaries on a local SparkSession: a Spark DataFrame whose rows equal the pandas path,
BG/NBD from its pattern table equal to the pandas fit, the same errors, scores joined back in Spark.

Skipped only when PySpark or Java 17+ is missing (``tools/setup_system.sh`` installs Java)."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark", reason="PySpark is not installed (pip install 'crmlab[spark]')")

from crmlab import datasets  # noqa: E402
from crmlab.engines import java_version, local_spark  # noqa: E402
from crmlab.models import BetaGeo, GammaGamma  # noqa: E402
from crmlab.rfm import summarize as rfm_summarize  # noqa: E402
from crmlab.summaries import engine_of, pattern_table, score, summarize  # noqa: E402
from crmlab.transactions import TransactionLogError  # noqa: E402
from crmlab.validation import ValidationError  # noqa: E402
from tests.engine_logs import BAD_LOGS, assert_same_error  # noqa: E402

_JAVA = java_version()
pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore::FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
    pytest.mark.skipif(_JAVA is None or _JAVA < 17,
                       reason=f"PySpark needs Java 17+, found {_JAVA or 'no java'} (run tools/setup_system.sh)"),
]


@pytest.fixture(scope="module")
def spark():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # PySpark's note about pandas 3
        session = local_spark("crmlab-tests")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def cdnow_sample() -> pd.DataFrame:
    return datasets.load_cdnow("sample")


def _spark_frame(spark, log: pd.DataFrame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return spark.createDataFrame(log)


def _to_pandas(frame, key: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return frame.toPandas().sort_values(key).set_index(key)


@pytest.mark.parametrize("calibration_end", [None, "1997-09-30"])
def test_spark_summary_equals_pandas_and_fits_the_same(spark, cdnow_sample, calibration_end):
    key = "sample_id" if "sample_id" in cdnow_sample else "customer_id"
    options = dict(observation_end="1998-06-30", calibration_end=calibration_end)
    expected = rfm_summarize(cdnow_sample, key, "date", "dollar_value", **options)
    result = summarize(_spark_frame(spark, cdnow_sample), key, "date", "dollar_value", **options)
    assert engine_of(result) == "spark"  # a Spark DataFrame, not collected
    got = _to_pandas(result, key)
    assert got.index.tolist() == expected.index.tolist()
    assert list(got.columns) == list(expected.columns)
    for column in expected.columns:
        if "spend" in column or "monetary" in column:
            np.testing.assert_allclose(got[column], expected[column], rtol=1e-12, atol=0)
        else:
            np.testing.assert_array_equal(got[column].to_numpy(), expected[column].to_numpy(), err_msg=column)
    if calibration_end is None:
        patterns = pattern_table(result)
        assert int(patterns["count"].sum()) == len(expected)
        from_spark = BetaGeo().fit(patterns)
        full = BetaGeo().fit(expected)
        np.testing.assert_allclose(from_spark.params_, full.params_, rtol=1e-9)
        assert from_spark.log_likelihood_ == pytest.approx(full.log_likelihood_, rel=1e-9)


def test_spark_text_dates_other_names_and_scores(spark):
    log = pd.DataFrame({
        "Kunde": ["007", "007", "7", "x1", "x1", "x1"],
        "Zeitpunkt": ["2024-01-01 09:00:00", "2024-01-01 18:00:00", "2024-01-03", "2024-01-05", "2024-01-20",
                      "2024-02-01 23:59:59"],
        "Betrag": ["10.5", "4", "7.25", "3", "4.5", "6"],
    })
    expected = rfm_summarize(log, "Kunde", "Zeitpunkt", "Betrag", time_unit="D")
    result = summarize(_spark_frame(spark, log), "Kunde", "Zeitpunkt", "Betrag", time_unit="D")
    got = _to_pandas(result, "Kunde")
    pd.testing.assert_frame_equal(got, expected, check_index_type=False, check_dtype=False, check_exact=False,
                                  rtol=1e-12)
    model = BetaGeo().use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426)
    spend = GammaGamma().use_estimates(p=6.25, q=3.74, gamma=15.44)
    scored = _to_pandas(score(result, model, spend_model=spend, horizon=30), "Kunde")
    np.testing.assert_allclose(scored["probability_alive"], model.probability_alive(expected), rtol=1e-12)
    np.testing.assert_allclose(scored["expected_spend"], spend.expected_spend(expected), rtol=1e-12)


@pytest.mark.parametrize("case", ["missing_column", "bad_dates", "negative_amount", "after_observation_end",
                                  "missing_id", "text_amount", "no_purchase_in_calibration"])
def test_spark_raises_the_pandas_error(spark, case):
    """The bad-log corpus of test_engines.py: the same type, message, column, count of bad rows, parameter."""
    make, options = BAD_LOGS[case]
    options = dict(options)
    args = dict(customer_col=options.pop("customer_col", "customer"), date_col="date",
                amount_col=options.pop("amount_col", "amount"))
    with pytest.raises(ValidationError) as expected:
        rfm_summarize(make(), **args, **options)
    with pytest.raises(ValidationError) as got:
        summarize(_spark_frame(spark, make()), **args, **options)
    assert_same_error(got.value, expected.value, case)


# ---------------------------------------------------------------------------------------------
# crmlab.lifecycle's log readers on Spark: per-customer results stay Spark DataFrames, small tables pandas
# ---------------------------------------------------------------------------------------------

def test_spark_cohorts_stages_and_counts_equal_pandas(spark, cdnow_sample):
    from crmlab import lifecycle as lc

    key = "sample_id" if "sample_id" in cdnow_sample else "customer_id"
    log = _spark_frame(spark, cdnow_sample)
    cohorts = lc.cohort_table(log, key, "date", observation_end="1998-06-30", rates=True)
    pd.testing.assert_frame_equal(cohorts, lc.cohort_table(cdnow_sample, key, "date", observation_end="1998-06-30",
                                                           rates=True), check_exact=True)
    for rules in (lc.StageRules(), lc.StageRules(growth_days=None, trend_alpha=None)):
        expected = lc.assign_stages(cdnow_sample, key, "date", "dollar_value", "1998-03-31", rules)
        staged = lc.assign_stages(log, key, "date", "dollar_value", "1998-03-31", rules)
        assert engine_of(staged) == "spark"  # one row per customer: not collected
        got = _to_pandas(staged, "customer")
        assert got.index.tolist() == expected.index.tolist()
        assert got["stage"].tolist() == expected["stage"].astype(str).tolist()
        for column in lc.FEATURE_COLUMNS:
            if column.endswith("_purchase"):
                assert (pd.to_datetime(got[column]) == expected[column]).all(), column
            elif column.startswith("spend"):
                np.testing.assert_allclose(got[column], expected[column], rtol=1e-12, atol=1e-12, err_msg=column)
            else:
                np.testing.assert_array_equal(got[column].to_numpy(dtype=float),
                                              expected[column].to_numpy(dtype=float), err_msg=column)
    assert set(expected["stage"]) >= {"termination", "decline", "maturity"}
    dates = ["1996-12-31", "1997-06-30", "1998-06-30"]
    counts = lc.stage_counts_over_time(log, key, "date", "dollar_value", dates)
    pd.testing.assert_frame_equal(counts, lc.stage_counts_over_time(cdnow_sample, key, "date", "dollar_value", dates))
    pandas_features = lc.lifecycle_features(log, key, "date", None, "1997-09-30", output="pandas")
    assert isinstance(pandas_features, pd.DataFrame) and (pandas_features["spend_recent"] == 0).all()


@pytest.mark.parametrize("case", ["missing_column", "bad_dates", "negative_amount"])
def test_spark_lifecycle_raises_the_pandas_error(spark, case):
    from crmlab import lifecycle as lc

    log = pd.DataFrame({"customer": ["a", "a", "b", "c"],
                        "date": ["2024-01-01", "2024-01-08", "2024-01-03", "2024-02-01"],
                        "amount": [10.0, 5.0, 7.5, 4.0]})
    customer = "client" if case == "missing_column" else "customer"
    if case == "bad_dates":
        log["date"] = ["2024-01-01", "soon", "2024-01-03", "2024-13-01"]
    elif case == "negative_amount":
        log["amount"] = [10.0, -5.0, 7.5, 4.0]
    strip = lambda text: re.sub(r"\(e\.g\. [^)]*\)", "(e.g. ...)", text)  # noqa: E731
    calls = [lambda data: lc.assign_stages(data, customer, "date", "amount", "2024-03-01")]
    if case != "negative_amount":
        calls.append(lambda data: lc.cohort_table(data, customer, "date"))
    for call in calls:
        with pytest.raises(TransactionLogError) as expected:
            call(log)
        with pytest.raises(TransactionLogError) as got:
            call(_spark_frame(spark, log))
        assert strip(str(got.value)) == strip(str(expected.value))


def test_spark_stage_stability_equals_pandas(spark):
    from crmlab import lifecycle as lc
    from crmlab import simulate

    base = simulate.customer_base(400, seed=42)
    log, end = base.transactions, base.params.observation_end
    rules = {"spend_only": lc.StageRules(growth_days=None, trend_alpha=None), "default": lc.StageRules()}
    expected = lc.stage_stability(log, "customer_id", "date", "amount", end, 3, rules)
    got = lc.stage_stability(_spark_frame(spark, log), "customer_id", "date", "amount", end, 3, rules)
    pd.testing.assert_frame_equal(got, expected)
    assert expected.loc["default", "mature_at_start"] > 20
