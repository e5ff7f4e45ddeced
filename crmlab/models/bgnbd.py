r"""BG/NBD: the beta-geometric / negative binomial model of repeat buying (Fader, Hardie & Lee 2005).

A non-contractual setting: we see purchases, never the moment a customer leaves.

* While alive, a customer buys as a Poisson process with rate :math:`\lambda`;
  across customers :math:`\lambda \sim \text{Gamma}(r, \alpha)` (shape r, rate alpha).
* After every purchase the customer drops out with probability :math:`p`;
  across customers :math:`p \sim \text{Beta}(a, b)`.

A customer is summarised by :math:`x` = ``frequency`` (repeat purchases),
:math:`t_x` = ``recency`` (time of the last repeat purchase since the first) and
:math:`T` = ``T`` (time since the first purchase), in one time unit (weeks in the paper).
The likelihood of one customer is

.. math::

   L = \frac{B(a, b+x)}{B(a,b)} \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)\,(\alpha+T)^{r+x}}
     + \delta_{x>0}\,\frac{B(a+1, b+x-1)}{B(a,b)} \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)\,(\alpha+t_x)^{r+x}},

evaluated here as ``gammaln`` / ``betaln`` terms combined with ``logaddexp``.
On the CDNOW sample (2,357 customers, 39 weeks) the paper reports
r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.

Examples
--------
>>> import pandas as pd
>>> from crmlab.models import BetaGeo
>>> model = BetaGeo().use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426)
>>> customers = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 30.43], "T": [38.86, 38.86]})
>>> model.probability_alive(customers).round(3).tolist()
[1.0, 0.727]
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import special, stats

from crmlab.models.base import (DEGENERATE_LARGE, Distinct, ParametricModel, _edge_of_search_range, as_output)

__all__ = ["BetaGeo"]

_COLUMNS = ("frequency", "recency", "T")


def _log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, want_gradient: bool,
                    distinct: tuple[Distinct, Distinct, Distinct] | None = None
                    ) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-pattern log-likelihood of the BG/NBD and its gradient in (r, alpha, a, b).

    ``distinct`` (the :class:`Distinct` values of x, t_x and T) lets every gamma, beta and log
    term that depends on one column only be computed once per distinct value.
    """
    r, alpha, a, b = params
    by_x, by_tx, by_T = distinct or (Distinct(x), Distinct(t_x), Distinct(T))
    xs = by_x.values                    # the distinct frequencies
    repeat = xs > 0
    xs1 = np.where(repeat, xs, 1.0)     # keeps b + x - 1 > 0 in the (masked) second term
    betaln_ab = special.betaln(a, b)
    common = by_x.spread(special.gammaln(r + xs) - special.gammaln(r) + r * np.log(alpha))
    log_alpha_T = by_T.spread(np.log(alpha + by_T.values))
    log_alpha_tx = by_tx.spread(np.log(alpha + by_tx.values))
    r_x = r + x
    term1 = by_x.spread(special.betaln(a, b + xs) - betaln_ab) - r_x * log_alpha_T
    # the "dropped out right after the last purchase" branch; -inf (absent) when x = 0
    term2 = by_x.spread(np.where(repeat, special.betaln(a + 1, b + xs1 - 1) - betaln_ab, -np.inf)) - r_x * log_alpha_tx
    combined = np.logaddexp(term1, term2)
    ll = common + combined
    if not want_gradient:
        return ll, None
    w2 = np.exp(term2 - combined)  # share of the "dropped out at t_x" branch, 0 when x = 0
    w1 = 1.0 - w2
    psi = special.digamma
    psi_ab, psi_abx = psi(a + b), psi(a + b + xs)
    d_r = by_x.spread(psi(r + xs) - psi(r) + np.log(alpha)) - w1 * log_alpha_T - w2 * log_alpha_tx
    d_alpha = r / alpha - r_x * (w1 * by_T.spread(1.0 / (alpha + by_T.values))
                                 + w2 * by_tx.spread(1.0 / (alpha + by_tx.values)))
    d_a = by_x.spread(psi_ab - psi_abx) + w2 * (psi(a + 1) - psi(a))
    d_b = (w1 * by_x.spread(psi(b + xs) - psi_abx - psi(b) + psi_ab)
           + w2 * by_x.spread(np.where(repeat, psi(b + xs1 - 1) - psi_abx - psi(b) + psi_ab, 0.0)))
    return ll, np.column_stack([d_r, d_alpha, d_a, d_b])


