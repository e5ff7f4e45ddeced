"""Current / winnable / not-now targeting and the market-strategy chooser."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab.lang import localize
from crmlab.targeting import (
    MARKET_CONDITIONS,
    MARKET_STRATEGIES,
    choose_market_strategy,
    market_strategy_rules,
    target_groups,
)

PEOPLE = pd.DataFrame(
    {
        "orders_last_year": [4, 0, 0, 0, 1, 0],
        "fit": [0.1, 0.5, 0.49, 0.9, 0.0, 0.8],
        "expected_value": [0.0, 300.0, 900.0, 50.0, 10.0, 100.0],
    },
    index=["p1", "p2", "p3", "p4", "p5", "p6"],
)


def test_targeting_rule_hand_case():
    groups = target_groups(PEOPLE, "orders_last_year", "fit")
    assert groups["target_group"].tolist() == ["current", "winnable", "not_now", "winnable", "current", "winnable"]
    assert groups.loc["p3", "target_reason"] == "fit_too_low"  # 0.49 < 0.5; 0.5 itself is winnable
    attractive = target_groups(PEOPLE, "orders_last_year", "fit", "expected_value", attractiveness_threshold=100)
    assert attractive["target_group"].tolist() == ["current", "winnable", "not_now", "not_now", "current", "winnable"]
    assert attractive["target_reason"].tolist() == ["has_relationship", "fits_and_attractive", "fit_too_low",
                                                    "not_attractive_enough", "has_relationship",
                                                    "fits_and_attractive"]


def test_targeting_accepts_a_boolean_relationship_and_chinese():
    people = PEOPLE.assign(is_customer=PEOPLE["orders_last_year"] > 0)
    groups = localize(target_groups(people, "is_customer", "fit", fit_threshold=0.85), "zh")
    assert groups.columns.tolist() == ["目标分组", "依据"]
    assert groups["目标分组"].tolist() == ["现有消费者", "暂不争取消费者", "暂不争取消费者", "可争取消费者",
                                       "现有消费者", "暂不争取消费者"]


def test_targeting_names_bad_input():
    with pytest.raises(KeyError, match=r"\['score'\]"):
        target_groups(PEOPLE, "orders_last_year", "score")
    holes = PEOPLE.copy()
    holes.loc[["p1", "p2", "p3"], "fit"] = np.nan
    with pytest.raises(ValueError, match="'fit' has 3 missing value"):
        target_groups(holes, "orders_last_year", "fit")
    flags = PEOPLE.assign(is_customer=pd.array([True, None, False, False, True, False], dtype="boolean"))
    with pytest.raises(ValueError, match="'is_customer' has 1 missing value"):
        target_groups(flags, "is_customer", "fit")


def test_textbook_conditions_give_the_textbook_strategy():
    unified = choose_market_strategy(resources="ample", needs="homogeneous", product_stage="growth",
                                     competitors="none", separate_offers_pay=False)
    assert unified.strategy == "unified"
    assert unified.scores.tolist() == [8, 0, 1]  # unified, focused, differentiated
    differentiated = choose_market_strategy(resources="ample", needs="heterogeneous", product_stage="maturity",
                                            competitors="differentiated", separate_offers_pay=True)
    assert differentiated.strategy == "differentiated"
    assert differentiated.scores.tolist() == [1, 1, 8]
    focused = choose_market_strategy(resources="limited", needs="heterogeneous", product_stage="decline",
                                     competitors="unified", niche_opportunity=True)
    assert focused.strategy == "focused"
    assert focused.scores.tolist() == [0, 8, 3]
    assert not focused.tied


def test_reasons_add_up_to_the_scores_and_speak_both_languages():
    choice = choose_market_strategy(resources="limited", product_stage="maturity", lang="zh")
    assert choice.name in {"统一化战略", "聚焦型战略", "区别型战略"}
    assert choice.reasons["得分"].sum() == choice.scores.sum()
    assert len(choice.reasons) == 5  # separate_offers_pay was not stated
    assert choice.reasons.columns.tolist() == ["市场条件", "设定情况", "有利于", "得分", "原因"]
    english = choose_market_strategy(resources="limited", product_stage="maturity")
    assert english.reasons["Reason"].str.len().min() > 20


def test_ties_are_reported_and_broken_in_the_stated_order():
    # limited: focused +2; homogeneous: unified +2; maturity: differentiated +2;
    # rivals focused: differentiated +1, focused +1  ->  unified 2, focused 3, differentiated 3
    choice = choose_market_strategy(resources="limited", needs="homogeneous", product_stage="maturity",
                                    competitors="focused")
    assert choice.scores.tolist() == [2, 3, 3]
    assert choice.tied and choice.strategy == "focused"


def test_unknown_conditions_list_the_choices():
    with pytest.raises(ValueError, match=r"product_stage='boom': use one of \('introduction'"):
        choose_market_strategy(product_stage="boom")
    with pytest.raises(ValueError, match="niche_opportunity='yes'"):
        choose_market_strategy(niche_opportunity="yes")


def test_rule_table_lists_every_condition_value():
    rules = market_strategy_rules()
    assert len(rules) == sum(len(values) for values in MARKET_CONDITIONS.values())
    assert rules[["Unified (undifferentiated)", "Focused (concentrated)", "Differentiated"]].to_numpy().min() >= 0


@settings(max_examples=60, deadline=None)
@given(
    resources=st.sampled_from(MARKET_CONDITIONS["resources"]),
    needs=st.sampled_from(MARKET_CONDITIONS["needs"]),
    stage=st.sampled_from(MARKET_CONDITIONS["product_stage"]),
    competitors=st.sampled_from(MARKET_CONDITIONS["competitors"]),
    offers=st.sampled_from([None, True, False]),
)
def test_an_attractive_niche_never_hurts_the_focused_strategy(resources, needs, stage, competitors, offers):
    kwargs = dict(resources=resources, needs=needs, product_stage=stage, competitors=competitors,
                  separate_offers_pay=offers)
    without = choose_market_strategy(niche_opportunity=False, **kwargs)
    with_niche = choose_market_strategy(niche_opportunity=True, **kwargs)
    assert with_niche.scores.iloc[1] == without.scores.iloc[1] + 2
    if without.strategy == "focused":
        assert with_niche.strategy == "focused"
    assert without.strategy == MARKET_STRATEGIES[int(np.argmax(without.scores.to_numpy()))]


def test_lookalike_groups_on_a_market_are_not_circular():
    """Winnable consumers are prospects in segments with a high share of current customers; the
    segments come from who consumers are (not from recency), and prospects come from the market."""
    from crmlab import segmentation as seg
    from crmlab import simulate
    from crmlab.targeting import lookalike_groups

    current = pd.Series([True, False, False, True, True, False], index=list("abcdef"))
    segments = pd.Series([1, 1, 1, 2, 2, 2], index=list("abcdef"))
    groups = lookalike_groups(current, segments, fit_threshold=0.5)
    assert groups["target_group"].tolist() == ["current", "not_now", "not_now", "current", "current", "winnable"]
    assert groups["penetration"].round(3).tolist() == [0.333] * 3 + [0.667] * 3
    shown = localize(groups, "zh")
    assert shown.iloc[5, 1:].tolist() == ["可争取消费者", "与产品契合且有足够吸引力"] and shown.iloc[:, 0].equals(groups["penetration"])
    with pytest.raises(ValueError, match="same index"):
        lookalike_groups(current, segments.reset_index(drop=True))
    with pytest.raises(ValueError, match="fit_threshold"):
        lookalike_groups(current, segments, fit_threshold=2)

    prospects = simulate.market_prospects(400, seed=3)
    assert prospects.index[0] == "M000001" and list(prospects.columns) == list(simulate.PROFILE_COLUMNS)
    assert "recency_days" not in prospects.columns
    pd.testing.assert_frame_equal(prospects, simulate.market_prospects(400, seed=3))
    base = simulate.customer_base(600, seed=3).customers.set_index("customer_id")
    assert not prospects.index.isin(base.index).any()
    profile = ["age", "yearly_income_cny", "occupation", "purchase_motive", "information_source"]
    market = pd.concat([base[profile], prospects[profile]])
    is_current = pd.Series(market.index.str.startswith("C"), index=market.index)
    labels = seg.CustomerSegmentation(profile, 4, log_columns=["yearly_income_cny"], seed=3).fit(market).labels_
    found = lookalike_groups(is_current, labels, fit_threshold=float(is_current.mean()))
    assert (found.loc[is_current, "target_group"] == "current").all()
    assert set(found.loc[~is_current, "target_group"]) <= {"winnable", "not_now"}
