"""Marketing management philosophies (营销管理观念): the five concepts as data, a market
simulation in which they compete, and push (推式) versus pull (拉式) supply.

The five philosophies say where a firm puts its effort: into cheap mass output
(production, 生产观念), into a better product (product, 产品观念), into pushing what it
has made (selling, 推销观念), into finding out what customers need (marketing, 营销观念)
or into customers' needs *and* society's long-term interest (societal marketing,
社会营销观念). :func:`simulate_market` lets firms that follow each of them compete in
a market whose condition a student sets, so the lesson "which philosophy wins depends
on the market" comes out of stated mechanisms rather than out of a table.
:func:`simulate_supply` contrasts forecast-driven production (push) with production
to order, just in time (pull, JIT, 准时制).

Examples
--------
>>> result = simulate_market(MarketCondition(scarcity=0.9), seed=1)
>>> market_winner(result, "profit")
'production'
>>> market_winner(simulate_market(MarketCondition(scarcity=0.1, heterogeneity=0.9), seed=1), "profit")
'marketing'
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .lang import check_lang, label, localize, register, with_display

__all__ = [
    "PHILOSOPHY_KEYS",
    "EFFORT_LEVERS",
    "PROVERBS_FROM_SOURCE",
    "DEFAULT_EFFORT",
    "MARKET_OUTCOMES",
    "MarketCondition",
    "philosophies_table",
    "effort_table",
    "proverb",
    "selling_vs_marketing",
    "simulate_market",
    "market_summary",
    "market_winner",
    "market_winners",
    "plot_market",
    "SUPPLY_MODES",
    "simulate_supply",
    "supply_summary",
    "plot_supply",
]

PHILOSOPHY_KEYS: tuple[str, ...] = ("production", "product", "selling", "marketing", "societal")
"""The five philosophies, in the historical order the course tells them."""

EFFORT_LEVERS: tuple[str, ...] = ("efficiency", "quality", "selling", "research", "care")
"""Where a firm can put its effort: production efficiency, product quality, selling and
promotion, customer research, care for society."""

DEFAULT_EFFORT: dict[str, tuple[float, float, float, float, float]] = {
    #             efficiency quality selling research care
    "production": (0.60, 0.10, 0.10, 0.10, 0.10),
    "product": (0.10, 0.60, 0.10, 0.10, 0.10),
    "selling": (0.10, 0.10, 0.60, 0.10, 0.10),
    "marketing": (0.10, 0.20, 0.10, 0.50, 0.10),
    "societal": (0.10, 0.15, 0.05, 0.35, 0.35),
}
"""Share of each firm's (equal) effort budget put on each lever of :data:`EFFORT_LEVERS`."""

MARKET_OUTCOMES: tuple[str, ...] = ("sales", "profit", "satisfaction", "retention", "welfare")

