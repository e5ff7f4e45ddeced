"""Lecture 06: segment sizes, k, persona recovery, soft membership, targeting, migration and the market
strategy, each checked against a computation that does not go through the notebook's code path.

- Segments are recomputed with plain scikit-learn (log1p, StandardScaler, pandas one-hot, KMeans with the
  same seed and starts) and must give the same partition; the ARI is recomputed from the written customer
  segments and the simulator's true personas.
- Current customers are recounted from the raw transactions (or the own table's flag); the CDNOW
  migration margins are recounted from the raw log by calendar period.
- The market strategy is compared with the points worked out by hand from the rule table for the
  conditions each parameter set states.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from tests.conftest import NOTEBOOKS

LECTURE = "06_precision_segmentation"

DEFAULT_FEATURES = ["age", "yearly_income_cny", "occupation", "purchase_motive", "information_source", "orders",
                    "mean_spend", "recency_days", "discount_share"]
DEFAULT_LOG = ["yearly_income_cny", "orders", "mean_spend"]

# (resources, needs, product_stage, competitors, niche) -> (strategy, points of unified, focused, differentiated),
# added up by hand from the rule table in crmlab.targeting
HAND_SCORED = {
    # ample: U1 D1; heterogeneous: D2 F1; maturity: D2; rivals differentiated: D2; no niche: 0
    ("ample", "heterogeneous", "maturity", "differentiated", False): ("differentiated", [1, 1, 7]),
    # limited: F2; heterogeneous: D2 F1; decline: F2; rivals differentiated: D2; niche: F2
    ("limited", "heterogeneous", "decline", "differentiated", True): ("focused", [0, 7, 4]),
    # ample: U1 D1; homogeneous: U2; growth: U2; no rivals: U1; no niche: 0
    ("ample", "homogeneous", "growth", "none", False): ("unified", [6, 0, 1]),
}


def _columns(value, default: list[str]) -> list[str]:
    if value is None:
        return default
    return [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]


def _customer_table(params: dict) -> tuple[pd.DataFrame, pd.Series | None, pd.Series | None]:
    """The customer table, its true personas (synthetic only) and the current flag, rebuilt by hand."""
    seed = params.get("seed", 42)
    if "data_path" in params:
        table = pd.read_csv(NOTEBOOKS / params["data_path"]).set_index(params["customer_col"])
        assert len(table) <= params.get("n_customers", 5000), "the test table is not sampled down"
        current = table[params["current_col"]].astype(bool) if params.get("current_col") else None
        return table, None, current
    from crmlab.simulate import customer_base

    base = customer_base(params.get("n_customers", 5000), seed=seed)
    log = base.transactions
    grouped = log.groupby("customer_id")
    table = base.customers.set_index("customer_id")
    table["orders"] = grouped["date"].nunique()
    table["mean_spend"] = grouped["amount"].sum() / table["orders"]
    table["recency_days"] = (base.params.observation_end - grouped["date"].max()).dt.days
    current = table["recency_days"] <= 182
    return table, table["true_persona"], current


def _kmeans_by_hand(table: pd.DataFrame, columns: list[str], log_columns: list[str], k: int, seed: int) -> np.ndarray:
    parts = []
    for column in columns:
        values = table[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            x = np.log1p(values.to_numpy(float)) if column in log_columns else values.to_numpy(float)
            parts.append(pd.DataFrame({column: (x - x.mean()) / x.std()}, index=table.index))
        else:
            parts.append(pd.get_dummies(values.astype(str), prefix=column, dtype=float))
    features = pd.concat(parts, axis=1).to_numpy()
    return KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(features)


def check(summary: dict, params: dict, results: Path) -> None:
    numbers = summary["numbers"]
    seed = params.get("seed", 42)
    table, truth, current = _customer_table(params)
    n = len(table)
    own = "data_path" in params
    columns = _columns(params.get("feature_cols"), DEFAULT_FEATURES)
    log_columns = _columns(params.get("log_cols"), [] if own else DEFAULT_LOG)

    # --- k: the parameter, or the best silhouette among 6..10 in the written k table
    k_table = pd.read_csv(results / "k_choice.csv", index_col=0)
    assert k_table.index.tolist() == list(range(2, 11))
    assert (np.diff(k_table["inertia"]) < 0).all(), "inertia must fall as k grows"
    k = numbers["k"]
    if params.get("n_segments") is not None:
        assert k == params["n_segments"] and numbers["k_chosen_by"] == "parameter"
    else:
        assert k == int(k_table.loc[6:10, "silhouette"].idxmax()) and numbers["k_chosen_by"] == "silhouette_6_10"
        assert 6 <= k <= 10

    # --- segment sizes add up and match the written assignment; same partition as plain scikit-learn
    segments = pd.read_csv(results / "customer_segments.csv", index_col=0)
    assert numbers["n_customers"] == n == len(segments) and sum(numbers["segment_sizes"]) == n
    assert sorted(segments.index.astype(str)) == sorted(table.index.astype(str))
    counts = segments["segment"].value_counts()
    assert counts.index.sort_values().tolist() == list(range(1, k + 1))
    assert [int(counts[s]) for s in range(1, k + 1)] == numbers["segment_sizes"]
    assert numbers["segment_sizes"] == sorted(numbers["segment_sizes"], reverse=True), "1 = largest segment"
    assert numbers["largest_segment"] == max(numbers["segment_sizes"])
    by_hand = _kmeans_by_hand(table, columns, log_columns, k, seed)
    aligned = segments["segment"].reindex(table.index.astype(segments.index.dtype)).to_numpy()
    assert adjusted_rand_score(by_hand, aligned) > 0.99, "segments differ from plain scikit-learn k-means"

    # --- recovery of the true personas: recomputed, and modest by design
    if truth is None:
        assert "adjusted_rand_index" not in numbers
    else:
        ari = adjusted_rand_score(truth.astype(str).to_numpy(), aligned)
        assert abs(numbers["adjusted_rand_index"] - ari) < 1e-12
        low, high = (0.2, 0.35) if not params.get("n_segments") and params.get("n_customers", 5000) == 5000 else (0.1, 0.45)
        assert low <= ari <= high, f"ARI {ari:.3f} outside the stated range {low}-{high}"
        crosstab = pd.read_csv(results / "persona_crosstab.csv", index_col=0)
        assert crosstab.to_numpy().sum() == n and crosstab.shape == (7, k)

    # --- soft membership: mixed = largest probability below the threshold
    threshold = params.get("mixed_threshold", 0.6)
    top = segments["top_probability"]
    assert ((top >= 1 / k - 1e-9) & (top <= 1 + 1e-9)).all()
    assert numbers["mixed_customers"] == int((top < threshold).sum()) == int(segments["mixed"].sum())
    assert sum(numbers["mixture_sizes"]) == n

    # --- current / winnable / not now, on the market (current customers + prospects), not circular
    if current is None:
        assert "target_groups" not in numbers
    else:
        groups = numbers["target_groups"]
        profile = numbers["target_cols"]
        assert "recency_days" not in profile and params.get("current_col") not in profile, \
            "the split must not segment on what defines current consumers"
        assert groups["current"] == int(current.sum())
        prospects = params.get("n_prospects", 5000) if not own else int((~current).sum())
        assert numbers["market_size"] == sum(groups.values()) == int(current.sum()) + prospects
        assert numbers["lapsed_customers_left_out"] == (0 if own else int((~current).sum()))
        penetration = numbers["penetration_by_segment"]
        assert all(0 <= v <= 1 for v in penetration.values())
        by_segment = numbers["target_groups_by_segment"]
        fit_threshold = params.get("fit_threshold", 0.3)
        assert set(by_segment) == set(penetration)
        for segment, row in by_segment.items():
            row = {g: row.get(g, 0) for g in ("current", "winnable", "not_now")}
            assert abs(penetration[segment] - row["current"] / sum(row.values())) < 1e-12
            if penetration[segment] >= fit_threshold:
                assert row["not_now"] == 0, "prospects like our customers are winnable"
            else:
                assert row["winnable"] == 0, "prospects unlike our customers are not now"
        for group in ("current", "winnable", "not_now"):
            assert sum(row.get(group, 0) for row in by_segment.values()) == groups[group]
        exported = segments["target_group"].value_counts()
        assert int(exported.get("current", 0)) == groups["current"]
        if not own:
            assert int(exported.get("lapsed_customer", 0)) == numbers["lapsed_customers_left_out"]
    if not own:
        assert numbers["express_case_strategies"] == {
            "business documents and contract shippers": "differentiated",
            "parcels for small online sellers": "unified", "cold-chain medicine delivery": "focused"}

    # --- migration on CDNOW: margins recounted from the raw log by calendar period
    from crmlab.datasets import load_cdnow

    log = load_cdnow("master")
    first = set(log.loc[log["date"] <= "1997-09-30", "customer_id"])
    second = set(log.loc[(log["date"] > "1997-09-30") & (log["date"] <= "1998-06-30"), "customer_id"])
    assert numbers["migration_before"] == len(first) == 23_570
    assert numbers["migration_after"] == len(second)
    assert numbers["migration_gone"] == len(first - second)
    assert numbers["migration_new"] == len(second - first) == 0, "all CDNOW customers first bought in Q1 1997"
    matrix = np.array(numbers["migration_counts"])
    assert matrix.shape == (5, 5) and matrix.sum() == len(first | second)
    assert matrix[:4, :4].sum() == len(first & second)
    assert numbers["migration_same_segment"] == int(np.trace(matrix[:4, :4]))
    assert (pd.read_csv(results / "migration.csv", index_col=0).to_numpy() == matrix).all()

    # --- the market strategy for the stated conditions
    stated = (params.get("resources", "ample"), params.get("needs", "heterogeneous"),
              params.get("product_stage", "maturity"), params.get("competitors", "differentiated"),
              params.get("niche_opportunity", False))
    scores = numbers["market_strategy_scores"]
    order = ["unified", "focused", "differentiated"]
    assert numbers["market_strategy"] == order[int(np.argmax(scores))]
    if stated in HAND_SCORED:
        strategy, points = HAND_SCORED[stated]
        assert numbers["market_strategy"] == strategy and scores == points

    for name in ("k_choice.csv", "segment_profiles.csv", "customer_segments.csv", "migration.csv",
                 "market_strategy_rules.csv", "market_strategy_reasons.csv", "choose_k.png", "segment_profiles.png",
                 "soft_membership.png", "migration.png"):
        assert name in summary["files"], name
    if params.get("lang") == "zh":
        profiles = pd.read_csv(results / "segment_profiles.csv", index_col=0)
        assert profiles.columns[:2].tolist() == ["客户数", "客户占比"]
        assert profiles.index[-1] == "全体客户"
        assert pd.read_csv(results / "migration.csv").columns[-1] == "已离开"
