"""Integrated marketing communication (整合营销传播): split a promotion budget over the five tools.

The five tools of the communication mix are advertising (广告), sales promotion (销售促进),
public relations and publicity (公共关系与宣传), personal selling (人员推销) and direct
marketing (直复营销). Each has a response curve with diminishing returns: the first money
spent on a tool does more than the last. :func:`optimal_allocation` finds the split that
gives the largest total response with ``scipy.optimize`` and :func:`explain_optimum` says
why it is optimal: at the optimum every funded tool returns the same extra response for one
more unit of money (equal marginal returns, the Lagrange multiplier λ), and a tool whose
*first* unit returns less than λ gets nothing. For exponential curves the answer has a closed
form, :func:`water_filling_exponential`, which the tests compare with the numerical optimum.

Spend and budget are in thousand CNY; the response is extra sales in thousand CNY. The
default curves are invented for teaching.

Examples
--------
>>> table = optimal_allocation(300.0)
>>> round(float(table["spend"].sum()), 6)
300.0
>>> round(table.attrs["marginal_return"], 3) == round(water_filling_exponential(300.0)[1], 3)
True
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy import optimize

from .lang import check_lang, label, localize, register, with_display

__all__ = [
    "PROMOTION_TOOLS",
    "ResponseCurve",
    "default_curves",
    "tools_table",
    "total_response",
    "allocation_table",
    "optimal_allocation",
    "water_filling_exponential",
    "integrated_response",
    "integrated_allocation",
    "imc_comparison",
    "explain_optimum",
    "plot_response_curves",
    "plot_allocation",
]

PROMOTION_TOOLS: tuple[str, ...] = (
    "advertising", "sales_promotion", "public_relations", "personal_selling", "direct_marketing",
)

_TOOL_TEXT = {
    "advertising": ("Advertising", "广告",
                    "Paid, non-personal presentation of an offer by a named sponsor to many people at once.",
                    "由明确的出资方付费、面向大众的非人员宣传。"),
    "sales_promotion": ("Sales promotion", "销售促进",
                        "Short-term incentives to try or buy now: coupons, discounts, gifts, samples.",
                        "鼓励马上试用或购买的短期刺激，如优惠券、折扣、赠品、试用装。"),
    "public_relations": ("Public relations and publicity", "公共关系与宣传",
                         "Programmes that build or protect the image of the firm or its products with the public.",
                         "面向公众和相关方、用来树立或维护企业及产品形象的活动。"),
    "personal_selling": ("Personal selling", "人员推销",
                         "Face-to-face contact with prospective buyers to present, answer questions and take orders.",
                         "与潜在买家面对面接触，介绍产品、解答疑问、拿下订单。"),
    "direct_marketing": ("Direct marketing", "直复营销",
                         "Addressing chosen customers directly (mail, phone, e-mail, app) and asking for a reply.",
                         "通过邮件、电话、短信、应用等直接联系选定的顾客并请求回应。"),
}

register({f"promo_{key}": {"en": text[0], "zh": text[1]} for key, text in _TOOL_TEXT.items()})
register({f"imc_spend_{key}": {"en": text[0], "zh": text[1]} for key, text in _TOOL_TEXT.items()})  # imc_comparison
register(
    {
        "imc_equal_split": {"en": "Equal split", "zh": "平均分配"},
        "imc_tool_by_tool": {"en": "Optimised tool by tool", "zh": "各工具分别优化"},
        "imc_integrated": {"en": "Integrated plan (IMC)", "zh": "整合传播计划"},
        "imc_response_integrated": {"en": "Extra sales, one message", "zh": "额外销售（统一信息）"},
        "imc_response_separate": {"en": "Extra sales, separate messages", "zh": "额外销售（各自为政）"},
        "imc_synergy": {"en": "Synergy between tools", "zh": "工具间协同"},
        "imc_plan": {"en": "plan", "zh": "方案"},
        "imc_summary": {
            "en": ("synergy {synergy:g}: the integrated plan with one message brings {integrated:.1f}, "
                   "the tool-by-tool optimum {tool_by_tool:.1f}; separate messages cap any plan at {cap:.1f}"),
            "zh": ("协同系数 {synergy:g}：统一信息的整合传播计划带来 {integrated:.1f}，各工具分别优化的方案带来 "
                   "{tool_by_tool:.1f}；各工具信息各自为政时，任何方案最多带来 {cap:.1f}"),
        },
        "promo_tool": {"en": "Promotion tool", "zh": "传播工具"},
        "promo_equal_vs_optimum": {"en": "equal split: {equal:.1f}; optimum: {optimum:.1f}",
                                   "zh": "平均分配：{equal:.1f}；最优分配：{optimum:.1f}"},
        "promo_random_best": {"en": "best of {n} random splits: {best:.1f}; optimum: {optimum:.1f}",
                              "zh": "{n} 种随机分配中最好的一种：{best:.1f}；最优分配：{optimum:.1f}"},
        "promo_definition": {"en": "What it is", "zh": "含义"},
        "promo_spend": {"en": "Spend (thousand CNY)", "zh": "投入（千元）"},
        "promo_spend_share": {"en": "Share of budget", "zh": "预算占比"},
        "promo_response": {"en": "Extra sales (thousand CNY)", "zh": "带来的销售额（千元）"},
        "promo_marginal": {"en": "Extra sales from one more thousand", "zh": "再投一千元带来的销售额"},
        "promo_marginal_return": {"en": "Extra sales from one more thousand", "zh": "再投一千元带来的销售额"},
        "promo_curve": {"en": "Response curve", "zh": "响应曲线"},
        "promo_optimum": {"en": "Optimal spend", "zh": "最优投入"},
        "promo_your_split": {"en": "Your split", "zh": "你的分配"},
        "promo_optimal_split": {"en": "Optimal split", "zh": "最优分配"},
        "promo_explain": {
            "en": ("At the optimum each funded tool returns {lam:.3f} of extra sales for one more unit of money "
                   "(equal marginal returns); moving money between them cannot raise the total of {total:,.1f}."),
            "zh": "最优时，每个获得预算的工具再多投一元都带来 {lam:.3f} 元销售（边际回报相等）；"
                  "在它们之间挪动预算无法让总额 {total:,.1f} 再提高。",
        },
        "promo_explain_unfunded": {
            "en": " {tools} get nothing: even their first unit of money returns less than {lam:.3f}.",
            "zh": "{tools}不获得预算：它们第一元的回报就低于 {lam:.3f}。",
        },
    }
)


@dataclass(frozen=True)
class ResponseCurve:
    """Extra sales as a function of spend ``x`` (≥ 0) on one tool.

    ``kind="exponential"``: ``scale * (1 - exp(-rate * x))`` (saturates at ``scale``; the
    first unit returns ``scale * rate``). ``kind="power"``: ``scale * x ** rate`` with
    ``0 < rate < 1`` (never saturates, but each unit returns less than the one before).

    Examples
    --------
    >>> curve = ResponseCurve(scale=100.0, rate=0.02)
    >>> round(float(curve.response(50.0)), 3), round(float(curve.marginal(0.0)), 3)
    (63.212, 2.0)
    """

    scale: float
    rate: float
    kind: str = "exponential"

    def __post_init__(self) -> None:
        if self.kind not in ("exponential", "power"):
            raise ValueError(f"kind must be 'exponential' or 'power'; got {self.kind!r}")
        if not (np.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"scale must be a positive number; got {self.scale!r}")
        if not (np.isfinite(self.rate) and self.rate > 0) or (self.kind == "power" and self.rate >= 1):
            raise ValueError(f"rate must be > 0 (and < 1 for power curves); got {self.rate!r}")

    def response(self, spend: float | np.ndarray) -> float | np.ndarray:
        """Extra sales for ``spend``."""
        x = np.asarray(spend, dtype=float)
        if self.kind == "exponential":
            return self.scale * -np.expm1(-self.rate * x)
        return self.scale * np.power(np.maximum(x, 0.0), self.rate)

    def marginal(self, spend: float | np.ndarray) -> float | np.ndarray:
        """Extra sales from one more unit of money at ``spend`` (the derivative)."""
        x = np.asarray(spend, dtype=float)
        if self.kind == "exponential":
            return self.scale * self.rate * np.exp(-self.rate * x)
        with np.errstate(divide="ignore"):
            return self.scale * self.rate * np.power(np.maximum(x, 0.0), self.rate - 1.0)


_DEFAULTS = {
    # tool: (exponential scale, rate), (power scale, exponent); invented for teaching
    "advertising": ((400.0, 0.004), (12.0, 0.55)),
    "sales_promotion": ((150.0, 0.02), (25.0, 0.30)),
    "public_relations": ((120.0, 0.01), (10.0, 0.45)),
    "personal_selling": ((300.0, 0.008), (15.0, 0.50)),
    "direct_marketing": ((180.0, 0.012), (14.0, 0.45)),
}


def default_curves(kind: str = "exponential") -> dict[str, ResponseCurve]:
    """The course's invented response curves of the five tools.

    Exponential: advertising has the highest ceiling but pays off slowly, sales promotion
    pays off fastest but saturates early, personal selling and direct marketing sit between,
    public relations returns least per unit at the start.

    Examples
    --------
    >>> round(float(default_curves()["sales_promotion"].marginal(0.0)), 2)
    3.0
    """
    if kind not in ("exponential", "power"):
        raise ValueError(f"kind must be 'exponential' or 'power'; got {kind!r}")
    column = 0 if kind == "exponential" else 1
    return {tool: ResponseCurve(*params[column], kind=kind) for tool, params in _DEFAULTS.items()}


def tools_table(lang: str = "en") -> pd.DataFrame:
    """The five promotion tools with a one-line definition each.

    Examples
    --------
    >>> tools_table("zh").iloc[3, 0]
    '人员推销'
    """
    check_lang(lang)
    index = 0 if lang == "en" else 1
    rows = [{"promo_tool": text[index], "promo_definition": text[2 + index]} for text in _TOOL_TEXT.values()]
    return localize(pd.DataFrame(rows), lang)


def _curves(curves: Mapping[str, ResponseCurve] | None) -> dict[str, ResponseCurve]:
    chosen = default_curves() if curves is None else dict(curves)
    if not chosen:
        raise ValueError("curves is empty: give at least one tool")
    bad = [name for name, c in chosen.items() if not isinstance(c, ResponseCurve)]
    if bad:
        raise TypeError(f"curves of {bad} are not ResponseCurve objects")
    return chosen


def _spend_vector(spend: Mapping[str, float], curves: Mapping[str, ResponseCurve]) -> np.ndarray:
    unknown = [t for t in spend if t not in curves]
    if unknown:
        raise KeyError(f"no response curve for tool(s) {unknown}; the tools are {list(curves)}")
    x = np.array([float(spend.get(t, 0.0)) for t in curves])
    if not np.isfinite(x).all() or (x < 0).any():
        raise ValueError("spend must be finite numbers of at least 0")
    return x


def total_response(spend: Mapping[str, float], curves: Mapping[str, ResponseCurve] | None = None) -> float:
    """Total extra sales of a split ``{tool: spend}`` (tools left out get 0).

    Examples
    --------
    >>> round(total_response({"advertising": 100.0, "sales_promotion": 50.0}), 2)
    226.69
    """
    curves = _curves(curves)
    x = _spend_vector(spend, curves)
    return float(sum(c.response(v) for c, v in zip(curves.values(), x)))


def allocation_table(spend: Mapping[str, float], curves: Mapping[str, ResponseCurve] | None = None
                     ) -> pd.DataFrame:
    """Spend, share, response and marginal return of every tool for a given split.

    Columns ``tool``, ``spend``, ``spend_share``, ``response``, ``marginal_return``;
    ``attrs["total_response"]`` holds the total. Keys whatever the language: show it with
    :func:`crmlab.lang.localize` (tool names and headers in the reader's language).

    Examples
    --------
    >>> table = allocation_table({"advertising": 200.0, "personal_selling": 100.0})
    >>> table["spend"].tolist()
    [200.0, 0.0, 0.0, 100.0, 0.0]
    >>> localize(table, "zh")["传播工具"].tolist()[:2]
    ['广告', '销售促进']
    """
    curves = _curves(curves)
    x = _spend_vector(spend, curves)
    response = np.array([float(c.response(v)) for c, v in zip(curves.values(), x)])
    marginal = np.array([float(c.marginal(v)) for c, v in zip(curves.values(), x)])
    total_spend = x.sum()
    table = pd.DataFrame({
        "tool": list(curves),
        "spend": x,
        "spend_share": x / total_spend if total_spend > 0 else np.zeros_like(x),
        "response": response,
        "marginal_return": marginal,
    })
    table.attrs["total_response"] = float(response.sum())
    return with_display(table, prefixes=("promo_",), value_columns=["tool"])


def optimal_allocation(budget: float, curves: Mapping[str, ResponseCurve] | None = None,
                       min_spend: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The split of ``budget`` over the tools that maximises total response (scipy SLSQP).

    Maximises :math:`\\sum_i R_i(x_i)` subject to :math:`\\sum_i x_i = B` and
    :math:`x_i \\ge m_i` (``min_spend``, default 0), with the analytic gradient. At the
    optimum the marginal returns :math:`R_i'(x_i)` of all tools above their minimum are equal
    (the shadow price λ of the budget, ``attrs["marginal_return"]``: what one more unit of
    budget would bring); tools at their minimum have :math:`R_i'(m_i) \\le λ`.

    Parameters
    ----------
    budget
        Money to split (≥ 0, same unit as the curves).
    curves
        ``{tool: ResponseCurve}``; default :func:`default_curves`.
    min_spend
        Spend a tool must get whatever its return (e.g. a contract already signed).

    Returns
    -------
    pandas.DataFrame
        As :func:`allocation_table`; ``attrs`` add ``marginal_return`` (λ), ``budget`` and
        ``converged``.

    Examples
    --------
    >>> table = optimal_allocation(100.0)
    >>> float(table.set_index("tool")["spend"].round(1)["public_relations"])
    0.0
    """
    curves = _curves(curves)
    if not (np.isfinite(budget) and budget >= 0):
        raise ValueError(f"budget must be a number of at least 0; got {budget!r}")
    lower = _spend_vector(min_spend or {}, curves)
    if lower.sum() > budget + 1e-9:
        raise ValueError(f"the minimum spends add up to {lower.sum():g}, more than the budget {budget:g}")
    items = list(curves.values())
    n = len(items)
    free = budget - lower.sum()
    scale = max(budget, 1.0)

    def negative_total(x: np.ndarray) -> float:
        return -sum(float(c.response(v)) for c, v in zip(items, x)) / scale

    def gradient(x: np.ndarray) -> np.ndarray:
        marginal = np.array([float(c.marginal(max(v, 1e-12))) for c, v in zip(items, x)])
        return -np.minimum(marginal, 1e12) / scale

    start = lower + free / n
    if free <= 0 or n == 1:
        x = lower + (free if n == 1 else 0.0)
        converged = True
    else:
        result = optimize.minimize(
            negative_total, start, jac=gradient, method="SLSQP",
            bounds=[(lo, budget) for lo in lower],
            constraints=[{"type": "eq", "fun": lambda x: (x.sum() - budget) / scale,
                          "jac": lambda x: np.ones(n) / scale}],
            options={"ftol": 1e-12, "maxiter": 500},
        )
        x = np.clip(result.x, lower, None)
        x = lower + (x - lower) * (free / max((x - lower).sum(), 1e-300))
        converged = bool(result.success)
    table = allocation_table(dict(zip(curves, x)), curves)
    funded = x > lower + 1e-6 * scale
    marginal = table["marginal_return"].to_numpy()
    lam = float(np.median(marginal[funded])) if funded.any() else float(marginal.max())
    table.attrs.update({"marginal_return": lam, "budget": float(budget), "converged": converged})
    return table


def water_filling_exponential(budget: float, curves: Mapping[str, ResponseCurve] | None = None
                              ) -> tuple[dict[str, float], float]:
    """Closed-form optimum for exponential curves: ``({tool: spend}, λ)``.

    With :math:`R_i(x) = a_i(1 - e^{-b_i x})` the first-order condition
    :math:`a_i b_i e^{-b_i x_i} = λ` gives :math:`x_i = \\max(0, \\ln(a_i b_i / λ) / b_i)`.
    Tools are funded in order of their first-unit return :math:`a_i b_i`; with the set
    :math:`F` of funded tools, :math:`\\ln λ = (\\sum_F \\ln(a_i b_i)/b_i - B) / \\sum_F 1/b_i`.
    Like water poured into vessels, money goes first to the tool with the highest return
    until its return falls to that of the next tool, and so on.

    Examples
    --------
    >>> spend, lam = water_filling_exponential(5.0, {"a": ResponseCurve(100, 0.02), "b": ResponseCurve(60, 0.05)})
    >>> {k: round(v, 3) for k, v in spend.items()}
    {'a': 0.0, 'b': 5.0}
    """
    curves = _curves(curves)
    if any(c.kind != "exponential" for c in curves.values()):
        raise ValueError("water_filling_exponential needs exponential curves only")
    if not (np.isfinite(budget) and budget >= 0):
        raise ValueError(f"budget must be a number of at least 0; got {budget!r}")
    names = list(curves)
    a = np.array([curves[t].scale for t in names])
    b = np.array([curves[t].rate for t in names])
    first = a * b
    order = np.argsort(-first, kind="stable")
    if budget == 0:
        return dict.fromkeys(names, 0.0), float(first.max())
    for k in range(1, len(names) + 1):
        chosen = order[:k]
        log_lam = (np.sum(np.log(first[chosen]) / b[chosen]) - budget) / np.sum(1.0 / b[chosen])
        lam = float(np.exp(log_lam))
        next_first = first[order[k]] if k < len(names) else 0.0
        if lam >= next_first:
            break
    spend = np.maximum(0.0, np.log(first / lam) / b)
    spend[first <= lam] = 0.0
    return {t: float(v) for t, v in zip(names, spend)}, lam


def explain_optimum(table: pd.DataFrame, lang: str = "en") -> str:
    """A sentence that says why an allocation from :func:`optimal_allocation` is optimal.

    Examples
    --------
    >>> explain_optimum(optimal_allocation(100.0)).startswith("At the optimum")
    True
    """
    check_lang(lang)
    if "marginal_return" not in table.attrs:
        raise ValueError("pass the output of optimal_allocation (its attrs hold the marginal return)")
    lam = table.attrs["marginal_return"]
    spend = table.iloc[:, 1].to_numpy(dtype=float)
    names = table.iloc[:, 0].tolist()
    text = label("promo_explain", lang).format(lam=lam, total=table.attrs["total_response"])
    unfunded = [label(f"promo_{n}", lang) if n in _TOOL_TEXT else n
                for n, s in zip(names, spend) if s <= 1e-6 * max(table.attrs.get("budget", 1.0), 1.0)]
    if unfunded:
        joined = ("、" if lang == "zh" else ", ").join(unfunded)
        text += label("promo_explain_unfunded", lang).format(tools=joined, lam=lam)
    return text


def plot_response_curves(curves: Mapping[str, ResponseCurve] | None = None, max_spend: float = 300.0,
                         allocation: pd.DataFrame | None = None, lang: str = "en",
                         ax: Axes | None = None) -> Axes:
    """Response curve of every tool, with the spend of ``allocation`` marked on each.

    Examples
    --------
    >>> ax = plot_response_curves(allocation=optimal_allocation(300.0), lang="zh")  # doctest: +SKIP
    """
    check_lang(lang)
    curves = _curves(curves)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    grid = np.linspace(0.0, max_spend, 200)
    spend = None if allocation is None else allocation.iloc[:, 1].to_numpy(dtype=float)
    for i, (tool, curve) in enumerate(curves.items()):
        name = label(f"promo_{tool}", lang) if tool in _TOOL_TEXT else tool
        line, = ax.plot(grid, curve.response(grid), label=name)
        if spend is not None:
            ax.plot([spend[i]], [float(curve.response(spend[i]))], "o", color=line.get_color())
    ax.set_xlabel(label("promo_spend", lang))
    ax.set_ylabel(label("promo_response", lang))
    ax.legend(fontsize="small")
    return ax


def plot_allocation(optimal: pd.DataFrame, yours: pd.DataFrame | None = None, lang: str = "en",
                    ax: Axes | None = None) -> Axes:
    """Bars of the optimal spend per tool, next to the student's split when given.

    Examples
    --------
    >>> ax = plot_allocation(optimal_allocation(300.0), lang="zh")  # doctest: +SKIP
    """
    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8))
    names = [label(f"promo_{t}", lang) if t in _TOOL_TEXT else str(t) for t in optimal.iloc[:, 0]]
    position = np.arange(len(names))
    width = 0.4 if yours is not None else 0.6
    ax.bar(position - (width / 2 if yours is not None else 0), optimal.iloc[:, 1], width,
           label=label("promo_optimal_split", lang))
    if yours is not None:
        ax.bar(position + width / 2, yours.iloc[:, 1], width, label=label("promo_your_split", lang))
    ax.set_xticks(position)
    ax.set_xticklabels(names, rotation=20, ha="right", fontsize="small")
    ax.set_ylabel(label("promo_spend", lang))
    ax.legend(fontsize="small")
    return ax


