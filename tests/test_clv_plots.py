"""The model-checking views of lecture 08 (crmlab.clv_plots) against hand computations."""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmlab import clv_plots
from crmlab.datasets import load_cdnow, load_retention_cohorts
from crmlab.models import BetaGeo, ParetoNBD
from crmlab.rfm import summarize

COLUMNS = {"frequency": "frequency_cal", "recency": "recency_cal", "T": "T_cal"}


@pytest.fixture(scope="module")
def cdnow():
    log = load_cdnow("sample")
    customers = summarize(log, "customer_id", "date", "dollar_value", calibration_end="1997-09-30",
                          observation_end="1998-06-30", time_unit="W")
    model = BetaGeo(columns=COLUMNS).use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426)
    return log, customers, model


def test_sbg_projection_reproduces_the_published_fit_and_the_survival_function():
    cohorts = load_retention_cohorts()
    regular = cohorts[cohorts["cohort"] == "regular"].sort_values("year")["surviving_customers"].to_numpy()
    model, table = clv_plots.sbg_projection(regular, fit_periods=7)
    assert model.params_.round(3).tolist() == [0.704, 1.182]
    alpha, beta = model.params_
    survival = 1.0
    for t in range(1, 13):  # S(t) = prod of retention rates (beta + k - 1) / (alpha + beta + k - 1)
        survival *= (beta + t - 1) / (alpha + beta + t - 1)
        assert table.loc[t, "projected"] == pytest.approx(1000 * survival, rel=1e-10)
    assert table["in_fit"].sum() == 8 and table.loc[12, "actual"] == 173
    with pytest.raises(ValueError, match="fit_periods"):
        clv_plots.sbg_projection(regular, fit_periods=13)


def test_calibration_holdout_table_means_by_frequency(cdnow):
    _, customers, model = cdnow
    table = clv_plots.calibration_holdout_table(model, customers, max_frequency=7)
    assert table["customers"].sum() == len(customers) == 2357
    assert table.loc[0, "customers"] == 1411
    pooled = customers[customers["frequency_cal"] >= 7]
    assert table.loc[7, "actual"] == pytest.approx(pooled["frequency_holdout"].mean())
    predicted = model.expected_purchases(pooled, 39.0)
    assert table.loc[7, "predicted"] == pytest.approx(predicted.mean())
    # the weighted mean of the rows is the overall mean
    assert (table["customers"] * table["actual"]).sum() == pytest.approx(customers["frequency_holdout"].sum())


def test_tracking_curve_sums_new_customer_expectations_over_the_cohort(cdnow):
    log, customers, model = cdnow
    table = clv_plots.tracking_table(model, log, "customer_id", "date", "1998-06-30", "1997-09-30")
    first = log.groupby("customer_id")["date"].min()
    start = log["date"].min()
    for t in (10.0, 39.0, table.index[-1]):
        ages = np.clip(t - (first - start).dt.days.to_numpy() / 7, 0, None)
        expected = sum(float(model.expected_purchases_new_customer(age)) for age in ages)
        assert table.loc[t, "expected"] == pytest.approx(expected, rel=1e-10)
    # every repeat purchase day of the cohort is counted by the end
    assert table["actual"].iloc[-1] == (customers["frequency_cal"] + customers["frequency_holdout"]).sum()
    assert table.index[-1] == pytest.approx(545 / 7)
    assert np.all(np.diff(table["actual"]) >= 0) and np.all(np.diff(table["expected"]) > 0)
    # the published BG/NBD tracks the cumulative total within 5% at the end of the holdout
    assert abs(table["expected"].iloc[-1] / table["actual"].iloc[-1] - 1) < 0.05


def test_tracking_table_counts_one_purchase_per_day():
    log = pd.DataFrame({"id": [1, 1, 1, 2], "day": ["2024-01-01", "2024-01-01", "2024-01-09", "2024-01-03"]})
    model = BetaGeo().use_estimates(r=0.5, alpha=2.0, a=1.5, b=3.0)
    table = clv_plots.tracking_table(model, log, "id", "day", "2024-01-15")
    assert table["actual"].tolist() == [0.0, 1.0]  # the repeat on day 8 falls in week 2
    assert table.index.tolist() == [1.0, 2.0]
    assert table.loc[2.0, "expected"] == pytest.approx(float(model.expected_purchases_new_customer(2.0))
                                                       + float(model.expected_purchases_new_customer(12 / 7)))


