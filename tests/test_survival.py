"""crmlab.survival: Kaplan–Meier against statsmodels' SurvfuncRight, hand-worked cases, lifetimes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.survfunc import SurvfuncRight

from crmlab import clv, datasets, first_look, survival  # noqa: F401  (first_look names the Telco contracts)


@pytest.fixture(scope="module")
def telco() -> pd.DataFrame:
    return datasets.load_telco_churn()


def test_kaplan_meier_by_hand():
    km = survival.kaplan_meier([1, 2, 2, 3, 4], [1, 1, 0, 1, 0])
    assert km.index.tolist() == [1.0, 2.0, 3.0]
    assert km["n_at_risk"].tolist() == [5, 4, 2]
    assert km["censored"].tolist() == [0, 1, 0]
    np.testing.assert_allclose(km["survival"], [4 / 5, 4 / 5 * 3 / 4, 4 / 5 * 3 / 4 * 1 / 2])
    greenwood = km["survival"] * np.sqrt(np.cumsum([1 / (5 * 4), 1 / (4 * 3), 1 / (2 * 1)]))
    np.testing.assert_allclose(km["std_error"], greenwood)
    assert survival.median_lifetime(km) == 3.0
    # area: 1 on [0,1), .8 on [1,2), .6 on [2,3), .3 on [3,4]
    assert survival.restricted_mean_lifetime(km) == pytest.approx(1 + 0.8 + 0.6 + 0.3)
    assert survival.restricted_mean_lifetime(km, 2.5) == pytest.approx(1 + 0.8 + 0.6 * 0.5)


def test_no_censoring_gives_the_empirical_survival():
    rng = np.random.default_rng(4)
    durations = rng.integers(1, 30, 500)
    km = survival.kaplan_meier(durations, np.ones(500))
    empirical = [(durations > t).mean() for t in km.index]
    np.testing.assert_allclose(km["survival"], empirical)
    assert survival.restricted_mean_lifetime(km) == pytest.approx(durations.mean())


@pytest.mark.parametrize("contract", ["Month-to-month", "One year", "Two year"])
def test_kaplan_meier_equals_statsmodels_on_telco(telco, contract):
    part = telco[telco["contract"] == contract]
    ours = survival.kaplan_meier(part["tenure"], part["churn"])
    theirs = SurvfuncRight(part["tenure"].to_numpy(float), part["churn"].to_numpy(float))
    np.testing.assert_allclose(ours.index.to_numpy(), theirs.surv_times)
    np.testing.assert_allclose(ours["survival"], theirs.surv_prob, rtol=1e-12)
    np.testing.assert_allclose(ours["std_error"], theirs.surv_prob_se, rtol=1e-9)
    np.testing.assert_allclose(ours["n_at_risk"], theirs.n_risk)
    np.testing.assert_allclose(ours["events"], theirs.n_events)


@pytest.mark.parametrize("seed", range(4))
def test_kaplan_meier_and_median_equal_statsmodels_on_random_data(seed):
    rng = np.random.default_rng(seed)
    durations = rng.exponential(10, 400).round(1)
    events = rng.integers(0, 2, 400)
    ours = survival.kaplan_meier(durations, events)
    theirs = SurvfuncRight(durations, events.astype(float))
    np.testing.assert_allclose(ours["survival"], theirs.surv_prob, rtol=1e-12)
    if not np.isclose(ours["survival"], 0.5).any():  # statsmodels uses S < 0.5, we S <= 0.5: same unless a tie
        assert survival.median_lifetime(ours) == theirs.quantile(0.5)


def test_survival_summary_on_telco(telco):
    summary = survival.survival_summary(telco, "tenure", "churn", "contract")
    assert summary.index.tolist() == ["Month-to-month", "One year", "Two year"]
    monthly = telco[telco["contract"] == "Month-to-month"]
    assert summary.loc["Month-to-month", "median_lifetime"] == 35.0
    assert np.isnan(summary.loc["Two year", "median_lifetime"])  # fewer than half leave within 72 months
    # the snapshot churn of lecture 07 and 1/c from clv.expected_lifetime
    share = monthly["churn"].mean()
    assert summary.loc["Month-to-month", "churn_share"] == pytest.approx(share)
    assert summary.loc["Month-to-month", "lifetime_one_over_churn"] == pytest.approx(clv.expected_lifetime(share))
    # leavers per month at risk, from plain pandas
    rate = monthly["churn"].sum() / monthly["tenure"].sum()
    assert summary.loc["Month-to-month", "churn_per_period"] == pytest.approx(rate)
    assert summary.loc["Month-to-month", "lifetime_constant_churn"] == pytest.approx(1 / rate)
    # longer contracts live longer on every measure
    assert summary["restricted_mean_lifetime"].is_monotonic_increasing
    assert summary["churn_per_period"].is_monotonic_decreasing
    zh = survival.survival_summary(telco, "tenure", "churn", "contract", lang="zh")
    assert zh.index.tolist()[0] == "按月合约" and "生命周期中位数（期）" in zh.columns


def test_survival_by_group_on_a_researchers_table():
    from tests.conftest import ROOT

    own = pd.read_csv(ROOT / "tests" / "data" / "own_subscribers.csv")
    curves = survival.survival_by_group(own, "months", "left", "plan")
    assert sorted(curves) == ["annual", "biennial", "monthly"]
    assert sum(c["events"].sum() for c in curves.values()) == own["left"].sum() == 262
    single = survival.survival_by_group(own, "months", "left")
    assert list(single) == ["all"]


def test_bad_tables_are_refused_with_column_and_count():
    table = pd.DataFrame({"months": [1, 2, -3, 4], "left": [1, 0, 1, 2]})
    with pytest.raises(KeyError, match="lacks column"):
        survival.survival_summary(table, "tenure", "left")
    with pytest.raises(ValueError, match="'months' has 1 negative"):
        survival.survival_summary(table, "months", "left")
    table.loc[2, "months"] = 3
    with pytest.raises(ValueError, match="'left' must be 0 .* 1 row"):
        survival.survival_summary(table, "months", "left")
    with pytest.raises(ValueError, match="missing value"):
        survival.survival_by_group(pd.DataFrame({"m": [1.0, np.nan], "e": [1, 0]}), "m", "e")
    with pytest.raises(ValueError, match="'event' must be 0"):
        survival.kaplan_meier([1, 2], [1, 3])


def test_plot_survival_draws_each_curve_as_steps():
    import matplotlib.pyplot as plt

    curves = {"a": survival.kaplan_meier([1, 2, 3], [1, 1, 0]), "b": survival.kaplan_meier([2, 4], [1, 1])}
    ax = survival.plot_survival(curves, x_max=10)
    steps = [line for line in ax.lines if line.get_drawstyle() == "steps-post"]
    assert len(steps) == 2
    np.testing.assert_allclose(steps[0].get_ydata(), [1, 2 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(steps[1].get_xdata(), [0, 2, 4, 4])
    assert [t.get_text().strip() for t in ax.texts] == ["a", "b"]
    plt.close("all")