register(
    {
        # the five philosophies
        "philosophy_production": {"en": "Production concept", "zh": "生产观念"},
        "philosophy_product": {"en": "Product concept", "zh": "产品观念"},
        "philosophy_selling": {"en": "Selling concept", "zh": "推销观念"},
        "philosophy_marketing": {"en": "Marketing concept", "zh": "营销观念"},
        "philosophy_societal": {"en": "Societal marketing concept", "zh": "社会营销观念"},
        "philosophy": {"en": "Philosophy", "zh": "营销管理观念"},
        "philosophy_focus": {"en": "What the firm concentrates on", "zh": "企业的关注重点"},
        "philosophy_assumption": {"en": "What it assumes about customers", "zh": "对顾客的假设"},
        "philosophy_proverb": {"en": "Saying", "zh": "俗语"},
        "philosophy_proverb_meaning": {"en": "What the saying means here", "zh": "俗语的含义"},
        "philosophy_proverb_source": {"en": "Where the saying comes from", "zh": "俗语出处"},
        "proverb_source_seed": {"en": "Chinese course material (seed 002)", "zh": "原始教材（种子文档002）"},
        "proverb_source_course": {"en": "Added by this course", "zh": "本课程补充"},
        "research_works": {"en": "Most profitable: research improves fit (assumed)",
                           "zh": "利润最高（假设：需求研究能提高契合度）"},
        "research_useless": {"en": "Most profitable: research_effect = 0", "zh": "利润最高（research_effect = 0）"},
        # selling vs marketing
        "comparison_aspect": {"en": "Aspect", "zh": "比较项目"},
        "comparison_starting_point": {"en": "Starting point", "zh": "出发点"},
        "comparison_focus": {"en": "Focus", "zh": "关注点"},
        "comparison_means": {"en": "Means", "zh": "手段"},
        "comparison_end": {"en": "End", "zh": "目的"},
        # levers and outcomes of the market simulation
        "lever_efficiency": {"en": "Production efficiency", "zh": "生产效率"},
        "lever_quality": {"en": "Product quality", "zh": "产品质量"},
        "lever_selling": {"en": "Selling and promotion", "zh": "推销与促销"},
        "lever_research": {"en": "Customer research", "zh": "顾客需求研究"},
        "lever_care": {"en": "Care for society", "zh": "社会责任投入"},
        "market_units_sold": {"en": "Units sold", "zh": "销量"},
        "market_satisfaction": {"en": "Customer satisfaction (0-1)", "zh": "顾客满意度（0–1）"},
        "market_retention": {"en": "Retention rate", "zh": "顾客保留率"},
        "societal_welfare": {"en": "Societal welfare", "zh": "社会福利"},
        "market_total_profit": {"en": "Total profit", "zh": "累计利润"},
        "market_total_welfare": {"en": "Total welfare", "zh": "累计社会福利"},
        "market_mean_sales": {"en": "Units sold per period", "zh": "每期销量"},
        "market_profit_rank": {"en": "Profit rank", "zh": "利润排名"},
        "market_scarcity": {"en": "Scarcity (0 abundance, 1 shortage)", "zh": "稀缺程度（0 过剩，1 短缺）"},
        "market_heterogeneity": {"en": "Heterogeneity of needs", "zh": "需求差异程度"},
        "market_competition": {"en": "Competition", "zh": "竞争强度"},
        "market_profit_winner": {"en": "Most profitable philosophy", "zh": "利润最高的观念"},
        "market_welfare_winner": {"en": "Most welfare created by", "zh": "社会福利最高的观念"},
        "market_yours": {"en": "Your market", "zh": "你设定的市场"},
        "market_shortage": {"en": "Shortage", "zh": "短缺市场"},
        "market_abundance_varied": {"en": "Abundance, varied needs", "zh": "供过于求、需求多样"},
        "market_abundance_alike": {"en": "Abundance, uniform needs", "zh": "供过于求、需求一致"},
        "supply_demand_cv": {"en": "Demand variability (CV)", "zh": "需求波动（变异系数）"},
        "supply_demand_shift": {"en": "Demand shift at mid-point", "zh": "期中需求跃变幅度"},
        # push vs pull
        "supply_push": {"en": "Push (make to forecast)", "zh": "推式（按预测生产）"},
        "supply_pull": {"en": "Pull (make to order, JIT)", "zh": "拉式（按订单生产，JIT）"},
        "supply_mode": {"en": "Supply model", "zh": "供应模式"},
        "supply_demand": {"en": "Demand", "zh": "需求量"},
        "supply_production": {"en": "Production", "zh": "产量"},
        "supply_inventory": {"en": "Inventory", "zh": "库存"},
        "supply_lost_sales": {"en": "Lost sales (stock-outs)", "zh": "缺货损失销量"},
        "supply_backlog": {"en": "Orders waiting", "zh": "待交付订单"},
        "supply_mean_inventory": {"en": "Mean inventory", "zh": "平均库存"},
        "supply_stockout_rate": {"en": "Demand lost to stock-outs", "zh": "缺货流失需求占比"},
        "supply_mean_wait_periods": {"en": "Mean wait for delivery (periods)", "zh": "平均交付等待（期）"},
        "supply_production_variability": {"en": "Variability of production (CV)", "zh": "产量波动（变异系数）"},
        "supply_adaptation_lag": {"en": "Periods to follow a demand shift", "zh": "跟上需求变化所需期数"},
        "supply_cost": {"en": "Holding + lost-margin + waiting cost", "zh": "库存、缺货与等待成本"},
        # sentences printed by the lecture
        "philosophies_market_winners_sentence": {
            "en": "scarcity={scarcity}, heterogeneity={heterogeneity}, competition={competition}: "
                  "most profit -> {profit}; most welfare -> {welfare}",
            "zh": "稀缺程度={scarcity}，需求差异程度={heterogeneity}，竞争强度={competition}："
                  "利润最高 → {profit}；社会福利最高 → {welfare}"},
        "philosophies_research_switch_sentence": {
            "en": "markets the marketing concept wins: with research working {with_research} of {n}, "
                  "with research_effect = 0 {without_research} of {n}",
            "zh": "营销观念利润最高的市场：需求研究有效时 {n} 个中占 {with_research} 个，"
                  "research_effect = 0 时 {n} 个中占 {without_research} 个"},
    }
)

# ---------------------------------------------------------------------------------------------
# the philosophies as data
# ---------------------------------------------------------------------------------------------

_PHILOSOPHY_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    # key: {field: (en, zh)}; the Chinese text is the course's own wording
    "production": {
        "focus": ("Efficient, large-scale output and wide distribution", "提高产量、压低成本、铺开分销"),
        "assumption": ("Customers want what is cheap and easy to find", "顾客只要东西便宜、随处买得到"),
        "proverb": ("皇帝的女儿不愁嫁", "皇帝的女儿不愁嫁"),
        "meaning": ("An emperor's daughter never lacks suitors: when goods are scarce, whatever is made sells",
                    "东西紧缺时，造出来就不愁卖"),
    },
    "product": {
        "focus": ("Better quality, more features, constant improvement", "把产品做精、功能做全、不断改进"),
        "assumption": ("Customers pick the best product and will seek it out", "顾客会主动寻找最好的产品"),
        "proverb": ("好酒不怕巷子深", "好酒不怕巷子深"),
        "meaning": ("Good wine needs no sign: a fine product is found even in a back lane",
                    "相信质量好自然有人来买，不必吆喝"),
    },
    "selling": {
        "focus": ("Aggressive selling and promotion of what the firm has made", "用推销和促销把已有产品卖掉"),
        "assumption": ("Left alone, customers will not buy enough", "不去推，顾客就买得不够多"),
        "proverb": ("王婆卖瓜，自卖自夸", "王婆卖瓜，自卖自夸"),
        "meaning": ("Granny Wang praises her own melons: the seller sings the praises of whatever she sells",
                    "卖家只顾夸自己的货，不问顾客要什么"),
    },
    "marketing": {
        "focus": ("Finding the needs of a target market and meeting them better than rivals",
                  "先弄清目标顾客要什么，再比对手更好地满足"),
        "assumption": ("Customers buy what fits their needs; a good fit sells itself",
                       "合乎需要的东西，顾客自己会买"),
        "proverb": ("量体裁衣", "量体裁衣"),
        "meaning": ("Measure the body before cutting the cloth: design the offer around the customer",
                    "按顾客的身材做衣服，按需求设计产品"),
    },
    "societal": {
        "focus": ("Customers' needs together with society's long-term well-being",
                  "既满足顾客，也顾及社会长远利益"),
        "assumption": ("Customers and the public favour firms that also protect their long-term interest",
                       "顾客和公众更认可对社会负责的企业"),
        "proverb": ("君子爱财，取之有道", "君子爱财，取之有道"),
        "meaning": ("A gentleman loves money but earns it the right way: profit, customers and the public in balance",
                    "赚钱要走正道，利润、顾客和公众三方兼顾"),
    },
}