# ---------------------------------------------------------------------------------------------
# integrated marketing communication: tools that reinforce each other
# ---------------------------------------------------------------------------------------------

def integrated_response(spend: Mapping[str, float], synergy: float = 0.0,
                        curves: Mapping[str, ResponseCurve] | None = None) -> float:
    r"""Total extra sales when the tools carry one consistent message (整合营销传播).

    :math:`\sum_i R_i(x_i) + \kappa \sum_{i<j} \sqrt{R_i(x_i) R_j(x_j)}`: with synergy
    :math:`\kappa` > 0 every pair of funded tools adds :math:`\kappa` times the geometric mean of
    their responses (an advertisement makes the sales call easier, and so on; the interaction
    idea of Naik & Raman 2003). :math:`\kappa = 0` is tools planned and run separately, whose
    effects only add up. The form and any value of :math:`\kappa` are teaching assumptions.

    Examples
    --------
    >>> spend = {"advertising": 100.0, "personal_selling": 100.0}
    >>> round(integrated_response(spend), 2) == round(total_response(spend), 2)
    True
    >>> round(integrated_response(spend, synergy=0.2) - integrated_response(spend), 2)
    29.52
    """
    if not (np.isfinite(synergy) and synergy >= 0):
        raise ValueError(f"synergy must be a number of at least 0; got {synergy!r}")
    curves = _curves(curves)
    x = _spend_vector(spend, curves)
    r = np.array([float(c.response(v)) for c, v in zip(curves.values(), x)])
    root = np.sqrt(np.maximum(r, 0.0))
    pairs = (root.sum() ** 2 - (root**2).sum()) / 2.0
    return float(r.sum() + synergy * pairs)


