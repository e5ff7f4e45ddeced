r"""The customer lifecycle (客户关系生命周期): stages, stage rules, cohorts and stage migration.

A relationship passes through stages, from the first contact to the end and possibly a
comeback. This module makes that idea measurable:

* :data:`LIFECYCLE_STAGES` and :func:`stage_table`: the seven stages (potential 潜在,
  development 开发, growth 成长, maturity 成熟, decline 衰退, termination 终止, recovery 恢复)
  with what marks each one and what the firm should do, in English and Chinese;
  :data:`LEAD_STAGES` and :func:`lead_funnel`: the stages of a lead before it becomes a user,
  as a funnel with stage-to-stage conversion rates.
* :class:`StageRules`, :func:`lifecycle_features`, :func:`classify_stages`, :func:`assign_stages`
  and :func:`stage_counts_over_time`: a documented, parameterised rule that puts every customer
  of a transaction log into a stage at a date.
* :func:`cohort_table` and :func:`plot_cohort_heatmap`: acquisition-month cohorts and how
  many of them buy again in each later month.
* :func:`stage_migration`, :func:`transition_matrix`, :func:`project_stage_mix`,
  :func:`steady_state` and :func:`tweak_transition`: customers moving between stages, the
  Markov chain those moves define, its projection and its long-run stage mix.

Examples
--------
>>> log = pd.DataFrame({"customer": ["a", "a", "b"],
...                     "date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-03-20"]),
...                     "amount": [10.0, 20.0, 5.0]})
>>> assign_stages(log, "customer", "date", "amount", "2024-03-31")["stage"].tolist()
['development', 'development']
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from . import transactions
from ._table_checks import as_timestamp, numeric_column
from .lang import check_lang, label, register, with_display
from .lang import localize  # noqa: F401  (the doctests show the keyed tables with it)
from .migration import segment_migration

__all__ = [
    "trend_tests",
    "stage_stability",
    "empty_stages_text",
    "LIFECYCLE_STAGES",
    "OBSERVABLE_STAGES",
    "LEAD_STAGES",
    "FEATURE_COLUMNS",
    "StageRules",
    "stage_table",
    "lead_funnel",
    "plot_lead_funnel",
    "lifecycle_features",
    "classify_stages",
    "assign_stages",
    "stage_counts_over_time",
    "cohort_table",
    "plot_cohort_heatmap",
    "stage_migration",
    "transition_matrix",
    "project_stage_mix",
    "steady_state",
    "tweak_transition",
    "plot_stage_counts",
    "plot_stage_mix",
]

#: The seven stages of a customer relationship, in lifecycle order.
LIFECYCLE_STAGES: tuple[str, ...] = (
    "potential", "development", "growth", "maturity", "decline", "termination", "recovery",
)
#: The stages a transaction log can show (a potential customer has bought nothing yet).
OBSERVABLE_STAGES: tuple[str, ...] = LIFECYCLE_STAGES[1:]
#: The stages of a lead, from a name in a list to a paying user.
LEAD_STAGES: tuple[str, ...] = ("to_be_identified", "potential_customer", "sales_opportunity", "order_customer", "user")
#: Columns of :func:`lifecycle_features`.
FEATURE_COLUMNS: tuple[str, ...] = (
    "first_purchase", "last_purchase", "tenure_days", "recency_days", "purchase_days", "typical_gap_days",
    "spend_recent", "spend_previous", "comeback_gap_days", "days_recent", "days_previous",
)

_STAGE_TEXT: dict[str, tuple[tuple[str, str], tuple[str, str], tuple[str, str]]] = {
    # stage: ((name en, zh), (what marks it en, zh), (what the firm does en, zh))
    "potential": (
        ("Potential", "潜在期"),
        ("Knows of the firm or is being approached; has bought nothing yet",
         "已接触或被接触，但尚未发生任何购买"),
        ("Find and qualify prospects; make the offer known; keep acquisition cost in check",
         "识别并筛选目标对象，让对方了解产品，控制获客成本"),
    ),
    "development": (
        ("Development", "开发期"),
        ("First purchases; the customer is still testing the firm; trust is low",
         "刚开始购买，客户仍在试探，信任度不高"),
        ("Make the first experience good: onboarding, quick help, a reason for a second purchase",
         "做好首次体验：引导、及时帮助、给出再次购买的理由"),
    ),
    "growth": (
        ("Growth", "成长期"),
        ("Buys more and more often; trust and share of wallet rise",
         "购买金额和频次上升，信任与钱包份额随之提高"),
        ("Cross-sell and up-sell; invest in service while the value is rising",
         "交叉销售与追加销售，在价值上升时加大服务投入"),
    ),
    "maturity": (
        ("Maturity", "成熟期"),
        ("Buys steadily at its own rhythm; the most profitable stage",
         "按自身节奏稳定购买，是利润最高的阶段"),
        ("Keep them: loyalty rewards, personal service, watch for early signs of decline",
         "重在保持：忠诚奖励、个性化服务，及早发现衰退迹象"),
    ),
    "decline": (
        ("Decline", "衰退期"),
        ("Buys less, or later than usual; may be drifting to a rival",
         "购买变少或比平时更迟，可能正转向竞争对手"),
        ("Find the cause and act early: contact, fix problems, a tailored offer",
         "尽早查明原因并行动：主动联系、解决问题、给出针对性优惠"),
    ),
    "termination": (
        ("Termination", "终止期"),
        ("No purchase for a long time; the relationship has ended",
         "很长时间没有购买，关系已经结束"),
        ("Settle open matters; decide whether a win-back is worth its cost; learn why they left",
         "处理遗留事务，权衡挽回是否值得，分析离开的原因"),
    ),
    "recovery": (
        ("Recovery", "恢复期"),
        ("Came back after the relationship had ended; may re-enter maturity",
         "关系中断后重新购买，有望回到成熟期"),
        ("Welcome back: remove what drove them away, rebuild trust quickly",
         "欢迎回归：消除当初离开的原因，尽快重建信任"),
    ),
}

_LEAD_TEXT: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "to_be_identified": (("To be identified", "待识别客户"),
                         ("A name or contact whose fit is not yet known", "只有名称或联系方式，尚不清楚是否合适")),
    "potential_customer": (("Potential customer", "潜在客户"),
                           ("Fits the target profile and may need the offer", "符合目标画像，可能需要该产品")),
    "sales_opportunity": (("Sales opportunity", "商机"),
                          ("A concrete need, budget and timing: handed to sales", "需求、预算和时间明确，移交销售跟进")),
    "order_customer": (("Order customer", "订单客户"),
                       ("Has placed an order", "已经下单")),
    "user": (("User", "用户"),
             ("Uses the product and can buy again", "正在使用产品，可能再次购买")),
}

_terms: dict[str, dict[str, str]] = {}
for _stage, ((_en, _zh), (_mark_en, _mark_zh), (_do_en, _do_zh)) in _STAGE_TEXT.items():
    _terms[f"stage_{_stage}"] = {"en": _en, "zh": _zh}
    _terms[f"stage_mark_{_stage}"] = {"en": _mark_en, "zh": _mark_zh}
    _terms[f"stage_action_{_stage}"] = {"en": _do_en, "zh": _do_zh}
for _stage, ((_en, _zh), (_mark_en, _mark_zh)) in _LEAD_TEXT.items():
    _terms[f"lead_{_stage}"] = {"en": _en, "zh": _zh}
    _terms[f"lead_mark_{_stage}"] = {"en": _mark_en, "zh": _mark_zh}
register(_terms)
register(
    {
        "lifecycle_stage": {"en": "Stage", "zh": "生命周期阶段"},
        "stage_marks": {"en": "What marks it", "zh": "阶段特征"},
        "stage_actions": {"en": "What the firm should do", "zh": "企业应采取的做法"},
        "lead_stage": {"en": "Lead stage", "zh": "线索阶段"},
        "lead_count": {"en": "Leads", "zh": "线索数"},
        "conversion_from_previous": {"en": "Conversion from previous stage", "zh": "较上一阶段的转化率"},
        "conversion_from_first": {"en": "Conversion from first stage", "zh": "较第一阶段的转化率"},
        "first_purchase": {"en": "First purchase", "zh": "首次购买日期"},
        "last_purchase": {"en": "Last purchase", "zh": "最近购买日期"},
        "tenure_days": {"en": "Tenure (days)", "zh": "关系时长（天）"},
        "purchase_days": {"en": "Purchase days", "zh": "购买天数"},
        "typical_gap_days": {"en": "Typical gap between purchases (days)", "zh": "典型购买间隔（天）"},
        "spend_recent": {"en": "Spend, recent window", "zh": "近期窗口消费额"},
        "spend_previous": {"en": "Spend, previous window", "zh": "前一窗口消费额"},
        "comeback_gap_days": {"en": "Gap before a recent comeback (days)", "zh": "近期回归前的间隔（天）"},
        "acquisition_month": {"en": "Acquisition month", "zh": "获客月份"},
        "months_since_first": {"en": "Months since first purchase", "zh": "首购后的月数"},
        "cohort_size": {"en": "Cohort size", "zh": "同期群人数"},
        "cohort_retention_title": {"en": "Share of each cohort buying in a later month",
                                   "zh": "各同期群在后续月份仍购买的比例"},
        "stage_counts_title": {"en": "Customers by lifecycle stage", "zh": "各生命周期阶段的客户数"},
        "stage_mix_title": {"en": "Projected stage mix (Markov chain)", "zh": "阶段结构预测（马尔可夫链）"},
        "stage_share": {"en": "Share of customers", "zh": "客户占比"},
        "periods_ahead": {"en": "Periods ahead", "zh": "向前预测期数"},
        "stage_from": {"en": "Stage at the start", "zh": "期初阶段"},
        "stage_to": {"en": "Stage at the end", "zh": "期末阶段"},
        "steady_state": {"en": "Long-run share", "zh": "长期稳定占比"},
        "observed_mix": {"en": "Share now", "zh": "当前占比"},
    }
)

# the lecture's widget labels (the English text is the lecture's original description)
register(
    {
        "lifecycle_widget_new_days": {"en": "new_days", "zh": "新客户天数"},
        "lifecycle_widget_lost_days": {"en": "lost_days", "zh": "流失天数"},
        "lifecycle_widget_decline": {"en": "decline ×", "zh": "衰退 ×"},
        "lifecycle_widget_growth": {"en": "growth ×", "zh": "成长 ×"},
        "lifecycle_widget_steps": {"en": "steps", "zh": "预测期数"},
        "lifecycle_widget_winback": {"en": "decline→mat.", "zh": "衰退→成熟"},
        "lifecycle_widget_group": {"en": "group", "zh": "分组"},
    }
)


# the lecture's printed sentences and shown identifiers (the English text is the lecture's original output)
register(
    {
        "lifecycle_cleaning_summary": {
            "en": "{rows_in:,} rows in, {rows_out:,} kept, {customers:,} customers; observation end {end}",
            "zh": "读入 {rows_in:,} 行，保留 {rows_out:,} 行，共 {customers:,} 位客户；观察期截止于 {end}",
        },
        "lifecycle_example_dates": {
            "en": "customer {customer} on {end}: first purchase {first}, last {last}, {days} purchase days",
            "zh": "客户 {customer}（截至 {end}）：首次购买 {first}，最近购买 {last}，共 {days} 个购买日",
        },
        "lifecycle_example_numbers": {
            "en": "  recency {recency} days; usual gap {gap:.0f} days; spend {recent:,.2f} in the last {window} days vs "
                  "{previous:,.2f} before; longest gap before a recent purchase {comeback:.0f}",
            "zh": "  距最近购买 {recency} 天；通常购买间隔 {gap:.0f} 天；最近 {window} 天消费 {recent:,.2f}，"
                  "此前为 {previous:,.2f}；近期购买前的最长间隔 {comeback:.0f} 天",
        },
        "lifecycle_example_stage": {"en": "  -> stage: {stage}", "zh": "  -> 阶段：{stage}"},
        "lifecycle_migration_summary": {
            "en": "from {start} to {end}: {new:,} new customers; stages nobody was in at the start: {empty}",
            "zh": "从 {start} 到 {end}：新增 {new:,} 位客户；期初无人所在的阶段：{empty}",
        },
        "lifecycle_none": {"en": "none", "zh": "无"},
        "lifecycle_stability_intro": {
            "en": "share of each stage still in it after {months} months; moves out of maturity",
            "zh": "{months} 个月后仍处于原阶段的客户占比；以及从成熟期流出的比例",
        },
        # identifiers shown as table headers: English keeps the identifier, Chinese gets a name
        "lifecycle_id_acquisition_month": {"en": "acquisition_month", "zh": "获客月份"},
        "lifecycle_id_months_since_first": {"en": "months_since_first", "zh": "首购后的月数"},
        "lifecycle_id_maturity_to_growth": {"en": "maturity_to_growth", "zh": "成熟期→成长期"},
        "lifecycle_id_maturity_to_decline": {"en": "maturity_to_decline", "zh": "成熟期→衰退期"},
        "lifecycle_id_mature_at_start": {"en": "mature_at_start", "zh": "期初成熟期客户数"},
        "lifecycle_id_data": {"en": "data", "zh": "数据"},
        "lifecycle_id_date": {"en": "date", "zh": "日期"},
        "lifecycle_id_rule": {"en": "rule", "zh": "规则"},
        "lifecycle_id_log": {"en": "log", "zh": "交易记录"},
        "lifecycle_id_synthetic": {"en": "synthetic", "zh": "模拟数据"},
        "lifecycle_id_rule_used": {"en": "rule_used", "zh": "所用规则"},
        "lifecycle_id_spend_ratios_only": {"en": "spend_ratios_only", "zh": "仅用消费比"},
        **{f"lifecycle_id_{_s}": {"en": _s, "zh": _terms[f"stage_{_s}"]["zh"]} for _s in LIFECYCLE_STAGES[1:]},
    }
)


def empty_stages_text(stages: Sequence[str], lang: str = "en") -> str:
    """The stages nobody was in, as the lecture prints them (English: the list itself, or ``none``).

    Examples
    --------
    >>> empty_stages_text([]), empty_stages_text(["growth"])
    ('none', "['growth']")
    >>> empty_stages_text(["growth", "decline"], "zh"), empty_stages_text([], "zh")
    ('成长期、衰退期', '无')
    """
    check_lang(lang)
    if not stages:
        return label("lifecycle_none", lang)
    if lang == "en":
        return str(list(stages))
    return "、".join(label(f"stage_{s}", lang) for s in stages)


# ---------------------------------------------------------------------------
# the stages as data


def stage_table(lang: str = "en") -> pd.DataFrame:
    """The seven lifecycle stages: name, what marks each one, what the firm should do.

    Examples
    --------
    >>> stage_table("zh").iloc[3, 0]
    '成熟期'
    >>> len(stage_table())
    7
    """
    check_lang(lang)
    rows = [
        {"lifecycle_stage": label(f"stage_{s}", lang), "stage_marks": label(f"stage_mark_{s}", lang),
         "stage_actions": label(f"stage_action_{s}", lang)}
        for s in LIFECYCLE_STAGES
    ]
    table = pd.DataFrame(rows, index=pd.Index(LIFECYCLE_STAGES, name="stage"))
    return table.rename(columns={c: label(c, lang) for c in table.columns})


def lead_funnel(counts: Mapping[str, float] | Sequence[float]) -> pd.DataFrame:
    """A lead funnel: counts per lead stage and the conversion rates between stages.

    Parameters
    ----------
    counts
        Leads that reached each stage of :data:`LEAD_STAGES`, as a mapping by stage key or a
        sequence in stage order. Counts must be >= 0 and must not grow down the funnel.

    Returns
    -------
    pandas.DataFrame
        Keys whatever the language (show it with :func:`crmlab.lang.localize`).
        One row per stage (index ``lead_stage``): ``lead_count``, ``conversion_from_previous`` (count / previous
        count; NaN for the first stage or after a stage with 0) and ``conversion_from_first``.

    Examples
    --------
    >>> funnel = lead_funnel([1000, 400, 100, 40, 30])
    >>> funnel["conversion_from_previous"].round(2).tolist()
    [nan, 0.4, 0.25, 0.4, 0.75]
    >>> localize(funnel, "zh").index[:2].tolist()
    ['待识别客户', '潜在客户']
    """
    if isinstance(counts, Mapping):
        unknown = [k for k in counts if k not in LEAD_STAGES]
        missing = [k for k in LEAD_STAGES if k not in counts]
        if unknown or missing:
            raise KeyError(f"lead counts need exactly the stages {list(LEAD_STAGES)}; "
                           f"unknown {unknown}, missing {missing}")
        values = np.array([counts[k] for k in LEAD_STAGES], dtype=float)
    else:
        values = np.asarray(counts, dtype=float)
        if values.shape != (len(LEAD_STAGES),):
            raise ValueError(f"give {len(LEAD_STAGES)} counts, one per lead stage {list(LEAD_STAGES)}; "
                             f"got {values.size}")
    if np.isnan(values).any() or (values < 0).any():
        raise ValueError(f"lead counts must be numbers >= 0; {int((np.isnan(values) | (values < 0)).sum())} are not")
    growing = int((np.diff(values) > 0).sum())
    if growing:
        raise ValueError(f"a funnel cannot grow: {growing} stage(s) have more leads than the stage before")
    with np.errstate(divide="ignore", invalid="ignore"):
        previous = np.concatenate([[np.nan], values[1:] / np.where(values[:-1] > 0, values[:-1], np.nan)])
        first = values / values[0] if values[0] > 0 else np.full(len(values), np.nan)
    table = pd.DataFrame({"lead_count": values, "conversion_from_previous": previous, "conversion_from_first": first},
                         index=pd.Index(LEAD_STAGES, name="lead_stage"))
    return with_display(table, prefixes=("lead_", ""), index=True)


# ---------------------------------------------------------------------------
# stage rules


@dataclass(frozen=True)
class StageRules:
    r"""Thresholds of the stage rule (all in days except the ratios).

    The rule is applied at a date ``at`` to the purchases up to that day. Purchases on one
    day count once (a *purchase day*). The first rule that holds gives the stage:

    1. **termination** (终止): no purchase for more than ``lost_days`` (recency > lost_days);
    2. **recovery** (恢复): a purchase within the last ``window_days`` came after a gap of
       more than ``lost_days`` (the customer had ended the relationship and came back);
    3. **development** (开发): the first purchase was at most ``new_days`` ago;
    4. **decline** (衰退): only one purchase day so far (no second purchase after
       ``new_days``), or recency longer than ``decline_factor`` × the customer's own typical
       (median) gap between purchase days, or spend in the last ``window_days`` below
       ``decline_ratio`` × spend in the window before *and* (with ``trend_alpha``) clearly
       fewer purchase days than in the window before;
    5. **growth** (成长): the relationship is at most ``growth_days`` old (still building up
       after development), or spend in the last ``window_days`` is positive and at least
       ``growth_ratio`` × spend in the window before *and* (with ``trend_alpha``) clearly more
       purchase days than in the window before;
    6. **maturity** (成熟): everything else: buying at the usual rhythm, at a stable level.

    "Clearly" is a one-sided binomial test: with :math:`k` purchase days in the recent window and
    :math:`n` in both, a customer whose rhythm has not changed has :math:`k \sim B(n, 1/2)`;
    the change counts when that chance of a count this extreme is below ``trend_alpha``. Without
    the test (``trend_alpha=None``) and without the age rule (``growth_days=None``) the rule
    compares two noisy 90-day spends only, and most mature customers hop to growth or decline
    within a quarter by chance alone (lecture 09 shows it).

    Potential customers (潜在) have no purchase and do not appear in a log.
    """

    new_days: int = 90
    lost_days: int = 180
    decline_factor: float = 2.0
    growth_ratio: float = 1.25
    decline_ratio: float = 0.5
    window_days: int = 90
    growth_days: int | None = 180
    trend_alpha: float | None = 0.05

    def __post_init__(self) -> None:
        for name in ("new_days", "lost_days", "window_days"):
            value = getattr(self, name)
            if not (isinstance(value, (int, np.integer)) and value > 0):
                raise ValueError(f"StageRules.{name} must be a whole number of days > 0, got {value!r}")
        if not self.decline_factor > 0:
            raise ValueError(f"StageRules.decline_factor must be > 0, got {self.decline_factor!r}")
        if self.growth_days is not None and not (isinstance(self.growth_days, (int, np.integer))
                                                 and self.growth_days > 0):
            raise ValueError(f"StageRules.growth_days must be None or a whole number of days > 0 "
                             f"(at most new_days: nobody grows by age), got {self.growth_days!r}")
        if self.trend_alpha is not None and not 0 < self.trend_alpha < 1:
            raise ValueError(f"StageRules.trend_alpha must be None or in (0, 1), got {self.trend_alpha!r}")
        if not 0 <= self.decline_ratio < self.growth_ratio:
            raise ValueError("StageRules needs 0 <= decline_ratio < growth_ratio, got "
                             f"{self.decline_ratio!r} and {self.growth_ratio!r}")

    def as_dict(self) -> dict[str, float]:
        """The thresholds as a plain dict."""
        return asdict(self)


def _daily(log: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None) -> pd.DataFrame:
    """Validated log merged to one row per customer and purchase day, with the gap to the previous day."""
    checked = transactions.validate(log, customer_col, date_col, amount_col)
    day = checked[date_col].dt.normalize()
    amount = checked[amount_col] if amount_col is not None else pd.Series(0.0, index=checked.index)
    daily = (pd.DataFrame({"customer": checked[customer_col].to_numpy(), "day": day.to_numpy(),
                           "amount": amount.to_numpy(dtype=float)})
             .groupby(["customer", "day"], sort=True, as_index=False)["amount"].sum())
    gap = daily.groupby("customer", sort=False)["day"].diff().dt.days
    daily["gap_days"] = gap.to_numpy(dtype=float)
    return daily


def _features_from_daily(daily: pd.DataFrame, at: pd.Timestamp, window_days: int) -> pd.DataFrame:
    upto = daily[daily["day"] <= at]
    if upto.empty:
        raise ValueError(f"no purchase on or before {at.date()}: no customer has a stage yet")
    grouped = upto.groupby("customer", sort=True)
    first = grouped["day"].min()
    last = grouped["day"].max()
    count = grouped.size()
    typical = grouped["gap_days"].median()
    recent_start = at - pd.Timedelta(days=window_days)
    previous_start = at - pd.Timedelta(days=2 * window_days)
    recent = upto["day"] > recent_start
    previous = (upto["day"] > previous_start) & ~recent
    spend_recent = upto["amount"].where(recent, 0.0).groupby(upto["customer"]).sum()
    spend_previous = upto["amount"].where(previous, 0.0).groupby(upto["customer"]).sum()
    comeback = upto["gap_days"].where(recent).groupby(upto["customer"]).max()
    days_recent = recent.groupby(upto["customer"]).sum()
    days_previous = previous.groupby(upto["customer"]).sum()
    features = pd.DataFrame({
        "first_purchase": first,
        "last_purchase": last,
        "tenure_days": (at - first).dt.days.astype(np.int64),
        "recency_days": (at - last).dt.days.astype(np.int64),
        "purchase_days": count.astype(np.int64),
        "typical_gap_days": typical,
        "spend_recent": spend_recent,
        "spend_previous": spend_previous,
        "comeback_gap_days": comeback.fillna(0.0),
        "days_recent": days_recent.astype(np.int64),
        "days_previous": days_previous.astype(np.int64),
    })
    features.index.name = "customer"
    features.attrs["at"] = at
    features.attrs["window_days"] = window_days
    return features


def _as_day(value: object, name: str) -> pd.Timestamp:
    return as_timestamp(value, name).normalize()



def plot_lead_funnel(funnel: pd.DataFrame, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Horizontal bars of :func:`lead_funnel` (the keyed table), first stage on top, each bar
    annotated with its count and the conversion from the stage before.

    Examples
    --------
    >>> ax = plot_lead_funnel(lead_funnel([1000, 400, 100, 40, 30]))
    >>> [t.get_text().strip() for t in ax.texts][:2]
    ['30  (75%)', '40  (40%)']
    """
    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2))
    names = [label(f"lead_{s}", lang) for s in LEAD_STAGES]
    ax.barh(names[::-1], funnel["lead_count"][::-1], color="C0")
    for y, (count, rate) in enumerate(zip(funnel["lead_count"][::-1], funnel["conversion_from_previous"][::-1])):
        note = f"{count:,.0f}" + ("" if np.isnan(rate) else f"  ({100 * rate:.0f}%)")
        ax.text(count, y, " " + note, va="center", fontsize=8)
    ax.set_xlim(0, funnel["lead_count"].max() * 1.3)
    ax.set_xlabel(label("lead_count", lang))
    return ax