@pytest.mark.parametrize("model", [
    BetaGeo(columns=COLUMNS).use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426),
    ParetoNBD(columns=COLUMNS).use_estimates(r=0.553, alpha=10.578, s=0.606, beta=11.669),
])
def test_probability_alive_matrix_matches_the_model_and_is_monotone(model):
    matrix = clv_plots.probability_alive_matrix(model, T=38.86, max_frequency=10)
    assert matrix.shape == (11, 39)
    values = matrix.to_numpy()
    assert np.all((values >= 0) & (values <= 1))
    assert np.all(np.diff(values[1:], axis=1) > 0), "more recent last purchase -> more likely alive"
    one = pd.DataFrame({"frequency_cal": [3.0], "recency_cal": [20.0], "T_cal": [38.86]})
    assert matrix.loc[3, 20.0] == pytest.approx(float(model.probability_alive(one).iloc[0]))
    assert np.allclose(values[0], values[0, 0])
    if isinstance(model, BetaGeo):
        assert np.all(values[0] == 1.0)


def test_plots_draw_their_tables_in_both_languages(cdnow):
    log, customers, model = cdnow
    table = clv_plots.calibration_holdout_table(model, customers)
    ax = clv_plots.plot_calibration_holdout(table, lang="zh")
    assert ax.get_title() == "校准期与验证期对比"
    assert np.allclose(ax.lines[0].get_ydata(), table["actual"])
    plt.close(ax.figure)
    ax = clv_plots.plot_probability_alive_matrix(clv_plots.probability_alive_matrix(model, 38.86, 5), lang="en")
    assert ax.get_ylabel().startswith("Frequency")
    plt.close(ax.figure)
    ax = clv_plots.plot_sbg_projection([1000, 869, 743, 653, 593, 551, 517, 491], fit_periods=4, lang="zh")
    assert "sBG" in ax.get_title()
    plt.close(ax.figure)


def test_sbg_projection_plot_fits_each_input_once_and_updates_a_live_figure(monkeypatch):
    from crmlab.live import LiveFigure

    survivors = [1000, 869, 743, 653, 593, 551, 517, 491]
    fits = []
    real_projection = clv_plots.sbg_projection
    monkeypatch.setattr(clv_plots, "sbg_projection", lambda *a, **k: fits.append(a[1:]) or real_projection(*a, **k))
    clv_plots._projection_table.cache_clear()
    live = LiveFigure.subplots(figsize=(6, 4), show=False)
    for years in (4, 5, 4, 5):
        with live.update():
            clv_plots.plot_sbg_projection(survivors, years, lang="en", ax=live.ax, title="regular · sBG")
    assert fits == [(4,), (5,)]
    assert live.last_redraw == "data only"
    assert np.allclose(live.ax.lines[0].get_ydata(), real_projection(survivors, 5)[1]["projected"])
    clv_plots._projection_table.cache_clear()


# --- lecture 08: how many years the sBG needs, BG/BB per pattern and on held-out donors ------------------

HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


def test_sbg_fit_lengths_pin_what_the_high_end_fits_project():
    table = clv_plots.sbg_fit_lengths(HIGH_END, (2, 3, 4, 7))
    assert table.index.tolist() == [2, 3, 4, 7]
    # 3 and 4 years of data project far too few survivors in year 12 (394 actual)
    assert round(table.loc[3, "projected_last"]) == 221 and round(table.loc[4, "projected_last"]) == 307
    assert abs(table.loc[7, "error_share"]) < 0.05
    # 2 years: the fit runs to the boundary (no heterogeneity left) and is flagged, whatever the model warns
    assert table.loc[2, "boundary"] or table.loc[2, "warnings"]
    if not table.loc[2, "warnings"]:  # without the models' DegenerateFitWarning, the fit itself runs away
        assert table.loc[2, "alpha"] > 1e4
    assert not table.loc[[3, 4, 7], "boundary"].any()
    assert (table["actual_last"] == 394).all()


