"""Response models for direct-marketing campaigns: who answers an offer, and how deep to mail.

* :class:`ResponseModel` — a logistic regression (:func:`crmlab.logistic.fit_logistic`) of a 0/1 response on a
  campaign table's predictors; text columns become dummies (first level dropped), the
  coefficients are reported as odds ratios (优势比) with 95% intervals.
* :func:`split_train_test` — a seeded random train/test split of a table.
* :func:`gains_table` — contacts sorted by score and cut into equal groups (deciles, 十分位):
  responses, response rate, cumulative gains (累计增益) and lift (提升度) per group.
* :func:`auc` — area under the ROC curve, as the Mann-Whitney probability that a responder
  scores above a non-responder.
* :func:`break_even_response_rate`, :func:`depth_economics` — targeting economics: profit and
  ROI of mailing the top *k* groups, and the depth that maximises profit.

Examples
--------
>>> y = [1, 0, 1, 0, 0, 1, 0, 0, 0, 0]
>>> s = [.9, .8, .7, .6, .5, .4, .3, .2, .15, .1]
>>> gains_table(y, s, groups=5)["responses"].tolist()
[1, 1, 1, 0, 0]
>>> round(auc(y, s), 4)
0.8095
>>> break_even_response_rate(cost_per_contact=2.0, value_per_response=50.0)
0.04
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from scipy import stats

from typing import TYPE_CHECKING

from ._table_checks import numeric_column, require_columns, require_complete, require_table
from .estimators import Estimator
from .lang import check_lang, label, localize, register
from .logistic import fit_logistic, logistic
from .validation import ValidationError

if TYPE_CHECKING:
    from .params import Rule

__all__ = [
    "BANK_PREDICTORS",
    "CAMPAIGN_PREDICTORS",
    "customer_predictors",
    "compare_predictor_sets",
    "ResponseModel",
    "split_train_test",
    "gains_table",
    "auc",
    "break_even_response_rate",
    "depth_economics",
    "best_depth",
    "binary_response",
    "column_list_rule",
    "plot_cumulative_gains",
    "plot_lift",
    "plot_depth_economics",
]

#: Predictors of the Bank Marketing response model: everything known *before* the call.
#: ``duration`` (length of the call) is left out: it is only known after the call and a
#: call of 0 seconds is always a "no", so it leaks the outcome. ``day`` and ``month`` are
#: dates of the current contact (kept: ``month`` as seasonality; ``day`` of month dropped).
BANK_PREDICTORS: tuple[str, ...] = ("age", "job", "marital", "education", "default", "balance", "housing",
                                    "loan", "contact", "month", "campaign", "pdays", "previous", "poutcome")

#: Predictors of Bank Marketing that describe how the *campaign* was run, not the customer: the
#: month of the call, the channel (cell phone, landline, unknown) and the number of calls in this
#: campaign. They predict well because the bank called at different times and by different means,
#: but a firm cannot use them to choose *whom* to contact next time.
CAMPAIGN_PREDICTORS: tuple[str, ...] = ("contact", "month", "campaign")


def customer_predictors(predictors: Sequence[str], campaign: Sequence[str] = CAMPAIGN_PREDICTORS) -> list[str]:
    """The predictors that describe the customer: ``predictors`` without the campaign-scheduling ones.

    Examples
    --------
    >>> customer_predictors(["age", "month", "balance", "contact"])
    ['age', 'balance']
    """
    dropped = set(campaign)
    kept = [c for c in predictors if c not in dropped]
    if not kept:
        raise ValueError(f"no customer predictor left after removing the campaign columns {sorted(dropped)}")
    return kept


def compare_predictor_sets(train: pd.DataFrame, test: pd.DataFrame, response_col: str,
                           predictor_sets: dict[str, Sequence[str]], groups: int = 10) -> tuple[pd.DataFrame, dict]:
    """Fit one logit per predictor set on ``train`` and judge each on ``test``: AUC, top-decile lift, top-30% gain.

    Returns
    -------
    table : pandas.DataFrame
        Index = the set names; columns ``predictors`` (count), ``auc``, ``top_decile_lift``,
        ``top3_gain`` (share of responders in the top 30% of scores) and ``log_likelihood``.
    models : dict
        The fitted :class:`ResponseModel` of each set.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = pd.DataFrame({"x": rng.normal(size=400), "noise": rng.normal(size=400)})
    >>> t["y"] = (rng.random(400) < 1 / (1 + np.exp(-2 * t["x"]))).astype(int)
    >>> table, _ = compare_predictor_sets(t.iloc[:300], t.iloc[300:], "y", {"x": ["x"], "noise": ["noise"]})
    >>> bool(table.loc["x", "auc"] > 0.7 > table.loc["noise", "auc"])
    True
    """
    rows, models = {}, {}
    y = binary_response(test, response_col)
    for name, columns in predictor_sets.items():
        model = ResponseModel(response_col, list(columns)).fit(train)
        score = model.predict_proba(test)
        gains = gains_table(y, score, groups=groups)
        rows[name] = {"predictors": len(columns), "auc": auc(y, score), "top_decile_lift": float(gains["lift"].iloc[0]),
                      "top3_gain": float(gains["cum_response_share"].iloc[min(2, len(gains) - 1)]),
                      "log_likelihood": float(model.log_likelihood_)}
        models[name] = model
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "model"
    return table, models


def column_list_rule() -> "Rule":
    """A :mod:`crmlab.params` rule: ``None`` (the bundled predictors) or a non-empty list of column names.

    Examples
    --------
    >>> column_list_rule().convert(["age", "region"])
    ['age', 'region']
    """
    from .params import Rule

    def convert(value: object) -> list[str] | None:
        if value is None:
            return None
        if not isinstance(value, list | tuple) or not value:
            raise ValueError
        if not all(isinstance(v, str) and v.strip() for v in value) or len(set(value)) != len(value):
            raise ValueError
        return list(value)

    return Rule("None (the Bank Marketing predictors) or a list of distinct column names", convert)


def binary_response(table: pd.DataFrame, column: str) -> np.ndarray:
    """The 0/1 values of ``column`` as ints, or an error naming the column and the bad rows.

    Accepts 0/1 numbers, ``True``/``False`` and the texts ``"yes"``/``"no"`` (any case).

    Examples
    --------
    >>> binary_response(pd.DataFrame({"y": ["yes", "no", "Yes"]}), "y").tolist()
    [1, 0, 1]
    """
    require_columns(table, [column], "campaign table")
    values = table[column]
    missing = int(values.isna().sum())
    if missing:
        raise ValidationError(f"the response column {column!r} has {missing} missing value(s); fill or drop those "
                              "rows first", column=column, rows=missing, total=len(values))
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=int)
    if pd.api.types.is_numeric_dtype(values):
        array = values.to_numpy(dtype=float)
    else:
        mapped = values.astype(str).str.strip().str.lower().map({"yes": 1.0, "no": 0.0, "1": 1.0, "0": 0.0,
                                                                  "true": 1.0, "false": 0.0})
        array = mapped.to_numpy(dtype=float, na_value=np.nan)
    bad = int((~np.isin(array, [0.0, 1.0])).sum())
    if bad:
        raise ValidationError(f"the response column {column!r} must hold 0/1 (or yes/no); {bad} row(s) hold something "
                              "else", column=column, rows=bad, total=len(values))
    return array.astype(int)


def split_train_test(table: pd.DataFrame, test_share: float = 0.3, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows at random into a training and a test table (seeded, original order kept in each).

    Examples
    --------
    >>> train, test = split_train_test(pd.DataFrame({"x": range(10)}), test_share=0.3, seed=1)
    >>> len(train), len(test)
    (7, 3)
    """
    require_table(table, "campaign table")
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must lie strictly between 0 and 1, got {test_share}")
    n_test = int(round(test_share * len(table)))
    if n_test < 1 or n_test >= len(table):
        raise ValueError(f"a test share of {test_share} leaves no rows in one part of {len(table)} rows")
    rng = np.random.default_rng(seed)
    is_test = np.zeros(len(table), dtype=bool)
    is_test[rng.choice(len(table), size=n_test, replace=False)] = True
    return table.loc[~is_test], table.loc[is_test]


