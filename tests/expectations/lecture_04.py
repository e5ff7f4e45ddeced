"""Lecture 04: the cleaning report, customer count, RFM values, scores and segments against pandas.

Everything is recomputed here from the raw log with plain pandas (the cleaning rules in their
documented order, the quintile tie rule, the R x FM grid written out again), not with crmlab.
Netting returns (``returns="net"``) is checked through its accounting identity; when a run
nets nothing (``returns="remove"``, or a log without returns) the whole customer table is
recomputed and compared customer by customer.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import crmlab.rfm  # noqa: F401 - registers the segment and score vocabulary
from crmlab.lang import label
from tests.conftest import NOTEBOOKS

LECTURE = "04_rfm_segmentation"

# postage, carriage, manual, discount, samples, fees, commission, 0.001 cushion pads, bad debt
NON_PRODUCT = {"POST", "DOT", "M", "C2", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "B"}

# recency score 5..1 (rows) x FM score 1..5 (columns), as the lecture shows it
GRID = {
    5: ["new_customers", "potential_loyalists", "potential_loyalists", "champions", "champions"],
    4: ["promising", "potential_loyalists", "potential_loyalists", "loyal_customers", "champions"],
    3: ["about_to_sleep", "about_to_sleep", "need_attention", "loyal_customers", "loyal_customers"],
    2: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them"],
    1: ["lost", "lost", "hibernating", "at_risk", "cant_lose_them"],
}


def _raw_log(params: dict) -> tuple[pd.DataFrame, dict]:
    if "data_path" in params:
        log = pd.read_csv(NOTEBOOKS / params["data_path"])
        cols = {"customer": params["customer_col"], "date": params["date_col"], "amount": params["amount_col"],
                "quantity": params.get("quantity_col"), "invoice": params.get("invoice_col"),
                "stock": params.get("stock_code_col")}
    else:
        from crmlab.datasets import load_online_retail

        log = load_online_retail()
        assert len(log) == 541_909
        cols = {"customer": "customer_id", "date": "invoice_date", "amount": "amount", "quantity": "quantity",
                "invoice": "invoice_no", "stock": "stock_code"}
    return log, cols


def _clean_independently(log: pd.DataFrame, cols: dict, observation_end: str | None) -> tuple[pd.Series, dict]:
    """Rows kept and rows removed per reason, applying the rules one after another."""
    alive = pd.Series(True, index=log.index)
    removed: dict[str, int] = {}

    def take(reason: str, mask: pd.Series) -> None:
        hit = mask.fillna(False).astype(bool) & alive
        removed[reason] = int(hit.sum())
        alive[hit] = False

    customer = log[cols["customer"]]
    blank = customer.map(lambda v: isinstance(v, str) and not v.strip())
    take("missing_customer_id", customer.isna() | blank)
    dates = pd.to_datetime(log[cols["date"]])
    take("missing_date", dates.isna())
    amount = log[cols["amount"]].astype(float)
    take("missing_amount", amount.isna())
    if observation_end is not None:
        take("after_observation_end", dates >= pd.Timestamp(observation_end) + pd.Timedelta(days=1))
    duplicated = pd.Series(False, index=log.index)
    duplicated[alive] = log[alive].duplicated(keep="first")
    take("duplicate_line", duplicated)
    if cols["invoice"]:
        take("cancellation", log[cols["invoice"]].astype(str).str.strip().str.upper().str.startswith("C"))
    if cols["quantity"]:
        take("negative_quantity", log[cols["quantity"]] < 0)
    take("negative_amount", amount < 0)
    if cols["stock"]:
        take("non_product_line", log[cols["stock"]].astype(str).str.strip().str.upper().isin(NON_PRODUCT))
    take("zero_amount", amount == 0)
    return alive, removed


def _scores(values: pd.Series, higher_is_better: bool, bins: int = 5) -> pd.Series:
    ranked = (values if higher_is_better else -values).rank(method="min") - 1  # customers strictly worse
    return np.minimum(1 + (bins * ranked.astype(int)) // len(values), bins)


def check(summary: dict, params: dict, results: Path) -> None:
    numbers = summary["numbers"]
    lang = params.get("lang", "en")
    log, cols = _raw_log(params)
    observation_end = params.get("observation_end")
    alive, removed = _clean_independently(log, cols, observation_end)

    # --- the cleaning report accounts for every row ----------------------------------------------
    reported = numbers["rows_removed"]
    assert numbers["rows_in"] == len(log)
    assert sum(reported.values()) == numbers["rows_in"] - numbers["rows_out"]
    for reason, count in removed.items():
        assert reported[reason] == count, f"{reason}: report {reported[reason]}, independent {count}"
    netting = params.get("returns", "net") == "net"
    fully_returned = reported.get("fully_returned", 0)
    assert ("fully_returned" in reported) == netting
    assert numbers["rows_out"] == int(alive.sum()) - fully_returned
    if "data_path" not in params:
        assert removed["missing_customer_id"] == 135_080 and removed["cancellation"] > 0
        assert max(reported, key=reported.get) == "missing_customer_id"
    account = pd.read_csv(results / "cleaning_report.csv")
    assert account.iloc[0, 1] == numbers["rows_in"] and account.iloc[-1, 1] == numbers["rows_out"]
    assert account.iloc[-2, 1] == numbers["rows_in"] - numbers["rows_out"]
    if lang == "zh":
        assert account.columns.tolist() == ["原因", "行数", "行数占比", "金额"]
        assert account.iloc[0, 0] == "原始记录行数"

    # --- revenue: kept amounts minus what netting took off ----------------------------------------
    amount = log[cols["amount"]].astype(float)
    expected_revenue = (amount[alive].sum() - numbers["amount_removed"].get("fully_returned", 0.0)
                        - numbers["amount_netted_from_kept_rows"])
    assert abs(numbers["revenue"] - expected_revenue) < 0.1, (numbers["revenue"], expected_revenue)

    # --- customers ----------------------------------------------------------------------------------
    kept = log[alive]
    distinct = kept[cols["customer"]].nunique()
    if netting:
        assert distinct - fully_returned <= numbers["customers"] <= distinct
    table = pd.read_csv(results / "customer_segments.csv", index_col=0)
    assert len(table) == numbers["customers"]
    sizes = numbers["segment_sizes"]
    assert sum(sizes.values()) == numbers["customers"]
    assert abs(sum(numbers["segment_revenue_share"].values()) - 1) < 1e-9
    assert sum(numbers["score_summary_customers"]) == numbers["customers"]
    assert len(numbers["score_summary_customers"]) == params.get("bins", 5)
    shown_segments = table[label("segment", lang)].value_counts()
    for key, size in sizes.items():
        assert shown_segments.get(label(key, lang), 0) == size, key

    nothing_netted = fully_returned == 0 and numbers["amount_netted_from_kept_rows"] == 0
    if not nothing_netted:
        return
    # --- nothing was netted: recompute the whole customer table ---------------------------------
    assert numbers["customers"] == distinct
    day = pd.to_datetime(kept[cols["date"]]).dt.normalize()
    end = pd.Timestamp(observation_end) if observation_end else day.max()
    assert numbers["observation_end"] == end.date().isoformat()
    frame = pd.DataFrame({"id": kept[cols["customer"]].astype(str), "day": day, "amount": kept[cols["amount"]]})
    per = frame.groupby("id").agg(last=("day", "max"), orders=("day", "nunique"), total=("amount", "sum"))
    per["recency_days"] = (end - per["last"]).dt.days
    per["R"] = _scores(per["recency_days"], higher_is_better=False)
    per["F"] = _scores(per["orders"], higher_is_better=True)
    per["M"] = _scores(per["total"].round(2), higher_is_better=True)  # money in pence: equal sums tie
    fm = (per["F"] + per["M"] + 1) // 2
    per["segment"] = [GRID[r][f - 1] for r, f in zip(per["R"], fm)]
    table.index = table.index.astype(str)
    table = table.loc[per.index]
    assert (table[label("recency_days", lang)].to_numpy() == per["recency_days"].to_numpy()).all()
    assert (table[label("orders", lang)].to_numpy() == per["orders"].to_numpy()).all()
    assert np.allclose(table[label("total_spend", lang)].to_numpy(), per["total"].to_numpy())
    for short, key in (("R", "recency_score"), ("F", "frequency_score"), ("M", "monetary_score")):
        assert (table[label(key, lang)].to_numpy() == per[short].to_numpy()).all(), key
    independent_sizes = per["segment"].value_counts()
    for key, size in sizes.items():
        assert independent_sizes.get(key, 0) == size, key
    example = numbers["example_customer"]
    assert per.loc[example, "recency_days"] == numbers["example_recency_days"]
    assert per.loc[example, "orders"] == numbers["example_orders"]
