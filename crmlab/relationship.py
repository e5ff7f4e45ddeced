"""Relationship marketing (关系营销): customer types, customer classes, service tiers, and
why satisfaction is not loyalty.

* :func:`relationship_vs_transactional` compares relationship marketing with traditional,
  transactional marketing point by point; :func:`crm_marketing_methods` lists the four CRM
  marketing methods; :func:`b2b_b2c_statements` holds true/false statements on B2B and B2C
  relationships for an exercise.
* :func:`behaviour_features` turns a transaction log into behaviour per customer (tenure,
  purchases per year, regularity of the gaps between purchases, share bought on discount,
  recent value); :func:`classify_relationship` splits relationship customers (关系客户) from
  transaction customers (交易客户) with thresholds a student can move, and
  :func:`relationship_subtypes` splits relationship customers into most profitable now,
  potentially most profitable and about to leave.
* :func:`customer_classes`: potential / new / existing / lost (潜在 / 新 / 现有 / 流失) at a date.
* :func:`service_tiers`: service tiers (服务分层) from value ranks. (Lorenz curve, Gini and the
  top-20 % share are in :mod:`crmlab.concentration`.)
* :func:`satisfaction_loyalty`: how weakly a satisfaction score predicts whether a customer
  stays or buys again.

Every function that reads a customer table or a transaction log takes the column names as
parameters and checks them; errors name the column and the number of bad rows.

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame({"customer_id": ["a"] * 5 + ["b"] * 2,
...                     "date": pd.to_datetime(["2024-01-05", "2024-03-05", "2024-05-05", "2024-07-05",
...                                             "2024-09-05", "2024-06-01", "2024-12-01"]),
...                     "amount": [50.0] * 5 + [20.0, 30.0],
...                     "on_promotion": [False] * 5 + [True, True]})
>>> features = behaviour_features(log, as_of="2024-12-31", discount_col="on_promotion")
>>> classify_relationship(features)["customer_type"].tolist()
['relationship', 'transaction']
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .lang import check_lang, identifier_terms, label, localize, register, with_display
from .validation import MissingColumnError, ValidationError, WrongTypeError, as_date, date_column, missing_columns

__all__ = [
    "CUSTOMER_TYPES",
    "RELATIONSHIP_SUBTYPES",
    "CUSTOMER_CLASSES",
    "relationship_vs_transactional",
    "crm_marketing_methods",
    "b2b_b2c_statements",
    "behaviour_features",
    "classify_relationship",
    "relationship_subtypes",
    "customer_classes",
    "class_counts",
    "service_tiers",
    "tier_summary",
    "SatisfactionLoyalty",
    "satisfaction_loyalty",
    "plot_satisfaction_loyalty",
    "localize_features",
    "CONTACT_ACTIONS",
    "contact_plan",
    "contact_summary",
]

CUSTOMER_TYPES: tuple[str, ...] = ("relationship", "transaction")
RELATIONSHIP_SUBTYPES: tuple[str, ...] = ("most_profitable_now", "potentially_most_profitable", "about_to_leave")
CUSTOMER_CLASSES: tuple[str, ...] = ("potential", "new", "existing", "lost")

register(
    {
        "rel_aspect": {"en": "Aspect", "zh": "比较方面"},
        "rel_transactional": {"en": "Transactional marketing", "zh": "交易营销（传统营销）"},
        "rel_relationship_marketing": {"en": "Relationship marketing", "zh": "关系营销"},
        "rel_method": {"en": "Method", "zh": "方法"},
        "rel_method_idea": {"en": "Core idea", "zh": "核心思想"},
        "rel_statement": {"en": "Statement", "zh": "判断题"},
        "rel_answer": {"en": "True?", "zh": "是否正确"},
        "rel_explanation": {"en": "Why", "zh": "解析"},
        "rel_customer_type": {"en": "Customer type", "zh": "客户类型"},
        "rel_type_relationship": {"en": "Relationship customer", "zh": "关系客户"},
        "rel_type_transaction": {"en": "Transaction customer", "zh": "交易客户"},
        "rel_subtype": {"en": "Relationship sub-type", "zh": "关系客户子类"},
        "rel_sub_most_profitable_now": {"en": "Most profitable now", "zh": "当前利润最高"},
        "rel_sub_potentially_most_profitable": {"en": "Potentially most profitable", "zh": "有望成为利润最高"},
        "rel_sub_about_to_leave": {"en": "About to leave", "zh": "即将流失"},
        "rel_sub_transaction": {"en": "Transaction customer", "zh": "交易客户"},
        "rel_purchase_days": {"en": "Purchase days", "zh": "购买天数"},
        "rel_first_purchase": {"en": "First purchase", "zh": "首次购买"},
        "rel_last_purchase": {"en": "Last purchase", "zh": "最近一次购买"},
        "rel_tenure_days": {"en": "Tenure (days)", "zh": "关系时长（天）"},
        "rel_days_since_last": {"en": "Days since last purchase", "zh": "距最近购买（天）"},
        "rel_purchases_per_year": {"en": "Purchases per year", "zh": "年均购买次数"},
        "rel_mean_gap_days": {"en": "Mean days between purchases", "zh": "平均购买间隔（天）"},
        "rel_regularity": {"en": "Regularity (0-1)", "zh": "购买规律性（0–1）"},
        "rel_discount_share": {"en": "Share bought on discount", "zh": "折扣购买占比"},
        "rel_total_amount": {"en": "Total spend", "zh": "累计消费"},
        "rel_recent_amount": {"en": "Spend in recent window", "zh": "近期消费"},
        "rel_previous_amount": {"en": "Spend in window before", "zh": "前一窗口消费"},
        "rel_low_discount": {"en": "Buys at full price", "zh": "很少靠折扣购买"},
        "rel_long_tenure": {"en": "Long tenure", "zh": "关系时间长"},
        "rel_frequent": {"en": "Buys often", "zh": "购买频繁"},
        "rel_regular": {"en": "Buys regularly", "zh": "购买有规律"},
        "rel_criteria_met": {"en": "Criteria met", "zh": "满足条件数"},
        "rel_customer_class": {"en": "Customer class", "zh": "客户类别"},
        "rel_service_tier": {"en": "Service tier", "zh": "服务层级"},
        "rel_value_rank": {"en": "Value rank", "zh": "价值排名"},
        "rel_customer_share": {"en": "Share of customers", "zh": "客户占比"},
        "rel_value_share": {"en": "Share of value", "zh": "价值占比"},
        "rel_mean_value": {"en": "Mean value per customer", "zh": "人均价值"},
        "rel_satisfaction_level": {"en": "Satisfaction", "zh": "满意度"},
        "rel_loyalty_rate": {"en": "Loyal (stayed / bought again)", "zh": "忠诚比例（留存或复购）"},
        "rel_loyalty_mean": {"en": "Mean loyalty measure", "zh": "忠诚度指标均值"},
        "rel_correlation": {"en": "Correlation", "zh": "相关系数"},
    }
)
register({f"rel_tier_{k}": {"en": f"Tier {k}", "zh": f"第 {k} 层"} for k in range(1, 10)})

# the lecture's widget labels and messages (the English text is the lecture's original text)
register({
    "rel_widget_discount": {"en": "discount ≤", "zh": "折扣占比 ≤"},
    "rel_widget_tenure": {"en": "tenure ≥", "zh": "关系天数 ≥"},
    "rel_widget_per_year": {"en": "per year ≥", "zh": "年均购买 ≥"},
    "rel_widget_regularity": {"en": "regularity ≥", "zh": "规律性 ≥"},
    "rel_widget_criteria": {"en": "criteria ≥", "zh": "满足条件 ≥"},
    "rel_widget_date": {"en": "date", "zh": "日期"},
    "rel_widget_new_days": {"en": "new ≤ days", "zh": "新客户 ≤ 天"},
    "rel_widget_lost_days": {"en": "lost ≥ days", "zh": "流失 ≥ 天"},
    "rel_widget_tier_1": {"en": "tier 1", "zh": "第 1 层"},
    "rel_widget_tier_2": {"en": "tier 2", "zh": "第 2 层"},
    "rel_widget_key_share": {"en": "key_share", "zh": "重点联系占比"},
    "rel_widget_win_back_share": {"en": "win_back_share", "zh": "挽回占比"},
    "rel_widget_windows_message": {"en": "the new window must not be longer than the lapse window",
                                   "zh": "新客户窗口不能长于流失窗口"},
    "rel_widget_tiers_message": {"en": "tier 1 and tier 2 together must leave some customers for tier 3",
                                 "zh": "第 1 层和第 2 层合计必须给第 3 层留下一些客户"},
})

# the lecture's printed sentences (the "en" text reproduces the lecture's original f-strings exactly)
register({
    "rel_print_log": {
        "en": "{rows:,} purchase rows, {customers:,} customers with a purchase by {day} ({later:,} later rows left out); "
              "discount information: {discount}",
        "zh": "共 {rows:,} 行购买记录，截至 {day} 有购买的客户 {customers:,} 位（之后的 {later:,} 行未计入）；"
              "折扣信息：{discount}"},
    "rel_print_yes": {"en": "yes", "zh": "有"},
    "rel_print_no": {"en": "no", "zh": "无"},
    "rel_print_no_discount_criteria": {
        "en": "no discount data: only {n_criteria} criteria exist, so min_criteria={min_criteria} is read as {needed}",
        "zh": "没有折扣数据：只有 {n_criteria} 个条件，因此 min_criteria={min_criteria} 按 {needed} 处理"},
    "rel_print_relationship_share": {
        "en": "relationship customers: {share:.1%} ({needed} of {n_criteria} criteria); {criteria}",
        "zh": "关系客户占比：{share:.1%}（{n_criteria} 个条件中满足 {needed} 个）；{criteria}"},
    "rel_print_no_personas": {"en": "own data: there are no true personas to compare with",
                              "zh": "自有数据：没有真实客户画像可供比较"},
    "rel_print_classes": {"en": "at {day}: {counts} (total {total:,})",
                          "zh": "截至 {day}：{counts}（合计 {total:,}）"},
    "rel_print_tiers": {
        "en": "top 20% of customers bring {top20:.1%} of the value; Gini = {gini:.3f}; "
              "relationship customers per tier: {tiers}",
        "zh": "前 20% 的客户贡献了 {top20:.1%} 的价值；基尼系数 = {gini:.3f}；各服务层级中关系客户的占比：{tiers}"},
    "rel_print_satisfaction": {
        "en": "correlation r = {r:.3f}, R² = {r2:.3f}: satisfaction explains {r2:.0%} of who stays; "
              "{satisfied_left:.0%} of satisfied customers (score ≥ {satisfied_min:g}) had left, "
              "{others_stayed:.0%} of the others stayed",
        "zh": "相关系数 r = {r:.3f}，R² = {r2:.3f}：满意度只能解释 {r2:.0%} 的客户去留；"
              "满意客户（评分 ≥ {satisfied_min:g}）中有 {satisfied_left:.0%} 已经流失，"
              "其余客户中有 {others_stayed:.0%} 留了下来"},
    "rel_print_no_survey": {
        "en": "own data without a satisfaction survey: the satisfaction-loyalty analysis is skipped",
        "zh": "自有数据没有满意度调查：跳过满意度与忠诚度分析"},
    "rel_print_no_discount_column": {
        "en": "no discount column: set `discount_col` to compare discount users with full-price buyers",
        "zh": "没有折扣列：设置 `discount_col` 才能比较折扣购买者与原价购买者"},
    "rel_print_contact": {
        "en": "{n:,} of {total:,} customers ({share:.0%}) get a personal action; they hold {value:.0%} of the value",
        "zh": "{total:,} 位客户中有 {n:,} 位（{share:.0%}）获得个人化行动；他们拥有 {value:.0%} 的价值"},
    "rel_print_email": {
        "en": "visits in two weeks: {visit_c:.1%} without e-mail, {visit_t:.1%} with (95% CI of the difference "
              "{lo:+.1%} to {hi:+.1%}); purchases {conv_c:.2%} -> {conv_t:.2%}; "
              "spend per customer {spend_c:.2f} -> {spend_t:.2f} USD",
        "zh": "两周内访问网站的比例：未发邮件 {visit_c:.1%}，发邮件 {visit_t:.1%}（差值的 95% 置信区间 "
              "{lo:+.1%} 至 {hi:+.1%}）；购买比例 {conv_c:.2%} -> {conv_t:.2%}；"
              "人均消费 {spend_c:.2f} -> {spend_t:.2f} 美元"},
    "rel_corr_r": {"en": "correlation r", "zh": "相关系数 r"},
    "rel_stayed_satisfied": {"en": "stayed, satisfied", "zh": "满意客户中留下的比例"},
    "rel_stayed_not_satisfied": {"en": "stayed, not satisfied", "zh": "不满意客户中留下的比例"},
    "rel_switch_header": {"en": "{name} = {value:g}", "zh": "假设开关 {name} = {value:g}"},
    "rel_answer_true": {"en": "True", "zh": "正确"},
    "rel_answer_false": {"en": "False", "zh": "错误"},
})

# headers and outcomes of the tables lecture 03 shows (e-mail test, correlations): English keeps the identifier
register(identifier_terms("rel_", {
    "ci_low": "置信区间下限",
    "ci_high": "置信区间上限",
    "p_value": "p 值",
    "months_since_purchase": "距上次购买（月）",
    "treated": "发邮件组（处理组）",
    "control": "未发邮件组（对照组）",
    "difference": "差值",
    "treated_rate": "发邮件组转化率",
    "control_rate": "未发邮件组转化率",
    "uplift": "增量响应",
    "outcome": "结果指标",
    "visit": "访问网站",
    "conversion": "购买转化",
    "spend": "消费额（美元）",
}))

# ---------------------------------------------------------------------------------------------
# concepts as data
# ---------------------------------------------------------------------------------------------

_RM_VS_TM = (
    # aspect en, aspect zh, transactional en, zh, relationship en, zh
    ("Theoretical basis", "理论基础", "Exchange theory and the 4P marketing mix", "交换理论与4P组合",
     "Systems thinking: the firm inside a network of relationships", "系统论：把企业放进一张关系网里看"),
    ("Core concept", "核心概念", "The single transaction", "一笔笔交易", "The lasting relationship", "长期关系"),
    ("Market scope", "市场范围", "Customers only", "只看顾客",
     "Customers, suppliers, distributors, competitors, government, communities",
     "顾客、供应商、经销商、竞争者、政府与社区"),
    ("Time horizon", "时间视角", "Short term: this sale", "短期：做成这一单", "Long term: the customer's lifetime",
     "长期：顾客的整个生命周期"),
    ("Goal", "目标", "Win new customers and close sales", "争取新客、促成交易",
     "Keep and grow profitable customers", "留住并培养有价值的客户"),
    ("Contact with customers", "与顾客的接触", "Little, mostly around the sale", "不多，集中在成交前后",
     "Frequent and two-way", "经常而且双向"),
    ("Commitment to customers", "对顾客的承诺", "Limited", "有限", "High", "很高"),
    ("Service", "服务", "An add-on to the product", "产品的附属品", "Part of the value offered", "所提供价值的一部分"),
    ("Quality", "质量", "The production department's job", "主要是生产部门的事", "Everybody's job", "全员的责任"),
    ("Measure of success", "衡量成功", "Sales volume and market share", "销量与市场份额",
     "Retention, share of wallet and customer lifetime value", "保留率、钱包份额与客户终身价值"),
)


def relationship_vs_transactional(lang: str = "en") -> pd.DataFrame:
    """Relationship marketing against transactional (traditional) marketing, point by point.

    Examples
    --------
    >>> relationship_vs_transactional().iloc[1].tolist()
    ['Core concept', 'The single transaction', 'The lasting relationship']
    """
    check_lang(lang)
    i = 0 if lang == "en" else 1
    rows = [{"rel_aspect": r[i], "rel_transactional": r[2 + i], "rel_relationship_marketing": r[4 + i]}
            for r in _RM_VS_TM]
    return localize(pd.DataFrame(rows), lang)


_METHODS = (
    ("Relationship marketing", "关系营销",
     "Build lasting, two-way relationships with customers and the other parties around the firm",
     "与顾客及企业周围的各方建立长期、双向的关系"),
    ("Direct marketing", "直复营销",
     "Reach chosen customers directly and measure each reply, so every contact can be evaluated",
     "直接联系选定的顾客并记录每一次回应，让每次接触都可衡量"),
    ("One-to-one marketing", "一对一营销",
     "Treat each customer individually: remember them, talk with them, tailor the offer",
     "把每位顾客当作个体：记住他、和他交流、为他定制"),
    ("Database marketing", "数据库营销",
     "Collect customer data in one place and use it to choose whom to contact with what",
     "把顾客数据集中起来，用来决定联系谁、提供什么"),
)


def crm_marketing_methods(lang: str = "en") -> pd.DataFrame:
    """The four CRM marketing methods with their core idea.

    Examples
    --------
    >>> crm_marketing_methods("zh").iloc[3, 0]
    '数据库营销'
    """
    check_lang(lang)
    i = 0 if lang == "en" else 1
    rows = [{"rel_method": m[i], "rel_method_idea": m[2 + i]} for m in _METHODS]
    return localize(pd.DataFrame(rows), lang)


_STATEMENTS = (
    ("In B2B the customer is a company, so who the individual buyers inside it are does not matter.",
     "B2B 的客户是企业，所以企业里具体由谁采购无关紧要。", False,
     "Companies buy through people: users, buyers, deciders. The relationship lives with them.",
     "企业通过人来采购：使用者、采购员、决策者，关系落在这些人身上。"),
    ("Mass advertising is the main way to win and keep business customers.",
     "大做广告是赢得和留住企业客户的主要办法。", False,
     "Business buyers are few and known by name; direct contact and account management reach them better.",
     "企业买家数量少、叫得出名字，直接联系和客户经理管理更有效。"),
    ("Analyses of buying behaviour developed for consumers (recency, frequency, value) also work for "
     "business customers.",
     "为个人消费者设计的购买行为分析（最近一次、频次、金额）同样适用于企业客户。", True,
     "Orders from firms are transactions too; the same measures describe them.",
     "企业的订单也是交易记录，同样可以用这些指标描述。"),
    ("A B2B supplier should segment its customers by the value each brings.",
     "B2B 供应商应当按客户带来的价值来细分客户。", True,
     "Value differs hugely between business accounts, so service should follow value.",
     "不同企业客户的价值差别很大，服务投入应当随价值而定。"),
    ("Seen as one-to-one service, managing B2B and B2C customer relationships is the same in essence.",
     "从一对一服务的角度看，B2B 与 B2C 的客户关系管理本质相同。", True,
     "Both know each customer, talk with them and tailor the offer; only scale and tools differ.",
     "两者都要认识每位客户、与其交流并量身提供，区别只在规模和工具。"),
    ("A B2C firm cannot have relationships with its customers because they are anonymous shoppers.",
     "B2C 企业的顾客都是匿名购物者，所以谈不上建立关系。", False,
     "Accounts, apps, membership and delivery data make most consumers identifiable today.",
     "会员账号、应用和配送数据让大多数消费者都可以被识别。"),
    ("In B2B, several people usually take part in one purchase decision.",
     "在 B2B 中，一次采购决定通常有好几个人参与。", True,
     "The buying centre: users, technical experts, purchasing and management all have a say.",
     "采购小组里有使用者、技术人员、采购部门和管理层，各有发言权。"),
    ("Because each B2C customer is worth little, losing one to a badly handled complaint does not matter.",
     "B2C 单个顾客价值不高，因投诉处理不好而失去一个也无所谓。", False,
     "Lost lifetime value and word of mouth add up; complaint handling is a retention tool.",
     "损失的是终身价值和口碑，处理好投诉本身就是留住顾客的手段。"),
)


def b2b_b2c_statements(lang: str = "en") -> pd.DataFrame:
    """True/false statements on B2B and B2C relationships, with the answer and why.

    Examples
    --------
    >>> table = b2b_b2c_statements()
    >>> len(table), int(table["True?"].sum())
    (8, 4)
    """
    check_lang(lang)
    i = 0 if lang == "en" else 1
    rows = [{"rel_statement": s[i], "rel_answer": s[2], "rel_explanation": s[3 + i]} for s in _STATEMENTS]
    return localize(pd.DataFrame(rows), lang)


# ---------------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------------


def _require(frame: pd.DataFrame, columns: Iterable[str | None], what: str = "table") -> None:
    if not isinstance(frame, pd.DataFrame):
        raise WrongTypeError(f"the {what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = missing_columns(frame, columns)
    if missing:
        raise MissingColumnError(f"column(s) {missing} are not in the {what}; it has {list(frame.columns)}",
                                 column=missing[0] if len(missing) == 1 else missing, total=len(frame))


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    return date_column(frame, column)


def _numbers(frame: pd.DataFrame, column: str, *, non_negative: bool = True) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = int(values.isna().sum())
    if bad:
        raise ValidationError(f"column {column!r} has {bad} row(s) that are missing or not numbers",
                              column=column, rows=bad, total=len(values))
    if non_negative:
        negative = int((values < 0).sum())
        if negative:
            raise ValidationError(f"column {column!r} has {negative} negative value(s); net out returns first",
                                  column=column, rows=negative, total=len(values))
    return values.astype(float)


def _ids(frame: pd.DataFrame, column: str) -> pd.Series:
    missing = int(frame[column].isna().sum())
    if missing:
        raise ValidationError(f"column {column!r} has {missing} row(s) without a customer id",
                              column=column, rows=missing, total=len(frame))
    return frame[column]


# ---------------------------------------------------------------------------------------------
# behaviour and relationship customers
# ---------------------------------------------------------------------------------------------


def behaviour_features(
    transactions: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    as_of: str | pd.Timestamp | None = None,
    discount_col: str | None = None,
    recent_days: int = 365,
) -> pd.DataFrame:
    """Behaviour of every customer in a transaction log, as seen at ``as_of``.

    Purchases on the same calendar day count as one purchase day (as in :mod:`crmlab.rfm`).
    Rows dated after ``as_of`` are not yet known at that date: they are left out and their
    number is reported in ``attrs["rows_after_as_of"]``. Identical rows are kept (a customer
    may buy the same thing twice) and counted in ``attrs["duplicate_rows"]``.

    Parameters
    ----------
    transactions
        One row per purchase line.
    customer_col, date_col, amount_col
        Column names of the customer id, purchase date and amount (≥ 0).
    as_of
        Date of the analysis; default the last date in the log.
    discount_col
        Optional boolean (or 0/1) column: was the line bought on discount or promotion.
    recent_days
        Length of the "recent" window for ``recent_amount`` (the ``recent_days`` up to
        ``as_of``) and ``previous_amount`` (the window of the same length before it).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``purchase_days``, ``first_purchase``, ``last_purchase``,
        ``tenure_days`` (``as_of`` − first purchase), ``days_since_last``,
        ``purchases_per_year`` (purchase days per 365.25 days of tenure, tenure at least 30 days),
        ``mean_gap_days`` (mean days between purchase days; the tenure for a single purchase
        day), ``regularity`` (1 / (1 + coefficient of variation of the gaps), 0 with fewer
        than two gaps: regularity cannot be seen yet), ``total_amount``, ``recent_amount``,
        ``previous_amount`` and, with ``discount_col``, ``discount_share`` (share of lines
        bought on discount).

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "a"], "date": ["2024-01-01", "2024-01-11", "2024-01-21"],
    ...                     "amount": [5.0, 5.0, 5.0]})
    >>> row = behaviour_features(log, as_of="2024-01-31").loc["a"]
    >>> float(row["mean_gap_days"]), float(row["regularity"]), int(row["tenure_days"])
    (10.0, 1.0, 30)
    """
    _require(transactions, (customer_col, date_col, amount_col, discount_col), "transaction log")
    if int(recent_days) != recent_days or recent_days < 1:
        raise ValueError(f"recent_days must be a whole number of at least 1; got {recent_days!r}")
    ids = _ids(transactions, customer_col)
    dates = _dates(transactions, date_col)
    amounts = _numbers(transactions, amount_col)
    as_of = dates.max() if as_of is None else as_date(as_of, "as_of")
    keep = (dates <= as_of).to_numpy()
    if not keep.any():
        raise ValueError(f"no transaction is dated on or before as_of={as_of.date()}")
    discount = None
    if discount_col is not None:
        flags = transactions[discount_col]
        if flags.isna().any():
            raise ValidationError(f"column {discount_col!r} has {int(flags.isna().sum())} missing value(s)",
                                  column=discount_col, rows=int(flags.isna().sum()), total=len(flags))
        discount = flags.to_numpy(dtype=float)
        if not set(np.unique(discount)) <= {0.0, 1.0}:
            other = int((~np.isin(discount, (0.0, 1.0))).sum())
            raise ValidationError(f"column {discount_col!r} must be True/False or 0/1 ({other} row(s) are not)",
                                  column=discount_col, rows=other, total=len(discount))
        discount = discount[keep]
    codes, customers = pd.factorize(ids.to_numpy()[keep], sort=True)
    n = len(customers)
    day = dates.to_numpy()[keep].astype("datetime64[D]").astype(np.int64)
    amount = amounts.to_numpy()[keep]
    as_of_day = np.datetime64(as_of.date(), "D").astype(np.int64)
    order = np.lexsort((day, codes))
    c, d = codes[order], day[order]
    new_day = np.r_[True, (np.diff(c) != 0) | (np.diff(d) != 0)]
    day_c, day_d = c[new_day], d[new_day]
    purchase_days = np.bincount(day_c, minlength=n)
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, day_c, day_d)
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, day_c, day_d)
    same = day_c[1:] == day_c[:-1]
    gap, gap_c = np.diff(day_d)[same].astype(float), day_c[1:][same]
    gap_count = np.bincount(gap_c, minlength=n)
    gap_sum = np.bincount(gap_c, weights=gap, minlength=n)
    gap_sumsq = np.bincount(gap_c, weights=gap**2, minlength=n)
    tenure = as_of_day - first
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_gap = gap_sum / gap_count
        variance = np.maximum(gap_sumsq / gap_count - mean_gap**2, 0.0)
        cv = np.sqrt(variance) / mean_gap
    age = as_of_day - day
    out = pd.DataFrame(index=pd.Index(customers, name=customer_col))
    out["purchase_days"] = purchase_days.astype(np.int64)
    out["first_purchase"] = pd.to_datetime(first.astype("datetime64[D]"))
    out["last_purchase"] = pd.to_datetime(last.astype("datetime64[D]"))
    out["tenure_days"] = tenure.astype(np.int64)
    out["days_since_last"] = (as_of_day - last).astype(np.int64)
    out["purchases_per_year"] = purchase_days * 365.25 / np.maximum(tenure, 30)
    out["mean_gap_days"] = np.where(gap_count > 0, mean_gap, tenure.astype(float))
    out["regularity"] = np.where(gap_count >= 2, 1.0 / (1.0 + np.nan_to_num(cv, nan=np.inf)), 0.0)
    out["total_amount"] = np.bincount(codes, weights=amount, minlength=n)
    out["recent_amount"] = np.bincount(codes, weights=np.where(age < recent_days, amount, 0.0), minlength=n)
    window_before = (age >= recent_days) & (age < 2 * recent_days)
    out["previous_amount"] = np.bincount(codes, weights=np.where(window_before, amount, 0.0), minlength=n)
    if discount is not None:
        out["discount_share"] = np.bincount(codes, weights=discount, minlength=n) / np.bincount(codes, minlength=n)
    out.attrs.update({"as_of": as_of, "rows_after_as_of": int((~keep).sum()),
                      "duplicate_rows": int(transactions.duplicated().sum()), "recent_days": int(recent_days)})
    return out


def classify_relationship(
    features: pd.DataFrame,
    max_discount_share: float = 0.3,
    min_tenure_days: float = 365,
    min_purchases_per_year: float = 4,
    min_regularity: float = 0.5,
    min_criteria: int = 3,
    discount_col: str | None = "discount_share",
    tenure_col: str = "tenure_days",
    frequency_col: str = "purchases_per_year",
    regularity_col: str = "regularity",
) -> pd.DataFrame:
    """Relationship customers (关系客户) versus transaction customers (交易客户) from behaviour.

    A relationship customer cares about the product, service and the relationship more than
    about price: they rarely buy on discount, have stayed long, buy often and at regular
    intervals. A transaction customer follows price. Each of the four criteria is a
    threshold a student can move:

    * ``low_discount``: share bought on discount ≤ ``max_discount_share``;
    * ``long_tenure``: tenure ≥ ``min_tenure_days``;
    * ``frequent``: purchases per year ≥ ``min_purchases_per_year``;
    * ``regular``: regularity ≥ ``min_regularity`` (regularity 1 / (1 + CV of gaps); 0.5 is a
      CV of 1, the CV of purely random purchase times).

    A customer who meets at least ``min_criteria`` of them is a relationship customer. Pass
    ``discount_col=None`` when there is no discount information: then three criteria count.

    Returns
    -------
    pandas.DataFrame
        The four criteria (booleans), ``criteria_met`` and ``customer_type``
        (``"relationship"`` or ``"transaction"``), same index as ``features``.

    Examples
    --------
    >>> f = pd.DataFrame({"discount_share": [0.0, 0.8], "tenure_days": [800, 800],
    ...                   "purchases_per_year": [6.0, 6.0], "regularity": [0.7, 0.2]})
    >>> classify_relationship(f)["customer_type"].tolist()
    ['relationship', 'transaction']
    """
    _require(features, (discount_col, tenure_col, frequency_col, regularity_col), "feature table")
    n_criteria = 4 if discount_col is not None else 3
    if int(min_criteria) != min_criteria or not 1 <= min_criteria <= n_criteria:
        raise ValueError(f"min_criteria must be a whole number from 1 to {n_criteria}; got {min_criteria!r}")
    out = pd.DataFrame(index=features.index)
    if discount_col is not None:
        share = _numbers(features, discount_col)
        if (share > 1).any():
            raise ValidationError(f"column {discount_col!r} has {int((share > 1).sum())} share(s) above 1",
                                  column=discount_col, rows=int((share > 1).sum()), total=len(share))
        out["low_discount"] = share <= max_discount_share
    out["long_tenure"] = _numbers(features, tenure_col) >= min_tenure_days
    out["frequent"] = _numbers(features, frequency_col) >= min_purchases_per_year
    out["regular"] = _numbers(features, regularity_col) >= min_regularity
    out["criteria_met"] = out.sum(axis=1).astype(np.int64)
    kind = np.where(out["criteria_met"] >= min_criteria, "relationship", "transaction")
    out["customer_type"] = pd.Categorical(kind, categories=list(CUSTOMER_TYPES))
    return out


def relationship_subtypes(
    features: pd.DataFrame,
    customer_type: pd.Series | pd.DataFrame,
    top_value_share: float = 0.2,
    leave_factor: float = 2.0,
    min_leave_days: float = 60,
    value_col: str = "recent_amount",
    days_since_col: str = "days_since_last",
    gap_col: str = "mean_gap_days",
) -> pd.Series:
    """Split relationship customers into the three sub-types; others stay ``"transaction"``.

    In this order (the first rule that applies wins):

    1. ``about_to_leave``: silent for longer than ``leave_factor`` × their usual gap between
       purchases and at least ``min_leave_days`` (a customer who is late is at risk,
       whatever their value);
    2. ``most_profitable_now``: among the remaining relationship customers, the top
       ``top_value_share`` by ``value_col`` (default: spend in the recent window);
    3. ``potentially_most_profitable``: the other relationship customers, loyal but not yet
       at the top: the ones to grow.

    Examples
    --------
    >>> f = pd.DataFrame({"recent_amount": [900.0, 100.0, 500.0, 50.0], "days_since_last": [10, 20, 200, 5],
    ...                   "mean_gap_days": [30.0, 30.0, 30.0, 30.0]})
    >>> types = pd.Series(["relationship", "relationship", "relationship", "transaction"])
    >>> relationship_subtypes(f, types, top_value_share=0.5).tolist()
    ['most_profitable_now', 'potentially_most_profitable', 'about_to_leave', 'transaction']
    """
    _require(features, (value_col, days_since_col, gap_col), "feature table")
    if isinstance(customer_type, pd.DataFrame):
        _require(customer_type, ("customer_type",), "classification")
        customer_type = customer_type["customer_type"]
    if len(customer_type) != len(features) or not customer_type.index.equals(features.index):
        raise ValueError("customer_type must have the same index as features (use classify_relationship(features))")
    unknown = set(pd.unique(customer_type.astype(str))) - set(CUSTOMER_TYPES)
    if unknown:
        raise ValueError(f"customer_type holds unknown value(s) {sorted(unknown)}; use {CUSTOMER_TYPES}")
    if not 0 < top_value_share < 1:
        raise ValueError(f"top_value_share must be between 0 and 1; got {top_value_share!r}")
    value = _numbers(features, value_col, non_negative=False)
    silent = _numbers(features, days_since_col)
    gap = _numbers(features, gap_col)
    related = (customer_type.astype(str) == "relationship").to_numpy()
    leaving = related & (silent > np.maximum(leave_factor * gap, min_leave_days)).to_numpy()
    staying = related & ~leaving
    result = np.where(related, "potentially_most_profitable", "transaction").astype(object)
    result[leaving] = "about_to_leave"
    n_top = math.ceil(staying.sum() * top_value_share)
    if n_top:
        candidates = np.flatnonzero(staying)
        order = np.argsort(-value.to_numpy()[candidates], kind="stable")
        result[candidates[order[:n_top]]] = "most_profitable_now"
    return pd.Series(pd.Categorical(result, categories=[*RELATIONSHIP_SUBTYPES, "transaction"]),
                     index=features.index, name="relationship_subtype")


def localize_features(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Headers and category values of tables from this module in ``lang`` (for display).

    Examples
    --------
    >>> localize_features(pd.DataFrame({"customer_type": ["relationship"]}), "zh").iloc[0, 0]
    '关系客户'
    """
    check_lang(lang)
    out = table.copy()
    values = {"customer_type": "rel_type_", "relationship_subtype": "rel_sub_", "service_tier": "rel_tier_"}
    for column, prefix in values.items():
        if column in out.columns:
            out[column] = [label(f"{prefix}{v}", lang) for v in out[column].astype(str)]
    if "customer_class" in out.columns:
        out["customer_class"] = [label(v, lang) for v in out["customer_class"].astype(str)]
    headers = {c: label(f"rel_{c}", lang) for c in out.columns
               if f"rel_{c}" in _HEADER_KEYS}
    headers.update({c: label(k, lang) for c, k in _OTHER_HEADERS.items() if c in out.columns})
    out = out.rename(columns=headers)
    return out


