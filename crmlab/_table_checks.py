"""Input checks shared by the segmentation modules (private): a thin re-export of
:mod:`crmlab.validation` (the one validation layer) plus the estimators' ``NotFittedError``.

Every segmentation function takes a customer table and a few of its columns.
These checks give the same clear errors everywhere: a missing column is named,
missing values and non-numbers are counted.
"""
from __future__ import annotations

import pandas as pd

from .lang import check_lang
from .validation import (  # noqa: F401  (re-exported: the modules import them from here)
    MissingColumnError,
    ValidationError,
    WrongTypeError,
    as_date,
    numeric_column,
    require_columns,
    require_complete,
    require_table,
)

__all__ = ["NotFittedError", "require_fitted", "require_table", "require_columns", "require_complete", "numeric_column", "require_lang_or_none"]


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before ``fit`` (scikit-learn's convention: also a ValueError and an
    AttributeError). Every crmlab estimator raises this one class."""


def require_fitted(estimator: object, attribute: str, what: str = "") -> None:
    """Raise :class:`NotFittedError` unless ``estimator`` has the fitted ``attribute``.

    >>> class Model: pass
    >>> require_fitted(Model(), "params_")
    Traceback (most recent call last):
    ...
    crmlab._table_checks.NotFittedError: Model is not fitted yet: call fit(...) first
    """
    if not hasattr(estimator, attribute):
        raise NotFittedError(f"{what or type(estimator).__name__} is not fitted yet: call fit(...) first")


def require_lang_or_none(lang: str | None) -> str | None:
    """``None`` (keys, for further computation) or a supported language code."""
    return None if lang is None else check_lang(lang)


def as_timestamp(value: object, name: str) -> pd.Timestamp:
    """``value`` as a time-zone-free timestamp (:func:`crmlab.validation.as_date`).

    Examples
    --------
    >>> as_timestamp("2024-03-01 10:00+08:00", "as_of")
    Timestamp('2024-03-01 10:00:00')
    """
    return as_date(value, name)
