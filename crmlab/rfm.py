"""Recency, frequency and monetary value (RFM): scores, named segments and their plots.

The customer table they read comes from :func:`crmlab.summaries.summarize` (one row per customer
with ``frequency``, ``recency``, ``T``, ``monetary_value``, ``recency_days``, ``orders``,
``total_spend``, lifetimes' conventions), re-exported here as :func:`summarize` so that
``crmlab.rfm.summarize`` keeps working.

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame({"customer": ["a", "a", "a", "b"],
...                     "date": ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"],
...                     "amount": [10.0, 5.0, 20.0, 7.0]})
>>> summary = summarize(log, "customer", "date", "amount", observation_end="2024-01-29")
>>> summary[["recency_days", "orders", "total_spend"]]
          recency_days  orders  total_spend
customer                                   
a                   14       2         35.0
b                   21       1          7.0
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from crmlab.lang import check_lang, label, register, translate_values, with_display
from crmlab.lang import localize  # noqa: F401  (the doctests show the keyed tables with it)
from crmlab.summaries import TIME_UNIT_DAYS, summarize  # re-exported: summarize lives in crmlab.summaries
from crmlab.validation import MissingColumnError, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "TIME_UNIT_DAYS",
    "SEGMENTS",
    "SEGMENT_GRID",
    "summarize",
    "quantile_scores",
    "rfm_scores",
    "rfm_segments",
    "segment_profile",
    "segment_grid_counts",
    "plot_segment_grid",
    "frame_segment",
    "SEGMENT_ACTIONS",
    "DIMENSION_COLUMNS",
    "segment_actions",
    "score_summary",
    "plot_score_summary",
    "plot_segment_shares",
]

# ---------------------------------------------------------------------------
# RFM scores and named segments

#: The named RFM segments, from the most to the least valuable. "lost" is the
#: course-wide term of :mod:`crmlab.lang`.
SEGMENTS: tuple[str, ...] = (
    "champions",
    "loyal_customers",
    "potential_loyalists",
    "new_customers",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose_them",
    "hibernating",
    "lost",
)

#: Segment of each cell of the recency score (rows, 5 = most recent) by
#: frequency-monetary score (columns, the mean of F and M rounded half up).
SEGMENT_GRID: pd.DataFrame = pd.DataFrame(
    [
        # FM:  1                   2                       3                       4                  5
        ["new_customers", "potential_loyalists", "potential_loyalists", "champions", "champions"],  # R = 5
        ["promising", "potential_loyalists", "potential_loyalists", "loyal_customers", "champions"],  # R = 4
        ["about_to_sleep", "about_to_sleep", "need_attention", "loyal_customers", "loyal_customers"],  # R = 3
        ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose_them"],  # R = 2
        ["lost", "lost", "hibernating", "at_risk", "cant_lose_them"],  # R = 1
    ],
    index=pd.Index([5, 4, 3, 2, 1], name="recency_score"),
    columns=pd.Index([1, 2, 3, 4, 5], name="frequency_monetary_score"),
)

register(
    {
        "recency_score": {"en": "Recency score", "zh": "最近购买得分"},
        # same text as crmlab.simulate's persona "frequency_score"
        "frequency_score": {"en": "Frequency score", "zh": "购买频率得分"},
        "monetary_score": {"en": "Monetary score", "zh": "消费金额得分"},
        "frequency_monetary_score": {"en": "FM score (mean of F and M)", "zh": "FM 得分（F 与 M 的平均）"},
        "rfm_cell": {"en": "RFM cell", "zh": "RFM 组合"},
        "rfm_total": {"en": "RFM total", "zh": "RFM 总分"},
        "customer_share": {"en": "Share of customers", "zh": "客户占比"},
        "revenue_share": {"en": "Share of revenue", "zh": "收入占比"},
        "mean_recency_days": {"en": "Mean days since last purchase", "zh": "平均距上次购买天数"},
        "mean_orders": {"en": "Mean orders", "zh": "平均订单数"},
        "mean_spend": {"en": "Mean spend", "zh": "平均消费额"},
        "segment_grid_title": {"en": "Customers by R and FM score", "zh": "按 R 得分与 FM 得分划分的客户数"},
        "champions": {"en": "Champions", "zh": "冠军客户"},
        "loyal_customers": {"en": "Loyal customers", "zh": "忠诚客户"},
        "potential_loyalists": {"en": "Potential loyalists", "zh": "潜在忠诚客户"},
        "new_customers": {"en": "New customers", "zh": "新近客户"},
        "promising": {"en": "Promising", "zh": "有潜力客户"},
        "need_attention": {"en": "Need attention", "zh": "需要关注客户"},
        "about_to_sleep": {"en": "About to sleep", "zh": "即将沉睡客户"},
        "at_risk": {"en": "At risk", "zh": "有流失风险客户"},
        "cant_lose_them": {"en": "Can't lose them", "zh": "不能失去的客户"},
        "hibernating": {"en": "Hibernating", "zh": "休眠客户"},
    }
)


def _significant(numbers: np.ndarray, digits: int = 12) -> np.ndarray:
    """``numbers`` rounded to ``digits`` significant digits (floating-point noise removed)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.abs(numbers)))
    magnitude = np.where(np.isfinite(magnitude), magnitude, 0.0)
    scale = 10.0 ** (digits - 1 - magnitude)
    return np.round(numbers * scale) / scale


