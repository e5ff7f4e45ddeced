"""Lecture 08: published estimates reproduced; the CLV table equals an independent recomputation."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from crmlab.reader import file_sha256
from tests.conftest import NOTEBOOKS

LECTURE = "08_clv_models"


def _bgnbd_expected(params: dict, x, t_x, T, t: float) -> np.ndarray:
    """E[Y(t) | x, t_x, T] of the BG/NBD written out from Fader, Hardie & Lee (2005), eq. 10."""
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    odds = np.where(x > 0, a / np.maximum(b + x - 1, 1e-12) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    return numerator / (1 + odds)


def _independent_clv(params: dict, customers: pd.DataFrame) -> pd.Series:
    x = customers["frequency_cal"].to_numpy()
    t_x = customers["recency_cal"].to_numpy()
    T = customers["T_cal"].to_numpy()
    m = customers["monetary_value_cal"].to_numpy()
    gg = params["gammagamma"]
    spend = gg["p"] * (gg["gamma"] + x * m) / (gg["p"] * x + gg["q"] - 1)  # Gamma-Gamma posterior mean
    weekly = (1 + params["discount_rate"]) ** (1 / 52) - 1
    total, previous = np.zeros(len(x)), np.zeros(len(x))
    for week in range(1, params["horizon_weeks"] + 1):
        cumulative = _bgnbd_expected(params["bgnbd"], x, t_x, T, float(week))
        total += (cumulative - previous) / (1 + weekly) ** week
        previous = cumulative
    return pd.Series(params["margin"] * spend * total, index=customers.index)


def check(summary: dict, params: dict, results: Path) -> None:
    numbers = summary["numbers"]
    # with the researcher's data, the fits on bundled data are kept apart from the researcher's numbers
    bundled = summary["bundled_data"]["numbers"] if "data_path" in params else numbers
    assert ("bundled_data" in summary) == ("data_path" in params)
    if "data_path" in params:
        assert not {"sbg_regular", "sbg_high_end", "sbg_projected_final_by_fit_years", "bgbb", "bgbb_ll",
                    "bgbb_alive_share", "bgbb_holdout_p_value"} & set(numbers)
        assert summary["inputs"]["data_path"]["sha256"] == file_sha256(NOTEBOOKS / params["data_path"])
    # how many years the sBG needs: 3 and 4 years project 221 and 307 of the 394 high-end survivors; 2 degenerate
    projected = bundled["sbg_projected_final_by_fit_years"]
    assert round(projected["high_end/3"]) == 221 and round(projected["high_end/4"]) == 307
    assert "high_end/2" in bundled["sbg_boundary_fits"]
    if params.get("fit_years", 7) == 7:  # sBG on years 1-7 of the retention cohorts (Fader & Hardie 2007)
        assert [round(bundled["sbg_regular"][k], 3) for k in ("alpha", "beta")] == [0.704, 1.182]
        assert [round(bundled["sbg_high_end"][k], 3) for k in ("alpha", "beta")] == [0.668, 3.806]
    if "data_path" not in params:  # the CDNOW sample: published estimates to their digits
        assert numbers["customers"] == 2357 and numbers["repeat_buyers"] == 946
        assert [round(numbers["bgnbd"][k], 3) for k in ("r", "alpha", "a", "b")] == [0.243, 4.414, 0.793, 2.426]
        assert round(numbers["bgnbd_ll"], 1) == -9582.4
        assert [round(numbers["paretonbd"][k], 3) for k in ("r", "alpha", "s", "beta")] == [0.553, 10.578, 0.606, 11.669]
        assert round(numbers["paretonbd_ll"], 1) == -9595.0
        assert [round(numbers["gammagamma"][k], 2) for k in ("p", "q", "gamma")] == [6.25, 3.74, 15.44]
        assert round(numbers["gammagamma_ll"], 1) == -4055.9
        assert [round(numbers["bgbb"][k], 3) for k in ("alpha", "beta", "gamma", "delta")] == [1.204, 0.750, 0.657, 2.783]
        assert round(numbers["bgbb_ll"], 1) == -33225.6
        # BG/BB beyond its parameters, and the donor holdout
        assert 11_104 * 0.5 < numbers["bgbb_expected_donations_next5"] < 11_104 * 5
        assert 0 < numbers["bgbb_alive_share"] < 1
        assert numbers["bgbb_holdout_p_value"] > 0.01
        from crmlab.datasets import load_cdnow

        log = load_cdnow("sample")
        columns = ("customer_id", "date", "dollar_value")
        calibration_end, observation_end = "1997-09-30", "1998-06-30"
    else:  # the lecture cleans the researcher's log (lecture 04's rules) before it summarises it
        from crmlab.transactions import clean

        columns = (params["customer_col"], params["date_col"], params["amount_col"])
        calibration_end, observation_end = params["calibration_end"], params["observation_end"]
        raw = pd.read_csv(NOTEBOOKS / params["data_path"], dtype={params["customer_col"]: str})
        log, report = clean(raw, *columns, observation_end=observation_end)
        assert numbers["rows_in"] == len(raw) and numbers["rows_out"] == len(log)
        first = log.groupby(columns[0])[columns[1]].min()
        assert numbers["late_joiners"] == int((first > pd.Timestamp(calibration_end)).sum())
    from crmlab.rfm import summarize

    customers = summarize(log, *columns, calibration_end=calibration_end, observation_end=observation_end,
                          time_unit="W")
    assert numbers["customers"] == len(customers)
    # every repeat purchase day of the cohort is in the tracking curve's last point
    assert numbers["tracking_actual_end"] == (customers["frequency_cal"] + customers["frequency_holdout"]).sum()
    assert abs(numbers["tracking_expected_end"] / numbers["tracking_actual_end"] - 1) < 0.15
    recompute = dict(bgnbd=numbers["bgnbd"], gammagamma=numbers["gammagamma"],
                     discount_rate=params.get("discount_rate", 0.10), horizon_weeks=params.get("horizon_weeks", 52),
                     margin=params.get("margin", 0.30))
    expected = _independent_clv(recompute, customers)
    assert abs(numbers["horizon_value_total"] - expected.sum()) < 1e-8 * expected.sum()
    table = pd.read_csv(results / "clv_customers.csv", index_col=0)
    assert len(table) == len(customers)
    # the next-horizon value (second to last column) and the full CLV (last): 50 yearly periods, annual rate
    assert np.allclose(table.iloc[:, -2].to_numpy(), expected.to_numpy(), rtol=1e-8, atol=1e-10)
    assert abs(table.iloc[:, -2].sum() - numbers["horizon_value_total"]) < 1e-8 * numbers["horizon_value_total"]
    assert abs(table.iloc[:, -1].sum() - numbers["clv_full_total"]) < 1e-8 * numbers["clv_full_total"]
    assert (table.iloc[:, -1] >= table.iloc[:, -2] - 1e-9).all(), "the full CLV includes the next horizon"
    if params.get("horizon_weeks", 52) <= 52:
        assert numbers["clv_full_total"] > 2 * numbers["horizon_value_total"]
    assert 0 < numbers["clv_full_top_decile_share"] < 1 and 0 < numbers["horizon_value_top_decile_share"] < 1
    for name in ("sbg_projection.csv", "sbg_projection.png", "estimates.csv", "calibration_holdout.png",
                 "tracking.png", "probability_alive_matrix.png", "clv_customers.csv"):
        assert name in summary["files"], name
    if params.get("lang") == "zh":
        assert table.columns[-1] == "客户终身价值（完整折现）"
        assert pd.read_csv(results / "estimates.csv").columns[0] == "模型"
