"""Lecture 09: stages re-derived by an independent reading of the rule, cohort and Markov identities,
and survival numbers recomputed with statsmodels and plain pandas."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

from crmlab import datasets
from tests.conftest import NOTEBOOKS

LECTURE = "09_customer_lifecycle"

DEFAULTS = {"new_days": 90, "lost_days": 180, "decline_factor": 2.0, "growth_ratio": 1.25, "decline_ratio": 0.5,
            "window_days": 90, "migration_months": 3, "horizon": 8}
STAGES = ["development", "growth", "maturity", "decline", "termination", "recovery"]


def _binomial_tail(k: int, n: int, upper: bool) -> float:
    """P(X >= k) (upper) or P(X <= k) for X ~ B(n, 1/2), summed term by term."""
    from math import comb

    ks = range(k, n + 1) if upper else range(0, k + 1)
    return sum(comb(n, j) for j in ks) / 2**n if n > 0 else 1.0


def _stage(row: pd.Series, q: dict) -> str:
    """The documented rule, written out line by line (not the vectorised crmlab code)."""
    if row["recency_days"] > q["lost_days"]:
        return "termination"
    if row["comeback_gap_days"] > q["lost_days"]:
        return "recovery"
    if row["tenure_days"] <= q["new_days"]:
        return "development"
    gap = row["typical_gap_days"]
    late = (not np.isnan(gap)) and row["recency_days"] > q["decline_factor"] * gap
    k, n = int(row["days_recent"]), int(row["days_recent"] + row["days_previous"])
    fewer = _binomial_tail(k, n, upper=False) < 0.05   # clearly fewer purchase days (5% one-sided test)
    more = _binomial_tail(k, n, upper=True) < 0.05
    if row["purchase_days"] <= 1 or late or (row["spend_recent"] < q["decline_ratio"] * row["spend_previous"] and fewer):
        return "decline"
    if row["tenure_days"] <= 180:  # the first half-year after development
        return "growth"
    if row["spend_recent"] > 0 and row["spend_recent"] >= q["growth_ratio"] * row["spend_previous"] and more:
        return "growth"
    return "maturity"


def check(summary: dict, params: dict, results: Path) -> None:
    n = summary["numbers"]
    q = {**DEFAULTS, **params}
    end = pd.Timestamp(n["observation_end"])

    # lead funnel of the illustrative counts
    conversion = n["lead_conversion_from_previous"]
    assert np.allclose([conversion[k] for k in ("potential_customer", "sales_opportunity", "order_customer", "user")],
                       np.round([1800 / 5000, 420 / 1800, 130 / 420, 115 / 130], 4))
    assert abs(n["lead_conversion_overall"] - 115 / 5000) < 1e-12

    # every customer's stage, re-derived from the saved features
    stages = pd.read_csv(results / "customer_stages.csv", index_col=0, parse_dates=["first_purchase", "last_purchase"])
    assert len(stages) == n["customers"] == sum(n["stage_counts"].values())
    assert (stages["recency_days"] == (end - stages["last_purchase"]).dt.days).all()
    assert (stages["tenure_days"] == (end - stages["first_purchase"]).dt.days).all()
    rederived = stages.apply(_stage, axis=1, q=q)
    # the rule is stable: most mature customers are still mature a quarter later, unlike spend ratios alone;
    # on the synthetic base (no customer changes rhythm) almost nobody moves from maturity to growth
    stays, to_growth = n["stability_maturity_stays"], n["stability_maturity_to_growth"]
    assert stays["synthetic/rule_used"] > stays["synthetic/spend_ratios_only"]
    if not set(params) & {"new_days", "lost_days", "decline_factor", "growth_ratio", "decline_ratio", "window_days",
                          "migration_months", "seed"}:
        assert stays["synthetic/rule_used"] > 0.5 > 0.35 > stays["synthetic/spend_ratios_only"]
        assert to_growth["synthetic/rule_used"] < 0.02 < 0.2 < to_growth["synthetic/spend_ratios_only"]
        if "data_path" not in params:
            assert stays["log/rule_used"] > 0.8 and stays["log/spend_ratios_only"] < 0.3
    assert (rederived == stages["stage"]).all(), "a customer's stage does not follow the documented rule"
    assert stages["stage"].value_counts().reindex(STAGES, fill_value=0).to_dict() == n["stage_counts"]
    if "data_path" in params:  # the researcher's log, read with plain pandas
        raw = pd.read_csv(NOTEBOOKS / params["data_path"], parse_dates=[params["date_col"]])
        raw = raw[(raw[params["date_col"]] <= end) & (raw[params["amount_col"]] > 0)]  # clean() drops zero amounts
        last = raw.groupby(params["customer_col"])[params["date_col"]].max()
        assert len(last) == len(stages)
        assert (last.reindex(stages.index.astype(str)).to_numpy() == stages["last_purchase"].to_numpy()).all()

    # cohorts: rates are counts over the cohort size; the sizes add up to the customers
    counts = pd.read_csv(results / "cohort_counts.csv", index_col=0)
    rates = pd.read_csv(results / "cohort_rates.csv", index_col=0)
    assert counts.iloc[:, 0].sum() == n["customers"] and n["cohorts"] == len(counts)
    assert np.allclose(rates.to_numpy(), counts.to_numpy() / counts.iloc[:, [0]].to_numpy(), equal_nan=True)
    assert (counts.iloc[:, 1:].fillna(0).to_numpy() <= counts.iloc[:, [0]].to_numpy()).all()

    # Markov chain: rows are shares of the migration counts, projection = P^h, steady state stationary
    P = pd.DataFrame(n["transition_matrix"]).T.loc[STAGES, STAGES].to_numpy()
    assert np.allclose(P.sum(axis=1), 1)
    migration = pd.read_csv(results / "stage_migration.csv", index_col=0).to_numpy()[:6, :6]
    filled = migration.sum(axis=1) > 0
    assert np.allclose(P[filled], migration[filled] / migration[filled].sum(axis=1, keepdims=True), atol=1e-6)  # P is saved to 6 decimals
    assert n["migration_start"] == (end - pd.DateOffset(months=q["migration_months"])).date().isoformat()
    start = np.array([n["start_mix"][s] for s in STAGES], dtype=float)
    projected = start @ np.linalg.matrix_power(P, q["horizon"]) / start.sum()
    assert np.allclose([n["projected_mix"][s] for s in STAGES], projected, atol=1e-6)
    pi = np.array([n["steady_state"][s] for s in STAGES])
    assert abs(pi.sum() - 1) < 1e-5 and np.allclose(pi @ P, pi, atol=1e-5)

    # survival: statsmodels' Kaplan-Meier and plain-pandas exposure rates
    if "survival_path" in params:
        table = pd.read_csv(NOTEBOOKS / params["survival_path"])
        duration, event, group = params["duration_col"], params["event_col"], params["group_col"]
    else:
        table, duration, event, group = datasets.load_telco_churn(), "tenure", "churn", "contract"
    assert n["subscribers"] == len(table)
    for name, part in table.groupby(group, observed=True):
        sf = SurvfuncRight(part[duration].to_numpy(float), part[event].to_numpy(float))
        below = sf.surv_times[sf.surv_prob <= 0.5]
        expected_median = float(below[0]) if len(below) else None
        assert n["median_lifetime"][str(name)] == expected_median
        rate = part[event].sum() / part[duration].sum()
        assert abs(n["churn_per_period"][str(name)] - rate) < 1e-12
        assert abs(n["lifetime_constant_churn"][str(name)] - 1 / rate) < 1e-9 * (1 / rate)
        assert abs(n["churn_share"][str(name)] - part[event].mean()) < 1e-12
        if part[event].sum() > 0:  # one lifetime: leavers per customer-period, as in lecture 07
            assert abs(n["lifetime_exposure"][str(name)] - part[duration].sum() / part[event].sum()) < 1e-9 * n["lifetime_exposure"][str(name)]
    if "survival_path" not in params:
        assert n["median_lifetime"]["Month-to-month"] == 35.0
        assert n["restricted_mean_lifetime"]["Month-to-month"] < n["restricted_mean_lifetime"]["One year"] \
            < n["restricted_mean_lifetime"]["Two year"]
