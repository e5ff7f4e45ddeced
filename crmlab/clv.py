r"""Customer value and customer lifetime value (CLV): the formulas, from a worksheet to model-based CLV.

Three levels, from simplest to richest:

1. **Customer value per period** (:func:`contribution`, :func:`cost`, :func:`customer_value`,
   :func:`customer_value_worksheet`): value = contribution - cost, where
   contribution = base profit + cross-selling profit + cost savings and
   cost = acquisition + loyalty reward + churn cost; discounted over a horizon.
2. **Retention-based CLV** (:func:`retention_clv`, :func:`margin_multiple`,
   :func:`expected_lifetime`): a constant margin :math:`m`, retention rate :math:`r` and discount
   rate :math:`d`. With margins received at the end of each period the customer survives,

   .. math::

      CLV_H = \sum_{t=1}^{H} \frac{m\,r^t}{(1+d)^t}
            = m\,\frac{r}{1+d-r}\left[1 - \left(\frac{r}{1+d}\right)^H\right]
      \xrightarrow{H\to\infty} m\,\frac{r}{1+d-r},

   where :math:`r/(1+d-r)` is the *margin multiple* (Gupta & Lehmann 2003). The average
   lifetime of a group that loses a share :math:`c = 1 - r` each period is :math:`1/c` periods.
   :func:`sensitivity` shows how CLV responds to each input (tornado chart data).
3. **Model-based CLV** (:func:`customer_lifetime_value`): a purchase model (BG/NBD, Pareto/NBD,
   BG/BB) times a spend model (Gamma-Gamma), discounted period by period.

Column names of the tables returned here are registered in :mod:`crmlab.lang`, so
``crmlab.lang.localize(table, "zh")`` gives Chinese headers.

Examples
--------
>>> round(retention_clv(margin=100, retention_rate=0.8, discount_rate=0.1), 2)
266.67
>>> expected_lifetime(churn_rate=0.2)
5.0
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from crmlab import lang
from crmlab.validation import MissingColumnError, ValidationError

__all__ = [
    "contribution",
    "cost",
    "customer_value",
    "customer_value_worksheet",
    "present_value",
    "retention_clv",
    "margin_multiple",
    "expected_lifetime",
    "sensitivity",
    "customer_lifetime_value",
    "segment_lifetimes",
    "plot_retention_clv",
    "retention_clv_range",
    "plot_tornado",
    "describe_worksheet",
    "describe_retention_clv",
    "describe_lifetime_check",
]

ArrayLike = float | Sequence[float] | np.ndarray

lang.register(
    {
        # worksheet columns and inputs
        "contribution": {"en": "Contribution", "zh": "贡献"},
        "cost": {"en": "Cost", "zh": "成本"},
        "survival": {"en": "Still a customer", "zh": "保留概率"},
        "discount_factor": {"en": "Discount factor", "zh": "折现因子"},
        "discounted_value": {"en": "Discounted value", "zh": "折现价值"},
        "cumulative_discounted_value": {"en": "Cumulative discounted value", "zh": "累计折现价值"},
        "base_profit": {"en": "Base profit", "zh": "基本利润"},
        "cross_selling": {"en": "Cross-selling profit", "zh": "交叉销售利润"},
        "cost_savings": {"en": "Cost savings", "zh": "成本节约"},
        "loyalty_reward": {"en": "Loyalty reward cost", "zh": "忠诚奖励成本"},
        "churn_cost": {"en": "Churn cost", "zh": "流失成本"},
        "acquisition_cost": {"en": "Acquisition cost", "zh": "获客成本"},
        "margin": {"en": "Margin", "zh": "利润率"},
        "retention_rate": {"en": "Retention rate", "zh": "保留率"},
        "discount_rate": {"en": "Discount rate", "zh": "折现率"},
        "clv": {"en": "Customer lifetime value", "zh": "客户终身价值"},
        # sensitivity table
        "input": {"en": "Input", "zh": "输入项"},
        "base_value": {"en": "Base value", "zh": "基准值"},
        "low_input": {"en": "Low input", "zh": "输入下调值"},
        "high_input": {"en": "High input", "zh": "输入上调值"},
        "clv_low": {"en": "CLV (low input)", "zh": "CLV（下调）"},
        "clv_base": {"en": "CLV (base)", "zh": "CLV（基准）"},
        "clv_high": {"en": "CLV (high input)", "zh": "CLV（上调）"},
        "swing": {"en": "Swing", "zh": "变动幅度"},
        "elasticity": {"en": "Elasticity", "zh": "弹性"},
        # group lifetimes and plots (lecture 07)
        "expected_lifetime": {"en": "Expected lifetime (periods)", "zh": "预期生命周期（期）"},
        "mean_charges": {"en": "Mean charge per period", "zh": "每期平均收费"},
        "mean_tenure": {"en": "Mean tenure so far (periods)", "zh": "已在网平均时长（期）"},
        "snapshot_share": {"en": "Share who left (snapshot, no rate)", "zh": "已流失比例（快照，非比率）"},
        "snapshot_lifetime": {"en": "1 / share who left (the pitfall)", "zh": "1 / 已流失比例（误区）"},
        "clv_snapshot": {"en": "CLV with the share who left (wrong)", "zh": "按已流失比例算的CLV（错误）"},
        "clv_to_date": {"en": "CLV up to this period", "zh": "截至本期的CLV"},
        "clv_infinite": {"en": "Infinite-horizon CLV", "zh": "无限期CLV"},
        "tornado_title": {"en": "CLV when one input moves by \u00b1{pct:.0f}%", "zh": "单个输入项变动\u00b1{pct:.0f}%时的CLV"},
        "retention_clv_title": {"en": "Retention CLV = {clv:,.1f}", "zh": "基于保留率的CLV = {clv:,.1f}"},
        # sentences printed by lecture 07 (see the describe_* functions)
        "clv_worksheet_current": {"en": "current value (year 1, before acquisition cost): {current_value:,.2f}",
                                  "zh": "当前价值（第 1 年，未扣除获客成本）：{current_value:,.2f}"},
        "clv_worksheet_total": {"en": "CLV over {horizon} years, net of acquisition: {clv:,.2f}; paid back in year {payback}",
                                "zh": "{horizon} 年的客户终身价值（扣除获客成本后）：{clv:,.2f}；第 {payback} 年回本"},
        "clv_worksheet_not_paid_back": {"en": "CLV over {horizon} years, net of acquisition: {clv:,.2f}; paid back in year None",
                                        "zh": "{horizon} 年的客户终身价值（扣除获客成本后）：{clv:,.2f}；{horizon} 年内没有回本"},
        "clv_margin_multiple_line": {"en": "margin multiple r/(1+d-r) = {multiple:.3f}",
                                     "zh": "利润乘数 r/(1+d-r) = {multiple:.3f}"},
        "clv_retention_summary": {"en": "CLV over {horizon} years = {finite:,.2f}; infinite horizon = {infinite:,.2f}; "
                                        "net of acquisition ({horizon} years) = {net:,.2f}",
                                  "zh": "{horizon} 年的客户终身价值 = {finite:,.2f}；无限期 = {infinite:,.2f}；"
                                        "扣除获客成本后（{horizon} 年）= {net:,.2f}"},
        "clv_lifetime_check": {"en": "simulated mean lifetime {simulated:.2f} periods; 1/churn = {formula:.2f}",
                               "zh": "模拟队列的平均生命周期为 {simulated:.2f} 期；1/流失率 = {formula:.2f} 期"},
    }
)


def _finite(name: str, value: ArrayLike) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers, got {value!r}")
    return array


def _rate(name: str, value: ArrayLike, *, low: float, high: float | None, closed_high: bool = True) -> np.ndarray:
    array = _finite(name, value)
    if np.any(array < low) or (high is not None and (np.any(array > high) if closed_high else np.any(array >= high))):
        bound = f"[{low}, {high}{']' if closed_high else ')'}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be in {bound}, got {value!r}")
    return array


def _out(value: np.ndarray) -> float | np.ndarray:
    return float(value) if np.ndim(value) == 0 else value


def contribution(base_profit: ArrayLike, cross_selling: ArrayLike = 0.0, cost_savings: ArrayLike = 0.0) -> float | np.ndarray:
    """Contribution of a customer in a period: base profit + cross-selling profit + cost savings.

    Cost savings are what serving a loyal customer saves (fewer support calls, referrals
    replacing paid acquisition, ...).

    Examples
    --------
    >>> contribution(base_profit=50, cross_selling=10, cost_savings=5)
    65.0
    """
    return _out(_finite("base_profit", base_profit) + _finite("cross_selling", cross_selling)
                + _finite("cost_savings", cost_savings))


def cost(acquisition: ArrayLike = 0.0, loyalty_reward: ArrayLike = 0.0, churn: ArrayLike = 0.0) -> float | np.ndarray:
    """Cost of a customer in a period: acquisition + loyalty reward + churn cost.

    Examples
    --------
    >>> cost(acquisition=30, loyalty_reward=5, churn=2)
    37.0
    """
    return _out(_finite("acquisition", acquisition) + _finite("loyalty_reward", loyalty_reward) + _finite("churn", churn))


def customer_value(
    base_profit: ArrayLike,
    cross_selling: ArrayLike = 0.0,
    cost_savings: ArrayLike = 0.0,
    acquisition: ArrayLike = 0.0,
    loyalty_reward: ArrayLike = 0.0,
    churn: ArrayLike = 0.0,
) -> float | np.ndarray:
    """Customer value in a period = contribution - cost.

    Examples
    --------
    >>> customer_value(base_profit=50, cross_selling=10, cost_savings=5, acquisition=30, loyalty_reward=5, churn=2)
    28.0
    """
    return _out(np.asarray(contribution(base_profit, cross_selling, cost_savings))
                - np.asarray(cost(acquisition, loyalty_reward, churn)))


def present_value(cash_flows: ArrayLike, discount_rate: float, first_period: int = 1) -> float:
    r"""Discounted sum :math:`\sum_t v_t/(1+d)^t` of cash flows at periods ``first_period, first_period+1, ...``.

    Examples
    --------
    >>> round(present_value([110, 121], discount_rate=0.1), 6)
    200.0
    """
    flows = _finite("cash_flows", cash_flows).reshape(-1)
    d = float(_rate("discount_rate", discount_rate, low=0.0, high=None))
    periods = first_period + np.arange(flows.size)
    return float(np.sum(flows / (1 + d) ** periods))


def customer_value_worksheet(
    horizon: int,
    discount_rate: float,
    base_profit: ArrayLike,
    cross_selling: ArrayLike = 0.0,
    cost_savings: ArrayLike = 0.0,
    loyalty_reward: ArrayLike = 0.0,
    churn_cost: ArrayLike = 0.0,
    acquisition_cost: float = 0.0,
    retention_rate: ArrayLike = 1.0,
) -> pd.DataFrame:
    r"""Period-by-period contribution - cost worksheet of one customer (or an average customer).

    Period 0 carries the acquisition cost; periods 1..H carry contribution and the running
    costs, weighted by the probability that the customer is still there,
    :math:`\prod_{k\le t} r_k`, and discounted by :math:`(1+d)^{-t}`. Each input may be
    a number (the same every period) or a sequence of ``horizon`` values.

    Parameters
    ----------
    horizon
        Number of periods after acquisition.
    discount_rate
        Discount rate per period, e.g. 0.1.
    base_profit, cross_selling, cost_savings
        Contribution components per period.
    loyalty_reward, churn_cost
        Running cost components per period.
    acquisition_cost
        One-off cost in period 0.
    retention_rate
        Probability of still being a customer from one period to the next (1 = certain).

    Returns
    -------
    pandas.DataFrame
        Index ``period`` 0..H; columns ``contribution``, ``cost``, ``value``, ``survival``,
        ``discount_factor``, ``discounted_value`` and ``cumulative_discounted_value``
        (the last row holds the customer value over the horizon).

    Examples
    --------
    >>> sheet = customer_value_worksheet(3, 0.1, base_profit=100, acquisition_cost=150)
    >>> round(float(sheet["cumulative_discounted_value"].iloc[-1]), 2)
    98.69
    """
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"horizon must be a whole number of periods >= 1, got {horizon!r}")
    horizon = int(horizon)
    d = float(_rate("discount_rate", discount_rate, low=0.0, high=None))

    def per_period(name: str, value: ArrayLike) -> np.ndarray:
        array = _finite(name, value)
        if array.ndim == 0:
            return np.full(horizon, float(array))
        if array.shape != (horizon,):
            raise ValueError(f"{name} must be a number or {horizon} values (one per period), got {array.shape[0]}")
        return array

    contrib = per_period("base_profit", base_profit) + per_period("cross_selling", cross_selling) \
        + per_period("cost_savings", cost_savings)
    running_cost = per_period("loyalty_reward", loyalty_reward) + per_period("churn_cost", churn_cost)
    retention = per_period("retention_rate", retention_rate)
    if np.any(retention < 0) or np.any(retention > 1):
        raise ValueError("retention_rate must be in [0, 1]")
    acquisition = float(_finite("acquisition_cost", acquisition_cost))
    periods = np.arange(horizon + 1)
    table = pd.DataFrame({
        "contribution": np.concatenate([[0.0], contrib]),
        "cost": np.concatenate([[acquisition], running_cost]),
    }, index=pd.Index(periods, name="period"))
    table["value"] = table["contribution"] - table["cost"]
    table["survival"] = np.concatenate([[1.0], np.cumprod(retention)])
    table["discount_factor"] = (1 + d) ** -periods.astype(float)
    table["discounted_value"] = table["value"] * table["survival"] * table["discount_factor"]
    table["cumulative_discounted_value"] = table["discounted_value"].cumsum()
    return table


def margin_multiple(retention_rate: ArrayLike, discount_rate: ArrayLike,
                    timing: Literal["end", "start"] = "end") -> float | np.ndarray:
    r"""CLV per unit of margin over an infinite horizon.

    ``timing="end"`` (margin received at the end of each period survived, Gupta & Lehmann 2003):
    :math:`r/(1+d-r)`; ``timing="start"`` (first margin received now): :math:`(1+d)/(1+d-r)`.

    Examples
    --------
    >>> round(margin_multiple(0.8, 0.12), 3)
    2.5
    """
    r = _rate("retention_rate", retention_rate, low=0.0, high=1.0)
    d = _rate("discount_rate", discount_rate, low=0.0, high=None)
    if np.any((r >= 1) & (d == 0)):
        raise ValueError("with retention_rate = 1 and discount_rate = 0 the infinite-horizon CLV is infinite")
    numerator = r if timing == "end" else 1 + d
    if timing not in ("end", "start"):
        raise ValueError(f"timing must be 'end' or 'start', got {timing!r}")
    return _out(numerator / (1 + d - r))


def retention_clv(
    margin: ArrayLike,
    retention_rate: ArrayLike,
    discount_rate: ArrayLike,
    horizon: int | None = None,
    acquisition_cost: ArrayLike = 0.0,
    timing: Literal["end", "start"] = "end",
) -> float | np.ndarray:
    r"""Retention-based CLV with a constant margin, retention rate and discount rate.

    .. math::

       CLV = \sum_{t=t_0}^{t_0+H-1} m\left(\frac{r}{1+d}\right)^t - AC,\qquad
       t_0 = 1 \text{ (timing "end") or } 0 \text{ (timing "start")},

    a geometric series: :math:`m\,q^{t_0}(1-q^H)/(1-q)` with :math:`q = r/(1+d)`; with
    ``horizon=None`` the infinite sum :math:`m\cdot` :func:`margin_multiple`.

    Parameters
    ----------
    margin
        Margin per period of an active customer.
    retention_rate
        Share of customers kept from one period to the next, in [0, 1].
    discount_rate
        Discount rate per period (>= 0).
    horizon
        Number of margins counted; ``None`` for an infinite horizon.
    acquisition_cost
        Subtracted once (undiscounted, period 0).
    timing
        ``"end"``: margins at the end of each period the customer survives (first after one
        retention); ``"start"``: margins at the start of each period (first one now).

    Examples
    --------
    >>> round(retention_clv(100, 0.8, 0.1, horizon=3), 2)
    164.09
    >>> round(retention_clv(100, 0.8, 0.1, timing="start"), 2)
    366.67
    """
    if timing not in ("end", "start"):
        raise ValueError(f"timing must be 'end' or 'start', got {timing!r}")
    m = _finite("margin", margin)
    r = _rate("retention_rate", retention_rate, low=0.0, high=1.0)
    d = _rate("discount_rate", discount_rate, low=0.0, high=None)
    ac = _finite("acquisition_cost", acquisition_cost)
    q = r / (1 + d)
    first = q if timing == "end" else np.ones_like(q)
    if horizon is None:
        if np.any(q >= 1):
            raise ValueError("with retention_rate = 1 and discount_rate = 0 the infinite-horizon CLV is infinite")
        total = m * first / (1 - q)
    else:
        if int(horizon) != horizon or horizon < 0:
            raise ValueError(f"horizon must be a whole number of periods >= 0, got {horizon!r}")
        q_safe = np.where(q < 1, q, 0.5)
        if horizon == 0:                                   # no margin counted (0 * log(0) would be nan when r = 0)
            series = np.zeros_like(q_safe, dtype=float)
        else:
            with np.errstate(divide="ignore"):
                series = np.where(q < 1, -np.expm1(horizon * np.log(q_safe)) / (1 - q_safe), float(horizon))
        total = m * first * series
    return _out(total - ac)


def expected_lifetime(churn_rate: ArrayLike) -> float | np.ndarray:
    r"""Average remaining lifetime of a group that loses a constant share per period: :math:`1/c` periods.

    With churn :math:`c` per period the lifetime is geometric and its mean is :math:`1/c`
    (e.g. 20% churn a year -> 5 years).

    Examples
    --------
    >>> expected_lifetime([0.2, 0.5]).tolist()
    [5.0, 2.0]
    """
    c = _rate("churn_rate", churn_rate, low=0.0, high=1.0)
    if np.any(c == 0):
        raise ValueError("churn_rate must be > 0: with no churn the lifetime is infinite")
    return _out(1 / c)


def sensitivity(
    function: Callable[..., float],
    inputs: Mapping[str, float],
    change: float = 0.1,
    vary: Sequence[str] | None = None,
) -> pd.DataFrame:
    r"""How a CLV formula responds to a relative change of each input (data of a tornado chart).

    For each input :math:`k` the formula is evaluated at :math:`x_k(1-\text{change})` and
    :math:`x_k(1+\text{change})` with the other inputs fixed; the elasticity is the
    central-difference estimate :math:`\frac{\partial CLV}{\partial x_k}\frac{x_k}{CLV}`.
    Inputs are clipped to [0, 1] when their name ends in ``rate`` and they were in [0, 1].

    Parameters
    ----------
    function
        A CLV function taking the inputs as keyword arguments, e.g. :func:`retention_clv`.
    inputs
        Base values of the inputs.
    change
        Relative change, e.g. 0.1 for +-10%.
    vary
        Inputs to vary (default: every numeric input that is not 0).

    Returns
    -------
    pandas.DataFrame
        Index: input name; columns ``base_value``, ``low_input``, ``high_input``, ``clv_low``,
        ``clv_base``, ``clv_high``, ``swing`` (clv_high - clv_low) and ``elasticity``, sorted by
        the absolute swing (largest first).

    Examples
    --------
    >>> table = sensitivity(retention_clv, {"margin": 100, "retention_rate": 0.8, "discount_rate": 0.1})
    >>> table.index.tolist()
    ['retention_rate', 'margin', 'discount_rate']
    >>> round(float(table.loc["margin", "elasticity"]), 6)
    1.0
    """
    if not 0 < change < 1:
        raise ValueError(f"change must be in (0, 1), got {change!r}")
    base = dict(inputs)
    clv_base = float(function(**base))
    names = list(vary) if vary is not None else [
        k for k, v in base.items() if isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool) and v != 0
    ]
    rows = []
    for name in names:
        if name not in base:
            raise ValueError(f"unknown input {name!r}; inputs are {sorted(base)}")
        value = float(base[name])
        low, high = value * (1 - change), value * (1 + change)
        if name.endswith("rate") and 0 <= value <= 1:
            low, high = max(low, 0.0), min(high, 1.0)
        clv_low = float(function(**{**base, name: low}))
        clv_high = float(function(**{**base, name: high}))
        elasticity = (clv_high - clv_low) / (high - low) * value / clv_base if clv_base != 0 and high != low else np.nan
        rows.append({"input": name, "base_value": value, "low_input": low, "high_input": high, "clv_low": clv_low,
                     "clv_base": clv_base, "clv_high": clv_high, "swing": clv_high - clv_low, "elasticity": elasticity})
    table = pd.DataFrame(rows).set_index("input")
    return table.reindex(table["swing"].abs().sort_values(ascending=False).index)


def customer_lifetime_value(
    purchase_model,
    spend_model,
    data: pd.DataFrame,
    horizon: int,
    discount_rate: float,
    *,
    period_length: float = 1.0,
    margin: float = 1.0,
) -> pd.Series:
    r"""Model-based CLV of each customer: expected purchases x expected spend x margin, discounted.

    .. math::

       CLV_i = \sum_{k=1}^{H} \frac{m\;E[Z_i]\;\big(E[Y_i(k\ell)] - E[Y_i((k-1)\ell)]\big)}{(1+d)^k}

    where :math:`E[Y_i(t)]` is the purchase model's expected number of purchases of customer
    :math:`i` in the next :math:`t` time units (``purchase_model.expected_purchases``),
    :math:`E[Z_i]` the spend model's expected spend per purchase (``spend_model.expected_spend``),
    :math:`\ell` the length of one discounting period in the purchase model's time unit,
    :math:`d` the discount rate per period and :math:`m` the margin (share of spend that is profit).
    Purchases of period :math:`k` are discounted as if made at its end.

    Parameters
    ----------
    purchase_model
        Fitted :class:`~crmlab.models.BetaGeo`, :class:`~crmlab.models.ParetoNBD` or
        :class:`~crmlab.models.BetaGeoBetaBinom` (anything with ``expected_purchases(data, t)``).
    spend_model
        Fitted :class:`~crmlab.models.GammaGamma` (anything with ``expected_spend(data)``),
        or a number: the same spend per purchase for everyone.
    data
        Customer table with the columns both models need.
    horizon
        Number of discounting periods (e.g. 12 months).
    discount_rate
        Discount rate per period (e.g. 0.01 a month).
    period_length
        Length of one discounting period in the purchase model's time unit (e.g. 52/12 weeks
        for months when the model was fitted in weeks).
    margin
        Profit margin on spend, in [0, 1] typically.

    Returns
    -------
    pandas.Series
        CLV per customer, aligned with ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmlab.models import BetaGeo, GammaGamma
    >>> purchases = BetaGeo().use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> spend = GammaGamma().use_estimates(p=6.25, q=3.74, gamma=15.44)
    >>> customers = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 30.43], "T": [38.86, 38.86],
    ...                           "monetary_value": [0.0, 30.0]})
    >>> clv = customer_lifetime_value(purchases, spend, customers, horizon=12, discount_rate=0.01,
    ...                               period_length=52 / 12, margin=0.3)
    >>> bool(clv.iloc[1] > clv.iloc[0] > 0)
    True
    """
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"horizon must be a whole number of periods >= 1, got {horizon!r}")
    d = float(_rate("discount_rate", discount_rate, low=0.0, high=None))
    if not (np.isfinite(period_length) and period_length > 0):
        raise ValueError(f"period_length must be positive, got {period_length!r}")
    m = float(_finite("margin", margin))
    if isinstance(spend_model, (int, float, np.floating, np.integer)):
        spend = np.full(len(data), float(spend_model))
    else:
        spend = np.asarray(spend_model.expected_spend(data), dtype=np.float64)
    previous = np.zeros(len(data))
    total = np.zeros(len(data))
    for k in range(1, int(horizon) + 1):  # loop over periods, vectorised over customers
        cumulative = np.asarray(purchase_model.expected_purchases(data, k * period_length), dtype=np.float64)
        total += (cumulative - previous) / (1 + d) ** k
        previous = cumulative
    index = data.index if isinstance(data, pd.DataFrame) else None
    return pd.Series(m * spend * total, index=index, name="clv")


def segment_lifetimes(
    table: pd.DataFrame,
    segment_col: str,
    churn_col: str,
    charges_col: str,
    tenure_col: str | None = None,
    churn: str = "exposure",
) -> pd.DataFrame:
    r"""Churn rate per period, expected lifetime :math:`T = 1/c` and mean charge of each customer group.

    ``table`` is a snapshot of subscribers: how long each has been a customer (``tenure_col``) and
    a 0/1 flag of who has left (e.g. the Telco table). A churn *rate* counts leavers per
    customer-period of exposure, :math:`c = 	ext{leavers} / \sum 	ext{tenure}`
    (:func:`crmlab.survival.churn_per_exposure`, the default ``churn="exposure"``); the expected
    lifetime is :math:`1/c` periods (:func:`expected_lifetime`). The share of the group that
    has left (``churn="snapshot"``) is *not* a rate per period unless every customer was observed
    for exactly one period; it is kept, in the columns ``snapshot_share`` and
    ``snapshot_lifetime``, to show that mistake.

    Parameters
    ----------
    table
        One row per customer.
    segment_col
        Group column (e.g. contract type); categories keep their order.
    churn_col
        1 (or ``True``) = has left, 0 = still a customer. Other values are refused.
    charges_col
        Charge per period (>= 0, no missing values).
    tenure_col
        Periods as a customer so far (>= 0); required by ``churn="exposure"``; adds ``mean_tenure``.
    churn
        ``"exposure"`` (leavers per customer-period, the right rate) or ``"snapshot"`` (share who left).

    Returns
    -------
    pandas.DataFrame
        Index ``segment``; columns ``customers``, ``churn_rate``, ``expected_lifetime``,
        ``mean_charges``, ``snapshot_share``, ``snapshot_lifetime`` (and ``exposure``,
        ``mean_tenure`` with a tenure column). A group nobody left has no finite lifetime and is
        refused with an error naming it.

    Examples
    --------
    >>> subs = pd.DataFrame({"plan": ["a", "a", "a", "a", "b", "b"], "left": [1, 0, 0, 0, 1, 0],
    ...                      "fee": [10, 20, 30, 40, 50, 70], "months": [2, 4, 6, 8, 5, 5]})
    >>> segment_lifetimes(subs, "plan", "left", "fee", "months")[["churn_rate", "expected_lifetime"]].to_numpy().tolist()
    [[0.05, 20.0], [0.1, 10.0]]
    >>> segment_lifetimes(subs, "plan", "left", "fee", churn="snapshot")["expected_lifetime"].tolist()  # the pitfall
    [4.0, 2.0]
    """
    from ._table_checks import numeric_column, require_columns, require_complete, require_table

    if churn not in ("exposure", "snapshot"):
        raise ValueError(f"churn must be 'exposure' or 'snapshot', got {churn!r}")
    if churn == "exposure" and not tenure_col:
        raise ValueError("churn='exposure' needs tenure_col, the periods each customer has been observed: "
                         "leavers divided by customers is no rate per period")
    require_table(table, "subscriber table")
    columns = [segment_col, churn_col, charges_col] + ([tenure_col] if tenure_col else [])
    require_columns(table, columns, "subscriber table")
    require_complete(table, [segment_col], "subscriber table")
    flags = table[churn_col]
    if pd.api.types.is_bool_dtype(flags):
        flags = flags.astype("int64")
    churned = numeric_column(pd.DataFrame({churn_col: flags}), churn_col)
    bad = int((~np.isin(churned, [0.0, 1.0])).sum())
    if bad:
        raise ValidationError(f"column {churn_col!r} must be 0/1 (1 = left); {bad} row(s) are something else",
                              column=churn_col, rows=bad, total=len(churned))
    frame = pd.DataFrame({
        "segment": table[segment_col].to_numpy(),
        "churned": churned,
        "charges": numeric_column(table, charges_col, non_negative=True),
    })
    if tenure_col:
        frame["tenure"] = numeric_column(table, tenure_col, non_negative=True)
    if isinstance(table[segment_col].dtype, pd.CategoricalDtype):
        frame["segment"] = pd.Categorical(frame["segment"], categories=table[segment_col].cat.categories,
                                          ordered=table[segment_col].cat.ordered)
    grouped = frame.groupby("segment", observed=True, sort=True)
    share = grouped["churned"].mean()
    out = pd.DataFrame({"customers": grouped.size().astype("int64")})
    if churn == "exposure":
        from .survival import churn_per_exposure

        rates = churn_per_exposure(frame, "tenure", "churned", "segment")
        out["churn_rate"] = rates["churn_rate"].reindex(out.index).to_numpy()
        out["exposure"] = rates["exposure"].reindex(out.index).to_numpy()
    else:
        out["churn_rate"] = share
    never = out.index[out["churn_rate"] == 0].tolist()
    if never:
        raise ValueError(f"nobody left in group(s) {never}: their lifetime 1/churn rate is infinite")
    out["expected_lifetime"] = 1 / out["churn_rate"]
    out["mean_charges"] = grouped["charges"].mean()
    if tenure_col:
        out["mean_tenure"] = grouped["tenure"].mean()
    out["snapshot_share"] = share
    out["snapshot_lifetime"] = np.where(share > 0, 1 / share.where(share > 0, 1.0), np.inf)
    out.index = pd.Index(list(out.index), name="segment")
    return out


def describe_worksheet(current_value: float, worksheet_clv: float, horizon_years: int, payback_period: int | None,
                       lang: str = "en") -> str:
    """Two lines for the reader: current value (year 1) and the worksheet CLV with its payback year.

    ``payback_period`` is ``None`` when the cumulative value never turns positive within the horizon.

    Examples
    --------
    >>> print(describe_worksheet(85, 143.97, 10, 3))
    current value (year 1, before acquisition cost): 85.00
    CLV over 10 years, net of acquisition: 143.97; paid back in year 3
    >>> print(describe_worksheet(85, -20.5, 2, None, lang="zh"))
    当前价值（第 1 年，未扣除获客成本）：85.00
    2 年的客户终身价值（扣除获客成本后）：-20.50；2 年内没有回本
    """
    key = "clv_worksheet_total" if payback_period is not None else "clv_worksheet_not_paid_back"
    return "\n".join([
        _label("clv_worksheet_current", lang).format(current_value=current_value),
        _label(key, lang).format(horizon=horizon_years, clv=worksheet_clv, payback=payback_period),
    ])


def describe_retention_clv(multiple: float, clv_finite: float, clv_infinite: float, clv_net: float,
                           horizon_years: int, lang: str = "en") -> str:
    """Two lines for the reader: the margin multiple and the finite, infinite and net retention CLV.

    Examples
    --------
    >>> print(describe_retention_clv(8 / 3, 255.627, 266.667, 105.627, 10, lang="zh"))
    利润乘数 r/(1+d-r) = 2.667
    10 年的客户终身价值 = 255.63；无限期 = 266.67；扣除获客成本后（10 年）= 105.63
    """
    return "\n".join([
        _label("clv_margin_multiple_line", lang).format(multiple=multiple),
        _label("clv_retention_summary", lang).format(horizon=horizon_years, finite=clv_finite, infinite=clv_infinite,
                                                     net=clv_net),
    ])


def describe_lifetime_check(simulated_mean: float, formula_lifetime: float, lang: str = "en") -> str:
    """One line for the reader: the mean lifetime of a simulated cohort next to the formula 1/churn.

    Examples
    --------
    >>> describe_lifetime_check(4.9506, 5.0)
    'simulated mean lifetime 4.95 periods; 1/churn = 5.00'
    >>> describe_lifetime_check(4.9506, 5.0, lang="zh")
    '模拟队列的平均生命周期为 4.95 期；1/流失率 = 5.00 期'
    """
    return _label("clv_lifetime_check", lang).format(simulated=simulated_mean, formula=formula_lifetime)


def plot_retention_clv(
    margin: float,
    retention_rate: float,
    discount_rate: float,
    horizon: int,
    acquisition_cost: float = 0.0,
    lang: str = "en",
    ax=None,
):
    r"""Bars of each period's discounted expected margin :math:`m\,(r/(1+d))^t`, the running CLV and its limit.

    The title gives the finite-horizon CLV net of ``acquisition_cost``
    (:func:`retention_clv`); the dashed line is the infinite-horizon CLV.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_retention_clv(100, 0.8, 0.1, horizon=10)
    >>> len(ax.patches)
    10
    """
    import matplotlib.pyplot as plt

    lang_code = lang
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"horizon must be a whole number of periods >= 1, got {horizon!r}")
    periods = np.arange(1, int(horizon) + 1)
    per_period = np.array([retention_clv(margin, retention_rate, discount_rate, horizon=int(k))
                           - retention_clv(margin, retention_rate, discount_rate, horizon=int(k) - 1) for k in periods])
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8))
    ax.bar(periods, per_period, color="C0", alpha=0.7, label=_label("discounted_value", lang_code))
    ax.plot(periods, np.cumsum(per_period) - acquisition_cost, color="C1", marker="o", markersize=3,
            label=_label("clv_to_date", lang_code))
    if retention_rate < 1 or discount_rate > 0:
        limit = retention_clv(margin, retention_rate, discount_rate, acquisition_cost=acquisition_cost)
        ax.axhline(limit, color="C3", linestyle="--", label=_label("clv_infinite", lang_code))
    total = retention_clv(margin, retention_rate, discount_rate, horizon=int(horizon), acquisition_cost=acquisition_cost)
    ax.set_title(_label("retention_clv_title", lang_code).format(clv=total))
    ax.set_xlabel(_label("period", lang_code))
    ax.set_ylabel(_label("clv", lang_code))
    ax.legend(loc="best", fontsize="small")
    return ax


RETENTION_CLV_INPUTS = ("margin", "retention_rate", "discount_rate", "horizon", "acquisition_cost")


def retention_clv_range(setting: Mapping[str, float], spans: Mapping[str, tuple[float, float]],
                        pad: float = 0.05) -> tuple[float, float]:
    """The money range :func:`plot_retention_clv` shows while one input at a time moves across its span.

    ``setting`` gives every input of :func:`plot_retention_clv` (``margin``, ``retention_rate``,
    ``discount_rate``, ``horizon``, ``acquisition_cost``); ``spans`` a ``(low, high)`` range for
    some of them (a calculator's sliders). Each bar, the running CLV and the infinite-horizon line
    grow with margin, retention and horizon and fall with the discount rate and the acquisition cost,
    so the ends of each span bound what it can show; ``pad`` adds matplotlib's 5% on each side.
    Settings where several inputs sit at their extremes together may go beyond this range.

    Examples
    --------
    >>> at = dict(margin=100, retention_rate=0.8, discount_rate=0.1, horizon=10, acquisition_cost=150)
    >>> tuple(round(v, 1) for v in retention_clv_range(at, {}, pad=0))   # the first year's CLV, the infinite CLV
    (-77.3, 116.7)
    >>> tuple(round(v, 1) for v in retention_clv_range(at, {"margin": (0, 500)}, pad=0))
    (-150.0, 1183.3)
    """
    unknown = sorted(set(setting) ^ set(RETENTION_CLV_INPUTS)) + sorted(set(spans) - set(RETENTION_CLV_INPUTS))
    if unknown:
        raise ValidationError(f"retention_clv_range: setting takes exactly {list(RETENTION_CLV_INPUTS)} and spans "
                              f"some of them; {len(unknown)} wrong: {unknown}")
    for name, span in spans.items():
        if len(span) != 2 or not span[0] <= span[1]:
            raise ValidationError(f"retention_clv_range: span of {name!r} must be (low, high), got {span!r}")
    settings = [dict(setting)] + [{**setting, name: end} for name, span in spans.items() for end in span]
    low, high = 0.0, 0.0                                     # the bars start at zero
    for s in settings:
        m, r, d, cost = s["margin"], s["retention_rate"], s["discount_rate"], s["acquisition_cost"]
        first = float(retention_clv(m, r, d, horizon=1))     # the tallest bar; the running CLV starts at first - cost
        last = float(retention_clv(m, r, d, horizon=int(s["horizon"]), acquisition_cost=cost))
        values = [first, first - cost, last]
        if r < 1 or d > 0:
            values.append(float(retention_clv(m, r, d, acquisition_cost=cost)))
        low, high = min(low, *values), max(high, *values)
    room = pad * (high - low)
    return low - room, high + room


def _label(key: str, lang_code: str) -> str:
    return lang.label(key, lang_code)  # the module: plot functions take a parameter named lang


def plot_tornado(table: pd.DataFrame, lang: str = "en", ax=None):
    """Tornado chart of a :func:`sensitivity` table: one bar per input from CLV(low) to CLV(high).

    The widest bar (the input CLV reacts to most) is on top; the vertical line is the base CLV.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> table = sensitivity(retention_clv, {"margin": 100, "retention_rate": 0.8, "discount_rate": 0.1})
    >>> ax = plot_tornado(table)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Discount rate', 'Margin', 'Retention rate']
    """
    import matplotlib.pyplot as plt

    needed = ["base_value", "low_input", "high_input", "clv_low", "clv_high", "clv_base"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise MissingColumnError(f"the sensitivity table lacks column(s) {missing}; make it with crmlab.clv.sensitivity",
                                 column=missing[0] if len(missing) == 1 else missing)
    rows = table.iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.6 * len(rows) + 1.6))
    y = np.arange(len(rows))
    base = float(rows["clv_base"].iloc[0])
    ax.barh(y, rows["clv_low"] - base, left=base, color="C0", label=_label("low_input", lang))
    ax.barh(y, rows["clv_high"] - base, left=base, color="C1", label=_label("high_input", lang))
    ax.axvline(base, color="0.2", linewidth=1)
    names = [_label(name, lang) if _known(name) else name for name in rows.index]
    ax.set_yticks(y, names)
    pct = float(np.median((rows["high_input"] / rows["base_value"] - 1).abs() * 100))
    ax.set_title(_label("tornado_title", lang).format(pct=pct))
    ax.set_xlabel(_label("clv", lang))
    ax.legend(loc="lower right", fontsize="small")
    return ax


def _known(key: str) -> bool:
    return key in lang.terms()