def lifecycle_features(log: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None,
                       at: object, window_days: int = 90, **engine_options: object) -> pd.DataFrame:
    """What the stage rule looks at, per customer who bought on or before ``at``.

    Parameters
    ----------
    log
        Transaction log (validated with :func:`crmlab.transactions.validate`: a missing column,
        id, unparsable date or negative amount raises an error naming the column and the rows).
        Also a path or glob of Parquet/CSV files, a DuckDB relation, a Polars DataFrame/LazyFrame
        or a PySpark DataFrame: the features are then computed in that engine
        (:func:`crmlab.summaries.features_at`) and come back as pandas, or as the engine's frame
        with ``output="native"`` (the default for Spark: one row per customer, a column
        ``customer``, purchase days as the engine's dates); ``connection=`` a DuckDB connection.
    customer_col, date_col, amount_col
        Column names; without an amount the spend columns are 0 (trend rules never fire).
    at
        The date of the assessment (a day, inclusive). Later purchases are ignored.
    window_days
        Length of the recent and the previous spend window.

    Returns
    -------
    pandas.DataFrame
        Index ``customer``; columns :data:`FEATURE_COLUMNS`: first and last purchase day,
        ``tenure_days`` and ``recency_days`` (to ``at``), ``purchase_days``, ``typical_gap_days``
        (median gap between purchase days, NaN with one purchase day), ``spend_recent`` (days in
        (at − window, at]), ``spend_previous`` (the window before) and ``comeback_gap_days``
        (longest gap that ended with a purchase in the recent window, 0 if none), ``days_recent``
        and ``days_previous`` (purchase days in the two windows).

    Examples
    --------
    >>> log = pd.DataFrame({"c": [1, 1, 1], "d": ["2024-01-01", "2024-01-11", "2024-09-01"], "a": [5.0, 5.0, 8.0]})
    >>> f = lifecycle_features(log, "c", "d", "a", "2024-09-10")
    >>> f.loc[1, ["recency_days", "typical_gap_days", "comeback_gap_days"]].tolist()
    [9.0, 122.0, 234.0]
    """
    if not (isinstance(window_days, (int, np.integer)) and window_days > 0):
        raise ValueError(f"window_days must be a whole number of days > 0, got {window_days!r}")
    if not isinstance(log, pd.DataFrame):
        return _engine_stages(log, customer_col, date_col, amount_col, at, None, int(window_days), engine_options)
    _no_engine_options(engine_options)
    daily = _daily(log, customer_col, date_col, amount_col)
    return _features_from_daily(daily, _as_day(at, "at"), int(window_days))


