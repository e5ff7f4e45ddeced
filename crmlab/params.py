"""Checking a lecture's parameters before anything runs.

Every lecture starts with a papermill ``parameters`` cell; the next cell calls
:func:`check_parameters` so a wrong value fails at once with a message that
names the parameter and what it accepts, instead of somewhere deep in a model.

Common parameters have built-in rules (``lang``, ``seed``, ``output_dir``,
``data_path``, ``observation_end``, ``calibration_end``, any ``*_col``,
``sample_size``); others get a rule from :func:`one_of`, :func:`number` or
:func:`text`.

Examples
--------
>>> p = check_parameters(lang="zh", seed=1, output_dir=None, top_pct=(20, number(1, 100)))
>>> p.lang, p.top_pct
('zh', 20)
>>> check_parameters(lang="fr")
Traceback (most recent call last):
...
crmlab.params.ParameterError: parameter `lang` = 'fr' is not accepted: expected one of 'en', 'zh'
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from .lang import LANGUAGES

__all__ = ["ParameterError", "Rule", "check_parameters", "one_of", "number", "integer", "text",
           "optional", "date", "file_path"]


class ParameterError(ValueError):
    """A lecture parameter has a value the lecture cannot use."""


@dataclass(frozen=True)
class Rule:
    """How to check and normalise one parameter: ``convert`` raises ``ValueError`` on bad input."""

    expects: str
    convert: Callable[[Any], Any]


def one_of(*choices: Any) -> Rule:
    """The value must be one of ``choices``."""

    def convert(value: Any) -> Any:
        if value not in choices:
            raise ValueError
        return value

    return Rule("one of " + ", ".join(map(repr, choices)), convert)


def number(low: float | None = None, high: float | None = None) -> Rule:
    """A real number (not a bool), optionally within ``[low, high]``."""
    bounds = _bounds_text(low, high)

    def convert(value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise ValueError
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError
        return value

    return Rule("a number" + bounds, convert)


def integer(low: int | None = None, high: int | None = None) -> Rule:
    """A whole number (not a bool), optionally within ``[low, high]``."""
    bounds = _bounds_text(low, high)

    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError
        return value

    return Rule("a whole number" + bounds, convert)


def text() -> Rule:
    """A non-empty string."""

    def convert(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError
        return value

    return Rule("a non-empty text", convert)


def optional(rule: Rule, meaning: str = "the default") -> Rule:
    """``None`` (meaning ``meaning``) or a value that passes ``rule``."""

    def convert(value: Any) -> Any:
        return None if value is None else rule.convert(value)

    return Rule(f"None ({meaning}) or {rule.expects}", convert)


def date() -> Rule:
    """A date as text (``"1997-09-30"``) or a timestamp; returns a ``pandas.Timestamp``."""

    def convert(value: Any) -> pd.Timestamp:
        if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError):
            raise ValueError from None
        if pd.isna(stamp):
            raise ValueError
        return stamp

    return Rule("a date such as '1997-09-30'", convert)


def file_path() -> Rule:
    """A path to a file that exists; returns a ``pathlib.Path``."""

    def convert(value: Any) -> Path:
        if not isinstance(value, str | Path) or not str(value).strip():
            raise ValueError
        path = Path(value).expanduser()
        if not path.is_file():
            raise FileNotFoundError(path)
        return path

    return Rule("the path of an existing file", convert)


def _directory() -> Rule:
    def convert(value: Any) -> Path:
        if not isinstance(value, str | Path) or not str(value).strip():
            raise ValueError
        path = Path(value).expanduser()
        if path.exists() and not path.is_dir():
            raise ValueError
        return path

    return Rule("a folder path (created if missing)", convert)


def _bounds_text(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    if high is not None:
        return f" of at most {high}"
    return ""


STANDARD_RULES: dict[str, Rule] = {
    "lang": one_of(*LANGUAGES),
    "seed": integer(0, 2**32 - 1),
    "output_dir": optional(_directory(), "write nothing"),
    "data_path": optional(file_path(), "the bundled dataset"),
    "observation_end": optional(date(), "the end of the data"),
    "calibration_end": optional(date(), "the lecture's default split"),
    "sample_size": optional(integer(1), "all rows"),
}


def _rule_for(name: str) -> Rule | None:
    if name in STANDARD_RULES:
        return STANDARD_RULES[name]
    if name.endswith("_col"):
        return optional(text(), "the bundled dataset's column")
    return None


def check_parameters(**values: Any) -> SimpleNamespace:
    """Check a lecture's parameters and return them normalised.

    Pass each parameter as ``name=value``, or as ``name=(value, rule)`` to give
    a rule for a parameter without a built-in one. Every problem is collected
    and reported together in one :class:`ParameterError`.

    Returns
    -------
    types.SimpleNamespace
        The values after conversion (dates become ``Timestamp``, paths ``Path``).
    """
    problems: list[str] = []
    checked: dict[str, Any] = {}
    for name, given in values.items():
        rule = None
        value = given
        if isinstance(given, tuple) and len(given) == 2 and isinstance(given[1], Rule):
            value, rule = given
        rule = rule or _rule_for(name)
        if rule is None:
            checked[name] = value
            continue
        try:
            checked[name] = rule.convert(value)
        except FileNotFoundError as missing:
            problems.append(f"parameter `{name}` = {value!r}: no file at {missing.args[0]}")
        except (ValueError, TypeError):
            problems.append(f"parameter `{name}` = {value!r} is not accepted: expected {rule.expects}")
    if problems:
        raise ParameterError("; ".join(problems))
    return SimpleNamespace(**checked)
