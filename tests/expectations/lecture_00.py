"""Lecture 00: the concentration numbers equal an independent computation on the same data."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from tests.conftest import NOTEBOOKS


def _expected_shares(values: np.ndarray, pct: float) -> float:
    ordered = np.sort(values)[::-1]
    return ordered[: math.ceil(ordered.size * pct / 100 - 1e-9)].sum() / ordered.sum()


LECTURE = "00_start_here"


def check(summary: dict, params: dict, results: Path) -> None:
    numbers = summary["numbers"]
    if "data_path" in params:
        log = pd.read_csv(NOTEBOOKS / params["data_path"])
        values = log.groupby(params["customer_col"])[params["amount_col"]].sum().to_numpy()
    else:
        from crmlab.datasets import load_cdnow

        log = load_cdnow("master")
        values = log.groupby("customer_id")["dollar_value"].sum().to_numpy()
        assert numbers["customers"] == 23_570
    assert numbers["customers"] == values.size
    assert abs(numbers["revenue"] - values.sum()) < 1e-9 * values.sum()
    pct = params.get("top_pct", 20.0)
    assert abs(numbers["top_share"] - _expected_shares(values, pct)) < 1e-12
    assert abs(numbers["top20_share"] - _expected_shares(values, 20)) < 1e-12
    assert 0.5 < numbers["top20_share"] < 0.9, "CDNOW-like logs are strongly concentrated"
    assert 0 < numbers["gini"] < 1
    for name in ("course_map.csv", "datasets.csv", "concentration.csv", "lorenz_curve.png", "glance_cdnow.png",
                 "glance_synthetic.png"):
        assert name in summary["files"], name
    course_map = pd.read_csv(results / "course_map.csv")
    assert len(course_map) == 12
    if params.get("lang") == "zh":
        assert course_map.columns[0] == "讲次"
        assert pd.read_csv(results / "concentration.csv").columns.tolist() == ["头部客户比例（%）", "收入占比（%）"]