def quantile_scores(values: pd.Series, bins: int = 5, higher_is_better: bool = True) -> pd.Series:
    """Score values 1..``bins`` by quantile, with equal values always sharing a score.

    Tie rule: a customer's score is ``1 + floor(bins * b / n)``, where ``b`` is the
    number of customers with a strictly worse value and ``n`` the number of customers.
    With distinct values this gives equal-sized bins (quintiles for ``bins=5``); equal
    values are never split across scores, so when one value holds more than
    ``1 / bins`` of the customers (many one-time buyers) some scores stay empty instead
    of two identical customers getting different scores. Values are compared at 12
    significant digits, so totals that differ only by floating-point rounding
    (``226.85`` and ``226.85000000000002``) count as equal.

    Parameters
    ----------
    values
        One value per customer (no missing values).
    bins
        Number of scores.
    higher_is_better
        False for recency in days (a smaller value scores higher).

    Examples
    --------
    >>> quantile_scores(pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).tolist()
    [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    >>> quantile_scores(pd.Series([1, 1, 1, 1, 2, 2, 3, 4, 5, 6])).tolist()
    [1, 1, 1, 1, 3, 3, 4, 4, 5, 5]
    """
    if not isinstance(bins, (int, np.integer)) or bins < 2:
        raise ValueError(f"bins must be an integer of at least 2, got {bins!r}")
    series = pd.Series(values)
    if series.isna().any():
        raise ValueError(f"{series.name or 'values'}: {int(series.isna().sum()):,} missing values cannot be scored")
    numbers = _significant(series.to_numpy(dtype=float))
    if not higher_is_better:
        numbers = -numbers
    n = len(numbers)
    ordered = np.sort(numbers)
    worse = np.searchsorted(ordered, numbers, side="left")  # strictly smaller values
    score = 1 + (bins * worse) // max(n, 1)
    return pd.Series(np.minimum(score, bins).astype(np.int64), index=series.index, name=series.name)


