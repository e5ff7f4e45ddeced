r"""Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999).

* A customer's transaction values :math:`z_1, \dots, z_x` are Gamma(p, :math:`\nu`) around the
  customer's mean spend :math:`E[Z] = p/\nu`;
* across customers :math:`\nu \sim \text{Gamma}(q, \gamma)`.

The mean :math:`\bar z` of :math:`x` transactions is then Gamma(:math:`px, \nu x`), and mixing over
:math:`\nu` gives the likelihood used for estimation

.. math::

   f(\bar z \mid p, q, \gamma; x) = \frac{\Gamma(px+q)}{\Gamma(px)\Gamma(q)}
       \frac{\gamma^q\, \bar z^{px-1}\, x^{px}}{(\gamma + x\bar z)^{px+q}} .

The model is fitted on customers with at least one repeat purchase (``frequency > 0``), with
``monetary_value`` the mean value of their repeat purchases. It assumes spend is independent
of purchase frequency: check the correlation before combining it with a purchase model.
On the CDNOW sample (946 repeat buyers) the published estimates are p = 6.25, q = 3.74,
gamma = 15.44, LL = -4055.9.

Examples
--------
>>> import pandas as pd
>>> from crmlab.models import GammaGamma
>>> model = GammaGamma().use_estimates(p=6.25, q=3.74, gamma=15.44)
>>> customers = pd.DataFrame({"frequency": [0, 1, 10], "monetary_value": [0.0, 20.0, 20.0]})
>>> model.expected_spend(customers).round(2).tolist()
[35.22, 24.64, 20.64]
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from crmlab.models.base import (DEGENERATE_LARGE, DegenerateFitError, Distinct, ParametricModel, _edge_of_search_range,
                                _one_pattern_message, as_output, compress_rows, maximize_log_likelihood,
                                validate_customer_table)
from crmlab.models.base import resolve_weights
from crmlab.validation import ValidationError

__all__ = ["GammaGamma"]


class _SpendPatterns:
    """Distinct (x, mean spend) pairs with every term of the likelihood that no parameter touches."""

    def __init__(self, x: np.ndarray, m: np.ndarray) -> None:
        self.x, self.xm = x, x * m
        self.log_m = np.log(m)
        self.x_log_xm = x * np.log(self.xm)      # x log(x m): the p-terms x log m + x log x
        self.by_x = Distinct(x)


def _log_likelihood(params: np.ndarray, data: _SpendPatterns, want_gradient: bool
                    ) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-pattern log density of the mean spend and its gradient in (p, q, gamma).

    ``log f = lnG(px+q) - lnG(px) - lnG(q) + q log(gamma) + p x log(x m) - log m - (px+q) log(gamma + x m)``;
    the gamma functions are evaluated once per distinct frequency, and only ``log(gamma + x m)`` is
    computed per pattern at every evaluation.
    """
    p, q, gamma = params
    x, by_x = data.x, data.by_x
    px_values = p * by_x.values
    px_q = p * x + q
    log_scale = np.log(gamma + data.xm)
    ll = (by_x.spread(special.gammaln(px_values + q) - special.gammaln(px_values)) - special.gammaln(q)
          + q * np.log(gamma) + p * data.x_log_xm - data.log_m - px_q * log_scale)
    if not want_gradient:
        return ll, None
    psi_pxq_values = special.digamma(px_values + q)
    d_p = by_x.spread(by_x.values * (psi_pxq_values - special.digamma(px_values))) + data.x_log_xm - x * log_scale
    d_q = by_x.spread(psi_pxq_values) - special.digamma(q) + np.log(gamma) - log_scale
    d_gamma = q / gamma - px_q / (gamma + data.xm)
    return ll, np.column_stack([d_p, d_q, d_gamma])


