r"""Shifted-beta-geometric (sBG) model of contract renewals (Fader & Hardie 2007, "How to project customer retention").

A contractual setting: each customer renews or cancels at the end of every period.

* A customer with churn probability :math:`\theta` stays :math:`T` periods, geometric:
  :math:`P(T=t\mid\theta) = \theta(1-\theta)^{t-1}`;
* across customers :math:`\theta \sim \text{Beta}(\alpha, \beta)`.

Then

.. math::

   P(T=t) = \frac{B(\alpha+1,\beta+t-1)}{B(\alpha,\beta)},\qquad
   S(t) = P(T>t) = \frac{B(\alpha,\beta+t)}{B(\alpha,\beta)},\qquad
   r_t = \frac{S(t)}{S(t-1)} = \frac{\beta+t-1}{\alpha+\beta+t-1},

so the retention rate of the cohort *rises* with tenure even though no customer's own
retention changes: the ones likely to churn leave first. With :math:`n_t` customers lost in
period :math:`t` and :math:`S_n` customers still alive after the last observed period :math:`n`,

.. math::

   LL(\alpha,\beta) = \sum_{t=1}^{n} n_t \log P(T=t) + S_n \log S(n).

Fitted to years 1-7 of the "regular" and "high end" cohorts (1,000 customers each), the
paper reports alpha = 0.704, beta = 1.182 and alpha = 0.668, beta = 3.806.

Examples
--------
>>> from crmlab.models import ShiftedBetaGeo
>>> model = ShiftedBetaGeo().fit([1000, 631, 468, 382, 326, 289, 262, 241])
>>> model.params_.round(3).tolist()
[0.704, 1.182]
>>> model.survival_function([1, 2]).round(3).tolist()
[0.627, 0.474]

Two periods of the "high end" cohort cannot separate heterogeneity from the churn rate: the fit runs
to the boundary of one churn probability for all, warns (:class:`~crmlab.models.DegenerateFitWarning`)
and says why in ``degenerate_``:

>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     short = ShiftedBetaGeo().fit([1000, 869, 743])
>>> short.degenerate_.split(":")[0]
'too few periods to separate heterogeneity'
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import special

from crmlab.models.base import (DEGENERATE_LARGE, DegenerateFitError, ParametricModel, _edge_of_search_range,
                                maximize_log_likelihood)

__all__ = ["ShiftedBetaGeo"]


def _log_likelihood(params: np.ndarray, t: np.ndarray, is_survivor: np.ndarray,
                    want_gradient: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """log P(T = t) for churners in period t, log S(t) for survivors at the end (t = n)."""
    alpha, beta = params
    a_off = np.where(is_survivor, 0.0, 1.0)          # B(alpha + 1, ...) for churners, B(alpha, ...) for survivors
    b_off = np.where(is_survivor, t, t - 1)
    ll = special.betaln(alpha + a_off, beta + b_off) - special.betaln(alpha, beta)
    if not want_gradient:
        return ll, None
    psi = special.digamma
    psi_sum = psi(alpha + beta + a_off + b_off)
    d_alpha = psi(alpha + a_off) - psi_sum - psi(alpha) + psi(alpha + beta)
    d_beta = psi(beta + b_off) - psi_sum - psi(beta) + psi(alpha + beta)
    return ll, np.column_stack([d_alpha, d_beta])


def _cohort_patterns(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Churn periods 1..n and the survivors at n (``t``, ``is_survivor``) with their customer counts."""
    n = values.size - 1
    t = np.concatenate([np.arange(1, n + 1, dtype=np.float64), [float(n)]])
    is_survivor = np.concatenate([np.zeros(n, dtype=bool), [True]])
    return t, is_survivor, np.concatenate([-np.diff(values), [values[-1]]])


def _periods(t: float | Sequence[float] | np.ndarray, name: str = "t") -> np.ndarray:
    values = np.asarray(t, dtype=np.float64)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(f"{name} must be finite and >= 0")
    return values


