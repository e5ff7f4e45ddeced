"""What every probabilistic CLV model shares: input checks, pattern compression and the fit.

Each model in :mod:`crmlab.models` is a small class with the scikit-learn shape:

* the constructor takes settings only (starting values, iteration limit, column names);
* ``fit(data)`` estimates the parameters by maximum likelihood and returns ``self``;
* fitted values end in ``_``: ``params_`` (a :class:`pandas.Series` with the papers'
  parameter names), ``standard_errors_``, ``log_likelihood_`` (the full log-likelihood
  as published, not divided by the number of customers), ``converged_``, ``n_iter_``,
  ``convergence_message_``, ``degenerate_`` (None, or a sentence saying what in the data made the fit
  degenerate).

Degenerate data (raise or flag)
-------------------------------
A fit is refused with :class:`DegenerateFitError` (a ``ValueError``) when the data hold no
information on what the model estimates, so that any numbers returned would be arbitrary: one
customer, or all customers sharing one pattern; no repeat buyers (BG/NBD, Pareto/NBD, Gamma-Gamma)
or no transactions (BG/BB); repeat purchases at T = 0 (the purchase rate is unbounded); a cohort
without churn, or with one observed period only (sBG). A fit whose estimate runs to a boundary of
the parameter space but still predicts sensibly is returned with a :class:`DegenerateFitWarning` and
``degenerate_`` set: no sign of dropout (BG/NBD, Pareto/NBD, BG/BB: P(alive) ~ 1), a mixing
distribution that collapses to a spike (a shape parameter above 1e4: no heterogeneity the data can
show, e.g. the sBG on too few periods), Gamma-Gamma spend without within-customer variation, or a
parameter at the edge of the optimiser's range. (BG/NBD and Pareto/NBD log-likelihoods are densities
of purchase times, so a positive value is not by itself a sign of trouble: very frequent buyers give
one legitimately; repeat purchases at T = 0, which give an unbounded one, are refused.)

How the fit works (:func:`maximize_log_likelihood`)
---------------------------------------------------
All parameters of these models are positive, so the optimiser works on
``theta = log(params)`` and needs no constraints. The likelihood of a customer depends
only on their *pattern*, e.g. ``(frequency, recency, T)``; many customers share one, so
each distinct pattern is evaluated once and weighted by its count (:func:`compress_rows`)::

    LL(params) = sum over patterns k of  count_k * log L(params | pattern_k)

L-BFGS-B minimises ``-LL / n_customers`` (a well scaled objective) with the analytic
gradient where the model provides one (chain rule: ``dLL/dtheta = params * dLL/dparams``),
else central finite differences. Standard errors come from the inverse Hessian of
``-LL`` in ``theta`` at the optimum, mapped back by the delta method:
``se(param) = param * se(theta)``.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"frequency": [0, 2, 2], "recency": [0.0, 5.0, 5.0], "T": [10.0, 10.0, 10.0]})
>>> columns = validate_customer_table(table, ("frequency", "recency", "T"), model="BG/NBD")
>>> patterns, counts, inverse = compress_rows(columns["frequency"], columns["recency"], columns["T"])
>>> counts.tolist()
[1.0, 2.0]
"""
from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from crmlab import lang
from crmlab._table_checks import NotFittedError
from crmlab.estimators import Estimator
from crmlab.validation import MissingColumnError, ValidationError, WrongTypeError, missing_columns

__all__ = [
    "ConvergenceWarning",
    "MissingWeightsWarning",
    "NotFittedError",
    "WEIGHT_COLUMNS",
    "resolve_weights",
    "FitResult",
    "validate_customer_table",
    "compress_rows",
    "Distinct",
    "maximize_log_likelihood",
    "ParametricModel",
    "DegenerateFitError",
    "DegenerateFitWarning",
    "flag_degenerate",
]


lang.register(
    {
        # headers of ParametricModel.summary() and names of the prediction Series
        "estimate": {"en": "Estimate", "zh": "估计值"},
        "standard_error": {"en": "Standard error", "zh": "标准误"},
        "lower_95": {"en": "Lower 95%", "zh": "95%下限"},
        "upper_95": {"en": "Upper 95%", "zh": "95%上限"},
        "probability_alive": {"en": "P(alive)", "zh": "存活概率"},
        "expected_purchases": {"en": "Expected purchases", "zh": "预期购买次数"},
        "expected_spend": {"en": "Expected spend per purchase", "zh": "预期每次消费额"},
    }
)


