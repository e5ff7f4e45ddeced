"""crmlab.lifecycle: stage data, the stage rule, cohorts, migration and the Markov chain.

Numbers are checked against hand-worked cases and against independent plain-pandas / numpy
computations (cohort tables, features, matrix powers).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from crmlab import lifecycle as lc
from crmlab.lang import localize
from crmlab.migration import segment_migration
from crmlab.transactions import TransactionLogError
from tests.conftest import ROOT

HAN = re.compile(r"[\u4e00-\u9fff]")


def _random_log(seed: int, n: int = 3000, customers: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2022-01-01")
    return pd.DataFrame({
        "cust": rng.integers(0, customers, n).astype(str),
        "when": start + pd.to_timedelta(rng.integers(0, 700 * 24, n), unit="h"),
        "spend": rng.gamma(2.0, 20.0, n).round(2),
    })


# --- the stages as data -------------------------------------------------------------------------

def test_stage_table_has_seven_bilingual_stages_in_order():
    en, zh = lc.stage_table("en"), lc.stage_table("zh")
    assert list(en.index) == list(lc.LIFECYCLE_STAGES) and len(en) == 7
    assert en.iloc[:, 0].tolist()[:4] == ["Potential", "Development", "Growth", "Maturity"]
    assert zh.iloc[:, 0].tolist() == ["潜在期", "开发期", "成长期", "成熟期", "衰退期", "终止期", "恢复期"]
    assert all(HAN.search(text) for text in zh.to_numpy().ravel())
    assert "maturity" in en.loc["recovery"].iloc[1].lower()  # recovery leads back into maturity


def test_lead_funnel_conversion_rates_by_hand():
    funnel = lc.lead_funnel({"to_be_identified": 2000, "potential_customer": 800, "sales_opportunity": 200,
                             "order_customer": 50, "user": 45})
    assert np.isnan(funnel["conversion_from_previous"].iloc[0])
    np.testing.assert_allclose(funnel["conversion_from_previous"].iloc[1:], [0.4, 0.25, 0.25, 0.9])
    np.testing.assert_allclose(funnel["conversion_from_first"], [1, 0.4, 0.1, 0.025, 0.0225])
    zh = localize(lc.lead_funnel([10, 5, 2, 1, 1]), "zh")
    assert zh.index[0] == "待识别客户" and zh.index[3] == "订单客户" and zh.index.name == "线索阶段"


def test_lead_funnel_refuses_bad_counts():
    with pytest.raises(ValueError, match="cannot grow: 1 stage"):
        lc.lead_funnel([10, 20, 5, 1, 1])
    with pytest.raises(ValueError, match="give 5 counts"):
        lc.lead_funnel([10, 5])
    with pytest.raises(ValueError, match=">= 0; 1 are not"):
        lc.lead_funnel([10, 5, -1, 0, 0])
    with pytest.raises(KeyError, match="missing"):
        lc.lead_funnel({"to_be_identified": 1})


# --- the stage rule -----------------------------------------------------------------------------

def _features(**columns) -> pd.DataFrame:
    base = {"tenure_days": 400, "recency_days": 10, "purchase_days": 6, "typical_gap_days": 30.0,
            "spend_recent": 100.0, "spend_previous": 100.0, "comeback_gap_days": 0.0, "days_recent": 3,
            "days_previous": 3}
    base.update(columns)
    return pd.DataFrame({k: [v] for k, v in base.items()})


@pytest.mark.parametrize("columns, stage", [
    ({}, "maturity"),
    ({"recency_days": 181}, "termination"),
    ({"recency_days": 180}, "decline"),                      # 180 > 2 x 30: late for its own rhythm
    ({"recency_days": 61}, "decline"),
    ({"recency_days": 60}, "maturity"),                      # exactly 2 x the typical gap is not late
    ({"comeback_gap_days": 200}, "recovery"),
    ({"comeback_gap_days": 200, "recency_days": 190}, "termination"),  # termination is checked first
    ({"tenure_days": 90, "purchase_days": 1, "typical_gap_days": np.nan}, "development"),
    ({"tenure_days": 91, "purchase_days": 1, "typical_gap_days": np.nan}, "decline"),
    ({"spend_recent": 49.0}, "decline"),
    ({"spend_recent": 125.0}, "growth"),
    ({"spend_recent": 124.0}, "maturity"),
    ({"spend_recent": 10.0, "spend_previous": 0.0}, "growth"),
    # a slow, regular buyer between two purchases: nothing in either window is not growth
    ({"spend_recent": 0.0, "spend_previous": 0.0, "recency_days": 120, "typical_gap_days": 150.0}, "maturity"),
])
def test_each_rule_by_hand(columns, stage):
    # the spend-ratio rule alone (no age rule, no test on purchase days): see the next tests for those
    assert lc.classify_stages(_features(**columns), SPEND_ONLY).iloc[0] == stage


SPEND_ONLY = lc.StageRules(growth_days=None, trend_alpha=None)


@pytest.mark.parametrize("columns, stage", [
    ({}, "maturity"),
    ({"spend_recent": 125.0}, "maturity"),                            # more spend, same 3 purchase days: noise
    ({"spend_recent": 300.0, "days_recent": 9, "days_previous": 1}, "growth"),   # P(X >= 9 | 10) = 0.011
    ({"spend_recent": 300.0, "days_recent": 6, "days_previous": 2}, "maturity"),  # P(X >= 6 | 8) = 0.145
    ({"spend_recent": 30.0, "days_recent": 1, "days_previous": 3}, "maturity"),   # P(X <= 1 | 4) = 0.31
    ({"spend_recent": 10.0, "days_recent": 0, "days_previous": 6}, "decline"),    # P(X <= 0 | 6) = 0.016
    ({"tenure_days": 150}, "growth"),                                 # past development, first half-year
    ({"tenure_days": 150, "recency_days": 61}, "decline"),            # ... unless it is already declining
    ({"tenure_days": 181}, "maturity"),
])
def test_the_default_rule_needs_a_clear_change_in_purchase_days(columns, stage):
    assert lc.classify_stages(_features(**{"days_recent": 3, "days_previous": 3, **columns})).iloc[0] == stage


def test_trend_tests_are_binomial_tail_probabilities():
    from scipy.stats import binomtest

    more, fewer = lc.trend_tests([9, 3, 0, 2], [1, 3, 6, 0])
    for k, n, up, down in zip([9, 3, 0, 2], [10, 6, 6, 2], more, fewer):
        assert up == pytest.approx(binomtest(k, n, 0.5, alternative="greater").pvalue)
        assert down == pytest.approx(binomtest(k, n, 0.5, alternative="less").pvalue)
    with pytest.raises(KeyError, match="days_recent"):
        lc.classify_stages(_features().drop(columns=["days_recent"]))  # the default rule needs the purchase-day counts


def test_stage_rule_is_stable_on_a_base_where_nobody_changes_rhythm():
    """The synthetic base: every customer buys at a constant rate until they drop out (simulate.py).
    A quarter later, a mature customer can only truly stay mature or leave; the spend-ratio rule
    alone moves most of them to growth or decline by the noise of two 90-day windows."""
    from crmlab import simulate

    base = simulate.customer_base(4000, seed=42)
    table = lc.stage_stability(base.transactions, "customer_id", "date", "amount", base.params.observation_end, 3,
                               {"spend_only": SPEND_ONLY, "default": lc.StageRules()})
    assert table.loc["spend_only", "maturity"] < 0.35
    assert table.loc["spend_only", "maturity_to_growth"] > 0.2
    assert table.loc["default", "maturity"] > 0.5
    assert table.loc["default", "maturity_to_growth"] < 0.02
    assert table.loc["default", "maturity"] > table.loc["spend_only", "maturity"] + 0.25
    assert table.loc["default", "mature_at_start"] > 500


def test_a_log_without_amounts_has_no_spend_trends():
    log = pd.DataFrame({"c": ["a", "a", "a"], "d": ["2024-01-01", "2024-03-01", "2024-05-01"]})
    stages = lc.assign_stages(log, "c", "d", None, "2024-06-15", lc.StageRules(growth_days=None))
    assert stages.loc["a", "spend_recent"] == 0 and stages.loc["a", "stage"] == "maturity"


def test_thresholds_move_customers_between_stages():
    features = _features(recency_days=100)
    assert lc.classify_stages(features, lc.StageRules(lost_days=180)).iloc[0] == "decline"
    assert lc.classify_stages(features, lc.StageRules(lost_days=99)).iloc[0] == "termination"
    assert lc.classify_stages(features, lc.StageRules(decline_factor=4)).iloc[0] == "maturity"


def test_stage_rules_refuse_bad_thresholds():
    with pytest.raises(ValueError, match="new_days"):
        lc.StageRules(new_days=0)
    with pytest.raises(ValueError, match="decline_ratio < growth_ratio"):
        lc.StageRules(decline_ratio=1.5, growth_ratio=1.2)
    with pytest.raises(ValueError, match="trend_alpha"):
        lc.StageRules(trend_alpha=1.5)
    with pytest.raises(ValueError, match="growth_days"):
        lc.StageRules(growth_days=-3)
    with pytest.raises(ValueError, match="window"):
        lc.classify_stages(lc.lifecycle_features(_random_log(1), "cust", "when", "spend", "2023-06-30", 60))


def test_assign_stages_on_a_hand_made_log():
    log = pd.DataFrame({
        "c": ["dev", "mat", "mat", "mat", "mat", "gone", "back", "back", "up", "up", "up"],
        "d": ["2024-11-20",                                         # first bought 41 days before
              "2024-01-15", "2024-05-15", "2024-09-15", "2024-12-01",  # steady, every 4 months
              "2024-02-01",                                         # 334 days without a purchase
              "2023-06-01", "2024-11-01",                           # came back after 519 days
              "2024-01-01", "2024-08-01", "2024-12-20"],            # spend 10 -> 100 between windows
        "a": [20.0, 50, 50, 50, 50, 30.0, 40.0, 40.0, 10.0, 10.0, 100.0],
    })
    stages = lc.assign_stages(log, "c", "d", "a", "2024-12-31", lc.StageRules(decline_factor=2.0, growth_days=None,
                                                                            trend_alpha=None))
    assert stages["stage"].astype(str).to_dict() == {
        "back": "recovery", "dev": "development", "gone": "termination", "mat": "maturity", "up": "growth"}
    # by default, one purchase day after one is no clear rise: "up" buys at its rhythm, more per visit
    default = lc.assign_stages(log, "c", "d", "a", "2024-12-31")
    assert default.loc["up", "stage"] == "maturity" and default.loc["up", ["days_recent", "days_previous"]].tolist() == [1, 1]
    assert stages.loc["mat", "typical_gap_days"] == np.median([121, 123, 77])
    assert stages.loc["back", "comeback_gap_days"] == 519
    assert stages.loc["up", "spend_recent"] == 100 and stages.loc["up", "spend_previous"] == 10


def test_features_agree_with_plain_pandas():
    log = _random_log(7)
    at = pd.Timestamp("2023-05-31")
    features = lc.lifecycle_features(log, "cust", "when", "spend", at, window_days=60)
    days = log.assign(day=log["when"].dt.normalize())
    days = days[days["day"] <= at]
    daily = days.groupby(["cust", "day"], as_index=False)["spend"].sum()
    g = daily.groupby("cust")
    assert features.index.tolist() == sorted(daily["cust"].unique())
    np.testing.assert_array_equal(features["tenure_days"], (at - g["day"].min()).dt.days)
    np.testing.assert_array_equal(features["recency_days"], (at - g["day"].max()).dt.days)
    np.testing.assert_array_equal(features["purchase_days"], g.size())
    recent = daily[daily["day"] > at - pd.Timedelta(days=60)].groupby("cust")["spend"].sum()
    previous = daily[(daily["day"] > at - pd.Timedelta(days=120)) & (daily["day"] <= at - pd.Timedelta(days=60))]
    previous = previous.groupby("cust")["spend"].sum()
    np.testing.assert_allclose(features["spend_recent"], recent.reindex(features.index, fill_value=0))
    np.testing.assert_allclose(features["spend_previous"], previous.reindex(features.index, fill_value=0))
    gaps = g["day"].apply(lambda s: s.diff().dt.days.median())
    np.testing.assert_allclose(features["typical_gap_days"], gaps.reindex(features.index))


def test_stage_counts_add_up_to_the_customers_acquired():
    log = _random_log(3)
    dates = pd.date_range("2022-03-31", "2023-11-30", freq="QE")
    counts = lc.stage_counts_over_time(log, "cust", "when", "spend", dates)
    acquired = [log.loc[log["when"].dt.normalize() <= d, "cust"].nunique() for d in dates]
    assert counts.sum(axis=1).tolist() == acquired
    assert list(counts.columns) == list(lc.OBSERVABLE_STAGES)
    zh = localize(lc.stage_counts_over_time(log, "cust", "when", "spend", dates[:1]), "zh")
    assert "成熟期" in zh.columns and zh.columns.name == "生命周期阶段" and zh.index.name == "日期"
    assert zh.to_numpy().tolist() == counts.iloc[:1].to_numpy().tolist()


def test_bad_logs_are_refused_with_column_and_count():
    log = _random_log(2, n=50)
    with pytest.raises(TransactionLogError, match="'amount'"):
        lc.assign_stages(log, "cust", "when", "amount", "2023-01-01")
    bad = log.copy()
    bad.loc[:2, "spend"] = -1.0
    with pytest.raises(TransactionLogError, match=r"'spend'.*3 rows"):
        lc.assign_stages(bad, "cust", "when", "spend", "2023-01-01")
    bad = log.copy().astype({"when": object})
    bad.loc[0, "when"] = "yesterday"
    with pytest.raises(TransactionLogError, match="'when' has 1 row"):
        lc.cohort_table(bad, "cust", "when")
    with pytest.raises(ValueError, match="no purchase on or before"):
        lc.assign_stages(log, "cust", "when", "spend", "2021-01-01")


# --- cohorts ------------------------------------------------------------------------------------

def _pandas_cohorts(log: pd.DataFrame, customer: str, date: str) -> pd.DataFrame:
    """The obvious plain-pandas way: period columns, group-by, pivot."""
    month = pd.to_datetime(log[date]).dt.to_period("M")
    frame = pd.DataFrame({"customer": log[customer], "month": month})
    frame["cohort"] = frame.groupby("customer")["month"].transform("min")
    frame["age"] = (frame["month"] - frame["cohort"]).apply(lambda offset: offset.n)
    return frame.groupby(["cohort", "age"])["customer"].nunique().unstack(fill_value=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cohort_table_equals_plain_pandas(seed):
    log = _random_log(seed)
    ours = lc.cohort_table(log, "cust", "when")
    theirs = _pandas_cohorts(log, "cust", "when").astype(float)
    observed = ours.notna()
    assert ours.index.astype(str).tolist() == theirs.index.astype(str).tolist()
    np.testing.assert_array_equal(ours.to_numpy()[observed.to_numpy()],
                                  theirs.reindex(columns=ours.columns, fill_value=0).to_numpy()[observed.to_numpy()])
    # the unobserved triangle: cohort month + age beyond the last month
    last = pd.Period(log["when"].max(), "M")
    for cohort, row in ours.iterrows():
        assert row.notna().sum() == (last - cohort).n + 1


def test_cohort_rates_on_a_researchers_log():
    orders = pd.read_csv(ROOT / "tests" / "data" / "own_orders.csv")
    rates = lc.cohort_table(orders, "client", "ordered_on", observation_end="1998-06-30", rates=True)
    counts = lc.cohort_table(orders, "client", "ordered_on", observation_end="1998-06-30")
    assert (rates[0] == 1).all()
    assert counts[0].sum() == orders["client"].nunique()
    np.testing.assert_allclose(rates.to_numpy(), (counts.T / counts[0]).T.to_numpy())
    assert rates.shape == (3, 18)  # CDNOW customers all joined in Jan-Mar 1997; Jan 1997 .. Jun 1998
    assert np.isnan(rates.iloc[2, 17]) and not np.isnan(rates.iloc[0, 17])


def test_cohort_table_by_hand():
    log = pd.DataFrame({"c": ["a", "a", "a", "b", "c"],
                        "d": ["2024-01-31", "2024-01-02", "2024-03-01", "2024-02-29", "2024-02-01"]})
    table = lc.cohort_table(log, "c", "d")
    assert table.index.astype(str).tolist() == ["2024-01", "2024-02"]
    assert table.fillna(-1).to_numpy().tolist() == [[1, 0, 1], [2, 0, -1]]


# --- migration and Markov ------------------------------------------------------------------------

def test_stage_migration_reuses_segment_migration():
    before = pd.Series({"a": "development", "b": "maturity", "c": "maturity", "d": "decline"})
    after = pd.Series({"a": "growth", "b": "maturity", "c": "decline", "d": "termination", "e": "development"})
    ours = lc.stage_migration(before, after)
    theirs = segment_migration(before, after)
    for s in ["development", "maturity", "decline"]:
        for t in ["growth", "maturity", "decline", "termination"]:
            assert ours.loc[s, t] == theirs.loc[s, t]
    assert ours.index.tolist() == list(lc.OBSERVABLE_STAGES) + ["new"]
    assert ours.loc["new", "development"] == 1 and ours["gone"].sum() == 0
    zh = localize(lc.stage_migration(before, after), "zh")
    assert zh.index[0] == "开发期"
    with pytest.raises(ValueError, match="1 value"):
        lc.stage_migration(pd.Series({"a": "loyal"}), after)


def test_transition_matrix_rows_are_shares_and_empty_rows_stay():
    before = pd.Series({"a": "development", "b": "development", "c": "development", "d": "maturity"})
    after = pd.Series({"a": "growth", "b": "growth", "c": "decline", "d": "maturity"})
    matrix = lc.transition_matrix(before, after)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)
    assert matrix.loc["development", "growth"] == pytest.approx(2 / 3)
    assert matrix.loc["recovery", "recovery"] == 1.0
    assert "recovery" in matrix.attrs["empty_rows"] and "development" not in matrix.attrs["empty_rows"]


def _random_stochastic(rng: np.random.Generator, n: int) -> np.ndarray:
    values = rng.random((n, n)) + 0.01
    return values / values.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("seed", range(5))
def test_projection_equals_matrix_powers_and_steady_state_is_stationary(seed):
    rng = np.random.default_rng(seed)
    matrix = pd.DataFrame(_random_stochastic(rng, 6), index=lc.OBSERVABLE_STAGES, columns=lc.OBSERVABLE_STAGES)
    start = rng.integers(0, 1000, 6).astype(float)
    projection = lc.project_stage_mix(start, matrix, 12)
    for n in (0, 1, 5, 12):
        np.testing.assert_allclose(projection.loc[n], start @ np.linalg.matrix_power(matrix.to_numpy(), n), rtol=1e-12)
    np.testing.assert_allclose(projection.sum(axis=1), start.sum())
    pi = lc.steady_state(matrix)
    np.testing.assert_allclose(pi.to_numpy() @ matrix.to_numpy(), pi.to_numpy(), atol=1e-12)
    assert pi.sum() == pytest.approx(1.0)
    # a positive matrix forgets its start: P^n rows converge to the stationary mix
    np.testing.assert_allclose(np.linalg.matrix_power(matrix.to_numpy(), 200)[0], pi.to_numpy(), atol=1e-10)


def test_steady_state_by_hand_and_with_an_absorbing_stage():
    two = np.array([[0.7, 0.3], [0.2, 0.8]])
    np.testing.assert_allclose(lc.steady_state(two), [0.4, 0.6])
    absorbing = np.array([[0.5, 0.5], [0.0, 1.0]])
    np.testing.assert_allclose(lc.steady_state(absorbing), [0.0, 1.0], atol=1e-12)
    with pytest.raises(ValueError, match="do not add up to 1"):
        lc.steady_state(np.array([[0.5, 0.4], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="needs 2 numbers"):
        lc.project_stage_mix(np.ones(3), two, 2)


def test_tweak_transition_keeps_rows_stochastic_and_proportions():
    rng = np.random.default_rng(11)
    matrix = pd.DataFrame(_random_stochastic(rng, 6), index=lc.OBSERVABLE_STAGES, columns=lc.OBSERVABLE_STAGES)
    tweaked = lc.tweak_transition(matrix, "decline", "maturity", 0.4)
    np.testing.assert_allclose(tweaked.sum(axis=1), 1.0)
    assert tweaked.loc["decline", "maturity"] == 0.4
    others = [s for s in lc.OBSERVABLE_STAGES if s != "maturity"]
    ratio = tweaked.loc["decline", others] / matrix.loc["decline", others]
    np.testing.assert_allclose(ratio, ratio.iloc[0])
    pd.testing.assert_frame_equal(tweaked.drop(index="decline"), matrix.drop(index="decline"))
    # more win-back raises the long-run share of mature customers
    assert lc.steady_state(tweaked)["maturity"] > lc.steady_state(matrix)["maturity"]
    with pytest.raises(KeyError, match="to_stage='loyal'"):
        lc.tweak_transition(matrix, "decline", "loyal", 0.1)


def test_steady_state_with_several_closed_groups_needs_the_start():
    # stage 3 leaves for the absorbing stages 1 and 2 with odds 5 : 3
    matrix = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.3, 0.2]])
    with pytest.raises(ValueError, match="pass start"):
        lc.steady_state(matrix)
    start = np.array([100.0, 0.0, 300.0])
    pi = lc.steady_state(matrix, start=start)
    np.testing.assert_allclose(pi, [(100 + 300 * 0.625) / 400, 300 * 0.375 / 400, 0.0], atol=1e-12)
    np.testing.assert_allclose(pi @ matrix, pi, atol=1e-12)
    np.testing.assert_allclose(pi, start @ np.linalg.matrix_power(matrix, 200) / 400, atol=1e-12)


def test_steady_state_of_a_periodic_chain_is_the_average_over_the_cycle():
    cycle = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])  # P^n never converges
    np.testing.assert_allclose(lc.steady_state(cycle), [1 / 3, 1 / 3, 1 / 3], atol=1e-12)
    np.testing.assert_allclose(lc.steady_state(cycle, start=np.array([1.0, 0.0, 0.0])), [1 / 3] * 3, atol=1e-12)


def test_plots_draw_the_numbers_they_are_given():
    import matplotlib.pyplot as plt

    counts = pd.Series({"development": 5, "growth": 3, "maturity": 9, "decline": 2, "termination": 7, "recovery": 1})
    ax = lc.plot_stage_counts(counts, lang="zh")
    assert [bar.get_height() for bar in ax.patches] == [5, 3, 9, 2, 7, 1]
    assert ax.get_ylim()[0] == 0 and ax.get_xticklabels()[0].get_text() == "开发期"
    projection = lc.project_stage_mix(np.array([10.0, 0, 0, 0, 0, 0]), np.eye(6), 3)
    projection.columns = list(lc.OBSERVABLE_STAGES)
    ax = lc.plot_stage_mix(projection)
    assert len(ax.lines) == 6 and ax.get_xlim() == (0, 3)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1, 1, 1, 1])
    rates = lc.cohort_table(_random_log(5), "cust", "when", rates=True)
    ax = lc.plot_cohort_heatmap(rates)
    np.testing.assert_allclose(ax.images[0].get_array().filled(np.nan), 100 * rates.drop(columns=0).to_numpy())
    plt.close("all")


def test_printed_sentences_keep_english_and_have_chinese():
    from crmlab.lang import label

    end = pd.Timestamp("2011-12-09").date()
    old = f"{541909:,} rows in, {388083:,} kept, {4322:,} customers; observation end {end}"
    new = label("lifecycle_cleaning_summary", "en").format(rows_in=541909, rows_out=388083, customers=4322, end=end)
    assert new == old
    empty: list[str] = []
    old = f"from {end} to {end}: {959:,} new customers; stages nobody was in at the start: {empty or 'none'}"
    new = label("lifecycle_migration_summary", "en").format(start=end, end=end, new=959,
                                                            empty=lc.empty_stages_text(empty, "en"))
    assert new == old
    assert lc.empty_stages_text(["growth"], "en") == f"{['growth']}"
    for key in ("lifecycle_cleaning_summary", "lifecycle_example_dates", "lifecycle_example_numbers",
                "lifecycle_example_stage", "lifecycle_migration_summary", "lifecycle_stability_intro"):
        assert HAN.search(label(key, "zh")), key
    for stage in lc.OBSERVABLE_STAGES:
        assert label(f"lifecycle_id_{stage}", "en") == stage
        assert label(f"lifecycle_id_{stage}", "zh") == label(f"stage_{stage}", "zh")
