"""Precision-marketing operations (精细化营销运营): means, misreadings, delivery models, CRM plan, KPIs.

* :func:`precision_means`: the five means of precision marketing (精细化营销的五大手段);
  :func:`precision_misreadings`: the three common misreadings (三种误区);
  :func:`misreading_statements`: true/false statements on them for an exercise.
* Delivery models by product value × standardisation (交付模式): :func:`delivery_model` for one
  product, :func:`classify_delivery` for a product table, :func:`plot_delivery_map` for the map,
  :func:`example_products` for a small illustrative product table.
* The CRM plan (CRM 实施步骤) as data: :func:`crm_plan_steps`.
* The KPIs that evaluate it (考核指标), computed from real data: :func:`monthly_activity`
  (active, new and cumulative customers and sales per month from a transaction log),
  :func:`growth_rates` (customer growth rate 客户增长率 and sales growth rate 销售额增长率) and
  :func:`satisfaction_by_month` (customer satisfaction 客户满意度 from a survey table).

Every function that takes a customer table or a transaction log checks it and raises an error
naming the column and the number of bad rows; :func:`monthly_activity` reports the partial
months it leaves out.

Examples
--------
>>> delivery_model(0.9, 0.1)
'professional_service'
>>> log = pd.DataFrame({"customer": ["a", "b", "a", "c"],
...                     "date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03", "2024-02-10"]),
...                     "amount": [10.0, 20.0, 15.0, 30.0]})
>>> activity = monthly_activity(log, "customer", "date", "amount", drop_partial_months=False)
>>> growth_rates(activity)[["customer_growth_rate", "sales_growth_rate"]].values.tolist()
[[0.0, 0.5]]
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._table_checks import numeric_column, require_columns, require_complete, require_table
from .validation import ValidationError
from .lang import Vocabulary, check_lang, label, register, with_display
from .lang import localize  # noqa: F401  (the doctests show the keyed tables with it)
from .transactions import validate

__all__ = [
    "precision_counterexamples",
    "deep_market_profit",
    "poisson_at_least",
    "chain_conversion",
    "DELIVERY_MODELS",
    "precision_means",
    "precision_misreadings",
    "misreading_statements",
    "delivery_model",
    "classify_delivery",
    "example_products",
    "delivery_counts",
    "draw_delivery_regions",
    "plot_delivery_point",
    "plot_delivery_map",
    "crm_plan_steps",
    "monthly_activity",
    "growth_rates",
    "satisfaction_by_month",
    "term",
    "localize_kpis",
    "describe_kpi_months",
]

DELIVERY_MODELS: tuple[str, ...] = ("professional_service", "general_service", "process_service")

_VOCABULARY = {
        "item": {"en": "Means or misreading", "zh": "手段或误区"},
        "kind": {"en": "Kind", "zh": "类别"},
        "rough_plan": {"en": "Rough plan", "zh": "粗放做法"},
        "rough_result": {"en": "Result (rough)", "zh": "结果（粗放）"},
        "precise_plan": {"en": "Precise plan", "zh": "精细做法"},
        "precise_result": {"en": "Result (precise)", "zh": "结果（精细）"},
        "unit": {"en": "Measured as", "zh": "衡量指标"},
        "precision_mean": {"en": "Means", "zh": "手段"},
        "precision_what": {"en": "What it means", "zh": "含义"},
        "precision_example": {"en": "Example", "zh": "例子"},
        "misreading": {"en": "Misreading", "zh": "误区"},
        "misreading_why": {"en": "Why it falls short", "zh": "为什么不对"},
        "statement": {"en": "Statement", "zh": "判断题"},
        "statement_true": {"en": "True?", "zh": "是否正确"},
        "statement_why": {"en": "Why", "zh": "解析"},
        "delivery_model": {"en": "Delivery model", "zh": "交付模式"},
        "professional_service": {"en": "Professional service", "zh": "专业服务交付"},
        "general_service": {"en": "General service", "zh": "一般服务交付"},
        "process_service": {"en": "Process service", "zh": "流程服务交付"},
        "product": {"en": "Product", "zh": "产品"},
        "product_value": {"en": "Product value (0-1)", "zh": "产品价值（0–1）"},
        "value": {"en": "Value (0-1)", "zh": "价值（0–1）"},
        "standardisation": {"en": "Standardisation (0-1)", "zh": "标准化程度（0–1）"},
        "products": {"en": "Products", "zh": "产品数"},
        "plan_step": {"en": "Step", "zh": "步骤"},
        "plan_does": {"en": "What is done", "zh": "做什么"},
        "plan_kpi": {"en": "KPI it moves", "zh": "对应考核指标"},
        "month": {"en": "Month", "zh": "月份"},
        "active_customers": {"en": "Active customers", "zh": "活跃客户数"},
        "new_customers": {"en": "New customers", "zh": "新客户数"},
        "customer_base": {"en": "Customers to date", "zh": "累计客户数"},
        "sales": {"en": "Sales", "zh": "销售额"},
        "customer_growth_rate": {"en": "Customer growth rate", "zh": "客户增长率"},
        "base_growth_rate": {"en": "Growth of the customer base", "zh": "客户总量增长率"},
        "sales_growth_rate": {"en": "Sales growth rate", "zh": "销售额增长率"},
        "respondents": {"en": "Respondents", "zh": "受访客户数"},
        "mean_satisfaction": {"en": "Mean satisfaction (1-5)", "zh": "平均满意度（1–5）"},
        "satisfied_share": {"en": "Share satisfied", "zh": "满意客户占比"},
        "kind_means": {"en": "means", "zh": "手段"},
        "kind_misreading": {"en": "misreading", "zh": "误区"},
}
_WORDS = Vocabulary("ops_", _VOCABULARY, name="operations")
_localized = _WORDS.localize


def term(key: str, lang: str = "en") -> str:
    """The text of one of this module's terms (column names, delivery models) in ``lang``.

    Examples
    --------
    >>> term("process_service", "zh")
    '流程服务交付'
    """
    return _WORDS.term(key, lang)


def localize_kpis(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Headers (and delivery-model values) of a table made by this module, in ``lang``.

    Examples
    --------
    >>> localize_kpis(pd.DataFrame({"sales": [1.0]}), "zh").columns.tolist()
    ['销售额']
    """
    values = [c for c in ("delivery_model",) if c in frame.columns]
    return _localized(frame, lang, value_columns=values)

