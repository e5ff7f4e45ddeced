"""Segment migration (客户在细分群体间迁移): customers change segment from one period to the next.

:func:`segment_migration` cross-tabulates two assignments of the same customers; customers present
only in the second period form the row *new*, those present only in the first the column *gone*.
:func:`two_period_segments` makes such assignments from a transaction log (one behaviour model for
both periods), :func:`plot_migration` draws the matrix. Lifecycle stages (:mod:`crmlab.lifecycle`)
and closed-loop tiers (:mod:`crmlab.closed_loop`) build their migration tables on it.

Examples
--------
>>> before = pd.Series({"c1": "A", "c2": "A", "c3": "B"})
>>> after = pd.Series({"c1": "A", "c2": "B", "c4": "B"})
>>> table = segment_migration(before, after)
>>> table.index.tolist(), table.columns.tolist()
(['A', 'B', 'new'], ['A', 'B', 'gone'])
>>> table.to_numpy().tolist()
[[1, 1, 0], [0, 0, 1], [0, 1, 0]]
"""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .clustering import CustomerSegmentation
from .lang import check_lang, label, localize, register, with_display

__all__ = ["segment_migration", "plot_migration", "PERIOD_BEHAVIOUR", "PeriodSegments", "two_period_segments"]


def _assignment(segments: pd.Series, name: str) -> pd.Series:
    if not isinstance(segments, pd.Series):
        raise TypeError(f"`{name}` must be a pandas Series of segments indexed by customer id, "
                        f"got {type(segments).__name__}")
    missing = int(segments.isna().sum())
    if missing:
        raise ValueError(f"`{name}` has {missing} missing segment(s); leave customers without a segment out "
                         "(they count as new or gone)")
    duplicated = int(segments.index.duplicated().sum())
    if duplicated:
        raise ValueError(f"`{name}` has {duplicated} duplicated customer id(s); give one segment per customer")
    return segments


def _segment_order(before: pd.Series, after: pd.Series) -> list:
    """Categories of a categorical (in their order), else the sorted union of both periods' segments."""
    for series in (before, after):
        if isinstance(series.dtype, pd.CategoricalDtype):
            categories = list(series.cat.categories)
            extra = [s for s in pd.unique(pd.concat([before.astype(object), after.astype(object)]))
                     if s not in categories]
            return categories + sorted(extra, key=str)
    values = pd.unique(pd.concat([before.astype(object), after.astype(object)]))
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def segment_migration(before: pd.Series, after: pd.Series, shares: bool = False) -> pd.DataFrame:
    """Migration matrix: customers by segment in period 1 (rows) and period 2 (columns).

    Parameters
    ----------
    before, after
        Segment of each customer in the two periods, indexed by customer id (one row
        per customer; a customer may be missing from one period).
    shares
        ``False``: counts. ``True``: row shares, the share of each period-1 segment
        that moved to each period-2 segment (rows sum to 1; an empty row stays 0).

    Returns
    -------
    pandas.DataFrame
        Rows: every segment, then ``new`` (customers only in ``after``); columns: every
        segment, then ``gone`` (customers only in ``before``); axes ``segment_before`` and
        ``segment_after``. The segments as given and these keys whatever the language; shown with
        :func:`crmlab.lang.localize` (segments that are vocabulary keys are translated too).

    Examples
    --------
    >>> before = pd.Series({"c1": 1, "c2": 1, "c3": 2, "c4": 2})
    >>> after = pd.Series({"c1": 1, "c2": 2, "c3": 2})
    >>> segment_migration(before, after, shares=True).loc[2].tolist()
    [0.0, 0.5, 0.5]
    >>> localize(segment_migration(before, after), "zh").index.tolist()
    [1, 2, '新进入']
    """
    before = _assignment(before, "before")
    after = _assignment(after, "after")
    order = _segment_order(before, after)
    position = {segment: k for k, segment in enumerate(order)}
    n = len(order)
    both = before.index.intersection(after.index, sort=False)
    only_before = before.index.difference(after.index, sort=False)
    only_after = after.index.difference(before.index, sort=False)
    counts = np.zeros((n + 1, n + 1), dtype=np.int64)
    rows = np.array([position[s] for s in before.loc[both]], dtype=np.int64)
    cols = np.array([position[s] for s in after.loc[both]], dtype=np.int64)
    np.add.at(counts, (rows, cols), 1)
    np.add.at(counts[:, n], np.array([position[s] for s in before.loc[only_before]], dtype=np.int64), 1)
    np.add.at(counts[n], np.array([position[s] for s in after.loc[only_after]], dtype=np.int64), 1)
    table: pd.DataFrame = pd.DataFrame(counts, index=order + ["new"], columns=order + ["gone"])
    if shares:
        totals = table.sum(axis=1).to_numpy(dtype=float)
        table = table.div(np.where(totals > 0, totals, 1.0), axis=0)
    table.index.name, table.columns.name = "segment_before", "segment_after"
    return with_display(table, prefixes=("migration_", ""), index=True)


