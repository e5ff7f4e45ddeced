"""Checking a lecture's parameters before anything runs.

Every lecture starts with a papermill ``parameters`` cell; the next cell calls
:func:`check_parameters` so a wrong value fails at once with a message that
names the parameter and what it accepts, instead of somewhere deep in a model.

Common parameters have built-in rules (``lang``, ``seed``, ``output_dir``,
``data_path``, ``observation_end``, ``calibration_end``, any ``*_col``,
``sample_size``, ``encoding``, ``date_format``); others get a rule from :func:`one_of`,
:func:`number` or :func:`text`.

Parameters are also checked *by name*: in a papermill run, a parameter passed with ``-p`` that
the lecture does not declare (a typo such as ``horizon_week``) stops the run with
"unknown parameter 'horizon_week'; did you mean 'horizon_weeks'?" (:func:`unknown_parameters`
compares papermill's injected cell with the lecture's ``parameters`` cell), instead of running
silently with the default.

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

import ast
import difflib
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from .lang import LANGUAGES
from .validation import ValidationError, as_date, column_list

__all__ = ["ParameterError", "Parameters", "Rule", "check_parameters", "one_of", "number", "integer", "text",
           "optional", "date", "file_path", "date_format", "encoding", "unknown_parameters", "INJECTED_MARK"]

#: First line of the cell that papermill inserts after the ``parameters`` cell.
INJECTED_MARK = "# Parameters"


class ParameterError(ValidationError):
    """A lecture parameter has a value the lecture cannot use.

    One of the :class:`crmlab.validation.ValidationError` family (so also a ``ValueError``);
    ``parameter`` names the first parameter the message is about.
    """


class Parameters(SimpleNamespace):
    """A lecture's checked parameters (``p.lang``, ``p.data_path``, ...), as :func:`check_parameters` returns them.

    ``given`` keeps the values as the lecture received them, before conversion (``"2011-09-30"``,
    not a ``Timestamp``): :meth:`crmlab.output.Results.from_parameters` stores those in ``summary.json``.
    It is a slot, so ``vars(p)`` lists the parameters only.

    >>> p = Parameters({"observation_end": "2011-09-30"}, observation_end=pd.Timestamp("2011-09-30"))
    >>> p.given, sorted(vars(p))
    ({'observation_end': '2011-09-30'}, ['observation_end'])
    """

    __slots__ = ("given",)

    def __init__(self, given: dict[str, Any] | None = None, /, **checked: Any):
        super().__init__(**checked)
        self.given = dict(given if given is not None else checked)

    def __reduce__(self):
        return type(self), (self.given,), dict(vars(self))


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


def column_names(meaning: str = "the default columns", *, empty: bool = False) -> Rule:
    """``None`` (meaning ``meaning``) or column names, ``"a,b,c"`` or a list: the column-list rule of
    :func:`crmlab.validation.column_list`; an empty list only with ``empty``.

    >>> column_names().convert("age, yearly_income"), column_names().convert(None)
    (['age', 'yearly_income'], None)
    """

    def convert(value: Any) -> list[str] | None:
        if value is None:
            return None
        columns = column_list(value, parameter="columns")
        if not columns and not empty:
            raise ValueError
        return columns

    return Rule(f"None ({meaning}) or column names as 'a,b,c' or a list", convert)


def shares(most: int = 9) -> Rule:
    """Positive shares that add up to 1 (at most ``most`` of them), e.g. service tiers; returns floats.

    >>> shares().convert([0.2, 0.3, 0.5])
    [0.2, 0.3, 0.5]
    """

    def convert(value: Any) -> list[float]:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ValueError
        values = [float(v) for v in value]
        if not 0 < len(values) <= most or min(values) <= 0 or abs(sum(values) - 1) > 1e-5:
            raise ValueError
        return values

    return Rule(f"a list of at most {most} positive shares that add up to 1", convert)


def date() -> Rule:
    """A date as text (``"1997-09-30"``) or a timestamp; returns a ``pandas.Timestamp``."""

    def convert(value: Any) -> pd.Timestamp:
        return as_date(value, "date")     # a ValidationError (a ValueError) on anything else

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


def date_format() -> Rule:
    """A ``strftime`` date format such as ``'%d/%m/%Y'`` (it must hold a ``%`` directive)."""

    def convert(value: Any) -> str:
        if not isinstance(value, str) or "%" not in value:
            raise ValueError
        try:
            pd.Timestamp("2001-02-03").strftime(value)
        except ValueError:
            raise ValueError from None
        return value

    return Rule("a date format such as '%d/%m/%Y' or '%Y-%m-%d'", convert)


def encoding() -> Rule:
    """The name of a text encoding Python knows (``'utf-8'``, ``'gb18030'``, ``'gbk'``, ...)."""
    import codecs

    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError from None
        return value

    return Rule("an encoding such as 'utf-8', 'gb18030' or 'gbk'", convert)


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
    "encoding": optional(encoding(), "detect UTF-8 or GB18030/GBK"),
    "date_format": optional(date_format(), "ISO dates such as 2024-03-31"),
}


def _rule_for(name: str) -> Rule | None:
    if name in STANDARD_RULES:
        return STANDARD_RULES[name]
    if name.endswith("_col"):
        return optional(text(), "the bundled dataset's column")
    return None


def _assigned_names(source: str) -> list[str]:
    """Names assigned at the top level of a cell's source (``x = 1``, ``x: int = 1``), in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names.extend(t.id for t in targets if isinstance(t, ast.Name))
    return names