class ResponseModel(Estimator):
    """Logistic response model (:func:`crmlab.logistic.fit_logistic`), a scikit-learn estimator.

    Parameters
    ----------
    response_col
        The 0/1 (or yes/no) response column.
    predictors
        Predictor columns. Numeric columns enter as they are; text / category columns as
        dummies with their first level (in category or sorted order) as the baseline.

    Attributes
    ----------
    params_ : pandas.Series
        Coefficients on the log-odds scale (``const`` first).
    standard_errors_ : pandas.Series
        Their standard errors.
    odds_ratios_ : pandas.DataFrame
        ``odds_ratio``, ``ci_low``, ``ci_high`` (95%) and ``p_value`` per term.
    log_likelihood_ : float
        Full log-likelihood at the estimate.
    n_obs_, base_rate_ : int, float
        Rows used and their mean response.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=2000)
    >>> table = pd.DataFrame({"x": x, "y": (rng.random(2000) < 1 / (1 + np.exp(1 - 2 * x))).astype(int)})
    >>> model = ResponseModel("y", ["x"]).fit(table)
    >>> round(float(model.params_["x"]), 1)
    2.0
    """

    def __init__(self, response_col: str, predictors: Sequence[str]) -> None:
        self.response_col = response_col
        self.predictors = predictors

    def _check(self, table: pd.DataFrame, with_response: bool) -> None:
        require_table(table, "campaign table")
        if isinstance(self.predictors, str) or not list(self.predictors):
            raise ValidationError("a response model needs a list of at least one predictor column",
                                  parameter="predictors")
        if self.response_col in self.predictors:
            raise ValidationError(f"the response column {self.response_col!r} cannot also be a predictor",
                                  column=self.response_col)
        columns = list(self.predictors) + ([self.response_col] if with_response else [])
        require_columns(table, columns, "campaign table")
        require_complete(table, list(self.predictors), "campaign table")

    def _design(self, table: pd.DataFrame, fitting: bool) -> pd.DataFrame:
        parts = []
        if fitting:
            self.levels_: dict[str, list] = {}
        for column in self.predictors:
            values = table[column]
            if pd.api.types.is_bool_dtype(values):
                parts.append(values.astype(float).rename(column))
            elif pd.api.types.is_numeric_dtype(values):
                parts.append(pd.Series(numeric_column(table, column), index=table.index, name=column))
            else:
                if fitting:
                    if isinstance(values.dtype, pd.CategoricalDtype):
                        levels = [v for v in values.cat.categories if (values == v).any()]
                    else:
                        levels = sorted(values.astype(str).unique())
                    self.levels_[column] = levels
                levels = self.levels_[column]
                text = values.astype(str) if not isinstance(values.dtype, pd.CategoricalDtype) else values
                unknown = int((~text.isin(levels)).sum())
                if unknown:
                    raise ValidationError(f"column {column!r} has {unknown} row(s) with a level the model was not "
                                          "fitted on", column=column, rows=unknown, total=len(values))
                for level in levels[1:]:
                    parts.append(pd.Series((text == level).to_numpy(dtype=float), index=table.index,
                                           name=f"{column}[{level}]"))
        design = pd.concat(parts, axis=1)
        design.insert(0, "const", 1.0)
        return design

    def fit(self, table: pd.DataFrame) -> "ResponseModel":
        """Fit the logit by maximum likelihood (Newton, :func:`crmlab.logistic.fit_logistic`) and return ``self``."""
        self._check(table, with_response=True)
        y = binary_response(table, self.response_col)
        if y.min() == y.max():
            raise ValueError(f"the response column {self.response_col!r} holds only {y[0]}s: nothing to model")
        design = self._design(table, fitting=True)
        constant = [c for c in design.columns[1:] if design[c].nunique() < 2]
        if constant:
            raise ValueError(f"predictor term(s) {constant} do not vary in the campaign table")
        result = fit_logistic(design.iloc[:, 1:].to_numpy(), y, max_iter=100)
        self.params_ = pd.Series(result.params, index=design.columns)
        self.standard_errors_ = pd.Series(result.standard_errors, index=design.columns)
        self.log_likelihood_ = result.log_likelihood
        self.n_obs_ = int(len(y))
        self.base_rate_ = float(y.mean())
        self.odds_ratios_ = result.table(design.columns)
        return self

    def predict_proba(self, table: pd.DataFrame) -> pd.Series:
        """Predicted response probability of each row of ``table`` (a Series named ``response_prob``, same index)."""
        self._check_fitted()
        self._check(table, with_response=False)
        design = self._design(table, fitting=False)
        eta = design.to_numpy() @ self.params_.to_numpy()
        return pd.Series(logistic(eta), index=table.index, name="response_prob")


