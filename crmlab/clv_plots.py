"""Checking a probabilistic CLV model against data: the tables and plots of lecture 08.

Each view comes as a pure function that returns a table (tested against hand computations)
and a ``plot_*`` function that draws that table in English or Chinese:

* :func:`sbg_projection` / :func:`plot_sbg_projection`: fit the sBG to the first periods of a
  cohort's survival curve and project the rest (contractual setting);
* :func:`calibration_holdout_table` / :func:`plot_calibration_holdout`: mean purchases in the
  holdout period by calibration frequency, actual against the model's conditional expectation;
* :func:`tracking_table` / :func:`plot_tracking`: cumulative repeat purchases of the cohort week
  by week, actual against what the model expects for customers acquired on their first-purchase days;
* :func:`probability_alive_matrix` / :func:`plot_probability_alive_matrix`: P(alive) on a grid of
  frequency x recency for customers of one age T.

Models are those of :mod:`crmlab.models`; their ``columns`` mapping (e.g. ``frequency`` ->
``frequency_cal``) is respected.

Examples
--------
>>> table = sbg_projection([1000, 631, 468, 382, 326, 289, 262, 241, 223], fit_periods=7)[1]
>>> table.loc[8, ["actual", "projected"]].round(0).tolist()
[223.0, 220.0]
"""
from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmlab.lang import check_lang, identifier_terms, label, localize, register, terms
from crmlab.models import ShiftedBetaGeo
from crmlab.rfm import TIME_UNIT_DAYS
from crmlab.transactions import TransactionLogError, validate

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "sbg_projection",
    "sbg_fit_lengths",
    "bgbb_pattern_table",
    "bgbb_donor_holdout",
    "plot_sbg_projection",
    "calibration_holdout_table",
    "plot_calibration_holdout",
    "tracking_table",
    "plot_tracking",
    "probability_alive_matrix",
    "plot_probability_alive_matrix",
    "sbg_fit_flagged",
    "describe_sbg_fit",
    "shown_table",
    "plot_worksheet",
    "plot_holdout_frequencies",
    "SHOWN_PREFIXES",
]

#: Where lecture 08's table headers and parameter symbols live: ``localize(t, lang, prefixes=SHOWN_PREFIXES)``.
SHOWN_PREFIXES: tuple[str, ...] = ("clvplot_hdr_", "clvplot_sym_")

register(
    {
        # lecture 08: value over a horizon vs the full CLV; BG/BB per pattern
        "value_horizon": {"en": "Value over the horizon (residual, not CLV)", "zh": "预测期内价值（剩余价值，非CLV）"},
        "clv_full": {"en": "CLV (full, discounted)", "zh": "客户终身价值（完整折现）"},
        "expected_next": {"en": "Expected donations, next 5 appeals", "zh": "未来5次劝募的预期捐赠次数"},
        # same text as in crmlab.first_look, registered here too so this module works on its own
        "cohort_regular": {"en": "Regular", "zh": "普通用户"},
        "cohort_high_end": {"en": "High end", "zh": "高端用户"},
        "clvplot_actual": {"en": "Actual", "zh": "实际值"},
        "clvplot_model": {"en": "Model", "zh": "模型预测"},
        "clvplot_projected": {"en": "Projected", "zh": "模型外推"},
        "clvplot_fit_period": {"en": "Fit period", "zh": "拟合期"},
        "clvplot_surviving": {"en": "Customers still active", "zh": "仍在的客户数"},
        "clvplot_period": {"en": "Period since acquisition", "zh": "获客后的期数"},
        "clvplot_sbg_title": {"en": "sBG fitted to periods 1–{n}", "zh": "sBG 模型（用第 1–{n} 期拟合）"},
        "clvplot_cal_frequency": {"en": "Repeat purchases in calibration", "zh": "校准期重复购买次数"},
        "clvplot_mean_holdout": {"en": "Mean purchases in holdout", "zh": "验证期平均购买次数"},
        "clvplot_cal_holdout_title": {"en": "Calibration vs holdout", "zh": "校准期与验证期对比"},
        "clvplot_cum_repeat": {"en": "Cumulative repeat purchases", "zh": "累计重复购买次数"},
        "clvplot_tracking_title": {"en": "Tracking repeat purchases", "zh": "重复购买跟踪"},
        "clvplot_calibration_end": {"en": "End of calibration", "zh": "校准期结束"},
        "clvplot_weeks": {"en": "Weeks since the first day of the log", "zh": "距数据首日的周数"},
        "clvplot_days": {"en": "Days since the first day of the log", "zh": "距数据首日的天数"},
        "clvplot_recency": {"en": "Recency (time of last purchase)", "zh": "最近购买时点"},
        "clvplot_frequency": {"en": "Frequency (repeat purchases)", "zh": "频次（重复购买次数）"},
        "clvplot_model_name": {"en": "Model", "zh": "模型"},
        "clvplot_parameter": {"en": "Parameter", "zh": "参数"},
        "clvplot_published": {"en": "Published", "zh": "文献值"},
        "clvplot_log_likelihood": {"en": "Log-likelihood", "zh": "对数似然"},
        "clvplot_alive_title": {"en": "P(alive) of customers aged T = {T:.1f}", "zh": "客户年龄 T = {T:.1f} 时的存活概率"},
    }
)


