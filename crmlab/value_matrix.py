"""The value × satisfaction matrix (购买量 × 满意度九宫格) and its classes A–E.

Customers are cut into three levels of purchase volume (high / mid / low) and
three levels of satisfaction (high / mid / low). The nine cells fall into five
classes, and each level of each axis comes with a strategy:

* by volume (how the customer is served): high → one-to-one (一对一, a
  key-account manager), mid → one-to-many (一对多, regional sales staff),
  low → retailer-managed (零售商管理);
* by satisfaction (what the relationship needs): high → partner (伙伴),
  mid → improve (改善), low → correct (纠正).

Default mapping of the cells to classes (:data:`DEFAULT_CLASS_MAP`)::

    volume \\ satisfaction   low   mid   high
    high                      E     D     A
    mid                       E     D     B
    low                       C     C     C

* **A** high volume, high satisfaction: the most valuable and most loyal
  customers; very few leave (about 1–2 % a year).
* **B** mid volume, high satisfaction: loyal but worth less than A.
* **C** low volume, any satisfaction: many small buyers, served through retailers.
* **D** high or mid volume, mid satisfaction: buyers whose satisfaction is only
  middling, often through poor communication.
* **E** high or mid volume, low satisfaction: they buy a lot but complain; the
  first to go when a competitor appears.

Choosing C for every low-volume cell is this module's reading of the course
material (small buyers are not worth direct contact whatever their mood, the
retailer collects their feedback); pass ``class_map`` to use another mapping.

Levels use right-closed intervals: with thresholds ``(lower, upper)`` a value is
*low* if ``value <= lower``, *high* if ``value > upper`` and *mid* otherwise.
Thresholds are either given or the ``quantiles`` of the data (terciles by default).
For a 1–5 survey, ``satisfaction_thresholds=(2, 3)`` gives low = 1–2, mid = 3, high = 4–5.

Examples
--------
>>> customers = pd.DataFrame({"total_spend": [1, 2, 3, 4, 5, 6, 7, 8, 9],
...                           "satisfaction": [5, 1, 3, 5, 3, 1, 5, 3, 1]})
>>> cells = value_satisfaction_cells(customers, satisfaction_thresholds=(2, 3))
>>> cells["matrix_class"].tolist()
['C', 'C', 'C', 'B', 'D', 'E', 'A', 'D', 'E']
"""
from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._table_checks import numeric_column, require_columns, require_lang_or_none, require_table
from .estimators import Estimator
from .validation import ValidationError
from . import plotting
from .lang import check_lang, label, localize, register, translate_columns, translate_values, with_display

_SEPARATOR = {"en": "; ", "zh": "；"}  # joins several names in one table cell

__all__ = [
    "LEVELS",
    "MATRIX_CLASSES",
    "DEFAULT_CLASS_MAP",
    "VOLUME_STRATEGIES",
    "SATISFACTION_STRATEGIES",
    "ValueSatisfactionMatrix",
    "value_satisfaction_cells",
    "matrix_class_table",
    "level_thresholds",
    "matrix_customer_table",
    "class_profile",
    "matrix_colour_scale",
    "plot_churn_by_class",
    "SOURCE_CLASS_CELLS",
    "free_riders",
    "describe_class_counts",
    "describe_top_motives",
    "describe_loyalty_gaps",
]

#: The cells the course material itself places in a class (seed 000): A high volume and high
#: satisfaction; B loyal (high satisfaction) but worth less than A; E buys a lot yet is dissatisfied.
#: The material describes C (many small buyers) and D (moderately satisfied) without naming their
#: cells and leaves the other cells to the reader: the rest of :data:`DEFAULT_CLASS_MAP` is this
#: course's own completion.
SOURCE_CLASS_CELLS: dict[tuple[str, str], str] = {("high", "high"): "A", ("mid", "high"): "B",
                                                  ("high", "low"): "E"}

#: The three levels of each axis, from low to high.
LEVELS: tuple[str, ...] = ("low", "mid", "high")
#: The five classes of the matrix.
MATRIX_CLASSES: tuple[str, ...] = ("A", "B", "C", "D", "E")
#: ``{(volume_level, satisfaction_level): class}``; see the module docstring.
DEFAULT_CLASS_MAP: dict[tuple[str, str], str] = {
    ("high", "high"): "A",
    ("mid", "high"): "B",
    ("low", "high"): "C",
    ("low", "mid"): "C",
    ("low", "low"): "C",
    ("high", "mid"): "D",
    ("mid", "mid"): "D",
    ("high", "low"): "E",
    ("mid", "low"): "E",
}
#: How customers of each volume level are served.
VOLUME_STRATEGIES: dict[str, str] = {"high": "one_to_one", "mid": "one_to_many", "low": "retailer_managed"}
#: What the relationship needs at each satisfaction level.
SATISFACTION_STRATEGIES: dict[str, str] = {"high": "partner", "mid": "improve", "low": "correct"}

#: Colour map of the matrix heat maps.
MATRIX_CMAP = "Blues"

_CLASS_COLUMNS = ["volume_level", "satisfaction_level", "matrix_class", "volume_strategy", "satisfaction_strategy"]
_MEASURES = ("customers", "customer_share", "purchase_volume", "volume_share")


