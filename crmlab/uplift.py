"""A/B tests and uplift: what a campaign *changes*, not who would have bought anyway.

* :func:`two_proportion_ztest` — difference of two rates with a Wald 95% interval and the
  pooled two-proportion z-test.
* :func:`difference_in_means` — difference of two means (e.g. spend) with a Welch interval and test.
* :func:`ab_test` — both, for every outcome column of a randomised experiment table.
* :func:`uplift_by_segment` — treated rate, control rate and their difference (uplift, 增量响应)
  in each segment, with intervals; ranked by uplift and by treated response rate to show that
  the two rankings differ.

Examples
--------
>>> result = two_proportion_ztest(60, 1000, 40, 1000)
>>> round(result["difference"], 3), round(result["z"], 3)
(0.02, 2.052)
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy import stats

from ._table_checks import numeric_column, require_columns, require_complete, require_table
from .validation import ValidationError
from .lang import check_lang, label, register

__all__ = [
    "two_proportion_ztest",
    "difference_in_means",
    "treatment_mask",
    "ab_test",
    "uplift_by_segment",
    "merchandise_bought",
    "plot_uplift_by_segment",
]

_Z95 = float(stats.norm.ppf(0.975))


def two_proportion_ztest(successes_a: int, n_a: int, successes_b: int, n_b: int,
                         confidence: float = 0.95) -> dict[str, float]:
    """Rate of A minus rate of B, its Wald interval (unpooled), and the pooled z-test (two-sided).

    Returns
    -------
    dict
        ``rate_a``, ``rate_b``, ``difference``, ``ci_low``, ``ci_high``, ``z``, ``p_value``.
    """
    for name, value in {"successes_a": successes_a, "n_a": n_a, "successes_b": successes_b, "n_b": n_b}.items():
        if not float(value).is_integer() or value < 0:
            raise ValueError(f"{name} must be a whole number of at least 0, got {value}")
    if n_a == 0 or n_b == 0 or successes_a > n_a or successes_b > n_b:
        raise ValueError("each group needs at least one row and no more successes than rows")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence}")
    rate_a, rate_b = successes_a / n_a, successes_b / n_b
    difference = rate_a - rate_b
    se = np.sqrt(rate_a * (1 - rate_a) / n_a + rate_b * (1 - rate_b) / n_b)
    z_crit = float(stats.norm.ppf(0.5 + confidence / 2))
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se_pooled = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = difference / se_pooled if se_pooled > 0 else 0.0
    return {"rate_a": rate_a, "rate_b": rate_b, "difference": difference, "ci_low": difference - z_crit * se,
            "ci_high": difference + z_crit * se, "z": float(z), "p_value": float(2 * stats.norm.sf(abs(z)))}


def difference_in_means(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray,
                        confidence: float = 0.95) -> dict[str, float]:
    """Mean of A minus mean of B with a Welch (unequal variances) interval and t-test.

    Examples
    --------
    >>> round(difference_in_means([1, 2, 3, 4], [1, 1, 2, 2])["difference"], 2)
    1.0
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError("each group needs at least two values")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("the values must be finite numbers")
    var_a, var_b = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(var_a + var_b)
    difference = a.mean() - b.mean()
    if se == 0:
        return {"mean_a": a.mean(), "mean_b": b.mean(), "difference": difference, "ci_low": difference,
                "ci_high": difference, "t": 0.0, "p_value": 1.0}
    dof = (var_a + var_b) ** 2 / (var_a**2 / (len(a) - 1) + var_b**2 / (len(b) - 1))
    t_crit = float(stats.t.ppf(0.5 + confidence / 2, dof))
    t = difference / se
    return {"mean_a": float(a.mean()), "mean_b": float(b.mean()), "difference": float(difference),
            "ci_low": float(difference - t_crit * se), "ci_high": float(difference + t_crit * se),
            "t": float(t), "p_value": float(2 * stats.t.sf(abs(t), dof))}