register(
    {
        # lecture 08's printed sentences: "en" is the text the lecture printed before it had a Chinese edition
        "clvplot_rows_cleaned": {"en": "{rows_in:,} rows in, {rows_out:,} kept after cleaning:",
                                 "zh": "读入 {rows_in:,} 行，清洗后保留 {rows_out:,} 行："},
        "clvplot_customers_summary": {
            "en": "{customers:,} customers, {repeat:,} with repeat purchases; calibration to {calibration_end:%Y-%m-%d}, "
                  "holdout {holdout_weeks:.1f} weeks to {observation_end:%Y-%m-%d}",
            "zh": "{customers:,} 位客户，其中 {repeat:,} 位有重复购买；校准期截至 {calibration_end:%Y-%m-%d}，"
                  "验证期 {holdout_weeks:.1f} 周，截至 {observation_end:%Y-%m-%d}"},
        "clvplot_late_joiners": {
            "en": "left out of the fit and of the CLV table (valued as of {calibration_end:%Y-%m-%d}): {late:,} late "
                  "joiners, customers whose first purchase is after the calibration end ({purchases:,} purchases, "
                  "{revenue:,.2f} in revenue)",
            "zh": "未纳入模型拟合和客户终身价值表（估值时点为 {calibration_end:%Y-%m-%d}）的晚加入客户：{late:,} 位，"
                  "即首次购买在校准期结束之后的客户（共 {purchases:,} 笔购买，收入 {revenue:,.2f}）"},
        "clvplot_tracking_end": {
            "en": "cumulative repeat purchases at the end: actual {actual:,.0f}, BG/NBD {expected:,.0f} ({change:+.1f}%)",
            "zh": "观察期末的累计重复购买次数：实际 {actual:,.0f}，BG/NBD 预期 {expected:,.0f}（相差 {change:+.1f}%）"},
        "clvplot_horizon_value": {
            "en": "value of the next {weeks} weeks: {total:,.0f} in total, {mean:.2f} per customer",
            "zh": "未来 {weeks} 周的价值：合计 {total:,.0f}，平均每位客户 {mean:.2f}"},
        "clvplot_full_clv": {
            "en": "full discounted CLV: {total:,.0f} in total, {mean:.2f} per customer ({ratio:.1f} times the next "
                  "{weeks} weeks); the top 10% of customers hold {top:.0f}% of it",
            "zh": "完整的折现客户终身价值：合计 {total:,.0f}，平均每位客户 {mean:.2f}（是未来 {weeks} 周价值的 "
                  "{ratio:.1f} 倍）；价值最高的 10% 客户占其中的 {top:.0f}%"},
        "clvplot_bgbb_expected": {
            "en": "expected donations of the {donors:,} donors in the next {future} appeals: {expected:,.0f}; "
                  "expected share still alive: {alive:.1%}",
            "zh": "{donors:,} 位捐赠者在接下来 {future} 次募捐中的预期捐赠次数：{expected:,.0f}；"
                  "预期仍然“存活”（还会响应募捐）的比例：{alive:.1%}"},
        "clvplot_bgbb_holdout": {
            "en": "fitted on {fit:,} donors, checked on {held:,}: chi-square {chi_square:.1f} on {dof} degrees of "
                  "freedom (p = {p_value:.2f})",
            "zh": "在 {fit:,} 位捐赠者上拟合，在另外 {held:,} 位上检验：卡方值 {chi_square:.1f}，自由度 {dof}"
                  "（p = {p_value:.2f}）"},
        # a flagged sBG fit of the fit-length table (describe_sbg_fit); the reasons are built from the fit's numbers
        "clvplot_sbg_flagged": {"en": "{cohort}, {years} years: alpha = {alpha:,.0f}, beta = {beta:,.0f} -> at the boundary",
                                "zh": "{cohort}，用 {years} 年数据拟合：α = {alpha:,.0f}，β = {beta:,.0f} → 触及参数空间的边界"},
        "clvplot_sbg_warnings": {"en": "   warnings: {warnings}; the model's own diagnosis: {diagnosis}",
                                 "zh": "   警告：{warnings}；模型自己的诊断：{diagnosis}"},
        "clvplot_sbg_diagnosis": {"en": "   the model's diagnosis ({warning}): {reason}",
                                  "zh": "   模型的诊断（{warning}）：{reason}"},
        "clvplot_sbg_check": {"en": "   no model warning; this table's own check: {reason}",
                              "zh": "   模型没有发出警告；本表自己的检查：{reason}"},
        "clvplot_sbg_other_warnings": {"en": "   other warnings: {warnings}", "zh": "   其他警告：{warnings}"},
        "clvplot_sbg_too_few": {
            "en": "too few periods to separate heterogeneity: the observed retention rates ({rates}) do not rise with "
                  "tenure, as they would if customers' churn probabilities differed, so the fit ran to the boundary "
                  "where every customer churns with the same probability ({churn:.1%} churn per period); the "
                  "projection keeps retention constant at {retention:.1%} and understates survival if retention "
                  "rises later",
            "zh": "期数太少，分不出客户之间的差异。观测到的保留率（{rates}）没有随客龄上升——如果各位客户的流失概率"
                  "不同，保留率本应逐年上升——所以拟合跑到了边界：每位客户都以同一概率流失（每期流失率 {churn:.1%}）。"
                  "外推因此把保留率固定在 {retention:.1%}；如果以后保留率上升，就会低估仍在的客户数"},
        "clvplot_sbg_too_few_rising": {
            "en": "too few periods to separate heterogeneity: the observed retention rates ({rates}) rise too little "
                  "to tell heterogeneity from chance, so the fit ran to the boundary where every customer churns "
                  "with the same probability ({churn:.1%} churn per period); the projection keeps retention "
                  "constant at {retention:.1%} and understates survival if retention rises later",
            "zh": "期数太少，分不出客户之间的差异。观测到的保留率（{rates}）上升得太少，无法把客户之间的差异与偶然"
                  "波动区分开，所以拟合跑到了边界：每位客户都以同一概率流失（每期流失率 {churn:.1%}）。"
                  "外推因此把保留率固定在 {retention:.1%}；如果以后保留率上升，就会低估仍在的客户数"},
        "clvplot_sbg_no_churn": {
            "en": "almost no customer churned, so the churn probability ran to 0 (alpha = {alpha:.3g}, beta = {beta:.3g})",
            "zh": "几乎没有客户流失，流失概率被估计为趋近 0（α = {alpha:.3g}，β = {beta:.3g}）"},
        "clvplot_sbg_edge": {
            "en": "the estimate ran to the edge of the search range ({names}): the likelihood keeps rising towards a boundary",
            "zh": "估计值跑到了搜索范围的边缘（{names}）：似然函数朝着边界一直上升，这个估计不能当作结果"},
        "clvplot_sbg_collapsed": {
            "en": "alpha + beta = {total:,.0f} is above {limit:,.0f}: the beta distribution has collapsed to almost "
                  "one churn probability ({churn:.1%} per period), i.e. almost no heterogeneity is left",
            "zh": "α + β = {total:,.0f}，超过 {limit:,.0f}：贝塔分布几乎塌缩成单一的流失概率（每期 {churn:.1%}），"
                  "客户之间几乎没有差异可言"},
        "clvplot_sbg_refused": {"en": "the model refused the fit ({error}): {reason}",
                                "zh": "模型拒绝拟合（{error}）：{reason}"},
        "clvplot_sbg_refused_no_churn": {
            "en": "no customer churned in the {n} observed period(s): churn and how it differs cannot be estimated",
            "zh": "观测的 {n} 期内没有客户流失，既估计不了流失概率，也估计不了它在客户之间的差异；需要观察更久"},
        "clvplot_sbg_refused_one_period": {
            "en": "one observed period gives the share who churned ({churn:.1%}) but not how churn differs",
            "zh": "只有一期数据：它给出第 1 期流失的比例（{churn:.1%}），却说明不了流失概率在客户之间有多大差异；"
                  "至少需要 2 期（最好 3 期以上）"},
        "clvplot_sbg_refused_other": {
            "en": "the observed retention rates ({rates}) hold no estimate of churn and how it differs",
            "zh": "观测到的保留率（{rates}）既估计不了流失概率，也估计不了它在客户之间的差异"},
        # the models' other warnings, by key: the optimiser's own (English) message stays in the warnings column
        "clvplot_warn_not_converged": {
            "en": "the optimiser stopped without converging after {iterations} iterations (largest gradient {gradient})",
            "zh": "优化器迭代 {iterations} 次后停止，没有收敛（梯度最大值 {gradient}）"},
        "clvplot_warn_not_converged_edge": {
            "en": "the optimiser stopped without converging after {iterations} iterations (largest gradient "
                  "{gradient}), with a parameter at the edge of the search range: the optimum may not exist",
            "zh": "优化器迭代 {iterations} 次后停止，没有收敛（梯度最大值 {gradient}），且有参数到了搜索范围的边缘："
                  "最优解可能不存在"},
        "clvplot_warn_no_standard_errors": {
            "en": "the log-likelihood is not curved at the estimate (Hessian not positive definite): no standard errors",
            "zh": "对数似然在估计值处不是向下弯曲的（黑塞矩阵不正定）：没有标准误"},
        "clvplot_warn_other": {"en": "a {category} (its text is in the table's warnings column)",
                               "zh": "一条 {category}（原文见表格的 warnings 列）"},
        "clvplot_widget_fit_years": {"en": "fit years", "zh": "拟合年数"},
        # values of this module's tables as the lecture shows them (shown_table)
        "clvplot_yes": {"en": "True", "zh": "是"},
        "clvplot_no": {"en": "False", "zh": "否"},
    }
)