def _small_table_daily(log: object, customer_col: str, date_col: str, amount_col: str | None,
                       engine_options: Mapping[str, object], caller: str) -> tuple[object, object]:
    """``(daily purchases, engine)`` of a log for ``caller``, which returns a small pandas table
    (``engine`` is ``None`` for a pandas log; an engine log may not ask for ``output=``)."""
    if isinstance(log, pd.DataFrame):
        _no_engine_options(engine_options)
        return _daily(log, customer_col, date_col, amount_col), None
    if "output" in engine_options:
        raise TypeError(f"{caller} returns a small pandas table: it takes no output=")
    daily, engine, _ = _engine_daily(log, customer_col, date_col, amount_col, engine_options)
    return daily, engine


def _no_engine_options(options: Mapping[str, object]) -> None:
    if options:
        from .validation import WrongTypeError

        raise WrongTypeError(f"{sorted(options)}: options for engine logs (a path, DuckDB, Polars, Spark), not for a "
                             "pandas DataFrame: parse its dates first (crmlab.transactions.validate)",
                             parameter=sorted(options)[0])


def _engine_daily(log: object, customer_col: str, date_col: str, amount_col: str | None,
                  options: Mapping[str, object]):
    """(purchase days in the log's engine, the engine, the output kind) for a log that is no pandas frame."""
    from . import summaries

    options = dict(options)
    output, connection = options.pop("output", None), options.pop("connection", None)
    if options:
        raise TypeError(f"unknown option(s) {sorted(options)}: use output= or connection=")
    daily, engine = summaries.purchase_days(log, customer_col, date_col, amount_col, connection=connection)
    if output is None:
        output = "native" if engine == "spark" else "pandas"
    if output not in ("pandas", "native"):
        raise ValueError(f"output={output!r}: use 'pandas' or 'native'")
    return daily, engine, output


