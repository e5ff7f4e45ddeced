"""Lecture 03: relationship customers, customer classes, concentration and satisfaction vs loyalty.

Every number is recomputed here from the raw transaction log with plain pandas/numpy (not with
``crmlab.relationship``): the relationship share from the four behaviour criteria, the class counts
from first and last purchase dates, the top-20 % share and Gini from spend per customer, and the
satisfaction-loyalty correlation with ``np.corrcoef`` on the regenerated synthetic base.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab import simulate
from tests.conftest import NOTEBOOKS

LECTURE = "03_relationship_marketing"


def _log(parameters: dict, numbers: dict) -> tuple[pd.DataFrame, pd.DataFrame | None, str | None]:
    """The run's transaction log with columns customer/date/amount(/discount), its survey, discount column."""
    if parameters["data_path"] is None:
        base = simulate.customer_base(parameters["n_customers"], seed=parameters["seed"],
                                      acquisition_weeks=parameters["acquisition_weeks"],
                                      satisfaction_from_loyalty=numbers.get("satisfaction_from_loyalty", 1.0),
                                      promotion_by_persona=numbers.get("promotion_by_persona", 1.0))
        raw, survey = base.transactions, base.customers
        names = ("customer_id", "date", "amount", parameters["discount_col"] or "on_promotion")
    else:
        raw, survey = pd.read_csv(NOTEBOOKS / parameters["data_path"]), None
        names = (parameters["customer_col"] or "customer_id", parameters["date_col"] or "date",
                 parameters["amount_col"] or "amount", parameters["discount_col"])
    log = pd.DataFrame({"customer": raw[names[0]].to_numpy(), "date": pd.to_datetime(raw[names[1]]).dt.normalize(),
                        "amount": raw[names[2]].astype(float).to_numpy()})
    if names[3] is not None:
        log["discount"] = raw[names[3]].astype(float).to_numpy()
    return log, survey, names[3]


def _relationship_count(log: pd.DataFrame, as_of: pd.Timestamp, parameters: dict, has_discount: bool) -> int:
    known = log[log["date"] <= as_of]
    count = 0
    for _, rows in known.groupby("customer"):
        days = np.sort(rows["date"].unique())
        tenure = (as_of - pd.Timestamp(days[0])).days
        per_year = len(days) * 365.25 / max(tenure, 30)
        gaps = np.diff(days).astype("timedelta64[D]").astype(float)
        regularity = 1 / (1 + gaps.std() / gaps.mean()) if len(gaps) >= 2 else 0.0
        met = [tenure >= parameters["min_tenure_days"], per_year >= parameters["min_purchases_per_year"],
               regularity >= parameters["min_regularity"]]
        if has_discount:
            met.append(rows["discount"].mean() <= parameters["max_discount_share"])
        count += sum(met) >= min(parameters["min_criteria"], len(met))
    return count


