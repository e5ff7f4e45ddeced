"""Input checks shared by the segmentation modules (private).

Every segmentation function takes a customer table and a few of its columns.
These checks give the same clear errors everywhere: a missing column is named,
missing values and non-numbers are counted.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .lang import check_lang

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


def require_table(table: object, what: str = "customer table") -> pd.DataFrame:
    """Raise ``TypeError`` unless ``table`` is a non-empty DataFrame."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"the {what} must be a pandas DataFrame, got {type(table).__name__}")
    if table.empty:
        raise ValueError(f"the {what} has no rows")
    return table


def require_columns(table: pd.DataFrame, columns: Sequence[str], what: str = "customer table") -> None:
    """Raise ``KeyError`` naming every column of ``columns`` that ``table`` lacks."""
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise KeyError(f"the {what} lacks column(s) {missing}; it has {list(table.columns)}")


def require_complete(table: pd.DataFrame, columns: Sequence[str], what: str = "customer table") -> None:
    """Raise ``ValueError`` naming each column of ``columns`` with missing values and their count."""
    counts = {column: int(table[column].isna().sum()) for column in columns}
    bad = {column: n for column, n in counts.items() if n}
    if bad:
        text = ", ".join(f"{column!r} has {n} missing value(s)" for column, n in bad.items())
        raise ValueError(f"the {what}: {text}; fill or drop those rows first")


def numeric_column(table: pd.DataFrame, column: str, *, non_negative: bool = False) -> np.ndarray:
    """The values of ``column`` as finite floats, or an error naming the column and the bad rows.

    Numbers stored as text (``"12.5"``) are accepted; other text is counted and refused.
    """
    values = table[column]
    if pd.api.types.is_bool_dtype(values):
        raise TypeError(f"column {column!r} must hold numbers, not true/false values")
    if not pd.api.types.is_numeric_dtype(values):
        converted = pd.to_numeric(values, errors="coerce")
        bad = int((converted.isna() & values.notna()).sum())
        if bad:
            raise TypeError(f"column {column!r} must hold numbers; {bad} row(s) are not numbers")
        values = converted
    array = values.to_numpy(dtype=float, na_value=np.nan)
    missing = int(np.isnan(array).sum())
    if missing:
        raise ValueError(f"column {column!r} has {missing} missing value(s); fill or drop those rows first")
    infinite = int(np.isinf(array).sum())
    if infinite:
        raise ValueError(f"column {column!r} has {infinite} infinite value(s)")
    if non_negative:
        negative = int((array < 0).sum())
        if negative:
            raise ValueError(f"column {column!r} has {negative} negative value(s); it must be at least 0")
    return array


def require_lang_or_none(lang: str | None) -> str | None:
    """``None`` (keys, for further computation) or a supported language code."""
    return None if lang is None else check_lang(lang)


def as_timestamp(value: object, name: str) -> pd.Timestamp:
    """``value`` as a time-zone-free timestamp; a ``ValueError`` naming ``name`` if it is no date or missing.

    Examples
    --------
    >>> as_timestamp("2024-03-01 10:00+08:00", "as_of")
    Timestamp('2024-03-01 10:00:00')
    """
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} is not a date") from None
    if pd.isna(stamp):
        raise ValueError(f"{name} is missing")
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp
