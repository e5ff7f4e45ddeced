"""Lecture 07: CLV numbers in summary.json equal closed forms and direct sums computed independently here."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.conftest import NOTEBOOKS

LECTURE = "07_customer_value_basics"

DEFAULTS = {"margin": 100.0, "retention": 0.8, "discount_rate": 0.1, "horizon_years": 10, "acquisition_cost": 150.0,
            "profit_share": 0.3, "seed": 42}


def _close(a: float, b: float, rel: float = 1e-10) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(b))


def _sum_clv(m: float, r: float, d: float, horizon: int) -> float:
    """Expected discounted margins, end-of-period timing, term by term."""
    return sum(m * r**t / (1 + d) ** t for t in range(1, horizon + 1))


def check(summary: dict, params: dict, results: Path) -> None:
    n = summary["numbers"]
    q = {**DEFAULTS, **params}
    m, r, d, h, ac = q["margin"], q["retention"], q["discount_rate"], q["horizon_years"], q["acquisition_cost"]

    # retention CLV: closed form vs the sum, infinite horizon vs the margin multiple
    assert _close(n["clv_finite"], _sum_clv(m, r, d, h))
    assert _close(n["clv_infinite"], m * r / (1 + d - r))
    assert _close(n["margin_multiple"], r / (1 + d - r))
    assert _close(n["clv_net"], _sum_clv(m, r, d, h) - ac)
    assert n["clv_finite"] < n["clv_infinite"]

    # worksheet: the documented rules, period by period
    total, contribution_pv, cost_pv = -ac, 0.0, ac
    for t in range(1, h + 1):
        contribution = m * (1 + min(0.10 * (t - 1), 0.50) + min(0.05 * (t - 1), 0.25))
        running_cost = m * 0.05 + (1 - r) * 0.5 * m
        weight = r**t / (1 + d) ** t
        total += (contribution - running_cost) * weight
        contribution_pv += contribution * weight
        cost_pv += running_cost * weight
    assert _close(n["worksheet_clv"], total)
    assert _close(n["worksheet_contribution_pv"], contribution_pv)
    assert _close(n["worksheet_cost_pv"], cost_pv)
    assert _close(n["current_value"], m - m * 0.05 - (1 - r) * 0.5 * m)
    sheet = pd.read_csv(results / "worksheet.csv")
    assert len(sheet) == h + 1
    assert _close(float(sheet.iloc[-1, -1]), total), "last column of the worksheet is the running CLV"

    # T = 1/c: the simulated cohort agrees with the formula
    assert _close(n["formula_lifetime"], 1 / (1 - r))
    assert abs(n["simulated_mean_lifetime"] - 1 / (1 - r)) < 0.05 * (1 / (1 - r))

    # lifetimes and CLV per group, recomputed with pandas
    if "data_path" in params:
        table = pd.read_csv(NOTEBOOKS / params["data_path"])
        seg, churn, charges = params["segment_col"], params["churn_col"], params["charges_col"]
    else:
        from crmlab.datasets import load_telco_churn

        table = load_telco_churn()
        seg, churn, charges = "contract", "churn", "monthly_charges"
        assert n["subscribers"] == 7043
    assert n["subscribers"] == len(table)
    tenure = params.get("tenure_col", "tenure")
    grouped = table.groupby(table[seg].astype(str))
    # churn is a rate: leavers per customer-month of exposure (the sum of tenures), not the share who left
    churn_rate = grouped[churn].sum() / grouped[tenure].sum()
    snapshot = grouped[churn].mean()
    mean_charges = grouped[charges].mean()
    dm = (1 + d) ** (1 / 12) - 1
    assert _close(n["monthly_discount_rate"], dm)
    assert set(n["lifetime_months_by_segment"]) == set(churn_rate.index)
    for group, c in churn_rate.items():
        assert _close(n["churn_rate_by_segment"][group], c)
        assert _close(n["lifetime_months_by_segment"][group], 1 / c)
        expected = _sum_clv(q["profit_share"] * mean_charges[group], 1 - c, dm, 12 * h)
        assert _close(n["clv_by_segment"][group], expected, rel=1e-9)
        # the pitfall is shown beside it, and it is the smaller lifetime
        assert _close(n["snapshot_share_by_segment"][group], snapshot[group])
        assert _close(n["snapshot_lifetime_by_segment"][group], 1 / snapshot[group])
        assert _close(n["exposure_by_segment"][group], float(grouped[tenure].sum()[group]))
        assert n["snapshot_lifetime_by_segment"][group] < n["lifetime_months_by_segment"][group]
        expected_snapshot = _sum_clv(q["profit_share"] * mean_charges[group], 1 - snapshot[group], dm, 12 * h)
        assert _close(n["clv_snapshot_by_segment"][group], expected_snapshot, rel=1e-9)
    if "data_path" not in params:
        # pinned: month-to-month Telco customers leave at 1,655 / 69,892 customer-months -> 42.2 months,
        # the same T = 1/c as lecture 09 (survival.survival_summary's lifetime_constant_churn)
        assert abs(n["lifetime_months_by_segment"]["Month-to-month"] - 69892 / 1655) < 1e-9
        assert abs(n["snapshot_lifetime_by_segment"]["Month-to-month"] - 3875 / 1655) < 1e-9
    lifetimes = n["lifetime_months_by_segment"]
    longest = max(lifetimes, key=lifetimes.get)
    assert longest in ("Two year", "biennial"), "two-year contracts keep customers longest"

    # sensitivity: swings from the closed form, retention first
    def net(mm, rr, dd, aa):
        return _sum_clv(mm, rr, dd, h) - aa

    base = {"margin": m, "retention_rate": r, "discount_rate": d, "acquisition_cost": ac}
    for name, swing in n["swings"].items():
        low, high = dict(base), dict(base)
        low[name], high[name] = base[name] * 0.9, min(base[name] * 1.1, 1.0) if name.endswith("rate") else base[name] * 1.1
        expected = net(high["margin"], high["retention_rate"], high["discount_rate"], high["acquisition_cost"]) \
            - net(low["margin"], low["retention_rate"], low["discount_rate"], low["acquisition_cost"])
        assert _close(swing, expected, rel=1e-9), name
    assert n["most_sensitive_input"] == "retention_rate"
    assert max(n["swings"], key=lambda k: abs(n["swings"][k])) == "retention_rate"

    for name in ("worksheet.csv", "margin_multiples.csv", "lifetimes_by_segment.csv", "churn_pitfall.csv", "sensitivity.csv",
                 "worksheet.png", "lifetimes_by_segment.png", "tornado.png"):
        assert name in summary["files"], name
    if params.get("lang") == "zh":
        assert "客户终身价值" in pd.read_csv(results / "lifetimes_by_segment.csv").columns
        assert pd.read_csv(results / "sensitivity.csv").iloc[0, 0] == "保留率"
        assert "累计折现价值" in sheet.columns