# ---------------------------------------------------------------------------------------------
# concepts as data
# ---------------------------------------------------------------------------------------------

_MEANS = (
    ("Work one market deeply", "深耕一个特定市场",
     "Concentrate people and budget on a chosen region or segment and serve it thoroughly before spreading out.",
     "把人力和预算集中到选定的区域或细分市场，先做深做透，再向外扩展。",
     "An appliance maker wins the key stores of its home province first, then copies the playbook.",
     "家电企业先拿下本省重点卖场，再把做法复制到其他省份。"),
    ("Targeted advertising", "精准定向的广告投放",
     "Each campaign has one clear aim (awareness, reputation or sales) and reaches the groups likely to buy.",
     "每次投放目标明确（知名度、美誉度或促销），只面向可能购买的人群。",
     "Search and social ads bought for a defined audience instead of a nationwide TV blitz.",
     "按明确人群购买搜索和社交广告，而不是全国电视轰炸。"),
    ("Anticipate customer needs", "预判客户需求",
     "Know customers' traits and buying behaviour well enough to see the next need before they ask.",
     "充分了解客户特征与购买行为，在客户开口之前看到下一个需求。",
     "Offering a service contract when a machine approaches the age at which it usually needs repair.",
     "设备接近常见的维修年限时，主动提供保养合同。"),
    ("Focus on the users worth it", "聚焦值得投入的客户",
     "Rank customers by value and give the most valuable a dedicated contact; serve the rest efficiently.",
     "按价值给客户排序，最有价值的客户配专人服务，其余客户高效服务。",
     "Key accounts get an account manager; small buyers are served through dealers.",
     "大客户由客户经理负责，小客户通过经销商服务。"),
    ("Precise channels, integrated communication", "精准渠道与整合传播",
     "Choose few, controlled channels close to the customer and make every message tell one consistent story.",
     "选择少而可控、贴近客户的渠道，让所有传播口径一致。",
     "Direct sales to large customers plus one coordinated online and in-store campaign.",
     "对大客户直销，同时线上与门店统一口径开展一次传播活动。"),
)


def precision_means(lang: str = "en") -> pd.DataFrame:
    """The five means of precision marketing, what each means and an example.

    Examples
    --------
    >>> precision_means().iloc[0, 0]
    'Work one market deeply'
    >>> len(precision_means("zh"))
    5
    """
    i = 0 if check_lang(lang) == "en" else 1
    rows = [{"precision_mean": m[i], "precision_what": m[2 + i], "precision_example": m[4 + i]} for m in _MEANS]
    return _localized(pd.DataFrame(rows), lang)


_MISREADINGS = (
    ("Precision marketing = detail marketing", "精细化营销 = 细节营销",
     "Polishing details (store displays, staff training, strict rules) lifts sales for a while, but competitors "
     "copy details quickly; precision marketing is about where resources go, not only how neatly things are done.",
     "把陈列、培训、制度等细节做到极致，短期内能提升销量，但细节很快会被对手模仿；精细化营销关心的是资源投向哪里，而不只是做得是否细致。"),
    ("Precision marketing = segment marketing", "精细化营销 = 细分市场营销",
     "Choosing key regions and cities is only the first step; without knowing what each customer group values "
     "and following it through, segmentation alone does not make marketing precise.",
     "划定重点片区和城市只是第一步；不了解各客户群看重什么、不把后续环节落实，单靠细分并不能让营销精准。"),
    ("Precision marketing = one step done precisely", "精细化营销 = 某一环节的精细化",
     "Marketing is a system: sales, logistics, finance, service and communication. A campaign perfect in every "
     "step but delivery still fails when the goods do not reach the shelves in the season.",
     "营销是一个系统：销售、物流、财务、服务、传播环环相扣。其他环节再完美，只要物流跟不上、旺季无货，活动照样失败。"),
)


def precision_misreadings(lang: str = "en") -> pd.DataFrame:
    """The three misreadings of precision marketing and why each falls short.

    Examples
    --------
    >>> precision_misreadings("zh").iloc[1, 0]
    '精细化营销 = 细分市场营销'
    """
    i = 0 if check_lang(lang) == "en" else 1
    rows = [{"misreading": m[i], "misreading_why": m[2 + i]} for m in _MISREADINGS]
    return _localized(pd.DataFrame(rows), lang)


