"""crmlab.clv: hand-computed cases, closed forms against direct sums, properties (hypothesis), bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab import clv
from crmlab.models import BetaGeo, BetaGeoBetaBinom, GammaGamma, ParetoNBD
from crmlab.validation import ValidationError

BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}
CUSTOMERS = pd.DataFrame(
    {"frequency": [0, 2, 1, 7], "recency": [0.0, 30.43, 1.71, 37.0], "T": [38.86, 38.86, 38.86, 38.0],
     "monetary_value": [0.0, 30.0, 12.0, 55.0]},
    index=pd.Index([11, 12, 13, 14], name="customer_id"),
)


def test_contribution_minus_cost_by_hand():
    assert clv.contribution(50, 10, 5) == 65.0
    assert clv.cost(30, 5, 2) == 37.0
    assert clv.customer_value(50, 10, 5, 30, 5, 2) == 28.0
    np.testing.assert_allclose(clv.customer_value([50, 60], cross_selling=[0, 10]), [50.0, 70.0])


def test_worksheet_matches_hand_computation():
    sheet = clv.customer_value_worksheet(3, 0.10, base_profit=[100, 110, 120], cross_selling=10, cost_savings=5,
                                         loyalty_reward=8, churn_cost=2, acquisition_cost=150, retention_rate=0.8)
    values = np.array([-150.0, 105.0, 115.0, 125.0])
    survival = np.array([1.0, 0.8, 0.64, 0.512])
    discount = 1.1 ** -np.arange(4.0)
    np.testing.assert_allclose(sheet["value"], values)
    np.testing.assert_allclose(sheet["discounted_value"], values * survival * discount)
    assert sheet["cumulative_discounted_value"].iloc[-1] == pytest.approx(np.sum(values * survival * discount))
    assert list(sheet.index) == [0, 1, 2, 3]


def test_present_value():
    assert clv.present_value([110, 121], 0.10) == pytest.approx(200.0)
    assert clv.present_value([100, 100], 0.10, first_period=0) == pytest.approx(100 + 100 / 1.1)


@pytest.mark.parametrize("timing", ["end", "start"])
@pytest.mark.parametrize(("r", "d"), [(0.8, 0.1), (0.5, 0.0), (0.95, 0.12), (0.0, 0.1), (1.0, 0.05)])
def test_retention_clv_equals_direct_sum(timing, r, d):
    first = 1 if timing == "end" else 0
    for horizon in (1, 5, 40):
        periods = np.arange(first, first + horizon)
        direct = np.sum(100 * (r / (1 + d)) ** periods)
        assert clv.retention_clv(100, r, d, horizon=horizon, timing=timing) == pytest.approx(direct, rel=1e-12)
    if r / (1 + d) < 1:
        periods = np.arange(first, first + 20000)
        direct = np.sum(100 * (r / (1 + d)) ** periods)
        assert clv.retention_clv(100, r, d, timing=timing) == pytest.approx(direct, rel=1e-10)
        assert clv.retention_clv(100, r, d, timing=timing) == pytest.approx(100 * clv.margin_multiple(r, d, timing))


def test_margin_multiple_and_lifetime_textbook_values():
    assert clv.margin_multiple(0.8, 0.12) == pytest.approx(2.5)  # Gupta & Lehmann: r / (1 + i - r)
    assert clv.retention_clv(100, 0.8, 0.1, acquisition_cost=50) == pytest.approx(800 / 3 - 50)
    assert clv.expected_lifetime(0.25) == 4.0
    np.testing.assert_allclose(clv.expected_lifetime(np.array([0.1, 0.5, 1.0])), [10.0, 2.0, 1.0])
    # 1/churn is the mean of the geometric lifetime: sum over t of t c (1-c)^(t-1)
    c = 0.3
    t = np.arange(1, 2000)
    assert np.sum(t * c * (1 - c) ** (t - 1)) == pytest.approx(clv.expected_lifetime(c))


def test_sensitivity_table():
    inputs = {"margin": 100.0, "retention_rate": 0.8, "discount_rate": 0.1}
    table = clv.sensitivity(clv.retention_clv, inputs, change=0.1)
    assert table.index[0] == "retention_rate"  # CLV reacts most to retention
    assert table.loc["margin", "elasticity"] == pytest.approx(1.0)
    assert table.loc["discount_rate", "swing"] < 0 < table.loc["retention_rate", "swing"]
    # elasticity by central differences over +-10%: (CLV(0.88) - CLV(0.72)) / 0.16 * 0.8 / CLV(0.8)
    by_hand = (100 * 0.88 / 0.22 - 100 * 0.72 / 0.38) / 0.16 * 0.8 / (100 * 0.8 / 0.3)
    assert table.loc["retention_rate", "elasticity"] == pytest.approx(by_hand)
    assert table.loc["retention_rate", "elasticity"] > 1.1 / 0.3  # above the point elasticity: CLV is convex in r
    assert table.loc["retention_rate", "high_input"] == pytest.approx(0.88)
    capped = clv.sensitivity(clv.retention_clv, {**inputs, "retention_rate": 0.95}, change=0.1)
    assert capped.loc["retention_rate", "high_input"] == 1.0  # a rate stays a rate


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: clv.retention_clv(100, 1.2, 0.1), "retention_rate must be in"),
        (lambda: clv.retention_clv(100, 0.8, -0.1), "discount_rate must be in"),
        (lambda: clv.retention_clv(100, 1.0, 0.0), "infinite"),
        (lambda: clv.retention_clv(np.nan, 0.8, 0.1), "margin must be finite"),
        (lambda: clv.retention_clv(100, 0.8, 0.1, horizon=2.5), "horizon"),
        (lambda: clv.expected_lifetime(0.0), "churn_rate must be > 0"),
        (lambda: clv.customer_value_worksheet(3, 0.1, base_profit=[1, 2]), "base_profit must be a number or 3 values"),
        (lambda: clv.sensitivity(clv.retention_clv, {"margin": 1.0, "retention_rate": 0.5, "discount_rate": 0.1},
                                 vary=["churn"]), "unknown input 'churn'"),
    ],
)
def test_bad_inputs_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------------------------------------
# model-based CLV
# ------------------------------------------------------------------------------------------------

def _models():
    return BetaGeo().use_estimates(**BGNBD), GammaGamma().use_estimates(**GG)


def test_model_clv_equals_explicit_discounted_sum():
    purchases, spend = _models()
    weeks = 52 / 12
    result = clv.customer_lifetime_value(purchases, spend, CUSTOMERS, horizon=12, discount_rate=0.01,
                                         period_length=weeks, margin=0.3)
    cumulative = np.array([purchases.expected_purchases(CUSTOMERS, k * weeks).to_numpy() for k in range(13)])
    by_period = np.diff(cumulative, axis=0)
    expected = 0.3 * spend.expected_spend(CUSTOMERS).to_numpy() * np.sum(
        by_period / 1.01 ** np.arange(1, 13)[:, None], axis=0)
    np.testing.assert_allclose(result.to_numpy(), expected, rtol=1e-12)
    assert result.index.equals(CUSTOMERS.index)
    assert np.all(result > 0)


def test_model_clv_without_discounting_is_margin_times_spend_times_purchases():
    purchases, spend = _models()
    result = clv.customer_lifetime_value(purchases, spend, CUSTOMERS, horizon=10, discount_rate=0.0, period_length=5.2)
    expected = spend.expected_spend(CUSTOMERS) * purchases.expected_purchases(CUSTOMERS, 52.0)
    np.testing.assert_allclose(result, expected, rtol=1e-12)


def test_model_clv_with_other_purchase_models():
    pareto = ParetoNBD().use_estimates(r=0.553, alpha=10.578, s=0.606, beta=11.669)
    result = clv.customer_lifetime_value(pareto, 20.0, CUSTOMERS, horizon=4, discount_rate=0.05, period_length=13)
    assert np.all(np.isfinite(result)) and np.all(result > 0)
    donors = pd.DataFrame({"frequency": [0, 3, 6], "recency": [0, 4, 6], "periods": [6, 6, 6]})
    bgbb = BetaGeoBetaBinom().use_estimates(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    value = clv.customer_lifetime_value(bgbb, 50.0, donors, horizon=5, discount_rate=0.1)
    expected = 50 * sum((bgbb.expected_purchases(donors, k) - bgbb.expected_purchases(donors, k - 1)) / 1.1**k
                        for k in range(1, 6))
    np.testing.assert_allclose(value, expected, rtol=1e-12)
    assert value.iloc[2] > value.iloc[1] > value.iloc[0]


def test_model_clv_rejects_bad_settings():
    purchases, spend = _models()
    with pytest.raises(ValueError, match="horizon"):
        clv.customer_lifetime_value(purchases, spend, CUSTOMERS, horizon=0, discount_rate=0.1)
    with pytest.raises(ValueError, match="discount_rate"):
        clv.customer_lifetime_value(purchases, spend, CUSTOMERS, horizon=3, discount_rate=-0.1)
    with pytest.raises(ValueError, match="period_length"):
        clv.customer_lifetime_value(purchases, spend, CUSTOMERS, horizon=3, discount_rate=0.1, period_length=0)
    with pytest.raises(ValueError, match="recency greater than"):
        clv.customer_lifetime_value(purchases, spend, CUSTOMERS.assign(recency=50.0), horizon=3, discount_rate=0.1)


# ------------------------------------------------------------------------------------------------
# properties
# ------------------------------------------------------------------------------------------------

rates = st.floats(min_value=0.0, max_value=0.99)
discounts = st.floats(min_value=0.0, max_value=1.0)


@settings(max_examples=200, deadline=None)
@given(m1=st.floats(min_value=0, max_value=1e4), dm=st.floats(min_value=1e-3, max_value=1e4), r=rates,
       d1=discounts, dd=st.floats(min_value=1e-3, max_value=1.0),
       horizon=st.one_of(st.none(), st.integers(min_value=1, max_value=100)))
def test_retention_clv_increases_in_margin_and_decreases_in_discount_rate(m1, dm, r, d1, dd, horizon):
    base = clv.retention_clv(m1, r, d1, horizon=horizon)
    assert clv.retention_clv(m1 + dm, r, d1, horizon=horizon) >= base
    discounted_more = clv.retention_clv(m1, r, d1 + dd, horizon=horizon)
    assert discounted_more <= base
    if base > 1e-6:  # strictly, unless the CLV is (numerically) zero
        assert discounted_more < base
    assert np.isfinite(base)


@settings(max_examples=200, deadline=None)
@given(m=st.floats(min_value=1e-3, max_value=1e4), r1=st.floats(min_value=0.0, max_value=0.9),
       dr=st.floats(min_value=1e-3, max_value=0.09), d=discounts)
def test_retention_clv_increases_in_retention(m, r1, dr, d):
    assert clv.retention_clv(m, r1 + dr, d) > clv.retention_clv(m, r1, d)


@settings(max_examples=40, deadline=None)
@given(margin=st.floats(min_value=0.01, max_value=1.0), extra=st.floats(min_value=0.01, max_value=1.0),
       d=st.floats(min_value=0.0, max_value=0.5), dd=st.floats(min_value=0.01, max_value=0.5),
       horizon=st.integers(min_value=1, max_value=24))
def test_model_clv_increases_in_margin_and_decreases_in_discount_rate(margin, extra, d, dd, horizon):
    purchases, spend = _models()
    kwargs = {"horizon": horizon, "period_length": 52 / 12}
    base = clv.customer_lifetime_value(purchases, spend, CUSTOMERS, discount_rate=d, margin=margin, **kwargs)
    more_margin = clv.customer_lifetime_value(purchases, spend, CUSTOMERS, discount_rate=d, margin=margin + extra, **kwargs)
    more_discount = clv.customer_lifetime_value(purchases, spend, CUSTOMERS, discount_rate=d + dd, margin=margin, **kwargs)
    assert np.all(np.isfinite(base))
    assert np.all(more_margin > base)
    assert np.all(more_discount < base)


def test_tables_have_chinese_headers():
    from crmlab import lang

    sheet = clv.customer_value_worksheet(2, 0.1, base_profit=10)
    table = clv.sensitivity(clv.retention_clv, {"margin": 100.0, "retention_rate": 0.8, "discount_rate": 0.1})
    for frame in (sheet, table.reset_index()):
        headers = lang.localize(frame, "zh").columns
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in str(h)) or str(h).startswith("CLV") for h in headers), headers


# --- lecture 07 helpers: group lifetimes, retention-CLV plot, tornado chart ---------------------------------


def test_segment_lifetimes_by_hand_and_bad_input():
    subs = pd.DataFrame({"plan": ["a", "a", "a", "a", "b", "b"], "left": [1, 0, 0, 0, True, False],
                         "fee": [10, 20, 30, 40, 50, 70], "months": [1, 2, 3, 6, 4, 8]})
    subs["left"] = subs["left"].astype(int)
    table = clv.segment_lifetimes(subs, "plan", "left", "fee", tenure_col="months")
    assert table.index.tolist() == ["a", "b"]
    # leavers per customer-month: a 1 / 12, b 1 / 12
    np.testing.assert_allclose(table["churn_rate"], [1 / 12, 1 / 12])
    np.testing.assert_allclose(table["exposure"], [12.0, 12.0])
    np.testing.assert_allclose(table["expected_lifetime"], [12.0, 12.0])
    np.testing.assert_allclose(table["snapshot_share"], [0.25, 0.5])
    np.testing.assert_allclose(table["snapshot_lifetime"], [4.0, 2.0])
    np.testing.assert_allclose(table["mean_charges"], [25.0, 60.0])
    np.testing.assert_allclose(table["mean_tenure"], [3.0, 6.0])
    assert table["customers"].tolist() == [4, 2]
    snapshot = clv.segment_lifetimes(subs, "plan", "left", "fee", churn="snapshot")
    np.testing.assert_allclose(snapshot["churn_rate"], [0.25, 0.5])
    np.testing.assert_allclose(snapshot["expected_lifetime"], [4.0, 2.0])
    with pytest.raises(ValueError, match="needs tenure_col"):
        clv.segment_lifetimes(subs, "plan", "left", "fee")
    with pytest.raises(ValueError, match="'exposure' or 'snapshot'"):
        clv.segment_lifetimes(subs, "plan", "left", "fee", "months", churn="share")
    with pytest.raises(KeyError, match="fees"):
        clv.segment_lifetimes(subs, "plan", "left", "fees", "months")
    with pytest.raises(ValueError, match="'left'.*1 row"):
        clv.segment_lifetimes(subs.assign(left=[1, 0, 2, 0, 1, 0]), "plan", "left", "fee", "months")
    with pytest.raises(ValueError, match="'fee' has 1 negative"):
        clv.segment_lifetimes(subs.assign(fee=[10, -1, 30, 40, 50, 70]), "plan", "left", "fee", "months")
    with pytest.raises(ValueError, match="infinite"):
        clv.segment_lifetimes(subs.assign(left=[0, 0, 0, 0, 1, 0]), "plan", "left", "fee", "months")


def test_segment_lifetimes_on_telco_keep_contract_order():
    from crmlab.datasets import load_telco_churn

    telco = load_telco_churn()
    table = clv.segment_lifetimes(telco, "contract", "churn", "monthly_charges", tenure_col="tenure")
    assert table.index.tolist() == ["Month-to-month", "One year", "Two year"]
    grouped = telco.groupby("contract", observed=True)
    expected = grouped["tenure"].sum() / grouped["churn"].sum()
    np.testing.assert_allclose(table["expected_lifetime"], expected.to_numpy())
    np.testing.assert_allclose(table["snapshot_lifetime"], 1 / grouped["churn"].mean().to_numpy())
    assert table["expected_lifetime"].is_monotonic_increasing  # longer contracts, longer lives


def test_retention_clv_plot_shows_each_period_and_the_finite_horizon_value():
    import matplotlib.pyplot as plt

    ax = clv.plot_retention_clv(100, 0.8, 0.1, horizon=5, acquisition_cost=50, lang="zh")
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, [100 * (0.8 / 1.1) ** t for t in range(1, 6)])
    assert f"{sum(heights) - 50:,.1f}" in ax.get_title() and "CLV" in ax.get_title()
    assert ax.get_xlabel() == "期"
    plt.close(ax.figure)


def test_retention_clv_plot_in_a_widget_redraws_only_the_data_though_its_title_says_the_clv():
    import ipywidgets as widgets

    from crmlab.plotting import use_theme
    from crmlab.widgets import scenario

    use_theme("zh")  # a font with Chinese glyphs

    def draw(ax, margin):
        clv.plot_retention_clv(margin, 0.8, 0.1, horizon=5, acquisition_cost=50, lang="zh", ax=ax)

    widget = scenario(draw, {"margin": widgets.FloatSlider(value=100, min=50, max=150, step=1)}, show=False)
    live = widget.live_figure
    for margin in (101, 102):
        widget.children[0].value = margin
        assert live.last_redraw == "data only"
    value = clv.retention_clv(102, 0.8, 0.1, horizon=5, acquisition_cost=50)
    assert f"基于保留率的CLV = {value:,.1f}" in [t.get_text() for t in live.ax.texts]


def test_tornado_puts_the_widest_swing_on_top_with_chinese_labels():
    import matplotlib.pyplot as plt

    table = clv.sensitivity(clv.retention_clv, {"margin": 100, "retention_rate": 0.8, "discount_rate": 0.1})
    ax = clv.plot_tornado(table, lang="zh")
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names[-1] == "保留率" and set(names) == {"保留率", "利润率", "折现率"}
    assert "±10%" in ax.get_title()
    plt.close(ax.figure)
    with pytest.raises(KeyError, match="clv_low"):
        clv.plot_tornado(table.drop(columns="clv_low"))


# --- lecture 07 printed sentences: English text unchanged, Chinese text with the same numbers -----------------


@pytest.mark.parametrize("payback", [3, None])
def test_describe_worksheet_keeps_the_english_sentence_and_translates(payback):
    current, total, horizon = 85.0, 143.967671352615, 10
    english = clv.describe_worksheet(current, total, horizon, payback)
    assert english == (f"current value (year 1, before acquisition cost): {current:,.2f}\n"
                       f"CLV over {horizon} years, net of acquisition: {total:,.2f}; paid back in year {payback}")
    chinese = clv.describe_worksheet(current, total, horizon, payback, lang="zh")
    assert "85.00" in chinese and "143.97" in chinese and "客户终身价值" in chinese
    assert ("第 3 年回本" in chinese) if payback else ("10 年内没有回本" in chinese and "None" not in chinese)


def test_describe_retention_clv_and_lifetime_check_match_the_old_lines():
    m, f, i, n, h = 2.6666666666666665, 255.62736120471934, 266.6666666666667, 105.62736120471934, 10
    assert clv.describe_retention_clv(m, f, i, n, h) == (
        f"margin multiple r/(1+d-r) = {m:.3f}\n"
        f"CLV over {h} years = {f:,.2f}; infinite horizon = {i:,.2f}; net of acquisition ({h} years) = {n:,.2f}")
    chinese = clv.describe_retention_clv(m, f, i, n, h, lang="zh")
    assert all(number in chinese for number in ("2.667", "255.63", "266.67", "105.63")) and "利润乘数" in chinese
    assert clv.describe_lifetime_check(4.9506, 5.0) == "simulated mean lifetime 4.95 periods; 1/churn = 5.00"
    assert clv.describe_lifetime_check(1234.5, 5.0, lang="zh") == "模拟队列的平均生命周期为 1234.50 期；1/流失率 = 5.00 期"
    with pytest.raises(ValueError, match="lang"):
        clv.describe_lifetime_check(4.9, 5.0, lang="fr")


def _drawn_money(setting):
    """Every y value plot_retention_clv draws for a setting (bars, running CLV, infinite line)."""
    import matplotlib.pyplot as plt

    ax = clv.plot_retention_clv(setting["margin"], setting["retention_rate"], setting["discount_rate"],
                                setting["horizon"], setting["acquisition_cost"])
    values = [0.0] + [bar.get_height() for bar in ax.patches]
    for line in ax.lines:
        values.extend(float(v) for v in line.get_ydata())
    plt.close(ax.figure)
    return min(values), max(values)


def test_retention_clv_range_holds_every_input_moved_alone_and_is_tight():
    at = dict(margin=100, retention_rate=0.8, discount_rate=0.1, horizon=10, acquisition_cost=150)
    spans = dict(margin=(0, 500), retention_rate=(0, 0.99), discount_rate=(0, 0.3), horizon=(1, 30),
                 acquisition_cost=(0, 500))
    low, high = clv.retention_clv_range(at, spans, pad=0)
    rng = np.random.default_rng(0)
    seen_low, seen_high = 0.0, 0.0
    for name, (a, b) in spans.items():
        for value in [a, b, *rng.uniform(a, b, size=4)]:
            setting = {**at, name: int(round(value)) if name == "horizon" else float(value)}
            drawn_low, drawn_high = _drawn_money(setting)
            assert low - 1e-9 <= drawn_low and drawn_high <= high + 1e-9, (name, value)
            seen_low, seen_high = min(seen_low, drawn_low), max(seen_high, drawn_high)
    np.testing.assert_allclose([low, high], [seen_low, seen_high])   # reached, not just bounded
    padded = clv.retention_clv_range(at, spans)
    np.testing.assert_allclose(padded, [low - 0.05 * (high - low), high + 0.05 * (high - low)])


def test_retention_clv_range_names_wrong_inputs():
    at = dict(margin=100, retention_rate=0.8, discount_rate=0.1, horizon=10, acquisition_cost=150)
    with pytest.raises(ValidationError, match="1 wrong.*'retention'"):
        clv.retention_clv_range(at, {"retention": (0, 1)})
    with pytest.raises(ValidationError, match="'margin'"):
        clv.retention_clv_range(at, {"margin": (500, 0)})
    with pytest.raises(ValidationError, match="'horizon'"):
        clv.retention_clv_range({k: v for k, v in at.items() if k != "horizon"}, {})


def test_retention_clv_calculator_with_its_declared_range_redraws_only_the_data():
    import ipywidgets as widgets

    from crmlab.widgets import scenario

    at = dict(margin=100, retention_rate=0.8, discount_rate=0.1, horizon=10, acquisition_cost=150)
    spans = dict(margin=(0, 500), retention_rate=(0, 0.99), acquisition_cost=(0, 500))
    y_range = clv.retention_clv_range(at, spans)

    def draw(ax, margin, retention_rate, acquisition_cost):
        clv.plot_retention_clv(margin, retention_rate, 0.1, 10, acquisition_cost, ax=ax)
        ax.legend(loc="lower right")

    controls = {name: widgets.FloatSlider(value=at[name], min=a, max=b, step=0.01 if name == "retention_rate" else 10)
                for name, (a, b) in spans.items()}
    widget = scenario(draw, controls, axes={"x": (0, 11), "y": y_range}, show=False)
    live = widget.live_figure
    for control in widget.children[:3]:
        for value in (control.max, control.min, control.value):
            start = control.value
            control.value = value
            assert live.last_redraw == "data only", (control.description, value)
            control.value = start
    np.testing.assert_allclose(live.ax.get_ylim(), y_range)


def test_retention_clv_with_no_retention_counts_nothing_and_plots_flat_bars_without_warnings():
    import warnings

    import matplotlib.pyplot as plt

    assert clv.retention_clv(100, 0.0, 0.1, horizon=0) == 0.0
    assert clv.retention_clv(100, 0.0, 0.1, horizon=0, acquisition_cost=150) == -150.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")                     # the calculator's retention slider at 0
        ax = clv.plot_retention_clv(100, 0.0, 0.1, 10, 150)
    assert [bar.get_height() for bar in ax.patches] == [0.0] * 10
    np.testing.assert_allclose(ax.lines[0].get_ydata(), -150.0)
    plt.close(ax.figure)