def _day_number(day: pd.Timestamp) -> int:
    return int((day - pd.Timestamp("1970-01-01")).days)


def _engine_stages(log: object, customer_col: str, date_col: str, amount_col: str | None, at: object,
                   rules: StageRules | None, window_days: int, options: Mapping[str, object]):
    """:func:`lifecycle_features` (``rules=None``) or :func:`assign_stages` in the log's engine."""
    from . import summaries

    daily, engine, output = _engine_daily(log, customer_col, date_col, amount_col, options)
    at_day = _as_day(at, "at")
    if not summaries._has_purchase_by(daily, _day_number(at_day)):
        raise ValueError(f"no purchase on or before {at_day.date()}: no customer has a stage yet")
    features = summaries.features_at(daily, _day_number(at_day), window_days)
    if rules is not None:
        features = _classify_lazy(features, rules, engine)
    if output == "native":
        return summaries._native_with_dates(features, engine)
    table = summaries._features_to_pandas(features)
    if rules is not None:
        table["stage"] = pd.Categorical(table["stage"], categories=list(OBSERVABLE_STAGES))
    table.attrs["at"] = at_day
    table.attrs["window_days"] = window_days
    return table


def _trend_table(window_days: int) -> pd.DataFrame:
    """The trend tests' p-values for every (days_recent, days_previous) a window can hold."""
    recent, previous = np.meshgrid(np.arange(window_days + 1), np.arange(window_days + 1), indexing="ij")
    recent, previous = recent.ravel().astype(np.int64), previous.ravel().astype(np.int64)
    more, fewer = trend_tests(recent, previous)
    return pd.DataFrame({"days_recent": recent, "days_previous": previous, "__crm_p_more": more,
                         "__crm_p_fewer": fewer})


def _classify_lazy(features, rules: StageRules, engine: str):
    """:func:`classify_stages` on a lazy narwhals feature table: the same rule, as engine expressions; the
    trend tests' p-values joined from a table of every count pair (no collection)."""
    import narwhals as nw

    from . import summaries

    if rules.trend_alpha is not None:
        pvalues = summaries._lazy(summaries._from_pandas(_trend_table(rules.window_days), engine,
                                                         features.to_native()), engine)
        features = features.join(pvalues, on=["days_recent", "days_previous"], how="left")
        more, fewer = nw.col("__crm_p_more"), nw.col("__crm_p_fewer")
    else:
        more = fewer = None
    conditions = _stage_conditions(nw.col, rules, more, fewer, nw.lit(False), lambda e: e.fill_null(False))
    stage = nw.lit(_STAGE_DEFAULT)
    for condition, name in reversed(list(zip(conditions, _STAGE_ORDER))):
        stage = nw.when(condition).then(nw.lit(name)).otherwise(stage)
    features = features.with_columns(stage.alias("stage"))
    if rules.trend_alpha is not None:
        features = features.drop("__crm_p_more", "__crm_p_fewer")
    return features