_STATEMENTS = (
    ("Precision marketing means doing the details well: displays, training and rules.",
     "精细化营销就是把细节做好：陈列、培训和管理制度。", False,
     "Details help in the short run but are easy to copy; precision is about allocating resources to customers.",
     "细节短期有用但容易被模仿；精细化的核心是把资源配置到合适的客户上。"),
    ("Once the key regions and cities are chosen, marketing is precise.",
     "选定了重点片区和重点城市，营销就精细化了。", False,
     "Segmenting the market is the first step, not the whole of precision marketing.",
     "细分市场只是精细化营销的第一步，而不是全部。"),
    ("If one step of the chain, such as promotion, is done precisely, the campaign is precise.",
     "只要促销等某一个环节做得精细，整个活动就是精细化营销。", False,
     "Precision must run through the whole system; one weak link such as logistics sinks the campaign.",
     "精细化必须贯穿整个体系，物流等任何一个薄弱环节都会拖垮活动。"),
    ("Segmenting the market is part of precision marketing.",
     "市场细分是精细化营销的一部分。", True,
     "It is its first step; precision marketing includes it but goes further.",
     "它是第一步；精细化营销包含细分，但不止于细分。"),
    ("Precision marketing aims at the best use of limited marketing resources.",
     "精细化营销追求有限营销资源的合理配置。", True,
     "Spending where the return is, and cutting waste in advertising, promotion and channels, is its core.",
     "把钱花在有回报的地方、减少广告、促销和渠道上的浪费，是它的核心。"),
    ("A high-value, customised product is best delivered through an efficient standard process.",
     "高价值、需要定制的产品最适合用高效的标准流程交付。", False,
     "High value and low standardisation call for professional service, tailored to each customer.",
     "价值高、标准化程度低的产品需要专业服务交付，按客户需求定制。"),
)


def misreading_statements(lang: str = "en") -> pd.DataFrame:
    """True/false statements on precision marketing (the three misreadings among them), with answers.

    Examples
    --------
    >>> table = misreading_statements()
    >>> len(table), int(table["True?"].sum())
    (6, 2)
    """
    i = 0 if check_lang(lang) == "en" else 1
    rows = [{"statement": s[i], "statement_true": s[2], "statement_why": s[3 + i]} for s in _STATEMENTS]
    return _localized(pd.DataFrame(rows), lang)


_PLAN = (
    ("1. Data integration", "1. 客户数据整合",
     "Bring the customer data of sales, service, web and finance into one customer view.",
     "把销售、服务、网站和财务中的客户数据汇总成统一的客户视图。",
     "enables all KPIs", "所有指标的基础"),
    ("2. Grouping", "2. 客户分组",
     "Group customers by value, needs and behaviour (lectures 04-06) to tailor offers and service.",
     "按价值、需求和行为给客户分组（第 04–06 讲），据此定制产品与服务。",
     "sales growth", "销售额增长率"),
    ("3. Interaction", "3. 客户互动",
     "Keep two-way contact through the channels each group uses; answer questions and complaints fast.",
     "通过各客户群常用的渠道保持双向沟通，快速回应咨询与投诉。",
     "customer satisfaction", "客户满意度"),
    ("4. Sales automation", "4. 销售过程自动化",
     "Let the system route leads, remind reps, track opportunities and orders (the hand-over rule).",
     "由系统分配线索、提醒销售人员、跟踪商机与订单（即线索交接规则）。",
     "customer growth", "客户增长率"),
    ("5. Feedback", "5. 反馈与改进",
     "Collect feedback and results, compare them with the KPI targets and adjust the plan.",
     "收集客户反馈与经营结果，对照考核目标调整方案。",
     "all KPIs, period after period", "各项指标的持续改进"),
)


def crm_plan_steps(lang: str = "en") -> pd.DataFrame:
    """The five steps of a CRM marketing plan, what each does and the KPI it moves most.

    Examples
    --------
    >>> crm_plan_steps()["Step"].tolist()[-1]
    '5. Feedback'
    """
    i = 0 if check_lang(lang) == "en" else 1
    rows = [{"plan_step": s[i], "plan_does": s[2 + i], "plan_kpi": s[4 + i]} for s in _PLAN]
    return _localized(pd.DataFrame(rows), lang)


# ---------------------------------------------------------------------------------------------
# delivery models
# ---------------------------------------------------------------------------------------------