PROVERBS_FROM_SOURCE: tuple[str, ...] = ("production", "product", "selling")
"""Philosophies whose saying is in the Chinese source material (seed 002); the sayings of the
other two are the course's own choice."""


def philosophies_table(lang: str = "en") -> pd.DataFrame:
    """The five marketing management philosophies as a table.

    Parameters
    ----------
    lang
        ``"en"`` or ``"zh"``: language of the headers, names and descriptions. The saying
        is always shown in Chinese (it is a Chinese proverb); its meaning follows ``lang``.

    Returns
    -------
    pandas.DataFrame
        One row per philosophy (in :data:`PHILOSOPHY_KEYS` order) with the philosophy's
        name, focus, assumption about customers, saying, the saying's meaning and where the
        saying comes from: the Chinese course material gives sayings for the production,
        product and selling concepts only; those of the marketing and societal concepts
        were added by this course (:data:`PROVERBS_FROM_SOURCE`).

    Examples
    --------
    >>> philosophies_table("zh").iloc[0, 0]
    '生产观念'
    >>> philosophies_table().iloc[:, -1].tolist()[2:4]
    ['Chinese course material (seed 002)', 'Added by this course']
    """
    check_lang(lang)
    index = 0 if lang == "en" else 1
    rows = []
    for key in PHILOSOPHY_KEYS:
        text = _PHILOSOPHY_TEXT[key]
        rows.append({
            "philosophy": key,
            "philosophy_focus": text["focus"][index],
            "philosophy_assumption": text["assumption"][index],
            "philosophy_proverb": text["proverb"][1],
            "philosophy_proverb_meaning": text["meaning"][index],
            "philosophy_proverb_source": label("proverb_source_seed" if key in PROVERBS_FROM_SOURCE
                                               else "proverb_source_course", lang),
        })
    table = pd.DataFrame(rows)
    table["philosophy"] = [_philosophy_label(k, lang) for k in table["philosophy"]]
    return localize(table, lang)


def effort_table(efforts: Mapping[str, Sequence[float]] | None = None) -> pd.DataFrame:
    """How each firm splits its effort over the five levers (shares summing to 1).

    Keys (index ``philosophy``: ``"production"``... or a firm's own name; columns ``lever_...``)
    whatever the language; shown with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> effort_table().loc["production"].round(2).tolist()
    [0.6, 0.1, 0.1, 0.1, 0.1]
    >>> from crmlab.lang import localize
    >>> localize(effort_table(), "zh").columns[0]
    '生产效率'
    """
    names, matrix = _effort_matrix(efforts)
    table = pd.DataFrame(matrix, index=pd.Index(names, name="philosophy"),
                         columns=[f"lever_{k}" for k in EFFORT_LEVERS])
    return with_display(table, prefixes=("philosophy_", ""), index=True)


def _philosophy_label(name: str, lang: str) -> str:
    """Display name of a philosophy key; a firm name of the student's own stays as it is."""
    return label(f"philosophy_{name}", lang) if name in PHILOSOPHY_KEYS else str(name)


def proverb(philosophy: str, lang: str = "en") -> str:
    """The saying that sums up ``philosophy``, with its meaning in ``lang``.

    Examples
    --------
    >>> proverb("product", "zh")
    '好酒不怕巷子深：相信质量好自然有人来买，不必吆喝'
    """
    check_lang(lang)
    if philosophy not in _PHILOSOPHY_TEXT:
        raise ValueError(f"philosophy must be one of {PHILOSOPHY_KEYS}; got {philosophy!r}")
    text = _PHILOSOPHY_TEXT[philosophy]
    if lang == "zh":
        return f"{text['proverb'][1]}：{text['meaning'][1]}"
    return f"{text['proverb'][1]}: {text['meaning'][0]}"


_SELLING_VS_MARKETING = {
    # aspect: ((selling en, selling zh), (marketing en, marketing zh))
    "comparison_starting_point": (("The factory", "工厂"), ("The target market", "目标市场")),
    "comparison_focus": (("The products it already makes", "手头已有的产品"), ("What customers need", "顾客的需要")),
    "comparison_means": (("Selling and promotion", "推销加促销"), ("Integrated marketing across the firm", "全公司协同的整合营销")),
    "comparison_end": (("Profit from a larger sales volume", "靠多卖来赚钱"),
                 ("Profit from satisfied customers", "靠顾客满意来赚钱")),
}


def selling_vs_marketing(lang: str = "en") -> pd.DataFrame:
    """The selling concept against the marketing concept: starting point, focus, means, end.

    Examples
    --------
    >>> selling_vs_marketing().loc[0].tolist()
    ['Starting point', 'The factory', 'The target market']
    """
    check_lang(lang)
    index = 0 if lang == "en" else 1
    rows = [
        {"comparison_aspect": label(aspect, lang), label("philosophy_selling", lang): selling[index],
         label("philosophy_marketing", lang): marketing[index]}
        for aspect, (selling, marketing) in _SELLING_VS_MARKETING.items()
    ]
    return localize(pd.DataFrame(rows), lang)


# ---------------------------------------------------------------------------------------------
# the market simulation
# ---------------------------------------------------------------------------------------------