def treatment_mask(table: pd.DataFrame, arm_col: str, treated: Sequence[str], control: str) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of the treated rows (arm in ``treated``) and control rows (arm == ``control``).

    Raises an error naming the arms that do not occur, and the column when it has missing values.
    """
    require_table(table, "experiment table")
    require_columns(table, [arm_col], "experiment table")
    require_complete(table, [arm_col], "experiment table")
    arms = table[arm_col].astype(str)
    present = set(arms.unique())
    absent = [arm for arm in [*treated, control] if arm not in present]
    if absent:
        raise ValidationError(f"column {arm_col!r} has no rows for arm(s) {absent}; it holds {sorted(present)}",
                              column=arm_col, rows=0, total=len(arms))
    if control in treated:
        raise ValueError(f"the control arm {control!r} cannot also be treated")
    return arms.isin(list(treated)).to_numpy(), (arms == control).to_numpy()


def _binary(table: pd.DataFrame, column: str) -> bool:
    values = numeric_column(table, column, non_negative=True)
    return bool(np.isin(values, [0.0, 1.0]).all())


def ab_test(table: pd.DataFrame, arm_col: str, outcome_cols: Sequence[str], treated: Sequence[str],
            control: str, confidence: float = 0.95) -> pd.DataFrame:
    """Treated minus control for each outcome: rates (0/1 outcomes, z-test) or means (Welch t-test).

    Returns
    -------
    pandas.DataFrame
        Index ``outcome``; columns ``treated``, ``control`` (rate or mean), ``difference``,
        ``ci_low``, ``ci_high``, ``statistic`` (z or t), ``p_value``, ``test`` ("z" or "welch_t"),
        ``n_treated``, ``n_control``.
    """
    is_treated, is_control = treatment_mask(table, arm_col, treated, control)
    require_columns(table, list(outcome_cols), "experiment table")
    rows = {}
    for column in outcome_cols:
        values = numeric_column(table, column, non_negative=True)
        if _binary(table, column):
            r = two_proportion_ztest(int(values[is_treated].sum()), int(is_treated.sum()),
                                     int(values[is_control].sum()), int(is_control.sum()), confidence)
            rows[column] = {"treated": r["rate_a"], "control": r["rate_b"], "difference": r["difference"],
                            "ci_low": r["ci_low"], "ci_high": r["ci_high"], "statistic": r["z"],
                            "p_value": r["p_value"], "test": "z"}
        else:
            r = difference_in_means(values[is_treated], values[is_control], confidence)
            rows[column] = {"treated": r["mean_a"], "control": r["mean_b"], "difference": r["difference"],
                            "ci_low": r["ci_low"], "ci_high": r["ci_high"], "statistic": r["t"],
                            "p_value": r["p_value"], "test": "welch_t"}
        rows[column].update(n_treated=int(is_treated.sum()), n_control=int(is_control.sum()))
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "outcome"
    return out


def uplift_by_segment(table: pd.DataFrame, arm_col: str, outcome_col: str, segment_col: str,
                      treated: Sequence[str], control: str, confidence: float = 0.95) -> pd.DataFrame:
    """Uplift (treated rate − control rate) of a 0/1 outcome in every segment.

    Returns
    -------
    pandas.DataFrame
        Index = the segments (in category order, or sorted); columns ``n_treated``, ``n_control``,
        ``treated_rate``, ``control_rate``, ``uplift``, ``ci_low``, ``ci_high``, ``p_value``,
        ``rank_by_response`` (1 = highest treated rate) and ``rank_by_uplift`` (1 = highest uplift).
    """
    is_treated, is_control = treatment_mask(table, arm_col, treated, control)
    require_columns(table, [outcome_col, segment_col], "experiment table")
    require_complete(table, [segment_col], "experiment table")
    values = numeric_column(table, outcome_col, non_negative=True)
    if not _binary(table, outcome_col):
        other = int((~np.isin(values, (0.0, 1.0))).sum())
        raise ValidationError(f"column {outcome_col!r} must hold 0/1 outcomes for an uplift by segment "
                              f"({other} row(s) do not)", column=outcome_col, rows=other, total=len(values))
    segments = table[segment_col]
    if isinstance(segments.dtype, pd.CategoricalDtype):
        levels = [level for level in segments.cat.categories if (segments == level).any()]
    else:
        levels = sorted(segments.unique())
    rows = {}
    for level in levels:
        in_segment = (segments == level).to_numpy()
        t, c = in_segment & is_treated, in_segment & is_control
        if t.sum() == 0 or c.sum() == 0:
            raise ValidationError(f"segment {level!r} of column {segment_col!r} has no treated or no control rows",
                                  column=segment_col, rows=0, total=int(in_segment.sum()))
        r = two_proportion_ztest(int(values[t].sum()), int(t.sum()), int(values[c].sum()), int(c.sum()), confidence)
        rows[level] = {"n_treated": int(t.sum()), "n_control": int(c.sum()), "treated_rate": r["rate_a"],
                       "control_rate": r["rate_b"], "uplift": r["difference"], "ci_low": r["ci_low"],
                       "ci_high": r["ci_high"], "p_value": r["p_value"]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = segment_col
    out["rank_by_response"] = out["treated_rate"].rank(ascending=False, method="min").astype(int)
    out["rank_by_uplift"] = out["uplift"].rank(ascending=False, method="min").astype(int)
    return out


def merchandise_bought(table: pd.DataFrame, mens_col: str = "mens", womens_col: str = "womens") -> pd.Series:
    """Which merchandise a customer bought last year, from two 0/1 columns (Hillstrom's ``mens``, ``womens``).

    Returns a category Series with levels ``mens_only``, ``womens_only``, ``both`` (no row has neither
    in Hillstrom; such rows are refused with their count).

    Examples
    --------
    >>> merchandise_bought(pd.DataFrame({"mens": [1, 0, 1], "womens": [0, 1, 1]})).tolist()
    ['mens_only', 'womens_only', 'both']
    """
    require_table(table)
    require_columns(table, [mens_col, womens_col])
    mens = numeric_column(table, mens_col, non_negative=True)
    womens = numeric_column(table, womens_col, non_negative=True)
    for column, values in ((mens_col, mens), (womens_col, womens)):
        bad = int((~np.isin(values, [0.0, 1.0])).sum())
        if bad:
            raise ValidationError(f"column {column!r} must hold 0/1; {bad} row(s) hold something else",
                                  column=column, rows=bad, total=len(values))
    neither = int(((mens == 0) & (womens == 0)).sum())
    if neither:
        raise ValueError(f"{neither} row(s) bought neither mens nor womens merchandise")
    kind = np.where((mens == 1) & (womens == 1), "both", np.where(mens == 1, "mens_only", "womens_only"))
    return pd.Series(pd.Categorical(kind, categories=["mens_only", "womens_only", "both"]), index=table.index,
                     name="merchandise")


def plot_uplift_by_segment(uplift: pd.DataFrame, lang: str = "en", ax: Axes | None = None,
                           names: Sequence[str] | None = None) -> Axes:
    """Treated and control rates (bars) and the uplift with its interval (points) per segment."""
    check_lang(lang)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 3.8))
    x = np.arange(len(uplift))
    ax.bar(x - 0.2, uplift["treated_rate"] * 100, width=0.4, color="C0", label=label("treated_rate", lang))
    ax.bar(x + 0.2, uplift["control_rate"] * 100, width=0.4, color="0.7", label=label("control_rate", lang))
    err = np.vstack([uplift["uplift"] - uplift["ci_low"], uplift["ci_high"] - uplift["uplift"]]) * 100
    ax.errorbar(x, uplift["uplift"] * 100, yerr=err, fmt="D", color="C3", capsize=4, label=label("uplift", lang))
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_xticks(x)
    texts = list(names) if names is not None else [str(i) for i in uplift.index]
    ax.set_xticklabels([t.replace("$", r"\$") for t in texts], fontsize="small")  # "$" is not mathtext here
    ax.set_ylabel(label("rate_pct", lang))
    ax.legend(fontsize="small")
    return ax


register(
    {
        "outcome": {"en": "Outcome", "zh": "结果指标"},
        "treated": {"en": "E-mail (treated)", "zh": "发邮件组（处理组）"},
        "control": {"en": "No e-mail (control)", "zh": "未发邮件组（对照组）"},
        "difference": {"en": "Difference", "zh": "差值"},
        "statistic": {"en": "Test statistic", "zh": "检验统计量"},
        "test": {"en": "Test", "zh": "检验方法"},
        "n_treated": {"en": "Treated (n)", "zh": "处理组人数"},
        "n_control": {"en": "Control (n)", "zh": "对照组人数"},
        "treated_rate": {"en": "Rate with e-mail", "zh": "发邮件组转化率"},
        "control_rate": {"en": "Rate without e-mail", "zh": "未发邮件组转化率"},
        "uplift": {"en": "Uplift", "zh": "增量响应"},
        "rank_by_response": {"en": "Rank by response", "zh": "按响应率排名"},
        "rank_by_uplift": {"en": "Rank by uplift", "zh": "按增量排名"},
        "rate_pct": {"en": "Rate (%)", "zh": "比率（%）"},
        "welch_t": {"en": "Welch t", "zh": "韦尔奇t检验"},
        "z": {"en": "Two-proportion z", "zh": "两比例z检验"},
        "visit": {"en": "Visit", "zh": "访问网站"},
        "conversion": {"en": "Conversion", "zh": "购买转化"},
        "spend": {"en": "Spend ($)", "zh": "消费额（美元）"},
        "merchandise": {"en": "Merchandise bought last year", "zh": "去年购买的商品类别"},
        "mens_only": {"en": "Men's only", "zh": "仅男装"},
        "womens_only": {"en": "Women's only", "zh": "仅女装"},
        "both": {"en": "Both", "zh": "男女装都买"},
        "no": {"en": "no", "zh": "否"},
        "newbie": {"en": "New customer (last 12 months)", "zh": "新客户（近12个月）"},
        "history_segment": {"en": "Spend last year", "zh": "去年消费档次"},
    }
)