#: The stages of the rule's tests, in order (the first that holds wins); otherwise maturity.
_STAGE_ORDER: tuple[str, ...] = ("termination", "recovery", "development", "decline", "growth")
_STAGE_DEFAULT = "maturity"


def _stage_conditions(col, rules: StageRules, more, fewer, false, known):
    """The five tests of :class:`StageRules` in order, written once for numpy arrays and engine expressions.

    ``col(name)`` gives a feature column, ``more``/``fewer`` the trend tests' p-values, ``false`` an
    all-False value and ``known(x)`` turns a missing comparison (no typical gap yet) into False.
    """
    recency, tenure, spend_recent = col("recency_days"), col("tenure_days"), col("spend_recent")
    late = known(recency > rules.decline_factor * col("typical_gap_days"))
    spend_down = spend_recent < rules.decline_ratio * col("spend_previous")
    spend_up = (spend_recent > 0) & (spend_recent >= rules.growth_ratio * col("spend_previous"))
    if rules.trend_alpha is not None:
        spend_down = spend_down & (fewer < rules.trend_alpha)
        spend_up = spend_up & (more < rules.trend_alpha)
    young = tenure <= rules.growth_days if rules.growth_days is not None else false
    return [
        recency > rules.lost_days,
        col("comeback_gap_days") > rules.lost_days,
        tenure <= rules.new_days,
        (col("purchase_days") <= 1) | late | spend_down,
        young | spend_up,
    ]