def _scores(y: Sequence[float] | np.ndarray, score: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    score = np.asarray(score, dtype=float)
    if y.ndim != 1 or y.shape != score.shape:
        raise ValueError(f"responses and scores must be 1-d of the same length, got {y.shape} and {score.shape}")
    if len(y) == 0:
        raise ValueError("no contacts to evaluate")
    bad = int((~np.isin(y, [0.0, 1.0])).sum())
    if bad:
        raise ValueError(f"responses must be 0 or 1; {bad} value(s) are not")
    bad = int((~np.isfinite(score)).sum())
    if bad:
        raise ValueError(f"scores must be finite numbers; {bad} value(s) are not")
    return y, score


def gains_table(y: Sequence[float] | np.ndarray, score: Sequence[float] | np.ndarray, groups: int = 10) -> pd.DataFrame:
    """Gains and lift by score group (decile for ``groups=10``).

    Contacts are sorted by score, highest first (ties keep their order), and cut into
    ``groups`` parts whose sizes differ by at most one (the first parts get the extra rows).

    Returns
    -------
    pandas.DataFrame
        Index ``group`` 1..groups (1 = best scores); columns ``contacts``, ``responses``,
        ``response_rate``, ``lift`` (rate / overall rate), ``cum_contacts``,
        ``cum_responses``, ``cum_response_rate``, ``cum_contact_share``,
        ``cum_response_share`` (the cumulative gain) and ``cum_lift``.
    """
    y, score = _scores(y, score)
    if not isinstance(groups, int | np.integer) or not 1 <= groups <= len(y):
        raise ValueError(f"groups must be a whole number from 1 to the number of contacts ({len(y)}), got {groups}")
    order = np.argsort(-score, kind="stable")
    sizes = np.full(groups, len(y) // groups)
    sizes[: len(y) % groups] += 1
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    sorted_y = y[order]
    responses = np.add.reduceat(sorted_y, bounds[:-1])
    overall = y.mean()
    table = pd.DataFrame({"contacts": sizes, "responses": responses.astype(int)},
                         index=pd.Index(np.arange(1, groups + 1), name="group"))
    table["response_rate"] = table["responses"] / table["contacts"]
    table["lift"] = table["response_rate"] / overall if overall > 0 else np.nan
    table["cum_contacts"] = table["contacts"].cumsum()
    table["cum_responses"] = table["responses"].cumsum()
    table["cum_response_rate"] = table["cum_responses"] / table["cum_contacts"]
    table["cum_contact_share"] = table["cum_contacts"] / len(y)
    total = y.sum()
    table["cum_response_share"] = table["cum_responses"] / total if total > 0 else 0.0
    table["cum_lift"] = table["cum_response_rate"] / overall if overall > 0 else np.nan
    return table


def auc(y: Sequence[float] | np.ndarray, score: Sequence[float] | np.ndarray) -> float:
    """Area under the ROC curve: P(score of a responder > score of a non-responder), ties count 1/2.

    Computed from the ranks (Mann-Whitney U), so it needs no threshold sweep.
    """
    y, score = _scores(y, score)
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        raise ValueError("the AUC needs both responders and non-responders")
    ranks = stats.rankdata(score)
    u = ranks[y == 1].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def break_even_response_rate(cost_per_contact: float, value_per_response: float) -> float:
    """The response rate at which a contact pays for itself: cost / value.

    Contacting a group pays when its expected response rate is above this rate.
    """
    if not np.isfinite(cost_per_contact) or cost_per_contact < 0:
        raise ValueError(f"cost_per_contact must be a number of at least 0, got {cost_per_contact}")
    if not np.isfinite(value_per_response) or value_per_response <= 0:
        raise ValueError(f"value_per_response must be a positive number, got {value_per_response}")
    return float(cost_per_contact / value_per_response)


def depth_economics(gains: pd.DataFrame, cost_per_contact: float, value_per_response: float) -> pd.DataFrame:
    """Cost, revenue, profit and ROI of mailing the top ``k`` groups of a :func:`gains_table`, k = 0..groups.

    ``profit = value × responses − cost × contacts``; ``roi = profit / cost`` (NaN when nothing is
    spent, i.e. at depth 0 or with a zero cost).
    """
    require_columns(gains, ["contacts", "responses"], "gains table")
    break_even_response_rate(cost_per_contact, value_per_response)
    contacts = np.concatenate([[0], gains["contacts"].cumsum().to_numpy()])
    responses = np.concatenate([[0], gains["responses"].cumsum().to_numpy()])
    out = pd.DataFrame({"contacts": contacts, "responses": responses},
                       index=pd.Index(np.arange(len(contacts)), name="depth"))
    out["contact_share"] = out["contacts"] / contacts[-1]
    out["cost"] = cost_per_contact * out["contacts"]
    out["revenue"] = value_per_response * out["responses"]
    out["profit"] = out["revenue"] - out["cost"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["roi"] = np.where(out["cost"] > 0, out["profit"] / out["cost"].where(out["cost"] > 0), np.nan)
    return out


def best_depth(economics: pd.DataFrame) -> int:
    """The depth (number of top groups mailed) with the highest profit; the shallowest on a tie."""
    require_columns(economics, ["profit"], "depth economics table")
    return int(economics["profit"].to_numpy().argmax())


def plot_cumulative_gains(gains: pd.DataFrame, lang: str = "en", ax: Axes | None = None,
                          depth: int | None = None) -> Axes:
    """Cumulative gains chart: share of responders reached against share of contacts mailed.

    With ``depth`` (number of top groups mailed) the point reached is marked and the shares are
    written in a note (for a mailing-depth slider; the title stays fixed).
    """
    check_lang(lang)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5.5, 4))
    x = np.concatenate([[0], gains["cum_contact_share"].to_numpy()]) * 100
    y = np.concatenate([[0], gains["cum_response_share"].to_numpy()]) * 100
    ax.plot(x, y, marker="o", color="C0", label=label("response_model", lang))
    ax.plot([0, 100], [0, 100], linestyle="--", color="0.5", label=label("random_mailing", lang))
    if depth is not None:
        if not 0 <= depth <= len(gains):
            raise ValueError(f"depth must lie between 0 and {len(gains)}, got {depth}")
        ax.plot([x[depth]], [y[depth]], marker="o", markersize=12, color="C1")
        ax.vlines(x[depth], 0, y[depth], color="C1", linestyle=":")
        ax.text(0.98, 0.30, f"{label('contacts_mailed_pct', lang)}: {x[depth]:.0f}%\n"
                f"{label('responders_reached_pct', lang)}: {y[depth]:.1f}%", transform=ax.transAxes,
                ha="right", va="bottom", fontsize="small")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 105)
    ax.set_xlabel(label("contacts_mailed_pct", lang))
    ax.set_ylabel(label("responders_reached_pct", lang))
    ax.set_title(label("cumulative_gains", lang))
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_lift(gains: pd.DataFrame, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Lift by group (bars) and cumulative lift (line); 1 = no better than mailing at random."""
    check_lang(lang)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5.5, 4))
    ax.bar(gains.index, gains["lift"], color="C0", alpha=0.8, label=label("lift", lang))
    ax.plot(gains.index, gains["cum_lift"], color="C1", marker="o", label=label("cum_lift", lang))
    ax.axhline(1.0, color="0.4", linestyle="--", linewidth=1)
    ax.set_xticks(gains.index)
    ax.set_xlabel(label("score_group", lang))
    ax.set_ylabel(label("lift", lang))
    ax.set_title(label("lift_by_decile", lang))
    ax.legend(fontsize="small")
    return ax


def plot_depth_economics(gains: pd.DataFrame, cost_per_contact: float, value_per_response: float,
                         lang: str = "en", axes: Sequence[Axes] | None = None) -> Sequence[Axes]:
    """Response rate by group with the break-even line, profit by mailing depth and (third axes) ROI by depth.

    The break-even rate, best depth and its ROI are written in notes inside the axes. The y axes are
    left to matplotlib (rates from 0), so a widget declares their ranges over its sliders
    (:func:`crmlab.widgets.scenario`). The ROI panel shows revenue / cost (= 1 + ROI) on a log
    scale, 1 being break-even.

    Examples
    --------
    >>> gains = pd.DataFrame({"contacts": [100, 100, 100], "responses": [12, 5, 1],
    ...                       "response_rate": [0.12, 0.05, 0.01]}, index=[1, 2, 3])
    >>> rate_ax, profit_ax = plot_depth_economics(gains, cost_per_contact=2, value_per_response=25)
    >>> float(rate_ax.get_ylim()[0]), [round(float(v)) for v in profit_ax.lines[2].get_ydata()]   # best depth 1: 12 x 25 - 100 x 2
    (0.0, [100])
    """
    check_lang(lang)
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    rate_ax, profit_ax = axes[0], axes[1]
    threshold = break_even_response_rate(cost_per_contact, value_per_response)
    # profit by depth with numpy (the same sums as depth_economics, without building a table)
    contacts = np.concatenate([[0], np.cumsum(gains["contacts"].to_numpy())])
    responses = np.concatenate([[0], np.cumsum(gains["responses"].to_numpy())])
    profit = value_per_response * responses - cost_per_contact * contacts
    depth = int(profit.argmax())
    rates = gains["response_rate"].to_numpy() * 100
    groups = np.asarray(gains.index, dtype=float)
    # bars as one collection: one artist instead of one rectangle per group keeps a widget update fast
    verts = [[(g - 0.4, 0), (g - 0.4, r), (g + 0.4, r), (g + 0.4, 0)] for g, r in zip(groups, rates)]
    colours = ["C2" if rate >= threshold * 100 else "C3" for rate in rates]
    bars = rate_ax.add_collection(PolyCollection(verts, facecolors=colours, edgecolors="none"))
    bars.sticky_edges.y.append(0)               # rates start at 0, as ax.bar's do
    rate_ax.axhline(threshold * 100, color="0.2", linestyle="--", linewidth=1.2)
    rate_ax.margins(y=0.1)                      # room for the note above the highest bar or line
    rate_ax.set_xlim(groups.min() - 0.7, groups.max() + 0.7)
    rate_ax.text(0.98, 0.95, f"{label('break_even_rate', lang)}: {threshold:.1%}", transform=rate_ax.transAxes,
                 ha="right", va="top", fontsize="small")
    rate_ax.set_xticks(groups)
    rate_ax.set_xlabel(label("score_group", lang))
    rate_ax.set_ylabel(label("response_rate_pct", lang))
    rate_ax.set_title(label("break_even_title", lang))
    steps = np.arange(len(profit))
    profit_ax.plot(steps, profit, marker="o", color="C0")
    profit_ax.axhline(0, color="0.4", linewidth=0.8)
    profit_ax.plot([depth], [profit[depth]], marker="*", markersize=16, color="C1")
    profit_ax.text(0.02, 0.95, f"{label('best_depth', lang)}: {depth}  ·  {label('profit', lang)}: "
                   f"{profit[depth]:,.0f}", transform=profit_ax.transAxes, ha="left", va="top", fontsize="small")
    profit_ax.set_xlim(-0.5, len(profit) - 0.5)
    profit_ax.margins(y=0.1)
    profit_ax.set_xticks(steps)
    profit_ax.set_xlabel(label("mailing_depth", lang))
    profit_ax.set_ylabel(label("profit", lang))
    profit_ax.set_title(label("profit_by_depth", lang))
    if len(axes) > 2:  # a third panel: return on spend by depth, revenue / cost = 1 + ROI, on a log scale
        roi_ax = axes[2]
        spent = cost_per_contact * contacts[1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(spent > 0, value_per_response * responses[1:] / spent, np.nan)
        ratio = np.where(ratio > 0, ratio, np.nan)  # no response: nothing to show on a log scale
        roi_ax.set_yscale("log")
        roi_ax.plot(steps[1:], ratio, marker="o", color="C4")
        roi_ax.axhline(1.0, color="0.2", linestyle="--", linewidth=1.2)
        if depth > 0:
            roi_ax.plot([depth], [ratio[depth - 1]], marker="*", markersize=16, color="C1")
            roi_ax.text(0.98, 0.95, f"{label('roi', lang)} @ {depth}: {100 * (ratio[depth - 1] - 1):,.0f}%",
                        transform=roi_ax.transAxes, ha="right", va="top", fontsize="small")
        roi_ax.set_xlim(0.5, len(profit) - 0.5)
        roi_ax.set_xticks(steps[1:])
        roi_ax.set_xlabel(label("mailing_depth", lang))
        roi_ax.set_ylabel(label("return_on_spend", lang))
        roi_ax.set_title(label("roi_by_depth", lang))
    return axes


register(
    {
        "response_model": {"en": "Response model", "zh": "响应模型"},
        "random_mailing": {"en": "Random mailing", "zh": "随机投放"},
        "contacts_mailed_pct": {"en": "Contacts mailed (%)", "zh": "已接触客户比例（%）"},
        "responders_reached_pct": {"en": "Responders reached (%)", "zh": "覆盖的响应者比例（%）"},
        "cumulative_gains": {"en": "Cumulative gains", "zh": "累计增益图"},
        "lift": {"en": "Lift", "zh": "提升度"},
        "cum_lift": {"en": "Cumulative lift", "zh": "累计提升度"},
        "lift_by_decile": {"en": "Lift by score decile", "zh": "按得分十分位的提升度"},
        "score_group": {"en": "Score group (1 = highest)", "zh": "得分分组（1 = 最高）"},
        "group": {"en": "Group", "zh": "分组"},
        "contacts": {"en": "Contacts", "zh": "联系人次"},
        "responses": {"en": "Responses", "zh": "响应人数"},
        "cum_contacts": {"en": "Cumulative contacts", "zh": "累计接触人数"},
        "cum_responses": {"en": "Cumulative responses", "zh": "累计响应人数"},
        "cum_response_rate": {"en": "Cumulative response rate", "zh": "累计响应率"},
        "cum_contact_share": {"en": "Share of contacts", "zh": "累计接触占比"},
        "cum_response_share": {"en": "Cumulative gain", "zh": "累计增益"},
        "response_rate_pct": {"en": "Response rate (%)", "zh": "响应率（%）"},
        "break_even_rate": {"en": "Break-even rate", "zh": "盈亏平衡响应率"},
        "break_even_title": {"en": "Response rate vs break-even", "zh": "响应率与盈亏平衡线"},
        "best_depth": {"en": "Best depth", "zh": "最优投放深度"},
        "mailing_depth": {"en": "Mailing depth (top groups)", "zh": "投放深度（前若干组）"},
        "depth": {"en": "Depth", "zh": "深度"},
        "profit_by_depth": {"en": "Profit by mailing depth", "zh": "不同投放深度的利润"},
        "contact_share": {"en": "Share contacted", "zh": "接触占比"},
        "cost": {"en": "Cost", "zh": "成本"},
        "roi": {"en": "ROI", "zh": "投资回报率"},
        "return_on_spend": {"en": "Revenue ÷ cost (1 = break-even)", "zh": "收入÷成本（1 = 盈亏平衡）"},
        "roi_by_depth": {"en": "ROI by mailing depth", "zh": "不同投放深度的投资回报率"},
        "term": {"en": "Term", "zh": "变量项"},
        "coefficient": {"en": "Coefficient", "zh": "系数"},
        "odds_ratio": {"en": "Odds ratio", "zh": "优势比"},
        "ci_low": {"en": "95% CI low", "zh": "95%置信下限"},
        "ci_high": {"en": "95% CI high", "zh": "95%置信上限"},
        "p_value": {"en": "p-value", "zh": "p值"},
    }
)

# the lecture's widget labels (the English text is the lecture's original description; c and v are the
# symbols of the break-even formula)
register(
    {
        "response_widget_cost": {"en": "c", "zh": "成本 c"},
        "response_widget_value": {"en": "v", "zh": "价值 v"},
        "response_widget_depth": {"en": "depth", "zh": "投放深度"},
    }
)

# the lecture's printed sentences (the English text is the lecture's original f-string)
register(
    {
        "response_fit_summary": {
            "en": "trained on {n_train:,} contacts, tested on {n_test:,}; test response rate {rate:.1%}; AUC = {auc:.3f}",
            "zh": "在 {n_train:,} 次接触上训练，在 {n_test:,} 次接触上测试；测试集响应率 {rate:.1%}；AUC = {auc:.3f}",
        },
        "response_gains_summary": {
            "en": "top decile: response rate {rate:.1%}, lift {lift:.2f}; "
                  "top 30% of contacts reach {gain:.1%} of responders",
            "zh": "得分最高的十分位：响应率 {rate:.1%}，提升度 {lift:.2f}；"
                  "接触得分最高的 30% 客户即可覆盖 {gain:.1%} 的响应者",
        },
        "response_break_even_summary": {
            "en": "break-even response rate = {cost} / {value} = {rate:.2%}",
            "zh": "盈亏平衡响应率 = {cost} / {value} = {rate:.2%}",
        },
        "response_best_depth_summary": {
            "en": "best depth: top {depth} decile(s), profit {profit:,.0f} vs {profit_all:,.0f} for contacting everybody",
            "zh": "最优投放深度：得分最高的 {depth} 个十分位，利润 {profit:,.0f}，而接触所有客户的利润为 {profit_all:,.0f}",
        },
        "response_cmp_model": {"en": "model", "zh": "模型"},
        "response_cmp_predictors": {"en": "predictors", "zh": "预测变量数"},
        "response_cmp_auc": {"en": "auc", "zh": "AUC 值"},
        "response_cmp_top_decile_lift": {"en": "top_decile_lift", "zh": "最高十分位提升度"},
        "response_cmp_top3_gain": {"en": "top3_gain", "zh": "前三个十分位累计增益"},
        "response_cmp_log_likelihood": {"en": "log_likelihood", "zh": "对数似然"},
        "response_cmp_all_predictors": {"en": "all_predictors", "zh": "全部预测变量"},
        "response_cmp_customer_only": {"en": "customer_only", "zh": "仅客户特征"},
        "response_cmp_campaign_only": {"en": "campaign_only", "zh": "仅营销活动变量"},
    }
)


def comparison_for_display(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The table of :func:`compare_predictor_sets` with headers and model names in ``lang``.

    In English the table is returned unchanged (its keys are what the lecture prints);
    other headers and model names than the known ones stay as they are. Kept for old callers:
    it is ``crmlab.lang.localize(table, lang, prefixes=("response_cmp_",), index=True)``.

    Examples
    --------
    >>> t = pd.DataFrame({"predictors": [3], "auc": [0.7]}, index=pd.Index(["campaign_only"], name="model"))
    >>> comparison_for_display(t, "zh").columns.tolist(), comparison_for_display(t, "zh").index.tolist()
    (['预测变量数', 'AUC 值'], ['仅营销活动变量'])
    >>> comparison_for_display(t, "en").equals(t)
    True
    """
    return localize(table, lang, prefixes=("response_cmp_",), index=True)