def rfm_scores(
    summary: pd.DataFrame,
    bins: int = 5,
    recency_col: str = "recency_days",
    frequency_col: str = "orders",
    monetary_col: str = "total_spend",
) -> pd.DataFrame:
    """Recency, frequency and monetary scores 1..``bins`` of each customer.

    Scores come from :func:`quantile_scores` (equal values share a score). Recency
    scores high when the last purchase is recent (few days since it).

    Parameters
    ----------
    summary
        Customer table, e.g. from :func:`summarize` (one row per customer).
    bins
        Number of scores per dimension (5: quintiles).
    recency_col, frequency_col, monetary_col
        Columns to score. Defaults: days since the last purchase, distinct purchase
        days and total spend. Use ``monetary_col="monetary_value"`` to score mean spend.

    Returns
    -------
    pandas.DataFrame
        Same index; ``recency_score``, ``frequency_score``, ``monetary_score``,
        ``rfm_cell`` (text such as ``"545"``) and ``rfm_total`` (their sum).

    Examples
    --------
    >>> summary = pd.DataFrame({"recency_days": [5, 40, 200], "orders": [6, 2, 1],
    ...                         "total_spend": [300.0, 80.0, 20.0]}, index=["a", "b", "c"])
    >>> rfm_scores(summary, bins=3)
       recency_score  frequency_score  monetary_score rfm_cell  rfm_total
    a              3                3               3      333          9
    b              2                2               2      222          6
    c              1                1               1      111          3
    """
    missing = [c for c in (recency_col, frequency_col, monetary_col) if c not in summary.columns]
    if missing:
        raise MissingColumnError(f"the customer table has no column(s) {missing}; its columns are {list(summary.columns)}",
                                 column=missing[0] if len(missing) == 1 else missing)
    if len(summary) == 0:
        raise ValueError("the customer table is empty (0 rows): there is nobody to score")
    for column in (recency_col, frequency_col, monetary_col):
        if summary[column].isna().any():
            raise ValidationError(f"column {column!r} has {int(summary[column].isna().sum()):,} missing values",
                                  column=column, rows=int(summary[column].isna().sum()), total=len(summary))
    scores = pd.DataFrame(index=summary.index)
    scores["recency_score"] = quantile_scores(summary[recency_col], bins, higher_is_better=False).to_numpy()
    scores["frequency_score"] = quantile_scores(summary[frequency_col], bins).to_numpy()
    scores["monetary_score"] = quantile_scores(summary[monetary_col], bins).to_numpy()
    width = len(str(bins))
    scores["rfm_cell"] = (
        scores["recency_score"].astype(str).str.zfill(width)
        + scores["frequency_score"].astype(str).str.zfill(width)
        + scores["monetary_score"].astype(str).str.zfill(width)
    )
    scores["rfm_total"] = scores[["recency_score", "frequency_score", "monetary_score"]].sum(axis=1)
    return scores


def rfm_segments(scores: pd.DataFrame, grid: pd.DataFrame | None = None) -> pd.Series:
    """Name the segment of each customer from its 1..5 R, F and M scores.

    The frequency-monetary score is the mean of F and M rounded half up
    (``(F + M + 1) // 2``); the segment is the cell of :data:`SEGMENT_GRID` at the
    recency score (row) and that FM score (column).

    Parameters
    ----------
    scores
        Output of :func:`rfm_scores` with ``bins=5``.
    grid
        Another 5 × 5 grid of segment keys with the same index and columns.

    Returns
    -------
    pandas.Series
        Categorical segment key per customer (categories in the order of
        :data:`SEGMENTS`), named ``segment``; translate with
        :func:`crmlab.lang.translate_values`.

    Examples
    --------
    >>> scores = pd.DataFrame({"recency_score": [5, 1, 2], "frequency_score": [5, 1, 5],
    ...                        "monetary_score": [4, 2, 5]}, index=["a", "b", "c"])
    >>> rfm_segments(scores).tolist()
    ['champions', 'lost', 'cant_lose_them']
    """
    grid = SEGMENT_GRID if grid is None else grid
    needed = ["recency_score", "frequency_score", "monetary_score"]
    missing = [c for c in needed if c not in scores.columns]
    if missing:
        raise MissingColumnError(f"the score table has no column(s) {missing}: make it with rfm_scores",
                                 column=missing[0] if len(missing) == 1 else missing)
    for column in needed:
        values = scores[column]
        outside = ~values.isin(range(1, 6))
        if outside.any():
            raise ValidationError(
                f"column {column!r} has {int(outside.sum()):,} scores outside 1..5 "
                f"(e.g. {values[outside].iloc[0]!r}); named segments need rfm_scores(..., bins=5)"
            )
    recency = scores["recency_score"].to_numpy(dtype=np.int64)
    fm = (scores["frequency_score"].to_numpy(dtype=np.int64) + scores["monetary_score"].to_numpy(dtype=np.int64) + 1) // 2
    table = grid.loc[[5, 4, 3, 2, 1], [1, 2, 3, 4, 5]].to_numpy()
    keys = table[5 - recency, fm - 1]
    unknown = sorted(set(keys) - set(SEGMENTS))
    categories = list(SEGMENTS) + unknown
    return pd.Series(pd.Categorical(keys, categories=categories), index=scores.index, name="segment")