def trend_tests(days_recent: ArrayLike, days_previous: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r"""One-sided binomial p-values that a customer's purchase days rose / fell between two windows.

    With :math:`k` purchase days in the recent window and :math:`n` in both windows, an unchanged
    rhythm gives :math:`k \sim B(n, 1/2)`. Returns ``(p_more, p_fewer)`` =
    :math:`(P(X \ge k), P(X \le k))`; both are 1 when :math:`n = 0`.

    Examples
    --------
    >>> more, fewer = trend_tests([5, 1, 0], [0, 1, 4])
    >>> more.round(4).tolist(), fewer.round(4).tolist()
    ([0.0312, 0.75, 1.0], [1.0, 0.75, 0.0625])
    """
    from scipy.stats import binom

    k = np.asarray(days_recent, dtype=float)
    n = k + np.asarray(days_previous, dtype=float)
    more = np.where(n > 0, binom.sf(k - 1, n, 0.5), 1.0)
    fewer = np.where(n > 0, binom.cdf(k, n, 0.5), 1.0)
    return more, fewer


def classify_stages(features: pd.DataFrame, rules: StageRules | None = None) -> pd.Series:
    """Stage of each customer from :func:`lifecycle_features`, by the rule of :class:`StageRules`.

    This is the fast half of :func:`assign_stages` (plain array comparisons), so a widget can
    recompute the stages for new thresholds without reading the log again. The feature
    table's window must equal ``rules.window_days``.

    Returns
    -------
    pandas.Series
        Categorical with categories :data:`OBSERVABLE_STAGES`, indexed like ``features``.

    Examples
    --------
    >>> f = pd.DataFrame({"tenure_days": [30, 400, 400, 400, 400], "recency_days": [5, 300, 20, 10, 2],
    ...                   "purchase_days": [1, 5, 5, 5, 12], "typical_gap_days": [np.nan, 30, 30, 30, 15],
    ...                   "spend_recent": [10, 0, 100, 100, 100], "spend_previous": [0, 0, 100, 50, 20],
    ...                   "comeback_gap_days": [0, 0, 0, 0, 0], "days_recent": [1, 0, 3, 3, 9],
    ...                   "days_previous": [0, 0, 3, 2, 1]})
    >>> classify_stages(f).tolist()  # 3 purchase days after 2 is no clear rise: still mature
    ['development', 'termination', 'maturity', 'maturity', 'growth']
    >>> classify_stages(f, StageRules(growth_days=None, trend_alpha=None)).tolist()  # spend ratios alone
    ['development', 'termination', 'maturity', 'growth', 'growth']
    """
    rules = rules or StageRules()
    if not isinstance(features, pd.DataFrame):
        raise TypeError(f"features must be the DataFrame of lifecycle_features, got {type(features).__name__}")
    needed = ["tenure_days", "recency_days", "purchase_days", "typical_gap_days", "spend_recent",
              "spend_previous", "comeback_gap_days"]
    missing = [c for c in needed if c not in features.columns]
    if missing:
        raise KeyError(f"the feature table lacks column(s) {missing}: make it with lifecycle_features")
    window = features.attrs.get("window_days")
    if window is not None and window != rules.window_days:
        raise ValueError(f"the features use a {window}-day window but the rules {rules.window_days} days: "
                         "recompute the features with window_days=rules.window_days")
    values = {
        "tenure_days": numeric_column(features, "tenure_days", non_negative=True),
        "recency_days": numeric_column(features, "recency_days", non_negative=True),
        "purchase_days": numeric_column(features, "purchase_days", non_negative=True),
        "typical_gap_days": features["typical_gap_days"].to_numpy(dtype=float),
        "spend_recent": numeric_column(features, "spend_recent"),
        "spend_previous": numeric_column(features, "spend_previous"),
        "comeback_gap_days": numeric_column(features, "comeback_gap_days", non_negative=True),
    }
    more = fewer = None
    if rules.trend_alpha is not None:
        if "days_recent" not in features.columns or "days_previous" not in features.columns:
            raise KeyError("trend_alpha needs the feature columns 'days_recent' and 'days_previous' "
                           "(lifecycle_features makes them); or use StageRules(trend_alpha=None)")
        more, fewer = trend_tests(numeric_column(features, "days_recent", non_negative=True),
                                  numeric_column(features, "days_previous", non_negative=True))
    with np.errstate(invalid="ignore"):  # a comparison with no typical gap (NaN) is False
        conditions = _stage_conditions(values.__getitem__, rules, more, fewer,
                                       np.zeros(len(features), dtype=bool), lambda x: x)
    codes = np.select(conditions, np.arange(len(conditions)), default=len(conditions))
    order = np.array([*_STAGE_ORDER, _STAGE_DEFAULT])
    stages = pd.Categorical(order[codes], categories=list(OBSERVABLE_STAGES))
    return pd.Series(stages, index=features.index, name="stage")


def assign_stages(log: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None,
                  at: object, rules: StageRules | None = None, **engine_options: object) -> pd.DataFrame:
    """Every customer who bought on or before ``at``, with the features and the stage at ``at``.

    See :class:`StageRules` for the rule and :func:`lifecycle_features` for the features. A log in
    an engine (path, DuckDB, Polars, Spark) is staged in that engine, the rule written as engine
    expressions; the result is pandas, or with ``output="native"`` (the default for Spark) the
    engine's frame with the stage as text.

    Examples
    --------
    >>> log = pd.DataFrame({"c": ["x", "x", "y"], "d": ["2023-01-02", "2023-02-01", "2024-05-01"],
    ...                     "a": [1.0, 2.0, 3.0]})
    >>> assign_stages(log, "c", "d", "a", "2024-06-01")["stage"].to_dict()
    {'x': 'termination', 'y': 'development'}
    """
    rules = rules or StageRules()
    if not isinstance(log, pd.DataFrame):
        return _engine_stages(log, customer_col, date_col, amount_col, at, rules, rules.window_days, engine_options)
    features = lifecycle_features(log, customer_col, date_col, amount_col, at, rules.window_days, **engine_options)
    features["stage"] = classify_stages(features, rules)
    return features


def stage_counts_over_time(log: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None,
                           dates: Sequence[object] | pd.DatetimeIndex, rules: StageRules | None = None,
                           **engine_options: object) -> pd.DataFrame:
    """Customers per stage at each of ``dates`` (e.g. month ends): the lifecycle of the customer base.

    A log in an engine (path, DuckDB, Polars, Spark) is staged and counted there (GROUP BY stage);
    the table is small and comes back as pandas (``connection=`` a DuckDB connection for a path).

    Returns
    -------
    pandas.DataFrame
        Index ``date``: the dates; columns ``lifecycle_stage``: the keys of :data:`OBSERVABLE_STAGES`
        (show them with :func:`crmlab.lang.localize`); each row adds up to the customers acquired by
        that date.

    Examples
    --------
    >>> log = pd.DataFrame({"c": [1, 2], "d": ["2024-01-10", "2024-03-10"], "a": [1.0, 1.0]})
    >>> stage_counts_over_time(log, "c", "d", "a", ["2024-01-31", "2024-03-31"])["development"].tolist()
    [1, 2]
    >>> localize(stage_counts_over_time(log, "c", "d", "a", ["2024-01-31"]), "zh").columns[:2].tolist()
    ['开发期', '成长期']
    """
    rules = rules or StageRules()
    daily, engine = _small_table_daily(log, customer_col, date_col, amount_col, engine_options, "stage_counts_over_time")
    stamps = [_as_day(d, "dates") for d in dates]
    if not stamps:
        raise ValueError("give at least one date")
    rows = []
    for at in stamps:
        if not isinstance(log, pd.DataFrame):
            rows.append(_engine_stage_counts(daily, engine, at, rules))
        elif (daily["day"] <= at).any():
            stages = classify_stages(_features_from_daily(daily, at, rules.window_days), rules)
            rows.append(stages.value_counts().reindex(list(OBSERVABLE_STAGES), fill_value=0))
        else:
            rows.append(pd.Series(0, index=list(OBSERVABLE_STAGES)))
    table = pd.DataFrame(rows, index=pd.DatetimeIndex(stamps, name="date")).astype(np.int64)
    table.columns.name = "lifecycle_stage"
    return with_display(table, prefixes=("stage_", ""))


# ---------------------------------------------------------------------------
# cohorts


def _engine_stage_counts(daily, engine: str, at: pd.Timestamp, rules: StageRules) -> pd.Series:
    """Customers per stage at ``at``, staged and counted in the engine of ``daily``."""
    import narwhals as nw

    from . import summaries

    counts = pd.Series(0, index=list(OBSERVABLE_STAGES), dtype=np.int64)
    if not summaries._has_purchase_by(daily, _day_number(at)):
        return counts
    staged = _classify_lazy(summaries.features_at(daily, _day_number(at), rules.window_days), rules, engine)
    found = staged.group_by("stage").agg(nw.len().alias("customers")).collect().to_pandas()
    counts.loc[found["stage"].tolist()] = found["customers"].to_numpy(dtype=np.int64)
    return counts


def _engine_migration_counts(daily, engine: str, start: pd.Timestamp, at: pd.Timestamp, rule: StageRules) -> np.ndarray:
    """Customers by (stage at ``start``, stage at ``at``), staged and counted in the engine of ``daily``
    (everyone staged at ``start`` has a stage at the later ``at``)."""
    import narwhals as nw

    from . import summaries

    if not summaries._has_purchase_by(daily, _day_number(start)):
        raise ValueError(f"no purchase on or before {start.date()}: no customer has a stage yet")
    stages = [_classify_lazy(summaries.features_at(daily, _day_number(day), rule.window_days), rule, engine)
              .select(nw.col("customer"), nw.col("stage").alias(name)) for day, name in ((start, "__before"), (at, "__after"))]
    found = (stages[0].join(stages[1], on="customer", how="inner").group_by("__before", "__after")
             .agg(nw.len().alias("customers")).collect().to_pandas())
    position = {stage: k for k, stage in enumerate(OBSERVABLE_STAGES)}
    counts = np.zeros((len(OBSERVABLE_STAGES), len(OBSERVABLE_STAGES)))
    for before, after, n in found[["__before", "__after", "customers"]].itertuples(index=False):
        counts[position[before], position[after]] += n
    return counts


def cohort_table(log: pd.DataFrame, customer_col: str, date_col: str, observation_end: object | None = None,
                 rates: bool = False, **engine_options: object) -> pd.DataFrame:
    """Acquisition-month cohorts × months since the first purchase: who buys again when.

    A customer's cohort is the calendar month of their first purchase. Cell (cohort, k) counts the
    cohort's customers with at least one purchase in the k-th calendar month after it (k = 0 is the
    acquisition month itself, so column 0 is the cohort size). Months after ``observation_end``
    (default: the last purchase day) are not observed and left NaN; a last month observed only in
    part is kept as it is.

    Parameters
    ----------
    log
        Transaction log (validated: errors name the column and the bad rows): a pandas DataFrame,
        or a path or glob of Parquet/CSV files, a DuckDB relation, a Polars DataFrame/LazyFrame or a
        PySpark DataFrame, counted in that engine (:func:`crmlab.summaries.cohort_counts`; the
        table is small, so it comes back as pandas; ``connection=`` a DuckDB connection for a path).
    customer_col, date_col
        Column names.
    observation_end
        Last day observed; purchases after it raise an error (clean them first).
    rates
        ``True`` divides each row by its cohort size (retention rates, column 0 = 1).

    Returns
    -------
    pandas.DataFrame
        Index ``acquisition_month`` (``Period[M]``), columns ``0 .. K`` named ``months_since_first``.

    Examples
    --------
    >>> log = pd.DataFrame({"c": [1, 1, 2, 3, 3], "d": ["2024-01-05", "2024-02-01", "2024-01-20",
    ...                     "2024-02-03", "2024-03-09"]})
    >>> cohort_table(log, "c", "d").to_numpy().tolist()
    [[2.0, 1.0, 0.0], [1.0, 1.0, nan]]
    """
    if not isinstance(log, pd.DataFrame):
        from .summaries import cohort_counts

        counts, end_month = cohort_counts(log, customer_col, date_col, observation_end, **engine_options)
        return _cohort_frame(counts["cohort"].to_numpy(), counts["age"].to_numpy(),
                             counts["customers"].to_numpy(dtype=float), end_month, rates)
    if engine_options:
        raise TypeError(f"{sorted(engine_options)}: options for engine logs, not for a pandas DataFrame")
    arrays = transactions._validate_arrays(log, customer_col, date_col, None, observation_end)
    codes, uniques = arrays.customer_codes, arrays.customer_ids
    month = arrays.date.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    first = np.full(len(uniques), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, month)
    age = month - first[codes]
    end = (_as_day(observation_end, "observation_end") if observation_end is not None
           else pd.Timestamp(arrays.date.max()))
    end_month = np.datetime64(end.to_datetime64(), "M").astype(np.int64)
    width = int(end_month - first.min()) + 1
    # one count per customer and month: distinct (customer, age) pairs
    keys = codes.astype(np.int64) * width + age
    if len(uniques) * width <= 8 * len(keys) + 10_000_000:  # a mark per possible pair: no sorting
        marks = np.zeros(len(uniques) * width, dtype=bool)
        marks[keys] = True
        pairs = np.flatnonzero(marks)
    else:
        ordered = np.sort(keys)
        pairs = ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]
    customer, pair_age = np.divmod(pairs, width)
    return _cohort_frame(first[customer], pair_age, np.ones(len(pairs)), int(end_month), rates)


def _cohort_frame(cohort: np.ndarray, age: np.ndarray, customers: np.ndarray, end_month: int,
                  rates: bool) -> pd.DataFrame:
    """The cohort table from customers per (cohort month, age), months counted since 1970-01."""
    cohorts = np.arange(int(cohort.min()), end_month + 1)
    width = int(end_month - cohorts[0]) + 1
    cell = (cohort - cohorts[0]) * width + age
    counts = np.bincount(cell, weights=customers, minlength=len(cohorts) * width).reshape(len(cohorts), width)
    observed = (cohorts[:, None] + np.arange(width)[None, :]) <= end_month
    counts[~observed] = np.nan
    sizes = counts[:, 0]
    keep = sizes > 0
    counts = counts[keep]
    index = pd.PeriodIndex(pd.to_datetime(cohorts[keep].astype("datetime64[M]")).to_period("M"),
                           name="acquisition_month")
    table = pd.DataFrame(counts, index=index, columns=pd.RangeIndex(width, name="months_since_first"))
    if rates:
        table = table.div(table[0], axis=0)
    return table