def _unit_interval(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number from 0 to 1, got {value!r}")
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be from 0 to 1, got {value!r}")
    return float(value)


def delivery_model(value: float, standardisation: float, band: float = 0.25) -> str:
    """The delivery model of a product from its value and its degree of standardisation.

    Both scores are on a 0-1 scale (0 = lowest value / fully customised, 1 = highest value /
    fully standard). The rule reads the seed's three cases as regions of the square:

    * **professional service** (专业服务交付) when value exceeds standardisation by more than
      ``band``: a valuable product made to each customer's needs is delivered by experts,
      tailored to the customer;
    * **process service** (流程服务交付) when standardisation exceeds value by more than ``band``:
      a cheap standard product is delivered by an excellent, efficient process;
    * **general service** (一般服务交付) otherwise (the diagonal band, where value and
      standardisation are about equal, e.g. both middling): good pre-sale information and local
      after-sales service.

    The boundaries belong to general service: ``value - standardisation == band`` is general.

    Examples
    --------
    >>> delivery_model(0.75, 0.25), delivery_model(0.5, 0.5), delivery_model(0.25, 0.75)
    ('professional_service', 'general_service', 'process_service')
    >>> delivery_model(0.5, 0.25)  # difference equals the band: still general
    'general_service'
    """
    value = _unit_interval(value, "value")
    standardisation = _unit_interval(standardisation, "standardisation")
    band = _unit_interval(band, "band")
    gap = value - standardisation
    if gap > band:
        return "professional_service"
    if gap < -band:
        return "process_service"
    return "general_service"


def classify_delivery(products: pd.DataFrame, value_col: str = "value", standardisation_col: str = "standardisation",
                      band: float = 0.25) -> pd.Series:
    """:func:`delivery_model` for every row of a product table (a Series named ``delivery_model``).

    The values are model keys; as a column of a table, :func:`crmlab.lang.localize` (or
    :func:`localize_kpis`) shows them in the reader's language.

    Both columns must hold numbers from 0 to 1; an error names the column and the count of bad rows.

    Examples
    --------
    >>> table = pd.DataFrame({"value": [0.9, 0.2], "standardisation": [0.2, 0.9]})
    >>> classify_delivery(table).tolist()
    ['professional_service', 'process_service']
    >>> localize(classify_delivery(table).to_frame(), "zh")["交付模式"].tolist()
    ['专业服务交付', '流程服务交付']
    """
    require_table(products, "product table")
    require_columns(products, [value_col, standardisation_col], "product table")
    band = _unit_interval(band, "band")
    arrays = {}
    for column in (value_col, standardisation_col):
        values = numeric_column(products, column)
        outside = int(((values < 0) | (values > 1)).sum())
        if outside:
            raise ValidationError(f"column {column!r} has {outside} value(s) outside 0-1",
                                  column=column, rows=outside, total=len(values))
        arrays[column] = values
    gap = arrays[value_col] - arrays[standardisation_col]
    models = np.where(gap > band, "professional_service", np.where(gap < -band, "process_service", "general_service"))
    out = pd.Series(models, index=products.index, name="delivery_model")
    return with_display(out, prefixes=("ops_",), value_columns=["delivery_model"])


_PRODUCTS = (
    # en, zh, value, standardisation (teaching judgments, 0-1)
    ("ERP system roll-out", "ERP 系统实施", 0.95, 0.15),
    ("Industrial production line", "工业生产线", 0.90, 0.25),
    ("Corporate insurance plan", "企业团体保险方案", 0.70, 0.35),
    ("Office copier with service", "办公复印机（含维保）", 0.55, 0.60),
    ("Family car", "家用轿车", 0.65, 0.70),
    ("Mobile phone plan", "手机套餐", 0.30, 0.85),
    ("Parcel delivery", "快递寄件", 0.20, 0.90),
    ("Bottled water", "瓶装水", 0.05, 0.98),
    ("Tailored suit", "高级定制西装", 0.60, 0.10),
    ("Cloud storage subscription", "云存储订阅", 0.40, 0.80),
)


def example_products(lang: str = "en") -> pd.DataFrame:
    """Ten products with a value and a standardisation score (0-1) for the delivery map.

    The scores are illustrative judgments for teaching, not measurements: a researcher puts their
    own product table through :func:`classify_delivery`.

    Examples
    --------
    >>> example_products().columns.tolist()
    ['product', 'value', 'standardisation']
    """
    i = 0 if check_lang(lang) == "en" else 1
    return pd.DataFrame([{"product": p[i], "value": p[2], "standardisation": p[3]} for p in _PRODUCTS])


def delivery_counts(models: pd.Series) -> pd.DataFrame:
    """How many products fall into each delivery model (all three listed, 0 when empty).

    Columns ``delivery_model`` (model keys) and ``products``; show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> delivery_counts(pd.Series(["general_service", "general_service"]))["products"].tolist()
    [0, 2, 0]
    """
    counts = pd.Series(models).value_counts()
    out = pd.DataFrame({"delivery_model": list(DELIVERY_MODELS),
                        "products": [int(counts.get(m, 0)) for m in DELIVERY_MODELS]})
    return with_display(out, prefixes=("ops_",), value_columns=["delivery_model"])


_REGION_COLOURS = {"professional_service": "#4C72B0", "general_service": "#8C8C8C", "process_service": "#DD8452"}


def draw_delivery_regions(ax: Axes, band: float = 0.25, lang: str = "en") -> Axes:
    """Shade the three delivery-model regions on ``ax`` (x = standardisation, y = value) and label the axes.

    Draws only fixed decoration, so a widget can draw it once and put the moving point on top.
    """
    check_lang(lang)
    band = _unit_interval(band, "band")
    x = np.array([0.0, 1.0])
    ax.fill_between(x, np.minimum(x + band, 1.0), 1.0, color=_REGION_COLOURS["professional_service"], alpha=0.18, lw=0)
    ax.fill_between(x, np.maximum(x - band, 0.0), np.minimum(x + band, 1.0), color=_REGION_COLOURS["general_service"],
                    alpha=0.15, lw=0)
    ax.fill_between(x, 0.0, np.maximum(x - band, 0.0), color=_REGION_COLOURS["process_service"], alpha=0.18, lw=0)
    ax.text(0.03, 0.80, term("professional_service", lang), va="center", ha="left",
            color=_REGION_COLOURS["professional_service"])
    ax.text(0.5, 0.5, term("general_service", lang), va="center", ha="center", rotation=45,
            color="#555555")
    ax.text(0.55, 0.03, term("process_service", lang), va="bottom", ha="left",
            color=_REGION_COLOURS["process_service"])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(term("standardisation", lang))
    ax.set_ylabel(term("product_value", lang))
    ax.set_title(term("delivery_model", lang))
    return ax


def plot_delivery_map(products: pd.DataFrame, name_col: str = "product", value_col: str = "value",
                      standardisation_col: str = "standardisation", band: float = 0.25, lang: str = "en",
                      ax: Axes | None = None) -> Axes:
    """The delivery map: the three regions and each product as a labelled point.

    Examples
    --------
    >>> ax = plot_delivery_map(example_products())
    >>> len(ax.collections) >= 4
    True
    >>> plt.close(ax.figure)
    """
    models = classify_delivery(products, value_col, standardisation_col, band)
    require_columns(products, [name_col], "product table")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5.5))
    draw_delivery_regions(ax, band, lang)
    colours = [_REGION_COLOURS[m] for m in models]
    ax.scatter(products[standardisation_col], products[value_col], c=colours, s=45, edgecolor="black", zorder=3)
    for name, x, y in zip(products[name_col], products[standardisation_col], products[value_col]):
        ax.annotate(str(name), (x, y), xytext=(4, 4), textcoords="offset points", fontsize="small")
    return ax