def unknown_parameters(history: Sequence[str] | None = None,
                       declared: Iterable[str] = ()) -> list[str]:
    """Problems with the names papermill injected: one sentence per parameter the lecture does not declare.

    ``history`` is the kernel's input history (IPython's ``In``; read from the running shell when
    None). The cell papermill injected starts with ``# Parameters``; the cell run just before it
    is the lecture's ``parameters`` cell, whose assigned names (plus ``declared``) are the
    parameters the lecture knows. Outside papermill there is no injected cell and nothing to check.

    Examples
    --------
    >>> history = ["", "horizon_weeks: int = 52\\nmargin: float = 0.3", "# Parameters\\nhorizon_week = 104\\n"]
    >>> unknown_parameters(history)
    ["unknown parameter 'horizon_week'; did you mean 'horizon_weeks'? (this lecture's parameters: horizon_weeks, margin)"]
    >>> unknown_parameters(history[:2])
    []
    """
    if history is None:
        shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
        if shell is None:
            return []
        history = shell.user_ns.get("In", [])
    injected = [i for i, source in enumerate(history) if isinstance(source, str)
                and source.lstrip().startswith(INJECTED_MARK)]
    if not injected or injected[-1] == 0:
        return []
    where = injected[-1]
    known = list(dict.fromkeys(_assigned_names(history[where - 1]) + list(declared)))
    problems = []
    for name in _assigned_names(history[where]):
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ";"
        problems.append(f"unknown parameter {name!r}{hint} (this lecture's parameters: {', '.join(known)})")
    return problems


def check_parameters(**values: Any) -> Parameters:
    """Check a lecture's parameters and return them normalised.

    Pass each parameter as ``name=value``, or as ``name=(value, rule)`` to give
    a rule for a parameter without a built-in one. Every problem is collected
    and reported together in one :class:`ParameterError`. In a papermill run,
    parameters passed that the lecture does not declare are problems too
    (:func:`unknown_parameters`).

    Returns
    -------
    Parameters
        The values after conversion (dates become ``Timestamp``, paths ``Path``) as attributes;
        ``given`` holds them as passed (what ``summary.json`` records).
    """
    problems: list[str] = unknown_parameters(declared=values)
    named: list[str] = []          # the parameters the problems are about
    checked: dict[str, Any] = {}
    as_given: dict[str, Any] = {}
    for name, given in values.items():
        rule = None
        value = given
        if isinstance(given, tuple) and len(given) == 2 and isinstance(given[1], Rule):
            value, rule = given
        as_given[name] = value
        rule = rule or _rule_for(name)
        if rule is None:
            checked[name] = value
            continue
        try:
            checked[name] = rule.convert(value)
        except FileNotFoundError as missing:
            problems.append(f"parameter `{name}` = {value!r}: no file at {missing.args[0]}")
            named.append(name)
        except (ValueError, TypeError):
            problems.append(f"parameter `{name}` = {value!r} is not accepted: expected {rule.expects}")
            named.append(name)
    if problems:
        raise ParameterError("; ".join(problems), parameter=named[0] if named else None)
    return Parameters(as_given, **checked)