class ConvergenceWarning(UserWarning):
    """The optimiser stopped before it met its convergence criterion."""


class MissingWeightsWarning(UserWarning):
    """A table of patterns with counts was fitted as if each row were one customer."""


#: Count columns a fit picks up by itself, in this order (after ``data.attrs["weights"]``).
WEIGHT_COLUMNS: tuple[str, ...] = ("weights", "count")
#: Column names that look like counts of customers but are not used without ``weights=``.
_COUNT_LIKE = ("donors", "customers", "n_customers", "n", "num_customers", "number_of_customers")


def resolve_weights(data: object, weights: str | Sequence[float] | np.ndarray | None, *,
                    model: str) -> np.ndarray | None:
    """The number of customers each row stands for, or None (one each).

    ``weights`` is a column name or an array. Without it the count column of a pattern table is
    found by itself: the column named in ``data.attrs["weights"]`` (set by
    :func:`crmlab.summaries.pattern_table` and the pattern loaders such as
    :func:`crmlab.datasets.load_donations`), else a column ``weights`` or ``count``. A table marked
    as a pattern table, or with a column such as ``donors`` or ``customers``, fitted without
    counts warns (:class:`MissingWeightsWarning`): each row would count as one customer.

    Examples
    --------
    >>> table = pd.DataFrame({"frequency": [0, 1], "count": [5, 2]})
    >>> resolve_weights(table, None, model="BG/NBD").tolist()
    [5.0, 2.0]
    """
    frame = data if isinstance(data, pd.DataFrame) else None
    if weights is None and frame is not None:
        declared = frame.attrs.get("weights")
        if isinstance(declared, str) and declared in frame.columns:
            weights = declared
        else:
            weights = next((c for c in WEIGHT_COLUMNS if c in frame.columns), None)
        if weights is None:
            looks_like = [c for c in _COUNT_LIKE if c in frame.columns]
            # a table derived from a pattern table (attrs are inherited) with repeated rows is one row per customer
            marked = bool(frame.attrs.get("pattern_table")) and not frame.duplicated().any()
            if marked or looks_like:
                what = f"a column {looks_like[0]!r}" if looks_like else "attrs['pattern_table']"
                warnings.warn(
                    f"{model}: the table looks like patterns with counts ({what}) but no weights were given, so "
                    f"every row counts as one customer; pass weights={looks_like[0] if looks_like else 'count'!r} "
                    "(or name the count column 'weights' or 'count')",
                    MissingWeightsWarning, stacklevel=3)
    if weights is None:
        return None
    if isinstance(weights, str):
        if frame is None or weights not in frame.columns:
            columns = [] if frame is None else list(map(str, frame.columns))[:12]
            raise MissingColumnError(f"{model}: weights={weights!r} is not a column of the table (has {columns})",
                                     column=weights, parameter="weights")
        values = frame[weights].to_numpy(dtype=np.float64, na_value=np.nan)
        name = weights
    else:
        values = np.asarray(weights, dtype=np.float64)
        name = "weights"
    n_rows = len(data) if hasattr(data, "__len__") else len(values)
    if values.shape != (n_rows,):
        raise ValidationError(f"{model}: weights must have one value per row ({n_rows}), got shape {values.shape}",
                              column="weights", parameter="weights", total=n_rows)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        where = f"column {name!r}" if isinstance(weights, str) else "weights"
        raise ValidationError(f"{model}: {where}: {int(bad.sum())} of {len(values)} rows are negative, NaN or infinite",
                              column=name, rows=int(bad.sum()), total=len(values), parameter="weights")
    return values




class DegenerateFitError(ValueError):
    """The data hold no information on what the model estimates (one customer, no repeat buyers, no churn...).

    Raised instead of returning parameters that would be arbitrary (the likelihood has no maximum,
    or every value along a ridge fits as well). The message says what in the data causes it.
    """


class DegenerateFitWarning(UserWarning):
    """The estimate ran to a boundary of the parameter space (or the log-likelihood is non-negative).

    The fit is returned, with ``model.degenerate_`` set to a sentence saying what in the data causes it
    (no churn, too few periods to separate heterogeneity, ...): the predictions may still be usable,
    the parameter values themselves should not be read as estimates of heterogeneity.
    """


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------

