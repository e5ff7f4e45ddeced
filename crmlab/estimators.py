"""The one estimator convention of crmlab: scikit-learn's.

Every class of crmlab that learns from data derives from :class:`Estimator` (itself a
``sklearn.base.BaseEstimator``), so that:

* the constructor stores its settings unchanged, under the argument's name (``get_params``,
  ``set_params``, ``sklearn.base.clone`` and ``repr`` work);
* ``fit(table)`` returns ``self``; what it learns ends in ``_`` (``params_``, ``labels_``);
* using an estimator before ``fit`` raises :class:`NotFittedError` (a ``ValueError`` and an
  ``AttributeError``, as in scikit-learn);
* ``predict_proba(table)`` returns a Series (one probability per row) or a DataFrame (one column
  per class) with the index of ``table``.

The estimators: :data:`ESTIMATORS` (``tests/test_estimators.py`` checks each one, and that no
class with a ``fit`` method is missing from the list).

Examples
--------
>>> from sklearn.base import clone
>>> from crmlab.value_matrix import ValueSatisfactionMatrix
>>> clone(ValueSatisfactionMatrix(volume_col="spend"))
ValueSatisfactionMatrix(volume_col='spend')
>>> ValueSatisfactionMatrix().thresholds()
Traceback (most recent call last):
...
crmlab._table_checks.NotFittedError: ValueSatisfactionMatrix is not fitted yet: call fit(...) first
"""
from __future__ import annotations

from sklearn.base import BaseEstimator

from ._table_checks import NotFittedError, require_fitted

__all__ = ["Estimator", "NotFittedError", "ESTIMATORS"]

#: Every estimator class of crmlab, as ``"module:Class"``.
ESTIMATORS: tuple[str, ...] = (
    "crmlab.clustering:CustomerSegmentation",
    "crmlab.response:ResponseModel",
    "crmlab.leads:LeadScorer",
    "crmlab.value_matrix:ValueSatisfactionMatrix",
    "crmlab.models:BetaGeo",
    "crmlab.models:ParetoNBD",
    "crmlab.models:GammaGamma",
    "crmlab.models:BetaGeoBetaBinom",
    "crmlab.models:ShiftedBetaGeo",
)


class Estimator(BaseEstimator):
    """Base of crmlab's estimators: scikit-learn's ``BaseEstimator`` plus the fitted check.

    Subclasses name in ``_fitted_attribute`` an attribute that ``fit`` sets; :meth:`_check_fitted`
    raises :class:`NotFittedError` while it is missing.
    """

    #: the estimator's plain ``repr`` in notebooks, not scikit-learn's HTML diagram
    _repr_html_ = None
    _repr_mimebundle_ = None

    #: an attribute ``fit`` sets (the check of :meth:`_check_fitted`)
    _fitted_attribute: str = "params_"

    def _check_fitted(self) -> None:
        """Raise :class:`NotFittedError` unless :meth:`fit` has run."""
        require_fitted(self, self._fitted_attribute, type(self).__name__)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, self._fitted_attribute)