#: Mechanism constants of :func:`simulate_market` (documented in its docstring).
BASE_CAPACITY = 100.0
BASE_UNIT_COST = 0.5
BASE_PRICE = 1.0
FIXED_COST = 10.0
HARM_PER_UNIT = 0.9
PUBLIC_BENEFIT = 80.0
LEVER_CURVATURE = 3.0
PRICE_COMPETITION = 0.25
OUTSIDE_VALUE = 0.5
VALUE_PREMIUM = 0.5


@dataclass(frozen=True)
class MarketCondition:
    """The market a student sets: each knob runs from 0 to 1.

    Attributes
    ----------
    scarcity
        0 = abundance (supply is twice demand), 0.5 = balance, 1 = shortage (demand is
        twice supply): demand / capacity = 2 ** (2 * scarcity - 1).
    heterogeneity
        How different customers' needs are: 0 = everybody wants the same thing,
        1 = a standard product fits few customers well.
    competition
        How hard firms compete: it sharpens customers' choice between offers, lowers the
        market price and makes dissatisfied customers switch more readily.
    """

    scarcity: float = 0.5
    heterogeneity: float = 0.5
    competition: float = 0.5

    def __post_init__(self) -> None:
        for name in ("scarcity", "heterogeneity", "competition"):
            value = getattr(self, name)
            if not isinstance(value, (int, float, np.floating, np.integer)) or not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"MarketCondition.{name} must be a number from 0 to 1; got {value!r}")

    @property
    def demand_to_capacity(self) -> float:
        """Ratio of expected demand to the firms' total capacity."""
        return float(2.0 ** (2.0 * self.scarcity - 1.0))


def _lever(effort: np.ndarray) -> np.ndarray:
    """Diminishing returns of effort: s(x) = (1 - exp(-k x)) / (1 - exp(-k)), s(0)=0, s(1)=1."""
    return (1.0 - np.exp(-LEVER_CURVATURE * effort)) / (1.0 - np.exp(-LEVER_CURVATURE))


def _effort_matrix(efforts: Mapping[str, Sequence[float]] | None) -> tuple[list[str], np.ndarray]:
    chosen = dict(DEFAULT_EFFORT if efforts is None else efforts)
    if not chosen:
        raise ValueError("efforts is empty: give at least one firm")
    names = list(chosen)
    matrix = np.asarray([list(chosen[n]) for n in names], dtype=float)
    if matrix.ndim != 2 or matrix.shape[1] != len(EFFORT_LEVERS):
        raise ValueError(f"each firm's effort needs {len(EFFORT_LEVERS)} shares, one per lever {EFFORT_LEVERS}")
    if not np.isfinite(matrix).all() or (matrix < 0).any():
        raise ValueError("effort shares must be finite numbers of at least 0")
    totals = matrix.sum(axis=1)
    if (totals <= 0).any():
        bad = [n for n, t in zip(names, totals) if t <= 0]
        raise ValueError(f"firm(s) {bad} put no effort anywhere")
    return names, matrix / totals[:, None]


def _firm_traits(matrix: np.ndarray, condition: MarketCondition,
                 research_effect: float = 1.0) -> dict[str, np.ndarray]:
    lever = _lever(matrix)
    efficiency, quality, selling, research, care = lever.T
    fit = 1.0 - condition.heterogeneity * (1.0 - research_effect * research)
    value = 0.4 * quality + 0.6 * fit
    satisfaction = np.clip(value - 0.3 * selling * (1.0 - value), 0.0, 1.0)
    return {
        "capacity": BASE_CAPACITY * (1.0 + efficiency),
        "unit_cost": BASE_UNIT_COST * (1.0 - 0.5 * efficiency),
        "value": value,
        "attraction": value + 0.5 * selling,
        "satisfaction": satisfaction,
        "retention": 0.9 * satisfaction ** (1.0 + 2.0 * condition.competition),
        "willingness_to_pay": BASE_PRICE * (0.6 + 0.8 * value),
        "harm": HARM_PER_UNIT * (1.0 - care),
        "public_benefit": PUBLIC_BENEFIT * care,
    }


def _fill(demand: np.ndarray, capacity: np.ndarray, weights: np.ndarray, outside: float) -> np.ndarray:
    """Serve demand up to capacity; demand a full firm cannot serve goes to firms with room or
    to not buying, in proportion to the attraction weights (``outside`` is the weight of not
    buying); repeated until nobody has room or nothing is left."""
    sales = np.minimum(demand, capacity)
    unmet = float((demand - sales).sum())
    for _ in range(len(capacity)):
        room = capacity - sales
        open_ = room > 1e-9
        if unmet <= 1e-9 or not open_.any():
            break
        share = np.where(open_, weights, 0.0)
        extra = np.minimum(unmet * share / (share.sum() + outside), room)
        sales = sales + extra
        unmet -= float(extra.sum()) + unmet * outside / (share.sum() + outside)
    return sales