# ---------------------------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------------------------


def monthly_activity(
    log: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str,
    *,
    drop_partial_months: bool = True,
) -> pd.DataFrame:
    """Active, new and cumulative customers and sales per calendar month of a transaction log.

    The log is checked with :func:`crmlab.transactions.validate` (missing ids, unparsable dates,
    missing, text or negative amounts raise an error naming the column and the bad rows): pass a
    cleaned log (:func:`crmlab.transactions.clean`).

    Parameters
    ----------
    log
        One row per purchase line.
    customer_col, date_col, amount_col
        Column names.
    drop_partial_months
        Leave out a first month the log does not cover from its first day and a last month it
        does not cover to its last day, so that growth compares whole months. What was left out
        (months, rows, sales) is in ``result.attrs["dropped"]``. New customers are counted from
        the whole log, so a customer whose first purchase was in a dropped first month is not
        new later.

    Returns
    -------
    pandas.DataFrame
        One row per month (``month`` as a month-start timestamp), every month between the first
        and the last included: ``active_customers`` (distinct customers who bought that month),
        ``new_customers`` (first purchase that month), ``customer_base`` (customers to date) and
        ``sales`` (sum of amounts).

    Examples
    --------
    >>> log = pd.DataFrame({"c": ["a", "b", "a"], "d": ["2024-01-01", "2024-01-31", "2024-02-29"],
    ...                     "x": [1.0, 2.0, 4.0]})
    >>> monthly_activity(log, "c", "d", "x")[["active_customers", "new_customers", "sales"]].values.tolist()
    [[2.0, 2.0, 3.0], [1.0, 0.0, 4.0]]
    """
    checked = validate(log, customer_col, date_col, amount_col)
    month = checked[date_col].dt.to_period("M")
    first_month = month.groupby(checked[customer_col]).transform("min")
    months = pd.period_range(month.min(), month.max(), freq="M")
    active = checked.groupby(month)[customer_col].nunique().reindex(months, fill_value=0)
    new = checked.loc[month == first_month].groupby(month)[customer_col].nunique().reindex(months, fill_value=0)
    sales = checked.groupby(month)[amount_col].sum().reindex(months, fill_value=0.0)
    out = pd.DataFrame({"month": months.to_timestamp(), "active_customers": active.to_numpy(dtype=float),
                        "new_customers": new.to_numpy(dtype=float), "customer_base": new.cumsum().to_numpy(dtype=float),
                        "sales": sales.to_numpy(dtype=float)})
    dropped = []
    if drop_partial_months:
        first_day, last_day = checked[date_col].min(), checked[date_col].max()
        keep = np.ones(len(out), dtype=bool)
        if first_day.normalize() != first_day.to_period("M").start_time:
            keep[0] = False
        if last_day.normalize() != last_day.to_period("M").end_time.normalize():
            keep[-1] = False
        for position in np.flatnonzero(~keep):
            period = months[position]
            dropped.append({"month": str(period), "rows": int((month == period).sum()),
                            "sales": float(out["sales"].iloc[position])})
        out = out.loc[keep].reset_index(drop=True)
        if out.empty:
            raise ValueError("the log covers no whole calendar month; pass drop_partial_months=False")
    out.attrs["dropped"] = dropped
    return out


