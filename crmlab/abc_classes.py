"""ABC classes of customers by their contribution to sales (ABC 分类), and the Pareto chart.

Customers are ranked by value (sales, profit ...), largest first. With the
default thresholds ``(0.8, 0.95)``:

* **A** — the customers who together make the first 80 % of value (the
  customer whose purchases cross 80 % is counted in A). They get one-to-one
  service (一对一) from a key-account manager.
* **B** — the customers who make the value between 80 % and 95 %: served
  one-to-many (一对多) by regional sales staff.
* **C** — the rest, the long tail (including customers with value 0): served
  through retailers or self-service (零售商管理).

In symbols: with customers sorted by value and :math:`S_{<i}` the share of
total value of the customers ranked before customer ``i``, the class is A if
:math:`S_{<i} < a`, B if :math:`a \\le S_{<i} < b`, C otherwise. Ties keep the
order of the input. Other common choices are ``(0.7, 0.9)`` and ``(0.5, 0.8)``.

The cumulative shares come from :func:`crmlab.concentration.lorenz_curve` (the
Pareto curve is the Lorenz curve read from the top), so the input rules are
those of :mod:`crmlab.concentration`: values at least 0, no missing values, not all 0.

Examples
--------
>>> values = pd.Series([50, 30, 10, 5, 5], index=list("abcde"))
>>> abc_classes(values)["abc_class"].tolist()
['A', 'A', 'B', 'B', 'C']
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from .concentration import lorenz_curve
from .lang import check_lang, label, register, with_display
from .value_matrix import VOLUME_STRATEGIES

__all__ = ["ABC_CLASSES", "ABC_SERVICES", "abc_classes", "abc_summary", "plot_pareto"]

ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")
#: Service model of each class (the same keys as the volume strategies of the value matrix).
ABC_SERVICES: dict[str, str] = {"A": VOLUME_STRATEGIES["high"], "B": VOLUME_STRATEGIES["mid"],
                                "C": VOLUME_STRATEGIES["low"]}
_TOLERANCE = 1e-9  # shares within this of a threshold count as on it


def _check_values(values: pd.Series) -> pd.Series:
    if isinstance(values, pd.DataFrame) or not isinstance(values, pd.Series):
        raise TypeError("values must be a pandas Series of value per customer, indexed by customer id "
                        "(e.g. customers.set_index('customer_id')['total_spend'] or "
                        f"crmlab.concentration.customer_values(log, ...)), got {type(values).__name__}")
    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        raise TypeError(f"values {values.name!r} must be numbers, got dtype {values.dtype}")
    duplicated = int(values.index.duplicated().sum())
    if duplicated:
        raise ValueError(f"values hold {duplicated} duplicated customer id(s); sum them per customer first")
    return values


def _check_thresholds(thresholds: tuple[float, float]) -> tuple[float, float]:
    try:
        a_cut, b_cut = (float(x) for x in thresholds)
    except (TypeError, ValueError):
        raise TypeError(f"thresholds must be a pair (a, b) of shares such as (0.8, 0.95), got {thresholds!r}") from None
    if not 0 < a_cut <= b_cut <= 1:
        raise ValueError(f"thresholds={thresholds} must satisfy 0 < a <= b <= 1 (shares of total value, "
                         "e.g. (0.8, 0.95), not percentages)")
    return a_cut, b_cut


def abc_classes(values: pd.Series, thresholds: tuple[float, float] = (0.8, 0.95)) -> pd.DataFrame:
    """ABC class of each customer by cumulative share of value.

    Parameters
    ----------
    values
        Value per customer (sales, profit ...), indexed by customer id; at least 0.
    thresholds
        ``(a, b)``: A holds the first share ``a`` of total value, B the value up to ``b``.

    Returns
    -------
    pandas.DataFrame
        One row per customer, largest value first, with ``value``, ``rank`` (1 = largest),
        ``value_share``, ``cumulative_share`` (including the customer), ``abc_class`` and
        ``abc_service``: keys (``"A"``, ``"one_to_one"``) whatever the language; show it with
        :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> values = pd.Series([60, 30, 10], index=["x", "y", "z"])
    >>> abc_classes(values, thresholds=(0.7, 0.9))["abc_class"].tolist()
    ['A', 'A', 'C']
    >>> from crmlab.lang import localize
    >>> localize(abc_classes(values, thresholds=(0.7, 0.9)), "zh")["ABC类别"].tolist()
    ['A类', 'A类', 'C类']
    """
    values = _check_values(values)
    a_cut, b_cut = _check_thresholds(thresholds)
    curve = lorenz_curve(values)  # validates: no missing, no negative, not all 0
    n = len(values)
    # share held by the top i customers = 1 - (share of the n - i smallest)
    top_shares = 1.0 - curve["value_share"].to_numpy()[::-1]  # i = 0..n
    before = top_shares[:-1]
    order = np.argsort(-values.to_numpy(dtype=float), kind="stable")
    ranked = values.iloc[order].astype(float)
    codes = np.where(before < a_cut - _TOLERANCE, 0, np.where(before < b_cut - _TOLERANCE, 1, 2))
    out = pd.DataFrame(
        {
            "value": ranked.to_numpy(),
            "rank": np.arange(1, n + 1),
            "value_share": ranked.to_numpy() / ranked.sum(),
            "cumulative_share": top_shares[1:],
            "abc_class": pd.Categorical.from_codes(codes, list(ABC_CLASSES), ordered=True),
            "abc_service": pd.Categorical.from_codes(codes, [ABC_SERVICES[c] for c in ABC_CLASSES]),
        },
        index=ranked.index,
    )
    return with_display(out, value_columns=["abc_class", "abc_service"], prefixes=("abc_class_", ""))


def abc_summary(values: pd.Series, thresholds: tuple[float, float] = (0.8, 0.95)) -> pd.DataFrame:
    """One row per class: customers, customer share, value, value share, smallest value, service.

    The table has stable keys: index ``abc_class`` (``"A"``, ``"B"``, ``"C"``), columns ``customers``,
    ``customer_share``, ``value``, ``value_share``, ``min_value`` and ``abc_service`` (service keys such
    as ``"one_to_one"``). Show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> values = pd.Series([50, 30, 10, 5, 5], index=list("abcde"))
    >>> summary = abc_summary(values)
    >>> summary["value_share"].round(2).tolist()
    [0.8, 0.15, 0.05]
    >>> from crmlab.lang import localize
    >>> localize(summary, "en").columns.tolist()
    ['Customers', 'Share of customers', 'Value', 'Share of value', 'Smallest value', 'Service']
    >>> localize(summary, "zh").index.tolist()
    ['A类', 'B类', 'C类']
    """
    classes = abc_classes(values, thresholds)
    grouped = classes.groupby("abc_class", observed=False)["value"]
    table = pd.DataFrame({
        "customers": grouped.size().astype(np.int64),
        "customer_share": grouped.size() / len(classes),
        "value": grouped.sum(),
        "value_share": grouped.sum() / classes["value"].sum(),
        "min_value": grouped.min(),
    })
    table["abc_service"] = [ABC_SERVICES[c] for c in table.index]
    table.index = pd.Index(list(table.index), name="abc_class")
    return with_display(table, value_columns=["abc_service"], prefixes=("abc_class_", ""), index=True)


def plot_pareto(values: pd.Series, thresholds: tuple[float, float] = (0.8, 0.95), max_bars: int = 40,
                lang: str = "en", ax: Axes | None = None, line_ax: Axes | None = None) -> Axes:
    """Pareto chart: bars of value share by customer rank, coloured by ABC class, and the cumulative line.

    The bars are one :class:`~matplotlib.collections.PolyCollection` (``ax.collections[0]``), a
    rectangle per bar.

    With at most ``max_bars`` customers each bar is one customer; with more, customers
    are grouped by rank into ``max_bars`` equal groups (a bar takes the class of most of
    its customers). The cumulative share line (right axis) uses every customer, and the
    thresholds are drawn as dashed lines.

    The line goes on a twin axes of ``ax`` made here, or on ``line_ax`` when given (the
    twin of a widget's figure, ``scenario(..., twinx=True)``). The share of class A goes into
    the title.
    """
    check_lang(lang)
    if int(max_bars) < 1:
        raise ValueError(f"max_bars={max_bars} must be at least 1")
    classes = abc_classes(values, thresholds)
    a_cut, b_cut = _check_thresholds(thresholds)
    n = len(classes)
    n_bars = min(n, int(max_bars))
    group = np.arange(n) * n_bars // n
    share = np.bincount(group, weights=classes["value_share"].to_numpy(), minlength=n_bars)
    codes = classes["abc_class"].cat.codes.to_numpy()
    counts = np.zeros((n_bars, 3))
    np.add.at(counts, (group, codes), 1)
    bar_class = counts.argmax(axis=1)
    left = 100 * np.searchsorted(group, np.arange(n_bars)) / n
    width = 100 * np.bincount(group, minlength=n_bars) / n
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    colours = ["C0", "C1", "C7"]
    # the bars as one collection of rectangles: one artist instead of one per bar (a widget redraws it fast)
    heights = 100 * share
    corners = np.stack([np.column_stack([left, np.zeros(n_bars)]), np.column_stack([left, heights]),
                        np.column_stack([left + width, heights]), np.column_stack([left + width, np.zeros(n_bars)])],
                       axis=1)
    ax.add_collection(PolyCollection(corners, facecolors=[colours[c] for c in bar_class], edgecolors="white",
                                     linewidths=0.5 if n_bars < 100 else 0))
    ax.set_xlabel(label("customer_share_pct", lang))
    ax.set_ylabel(label("value_share_pct", lang))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100 * share.max() * (1 + ax.margins()[1]))  # as autoscaled, but fixed: a live figure keeps it
    if line_ax is None:
        line_ax = ax.twinx()
    x = np.concatenate([[0.0], 100 * np.arange(1, n + 1) / n])
    y = np.concatenate([[0.0], 100 * classes["cumulative_share"].to_numpy()])
    line_ax.plot(x, y, color="C3", lw=2)
    for cut in (a_cut, b_cut):
        line_ax.axhline(100 * cut, color="grey", ls="--", lw=1)
    line_ax.set_ylim(0, 102)
    line_ax.set_ylabel(label("cumulative_share_pct", lang))
    line_ax.yaxis.set_major_formatter(PercentFormatter())
    line_ax.grid(False)
    handles = [Patch(color=colours[k], label=label(f"abc_class_{c}", lang)) for k, c in enumerate(ABC_CLASSES)]
    ax.legend(handles=handles, loc="center right")
    shares = classes.groupby("abc_class", observed=False)["value"].size() / n
    note = label("pareto_title", lang).format(a_pct=100 * shares["A"], a_value=100 * a_cut)
    ax.set_title(note)
    return ax


register(
    {
        "abc_class": {"en": "ABC class", "zh": "ABC类别"},
        "abc_service": {"en": "Service", "zh": "服务方式"},
        "abc_class_A": {"en": "A", "zh": "A类"},
        "abc_class_B": {"en": "B", "zh": "B类"},
        "abc_class_C": {"en": "C", "zh": "C类"},
        "rank": {"en": "Rank", "zh": "排名"},
        "value_share": {"en": "Share of value", "zh": "价值占比"},
        "cumulative_share": {"en": "Cumulative share of value", "zh": "累计价值占比"},
        "min_value": {"en": "Smallest value", "zh": "最小价值"},
        "abc_cutoffs": {"en": "ABC cut-offs", "zh": "ABC分界"},
        "value_share_pct": {"en": "Share of value (%)", "zh": "价值占比（%）"},
        "cumulative_share_pct": {"en": "Cumulative share of value (%)", "zh": "累计价值占比（%）"},
        "pareto_title": {
            "en": "Class A: {a_pct:.1f}% of customers make the first {a_value:.0f}% of value",
            "zh": "A类：{a_pct:.1f}% 的客户贡献了前 {a_value:.0f}% 的价值",
        },
    }
)


# the sentences lecture 05 prints for the reader; "en" reproduces the lecture's English output exactly
register(
    {
        "abc_classes_class_a_sentence": {
            "en": "Class A: {n_a:,} customers ({a_pct:.1f}%) make {a_value:.1f}% of volume; "
                  "the top 20% make {top20:.1f}%",
            "zh": "ABC分类的A类：{n_a:,} 位客户（{a_pct:.1f}%）贡献了 {a_value:.1f}% 的购买量；"
                  "前 20% 的客户贡献了 {top20:.1f}%",
        },
        "abc_classes_online_retail_sentence": {
            "en": "Online Retail: {n:,} customers; the top 20% bring {top20:.1%} of net spend "
                  "(synthetic base: {synthetic:.1%}); Gini {gini:.3f}; ABC class A is {a_share:.1%} of customers",
            "zh": "Online Retail 数据：{n:,} 位客户；前 20% 的客户带来 {top20:.1%} 的净消费额"
                  "（模拟客户群：{synthetic:.1%}）；基尼系数 {gini:.3f}；ABC分类的A类占客户的 {a_share:.1%}",
        },
    }
)