def level_thresholds(values: np.ndarray, thresholds: tuple[float, float] | None,
                     quantiles: tuple[float, float], name: str) -> tuple[float, float]:
    """The ``(lower, upper)`` cut of one axis: the given ``thresholds`` or the data's ``quantiles``."""
    if thresholds is None:
        q_low, q_high = _pair(quantiles, "quantiles")
        if not 0 < q_low <= q_high < 1:
            raise ValueError(f"quantiles={quantiles} must satisfy 0 < lower <= upper < 1")
        lower, upper = np.quantile(values, [q_low, q_high])
        return float(lower), float(upper)
    lower, upper = _pair(thresholds, f"{name}_thresholds")
    if not (np.isfinite(lower) and np.isfinite(upper)) or lower > upper:
        raise ValueError(f"{name}_thresholds={thresholds} must be two finite numbers with lower <= upper")
    return lower, upper


def _pair(pair: object, name: str) -> tuple[float, float]:
    try:
        lower, upper = (float(x) for x in pair)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a pair of numbers (lower, upper), got {pair!r}") from None
    return lower, upper


def _levels(values: np.ndarray, lower: float, upper: float) -> np.ndarray:
    """0 = low (``<= lower``), 1 = mid, 2 = high (``> upper``)."""
    return np.where(values <= lower, 0, np.where(values > upper, 2, 1))


