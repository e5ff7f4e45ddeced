"""Lecture 02: the audit's framework scores and gaps equal a recomputation from the case file, and the
promotion budget split sums to the budget and matches the closed-form (water-filling) optimum."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from crmlab.frameworks import audit_framework, case_scores, framework_scores, gap_analysis, load_case
from crmlab.promotion import PROMOTION_TOOLS, allocation_table, total_response, water_filling_exponential

LECTURE = "02_marketing_mix_models"

DEFAULTS = {"case": "swift_express", "budget": 300.0, "target": 4.0, "synergy": 0.2}


def check(summary: dict, params: dict, results: Path) -> None:
    settings = {**DEFAULTS, **params}
    numbers = summary["numbers"]
    # the case audit, recomputed from the case file
    scores = case_scores(load_case(settings["case"]))
    expected = framework_scores(scores)
    assert set(numbers["framework_scores"]) == set(expected.index) == {"4P", "6P", "11P", "4C", "4R"}
    for framework, value in expected.items():
        assert abs(numbers["framework_scores"][framework] - value) < 1e-12, framework
    gaps = gap_analysis(scores)
    assert numbers["gap_verdicts"] == dict(zip(gaps["element_4p"], gaps["verdict"]))
    assert numbers["firm_ahead"] == [e for e, v in zip(gaps["element_4p"], gaps["verdict"]) if v == "firm_ahead"]
    audit = audit_framework(scores, "11P", target=settings["target"]).sort_values("priority")
    assert numbers["top_priority"] == audit.iloc[0]["element"]
    assert abs(numbers["top_priority_gap"] - audit["gap"].max()) < 1e-12
    if settings["case"] == "home_appliance":
        assert set(numbers["firm_ahead"]) >= {"product", "promotion"}, "the appliance maker's 4P strength is not felt"
        assert numbers["framework_scores"]["4P"] > numbers["framework_scores"]["4C"] + 1
    # integrated marketing communication: one message beats separate ones; planning for synergy helps
    from crmlab.promotion import integrated_response

    synergy = settings["synergy"]
    assert numbers["synergy"] == synergy
    imc, separate = numbers["imc_response"], numbers["imc_response_separate"]
    assert imc["integrated"] >= max(imc["tool_by_tool"], imc["equal_split"]) - 1e-6, "the integrated plan is best"
    assert abs(separate["tool_by_tool"] - numbers["optimal_response"]) < 1e-6
    if synergy > 0:
        assert min(imc.values()) > max(separate.values()), "one message beats separate messages"
        assert numbers["imc_public_relations_spend"]["integrated"] > numbers["imc_public_relations_spend"]["tool_by_tool"]
    else:
        assert abs(imc["integrated"] - imc["tool_by_tool"]) < 1e-6
    equal = dict.fromkeys(("advertising", "sales_promotion", "public_relations", "personal_selling",
                           "direct_marketing"), settings["budget"] / 5)
    assert abs(imc["equal_split"] - integrated_response(equal, synergy)) < 1e-9

    # the budget split
    budget = settings["budget"]
    assert numbers["budget"] == budget
    spend = numbers["optimal_spend"]
    assert set(spend) == set(PROMOTION_TOOLS)
    assert all(v >= -1e-9 for v in spend.values())
    assert abs(sum(spend.values()) - budget) < 1e-6 * budget, "the optimal split must use exactly the budget"
    closed_form, lam = water_filling_exponential(budget)
    for tool in PROMOTION_TOOLS:
        assert abs(spend[tool] - closed_form[tool]) < 1e-3 * budget, tool
    assert abs(numbers["marginal_return"] - lam) < 1e-3 * lam
    assert abs(numbers["optimal_response"] - total_response(closed_form)) < 1e-6 * numbers["optimal_response"]
    equal = allocation_table(dict.fromkeys(PROMOTION_TOOLS, budget / 5)).attrs["total_response"]
    assert abs(numbers["equal_split_response"] - equal) < 1e-9
    assert numbers["equal_split_response"] < numbers["optimal_response"]
    assert numbers["best_random_response"] <= numbers["optimal_response"] + 1e-9
    for name in ("frameworks_overview.csv", "correspondence.csv", "case_evidence.csv", "framework_scores.csv",
                 "audit_11p.csv", "gap_analysis.csv", "promotion_tools.csv", "optimal_allocation.csv",
                 "case_radar.png", "promotion_allocation.png"):
        assert name in summary["files"], name
    if params.get("lang") == "zh":
        overview = pd.read_csv(results / "frameworks_overview.csv")
        assert overview.columns[0] == "模型"
        allocation = pd.read_csv(results / "optimal_allocation.csv")
        assert allocation.columns[0] == "传播工具" and allocation.iloc[0, 0] == "广告"
        gap_table = pd.read_csv(results / "gap_analysis.csv")
        assert gap_table["4P 要素"].tolist() == ["产品", "价格", "渠道", "促销"]