def segment_profile(
    summary: pd.DataFrame,
    segments: pd.Series,
    recency_col: str = "recency_days",
    frequency_col: str = "orders",
    monetary_col: str = "total_spend",
) -> pd.DataFrame:
    """Size and mean behaviour of each segment, as a table a lecture can show.

    Parameters
    ----------
    summary
        Customer table (e.g. from :func:`summarize`).
    segments
        Segment of each customer, same index (e.g. from :func:`rfm_segments`).
    recency_col, frequency_col, monetary_col
        Columns to average; ``monetary_col`` is also summed for the revenue share.

    Returns
    -------
    pandas.DataFrame
        One row per segment that has customers (index ``segment``: segment keys), in the order of
        the categories: ``customers``, ``customer_share``, ``mean_recency_days``, ``mean_orders``,
        ``mean_spend``, ``revenue_share``. Show it with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> summary = pd.DataFrame({"recency_days": [5, 10, 300], "orders": [6, 4, 1],
    ...                         "total_spend": [300.0, 100.0, 100.0]}, index=["a", "b", "c"])
    >>> segments = pd.Series(["champions", "champions", "lost"], index=["a", "b", "c"])
    >>> segment_profile(summary, segments)[["customers", "customer_share", "revenue_share"]]
               customers  customer_share  revenue_share
    segment                                            
    champions          2        0.666667            0.8
    lost               1        0.333333            0.2
    >>> localize(segment_profile(summary, segments), "zh").index.tolist()
    ['冠军客户', '流失客户']
    """
    if not segments.index.equals(summary.index):
        if not segments.index.sort_values().equals(summary.index.sort_values()):
            raise ValueError("segments and the customer table must have the same customers (index)")
        segments = segments.reindex(summary.index)
    if segments.isna().any():
        raise ValueError(f"segments has {int(segments.isna().sum()):,} customers without a segment")
    if isinstance(segments.dtype, pd.CategoricalDtype):
        ordered_segments = segments.to_numpy()
        categories = list(segments.cat.categories)
    else:
        values = segments.astype(str)
        categories = [k for k in SEGMENTS if k in set(values)] + sorted(set(values) - set(SEGMENTS))
        ordered_segments = values.to_numpy()
    frame = pd.DataFrame(
        {
            "segment": pd.Categorical(ordered_segments, categories=categories),
            "recency": summary[recency_col].to_numpy(dtype=float),
            "orders": summary[frequency_col].to_numpy(dtype=float),
            "spend": summary[monetary_col].to_numpy(dtype=float),
        }
    )
    grouped = frame.groupby("segment", observed=True, sort=True)
    profile = pd.DataFrame(
        {
            "customers": grouped.size(),
            "mean_recency_days": grouped["recency"].mean(),
            "mean_orders": grouped["orders"].mean(),
            "mean_spend": grouped["spend"].mean(),
            "revenue": grouped["spend"].sum(),
        }
    )
    profile.insert(1, "customer_share", profile["customers"] / len(frame))
    total = profile.pop("revenue")
    profile["revenue_share"] = total / total.sum() if total.sum() != 0 else 0.0
    profile.index = pd.Index([str(v) for v in profile.index], name="segment")
    return with_display(profile, index=True)


def segment_grid_counts(scores: pd.DataFrame) -> pd.DataFrame:
    """Number of customers in each recency score × FM score cell (5 × 5, R = 5 on top).

    Examples
    --------
    >>> scores = pd.DataFrame({"recency_score": [5, 5, 1], "frequency_score": [5, 4, 1],
    ...                        "monetary_score": [5, 5, 1]})
    >>> int(segment_grid_counts(scores).loc[5, 5]), int(segment_grid_counts(scores).loc[1, 1])
    (2, 1)
    """
    fm = (scores["frequency_score"].astype(int) + scores["monetary_score"].astype(int) + 1) // 2
    counts = pd.crosstab(scores["recency_score"].astype(int), fm)
    counts = counts.reindex(index=[5, 4, 3, 2, 1], columns=[1, 2, 3, 4, 5], fill_value=0)
    counts.index.name = "recency_score"
    counts.columns.name = "frequency_monetary_score"
    return counts


def frame_segment(ax: "Axes", segment: str) -> list:
    """Frame the cells of ``segment`` (a key of :data:`SEGMENTS`) on a :func:`plot_segment_grid` heat map.

    Drawn alone, e.g. inside ``LiveFigure.update()`` over a heat map drawn once, it makes a
    segment selector redraw only the frames. Returns the frames (rectangles).
    """
    from matplotlib.patches import Rectangle  # noqa: PLC0415 - plotting is optional for the numbers

    if segment not in SEGMENTS:
        raise ValueError(f"highlight={segment!r} is not a segment; use one of {list(SEGMENTS)}")
    frames = []
    for i, r in enumerate(SEGMENT_GRID.index):
        for j, f in enumerate(SEGMENT_GRID.columns):
            if SEGMENT_GRID.loc[r, f] == segment:
                frames.append(ax.add_patch(Rectangle((j - 0.48, i - 0.48), 0.96, 0.96, fill=False,
                                                     edgecolor="#d62728", linewidth=3)))
    return frames