class GammaGamma(ParametricModel):
    r"""Gamma-Gamma spend model.

    Parameters
    ----------
    initial_params
        Starting values for ``p, q, gamma``; default all 1.
    max_iter
        Iteration limit of the optimiser.
    columns
        Map from ``frequency`` and ``monetary_value`` to the names in your table.

    Attributes
    ----------
    params_ : pandas.Series
        ``p, q, gamma``.
    standard_errors_, log_likelihood_, converged_, n_iter_, convergence_message_
        As in :class:`crmlab.models.BetaGeo`.
    n_customers_ : float
        Repeat buyers used in the fit.
    n_customers_excluded_ : int
        Rows left out of the fit because ``frequency`` is 0 (no repeat spend to learn from).

    Examples
    --------
    >>> from crmlab.datasets import load_cdnow
    >>> from crmlab.rfm import summarize
    >>> log = load_cdnow("sample")
    >>> customers = summarize(log[log["date"] <= "1997-09-30"], "customer_id", "date", "dollar_value",
    ...                       observation_end="1997-09-30")
    >>> model = GammaGamma().fit(customers)
    >>> model.params_.round(2).tolist(), model.n_customers_excluded_
    ([6.25, 3.74, 15.44], 1411)
    """

    parameter_names = ("p", "q", "gamma")
    model_name = "Gamma-Gamma"
    default_initial_params = (1.0, 1.0, 1.0)

    def _data(self, data: pd.DataFrame) -> dict[str, np.ndarray]:
        columns = validate_customer_table(data, ("frequency", "monetary_value"), model=self.model_name,
                                          names=self.columns, check_recency=False)
        bad = (columns["frequency"] > 0) & (columns["monetary_value"] <= 0)
        if bad.any():
            name = (self.columns or {}).get("monetary_value", "monetary_value")
            raise ValidationError(f"{self.model_name}: column {name!r}: {int(bad.sum())} of {len(bad)} rows with "
                                  "frequency > 0 have a mean spend <= 0 (the model needs positive spend)",
                                  column=name, rows=int(bad.sum()), total=len(bad))
        return columns

    def fit(self, data: pd.DataFrame, weights: Sequence[float] | np.ndarray | None = None) -> "GammaGamma":
        """Estimate ``p, q, gamma`` from the repeat buyers of ``data``.

        Rows with ``frequency == 0`` are left out (their number is kept in
        ``n_customers_excluded_``); at least one repeat buyer is needed.

        Parameters
        ----------
        data
            Customer table with ``frequency`` and ``monetary_value`` (mean repeat spend).
        weights
            Optional number of customers each row stands for.

        Returns
        -------
        GammaGamma
            ``self``, fitted.
        """
        columns = self._data(data)
        repeat = columns["frequency"] > 0
        if not repeat.any():
            raise DegenerateFitError(f"{self.model_name}: column 'frequency': all {len(repeat)} rows are 0; "
                             "the spend model needs customers with repeat purchases")
        w = resolve_weights(data, weights, model=self.model_name)
        w = None if w is None else w[repeat]
        patterns, counts, _ = compress_rows(columns["frequency"][repeat], columns["monetary_value"][repeat], weights=w)
        spend_patterns = _SpendPatterns(*patterns.T)
        self._largest_frequency = float(patterns[:, 0].max())
        message = _one_pattern_message(counts, "(frequency, mean spend)")
        if message:
            raise DegenerateFitError(f"{self.model_name}: among the repeat buyers, {message}.")

        def log_likelihood(params: np.ndarray, want_gradient: bool):
            return _log_likelihood(params, spend_patterns, want_gradient)

        result = maximize_log_likelihood(log_likelihood, self._initial_vector(), counts, analytic_gradient=True,
                                         max_iter=self.max_iter, model=self.model_name)
        self._store_fit(result, counts.sum(), len(counts))
        self.n_customers_excluded_ = int((~repeat).sum())
        return self

    def _degeneracy(self) -> str | None:
        """Spend without variation within customers (p -> infinity) or between them (q -> infinity)."""
        p, q, gamma = self.params_
        if p > DEGENERATE_LARGE:
            most = getattr(self, "_largest_frequency", float("nan"))
            return (f"the mean spends vary too little within customers, next to the differences between them, to "
                    f"estimate the spread of single purchases: p ran to a boundary (p = {p:.3g}, gamma = {gamma:.3g}), "
                    f"typical when customers have many purchases each (largest frequency {most:,.0f}); p and gamma "
                    "are then not separately identified, though expected_spend stays close to each customer's own mean")
        if q > DEGENERATE_LARGE:
            return (f"the customers' mean spends show no differences beyond chance, so q ran to a boundary "
                    f"(q = {q:.3g}, gamma = {gamma:.3g}): every customer gets the same expected spend")
        return _edge_of_search_range(self.params_)

    def _row_log_likelihood(self, params: np.ndarray, columns: dict[str, np.ndarray]) -> np.ndarray:
        """The spend log-likelihood of each repeat buyer; 0 for the others (the model leaves them out)."""
        repeat = columns["frequency"] > 0
        ll = np.zeros(repeat.size)
        ll[repeat] = _log_likelihood(params, _SpendPatterns(columns["frequency"][repeat],
                                                            columns["monetary_value"][repeat]), False)[0]
        return ll

    def mean_spend(self) -> float:
        r"""Population mean spend per transaction, :math:`E[Z] = p\gamma/(q-1)` (infinite when q <= 1)."""
        p, q, gamma = self._fitted_params()
        return float(p * gamma / (q - 1)) if q > 1 else float("inf")

    def expected_spend(self, data: pd.DataFrame) -> pd.Series:
        r"""Expected spend per transaction of each customer, given their repeat purchases.

        .. math::

           E[Z \mid p,q,\gamma,\bar z, x] = \frac{p(\gamma + x\bar z)}{px+q-1}
           = \frac{q-1}{px+q-1}\,\frac{p\gamma}{q-1} + \frac{px}{px+q-1}\,\bar z

        a weighted average of the population mean and the customer's own mean; a customer
        with ``frequency == 0`` gets the population mean. Requires q > 1.
        """
        p, q, gamma = self._fitted_params()
        if q <= 1:
            raise ValueError(f"{self.model_name}: q = {q:.4g} <= 1, so the mean spend is infinite")
        columns = self._data(data)
        x = columns["frequency"]
        m = np.where(x > 0, columns["monetary_value"], 0.0)
        return as_output(p * (gamma + x * m) / (p * x + q - 1), data, "expected_spend")