def _bad(column: str, count: int, total: int, what: str) -> str:
    return f"column {column!r}: {count} of {total} rows {what}"


def validate_customer_table(
    data: pd.DataFrame,
    required: Sequence[str],
    *,
    model: str,
    names: Mapping[str, str] | None = None,
    whole_numbers: Sequence[str] = ("frequency",),
    check_recency: bool = True,
    positive: Sequence[str] = (),
) -> dict[str, np.ndarray]:
    """Check a customer table and return its columns as float arrays.

    Parameters
    ----------
    data
        One row per customer (or per pattern) with the ``required`` columns.
    required
        Model names of the columns (``"frequency"``, ``"recency"``, ``"T"``, ...).
    model
        Model name used in messages.
    names
        Optional map from model column name to the column name in ``data``
        (e.g. ``{"frequency": "frequency_cal"}``).
    whole_numbers
        Columns that are counts: must be whole numbers.
    check_recency
        Check ``recency <= T`` and ``recency == 0`` when ``frequency == 0``.
    positive
        Columns that must be strictly positive (not only non-negative).

    Returns
    -------
    dict
        Model column name -> float64 array.

    Raises
    ------
    crmlab.validation.ValidationError
        (a ``ValueError``; :class:`~crmlab.validation.MissingColumnError` for a missing column,
        :class:`~crmlab.validation.WrongTypeError` for a non-numeric one)
        naming the column and the number of bad rows: missing columns, empty table,
        non-numeric, NaN or infinite values, negative values, fractional counts,
        recency greater than T, recency without a repeat purchase.
    """
    names = dict(names or {})
    if isinstance(data, Mapping) and not isinstance(data, pd.DataFrame):
        data = pd.DataFrame(data)
    if not isinstance(data, pd.DataFrame):
        raise WrongTypeError(f"{model}: expected a pandas DataFrame of customers, got {type(data).__name__}")
    source = {col: names.get(col, col) for col in required}
    missing = missing_columns(data, source)
    if missing:
        raise MissingColumnError(
            f"{model}: missing column(s) {missing}; the customer table needs {list(source.values())} "
            f"(has {list(map(str, data.columns))[:12]})",
            column=missing[0] if len(missing) == 1 else missing, total=len(data),
        )
    total = len(data)
    if total == 0:
        raise ValidationError(f"{model}: the customer table is empty (0 rows)", rows=0, total=0)
    arrays: dict[str, np.ndarray] = {}
    for col, src in source.items():
        series = data[src]
        if not (pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)):
            raise WrongTypeError(f"{model}: column {src!r} must be numeric, got dtype {series.dtype} "
                                 f"({total:,} rows)", column=src, rows=total, total=total)
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        not_finite = ~np.isfinite(values)
        if not_finite.any():
            raise ValidationError(f"{model}: " + _bad(src, int(not_finite.sum()), total, "are NaN or infinite"),
                                  column=src, rows=int(not_finite.sum()), total=total)
        negative = values < 0
        if negative.any():
            raise ValidationError(f"{model}: " + _bad(src, int(negative.sum()), total, "are negative"),
                                  column=src, rows=int(negative.sum()), total=total)
        if col in positive:
            zero = values <= 0
            if zero.any():
                raise ValidationError(f"{model}: " + _bad(src, int(zero.sum()), total, "are zero; they must be positive"),
                                      column=src, rows=int(zero.sum()), total=total)
        if col in whole_numbers:
            fractional = values != np.round(values)
            if fractional.any():
                raise ValidationError(f"{model}: " + _bad(src, int(fractional.sum()), total, "are not whole numbers"),
                                      column=src, rows=int(fractional.sum()), total=total)
        arrays[col] = values
    if check_recency and {"recency", "T"} <= set(arrays):
        recency, age = arrays["recency"], arrays["T"]
        too_late = recency > age * (1 + 1e-12)
        if too_late.any():
            raise ValidationError(
                f"{model}: " + _bad(source["recency"], int(too_late.sum()), total,
                                    f"have recency greater than {source['T']!r}"),
                column=source["recency"], rows=int(too_late.sum()), total=total,
            )
        if "frequency" in arrays:
            orphan = (arrays["frequency"] == 0) & (recency > 0)
            if orphan.any():
                raise ValidationError(
                    f"{model}: " + _bad(source["recency"], int(orphan.sum()), total,
                                        "have recency > 0 but frequency 0 (recency is the time of the last "
                                        "repeat purchase, 0 without one)"),
                    column=source["recency"], rows=int(orphan.sum()), total=total,
                )
    return arrays