class BetaGeo(ParametricModel):
    r"""BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

    Parameters
    ----------
    initial_params
        Starting values for ``r, alpha, a, b`` (mapping or sequence); default all 1.
    max_iter
        Iteration limit of the optimiser.
    columns
        Map from ``frequency``, ``recency``, ``T`` to the names in your table,
        e.g. ``{"frequency": "frequency_cal", "recency": "recency_cal", "T": "T_cal"}``.

    Attributes
    ----------
    params_ : pandas.Series
        ``r, alpha, a, b``.
    standard_errors_ : pandas.Series
    log_likelihood_ : float
        Full log-likelihood (sum over customers).
    converged_, n_iter_, convergence_message_
        What the optimiser said.
    n_customers_, n_patterns_
        Customers (sum of weights) and distinct (frequency, recency, T) patterns.

    Examples
    --------
    >>> from crmlab.datasets import load_cdnow
    >>> from crmlab.rfm import summarize
    >>> log = load_cdnow("sample")
    >>> customers = summarize(log[log["date"] <= "1997-09-30"], "customer_id", "date", "dollar_value",
    ...                       observation_end="1997-09-30")
    >>> model = BetaGeo().fit(customers)
    >>> model.params_.round(3).tolist(), round(model.log_likelihood_, 1)
    ([0.243, 4.414, 0.793, 2.426], -9582.4)
    """

    parameter_names = ("r", "alpha", "a", "b")
    model_name = "BG/NBD"
    default_initial_params = (1.0, 1.0, 1.0, 1.0)
    data_columns = _COLUMNS

    def fit(self, data: pd.DataFrame, weights: Sequence[float] | np.ndarray | None = None) -> "BetaGeo":
        """Estimate ``r, alpha, a, b`` by maximum likelihood.

        Parameters
        ----------
        data
            Customer table with ``frequency``, ``recency``, ``T`` (e.g. from :func:`crmlab.rfm.summarize`).
        weights
            Optional number of customers each row stands for.

        Returns
        -------
        BetaGeo
            ``self``, fitted.
        """
        self._fit_purchase_patterns(data, weights, _log_likelihood)
        return self

    def _row_log_likelihood(self, params: np.ndarray, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        return _log_likelihood(params, columns["frequency"], columns["recency"], columns["T"], False)[0]

    def _degeneracy(self) -> str | None:
        """No dropout (a -> 0 or a/(a+b) -> 0), identical purchase rates (r -> infinity), or the search range's edge."""
        r, alpha, a, b = self.params_
        if a / (a + b) < 1e-3 and (a < 1 / DEGENERATE_LARGE or a + b > DEGENERATE_LARGE):
            return (f"the data show no sign of dropout (customers' silences since their last purchase are no longer than "
                    f"their purchase rates explain), so the dropout probability ran to 0 (a = {a:.3g}, b = {b:.4g}; mean "
                    f"{a / (a + b):.2g} per purchase): P(alive) is about 1 for everyone and the model reduces to "
                    "the NBD of purchase counts")
        if r > DEGENERATE_LARGE:
            return (f"the purchase rates show no differences between customers, so the gamma shape r ran to a "
                    f"boundary (r = {r:.3g}, alpha = {alpha:.3g}: every customer buys {r / alpha:.3g} times per time "
                    "unit); the data cannot separate heterogeneity from chance")
        if a + b > DEGENERATE_LARGE:
            return (f"the dropout probabilities show no differences between customers, so the beta distribution ran "
                    f"to a spike (a = {a:.3g}, b = {b:.3g}; every customer drops out with probability "
                    f"{a / (a + b):.3g} after a purchase)")
        return _edge_of_search_range(self.params_)

    # -- predictions ---------------------------------------------------------------------------
    def expected_purchases_new_customer(self, t: float | np.ndarray) -> np.ndarray:
        r"""Expected purchases in ``(0, t]`` of a customer just acquired, E[X(t)].

        .. math::

           E[X(t)] = \frac{a+b-1}{a-1}\left[1 - \left(\frac{\alpha}{\alpha+t}\right)^r
                     {}_2F_1\!\left(r, b; a+b-1; \tfrac{t}{\alpha+t}\right)\right]

        computed with Euler's transformation
        :math:`(\frac{\alpha}{\alpha+t})^r\,{}_2F_1(r,b;a+b-1;z) = (1-z)^{a-1}\,{}_2F_1(a+b-1-r, a-1; a+b-1; z)`,
        whose series stays small for long horizons.

        Examples
        --------
        >>> model = BetaGeo().use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(float(model.expected_purchases_new_customer(39.0)), 3)
        1.197
        """
        r, alpha, a, b = self._fitted_params()
        t = np.asarray(t, dtype=np.float64)
        if np.any(t < 0) or not np.all(np.isfinite(t)):
            raise ValueError("t must be finite and non-negative")
        z = t / (alpha + t)
        return _expected_given(r, alpha, a, b, np.zeros_like(t), alpha, z)

    def expected_purchases(self, data: pd.DataFrame, t: float | np.ndarray) -> pd.Series:
        r"""Expected purchases of each customer in the next ``t`` time units, E[Y(t) | x, t_x, T].

        .. math::

           E[Y(t)\mid x,t_x,T] = \frac{\frac{a+b+x-1}{a-1}\left[1-\left(\frac{\alpha+T}{\alpha+T+t}\right)^{r+x}
           {}_2F_1\!\left(r+x,b+x;a+b+x-1;\frac{t}{\alpha+T+t}\right)\right]}
           {1+\delta_{x>0}\frac{a}{b+x-1}\left(\frac{\alpha+T}{\alpha+t_x}\right)^{r+x}}

        (Fader, Hardie & Lee 2005, eq. 10), with the same Euler transformation as
        :meth:`expected_purchases_new_customer` so that frequencies in the thousands stay finite.

        Examples
        --------
        >>> import pandas as pd
        >>> model = BetaGeo().use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> customers = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
        >>> model.expected_purchases(customers, 39.0).round(2).tolist()
        [1.23]
        """
        r, alpha, a, b = self._fitted_params()
        columns = self._data(data)
        t = np.asarray(t, dtype=np.float64)
        if np.any(t < 0) or not np.all(np.isfinite(t)):
            raise ValueError("t must be finite and non-negative")
        x, T = columns["frequency"], columns["T"]
        z = t / (alpha + T + t)
        numerator = _expected_given(r, alpha, a, b, x, alpha + T, z)
        return as_output(numerator * self._alive(columns), data, "expected_purchases")

    def _alive(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        r, alpha, a, b = self._fitted_params()
        x, t_x, T = columns["frequency"], columns["recency"], columns["T"]
        repeat = x > 0
        x1 = np.where(repeat, x, 1.0)
        log_odds_dead = np.log(a) - np.log(b + x1 - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        return np.where(repeat, special.expit(-log_odds_dead), 1.0)

    def probability_alive(self, data: pd.DataFrame) -> pd.Series:
        r"""P(alive | x, t_x, T): probability that each customer has not dropped out.

        .. math::

           P(\text{alive}) = \left[1 + \delta_{x>0}\,\frac{a}{b+x-1}
           \left(\frac{\alpha+T}{\alpha+t_x}\right)^{r+x}\right]^{-1}

        A customer without repeat purchases is alive for sure (in the BG/NBD a customer
        can only drop out right after a purchase). Computed as ``expit(-log odds)``.
        """
        columns = self._data(data)
        return as_output(self._alive(columns), data, "probability_alive")

    def probability_of_purchases(self, n: int | np.ndarray, t: float | np.ndarray) -> np.ndarray:
        r"""P(X(t) = n) for a customer just acquired (Fader, Hardie & Lee 2005, eq. 8).

        .. math::

           P(X(t)=n) = \frac{B(a,b+n)}{B(a,b)}\,\text{NB}(n; r, \tfrac{\alpha}{\alpha+t})
           + \delta_{n>0}\frac{B(a+1,b+n-1)}{B(a,b)}\left[1 - \sum_{j<n}\text{NB}(j; r, \tfrac{\alpha}{\alpha+t})\right]

        where NB is the negative binomial probability (gamma-Poisson mixture).

        Examples
        --------
        >>> model = BetaGeo().use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(float(model.probability_of_purchases(0, 39.0)), 3)
        0.574
        """
        r, alpha, a, b = self._fitted_params()
        n = np.asarray(n, dtype=np.float64)
        t = np.asarray(t, dtype=np.float64)
        if np.any(n < 0) or np.any(n != np.round(n)):
            raise ValueError("n must be whole numbers >= 0")
        if np.any(t < 0) or not np.all(np.isfinite(t)):
            raise ValueError("t must be finite and non-negative")
        p = alpha / (alpha + t)
        betaln_ab = special.betaln(a, b)
        first = np.exp(special.betaln(a, b + n) - betaln_ab + stats.nbinom.logpmf(n, r, p))
        n1 = np.maximum(n, 1.0)
        second = np.where(n > 0, np.exp(special.betaln(a + 1, b + n1 - 1) - betaln_ab + stats.nbinom.logsf(n1 - 1, r, p)),
                          0.0)
        return first + second


def _hyp2f1_series(A: float, B: float, C: np.ndarray, z: np.ndarray,
                   max_terms: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Gauss series sum_k (A)_k (B)_k / ((C)_k k!) z^k, and where the sum can be trusted.

    Used when C is large (frequent buyers): the terms then shrink fast from the start, while
    general-purpose routines (scipy's hyp2f1) can return inf or NaN there. A sum is trusted
    when its terms became negligible within ``max_terms`` and no term was more than 1e6 times
    the total (no cancellation that would eat the digits).
    """
    C, z = np.broadcast_arrays(np.asarray(C, float), np.asarray(z, float))
    total = np.ones(C.shape)
    term = np.ones(C.shape)
    largest = np.ones(C.shape)
    converged = np.zeros(C.shape, dtype=bool)
    for k in range(max_terms):
        term = term * (A + k) * (B + k) / ((C + k) * (k + 1)) * z
        total = total + term
        largest = np.maximum(largest, np.abs(term))
        converged = np.abs(term) <= 1e-17 * np.abs(total)
        if np.all(converged):
            break
    return total, converged & (largest <= 1e6 * np.abs(total))


def _bracket_mpmath(r: float, a: float, b: float, x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z) at 30 digits, for the few arguments
    where the double-precision routines disagree (near z = 1 with c - a - b close to an integer).
    """
    import mpmath

    out = np.empty(len(x))
    with mpmath.workdps(30):
        for i, (xi, zi) in enumerate(zip(x, z)):
            zi = mpmath.mpf(float(zi))
            hyper = mpmath.hyp2f1(a + b - 1 - r, a - 1, a + b + float(xi) - 1, zi)
            out[i] = float(1 - (1 - zi) ** (a - 1) * hyper)
    return out


#: From this value of the third parameter on, the 2F1 of the BG/NBD is summed by :func:`_hyp2f1_series`.
_SERIES_FROM = 40.0


_REMOVABLE = 1e-6


def _expected_given(r: float, alpha: float, a: float, b: float, x: np.ndarray, scale: np.ndarray | float,
                    z: np.ndarray) -> np.ndarray:
    """(a+b+x-1)/(a-1) * [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)]: the numerator of E[Y(t)].

    With x = 0 and scale = alpha this is E[X(t)] of a new customer. The expression is smooth
    in a and b but has removable singularities at a = 1 and at a + b + x = 1; there it is
    the mean of the values at a +- 1e-6 (or b +- 1e-6), accurate to about 1e-10.
    """
    if abs(a - 1) < _REMOVABLE:
        return (_expected_given(r, alpha, 1 + 2 * _REMOVABLE, b, x, scale, z)
                + _expected_given(r, alpha, 1 - 2 * _REMOVABLE, b, x, scale, z)) / 2
    x = np.asarray(x, dtype=float)
    if np.any(np.abs(a + b + x - 1) < _REMOVABLE):
        shape = np.broadcast(x, z).shape
        near = np.broadcast_to(np.abs(a + b + x - 1) < _REMOVABLE, shape)
        xb, zb = np.broadcast_to(x, shape), np.broadcast_to(z, shape)
        out = np.empty(shape)
        out[~near] = _expected_given(r, alpha, a, b, xb[~near], scale, zb[~near])
        shift = 2 * _REMOVABLE
        out[near] = (_expected_given(r, alpha, a, b + shift, xb[near], scale, zb[near])
                     + _expected_given(r, alpha, a, b - shift, xb[near], scale, zb[near])) / 2
        return out
    c = np.broadcast_to(a + b + x - 1, np.broadcast(x, z).shape).astype(float)
    z = np.broadcast_to(z, c.shape).astype(float)
    xs = np.broadcast_to(x, c.shape)
    with np.errstate(all="ignore"):
        hyper = special.hyp2f1(a + b - 1 - r, a - 1, c, z)
        log_one_minus_z = np.log1p(-z)
        # the same product from the untransformed 2F1, (1-z)^(r+x) 2F1(r+x, b+x; c; z): where scipy is
        # inaccurate (near z = 1 when c - a - b is close to an integer) the two disagree
        check = np.exp((r + xs) * log_one_minus_z) * special.hyp2f1(r + xs, b + xs, c, z)
        product = np.exp((a - 1) * log_one_minus_z) * hyper
        trusted = np.array(np.isfinite(product) & (np.abs(product - check) <= 1e-10 * np.maximum(np.abs(product), 1e-300)),
                           dtype=bool)
    use_series = (c >= _SERIES_FROM) | ~np.isfinite(hyper)
    if use_series.any():
        hyper = np.array(hyper, dtype=float)
        hyper[use_series], trusted[use_series] = _hyp2f1_series(a + b - 1 - r, a - 1, c[use_series], z[use_series])
    with np.errstate(divide="ignore", invalid="ignore"):
        log_power = (a - 1) * log_one_minus_z
        # 1 - (1-z)^(a-1) * 2F1, with expm1 for accuracy when the product is near 1 (2F1 < 0 only when a + b < 1)
        bracket = np.where(hyper > 0, -np.expm1(log_power + np.log(np.abs(hyper))), 1 - np.exp(log_power) * hyper)
    redo = ~trusted & (z > 0)
    if redo.any():
        bracket = np.array(bracket, dtype=float)
        bracket[redo] = _bracket_mpmath(r, a, b, xs[redo], z[redo])
    return c / (a - 1) * bracket
