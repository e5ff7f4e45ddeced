"""Concentration of customer value: the 20/80 rule, Lorenz curve and Gini coefficient.

A few customers usually bring most of the revenue. These functions measure how
few: the share of value held by the top ``x`` % of customers, the Lorenz curve
(cumulative share of value against cumulative share of customers, smallest
first) and the Gini coefficient (0 = everyone is worth the same, 1 = one
customer holds everything).

Examples
--------
>>> top_share([10, 0, 0, 0, 0], 20)
1.0
>>> round(gini([1, 1, 1, 1]), 6)
0.0
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .lang import check_lang, label
from .validation import MissingColumnError, ValidationError

__all__ = ["customer_values", "top_share", "lorenz_curve", "gini", "concentration_table", "plot_lorenz",
           "online_retail_values"]

ArrayLike = Sequence[float] | np.ndarray | pd.Series
PLOT_POINTS = 400


def _values(values: ArrayLike) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"customer values must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError("customer values are empty: there is no customer to measure")
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(f"customer values hold {int(bad.sum())} missing or infinite value(s)")
    negative = array < 0
    if negative.any():
        raise ValueError(
            f"customer values hold {int(negative.sum())} negative value(s); concentration needs "
            "values of at least 0 (net out returns per customer first)"
        )
    if array.sum() == 0:
        raise ValueError("every customer value is 0: concentration is undefined")
    return array


def customer_values(log: pd.DataFrame, customer_col: str, amount_col: str) -> pd.Series:
    """Total of ``amount_col`` per customer, largest first, from a transaction log.

    Rows without a customer id are not anybody's value: they raise an error
    naming the count, so the caller removes or reports them first.
    """
    for column in (customer_col, amount_col):
        if column not in log.columns:
            raise MissingColumnError(f"column {column!r} is not in the table; it has {list(log.columns)}", column=column)
    missing = int(log[customer_col].isna().sum())
    if missing:
        raise ValidationError(f"column {customer_col!r} has {missing} row(s) without a customer id",
                              column=customer_col, rows=missing, total=len(log))
    amounts = pd.to_numeric(log[amount_col], errors="coerce")
    bad = int(amounts.isna().sum())
    if bad:
        raise ValidationError(f"column {amount_col!r} has {bad} row(s) that are missing or not numbers",
                              column=amount_col, rows=bad, total=len(log))
    totals = amounts.groupby(log[customer_col], sort=False).sum()
    return totals.sort_values(ascending=False)


def top_share(values: ArrayLike, top_pct: float) -> float:
    """Share of total value (0–1) brought by the top ``top_pct`` % of customers.

    The number of top customers is ``ceil(n * top_pct / 100)`` (at least one
    when ``top_pct > 0``), so the answer never counts a fraction of a customer.

    Examples
    --------
    >>> top_share([50, 30, 10, 5, 5], 40)
    0.8
    """
    if not 0 <= top_pct <= 100:
        raise ValueError(f"top_pct={top_pct} must be between 0 and 100")
    array = np.sort(_values(values))[::-1]
    n_top = int(np.ceil(array.size * top_pct / 100 - 1e-9))
    return float(array[:n_top].sum() / array.sum())


def lorenz_curve(values: ArrayLike) -> pd.DataFrame:
    """Points of the Lorenz curve, starting at (0, 0): columns ``customer_share``, ``value_share``.

    Customers are sorted from the smallest value to the largest.
    """
    array = np.sort(_values(values))
    cumulative = np.concatenate([[0.0], np.cumsum(array)]) / array.sum()
    share = np.arange(array.size + 1) / array.size
    return pd.DataFrame({"customer_share": share, "value_share": cumulative})


def gini(values: ArrayLike) -> float:
    """Gini coefficient of customer values: twice the area between the diagonal and the Lorenz curve.

    Uses the exact formula for ``n`` values sorted ascending,
    ``G = (2 * sum(i * x_i) / (n * sum(x)) - (n + 1) / n)`` with ``i = 1..n``.

    Examples
    --------
    >>> round(gini([0, 0, 0, 1]), 2)
    0.75
    """
    array = np.sort(_values(values))
    n = array.size
    ranks = np.arange(1, n + 1)
    return float(2 * np.sum(ranks * array) / (n * array.sum()) - (n + 1) / n)


def concentration_table(values: ArrayLike, top_pcts: Sequence[float] = (1, 5, 10, 20, 50)) -> pd.DataFrame:
    """Share of value held by each top percentage of customers: ``top_customers_pct``, ``revenue_share_pct``.

    The headers are keys whatever the language; show the table with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> table = concentration_table([50, 30, 10, 5, 5], top_pcts=(20,))
    >>> table.to_dict("records")
    [{'top_customers_pct': 20, 'revenue_share_pct': 50.0}]
    >>> from crmlab.lang import localize
    >>> localize(table, "en").columns.tolist()
    ['Top customers (%)', 'Share of revenue (%)']
    """
    rows = [(pct, 100 * top_share(values, pct)) for pct in top_pcts]
    return pd.DataFrame(rows, columns=["top_customers_pct", "revenue_share_pct"])


def plot_lorenz(values: ArrayLike, top_pct: float | None = 20, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Draw the Lorenz curve with the equality line and, optionally, the top ``top_pct`` % marked.

    The share of the top ``top_pct`` % goes into the title (without it the title is "Lorenz curve").
    """
    check_lang(lang)
    curve = lorenz_curve(values)
    if len(curve) > 2 * PLOT_POINTS:  # thin the curve for drawing: invisible at screen resolution, 10x faster
        keep = np.unique(np.linspace(0, len(curve) - 1, PLOT_POINTS).round().astype(int))
        curve = curve.iloc[keep]
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot(100 * curve["customer_share"], 100 * curve["value_share"], lw=2, label=label("lorenz_curve", lang))
    ax.plot([0, 100], [0, 100], ls="--", color="grey", label=label("equality_line", lang))
    ax.set_title(label("lorenz_curve", lang))
    if top_pct is not None and top_pct > 0:
        share = 100 * top_share(values, top_pct)
        ax.axvline(100 - top_pct, color="C3", lw=1)
        ax.fill_between([100 - top_pct, 100], [100 - share, 100 - share], [100, 100], color="C3", alpha=0.15)
        ax.set_title(label("top_share_title", lang).format(pct=top_pct, share=share))
    ax.set_xlabel(label("customer_share_pct", lang))
    ax.set_ylabel(label("revenue_share_pct", lang))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.legend(loc="upper left")
    ax.text(0.98, 0.04, f"{label('gini', lang)} = {gini(values):.3f}", transform=ax.transAxes, ha="right")
    return ax


def online_retail_values() -> pd.Series:
    """Net spend (GBP) per customer of the real Online Retail log, cleaned as in lecture 04.

    Rows without a customer, duplicates, cancellations, returns (netted against the purchases
    they return), non-product lines and zero amounts are removed with
    :func:`crmlab.transactions.clean`; the result is indexed by customer id.

    Examples
    --------
    >>> values = online_retail_values()  # doctest: +SKIP
    >>> len(values), round(top_share(values, 20), 3)  # doctest: +SKIP
    (4334, 0.746)
    """
    from . import datasets, transactions

    raw = datasets.load_online_retail()
    cleaned, _ = transactions.clean(raw, "customer_id", "invoice_date", "amount", quantity_col="quantity",
                                    invoice_col="invoice_no", stock_code_col="stock_code")
    return customer_values(cleaned, "customer_id", "amount")