def simulate_market(
    condition: MarketCondition | None = None,
    n_periods: int = 12,
    seed: int = 0,
    efforts: Mapping[str, Sequence[float]] | None = None,
    demand_noise: float = 0.1,
    research_effect: float = 1.0,
) -> pd.DataFrame:
    r"""Firms that follow different philosophies compete for ``n_periods`` periods.

    Each firm has the same effort budget (a fixed cost of ``FIXED_COST`` = 10 per period)
    and splits it over the five levers of :data:`EFFORT_LEVERS` (shares :math:`e_{ik}`,
    default :data:`DEFAULT_EFFORT`). Effort has diminishing returns,
    :math:`s(e) = (1 - e^{-3e}) / (1 - e^{-3})`. Writing :math:`s_{\text{eff}}` etc. for firm
    :math:`i`'s lever effects, :math:`H` heterogeneity, :math:`C` competition and
    :math:`\rho = 2^{2\,\text{scarcity}-1}` the demand-to-capacity ratio:

    * capacity :math:`K_i = 100\,(1 + s_{\text{eff}})`, unit cost :math:`c_i = 0.5\,(1 - 0.5\,s_{\text{eff}})`;
    * fit to needs :math:`f_i = 1 - H\,(1 - \beta\,s_{\text{res}})` (a standard product fits
      varied needs badly unless the firm studies its customers; :math:`\beta` =
      ``research_effect``, 1 by default, is an *assumption*: 0 means studying customers
      does not improve the fit at all);
    * value to the customer :math:`v_i = 0.4\,s_{\text{qual}} + 0.6\,f_i` (fit counts more
      than polish);
    * satisfaction :math:`S_i = v_i - 0.3\,s_{\text{sell}}\,(1 - v_i)` clipped to [0, 1]
      (overselling a poor fit disappoints);
    * retention :math:`r_i = 0.9\,S_i^{\,1 + 2C}` (with more rivals, only very satisfied
      customers stay);
    * attraction to new buyers :math:`u_i = v_i + 0.5\,s_{\text{sell}}` (selling makes an
      offer visible and persuasive), choice weights :math:`w_i \propto e^{(2 + 8C)\,u_i}`,
      next to the weight :math:`w_0 \propto e^{(2 + 8C)\,0.5}` of not buying at all.

    Per period :math:`t`: demand :math:`D_t = \rho \sum_i K_i \cdot e^{\sigma\varepsilon_t - \sigma^2/2}`
    with :math:`\varepsilon_t \sim N(0,1)`; market price level :math:`P_t = (D_t / \sum_i K_i)^{0.5}\,(1 - 0.25\,C)`
    (scarcity raises prices, competition lowers them) and firm :math:`i`'s price
    :math:`p_{i,t} = P_t\,(1 + 0.5\,(v_i - \bar v))`: customers pay more for more value.
    Last period's customers come back with probability :math:`r_i` (:math:`R_i = r_i\,q_{i,t-1}`);
    the rest of demand, :math:`\max(0, D_t - \sum_i R_i)`, is split by the weights (the share of
    :math:`w_0` does not buy). Each firm sells at most :math:`K_i`; demand it cannot serve goes
    to firms with room or is not bought, again in proportion to the weights (so under shortage
    every unit made is sold). Outcomes of firm :math:`i`:

    * ``sales`` :math:`q_{i,t}`; ``profit`` :math:`(p_{i,t} - c_i)\,q_{i,t} - 10`;
    * ``satisfaction`` :math:`S_i` and ``retention`` :math:`r_i`;
    * ``welfare`` :math:`q_{i,t}\,(W_i - c_i - h_i) - 10 + 80\,s_{\text{care}}`: value created
      for customers (willingness to pay :math:`W_i = 0.6 + 0.8\,v_i`) minus the resources used
      and the harm done to others, :math:`h_i = 0.9\,(1 - s_{\text{care}})` per unit (pollution,
      waste, unhealthy use), plus what care for society does for people who are not customers
      (community and environmental programmes). The price is a transfer between customer and
      firm and cancels out.

    So the production concept wins on profit when goods are scarce (everything made sells,
    and it makes most at the lowest cost), the marketing concept when supply is abundant
    and needs differ (buyers choose, and fit decides), the product concept when supply is
    abundant but everybody wants the same thing, and the societal concept creates most welfare.

    Parameters
    ----------
    condition
        The market (:class:`MarketCondition`); default balance, medium heterogeneity and
        competition.
    n_periods
        Number of periods (at least 1).
    seed
        Seed of the demand noise.
    efforts
        ``{firm name: five effort shares}`` to replace the default firms, e.g. to add a firm
        of the student's own design; shares are rescaled to sum to 1.
    demand_noise
        Standard deviation :math:`\sigma` of log demand around its expected level.
    research_effect
        From 0 to 1: how much customer research closes the gap between a standard product
        and varied needs (the assumption that makes the marketing firm win when needs
        differ). 0 switches the assumption off.

    Returns
    -------
    pandas.DataFrame
        Long table: ``period``, ``philosophy``, ``sales``, ``profit``, ``satisfaction``,
        ``retention``, ``welfare``, ``price`` (the firm's price), one row per period and firm.

    Examples
    --------
    >>> result = simulate_market(MarketCondition(scarcity=0.1, heterogeneity=0.9), seed=3)
    >>> market_winner(result, "welfare")
    'societal'
    >>> market_winner(result, "profit")
    'marketing'
    >>> market_winner(simulate_market(MarketCondition(scarcity=0.1, heterogeneity=0.9), seed=3,
    ...                               research_effect=0.0), "profit")
    'product'
    """
    condition = MarketCondition() if condition is None else condition
    if not isinstance(condition, MarketCondition):
        raise TypeError(f"condition must be a MarketCondition, got {type(condition).__name__}")
    if int(n_periods) != n_periods or n_periods < 1:
        raise ValueError(f"n_periods must be a whole number of at least 1; got {n_periods!r}")
    if not 0.0 <= demand_noise <= 1.0:
        raise ValueError(f"demand_noise must be from 0 to 1; got {demand_noise!r}")
    if isinstance(research_effect, bool) or not 0.0 <= research_effect <= 1.0:
        raise ValueError(f"research_effect must be from 0 to 1; got {research_effect!r}")
    names, matrix = _effort_matrix(efforts)
    traits = _firm_traits(matrix, condition, research_effect)
    n_firms, n_periods = len(names), int(n_periods)
    rng = np.random.default_rng(seed)
    shocks = np.exp(demand_noise * rng.standard_normal(n_periods) - demand_noise**2 / 2)
    total_capacity = traits["capacity"].sum()
    expected_demand = condition.demand_to_capacity * total_capacity
    sharpness = 2.0 + 8.0 * condition.competition
    logits = sharpness * np.append(traits["attraction"], OUTSIDE_VALUE)
    weights = np.exp(logits - logits.max())
    weights /= weights.sum()
    weights, outside = weights[:-1], float(weights[-1])

    sales = np.zeros((n_periods, n_firms))
    prices = np.zeros(n_periods)
    previous = np.zeros(n_firms)
    for t in range(n_periods):
        demand = expected_demand * shocks[t]
        prices[t] = BASE_PRICE * (demand / total_capacity) ** 0.5 * (1.0 - PRICE_COMPETITION * condition.competition)
        returning = traits["retention"] * previous
        free = max(0.0, demand - returning.sum())
        wanted = returning + free * weights
        sales[t] = _fill(wanted, traits["capacity"], weights, outside)
        previous = sales[t]

    firm_prices = prices[:, None] * (1.0 + VALUE_PREMIUM * (traits["value"] - traits["value"].mean()))
    margin_profit = (firm_prices - traits["unit_cost"]) * sales - FIXED_COST
    welfare = (sales * (traits["willingness_to_pay"] - traits["unit_cost"] - traits["harm"])
               - FIXED_COST + traits["public_benefit"])
    return pd.DataFrame({
        "period": np.repeat(np.arange(1, n_periods + 1), n_firms),
        "philosophy": np.tile(names, n_periods),
        "sales": sales.ravel(),
        "profit": margin_profit.ravel(),
        "satisfaction": np.tile(traits["satisfaction"], n_periods),
        "retention": np.tile(traits["retention"], n_periods),
        "welfare": welfare.ravel(),
        "price": firm_prices.ravel(),
    })


