"""Lecture 10: response-model, targeting, A/B and loop numbers in summary.json recomputed independently here."""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import roc_auc_score
from statsmodels.stats.proportion import proportions_ztest

from crmlab.datasets import load_hillstrom

LECTURE = "10_database_marketing"

DEFAULTS = {"seed": 10, "cost_per_contact": 5.0, "value_per_response": 60.0, "test_share": 0.3, "loop_rounds": 10}


def _close(a: float, b: float, rel: float = 1e-9) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(b))


def check(summary: dict, params: dict, results: Path) -> None:
    n = summary["numbers"]
    q = {**DEFAULTS, **params}
    cost, value = q["cost_per_contact"], q["value_per_response"]

    # the model never sees the post-contact variables
    assert "duration" not in n["predictors"] and "call_minutes" not in n["predictors"]
    if "data_path" in params:
        assert n["rows"] == 4000 and n["response_col"] == "bought"
        assert n["predictors"] == params["feature_cols"]
        assert "call_minutes" in n["dropped_for_modelling"]
    else:
        assert n["rows"] == 45211 and n["response_col"] == "subscribed"
        assert "duration" in n["dropped_for_modelling"]
    assert n["n_test"] == round(q["test_share"] * n["rows"]) and n["n_train"] + n["n_test"] == n["rows"]

    # AUC and gains from the saved test scores, with sklearn and plain pandas
    scores = pd.read_csv(results / "test_scores.csv")
    assert len(scores) == n["n_test"]
    assert _close(n["auc"], roc_auc_score(scores["response"], scores["score"]), 1e-10)
    assert 0.6 < n["auc"] < 0.9
    ordered = scores.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    sizes = np.full(10, len(ordered) // 10)
    sizes[: len(ordered) % 10] += 1
    ordered["decile"] = np.repeat(np.arange(1, 11), sizes)
    per_decile = ordered.groupby("decile")["response"].agg(["sum", "count"])
    assert per_decile["sum"].tolist() == n["decile_responses"]
    assert _close(n["base_rate"], scores["response"].mean())
    assert _close(n["top_decile_lift"], per_decile["sum"].iloc[0] / per_decile["count"].iloc[0] / scores["response"].mean())
    assert _close(n["top3_gain"], per_decile["sum"].iloc[:3].sum() / scores["response"].sum())
    assert n["top_decile_lift"] > 1.5

    # targeting economics by hand: profit of each depth, best depth, break-even
    assert _close(n["break_even_rate"], cost / value)
    profits = [0.0] + list(value * per_decile["sum"].cumsum() - cost * per_decile["count"].cumsum())
    assert int(np.argmax(profits)) == n["best_depth"]
    assert _close(n["best_profit"], max(profits)) and _close(n["profit_all"], profits[-1])
    assert n["best_profit"] >= n["profit_all"] and n["best_profit"] >= 0
    economics = pd.read_csv(results / "depth_economics.csv")
    assert len(economics) == 11

    # unified customer view: the report finds exactly what was injected
    assert n["view_conflicts"] == n["injected_conflicts"] > 0
    assert n["view_unmatched_extra"] == n["injected_unmatched"] == 50
    assert n["view_customers"] == 3000 + 50
    # pseudonyms: repeatable, key-dependent, one per id; the HMAC of the first default id
    assert n["pseudonyms_unique"] and n["pseudonym_repeatable"] and n["pseudonym_key_changes_all"]
    first_id = "P00001" if "data_path" in params else "C000001"  # the campaign file's first client_ref / row 1
    key = params.get("secret_key", "crmlab-demo-key-change-me").encode()
    assert n["first_pseudonym"] == hmac.new(key, first_id.encode(), hashlib.sha256).hexdigest()[:16]

    # A/B test on Hillstrom with statsmodels and scipy
    hill = load_hillstrom()
    mailed = (hill["segment"] != "No E-Mail").to_numpy()
    conv = hill["conversion"].to_numpy()
    z, _ = proportions_ztest([conv[mailed].sum(), conv[~mailed].sum()], [mailed.sum(), (~mailed).sum()])
    assert _close(n["conversion_z"], z)
    assert _close(n["conversion_uplift"], conv[mailed].mean() - conv[~mailed].mean())
    low, high = n["conversion_uplift_ci"]
    assert 0 < low < n["conversion_uplift"] < high
    spend = hill["spend"].to_numpy()
    welch = stats.ttest_ind(spend[mailed], spend[~mailed], equal_var=False)
    assert _close(n["spend_uplift"], spend[mailed].mean() - spend[~mailed].mean())
    assert n["spend_uplift_ci"][0] > 0 and welch.pvalue < 0.001
    by_history = hill.assign(mailed=mailed).groupby(["history_segment", "mailed"], observed=True)["conversion"].mean().unstack()
    assert np.allclose(n["uplift_by_history"], (by_history[True] - by_history[False]).round(6).to_numpy(), atol=1e-6)
    assert n["best_by_response"] != n["best_by_uplift"] or n["rank_correlation"] < 1

    # the closed loop: feeding results back pays off
    totals = n["loop_total_profit"]
    assert totals["feedback"] > totals["no_feedback"]
    assert totals["oracle"] >= totals["no_feedback"]
    assert _close(n["feedback_gain"], totals["feedback"] - totals["no_feedback"])
    loop = pd.read_csv(results / "loop_simulation.csv")
    assert len(loop) == 3 * q["loop_rounds"]

    # customer traits vs campaign scheduling: both models ranked on the same test part
    comparison = n["model_comparison"]
    assert comparison["customer_only"]["predictors"] <= comparison["all_predictors"]["predictors"]
    assert comparison["all_predictors"]["auc"] >= comparison["customer_only"]["auc"] - 0.01
    if "data_path" not in params:
        assert comparison["campaign_only"]["predictors"] == 3
        assert not {"month[mar]", "contact[unknown]"} & set(n["customer_only_top_terms"])
        if q["seed"] == 10 and q["test_share"] == 0.3:
            assert abs(comparison["all_predictors"]["auc"] - 0.768) < 0.001
            assert abs(comparison["customer_only"]["auc"] - 0.717) < 0.001

    # the SF Express case: strategy and value-tier migration on Online Retail, recomputed with plain pandas
    assert n["case_strategy"] == "differentiated"
    from crmlab import datasets, transactions

    log, _ = transactions.clean(datasets.load_online_retail(), "customer_id", "invoice_date", "amount",
                                quantity_col="quantity", invoice_col="invoice_no", stock_code_col="stock_code", returns="net")

    def tiers(at: str) -> pd.Series:
        day = pd.Timestamp(at)
        upto = log[log["invoice_date"].dt.normalize() <= day]
        spend = upto[upto["invoice_date"].dt.normalize() > day - pd.Timedelta(days=180)].groupby("customer_id")["amount"].sum()
        spend = spend[spend > 0].sort_index().sort_values(ascending=False, kind="stable")
        k = max(1, round(0.2 * len(spend)))
        c = round(0.5 * len(spend)) - k
        out = pd.Series("inactive", index=upto["customer_id"].unique())
        out[spend.index[:k]], out[spend.index[k:k + c]], out[spend.index[k + c:]] = "key", "core", "small"
        return out

    before, after = tiers("2011-06-09"), tiers("2011-12-09")
    both = before.index.intersection(after.index)
    key = before[both] == "key"
    assert _close(n["key_stay_share"], float((after[both][key] == "key").mean()))
    inactive = before[both] == "inactive"
    assert _close(n["inactive_comeback_share"], float((after[both][inactive] != "inactive").mean()))
    assert n["key_lapsed"] == int(after[both][key].isin(["small", "inactive"]).sum())
    assert sum(n["tier_migration"]["new"].values()) == len(after.index.difference(before.index))