def _check_class_map(class_map: Mapping[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    cells = {(v, s) for v in LEVELS for s in LEVELS}
    given = set(class_map)
    if given != cells:
        raise ValueError(f"class_map must name every cell (volume, satisfaction) of {LEVELS} x {LEVELS}; "
                         f"missing {sorted(cells - given)}, unknown {sorted(given - cells)}")
    unknown = sorted({c for c in class_map.values() if c not in MATRIX_CLASSES})
    if unknown:
        raise ValueError(f"class_map uses class(es) {unknown}; use {MATRIX_CLASSES}")
    return dict(class_map)


class ValueSatisfactionMatrix(Estimator):
    """The 9-cell purchase-volume × satisfaction matrix, in the scikit-learn estimator shape.

    Parameters
    ----------
    volume_col
        Column of purchase volume (total spend, units, orders ...), at least 0.
    satisfaction_col
        Column of satisfaction (a survey score, a higher number = more satisfied).
    volume_thresholds, satisfaction_thresholds
        ``(lower, upper)`` cuts; ``None`` takes the ``quantiles`` of the data given to :meth:`fit`.
    quantiles
        Quantiles used for an axis without given thresholds (terciles by default).
    class_map
        ``{(volume_level, satisfaction_level): class}`` for all nine cells;
        :data:`DEFAULT_CLASS_MAP` when ``None``.

    Attributes
    ----------
    volume_thresholds_, satisfaction_thresholds_
        The ``(lower, upper)`` cuts in use after :meth:`fit`.

    Examples
    --------
    >>> customers = pd.DataFrame({"total_spend": [10, 50, 200, 900], "satisfaction": [2, 4, 5, 1]})
    >>> matrix = ValueSatisfactionMatrix(volume_thresholds=(40, 300), satisfaction_thresholds=(2, 3))
    >>> matrix.fit(customers).assign(customers)["matrix_class"].tolist()
    ['C', 'B', 'B', 'E']
    """

    def __init__(self, volume_col: str = "total_spend", satisfaction_col: str = "satisfaction", *,
                 volume_thresholds: tuple[float, float] | None = None,
                 satisfaction_thresholds: tuple[float, float] | None = None,
                 quantiles: tuple[float, float] = (1 / 3, 2 / 3),
                 class_map: Mapping[tuple[str, str], str] | None = None) -> None:
        self.volume_col = volume_col
        self.satisfaction_col = satisfaction_col
        self.volume_thresholds = volume_thresholds
        self.satisfaction_thresholds = satisfaction_thresholds
        self.quantiles = quantiles
        self.class_map = class_map

    def _columns(self, customers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        require_table(customers)
        require_columns(customers, [self.volume_col, self.satisfaction_col])
        volume = numeric_column(customers, self.volume_col, non_negative=True)
        satisfaction = numeric_column(customers, self.satisfaction_col)
        return volume, satisfaction

    def fit(self, customers: pd.DataFrame) -> ValueSatisfactionMatrix:
        """Fix the thresholds of both axes (quantiles of ``customers`` where none were given)."""
        volume, satisfaction = self._columns(customers)
        self.class_map_ = _check_class_map(DEFAULT_CLASS_MAP if self.class_map is None else self.class_map)
        self.volume_thresholds_ = level_thresholds(volume, self.volume_thresholds, self.quantiles, "volume")
        self.satisfaction_thresholds_ = level_thresholds(
            satisfaction, self.satisfaction_thresholds, self.quantiles, "satisfaction")
        return self

    _fitted_attribute = "volume_thresholds_"

    def thresholds(self, lang: str | None = None) -> pd.DataFrame:
        """The cuts in use: one row per axis (``purchase_volume``, ``matrix_satisfaction``),
        ``lower_threshold`` and ``upper_threshold``; keys whatever the language, shown with
        :func:`crmlab.lang.localize` (``lang`` is a deprecated shortcut for it)."""
        self._check_fitted()
        lang = require_lang_or_none(lang)
        table = pd.DataFrame(
            [self.volume_thresholds_, self.satisfaction_thresholds_],
            index=pd.Index(["purchase_volume", "matrix_satisfaction"], name="matrix_axis"),
            columns=["lower_threshold", "upper_threshold"],
        )
        table = with_display(table, index=True)
        return table if lang is None else localize(table, lang)

    def assign(self, customers: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
        """Each customer's cell, class and the two strategies.

        Returns a table with the index of ``customers`` and columns ``volume_level``,
        ``satisfaction_level``, ``matrix_class``, ``volume_strategy``,
        ``satisfaction_strategy`` (categoricals; levels and classes ordered). With ``lang=None`` the
        values are keys (``"high"``, ``"A"``, ``"one_to_one"``) for further
        computation; with ``"en"`` or ``"zh"`` values and headers are display text.
        """
        self._check_fitted()
        lang = require_lang_or_none(lang)
        volume, satisfaction = self._columns(customers)
        volume_level = _levels(volume, *self.volume_thresholds_)
        satisfaction_level = _levels(satisfaction, *self.satisfaction_thresholds_)
        cell_class = np.array([[self.class_map_[(v, s)] for s in LEVELS] for v in LEVELS])
        volume_keys = [VOLUME_STRATEGIES[v] for v in LEVELS]
        satisfaction_keys = [SATISFACTION_STRATEGIES[s] for s in LEVELS]
        out = pd.DataFrame(
            {
                "volume_level": pd.Categorical.from_codes(volume_level, list(LEVELS), ordered=True),
                "satisfaction_level": pd.Categorical.from_codes(satisfaction_level, list(LEVELS), ordered=True),
                "matrix_class": pd.Categorical(cell_class[volume_level, satisfaction_level],
                                               categories=list(MATRIX_CLASSES), ordered=True),
                "volume_strategy": pd.Categorical.from_codes(volume_level, volume_keys),
                "satisfaction_strategy": pd.Categorical.from_codes(satisfaction_level, satisfaction_keys),
            },
            index=customers.index,
        )
        if lang is None:
            return out
        return _display(out, lang)

    def table(self, customers: pd.DataFrame, measure: str = "customers", lang: str | None = None,
              sum_col: str | None = None) -> pd.DataFrame:
        """The 3 × 3 table: volume level (rows, high first) × satisfaction level (columns, low first).

        ``measure`` is ``"customers"`` (counts), ``"customer_share"``, ``"purchase_volume"`` (sum of
        ``volume_col``) or ``"volume_share"``; shares are of the whole table (they sum to 1).
        ``sum_col`` sums another column instead of ``volume_col`` for the volume measures,
        e.g. revenue when purchase volume is counted in units. Keys (``high``, ``mid``, ``low``;
        axes ``volume_level`` and ``satisfaction_level``) whatever the language; shown with
        :func:`crmlab.lang.localize` (``lang`` is a deprecated shortcut for it).
        """
        lang = require_lang_or_none(lang)
        grid = self._grid(customers, measure, sum_col)
        grid.index.name, grid.columns.name = "volume_level", "satisfaction_level"
        grid = with_display(grid, prefixes=("level_", ""), index=True)
        return grid if lang is None else localize(grid, lang)

    def _summed(self, customers: pd.DataFrame, sum_col: str | None) -> np.ndarray:
        volume, _ = self._columns(customers)
        if sum_col is None or sum_col == self.volume_col:
            return volume
        require_columns(customers, [sum_col])
        return numeric_column(customers, sum_col)

    def _grid(self, customers: pd.DataFrame, measure: str, sum_col: str | None = None) -> pd.DataFrame:
        if measure not in _MEASURES:
            raise ValueError(f"measure={measure!r}: use one of {_MEASURES}")
        cells = self.assign(customers)
        weights = 1.0 if measure.startswith("customer") else self._summed(customers, sum_col)
        counts = np.zeros((3, 3))
        np.add.at(counts, (cells["volume_level"].cat.codes.to_numpy(), cells["satisfaction_level"].cat.codes.to_numpy()),
                  weights)
        if measure.endswith("share"):
            total = counts.sum()
            counts = counts / total if total > 0 else counts
        grid = pd.DataFrame(counts[::-1], index=list(LEVELS[::-1]), columns=list(LEVELS))
        return grid.astype(np.int64) if measure == "customers" else grid

    def class_summary(self, customers: pd.DataFrame, lang: str | None = None,
                      sum_col: str | None = None) -> pd.DataFrame:
        """One row per class A–E: customers, their share, purchase volume (sum of ``volume_col``, or of
        ``sum_col``) and its share. Keys (index ``matrix_class``: ``"A"``...; columns ``customers``,
        ``customer_share``, ``purchase_volume``, ``volume_share``) whatever the language; shown with
        :func:`crmlab.lang.localize` (``lang`` is a deprecated shortcut for it)."""
        lang = require_lang_or_none(lang)
        cells = self.assign(customers)
        volume = self._summed(customers, sum_col)
        grouped = pd.DataFrame({"matrix_class": cells["matrix_class"], "volume": volume}).groupby(
            "matrix_class", observed=False)["volume"]
        table = pd.DataFrame({"customers": grouped.size().astype(np.int64), "purchase_volume": grouped.sum()})
        table["customer_share"] = table["customers"] / table["customers"].sum()
        total = table["purchase_volume"].sum()
        table["volume_share"] = table["purchase_volume"] / total if total > 0 else 0.0
        table = table[["customers", "customer_share", "purchase_volume", "volume_share"]]
        table.index = pd.Index([str(c) for c in table.index], name="matrix_class")
        table = with_display(table, prefixes=("matrix_class_", ""), index=True)
        return table if lang is None else localize(table, lang)

    def plot(self, customers: pd.DataFrame, measure: str = "customers", lang: str = "en",
             ax: Axes | None = None, sum_col: str | None = None, cax: Axes | None = None,
             vmax: float | None = None, colorbar: bool = True) -> Axes:
        """Heatmap of the 3 × 3 :meth:`table`, each cell annotated with its class and its number.

        The colour bar takes room from ``ax``, or is drawn into ``cax`` when given (a fixed
        axes, e.g. of a :class:`crmlab.live.LiveFigure`, so that redrawing does not add a new one).
        ``vmax`` fixes the top of the colour scale (from 0), so that several matrices, or the
        positions of a slider, share one scale; ``colorbar=False`` leaves the colour bar out
        (draw it once yourself with :func:`matrix_colour_scale`).

        Examples
        --------
        >>> rng = np.random.default_rng(1)
        >>> base = pd.DataFrame({"purchase_volume": rng.gamma(2, 50, 500), "satisfaction": rng.uniform(1, 5, 500)})
        >>> matrix = ValueSatisfactionMatrix("purchase_volume", "satisfaction").fit(base)
        >>> ax = matrix.plot(base, vmax=200, colorbar=False)
        >>> ax.images[0].get_clim()
        (0.0, 200.0)
        """
        check_lang(lang)
        grid = self._grid(customers, measure, sum_col)
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4.8))
        if vmax is not None and not (np.isfinite(vmax) and vmax > 0):
            raise ValueError(f"vmax must be a positive number, got {vmax!r}")
        image = ax.imshow(grid.to_numpy(dtype=float), cmap=MATRIX_CMAP, aspect="auto",
                          vmin=None if vmax is None else 0.0, vmax=vmax)
        peak = float(vmax if vmax is not None else grid.to_numpy().max()) or 1.0
        for i, volume in enumerate(grid.index):
            for j, satisfaction in enumerate(grid.columns):
                value = grid.iloc[i, j]
                text = f"{value:,.0f}" if measure in ("customers", "purchase_volume") else f"{100 * value:.1f}%"
                cls = self.class_map_[(volume, satisfaction)]
                colour = "white" if value > 0.6 * peak else "black"
                ax.text(j, i, f"{label(f'matrix_class_{cls}', lang)}\n{text}", ha="center", va="center",
                        color=colour, fontsize=11)
        ax.set_xticks(range(3), [label(f"level_{s}", lang) for s in grid.columns])
        ax.set_yticks(range(3), [label(f"level_{v}", lang) for v in grid.index], rotation=0)
        ax.set_xlabel(label("matrix_satisfaction", lang))
        ax.set_ylabel(label("purchase_volume", lang))
        ax.grid(False)
        ax.set_title(label("value_matrix_title", lang))
        if colorbar and cax is None:
            ax.figure.colorbar(image, ax=ax, label=label(measure, lang))
        elif colorbar:
            ax.figure.colorbar(image, cax=cax, label=label(measure, lang))
        return ax


def matrix_colour_scale(cax: Axes, vmax: float, measure: str = "customers", lang: str = "en",
                        extend: str = "neither") -> Axes:
    """The colour bar of :meth:`ValueSatisfactionMatrix.plot` with ``vmax`` (scale 0 to ``vmax``), drawn into ``cax``.

    Draw it once next to matrices plotted with ``vmax=..., colorbar=False`` (e.g. in a widget);
    ``extend="max"`` marks that cells above ``vmax`` take the darkest colour.

    Examples
    --------
    >>> fig, (ax, cax) = plt.subplots(1, 2, gridspec_kw={"width_ratios": [20, 1]})
    >>> tuple(map(float, matrix_colour_scale(cax, 500).get_ylim()))
    (0.0, 500.0)
    """
    check_lang(lang)
    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {_MEASURES}; got {measure!r}")
    if not (np.isfinite(vmax) and vmax > 0):
        raise ValueError(f"vmax must be a positive number, got {vmax!r}")
    return plotting.draw_colour_scale(cax, MATRIX_CMAP, 0.0, float(vmax), label(measure, lang), extend)


#: Former name of :func:`matrix_colour_scale` (it clashed with :func:`crmlab.plotting.draw_colour_scale`,
#: which takes a colour map and both ends); kept so existing notebooks keep working.
draw_colour_scale = matrix_colour_scale



def plot_churn_by_class(churned: pd.Series, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Bars of the share of each matrix class's customers who left (A green, E red, the rest grey).

    ``churned`` is a share in [0, 1] per class key (``A`` ... ``E``), e.g. the ``churned_by_end``
    column of :func:`class_profile` with ``lang=None``; each bar is annotated in percent.

    Examples
    --------
    >>> ax = plot_churn_by_class(pd.Series({"A": 0.1, "B": 0.2, "E": 0.5}))
    >>> [t.get_text() for t in ax.texts], tuple(map(float, ax.get_ylim()))
    (['10%', '20%', '50%'], (0.0, 100.0))
    """
    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    shares = 100 * churned
    ax.bar([label(f"matrix_class_{c}", lang) for c in shares.index], shares,
           color=["C2" if c == "A" else "C3" if c == "E" else "C7" for c in shares.index])
    for x, share in enumerate(shares):
        ax.text(x, share + 1, f"{share:.0f}%", ha="center")
    ax.set_xlabel(label("matrix_class", lang))
    ax.set_ylabel(label("churned_by_end", lang) + " (%)")
    ax.set_ylim(0, 100)
    ax.set_title(label("churn_by_class_title", lang))
    return ax

def value_satisfaction_cells(customers: pd.DataFrame, volume_col: str = "total_spend",
                             satisfaction_col: str = "satisfaction", *,
                             volume_thresholds: tuple[float, float] | None = None,
                             satisfaction_thresholds: tuple[float, float] | None = None,
                             quantiles: tuple[float, float] = (1 / 3, 2 / 3),
                             lang: str | None = None) -> pd.DataFrame:
    """Each customer's matrix cell, class A–E, volume strategy and satisfaction strategy.

    Shortcut for ``ValueSatisfactionMatrix(...).fit(customers).assign(customers, lang)``;
    see :class:`ValueSatisfactionMatrix` for the parameters.

    Examples
    --------
    >>> customers = pd.DataFrame({"total_spend": [5, 500], "satisfaction": [5, 1]})
    >>> value_satisfaction_cells(customers, volume_thresholds=(10, 100),
    ...                          satisfaction_thresholds=(2, 3))["volume_strategy"].tolist()
    ['retailer_managed', 'one_to_one']
    """
    matrix = ValueSatisfactionMatrix(volume_col, satisfaction_col, volume_thresholds=volume_thresholds,
                                     satisfaction_thresholds=satisfaction_thresholds, quantiles=quantiles)
    return matrix.fit(customers).assign(customers, lang)


def _display(cells: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = cells.copy()
    for column in ("volume_level", "satisfaction_level"):
        out[column] = out[column].cat.rename_categories(lambda v: label(f"level_{v}", lang))
    out["matrix_class"] = out["matrix_class"].cat.rename_categories(lambda c: label(f"matrix_class_{c}", lang))
    for column in ("volume_strategy", "satisfaction_strategy"):
        out[column] = translate_values(out[column], lang)
    return translate_columns(out, lang)


def matrix_class_table(class_map: Mapping[tuple[str, str], str] | None = None, lang: str = "en") -> pd.DataFrame:
    """The mapping of the nine cells to classes A–E, with each class's description and strategies.

    Examples
    --------
    >>> matrix_class_table()["Cells"].tolist()[0]
    'High volume × High satisfaction'
    """
    check_lang(lang)
    mapping = _check_class_map(DEFAULT_CLASS_MAP if class_map is None else class_map)
    rows = []
    for cls in MATRIX_CLASSES:
        cells = [(v, s) for v in LEVELS[::-1] for s in LEVELS[::-1] if mapping[(v, s)] == cls]
        if not cells:
            continue
        rows.append({
            "matrix_class": label(f"matrix_class_{cls}", lang),
            "cells": _SEPARATOR[lang].join(
                label("cell_name", lang).format(volume=label(f"level_{v}", lang), satisfaction=label(f"level_{s}", lang))
                for v, s in cells),
            "description": label(f"matrix_class_description_{cls}", lang),
            "volume_strategy": _SEPARATOR[lang].join(
                dict.fromkeys(label(VOLUME_STRATEGIES[v], lang) for v, _ in cells)),
            "satisfaction_strategy": _SEPARATOR[lang].join(
                dict.fromkeys(label(SATISFACTION_STRATEGIES[s], lang) for _, s in cells)),
        })
    return translate_columns(pd.DataFrame(rows), lang)


def matrix_customer_table(table: pd.DataFrame, customer_col: str, volume_col: str,
                          satisfaction_col: str) -> pd.DataFrame:
    """A researcher's customer table in the matrix's shape: one row per customer id.

    Checks ``table`` and returns a copy indexed by ``customer_col`` (index name
    ``customer_id``) with columns ``purchase_volume`` and ``satisfaction`` (floats) and
    every other column kept. Errors name the researcher's own column and count the bad
    rows: a missing column, missing or duplicated customer ids, missing or non-numeric
    values, negative volume. Nothing is dropped.

    Examples
    --------
    >>> raw = pd.DataFrame({"client": ["k1", "k2"], "orders": [3, 0], "csat": [9, 4]})
    >>> matrix_customer_table(raw, "client", "orders", "csat").loc["k1"].tolist()
    [3.0, 9.0]
    """
    require_table(table)
    require_columns(table, [customer_col, volume_col, satisfaction_col])
    ids = table[customer_col]
    missing = int(ids.isna().sum())
    if missing:
        raise ValidationError(f"column {customer_col!r} has {missing} row(s) without a customer id",
                              column=customer_col, rows=missing, total=len(ids))
    duplicated = int(ids.duplicated().sum())
    if duplicated:
        raise ValidationError(f"column {customer_col!r} has {duplicated} duplicated customer id(s); the matrix "
                              "needs one row per customer (sum a transaction log per customer first)",
                              column=customer_col, rows=duplicated, total=len(ids))
    volume = numeric_column(table, volume_col, non_negative=True)
    satisfaction = numeric_column(table, satisfaction_col)
    rest = table.drop(columns=[customer_col, volume_col, satisfaction_col])
    rest = rest.drop(columns=[c for c in ("purchase_volume", "satisfaction") if c in rest.columns])
    out = pd.DataFrame({"purchase_volume": volume, "satisfaction": satisfaction},
                       index=pd.Index(ids.to_numpy(), name="customer_id"))
    return out.join(rest.set_axis(out.index))


def class_profile(matrix_class: pd.Series, values: pd.DataFrame, lang: str | None = "en") -> pd.DataFrame:
    """Customers and the mean of each column of ``values`` per matrix class A–E.

    ``matrix_class`` holds class keys (``"A"`` ... ``"E"``, e.g. the ``matrix_class``
    column of :meth:`ValueSatisfactionMatrix.assign`) and has the index of ``values``.
    True/false columns give the share of customers for whom they are true (the share who
    churned, say). Classes without customers are left out. Headers that are vocabulary
    keys and the class names are translated unless ``lang=None``.

    Examples
    --------
    >>> classes = pd.Series(["A", "E", "E"])
    >>> values = pd.DataFrame({"churned": [False, True, False], "complaints": [0, 3, 1]})
    >>> class_profile(classes, values, lang=None).to_numpy().tolist()
    [[1.0, 0.0, 0.0], [2.0, 0.5, 2.0]]
    """
    lang = require_lang_or_none(lang)
    if not isinstance(matrix_class, pd.Series):
        raise TypeError(f"matrix_class must be a pandas Series of classes, got {type(matrix_class).__name__}")
    require_table(values, "table of values")
    if len(matrix_class) != len(values) or not matrix_class.index.equals(values.index):
        raise ValueError(f"matrix_class ({len(matrix_class)} rows) and values ({len(values)} rows) must share "
                         "one index, the customers")
    keys = matrix_class.astype(object)
    missing = int(keys.isna().sum())
    if missing:
        raise ValueError(f"matrix_class has {missing} missing class(es)")
    unknown = sorted({str(c) for c in keys if c not in MATRIX_CLASSES})
    if unknown:
        raise ValueError(f"matrix_class holds {unknown}; use the keys {MATRIX_CLASSES} (assign with lang=None)")
    columns = {}
    for column in values.columns:
        if pd.api.types.is_bool_dtype(values[column]):
            if values[column].isna().any():
                raise ValidationError(f"column {column!r} has {int(values[column].isna().sum())} missing value(s)",
                                      column=column, rows=int(values[column].isna().sum()), total=len(values))
            columns[column] = values[column].to_numpy(dtype=float)
        else:
            columns[column] = numeric_column(values, column)
    frame = pd.DataFrame(columns, index=values.index)
    grouped = frame.groupby(pd.Categorical(keys, categories=list(MATRIX_CLASSES)), observed=True)
    table = grouped.mean()
    table.insert(0, "customers", grouped.size().astype(np.int64))
    table.index = pd.Index(table.index.astype(str), name="matrix_class")
    if lang is None:
        return table
    table.index = pd.Index([label(f"matrix_class_{c}", lang) for c in table.index], name="matrix_class")
    return translate_columns(table, lang)


register(
    {
        "level_low": {"en": "Low", "zh": "低"},
        "level_mid": {"en": "Mid", "zh": "中"},
        "level_high": {"en": "High", "zh": "高"},
        "purchase_volume": {"en": "Purchase volume", "zh": "购买量"},
        "matrix_axis": {"en": "Axis", "zh": "维度"},
        "volume_level": {"en": "Volume level", "zh": "购买量档次"},
        "satisfaction_level": {"en": "Satisfaction level", "zh": "满意度档次"},
        "matrix_class": {"en": "Class", "zh": "客户类别"},
        "cells": {"en": "Cells", "zh": "所含格子"},
        "cell_name": {"en": "{volume} volume × {satisfaction} satisfaction",
                      "zh": "购买量{volume}×满意度{satisfaction}"},
        "volume_strategy": {"en": "Service by volume", "zh": "按购买量的服务方式"},
        "satisfaction_strategy": {"en": "Relationship by satisfaction", "zh": "按满意度的关系策略"},
        "lower_threshold": {"en": "Lower threshold (low ≤)", "zh": "下限（不超过即为低）"},
        "upper_threshold": {"en": "Upper threshold (high >)", "zh": "上限（超过即为高）"},
        "customer_share": {"en": "Share of customers", "zh": "客户占比"},
        "volume_share": {"en": "Share of purchase volume", "zh": "购买量占比"},
        "matrix_satisfaction": {"en": "Satisfaction", "zh": "满意度"},
        "value_matrix_title": {"en": "Purchase volume × satisfaction", "zh": "购买量 × 满意度矩阵"},
        "matrix_class_A": {"en": "A", "zh": "A类"},
        "matrix_class_B": {"en": "B", "zh": "B类"},
        "matrix_class_C": {"en": "C", "zh": "C类"},
        "matrix_class_D": {"en": "D", "zh": "D类"},
        "matrix_class_E": {"en": "E", "zh": "E类"},
        "matrix_class_description_A": {
            "en": "Buy the most and are very satisfied: the most valuable, most loyal customers; "
                  "only about 1-2% leave a year",
            "zh": "买得最多且十分满意：价值最高、最为忠诚，年流失约1%至2%",
        },
        "matrix_class_description_B": {
            "en": "Satisfied and loyal, but buy less than A: grow them with a long-term plan and regular calls",
            "zh": "满意且忠诚但买得比A类少：靠长期培育计划和定期电话往来加深关系",
        },
        "matrix_class_description_C": {
            "en": "Small buyers, very many of them: serve them through retailers, who pass on their feedback",
            "zh": "单个买得少但人数众多：经零售商服务，并由零售商回传意见",
        },
        "matrix_class_description_D": {
            "en": "Buy a fair amount but are only moderately satisfied, often after poor communication: "
                  "call them often and settle complaints fast",
            "zh": "买得不少但满意度平平，常因沟通不畅：多联系、尽快化解不满",
        },
        "matrix_class_description_E": {
            "en": "Buy a lot yet are dissatisfied and complain: the first to leave when a rival appears; "
                  "find the causes and fix them thoroughly",
            "zh": "买得多却不满、常抱怨：对手一来最先离开；要查清原因、彻底整改",
        },
        "one_to_one": {"en": "One-to-one (key-account manager)", "zh": "一对一（客户经理专人负责）"},
        "one_to_many": {"en": "One-to-many (regional sales staff)", "zh": "一对多（区域销售人员）"},
        "retailer_managed": {"en": "Retailer-managed", "zh": "零售商管理"},
        "partner": {"en": "Partner", "zh": "伙伴"},
        "improve": {"en": "Improve", "zh": "改善"},
        "correct": {"en": "Correct", "zh": "纠正"},
        "churned_by_end": {"en": "Share who left by the end", "zh": "期末前已流失的比例"},
        "churn_by_class_title": {"en": "Who really left, by matrix class", "zh": "各类客户的真实流失比例"},
        "volume_quantiles": {"en": "Volume quantiles", "zh": "购买量分位点"},
        "satisfaction_cuts": {"en": "Satisfaction cuts", "zh": "满意度分界"},
    }
)


register({"matrix_free_riders": {"en": "Free riders", "zh": "搭便车客户"}})


def free_riders(volume: pd.Series, service_cost: float, margin: float) -> pd.DataFrame:
    """Free riders (搭便车) of a uniform service standard: customers whose margin does not pay
    for the service everybody gets.

    With one service standard for all, every customer costs ``service_cost`` to serve and
    brings ``margin`` x volume; customers with a negative contribution ride on the others.

    Returns
    -------
    pandas.DataFrame
        Index of ``volume``: ``volume``, ``contribution`` (margin x volume - service cost) and
        ``free_rider`` (contribution below 0).

    Examples
    --------
    >>> free_riders(pd.Series([10.0, 100.0, 40.0]), service_cost=10, margin=0.3)["free_rider"].tolist()
    [True, False, False]
    """
    if not isinstance(volume, pd.Series):
        raise TypeError("volume must be a pandas Series indexed by customer")
    numbers = pd.to_numeric(volume, errors="coerce")
    bad = int(numbers.isna().sum() + (numbers < 0).sum())
    if bad:
        raise ValueError(f"volume holds {bad} missing, non-numeric or negative value(s)")
    if not np.isfinite(service_cost) or service_cost < 0:
        raise ValueError(f"service_cost must be a number of at least 0; got {service_cost!r}")
    if not 0 < margin <= 1:
        raise ValueError(f"margin must be above 0 and at most 1; got {margin!r}")
    contribution = margin * numbers - service_cost
    return pd.DataFrame({"volume": numbers, "contribution": contribution, "free_rider": contribution < 0},
                        index=volume.index)


_LIST_SEPARATOR = {"en": ", ", "zh": "，"}  # joins the items of one printed sentence

# the sentences lecture 05 prints for the reader; "en" reproduces the lecture's English output exactly
register(
    {
        "value_matrix_customers_sentence": {
            "en": "{n:,} customers; purchase volume from {low:,.0f} to {high:,.0f} (median {median:,.0f}); "
                  "satisfaction from {sat_low:g} to {sat_high:g}",
            "zh": "共 {n:,} 位客户；购买量从 {low:,.0f} 到 {high:,.0f}（中位数 {median:,.0f}）；"
                  "满意度从 {sat_low:g} 到 {sat_high:g}",
        },
        "value_matrix_cuts_sentence": {
            "en": "Volume cuts: {volume_low:,.2f} and {volume_high:,.2f}; "
                  "satisfaction cuts: {satisfaction_low:g} and {satisfaction_high:g}",
            "zh": "购买量分界：{volume_low:,.2f} 和 {volume_high:,.2f}；满意度分界：{satisfaction_low:g} 和 {satisfaction_high:g}",
        },
        "value_matrix_class_counts": {"en": "Customers per class: {items}", "zh": "各类客户数：{items}"},
        "value_matrix_class_count_item": {"en": "{cls} {n:,}", "zh": "{cls} {n:,} 位"},
        "value_matrix_free_riders_sentence": {
            "en": "service cost {cost:.2f} per customer, margin {margin:.0%}: {share:.0%} of customers are free riders; "
                  "the others pay {subsidy:,.0f} for them",
            "zh": "每位客户的服务成本 {cost:.2f}，利润率 {margin:.0%}：{share:.0%} 的客户是搭便车客户，"
                  "其余客户为他们负担了 {subsidy:,.0f}",
        },
        "value_matrix_top_motives": {"en": "most common motive per class: {items}",
                                     "zh": "各类客户最常见的购买动机：{items}"},
        "value_matrix_top_motive_item": {"en": "{cls} {motive}", "zh": "{cls}为“{motive}”"},
        "value_matrix_no_motive": {
            "en": "no purchase_motive column in this customer table: the perceived-value view is skipped",
            "zh": "这张客户表没有购买动机一列（purchase_motive）：跳过客户感知价值的分析",
        },
        "value_matrix_motive_header": {"en": "purchase_motive", "zh": "购买动机"},
        "value_matrix_truth_sentence": {
            "en": "Left by the end: class A {a_left:.1f}%, class E {e_left:.1f}%; mean true dropout probability: "
                  "A {a_dropout:.3f}, E {e_dropout:.3f}",
            "zh": "期末前已流失：A类 {a_left:.1f}%，E类 {e_left:.1f}%；平均真实流失概率："
                  "A类 {a_dropout:.3f}，E类 {e_dropout:.3f}",
        },
        "value_matrix_no_truth": {
            "en": "Your table has no true_alive_at_end / true_dropout_prob columns: no truth to check against.",
            "zh": "你的表没有真实结局列（true_alive_at_end / true_dropout_prob）：没有真值可供检验。",
        },
        "value_matrix_loyalty_setting": {"en": "satisfaction_from_loyalty = {k:g}",
                                         "zh": "满意度由忠诚度生成的强度 = {k:g}"},
        "value_matrix_loyalty_gaps": {"en": "share who left, class E minus class A: {items}",
                                      "zh": "期末前已流失的比例，E类减A类：{items}"},
        "value_matrix_loyalty_gap_item": {"en": "{gap:+.1%} with satisfaction_from_loyalty = {k:g}",
                                          "zh": "满意度由忠诚度生成的强度为 {k:g} 时相差 {gap:+.1%}"},
    }
)


def describe_class_counts(counts: Mapping[str, int], lang: str = "en") -> str:
    """One sentence for the reader: the customers of each matrix class (``counts``: class key → customers).

    Examples
    --------
    >>> describe_class_counts({"A": 740, "C": 2000})
    'Customers per class: A 740, C 2,000'
    >>> describe_class_counts({"A": 740, "C": 2000}, "zh")
    '各类客户数：A类 740 位，C类 2,000 位'
    """
    check_lang(lang)
    items = _LIST_SEPARATOR[lang].join(
        label("value_matrix_class_count_item", lang).format(cls=label(f"matrix_class_{c}", lang), n=int(n))
        for c, n in counts.items())
    return label("value_matrix_class_counts", lang).format(items=items)


def describe_top_motives(top: Mapping[str, str], lang: str = "en") -> str:
    """One sentence for the reader: the most common purchase motive of each class (``top``: class key → motive key).

    Motive keys are vocabulary terms (the simulator registers ``"low_price"``, ``"product_quality"`` ...).

    Examples
    --------
    >>> import crmlab.simulate  # registers the names of the purchase motives
    >>> describe_top_motives({"A": "product_quality", "E": "novelty"})
    'most common motive per class: A Product quality, E Novelty'
    >>> describe_top_motives({"A": "product_quality", "E": "novelty"}, "zh")
    '各类客户最常见的购买动机：A类为“产品品质”，E类为“尝鲜”'
    """
    check_lang(lang)
    items = _LIST_SEPARATOR[lang].join(
        label("value_matrix_top_motive_item", lang).format(cls=label(f"matrix_class_{c}", lang),
                                                           motive=label(str(m), lang))
        for c, m in top.items())
    return label("value_matrix_top_motives", lang).format(items=items)


def describe_loyalty_gaps(gaps: Mapping[float, float], lang: str = "en") -> str:
    """One sentence for the reader: the share who left in class E minus class A, for each setting of the
    simulator's ``satisfaction_from_loyalty`` (``gaps``: setting → gap; the largest setting first).

    Examples
    --------
    >>> describe_loyalty_gaps({0.0: 0.06, 1.0: 0.363})
    'share who left, class E minus class A: +36.3% with satisfaction_from_loyalty = 1, +6.0% with satisfaction_from_loyalty = 0'
    >>> describe_loyalty_gaps({0.0: 0.06, 1.0: 0.363}, "zh")
    '期末前已流失的比例，E类减A类：满意度由忠诚度生成的强度为 1 时相差 +36.3%，满意度由忠诚度生成的强度为 0 时相差 +6.0%'
    """
    check_lang(lang)
    items = _LIST_SEPARATOR[lang].join(label("value_matrix_loyalty_gap_item", lang).format(gap=gap, k=k)
                                       for k, gap in sorted(gaps.items(), reverse=True))
    return label("value_matrix_loyalty_gaps", lang).format(items=items)