def plot_cohort_heatmap(table: pd.DataFrame, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Heat map of a retention-rate :func:`cohort_table` (``rates=True``), months 1.. (month 0 is 100%)."""
    check_lang(lang)
    shown = table.drop(columns=0, errors="ignore")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.32 * len(shown) + 1.6))
    values = 100 * shown.to_numpy(dtype=float)
    top = np.nanmax(values) if np.isfinite(values).any() else 100.0
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=max(top, 1e-9), aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if np.isfinite(values[i, j]):
                ax.text(j, i, f"{values[i, j]:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if values[i, j] > 0.6 * top else "black")
    ax.set_xticks(range(values.shape[1]), [str(c) for c in shown.columns])
    ax.set_yticks(range(values.shape[0]), [str(i) for i in shown.index])
    ax.set_xlabel(label("months_since_first", lang))
    ax.set_ylabel(label("acquisition_month", lang))
    ax.set_title(label("cohort_retention_title", lang) + " (%)")
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, fraction=0.03)
    return ax


# ---------------------------------------------------------------------------
# migration and the Markov chain


def _stage_series(stages: pd.Series | pd.DataFrame, name: str) -> pd.Series:
    if isinstance(stages, pd.DataFrame):
        if "stage" not in stages.columns:
            raise KeyError(f"`{name}` has no column 'stage': pass the result of assign_stages or its 'stage' column")
        stages = stages["stage"]
    if not isinstance(stages, pd.Series):
        raise TypeError(f"`{name}` must be a Series of stages indexed by customer, got {type(stages).__name__}")
    values = stages.astype(object)
    unknown = int((~values.isin(LIFECYCLE_STAGES) & values.notna()).sum())
    if unknown:
        raise ValueError(f"`{name}` has {unknown} value(s) that are not lifecycle stages {list(LIFECYCLE_STAGES)}")
    return pd.Series(pd.Categorical(values, categories=list(OBSERVABLE_STAGES)), index=stages.index)


def stage_migration(before: pd.Series | pd.DataFrame, after: pd.Series | pd.DataFrame,
                    shares: bool = False) -> pd.DataFrame:
    """Customers by stage at a first date (rows) and a later date (columns).

    A thin layer over :func:`crmlab.migration.segment_migration` that keeps the lifecycle
    order of the stages and translates them: customers acquired between the dates form the
    row *new*; with stages from :func:`assign_stages` nobody is *gone* (an ended relationship
    is the stage termination). Keys whatever the language (index ``stage_from``, columns
    ``stage_to``); show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> before = pd.Series({"a": "development", "b": "maturity"})
    >>> after = pd.Series({"a": "maturity", "b": "decline", "c": "development"})
    >>> int(stage_migration(before, after).loc["development", "maturity"])
    1
    >>> localize(stage_migration(before, after), "zh").loc["开发期", "成熟期"]
    np.int64(1)
    """
    table = segment_migration(_stage_series(before, "before"), _stage_series(after, "after"), shares=shares)
    table.index.name, table.columns.name = "stage_from", "stage_to"
    return with_display(table, prefixes=("stage_", "migration_", ""), index=True)


def transition_matrix(before: pd.Series | pd.DataFrame, after: pd.Series | pd.DataFrame) -> pd.DataFrame:
    """Row-stochastic transition matrix between the stages of customers seen at both dates.

    Entry (i, j) is the share of customers in stage i at the first date who are in stage j at
    the second. A stage nobody was in at the first date gets the row "stay where you are"
    (1 on the diagonal), so the matrix is always a valid Markov transition matrix; its
    ``attrs["empty_rows"]`` lists those stages.

    Examples
    --------
    >>> before = pd.Series({"a": "development", "b": "development", "c": "maturity"})
    >>> after = pd.Series({"a": "maturity", "b": "development", "c": "maturity"})
    >>> transition_matrix(before, after).loc["development", ["development", "maturity"]].tolist()
    [0.5, 0.5]
    """
    counts = stage_migration(before, after).loc[list(OBSERVABLE_STAGES), list(OBSERVABLE_STAGES)]
    return _transition_from_counts(counts.to_numpy(dtype=float))


def _transition_from_counts(counts: np.ndarray) -> pd.DataFrame:
    """:func:`transition_matrix` from the counts of customers by (stage before, stage after)."""
    values = np.array(counts, dtype=float)
    totals = values.sum(axis=1)
    empty = totals == 0
    values[empty] = np.eye(len(OBSERVABLE_STAGES))[empty]
    values = values / values.sum(axis=1, keepdims=True)
    matrix = pd.DataFrame(values, index=pd.Index(OBSERVABLE_STAGES, name="stage_from"),
                          columns=pd.Index(OBSERVABLE_STAGES, name="stage_to"))
    matrix.attrs["empty_rows"] = [s for s, e in zip(OBSERVABLE_STAGES, empty) if e]
    return matrix


def stage_stability(log: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None, at: object,
                    months: int, rules: Mapping[str, StageRules], **engine_options: object) -> pd.DataFrame:
    """How stable each stage rule is: the share of each stage still in it ``months`` later.

    A stage means something only if customers stay in it for a while: a rule under which most
    mature customers are "growing" or "declining" a quarter later measures noise. For each named
    rule, the stages are assigned at ``at`` − ``months`` and at ``at`` and the diagonal of the
    :func:`transition_matrix` is returned, with the two moves out of maturity that the noise of
    short windows creates (``maturity_to_growth``, ``maturity_to_decline``) and the number of
    mature customers at the start (``mature_at_start``). A log in an engine (path, DuckDB, Polars,
    Spark) is staged there and only the counts of (stage before, stage after) come back.

    Examples
    --------
    >>> log = pd.DataFrame({"c": ["a"] * 6 + ["b"] * 6,
    ...                     "d": pd.date_range("2023-01-01", periods=6, freq="60D").tolist() * 2, "a": 10.0})
    >>> table = stage_stability(log, "c", "d", "a", "2023-12-31", 2, {"rule": StageRules()})
    >>> float(table.loc["rule", "maturity"]), int(table.loc["rule", "mature_at_start"])
    (1.0, 2)
    """
    at_day = _as_day(at, "at")
    if not (isinstance(months, (int, np.integer)) and months > 0):
        raise ValueError(f"months must be a whole number > 0, got {months!r}")
    start = at_day - pd.DateOffset(months=int(months))
    daily, engine = _small_table_daily(log, customer_col, date_col, amount_col, engine_options, "stage_stability")
    rows = {}
    for name, rule in rules.items():
        if isinstance(log, pd.DataFrame):
            before = classify_stages(_features_from_daily(daily, start, rule.window_days), rule)
            after = classify_stages(_features_from_daily(daily, at_day, rule.window_days), rule)
            matrix = transition_matrix(before, after)
            mature_at_start = int((before == "maturity").sum())
        else:
            counts = _engine_migration_counts(daily, engine, start, at_day, rule)
            matrix = _transition_from_counts(counts)
            mature_at_start = int(counts[OBSERVABLE_STAGES.index("maturity")].sum())
        row = {stage: float(matrix.loc[stage, stage]) if stage not in matrix.attrs.get("empty_rows", []) else np.nan
               for stage in OBSERVABLE_STAGES}
        row["maturity_to_growth"] = float(matrix.loc["maturity", "growth"])
        row["maturity_to_decline"] = float(matrix.loc["maturity", "decline"])
        row["mature_at_start"] = mature_at_start
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "rule"
    return out


def _check_matrix(matrix: pd.DataFrame | np.ndarray) -> np.ndarray:
    values = np.asarray(matrix, dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise ValueError(f"a transition matrix must be square, got shape {values.shape}")
    bad = int((~np.isfinite(values) | (values < 0)).any(axis=1).sum())
    if bad:
        raise ValueError(f"the transition matrix has {bad} row(s) with negative or missing probabilities")
    off = int((np.abs(values.sum(axis=1) - 1) > 1e-9).sum())
    if off:
        raise ValueError(f"{off} row(s) of the transition matrix do not add up to 1")
    return values


def project_stage_mix(start: pd.Series | np.ndarray, matrix: pd.DataFrame | np.ndarray, periods: int) -> pd.DataFrame:
    r"""Stage mix 0, 1, ..., ``periods`` steps ahead: :math:`m_{t+1} = m_t P`, so :math:`m_n = m_0 P^n`.

    Parameters
    ----------
    start
        Customers (or shares) per stage now, in the order of the matrix rows.
    matrix
        Row-stochastic transition matrix (:func:`transition_matrix`).
    periods
        Number of steps to project.

    Returns
    -------
    pandas.DataFrame
        Index ``period`` 0..periods; one column per stage; each row adds up to the start total.

    Examples
    --------
    >>> P = np.array([[0.9, 0.1], [0.5, 0.5]])
    >>> project_stage_mix(np.array([1.0, 0.0]), P, 2).iloc[2].round(3).tolist()
    [0.86, 0.14]
    """
    values = _check_matrix(matrix)
    mix = np.asarray(start, dtype=float)
    if mix.shape != (values.shape[0],):
        raise ValueError(f"the start mix needs {values.shape[0]} numbers, one per stage; got {mix.size}")
    if (~np.isfinite(mix) | (mix < 0)).any():
        raise ValueError("the start mix must hold numbers >= 0")
    if not (isinstance(periods, (int, np.integer)) and periods >= 0):
        raise ValueError(f"periods must be a whole number >= 0, got {periods!r}")
    rows = [mix]
    for _ in range(int(periods)):
        rows.append(rows[-1] @ values)
    columns = matrix.columns if isinstance(matrix, pd.DataFrame) else (
        start.index if isinstance(start, pd.Series) else pd.RangeIndex(values.shape[0]))
    return pd.DataFrame(np.array(rows), index=pd.RangeIndex(int(periods) + 1, name="period"), columns=columns)


def _limit_matrix(values: np.ndarray) -> np.ndarray:
    """Cesàro limit of P^n: P^N for a large N, averaged over a stretch of powers that covers any period."""
    n = values.shape[0]
    power = values.copy()
    for _ in range(40):  # P^(2^40): the aperiodic part has long converged
        power = power @ power
        power = power / power.sum(axis=1, keepdims=True)
    stretch = int(np.lcm.reduce(np.arange(1, min(n, 12) + 1)))  # a multiple of every period up to 12
    total = np.zeros_like(values)
    current = power
    for _ in range(stretch):
        total += current
        current = current @ values
    return total / stretch


def steady_state(matrix: pd.DataFrame | np.ndarray,
                 start: pd.Series | np.ndarray | None = None) -> pd.Series | np.ndarray:
    r"""Long-run stage mix :math:`\pi` with :math:`\pi P = \pi` and :math:`\sum \pi = 1`.

    Computed as the (Cesàro) limit of :math:`m_0 P^n`. When the chain has one closed class of
    stages (the usual case) the limit is the same for every start and ``start`` may be left out.
    When it has several (e.g. a stage nobody was in gets a "stay" row in
    :func:`transition_matrix` and so closes on itself) the long run depends on where customers
    start: pass ``start`` (customers or shares per stage), or a ``ValueError`` says so.

    Examples
    --------
    >>> steady_state(np.array([[0.9, 0.1], [0.5, 0.5]])).round(4).tolist()
    [0.8333, 0.1667]
    >>> steady_state(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.3, 0.2]]), start=np.array([0, 0, 1.0])).round(4).tolist()
    [0.625, 0.375, 0.0]
    """
    values = _check_matrix(matrix)
    limit = _limit_matrix(values)
    if start is None:
        if not np.allclose(limit, limit[0], atol=1e-9):
            raise ValueError("the chain has several closed groups of stages, so the long-run mix depends on the "
                             "start: pass start (customers per stage now)")
        solution = limit[0]
    else:
        mix = np.asarray(start, dtype=float)
        if mix.shape != (values.shape[0],) or (~np.isfinite(mix) | (mix < 0)).any() or mix.sum() <= 0:
            raise ValueError(f"start needs {values.shape[0]} numbers >= 0, not all 0, one per stage")
        solution = (mix / mix.sum()) @ limit
    solution = np.clip(solution, 0.0, None)
    solution = solution / solution.sum()
    if isinstance(matrix, pd.DataFrame):
        return pd.Series(solution, index=matrix.columns, name="steady_state")
    return solution


def tweak_transition(matrix: pd.DataFrame, from_stage: str, to_stage: str, probability: float) -> pd.DataFrame:
    """A copy of ``matrix`` where the move ``from_stage`` → ``to_stage`` has ``probability``.

    The other entries of that row are scaled so the row still adds up to 1, keeping their
    proportions (e.g. a win-back campaign that raises decline → maturity takes customers from
    the other destinations of decliners in proportion). If the other entries were all 0 the
    rest goes to staying in ``from_stage`` (or, when the tweak is on the diagonal, spread evenly).

    Examples
    --------
    >>> P = pd.DataFrame([[0.5, 0.5], [0.2, 0.8]], index=["a", "b"], columns=["a", "b"])
    >>> tweak_transition(P, "b", "a", 0.6).loc["b"].round(6).tolist()
    [0.6, 0.4]
    """
    values = _check_matrix(matrix)
    for name, stage in (("from_stage", from_stage), ("to_stage", to_stage)):
        if stage not in matrix.columns:
            raise KeyError(f"{name}={stage!r} is not a stage of the matrix {list(matrix.columns)}")
    if not 0 <= probability <= 1:
        raise ValueError(f"probability must be in [0, 1], got {probability!r}")
    i, j = matrix.index.get_loc(from_stage), matrix.columns.get_loc(to_stage)
    row = values[i].copy()
    others = np.ones(len(row), dtype=bool)
    others[j] = False
    rest = row[others].sum()
    if rest > 0:
        row[others] = row[others] * (1 - probability) / rest
    else:
        row[others] = 0.0
        if i != j:
            row[i] = 1 - probability
        else:
            row[others] = (1 - probability) / others.sum()
    row[j] = probability
    out = matrix.copy()
    out.iloc[i] = row
    return out


# ---------------------------------------------------------------------------
# plots


def plot_stage_counts(counts: pd.Series, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Bar chart of customers per stage (a Series indexed by :data:`OBSERVABLE_STAGES`)."""
    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    values = counts.reindex(list(OBSERVABLE_STAGES), fill_value=0).to_numpy(dtype=float)
    names = [label(f"stage_{s}", lang) for s in OBSERVABLE_STAGES]
    colors = [f"C{k}" for k in range(len(names))]
    ax.bar(names, values, color=colors)
    for x, v in enumerate(values):
        ax.text(x, v, f"{int(v):,}", ha="center", va="bottom", fontsize=8)
    ax.set_ylabel(label("customers", lang))
    ax.set_title(label("stage_counts_title", lang))
    return ax


def plot_stage_mix(projection: pd.DataFrame, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Lines of the projected share of each stage (:func:`project_stage_mix`, shares), from period 0 to the last."""
    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8))
    shares = projection.div(projection.sum(axis=1), axis=0)
    for k, stage in enumerate(shares.columns):
        name = label(f"stage_{stage}", lang) if stage in LIFECYCLE_STAGES else str(stage)
        ax.plot(shares.index, shares[stage], color=f"C{k}", marker=".", label=name)
    ax.set_ylim(0, 1)
    ax.margins(x=0)                                   # the periods projected, edge to edge (a widget may declare more)
    ax.set_xlabel(label("periods_ahead", lang))
    ax.set_ylabel(label("stage_share", lang))
    ax.set_title(label("stage_mix_title", lang))
    ax.legend(fontsize="small", loc="upper right", ncols=2)
    return ax