def plot_migration(before: pd.Series, after: pd.Series, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Heatmap of the row shares of :func:`segment_migration`, each cell annotated with share and count."""
    check_lang(lang)
    counts = localize(segment_migration(before, after), lang)
    rates = segment_migration(before, after, shares=True)
    if ax is None:
        size = 1.0 + 0.7 * counts.shape[1]
        _, ax = plt.subplots(figsize=(size + 1.5, size))
    ax.imshow(rates.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            share = rates.iat[i, j]
            ax.text(j, i, f"{100 * share:.0f}%\n({counts.iat[i, j]:,})", ha="center", va="center", fontsize=8,
                    color="white" if share > 0.6 else "black")
    ax.set_xticks(range(counts.shape[1]), [str(c) for c in counts.columns])
    ax.set_yticks(range(counts.shape[0]), [str(r) for r in counts.index])
    ax.set_xlabel(counts.columns.name)
    ax.set_ylabel(counts.index.name)
    ax.grid(False)
    ax.set_title(label("migration_title", lang))
    return ax


#: Behaviour measured in each period by :func:`two_period_segments`.
PERIOD_BEHAVIOUR: tuple[str, ...] = ("orders", "total_spend", "recency_days")


@dataclass(frozen=True)
class PeriodSegments:
    """Behaviour segments of the same customers in two periods (see :func:`two_period_segments`).

    Attributes
    ----------
    before, after
        Segment (1..k) of each customer who bought in period 1 / period 2, indexed by customer id.
    behaviour_before, behaviour_after
        ``orders``, ``total_spend`` and ``recency_days`` of those customers in each period.
    model
        The :class:`~crmlab.clustering.CustomerSegmentation` fitted on period 1 and applied to
        period 2, so a segment means the same behaviour in both periods.
    periods
        ``(start_1, end_1, start_2, end_2)``, calendar days, inclusive.
    """

    before: pd.Series
    after: pd.Series
    behaviour_before: pd.DataFrame
    behaviour_after: pd.DataFrame
    model: CustomerSegmentation
    periods: tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp, pd.Timestamp]


def _period_behaviour(log: pd.DataFrame, customer_col: str, date_col: str, amount_col: str,
                      start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    from .rfm import summarize  # late import: rfm is heavier and not needed by the rest of this module

    days = pd.to_datetime(log[date_col]).dt.normalize()
    inside = log[(days >= start) & (days <= end)]
    if inside.empty:
        raise ValueError(f"no purchase between {start.date()} and {end.date()}")
    summary = summarize(inside, customer_col, date_col, amount_col, observation_end=end, time_unit="D")
    return summary[list(PERIOD_BEHAVIOUR)].astype(float)


def two_period_segments(log: pd.DataFrame, customer_col: str, date_col: str, amount_col: str,
                        split: str | pd.Timestamp | None = None, n_segments: int = 4, *,
                        end: str | pd.Timestamp | None = None, seed: int = 0) -> PeriodSegments:
    """Segment customers by their buying behaviour in two periods, on one scale, for a migration matrix.

    Period 1 runs from the first day in the log to ``split``; period 2 from the day after
    ``split`` to ``end`` (both inclusive). In each period every customer who bought gets
    ``orders`` (distinct purchase days), ``total_spend`` and ``recency_days`` (days from the
    last purchase to the period's end). k-means on ``log1p(orders)``, ``log1p(total_spend)``
    and ``recency_days`` is fitted on period 1 and the *same* model places the customers of
    period 2, so a customer who changes segment changed behaviour. Customers who did not
    buy in a period have no segment there: in :func:`segment_migration` they are *gone*
    (bought only in period 1) or *new* (only in period 2).

    Parameters
    ----------
    log
        Transaction log, one row per purchase line (checked by :func:`crmlab.rfm.summarize`).
    customer_col, date_col, amount_col
        Its customer id, date and amount columns.
    split
        Last day of period 1; ``None``: the middle day between the first and last day of the log.
    n_segments
        Number of behaviour segments k.
    end
        Last day of period 2; ``None``: the last day in the log.
    seed
        Random seed of k-means.

    Examples
    --------
    >>> log = pd.DataFrame({"id": ["a", "a", "b", "b", "c", "a", "c"],
    ...                     "day": pd.to_datetime(["2024-01-02", "2024-01-20", "2024-01-05", "2024-01-06",
    ...                                            "2024-01-28", "2024-02-25", "2024-02-10"]),
    ...                     "amount": [10.0, 12, 50, 60, 5, 11, 6]})
    >>> result = two_period_segments(log, "id", "day", "amount", split="2024-01-31", n_segments=2)
    >>> sorted(result.before.index), sorted(result.after.index)
    (['a', 'b', 'c'], ['a', 'c'])
    """
    for column in (customer_col, date_col, amount_col):
        if column not in log.columns:
            raise ValueError(f"the log has no column {column!r}; its columns are {list(log.columns)}")
    days = pd.to_datetime(log[date_col], errors="coerce", format="mixed")
    bad = int(days.isna().sum())
    if bad:
        raise ValueError(f"column {date_col!r} has {bad} missing or unparsable date(s)")
    first, last = days.min().normalize(), days.max().normalize()
    end_day = last if end is None else pd.Timestamp(end).normalize()
    split_day = first + (end_day - first) / 2 if split is None else pd.Timestamp(split)
    split_day = split_day.normalize()
    if not first <= split_day < end_day:
        raise ValueError(f"split {split_day.date()} must fall on or after the first day {first.date()} "
                         f"and before the end {end_day.date()}")
    start_2 = split_day + pd.Timedelta(days=1)
    behaviour_1 = _period_behaviour(log, customer_col, date_col, amount_col, first, split_day)
    behaviour_2 = _period_behaviour(log, customer_col, date_col, amount_col, start_2, end_day)
    model = CustomerSegmentation(list(PERIOD_BEHAVIOUR), n_segments, log_columns=["orders", "total_spend"],
                                 seed=seed).fit(behaviour_1)
    before = model.labels_.rename("segment")
    after = model.predict(behaviour_2).rename("segment")
    return PeriodSegments(before=before, after=after, behaviour_before=behaviour_1, behaviour_after=behaviour_2,
                          model=model, periods=(first, split_day, start_2, end_day))


register(
    {
        "segment_before": {"en": "Segment in period 1", "zh": "第一期所属群体"},
        "segment_after": {"en": "Segment in period 2", "zh": "第二期所属群体"},
        "migration_new": {"en": "New", "zh": "新进入"},
        "migration_gone": {"en": "Gone", "zh": "已离开"},
        "migration_title": {"en": "Segment migration (row shares)", "zh": "客户在群体间的迁移（按行占比）"},
    }
)