_HEADER_KEYS = {
    "rel_purchase_days", "rel_first_purchase", "rel_last_purchase", "rel_tenure_days", "rel_days_since_last",
    "rel_purchases_per_year", "rel_mean_gap_days", "rel_regularity", "rel_discount_share", "rel_total_amount",
    "rel_recent_amount", "rel_previous_amount", "rel_low_discount", "rel_long_tenure", "rel_frequent",
    "rel_regular", "rel_criteria_met", "rel_customer_type", "rel_customer_class", "rel_service_tier",
    "rel_value_rank",
}
_OTHER_HEADERS = {"relationship_subtype": "rel_subtype", "value": "value", "customers": "customers"}


# ---------------------------------------------------------------------------------------------
# customer classes from activity
# ---------------------------------------------------------------------------------------------


def customer_classes(
    transactions: pd.DataFrame,
    as_of: str | pd.Timestamp,
    customer_col: str = "customer_id",
    date_col: str = "date",
    new_window_days: int = 90,
    lapse_window_days: int = 365,
    prospects: Iterable[Hashable] | None = None,
) -> pd.DataFrame:
    """Potential, new, existing and lost customers (潜在 / 新 / 现有 / 流失) at ``as_of``.

    * ``potential``: known to the firm but no purchase on or before ``as_of``: ids in
      ``prospects`` without purchases, and customers whose first purchase comes after
      ``as_of`` (at that date they were still prospects);
    * ``new``: first purchase within the last ``new_window_days`` (``as_of`` included);
    * ``lost``: no purchase within the last ``lapse_window_days``;
    * ``existing``: everybody else (bought before the new window and within the lapse window).

    Purchases after ``as_of`` are not used (only to know that the customer exists).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``first_purchase`` and ``last_purchase`` up to ``as_of`` (NaT for
        potential customers) and ``customer_class`` (categorical, order of :data:`CUSTOMER_CLASSES`).

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
    ...                     "date": ["2024-06-20", "2024-01-10", "2022-05-01", "2024-08-01"]})
    >>> customer_classes(log, "2024-06-30", prospects=["e"])["customer_class"].tolist()
    ['new', 'existing', 'lost', 'potential', 'potential']
    """
    _require(transactions, (customer_col, date_col), "transaction log")
    for name, value in (("new_window_days", new_window_days), ("lapse_window_days", lapse_window_days)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a whole number of days, at least 1; got {value!r}")
    if new_window_days > lapse_window_days:
        raise ValueError("new_window_days must not be longer than lapse_window_days")
    as_of = as_date(as_of, "as_of")
    ids = _ids(transactions, customer_col)
    dates = _dates(transactions, date_col).dt.normalize()
    known = dates <= as_of.normalize()
    frame = pd.DataFrame({"customer": ids[known].to_numpy(), "date": dates[known].to_numpy()})
    grouped = frame.groupby("customer", sort=False)["date"]
    out = pd.DataFrame({"first_purchase": grouped.min(), "last_purchase": grouped.max()})
    everyone = pd.Index(pd.unique(ids))
    if prospects is not None:
        everyone = everyone.append(pd.Index(list(prospects))).drop_duplicates()
    out = out.reindex(everyone)
    out.index.name = customer_col
    as_of_day = as_of.normalize()
    since_first = (as_of_day - out["first_purchase"]).dt.days
    since_last = (as_of_day - out["last_purchase"]).dt.days
    classes = np.select(
        [out["first_purchase"].isna(), since_first < new_window_days, since_last >= lapse_window_days],
        ["potential", "new", "lost"], default="existing",
    )
    out["customer_class"] = pd.Categorical(classes, categories=list(CUSTOMER_CLASSES))
    out.attrs.update({"as_of": as_of, "rows_after_as_of": int((~known).sum())})
    return out


def class_counts(classes: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """Customers and share per class (all four classes, zeros included).

    Keys (``customer_class``: ``"new"``...) whatever the language; shown with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> class_counts(pd.Series(["new", "new", "lost"]))["customers"].tolist()
    [0, 2, 0, 1]
    """
    series = classes["customer_class"] if isinstance(classes, pd.DataFrame) else classes
    counts = series.astype(str).value_counts().reindex(list(CUSTOMER_CLASSES), fill_value=0)
    table = pd.DataFrame({"customer_class": list(CUSTOMER_CLASSES), "customers": counts.to_numpy().astype(np.int64),
                          "share": counts.to_numpy() / max(len(series), 1)})
    return with_display(table, value_columns=["customer_class"], prefixes=("", "rel_"))


# ---------------------------------------------------------------------------------------------
# service tiers
# ---------------------------------------------------------------------------------------------


def service_tiers(values: pd.Series, tier_shares: Sequence[float] = (0.2, 0.3, 0.5)) -> pd.DataFrame:
    """Service tier (服务分层) of every customer from the rank of their value.

    Customers are ranked by value, highest first (ties keep the input order). Tier 1 holds the
    top ``tier_shares[0]`` of customers (``ceil(n * share)`` customers), tier 2 the next
    ``tier_shares[1]`` and so on; the shares must add up to 1.

    Examples
    --------
    >>> tiers = service_tiers(pd.Series([100, 5, 40, 20, 10, 1, 2, 3, 4, 6], index=list("abcdefghij")))
    >>> tiers["service_tier"].tolist()[:4]
    [1, 3, 1, 2]
    """
    if not isinstance(values, pd.Series):
        raise TypeError("values must be a pandas Series indexed by customer")
    shares = np.asarray(tier_shares, dtype=float)
    if shares.ndim != 1 or len(shares) == 0 or (shares <= 0).any() or not np.isclose(shares.sum(), 1.0):
        raise ValueError(f"tier_shares must be positive and add up to 1; got {list(tier_shares)}")
    if len(shares) > 9:
        raise ValueError("at most 9 tiers")
    numbers = pd.to_numeric(values, errors="coerce")
    bad = int(numbers.isna().sum())
    if bad:
        raise ValueError(f"values hold {bad} missing or non-numeric value(s)")
    n = len(numbers)
    if n == 0:
        raise ValueError("values are empty")
    order = np.argsort(-numbers.to_numpy(dtype=float), kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    bounds = np.minimum(np.ceil(np.cumsum(shares) * n - 1e-9), n).astype(np.int64)
    bounds[-1] = n
    tier = np.searchsorted(bounds, rank, side="left") + 1
    return pd.DataFrame({"value": numbers.to_numpy(dtype=float), "value_rank": rank, "service_tier": tier},
                        index=values.index)


def tier_summary(tiers: pd.DataFrame) -> pd.DataFrame:
    """Customers, share of customers, share of value and mean value per service tier.

    Keys (``service_tier``: 1, 2, ...) whatever the language; shown with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> tiers = service_tiers(pd.Series([100.0, 5, 40, 20, 10, 1, 2, 3, 4, 6]))
    >>> tier_summary(tiers)["value_share"].round(3).tolist()
    [0.733, 0.188, 0.079]
    """
    _require(tiers, ("value", "service_tier"), "tier table")
    grouped = tiers.groupby("service_tier", sort=True)["value"]
    total = tiers["value"].sum()
    table = pd.DataFrame({
        "service_tier": grouped.size().index.to_numpy(),
        "customers": grouped.size().to_numpy().astype(np.int64),
        "customer_share": grouped.size().to_numpy() / len(tiers),
        "value_share": grouped.sum().to_numpy() / total if total else np.zeros(grouped.ngroups),
        "mean_value": grouped.mean().to_numpy(),
    })
    return with_display(table, value_columns=["service_tier"], prefixes=("rel_tier_", "", "rel_"))


# ---------------------------------------------------------------------------------------------
# satisfaction is not loyalty
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SatisfactionLoyalty:
    """How well satisfaction predicts loyalty on a customer table.

    Attributes
    ----------
    n_customers
        Customers measured.
    pearson, spearman
        Correlation of satisfaction with the loyalty measure.
    r_squared
        Share of the variation in loyalty that satisfaction explains (``pearson ** 2``).
    by_level
        Per satisfaction level: customers and loyalty rate (or mean of a numeric measure).
    satisfied_not_loyal
        Share of satisfied customers (score ≥ ``satisfied_min``) who are not loyal.
    dissatisfied_loyal
        Share of the other customers who are loyal anyway.
    """

    n_customers: int
    pearson: float
    spearman: float
    r_squared: float
    by_level: pd.DataFrame
    satisfied_not_loyal: float
    dissatisfied_loyal: float

    def table(self) -> pd.DataFrame:
        """A copy of ``by_level`` (keys ``satisfaction_level``, ``customers``, ``loyalty_rate``), to show
        with :func:`crmlab.lang.localize`."""
        return with_display(self.by_level.copy(), prefixes=("rel_", ""))


def satisfaction_loyalty(
    customers: pd.DataFrame,
    satisfaction_col: str = "satisfaction",
    loyalty_col: str = "true_alive_at_end",
    satisfied_min: float = 4,
    loyal_above: float = 0.0,
) -> SatisfactionLoyalty:
    """Measure how weakly satisfaction predicts loyalty (retention or repeat purchase).

    Parameters
    ----------
    customers
        One row per customer.
    satisfaction_col
        Satisfaction score (e.g. a 1-5 survey answer).
    loyalty_col
        Loyalty outcome: boolean / 0-1 (stayed, bought again) or a count (repeat purchases).
        A customer is *loyal* when the value is above ``loyal_above`` (default 0: stayed, or
        bought at least once more).
    satisfied_min
        Lowest score that counts as satisfied.

    Returns
    -------
    SatisfactionLoyalty
        Correlations, R², loyalty rate per satisfaction level and the two "surprise" shares.

    Examples
    --------
    >>> table = pd.DataFrame({"satisfaction": [5, 5, 4, 4, 2, 2, 1, 3],
    ...                       "stayed": [1, 0, 1, 0, 1, 1, 0, 1]})
    >>> result = satisfaction_loyalty(table, "satisfaction", "stayed")
    >>> result.satisfied_not_loyal, result.dissatisfied_loyal
    (0.5, 0.75)
    """
    _require(customers, (satisfaction_col, loyalty_col), "customer table")
    satisfaction = _numbers(customers, satisfaction_col, non_negative=False)
    raw = customers[loyalty_col]
    if raw.isna().any():
        raise ValidationError(f"column {loyalty_col!r} has {int(raw.isna().sum())} missing value(s)",
                              column=loyalty_col, rows=int(raw.isna().sum()), total=len(raw))
    loyalty = _numbers(customers, loyalty_col, non_negative=False)
    if len(customers) < 3:
        raise ValueError("need at least 3 customers to measure a relationship")
    if satisfaction.nunique() < 2 or loyalty.nunique() < 2:
        raise ValueError("satisfaction and loyalty must both vary to be correlated")
    loyal = loyalty > loyal_above
    pearson = float(np.corrcoef(satisfaction, loyalty)[0, 1])
    spearman = float(satisfaction.rank().corr(loyalty.rank()))
    by_level = (pd.DataFrame({"satisfaction_level": satisfaction, "loyal": loyal.astype(float)})
                .groupby("satisfaction_level", sort=True)["loyal"].agg(["size", "mean"]).reset_index()
                .rename(columns={"size": "customers", "mean": "loyalty_rate"}))
    by_level["customers"] = by_level["customers"].astype(np.int64)
    satisfied = satisfaction >= satisfied_min
    satisfied_not_loyal = float((~loyal[satisfied]).mean()) if satisfied.any() else 0.0
    dissatisfied_loyal = float(loyal[~satisfied].mean()) if (~satisfied).any() else 0.0
    return SatisfactionLoyalty(
        n_customers=len(customers), pearson=pearson, spearman=spearman, r_squared=pearson**2,
        by_level=by_level, satisfied_not_loyal=satisfied_not_loyal, dissatisfied_loyal=dissatisfied_loyal,
    )


def plot_satisfaction_loyalty(result: SatisfactionLoyalty, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Bars of the loyalty rate per satisfaction level, with the correlation in the title.

    Examples
    --------
    >>> import pandas as pd
    >>> r = satisfaction_loyalty(pd.DataFrame({"s": [1, 2, 3, 4, 5, 5], "l": [0, 1, 1, 0, 1, 1]}), "s", "l")
    >>> ax = plot_satisfaction_loyalty(r, lang="zh")  # doctest: +SKIP
    """
    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    levels = result.by_level
    ax.bar(levels["satisfaction_level"].astype(str), levels["loyalty_rate"], color="tab:blue", alpha=0.8)
    ax.set_ylim(0, 1)
    ax.set_xlabel(label("rel_satisfaction_level", lang))
    ax.set_ylabel(label("rel_loyalty_rate", lang))
    ax.set_title(f"{label('rel_correlation', lang)} r = {result.pearson:.2f}, R² = {result.r_squared:.2f}")
    return ax


# ---------------------------------------------------------------------------------------------
# direct and one-to-one marketing: who gets which personal contact
# ---------------------------------------------------------------------------------------------

CONTACT_ACTIONS: tuple[str, ...] = ("complaint_call", "key_contact", "win_back", "regular_follow_up",
                                    "no_personal_contact")
"""Actions of :func:`contact_plan`, in the order the rules are applied."""

register({
    "contact_action": {"en": "Action", "zh": "行动"},
    "contact_complaint_call": {"en": "Call to resolve a complaint", "zh": "回访处理投诉"},
    "contact_key_contact": {"en": "Proactive contact with a high-value customer", "zh": "主动联系高价值客户"},
    "contact_win_back": {"en": "Win-back offer to a lapsed valuable customer", "zh": "挽回流失的有价值客户"},
    "contact_regular_follow_up": {"en": "Scheduled follow-up (relationship customer)", "zh": "定期回访关系客户"},
    "contact_no_personal_contact": {"en": "No personal contact: mass and self-service channels",
                                    "zh": "不做个人接触：大众与自助渠道"},
    "contact_customers": {"en": "Customers", "zh": "客户数"},
    "contact_value_share": {"en": "Share of value", "zh": "价值占比"},
    "contact_mean_value": {"en": "Mean value per customer", "zh": "人均价值"},
})


def contact_plan(
    value: pd.Series,
    customer_class: pd.Series,
    complaints: pd.Series | None = None,
    relationship: pd.Series | None = None,
    *,
    key_share: float = 0.1,
    win_back_share: float = 0.3,
) -> pd.DataFrame:
    """One-to-one contact plan (一对一营销): the personal action each customer gets.

    The rules follow the one-to-one practices of the course material (talk first to the
    high-value customers, handle complaints better, visit regularly) plus win-back, applied
    in this order:

    1. ``complaint_call``: not lost and at least one complaint (``complaints``);
    2. ``key_contact``: not lost and in the top ``key_share`` of value;
    3. ``win_back``: lost, and in the top ``win_back_share`` of value among the lost;
    4. ``regular_follow_up``: a relationship customer (``relationship`` true) not yet covered;
    5. ``no_personal_contact``: everybody else.

    Parameters
    ----------
    value
        Value of each customer (e.g. spend so far), indexed by customer.
    customer_class
        ``potential`` / ``new`` / ``existing`` / ``lost`` per customer (the output column of
        :func:`customer_classes`); customers missing here count as not lost.
    complaints, relationship
        Optional: complaint counts and a true/false relationship-customer flag per customer.

    Returns
    -------
    pandas.DataFrame
        Index of ``value``: ``value`` and ``action`` (a key of :data:`CONTACT_ACTIONS`).

    Examples
    --------
    >>> value = pd.Series([900.0, 50, 400, 30, 20], index=list("abcde"))
    >>> classes = pd.Series(["existing", "existing", "lost", "lost", "new"], index=list("abcde"))
    >>> contact_plan(value, classes, complaints=pd.Series([0, 2, 0, 0, 0], index=list("abcde")),
    ...              key_share=0.2, win_back_share=0.5)["action"].tolist()
    ['key_contact', 'complaint_call', 'win_back', 'no_personal_contact', 'no_personal_contact']
    """
    if not isinstance(value, pd.Series):
        raise TypeError("value must be a pandas Series indexed by customer")
    numbers = pd.to_numeric(value, errors="coerce")
    bad = int(numbers.isna().sum())
    if bad:
        raise ValueError(f"value holds {bad} missing or non-numeric value(s)")
    for name, share in (("key_share", key_share), ("win_back_share", win_back_share)):
        if not 0.0 <= float(share) <= 1.0:
            raise ValueError(f"{name} must be from 0 to 1; got {share!r}")
    classes = customer_class.reindex(numbers.index).astype(object)
    lost = (classes == "lost").to_numpy()
    complained = np.zeros(len(numbers), dtype=bool)
    if complaints is not None:
        counts = pd.to_numeric(complaints.reindex(numbers.index), errors="coerce")
        missing = int(counts.isna().sum())
        if missing:
            raise ValueError(f"complaints are missing for {missing} customer(s) of value")
        complained = (counts > 0).to_numpy()
    related = np.zeros(len(numbers), dtype=bool)
    if relationship is not None:
        related = relationship.reindex(numbers.index).fillna(False).astype(bool).to_numpy()
    values = numbers.to_numpy(dtype=float)
    rank = pd.Series(values).rank(ascending=False, method="first").to_numpy()
    key = rank <= np.ceil(key_share * len(values) - 1e-9)
    lost_rank = pd.Series(np.where(lost, values, -np.inf)).rank(ascending=False, method="first").to_numpy()
    win_back = lost & (lost_rank <= np.ceil(win_back_share * lost.sum() - 1e-9))
    action = np.select(
        [~lost & complained, ~lost & key, win_back, related & ~lost],
        list(CONTACT_ACTIONS[:4]), CONTACT_ACTIONS[4])
    return pd.DataFrame({"value": values, "action": action}, index=numbers.index)


def contact_summary(plan: pd.DataFrame) -> pd.DataFrame:
    """Customers, share of value and mean value per action of a :func:`contact_plan`.

    Keys (index ``action``: ``"key_contact"``...) whatever the language; shown with
    :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> plan = pd.DataFrame({"value": [10.0, 30, 60], "action": ["key_contact", "win_back", "key_contact"]})
    >>> contact_summary(plan)["value_share"].tolist()
    [0.7, 0.0, 0.3, 0.0, 0.0]
    """
    _require(plan, ("value", "action"), "contact plan")
    grouped = plan.groupby("action")["value"]
    out = pd.DataFrame({"customers": grouped.size(), "value_share": grouped.sum() / plan["value"].sum(),
                        "mean_value": grouped.mean()})
    order = ["key_contact", "complaint_call", "win_back", "regular_follow_up", "no_personal_contact"]
    out = out.reindex(order)
    out = out.fillna({"customers": 0, "value_share": 0.0}).astype({"customers": int})
    out.index.name = "action"
    return with_display(out, prefixes=("contact_",), index=True)