# headers and parameter symbols of this module's tables as the lecture shows them (shown_table): English
# keeps the raw name
register(identifier_terms("clvplot_sym_", {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "LL": "对数似然"}))
register(identifier_terms("clvplot_hdr_", {
    "cohort": "客户群",
    "fit_periods": "拟合年数",
    "projected_last": "末年外推人数",
    "actual_last": "末年实际人数",
    "error_share": "外推相对误差",
    "boundary": "触及边界",
    "periods": "募捐次数",
    "donors": "捐赠者人数",
    "actual": "实际值",
    "expected": "预期值",
    "predicted": "预测值",
    "frequency": "频次",
}))


# ---------------------------------------------------------------------------------------------
# sBG: fit on the first periods, project the rest
# ---------------------------------------------------------------------------------------------

def sbg_projection(survivors: Sequence[float] | np.ndarray | pd.Series, fit_periods: int = 7,
                   periods: int | None = None) -> tuple[ShiftedBetaGeo, pd.DataFrame]:
    """Fit the sBG to periods 0..``fit_periods`` of a survival series and project to ``periods``.

    Parameters
    ----------
    survivors
        Customers still active at period 0 (the cohort size), 1, 2, ...
    fit_periods
        Last period used in the fit, from 1 to the last observed period.
    periods
        Last period of the projection; default the last observed period.

    Returns
    -------
    model : ShiftedBetaGeo
        Fitted on periods 0..``fit_periods``.
    table : pandas.DataFrame
        Index ``period`` 0..``periods``; columns ``actual`` (NaN beyond the data), ``projected``
        (cohort size x S(t)) and ``in_fit`` (bool).

    Examples
    --------
    >>> model, table = sbg_projection([1000, 869, 743, 653, 593, 551, 517, 491], fit_periods=7)
    >>> model.params_.round(3).tolist()
    [0.668, 3.806]
    """
    values = np.asarray(survivors, dtype=np.float64).reshape(-1)
    if int(fit_periods) != fit_periods or not 1 <= fit_periods <= values.size - 1:
        raise ValueError(f"fit_periods must be a whole number from 1 to {values.size - 1}, got {fit_periods!r}")
    fit_periods = int(fit_periods)
    last = values.size - 1 if periods is None else int(periods)
    if last < fit_periods:
        raise ValueError(f"periods ({last}) must be at least fit_periods ({fit_periods})")
    model = ShiftedBetaGeo().fit(values[: fit_periods + 1])
    t = np.arange(last + 1)
    actual = np.full(last + 1, np.nan)
    n = min(values.size, last + 1)
    actual[:n] = values[:n]
    table = pd.DataFrame({"actual": actual, "projected": values[0] * model.survival_function(t),
                          "in_fit": t <= fit_periods}, index=pd.Index(t, name="period"))
    return model, table


#: alpha + beta above this: the beta mixing distribution has collapsed to (almost) one churn rate.
SBG_BOUNDARY = 1_000.0


