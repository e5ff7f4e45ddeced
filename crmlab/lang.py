"""Bilingual vocabulary (English / Chinese) for everything crmlab shows.

Every label, table header and category name that crmlab produces goes through
:func:`label`, so ``lang="zh"`` switches a whole lecture to Chinese. Modules add
their own terms with :func:`register` at import time; a test checks that every
term has both languages.

Examples
--------
>>> label("revenue", "zh")
'收入'
>>> label("revenue")
'Revenue'
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "LANGUAGES",
    "check_lang",
    "label",
    "register",
    "identifier_terms",
    "terms",
    "translate_columns",
    "translate_values",
    "localize",
    "with_display",
    "Vocabulary",
]

LANGUAGES: tuple[str, ...] = ("en", "zh")

_TERMS: dict[str, dict[str, str]] = {}


def register(new_terms: Mapping[str, Mapping[str, str]]) -> None:
    """Add terms to the vocabulary.

    Parameters
    ----------
    new_terms
        ``{key: {"en": ..., "zh": ...}}``. A key that exists already must keep
        the same translations (two modules may not disagree on a word).

    Examples
    --------
    >>> register({"demo_basket": {"en": "Basket", "zh": "购物篮"}})
    >>> label("demo_basket", "zh")
    '购物篮'
    >>> _ = _TERMS.pop("demo_basket")  # (the example leaves the course vocabulary as it was)
    """
    for key, entry in new_terms.items():
        missing = [code for code in LANGUAGES if not entry.get(code)]
        if missing:
            raise ValueError(f"term {key!r} has no text for language(s) {missing}")
        clean = {code: str(entry[code]) for code in LANGUAGES}
        if key in _TERMS and _TERMS[key] != clean:
            raise ValueError(f"term {key!r} is registered already with other text: {_TERMS[key]}")
        _TERMS[key] = clean


def identifier_terms(prefix: str, chinese: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Terms for identifiers English shows as they are (column names, codes, symbols), for :func:`register`.

    ``{prefix + name: {"en": name, "zh": text}}``: the English text cannot drift from the identifier.
    :func:`with_display` / :func:`localize` find them with ``prefixes=(prefix,)``.

    >>> identifier_terms("demo_hdr_", {"ci_low": "置信区间下限"})
    {'demo_hdr_ci_low': {'en': 'ci_low', 'zh': '置信区间下限'}}
    """
    return {prefix + name: {"en": name, "zh": text} for name, text in chinese.items()}


def terms() -> dict[str, dict[str, str]]:
    """A copy of the whole vocabulary, ``{key: {"en": ..., "zh": ...}}``."""
    return {key: dict(entry) for key, entry in _TERMS.items()}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language code, else raise ``ValueError``."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang={lang!r} is not supported: use one of {', '.join(map(repr, LANGUAGES))}")
    return lang


def label(key: str, lang: str = "en") -> str:
    """The text of vocabulary term ``key`` in ``lang``.

    Raises ``KeyError`` naming the key when it is not in the vocabulary, so a
    missing translation is found by the tests rather than shown as a raw key.
    """
    check_lang(lang)
    try:
        return _TERMS[key][lang]
    except KeyError:
        raise KeyError(f"no vocabulary term {key!r}; add it with crmlab.lang.register") from None