def plot_segment_grid(
    scores: pd.DataFrame, lang: str = "en", ax: "Axes | None" = None, highlight: str | None = None,
    cax: "Axes | None" = None,
) -> "Axes":
    """Heat map of customers per R × FM cell, each cell labelled with its segment name and count.

    ``highlight`` (a segment key of :data:`SEGMENTS`) frames the cells of that segment.
    The colour bar takes room from ``ax``, or is drawn into ``cax`` when given (a fixed
    axes, e.g. of a :class:`crmlab.live.LiveFigure`, so that redrawing does not add a new one).
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 - plotting is optional for the numbers

    check_lang(lang)
    counts = segment_grid_counts(scores)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 6))
    image = ax.imshow(counts.to_numpy(), cmap="Blues", aspect="auto")
    total = max(int(counts.to_numpy().sum()), 1)
    peak = counts.to_numpy().max()
    for i, r in enumerate(counts.index):
        for j, f in enumerate(counts.columns):
            n = int(counts.loc[r, f])
            name = label(SEGMENT_GRID.loc[r, f], lang)
            colour = "white" if peak and n > 0.6 * peak else "black"
            ax.text(j, i, f"{name}\n{n:,} ({100 * n / total:.0f}%)", ha="center", va="center", fontsize=8, color=colour)
    if highlight is not None:
        frame_segment(ax, highlight)
    ax.set_xticks(range(5), [str(c) for c in counts.columns])
    ax.set_yticks(range(5), [str(r) for r in counts.index])
    ax.set_xlabel(label("frequency_monetary_score", lang))
    ax.set_ylabel(label("recency_score", lang))
    ax.set_title(label("segment_grid_title", lang))
    ax.grid(False)
    if cax is None:
        ax.figure.colorbar(image, ax=ax, label=label("customers", lang))
    else:
        ax.figure.colorbar(image, cax=cax, label=label("customers", lang))
    return ax


# ---------------------------------------------------------------------------
# what a manager does with each segment, and how the scores split customers

#: One suggested action per named segment (vocabulary keys ``action_<segment>``).
SEGMENT_ACTIONS: dict[str, dict[str, str]] = {
    "champions": {"en": "Reward and involve: early access, referral offers, no discounts needed",
                  "zh": "奖励并邀请参与：抢先体验、推荐奖励，无需打折"},
    "loyal_customers": {"en": "Cross-sell and upgrade; a loyalty tier keeps them close",
                        "zh": "交叉销售与升级推荐；用会员等级留住他们"},
    "potential_loyalists": {"en": "Second and third purchase offers, membership invitation",
                            "zh": "针对第二、三次购买的优惠，邀请加入会员"},
    "new_customers": {"en": "Onboarding: welcome series, help with the first use",
                      "zh": "新客引导：欢迎邮件系列，帮助首次使用"},
    "promising": {"en": "Build the habit: reminders and small, timely incentives",
                  "zh": "培养习惯：适时提醒与小额激励"},
    "need_attention": {"en": "Personal contact and limited-time offers before they drift",
                       "zh": "在其疏远之前进行个人联系并给出限时优惠"},
    "about_to_sleep": {"en": "Low-cost reactivation: popular products, e-mail reminders",
                       "zh": "低成本唤醒：热销商品推荐、邮件提醒"},
    "at_risk": {"en": "Win-back campaign with a strong personal offer; ask what went wrong",
                "zh": "挽回活动：有力的个性化优惠，并询问不满原因"},
    "cant_lose_them": {"en": "Key-account call now: they were among the best and are slipping away",
                       "zh": "立即由专人致电：曾是最好的客户，正在流失"},
    "hibernating": {"en": "Occasional cheap campaigns only; do not overspend",
                    "zh": "只做偶尔的低成本营销，避免过度投入"},
    "lost": {"en": "Little or no spend; a last win-back try at most",
             "zh": "基本不再投入，至多尝试一次挽回"},
}

#: The customer-table column each RFM dimension reads by default (as in :func:`rfm_scores`).
DIMENSION_COLUMNS: dict[str, str] = {"recency": "recency_days", "frequency": "orders", "monetary": "total_spend"}

register({f"action_{segment}": text for segment, text in SEGMENT_ACTIONS.items()})
register(
    {
        "action": {"en": "Suggested action", "zh": "建议行动"},
        "bins": {"en": "Score bins", "zh": "分档数"},
        "dimension": {"en": "Dimension", "zh": "维度"},
        "score": {"en": "Score", "zh": "得分"},
        "lowest_value": {"en": "Lowest value", "zh": "最小值"},
        "highest_value": {"en": "Highest value", "zh": "最大值"},
        "dimension_recency": {"en": "Recency (days since last purchase)", "zh": "最近购买时间（距上次购买天数）"},
        "dimension_frequency": {"en": "Frequency (purchase days)", "zh": "购买频率（购买天数）"},
        "dimension_monetary": {"en": "Monetary value (total spend)", "zh": "消费金额（消费总额）"},
        "segment_shares_title": {"en": "Share of customers and of revenue by segment",
                                 "zh": "各细分群体的客户占比与收入占比"},
        "score_summary_title": {"en": "Customers and revenue by score", "zh": "各得分的客户与收入占比"},
    }
)


def segment_actions(lang: str = "en") -> pd.Series:
    """The suggested action for each named segment, as text in ``lang``.

    Returns
    -------
    pandas.Series
        Index: segment keys in the order of :data:`SEGMENTS`; name ``action``.

    Examples
    --------
    >>> segment_actions()["cant_lose_them"]
    'Key-account call now: they were among the best and are slipping away'
    """
    check_lang(lang)
    return pd.Series([label(f"action_{s}", lang) for s in SEGMENTS], index=pd.Index(SEGMENTS, name="segment"),
                     name="action")


def score_summary(
    summary: pd.DataFrame,
    dimension: Literal["recency", "frequency", "monetary"] = "monetary",
    bins: int = 5,
    recency_col: str = "recency_days",
    frequency_col: str = "orders",
    monetary_col: str = "total_spend",
) -> pd.DataFrame:
    """How the scores of one RFM dimension split the customers and the revenue.

    Parameters
    ----------
    summary
        Customer table (e.g. from :func:`summarize`).
    dimension
        ``"recency"``, ``"frequency"`` or ``"monetary"``.
    bins
        Number of scores (as in :func:`quantile_scores`, equal values share a score).
    recency_col, frequency_col, monetary_col
        The column scored for each dimension (as in :func:`rfm_scores`);
        ``monetary_col`` is also summed for the revenue share.

    Returns
    -------
    pandas.DataFrame
        One row per score 1..``bins`` (empty scores included, with 0 customers):
        ``customers``, ``customer_share``, ``lowest_value``, ``highest_value`` (of the
        scored column, NaN for an empty score) and ``revenue_share``. Show it with
        :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> table = pd.DataFrame({"recency_days": [1, 2, 3, 4], "orders": [1, 1, 2, 3],
    ...                       "total_spend": [10.0, 20.0, 30.0, 40.0]})
    >>> score_summary(table, "monetary", bins=2)[["customers", "revenue_share"]]
           customers  revenue_share
    score                          
    1              2            0.3
    2              2            0.7
    """
    if dimension not in DIMENSION_COLUMNS:
        raise ValueError(f"dimension={dimension!r}: use one of {sorted(DIMENSION_COLUMNS)}")
    column = {"recency": recency_col, "frequency": frequency_col, "monetary": monetary_col}[dimension]
    for needed in (column, monetary_col):
        if needed not in summary.columns:
            raise MissingColumnError(f"the customer table has no column {needed!r}; its columns are "
                                     f"{list(summary.columns)}", column=needed)
    scores = quantile_scores(summary[column], bins, higher_is_better=dimension != "recency")
    values = summary[column].to_numpy(dtype=float)
    spend = summary[monetary_col].to_numpy(dtype=float)
    frame = pd.DataFrame({"score": scores.to_numpy(), "value": values, "spend": spend})
    grouped = frame.groupby("score")
    index = pd.Index(range(1, bins + 1), name="score")
    table = pd.DataFrame(
        {
            "customers": grouped.size().reindex(index, fill_value=0).astype(np.int64),
            "lowest_value": grouped["value"].min().reindex(index),
            "highest_value": grouped["value"].max().reindex(index),
            "revenue": grouped["spend"].sum().reindex(index, fill_value=0.0),
        }
    )
    table.insert(1, "customer_share", table["customers"] / len(frame))
    revenue = table.pop("revenue")
    table["revenue_share"] = revenue / revenue.sum() if revenue.sum() != 0 else 0.0
    return with_display(table)


def plot_score_summary(
    summary: pd.DataFrame,
    dimension: Literal["recency", "frequency", "monetary"] = "monetary",
    bins: int = 5,
    lang: str = "en",
    ax: "Axes | None" = None,
    recency_col: str = "recency_days",
    frequency_col: str = "orders",
    monetary_col: str = "total_spend",
) -> "Axes":
    """Bars of the share of customers and of revenue at each score of one dimension (see :func:`score_summary`)."""
    import matplotlib.pyplot as plt  # noqa: PLC0415

    check_lang(lang)
    table = score_summary(summary, dimension, bins, recency_col, frequency_col, monetary_col)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    positions = np.arange(bins)
    width = 0.4
    ax.bar(positions - width / 2, 100 * table["customer_share"], width, label=label("customer_share", lang))
    ax.bar(positions + width / 2, 100 * table["revenue_share"], width, label=label("revenue_share", lang))
    ax.set_xticks(positions, [str(s) for s in table.index])
    ax.set_xlabel(f"{label('dimension_' + dimension, lang)}: {label('score', lang)}")
    ax.set_ylabel("%")
    ax.set_title(label("score_summary_title", lang))
    ax.legend()
    return ax


def plot_segment_shares(profile: pd.DataFrame, lang: str = "en", ax: "Axes | None" = None) -> "Axes":
    """Horizontal bars of each segment's share of customers and of revenue.

    ``profile`` is :func:`segment_profile` (segment keys as index, not localized).
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    check_lang(lang)
    for needed in ("customer_share", "revenue_share"):
        if needed not in profile.columns:
            raise MissingColumnError(f"profile has no column {needed!r}: make it with segment_profile(...)",
                                     column=needed)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5.5))
    names = translate_values(list(profile.index), lang)
    positions = np.arange(len(profile))[::-1]
    height = 0.4
    ax.barh(positions + height / 2, 100 * profile["customer_share"], height, label=label("customer_share", lang))
    ax.barh(positions - height / 2, 100 * profile["revenue_share"], height, label=label("revenue_share", lang))
    ax.set_yticks(positions, names)
    ax.set_xlabel("%")
    ax.set_title(label("segment_shares_title", lang))
    ax.legend(loc="lower right")
    return ax