def _check_result(result: pd.DataFrame, needed: Sequence[str]) -> None:
    missing = [c for c in needed if c not in result.columns]
    if missing:
        raise KeyError(f"columns {missing} are not in the table; pass the output of simulate_market")


def market_summary(result: pd.DataFrame) -> pd.DataFrame:
    """Per philosophy: total profit and welfare, mean sales, satisfaction, retention, profit rank.

    Rows are sorted by total profit, best first. Columns ``philosophy``, ``total_profit``,
    ``mean_sales``, ``satisfaction``, ``retention``, ``total_welfare``, ``profit_rank`` (keys
    whatever the language; shown with :func:`crmlab.lang.localize`).

    Examples
    --------
    >>> from crmlab.lang import localize
    >>> localize(market_summary(simulate_market(MarketCondition(scarcity=1.0))), "zh").iloc[0, 0]
    '生产观念'
    """
    _check_result(result, ("philosophy", *MARKET_OUTCOMES))
    grouped = result.groupby("philosophy", sort=False)
    table = pd.DataFrame({
        "total_profit": grouped["profit"].sum(),
        "mean_sales": grouped["sales"].mean(),
        "satisfaction": grouped["satisfaction"].mean(),
        "retention": grouped["retention"].mean(),
        "total_welfare": grouped["welfare"].sum(),
    }).sort_values("total_profit", ascending=False)
    table["profit_rank"] = np.arange(1, len(table) + 1)
    table = table.rename_axis("philosophy").reset_index()
    return with_display(table, value_columns=["philosophy"], prefixes=("philosophy_", "market_", ""))


def market_winner(result: pd.DataFrame, outcome: str = "profit") -> str:
    """The philosophy with the highest total (sales, profit, welfare) or mean (satisfaction,
    retention) of ``outcome`` over the simulation.

    Examples
    --------
    >>> market_winner(simulate_market(MarketCondition(scarcity=0.0, heterogeneity=0.0)), "profit")
    'product'
    """
    if outcome not in MARKET_OUTCOMES:
        raise ValueError(f"outcome must be one of {MARKET_OUTCOMES}; got {outcome!r}")
    _check_result(result, ("philosophy", outcome))
    return str(result.groupby("philosophy", sort=False)[outcome].sum().idxmax())


def market_winners(markets: Mapping[str, MarketCondition], n_periods: int = 12, seed: int = 0,
                   research_effect: float = 1.0) -> pd.DataFrame:
    """The most profitable and the most welfare-creating philosophy in each named market.

    Rows in the order of ``markets``; columns ``scarcity``, ``heterogeneity``,
    ``competition``, ``profit`` and ``welfare`` (philosophy keys). ``research_effect`` is the
    assumption switch of :func:`simulate_market`.

    Examples
    --------
    >>> varied = {"varied": MarketCondition(scarcity=0.1, heterogeneity=0.9)}
    >>> market_winners(varied, seed=1)["profit"].tolist()
    ['marketing']
    >>> market_winners(varied, seed=1, research_effect=0.0)["profit"].tolist()
    ['product']
    """
    rows = {}
    for name, condition in markets.items():
        run = simulate_market(condition, n_periods=n_periods, seed=seed, research_effect=research_effect)
        rows[name] = {"scarcity": condition.scarcity, "heterogeneity": condition.heterogeneity,
                      "competition": condition.competition, "profit": market_winner(run, "profit"),
                      "welfare": market_winner(run, "welfare")}
    return pd.DataFrame.from_dict(rows, orient="index")


