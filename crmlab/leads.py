"""Customer-source tracking and the marketing → sales lead hand-over (客户来源管理与线索交接).

A *lead* (销售线索) is a contact that may become a customer: somebody who filled in a form,
visited a stand, was referred. Marketing pays to produce leads through several sources
(客户来源); sales turns some of them into customers. This module makes the hand-over between
the two departments runnable:

* :func:`simulate_leads` draws a seeded synthetic lead log with a documented generative
  process (source, cost, engagement signals, timestamps, conversion that depends on the lead's
  intent and on how fast sales followed up).
* :func:`source_report`: leads, cost, cost per lead, conversion rate and cost per customer by
  source; :func:`response_time_report`: conversion by how fast sales called back.
* :class:`LeadScorer`: lead scoring (线索评分) by logistic regression on the engagement
  signals, scikit-learn shaped; scores are percentiles 0-100 of the fitted conversion
  probability.
* :func:`handover`: the hand-over rule (交接规则): leads scoring at least a threshold go to
  sales, are assigned to reps round-robin or to the least-loaded rep, and must be called within
  an SLA (service-level agreement, hours); a lead that cannot be reached in time goes back to
  marketing for nurturing. :func:`handover_summary` counts what the rule costs and gives:
  leads passed, expected customers, conversion of passed leads, leads returned stale, workload.

Every function that reads a lead log takes its column names as parameters and checks them;
errors name the column and the number of bad rows.

Examples
--------
>>> leads = simulate_leads(400, seed=1)
>>> report = source_report(leads)
>>> int(report["leads"].sum())
400
>>> scorer = LeadScorer().fit(leads)
>>> plan = handover(leads.assign(score=scorer.score(leads)), threshold=60, sla_hours=24, n_reps=2)
>>> bool(plan["passed"].sum() <= 400)
True
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._table_checks import numeric_column, require_columns, require_complete, require_table
from .estimators import Estimator
from .lang import Vocabulary, check_lang, label, register, with_display
from .lang import localize  # noqa: F401  (the doctests show the keyed tables with it)
from .logistic import fit_logistic
from .validation import ValidationError, date_column

__all__ = [
    "SOURCES",
    "SIGNAL_COLUMNS",
    "ASSIGNMENT_RULES",
    "LeadSource",
    "simulate_leads",
    "validate_leads",
    "source_report",
    "response_time_report",
    "LeadScorer",
    "working_hours",
    "handover",
    "handover_summary",
    "rep_workload",
    "plot_handover",
    "term",
    "localize_lead_log",
    "describe_cheapest_sources",
]

ASSIGNMENT_RULES: tuple[str, ...] = ("round_robin", "least_loaded")
SIGNAL_COLUMNS: tuple[str, ...] = ("pages_viewed", "email_opens", "demo_request", "title_fit")

_VOCABULARY = {
        "lead_source": {"en": "Lead source", "zh": "线索来源"},
        "leads": {"en": "Leads", "zh": "线索数"},
        "lead_cost": {"en": "Cost", "zh": "成本"},
        "cost_per_lead": {"en": "Cost per lead", "zh": "单条线索成本"},
        "lead_conversions": {"en": "Customers won", "zh": "成交客户数"},
        "lead_conversion_rate": {"en": "Conversion rate", "zh": "转化率"},
        "cost_per_customer": {"en": "Cost per customer", "zh": "单个客户获取成本"},
        "lead_share": {"en": "Share of leads", "zh": "线索占比"},
        "response_band": {"en": "First call after", "zh": "首次跟进时间"},
        "lead_score": {"en": "Lead score (0-100)", "zh": "线索评分（0–100）"},
        "lead_signal": {"en": "Signal", "zh": "行为信号"},
        "lead_coefficient": {"en": "Coefficient (log-odds)", "zh": "系数（对数几率）"},
        "lead_odds_ratio": {"en": "Odds ratio", "zh": "优势比"},
        "pages_viewed": {"en": "Pages viewed", "zh": "浏览页面数"},
        "email_opens": {"en": "E-mails opened", "zh": "邮件打开次数"},
        "demo_request": {"en": "Asked for a demo", "zh": "申请产品演示"},
        "title_fit": {"en": "Job title fits the buyer profile", "zh": "职位符合目标买家"},
        "intercept": {"en": "Intercept", "zh": "截距"},
        "src_search_ads": {"en": "Search ads", "zh": "搜索广告"},
        "src_social_ads": {"en": "Social media ads", "zh": "社交媒体广告"},
        "src_trade_show": {"en": "Trade show", "zh": "展会"},
        "src_webinar": {"en": "Webinar", "zh": "线上研讨会"},
        "src_referral": {"en": "Customer referral", "zh": "客户推荐"},
        "src_purchased_list": {"en": "Purchased list", "zh": "购买名单"},
        "handover_threshold": {"en": "Hand-over threshold (score)", "zh": "交接门槛（评分）"},
        "sla_hours": {"en": "SLA (hours)", "zh": "跟进时限（小时）"},
        "n_reps": {"en": "Sales reps", "zh": "销售人员数"},
        "leads_passed": {"en": "Leads passed to sales", "zh": "移交销售的线索"},
        "leads_called": {"en": "Leads called in time", "zh": "按时跟进的线索"},
        "leads_returned_stale": {"en": "Returned to marketing (SLA missed)", "zh": "超时退回市场部"},
        "expected_customers": {"en": "Expected customers", "zh": "预期成交客户"},
        "conversion_of_passed": {"en": "Conversion of passed leads", "zh": "移交线索转化率"},
        "mean_wait_hours": {"en": "Mean wait until first call (hours)", "zh": "平均首次跟进等待（小时）"},
        "rep": {"en": "Sales rep", "zh": "销售人员"},
        "rep_calls": {"en": "Leads called", "zh": "跟进线索数"},
        "rep_busy_share": {"en": "Share of working time busy", "zh": "工作时间占用率"},
        "handover_value": {"en": "Value", "zh": "数值"},
        "handover_measure": {"en": "Measure", "zh": "指标"},
        "band_under_1h": {"en": "under 1 hour", "zh": "1 小时内"},
        "band_1_4h": {"en": "1-4 hours", "zh": "1–4 小时"},
        "band_4_24h": {"en": "4-24 hours", "zh": "4–24 小时"},
        "band_24_72h": {"en": "1-3 days", "zh": "1–3 天"},
        "band_over_72h": {"en": "over 3 days", "zh": "3 天以上"},
        "band_never": {"en": "never called", "zh": "从未跟进"},
        "lead_id": {"en": "Lead", "zh": "线索编号"},
        "created_at": {"en": "Came in at", "zh": "线索到达时间"},
        "first_call_at": {"en": "First call at", "zh": "首次致电时间"},
        "converted": {"en": "Became a customer", "zh": "是否成交"},
}
_WORDS = Vocabulary("lds_", _VOCABULARY, name="lead")
_localized = _WORDS.localize


def term(key: str, lang: str = "en") -> str:
    """The text of one of this module's terms (column names, sources, measures) in ``lang``.

    Examples
    --------
    >>> term("cost_per_customer", "zh")
    '单个客户获取成本'
    """
    return _WORDS.term(key, lang)


# sentences the lecture prints, one template per language (the English one is the lecture's original text)
register({
    "leads_log_sentence": {
        "en": "{leads:,} leads over {days} days from {sources} sources; {won:,} became customers ({rate:.1%})",
        "zh": "{days} 天内共有来自 {sources} 个来源的 {leads:,} 条线索；其中 {won:,} 条成为客户（{rate:.1%}）"},
    "leads_cheapest_sentence": {
        "en": "cheapest leads: {lead_source}; cheapest customers: {customer_source}",
        "zh": "单条线索成本最低的来源：{lead_source}；单个客户获取成本最低的来源：{customer_source}"},
    "leads_no_first_call": {
        "en": "no first-call column: set `first_call_col` to see conversion by response time",
        "zh": "没有首次致电时间列：设置参数 `first_call_col` 即可查看按跟进速度划分的转化率"},
    "leads_score_sentence": {
        "en": "log-likelihood {log_likelihood:.2f}; mean score of won leads {won:.1f}, of the others {lost:.1f}",
        "zh": "对数似然值 {log_likelihood:.2f}；成交线索的平均评分为 {won:.1f}，其余线索为 {lost:.1f}"},
    "leads_handover_sentence": {
        "en": "{passed:,} leads passed, {called:,} called in time, {stale:,} returned stale; expected customers "
              "{expected:.1f} ({rate:.1%} of passed leads)",
        "zh": "移交销售 {passed:,} 条线索，按时跟进 {called:,} 条，超时退回市场部 {stale:,} 条；预期成交客户 "
              "{expected:.1f} 位（占移交线索的 {rate:.1%}）"},
    "leads_best_threshold_sentence": {
        "en": "with {reps} rep(s) and an SLA of {sla:g} h, a threshold of {best} wins the most customers",
        "zh": "在 {reps} 名销售人员、跟进时限 {sla:g} 小时的条件下，交接门槛取 {best} 时成交客户最多"},
})

# the lecture's widget labels (the English text is the lecture's original description)
register({
    "leads_widget_threshold": {"en": "threshold", "zh": "交接门槛"},
    "leads_widget_sla": {"en": "SLA hours", "zh": "跟进时限"},
    "leads_widget_reps": {"en": "reps", "zh": "销售人员"},
})


def localize_lead_log(
    leads: pd.DataFrame,
    lang: str = "en",
    *,
    lead_col: str | None = "lead_id",
    source_col: str | None = "source",
    created_col: str | None = "created_at",
    cost_col: str | None = "cost",
    converted_col: str | None = "converted",
    first_call_col: str | None = None,
) -> pd.DataFrame:
    """A lead log as the reader sees it: with ``lang="en"`` unchanged (the columns of the file); in
    another language the named columns get headers by their role, the synthetic sources and the
    standard signals their names in that language. Other columns stay as they are.

    Examples
    --------
    >>> log = pd.DataFrame({"id": ["L1"], "source": ["referral"], "pages_viewed": [3.0], "own": [1]})
    >>> localize_lead_log(log, "zh", lead_col="id", created_col=None, cost_col=None, converted_col=None).iloc[0].to_dict()
    {'线索编号': 'L1', '线索来源': '客户推荐', '浏览页面数': 3.0, 'own': 1}
    >>> localize_lead_log(log, "en").columns.tolist()
    ['id', 'source', 'pages_viewed', 'own']
    """
    if check_lang(lang) == "en":
        return leads.copy()
    roles = {lead_col: "lead_id", source_col: "lead_source", created_col: "created_at", cost_col: "lead_cost",
             converted_col: "converted", first_call_col: "first_call_at"}
    out = leads.copy()
    if source_col is not None and source_col in out.columns:
        out[source_col] = [term(f"src_{v}", lang) if f"src_{v}" in _VOCABULARY else v for v in out[source_col]]
    names = {c: term(roles[c], lang) for c in out.columns if c in roles and c is not None}
    names.update({c: term(c, lang) for c in out.columns if c not in names and c in SIGNAL_COLUMNS})
    return out.rename(columns=names)


def describe_cheapest_sources(report: pd.DataFrame, lang: str = "en") -> str:
    """The sentence naming the source of the cheapest leads and that of the cheapest customers.

    ``report`` is a :func:`source_report` with keys (``lang=None``); the English sentence names the
    sources as they are in the log, another language the synthetic sources by their names.

    Examples
    --------
    >>> log = pd.DataFrame({"source": ["referral", "purchased_list", "purchased_list"], "cost": [30.0, 8.0, 8.0],
    ...                     "converted": [1, 0, 0]})
    >>> describe_cheapest_sources(source_report(log))
    'cheapest leads: purchased_list; cheapest customers: referral'
    >>> describe_cheapest_sources(source_report(log), "zh")
    '单条线索成本最低的来源：购买名单；单个客户获取成本最低的来源：客户推荐'
    """
    check_lang(lang)

    def name(source: str) -> str:
        return term(f"src_{source}", lang) if lang != "en" and f"src_{source}" in _VOCABULARY else str(source)

    return label("leads_cheapest_sentence", lang).format(
        lead_source=name(report.loc[report["cost_per_lead"].idxmin(), "lead_source"]),
        customer_source=name(report["lead_source"].iloc[0]))


@dataclass(frozen=True)
class LeadSource:
    """One lead source of the synthetic generator.

    Attributes
    ----------
    key
        Name (vocabulary key ``src_<key>``).
    share
        Share of all leads that come from this source.
    mean_cost
        Mean cost of one lead (CNY); costs are Gamma distributed with shape 4 around it.
    intent_shift
        Shift of the source's mean purchase intent (standard normal scale).
    """

    key: str
    share: float
    mean_cost: float
    intent_shift: float


#: The six sources of :func:`simulate_leads`: paid search, social ads, trade shows, webinars,
#: referrals by customers and a purchased contact list. Costs and intent shifts are teaching
#: values chosen so that the cheapest leads are not the cheapest customers.
SOURCES: tuple[LeadSource, ...] = (
    LeadSource("search_ads", 0.30, 60.0, 0.2),
    LeadSource("social_ads", 0.25, 25.0, -0.4),
    LeadSource("trade_show", 0.10, 250.0, 0.5),
    LeadSource("webinar", 0.15, 40.0, 0.3),
    LeadSource("referral", 0.05, 30.0, 1.0),
    LeadSource("purchased_list", 0.15, 8.0, -1.0),
)

_PAGES = (0.8, 0.45)        # pages_viewed ~ Poisson(exp(a + b * intent))
_OPENS = (0.2, 0.35)        # email_opens  ~ Poisson(exp(a + b * intent))
_DEMO = (-2.2, 1.3)         # demo_request ~ Bernoulli(logistic(a + b * intent))
_TITLE_FIT = 0.45           # title_fit    ~ Bernoulli(0.45), independent of intent
_CONVERT = (-2.6, 1.1, 0.9)  # p0 = logistic(a + b * intent + c * title_fit)
HALF_LIFE_HOURS = 24.0      # the chance of winning a lead halves for every day of waiting


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def simulate_leads(
    n_leads: int = 3000,
    seed: int = 0,
    *,
    start: str | pd.Timestamp = "2025-03-03",
    days: int = 91,
    sources: Sequence[LeadSource] = SOURCES,
    half_life_hours: float = HALF_LIFE_HOURS,
    median_response_hours: float = 10.0,
    never_called_share: float = 0.15,
) -> pd.DataFrame:
    r"""A seeded synthetic lead log with a documented generative process.

    Parameters
    ----------
    n_leads
        Number of leads (at least 1).
    seed
        Seed of ``numpy.random.default_rng``; the same seed gives the same table.
    start, days
        Leads are created over ``days`` days from ``start``.
    sources
        The lead sources (see :data:`SOURCES`); shares are normalised to sum to 1.
    half_life_hours
        How fast a lead goes cold: the chance of winning it halves every ``half_life_hours`` of
        waiting for the first call.
    median_response_hours, never_called_share
        The historical follow-up practice recorded in the log: a share ``never_called_share`` of
        leads was never called, the others after a log-normal delay with this median (log-sd 1.2).

    Returns
    -------
    pandas.DataFrame
        One row per lead, in creation order: ``lead_id``, ``source`` (key of a
        :class:`LeadSource`), ``created_at``, ``cost`` (CNY), the signals ``pages_viewed``,
        ``email_opens`` (counts), ``demo_request``, ``title_fit`` (0/1), ``first_call_at``
        (NaT when never called), ``converted`` (0/1), and the truth ``true_intent`` and
        ``true_conversion_prob`` (the chance when called at once).

    Notes
    -----
    For lead :math:`i` from source :math:`s` (drawn with the source shares):

    * cost :math:`c_i \sim \text{Gamma}(4, \text{mean\_cost}_s / 4)`;
    * intent :math:`z_i \sim N(\text{intent\_shift}_s, 1)`, not observed;
    * signals: pages :math:`\sim \text{Poisson}(e^{0.8 + 0.45 z_i})`, e-mail opens
      :math:`\sim \text{Poisson}(e^{0.2 + 0.35 z_i})`, demo request
      :math:`\sim \text{Bernoulli}(\sigma(-2.2 + 1.3 z_i))`, title fit :math:`\sim \text{Bernoulli}(0.45)`;
    * creation time: a uniform day of the window, hour of day :math:`\sim N(13, 3.5)` clipped to
      [0, 24) (most leads arrive during office hours);
    * chance of winning the lead when called at once :math:`p_i = \sigma(-2.6 + 1.1 z_i + 0.9\,
      \text{title\_fit}_i)`; called after :math:`w_i` hours it is :math:`p_i\, 2^{-w_i / h}` with
      :math:`h` = ``half_life_hours``; a lead never called converts with probability 0;
    * ``converted`` :math:`\sim \text{Bernoulli}` of that chance.

    Examples
    --------
    >>> leads = simulate_leads(5, seed=3)
    >>> leads.columns[:4].tolist()
    ['lead_id', 'source', 'created_at', 'cost']
    >>> simulate_leads(5, seed=3).equals(leads)
    True
    """
    if isinstance(n_leads, bool) or not isinstance(n_leads, int | np.integer) or n_leads < 1:
        raise ValueError(f"n_leads must be a whole number of at least 1, got {n_leads!r}")
    if not sources:
        raise ValueError("sources must list at least one lead source")
    shares = np.array([s.share for s in sources], dtype=float)
    if (shares <= 0).any():
        raise ValueError("every source share must be positive")
    if half_life_hours <= 0 or median_response_hours <= 0 or not 0 <= never_called_share < 1:
        raise ValueError("half_life_hours and median_response_hours must be positive, never_called_share in [0, 1)")
    rng = np.random.default_rng(seed)
    shares = shares / shares.sum()
    which = rng.choice(len(sources), size=n_leads, p=shares)
    mean_cost = np.array([s.mean_cost for s in sources])[which]
    cost = rng.gamma(4.0, mean_cost / 4.0)
    intent = rng.normal(np.array([s.intent_shift for s in sources])[which], 1.0)
    pages = rng.poisson(np.exp(_PAGES[0] + _PAGES[1] * intent))
    opens = rng.poisson(np.exp(_OPENS[0] + _OPENS[1] * intent))
    demo = (rng.random(n_leads) < _logistic(_DEMO[0] + _DEMO[1] * intent)).astype(int)
    title = (rng.random(n_leads) < _TITLE_FIT).astype(int)
    day = rng.integers(0, days, n_leads)
    hour = np.clip(rng.normal(13.0, 3.5, n_leads), 0.0, 23.99)
    created = pd.Timestamp(start) + pd.to_timedelta(day * 24.0 + hour, unit="h").round("min")
    p0 = _logistic(_CONVERT[0] + _CONVERT[1] * intent + _CONVERT[2] * title)
    called = rng.random(n_leads) >= never_called_share
    wait = np.exp(np.log(median_response_hours) + 1.2 * rng.normal(size=n_leads))
    chance = np.where(called, p0 * 0.5 ** (wait / half_life_hours), 0.0)
    converted = (rng.random(n_leads) < chance).astype(int)
    first_call = pd.Series(created + pd.to_timedelta(wait, unit="h").round("min")).where(called)
    frame = pd.DataFrame({
        "lead_id": [f"L{i:06d}" for i in range(1, n_leads + 1)],
        "source": np.array([s.key for s in sources])[which],
        "created_at": created,
        "cost": cost.round(2),
        "pages_viewed": pages,
        "email_opens": opens,
        "demo_request": demo,
        "title_fit": title,
        "first_call_at": first_call.to_numpy(),
        "converted": converted,
        "true_intent": intent,
        "true_conversion_prob": p0,
    })
    order = np.argsort(frame["created_at"].to_numpy(), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    frame["lead_id"] = [f"L{i:06d}" for i in range(1, n_leads + 1)]
    return frame


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


def _binary(table: pd.DataFrame, column: str) -> np.ndarray:
    """A 0/1 (or True/False) column as an int array; other values are counted and refused."""
    values = table[column]
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=int)
    numbers = numeric_column(table, column)
    bad = int((~np.isin(numbers, (0.0, 1.0))).sum())
    if bad:
        raise ValidationError(f"column {column!r} must hold 0/1 or True/False; {bad} row(s) hold other values",
                              column=column, rows=bad, total=len(values))
    return numbers.astype(int)


def _dates(table: pd.DataFrame, column: str, *, allow_missing: bool = False) -> pd.Series:
    return date_column(table, column, allow_missing=allow_missing)


def validate_leads(
    leads: pd.DataFrame,
    *,
    lead_col: str | None = "lead_id",
    source_col: str | None = "source",
    created_col: str | None = "created_at",
    cost_col: str | None = "cost",
    converted_col: str | None = "converted",
    first_call_col: str | None = None,
    signal_cols: Sequence[str] = (),
) -> pd.DataFrame:
    """Check a lead log and return a normalised copy of the named columns.

    Checks, each raising an error that names the column and the number of bad rows: the table
    is a non-empty DataFrame with every named column; lead ids and sources are present and lead
    ids are unique; ``created_col`` parses as dates; ``cost_col`` and the signals are finite
    numbers, the cost not negative; ``converted_col`` holds 0/1 or True/False;
    ``first_call_col`` parses as dates (missing = never called) and is not before creation.
    Pass ``None`` for a column the caller does not need.

    Returns
    -------
    pandas.DataFrame
        The named columns, dates as ``datetime64``, cost and signals as float, converted as int.

    Examples
    --------
    >>> bad = pd.DataFrame({"lead_id": ["a", "b"], "source": ["x", "y"], "created_at": ["2025-01-01", "?"],
    ...                     "cost": [1.0, 2.0], "converted": [0, 1]})
    >>> validate_leads(bad)
    Traceback (most recent call last):
    ...
    crmlab.validation.ValidationError: column 'created_at' has 1 row(s) that are not dates
    """
    require_table(leads, "lead log")
    named = [c for c in (lead_col, source_col, created_col, cost_col, converted_col, first_call_col) if c is not None]
    require_columns(leads, named + list(signal_cols), "lead log")
    out = pd.DataFrame(index=leads.index)
    if lead_col is not None:
        require_complete(leads, [lead_col], "lead log")
        duplicated = int(leads[lead_col].duplicated().sum())
        if duplicated:
            raise ValidationError(f"column {lead_col!r} has {duplicated} duplicated lead id(s); one row per lead",
                                  column=lead_col, rows=duplicated, total=len(leads))
        out[lead_col] = leads[lead_col]
    if source_col is not None:
        require_complete(leads, [source_col], "lead log")
        out[source_col] = leads[source_col].astype(str)
    if created_col is not None:
        out[created_col] = _dates(leads, created_col)
    if cost_col is not None:
        out[cost_col] = numeric_column(leads, cost_col, non_negative=True)
    for column in signal_cols:
        out[column] = numeric_column(leads, column)
    if converted_col is not None:
        out[converted_col] = _binary(leads, converted_col)
    if first_call_col is not None:
        calls = _dates(leads, first_call_col, allow_missing=True)
        if created_col is not None:
            early = int((calls < out[created_col]).sum())
            if early:
                raise ValidationError(f"column {first_call_col!r} has {early} row(s) before the lead was created",
                                      column=first_call_col, rows=early, total=len(leads))
        out[first_call_col] = calls
    return out


# ---------------------------------------------------------------------------------------------
# source tracking
# ---------------------------------------------------------------------------------------------


def source_report(
    leads: pd.DataFrame,
    source_col: str = "source",
    cost_col: str = "cost",
    converted_col: str = "converted",
) -> pd.DataFrame:
    """Leads, cost, cost per lead, customers won, conversion and cost per customer by source.

    ``cost_per_customer`` is the source's total cost over its customers won; a source that won
    nobody gets ``inf`` (money spent, no customer). Rows are sorted by cost per customer, the
    number to judge a source by; the cheapest leads are often not the cheapest customers.

    Parameters
    ----------
    leads
        The lead log, one row per lead.
    source_col, cost_col, converted_col
        Column names.

    Returns
    -------
    pandas.DataFrame
        Keys (show it with :func:`crmlab.lang.localize`, which names the synthetic sources too):
        ``lead_source``, ``leads``, ``lead_cost``, ``lead_conversions``, ``lead_share``,
        ``cost_per_lead``, ``lead_conversion_rate``, ``cost_per_customer``.

    Examples
    --------
    >>> log = pd.DataFrame({"source": ["a", "a", "b", "b", "b"], "cost": [10.0, 30.0, 5.0, 5.0, 5.0],
    ...                     "converted": [1, 0, 0, 0, 1]})
    >>> source_report(log)[["cost_per_lead", "lead_conversion_rate", "cost_per_customer"]].round(3).values.tolist()
    [[5.0, 0.333, 15.0], [20.0, 0.5, 40.0]]
    >>> localize(source_report(log), "zh").columns[:2].tolist()
    ['线索来源', '线索数']
    """
    table = validate_leads(leads, lead_col=None, source_col=source_col, created_col=None, cost_col=cost_col,
                           converted_col=converted_col)
    grouped = table.groupby(source_col, sort=True)
    out = pd.DataFrame({
        "leads": grouped.size(),
        "lead_cost": grouped[cost_col].sum(),
        "lead_conversions": grouped[converted_col].sum(),
    })
    out["lead_share"] = out["leads"] / out["leads"].sum()
    out["cost_per_lead"] = out["lead_cost"] / out["leads"]
    out["lead_conversion_rate"] = out["lead_conversions"] / out["leads"]
    with np.errstate(divide="ignore"):
        out["cost_per_customer"] = np.where(out["lead_conversions"] > 0,
                                            out["lead_cost"] / out["lead_conversions"].clip(lower=1), np.inf)
    out = out.sort_values(["cost_per_customer", "cost_per_lead"], kind="stable")
    out.index.name = "lead_source"
    return with_display(out.reset_index(), prefixes=("lds_src_", "lds_"), value_columns=["lead_source"])


RESPONSE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("band_under_1h", 0.0, 1.0),
    ("band_1_4h", 1.0, 4.0),
    ("band_4_24h", 4.0, 24.0),
    ("band_24_72h", 24.0, 72.0),
    ("band_over_72h", 72.0, np.inf),
)


def response_time_report(
    leads: pd.DataFrame,
    created_col: str = "created_at",
    first_call_col: str = "first_call_at",
    converted_col: str = "converted",
) -> pd.DataFrame:
    """Conversion rate by how long a lead waited for its first call (speed to lead).

    Bands: under 1 hour, 1-4 hours, 4-24 hours, 1-3 days, over 3 days (lower bound included),
    and never called (first call missing). Empty bands are kept with 0 leads and conversion 0.
    Columns ``response_band`` (band keys), ``leads``, ``lead_conversions``, ``lead_conversion_rate``;
    show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> log = pd.DataFrame({"created_at": pd.to_datetime(["2025-01-01 09:00"] * 3),
    ...                     "first_call_at": pd.to_datetime(["2025-01-01 09:30", "2025-01-03 09:00", None]),
    ...                     "converted": [1, 0, 0]})
    >>> response_time_report(log)["leads"].tolist()
    [1, 0, 0, 1, 0, 1]
    """
    table = validate_leads(leads, lead_col=None, source_col=None, created_col=created_col, cost_col=None,
                           converted_col=converted_col, first_call_col=first_call_col)
    wait = (table[first_call_col] - table[created_col]).dt.total_seconds().to_numpy() / 3600.0
    rows = []
    for key, low, high in RESPONSE_BANDS:
        inside = (wait >= low) & (wait < high)
        rows.append((key, int(inside.sum()), int(table[converted_col].to_numpy()[inside].sum())))
    never = np.isnan(wait)
    rows.append(("band_never", int(never.sum()), int(table[converted_col].to_numpy()[never].sum())))
    out = pd.DataFrame(rows, columns=["response_band", "leads", "lead_conversions"])
    out["lead_conversion_rate"] = np.where(out["leads"] > 0, out["lead_conversions"] / out["leads"].clip(lower=1), 0.0)
    return with_display(out, prefixes=("lds_",), value_columns=["response_band"])


# ---------------------------------------------------------------------------------------------
# lead scoring
# ---------------------------------------------------------------------------------------------


class LeadScorer(Estimator):
    """Lead scoring by logistic regression on engagement signals (线索评分).

    The model is :math:`P(\\text{converted}) = \\sigma(\\beta_0 + \\beta^\\top x)` fitted by
    maximum likelihood (:func:`crmlab.logistic.fit_logistic`). The score of a lead is the percentile (0-100) of
    its fitted probability among the leads the model was fitted on, so ``threshold=70`` passes
    roughly the best 30 % of leads of a similar mix.

    Parameters
    ----------
    signal_cols
        The signal columns (numbers or 0/1).
    converted_col
        The 0/1 outcome column.

    Attributes
    ----------
    params_ : pandas.Series
        Intercept and one coefficient (log-odds) per signal.
    log_likelihood_ : float
        Full log-likelihood at the estimate.
    reference_ : numpy.ndarray
        The sorted fitted probabilities of the training leads (the percentile scale).

    Examples
    --------
    >>> leads = simulate_leads(2000, seed=2)
    >>> scorer = LeadScorer().fit(leads)
    >>> bool(scorer.params_["demo_request"] > 0)
    True
    >>> bool(0 <= scorer.score(leads).min() and scorer.score(leads).max() <= 100)
    True
    """

    def __init__(self, signal_cols: Sequence[str] = SIGNAL_COLUMNS, converted_col: str = "converted") -> None:
        self.signal_cols = signal_cols
        self.converted_col = converted_col

    def _design(self, leads: pd.DataFrame) -> np.ndarray:
        table = validate_leads(leads, lead_col=None, source_col=None, created_col=None, cost_col=None,
                               converted_col=None, signal_cols=list(self.signal_cols))
        return np.column_stack([np.ones(len(table))] + [table[c].to_numpy() for c in self.signal_cols])

    def fit(self, leads: pd.DataFrame) -> "LeadScorer":
        """Fit the logistic regression on ``leads``; returns ``self``."""
        if isinstance(self.signal_cols, str) or not list(self.signal_cols):
            raise ValueError("signal_cols must name at least one signal column")
        x = self._design(leads)
        y = validate_leads(leads, lead_col=None, source_col=None, created_col=None, cost_col=None,
                           converted_col=self.converted_col)[self.converted_col].to_numpy()
        if y.min() == y.max():
            raise ValueError(f"column {self.converted_col!r} has only one outcome ({y[0]}); scoring needs both 0 and 1")
        fitted = fit_logistic(x[:, 1:], y, max_iter=200)
        self.params_ = pd.Series(fitted.params, index=["intercept"] + list(self.signal_cols))
        self.log_likelihood_ = fitted.log_likelihood
        self.reference_ = np.sort(_logistic(x @ fitted.params))
        return self

    def predict_proba(self, leads: pd.DataFrame) -> pd.Series:
        """Fitted conversion probability of each lead (as if called at the usual speed)."""
        self._check_fitted()
        return pd.Series(_logistic(self._design(leads) @ self.params_.to_numpy()), index=leads.index,
                         name="conversion_prob")

    def score(self, leads: pd.DataFrame) -> pd.Series:
        """Score 0-100: share (in %) of the training leads with a lower fitted probability."""
        prob = self.predict_proba(leads).to_numpy()
        rank = np.searchsorted(self.reference_, prob, side="left")
        return pd.Series(100.0 * rank / len(self.reference_), index=leads.index, name="lead_score")

    def coefficients(self) -> pd.DataFrame:
        """Coefficient and odds ratio of each signal (the intercept first).

        Columns ``lead_signal`` (``intercept`` and the signal columns), ``lead_coefficient``,
        ``lead_odds_ratio``; show it with :func:`crmlab.lang.localize`.
        """
        self._check_fitted()
        out = pd.DataFrame({"lead_signal": self.params_.index, "lead_coefficient": self.params_.to_numpy(),
                            "lead_odds_ratio": np.exp(self.params_.to_numpy())})
        return with_display(out, prefixes=("lds_",), value_columns=["lead_signal"])


# ---------------------------------------------------------------------------------------------
# hand-over rule
# ---------------------------------------------------------------------------------------------


def working_hours(times: pd.Series, day_start: float = 9.0, day_hours: float = 8.0,
                  origin: pd.Timestamp | None = None) -> np.ndarray:
    """Map clock times to a working-time clock (hours of working time since ``origin``).

    ``origin`` is a midnight; ``None`` takes the midnight before the earliest time.

    Reps work ``day_hours`` hours a day from ``day_start`` o'clock, every day. A time before the
    working day counts as its start, a time after it as its end (= the next day's start).

    Examples
    --------
    >>> t = pd.Series(pd.to_datetime(["2025-01-01 08:00", "2025-01-01 12:30", "2025-01-01 20:00",
    ...                                "2025-01-02 10:00"]))
    >>> working_hours(t).tolist()
    [0.0, 3.5, 8.0, 9.0]
    """
    stamps = pd.to_datetime(pd.Series(times))
    origin = stamps.min().normalize() if origin is None else pd.Timestamp(origin)
    hours = (stamps - origin).dt.total_seconds().to_numpy() / 3600.0
    day = np.floor(hours / 24.0)
    within = np.clip(hours - day * 24.0 - day_start, 0.0, day_hours)
    return day * day_hours + within


def handover(
    leads: pd.DataFrame,
    threshold: float,
    sla_hours: float,
    n_reps: int,
    *,
    score_col: str = "score",
    created_col: str = "created_at",
    prob_col: str | None = None,
    assignment: str = "round_robin",
    hours_per_lead: float = 1.0,
    half_life_hours: float = HALF_LIFE_HOURS,
    day_start: float = 9.0,
    day_hours: float = 8.0,
) -> pd.DataFrame:
    """Apply a marketing → sales hand-over rule to a lead log, lead by lead in creation order.

    The rule:

    1. a lead whose score is at least ``threshold`` is passed to sales (the others stay with
       marketing for nurturing);
    2. it is assigned to one of ``n_reps`` reps: ``"round_robin"`` (in turn, in creation order)
       or ``"least_loaded"`` (to the rep who is free first; ties to the lowest rep number);
    3. each rep calls their leads in the order they arrived, one call taking ``hours_per_lead``
       hours of working time; reps work ``day_hours`` hours a day from ``day_start`` o'clock;
    4. a lead that would wait longer than ``sla_hours`` (clock hours from its creation) is not
       called but returned to marketing as stale (the SLA is the time sales has to react), and
       costs the rep no time.

    The chance that a called lead becomes a customer is its probability ``prob_col`` (``None``:
    probability 1, so the column holds the decay factor alone) times ``0.5 ** (wait / half_life_hours)``:
    leads go cold. Expected customers are the sum of these chances (no random draw, so every
    comparison between rules is exact).

    Returns
    -------
    pandas.DataFrame
        Same index as ``leads``: ``passed``, ``rep`` (1..n_reps, 0 when not passed), ``called``,
        ``returned_stale``, ``wait_hours`` (clock hours until the call; the wait until the SLA
        ran out for stale leads; 0 when not passed), ``expected_conversion``.

    Examples
    --------
    >>> log = pd.DataFrame({"created_at": pd.to_datetime(["2025-01-01 10:00"] * 3),
    ...                     "score": [90, 80, 10]})
    >>> out = handover(log, threshold=50, sla_hours=24, n_reps=1)
    >>> out[["passed", "called", "wait_hours"]].values.tolist()
    [[True, True, 0.0], [True, True, 1.0], [False, False, 0.0]]
    """
    if assignment not in ASSIGNMENT_RULES:
        raise ValueError(f"assignment={assignment!r}: use one of {ASSIGNMENT_RULES}")
    if isinstance(n_reps, bool) or not isinstance(n_reps, int | np.integer) or n_reps < 1:
        raise ValueError(f"n_reps must be a whole number of at least 1, got {n_reps!r}")
    for name, value in (("sla_hours", sla_hours), ("hours_per_lead", hours_per_lead),
                        ("half_life_hours", half_life_hours), ("day_hours", day_hours)):
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    if day_start < 0 or day_start + day_hours > 24:
        raise ValueError("the working day must lie within 0-24 o'clock")
    require_table(leads, "lead log")
    require_columns(leads, [score_col, created_col] + ([prob_col] if prob_col else []), "lead log")
    score = numeric_column(leads, score_col)
    created = _dates(leads, created_col)
    prob = np.ones(len(leads)) if prob_col is None else numeric_column(leads, prob_col)
    outside = int(((prob < 0) | (prob > 1)).sum())
    if outside:
        raise ValidationError(f"column {prob_col!r} has {outside} value(s) outside 0-1",
                              column=prob_col, rows=outside, total=len(leads))

    n = len(leads)
    origin = created.min().normalize()
    clock = (created - origin).dt.total_seconds().to_numpy() / 3600.0
    work = working_hours(created, day_start, day_hours, origin=origin)
    order = np.argsort(clock, kind="stable")
    passed = score >= threshold
    rep = np.zeros(n, dtype=int)
    called = np.zeros(n, dtype=bool)
    stale = np.zeros(n, dtype=bool)
    wait = np.zeros(n)
    free = np.zeros(n_reps)
    turn = 0
    for i in order[passed[order]]:
        if assignment == "round_robin":
            r = turn % n_reps
            turn += 1
        else:
            r = int(np.argmin(free))
        start = max(work[i], free[r])
        day = math.floor(start / day_hours + 1e-12)
        waited = day * 24.0 + day_start + (start - day * day_hours) - clock[i]
        rep[i] = r + 1
        if waited > sla_hours:
            stale[i] = True
            wait[i] = sla_hours
        else:
            called[i] = True
            wait[i] = max(waited, 0.0)
            free[r] = start + hours_per_lead
    expected = np.where(called, prob * 0.5 ** (wait / half_life_hours), 0.0)
    return pd.DataFrame({"passed": passed, "rep": rep, "called": called, "returned_stale": stale,
                         "wait_hours": wait, "expected_conversion": expected}, index=leads.index)


def handover_summary(plan: pd.DataFrame) -> pd.Series:
    """Headline numbers of a hand-over plan made by :func:`handover`.

    Returns leads passed, leads called in time, leads returned stale, expected customers,
    conversion of passed leads (expected customers / leads passed, 0 when none passed) and the
    mean wait of the called leads (0 when none called).

    A Series (index ``handover_measure``, name ``handover_value``) of keys; a lecture shows it with
    ``crmlab.lang.localize(numbers, lang).reset_index()``, a two-column table (measure, value).

    Examples
    --------
    >>> plan = pd.DataFrame({"passed": [True, True, False], "called": [True, False, False],
    ...                      "returned_stale": [False, True, False], "wait_hours": [2.0, 24.0, 0.0],
    ...                      "expected_conversion": [0.3, 0.0, 0.0], "rep": [1, 1, 0]})
    >>> handover_summary(plan).round(3).to_dict()["conversion_of_passed"]
    0.15
    >>> localize(handover_summary(plan), "zh").reset_index().columns.tolist()
    ['指标', '数值']
    """
    require_table(plan, "hand-over plan")
    require_columns(plan, ["passed", "called", "returned_stale", "wait_hours", "expected_conversion"], "hand-over plan")
    passed = int(plan["passed"].sum())
    called = int(plan["called"].sum())
    expected = float(plan["expected_conversion"].sum())
    numbers = pd.Series({
        "leads_passed": passed,
        "leads_called": called,
        "leads_returned_stale": int(plan["returned_stale"].sum()),
        "expected_customers": expected,
        "conversion_of_passed": expected / passed if passed else 0.0,
        "mean_wait_hours": float(plan.loc[plan["called"], "wait_hours"].mean()) if called else 0.0,
    }, dtype=float, name="handover_value")
    numbers.index.name = "handover_measure"
    return with_display(numbers, prefixes=("lds_",), index=True)


def rep_workload(plan: pd.DataFrame, n_reps: int, hours_per_lead: float = 1.0, working_days: float | None = None,
                 day_hours: float = 8.0) -> pd.DataFrame:
    """Leads called per rep and, with ``working_days``, the share of their working time spent calling.

    Reps without a call are listed with 0. Columns ``rep``, ``rep_calls`` and (with ``working_days``)
    ``rep_busy_share``; show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> plan = pd.DataFrame({"rep": [1, 1, 2, 0], "called": [True, True, False, False]})
    >>> rep_workload(plan, 3)["rep_calls"].tolist()
    [2, 0, 0]
    """
    require_table(plan, "hand-over plan")
    require_columns(plan, ["rep", "called"], "hand-over plan")
    calls = plan.loc[plan["called"].astype(bool), "rep"].value_counts()
    out = pd.DataFrame({"rep": np.arange(1, n_reps + 1)})
    out["rep_calls"] = [int(calls.get(r, 0)) for r in out["rep"]]
    if working_days is not None:
        out["rep_busy_share"] = out["rep_calls"] * hours_per_lead / (working_days * day_hours)
    return with_display(out, prefixes=("lds_",))


HANDOVER_OUTCOMES = ("leads_passed", "leads_called", "leads_returned_stale", "expected_customers")


def plot_handover(plan: pd.DataFrame, n_reps: int, lang: str = "en", axes: Sequence | None = None) -> Sequence:
    """What a hand-over rule does (:func:`handover`): the leads' outcomes (bars) and the calls per rep.

    Expected customers are scaled ×10 to show on the leads' axis; the conversion of passed
    leads is written in a note. The axes' ranges are left to matplotlib (a widget declares them).

    Examples
    --------
    >>> plan = pd.DataFrame({"passed": [True, True, False], "rep": [1, 2, 0], "called": [True, False, False],
    ...                      "returned_stale": [False, True, False], "wait_hours": [2.0, 24.0, 0.0],
    ...                      "expected_conversion": [0.3, 0.0, 0.0]})
    >>> bars_ax, reps_ax = plot_handover(plan, 2)
    >>> [round(float(p.get_width()), 1) for p in bars_ax.patches], [float(p.get_height()) for p in reps_ax.patches]
    ([2.0, 1.0, 1.0, 3.0], [1.0, 0.0])
    """
    check_lang(lang)
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1.4, 1]})
    bars_ax, reps_ax = axes[0], axes[1]
    numbers = handover_summary(plan)
    calls = rep_workload(plan, n_reps)["rep_calls"]
    values = [numbers[k] * (10 if k == "expected_customers" else 1) for k in HANDOVER_OUTCOMES]
    rows = np.arange(len(HANDOVER_OUTCOMES))
    bars_ax.barh(rows, values, color=["C0", "C2", "C3", "C1"])
    bars_ax.set_yticks(rows, [term(k, lang) + (" ×10" if k == "expected_customers" else "") for k in HANDOVER_OUTCOMES])
    if not bars_ax.yaxis_inverted():
        bars_ax.invert_yaxis()                        # the first outcome on top
    bars_ax.text(0.98, 0.97, f"{term('conversion_of_passed', lang)}: {numbers['conversion_of_passed']:.1%}",
                 transform=bars_ax.transAxes, ha="right", va="top", fontsize="small")
    bars_ax.set_xlabel(term("leads", lang))
    reps_ax.bar(np.arange(1, n_reps + 1), calls, color="C0")
    from matplotlib.ticker import MaxNLocator

    reps_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    reps_ax.set_xlabel(term("rep", lang))
    reps_ax.set_ylabel(term("rep_calls", lang))
    return axes