def check(summary: dict, params: dict, results: Path) -> None:
    numbers, parameters = summary["numbers"], summary["parameters"]
    log, survey, discount = _log(parameters, numbers)
    as_of = pd.Timestamp(parameters["as_of"]) if parameters["as_of"] else log["date"].max()
    known = log[log["date"] <= as_of]
    assert numbers["as_of"] == as_of.date().isoformat()
    assert numbers["customers"] == known["customer"].nunique()
    assert numbers["rows_after_as_of"] == int((log["date"] > as_of).sum())
    assert numbers["has_discount"] == (discount is not None)

    # relationship customers: independent recomputation of the four criteria
    expected = _relationship_count(log, as_of, parameters, discount is not None)
    assert numbers["relationship_customers"] == expected
    assert abs(numbers["relationship_share"] - expected / numbers["customers"]) < 1e-12
    assert sum(numbers["subtype_counts"].values()) == numbers["customers"]
    assert numbers["subtype_counts"]["transaction"] == numbers["customers"] - expected

    # customer classes: they add up to every customer in the log, and each count is right
    classes = numbers["class_counts"]
    assert set(classes) == {"potential", "new", "existing", "lost"}
    prospects = numbers["prospects"]
    assert prospects == (0 if parameters["data_path"] is not None else prospects)
    assert numbers["customers_in_log"] == log["customer"].nunique()
    assert sum(classes.values()) == numbers["customers_in_log"] + prospects
    first, last = known.groupby("customer")["date"].min(), known.groupby("customer")["date"].max()
    since_first, since_last = (as_of.normalize() - first).dt.days, (as_of.normalize() - last).dt.days
    new = since_first < parameters["new_window_days"]
    lost = ~new & (since_last >= parameters["lapse_window_days"])
    assert classes["potential"] == log["customer"].nunique() - known["customer"].nunique() + prospects
    if parameters["data_path"] is None and parameters["as_of"] is None and parameters["acquisition_weeks"] == 78:
        assert min(classes.values()) > 0, "the default class table has every class populated"
    assert classes["new"] == int(new.sum())
    assert classes["lost"] == int(lost.sum())
    assert classes["existing"] == int((~new & ~lost).sum())

    # concentration: top-20 % share and Gini of spend up to as_of
    spend = np.sort(known.groupby("customer")["amount"].sum().to_numpy())[::-1]
    assert abs(numbers["revenue"] - spend.sum()) < 1e-9 * spend.sum()
    top20 = spend[: math.ceil(spend.size * 0.2 - 1e-9)].sum() / spend.sum()
    assert abs(numbers["top20_share"] - top20) < 1e-12
    ascending = spend[::-1]
    gini = 2 * np.sum(np.arange(1, spend.size + 1) * ascending) / (spend.size * spend.sum()) - (spend.size + 1) / spend.size
    assert abs(numbers["gini"] - gini) < 1e-9
    assert 0.4 < numbers["top20_share"] < 0.9, "customer value is concentrated in these logs"
    if list(parameters["tier_shares"]) == [0.2, 0.3, 0.5]:
        assert abs(numbers["tier_value_shares"][0] - top20) < 1e-12
    assert abs(sum(numbers["tier_value_shares"]) - 1) < 1e-9

    # satisfaction is not loyalty: the recorded correlation equals np.corrcoef on the same base
    if survey is not None:
        r = np.corrcoef(survey["satisfaction"].astype(float), survey["true_alive_at_end"].astype(float))[0, 1]
        assert abs(numbers["satisfaction_loyalty_pearson"] - r) < 1e-12
        assert abs(numbers["satisfaction_loyalty_r_squared"] - r**2) < 1e-12
        setting = numbers["satisfaction_from_loyalty"]
        if setting == 1.0:
            assert 0 < r < 0.5, "satisfaction is positively but only weakly linked to staying"
        # the assumption switch flips the conclusion: without it, satisfaction says nothing about staying
        by_setting = numbers["satisfaction_pearson_by_setting"]
        assert set(by_setting) == {f"{setting:g}", "0" if setting != 0 else "1"}
        assert abs(by_setting["0"]) < 0.06
        if "1" in by_setting:
            assert by_setting["1"] > 0.1
        satisfied = survey["satisfaction"] >= parameters["satisfied_min"]
        assert abs(numbers["satisfied_not_loyal"] - (~survey.loc[satisfied, "true_alive_at_end"]).mean()) < 1e-12
        assert "satisfaction_loyalty.png" in summary["files"]
        loyal_by_band = numbers["loyalty_by_discount"]
        if numbers["promotion_by_persona"] == 1.0:
            assert loyal_by_band[0] > max(loyal_by_band[2:]), "heavy discount users are less loyal in the synthetic base"
        promo = numbers["loyalty_by_discount_by_setting"]
        assert promo["0"][3] >= promo["0"][0] - 0.03, "without the persona assumption heavy users are as loyal"
        if "1" in promo:
            assert promo["1"][0] - promo["1"][3] > 0.1, "with it they are clearly less loyal"
    else:
        assert "satisfaction_loyalty_pearson" not in numbers
        assert "satisfaction_loyalty.png" not in summary["files"]

    # one-to-one contact plan: every customer gets exactly one action
    assert sum(numbers["contact_plan"].values()) == numbers["customers"]
    assert abs(sum(numbers["contact_value_share"].values()) - 1) < 1e-9
    # Hillstrom's randomised e-mail test, recomputed
    from crmlab.datasets import load_hillstrom
    hill = load_hillstrom()
    mailed = hill["segment"].astype(str) != "No E-Mail"
    for outcome in ("visit", "conversion", "spend"):
        effect = numbers["email_effect"][outcome]
        assert abs(effect["treated"] - hill.loc[mailed, outcome].mean()) < 1e-12
        assert abs(effect["control"] - hill.loc[~mailed, outcome].mean()) < 1e-12
        assert effect["ci_low"] > 0, f"the e-mail raises {outcome}"
    assert all(v > 0.03 for v in numbers["email_visit_uplift_by_recency"].values())

    for name in ("relationship_vs_transactional.csv", "crm_marketing_methods.csv", "b2b_b2c_statements.csv",
                 "customer_types.csv", "relationship_subtypes.csv", "customer_classes.csv", "service_tiers.csv",
                 "customer_class_timeline.png", "lorenz_curve.png"):
        assert name in summary["files"], name
    statements = pd.read_csv(results / "b2b_b2c_statements.csv")
    assert len(statements) == 8 and int(statements.iloc[:, 1].sum()) == 4
    if params.get("lang") == "zh":
        assert pd.read_csv(results / "customer_classes.csv").columns.tolist()[:2] == ["客户类别", "客户数"]
        assert pd.read_csv(results / "service_tiers.csv").iloc[0, 0] == "第 1 层"
        assert "关系客户" in pd.read_csv(results / "customer_types.csv").iloc[:, 0].tolist()