def compress_rows(*columns: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of the given columns with their (weighted) counts.

    Parameters
    ----------
    *columns
        Equal-length 1-D arrays, e.g. frequency, recency and T.
    weights
        Optional weight of each row (default 1).

    Returns
    -------
    patterns : ndarray of shape (n_patterns, n_columns)
    counts : ndarray of shape (n_patterns,)
        Sum of the weights of the rows with that pattern.
    inverse : ndarray of shape (n_rows,)
        Index of each row's pattern: ``patterns[inverse]`` rebuilds the rows.

    Examples
    --------
    >>> compress_rows(np.array([1.0, 1.0, 0.0]), np.array([2.0, 2.0, 0.0]))[1].tolist()
    [1.0, 2.0]
    """
    stacked = np.column_stack(columns).astype(np.float64)
    # a hash-based group-by: ~30x faster than np.unique(axis=0), which sorts rows lexicographically
    frame = pd.DataFrame(stacked)
    inverse = frame.groupby(list(frame.columns), sort=True).ngroup().to_numpy(dtype=np.int64)
    n_patterns = int(inverse.max()) + 1
    patterns = np.empty((n_patterns, stacked.shape[1]))
    patterns[inverse] = stacked  # every row of a group holds the same values
    counts = np.bincount(inverse, weights=None if weights is None else np.asarray(weights, dtype=np.float64),
                         minlength=n_patterns).astype(np.float64)
    return patterns, counts, inverse


class Distinct:
    """The distinct values of one column and the position of every row's value among them.

    A function of that column alone (a gamma function of the frequency, a log of ``alpha + T``)
    is then evaluated once per distinct value and spread back to the rows: a million
    customers have only dozens of distinct frequencies and a few hundred distinct ages.

    Examples
    --------
    >>> frequency = Distinct(np.array([2.0, 0.0, 2.0, 5.0]))
    >>> frequency.values.tolist(), frequency.spread(frequency.values ** 2).tolist()
    ([0.0, 2.0, 5.0], [4.0, 0.0, 4.0, 25.0])
    """

    __slots__ = ("values", "index")

    def __init__(self, column: np.ndarray) -> None:
        self.values, self.index = np.unique(np.asarray(column, dtype=np.float64), return_inverse=True)

    def spread(self, per_value: np.ndarray) -> np.ndarray:
        """Values computed for :attr:`values`, repeated for every row."""
        return per_value[self.index]


def _require_repeat_buyers(frequency: np.ndarray, model: str, column: str) -> None:
    """Without any repeat purchase the likelihood of BG/NBD and Pareto/NBD has no maximum (r -> 0)."""
    if not np.any(frequency > 0):
        raise DegenerateFitError(
            f"{model}: column {column!r}: all {len(frequency)} rows are 0 (no repeat purchases); the purchase rate "
            "cannot be estimated and the likelihood has no maximum. Use a longer observation period or more customers."
        )


def _one_pattern_message(counts: np.ndarray, what: str) -> str | None:
    """The reason to refuse a fit whose customers all share one pattern (one customer, or identical ones)."""
    used = counts > 0
    if used.sum() != 1:
        return None
    n = float(counts[used].sum())
    who = "one customer" if n <= 1 else f"all {n:,.0f} customers have the same {what}"
    return (f"{who}: differences between customers (the mixing distributions the model estimates) "
            "cannot be estimated from a single pattern; the likelihood has no maximum")


#: A shape parameter above this (or a mean probability below 1 / this) counts as having run to a boundary.
DEGENERATE_LARGE = 1e4


def flag_degenerate(model: "ParametricModel", reason: str | None) -> None:
    """Set ``model.degenerate_`` and warn with :class:`DegenerateFitWarning` when ``reason`` is given.

    The warning points at the first caller outside :mod:`crmlab.models` (the user's ``fit`` call).
    """
    model.degenerate_ = reason
    if reason:
        frame, level = sys._getframe(0), 1
        while frame is not None and frame.f_globals.get("__name__", "").startswith("crmlab.models"):
            frame, level = frame.f_back, level + 1
        warnings.warn(f"{model.model_name}: degenerate fit: {reason}", DegenerateFitWarning, stacklevel=level)


def _edge_of_search_range(params: pd.Series) -> str | None:
    """Names of parameters that ended at exp(+-30), the edge of the optimiser's range, as a sentence."""
    values = params.to_numpy(dtype=np.float64)
    at_edge = (np.abs(np.log(values)) > 30.0 - 1e-4)
    if not at_edge.any():
        return None
    names = ", ".join(f"{name} = {value:.3g}" for name, value in params[at_edge].items())
    return f"the estimate ran to the edge of the search range ({names}): the likelihood keeps rising towards a boundary"


# ---------------------------------------------------------------------------------------------
# maximum likelihood on log parameters
# ---------------------------------------------------------------------------------------------

#: Signature of a model's per-pattern log-likelihood: (params, pattern arrays, want_gradient)
#: -> (log-likelihood of each pattern, gradient of each w.r.t. the natural params or None).
LogLikelihoodFunction = Callable[[np.ndarray, bool], tuple[np.ndarray, np.ndarray | None]]


@dataclass
class FitResult:
    """Outcome of :func:`maximize_log_likelihood`."""

    params: np.ndarray
    log_likelihood: float
    standard_errors: np.ndarray
    covariance: np.ndarray
    converged: bool
    n_iter: int
    message: str
    gradient_norm: float


def _finite_difference_gradient(function: Callable[[np.ndarray], float], theta: np.ndarray, f0: float,
                                 step: float = 1e-6) -> np.ndarray:
    """Central differences; one-sided where one neighbour is outside the region where LL is finite."""
    gradient = np.zeros_like(theta)
    for i in range(len(theta)):
        shift = np.zeros_like(theta)
        shift[i] = step
        forward, backward = function(theta + shift), function(theta - shift)
        if np.isfinite(forward) and np.isfinite(backward):
            gradient[i] = (forward - backward) / (2 * step)
        elif np.isfinite(backward):
            gradient[i] = (f0 - backward) / step
        elif np.isfinite(forward):
            gradient[i] = (forward - f0) / step
    return gradient


def _hessian(
    value: Callable[[np.ndarray], float],
    gradient: Callable[[np.ndarray], np.ndarray] | None,
    theta: np.ndarray,
) -> np.ndarray:
    """Central-difference Hessian, from the analytic gradient when there is one."""
    n = len(theta)
    hessian = np.empty((n, n))
    if gradient is not None:
        step = 1e-5
        for i in range(n):
            shift = np.zeros(n)
            shift[i] = step
            hessian[:, i] = (gradient(theta + shift) - gradient(theta - shift)) / (2 * step)
    else:
        step = 1e-4
        f0 = value(theta)
        for i in range(n):
            for j in range(i, n):
                ei = np.zeros(n)
                ej = np.zeros(n)
                ei[i] = step
                ej[j] = step
                if i == j:
                    hessian[i, i] = (value(theta + ei) - 2 * f0 + value(theta - ei)) / step**2
                else:
                    hessian[i, j] = hessian[j, i] = (
                        value(theta + ei + ej) - value(theta + ei - ej) - value(theta - ei + ej) + value(theta - ei - ej)
                    ) / (4 * step**2)
    return (hessian + hessian.T) / 2


def maximize_log_likelihood(
    log_likelihood: LogLikelihoodFunction,
    initial_params: np.ndarray,
    counts: np.ndarray,
    *,
    analytic_gradient: bool,
    max_iter: int = 2000,
    model: str = "model",
) -> FitResult:
    """Maximise ``sum_k counts_k * log L_k(params)`` over positive params, working on their logs.

    Parameters
    ----------
    log_likelihood
        ``f(params, want_gradient)`` returning the log-likelihood of every pattern and,
        when asked and available, its gradient w.r.t. the natural parameters
        (shape ``(n_patterns, n_params)``).
    initial_params
        Starting values (natural scale, positive).
    counts
        Number (weight) of customers with each pattern.
    analytic_gradient
        Whether ``log_likelihood`` returns gradients; otherwise central differences.
    max_iter
        Iteration limit of L-BFGS-B.
    model
        Name used in warnings.

    Returns
    -------
    FitResult
        Parameters, full log-likelihood, standard errors, convergence information.
    """
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    if not total > 0:
        raise ValueError(f"{model}: the weights of the customers sum to {total}; nothing to fit")

    def full_value(theta: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            ll, _ = log_likelihood(np.exp(theta), False)
            value = -float(counts @ ll)
        return value if np.isfinite(value) else np.inf

    def full_gradient(theta: np.ndarray) -> np.ndarray:
        params = np.exp(theta)
        with np.errstate(all="ignore"):
            _, grad = log_likelihood(params, True)
        return -(counts @ grad) * params

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        if analytic_gradient:
            params = np.exp(theta)
            with np.errstate(all="ignore"):
                ll, grad = log_likelihood(params, True)
                value = -float(counts @ ll) / total
                gradient = -(counts @ grad) * params / total
            if not (np.isfinite(value) and np.all(np.isfinite(gradient))):
                return np.inf, np.zeros_like(theta)
            return value, gradient
        value = full_value(theta) / total
        if not np.isfinite(value):
            return np.inf, np.zeros_like(theta)
        return value, _finite_difference_gradient(lambda th: full_value(th) / total, theta, value)

    theta0 = np.log(np.asarray(initial_params, dtype=np.float64))
    result = optimize.minimize(
        objective,
        theta0,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-30.0, 30.0)] * len(theta0),
        options={"maxiter": max_iter, "maxfun": 5 * max_iter, "ftol": 1e-15, "gtol": 1e-9, "maxcor": 20},
    )
    theta = result.x
    _, gradient = objective(theta)
    gradient_norm = float(np.max(np.abs(gradient)))
    on_bound = bool(np.any(np.abs(np.abs(theta) - 30.0) < 1e-6))
    converged = bool((result.success or gradient_norm < 1e-6) and np.isfinite(result.fun) and not on_bound)
    message = str(result.message)
    if on_bound:
        message += "; a parameter reached the edge of the search range (exp(+-30)): the optimum may not exist"
    if not converged:
        warnings.warn(
            f"{model}: the fit did not converge ({message}; largest gradient of -LL/n {gradient_norm:.2e} "
            f"after {result.nit} iterations). Try other initial_params or a larger max_iter.",
            ConvergenceWarning,
            stacklevel=3,
        )
    params = np.exp(theta)
    hessian = _hessian(full_value, full_gradient if analytic_gradient else None, theta)
    try:
        covariance_theta = np.linalg.inv(hessian)
        variances = np.diag(covariance_theta)
        if np.any(variances <= 0) or not np.all(np.isfinite(variances)):
            raise np.linalg.LinAlgError("Hessian not positive definite")
        covariance = covariance_theta * np.outer(params, params)
        standard_errors = np.sqrt(np.diag(covariance))
    except np.linalg.LinAlgError:
        warnings.warn(
            f"{model}: the Hessian of the log-likelihood is not positive definite at the estimate; "
            "standard errors are not available (NaN).",
            ConvergenceWarning,
            stacklevel=3,
        )
        covariance = np.full((len(params), len(params)), np.nan)
        standard_errors = np.full(len(params), np.nan)
    return FitResult(
        params=params,
        log_likelihood=-full_value(theta),
        standard_errors=standard_errors,
        covariance=covariance,
        converged=converged,
        n_iter=int(result.nit),
        message=message,
        gradient_norm=gradient_norm,
    )


# ---------------------------------------------------------------------------------------------
# the estimator shell
# ---------------------------------------------------------------------------------------------

class ParametricModel(Estimator):
    """Base of the CLV models: settings, fitted attributes, summary and parameter access.

    Subclasses set ``parameter_names``, ``model_name``, ``default_initial_params`` and
    implement ``fit`` with :func:`maximize_log_likelihood` and :meth:`_store_fit`. A scikit-learn
    estimator (:class:`crmlab.estimators.Estimator`): ``get_params``, ``set_params`` (the settings,
    not the model's parameters: :meth:`use_estimates` sets those) and ``sklearn.base.clone`` work.

    >>> from sklearn.base import clone
    >>> from crmlab.models import BetaGeo
    >>> clone(BetaGeo(max_iter=50)).get_params()["max_iter"]
    50
    """

    parameter_names: tuple[str, ...] = ()
    model_name: str = "model"
    default_initial_params: tuple[float, ...] = ()
    #: the customer-table columns the model reads (renamed through ``columns=``)
    data_columns: tuple[str, ...] = ()

    def __init__(
        self,
        initial_params: Mapping[str, float] | Sequence[float] | None = None,
        max_iter: int = 2000,
        columns: Mapping[str, str] | None = None,
    ) -> None:
        self.initial_params = initial_params
        self.max_iter = max_iter
        self.columns = columns

    # -- settings helpers ------------------------------------------------------------------
    def _data(self, data: pd.DataFrame) -> dict[str, np.ndarray]:
        """The model's columns of ``data``, validated (models with extra rules refine this)."""
        return validate_customer_table(data, self.data_columns, model=self.model_name, names=self.columns)

    def _initial_vector(self) -> np.ndarray:
        if self.initial_params is None:
            return np.array(self.default_initial_params, dtype=np.float64)
        if isinstance(self.initial_params, Mapping):
            unknown = set(self.initial_params) - set(self.parameter_names)
            if unknown:
                raise ValueError(f"{self.model_name}: unknown parameter(s) {sorted(unknown)}; "
                                 f"the parameters are {list(self.parameter_names)}")
            values = [self.initial_params.get(name, default)
                      for name, default in zip(self.parameter_names, self.default_initial_params)]
        else:
            values = list(self.initial_params)
        vector = np.asarray(values, dtype=np.float64)
        if vector.shape != (len(self.parameter_names),) or not np.all(np.isfinite(vector)) or np.any(vector <= 0):
            raise ValueError(f"{self.model_name}: initial_params must be {len(self.parameter_names)} positive "
                             f"numbers for {list(self.parameter_names)}, got {values}")
        return vector

    def _fit_purchase_patterns(self, data: pd.DataFrame, weights: Sequence[float] | np.ndarray | None,
                               log_likelihood_of: Callable) -> None:
        """Fit a (frequency, recency, T) model: one likelihood term per distinct pattern, weighted by its count.

        ``log_likelihood_of(params, x, t_x, T, want_gradient, distinct)`` returns the per-pattern
        log-likelihood (and its gradient); ``distinct`` holds the :class:`Distinct` values of the three
        columns, found once here rather than at every evaluation. BG/NBD and Pareto/NBD share everything else.
        """
        columns = self._data(data)
        _require_repeat_buyers(columns["frequency"], self.model_name, (self.columns or {}).get("frequency", "frequency"))
        weights = resolve_weights(data, weights, model=self.model_name)
        patterns, counts, _ = compress_rows(columns["frequency"], columns["recency"], columns["T"], weights=weights)
        x, t_x, T = patterns.T
        distinct = (Distinct(x), Distinct(t_x), Distinct(T))
        self._check_purchase_patterns(x, T, counts)

        def log_likelihood(params: np.ndarray, want_gradient: bool):
            return log_likelihood_of(params, x, t_x, T, want_gradient, distinct)

        result = maximize_log_likelihood(log_likelihood, self._initial_vector(), counts, analytic_gradient=True,
                                         max_iter=self.max_iter, model=self.model_name)
        self._store_fit(result, counts.sum(), len(counts))

    def _check_purchase_patterns(self, x: np.ndarray, T: np.ndarray, counts: np.ndarray) -> None:
        """Refuse (:class:`DegenerateFitError`) data without the information a (frequency, recency, T) model needs."""
        column = (self.columns or {}).get("T", "T")
        at_zero = (x > 0) & (T == 0) & (counts > 0)
        if at_zero.any():
            raise DegenerateFitError(
                f"{self.model_name}: column {column!r}: {at_zero.sum():.0f} of {counts.size} patterns "
                f"({counts[at_zero].sum():,.0f} customers) have repeat purchases at T = 0, i.e. with no time to make "
                "them; the purchase rate is then unbounded and the likelihood has no maximum. T must be the time "
                "from the first purchase to the end of observation (check the time unit and the dates).")
        message = _one_pattern_message(counts, "(frequency, recency, T)")
        if message:
            raise DegenerateFitError(f"{self.model_name}: {message}.")
        self._longest_T = float(T[counts > 0].max())

    def _degeneracy(self) -> str | None:
        """What in the data made the fitted estimate degenerate (a sentence), or None. Models refine this."""
        return _edge_of_search_range(self.params_)

    def _store_fit(self, result: FitResult, n_customers: float, n_patterns: int) -> None:
        names = list(self.parameter_names)
        self.params_ = pd.Series(result.params, index=names, name="estimate")
        self.standard_errors_ = pd.Series(result.standard_errors, index=names, name="standard_error")
        self.covariance_ = pd.DataFrame(result.covariance, index=names, columns=names)
        self.log_likelihood_ = float(result.log_likelihood)
        self.converged_ = result.converged
        self.n_iter_ = result.n_iter
        self.convergence_message_ = result.message
        self.n_customers_ = float(n_customers)
        self.n_patterns_ = int(n_patterns)
        self.aic_ = 2 * len(names) - 2 * self.log_likelihood_
        flag_degenerate(self, self._degeneracy())

    def use_estimates(self, **values: float) -> "ParametricModel":
        """Use given parameter values (e.g. published estimates) as the fitted ``params_``, without fitting; returns self.

        (Not to be confused with scikit-learn's ``set_params``, which changes the settings.)

        Examples
        --------
        >>> from crmlab.models import BetaGeo
        >>> BetaGeo().use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426).params_["a"]
        np.float64(0.793)
        """
        if set(values) != set(self.parameter_names):
            raise ValueError(f"{self.model_name}: give exactly {list(self.parameter_names)}, got {sorted(values)}")
        vector = np.array([values[name] for name in self.parameter_names], dtype=np.float64)
        if not np.all(np.isfinite(vector)) or np.any(vector <= 0):
            raise ValueError(f"{self.model_name}: parameters must be positive and finite, got {values}")
        self.params_ = pd.Series(vector, index=list(self.parameter_names), name="estimate")
        self.degenerate_ = None
        return self

    def set_params_values(self, **values: float) -> "ParametricModel":
        """Deprecated name of :meth:`use_estimates` (kept for one release; it is easily mistaken for ``set_params``).

        >>> import warnings
        >>> from crmlab.models import ShiftedBetaGeo
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     model = ShiftedBetaGeo().set_params_values(alpha=0.704, beta=1.182)
        >>> model.params_.tolist(), caught[0].category.__name__
        ([0.704, 1.182], 'DeprecationWarning')
        """
        warnings.warn("set_params_values(...) is deprecated and will be removed in the next release: "
                      "use use_estimates(...)", DeprecationWarning, stacklevel=2)
        return self.use_estimates(**values)

    def _row_log_likelihood(self, params: np.ndarray, columns: dict[str, np.ndarray]) -> np.ndarray:
        """Log-likelihood of each row of the model's validated columns (each model implements it)."""
        raise NotImplementedError(f"{self.model_name} does not evaluate a customer table's log-likelihood")

    def log_likelihood(self, data: pd.DataFrame, weights: str | Sequence[float] | np.ndarray | None = None) -> float:
        """Full log-likelihood of ``data`` at the current parameters.

        ``weights`` (the customers each row stands for) is found as in ``fit``
        (:func:`resolve_weights`), so at the fitted parameters the value is ``log_likelihood_``.
        """
        params = self._fitted_params()
        columns = self._data(data)
        ll = self._row_log_likelihood(params, columns)
        w = resolve_weights(data, weights, model=self.model_name)
        return float(ll.sum() if w is None else w @ ll)

    def _fitted_params(self) -> np.ndarray:
        if not hasattr(self, "params_"):
            raise NotFittedError(f"{self.model_name} is not fitted yet: call fit(data) first "
                                 "(or use_estimates(...))")
        return self.params_.to_numpy(dtype=np.float64)

    def summary(self) -> pd.DataFrame:
        """Estimates with standard errors and 95% Wald intervals (computed on the log scale).

        Returns
        -------
        pandas.DataFrame
            Index: parameter names; columns ``estimate``, ``standard_error``, ``lower_95``, ``upper_95``.
        """
        params = self._fitted_params()
        se = getattr(self, "standard_errors_", pd.Series(np.nan, index=list(self.parameter_names))).to_numpy()
        spread = 1.959963984540054 * se / params
        return pd.DataFrame(
            {"estimate": params, "standard_error": se,
             "lower_95": params * np.exp(-spread), "upper_95": params * np.exp(spread)},
            index=list(self.parameter_names),
        )

    def __repr__(self) -> str:
        if hasattr(self, "params_"):
            values = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
            extra = f", log_likelihood={self.log_likelihood_:.2f}" if hasattr(self, "log_likelihood_") else ""
            return f"{type(self).__name__}({values}{extra})"
        return f"{type(self).__name__}(not fitted)"


def as_output(values: np.ndarray, data: pd.DataFrame | Mapping, name: str) -> pd.Series:
    """Wrap per-customer results as a Series aligned with the customer table."""
    index = data.index if isinstance(data, pd.DataFrame) else None
    return pd.Series(values, index=index, name=name)