def sbg_fit_lengths(survivors: Sequence[float] | np.ndarray | pd.Series,
                    fit_periods: Sequence[int] = (2, 3, 4, 5, 7)) -> pd.DataFrame:
    """How much data the sBG needs: one fit per number of periods, and what each projects for the last period.

    Every fit is run with warnings recorded, not shown: a fit that runs to the boundary of the
    parameter space (alpha and beta without limit, i.e. no heterogeneity left) is a lesson, not a
    crash. The table keeps the warnings' text, the model's own ``degenerate_`` explanation when it
    has one, and a check of its own: ``boundary`` is True when alpha + beta > :data:`SBG_BOUNDARY`.

    Returns
    -------
    pandas.DataFrame
        Index ``fit_periods``; columns ``alpha``, ``beta``, ``projected_last`` (survivors the fit
        projects for the last observed period), ``actual_last``, ``error_share``
        (projected / actual − 1), ``boundary``, ``warnings`` (texts joined by " | ", "" if none)
        and ``degenerate`` (the model's ``degenerate_``; missing -- None or NaN -- when it has none:
        test a row with :func:`sbg_fit_flagged`).

    Examples
    --------
    >>> high_end = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
    >>> table = sbg_fit_lengths(high_end, (2, 7))
    >>> table["boundary"].tolist(), round(float(table.loc[7, "projected_last"]))  # 2 years: no heterogeneity left
    ([True, False], 378)
    """
    values = np.asarray(survivors, dtype=np.float64).reshape(-1)
    rows = {}
    for k in fit_periods:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                model, table = sbg_projection(values, fit_periods=int(k))
            except ValueError as error:  # a model that refuses a degenerate fit (DegenerateFitError) is a row too
                if type(error).__name__ != "DegenerateFitError":
                    raise
                rows[int(k)] = {"alpha": np.nan, "beta": np.nan, "projected_last": np.nan,
                                "actual_last": float(values[-1]), "error_share": np.nan, "boundary": True,
                                "warnings": f"{type(error).__name__}: {error}", "degenerate": str(error)}
                continue
        alpha, beta = (float(v) for v in model.params_[["alpha", "beta"]])
        projected = float(table["projected"].iloc[-1])
        rows[int(k)] = {
            "alpha": alpha, "beta": beta, "projected_last": projected, "actual_last": float(values[-1]),
            "error_share": projected / float(values[-1]) - 1,
            "boundary": bool(alpha + beta > SBG_BOUNDARY),
            "warnings": " | ".join(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught)),
            "degenerate": getattr(model, "degenerate_", None),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "fit_periods"
    return out


def sbg_fit_flagged(row: pd.Series) -> bool:
    """True for a row of :func:`sbg_fit_lengths` that is at the boundary, warned, or diagnosed degenerate.

    A missing diagnosis may come back as NaN (pandas' string columns), which is not a diagnosis.

    Examples
    --------
    >>> sbg_fit_flagged(pd.Series({"boundary": False, "warnings": "", "degenerate": float("nan")}))
    False
    """
    degenerate = row.get("degenerate")
    return bool(row["boundary"]) or bool(row["warnings"]) or (isinstance(degenerate, str) and bool(degenerate))


def _sbg_reason(alpha: float, beta: float, values: np.ndarray, lang: str) -> str:
    """Why an sBG fit on ``values`` (survivors of the fit periods) is degenerate, from its numbers, in ``lang``."""
    from crmlab.models.base import DEGENERATE_LARGE

    churn = alpha / (alpha + beta)
    if alpha + beta > DEGENERATE_LARGE:
        retention = values[1:] / values[:-1]
        rates = ("、" if lang == "zh" else ", ").join(f"{rate:.1%}" for rate in retention)
        rising = retention.size > 1 and bool(np.all(np.diff(retention) > 0))
        key = "clvplot_sbg_too_few_rising" if rising else "clvplot_sbg_too_few"
        return label(key, lang).format(rates=rates, churn=churn, retention=1 - churn)
    if churn < 1 / DEGENERATE_LARGE:
        return label("clvplot_sbg_no_churn", lang).format(alpha=alpha, beta=beta)
    at_edge = [(name, value) for name, value in (("alpha", alpha), ("beta", beta)) if abs(np.log(value)) > 30.0 - 1e-4]
    if at_edge:
        sep = "，" if lang == "zh" else ", "
        names = sep.join(f"{label('clvplot_sym_' + name, lang)} = {value:.3g}" for name, value in at_edge)
        return label("clvplot_sbg_edge", lang).format(names=names)
    return label("clvplot_sbg_collapsed", lang).format(total=alpha + beta, limit=SBG_BOUNDARY, churn=churn)


_NOT_CONVERGED = re.compile(r"the fit did not converge \((?P<optimizer>.*); largest gradient of -LL/n (?P<gradient>\S+) "
                            r"after (?P<iterations>\d+) iterations\)")


def _warning_text(recorded: str, lang: str) -> str:
    """A warning recorded by :func:`sbg_fit_lengths` (``"Category: message"``) as a sentence in ``lang``, by key.

    The models' convergence warnings are recognised and told from their numbers; the optimiser's own
    message (scipy's, in English) is not repeated. Another warning is named by its category.

    >>> _warning_text("ConvergenceWarning: sBG: the fit did not converge (ABNORMAL: ; largest gradient of "
    ...               "-LL/n 4.60e-05 after 27 iterations). Try other initial_params or a larger max_iter.", "zh")
    '优化器迭代 27 次后停止，没有收敛（梯度最大值 4.60e-05）'
    """
    category = recorded.split(":", 1)[0]
    found = _NOT_CONVERGED.search(recorded)
    if category == "ConvergenceWarning" and found:
        key = ("clvplot_warn_not_converged_edge" if "edge of the search range" in found["optimizer"]
               else "clvplot_warn_not_converged")
        return label(key, lang).format(iterations=int(found["iterations"]), gradient=found["gradient"])
    if category == "ConvergenceWarning" and "Hessian" in recorded and "not positive definite" in recorded:
        return label("clvplot_warn_no_standard_errors", lang)
    return label("clvplot_warn_other", lang).format(category=category)


