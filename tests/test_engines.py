"""crmlab.summaries on DuckDB, Polars and paths: the same customer table and the same errors as pandas;
pattern-table fits equal full fits; scoring joined back in the engine; loaders and models fit together."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

duckdb = pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")

from crmlab import datasets  # noqa: E402
from crmlab.engines import write_synthetic_log  # noqa: E402
from crmlab.models import BetaGeo, BetaGeoBetaBinom, GammaGamma, ParetoNBD, ShiftedBetaGeo  # noqa: E402
from crmlab.models.base import MissingWeightsWarning  # noqa: E402
from crmlab.rfm import summarize as rfm_summarize  # noqa: E402
from crmlab.summaries import engine_of, pattern_table, score, summarize  # noqa: E402
from crmlab.validation import MissingColumnError, MissingFileError, ValidationError, WrongTypeError  # noqa: E402
from tests.engine_logs import BAD_LOGS, PARAMETER_CASES, assert_same_error, good_log, to_engine  # noqa: E402
from tests.engine_logs import other_log as make_other_log  # noqa: E402

ENGINES = ["duckdb", "polars", "polars_lazy"]


def tolerance(engine: str) -> float:
    return 4e-16 if engine.startswith("polars") else 0.0


def assert_same_table(got: pd.DataFrame, expected: pd.DataFrame, *, times_rtol: float = 0.0) -> None:
    """Same index, columns, dtypes and attrs; counts exact, sums of money to 1e-12 (engines add in another
    order), times exact (Polars: to one unit in the last place, as it divides by multiplying with the
    reciprocal)."""
    assert list(got.columns) == list(expected.columns)
    assert got.index.name == expected.index.name
    assert got.index.tolist() == expected.index.tolist()
    for column in expected.columns:
        assert got[column].dtype == expected[column].dtype, column
        if "spend" in column or "monetary" in column:
            np.testing.assert_allclose(got[column], expected[column], rtol=1e-12, atol=0, err_msg=column)
        elif times_rtol and got[column].dtype.kind == "f":
            np.testing.assert_allclose(got[column], expected[column], rtol=times_rtol, atol=0, err_msg=column)
        else:
            np.testing.assert_array_equal(got[column].to_numpy(), expected[column].to_numpy(), err_msg=column)
    assert got.attrs == expected.attrs


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return datasets.load_cdnow()


@pytest.fixture(scope="module")
def other_log() -> pd.DataFrame:
    return make_other_log(seed=16, n=3_000, customers=400, start="2023-03-01", days=300, text_amounts=False)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("calibration_end", [None, "1997-09-30"])
def test_cdnow_equals_pandas(cdnow, engine, calibration_end):
    options = dict(observation_end="1998-06-30", calibration_end=calibration_end)
    expected = rfm_summarize(cdnow, "customer_id", "date", "dollar_value", **options)
    got = summarize(to_engine(cdnow, engine), "customer_id", "date", "dollar_value", **options)
    assert_same_table(got, expected, times_rtol=tolerance(engine))
    assert len(got) == 23_570 if calibration_end is None else len(got) > 0


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("options", [
    dict(),
    dict(time_unit="D", observation_end="2024-01-15", after_observation_end="drop"),
    dict(calibration_end="2023-09-30", time_unit="D"),
    dict(freq_multiplier=7, time_unit="D", observation_end="2024-02-01"),
])
def test_other_names_equal_pandas(other_log, engine, options):
    expected = rfm_summarize(other_log, "Kunde", "Zeitpunkt", "Betrag", **options)
    got = summarize(to_engine(other_log, engine), "Kunde", "Zeitpunkt", "Betrag", **options)
    assert_same_table(got, expected, times_rtol=tolerance(engine))
    assert got.index[0] == "00000"  # ids stay text


def test_without_amount_and_yyyymmdd_numbers(cdnow):
    log = cdnow.assign(date=cdnow["date"].dt.strftime("%Y%m%d").astype("int64"))
    expected = rfm_summarize(log, "customer_id", "date", observation_end="1998-06-30")
    for engine in ENGINES:
        assert_same_table(summarize(to_engine(log, engine), "customer_id", "date", observation_end="1998-06-30"),
                          expected, times_rtol=tolerance(engine))


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_path_and_glob_are_scanned_with_duckdb(tmp_path, other_log, kind):
    halves = [other_log.iloc[:1_500], other_log.iloc[1_500:]]
    for i, part in enumerate(halves):
        target = tmp_path / f"part{i}.{kind}"
        part.to_parquet(target) if kind == "parquet" else part.to_csv(target, index=False)
    expected = rfm_summarize(other_log, "Kunde", "Zeitpunkt", "Betrag")
    got = summarize(str(tmp_path / f"part*.{kind}"), "Kunde", "Zeitpunkt", "Betrag")
    assert_same_table(got, expected)
    assert engine_of(str(tmp_path / f"part0.{kind}")) == "duckdb"
    with pytest.raises(FileNotFoundError, match="no file matches"):
        summarize(str(tmp_path / "missing*.parquet"), "Kunde", "Zeitpunkt")


def test_native_output_is_the_engines_frame(other_log):
    relation = summarize(to_engine(other_log, "duckdb"), "Kunde", "Zeitpunkt", "Betrag", output="native")
    assert engine_of(relation) == "duckdb"
    lazy = summarize(to_engine(other_log, "polars"), "Kunde", "Zeitpunkt", "Betrag", output="native")
    assert isinstance(lazy, pl.LazyFrame)
    expected = rfm_summarize(other_log, "Kunde", "Zeitpunkt", "Betrag")
    from_relation = relation.df().sort_values("Kunde").set_index("Kunde")
    np.testing.assert_array_equal(from_relation["orders"], expected["orders"])
    np.testing.assert_allclose(lazy.collect().sort("Kunde")["T"].to_numpy(), expected["T"].to_numpy(), rtol=4e-16)


# ---------------------------------------------------------------------------------------------
# bad logs: the same error (type, column, count of bad rows) as the pandas path
# ---------------------------------------------------------------------------------------------

def _call(log, options):
    options = dict(options)
    args = dict(customer_col=options.pop("customer_col", "customer"), date_col="date",
                amount_col=options.pop("amount_col", "amount"))
    return summarize(log, **args, **options) if not isinstance(log, pd.DataFrame) else \
        rfm_summarize(log, **args, **options)


def _error(log, options) -> BaseException:
    with pytest.raises(ValidationError) as info:
        _call(log, options)
    return info.value


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", sorted(BAD_LOGS))
def test_bad_logs_raise_the_pandas_error(case, engine):
    """The same error in every engine: type, message (column, count of bad rows, remedy), attributes."""
    make, options = BAD_LOGS[case]
    expected = _error(make(), options)
    got = _error(to_engine(make(), engine), options)
    assert_same_error(got, expected, f"{case} on {engine}")
    if case in PARAMETER_CASES:
        assert expected.parameter == PARAMETER_CASES[case]
    else:  # about the log: names the column (an empty log has none) and counts the bad rows (a missing column: none)
        assert expected.column is not None or case == "empty", case
        assert expected.rows is not None or "column" in case, case
        if expected.rows:
            assert f"{expected.rows:,} row" in str(expected), case


def test_every_error_of_the_engine_module_is_of_the_family(tmp_path, other_log):
    with pytest.raises(MissingFileError, match="no file matches") as info:
        summarize(str(tmp_path / "missing*.parquet"), "Kunde", "Zeitpunkt")
    assert isinstance(info.value, FileNotFoundError) and info.value.parameter == "log"
    other_log.iloc[:5].to_parquet(tmp_path / "a.parquet")
    other_log.iloc[5:].to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(ValidationError, match="Parquet or CSV files, not both"):
        summarize([str(tmp_path / "a.parquet"), str(tmp_path / "b.csv")], "Kunde", "Zeitpunkt")
    with pytest.raises(ValidationError, match="output='native' is for engine frames") as info:
        summarize(other_log, "Kunde", "Zeitpunkt", output="native")
    assert info.value.parameter == "output"
    with pytest.raises(ValidationError, match="use 'pandas' or 'native'"):
        summarize(to_engine(other_log, "polars"), "Kunde", "Zeitpunkt", output="arrow")
    with pytest.raises(MissingColumnError, match=r"missing column\(s\) \['recency'\]") as info:
        pattern_table(to_engine(pd.DataFrame({"frequency": [1.0], "T": [2.0]}), "duckdb"))
    assert info.value.column == "recency" and isinstance(info.value, KeyError)
    with pytest.raises(WrongTypeError, match="must be a pandas DataFrame, a path"):
        engine_of(42)
    from crmlab.summaries import cohort_counts, purchase_days

    for call in (cohort_counts, purchase_days):
        with pytest.raises(WrongTypeError, match="takes? a pandas log") as info:
            call(other_log, "Kunde", "Zeitpunkt", *([None] if call is purchase_days else []))
        assert info.value.parameter == "log"
    with pytest.raises(ValidationError, match="n_lines >= n_customers") as info:
        write_synthetic_log(tmp_path / "x.parquet", n_lines=5, n_customers=10)
    assert info.value.parameter == "n_lines"


def test_spark_pattern_for_strftime():
    from crmlab.summaries import _java_pattern

    assert _java_pattern("%d/%m/%Y %H:%M") == "dd/MM/yyyy HH:mm"
    with pytest.raises(ValidationError, match="no Spark equivalent") as info:
        _java_pattern("%j")
    assert info.value.parameter == "date_format"


def test_date_format_in_the_engines():
    log = good_log().assign(date=["01/01/2024", "08/01/2024", "03/01/2024", "05/01/2024", "01/02/2024"])
    expected = rfm_summarize(log, "customer", "date", "amount", date_format="%d/%m/%Y")
    for engine in ENGINES:
        assert_same_table(summarize(to_engine(log, engine), "customer", "date", "amount", date_format="%d/%m/%Y"),
                          expected, times_rtol=tolerance(engine))


# ---------------------------------------------------------------------------------------------
# fits from pattern tables, scoring in the engine
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cdnow_summary(cdnow) -> pd.DataFrame:
    return rfm_summarize(cdnow, "customer_id", "date", "dollar_value", observation_end="1997-09-30",
                         after_observation_end="drop")


def _assert_same_fit(full, from_patterns):
    np.testing.assert_allclose(from_patterns.params_.to_numpy(), full.params_.to_numpy(), rtol=1e-9)
    assert from_patterns.log_likelihood_ == pytest.approx(full.log_likelihood_, rel=1e-9)
    assert from_patterns.n_customers_ == full.n_customers_


@pytest.mark.parametrize("model_class", [BetaGeo, ParetoNBD])
@pytest.mark.parametrize("engine", ["pandas", "duckdb", "polars"])
def test_pattern_table_fit_equals_full_fit(cdnow_summary, model_class, engine):
    table = cdnow_summary[["frequency", "recency", "T"]]
    source = table if engine == "pandas" else to_engine(table.reset_index(drop=True), engine)
    patterns = pattern_table(source)
    assert patterns.attrs["weights"] == "count"
    assert int(patterns["count"].sum()) == len(table) and len(patterns) < len(table)
    full = model_class().fit(table)
    _assert_same_fit(full, model_class().fit(patterns, weights="count"))
    _assert_same_fit(full, model_class().fit(patterns))  # the count column is recognised


def test_pattern_table_of_a_pandas_table_equals_the_engines(cdnow_summary):
    """pandas counts its patterns without narwhals: the same table (order, dtypes, attrs) as DuckDB and Polars."""
    for columns in (("frequency", "recency", "T"), ("frequency", "monetary_value")):
        expected = pattern_table(cdnow_summary, columns)
        assert list(expected.columns) == [*columns, "count"] and expected["count"].dtype == np.int64
        assert int(expected["count"].sum()) == len(cdnow_summary)
        for engine in ("duckdb", "polars"):
            pd.testing.assert_frame_equal(pattern_table(to_engine(cdnow_summary.reset_index(), engine), columns), expected)


def test_gamma_gamma_from_sufficient_statistics(cdnow_summary):
    repeat = cdnow_summary[(cdnow_summary["frequency"] > 0) & (cdnow_summary["monetary_value"] > 0)]
    patterns = pattern_table(to_engine(repeat.reset_index(drop=True), "duckdb"), ("frequency", "monetary_value"))
    _assert_same_fit(GammaGamma().fit(repeat), GammaGamma().fit(patterns, weights="count"))


def test_bgbb_pattern_table_equals_one_row_per_donor():
    donations = datasets.load_donations()
    per_donor = donations.loc[donations.index.repeat(donations["donors"]), ["frequency", "recency", "periods"]]
    patterns = pattern_table(to_engine(per_donor.reset_index(drop=True), "polars"), ("frequency", "recency", "periods"))
    assert len(patterns) == len(donations)
    _assert_same_fit(BetaGeoBetaBinom().fit(per_donor), BetaGeoBetaBinom().fit(patterns))


@pytest.mark.parametrize("engine", ["pandas", "duckdb", "polars"])
def test_scores_joined_back_equal_direct_predictions(cdnow_summary, engine):
    customers = cdnow_summary.loc[cdnow_summary["total_spend"] > 0, ["frequency", "recency", "T", "monetary_value"]]
    customers = customers[(customers["frequency"] == 0) | (customers["monetary_value"] > 0)]
    purchase = BetaGeo().fit(customers)
    spend = GammaGamma().fit(customers[customers["frequency"] > 0])
    source = customers if engine == "pandas" else to_engine(customers.reset_index(), engine)
    scored = score(source, purchase, spend_model=spend, horizon=39, clv_periods=12, discount_rate=0.01,
                   period_length=52 / 12, margin=0.3)
    if engine != "pandas":
        scored = nw_to_pandas(scored).sort_values("customer_id").set_index("customer_id")
    from crmlab.clv import customer_lifetime_value

    np.testing.assert_allclose(scored["probability_alive"], purchase.probability_alive(customers), rtol=1e-12)
    np.testing.assert_allclose(scored["expected_purchases"], purchase.expected_purchases(customers, 39), rtol=1e-12)
    np.testing.assert_allclose(scored["expected_spend"], spend.expected_spend(customers), rtol=1e-12)
    np.testing.assert_allclose(scored["clv"], customer_lifetime_value(purchase, spend, customers, 12, 0.01,
                                                                      period_length=52 / 12, margin=0.3), rtol=1e-10)


def nw_to_pandas(native) -> pd.DataFrame:
    import narwhals as nw

    frame = nw.from_native(native)
    return (frame.collect() if isinstance(frame, nw.LazyFrame) else frame).to_pandas()


# ---------------------------------------------------------------------------------------------
# loaders and models fit together (issue 11 item 3)
# ---------------------------------------------------------------------------------------------

def test_every_model_fits_every_loader_meant_for_it(cdnow):
    donations = datasets.load_donations()
    bgbb = BetaGeoBetaBinom().fit(donations)  # no weights argument: the loader names its count column
    assert bgbb.n_customers_ == 11_104
    np.testing.assert_allclose(bgbb.params_.round(3).to_numpy(), [1.204, 0.750, 0.657, 2.783])
    assert round(bgbb.log_likelihood_, 1) == -33225.6

    cohorts = datasets.load_retention_cohorts()
    regular = cohorts[(cohorts["cohort"] == "regular") & (cohorts["year"] <= 7)].sort_values("year")
    np.testing.assert_allclose(ShiftedBetaGeo().fit(regular["surviving_customers"]).params_.round(3), [0.704, 1.182])

    summary = rfm_summarize(datasets.load_cdnow("sample"), "sample_id" if "sample_id" in
                            datasets.load_cdnow("sample") else "customer_id", "date", "dollar_value",
                            observation_end="1997-09-30", after_observation_end="drop")
    for model in (BetaGeo(), ParetoNBD()):
        model.fit(summary)
        assert model.n_customers_ == len(summary)
    spend = GammaGamma().fit(summary[summary["frequency"] > 0])
    assert spend.n_customers_ == int((summary["frequency"] > 0).sum())


def test_pattern_table_without_weights_warns():
    donations = datasets.load_donations()
    stripped = donations.copy()
    stripped.attrs.clear()
    with pytest.warns(MissingWeightsWarning, match="'donors'"):
        wrong = BetaGeoBetaBinom().fit(stripped)
    assert wrong.n_customers_ == len(donations)  # it did fit each row as one donor, as warned
    patterns = pattern_table(pd.DataFrame({"frequency": [0.0, 1.0, 1.0], "recency": [0.0, 2.0, 2.0],
                                           "T": [5.0, 5.0, 5.0]})).rename(columns={"count": "n_rows"})
    with pytest.warns(MissingWeightsWarning, match="pattern_table"):
        BetaGeo(max_iter=5).fit(patterns)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingWeightsWarning)
        BetaGeoBetaBinom().fit(stripped, weights="donors")
    with pytest.raises(ValueError, match="'donours' is not a column"):
        BetaGeoBetaBinom().fit(donations, weights="donours")
    with pytest.raises(ValueError, match="column 'donors': 1 of 22 rows are negative"):
        BetaGeoBetaBinom().fit(donations.assign(donors=donations["donors"].where(donations.index != 3, -1)))


# ---------------------------------------------------------------------------------------------
# a synthetic Parquet log (the generator of the benchmarks), sampled customers equal pandas
# ---------------------------------------------------------------------------------------------

def test_synthetic_parquet_log_summarised_by_path(tmp_path):
    path = write_synthetic_log(tmp_path / "log.parquet", n_lines=20_000, n_customers=2_000, seed=3)
    got = summarize(path, "customer_id", "date", "amount")
    assert len(got) == 2_000
    expected = rfm_summarize(pd.read_parquet(path), "customer_id", "date", "amount")
    assert_same_table(got, expected)
    again = write_synthetic_log(tmp_path / "again.parquet", n_lines=20_000, n_customers=2_000, seed=3)
    pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(again))


def test_rfm_summarize_delegates_to_the_engines(tmp_path, other_log):
    path = tmp_path / "log.parquet"
    other_log.to_parquet(path)
    expected = rfm_summarize(other_log, "Kunde", "Zeitpunkt", "Betrag")
    assert_same_table(rfm_summarize(str(path), "Kunde", "Zeitpunkt", "Betrag"), expected)
    assert_same_table(rfm_summarize(pl.from_pandas(other_log), "Kunde", "Zeitpunkt", "Betrag"), expected,
                      times_rtol=tolerance("polars"))
    with pytest.raises(TypeError, match="must be a pandas DataFrame, a path"):
        rfm_summarize(42, "Kunde", "Zeitpunkt")
