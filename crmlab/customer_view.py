"""The unified customer view (统一客户视图): one row per customer from several source systems.

A firm keeps its customers in several systems (CRM, call centre, web shop) that write the same
customer id in different ways and disagree on some attributes. :func:`unify` merges them:

1. **Id matching** (documented rule, :func:`match_key`): an id is turned into a match key by
   dropping everything but letters and digits, upper-casing, and dropping leading zeros of each
   run of digits, so ``" c-00042"``, ``"C42"`` and ``"c0042"`` are one customer. Rows whose id is
   missing or empty are removed and counted; a key that appears twice in one source keeps its first
   row, and the others are counted as duplicates.
2. **Merge**: an outer join on the match key; an attribute held by several sources takes the value
   of the first source (the sources are given in order of trust).
3. **Report**: per source, the rows read, removed (no id, duplicate), matched to another source and
   unmatched (found in this source only); and every conflict — a customer, an attribute and the
   differing values of the sources.

:func:`split_into_sources` makes such sources from one clean customer table with a seeded, documented
amount of noise, so a lecture can show that :func:`unify` recovers exactly what was injected.

Examples
--------
>>> match_key(" c-00042"), match_key("C42")
('C42', 'C42')
>>> crm = pd.DataFrame({"id": ["C1", "C2"], "age": [30, 40]})
>>> web = pd.DataFrame({"cust": ["c-001", "C3"], "age": [31, 50]})
>>> view, report, conflicts = unify({"crm": crm, "web": web}, {"crm": "id", "web": "cust"})
>>> len(view), conflicts["column"].tolist(), report["unmatched"].tolist()
(3, ['age'], [1, 1])
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._table_checks import require_columns, require_table
from .lang import register

__all__ = ["match_key", "unify", "split_into_sources"]

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def match_key(customer_id: object) -> str | None:
    """The match key of a customer id (see the module docstring); ``None`` for a missing or empty id.

    Examples
    --------
    >>> match_key("ab 007"), match_key(None), match_key("--")
    ('AB7', None, None)
    """
    if customer_id is None or customer_id is pd.NA or (isinstance(customer_id, float) and np.isnan(customer_id)):
        return None
    text = _NOT_ALNUM.sub("", str(customer_id)).upper()
    text = _LEADING_ZEROS.sub("", text)
    return text or None


def unify(sources: Mapping[str, pd.DataFrame], id_cols: Mapping[str, str] | str,
          key_col: str = "match_key") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Merge source tables of one customer base into a unified customer view.

    Parameters
    ----------
    sources
        ``{source name: table}``, in order of trust (the first wins a conflict).
    id_cols
        The id column of each source (``{name: column}``), or one name used by all.
    key_col
        Name of the match-key column of the view.

    Returns
    -------
    view : pandas.DataFrame
        One row per match key (sorted), its attributes, and one ``in_<source>`` flag per source.
    report : pandas.DataFrame
        Per source: ``rows``, ``missing_id``, ``duplicate_id``, ``customers``, ``matched``, ``unmatched``.
    conflicts : pandas.DataFrame
        One row per (customer, attribute) whose non-missing values differ between sources:
        ``match_key``, ``column``, ``kept`` (the value used) and one column per source.
    """
    if not sources:
        raise ValueError("unify needs at least one source table")
    names = list(sources)
    ids = {name: id_cols for name in names} if isinstance(id_cols, str) else dict(id_cols)
    cleaned: dict[str, pd.DataFrame] = {}
    counts: dict[str, dict[str, int]] = {}
    for name in names:
        table = require_table(sources[name], f"source table {name!r}")
        if name not in ids:
            raise KeyError(f"no id column given for source {name!r}")
        require_columns(table, [ids[name]], f"source table {name!r}")
        keys = table[ids[name]].map(match_key)
        missing = int(keys.isna().sum())
        frame = table.drop(columns=[ids[name]]).assign(**{key_col: keys})
        frame = frame.loc[keys.notna()]
        duplicated = frame[key_col].duplicated(keep="first")
        frame = frame.loc[~duplicated].set_index(key_col)
        cleaned[name] = frame
        counts[name] = {"rows": len(table), "missing_id": missing, "duplicate_id": int(duplicated.sum()),
                        "customers": len(frame)}
    all_keys = sorted(set().union(*[set(frame.index) for frame in cleaned.values()]))
    presence = pd.DataFrame({f"in_{name}": pd.Index(all_keys).isin(cleaned[name].index) for name in names},
                            index=pd.Index(all_keys, name=key_col))
    n_sources = presence.sum(axis=1)
    for name in names:
        here = presence[f"in_{name}"]
        counts[name]["matched"] = int((here & (n_sources > 1)).sum())
        counts[name]["unmatched"] = int((here & (n_sources == 1)).sum())
    columns: list[str] = []
    for frame in cleaned.values():
        columns += [c for c in frame.columns if c not in columns]
    view = pd.DataFrame(index=presence.index)
    conflict_rows = []
    for column in columns:
        holders = [name for name in names if column in cleaned[name].columns]
        aligned = pd.DataFrame({name: cleaned[name][column].reindex(view.index).astype(object) for name in holders})
        kept = aligned.bfill(axis=1).iloc[:, 0] if len(holders) > 1 else aligned.iloc[:, 0]
        view[column] = kept.infer_objects() if len(holders) > 1 else cleaned[holders[0]][column].reindex(view.index)
        if len(holders) > 1:
            numeric = all(pd.api.types.is_numeric_dtype(cleaned[name][column]) for name in holders)
            comparable = aligned.astype(float) if numeric else aligned.where(aligned.isna(), aligned.astype(str))
            distinct = comparable.nunique(axis=1, dropna=True)
            for key in distinct.index[distinct > 1]:
                conflict_rows.append({key_col: key, "column": column, "kept": kept[key],
                                      **{name: aligned.at[key, name] for name in holders}})
    view = view.join(presence)
    report = pd.DataFrame.from_dict(counts, orient="index")
    report.index.name = "source_system"
    conflicts = pd.DataFrame(conflict_rows, columns=[key_col, "column", "kept", *names])
    return view, report, conflicts