def growth_rates(activity: pd.DataFrame) -> pd.DataFrame:
    """Month-on-month growth rates from :func:`monthly_activity` (from the second month on).

    * ``customer_growth_rate`` = active customers this month / last month - 1;
    * ``base_growth_rate`` = new customers this month / customers to date at the end of last month;
    * ``sales_growth_rate`` = sales this month / last month - 1.

    A rate whose base is 0 is refused (ValueError naming the month) rather than returned as NaN
    or infinity.

    Examples
    --------
    >>> act = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "active_customers": [4.0, 5.0],
    ...                     "new_customers": [4.0, 2.0], "customer_base": [4.0, 6.0], "sales": [100.0, 90.0]})
    >>> [round(float(v), 2) for v in growth_rates(act).iloc[0, 1:]]
    [0.25, 0.5, -0.1]
    """
    require_table(activity, "monthly activity table")
    columns = ["month", "active_customers", "new_customers", "customer_base", "sales"]
    require_columns(activity, columns, "monthly activity table")
    require_complete(activity, columns, "monthly activity table")
    if len(activity) < 2:
        raise ValueError("growth needs at least two months")
    values = {c: numeric_column(activity, c, non_negative=True) for c in columns[1:]}
    for column in ("active_customers", "customer_base", "sales"):
        zero = np.flatnonzero(values[column][:-1] == 0)
        if zero.size:
            month = pd.Timestamp(activity["month"].iloc[zero[0]]).strftime("%Y-%m")
            raise ValidationError(f"column {column!r} is 0 in {zero.size} month(s) (first {month}): no growth rate "
                                  "from 0", column=column, rows=int(zero.size), total=len(values[column]))
    return pd.DataFrame({
        "month": activity["month"].iloc[1:].to_numpy(),
        "customer_growth_rate": values["active_customers"][1:] / values["active_customers"][:-1] - 1,
        "base_growth_rate": values["new_customers"][1:] / values["customer_base"][:-1],
        "sales_growth_rate": values["sales"][1:] / values["sales"][:-1] - 1,
    })


register({
    "operations_kpi_months_sentence": {
        "en": "{rows_in:,} rows in, {rows_out:,} kept; {months} whole months; left out: {dropped}",
        "zh": "读入 {rows_in:,} 行，保留 {rows_out:,} 行；共 {months} 个完整月份；未计入：{dropped}"},
    "operations_kpi_dropped_month": {"en": "{month} ({rows} rows)", "zh": "{month}（{rows} 行）"},
    "operations_kpi_nothing_dropped": {"en": "nothing", "zh": "无"},
    "operations_satisfaction_sentence": {
        "en": "mean satisfaction {mean:.2f} of 5; {share:.1%} score {satisfied_min} or more; monthly share satisfied "
              "from {low:.1%} to {high:.1%}",
        "zh": "平均满意度 {mean:.2f}（满分 5 分）；{share:.1%} 的客户评分在 {satisfied_min} 分及以上；各月满意客户占比"
              "在 {low:.1%} 到 {high:.1%} 之间"},
})

# the lecture's widget labels (the English text is the lecture's original description)
register({
    "operations_widget_value": {"en": "value", "zh": "价值"},
    "operations_widget_standard": {"en": "standard", "zh": "标准化"},
})


def describe_kpi_months(rows_in: int, rows_out: int, activity: pd.DataFrame, lang: str = "en") -> str:
    """The sentence on the KPI data: rows read and kept, whole months and the partial months left out.

    ``activity`` is a table made by :func:`monthly_activity` (its ``attrs["dropped"]`` lists the
    months left out).

    Examples
    --------
    >>> activity = pd.DataFrame({"month": pd.to_datetime(["2024-01-01"])})
    >>> activity.attrs["dropped"] = [{"month": "2024-02", "rows": 1200}]
    >>> describe_kpi_months(5000, 4800, activity)
    '5,000 rows in, 4,800 kept; 1 whole months; left out: 2024-02 (1,200 rows)'
    >>> describe_kpi_months(5000, 4800, activity, "zh")
    '读入 5,000 行，保留 4,800 行；共 1 个完整月份；未计入：2024-02（1,200 行）'
    """
    check_lang(lang)
    dropped = ("、" if lang == "zh" else ", ").join(label("operations_kpi_dropped_month", lang).format(month=d["month"], rows=format(d["rows"], ","))
                        for d in activity.attrs.get("dropped", []))
    return label("operations_kpi_months_sentence", lang).format(
        rows_in=rows_in, rows_out=rows_out, months=len(activity),
        dropped=dropped or label("operations_kpi_nothing_dropped", lang))