def integrated_allocation(budget: float, synergy: float = 0.0,
                          curves: Mapping[str, ResponseCurve] | None = None,
                          start: Mapping[str, float] | None = None) -> dict[str, float]:
    """The split of ``budget`` that maximises :func:`integrated_response` (scipy SLSQP with the
    analytic gradient, started from ``start`` or the tool-by-tool optimum of :func:`optimal_allocation`).

    Examples
    --------
    >>> alone = optimal_allocation(300.0).set_index("tool")["spend"]
    >>> together = integrated_allocation(300.0, synergy=0.3)
    >>> bool(together["public_relations"] > alone["public_relations"])
    True
    """
    if not (np.isfinite(synergy) and synergy >= 0):
        raise ValueError(f"synergy must be a number of at least 0; got {synergy!r}")
    curves = _curves(curves)
    tools, items = list(curves), list(curves.values())
    first = (_spend_vector(start, curves) if start is not None
             else optimal_allocation(budget, curves)["spend"].to_numpy())
    if budget <= 0 or synergy == 0:
        return dict(zip(tools, first))
    scale = max(budget, 1.0)

    def parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = np.maximum(x, 0.0)
        r = np.array([float(c.response(v)) for c, v in zip(items, x)])
        m = np.array([float(c.marginal(v)) for c, v in zip(items, x)])
        return r, m, np.sqrt(np.maximum(r, 1e-12))

    def negative(x: np.ndarray) -> float:
        r, _, root = parts(x)
        return -(r.sum() + synergy * (root.sum() ** 2 - (root**2).sum()) / 2.0) / scale

    def gradient(x: np.ndarray) -> np.ndarray:
        r, m, root = parts(x)
        return -m * (1.0 + synergy * (root.sum() - root) / (2.0 * root)) / scale

    # start a little inside the simplex so that unfunded tools can join (the square root is steep at 0)
    x0 = 0.9 * first + 0.1 * budget / len(tools)
    result = optimize.minimize(negative, x0, jac=gradient, method="SLSQP", bounds=[(0.0, budget)] * len(tools),
                               constraints=[{"type": "eq", "fun": lambda x: (x.sum() - budget) / scale,
                                             "jac": lambda x: np.ones(len(tools)) / scale}],
                               options={"ftol": 1e-12, "maxiter": 500})
    x = np.maximum(result.x, 0.0)
    x = x * budget / x.sum()
    if negative(x) > negative(first):
        x = first
    return dict(zip(tools, x))


