"""Marketing-mix models (营销组合模型) as data: 4P, 6P, 11P, 4C and 4R, and a case audit.

Each framework is a list of elements with a bilingual name, a short definition and a
guiding question a manager can answer about a company. :func:`correspondence_table` lines
up the firm's 4P with the customer's 4C and the relationship-minded 4R. A *case audit*
scores a company 0-5 on every element (with evidence), draws a radar chart per framework
and looks for gaps, e.g. a firm strong on its own 4P but weak on the customer's 4C.

The frameworks: McCarthy's 4P (1960); Kotler's 6P (1986, "megamarketing": + political
power, public relations); Kotler's 11P (strategic probing, partitioning, prioritizing,
positioning before the tactical 4P, the 2P and people); Lauterborn's 4C (1990); Schultz's
4R (relevance, reaction, relationship, reward; the 4R as taught in Chinese textbooks).

Examples
--------
>>> framework_elements("4C").index.tolist()
['customer_needs', 'cost', 'convenience', 'communication']
>>> scores = case_scores(load_case("swift_express"))
>>> round(float(framework_scores(scores)["4P"]), 2)
4.0
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .lang import check_lang, label, localize, register, with_display

__all__ = [
    "FRAMEWORKS",
    "FRAMEWORK_KEYS",
    "ELEMENT_KEYS",
    "SCORE_RANGE",
    "framework_elements",
    "frameworks_overview",
    "correspondence_table",
    "list_cases",
    "load_case",
    "case_scores",
    "case_evidence",
    "audit_framework",
    "framework_scores",
    "gap_analysis",
    "plot_radar",
]

SCORE_RANGE: tuple[float, float] = (0.0, 5.0)
"""Scores run from 0 (absent) to 5 (excellent)."""

# element: (en name, zh name, en definition, zh definition, en question, zh question)
_ELEMENTS: dict[str, tuple[str, str, str, str, str, str]] = {
    "product": ("Product", "产品",
                "What the firm offers the target market: goods or services, quality, design, packaging, service.",
                "企业拿给目标市场的东西：商品或服务，以及质量、式样、包装和配套服务。",
                "Does the offer do what target customers need, reliably?",
                "我们的产品或服务能否稳定地解决目标顾客的问题？"),
    "price": ("Price", "价格",
              "The price list, discounts, payment terms and how prices change along the channel.",
              "价目、折扣、付款条件，以及从出厂到终端的整套价格安排。",
              "Is the price right for the value, the segment and the competition?",
              "价格与价值、目标客群和竞争对手相比是否合适？"),
    "place": ("Place", "渠道",
              "Everything that brings the offer to the market: channels, outlets, transport, storage.",
              "把产品送到市场的一切安排：渠道、网点、运输和仓储。",
              "Can customers get the offer where and when they want it?",
              "顾客能否在想要的时间和地点拿到产品？"),
    "promotion": ("Promotion", "促销",
                  "Telling target customers about the offer and persuading them: advertising, selling, "
                  "sales promotion, publicity.",
                  "让目标顾客知道并愿意购买的各种活动：广告、人员推销、销售促进、宣传。",
                  "Do the right customers hear a clear, consistent message?",
                  "该听到的顾客是否听到了清楚一致的信息？"),
    "political_power": ("Political power", "政治权力",
                        "Working with governments and regulators so that a market is open to the firm at all.",
                        "与政府和监管部门打交道，先让市场的大门向企业打开。",
                        "Which rules, licences or local barriers stand between us and the market?",
                        "进入市场要过哪些政策、许可或地方保护的关卡？"),
    "public_relations": ("Public relations", "公共关系",
                         "Building goodwill with the media, communities and the public around the firm.",
                         "在媒体、社区和公众中为企业积累好感与信任。",
                         "What do the public and the media think of us, and why?",
                         "公众和媒体怎么看我们，原因是什么？"),
    "probing": ("Probing", "探查",
                "Market research: finding out what the market looks like and what people want.",
                "做市场调研，摸清市场结构和人们的需要。",
                "What do we actually know about the market, and from which data?",
                "我们对市场真正了解多少，依据是什么数据？"),
    "partitioning": ("Partitioning", "分割",
                     "Segmenting the market into groups of customers who need different things.",
                     "把市场划分成需求各不相同的顾客群。",
                     "Which groups of customers want clearly different things?",
                     "哪些顾客群的需要明显不同？"),
    "prioritizing": ("Prioritizing", "优先",
                     "Choosing the segments the firm will serve first, given its strengths.",
                     "结合自身优势，决定先服务哪些细分市场。",
                     "Which segments do we serve first, and which do we leave?",
                     "先做哪些客群，暂时放弃哪些？"),
    "positioning": ("Positioning", "定位",
                    "Deciding the place the offer should hold in target customers' minds.",
                    "设计产品在目标顾客心中应占据的形象与位置。",
                    "In one sentence, why should a target customer choose us?",
                    "用一句话说，目标顾客为什么选我们？"),
    "people": ("People", "人",
               "Understanding and serving people: employees inside (internal marketing) and customers outside.",
               "以人为本：对内了解并激励员工，对外理解并服务顾客。",
               "Are our staff able and motivated to serve customers well?",
               "员工有没有能力和意愿把顾客服务好？"),
    "customer_needs": ("Customer needs and wants", "顾客需要与欲望",
                       "Start from what customers need rather than from what the firm can make.",
                       "从顾客的需要出发，而不是从企业能造什么出发。",
                       "Which customer problem do we solve, as customers would describe it?",
                       "用顾客自己的话说，我们解决了他们什么问题？"),
    "cost": ("Cost to the customer", "顾客成本",
             "Everything the customer gives up: price, time, effort, risk, the cost of using the product.",
             "顾客付出的全部代价：价钱、时间、精力、风险和使用成本。",
             "What does it really cost a customer to buy and use our offer?",
             "顾客买下并用好我们的产品，总共要付出多少？"),
    "convenience": ("Convenience", "便利",
                    "How easy the offer is to find, buy, receive and get help with.",
                    "顾客找到、买到、收到产品以及获得帮助有多方便。",
                    "How many steps and how much waiting stand between wanting and having?",
                    "从想买到拿到，顾客要走几步、等多久？"),
    "communication": ("Communication", "沟通",
                      "A two-way dialogue with customers instead of one-way promotion.",
                      "与顾客双向交流，而不是单向地推销宣传。",
                      "Can customers talk to us as easily as we talk to them, and do we listen?",
                      "顾客找我们是否和我们找顾客一样容易？我们在听吗？"),
    "relevance": ("Relevance", "关联",
                  "Tying the firm into the customer's value chain so both sides depend on each other over time.",
                  "把企业嵌入顾客的价值链，形成长期相互依存的联系。",
                  "How deeply are we tied into our customers' business or daily life?",
                  "我们和顾客的业务或生活绑得有多紧？"),
    "reaction": ("Reaction", "反应",
                 "Noticing changes in what customers want quickly and answering them fast.",
                 "及时察觉顾客需求的变化并迅速作出回应。",
                 "How fast do we notice and answer a change in customers' needs or a complaint?",
                 "顾客需求变了或有投诉时，我们多快发现、多快回应？"),
    "relationship": ("Relationship", "关系",
                     "Turning one-off exchanges into lasting relationships with customers and other stakeholders.",
                     "把一次性买卖变成与顾客及其他相关方的长期关系。",
                     "Do customers stay with us, and do we know who they are?",
                     "顾客会不会一直留下来？我们是否认得每一位顾客？"),
    "reward": ("Reward", "回报",
               "The return both sides get: profit for the firm, lasting value for the customer.",
               "双方都有所得：企业获得利润，顾客得到长期价值。",
               "Does the relationship pay off for us and for the customer?",
               "这段关系对企业和顾客双方都划算吗？"),
}

ELEMENT_KEYS: tuple[str, ...] = tuple(_ELEMENTS)

FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "4P": ("product", "price", "place", "promotion"),
    "6P": ("product", "price", "place", "promotion", "political_power", "public_relations"),
    "11P": ("probing", "partitioning", "prioritizing", "positioning", "product", "price", "place", "promotion",
            "political_power", "public_relations", "people"),
    "4C": ("customer_needs", "cost", "convenience", "communication"),
    "4R": ("relevance", "reaction", "relationship", "reward"),
}
"""Elements of each framework, in the order the course presents them."""

FRAMEWORK_KEYS: tuple[str, ...] = tuple(FRAMEWORKS)

_FRAMEWORK_INFO = {
    # framework: (author and year, viewpoint en, viewpoint zh)
    "4P": ("McCarthy (1960)", "The firm's controllable tools", "企业可控的营销工具"),
    "6P": ("Kotler (1986)", "4P plus getting into protected markets", "在4P之外先打开受保护的市场"),
    "11P": ("Kotler", "Strategy first (4 strategic P), then tactics, then people", "先战略后战术，最后落到人"),
    "4C": ("Lauterborn (1990)", "The customer's view of the 4P", "站在顾客角度重看4P"),
    "4R": ("Schultz", "Competition through lasting relationships", "靠长期关系赢得竞争"),
}

register({f"mix_{key}": {"en": text[0], "zh": text[1]} for key, text in _ELEMENTS.items()})
register({f"framework_{key.lower()}": {"en": key, "zh": key + "模型"} for key in FRAMEWORKS})
register(
    {
        "mix_element": {"en": "Element", "zh": "要素"},
        "framework_largest_gap": {"en": "largest gap: {element} ({gap:.1f} below target)",
                                  "zh": "差距最大的要素：{element}（比目标低 {gap:.1f} 分）"},
        "mix_framework": {"en": "Framework", "zh": "模型"},
        "mix_definition": {"en": "Definition", "zh": "含义"},
        "mix_question": {"en": "Guiding question", "zh": "引导问题"},
        "mix_author": {"en": "Proposed by", "zh": "提出者"},
        "mix_viewpoint": {"en": "Point of view", "zh": "视角"},
        "mix_elements_count": {"en": "Elements", "zh": "要素数"},
        "mix_score": {"en": "Score (0-5)", "zh": "得分（0–5）"},
        "mix_evidence": {"en": "Evidence", "zh": "依据"},
        "mix_element_key": {"en": "Element key", "zh": "要素代码"},
        "mix_target": {"en": "Target", "zh": "目标分"},
        "mix_gap": {"en": "Gap to target", "zh": "与目标的差距"},
        "mix_priority": {"en": "Priority", "zh": "改进优先级"},
        "mix_4r_adds": {"en": "What 4R adds", "zh": "4R 补充了什么"},
        "mix_firm_minus_customer": {"en": "4P score minus 4C score", "zh": "4P 得分减 4C 得分"},
        "mix_verdict": {"en": "Reading", "zh": "解读"},
        "mix_firm_ahead": {"en": "Firm-side strength not felt by customers", "zh": "企业自认做得好，顾客感受不到"},
        "mix_customer_ahead": {"en": "Customers feel more than the firm's tools suggest",
                               "zh": "顾客感受好于企业工具本身"},
        "mix_balanced": {"en": "Firm and customer views agree", "zh": "企业与顾客视角一致"},
        "mix_mean_score": {"en": "Mean score", "zh": "平均得分"},
        "score_4p": {"en": "4P score", "zh": "4P 得分"},
        "score_4c": {"en": "4C score", "zh": "4C 得分"},
        "score_4r": {"en": "4R score", "zh": "4R 得分"},
        # the headers of gap_analysis's element columns (keys element_4p, ...)
        "mix_element_4p": {"en": "4P", "zh": "4P 要素"},
        "mix_element_4c": {"en": "4C", "zh": "4C 要素"},
        "mix_element_4r": {"en": "4R", "zh": "4R 要素"},
    }
)

_CORRESPONDENCE = (
    # 4P, 4C, 4R, what 4R adds (en, zh)
    ("product", "customer_needs", "relevance",
     "From meeting today's need to being built into the customer's life or business for the long run",
     "从满足眼前需要，到长期嵌入顾客的生活或业务"),
    ("price", "cost", "reward",
     "From the customer's total cost to a return that both sides earn over time",
     "从顾客的总成本，到双方长期都能得到的回报"),
    ("place", "convenience", "reaction",
     "From easy access to fast answers when needs change",
     "从购买方便，到需求变化时的快速响应"),
    ("promotion", "communication", "relationship",
     "From two-way talk to a lasting relationship that is managed",
     "从双向沟通，到有意经营的长期关系"),
)


def _check_framework(framework: str) -> str:
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORK_KEYS}; got {framework!r}")
    return framework


def framework_elements(framework: str, lang: str = "en") -> pd.DataFrame:
    """The elements of one framework with name, definition and guiding question.

    The index holds the element keys (used for scores); the columns follow ``lang``.

    Examples
    --------
    >>> framework_elements("6P", "zh").iloc[4, 0]
    '政治权力'
    """
    check_lang(lang)
    index = 0 if lang == "en" else 1
    rows = []
    for key in FRAMEWORKS[_check_framework(framework)]:
        text = _ELEMENTS[key]
        rows.append({"mix_element": text[index], "mix_definition": text[2 + index],
                     "mix_question": text[4 + index]})
    return localize(pd.DataFrame(rows, index=list(FRAMEWORKS[framework])), lang)


def frameworks_overview(lang: str = "en") -> pd.DataFrame:
    """One row per framework: who proposed it, its point of view, its elements.

    Examples
    --------
    >>> frameworks_overview()["Elements"].tolist()
    [4, 6, 11, 4, 4]
    """
    check_lang(lang)
    rows = []
    for key, elements in FRAMEWORKS.items():
        author, view_en, view_zh = _FRAMEWORK_INFO[key]
        rows.append({
            "mix_framework": label(f"framework_{key.lower()}", lang),
            "mix_author": author,
            "mix_viewpoint": view_en if lang == "en" else view_zh,
            "mix_elements_count": len(elements),
            "mix_element": ("、" if lang == "zh" else ", ").join(label(f"mix_{e}", lang) for e in elements),
        })
    return localize(pd.DataFrame(rows), lang)


def correspondence_table(lang: str = "en") -> pd.DataFrame:
    """The firm's 4P, the customer's 4C and the relationship view 4R, row by row.

    Product ↔ customer needs ↔ relevance; price ↔ cost ↔ reward; place ↔ convenience ↔
    reaction; promotion ↔ communication ↔ relationship; the last column says what 4R adds.

    Examples
    --------
    >>> correspondence_table().iloc[1, :3].tolist()
    ['Price', 'Cost to the customer', 'Reward']
    """
    check_lang(lang)
    rows = [
        {"4P": label(f"mix_{p}", lang), "4C": label(f"mix_{c}", lang), "4R": label(f"mix_{r}", lang),
         "mix_4r_adds": en if lang == "en" else zh}
        for p, c, r, en, zh in _CORRESPONDENCE
    ]
    return localize(pd.DataFrame(rows), lang)


# ---------------------------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------------------------


def _cases_folder():
    from .datasets import data_location

    return data_location() / "cases"


def list_cases() -> list[str]:
    """Names of the company cases in ``datasets/cases/`` (JSON files, facts invented for teaching).

    Examples
    --------
    >>> list_cases()
    ['home_appliance', 'swift_express']
    """
    folder = _cases_folder()
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def _read_case(name: str) -> str:
    target = _cases_folder() / f"{name}.json"
    if not target.is_file():
        raise FileNotFoundError(f"no case {name!r}; the cases are {list_cases()}")
    return target.read_text(encoding="utf-8")


def load_case(name: str) -> dict:
    """One company case: names, summary and a scored, evidenced entry for every element.

    Returns a fresh dict (safe to modify). Raises ``ValueError`` naming the elements that
    have no score or a score outside 0-5.

    Examples
    --------
    >>> load_case("home_appliance")["name"]["en"]
    'Hearthway Appliances (invented)'
    """
    case = json.loads(_read_case(name))
    scores = case.get("scores", {})
    missing = [e for e in ELEMENT_KEYS if e not in scores]
    if missing:
        raise ValueError(f"case {name!r} has no score for element(s) {missing}")
    bad = [e for e in ELEMENT_KEYS
           if not isinstance(scores[e].get("score"), (int, float))
           or not SCORE_RANGE[0] <= scores[e]["score"] <= SCORE_RANGE[1]]
    if bad:
        raise ValueError(f"case {name!r}: score of {bad} is not a number from 0 to 5")
    return case


def case_scores(case: Mapping) -> dict[str, float]:
    """``{element: score}`` of a case from :func:`load_case`.

    Examples
    --------
    >>> case_scores(load_case("swift_express"))["reaction"]
    4.5
    """
    return {key: float(entry["score"]) for key, entry in case["scores"].items() if key in _ELEMENTS}


def case_evidence(case: Mapping, framework: str, lang: str = "en") -> pd.DataFrame:
    """Element, score and the evidence behind it, for one framework of a case.

    Examples
    --------
    >>> case_evidence(load_case("swift_express"), "4R").shape
    (4, 3)
    """
    check_lang(lang)
    rows = [{"mix_element": label(f"mix_{key}", lang), "mix_score": float(case["scores"][key]["score"]),
             "mix_evidence": case["scores"][key]["evidence"][lang]}
            for key in FRAMEWORKS[_check_framework(framework)]]
    return localize(pd.DataFrame(rows), lang)


# ---------------------------------------------------------------------------------------------
# audit
# ---------------------------------------------------------------------------------------------


def _scores_for(scores: Mapping[str, float], elements: Sequence[str]) -> np.ndarray:
    missing = [e for e in elements if e not in scores]
    if missing:
        raise KeyError(f"no score for element(s) {missing}")
    values = np.array([scores[e] for e in elements], dtype=float)
    bad = [e for e, v in zip(elements, values) if not (np.isfinite(v) and SCORE_RANGE[0] <= v <= SCORE_RANGE[1])]
    if bad:
        raise ValueError(f"score of element(s) {bad} is not a number from 0 to 5")
    return values


def audit_framework(scores: Mapping[str, float], framework: str, target: float = 4.0) -> pd.DataFrame:
    """Score, gap to ``target`` and improvement priority of every element of ``framework``.

    The gap is ``max(0, target - score)``; priority 1 is the largest gap (ties keep the
    framework's order). Columns ``element`` (element keys), ``score``, ``target``, ``gap``,
    ``priority``; show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> audit = audit_framework({"product": 5, "price": 2, "place": 3.5, "promotion": 4}, "4P")
    >>> audit["gap"].tolist()
    [0.0, 2.0, 0.5, 0.0]
    >>> localize(audit, "zh")["要素"].tolist()
    ['产品', '价格', '渠道', '促销']
    """
    if not SCORE_RANGE[0] <= target <= SCORE_RANGE[1]:
        raise ValueError(f"target must be from 0 to 5; got {target!r}")
    elements = FRAMEWORKS[_check_framework(framework)]
    values = _scores_for(scores, elements)
    gaps = np.maximum(0.0, target - values)
    order = np.argsort(-gaps, kind="stable")
    priority = np.empty(len(elements), dtype=int)
    priority[order] = np.arange(1, len(elements) + 1)
    table = pd.DataFrame({"element": list(elements), "score": values, "target": float(target),
                          "gap": gaps, "priority": priority})
    return with_display(table, prefixes=("mix_",), value_columns=["element"])


def framework_scores(scores: Mapping[str, float]) -> pd.Series:
    """Mean score per framework (frameworks whose elements are all scored).

    Examples
    --------
    >>> float(framework_scores({"customer_needs": 2, "cost": 3, "convenience": 4, "communication": 3})["4C"])
    3.0
    """
    means = {key: float(_scores_for(scores, elements).mean())
             for key, elements in FRAMEWORKS.items() if all(e in scores for e in elements)}
    if not means:
        raise KeyError("the scores cover no framework completely")
    return pd.Series(means, name="mix_mean_score")


def gap_analysis(scores: Mapping[str, float], threshold: float = 1.0) -> pd.DataFrame:
    """Compare the firm's view (4P) with the customer's (4C) and the relationship view (4R).

    One row per line of :func:`correspondence_table`: the three scores, the 4P score minus
    the 4C score and a reading: ``firm_ahead`` (firm-side strength not felt by customers) when
    4P is ahead by at least ``threshold``, ``customer_ahead`` when 4C is ahead by as much, else
    ``balanced``. Columns ``element_4p``, ``element_4c``, ``element_4r``, ``score_4p``,
    ``score_4c``, ``score_4r``, ``firm_minus_customer``, ``verdict`` (element and reading keys);
    show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> s = {"product": 5, "price": 4, "place": 4, "promotion": 5, "customer_needs": 2, "cost": 4,
    ...      "convenience": 3.5, "communication": 2, "relevance": 2, "reaction": 3, "relationship": 2, "reward": 3}
    >>> gap_analysis(s)["verdict"].tolist()
    ['firm_ahead', 'balanced', 'balanced', 'firm_ahead']
    >>> localize(gap_analysis(s), "en").columns[:4].tolist()
    ['4P', '4C', '4R', '4P score']
    """
    if threshold <= 0:
        raise ValueError(f"threshold must be > 0; got {threshold!r}")
    rows = []
    for p, c, r, _, _ in _CORRESPONDENCE:
        firm, customer, relation = _scores_for(scores, (p, c, r))
        diff = firm - customer
        verdict = "firm_ahead" if diff >= threshold else "customer_ahead" if diff <= -threshold else "balanced"
        rows.append({"element_4p": p, "element_4c": c, "element_4r": r, "score_4p": firm, "score_4c": customer,
                     "score_4r": relation, "firm_minus_customer": diff, "verdict": verdict})
    return with_display(pd.DataFrame(rows), prefixes=("mix_", ""),
                        value_columns=["element_4p", "element_4c", "element_4r", "verdict"])


def plot_radar(scores: Mapping[str, float] | Mapping[str, Mapping[str, float]], framework: str,
               lang: str = "en", ax: Axes | None = None, target: float | None = None,
               legend: bool = True) -> Axes:
    """Radar (spider) chart of the scores of one framework.

    Parameters
    ----------
    scores
        ``{element: score}`` for one company, or ``{company name: {element: score}}`` to
        overlay several companies.
    framework
        One of :data:`FRAMEWORK_KEYS`.
    lang
        Language of the element names and title.
    ax
        A polar Axes to draw on; a new one is made when ``None``.
    target
        Draw a dashed ring at this score.
    legend
        Draw a legend below the chart when there is more than one series (default); pass
        ``False`` to draw one legend for several charts yourself.

    Examples
    --------
    >>> ax = plot_radar(case_scores(load_case("swift_express")), "11P", lang="zh")  # doctest: +SKIP
    """
    check_lang(lang)
    elements = FRAMEWORKS[_check_framework(framework)]
    first = next(iter(scores.values()), None)
    series = dict(scores) if isinstance(first, Mapping) else {"": scores}
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5), subplot_kw={"projection": "polar"})
    if getattr(ax, "name", "") != "polar":
        raise ValueError("plot_radar needs a polar Axes: plt.subplots(subplot_kw={'projection': 'polar'})")
    ax.set_theta_offset(np.pi / 2)  # first element at the top, then clockwise
    ax.set_theta_direction(-1)
    angles = np.linspace(0, 2 * np.pi, len(elements), endpoint=False)
    closed = np.append(angles, angles[0])
    for name, values in series.items():
        radii = _scores_for(values, elements)
        ax.plot(closed, np.append(radii, radii[0]), marker="o", label=name or None)
        ax.fill(closed, np.append(radii, radii[0]), alpha=0.15)
    if target is not None:
        ax.plot(closed, np.full(len(closed), float(target)), linestyle="--", color="0.4", linewidth=1,
                label=label("mix_target", lang))
    ax.set_xticks(angles)
    ax.set_xticklabels([label(f"mix_{e}", lang) for e in elements], fontsize="small")
    ax.set_ylim(*SCORE_RANGE)
    ax.set_title(label(f"framework_{framework.lower()}", lang), pad=18)
    if legend and (len(series) > 1 or target is not None):
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=min(3, len(series) + 1),
                  fontsize="small", frameon=False)
    return ax