def satisfaction_by_month(
    customers: pd.DataFrame,
    date_col: str = "first_purchase",
    satisfaction_col: str = "satisfaction",
    satisfied_min: float = 4,
    scale: tuple[float, float] = (1, 5),
) -> pd.DataFrame:
    """Customer satisfaction per month: respondents, mean score and share satisfied.

    Parameters
    ----------
    customers
        One row per surveyed customer.
    date_col
        The date that places a customer in a month (in the synthetic base, the month the
        customer was won; for a survey log, the survey date).
    satisfaction_col
        The score, a number within ``scale``; out-of-scale or missing scores raise an error
        naming the column and the count.
    satisfied_min
        Lowest score that counts as satisfied.

    Examples
    --------
    >>> survey = pd.DataFrame({"first_purchase": ["2024-01-03", "2024-01-20", "2024-02-02"],
    ...                        "satisfaction": [5, 3, 4]})
    >>> satisfaction_by_month(survey)[["respondents", "mean_satisfaction", "satisfied_share"]].values.tolist()
    [[2.0, 4.0, 0.5], [1.0, 4.0, 1.0]]
    """
    require_table(customers, "customer table")
    require_columns(customers, [date_col, satisfaction_col], "customer table")
    score = numeric_column(customers, satisfaction_col)
    low, high = scale
    outside = int(((score < low) | (score > high)).sum())
    if outside:
        raise ValidationError(f"column {satisfaction_col!r} has {outside} score(s) outside {low}-{high}",
                              column=satisfaction_col, rows=outside, total=len(score))
    raw = customers[date_col]
    dates = raw if pd.api.types.is_datetime64_any_dtype(raw) else pd.to_datetime(raw, errors="coerce", format="mixed")
    bad = int(dates.isna().sum())
    if bad:
        raise ValidationError(f"column {date_col!r} has {bad} row(s) that are missing or not dates",
                              column=date_col, rows=bad, total=len(dates))
    month = dates.dt.to_period("M")
    frame = pd.DataFrame({"month": month.to_numpy(), "score": score, "satisfied": (score >= satisfied_min).astype(float)})
    grouped = frame.groupby("month", sort=True)
    out = pd.DataFrame({"respondents": grouped.size().astype(float), "mean_satisfaction": grouped["score"].mean(),
                        "satisfied_share": grouped["satisfied"].mean()})
    out.index = out.index.to_timestamp()
    out.index.name = "month"
    return out.reset_index()


# ---------------------------------------------------------------------------------------------
# counter-examples in numbers: the five means and the three misreadings (lecture 11)
# ---------------------------------------------------------------------------------------------


def deep_market_profit(regions: int, budget: float = 600.0, entry_cost: float = 80.0, threshold: float = 60.0,
                       response: float = 40.0) -> float:
    """Margin from spreading ``budget`` evenly over ``regions``: each costs ``entry_cost`` to enter, and
    only spend above a presence ``threshold`` sells (margin = response × sqrt(spend − threshold)).

    Examples
    --------
    >>> round(deep_market_profit(5), 1), round(deep_market_profit(2), 1)
    (0.0, 1011.9)
    """
    if int(regions) != regions or regions < 1:
        raise ValueError(f"regions must be a whole number >= 1, got {regions!r}")
    per_region = (budget - regions * entry_cost) / regions
    return float(regions * response * np.sqrt(max(per_region - threshold, 0.0)))


def poisson_at_least(k: int, mean: float) -> float:
    """P(X >= k) for a Poisson count with the given mean.

    Examples
    --------
    >>> round(poisson_at_least(3, 3.6), 3)
    0.697
    """
    from scipy.stats import poisson

    return float(poisson.sf(k - 1, mean))


def chain_conversion(rates: Sequence[float]) -> float:
    """Share of prospects who pass every step of a marketing chain: the product of the step rates.

    Examples
    --------
    >>> round(chain_conversion([0.5, 0.4, 0.5, 0.95]), 3)
    0.095
    """
    values = np.asarray(rates, dtype=float)
    if values.size == 0 or np.any((values < 0) | (values > 1)):
        raise ValueError("rates must be shares between 0 and 1")
    return float(np.prod(values))


#: Chinese names of the counter-examples' items (the five means and the three misreadings).
_COUNTER_NAMES = {
    "work_one_market": _MEANS[0][1], "targeted_advertising": _MEANS[1][1], "anticipate_needs": _MEANS[2][1],
    "focus_on_worthy_users": _MEANS[3][1], "integrated_channels": _MEANS[4][1],
    "detail_marketing": _MISREADINGS[0][1], "segment_marketing": _MISREADINGS[1][1],
    "one_step_precise": _MISREADINGS[2][1],
}


