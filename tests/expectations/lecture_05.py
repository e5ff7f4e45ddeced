"""Lecture 05: matrix classes, ABC classes and churn by class equal an independent computation.

The matrix classes are recomputed here with numpy from the same data (quantile cuts of volume,
fixed cuts of satisfaction, the class of each cell written out by hand); ABC shares are checked
against ``crmlab.concentration.top_share`` and a plain cumulative sum; churn by class against the
simulator's truth columns.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import pandas as pd

from crmlab.concentration import gini, top_share
from tests.conftest import NOTEBOOKS

LECTURE = "05_value_satisfaction_matrix"

DEFAULTS = {"seed": 42, "n_customers": 5000, "volume_low_q": 0.4, "volume_high_q": 0.8,
            "satisfaction_low": 2.0, "satisfaction_high": 3.0, "abc_a": 0.8, "abc_b": 0.95}
# rows: volume low / mid / high; columns: satisfaction low / mid / high
CLASS_OF_CELL = np.array([["C", "C", "C"],
                          ["E", "D", "B"],
                          ["E", "D", "A"]])


def _data(params: dict) -> pd.DataFrame:
    """volume, satisfaction (and the truth for the synthetic base), one row per customer."""
    if "data_path" in params:
        raw = pd.read_csv(NOTEBOOKS / params["data_path"])
        return pd.DataFrame({"volume": raw[params["volume_col"]].to_numpy(dtype=float),
                             "satisfaction": raw[params["satisfaction_col"]].to_numpy(dtype=float)},
                            index=raw[params["customer_col"]])
    from crmlab.simulate import customer_base

    base = customer_base(params["n_customers"], seed=params["seed"],
                         satisfaction_from_loyalty=params.get("satisfaction_from_loyalty", 1.0))
    spend = base.transactions.groupby("customer_id")["amount"].sum()
    customers = base.customers.set_index("customer_id")
    return pd.DataFrame({"volume": spend.reindex(customers.index).fillna(0.0).to_numpy(),
                         "satisfaction": customers["satisfaction"].to_numpy(dtype=float),
                         "alive": customers["true_alive_at_end"].to_numpy(dtype=bool),
                         "dropout": customers["true_dropout_prob"].to_numpy(dtype=float),
                         "complaints": customers["complaints"].to_numpy(dtype=float)},
                        index=customers.index)


def _level(values: np.ndarray, lower: float, upper: float) -> np.ndarray:
    return (values > lower).astype(int) + (values > upper).astype(int)


def check(summary: dict, params: dict, results: Path) -> None:
    params = {**DEFAULTS, **params}
    numbers = summary["numbers"]
    data = _data(params)
    volume, satisfaction = data["volume"].to_numpy(), data["satisfaction"].to_numpy()
    n = len(data)
    assert numbers["customers"] == n
    if "data_path" in params:
        assert n == 1500
    assert abs(numbers["total_volume"] - volume.sum()) < 1e-9 * volume.sum()

    # --- the matrix: thresholds, cells, classes
    low_cut, high_cut = np.quantile(volume, [params["volume_low_q"], params["volume_high_q"]])
    assert np.allclose(numbers["volume_thresholds"], [low_cut, high_cut], rtol=1e-12)
    assert numbers["satisfaction_thresholds"] == [params["satisfaction_low"], params["satisfaction_high"]]
    classes = CLASS_OF_CELL[_level(volume, low_cut, high_cut),
                            _level(satisfaction, params["satisfaction_low"], params["satisfaction_high"])]
    expected_counts = {c: int((classes == c).sum()) for c in "ABCDE"}
    assert numbers["class_counts"] == expected_counts
    assert sum(numbers["class_counts"].values()) == n, "every customer is in exactly one class"
    assert abs(numbers["class_a_share"] - expected_counts["A"] / n) < 1e-12
    assert abs(numbers["class_a_volume_share"] - volume[classes == "A"].sum() / volume.sum()) < 1e-12
    assert abs(numbers["class_e_volume_share"] - volume[classes == "E"].sum() / volume.sum()) < 1e-12
    # class A is high x high: never more customers than the top volume group
    assert expected_counts["A"] <= (volume > high_cut).sum()

    # --- ABC: a plain cumulative sum, and top_share of the same number of customers
    ordered = np.sort(volume)[::-1]
    before = np.concatenate([[0.0], np.cumsum(ordered)[:-1]]) / ordered.sum()
    n_a = int((before < params["abc_a"] - 1e-9).sum())
    n_ab = int((before < params["abc_b"] - 1e-9).sum())
    assert numbers["abc_counts"] == {"A": n_a, "B": n_ab - n_a, "C": n - n_ab}
    assert abs(numbers["abc_a_customer_share"] - n_a / n) < 1e-12
    shares = numbers["abc_value_shares"]
    assert abs(shares["A"] - top_share(volume, 100 * n_a / n)) < 1e-9
    assert abs(shares["A"] + shares["B"] - top_share(volume, 100 * n_ab / n)) < 1e-9
    assert abs(sum(shares.values()) - 1) < 1e-9
    assert shares["A"] >= params["abc_a"] - 1e-9, "class A reaches the A cut-off"
    assert shares["A"] - ordered[n_a - 1] / ordered.sum() < params["abc_a"], "without its last customer A falls short"
    assert abs(numbers["top20_share"] - top_share(volume, 20)) < 1e-12
    assert abs(numbers["top20_share"] - ordered[: int(np.ceil(0.2 * n - 1e-9))].sum() / ordered.sum()) < 1e-12
    assert abs(numbers["gini"] - gini(volume)) < 1e-12

    # --- truth: class E really leaves more often than class A
    if "data_path" in params:
        assert "churned_by_class" not in numbers
    else:
        churned = {c: float((~data["alive"].to_numpy())[classes == c].mean()) for c in "ABCDE" if (classes == c).any()}
        dropout = {c: float(data["dropout"].to_numpy()[classes == c].mean()) for c in churned}
        assert numbers["churned_by_class"].keys() == churned.keys()
        for c in churned:
            assert abs(numbers["churned_by_class"][c] - churned[c]) < 1e-12
            assert abs(numbers["dropout_prob_by_class"][c] - dropout[c]) < 1e-12
        setting = numbers["satisfaction_from_loyalty"]
        if setting == 1.0:
            assert churned["E"] > churned["A"] + 0.15, "dissatisfied heavy buyers leave clearly more often"
            assert dropout["E"] > 2 * dropout["A"]
            assert numbers["complaints_by_class"]["E"] > numbers["complaints_by_class"]["A"]
        # the truth check is circular: switching the assumption off closes most of the E - A gap
        by_setting = numbers["churned_by_class_by_setting"]
        assert by_setting[f"{setting:g}"] == pytest.approx(numbers["churned_by_class"])
        assert by_setting["0"]["E"] - by_setting["0"]["A"] < 0.1
        if "1" in by_setting:
            assert by_setting["1"]["E"] - by_setting["1"]["A"] > 0.25
        assert numbers["free_rider_share"] > 0 and set(numbers["free_riders_by_class"]) == set("ABCDE")
        assert "churn_by_class.png" in summary["files"]

    # --- real data: Online Retail is more concentrated than the synthetic base
    from crmlab.concentration import online_retail_values

    retail = online_retail_values()
    assert numbers["online_retail"]["customers"] == len(retail)
    assert abs(numbers["online_retail"]["top20_share"] - top_share(retail, 20)) < 1e-12
    assert 0.7 < numbers["online_retail"]["top20_share"] < 0.8

    # --- files and language
    for name in ("matrix_classes.csv", "matrix_counts.csv", "matrix_class_summary.csv", "abc_summary.csv",
                 "value_satisfaction_matrix.png", "pareto_chart.png", "matrix_by_abc.csv"):
        assert name in summary["files"], name
    class_summary = pd.read_csv(results / "matrix_class_summary.csv", index_col=0)
    assert class_summary.iloc[:, 0].tolist() == [expected_counts[c] for c in "ABCDE"]
    abc_table = pd.read_csv(results / "abc_summary.csv", index_col=0)
    assert abc_table.iloc[:, 0].tolist() == [n_a, n_ab - n_a, n - n_ab]
    crossed = pd.read_csv(results / "matrix_by_abc.csv", index_col=0)
    assert crossed.to_numpy().sum() == n
    if params.get("lang") == "zh":
        assert class_summary.index.name == "客户类别"
        assert class_summary.index.tolist() == ["A类", "B类", "C类", "D类", "E类"]
        assert class_summary.columns[0] == "客户数"
        assert pd.read_csv(results / "matrix_classes.csv").columns[0] == "客户类别"
    else:
        assert class_summary.index.tolist() == ["A", "B", "C", "D", "E"]
        assert class_summary.columns[0] == "Customers"