# sentences the RFM lecture prints (notebooks/04_rfm_segmentation.ipynb): English text as before, Chinese for zh
register(
    {
        "rfm_raw_log": {
            "en": "{rows:,} rows, {ids:,} distinct customer ids, {missing:,} rows without one",
            "zh": "共 {rows:,} 行，{ids:,} 个不同的客户编号，{missing:,} 行没有客户编号",
        },
        "rfm_customers_summary": {
            "en": "{customers:,} customers; observation end {end}; {one_time:.1f}% bought on one day only",
            "zh": "{customers:,} 位客户；观察期末 {end}；{one_time:.1f}% 的客户只在一天购买过",
        },
        "rfm_example_lines": {
            "en": "customer {customer}: {lines} lines on {days} days, last on {last}",
            "zh": "客户 {customer}：{days} 天内共 {lines} 行购买记录，最近一次在 {last}",
        },
        "rfm_example_recency": {
            "en": "recency = {end} - {last} = {recency} days; summarize says {summarized}; "
            "frequency (purchase days) = {days}",
            "zh": "最近购买间隔 = {end} - {last} = {recency} 天；summarize 算得 {summarized}；"
            "购买频率（购买天数）= {days}",
        },
        "rfm_champions_summary": {
            "en": "champions: {customer_share:.1f}% of customers, {revenue_share:.1f}% of revenue; "
            "top 20% of customers by spend: {top20:.1f}% of revenue",
            "zh": "冠军客户：占客户的 {customer_share:.1f}%，占收入的 {revenue_share:.1f}%；"
            "消费额前 20% 的客户：占收入的 {top20:.1f}%",
        },
    }
)
