"""The one logistic regression (逻辑回归) of crmlab: Newton's method on a design matrix.

:func:`fit_logistic` is used by :class:`crmlab.response.ResponseModel`,
:class:`crmlab.leads.LeadScorer` and :func:`crmlab.closed_loop.fit_logit`. It maximises

.. math:: \\ell(\\beta) = \\sum_i y_i \\eta_i - \\log(1 + e^{\\eta_i}) - \\tfrac{\\lambda}{2}\\,|\\beta_{1:}|^2,
   \\qquad \\eta = \\beta_0 + X\\beta_{1:}

by Newton-Raphson from the intercept-only estimate (a step that would lower the objective is
halved until it does not), stopping when no coefficient moves by more than ``tol``. Without a penalty (``ridge=0``) this is the maximum-likelihood fit statsmodels'
``Logit(...).fit(method="newton")`` gives (the tests compare them to 1e-8); the standard errors are
the square roots of the diagonal of the inverse Fisher information, the intervals and p-values are
Wald's (normal), as statsmodels reports them.

Examples
--------
>>> x = np.array([[0.], [1.], [2.], [3.]]); y = np.array([0, 1, 0, 1])
>>> fit = fit_logistic(x, y)
>>> fit.params.round(3).tolist(), round(fit.log_likelihood, 4)
([-1.362, 0.908], -2.3475)
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

__all__ = ["LogisticFit", "fit_logistic", "logistic"]


def logistic(eta: np.ndarray | float) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-eta))`` without overflow.

    >>> logistic(np.array([0.0, 800.0, -800.0])).tolist()
    [0.5, 1.0, 0.0]
    """
    return special.expit(eta)


@dataclass(frozen=True)
class LogisticFit:
    """What :func:`fit_logistic` estimates: coefficients (intercept first) and their precision.

    ``covariance`` is the inverse of the (penalised) information matrix at the estimate;
    :meth:`table` gives the coefficients with Wald 95% intervals and p-values.
    """

    params: np.ndarray
    log_likelihood: float
    covariance: np.ndarray
    n_iter: int
    converged: bool

    @property
    def standard_errors(self) -> np.ndarray:
        """Square roots of the diagonal of :attr:`covariance`."""
        return np.sqrt(np.diag(self.covariance))

    def table(self, names: list[str] | pd.Index, level: float = 0.95) -> pd.DataFrame:
        """Per term: ``coefficient``, ``odds_ratio``, ``ci_low``, ``ci_high`` (of the odds ratio) and ``p_value``.

        >>> fit = fit_logistic(np.array([[0.], [1.], [2.], [3.]]), np.array([0, 1, 0, 1]))
        >>> fit.table(["const", "x"]).round(3).loc["x"].tolist()
        [0.908, 2.48, 0.296, 20.804, 0.403]
        """
        se = self.standard_errors
        z = stats.norm.ppf(0.5 + level / 2)
        table = pd.DataFrame({
            "coefficient": self.params,
            "odds_ratio": np.exp(self.params),
            "ci_low": np.exp(self.params - z * se),
            "ci_high": np.exp(self.params + z * se),
            "p_value": 2 * stats.norm.sf(np.abs(self.params / se)),
        }, index=pd.Index(list(names), name="term"))
        return table


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = 0.0, max_iter: int = 100,
                 tol: float = 1e-10) -> LogisticFit:
    """Logistic regression of 0/1 ``y`` on the columns of ``x`` (an intercept is added first).

    Parameters
    ----------
    x
        Predictors, one row per observation (no constant column: the intercept is added).
    y
        Outcomes, 0 or 1.
    ridge
        Penalty ``ridge/2 · |slopes|²`` on the slopes (the intercept is not penalised); it keeps
        the estimate finite when a small sample separates the classes. 0: maximum likelihood.
    max_iter, tol
        Newton steps at most; stop when no coefficient changes by more than ``tol``. A fit that
        does not meet ``tol`` warns (:class:`crmlab.models.ConvergenceWarning`).

    Returns
    -------
    LogisticFit
        ``params`` (intercept first), the full (unpenalised) ``log_likelihood``, ``covariance``,
        ``n_iter``, ``converged``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"x must be 2-d with one row per response, got {x.shape} and {y.shape}")
    if not np.isfinite(x).all():
        raise ValueError(f"x must be finite; {int((~np.isfinite(x)).any(axis=1).sum())} row(s) are not")
    bad = int((~np.isin(y, [0.0, 1.0])).sum())
    if bad:
        raise ValueError(f"y must hold 0/1; {bad} value(s) do not")
    if not np.isfinite(ridge) or ridge < 0:
        raise ValueError(f"ridge must be at least 0, got {ridge}")
    design = np.column_stack([np.ones(len(y)), x])
    penalty = np.full(design.shape[1], float(ridge))
    penalty[0] = 0.0
    mean = min(max(y.mean(), 1e-3), 1 - 1e-3)
    beta = np.zeros(design.shape[1])
    beta[0] = np.log(mean / (1 - mean))
    def objective(beta: np.ndarray) -> float:  # the penalised log-likelihood
        eta = design @ beta
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)) - 0.5 * np.sum(penalty * beta**2))

    converged, n_iter, current = False, 0, objective(beta)
    for n_iter in range(1, max_iter + 1):
        p = logistic(design @ beta)
        gradient = design.T @ (y - p) - penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            raise ValueError("the predictors are collinear (the information matrix is singular): "
                             "drop a redundant column") from None
        # a full Newton step unless it lowers the objective; then halve it (Newton can overshoot
        # from the start when a predictor has a long tail)
        for _ in range(60):
            candidate = objective(beta + step)
            if candidate >= current - 1e-12 * abs(current):
                break
            step = step / 2
        beta = beta + step
        current = candidate
        if np.max(np.abs(step)) < tol:
            converged = True
            break
    if not converged:
        from .models.base import ConvergenceWarning

        warnings.warn(f"logistic regression: no convergence in {max_iter} Newton steps (the classes may be "
                      "separated; a ridge penalty keeps the estimate finite)", ConvergenceWarning, stacklevel=2)
    eta = design @ beta
    p = logistic(eta)
    log_likelihood = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
    information = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
    covariance = np.linalg.pinv(information)
    return LogisticFit(params=beta, log_likelihood=log_likelihood, covariance=covariance, n_iter=n_iter,
                       converged=converged)