def describe_sbg_fit(row: pd.Series, cohort: str, fit_periods: int,
                     survivors: Sequence[float] | np.ndarray | pd.Series, lang: str = "en") -> str:
    """The lines lecture 08 prints for a flagged fit of :func:`sbg_fit_lengths` (see :func:`sbg_fit_flagged`).

    In English: the fit's parameters, then the warnings and the model's own diagnosis as recorded.
    In Chinese: the same parameters, then the reason in Chinese, rebuilt from the fit's numbers
    (alpha, beta and the retention rates of the ``fit_periods`` periods of ``survivors``); the other
    warnings (the optimiser's) are told by key from their numbers, never quoted in English.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     table = sbg_fit_lengths([1000, 869, 743, 653], (2,))
    >>> print(describe_sbg_fit(table.loc[2], "high_end", 2, [1000, 869, 743, 653], "zh").splitlines()[0])
    高端用户，用 2 年数据拟合：α = 329,396，β = 2,066,134 → 触及参数空间的边界
    >>> "86.9%、85.5%" in describe_sbg_fit(table.loc[2], "high_end", 2, [1000, 869, 743, 653], "zh")
    True
    """
    check_lang(lang)
    alpha, beta = float(row["alpha"]), float(row["beta"])
    warned = str(row["warnings"]) if isinstance(row["warnings"], str) else ""
    if lang == "en":  # the lines as the lecture has always printed them
        return "\n".join([label("clvplot_sbg_flagged", lang).format(cohort=cohort, years=fit_periods, alpha=alpha, beta=beta),
                          label("clvplot_sbg_warnings", lang).format(warnings=warned or "none",
                                                                     diagnosis=row["degenerate"])])
    cohort_text = label("cohort_" + cohort, lang) if "cohort_" + cohort in terms() else cohort
    lines = [label("clvplot_sbg_flagged", lang).format(cohort=cohort_text, years=fit_periods, alpha=alpha, beta=beta)]
    values = np.asarray(survivors, dtype=np.float64).reshape(-1)[: int(fit_periods) + 1]
    recorded = [w for w in warned.split(" | ") if w]
    model_warning = [w for w in recorded if w.startswith(("DegenerateFitWarning:", "DegenerateFitError:"))]
    others = [w for w in recorded if w not in model_warning]
    degenerate = row.get("degenerate")
    if np.isnan(alpha) or np.isnan(beta):  # the model refused the fit (DegenerateFitError)
        lost = -np.diff(values)
        reason = (label("clvplot_sbg_refused_no_churn", lang).format(n=values.size - 1) if not np.any(lost > 0)
                  else label("clvplot_sbg_refused_one_period", lang).format(churn=lost[0] / values[0])
                  if values.size == 2 else label("clvplot_sbg_refused_other", lang).format(
                      rates="、".join(f"{rate:.1%}" for rate in values[1:] / values[:-1])))
        lines.append("   " + label("clvplot_sbg_refused", lang).format(error="DegenerateFitError", reason=reason))
    elif model_warning or (isinstance(degenerate, str) and degenerate):
        lines.append(label("clvplot_sbg_diagnosis", lang).format(warning="DegenerateFitWarning",
                                                                 reason=_sbg_reason(alpha, beta, values, lang)))
    elif bool(row["boundary"]):
        lines.append(label("clvplot_sbg_check", lang).format(reason=_sbg_reason(alpha, beta, values, lang)))
    if others:
        lines.append(label("clvplot_sbg_other_warnings", lang).format(
            warnings=("；" if lang == "zh" else "; ").join(_warning_text(warning, lang) for warning in others)))
    return "\n".join(lines)


def shown_table(frame: pd.DataFrame, lang: str = "en", symbol_columns: Sequence[str] = (),
                symbol_index: bool = False) -> pd.DataFrame:
    """A table of lecture 08 as the reader sees it in ``lang``; in English the frame is returned unchanged.

    Kept for old callers: it is :func:`crmlab.lang.localize` with ``prefixes=SHOWN_PREFIXES``
    (lecture 08 calls ``localize`` itself).

    In Chinese: this module's raw headers and index names (``projected_last``, ``donors``,
    ``fit_periods`` ...) in Chinese, True/False as 是/否, and the parameter names alpha, beta, gamma,
    delta and LL as α, β, γ, δ and 对数似然 -- in the headers, and in the values of ``symbol_columns``
    and (``symbol_index``) of the index. Numbers are not touched.

    Examples
    --------
    >>> t = pd.DataFrame({"alpha": [0.7], "boundary": [True]}, index=pd.Index([2], name="fit_periods"))
    >>> shown = shown_table(t, "zh")
    >>> shown.columns.tolist(), shown.index.name, shown.iloc[0, 1]
    (['α', '触及边界'], '拟合年数', '是')
    >>> shown_table(t, "en").equals(t)
    True
    """
    return localize(frame, lang, symbol_columns, prefixes=SHOWN_PREFIXES, index=symbol_index,
                    booleans=None if lang == "en" else ("clvplot_yes", "clvplot_no"))


def bgbb_pattern_table(model, patterns: pd.DataFrame, future: int = 5) -> pd.DataFrame:
    """BG/BB read per (frequency, recency) pattern: P(alive) and expected donations in the next ``future`` opportunities.

    ``patterns`` has the model's columns (``frequency``, ``recency``, ``periods``) and may carry a
    count column; the output adds ``probability_alive`` and ``expected_next`` and keeps the rest.

    Examples
    --------
    >>> from crmlab.models import BetaGeoBetaBinom
    >>> m = BetaGeoBetaBinom().use_estimates(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    >>> t = bgbb_pattern_table(m, pd.DataFrame({"frequency": [6, 1], "recency": [6, 1], "periods": [6, 6]}))
    >>> bool(t["probability_alive"].iloc[0] > t["probability_alive"].iloc[1]), bool(t["expected_next"].iloc[0] > 3 * t["expected_next"].iloc[1])
    (True, True)
    """
    if int(future) != future or future < 1:
        raise ValueError(f"future must be a whole number of opportunities >= 1, got {future!r}")
    out = patterns.copy()
    out["probability_alive"] = np.asarray(model.probability_alive(patterns), dtype=float)
    out["expected_next"] = np.asarray(model.expected_purchases(patterns, int(future)), dtype=float)
    return out