def precision_counterexamples(lang: str = "en") -> pd.DataFrame:
    """Each of the five means and three misreadings as a small calculation: a rough plan against a precise one.

    The inputs are the course's own illustrative numbers (stated in each row's plan); the results
    are computed, so changing an input in the code changes the row. Columns: ``item`` (key),
    ``kind`` (``means`` / ``misreading``), ``rough_plan``, ``rough_result``, ``precise_plan``,
    ``precise_result`` and ``unit``.

    Examples
    --------
    >>> table = precision_counterexamples()
    >>> len(table), bool((table["precise_result"] > table["rough_result"]).all())
    (8, True)
    """
    check_lang(lang)
    best_k = max(range(1, 6), key=deep_market_profit)
    # targeted advertising: reach x response x margin 30 − cost
    mass = 1_000_000 * 0.002 * 30 - 1_000_000 * 0.05
    targeted = 100_000 * 0.015 * 30 - 100_000 * 0.2
    # anticipating needs: 1,000 machines; margin 200 per contract, 10 per offer
    random_offer = 1000 * 0.03 * 200 - 1000 * 10
    timed_offer = 250 * 0.12 * 200 - 250 * 10
    # focus on users worth it: 200 customers served (cost 250 each) cut churn by 10 points; margins as in a 20/80 base
    random_served = 0.10 * 200 * (1_000_000 / 1000) - 200 * 250
    top_served = 0.10 * 200 * (750_000 / 200) - 200 * 250
    # integrated communication: 3 channels x 1.2 exposures each; acting takes 3 exposures of one story
    separate = 1 - (1 - poisson_at_least(3, 1.2)) ** 3
    integrated = poisson_at_least(3, 3.6)
    # detail vs allocation: base margin 100 a quarter, 8 quarters
    detail = 100 * 0.20 * 2
    allocation = 100 * 0.10 * 8
    # segment only vs follow-through inside the chosen segment of 10,000 customers; margin 80
    segment_only = 10_000 * 0.02 * 80 - 10_000 * 2
    follow_through = 3_000 * 0.05 * 80 - 3_000 * 2
    # (item, kind, rough plan en / zh, rough result, precise plan en / zh, precise result, unit en / zh)
    rows = [
        ("work_one_market", "means", "spread 600 over 5 regions (entry 80 each, 60 needed to be noticed)",
         "600 平均分到 5 个区域（每个区域进入成本 80，投入超过 60 才会被注意到）",
         deep_market_profit(5), f"concentrate on the best number of regions ({best_k})",
         f"集中投入到最合适数量的区域（{best_k} 个）", deep_market_profit(best_k), "margin", "毛利"),
        ("targeted_advertising", "means", "mass ad: 1,000,000 reached at 0.05, 0.2% buy",
         "大众广告：触达 1,000,000 人，每人成本 0.05，0.2% 购买", mass,
         "targeted: 100,000 likely buyers at 0.20, 1.5% buy", "定向广告：触达 100,000 名可能的买家，每人成本 0.20，1.5% 购买",
         targeted, "profit (margin 30 a buyer)", "利润（每位买家毛利 30）"),
        ("anticipate_needs", "means", "service offer to all 1,000 machines at a random time, 3% accept",
         "在随机时间向全部 1,000 台设备推荐服务合同，3% 接受", random_offer,
         "offer to the 250 machines reaching repair age, 12% accept", "只向接近维修年限的 250 台设备推荐，12% 接受",
         timed_offer, "profit (200 a contract, 10 an offer)", "利润（每份合同 200，每次推荐成本 10）"),
        ("focus_on_worthy_users", "means", "extra service for 200 customers picked at random",
         "为随机挑选的 200 位客户提供额外服务", random_served,
         "extra service for the top 200 (20% of customers, 75% of margin)",
         "为价值最高的 200 位客户提供额外服务（占客户的 20%，贡献 75% 的毛利）", top_served,
         "margin kept − cost", "保住的毛利 − 成本"),
        ("integrated_channels", "means", "3 channels, 3 different messages", "3 个渠道，3 种不同的说法", separate,
         "3 channels, one consistent story", "3 个渠道，统一口径讲同一个故事", integrated,
         "share who meet one message 3+ times", "同一信息接触 3 次及以上的人群占比"),
        ("detail_marketing", "misreading", "polish details: +20% sales until rivals copy (2 quarters)",
         "打磨细节：销量提高 20%，直到对手模仿（2 个季度）", detail,
         "move budget to valuable customers: +10% for 8 quarters", "把预算转向高价值客户：销量提高 10%，持续 8 个季度",
         allocation, "extra margin over 8 quarters", "8 个季度的新增毛利"),
        ("segment_marketing", "misreading", "pick the key segment, contact all 10,000 (2% respond)",
         "选定重点细分市场，联系其中全部 10,000 位客户（2% 响应）", segment_only,
         "inside the segment, contact the best-scored 3,000 (5% respond)",
         "在该细分市场内，只联系评分最高的 3,000 位客户（5% 响应）", follow_through, "profit (margin 80)",
         "利润（每位响应者毛利 80）"),
        ("one_step_precise", "misreading", "promotion doubled (0.4→0.8) but only 40% delivered",
         "促销效果翻倍（0.4→0.8），但只有 40% 能送达", chain_conversion([0.5, 0.8, 0.5, 0.4]),
         "every step a little better (0.55, 0.44, 0.55, 0.95)", "每个环节都稍有改进（0.55、0.44、0.55、0.95）",
         chain_conversion([0.55, 0.44, 0.55, 0.95]), "share of prospects who end up served", "最终得到服务的潜在客户占比"),
    ]
    zh = lang != "en"
    table = pd.DataFrame([(_COUNTER_NAMES[r[0]] if zh else r[0], term("kind_" + r[1], lang) if zh else r[1], r[3 if zh else 2],
                           r[4], r[6 if zh else 5], r[7], r[9 if zh else 8]) for r in rows],
                         columns=["item", "kind", "rough_plan", "rough_result", "precise_plan", "precise_result", "unit"])
    return table if lang == "en" else _localized(table, lang)


def plot_delivery_point(ax: Axes, value: float, standardisation: float, band: float = 0.25,
                        lang: str = "en") -> Axes:
    """One product as a point on the delivery map (:func:`draw_delivery_regions`) and its delivery model in a note.

    Examples
    --------
    >>> ax = plot_delivery_point(draw_delivery_regions(plt.figure().add_subplot()), 0.8, 0.2)
    >>> ax.texts[-1].get_text()
    'Professional service'
    >>> plt.close(ax.figure)
    """
    check_lang(lang)
    model = delivery_model(value, standardisation, band)
    ax.plot([standardisation], [value], "o", color="black", markersize=11)
    ax.text(0.97, 0.93, term(model, lang), transform=ax.transAxes, ha="right", va="top",
            bbox=dict(facecolor="white", edgecolor="grey"))
    return ax
