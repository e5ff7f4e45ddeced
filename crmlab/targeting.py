"""Targeting: whom to go after now, and which market strategy to follow.

* **Current / winnable / not-now** (现有 / 可争取 / 暂不争取): every prospect or
  customer falls in one group by a stated rule (:func:`target_groups`). Current
  customers already have a relationship; among the others, those who fit the
  offer (a fit score, e.g. a look-alike or response score) and, optionally, are
  attractive enough (expected value) are *winnable*, the main target of
  marketing; the rest are left for now.
* **Market strategy** (市场战略): unified (统一化, one offer for the whole
  market), differentiated (区别型, a different offer per segment) or focused
  (聚焦型, one segment only). :func:`choose_market_strategy` scores the three
  from stated market conditions and returns the choice with its reasons.

Examples
--------
>>> people = pd.DataFrame({"is_customer": [True, False, False], "fit": [0.2, 0.8, 0.3]})
>>> target_groups(people, "is_customer", "fit")["target_group"].tolist()
['current', 'winnable', 'not_now']
>>> choose_market_strategy(resources="limited", needs="heterogeneous", product_stage="decline",
...                        competitors="differentiated", niche_opportunity=True).strategy
'focused'
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._table_checks import numeric_column, require_columns, require_table
from .validation import ValidationError
from .lang import check_lang, label, register, translate_columns, with_display
from .lang import localize  # noqa: F401  (the doctests show the keyed tables with it)

_SEPARATOR = {"en": "; ", "zh": "；"}  # joins several names in one table cell

__all__ = [
    "TARGET_GROUPS",
    "lookalike_groups",
    "MARKET_STRATEGIES",
    "MARKET_CONDITIONS",
    "target_groups",
    "MarketStrategyChoice",
    "choose_market_strategy",
    "market_strategy_rules",
]

TARGET_GROUPS: tuple[str, ...] = ("current", "winnable", "not_now")
#: The three strategies, in the order that breaks a tie (the simpler to run first).
MARKET_STRATEGIES: tuple[str, ...] = ("unified", "focused", "differentiated")


def target_groups(customers: pd.DataFrame, relationship_col: str, fit_col: str,
                  attractiveness_col: str | None = None, *, fit_threshold: float = 0.5,
                  attractiveness_threshold: float = 0.0) -> pd.DataFrame:
    """Current / winnable / not-now group of each prospect or customer.

    Rule, in this order:

    1. **current** if ``relationship_col`` is true (a boolean, or a number > 0 such
       as purchases in the last year);
    2. **winnable** if ``fit_col >= fit_threshold`` and, when ``attractiveness_col``
       is given, ``attractiveness_col >= attractiveness_threshold``;
    3. **not_now** otherwise.

    Returns the index of ``customers`` with ``target_group`` and ``target_reason`` (keys; show
    them with :func:`crmlab.lang.localize`).

    Examples
    --------
    >>> people = pd.DataFrame({"orders": [3, 0, 0], "fit": [0.1, 0.9, 0.9], "value": [0, 500, 20]})
    >>> target_groups(people, "orders", "fit", "value", attractiveness_threshold=100)["target_reason"].tolist()
    ['has_relationship', 'fits_and_attractive', 'not_attractive_enough']
    >>> localize(target_groups(people, "orders", "fit"), "en").iloc[1].tolist()
    ['Winnable', 'Fits the offer and is attractive enough']
    """
    require_table(customers)
    needed = [relationship_col, fit_col] + ([attractiveness_col] if attractiveness_col else [])
    require_columns(customers, needed)
    relation = numeric_column(customers, relationship_col) if not pd.api.types.is_bool_dtype(
        customers[relationship_col]) else _booleans(customers, relationship_col)
    fit = numeric_column(customers, fit_col)
    current = relation > 0
    fits = fit >= float(fit_threshold)
    if attractiveness_col:
        attractive = numeric_column(customers, attractiveness_col) >= float(attractiveness_threshold)
    else:
        attractive = np.ones(len(customers), dtype=bool)
    group = np.where(current, 0, np.where(fits & attractive, 1, 2))
    reason = np.select([current, fits & attractive, ~fits], ["has_relationship", "fits_and_attractive", "fit_too_low"],
                       "not_attractive_enough")
    out = pd.DataFrame({
        "target_group": pd.Categorical.from_codes(group, list(TARGET_GROUPS), ordered=True),
        "target_reason": reason,
    }, index=customers.index)
    return with_display(out, value_columns=["target_group", "target_reason"])


def lookalike_groups(current: pd.Series, segments: pd.Series, fit_threshold: float = 0.3) -> pd.DataFrame:
    """Current / winnable / not-now consumers of a *market* (现有 / 可争取 / 暂不争取).

    ``current`` flags, for every consumer in the market, whether they are a current customer
    of the firm; the others are prospects (rivals' customers, people not yet buying).
    ``segments`` groups the same consumers by who they are. A segment's *penetration* is the
    share of current customers in it; a prospect in a segment with penetration of at least
    ``fit_threshold`` looks like the people who already buy from the firm and is *winnable*,
    the other prospects are *not now*. The segments must not be built from the variable
    that defines ``current``, or the rule only finds its own definition again.

    Returns
    -------
    pandas.DataFrame
        Index of ``current``: ``penetration`` plus the columns of :func:`target_groups` (keys; show
        it with :func:`crmlab.lang.localize`).

    Examples
    --------
    >>> current = pd.Series([True, True, False, False, True, False, False, False])
    >>> segments = pd.Series([1, 1, 1, 1, 2, 2, 2, 2])
    >>> lookalike_groups(current, segments, 0.4)["target_group"].tolist()
    ['current', 'current', 'winnable', 'winnable', 'current', 'not_now', 'not_now', 'not_now']
    """
    if not isinstance(current, pd.Series) or not isinstance(segments, pd.Series):
        raise TypeError("current and segments must be pandas Series over the same consumers")
    if not current.index.equals(segments.index):
        raise ValueError("current and segments must have the same index (one row per consumer)")
    missing = int(current.isna().sum() + segments.isna().sum())
    if missing:
        raise ValueError(f"{missing} missing value(s) in current or segments")
    if not 0.0 <= float(fit_threshold) <= 1.0:
        raise ValueError(f"fit_threshold must be from 0 to 1; got {fit_threshold!r}")
    flags = current.astype(bool)
    table = pd.DataFrame({"current": flags, "penetration": flags.astype(float).groupby(segments).transform("mean")})
    groups = target_groups(table, "current", "penetration", fit_threshold=fit_threshold)
    return with_display(pd.concat([table[["penetration"]], groups], axis=1),
                        value_columns=["target_group", "target_reason"])


def _booleans(customers: pd.DataFrame, column: str) -> np.ndarray:
    missing = int(customers[column].isna().sum())
    if missing:
        raise ValidationError(f"column {column!r} has {missing} missing value(s); fill or drop those rows first",
                              column=column, rows=missing, total=len(customers))
    return customers[column].to_numpy(dtype=bool).astype(float)


# (condition, stated value) -> [(strategy, points)], reason key
_RULES: dict[tuple[str, object], tuple[list[tuple[str, int]], str]] = {
    ("resources", "limited"): ([("focused", 2)], "reason_resources_limited"),
    ("resources", "ample"): ([("unified", 1), ("differentiated", 1)], "reason_resources_ample"),
    ("needs", "homogeneous"): ([("unified", 2)], "reason_needs_homogeneous"),
    ("needs", "mixed"): ([("differentiated", 1)], "reason_needs_mixed"),
    ("needs", "heterogeneous"): ([("differentiated", 2), ("focused", 1)], "reason_needs_heterogeneous"),
    ("product_stage", "introduction"): ([("unified", 1), ("focused", 1)], "reason_stage_introduction"),
    ("product_stage", "growth"): ([("unified", 2)], "reason_stage_growth"),
    ("product_stage", "late_growth"): ([("differentiated", 2)], "reason_stage_late_growth"),
    ("product_stage", "maturity"): ([("differentiated", 2)], "reason_stage_maturity"),
    ("product_stage", "decline"): ([("focused", 2)], "reason_stage_decline"),
    ("competitors", "none"): ([("unified", 1)], "reason_competitors_none"),
    ("competitors", "unified"): ([("differentiated", 1), ("focused", 1)], "reason_competitors_unified"),
    ("competitors", "differentiated"): ([("differentiated", 2)], "reason_competitors_differentiated"),
    ("competitors", "focused"): ([("differentiated", 1), ("focused", 1)], "reason_competitors_focused"),
    ("niche_opportunity", True): ([("focused", 2)], "reason_niche_yes"),
    ("niche_opportunity", False): ([], "reason_niche_no"),
    ("separate_offers_pay", True): ([("differentiated", 1)], "reason_offers_pay_yes"),
    ("separate_offers_pay", False): ([("unified", 2)], "reason_offers_pay_no"),
}
#: Each condition and the values it accepts.
MARKET_CONDITIONS: dict[str, tuple[object, ...]] = {}
for (_condition, _value) in _RULES:
    MARKET_CONDITIONS.setdefault(_condition, ())
    MARKET_CONDITIONS[_condition] += (_value,)


@dataclass(frozen=True)
class MarketStrategyChoice:
    """The chosen market strategy with the points and reasons behind it.

    Attributes
    ----------
    strategy
        Key of the chosen strategy: ``"unified"``, ``"differentiated"`` or ``"focused"``.
    name
        Its name in the language asked for.
    scores
        Points of each strategy (index: strategy names).
    reasons
        One row per stated condition: the condition, the stated value, the strategies it
        favours, the points it gives and why.
    tied
        True if another strategy had the same points (the tie order decided).
    """

    strategy: str
    name: str
    scores: pd.Series
    reasons: pd.DataFrame
    tied: bool


def choose_market_strategy(*, resources: str = "ample", needs: str = "mixed", product_stage: str = "growth",
                           competitors: str = "none", niche_opportunity: bool = False,
                           separate_offers_pay: bool | None = None, lang: str = "en") -> MarketStrategyChoice:
    """Choose unified, differentiated or focused market strategy from stated market conditions.

    Each condition gives points to the strategies it favours (the full table is
    :func:`market_strategy_rules`); the strategy with most points wins, ties going to
    the simpler strategy in the order unified, focused, differentiated.

    Parameters
    ----------
    resources
        ``"limited"`` or ``"ample"``: money, people and capacity of the firm.
    needs
        ``"homogeneous"``, ``"mixed"`` or ``"heterogeneous"``: how much customers'
        preferences and expected prices differ between groups.
    product_stage
        ``"introduction"``, ``"growth"``, ``"late_growth"``, ``"maturity"`` or ``"decline"``.
    competitors
        What the main competitors do: ``"none"`` (few competitors), ``"unified"``,
        ``"differentiated"`` or ``"focused"``.
    niche_opportunity
        True if one distinct group has a strong unmet need, would bring attractive
        profit and fits the firm's goals and abilities.
    separate_offers_pay
        True / False if separate offers per group would bring in more / less than they
        cost; ``None`` if unknown (no points).
    lang
        Language of names and reasons.

    Examples
    --------
    >>> choice = choose_market_strategy(needs="homogeneous", product_stage="growth", lang="zh")
    >>> choice.strategy, choice.name
    ('unified', '统一化战略')
    >>> choice.scores.tolist()  # unified, focused, differentiated
    [6, 0, 1]
    """
    check_lang(lang)
    stated = {"resources": resources, "needs": needs, "product_stage": product_stage, "competitors": competitors,
              "niche_opportunity": niche_opportunity}
    if separate_offers_pay is not None:
        stated["separate_offers_pay"] = separate_offers_pay
    points = dict.fromkeys(MARKET_STRATEGIES, 0)
    rows = []
    for condition, value in stated.items():
        if isinstance(value, (bool, np.bool_)) != isinstance(MARKET_CONDITIONS[condition][0], bool) or (
                (condition, value) not in _RULES):
            raise ValueError(f"{condition}={value!r}: use one of {MARKET_CONDITIONS[condition]}")
        favours, reason = _RULES[(condition, value)]
        for strategy, gain in favours:
            points[strategy] += gain
        rows.append({
            "market_condition": label(f"condition_{condition}", lang),
            "stated_value": label(_value_key(condition, value), lang),
            "favours": _SEPARATOR[lang].join(label(f"{s}_strategy", lang) for s, _ in favours) or "-",
            "points": sum(gain for _, gain in favours),
            "strategy_reason": label(reason, lang),
        })
    best = max(points.values())
    winners = [s for s in MARKET_STRATEGIES if points[s] == best]
    scores = pd.Series([points[s] for s in MARKET_STRATEGIES],
                       index=pd.Index([label(f"{s}_strategy", lang) for s in MARKET_STRATEGIES],
                                      name=label("market_strategy", lang)), name=label("points", lang))
    reasons = translate_columns(pd.DataFrame(rows), lang)
    return MarketStrategyChoice(strategy=winners[0], name=label(f"{winners[0]}_strategy", lang), scores=scores,
                                reasons=reasons, tied=len(winners) > 1)


def _value_key(condition: str, value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "answer_yes" if value else "answer_no"
    return f"{condition}_{value}"


def market_strategy_rules(lang: str = "en") -> pd.DataFrame:
    """The full rule table of :func:`choose_market_strategy`: condition, value, points per strategy, reason."""
    check_lang(lang)
    rows = []
    for (condition, value), (favours, reason) in _RULES.items():
        row = {"market_condition": label(f"condition_{condition}", lang),
               "stated_value": label(_value_key(condition, value), lang)}
        gains = dict(favours)
        for strategy in MARKET_STRATEGIES:
            row[label(f"{strategy}_strategy", lang)] = gains.get(strategy, 0)
        row["strategy_reason"] = label(reason, lang)
        rows.append(row)
    return translate_columns(pd.DataFrame(rows), lang)


register(
    {
        "penetration": {"en": "Share already our customers (penetration)", "zh": "本企业客户占比（渗透率）"},
        "target_group": {"en": "Target group", "zh": "目标分组"},
        "target_reason": {"en": "Why", "zh": "依据"},
        "current": {"en": "Current", "zh": "现有消费者"},
        "winnable": {"en": "Winnable", "zh": "可争取消费者"},
        "not_now": {"en": "Not now", "zh": "暂不争取消费者"},
        "has_relationship": {"en": "Already has a relationship with us", "zh": "已与我们建立关系"},
        "fits_and_attractive": {"en": "Fits the offer and is attractive enough", "zh": "与产品契合且有足够吸引力"},
        "fit_too_low": {"en": "Fit score below the threshold", "zh": "契合度低于阈值"},
        "not_attractive_enough": {"en": "Fits, but attractiveness below the threshold", "zh": "契合但吸引力低于阈值"},
        "market_strategy": {"en": "Market strategy", "zh": "市场战略"},
        "unified_strategy": {"en": "Unified (undifferentiated)", "zh": "统一化战略"},
        "differentiated_strategy": {"en": "Differentiated", "zh": "区别型战略"},
        "focused_strategy": {"en": "Focused (concentrated)", "zh": "聚焦型战略"},
        "market_condition": {"en": "Market condition", "zh": "市场条件"},
        "stated_value": {"en": "Stated", "zh": "设定情况"},
        "favours": {"en": "Favours", "zh": "有利于"},
        "points": {"en": "Points", "zh": "得分"},
        "strategy_reason": {"en": "Reason", "zh": "原因"},
        "answer_yes": {"en": "Yes", "zh": "是"},
        "answer_no": {"en": "No", "zh": "否"},
        "condition_resources": {"en": "Company resources", "zh": "企业资源"},
        "condition_needs": {"en": "Differences in customer needs", "zh": "客户需求差异"},
        "condition_product_stage": {"en": "Product life-cycle stage", "zh": "产品生命周期阶段"},
        "condition_competitors": {"en": "Competitors' strategy", "zh": "竞争对手的战略"},
        "condition_niche_opportunity": {"en": "Attractive niche with unmet need", "zh": "存在有吸引力的未满足需求群体"},
        "condition_separate_offers_pay": {"en": "Separate offers pay for themselves", "zh": "分群提供产品能收回成本"},
        "resources_limited": {"en": "Limited", "zh": "有限"},
        "resources_ample": {"en": "Ample", "zh": "充足"},
        "needs_homogeneous": {"en": "Alike", "zh": "基本一致"},
        "needs_mixed": {"en": "Somewhat different", "zh": "有一定差异"},
        "needs_heterogeneous": {"en": "Very different", "zh": "差别很大"},
        "product_stage_introduction": {"en": "Introduction", "zh": "导入期"},
        "product_stage_growth": {"en": "Growth", "zh": "成长期"},
        "product_stage_late_growth": {"en": "Late growth", "zh": "成长后期"},
        "product_stage_maturity": {"en": "Maturity", "zh": "成熟期"},
        "product_stage_decline": {"en": "Decline", "zh": "衰退期"},
        "competitors_none": {"en": "Few or no competitors", "zh": "几乎没有竞争者"},
        "competitors_unified": {"en": "Rivals use one offer for all", "zh": "对手采用统一化战略"},
        "competitors_differentiated": {"en": "Rivals tailor offers by segment", "zh": "对手采用区别型战略"},
        "competitors_focused": {"en": "Rivals each serve a niche", "zh": "对手各守一个细分市场"},
        "reason_resources_limited": {"en": "Too little money and staff to serve many groups well: concentrate",
                                     "zh": "人财物不足以兼顾多个群体，宜集中力量"},
        "reason_resources_ample": {"en": "Enough resources to cover the whole market or several segments",
                                   "zh": "资源足以覆盖全市场或同时经营几个群体"},
        "reason_needs_homogeneous": {"en": "Customers want much the same thing: one offer fits nearly all",
                                     "zh": "客户要的东西大同小异，一种产品几乎人人适用"},
        "reason_needs_mixed": {"en": "Needs differ somewhat: a few tailored versions may pay",
                               "zh": "需求略有不同，推出少数几个版本可能划算"},
        "reason_needs_heterogeneous": {"en": "Groups differ a lot in what they want and what they will pay",
                                       "zh": "各群体想要的和愿付的价格相差悬殊"},
        "reason_stage_introduction": {"en": "A new product: launch one version, to all or to the keenest group",
                                      "zh": "新品刚上市，先推一个版本，面向全体或最感兴趣的人"},
        "reason_stage_growth": {"en": "A growing market: win the biggest share with one offer first",
                                "zh": "市场正在扩大，先靠一种产品拿下尽量多的份额"},
        "reason_stage_late_growth": {"en": "Late growth: rivals multiply and groups start to want their own version",
                                     "zh": "成长后期对手增多，各群体开始想要专属版本"},
        "reason_stage_maturity": {"en": "A mature market: growth comes from serving each segment better",
                                  "zh": "市场成熟，增长要靠把每个群体服务得更贴切"},
        "reason_stage_decline": {"en": "A shrinking market: keep the one segment that still pays",
                                 "zh": "市场萎缩，守住仍能赚钱的那一个群体"},
        "reason_competitors_none": {"en": "Few rivals: one offer for all meets little challenge",
                                    "zh": "对手很少，一种产品卖给所有人也不易被挑战"},
        "reason_competitors_unified": {"en": "Rivals treat everyone alike: tailored offers win the groups they neglect",
                                       "zh": "对手一视同仁，针对性产品能赢下被冷落的群体"},
        "reason_competitors_differentiated": {"en": "Rivals tailor by segment: one offer for all would lose each segment",
                                              "zh": "对手已分群经营，只用一种产品会在各群体里落败"},
        "reason_competitors_focused": {"en": "Rivals guard niches: compete segment by segment or take a niche left open",
                                       "zh": "对手各守一角，可逐个群体竞争或占据无人经营的空白"},
        "reason_niche_yes": {"en": "One distinct group has a strong unmet need, pays well and suits our strengths",
                             "zh": "有个独特群体需求强烈却无人满足，利润好，也合我们所长"},
        "reason_niche_no": {"en": "No single group stands out as a niche to own", "zh": "没有哪个群体突出到值得独占"},
        "reason_offers_pay_yes": {"en": "Tailored offers bring in more than they cost",
                                  "zh": "分群定制带来的收入高于多花的成本"},
        "reason_offers_pay_no": {"en": "Tailored offers would cost more than they bring in",
                                 "zh": "分群定制多花的成本高于多得的收入"},
    }
)


register(
    {
        "targeting_market_summary": {
            "en": "market of {n:,} consumers ({lapsed:,} lapsed customers of ours left out): {groups}",
            "zh": "市场共 {n:,} 位消费者（未计入我们已流失的 {lapsed:,} 位客户）：{groups}"},
        "targeting_no_current": {
            "en": "no current_col given for this customer table: targeting is skipped",
            "zh": "此客户表未给出 current_col（现有客户列）：跳过目标市场选择"},
        "targeting_tie": {"en": " (tie)", "zh": "（并列）"},
    }
)