def split_into_sources(customers: pd.DataFrame, id_col: str, attributes: Mapping[str, Sequence[str]],
                       seed: int = 0, coverage: float = 0.9, conflict_share: float = 0.02,
                       extra_rows: int = 20) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """Make several source systems' tables from one clean customer table (a seeded teaching example).

    Each source ``s`` in ``attributes`` (the first is the master) holds the columns ``attributes[s]``.
    The generative process: the master holds every customer; each other source holds a random
    ``coverage`` share of them, writes their ids in its own style (source 2: lower case with a
    dash before the digits and zero-padding to 8 digits; source 3 and later: with spaces around), adds
    ``extra_rows`` customers of its own (ids ``X1``, ``X2`` … with the source's number, unknown to the
    master), and in a ``conflict_share`` of its shared rows changes each *numeric* attribute that
    the master also holds by +1 (a typing error). Ids must look like letters followed by digits.

    Returns
    -------
    sources, injected
        The tables, and what was injected: ``conflicts`` (customer-attribute pairs changed) and
        ``unmatched`` (extra rows, all sources together). A customer changed in two sources counts once.
    """
    require_table(customers)
    names = list(attributes)
    if len(names) < 2:
        raise ValueError("give at least two sources (the master first)")
    require_columns(customers, [id_col, *{c for cols in attributes.values() for c in cols}])
    bad = int((~customers[id_col].astype(str).str.fullmatch(r"[A-Za-z]+[0-9]+")).sum())
    if bad:
        raise ValueError(f"column {id_col!r}: {bad} id(s) are not letters followed by digits")
    rng = np.random.default_rng(seed)
    master_cols = list(attributes[names[0]])
    sources = {names[0]: customers[[id_col, *master_cols]].reset_index(drop=True)}
    changed_pairs: set[tuple[str, str]] = set()
    unmatched = 0
    for number, name in enumerate(names[1:], start=2):
        cols = list(attributes[name])
        chosen = np.sort(rng.choice(len(customers), size=int(round(coverage * len(customers))), replace=False))
        table = customers.iloc[chosen][[id_col, *cols]].reset_index(drop=True)
        shared_numeric = [c for c in cols if c in master_cols and pd.api.types.is_numeric_dtype(table[c])]
        if shared_numeric:
            changed = rng.random(len(table)) < conflict_share
            for column in shared_numeric:
                table.loc[changed, column] = table.loc[changed, column] + 1
                changed_pairs.update((match_key(i), column) for i in table.loc[changed, id_col])
        letters = table[id_col].astype(str).str.extract(r"^([A-Za-z]+)([0-9]+)$")
        if number == 2:
            table[id_col] = letters[0].str.lower() + "-" + letters[1].astype(int).map("{:08d}".format)
        else:
            table[id_col] = " " + letters[0] + " " + letters[1] + " "
        extra = pd.DataFrame({id_col: [f"X{number}{i:05d}" for i in range(1, extra_rows + 1)]})
        for column in cols:
            extra[column] = table[column].sample(extra_rows, replace=True, random_state=int(rng.integers(2**31))).to_numpy() \
                if len(table) else np.nan
        sources[name] = pd.concat([table, extra], ignore_index=True)
        unmatched += extra_rows
    return sources, {"conflicts": len(changed_pairs), "unmatched": unmatched}


register(
    {
        "source_system": {"en": "Source system", "zh": "来源系统"},
        "missing_id": {"en": "Missing id (removed)", "zh": "缺失编号（已删除）"},
        "duplicate_id": {"en": "Duplicate id (removed)", "zh": "重复编号（已删除）"},
        "matched": {"en": "Matched to another source", "zh": "与其他来源匹配"},
        "unmatched": {"en": "Unmatched (this source only)", "zh": "未匹配（仅此来源）"},
        "match_key": {"en": "Match key", "zh": "匹配键"},
        "column": {"en": "Attribute", "zh": "属性"},
        "kept": {"en": "Value kept", "zh": "保留的值"},
        "unified_customer_view": {"en": "Unified customer view", "zh": "统一客户视图"},
    }
)

# the lecture's printed sentence (the English text is the lecture's original f-string)
register(
    {
        "customer_view_unified_summary": {
            "en": "{customers:,} customers in the unified view; {conflicts} conflicts found "
                  "({injected} injected); {unmatched} rows known to one non-master source only",
            "zh": "统一客户视图中共有 {customers:,} 位客户；发现 {conflicts} 处冲突（注入了 {injected} 处）；"
                  "{unmatched} 行只出现在某一个非主数据来源中",
        },
    }
)
