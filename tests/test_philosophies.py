"""Marketing philosophies: the data, the market simulation's lessons, push versus pull."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes

from crmlab.lang import localize
from crmlab.philosophies import (
    DEFAULT_EFFORT,
    PHILOSOPHY_KEYS,
    MarketCondition,
    effort_table,
    market_summary,
    market_winner,
    philosophies_table,
    plot_market,
    plot_supply,
    proverb,
    selling_vs_marketing,
    simulate_market,
    simulate_supply,
    supply_summary,
)

HAN = re.compile(r"[\u4e00-\u9fff]")
SEEDS = (0, 1, 2)


def _lever(x: float) -> float:
    return (1 - math.exp(-3 * x)) / (1 - math.exp(-3))


# --------------------------------------------------------------------------- data


def test_five_philosophies_in_both_languages():
    en, zh = philosophies_table("en"), philosophies_table("zh")
    assert en.shape == zh.shape == (5, 6)
    assert en.iloc[:, 0].tolist() == ["Production concept", "Product concept", "Selling concept",
                                      "Marketing concept", "Societal marketing concept"]
    assert zh.iloc[:, 0].tolist() == ["生产观念", "产品观念", "推销观念", "营销观念", "社会营销观念"]
    assert all(HAN.search(text) for text in zh.iloc[:, 1:].to_numpy().ravel())
    assert proverb("production", "zh").startswith("皇帝的女儿不愁嫁")
    assert proverb("selling").startswith("王婆卖瓜")
    with pytest.raises(ValueError, match="philosophy must be one of"):
        proverb("branding")


def test_selling_versus_marketing_table():
    table = selling_vs_marketing("en")
    assert table.iloc[:, 0].tolist() == ["Starting point", "Focus", "Means", "End"]
    assert table.loc[0, "Selling concept"] == "The factory"
    assert table.loc[0, "Marketing concept"] == "The target market"
    zh = selling_vs_marketing("zh")
    assert list(zh.columns) == ["比较项目", "推销观念", "营销观念"]
    assert zh.iloc[3, 2] == "靠顾客满意来赚钱"


def test_effort_table_rescales_shares():
    table = effort_table({"mine": (2, 2, 0, 4, 2)})
    assert table.loc["mine"].tolist() == [0.2, 0.2, 0.0, 0.4, 0.2]
    assert effort_table().sum(axis=1).round(12).eq(1).all()
    shown = localize(effort_table(), "zh")
    assert shown.columns[0] == "生产效率" and shown.index[0] == "生产观念"
    with pytest.raises(ValueError, match="5 shares"):
        effort_table({"bad": (1, 1)})
    with pytest.raises(ValueError, match="put no effort"):
        effort_table({"idle": (0, 0, 0, 0, 0)})


# --------------------------------------------------------------------------- market lessons


@pytest.mark.parametrize("scarcity", [0.8, 1.0])
@pytest.mark.parametrize("heterogeneity", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("competition", [0.0, 0.5, 1.0])
def test_production_concept_wins_profit_under_shortage(scarcity, heterogeneity, competition):
    for seed in SEEDS:
        result = simulate_market(MarketCondition(scarcity, heterogeneity, competition), seed=seed)
        assert market_winner(result, "profit") == "production"
        assert market_winner(result, "sales") == "production"


@pytest.mark.parametrize("scarcity", [0.0, 0.1])
@pytest.mark.parametrize("heterogeneity", [0.8, 1.0])
@pytest.mark.parametrize("competition", [0.25, 0.5, 0.75])
def test_marketing_concept_wins_profit_in_abundance_with_varied_needs(scarcity, heterogeneity, competition):
    for seed in SEEDS:
        result = simulate_market(MarketCondition(scarcity, heterogeneity, competition), seed=seed)
        assert market_winner(result, "profit") == "marketing"
        summary = market_summary(result).set_index("philosophy")
        assert summary.loc["marketing", "total_profit"] > 1.2 * summary.loc["production", "total_profit"]


@pytest.mark.parametrize("competition", [0.0, 0.5])
def test_product_concept_wins_when_supply_is_abundant_and_needs_alike(competition):
    result = simulate_market(MarketCondition(0.0, 0.0, competition), seed=0)
    assert market_winner(result, "profit") == "product"


@pytest.mark.parametrize("scarcity", [0.0, 0.3, 0.5, 0.7, 1.0])
@pytest.mark.parametrize("heterogeneity", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("competition", [0.0, 0.5, 1.0])
def test_societal_marketing_leads_welfare_everywhere(scarcity, heterogeneity, competition):
    result = simulate_market(MarketCondition(scarcity, heterogeneity, competition), seed=4)
    assert market_winner(result, "welfare") == "societal"


def test_the_winner_changes_with_the_market():
    shortage = simulate_market(MarketCondition(scarcity=0.9, heterogeneity=0.9), seed=7)
    abundance = simulate_market(MarketCondition(scarcity=0.1, heterogeneity=0.9), seed=7)
    ranks_short = market_summary(shortage).set_index("philosophy")["profit_rank"]
    ranks_abund = market_summary(abundance).set_index("philosophy")["profit_rank"]
    assert ranks_short["production"] == 1 and ranks_abund["production"] >= 4
    assert ranks_abund["marketing"] == 1


def test_selling_concept_gets_the_least_satisfied_customers():
    result = simulate_market(MarketCondition(0.2, 0.8, 0.5))
    assert market_winner(result, "satisfaction") in {"marketing", "product"}
    means = result.groupby("philosophy")["satisfaction"].mean()
    assert means.idxmin() == "selling"
    retention = result.groupby("philosophy")["retention"].mean()
    assert retention.rank().equals(means.rank()), "retention follows satisfaction"


def _value(effort, heterogeneity: float) -> float:
    quality, research = _lever(effort[1]), _lever(effort[3])
    return 0.4 * quality + 0.6 * (1 - heterogeneity * (1 - research))


def test_hand_computed_shortage_without_noise():
    """Shortage, no noise: every firm sells its capacity; price level sqrt(2) * (1 - 0.25 C)
    times the value premium 1 + 0.5 (v_i - mean v)."""
    competition, heterogeneity = 0.4, 0.5
    result = simulate_market(MarketCondition(1.0, heterogeneity, competition), n_periods=3, demand_noise=0.0)
    values = {name: _value(effort, heterogeneity) for name, effort in DEFAULT_EFFORT.items()}
    mean_value = sum(values.values()) / len(values)
    price = math.sqrt(2) * (1 - 0.25 * competition) * (1 + 0.5 * (values["production"] - mean_value))
    efficiency = _lever(0.6)
    capacity = 100 * (1 + efficiency)
    unit_cost = 0.5 * (1 - 0.5 * efficiency)
    production = result[result["philosophy"] == "production"]
    assert production["price"].to_numpy() == pytest.approx([price] * 3)
    assert production["sales"].to_numpy() == pytest.approx([capacity] * 3)
    assert production["profit"].to_numpy() == pytest.approx([(price - unit_cost) * capacity - 10] * 3)
    assert capacity == pytest.approx(187.84, abs=0.01)


def test_hand_computed_satisfaction_and_retention():
    condition = MarketCondition(0.5, 1.0, 0.5)
    result = simulate_market(condition, n_periods=1, demand_noise=0.0)
    row = result.set_index("philosophy").loc["marketing"]
    value = 0.4 * _lever(0.2) + 0.6 * _lever(0.5)  # fit = research effect when heterogeneity is 1
    satisfaction = value - 0.3 * _lever(0.1) * (1 - value)
    assert row["satisfaction"] == pytest.approx(satisfaction)
    assert row["retention"] == pytest.approx(0.9 * satisfaction ** 2)


def test_market_is_seeded_and_complete():
    a = simulate_market(MarketCondition(0.3, 0.6, 0.2), seed=11)
    b = simulate_market(MarketCondition(0.3, 0.6, 0.2), seed=11)
    c = simulate_market(MarketCondition(0.3, 0.6, 0.2), seed=12)
    assert a.equals(b) and not a.equals(c)
    assert len(a) == 12 * 5 and not a.isna().any().any()
    assert set(a["philosophy"]) == set(PHILOSOPHY_KEYS)


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_sales_never_exceed_demand_or_capacity_and_rise_with_demand(scarcity, heterogeneity, competition):
    result = simulate_market(MarketCondition(scarcity, heterogeneity, competition), n_periods=4, demand_noise=0.0)
    per_period = result.groupby("period")["sales"].sum().to_numpy()
    capacity = sum(100 * (1 + _lever(effort[0] / sum(effort))) for effort in DEFAULT_EFFORT.values())
    demand = capacity * 2 ** (2 * scarcity - 1)
    assert (per_period <= min(demand, capacity) + 1e-6).all()
    assert (per_period > 0).all()
    more_buyers = simulate_market(MarketCondition(min(1.0, scarcity + 0.1), heterogeneity, competition),
                                  n_periods=4, demand_noise=0.0)
    assert (more_buyers.groupby("period")["sales"].sum().to_numpy() >= per_period - 1e-6).all()
    assert (result["satisfaction"].between(0, 1)).all() and (result["retention"].between(0, 0.9)).all()


@settings(max_examples=20, deadline=None)
@given(st.floats(0.0, 0.9), st.floats(0.05, 0.1))
def test_production_profit_rises_with_scarcity(scarcity, step):
    def profit(s):
        result = simulate_market(MarketCondition(s, 0.5, 0.5), demand_noise=0.0)
        return result.loc[result["philosophy"] == "production", "profit"].sum()

    assert profit(min(1.0, scarcity + step)) >= profit(scarcity) - 1e-9


def test_student_firm_and_bad_input():
    efforts = dict(DEFAULT_EFFORT, mine=(0.3, 0.2, 0.0, 0.3, 0.2))
    result = simulate_market(MarketCondition(), efforts=efforts)
    assert set(result["philosophy"]) == {*PHILOSOPHY_KEYS, "mine"}
    with pytest.raises(ValueError, match="MarketCondition.scarcity must be a number from 0 to 1"):
        MarketCondition(scarcity=1.5)
    with pytest.raises(ValueError, match="n_periods"):
        simulate_market(n_periods=0)
    with pytest.raises(TypeError, match="MarketCondition"):
        simulate_market({"scarcity": 0.5})
    with pytest.raises(ValueError, match="outcome must be one of"):
        market_winner(result, "fame")


def test_market_summary_and_plot_speak_chinese():
    result = simulate_market()
    table = localize(market_summary(result), "zh")
    assert list(table.columns)[:2] == ["营销管理观念", "累计利润"]
    assert table["利润排名"].tolist() == [1, 2, 3, 4, 5]
    ax = plot_market(result, "welfare", lang="zh")
    assert isinstance(ax, Axes)
    assert ax.get_ylabel() == "社会福利"
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {
        "生产观念", "产品观念", "推销观念", "营销观念", "社会营销观念"}


# --------------------------------------------------------------------------- push versus pull


def test_push_and_pull_without_uncertainty():
    push = simulate_supply("push", demand_cv=0.0, demand_shift=0.0, safety_factor=1.0)
    pull = simulate_supply("pull", demand_cv=0.0, demand_shift=0.0)
    assert push["production"].to_numpy() == pytest.approx(np.full(52, 100.0))
    assert push["inventory"].abs().max() == pytest.approx(0.0, abs=1e-9)
    assert push["lost_sales"].sum() == pytest.approx(0.0, abs=1e-9)
    assert pull["backlog"].sum() == pytest.approx(0.0)
    summary = supply_summary([push, pull]).set_index("supply_mode")
    assert summary.loc["push", "mean_wait_periods"] == 0.0
    assert summary.loc["pull", "mean_wait_periods"] == 1.0


def test_push_and_pull_share_the_same_demand():
    push, pull = simulate_supply("push", seed=5), simulate_supply("pull", seed=5)
    assert push["demand"].equals(pull["demand"])
    assert not push["demand"].equals(simulate_supply("push", seed=6)["demand"])


def test_pull_holds_no_stock_and_loses_no_sale_but_customers_wait():
    for seed in SEEDS:
        summary = supply_summary([simulate_supply("push", seed=seed), simulate_supply("pull", seed=seed)])
        push, pull = summary.set_index("supply_mode").loc["push"], summary.set_index("supply_mode").loc["pull"]
        assert pull["mean_inventory"] == 0.0 and pull["stockout_rate"] == 0.0
        assert push["mean_inventory"] > 20 and push["stockout_rate"] > 0.02
        assert push["mean_wait_periods"] == 0.0 and pull["mean_wait_periods"] >= 1.0
        assert pull["supply_cost"] < push["supply_cost"]


def _mean_summary(mode: str, **settings_) -> dict:
    runs = [simulate_supply(mode, seed=seed, **settings_) for seed in range(20)]
    return supply_summary(runs).mean(numeric_only=True).to_dict()


def test_uncertainty_hurts_push_more():
    low, high = _mean_summary("push", demand_cv=0.1), _mean_summary("push", demand_cv=0.5)
    assert high["mean_inventory"] > 3 * low["mean_inventory"]
    assert high["stockout_rate"] > 1.5 * low["stockout_rate"]
    assert high["supply_cost"] > 2 * low["supply_cost"]


def test_pull_follows_a_demand_shift_faster_but_production_swings_more():
    push, pull = _mean_summary("push"), _mean_summary("pull")
    assert pull["adaptation_lag"] < push["adaptation_lag"] - 2
    assert pull["production_variability"] > push["production_variability"]


def test_supply_output_and_input_checks():
    run = simulate_supply("pull", n_periods=10)
    assert list(run.columns) == ["period", "demand", "production", "inventory", "lost_sales", "backlog", "cost"]
    assert not run.isna().any().any()
    zh = localize(supply_summary([run]), "zh")
    assert zh.iloc[0, 0] == "拉式（按订单生产，JIT）"
    assert isinstance(plot_supply(run, lang="zh"), Axes)
    with pytest.raises(ValueError, match="mode must be one of"):
        simulate_supply("kanban")
    with pytest.raises(ValueError, match="lead_time"):
        simulate_supply("push", lead_time=0)
    with pytest.raises(ValueError, match="output of simulate_supply"):
        supply_summary([pd.DataFrame(run.to_dict("list"))])


def test_research_assumption_switch_flips_the_marketing_win():
    """The marketing concept wins under abundance with varied needs only because research is
    assumed to improve the fit: with research_effect = 0 it wins in no market."""
    from crmlab.philosophies import market_winners

    markets = {f"{s}-{h}": MarketCondition(s, h, 0.5) for s in (0.0, 0.25, 0.5, 0.75, 1.0)
               for h in (0.0, 0.25, 0.5, 0.75, 1.0)}
    assumed = market_winners(markets, seed=42)
    switched_off = market_winners(markets, seed=42, research_effect=0.0)
    assert (assumed["profit"] == "marketing").sum() >= 8
    assert (switched_off["profit"] == "marketing").sum() == 0
    assert assumed.loc["0.0-1.0", "profit"] == "marketing" and switched_off.loc["0.0-1.0", "profit"] == "product"
    # the default is bit for bit the model without the switch
    default = simulate_market(MarketCondition(0.1, 0.9, 0.5), seed=3)
    explicit = simulate_market(MarketCondition(0.1, 0.9, 0.5), seed=3, research_effect=1.0)
    pd.testing.assert_frame_equal(default, explicit)
    with pytest.raises(ValueError, match="research_effect"):
        simulate_market(research_effect=1.5)


def test_sayings_say_where_they_come_from():
    table = philosophies_table("en")
    sources = dict(zip(table.iloc[:, 0], table.iloc[:, -1]))
    assert sources["Selling concept"].startswith("Chinese course material")
    assert sources["Marketing concept"] == sources["Societal marketing concept"] == "Added by this course"


def test_printed_sentences_and_winners_table_follow_lang():
    from crmlab.lang import label
    from crmlab.philosophies import winners_table

    values = {"scarcity": 0.2, "heterogeneity": 0.7, "competition": 0.5, "profit": "marketing",
              "welfare": "societal"}
    # the English sentence is the one the lecture printed before it was localized
    assert (label("philosophies_market_winners_sentence", "en").format(**values)
            == "scarcity=0.2, heterogeneity=0.7, competition=0.5: most profit -> marketing; "
               "most welfare -> societal")
    assert (label("philosophies_research_switch_sentence", "en").format(with_research=2, without_research=0, n=4)
            == "markets the marketing concept wins: with research working 2 of 4, with research_effect = 0 0 of 4")
    zh = label("philosophies_research_switch_sentence", "zh").format(with_research=2, without_research=0, n=4)
    assert "营销观念" in zh and "2" in zh
    keys = winners_table({"yours": values, "other": values})
    assert keys.loc["yours", "profit_winner"] == "marketing"
    table = localize(keys, "zh")
    assert table.index.tolist() == ["你设定的市场", "other"]
    assert table.iloc[0, 3:].tolist() == ["营销观念", "社会营销观念"]
    assert table.iloc[0, 0] == 0.2
    assert localize(winners_table({"yours": values}), "en").columns[-1] == "Most welfare created by"
