"""Lecture 11: lead-source numbers, lead scores, the hand-over rule and the KPIs, recomputed independently.

Source costs and conversions are recomputed with a plain pandas group-by, the lead score with a
statsmodels fit of its own, the monthly KPIs from the raw transaction log with plain pandas filters,
satisfaction from the simulated base with pandas.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

from crmlab import datasets, simulate
from crmlab.leads import SIGNAL_COLUMNS, simulate_leads
from crmlab.transactions import DEFAULT_NON_PRODUCT_CODES
from tests.conftest import NOTEBOOKS

LECTURE = "11_precision_marketing_operations"

DEFAULTS = {"seed": 42, "n_leads": 3000, "handover_threshold": 60.0, "sla_hours": 24.0, "n_reps": 2,
            "hours_per_lead": 1.0, "satisfied_min": 4, "delivery_band": 0.25}


def _lead_log(q: dict) -> tuple[pd.DataFrame, dict, list[str]]:
    if q.get("data_path") is None:
        log = simulate_leads(q["n_leads"], seed=q["seed"])
        cols = dict(source="source", cost="cost", converted="converted", created="created_at")
        return log, cols, list(SIGNAL_COLUMNS)
    log = pd.read_csv(NOTEBOOKS / q["data_path"])
    cols = dict(source=q["source_col"], cost=q["cost_col"], converted=q["converted_col"], created=q["created_col"])
    log[cols["converted"]] = log[cols["converted"]].astype(int)
    log[cols["created"]] = pd.to_datetime(log[cols["created"]])
    return log, cols, list(q["signal_cols"])


def _kpi_log(q: dict) -> tuple[pd.DataFrame, str, str, str]:
    if q.get("kpi_data_path") is None:
        raw = datasets.load_online_retail()
        codes = raw["stock_code"].astype(str).str.strip().str.upper()
        keep = (raw["customer_id"].notna() & ~raw["invoice_no"].astype(str).str.startswith("C")
                & (raw["quantity"] > 0) & (raw["amount"] > 0) & ~codes.isin(DEFAULT_NON_PRODUCT_CODES))
        return raw[keep].drop_duplicates(), "customer_id", "invoice_date", "amount"
    raw = pd.read_csv(NOTEBOOKS / q["kpi_data_path"])
    customer, date, amount = q["kpi_customer_col"], q["kpi_date_col"], q["kpi_amount_col"]
    raw[date] = pd.to_datetime(raw[date])
    return raw[raw[amount] > 0].drop_duplicates(), customer, date, amount


def check(summary: dict, params: dict, results: Path) -> None:
    n = summary["numbers"]
    q = {**DEFAULTS, **params}

    # concepts: three misreadings among six statements, two true; ten products split by the band rule
    assert n["statements"] == 6 and n["statements_true"] == 2
    # the five means and three misreadings as counter-examples: the precise plan wins every row
    examples = n["counterexamples"]
    assert len(examples) == 8 and all(precise > rough for rough, precise in examples.values())
    assert abs(examples["one_step_precise"][0] - 0.5 * 0.8 * 0.5 * 0.4) < 1e-6
    assert "precision_counterexamples.csv" in summary["files"]
    assert sum(n["delivery_counts"].values()) == 10
    if q["delivery_band"] == 0.25:
        assert n["delivery_counts"] == {"professional_service": 4, "general_service": 2, "process_service": 4}

    # lead sources against a plain group-by
    log, cols, signals = _lead_log(q)
    assert n["leads"] == len(log)
    assert n["customers_won"] == int(log[cols["converted"]].sum())
    assert abs(n["lead_cost_total"] - log[cols["cost"]].sum()) < 0.01
    grouped = log.groupby(cols["source"])
    per_lead = grouped[cols["cost"]].sum() / grouped.size()
    won = grouped[cols["converted"]].sum()
    assert set(n["cost_per_lead"]) == set(per_lead.index)
    for source, value in n["cost_per_lead"].items():
        assert abs(value - per_lead[source]) < 1e-3
    for source, value in n["cost_per_customer"].items():
        assert abs(value - grouped[cols["cost"]].sum()[source] / won[source]) < 1e-3
    assert set(n["cost_per_customer"]) == set(won[won > 0].index)
    assert n["cheapest_lead_source"] == per_lead.idxmin()
    assert n["cheapest_customer_source"] == (grouped[cols["cost"]].sum() / won.replace(0, np.nan)).idxmin()

    # lead score: an independent statsmodels fit, then the percentile rule
    x = sm.add_constant(log[signals].astype(float).to_numpy(), has_constant="add")
    fit = sm.Logit(log[cols["converted"]].to_numpy(), x).fit(disp=0)
    recorded = np.array([n["score_coefficients"][k] for k in ["intercept"] + signals])  # summary keys are sorted
    np.testing.assert_allclose(recorded, fit.params, rtol=1e-4, atol=1e-5)
    assert abs(n["score_log_likelihood"] - fit.llf) < 1e-3
    prob = 1 / (1 + np.exp(-(x @ fit.params)))
    score = 100 * np.searchsorted(np.sort(prob), prob, side="left") / len(prob)
    assert n["won_mean_score"] > n["lost_mean_score"]

    # hand-over rule: passed leads from the threshold, and the bookkeeping of the plan
    h = n["handover"]
    passed = int((score >= q["handover_threshold"] - 1e-9).sum())
    assert abs(h["leads_passed"] - passed) <= 1  # a probability tie at the threshold may fall either way
    assert h["leads_called"] + h["leads_returned_stale"] == h["leads_passed"]
    assert 0 <= h["expected_customers"] <= h["leads_called"]
    assert abs(h["conversion_of_passed"] - (h["expected_customers"] / h["leads_passed"] if h["leads_passed"] else 0)) < 1e-6
    assert 0 <= h["mean_wait_hours"] <= q["sla_hours"]
    assert len(n["rep_calls"]) == q["n_reps"] and sum(n["rep_calls"]) == h["leads_called"]
    days = (log[cols["created"]].max().normalize() - log[cols["created"]].min().normalize()).days + 1
    assert n["lead_days"] == days
    for calls, busy in zip(n["rep_calls"], n["rep_busy_share"]):
        assert abs(busy - calls * q["hours_per_lead"] / (days * 8)) < 1e-5
        assert busy <= 1 + 1e-9, "a rep cannot work more than the working day"
    sweep = pd.read_csv(results / "threshold_sweep.csv", index_col=0)
    assert sweep["leads_passed"].is_monotonic_decreasing, "raising the threshold never passes more leads"
    assert abs(sweep["expected_customers"].max() - n["best_expected_customers"]) < 1e-4
    assert int(sweep["expected_customers"].idxmax()) == n["best_threshold"]
    if q["handover_threshold"] in sweep.index:
        assert abs(sweep.loc[q["handover_threshold"], "expected_customers"] - h["expected_customers"]) < 1e-4
    assert sweep.loc[0, "leads_passed"] == len(log)

    # KPIs: monthly customers and sales from the raw log with plain pandas filters
    kpi, customer, date, amount = _kpi_log(q)
    month = kpi[date].dt.to_period("M").astype(str)
    active = kpi.groupby(month)[customer].nunique()
    sales = kpi.groupby(month)[amount].sum()
    first = kpi.groupby(customer)[date].min().dt.to_period("M").astype(str).value_counts()
    dropped = {d["month"] for d in n["kpi_dropped_months"]}
    assert set(n["kpi_months"]) | dropped == set(active.index)
    for i, m in enumerate(n["kpi_months"]):
        assert abs(n["monthly_active_customers"][i] - active[m]) <= 0.002 * active[m]
        assert abs(n["monthly_sales"][i] - sales[m]) <= 0.002 * sales[m]
        assert abs(n["monthly_new_customers"][i] - first.get(m, 0)) <= max(2, 0.002 * first.get(m, 0))
    s = np.array(n["monthly_sales"])
    a = np.array(n["monthly_active_customers"], dtype=float)
    assert abs(n["mean_sales_growth_rate"] - np.mean(s[1:] / s[:-1] - 1)) < 1e-5
    assert abs(n["last_sales_growth_rate"] - (s[-1] / s[-2] - 1)) < 1e-5
    assert abs(n["mean_customer_growth_rate"] - np.mean(a[1:] / a[:-1] - 1)) < 1e-5
    if q.get("kpi_data_path") is None:
        assert n["kpi_rows_in"] == 541_909 and dropped == {"2011-12"}
        assert n["kpi_months"][0] == "2010-12" and len(n["kpi_months"]) == 12

    # satisfaction from the simulated base
    base = simulate.customer_base(5000, seed=q["seed"], acquisition_weeks=78).customers
    assert abs(n["mean_satisfaction"] - base["satisfaction"].mean()) < 1e-6
    assert abs(n["satisfied_share"] - (base["satisfaction"] >= q["satisfied_min"]).mean()) < 1e-6
    assert n["satisfaction_months"] == base["first_purchase"].dt.to_period("M").nunique()