def bgbb_donor_holdout(patterns: pd.DataFrame, weights_col: str = "donors", share: float = 0.5,
                       seed: int = 0) -> tuple[object, pd.DataFrame]:
    """Fit the BG/BB on a random part of the donors and check it on the others (a holdout of donors).

    The donations data hold each donor's pattern over the same six opportunities and no later
    years, so the holdout here is of *people*, not of time: the donors are split at random
    (``share`` to the fit, seeded), the model is fitted on one part, and for the held-out donors
    the number who gave 0, 1, ..., n times is compared with what the fitted model expects for
    that many new donors (``BetaGeoBetaBinom.probability_of_purchases``).

    Returns
    -------
    model
        The BG/BB fitted on the fitting part.
    pandas.DataFrame
        Index ``frequency`` 0..n; columns ``actual`` (held-out donors) and ``expected``, with
        ``attrs`` ``fit_donors``, ``holdout_donors``, ``chi_square`` (sum of (a−e)²/e) and its
        ``p_value`` (n degrees of freedom: nothing was fitted on the held-out donors).

    Examples
    --------
    >>> from crmlab.datasets import load_donations
    >>> model, table = bgbb_donor_holdout(load_donations(), seed=1)
    >>> int(table["actual"].sum()) == table.attrs["holdout_donors"], bool(abs(table["expected"].sum() - table["actual"].sum()) < 1e-6)
    (True, True)
    """
    from crmlab.models import BetaGeoBetaBinom

    if weights_col not in patterns.columns:
        raise KeyError(f"the pattern table lacks the count column {weights_col!r}; it has {list(patterns.columns)}")
    if not 0 < share < 1:
        raise ValueError(f"share must be between 0 and 1, got {share!r}")
    counts = patterns[weights_col].to_numpy(dtype=float)
    bad = int(((counts < 0) | (counts != np.round(counts))).sum())
    if bad:
        raise ValueError(f"column {weights_col!r} must hold whole counts >= 0; {bad} row(s) do not")
    periods = patterns["periods"].unique()
    if len(periods) != 1:
        raise ValueError(f"the donor holdout needs one number of opportunities for everybody; 'periods' has {sorted(periods)}")
    counts = counts.astype(np.int64)
    rng = np.random.default_rng(seed)
    total = int(counts.sum())
    rows = np.repeat(np.arange(len(patterns)), counts)  # one entry per donor, split donor by donor
    chosen = rng.permutation(total) < int(round(share * total))
    fit_counts = np.bincount(rows[chosen], minlength=len(patterns))
    held_counts = counts - fit_counts
    fit_part = patterns.assign(**{weights_col: fit_counts})
    model = BetaGeoBetaBinom().fit(fit_part[fit_part[weights_col] > 0], weights=weights_col)
    n = int(periods[0])
    actual = pd.Series(held_counts, index=patterns["frequency"].to_numpy()).groupby(level=0).sum()
    actual = actual.reindex(range(n + 1), fill_value=0)
    expected = np.asarray(model.probability_of_purchases(np.arange(n + 1), n), dtype=float) * held_counts.sum()
    table = pd.DataFrame({"actual": actual.to_numpy(dtype=float), "expected": expected},
                         index=pd.Index(range(n + 1), name="frequency"))
    from scipy.stats import chi2

    chi_square = float(((table["actual"] - table["expected"]) ** 2 / table["expected"]).sum())
    table.attrs.update(fit_donors=int(fit_counts.sum()), holdout_donors=int(held_counts.sum()), chi_square=chi_square,
                       p_value=float(chi2.sf(chi_square, n)))  # n + 1 cells - 1; no parameter fitted on these donors
    return model, table


@functools.lru_cache(maxsize=64)
def _projection_table(survivors: tuple[float, ...], fit_periods: int) -> pd.DataFrame:
    """The table of :func:`sbg_projection`, fitted once per input (only read by the plot)."""
    return sbg_projection(survivors, fit_periods)[1]


def plot_sbg_projection(survivors: Sequence[float] | np.ndarray | pd.Series, fit_periods: int = 7,
                        lang: str = "en", ax: "Axes | None" = None, title: str | None = None,
                        period_label: str | None = None) -> "Axes":
    """Draw actual survivors (dots) and the sBG projection (line), the fit period shaded.

    The fit of each (survivors, ``fit_periods``) is remembered, so that a widget moving back and
    forth between fit periods does not refit the model.
    """
    import matplotlib.pyplot as plt

    check_lang(lang)
    table = _projection_table(tuple(np.asarray(survivors, dtype=np.float64).reshape(-1).tolist()), fit_periods)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    ax.axvspan(0, fit_periods, color="grey", alpha=0.12, label=label("clvplot_fit_period", lang))
    ax.plot(table.index, table["projected"], lw=2, color="C0", label=label("clvplot_projected", lang))
    ax.plot(table.index, table["actual"], "o", color="C3", label=label("clvplot_actual", lang))
    ax.set_xlabel(period_label or label("clvplot_period", lang))
    ax.set_ylabel(label("clvplot_surviving", lang))
    ax.set_ylim(0, None)
    ax.set_title(title or label("clvplot_sbg_title", lang).format(n=fit_periods))
    ax.legend(loc="upper right")
    return ax


# ---------------------------------------------------------------------------------------------
# calibration vs holdout
# ---------------------------------------------------------------------------------------------

def _column(model, name: str) -> str:
    return (getattr(model, "columns", None) or {}).get(name, name)


def calibration_holdout_table(model, data: pd.DataFrame, max_frequency: int = 7,
                              holdout_col: str = "frequency_holdout",
                              duration_col: str = "duration_holdout") -> pd.DataFrame:
    """Mean holdout purchases by calibration frequency, actual and predicted.

    Customers with ``max_frequency`` or more calibration repeat purchases share the last row.
    The prediction of each customer is ``model.expected_purchases(data, duration)``.

    Parameters
    ----------
    model
        Fitted BG/NBD or Pareto/NBD (its ``columns`` name the calibration columns).
    data
        Customer table from :func:`crmlab.rfm.summarize` with ``calibration_end``.
    max_frequency
        Calibration frequency from which customers are pooled.
    holdout_col, duration_col
        Columns with the holdout purchases and the holdout length (model time unit).

    Returns
    -------
    pandas.DataFrame
        Index ``frequency`` (0..max_frequency, the last meaning "or more"); columns
        ``customers``, ``actual`` and ``predicted`` (means per customer).
    """
    if int(max_frequency) != max_frequency or max_frequency < 1:
        raise ValueError(f"max_frequency must be a whole number >= 1, got {max_frequency!r}")
    for column in (_column(model, "frequency"), holdout_col, duration_col):
        if column not in data.columns:
            raise ValueError(f"calibration_holdout_table: missing column {column!r}")
    duration = data[duration_col].to_numpy(dtype=np.float64)
    t = duration[0] if np.all(duration == duration[0]) else duration
    predicted = np.asarray(model.expected_purchases(data, t), dtype=np.float64)
    group = np.minimum(data[_column(model, "frequency")].to_numpy(), max_frequency).astype(int)
    frame = pd.DataFrame({"frequency": group, "actual": data[holdout_col].to_numpy(dtype=np.float64),
                          "predicted": predicted})
    table = frame.groupby("frequency").agg(customers=("actual", "size"), actual=("actual", "mean"),
                                           predicted=("predicted", "mean"))
    return table.reindex(range(int(max_frequency) + 1)).dropna(how="all").astype({"customers": int})


