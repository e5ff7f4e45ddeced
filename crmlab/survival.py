r"""Customer survival (客户生存分析): how long customers stay, from tenure and a churn flag.

A subscriber table tells for each customer how long they have been a customer (``tenure``)
and whether they have left (``churn`` = 1) or are still there (0, *censored*: their lifetime
is at least their tenure). The share who left is not the chance of leaving, because the
customers who stay have not finished their lifetimes. The **Kaplan–Meier estimator**
(Kaplan & Meier 1958) uses every customer for as long as they were observed:

.. math::

   \hat S(t) = \prod_{t_i \le t} \left(1 - \frac{d_i}{n_i}\right),

with :math:`d_i` customers leaving at tenure :math:`t_i` out of the :math:`n_i` still there
(at risk) just before. :func:`kaplan_meier` computes it with Greenwood's standard errors;
:func:`survival_summary` adds, per group, the median lifetime (the first tenure where
:math:`\hat S \le 0.5`), the restricted mean lifetime (area under :math:`\hat S` up to the
longest tenure), and the link to lecture 07: with a constant churn rate :math:`c` per period
the lifetime is geometric with mean :math:`1/c`, where :math:`c` is estimated as leavers per
customer-period of exposure.

Examples
--------
>>> km = kaplan_meier([1, 2, 2, 3, 4], [1, 1, 0, 1, 0])
>>> km["survival"].round(3).tolist()
[0.8, 0.6, 0.3]
>>> median_lifetime(km)
3.0
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._table_checks import numeric_column, require_columns, require_complete, require_table
from .validation import ValidationError
from .lang import check_lang, label, register, translate_values, with_display
from .lang import localize  # noqa: F401  (the doctests show the keyed tables with it)

__all__ = [
    "churn_per_exposure",
    "kaplan_meier",
    "median_lifetime",
    "restricted_mean_lifetime",
    "survival_by_group",
    "survival_summary",
    "plot_survival",
]

register(
    {
        "n_at_risk": {"en": "At risk", "zh": "风险集人数"},
        "events": {"en": "Left", "zh": "流失人数"},
        "censored": {"en": "Still customers (censored)", "zh": "仍在（删失）"},
        "std_error": {"en": "Standard error", "zh": "标准误"},
        "median_lifetime": {"en": "Median lifetime (periods)", "zh": "生命周期中位数（期）"},
        "restricted_mean_lifetime": {"en": "Mean lifetime up to the longest tenure (periods)",
                                     "zh": "截至最长在网期的平均生命周期（期）"},
        "churn_share": {"en": "Share who left (snapshot churn)", "zh": "已流失比例（快照流失率）"},
        "lifetime_one_over_churn": {"en": "1 / snapshot churn (periods)", "zh": "1 / 快照流失率（期）"},
        "churn_per_period": {"en": "Churn per period at risk", "zh": "每期流失率（按暴露期）"},
        "exposure": {"en": "Customer-periods of exposure", "zh": "暴露期（客户·期）"},
        "churn_rate_exposure": {"en": "Churn per customer-period", "zh": "每客户期流失率"},
        "expected_lifetime_exposure": {"en": "1 / churn per customer-period (periods)", "zh": "1 / 每客户期流失率（期）"},
        "rate_std_error": {"en": "Standard error of the rate", "zh": "流失率标准误"},
        "lifetime_constant_churn": {"en": "1 / churn per period (periods)", "zh": "1 / 每期流失率（期）"},
        "km_title": {"en": "Kaplan–Meier survival of customers", "zh": "客户的 Kaplan–Meier 生存曲线"},
        "tenure_periods": {"en": "Tenure (periods)", "zh": "在网时长（期）"},
        "group": {"en": "Group", "zh": "分组"},
    }
)
# Telco columns and levels a lecture may group survival curves by (keys are the raw values).
register(
    {
        "internet_service": {"en": "Internet service", "zh": "互联网服务"},
        "payment_method": {"en": "Payment method", "zh": "付款方式"},
        "paperless_billing": {"en": "Paperless billing", "zh": "电子账单"},
        "tech_support": {"en": "Tech support", "zh": "技术支持"},
        "senior_citizen": {"en": "Senior citizen", "zh": "老年用户"},
        "DSL": {"en": "DSL", "zh": "DSL 宽带"},
        "Fiber optic": {"en": "Fiber optic", "zh": "光纤"},
        "No": {"en": "No", "zh": "否"},
        "Yes": {"en": "Yes", "zh": "是"},
        "No internet service": {"en": "No internet service", "zh": "无互联网服务"},
        "Electronic check": {"en": "Electronic check", "zh": "电子支票"},
        "Mailed check": {"en": "Mailed check", "zh": "邮寄支票"},
        "Bank transfer (automatic)": {"en": "Bank transfer (automatic)", "zh": "银行自动转账"},
        "Credit card (automatic)": {"en": "Credit card (automatic)", "zh": "信用卡自动扣款"},
    }
)


def _durations(durations: Sequence[float] | np.ndarray | pd.Series, events: Sequence[float] | np.ndarray | pd.Series,
               ) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.DataFrame({"duration": np.asarray(durations), "event": np.asarray(events)})
    if frame.empty:
        raise ValueError("no customers: durations are empty")
    time = numeric_column(frame, "duration", non_negative=True)
    event = numeric_column(frame, "event")
    bad = int((~np.isin(event, (0.0, 1.0))).sum())
    if bad:
        raise ValidationError(f"column 'event' must be 0 (still a customer) or 1 (left); {bad} row(s) are not",
                              column="event", rows=bad, total=len(event))
    return time, event.astype(bool)


def kaplan_meier(durations: Sequence[float] | np.ndarray | pd.Series,
                 events: Sequence[float] | np.ndarray | pd.Series) -> pd.DataFrame:
    r"""Kaplan–Meier survival curve with Greenwood standard errors.

    Parameters
    ----------
    durations
        Tenure of each customer (>= 0), in periods.
    events
        1 = the customer left at that tenure, 0 = still a customer (censored).

    Returns
    -------
    pandas.DataFrame
        One row per distinct tenure at which somebody left (index ``time``): ``n_at_risk``
        (customers with tenure >= time), ``events``, ``censored`` (still customers with exactly
        this tenure), ``survival`` :math:`\hat S(t)` and ``std_error``
        (:math:`\hat S\sqrt{\sum d_i/(n_i(n_i-d_i))}`). ``attrs`` holds ``customers``,
        ``events`` and ``max_time``.

    Examples
    --------
    >>> kaplan_meier([2, 2, 5], [1, 0, 1])[["n_at_risk", "events", "survival"]].round(4).to_numpy().tolist()
    [[3.0, 1.0, 0.6667], [1.0, 1.0, 0.0]]
    """
    time, event = _durations(durations, events)
    order = np.argsort(time, kind="stable")
    time, event = time[order], event[order]
    distinct, first = np.unique(time, return_index=True)
    at_risk = len(time) - first
    died = np.add.reduceat(event.astype(float), first)
    total = np.diff(np.append(first, len(time)))
    keep = died > 0
    t, n, d, c = distinct[keep], at_risk[keep].astype(float), died[keep], (total - died)[keep]
    survival = np.cumprod(1 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(n > d, d / (n * (n - d)), np.inf)
        std = survival * np.sqrt(np.cumsum(terms))
    std = np.where(np.isfinite(std), std, np.nan)
    table = pd.DataFrame({"n_at_risk": n, "events": d, "censored": c.astype(float), "survival": survival,
                          "std_error": std}, index=pd.Index(t, name="time"))
    table.attrs.update(customers=int(len(time)), events=int(event.sum()), max_time=float(time.max()))
    return table


def median_lifetime(curve: pd.DataFrame) -> float:
    """First time at which the Kaplan–Meier survival is 0.5 or less; NaN if it never gets there.

    Examples
    --------
    >>> median_lifetime(kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1]))
    2.0
    """
    below = curve.index[curve["survival"].to_numpy() <= 0.5 + 1e-12]
    return float(below[0]) if len(below) else float("nan")


def restricted_mean_lifetime(curve: pd.DataFrame, horizon: float | None = None) -> float:
    r"""Area under the Kaplan–Meier step curve from 0 to ``horizon`` (default: the longest tenure).

    It is the mean lifetime counted up to the horizon (a lower bound of the mean when customers
    are still there at the horizon).

    Examples
    --------
    >>> restricted_mean_lifetime(kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1]))
    2.5
    """
    tau = float(curve.attrs.get("max_time", curve.index.max())) if horizon is None else float(horizon)
    if tau < 0:
        raise ValueError(f"horizon must be >= 0, got {horizon!r}")
    times = curve.index.to_numpy(dtype=float)
    inside = times < tau
    steps = np.concatenate([[0.0], times[inside], [tau]])
    levels = np.concatenate([[1.0], curve["survival"].to_numpy()[inside]])
    return float(np.sum(levels * np.diff(steps)))


def _survival_table(table: pd.DataFrame, duration_col: str, event_col: str, group_col: str | None) -> pd.DataFrame:
    require_table(table, "subscriber table")
    columns = [duration_col, event_col] + ([group_col] if group_col is not None else [])
    require_columns(table, columns, "subscriber table")
    require_complete(table, columns, "subscriber table")
    durations = numeric_column(table, duration_col, non_negative=True)
    flags = table[event_col]
    if pd.api.types.is_bool_dtype(flags):
        flags = flags.astype("int64")
    events = numeric_column(pd.DataFrame({event_col: flags}), event_col)
    bad = int((~np.isin(events, (0.0, 1.0))).sum())
    if bad:
        raise ValidationError(f"column {event_col!r} must be 0 (still a customer) or 1 (left); {bad} row(s) are not",
                              column=event_col, rows=bad, total=len(events))
    out = pd.DataFrame({"duration": durations, "event": events}, index=table.index)
    out["group"] = table[group_col] if group_col is not None else "all"
    return out


def _groups(data: pd.DataFrame) -> list:
    column = data["group"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [g for g in column.cat.categories if (column == g).any()]
    values = pd.unique(column)
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def churn_per_exposure(table: pd.DataFrame, duration_col: str, event_col: str,
                       group_col: str | None = None) -> pd.DataFrame:
    r"""Churn as a rate: leavers divided by the customer-periods the group was observed (per group).

    A snapshot of subscribers mixes customers observed for one month with customers observed for
    six years. Counting who left and dividing by the number of customers (the *share who left*)
    is therefore no rate per period. Dividing by the **exposure** — the sum of all tenures, i.e. the
    customer-periods in which somebody could have left — is: it is the maximum-likelihood
    churn rate :math:`\hat c = d / \sum_i t_i` of a model in which every customer leaves with the
    same probability each period, censored customers included (a customer still there after
    :math:`t_i` periods contributes :math:`t_i` periods and no event). The expected lifetime of
    that model is :math:`T = 1/\hat c` (:func:`crmlab.clv.expected_lifetime`).

    Parameters
    ----------
    table
        One row per customer.
    duration_col
        Periods as a customer so far (>= 0), e.g. months of tenure.
    event_col
        1 (or ``True``) = the customer has left, 0 = still a customer.
    group_col
        Optional group column (e.g. contract type); ``None`` gives one row ``"all"``.

    Returns
    -------
    pandas.DataFrame
        Index ``group``; columns ``customers``, ``events`` (leavers), ``exposure``
        (customer-periods), ``churn_rate`` (events / exposure), ``std_error`` (Poisson:
        :math:`\sqrt{d}/\text{exposure}`), ``expected_lifetime`` (1 / churn rate; ``inf`` when
        nobody left), and, for the pitfall, ``snapshot_share`` (leavers / customers) and
        ``snapshot_lifetime`` (1 / that share). Bad input raises an error naming the column and
        the count of bad rows; a group with leavers but no exposure is refused by name.

    Examples
    --------
    >>> t = pd.DataFrame({"months": [2, 4, 6, 8], "left": [1, 1, 0, 0]})
    >>> row = churn_per_exposure(t, "months", "left").loc["all"]
    >>> float(row["exposure"]), float(row["churn_rate"]), float(row["expected_lifetime"])
    (20.0, 0.1, 10.0)
    >>> float(row["snapshot_share"]), float(row["snapshot_lifetime"])  # the mistake: half left, "2 periods"
    (0.5, 2.0)
    """
    data = _survival_table(table, duration_col, event_col, group_col)
    rows = {}
    for g in _groups(data):
        part = data[data["group"] == g]
        events = float(part["event"].sum())
        exposure = float(part["duration"].sum())
        if events > 0 and exposure <= 0:
            raise ValidationError(f"group {g!r}: {int(events)} customer(s) left but column {duration_col!r} sums to 0 "
                                  "periods of exposure; a leaver must have a tenure of at least one period",
                                  column=duration_col, rows=int(events), total=len(part))
        rate = events / exposure if exposure > 0 else 0.0
        share = events / len(part)
        rows[g] = {
            "customers": int(len(part)),
            "events": int(events),
            "exposure": exposure,
            "churn_rate": rate,
            "std_error": float(np.sqrt(events)) / exposure if exposure > 0 else 0.0,
            "expected_lifetime": 1 / rate if rate > 0 else float("inf"),
            "snapshot_share": share,
            "snapshot_lifetime": 1 / share if share > 0 else float("inf"),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "group"
    return out


def survival_by_group(table: pd.DataFrame, duration_col: str, event_col: str,
                      group_col: str | None = None) -> dict[object, pd.DataFrame]:
    """Kaplan–Meier curves per group (categories keep their order; ``None``: one curve ``"all"``).

    The table is checked first: missing columns, missing values, negative durations and event
    flags other than 0/1 raise errors naming the column and the count of bad rows.

    Examples
    --------
    >>> t = pd.DataFrame({"months": [1, 3, 3, 8], "left": [1, 0, 1, 0], "plan": ["a", "a", "b", "b"]})
    >>> {g: c["survival"].tolist() for g, c in survival_by_group(t, "months", "left", "plan").items()}
    {'a': [0.5], 'b': [0.5]}
    """
    data = _survival_table(table, duration_col, event_col, group_col)
    return {g: kaplan_meier(part["duration"], part["event"])
            for g in _groups(data) for part in [data[data["group"] == g]]}


def survival_summary(table: pd.DataFrame, duration_col: str, event_col: str, group_col: str | None = None,
                     horizon: float | None = None) -> pd.DataFrame:
    r"""Lifetime figures per group: Kaplan–Meier median and restricted mean, and :math:`1/c`.

    Columns: ``customers``, ``events``, ``median_lifetime`` (NaN when more than half are still
    there at the longest tenure), ``restricted_mean_lifetime`` (up to ``horizon``, default the
    longest tenure in the whole table, so groups are comparable), ``churn_share`` (share who
    left: lecture 07's churn rate of a one-period snapshot), ``lifetime_one_over_churn``
    (:math:`1/`churn share: the pitfall), ``churn_per_period`` (leavers per customer-period at
    risk, the maximum-likelihood churn rate of a constant-churn model, :func:`churn_per_exposure`)
    and ``lifetime_constant_churn`` (:math:`1/`that rate, the :math:`T = 1/c` of lecture 07).
    Index ``group`` (the group values, ``"all"`` without ``group_col``). Keys whatever the
    language: show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> t = pd.DataFrame({"months": [2, 4, 6, 8], "left": [1, 1, 0, 0]})
    >>> s = survival_summary(t, "months", "left")
    >>> s.loc["all", ["median_lifetime", "churn_per_period", "lifetime_constant_churn"]].tolist()
    [4.0, 0.1, 10.0]
    >>> localize(s, "zh").index.name
    '分组'
    """
    data = _survival_table(table, duration_col, event_col, group_col)
    tau = float(data["duration"].max()) if horizon is None else float(horizon)
    rates = churn_per_exposure(data, "duration", "event", "group")
    rows = {}
    for g in _groups(data):
        part = data[data["group"] == g]
        curve = kaplan_meier(part["duration"], part["event"])
        rate = rates.loc[g]
        rows[g] = {
            "customers": len(part),
            "events": int(rate["events"]),
            "median_lifetime": median_lifetime(curve),
            "restricted_mean_lifetime": restricted_mean_lifetime(curve, tau),
            "churn_share": float(rate["snapshot_share"]),
            "lifetime_one_over_churn": float(rate["snapshot_lifetime"]),
            "churn_per_period": float(rate["churn_rate"]) if rate["exposure"] > 0 else float("nan"),
            "lifetime_constant_churn": float(rate["expected_lifetime"]),
        }
    summary = pd.DataFrame.from_dict(rows, orient="index")
    summary.index.name = "group"
    summary.attrs["horizon"] = tau
    return with_display(summary, index=True)


def plot_survival(curves: dict[object, pd.DataFrame], lang: str = "en", ax: Axes | None = None,
                  names: dict[object, str] | None = None) -> Axes:
    """Step curves of :func:`survival_by_group`, each named at its right end (no legend).

    The time axis runs from 0 to the longest observed time plus room for the names.
    """
    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for k, (group, curve) in enumerate(curves.items()):
        end = float(curve.attrs.get("max_time", curve.index.max()))
        times = np.concatenate([[0.0], curve.index.to_numpy(dtype=float), [end]])
        surv = np.concatenate([[1.0], curve["survival"].to_numpy(), [curve["survival"].iloc[-1] if len(curve) else 1.0]])
        line, = ax.step(times, surv, where="post", color=f"C{k % 10}", linewidth=1.8)
        line.sticky_edges.x.append(0.0)               # time starts at 0
        name = (names or {}).get(group, translate_values([str(group)], lang)[0])
        ax.text(end, surv[-1], f" {name}", color=f"C{k % 10}", fontsize=8, va="center", ha="left")
    ax.axhline(0.5, color="0.5", linewidth=0.8, linestyle="--")
    ax.margins(x=0.22)                                # room for the names after the longest time
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(label("tenure_periods", lang))
    ax.set_ylabel(label("survival", lang))
    ax.set_title(label("km_title", lang))
    return ax
