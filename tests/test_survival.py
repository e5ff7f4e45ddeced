"""crmlab.survival: Kaplan–Meier against statsmodels' SurvfuncRight, hand-worked cases, lifetimes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.survfunc import SurvfuncRight

from crmlab import clv, datasets, first_look, survival  # noqa: F401  (first_look names the Telco contracts)
from crmlab.lang import localize


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
    zh = localize(survival.survival_summary(telco, "tenure", "churn", "contract"), "zh")
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
    ax = survival.plot_survival(curves)
    steps = [line for line in ax.lines if line.get_drawstyle() == "steps-post"]
    assert len(steps) == 2
    np.testing.assert_allclose(steps[0].get_ydata(), [1, 2 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(steps[1].get_xdata(), [0, 2, 4, 4])
    assert [t.get_text().strip() for t in ax.texts] == ["a", "b"]
    plt.close("all")


# --- churn per customer-period of exposure (one churn rate for lectures 07 and 09) --------------------------


def test_churn_per_exposure_by_hand_and_groups():
    table = pd.DataFrame({"months": [2, 4, 6, 8, 3, 7], "left": [1, 1, 0, 0, True, False],
                          "plan": ["a", "a", "a", "a", "b", "b"]})
    table["left"] = table["left"].astype(int)
    rates = survival.churn_per_exposure(table, "months", "left", "plan")
    assert rates.index.tolist() == ["a", "b"]
    assert rates["events"].tolist() == [2, 1]
    assert rates["exposure"].tolist() == [20.0, 10.0]
    np.testing.assert_allclose(rates["churn_rate"], [0.1, 0.1])
    np.testing.assert_allclose(rates["expected_lifetime"], [10.0, 10.0])
    np.testing.assert_allclose(rates["std_error"], [np.sqrt(2) / 20, 1 / 10])
    # the snapshot share differs between the groups although their rate is the same
    np.testing.assert_allclose(rates["snapshot_share"], [0.5, 0.5])
    # true/false flags are accepted; nobody left -> rate 0 and an infinite lifetime
    flags = survival.churn_per_exposure(table.assign(left=table["left"] == 1), "months", "left")
    assert flags.loc["all", "churn_rate"] == pytest.approx(0.1)
    nobody = survival.churn_per_exposure(table.assign(left=0), "months", "left")
    assert nobody.loc["all", "churn_rate"] == 0 and np.isinf(nobody.loc["all", "expected_lifetime"])


def test_churn_per_exposure_refuses_bad_input_with_column_and_count():
    table = pd.DataFrame({"months": [1, 2, -3, 4], "left": [1, 0, 1, 0]})
    with pytest.raises(ValueError, match="'months' has 1 negative"):
        survival.churn_per_exposure(table, "months", "left")
    with pytest.raises(ValueError, match="'left' must be 0 .* 2 row"):
        survival.churn_per_exposure(table.assign(months=1, left=[1, 2, 3, 0]), "months", "left")
    with pytest.raises(KeyError, match="lacks column"):
        survival.churn_per_exposure(table, "months", "left", "plan")
    with pytest.raises(ValueError, match="group 'all'.*0 periods of exposure"):
        survival.churn_per_exposure(pd.DataFrame({"m": [0, 0], "e": [1, 0]}), "m", "e")


@pytest.mark.parametrize("seed", range(3))
def test_churn_per_exposure_recovers_a_constant_churn_rate_under_censoring(seed):
    """Geometric lifetimes (constant churn c), observed up to a random censoring time: leavers per
    customer-period finds c, while the share who left depends on how long customers were watched."""
    rng = np.random.default_rng(seed)
    c = 0.04
    lifetime = rng.geometric(c, 20_000)
    watched = rng.integers(1, 40, 20_000)  # a snapshot: customers joined at different times
    table = pd.DataFrame({"tenure": np.minimum(lifetime, watched), "left": (lifetime <= watched).astype(int)})
    rates = survival.churn_per_exposure(table, "tenure", "left").loc["all"]
    assert abs(rates["churn_rate"] - c) < 3 * rates["std_error"]
    assert abs(rates["expected_lifetime"] - 1 / c) / (1 / c) < 0.05
    assert rates["snapshot_lifetime"] < 0.3 / c  # the share who left promises a far shorter life
    # Kaplan–Meier on the same data follows the constant-churn survival (1 - c)^t
    km = survival.kaplan_meier(table["tenure"], table["left"])
    times = km.index.to_numpy()[km.index.to_numpy() <= 30]
    np.testing.assert_allclose(km.loc[times, "survival"], (1 - rates["churn_rate"]) ** times, atol=0.02)


def test_lectures_07_and_09_give_the_same_lifetime_for_the_same_group(telco):
    """07 (clv.segment_lifetimes) and 09 (survival.survival_summary) both use churn per customer-period."""
    from_07 = clv.segment_lifetimes(telco, "contract", "churn", "monthly_charges", tenure_col="tenure")
    from_09 = survival.survival_summary(telco, "tenure", "churn", "contract")
    rates = survival.churn_per_exposure(telco, "tenure", "churn", "contract")
    np.testing.assert_allclose(from_07["expected_lifetime"], from_09["lifetime_constant_churn"], rtol=1e-12)
    np.testing.assert_allclose(from_07["churn_rate"], rates["churn_rate"], rtol=1e-12)
    monthly = telco[telco["contract"] == "Month-to-month"]
    assert from_07.loc["Month-to-month", "expected_lifetime"] == pytest.approx(monthly["tenure"].sum() / monthly["churn"].sum())
    assert from_07.loc["Month-to-month", "expected_lifetime"] == pytest.approx(42.23, abs=0.01)
    # the pitfall: the snapshot share promises 2.3 months to customers who have already stayed 18 on average
    assert from_07.loc["Month-to-month", "snapshot_lifetime"] == pytest.approx(2.34, abs=0.01)
    assert from_07.loc["Month-to-month", "snapshot_lifetime"] < from_07.loc["Month-to-month", "mean_tenure"]
    # the constant-rate lifetime of month-to-month customers is of the order of the Kaplan–Meier figures
    assert 30 < from_09.loc["Month-to-month", "median_lifetime"] < from_07.loc["Month-to-month", "expected_lifetime"]


def test_plot_survival_time_axis_starts_at_0_with_room_for_the_names():
    import matplotlib.pyplot as plt

    curves = {"a": survival.kaplan_meier([1, 2, 3], [1, 1, 0]), "b": survival.kaplan_meier([2, 4], [1, 1])}
    ax = survival.plot_survival(curves)
    assert ax.get_xlim() == pytest.approx((0.0, 4 * 1.22))
    plt.close("all")