class ShiftedBetaGeo(ParametricModel):
    r"""sBG model of a cohort's survival (Fader & Hardie 2007).

    Parameters
    ----------
    initial_params
        Starting values for ``alpha, beta``; default 1, 1.
    max_iter
        Iteration limit of the optimiser.

    Attributes
    ----------
    params_ : pandas.Series
        ``alpha, beta``.
    standard_errors_, log_likelihood_, converged_, n_iter_, convergence_message_
        As in :class:`crmlab.models.BetaGeo`.
    n_customers_ : float
        Cohort size used in the fit.
    n_periods_ : int
        Number of observed periods after period 0.

    Examples
    --------
    >>> model = ShiftedBetaGeo().fit([1000, 869, 743, 653, 593, 551, 517, 491])
    >>> model.params_.round(3).tolist()
    [0.668, 3.806]
    """

    parameter_names = ("alpha", "beta")
    model_name = "sBG"
    default_initial_params = (1.0, 1.0)

    def __init__(self, initial_params: Mapping[str, float] | Sequence[float] | None = None, max_iter: int = 2000) -> None:
        super().__init__(initial_params=initial_params, max_iter=max_iter, columns=None)

    @staticmethod
    def _survivors(survivors, cohort_size: float | None) -> np.ndarray:
        if isinstance(survivors, pd.DataFrame):
            raise TypeError("sBG: pass one cohort as a 1-D sequence or Series of survivors (period 0 first), "
                            "e.g. data['regular_pct_surviving']")
        values = np.asarray(survivors, dtype=np.float64).reshape(-1)
        if values.size < 2:
            raise ValueError(f"sBG: need the cohort size at period 0 and at least one later period, got {values.size} value(s)")
        bad = ~np.isfinite(values)
        if bad.any():
            raise ValueError(f"sBG: survivors: {int(bad.sum())} of {values.size} values are NaN or infinite")
        if np.any(values < 0):
            raise ValueError(f"sBG: survivors: {int((values < 0).sum())} of {values.size} values are negative")
        if values[0] <= 0:
            raise ValueError("sBG: survivors: the cohort size at period 0 must be positive")
        increases = np.diff(values) > 1e-9 * values[0]
        if increases.any():
            raise ValueError(f"sBG: survivors: {int(increases.sum())} period(s) have more customers than the "
                             "period before; survival cannot increase")
        if cohort_size is not None:
            if not cohort_size > 0:
                raise ValueError(f"sBG: cohort_size must be positive, got {cohort_size!r}")
            values = values / values[0] * cohort_size
        return values

    def fit(self, survivors: Sequence[float] | np.ndarray | pd.Series, cohort_size: float | None = None) -> "ShiftedBetaGeo":
        """Estimate ``alpha, beta`` from the number of customers still active at the start of each period.

        Parameters
        ----------
        survivors
            Customers alive at period 0 (the cohort size), 1, 2, ..., n: counts, or shares
            (e.g. percentages) together with ``cohort_size``.
        cohort_size
            When given, ``survivors`` are rescaled so that period 0 equals it (the
            log-likelihood is that of a cohort of this size).

        Returns
        -------
        ShiftedBetaGeo
            ``self``, fitted.
        """
        values = self._survivors(survivors, cohort_size)
        n = values.size - 1
        lost = -np.diff(values)
        if not np.any(lost > 0):
            raise DegenerateFitError(
                f"sBG: no customer churned in the {n} observed period(s) (survivors stay at {values[0]:,.6g}): the "
                "churn probability is 0 at the maximum of the likelihood and how it differs between customers "
                "cannot be estimated. Observe the cohort for longer.")
        if n == 1:
            raise DegenerateFitError(
                f"sBG: one observed period: it gives the share who churned in period 1 ({lost[0] / values[0]:.1%}) "
                "but not how churn probabilities differ between customers (every (alpha, beta) with "
                "alpha / (alpha + beta) equal to that share fits as well). Observe at least 2 periods (3 or more to "
                "separate heterogeneity reliably).")
        self._retention = values[1:] / values[:-1]
        t, is_survivor, counts = _cohort_patterns(values)

        def log_likelihood(params: np.ndarray, want_gradient: bool):
            return _log_likelihood(params, t, is_survivor, want_gradient)

        result = maximize_log_likelihood(log_likelihood, self._initial_vector(), counts, analytic_gradient=True,
                                         max_iter=self.max_iter, model=self.model_name)
        self._store_fit(result, values[0], len(counts))
        self.n_periods_ = n
        return self

    def log_likelihood(self, survivors: Sequence[float] | np.ndarray | pd.Series,  # type: ignore[override]
                       cohort_size: float | None = None) -> float:
        """Full log-likelihood of a cohort's ``survivors`` (as in :meth:`fit`) at the current parameters.

        >>> model = ShiftedBetaGeo().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> bool(abs(model.log_likelihood([1000, 631, 468, 382, 326, 289, 262, 241]) - model.log_likelihood_) < 1e-9)
        True
        """
        params = self._fitted_params()
        t, is_survivor, counts = _cohort_patterns(self._survivors(survivors, cohort_size))
        return float(counts @ _log_likelihood(params, t, is_survivor, False)[0])

    def _degeneracy(self) -> str | None:
        """Too few periods to separate heterogeneity (alpha, beta -> infinity), no churn, or the search range's edge."""
        alpha, beta = self.params_
        churn = alpha / (alpha + beta)
        if alpha + beta > DEGENERATE_LARGE:
            retention = getattr(self, "_retention", np.array([]))
            rates = ", ".join(f"{rate:.1%}" for rate in retention)
            rising = retention.size > 1 and bool(np.all(np.diff(retention) > 0))
            cause = (f"the observed retention rates ({rates}) do not rise with tenure, as they would if customers' "
                     "churn probabilities differed" if not rising else f"the observed retention rates ({rates}) "
                     "rise too little to tell heterogeneity from chance")
            return (f"too few periods to separate heterogeneity: {cause}, so the fit ran to the boundary where every "
                    f"customer churns with the same probability (alpha = {alpha:,.0f}, beta = {beta:,.0f}: "
                    f"{churn:.1%} churn per period); the projection keeps retention constant at {1 - churn:.1%} "
                    "and understates survival if retention rises later")
        if churn < 1 / DEGENERATE_LARGE:
            return (f"almost no customer churned, so the churn probability ran to 0 (alpha = {alpha:.3g}, "
                    f"beta = {beta:.3g})")
        return _edge_of_search_range(self.params_)

    # -- predictions ---------------------------------------------------------------------------
    def churn_probability(self, t: float | Sequence[float] | np.ndarray) -> np.ndarray:
        r"""P(T = t): share of a new cohort that cancels in period t (t >= 1).

        Recursion: :math:`P(T=1) = \frac{\alpha}{\alpha+\beta}`,
        :math:`P(T=t) = \frac{\beta+t-2}{\alpha+\beta+t-1}P(T=t-1)`.
        """
        alpha, beta = self._fitted_params()
        t = _periods(t)
        if np.any(t < 1):
            raise ValueError("t must be >= 1 (customers can first cancel at the end of period 1)")
        return np.exp(special.betaln(alpha + 1, beta + t - 1) - special.betaln(alpha, beta))

    def survival_function(self, t: float | Sequence[float] | np.ndarray) -> np.ndarray:
        r"""S(t) = B(alpha, beta + t) / B(alpha, beta): share of the cohort still active after t periods."""
        alpha, beta = self._fitted_params()
        return np.exp(special.betaln(alpha, beta + _periods(t)) - special.betaln(alpha, beta))

    def retention_rate(self, t: float | Sequence[float] | np.ndarray) -> np.ndarray:
        r"""r_t = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1), for t >= 1."""
        alpha, beta = self._fitted_params()
        t = _periods(t)
        if np.any(t < 1):
            raise ValueError("t must be >= 1")
        return (beta + t - 1) / (alpha + beta + t - 1)

    def expected_survivors(self, t: float | Sequence[float] | np.ndarray, cohort_size: float | None = None) -> np.ndarray:
        """Projected number of customers still active after t periods (``cohort_size`` default: fitted size)."""
        size = self.n_customers_ if cohort_size is None else cohort_size
        return size * self.survival_function(t)

    def expected_remaining_lifetime(self, age: float = 0, horizon: float | None = None) -> float:
        r"""Expected number of further periods of a customer active at ``age`` (periods survived).

        Without a horizon: :math:`E[T - age \mid T > age] = \sum_{t\ge age} S(t)/S(age)
        = \frac{\alpha+\beta+age-1}{\alpha-1}` (infinite when alpha <= 1: the mean
        lifetime of a beta-geometric does not exist then). With ``horizon`` H the sum is
        truncated to the next H periods, which is always finite.
        """
        alpha, beta = self._fitted_params()
        age = float(_periods(age, "age"))
        if horizon is None:
            return float((alpha + beta + age - 1) / (alpha - 1)) if alpha > 1 else float("inf")
        steps = np.arange(int(np.ceil(_periods(horizon, "horizon"))), dtype=np.float64)
        return float(np.exp(special.betaln(alpha, beta + age + steps) - special.betaln(alpha, beta + age)).sum())

    def discounted_expected_residual_lifetime(self, discount_rate: float, renewals: float = 0) -> float:
        r"""DERL: discounted expected number of future payments of a customer who has renewed ``renewals`` times.

        Fader & Hardie (2010): for a customer observed with :math:`n-1` renewals, just before
        the :math:`n`-th renewal decision, with payments at the start of each period,

        .. math::

           DERL(d\mid\alpha,\beta,n-1) = \sum_{t=n}^{\infty}\frac{S(t)}{S(n-1)}\frac{1}{(1+d)^{t-n}}
           = \frac{B(\alpha,\beta+n)}{B(\alpha,\beta+n-1)}\,
             {}_2F_1\!\left(1,\beta+n;\alpha+\beta+n;\tfrac{1}{1+d}\right).

        Multiply by the margin per period for the customer's residual value.

        Examples
        --------
        >>> model = ShiftedBetaGeo().use_estimates(alpha=0.704, beta=1.182)
        >>> round(model.discounted_expected_residual_lifetime(0.10, renewals=0), 2)
        2.96
        """
        alpha, beta = self._fitted_params()
        if not discount_rate > 0:
            raise ValueError(f"discount_rate must be > 0 (the sum is infinite otherwise when alpha <= 1), got {discount_rate!r}")
        n = float(_periods(renewals, "renewals")) + 1
        ratio = np.exp(special.betaln(alpha, beta + n) - special.betaln(alpha, beta + n - 1))
        return float(ratio * special.hyp2f1(1.0, beta + n, alpha + beta + n, 1 / (1 + discount_rate)))

    def discounted_expected_lifetime(self, discount_rate: float) -> float:
        r"""DEL of a customer just acquired: :math:`\sum_{t\ge0} S(t)/(1+d)^t = {}_2F_1(1,\beta;\alpha+\beta;\tfrac{1}{1+d})`."""
        alpha, beta = self._fitted_params()
        if not discount_rate > 0:
            raise ValueError(f"discount_rate must be > 0, got {discount_rate!r}")
        return float(special.hyp2f1(1.0, beta, alpha + beta, 1 / (1 + discount_rate)))