def imc_comparison(budget: float, synergy: float, curves: Mapping[str, ResponseCurve] | None = None) -> pd.DataFrame:
    """Three ways to plan the promotion budget, judged with and without a consistent message.

    Rows ``equal_split`` (each tool gets the same), ``tool_by_tool`` (the optimum when tools are
    planned separately, :func:`optimal_allocation`) and ``integrated`` (:func:`integrated_allocation`);
    columns ``response_integrated`` (one message, synergy ``synergy``), ``response_separate`` (no
    synergy) and the spend of each tool (``spend_advertising`` ...); show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> table = imc_comparison(300.0, synergy=0.2)
    >>> bool(table.loc["integrated", "response_integrated"] >= table.loc["tool_by_tool", "response_integrated"])
    True
    >>> localize(table, "en").columns[:3].tolist()
    ['Extra sales, one message', 'Extra sales, separate messages', 'Advertising']
    """
    curves = _curves(curves)
    separate = dict(zip(curves, optimal_allocation(budget, curves)["spend"]))
    plans = {"equal_split": dict.fromkeys(curves, budget / len(curves)), "tool_by_tool": separate,
             "integrated": integrated_allocation(budget, synergy, curves, start=separate)}
    rows = {name: {"response_integrated": integrated_response(plan, synergy, curves),
                   "response_separate": integrated_response(plan, 0.0, curves),
                   **{f"spend_{t}": float(v) for t, v in plan.items()}} for name, plan in plans.items()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "plan"
    return with_display(out, prefixes=("imc_",), index=True)
