"""Promotion budget over the five communication tools: optimum against hand-computed cases."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes

from crmlab.lang import localize
from crmlab.promotion import (
    PROMOTION_TOOLS,
    ResponseCurve,
    allocation_table,
    default_curves,
    explain_optimum,
    optimal_allocation,
    plot_allocation,
    plot_response_curves,
    tools_table,
    total_response,
    water_filling_exponential,
)

TWO = {"a": ResponseCurve(100.0, 0.02), "b": ResponseCurve(60.0, 0.05)}


def test_five_tools_in_both_languages():
    assert PROMOTION_TOOLS == ("advertising", "sales_promotion", "public_relations", "personal_selling",
                               "direct_marketing")
    assert tools_table("zh").iloc[:, 0].tolist() == ["广告", "销售促进", "公共关系与宣传", "人员推销", "直复营销"]
    assert tools_table("en").shape == (5, 2)


def test_curves_hand_computed():
    curve = ResponseCurve(100.0, 0.02)
    assert curve.response(50.0) == pytest.approx(100 * (1 - math.exp(-1)))
    assert curve.marginal(50.0) == pytest.approx(2 * math.exp(-1))
    power = ResponseCurve(10.0, 0.5, kind="power")
    assert power.response(16.0) == pytest.approx(40.0)
    assert power.marginal(16.0) == pytest.approx(1.25)
    assert total_response({"advertising": 100.0, "sales_promotion": 50.0}) == pytest.approx(
        400 * (1 - math.exp(-0.4)) + 150 * (1 - math.exp(-1)))


def test_two_tools_hand_computed_interior_optimum():
    # a*b = 2 and 3; both funded: 50 (ln 2 - ln λ) + 20 (ln 3 - ln λ) = 100
    log_lam = (50 * math.log(2) + 20 * math.log(3) - 100) / 70
    expected_a, expected_b = 50 * (math.log(2) - log_lam), 20 * (math.log(3) - log_lam)
    assert (expected_a, expected_b) == pytest.approx((65.636, 34.364), abs=1e-3)
    spend, lam = water_filling_exponential(100.0, TWO)
    assert lam == pytest.approx(0.538172, abs=1e-6)
    assert (spend["a"], spend["b"]) == pytest.approx((expected_a, expected_b), abs=1e-9)
    table = optimal_allocation(100.0, TWO)
    assert table["spend"].tolist() == pytest.approx([65.636, 34.364], abs=1e-3)
    assert table["marginal_return"].tolist() == pytest.approx([lam, lam], rel=1e-4)
    assert table.attrs["marginal_return"] == pytest.approx(lam, rel=1e-4)


def test_small_budget_goes_to_the_tool_with_the_best_first_unit():
    # tool b starts at 3 per unit and falls to a's 2 after 20 ln 1.5 = 8.109 units
    threshold = 20 * math.log(1.5)
    assert threshold == pytest.approx(8.109, abs=1e-3)
    for budget in (5.0, 8.0):
        spend, lam = water_filling_exponential(budget, TWO)
        assert spend == pytest.approx({"a": 0.0, "b": budget})
        assert lam == pytest.approx(3 * math.exp(-0.05 * budget))
        assert optimal_allocation(budget, TWO)["spend"].tolist() == pytest.approx([0.0, budget], abs=1e-4)
    spend, _ = water_filling_exponential(threshold + 7.0, TWO)
    assert spend["b"] == pytest.approx(threshold + 2.0) and spend["a"] == pytest.approx(5.0)


@settings(max_examples=25, deadline=None)
@given(st.floats(1.0, 2000.0))
def test_scipy_optimum_matches_closed_form(budget):
    spend, lam = water_filling_exponential(budget)
    table = optimal_allocation(budget)
    assert table["spend"].sum() == pytest.approx(budget, rel=1e-9)
    assert table["spend"].to_numpy() == pytest.approx(np.array(list(spend.values())), abs=2e-3 * max(budget, 10))
    assert table.attrs["total_response"] == pytest.approx(total_response(spend), rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.floats(20.0, 1000.0), st.lists(st.floats(0.01, 1.0), min_size=5, max_size=5))
def test_no_other_split_does_better(budget, weights):
    best = optimal_allocation(budget).attrs["total_response"]
    split = np.array(weights) / sum(weights) * budget
    assert total_response(dict(zip(PROMOTION_TOOLS, split))) <= best + 1e-6


@pytest.mark.parametrize("kind", ["exponential", "power"])
def test_equal_marginal_returns_at_the_optimum(kind):
    table = optimal_allocation(300.0, default_curves(kind))
    funded = table["spend"] > 1e-3
    lam = table.attrs["marginal_return"]
    assert table.loc[funded, "marginal_return"].to_numpy() == pytest.approx(np.full(funded.sum(), lam), rel=1e-3)
    assert (table.loc[~funded, "marginal_return"] <= lam + 1e-6).all()
    if kind == "power":
        assert funded.all(), "a power curve's first unit is worth infinitely much: every tool is funded"


def test_default_budget_split_and_explanation():
    table = optimal_allocation(100.0)
    spend = table.set_index("tool")["spend"]
    assert spend["advertising"] == pytest.approx(0.0, abs=1e-3)
    assert spend["public_relations"] == pytest.approx(0.0, abs=1e-3)
    assert spend["personal_selling"] > spend["sales_promotion"] > spend["direct_marketing"] > 0
    text = explain_optimum(table)
    assert f"{table.attrs['marginal_return']:.3f}" in text
    assert "Advertising, Public relations and publicity get nothing" in text
    zh = explain_optimum(table, "zh")
    assert "边际回报相等" in zh and "广告、公共关系与宣传不获得预算" in zh


def test_minimum_spend_and_bad_input():
    table = optimal_allocation(300.0, min_spend={"public_relations": 50.0})
    spend = table.set_index("tool")["spend"]
    assert spend["public_relations"] == pytest.approx(50.0, abs=1e-6)
    assert spend.sum() == pytest.approx(300.0)
    assert table.attrs["total_response"] < optimal_allocation(300.0).attrs["total_response"]
    with pytest.raises(ValueError, match="more than the budget"):
        optimal_allocation(40.0, min_spend={"advertising": 50.0})
    with pytest.raises(KeyError, match="no response curve for tool"):
        total_response({"billboards": 10.0})
    with pytest.raises(ValueError, match="spend must be finite"):
        allocation_table({"advertising": -1.0})
    with pytest.raises(ValueError, match="rate must be"):
        ResponseCurve(10.0, 1.5, kind="power")
    with pytest.raises(ValueError, match="exponential curves only"):
        water_filling_exponential(10.0, default_curves("power"))
    assert optimal_allocation(0.0)["spend"].sum() == 0.0


def test_display_tables_and_plots_in_chinese():
    table = localize(optimal_allocation(300.0), "zh")
    assert table.attrs["total_response"] == optimal_allocation(300.0).attrs["total_response"]  # kept for display
    assert list(table.columns) == ["传播工具", "投入（千元）", "预算占比", "带来的销售额（千元）", "再投一千元带来的销售额"]
    assert table.iloc[3, 0] == "人员推销"
    mine = allocation_table(dict.fromkeys(PROMOTION_TOOLS, 60.0))
    assert mine.attrs["total_response"] < optimal_allocation(300.0).attrs["total_response"]
    ax = plot_allocation(optimal_allocation(300.0), mine, lang="zh")
    assert isinstance(ax, Axes) and ax.get_xticklabels()[0].get_text() == "广告"
    ax = plot_response_curves(allocation=optimal_allocation(300.0), lang="zh")
    assert ax.get_ylabel() == "带来的销售额（千元）"


def test_integrated_marketing_communication_synergy():
    from crmlab.promotion import imc_comparison, integrated_allocation, integrated_response

    spend = {"advertising": 100.0, "personal_selling": 100.0}
    assert integrated_response(spend, 0.0) == pytest.approx(total_response(spend))
    r = [default_curves()[t].response(100.0) for t in spend]
    assert integrated_response(spend, 0.5) == pytest.approx(sum(r) + 0.5 * np.sqrt(r[0] * r[1]))
    table = imc_comparison(300.0, 0.3)
    assert table.loc["integrated", "response_integrated"] > table.loc["tool_by_tool", "response_integrated"]
    assert (table["response_integrated"] > table["response_separate"]).all()
    spent = table.filter(like="spend_").sum(axis=1)
    assert np.allclose(spent, 300.0)
    plan = integrated_allocation(300.0, 0.0)
    assert plan == pytest.approx(dict(zip(plan, optimal_allocation(300.0)["spend"])))
    with pytest.raises(ValueError, match="synergy"):
        integrated_response(spend, -0.1)


def test_printed_sentences_keep_english_and_have_chinese() -> None:
    from crmlab.lang import label

    values = {"synergy": 0.2, "integrated": 646.94, "tool_by_tool": 636.06, "cap": 473.9}
    assert label("imc_summary", "en").format(**values) == (
        "synergy 0.2: the integrated plan with one message brings 646.9, the tool-by-tool optimum 636.1; "
        "separate messages cap any plan at 473.9")
    assert label("promo_equal_vs_optimum", "en").format(equal=451.1, optimum=473.9) == (
        "equal split: 451.1; optimum: 473.9")
    assert label("promo_random_best", "en").format(n=500, best=471.5, optimum=473.9) == (
        "best of 500 random splits: 471.5; optimum: 473.9")
    assert label("imc_plan", "en") == "plan"
    for key in ("imc_summary", "promo_equal_vs_optimum", "promo_random_best"):
        assert "协同" in label(key, "zh") or "分配" in label(key, "zh")