def winners_table(winners: Mapping[str, Mapping[str, object]]) -> pd.DataFrame:
    """The winners recorded per market (``{market: {scarcity, ..., profit, welfare}}``, as in
    :func:`market_winners`) as a table: index the market names, columns ``scarcity``,
    ``heterogeneity``, ``competition``, ``profit_winner`` and ``welfare_winner`` (philosophy keys).
    Keys whatever the language; shown with :func:`crmlab.lang.localize` (the course's markets and
    the philosophies by name, a market of the student's own as it is).

    Examples
    --------
    >>> winners = {"shortage": {"scarcity": 0.9, "heterogeneity": 0.3, "competition": 0.5,
    ...                         "profit": "production", "welfare": "societal"}}
    >>> winners_table(winners)["profit_winner"].tolist()
    ['production']
    >>> from crmlab.lang import localize
    >>> localize(winners_table(winners), "zh").iloc[0, 3:].tolist()
    ['生产观念', '社会营销观念']
    >>> localize(winners_table(winners), "zh").index.tolist()
    ['短缺市场']
    """
    table = pd.DataFrame.from_dict({str(name): dict(row) for name, row in winners.items()}, orient="index")
    table = table.rename(columns={"profit": "profit_winner", "welfare": "welfare_winner"})
    return with_display(table, value_columns=["profit_winner", "welfare_winner"],
                        prefixes=("market_", "philosophy_"), index=True)


_OUTCOME_LABEL = {"sales": "market_units_sold", "profit": "profit", "satisfaction": "market_satisfaction",
                  "retention": "market_retention", "welfare": "societal_welfare"}


def plot_market(result: pd.DataFrame, outcome: str = "profit", lang: str = "en", ax: Axes | None = None) -> Axes:
    """Lines of ``outcome`` per period, one per philosophy.

    Examples
    --------
    >>> ax = plot_market(simulate_market(), "sales", lang="zh")  # doctest: +SKIP
    """
    check_lang(lang)
    if outcome not in MARKET_OUTCOMES:
        raise ValueError(f"outcome must be one of {MARKET_OUTCOMES}; got {outcome!r}")
    _check_result(result, ("period", "philosophy", outcome))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    if outcome in ("profit", "welfare"):                # below the line the firm (society) loses
        ax.axhline(0.0, color="0.55", linewidth=0.8, zorder=1)
    for name, part in result.groupby("philosophy", sort=False):
        text = _philosophy_label(str(name), lang)
        ax.plot(part["period"], part[outcome], marker="o", markersize=3, label=text)
    ax.set_xlabel(label("period", lang))
    ax.set_ylabel(label(_OUTCOME_LABEL[outcome], lang))
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return ax


# ---------------------------------------------------------------------------------------------
# push versus pull
# ---------------------------------------------------------------------------------------------

SUPPLY_MODES: tuple[str, ...] = ("push", "pull")
HOLDING_COST = 0.05
LOST_MARGIN = 0.3
WAITING_COST = 0.05


