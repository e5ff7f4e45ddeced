"""crmlab.rfm.summarize: published CDNOW numbers, hand-computed cases, lifetimes' conventions, speed."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab.rfm import summarize
from crmlab.transactions import TransactionLogError
from tests.conftest import SHARED

CDNOW_SAMPLE = SHARED / "data" / "cdnow" / "CDNOW_sample.txt"


@pytest.fixture(scope="module")
def cdnow_log() -> pd.DataFrame:
    """The CDNOW 1/10 sample: sample_id (1..2,357), date, number_of_cds, dollar_value."""
    try:
        from crmlab.datasets import load_cdnow  # noqa: PLC0415
    except ImportError:  # the loader is not there yet: read the raw file
        return pd.read_csv(
            CDNOW_SAMPLE, sep=r"\s+", header=None,
            names=["customer_id", "sample_id", "date", "number_of_cds", "dollar_value"],
        )
    return load_cdnow("sample")


@pytest.fixture(scope="module")
def cdnow_summary(cdnow_log) -> pd.DataFrame:
    return summarize(
        cdnow_log, "sample_id", "date", "dollar_value",
        observation_end="1998-06-30", calibration_end="1997-09-30", time_unit="W",
    )


# --- published CDNOW calibration / holdout data (Fader, Hardie & Lee 2005) -----------------------


def test_cdnow_sample_has_2357_customers_and_39_week_holdout(cdnow_summary):
    assert len(cdnow_summary) == 2357
    assert cdnow_summary.attrs["customers_first_purchase_after_calibration"] == 0
    assert (cdnow_summary["duration_holdout"] == 39.0).all()


def test_cdnow_repeat_transactions_calibration_and_holdout(cdnow_summary):
    # 1,411 customers without a repeat purchase in weeks 1-39, hence 946 repeat buyers
    assert (cdnow_summary["frequency_cal"] == 0).sum() == 1411
    assert (cdnow_summary["frequency_cal"] > 0).sum() == 946
    # repeat transactions: 2,457 in the calibration weeks, 1,882 in the 39 holdout weeks
    assert cdnow_summary["frequency_cal"].sum() == 2457
    assert cdnow_summary["frequency_holdout"].sum() == 1882


def test_cdnow_first_customer_matches_lifetimes_docstring(cdnow_summary):
    # lifetimes: "freq='D' and freq_multiplier=7 ... will lead to recency=30.43 and T=38.86"
    first = cdnow_summary.loc[1]
    assert first["frequency_cal"] == 2
    assert first["recency_cal"] == pytest.approx(213 / 7)
    assert first["T_cal"] == pytest.approx(272 / 7)
    assert round(first["T_cal"], 2) == 38.86
    assert first["monetary_value_cal"] == pytest.approx((29.73 + 14.96) / 2)
    assert first["frequency_holdout"] == 1
    assert first["monetary_value_holdout"] == pytest.approx(26.48)


def test_cdnow_gamma_gamma_input(cdnow_summary):
    # the 946 repeat buyers' mean repeat spend: mean $35.08, max $299.63 (Fader & Hardie 2013)
    spend = cdnow_summary.loc[cdnow_summary["frequency_cal"] > 0, "monetary_value_cal"]
    assert spend.mean() == pytest.approx(35.078, abs=5e-4)
    assert spend.max() == pytest.approx(299.63, abs=5e-3)
    assert (cdnow_summary.loc[cdnow_summary["frequency_cal"] == 0, "monetary_value_cal"] == 0).all()


def test_cdnow_days_equals_weeks_times_seven(cdnow_log, cdnow_summary):
    in_days = summarize(cdnow_log, "sample_id", "date", "dollar_value", observation_end="1998-06-30",
                        calibration_end="1997-09-30", time_unit="D")
    np.testing.assert_allclose(in_days["T_cal"], cdnow_summary["T_cal"] * 7)
    lifetimes_style = summarize(cdnow_log, "sample_id", "date", "dollar_value", observation_end="1998-06-30",
                                calibration_end="1997-09-30", time_unit="D", freq_multiplier=7)
    pd.testing.assert_frame_equal(lifetimes_style, cdnow_summary, check_exact=False, rtol=1e-12)


# --- hand-computed cases ---------------------------------------------------------------------------


@pytest.fixture
def small_log() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "who": ["a", "a", "a", "a", "b", "c", "c"],
            "when": ["2024-01-01 09:00", "2024-01-01 17:30", "2024-01-15", "2024-01-29",
                     "2024-01-08", "2024-01-22", "2024-02-05"],
            "spend": [10.0, 5.0, 20.0, 40.0, 7.0, 3.0, 9.0],
        }
    )


def test_hand_computed_summary(small_log):
    result = summarize(small_log, "who", "when", "spend", observation_end="2024-02-12")
    expected = pd.DataFrame(
        {
            # a: days 01-01 (10+5 merge), 01-15, 01-29; b: 01-08; c: 01-22, 02-05; end 02-12
            "frequency": [2.0, 0.0, 1.0],
            "recency": [4.0, 0.0, 2.0],
            "T": [6.0, 5.0, 3.0],
            "monetary_value": [30.0, 0.0, 9.0],
            "recency_days": [14, 35, 7],
            "orders": [3, 1, 2],
            "total_spend": [75.0, 7.0, 12.0],
        },
        index=pd.Index(["a", "b", "c"], name="who"),
    )
    pd.testing.assert_frame_equal(result, expected, check_dtype=False, check_index_type=False)


def test_hand_computed_calibration_and_holdout(small_log):
    result = summarize(small_log, "who", "when", "spend", observation_end="2024-02-12",
                       calibration_end="2024-01-15", time_unit="D")
    # c first bought after the calibration end: left out and counted
    assert result.index.tolist() == ["a", "b"]
    assert result.attrs["customers_first_purchase_after_calibration"] == 1
    a, b = result.loc["a"], result.loc["b"]
    assert (a["frequency_cal"], a["recency_cal"], a["T_cal"]) == (1.0, 14.0, 14.0)
    assert a["monetary_value_cal"] == 20.0
    assert (a["frequency_holdout"], a["monetary_value_holdout"], a["total_spend_holdout"]) == (1.0, 40.0, 40.0)
    assert (b["frequency_cal"], b["T_cal"], b["frequency_holdout"], b["monetary_value_holdout"]) == (0.0, 7.0, 0.0, 0.0)
    assert (result["duration_holdout"] == 28.0).all()


def test_purchase_on_calibration_end_day_is_in_calibration():
    log = pd.DataFrame({"id": [1, 1], "t": ["2024-01-01 08:00", "2024-01-10 23:59"]})
    result = summarize(log, "id", "t", calibration_end="2024-01-10", observation_end="2024-01-20", time_unit="D")
    assert result.loc[1, "frequency_cal"] == 1
    assert result.loc[1, "frequency_holdout"] == 0


def test_without_amount_there_are_no_money_columns(small_log):
    result = summarize(small_log, "who", "when")
    assert list(result.columns) == ["frequency", "recency", "T", "recency_days", "orders"]
    # the observation end defaults to the last purchase day (2024-02-05)
    assert result.loc["c", "T"] == 2.0


def test_rows_after_observation_end_raise_or_are_dropped_and_counted(small_log):
    with pytest.raises(TransactionLogError, match=r"column 'when' has 2 rows after the observation end 2024-01-22"):
        summarize(small_log, "who", "when", "spend", observation_end="2024-01-22")
    result = summarize(small_log, "who", "when", "spend", observation_end="2024-01-22",
                       after_observation_end="drop")
    assert result.attrs["rows_after_observation_end"] == 2
    assert result.loc["a", "frequency"] == 1
    assert result.loc["c", "orders"] == 1


def test_bad_logs_are_refused_at_the_door(small_log):
    with pytest.raises(TransactionLogError, match="no column"):
        summarize(small_log, "customer", "when")
    bad = small_log.assign(spend=small_log["spend"].where(small_log.index != 2, -20.0))
    with pytest.raises(TransactionLogError, match=r"column 'spend' has negative amounts .* in 1 row"):
        summarize(bad, "who", "when", "spend")
    with pytest.raises(ValueError, match="time_unit"):
        summarize(small_log, "who", "when", time_unit="M")
    with pytest.raises(ValueError, match="before the observation end"):
        summarize(small_log, "who", "when", calibration_end="2024-03-01", observation_end="2024-02-12")


def test_integer_and_text_customer_ids_give_the_same_numbers(small_log):
    as_text = summarize(small_log, "who", "when", "spend")
    as_numbers = summarize(small_log.assign(who=small_log["who"].map({"a": 3, "b": 1, "c": 2})), "who", "when", "spend")
    np.testing.assert_allclose(as_numbers.loc[[3, 1, 2]].to_numpy(float), as_text.to_numpy(float))
    assert as_numbers.index.tolist() == [1, 2, 3]


# --- same conventions as lifetimes' summary_data_from_transaction_data (freq="D") -------------------


def lifetimes_reference(log: pd.DataFrame, end: pd.Timestamp, freq_multiplier: float) -> pd.DataFrame:
    """lifetimes' algorithm with freq="D", written with plain pandas group-bys.

    Amounts of one customer-day are summed; the first day is left out of the mean;
    customers without repeat days get 0.
    """
    daily = (
        log.assign(day=pd.to_datetime(log["date"]).dt.floor("D"))
        .groupby(["customer", "day"], as_index=False)["amount"].sum()
    )
    per_customer = daily.groupby("customer")["day"].agg(["min", "max", "count"])
    out = pd.DataFrame(index=per_customer.index)
    out["frequency"] = (per_customer["count"] - 1).astype(float)
    out["recency"] = (per_customer["max"] - per_customer["min"]).dt.days / freq_multiplier
    out["T"] = (end - per_customer["min"]).dt.days / freq_multiplier
    repeat = daily[daily["day"] != daily["customer"].map(per_customer["min"])]
    out["monetary_value"] = repeat.groupby("customer")["amount"].mean().reindex(out.index).fillna(0.0)
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 60), st.integers(0, 23), st.integers(0, 500)),
        min_size=1, max_size=60,
    )
)
def test_matches_lifetimes_conventions_on_random_logs(rows):
    log = pd.DataFrame(
        {
            "customer": [r[0] for r in rows],
            "date": [pd.Timestamp("2023-03-01") + pd.Timedelta(days=r[1], hours=r[2]) for r in rows],
            "amount": [r[3] / 4 for r in rows],
        }
    )
    end = pd.Timestamp("2023-05-15")
    ours = summarize(log, "customer", "date", "amount", observation_end=end, time_unit="W")
    reference = lifetimes_reference(log, end, 7.0)
    pd.testing.assert_frame_equal(
        ours[["frequency", "recency", "T", "monetary_value"]], reference,
        check_exact=False, rtol=1e-12, check_names=False, check_index_type=False,
    )
    # properties: orders = frequency + 1, recency <= T, money adds up
    assert (ours["orders"] == ours["frequency"] + 1).all()
    assert (ours["recency"] <= ours["T"]).all()
    assert ours["total_spend"].sum() == pytest.approx(log["amount"].sum())


def test_a_large_random_log_merges_same_day_orders():
    # speed is measured in benchmarks/bench_rfm.py, never here
    rng = np.random.default_rng(7)
    n = 200_000
    log = pd.DataFrame(
        {
            "customer": rng.integers(0, 200_000, n),
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365 * 86400, n), unit="s"),
            "amount": rng.gamma(2.0, 20.0, n).round(2),
        }
    )
    result = summarize(log, "customer", "date", "amount")
    assert result["orders"].sum() == log.assign(day=log["date"].dt.floor("D")).drop_duplicates(["customer", "day"]).shape[0]


# --- RFM scores and named segments ------------------------------------------------------------------

from crmlab.lang import label, localize  # noqa: E402
from crmlab.rfm import (  # noqa: E402
    SEGMENT_GRID,
    SEGMENTS,
    plot_segment_grid,
    quantile_scores,
    rfm_scores,
    rfm_segments,
    segment_grid_counts,
    segment_profile,
)


def test_quantile_scores_distinct_values_make_equal_bins():
    assert quantile_scores(pd.Series(range(1, 11))).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quantile_scores(pd.Series(range(10, 0, -1)), higher_is_better=False).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_quantile_scores_ties_share_a_score():
    # 4 of 10 customers bought once: none of them may score above the others; score 2 stays empty
    values = pd.Series([1, 1, 1, 1, 2, 2, 3, 4, 5, 6])
    assert quantile_scores(values).tolist() == [1, 1, 1, 1, 3, 3, 4, 4, 5, 5]
    assert quantile_scores(pd.Series([7, 7, 7])).tolist() == [1, 1, 1]
    with pytest.raises(ValueError, match="bins"):
        quantile_scores(values, bins=1)
    with pytest.raises(ValueError, match="1 missing"):
        quantile_scores(pd.Series([1.0, np.nan]))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=80), st.integers(2, 7))
def test_quantile_scores_properties(values, bins):
    series = pd.Series(values)
    scores = quantile_scores(series, bins)
    assert scores.between(1, bins).all()
    order = np.argsort(series.to_numpy(), kind="stable")
    assert (np.diff(scores.to_numpy()[order]) >= 0).all()  # never lower for a higher value
    assert (scores.groupby(series).nunique() == 1).all()  # ties share one score
    # the share of customers scoring at most k never exceeds... k / bins, up to the tie block at the edge
    share_below = (series.rank(method="min") - 1) / len(series)
    assert ((scores - 1) <= share_below * bins + 1e-9).all()


def test_rfm_scores_hand_computed():
    summary = pd.DataFrame(
        {
            "recency_days": [3, 10, 10, 60, 200, 400],
            "orders": [9, 4, 4, 2, 1, 1],
            "total_spend": [900.0, 150.0, 160.0, 80.0, 30.0, 10.0],
        },
        index=pd.Index(list("abcdef"), name="customer"),
    )
    scores = rfm_scores(summary, bins=3)
    assert scores["recency_score"].tolist() == [3, 2, 2, 2, 1, 1]
    assert scores["frequency_score"].tolist() == [3, 2, 2, 2, 1, 1]
    # spend 150 has 3 customers below it (3 * 3 // 6 = 1 -> score 2), 160 has 4 (-> score 3)
    assert scores["monetary_score"].tolist() == [3, 2, 3, 2, 1, 1]
    assert scores["rfm_cell"].tolist() == ["333", "222", "223", "222", "111", "111"]
    assert scores["rfm_total"].tolist() == [9, 6, 7, 6, 3, 3]
    with pytest.raises(ValueError, match="no column"):
        rfm_scores(summary.drop(columns="orders"))


def test_rfm_segments_grid_cells():
    scores = pd.DataFrame(
        {
            "recency_score": [5, 5, 4, 4, 3, 3, 3, 2, 2, 1, 1],
            "frequency_score": [5, 1, 5, 1, 4, 3, 1, 3, 5, 5, 1],
            "monetary_score": [4, 1, 4, 1, 3, 3, 2, 4, 5, 4, 1],
        }
    )
    # FM = (F + M + 1) // 2: 5, 1, 5, 1, 4, 3, 2, 4, 5, 5, 1
    assert rfm_segments(scores).tolist() == [
        "champions", "new_customers", "champions", "promising", "loyal_customers", "need_attention",
        "about_to_sleep", "at_risk", "cant_lose_them", "cant_lose_them", "lost",
    ]
    with pytest.raises(ValueError, match=r"column 'recency_score' has 1 scores outside 1..5"):
        rfm_segments(scores.assign(recency_score=[6] + [1] * 10))


def test_every_segment_is_reachable_and_named_in_both_languages():
    assert set(SEGMENT_GRID.to_numpy().ravel()) == set(SEGMENTS)
    for key in SEGMENTS:
        assert label(key, "en") and label(key, "zh")
    every = pd.DataFrame(
        [(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)],
        columns=["recency_score", "frequency_score", "monetary_score"],
    )
    segments = rfm_segments(every)
    assert segments.notna().all() and set(segments) == set(SEGMENTS)
    assert list(segments.cat.categories) == list(SEGMENTS)


def test_segment_profile_hand_computed():
    summary = pd.DataFrame(
        {"recency_days": [5, 15, 300, 100], "orders": [6, 4, 1, 2], "total_spend": [300.0, 100.0, 50.0, 50.0]},
        index=["a", "b", "c", "d"],
    )
    segments = pd.Series(pd.Categorical(["champions", "champions", "lost", "at_risk"], categories=SEGMENTS),
                         index=["a", "b", "c", "d"])
    profile = segment_profile(summary, segments)
    assert profile.index.tolist() == ["champions", "at_risk", "lost"]
    assert profile.loc["champions"].to_dict() == {
        "customers": 2, "customer_share": 0.5, "mean_recency_days": 10.0, "mean_orders": 5.0,
        "mean_spend": 200.0, "revenue_share": 0.8,
    }
    assert profile["revenue_share"].sum() == pytest.approx(1.0)
    shown = localize(segment_profile(summary, segments), "zh")
    assert shown.index.tolist() == ["冠军客户", "有流失风险客户", "流失客户"]
    assert "客户数" in shown.columns and shown.index.name == "细分群体"
    assert shown.to_numpy().tolist() == profile.to_numpy().tolist()


def test_cdnow_segments_order_by_value(cdnow_log):
    summary = summarize(cdnow_log, "sample_id", "date", "dollar_value", observation_end="1998-06-30")
    scores = rfm_scores(summary)
    segments = rfm_segments(scores)
    profile = segment_profile(summary, segments)
    assert profile["customers"].sum() == 2357
    assert profile.loc["champions", "mean_spend"] > profile.loc["lost", "mean_spend"]
    assert profile.loc["champions", "mean_recency_days"] < profile.loc["lost", "mean_recency_days"]
    assert segment_grid_counts(scores).to_numpy().sum() == 2357


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_segment_grid_plot_in_both_languages(cdnow_log, lang):
    from crmlab.plotting import use_theme  # noqa: PLC0415

    use_theme(lang)
    scores = rfm_scores(summarize(cdnow_log, "sample_id", "date", "dollar_value"))
    ax = plot_segment_grid(scores, lang=lang)
    ax.figure.canvas.draw()  # a missing glyph would fail here (pytest turns the warning into an error)
    assert ax.get_title() == label("segment_grid_title", lang)
    assert len(ax.texts) == 25


# --- customer id types -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ids",
    [
        [10**12, 10**12, 10**12, 10**12, 5, -3, -3],  # integers far apart: hashed, not a lookup table
        pd.array([7, 7, 7, 7, 8, 9, 9], dtype="Int64"),  # nullable integers
        pd.Categorical(["x", "x", "x", "x", "y", "z", "z"]),
        [1.5, 1.5, 1.5, 1.5, 2.5, 3.5, 3.5],
    ],
    ids=["wide integers", "nullable integers", "categorical", "floats"],
)
def test_customer_id_types_give_the_same_numbers(small_log, ids):
    reference = summarize(small_log, "who", "when", "spend")
    result = summarize(small_log.assign(who=ids), "who", "when", "spend")
    assert not isinstance(result.index, pd.CategoricalIndex)
    by_first_row = pd.Series(ids).drop_duplicates().tolist()
    np.testing.assert_allclose(result.loc[by_first_row].to_numpy(float), reference.to_numpy(float))
    assert result.index.is_monotonic_increasing


def test_missing_nullable_customer_id_is_refused(small_log):
    ids = pd.array([7, 7, None, 7, 8, 9, 9], dtype="Int64")
    with pytest.raises(TransactionLogError, match="column 'who' has no customer id in 1 row of 7"):
        summarize(small_log.assign(who=ids), "who", "when", "spend")


# --- segment actions, score summaries and the lecture's plots -------------------------------------


def test_every_segment_has_a_distinct_action_in_both_languages():
    from crmlab.rfm import SEGMENTS, segment_actions

    for code in ("en", "zh"):
        actions = segment_actions(code)
        assert list(actions.index) == list(SEGMENTS)
        assert actions.str.len().gt(5).all()
        assert actions.is_unique
    assert segment_actions("zh")["lost"] != segment_actions("en")["lost"]


def test_score_summary_hand_computed_monetary_and_recency():
    from crmlab.rfm import score_summary

    table = pd.DataFrame({"recency_days": [1, 2, 3, 4, 5, 6], "orders": [1, 1, 1, 1, 2, 3],
                          "total_spend": [10.0, 20.0, 30.0, 40.0, 50.0, 50.0]})
    money = score_summary(table, "monetary", bins=3)
    assert money["customers"].tolist() == [2, 2, 2]
    assert money["lowest_value"].tolist() == [10.0, 30.0, 50.0]
    assert np.allclose(money["revenue_share"], [30 / 200, 70 / 200, 100 / 200])
    # recency: few days since the last purchase score high
    recent = score_summary(table, "recency", bins=3)
    assert recent.loc[3, "highest_value"] == 2 and recent.loc[1, "lowest_value"] == 5
    assert np.allclose(recent["revenue_share"], [100 / 200, 70 / 200, 30 / 200])
    # ties: four one-order customers share score 1, score 2 stays empty but is listed
    freq = score_summary(table, "frequency", bins=3)
    assert freq["customers"].tolist() == [4, 0, 1] or freq["customers"].tolist() == [4, 0, 2]
    assert freq.loc[2, "customers"] == 0 and np.isnan(freq.loc[2, "lowest_value"])
    assert freq["customers"].sum() == len(table)


def test_score_summary_shares_add_up_and_headers_translate():
    from crmlab.rfm import score_summary

    rng = np.random.default_rng(3)
    table = pd.DataFrame({"days": rng.integers(0, 300, 500), "orders": rng.integers(1, 9, 500),
                          "total_spend": rng.gamma(2.0, 50.0, 500)})
    for bins in (2, 5, 10):
        result = score_summary(table, "recency", bins=bins, recency_col="days")
        assert len(result) == bins
        assert result["customers"].sum() == 500
        assert np.isclose(result["customer_share"].sum(), 1) and np.isclose(result["revenue_share"].sum(), 1)
    zh = localize(score_summary(table, "frequency"), "zh")
    assert zh.index.name == "得分" and "客户数" in zh.columns
    with pytest.raises(ValueError, match="dimension"):
        score_summary(table, "loyalty")
    with pytest.raises(ValueError, match="recency_days"):
        score_summary(table, "recency")


def test_plot_segment_grid_frames_the_cells_of_the_highlighted_segment():
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from crmlab.rfm import SEGMENT_GRID, plot_segment_grid

    scores = pd.DataFrame({"recency_score": [5, 1, 2], "frequency_score": [5, 1, 4], "monetary_score": [5, 1, 4]})
    for segment in ("at_risk", "champions", "lost"):
        ax = plot_segment_grid(scores, "zh", highlight=segment)
        frames = [p for p in ax.patches if isinstance(p, Rectangle)]
        assert len(frames) == int((SEGMENT_GRID == segment).to_numpy().sum())
        plt.close(ax.figure)
    with pytest.raises(ValueError, match="not a segment"):
        plot_segment_grid(scores, highlight="vip")
    plt.close("all")


def test_plot_segment_shares_draws_two_bars_per_segment():
    import matplotlib.pyplot as plt

    from crmlab.rfm import plot_score_summary, plot_segment_shares, segment_profile

    summary = pd.DataFrame({"recency_days": [5, 10, 300], "orders": [6, 4, 1],
                            "total_spend": [300.0, 100.0, 100.0]}, index=["a", "b", "c"])
    profile = segment_profile(summary, pd.Series(["champions", "champions", "lost"], index=["a", "b", "c"]))
    ax = plot_segment_shares(profile, "zh")
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths == sorted([round(100 * 2 / 3, 6), round(100 / 3, 6), 80.0, 20.0])
    ticks = dict(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()]))
    assert ticks == {1: "冠军客户", 0: "流失客户"}  # the first segment on top
    with pytest.raises(ValueError, match="customer_share"):
        plot_segment_shares(profile.drop(columns="customer_share"))
    ax = plot_score_summary(summary, "monetary", bins=2, lang="en")
    assert len(ax.patches) == 4
    plt.close("all")


def test_quantile_scores_treat_floating_point_noise_as_a_tie():
    from crmlab.rfm import quantile_scores

    noisy = pd.Series([0.1 + 0.2, 0.3, 0.1, 0.2, 0.5, 226.85000000000002, 226.85, 1e-7, 1e-7 * (1 + 1e-15), 0.0])
    scores = quantile_scores(noisy)
    assert scores[0] == scores[1]  # 0.30000000000000004 and 0.3
    assert scores[5] == scores[6]
    assert scores[7] == scores[8]
    assert scores[9] == 1 and scores[6] == 5
    # genuinely different values still differ
    assert quantile_scores(pd.Series([1.0, 1.0 + 1e-6]), bins=2).tolist() == [1, 2]


def test_segment_grid_colour_bar_in_a_given_axes_and_frames_drawn_alone():
    from matplotlib.figure import Figure

    from crmlab.rfm import SEGMENT_GRID, frame_segment, plot_segment_grid

    scores = pd.DataFrame({"recency_score": [5, 1, 2], "frequency_score": [5, 1, 4], "monetary_score": [5, 1, 4]})
    ax, cax = Figure().subplots(1, 2)
    plot_segment_grid(scores, "en", ax=ax, cax=cax)
    assert len(ax.figure.axes) == 2 and cax.get_ylabel() == "Customers"
    frames = frame_segment(ax, "at_risk")
    assert len(frames) == int((SEGMENT_GRID == "at_risk").to_numpy().sum()) and all(f in ax.patches for f in frames)
    with pytest.raises(ValueError, match="not a segment"):
        frame_segment(ax, "vip")