def test_sbg_fit_lengths_record_warnings_instead_of_raising():
    import warnings

    from crmlab.models import ShiftedBetaGeo

    original = ShiftedBetaGeo.fit

    def noisy_fit(self, *args, **kwargs):
        warnings.warn("fit at the boundary", UserWarning)
        return original(self, *args, **kwargs)

    ShiftedBetaGeo.fit = noisy_fit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing escapes the table
            table = clv_plots.sbg_fit_lengths(HIGH_END, (2,))
    finally:
        ShiftedBetaGeo.fit = original
    recorded = table.loc[2, "warnings"].split(" | ")
    assert recorded[0] == "UserWarning: fit at the boundary"
    assert all(w.startswith(("UserWarning", "DegenerateFitWarning")) for w in recorded)  # the model's own too


def test_bgbb_pattern_table_and_expected_donations():
    from crmlab.datasets import load_donations
    from crmlab.models import BetaGeoBetaBinom

    donations = load_donations()
    model = BetaGeoBetaBinom().use_estimates(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    table = clv_plots.bgbb_pattern_table(model, donations, future=5)
    assert len(table) == 22 and table["donors"].sum() == 11_104
    # everyone whose last gift was in the last year has the same P(alive) (it depends on n only then)
    last_year = table[table["recency"] == 6]
    assert np.allclose(last_year["probability_alive"], last_year["probability_alive"].iloc[0])
    # more gifts at the same recency -> more expected gifts; the aggregate equals a direct sum
    assert last_year.sort_values("frequency")["expected_next"].is_monotonic_increasing
    direct = np.asarray(model.expected_purchases(donations, 5)) @ donations["donors"].to_numpy()
    assert (table["expected_next"] * table["donors"]).sum() == pytest.approx(direct)
    with pytest.raises(ValueError, match="future"):
        clv_plots.bgbb_pattern_table(model, donations, future=0)


def test_bgbb_donor_holdout_splits_donors_and_fits_the_held_out_half():
    from crmlab.datasets import load_donations

    donations = load_donations()
    model, table = clv_plots.bgbb_donor_holdout(donations, seed=42)
    assert table.attrs["fit_donors"] + table.attrs["holdout_donors"] == 11_104
    assert table["actual"].sum() == table.attrs["holdout_donors"]
    assert table["expected"].sum() == pytest.approx(table.attrs["holdout_donors"])
    assert table.attrs["p_value"] > 0.01  # the model fitted on one half describes the other
    assert model.params_["alpha"] == pytest.approx(1.204, rel=0.15)
    again = clv_plots.bgbb_donor_holdout(donations, seed=42)[1]
    assert again.equals(table)
    with pytest.raises(KeyError, match="count column"):
        clv_plots.bgbb_donor_holdout(donations, weights_col="people")
    with pytest.raises(ValueError, match="whole counts"):
        clv_plots.bgbb_donor_holdout(donations.assign(donors=donations["donors"] - 0.5))


# --- lecture 08's printed lines: English as before, Chinese rebuilt from the numbers ------------------------

def test_only_the_degenerate_fit_is_flagged_and_its_lines_read_in_both_languages():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = clv_plots.sbg_fit_lengths(HIGH_END, (2, 3, 7))
    # a missing diagnosis (NaN in pandas' string columns) is not one: only the 2-year fit is flagged
    assert [k for k, row in table.iterrows() if clv_plots.sbg_fit_flagged(row)] == [2]
    row = table.loc[2]
    english = clv_plots.describe_sbg_fit(row, "high_end", 2, HIGH_END, "en")
    assert english == (f"high_end, 2 years: alpha = {row['alpha']:,.0f}, beta = {row['beta']:,.0f} -> at the boundary\n"
                       f"   warnings: {row['warnings'] or 'none'}; the model's own diagnosis: {row['degenerate']}")
    chinese = clv_plots.describe_sbg_fit(row, "high_end", 2, HIGH_END, "zh")
    churn = row["alpha"] / (row["alpha"] + row["beta"])
    assert chinese.startswith("高端用户，用 2 年数据拟合：α = 329,396，β = 2,066,134")
    assert "86.9%、85.5%" in chinese and f"{churn:.1%}" in chinese and f"{1 - churn:.1%}" in chinese
    assert sum(ch.isascii() and ch.isalpha() for ch in chinese) == len("DegenerateFitWarning")


def test_boundary_only_refused_and_other_warnings_are_explained_in_chinese():
    collapsed = pd.Series({"alpha": 300.0, "beta": 1700.0, "boundary": True, "warnings": "", "degenerate": None})
    text = clv_plots.describe_sbg_fit(collapsed, "regular", 3, [1000, 850, 720, 610], "zh")
    assert "模型没有发出警告" in text and "α + β = 2,000" in text and "15.0%" in text
    refused = pd.Series({"alpha": np.nan, "beta": np.nan, "boundary": True,
                         "warnings": "DegenerateFitError: sBG: no customer churned", "degenerate": "no customer churned"})
    assert "模型拒绝拟合" in clv_plots.describe_sbg_fit(refused, "regular", 2, [1000, 1000, 1000], "zh")
    refused_other = refused.copy()
    refused_other["warnings"] = refused_other["degenerate"] = "DegenerateFitError: sBG: another reason"
    text = clv_plots.describe_sbg_fit(refused_other, "regular", 3, [1000, 900, 800, 700], "zh")
    assert "模型拒绝拟合" in text and "90.0%、88.9%、87.5%" in text and "another reason" not in text
    noisy = collapsed.copy()
    noisy["warnings"] = "ConvergenceWarning: did not converge"  # a text no model writes: named by its category only
    assert "其他警告：一条 ConvergenceWarning（原文见表格的 warnings 列）" in clv_plots.describe_sbg_fit(
        noisy, "regular", 3, [1000, 850, 720, 610], "zh")


def test_the_optimisers_warnings_are_told_in_chinese_by_key_not_quoted():
    """A real fit that does not converge: scipy's English message stays in the table, the Chinese line tells
    the iterations, the gradient and the missing standard errors in Chinese."""
    import warnings

    survivors = [1000, 999, 998, 500, 499, 498]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = clv_plots.sbg_fit_lengths(survivors, (3, 5))
    recorded = table.loc[3, "warnings"]
    assert "the fit did not converge" in recorded and "Hessian" in recorded
    iterations = re.search(r"after (\d+) iterations", recorded).group(1)
    gradient = re.search(r"-LL/n (\S+) after", recorded).group(1)
    chinese = clv_plots.describe_sbg_fit(table.loc[3], "regular", 3, survivors, "zh")
    other = chinese.splitlines()[-1]
    assert other == (f"   其他警告：优化器迭代 {iterations} 次后停止，没有收敛（梯度最大值 {gradient}），且有参数到了搜索范围的"
                     "边缘：最优解可能不存在；对数似然在估计值处不是向下弯曲的（黑塞矩阵不正定）：没有标准误")
    ascii_words = re.findall(r"[A-Za-z]{2,}", chinese)
    assert ascii_words == ["DegenerateFitWarning"], ascii_words  # no English sentence of the optimiser
    english = clv_plots.describe_sbg_fit(table.loc[3], "regular", 3, survivors, "en")
    assert recorded in english  # English prints the warnings as recorded, as before


def test_printed_sentences_keep_their_english_text():
    from crmlab.lang import label

    stamp = pd.Timestamp("1997-09-30")
    assert label("clvplot_customers_summary", "en").format(
        customers=2357, repeat=946, calibration_end=stamp, holdout_weeks=39.0, observation_end=pd.Timestamp("1998-06-30")
    ) == "2,357 customers, 946 with repeat purchases; calibration to 1997-09-30, holdout 39.0 weeks to 1998-06-30"
    assert label("clvplot_bgbb_expected", "en").format(donors=11_104, future=5, expected=12_884.2, alive=0.426) == (
        "expected donations of the 11,104 donors in the next 5 appeals: 12,884; expected share still alive: 42.6%")
    assert label("clvplot_bgbb_expected", "zh").format(donors=11_104, future=5, expected=12_884.2, alive=0.426).startswith(
        "11,104 位捐赠者")


def test_shown_table_translates_headers_and_symbols_but_not_numbers():
    table = pd.DataFrame({"parameter": ["alpha", "r", "LL"], "estimate": [0.5, 0.2, -10.0], "boundary": [True, False, False]})
    assert clv_plots.shown_table(table, "en").equals(table)
    shown = clv_plots.shown_table(table, "zh", symbol_columns=["parameter"])
    assert shown["parameter"].tolist() == ["α", "r", "对数似然"]
    assert shown.columns.tolist() == ["parameter", "estimate", "触及边界"] and shown["触及边界"].tolist() == ["是", "否", "否"]
    assert shown["estimate"].equals(table["estimate"])
    indexed = clv_plots.shown_table(table.set_index("parameter"), "zh", symbol_index=True)
    assert indexed.index.tolist() == ["α", "r", "对数似然"]
