"""A/B test and uplift by segment, checked against statsmodels and scipy."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from crmlab.datasets import load_hillstrom
from crmlab.uplift import ab_test, difference_in_means, plot_uplift_by_segment, two_proportion_ztest, uplift_by_segment


@pytest.mark.parametrize("counts", [(60, 1000, 40, 1000), (5, 37, 11, 52), (300, 21000, 250, 21000)])
def test_two_proportion_z_matches_statsmodels(counts):
    a, n_a, b, n_b = counts
    result = two_proportion_ztest(a, n_a, b, n_b)
    z, p = proportions_ztest([a, b], [n_a, n_b])
    assert result["z"] == pytest.approx(z, rel=1e-10)
    assert result["p_value"] == pytest.approx(p, rel=1e-8)
    se = np.sqrt(a / n_a * (1 - a / n_a) / n_a + b / n_b * (1 - b / n_b) / n_b)
    assert result["ci_high"] - result["ci_low"] == pytest.approx(2 * 1.959963984540054 * se)


def test_two_proportion_refuses_bad_counts():
    with pytest.raises(ValueError):
        two_proportion_ztest(11, 10, 1, 10)
    with pytest.raises(ValueError):
        two_proportion_ztest(1.5, 10, 1, 10)


def test_difference_in_means_matches_scipy_welch():
    rng = np.random.default_rng(0)
    a, b = rng.exponential(2.0, 300), rng.exponential(1.5, 200)
    result = difference_in_means(a, b)
    reference = stats.ttest_ind(a, b, equal_var=False)
    assert result["t"] == pytest.approx(reference.statistic)
    assert result["p_value"] == pytest.approx(reference.pvalue)
    assert result["ci_low"] < a.mean() - b.mean() < result["ci_high"]


def test_ab_test_on_hillstrom_by_hand():
    hill = load_hillstrom()
    table = ab_test(hill, "segment", ["conversion", "spend"], ["Mens E-Mail", "Womens E-Mail"], "No E-Mail")
    mailed = hill["segment"] != "No E-Mail"
    assert table.loc["conversion", "treated"] == pytest.approx(hill.loc[mailed, "conversion"].mean())
    assert table.loc["conversion", "control"] == pytest.approx(hill.loc[~mailed, "conversion"].mean())
    assert table.loc["conversion", "test"] == "z" and table.loc["spend", "test"] == "welch_t"
    z, _ = proportions_ztest([hill.loc[mailed, "conversion"].sum(), hill.loc[~mailed, "conversion"].sum()],
                             [mailed.sum(), (~mailed).sum()])
    assert table.loc["conversion", "statistic"] == pytest.approx(z)
    assert table.loc["conversion", "ci_low"] > 0  # e-mail raised conversion (Hillstrom 2008)
    assert table.loc["spend", "difference"] == pytest.approx(
        hill.loc[mailed, "spend"].mean() - hill.loc[~mailed, "spend"].mean())
    assert int(table.loc["conversion", "n_treated"]) == 42694


def test_uplift_by_segment_by_hand_and_ranks():
    table = pd.DataFrame({
        "arm": ["t"] * 8 + ["c"] * 8,
        "seg": ["a", "a", "a", "a", "b", "b", "b", "b"] * 2,
        "y": [1, 1, 1, 0, 1, 0, 0, 0] + [1, 1, 1, 0, 0, 0, 0, 0],
    })
    out = uplift_by_segment(table, "arm", "y", "seg", ["t"], "c")
    assert out.loc["a", "treated_rate"] == 0.75 and out.loc["a", "uplift"] == 0.0
    assert out.loc["b", "treated_rate"] == 0.25 and out.loc["b", "uplift"] == 0.25
    # the segment with the highest response is not the one the campaign moves
    assert out.loc["a", "rank_by_response"] == 1 and out.loc["b", "rank_by_uplift"] == 1


def test_uplift_errors_name_the_problem():
    table = pd.DataFrame({"arm": ["t", "c"], "seg": ["a", "a"], "y": [1, 0]})
    with pytest.raises(ValueError, match="no rows for arm"):
        uplift_by_segment(table, "arm", "y", "seg", ["x"], "c")
    with pytest.raises(ValueError, match="'seg' has 1 missing"):
        uplift_by_segment(table.assign(seg=["a", None]), "arm", "y", "seg", ["t"], "c")
    with pytest.raises(ValueError, match="0/1"):
        uplift_by_segment(table.assign(y=[2.0, 0.0]), "arm", "y", "seg", ["t"], "c")


def test_hillstrom_uplift_by_newbie_sums_up():
    hill = load_hillstrom()
    out = uplift_by_segment(hill, "segment", "conversion", "newbie", ["Mens E-Mail", "Womens E-Mail"], "No E-Mail")
    assert out["n_treated"].sum() + out["n_control"].sum() == len(hill)
    ax = plot_uplift_by_segment(out, "zh")
    assert len(ax.patches) == 4