def translate_columns(frame: pd.DataFrame, lang: str = "en", keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Rename the columns of ``frame`` that are vocabulary keys to their text in ``lang``.

    Columns that are not vocabulary keys are kept as they are (a researcher's own
    column names). ``keys`` limits the renaming to those columns.
    """
    check_lang(lang)
    wanted = set(frame.columns if keys is None else keys)
    mapping = {c: _TERMS[c][lang] for c in frame.columns if c in wanted and c in _TERMS}
    out = frame.rename(columns=mapping)
    if isinstance(out.index, pd.Index) and out.index.name in _TERMS:
        out.index.name = _TERMS[out.index.name][lang]
    return out


def translate_values(values: pd.Series | Iterable[str], lang: str = "en") -> pd.Series | list[str]:
    """Translate category values that are vocabulary keys; other values stay as they are."""
    check_lang(lang)
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.CategoricalDtype):
            return values.cat.rename_categories(lambda v: _TERMS[v][lang] if v in _TERMS else v)
        return values.map(lambda v: _TERMS[v][lang] if isinstance(v, str) and v in _TERMS else v)
    return [_TERMS[v][lang] if v in _TERMS else v for v in values]


def _text(name: object, lang: str, prefixes: Sequence[str], separator: str | None = None) -> object:
    """The text of ``name`` in ``lang``: the first of ``prefix + name`` that is a term, else ``name`` itself.

    An integer code (a tier ``1``) is looked up under the non-empty prefixes only (``"tier_1"``), so plain
    numbers stay numbers. With ``separator``, a compound name ``"region: east_china"`` is shown part by part.
    """
    if isinstance(name, (int, np.integer)) and not isinstance(name, (bool, np.bool_)):
        for prefix in prefixes:
            entry = _TERMS.get(f"{prefix}{name}") if prefix else None
            if entry is not None:
                return entry[lang]
        return name
    if not isinstance(name, str):
        return name
    for prefix in prefixes:
        entry = _TERMS.get(prefix + name)
        if entry is not None:
            return entry[lang]
    if separator and separator in name:
        head, tail = name.split(separator, 1)
        return f"{_text(head, lang, prefixes)}{separator}{_text(tail, lang, prefixes)}"
    return name


def with_display(table: pd.DataFrame | pd.Series, *, value_columns: Iterable[str] = (),
                 prefixes: Sequence[str] = ("",), index: bool = False,
                 booleans: tuple[str, str] | None = None, separator: str | None = None) -> pd.DataFrame | pd.Series:
    """Attach to a computed table how :func:`localize` shows it (in ``table.attrs["display"]``); returns ``table``.

    A computing function calls it on the keyed table it returns, so that a lecture only writes
    ``localize(table, p.lang)``. The hints survive ``round``, ``head``, column selection and copies;
    arguments given to :func:`localize` win over them.

    Examples
    --------
    >>> t = with_display(pd.DataFrame({"customers": [3]}, index=pd.Index(["new"], name="segment")), index=True)
    >>> localize(t, "zh").index.tolist()
    ['新客户']
    """
    table.attrs["display"] = {"value_columns": list(value_columns), "prefixes": list(prefixes),
                              "index": bool(index), "booleans": None if booleans is None else tuple(booleans),
                              "separator": separator}
    return table


def _bool_texts(booleans: tuple[str, str], lang: str) -> tuple[str, str]:
    return label(booleans[0], lang), label(booleans[1], lang)


def localize(table: pd.DataFrame | pd.Series, lang: str = "en", value_columns: Iterable[str] | None = None, *,
             prefixes: Sequence[str] | None = None, index: bool | None = None,
             booleans: tuple[str, str] | None = None, separator: str | None = None) -> pd.DataFrame | pd.Series:
    """A computed table as the reader sees it in ``lang``: the one display step of crmlab.

    Computing functions return stable keys (column names, category codes) whatever the
    language; a lecture calls ``localize`` once, right before it shows or saves a table.
    A name is looked up as ``prefix + name`` for each of ``prefixes`` in turn (``""`` is the
    bare key); names that are no term (a researcher's own columns) and numbers stay as they are.

    Parameters
    ----------
    table
        A DataFrame or a Series; it is not changed (a copy is returned).
    lang
        ``"en"`` or ``"zh"``.
    value_columns
        Columns whose values are keys to translate too (``"segment"``: ``"new"`` -> ``"New"``).
    prefixes
        Where a module keeps its display terms, e.g. ``("lifecycle_id_",)``; the first match wins.
        Default ``("",)``: the bare keys.
    index
        Also translate the values of the index.
    booleans
        Keys of the text for ``True`` and ``False``; boolean columns are shown with them (kept
        as booleans when the texts are just ``"True"`` and ``"False"``).
    separator
        Names made of two keys, such as ``"region: east_china"`` with ``": "``, are shown part by part.

    Arguments left at ``None`` come from the hints a computing function attached with
    :func:`with_display` (else the defaults above).

    Translated are: the column headers, the index names, a Series' name, and the values asked for.

    Examples
    --------
    >>> df = pd.DataFrame({"segment": ["new", "lost"], "customers": [3, 1]})
    >>> localize(df, "zh", value_columns=["segment"]).columns.tolist()
    ['细分群体', '客户数']
    >>> localize(df, "zh", value_columns=["segment"])["细分群体"].tolist()
    ['新客户', '流失客户']
    >>> counts = pd.Series([3, 1], index=pd.Index(["new", "lost"], name="segment"), name="customers")
    >>> shown = localize(counts, "zh", index=True)
    >>> shown.name, shown.index.name, shown.index.tolist()
    ('客户数', '细分群体', ['新客户', '流失客户'])
    >>> localize(df, "en").columns.tolist()
    ['Segment', 'Customers']
    >>> localize(pd.DataFrame({"segment: new": [0.5]}), "zh", separator=": ").columns.tolist()
    ['细分群体: 新客户']
    """
    check_lang(lang)
    hints = table.attrs.get("display", {})
    if value_columns is None:  # from the hints: only the columns this table still has
        value_columns = [c for c in hints.get("value_columns", ()) if isinstance(table, pd.DataFrame) and c in table]
    prefixes = tuple(hints.get("prefixes", ("",)) if prefixes is None else prefixes)
    index = bool(hints.get("index", False) if index is None else index)
    booleans = hints.get("booleans") if booleans is None else booleans
    separator = hints.get("separator") if separator is None else separator

    def text(name: object) -> object:
        return _text(name, lang, prefixes, separator)

    def translated(values: pd.Series) -> pd.Series:
        if isinstance(values.dtype, pd.CategoricalDtype):
            return values.cat.rename_categories(text)
        return values.map(text)

    out = table.copy()
    if isinstance(out, pd.Series):
        if booleans is not None and out.dtype == bool and _bool_texts(booleans, lang) != ("True", "False"):
            out = out.map(dict(zip((True, False), _bool_texts(booleans, lang))))
        out.name = text(out.name)
    else:
        if booleans is not None and _bool_texts(booleans, lang) != ("True", "False"):  # else keep the bools
            for column in out.columns[(out.dtypes == bool).to_numpy()]:
                out[column] = out[column].map(dict(zip((True, False), _bool_texts(booleans, lang))))
        for column in value_columns:
            out[column] = translated(out[column])
        out.columns = out.columns.map(text) if out.columns.nlevels == 1 else out.columns
        out.columns = out.columns.set_names([text(n) for n in out.columns.names])
    if index and out.index.nlevels == 1:
        out.index = pd.Index(translated(out.index.to_series()), name=out.index.name)
    elif index:
        out.index = pd.MultiIndex.from_tuples([tuple(map(text, row)) for row in out.index], names=out.index.names)
    out.index = out.index.set_names([text(n) for n in out.index.names])
    out.attrs.pop("display", None)  # shown: not to be translated again
    return out


class Vocabulary:
    """A module's own terms, registered under a prefix so that they cannot clash with other modules'.

    Parameters
    ----------
    prefix
        Put before every key when registering (``"lds_"``: ``"lds_cost"``).
    entries
        ``{key: {"en": ..., "zh": ...}}``.
    name
        What the terms are about, for the error on an unknown key.

    Examples
    --------
    >>> words = Vocabulary("doc_", {"visits": {"en": "Visits", "zh": "访问次数"}}, name="example")
    >>> words.term("visits", "zh")
    '访问次数'
    >>> words.localize(pd.DataFrame({"visits": [3]}), "zh").columns.tolist()
    ['访问次数']
    >>> _ = _TERMS.pop("doc_visits")  # (the example leaves the course vocabulary as it was)
    """

    def __init__(self, prefix: str, entries: Mapping[str, Mapping[str, str]], name: str = "") -> None:
        self.prefix, self.keys, self.name = prefix, frozenset(entries), name
        register({prefix + key: entry for key, entry in entries.items()})

    def term(self, key: str, lang: str = "en") -> str:
        """The text of one term in ``lang``; ``KeyError`` for a key that is not one of these terms."""
        if key not in self.keys:
            raise KeyError(f"no {self.name} term {key!r}".replace("  ", " "))
        return label(self.prefix + key, lang)

    def localize(self, frame: pd.DataFrame, lang: str = "en", value_columns: Iterable[str] = ()) -> pd.DataFrame:
        """A copy of ``frame`` with the values of ``value_columns`` and the headers that are these terms in ``lang``."""
        check_lang(lang)
        out = frame.copy()
        for column in value_columns:
            out[column] = [self.term(str(v), lang) if str(v) in self.keys else v for v in out[column]]
        out.columns = [self.term(c, lang) if c in self.keys else c for c in out.columns]
        return out


register(
    {
        # generic table headers
        "customer_id": {"en": "Customer", "zh": "客户编号"},
        "customers": {"en": "Customers", "zh": "客户数"},
        "customer": {"en": "Customer", "zh": "客户"},
        "date": {"en": "Date", "zh": "日期"},
        "amount": {"en": "Amount", "zh": "金额"},
        "revenue": {"en": "Revenue", "zh": "收入"},
        "profit": {"en": "Profit", "zh": "利润"},
        "orders": {"en": "Orders", "zh": "订单数"},
        "transactions": {"en": "Transactions", "zh": "交易笔数"},
        "rows": {"en": "Rows", "zh": "行数"},
        "columns": {"en": "Columns", "zh": "列数"},
        "dataset": {"en": "Dataset", "zh": "数据集"},
        "description": {"en": "Description", "zh": "说明"},
        "share": {"en": "Share", "zh": "占比"},
        "count": {"en": "Count", "zh": "数量"},
        "value": {"en": "Value", "zh": "数值"},
        "segment": {"en": "Segment", "zh": "细分群体"},
        "month": {"en": "Month", "zh": "月份"},
        "week": {"en": "Week", "zh": "周"},
        "year": {"en": "Year", "zh": "年"},
        "period": {"en": "Period", "zh": "期"},
        "lecture": {"en": "Lecture", "zh": "讲次"},
        "topic": {"en": "Topic", "zh": "主题"},
        "concept": {"en": "Concept", "zh": "概念"},
        "part": {"en": "Part", "zh": "部分"},
        # customer classes used across lectures
        "new": {"en": "New", "zh": "新客户"},
        "existing": {"en": "Existing", "zh": "现有客户"},
        "lost": {"en": "Lost", "zh": "流失客户"},
        "potential": {"en": "Potential", "zh": "潜在客户"},
        # concentration of value (20/80)
        "customer_share_pct": {"en": "Share of customers (%)", "zh": "客户占比（%）"},
        "revenue_share_pct": {"en": "Share of revenue (%)", "zh": "收入占比（%）"},
        "top_customers_pct": {"en": "Top customers (%)", "zh": "头部客户比例（%）"},
        "lorenz_curve": {"en": "Lorenz curve", "zh": "洛伦兹曲线"},
        "equality_line": {"en": "Perfect equality", "zh": "完全平均线"},
        "gini": {"en": "Gini coefficient", "zh": "基尼系数"},
        "top_share_title": {
            "en": "The top {pct:.0f}% of customers bring {share:.1f}% of revenue",
            "zh": "前 {pct:.0f}% 的客户贡献了 {share:.1f}% 的收入",
        },
        "purchases_per_customer": {"en": "Purchases per customer", "zh": "每位客户的购买次数"},
        "spend_per_customer": {"en": "Spend per customer", "zh": "每位客户的消费额"},
        "response_rate": {"en": "Response rate", "zh": "响应率"},
        "churn_rate": {"en": "Churn rate", "zh": "流失率"},
        "tenure_months": {"en": "Tenure (months)", "zh": "在网时长（月）"},
        "surviving_pct": {"en": "Still subscribed (%)", "zh": "仍在订阅比例（%）"},
    }
)