def _demand_path(n_periods: int, mean_demand: float, demand_cv: float, shift: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    level = np.full(n_periods, mean_demand)
    level[n_periods // 2:] *= 1.0 + shift
    sigma = np.sqrt(np.log1p(demand_cv**2))
    return level * np.exp(sigma * rng.standard_normal(n_periods) - sigma**2 / 2)


def _adaptation_lag(production: np.ndarray, n_periods: int, new_level: float, tolerance: float = 0.15) -> int:
    """Periods after the demand shift until production (3-period mean) is within ``tolerance`` of the new level."""
    start = n_periods // 2
    smooth = pd.Series(production).rolling(3, min_periods=1).mean().to_numpy()
    for lag in range(n_periods - start):
        if abs(smooth[start + lag] - new_level) <= tolerance * new_level:
            return lag
    return n_periods - start


def simulate_supply(
    mode: str = "push",
    n_periods: int = 52,
    mean_demand: float = 100.0,
    demand_cv: float = 0.3,
    demand_shift: float = 0.3,
    lead_time: int = 2,
    smoothing: float = 0.2,
    safety_factor: float = 1.0,
    pull_capacity: float = 1.6,
    seed: int = 0,
) -> pd.DataFrame:
    r"""Forecast-driven (push, 推式) or order-driven just-in-time (pull, 拉式, JIT) supply.

    Demand per period is log-normal around a level that jumps by ``demand_shift`` (a share,
    e.g. 0.3 = +30 %) half way through: :math:`D_t = L_t\,e^{\sigma\varepsilon_t - \sigma^2/2}`,
    :math:`\sigma^2 = \ln(1 + \text{cv}^2)`. The same seed gives both modes the same demand.

    **Push.** The plant produces to a forecast made ``lead_time`` periods earlier. The
    forecast is exponential smoothing of past demand, :math:`F_{t+1} = F_t + \alpha (D_t - F_t)`
    (:math:`F_1` = ``mean_demand``). Production aims stock at a safety level
    :math:`z\,\sigma_D` (:math:`\sigma_D` = ``demand_cv`` × ``mean_demand``):
    :math:`P_{t+L} = \max(0, F_t + 0.25\,(z\sigma_D - I_t))`, where :math:`I_t` is stock
    after period :math:`t`. Customers are served at once from stock; demand beyond the stock
    is lost (a stock-out). Wait for delivery is 0 for every served order.

    **Pull.** Nothing is made before an order arrives. Orders join a queue; the plant makes
    up to ``pull_capacity`` × ``mean_demand`` units per period from the head of the queue
    and delivers them at the end of the period, so an order waits at least one period (the
    production time) and longer when the queue is long. No stock, no lost sales.

    Cost per period: holding 0.05 per unit of stock (capital, space, risk that it becomes
    unsaleable), 0.3 margin lost per unit of lost sales, 0.05 per order still waiting at the
    end of a period (beyond the normal production time).

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period``, ``demand``, ``production``, ``inventory`` (end of
        period), ``lost_sales``, ``backlog`` (orders waiting at the end of the period),
        ``cost``. ``attrs`` hold the settings and the demand level after the shift.

    Examples
    --------
    >>> push = simulate_supply("push", seed=2)
    >>> pull = simulate_supply("pull", seed=2)
    >>> bool(push["inventory"].mean() > pull["inventory"].mean())
    True
    """
    if mode not in SUPPLY_MODES:
        raise ValueError(f"mode must be one of {SUPPLY_MODES}; got {mode!r}")
    if int(n_periods) != n_periods or n_periods < 4:
        raise ValueError(f"n_periods must be a whole number of at least 4; got {n_periods!r}")
    if mean_demand <= 0 or demand_cv < 0 or demand_shift <= -1:
        raise ValueError("mean_demand must be > 0, demand_cv >= 0 and demand_shift > -1")
    if int(lead_time) != lead_time or lead_time < 1:
        raise ValueError(f"lead_time must be a whole number of at least 1; got {lead_time!r}")
    if not 0 < smoothing <= 1 or safety_factor < 0 or pull_capacity <= 0:
        raise ValueError("smoothing must be in (0, 1], safety_factor >= 0 and pull_capacity > 0")
    n_periods, lead_time = int(n_periods), int(lead_time)
    demand = _demand_path(n_periods, mean_demand, demand_cv, demand_shift, seed)
    production = np.zeros(n_periods)
    inventory = np.zeros(n_periods)
    lost = np.zeros(n_periods)
    backlog = np.zeros(n_periods)
    if mode == "push":
        safety_stock = safety_factor * demand_cv * mean_demand
        plan = np.full(n_periods + lead_time + 1, mean_demand + 0.25 * safety_stock)
        forecast, stock = mean_demand, safety_stock
        for t in range(n_periods):
            production[t] = plan[t]
            available = stock + production[t]
            served = min(available, demand[t])
            lost[t] = demand[t] - served
            stock = available - served
            inventory[t] = stock
            forecast += smoothing * (demand[t] - forecast)
            plan[t + lead_time] = max(0.0, forecast + 0.25 * (safety_stock - stock))
    else:
        capacity = pull_capacity * mean_demand
        queue = 0.0
        for t in range(n_periods):
            queue += demand[t]
            production[t] = min(capacity, queue)
            queue -= production[t]
            backlog[t] = queue
    cost = HOLDING_COST * inventory + LOST_MARGIN * lost + WAITING_COST * backlog
    frame = pd.DataFrame({
        "period": np.arange(1, n_periods + 1),
        "demand": demand,
        "production": production,
        "inventory": inventory,
        "lost_sales": lost,
        "backlog": backlog,
        "cost": cost,
    })
    frame.attrs.update({"mode": mode, "new_level": mean_demand * (1.0 + demand_shift),
                        "mean_demand": mean_demand})
    return frame


def supply_summary(results: Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Compare supply runs: mean inventory, share of demand lost, mean wait, production CV,
    periods to follow the demand shift, mean cost per period.

    ``results`` are outputs of :func:`simulate_supply` (a list, or a dict keyed by mode).
    The mean wait of pull is the backlog divided by demand (Little's law) plus the one
    period of production; push serves from stock without waiting. Keys (``supply_mode``:
    ``"push"``, ``"pull"``) whatever the language; shown with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> table = supply_summary([simulate_supply("push"), simulate_supply("pull")])
    >>> table["supply_mode"].tolist()
    ['push', 'pull']
    """
    runs = list(results.values()) if isinstance(results, Mapping) else list(results)
    rows = []
    for run in runs:
        mode = run.attrs.get("mode")
        if mode not in SUPPLY_MODES:
            raise ValueError("each result must be an output of simulate_supply (attrs['mode'] missing)")
        demand_total = run["demand"].sum()
        wait = 0.0 if mode == "push" else 1.0 + run["backlog"].mean() / run["demand"].mean()
        rows.append({
            "supply_mode": mode,
            "mean_inventory": run["inventory"].mean(),
            "stockout_rate": run["lost_sales"].sum() / demand_total,
            "mean_wait_periods": wait,
            "production_variability": run["production"].std() / run["production"].mean(),
            "adaptation_lag": _adaptation_lag(run["production"].to_numpy(), len(run), run.attrs["new_level"]),
            "supply_cost": run["cost"].mean(),
        })
    return with_display(pd.DataFrame(rows), value_columns=["supply_mode"], prefixes=("supply_", ""))


def plot_supply(result: pd.DataFrame, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Demand, production and inventory (push) or orders waiting (pull) over time.

    Examples
    --------
    >>> ax = plot_supply(simulate_supply("pull"), lang="zh")  # doctest: +SKIP
    """
    check_lang(lang)
    mode = result.attrs.get("mode")
    if mode not in SUPPLY_MODES:
        raise ValueError("result must be an output of simulate_supply")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    ax.plot(result["period"], result["demand"], label=label("supply_demand", lang), color="0.4")
    ax.plot(result["period"], result["production"], label=label("supply_production", lang))
    if mode == "push":
        ax.fill_between(result["period"], result["inventory"], alpha=0.3, label=label("supply_inventory", lang))
        ax.vlines(result["period"], 0.0, result["lost_sales"], color="tab:red", linewidth=3, alpha=0.7,
                  label=label("supply_lost_sales", lang))
    else:
        ax.fill_between(result["period"], result["backlog"], alpha=0.3, color="tab:orange",
                        label=label("supply_backlog", lang))
    ax.set_title(label(f"supply_{mode}", lang))
    ax.set_xlabel(label("period", lang))
    ax.set_ylabel(label("supply_demand", lang))
    ax.legend(fontsize="small")
    return ax