def plot_calibration_holdout(table: pd.DataFrame, lang: str = "en", ax: "Axes | None" = None) -> "Axes":
    """Draw :func:`calibration_holdout_table`: actual and predicted means by calibration frequency."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    x = table.index.to_numpy()
    ax.plot(x, table["actual"], "o-", color="C3", label=label("clvplot_actual", lang))
    ax.plot(x, table["predicted"], "s--", color="C0", label=label("clvplot_model", lang))
    ticks = [str(v) for v in x]
    ticks[-1] = f"{x[-1]}+"
    ax.set_xticks(x, ticks)
    ax.set_xlabel(label("clvplot_cal_frequency", lang))
    ax.set_ylabel(label("clvplot_mean_holdout", lang))
    ax.set_title(label("clvplot_cal_holdout_title", lang))
    ax.legend(loc="upper left")
    return ax


# ---------------------------------------------------------------------------------------------
# cumulative tracking
# ---------------------------------------------------------------------------------------------

def tracking_table(model, log: pd.DataFrame, customer_col: str, date_col: str,
                   observation_end=None, calibration_end=None, time_unit: str = "W") -> pd.DataFrame:
    """Cumulative repeat purchases of a cohort, actual and expected, at the end of each period.

    Time runs from the first day of the log. A customer whose first purchase is ``s_i``
    time units after it is, at time ``t``, a customer of age ``t - s_i``; the model expects
    ``E[X(t - s_i)]`` repeat purchases of them (``expected_purchases_new_customer``), and the
    expected curve is the sum of these over the customers. The actual curve counts repeat
    purchase days (same-day purchases merged, the first day left out, as in
    :func:`crmlab.rfm.summarize`) up to ``t``. With ``calibration_end``, only customers whose
    first purchase is on or before it are counted (those the model was fitted on).

    Parameters
    ----------
    model
        Fitted BG/NBD or Pareto/NBD (anything with ``expected_purchases_new_customer(t)``).
    log
        Transaction log, checked with :func:`crmlab.transactions.validate`.
    customer_col, date_col
        Its customer id and date columns.
    observation_end
        Last day (inclusive); default the last day of the log.
    calibration_end
        Optional end of the calibration period, to choose the cohort.
    time_unit
        ``"W"`` (weeks) or ``"D"`` (days), the model's time unit.

    Returns
    -------
    pandas.DataFrame
        Index ``t`` (periods since the first day: 1, 2, ... and the observation end);
        columns ``actual`` and ``expected`` (cumulative repeat purchases).
    """
    if time_unit not in TIME_UNIT_DAYS:
        raise ValueError(f"time_unit={time_unit!r} is not supported: use one of {sorted(TIME_UNIT_DAYS)}")
    unit = TIME_UNIT_DAYS[time_unit]
    clean = validate(log, customer_col, date_col, None, observation_end)
    days = clean[date_col].to_numpy().astype("datetime64[D]").astype(np.int64)
    start = int(days.min())
    end = int(days.max()) if observation_end is None else int(
        np.datetime64(pd.Timestamp(observation_end).date(), "D").astype(np.int64))
    codes, _ = pd.factorize(clean[customer_col])
    purchases = pd.DataFrame({"customer": codes, "day": days}).drop_duplicates()
    first = purchases.groupby("customer")["day"].transform("min").to_numpy()
    if calibration_end is not None:
        cal_day = int(np.datetime64(pd.Timestamp(calibration_end).date(), "D").astype(np.int64))
        if cal_day >= end:
            raise ValueError("calibration_end must be before the observation end")
        keep = first <= cal_day
        if not keep.any():
            raise TransactionLogError(f"column {date_col!r}: no customer bought on or before calibration_end")
        purchases, first = purchases[keep], first[keep]
    repeat_days = np.sort(purchases["day"].to_numpy()[purchases["day"].to_numpy() > first] - start)
    first_days = purchases.assign(first=first).groupby("customer")["first"].first().to_numpy() - start
    span = end - start
    step = int(unit)
    offsets = np.arange(step, span + 1, step)
    if offsets.size == 0 or offsets[-1] != span:
        offsets = np.append(offsets, span)
    actual = np.searchsorted(repeat_days, offsets, side="right").astype(np.float64)
    starts, counts = np.unique(first_days, return_counts=True)
    ages = np.clip(offsets[:, None] - starts[None, :], 0, None) / unit
    expected_each = np.asarray(model.expected_purchases_new_customer(ages.ravel()), dtype=np.float64).reshape(ages.shape)
    expected = expected_each @ counts.astype(np.float64)
    return pd.DataFrame({"actual": actual, "expected": expected}, index=pd.Index(offsets / unit, name="t"))


def plot_tracking(table: pd.DataFrame, calibration_end_t: float | None = None, lang: str = "en",
                  ax: "Axes | None" = None, time_unit: str = "W") -> "Axes":
    """Draw :func:`tracking_table`; a dotted line marks the end of calibration."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    ax.plot(table.index, table["actual"], color="C3", lw=2, label=label("clvplot_actual", lang))
    ax.plot(table.index, table["expected"], color="C0", lw=2, ls="--", label=label("clvplot_model", lang))
    if calibration_end_t is not None:
        ax.axvline(calibration_end_t, color="grey", ls=":", label=label("clvplot_calibration_end", lang))
    ax.set_xlabel(label("clvplot_weeks" if time_unit == "W" else "clvplot_days", lang))
    ax.set_ylabel(label("clvplot_cum_repeat", lang))
    ax.set_title(label("clvplot_tracking_title", lang))
    ax.legend(loc="upper left")
    return ax


