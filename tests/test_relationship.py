"""Relationship marketing: customer types, classes, service tiers, satisfaction versus loyalty."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes

from crmlab.lang import localize
from crmlab.relationship import (
    b2b_b2c_statements,
    behaviour_features,
    class_counts,
    classify_relationship,
    crm_marketing_methods,
    customer_classes,
    localize_features,
    plot_satisfaction_loyalty,
    relationship_subtypes,
    relationship_vs_transactional,
    satisfaction_loyalty,
    service_tiers,
    tier_summary,
)

HAN = re.compile(r"[\u4e00-\u9fff]")


def _log() -> pd.DataFrame:
    """a: monthly at full price for two years; b: two discount purchases; c: weekly then silent."""
    a_dates = pd.date_range("2023-01-15", "2024-12-15", freq="MS") + pd.Timedelta(days=14)
    c_dates = pd.date_range("2024-01-01", periods=10, freq="7D")
    rows = (
        [("a", d, 40.0, False) for d in a_dates]
        + [("b", pd.Timestamp("2024-06-01"), 15.0, True), ("b", pd.Timestamp("2024-11-20"), 25.0, True)]
        + [("c", d, 10.0, i % 4 == 0) for i, d in enumerate(c_dates)]
    )
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount", "on_promotion"])


# --------------------------------------------------------------------------- concepts as data


def test_comparison_methods_and_statements_are_bilingual():
    table = relationship_vs_transactional("zh")
    assert len(table) >= 8 and list(table.columns) == ["比较方面", "交易营销（传统营销）", "关系营销"]
    assert table.iloc[:3, 0].tolist() == ["理论基础", "核心概念", "市场范围"]
    assert all(HAN.search(t) for t in table.to_numpy().ravel())
    assert crm_marketing_methods().iloc[:, 0].tolist() == [
        "Relationship marketing", "Direct marketing", "One-to-one marketing", "Database marketing"]
    en, zh = b2b_b2c_statements("en"), b2b_b2c_statements("zh")
    assert len(en) == len(zh) == 8
    assert en.iloc[:, 1].tolist() == [False, False, True, True, True, False, True, False]
    assert zh.iloc[:, 1].tolist() == en.iloc[:, 1].tolist()
    assert all(HAN.search(t) for t in zh.iloc[:, 0]) and all(HAN.search(t) for t in zh.iloc[:, 2])


# --------------------------------------------------------------------------- behaviour


def test_behaviour_features_hand_computed():
    log = pd.DataFrame({
        "customer_id": ["x", "x", "x", "x", "y", "y"],
        "date": ["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-31", "2024-01-20", "2024-02-05"],
        "amount": [5.0, 5.0, 10.0, 20.0, 7.0, 99.0],
        "promo": [1, 1, 0, 0, 1, 0],
    })
    features = behaviour_features(log, as_of="2024-01-31", discount_col="promo", recent_days=15)
    x, y = features.loc["x"], features.loc["y"]
    assert x["purchase_days"] == 3, "two lines on one day are one purchase day"
    assert x["tenure_days"] == 30 and x["days_since_last"] == 0
    assert x["mean_gap_days"] == pytest.approx(15.0)  # gaps 10 and 20
    cv = 5.0 / 15.0  # population std of (10, 20) over the mean
    assert x["regularity"] == pytest.approx(1 / (1 + cv))
    assert x["purchases_per_year"] == pytest.approx(3 * 365.25 / 30)
    assert x["discount_share"] == pytest.approx(0.5)
    assert x["total_amount"] == 40.0
    assert x["recent_amount"] == 20.0 and x["previous_amount"] == 10.0  # day 30 recent, day 10 before
    assert y["purchase_days"] == 1 and y["regularity"] == 0.0
    assert y["mean_gap_days"] == 11.0, "a single purchase day: the gap so far is the tenure"
    assert y["purchases_per_year"] == pytest.approx(365.25 / 30), "tenure counts at least 30 days"
    assert features.attrs["rows_after_as_of"] == 1
    assert features.attrs["duplicate_rows"] == 1
    assert not features.isna().any().any()


def test_behaviour_features_reject_bad_logs():
    log = _log()
    with pytest.raises(KeyError, match=r"column\(s\) \['when'\] are not in the transaction log"):
        behaviour_features(log, date_col="when")
    bad_dates = log.assign(date=log["date"].astype(str))
    bad_dates.loc[[0, 3], "date"] = "not a day"
    with pytest.raises(ValueError, match="'date' has 2 row"):
        behaviour_features(bad_dates)
    with pytest.raises(ValueError, match="'amount' has 1 negative"):
        behaviour_features(log.assign(amount=log["amount"].where(log.index != 5, -3.0)))
    with pytest.raises(ValueError, match="'customer_id' has 1 row"):
        behaviour_features(log.assign(customer_id=log["customer_id"].where(log.index != 0, None)))
    with pytest.raises(ValueError, match="no transaction is dated on or before"):
        behaviour_features(log, as_of="2000-01-01")
    with pytest.raises(ValueError, match="True/False or 0/1"):
        behaviour_features(log.assign(on_promotion=2), discount_col="on_promotion")


def test_relationship_and_transaction_customers():
    features = behaviour_features(_log(), as_of="2024-12-31", discount_col="on_promotion")
    result = classify_relationship(features)
    assert result["customer_type"].astype(str).tolist() == ["relationship", "transaction", "relationship"]
    assert result.loc["a", ["low_discount", "long_tenure", "frequent", "regular"]].tolist() == [True] * 4
    assert result.loc["b", "criteria_met"] == 0  # on discount, short tenure, rare and irregular
    assert features.loc["c", "discount_share"] == pytest.approx(0.3) and features.loc["c", "tenure_days"] == 365
    stricter = classify_relationship(features, max_discount_share=0.25, min_criteria=4)
    assert stricter["customer_type"].astype(str).tolist() == ["relationship", "transaction", "transaction"]
    subtypes = relationship_subtypes(features, result)
    assert subtypes.astype(str).tolist() == ["most_profitable_now", "transaction", "about_to_leave"]
    without_discount = classify_relationship(features, discount_col=None, min_criteria=3)
    assert "low_discount" not in without_discount.columns
    with pytest.raises(ValueError, match="min_criteria must be a whole number from 1 to 3"):
        classify_relationship(features, discount_col=None, min_criteria=4)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(1, 4))
def test_looser_thresholds_never_lose_relationship_customers(low, high, min_criteria):
    rng = np.random.default_rng(3)
    features = pd.DataFrame({
        "discount_share": rng.uniform(0, 1, 200), "tenure_days": rng.integers(0, 1500, 200),
        "purchases_per_year": rng.gamma(2, 3, 200), "regularity": rng.uniform(0, 1, 200),
    })
    strict = classify_relationship(features, max_discount_share=min(low, high), min_criteria=min_criteria)
    loose = classify_relationship(features, max_discount_share=max(low, high), min_criteria=min_criteria)
    assert ((strict["customer_type"] == "relationship") <= (loose["customer_type"] == "relationship")).all()


def test_relationship_subtypes_hand_made():
    features = pd.DataFrame({
        "recent_amount": [900.0, 100.0, 800.0, 300.0, 50.0, 700.0],
        "days_since_last": [10, 20, 200, 15, 5, 40],
        "mean_gap_days": [30.0, 30.0, 30.0, 30.0, 30.0, 10.0],
    }, index=list("uvwxyz"))
    types = pd.Series(["relationship"] * 4 + ["transaction", "relationship"], index=features.index)
    subtypes = relationship_subtypes(features, types, top_value_share=0.5)
    # w is late (200 days > 2 x 30); z is 40 days silent with a 10-day rhythm, but under the
    # 60-day minimum; of the 4 staying relationship customers the top half by value are u and z
    assert subtypes.astype(str).tolist() == [
        "most_profitable_now", "potentially_most_profitable", "about_to_leave", "potentially_most_profitable",
        "transaction", "most_profitable_now"]
    shorter = relationship_subtypes(features, types, top_value_share=0.5, min_leave_days=30)
    assert shorter.astype(str).tolist() == [
        "most_profitable_now", "potentially_most_profitable", "about_to_leave", "most_profitable_now",
        "transaction", "about_to_leave"]
    with pytest.raises(ValueError, match="same index"):
        relationship_subtypes(features, types.reset_index(drop=True))
    shown = localize_features(pd.DataFrame({"relationship_subtype": subtypes.astype(str)}), "zh")
    assert shown.iloc[2, 0] == "即将流失" and shown.columns[0] == "关系客户子类"


# --------------------------------------------------------------------------- classes


def test_customer_classes_at_a_date_with_boundaries():
    log = pd.DataFrame({
        "customer_id": ["new1", "edge_new", "old", "old", "edge_lost", "gone", "future"],
        "date": ["2024-06-25", "2024-04-01", "2023-01-01", "2024-03-01", "2023-06-30", "2022-01-01", "2024-07-10"],
    })
    classes = customer_classes(log, "2024-06-30", new_window_days=91, lapse_window_days=366, prospects=["lead"])
    # 2024-04-01 is 90 days before 2024-06-30: inside a 91-day window; 2023-06-30 is 366 days back: lost
    assert classes["customer_class"].astype(str).to_dict() == {
        "new1": "new", "edge_new": "new", "old": "existing", "edge_lost": "lost", "gone": "lost",
        "future": "potential", "lead": "potential"}
    assert classes.loc["old", "first_purchase"] == pd.Timestamp("2023-01-01")
    assert classes.attrs["rows_after_as_of"] == 1
    tighter = customer_classes(log, "2024-06-30", new_window_days=90, lapse_window_days=367)
    assert tighter.loc["edge_new", "customer_class"] == "existing"
    assert tighter.loc["edge_lost", "customer_class"] == "existing"
    counts = class_counts(classes)
    assert counts["customers"].tolist() == [2, 2, 1, 2] and counts["share"].sum() == pytest.approx(1.0)
    zh = localize(class_counts(classes), "zh")
    assert zh.iloc[:, 0].tolist() == ["潜在客户", "新客户", "现有客户", "流失客户"]


def test_customer_classes_move_with_the_date():
    log = _log()
    early = class_counts(customer_classes(log, "2024-01-20")).set_index("customer_class")["customers"]
    late = class_counts(customer_classes(log, "2025-06-30")).set_index("customer_class")["customers"]
    latest = class_counts(customer_classes(log, "2026-01-01")).set_index("customer_class")["customers"]
    assert early.to_dict() == {"potential": 1, "new": 1, "existing": 1, "lost": 0}
    assert late.to_dict() == {"potential": 0, "new": 0, "existing": 2, "lost": 1}
    assert latest.to_dict() == {"potential": 0, "new": 0, "existing": 0, "lost": 3}
    with pytest.raises(ValueError, match="must not be longer"):
        customer_classes(log, "2024-01-01", new_window_days=400, lapse_window_days=365)


# --------------------------------------------------------------------------- service tiers


def test_service_tiers_by_rank():
    values = pd.Series([100.0, 5, 40, 20, 10, 1, 2, 3, 4, 6], index=list("abcdefghij"))
    tiers = service_tiers(values)
    assert tiers["service_tier"].to_dict() == {"a": 1, "b": 3, "c": 1, "d": 2, "e": 2, "f": 3, "g": 3, "h": 3,
                                               "i": 3, "j": 2}
    summary = tier_summary(tiers)
    assert summary["customers"].tolist() == [2, 3, 5]
    assert summary["value_share"].tolist() == pytest.approx([140 / 191, 36 / 191, 15 / 191])
    odd = service_tiers(pd.Series(np.arange(7.0)), tier_shares=(0.2, 0.8))
    assert (odd["service_tier"] == 1).sum() == 2, "ceil(7 * 0.2) = 2 customers in tier 1"
    ties = service_tiers(pd.Series([5.0, 5.0, 5.0, 5.0, 5.0]), tier_shares=(0.4, 0.6))
    assert ties["service_tier"].tolist() == [1, 1, 2, 2, 2], "ties keep the input order"
    zh = localize(tier_summary(tiers), "zh")
    assert zh.iloc[0, 0] == "第 1 层" and zh.columns[3] == "价值占比"
    with pytest.raises(ValueError, match="add up to 1"):
        service_tiers(values, tier_shares=(0.2, 0.2))
    with pytest.raises(ValueError, match="1 missing"):
        service_tiers(values.where(values.index != "c"))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=60))
def test_higher_value_never_gets_a_lower_tier(values):
    tiers = service_tiers(pd.Series(values))
    ordered = tiers.sort_values("value_rank")
    assert ordered["service_tier"].is_monotonic_increasing
    assert ordered["value"].is_monotonic_decreasing


# --------------------------------------------------------------------------- satisfaction is not loyalty


def test_satisfaction_loyalty_hand_computed():
    table = pd.DataFrame({"satisfaction": [5, 5, 4, 4, 2, 2, 1, 3], "stayed": [1, 0, 1, 0, 1, 1, 0, 1]})
    result = satisfaction_loyalty(table, "satisfaction", "stayed")
    s, loyal = table["satisfaction"].to_numpy(float), table["stayed"].to_numpy(float)
    expected = np.sum((s - s.mean()) * (loyal - loyal.mean())) / np.sqrt(
        np.sum((s - s.mean()) ** 2) * np.sum((loyal - loyal.mean()) ** 2))
    assert result.pearson == pytest.approx(expected)
    assert result.r_squared == pytest.approx(expected**2)
    assert result.satisfied_not_loyal == 0.5 and result.dissatisfied_loyal == 0.75
    assert result.by_level["loyalty_rate"].tolist() == [0.0, 1.0, 1.0, 0.5, 0.5]
    assert list(localize(result.table(), "zh").columns) == ["满意度", "客户数", "忠诚比例（留存或复购）"]
    assert isinstance(plot_satisfaction_loyalty(result, lang="zh"), Axes)


def test_satisfied_customers_leave_too():
    rng = np.random.default_rng(0)
    satisfaction = rng.integers(1, 6, 2000)
    stays = rng.uniform(size=2000) < 0.35 + 0.05 * satisfaction  # satisfaction helps only a little
    result = satisfaction_loyalty(pd.DataFrame({"sat": satisfaction, "alive": stays}), "sat", "alive")
    assert 0.05 < result.pearson < 0.3
    assert result.r_squared < 0.1, "satisfaction explains under a tenth of who stays"
    assert result.satisfied_not_loyal > 0.3
    repeat = pd.DataFrame({"sat": satisfaction, "repeat_purchases": rng.poisson(1 + 0.1 * satisfaction)})
    counted = satisfaction_loyalty(repeat, "sat", "repeat_purchases")
    assert 0 < counted.spearman < 0.3


def test_satisfaction_loyalty_rejects_bad_tables():
    with pytest.raises(KeyError, match=r"\['stayed'\] are not in the customer table"):
        satisfaction_loyalty(pd.DataFrame({"satisfaction": [1, 2, 3]}), "satisfaction", "stayed")
    with pytest.raises(ValueError, match="'stayed' has 1 missing"):
        satisfaction_loyalty(pd.DataFrame({"s": [1, 2, 3], "stayed": [1, None, 0]}), "s", "stayed")
    with pytest.raises(ValueError, match="must both vary"):
        satisfaction_loyalty(pd.DataFrame({"s": [3, 3, 3], "stayed": [1, 0, 1]}), "s", "stayed")


# --------------------------------------------------------------------------- one-to-one contact plan
def test_contact_plan_rules_and_summary():
    from crmlab.relationship import CONTACT_ACTIONS, contact_plan, contact_summary

    ids = [f"c{i}" for i in range(10)]
    value = pd.Series([1000.0, 800, 50, 40, 30, 600, 20, 10, 5, 1], index=ids)
    classes = pd.Series(["existing"] * 5 + ["lost", "lost", "new", "existing", "lost"], index=ids)
    complaints = pd.Series([0, 0, 3, 0, 0, 0, 0, 1, 0, 0], index=ids)
    related = pd.Series([True, False, False, True, False, True, False, False, False, False], index=ids)
    plan = contact_plan(value, classes, complaints, related, key_share=0.2, win_back_share=0.33)
    assert plan["action"].tolist() == ["key_contact", "key_contact", "complaint_call", "regular_follow_up",
                                       "no_personal_contact", "win_back", "no_personal_contact", "complaint_call",
                                       "no_personal_contact", "no_personal_contact"]
    summary = contact_summary(plan)
    assert set(summary.index) == set(CONTACT_ACTIONS)
    assert summary["customers"].sum() == 10
    assert abs(summary["value_share"].sum() - 1) < 1e-12
    assert localize(contact_summary(plan), "zh").index.name == "行动"
    with pytest.raises(ValueError, match="2 missing"):
        contact_plan(pd.Series([1.0, None, None]), pd.Series(["new"] * 3))
    with pytest.raises(ValueError, match="key_share"):
        contact_plan(value, classes, key_share=1.5)


def test_printed_sentences_have_same_fields_in_both_languages():
    import string

    from crmlab.lang import terms

    sentences = {k: v for k, v in terms().items() if k.startswith("rel_print_")}
    assert len(sentences) >= 10
    for key, text in sentences.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(text[lang]) if f} for lang in ("en", "zh")]
        assert fields[0] == fields[1], key
        assert HAN.search(text["zh"]), key
    assert terms()["rel_print_contact"]["en"].format(n=1975, total=5000, share=0.395, value=0.73) == (
        "1,975 of 5,000 customers (40%) get a personal action; they hold 73% of the value")