def plot_worksheet(sheet: pd.DataFrame, lang: str = "en", ax: "Axes | None" = None) -> "Axes":
    """Bars of each period's discounted value and the line of their running total (the payback curve).

    ``sheet`` is :func:`crmlab.clv.customer_value_worksheet`'s table: period 0 (the acquisition cost)
    is drawn in red, the later periods in blue; a line at zero shows when the customer has paid back.

    Examples
    --------
    >>> from crmlab.clv import customer_value_worksheet
    >>> sheet = customer_value_worksheet(3, 0.1, acquisition_cost=150, retention_rate=0.8, base_profit=[100.0] * 3)
    >>> ax = plot_worksheet(sheet)
    >>> len(ax.patches), ax.get_legend() is not None
    (4, True)
    """
    import matplotlib.pyplot as plt

    from crmlab import clv  # noqa: F401  (registers the worksheet's terms)

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    ax.bar(sheet.index, sheet["discounted_value"], color=["C3"] + ["C0"] * (len(sheet) - 1),
           label=label("discounted_value", lang))
    ax.plot(sheet.index, sheet["cumulative_discounted_value"], color="C1", marker="o",
            label=label("cumulative_discounted_value", lang))
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_xlabel(label("period", lang))
    ax.set_ylabel(label("discounted_value", lang))
    ax.legend(fontsize="small")
    return ax


def plot_holdout_frequencies(table: pd.DataFrame, model_name: str = "BG/BB", lang: str = "en",
                             ax: "Axes | None" = None) -> "Axes":
    """Side-by-side bars of the actual and expected number of customers at each frequency.

    ``table`` has ``actual`` and ``expected`` columns indexed by frequency (e.g.
    :func:`bgbb_donor_holdout`'s table); ``model_name`` labels the expected bars.

    Examples
    --------
    >>> table = pd.DataFrame({"actual": [5.0, 3.0], "expected": [4.5, 3.5]}, index=pd.Index([0, 1], name="frequency"))
    >>> ax = plot_holdout_frequencies(table)
    >>> len(ax.patches), [t.get_text() for t in ax.get_legend().get_texts()]
    (4, ['Actual', 'BG/BB'])
    """
    import matplotlib.pyplot as plt

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    ax.bar(table.index - 0.2, table["actual"], width=0.4, label=label("clvplot_actual", lang), color="C0")
    ax.bar(table.index + 0.2, table["expected"], width=0.4, label=model_name, color="C1")
    ax.set_xlabel(label("frequency", lang))
    ax.set_ylabel(label("customers", lang))
    ax.legend(loc="upper center")
    return ax

# ---------------------------------------------------------------------------------------------
# P(alive) matrix
# ---------------------------------------------------------------------------------------------

def probability_alive_matrix(model, T: float, max_frequency: int = 20, recency_step: float = 1.0) -> pd.DataFrame:
    """P(alive) of a customer aged ``T`` for every frequency 0..max_frequency and recency 0..T.

    A customer without repeat purchases has recency 0 by definition, so the frequency-0 row
    holds that customer's P(alive) in every column.

    Parameters
    ----------
    model
        Fitted BG/NBD or Pareto/NBD.
    T
        Customer age (model time unit), e.g. the length of the calibration period.
    max_frequency
        Largest frequency in the grid.
    recency_step
        Spacing of the recency grid; the grid is 0, step, 2 step, ... up to T.

    Returns
    -------
    pandas.DataFrame
        Index ``frequency``, columns recency values, entries P(alive) in [0, 1].
    """
    if not (np.isfinite(T) and T > 0):
        raise ValueError(f"T must be positive, got {T!r}")
    if int(max_frequency) != max_frequency or max_frequency < 0:
        raise ValueError(f"max_frequency must be a whole number >= 0, got {max_frequency!r}")
    if not recency_step > 0:
        raise ValueError(f"recency_step must be positive, got {recency_step!r}")
    recency = np.arange(0.0, T + 1e-9, recency_step)
    frequency = np.arange(int(max_frequency) + 1, dtype=np.float64)
    f, r = np.meshgrid(frequency, recency, indexing="ij")
    r = np.where(f == 0, 0.0, r)
    grid = pd.DataFrame({_column(model, "frequency"): f.ravel(), _column(model, "recency"): r.ravel(),
                         _column(model, "T"): np.full(f.size, float(T))})
    alive = np.asarray(model.probability_alive(grid), dtype=np.float64).reshape(f.shape)
    matrix = pd.DataFrame(alive, index=pd.Index(frequency.astype(int), name="frequency"),
                          columns=pd.Index(np.round(recency, 6), name="recency"))
    matrix.attrs["T"] = float(T)
    return matrix


def plot_probability_alive_matrix(matrix: pd.DataFrame, T: float | None = None, lang: str = "en",
                                  ax: "Axes | None" = None) -> "Axes":
    """Heatmap of :func:`probability_alive_matrix`: frequency up, recency to the right."""
    import matplotlib.pyplot as plt

    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    recency = matrix.columns.to_numpy(dtype=np.float64)
    frequency = matrix.index.to_numpy()
    image = ax.imshow(matrix.to_numpy(), origin="lower", aspect="auto", cmap="RdYlGn", vmin=0, vmax=1,
                      extent=(recency[0], recency[-1], frequency[0] - 0.5, frequency[-1] + 0.5))
    ax.figure.colorbar(image, ax=ax, label=label("probability_alive", lang))
    ax.set_xlabel(label("clvplot_recency", lang))
    ax.set_ylabel(label("clvplot_frequency", lang))
    ax.grid(False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(label("clvplot_alive_title", lang).format(T=matrix.attrs.get("T", recency[-1]) if T is None else T))
    return ax
