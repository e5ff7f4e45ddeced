"""Data protection in database marketing: the principles as data, and pseudonymised customer ids.

* :func:`data_protection_principles` — purpose limitation (目的限制), data minimisation (数据最小化),
  consent (同意), storage limitation / retention (存储期限) and security (安全), each with what it
  asks of a marketing database and the check this course applies, as a bilingual table.
* :func:`pseudonymise` — replaces customer ids by a keyed hash (HMAC-SHA256 with a secret key):
  the same id and key always give the same pseudonym, so tables can still be joined; another key
  gives other pseudonyms; without the key the ids cannot be recomputed by trying candidate ids,
  and no id → pseudonym table is kept.
* :func:`pseudonymise_table` — the same for one column of a table, refusing missing ids.
* :func:`minimise` — keeps only the columns a stated purpose needs and reports what it dropped.
* :func:`retention_overdue` — the rows kept longer than the retention period allows.

Pseudonymised data are still personal data under the GDPR and China's PIPL (the key holder can
link them back); the key must be stored apart from the data.

Examples
--------
>>> pseudonymise(["C001"], key="secret-1")[0][:12]
'97362bb5483f'
>>> pseudonymise(["C001"], key="secret-1") == pseudonymise(["C001"], key="secret-1")
True
>>> pseudonymise(["C001"], key="secret-1") == pseudonymise(["C001"], key="secret-2")
False
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ._table_checks import require_columns, require_complete, require_table
from .validation import ValidationError
from .lang import check_lang, label, register, translate_columns

__all__ = ["PRINCIPLES", "data_protection_principles", "pseudonymise", "pseudonymise_table", "minimise",
           "retention_overdue"]

PRINCIPLES: tuple[str, ...] = ("purpose_limitation", "data_minimisation", "consent", "storage_limitation",
                               "security")

_RULES = {
    "purpose_limitation": {
        "en": ("Data collected for one purpose (e.g. delivering parcels) are not reused for an unrelated one "
               "without a new legal basis.",
               "Every campaign names its purpose; the columns it reads are listed for that purpose."),
        "zh": ("为某一目的（如投递包裹）收集的数据，没有新的合法依据不得用于无关目的。",
               "每次营销活动写明目的，并列出该目的所需读取的字段。"),
    },
    "data_minimisation": {
        "en": ("Keep and use only the data needed for the purpose.",
               "minimise() keeps the purpose's columns and reports the dropped ones."),
        "zh": ("只保存和使用实现目的所必需的数据。",
               "minimise() 只保留目的所需字段，并报告删去了哪些字段。"),
    },
    "consent": {
        "en": ("Marketing contacts need the customer's consent (opt-in) and an easy way to withdraw it.",
               "Only customers whose consent flag is true enter a campaign list."),
        "zh": ("营销联系需要客户同意（选择加入），并能方便地撤回同意。",
               "只有同意标志为真的客户才能进入营销名单。"),
    },
    "storage_limitation": {
        "en": ("Personal data are deleted or anonymised once the retention period is over.",
               "retention_overdue() lists the rows older than the retention period."),
        "zh": ("超过保存期限的个人数据应删除或匿名化。",
               "retention_overdue() 列出超过保存期限的记录。"),
    },
    "security": {
        "en": ("Analysts work on pseudonymised ids; the key is stored apart from the data.",
               "pseudonymise() replaces ids by keyed HMAC-SHA256 hashes; no lookup table is kept."),
        "zh": ("分析人员使用假名化编号；密钥与数据分开保存。",
               "pseudonymise() 用带密钥的 HMAC-SHA256 替换编号，不保留对照表。"),
    },
}


def data_protection_principles(lang: str = "en") -> pd.DataFrame:
    """The data-protection principles a marketing database follows, with the course's check for each.

    Examples
    --------
    >>> data_protection_principles("zh").index.tolist()[0]
    '目的限制'
    """
    check_lang(lang)
    table = pd.DataFrame(
        {"rule": [_RULES[key][lang][0] for key in PRINCIPLES], "check": [_RULES[key][lang][1] for key in PRINCIPLES]},
        index=pd.Index([label(key, lang) for key in PRINCIPLES], name="principle"),
    )
    return translate_columns(table, lang)


def _key_bytes(key: str | bytes) -> bytes:
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes) or len(key) < 8:
        raise ValueError("the secret key must be a text or bytes of at least 8 characters")
    return key


def pseudonymise(ids: Iterable[object], key: str | bytes, length: int = 64) -> list[str]:
    """Keyed pseudonyms of customer ids: the hex HMAC-SHA256 of ``str(id)`` under ``key``.

    Parameters
    ----------
    ids
        Customer ids (any values; each is turned into text with ``str``). Missing ids are refused.
    key
        The secret key (at least 8 characters). Keep it outside the data and the notebook.
    length
        Hex characters kept (8 to 64); shorter pseudonyms are easier to read but may collide.
    """
    secret = _key_bytes(key)
    if not isinstance(length, int) or not 8 <= length <= 64:
        raise ValueError(f"length must be a whole number from 8 to 64, got {length}")
    out = []
    for position, value in enumerate(ids):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            raise ValueError(f"id number {position} is missing: a missing id cannot be pseudonymised")
        digest = hmac.new(secret, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
        out.append(digest[:length])
    return out


def pseudonymise_table(table: pd.DataFrame, id_col: str, key: str | bytes, length: int = 64) -> pd.DataFrame:
    """A copy of ``table`` with ``id_col`` replaced by its pseudonyms (the original ids are not kept)."""
    require_table(table)
    require_columns(table, [id_col])
    require_complete(table, [id_col])
    out = table.copy()
    out[id_col] = pseudonymise(table[id_col].tolist(), key, length)
    return out


def minimise(table: pd.DataFrame, needed: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """Keep only the ``needed`` columns; return the smaller table and the names of the dropped columns."""
    require_table(table)
    require_columns(table, list(needed))
    dropped = [column for column in table.columns if column not in needed]
    return table[list(needed)].copy(), dropped


def retention_overdue(table: pd.DataFrame, date_col: str, as_of: str | pd.Timestamp,
                      retention_days: int) -> pd.DataFrame:
    """The rows whose ``date_col`` is more than ``retention_days`` before ``as_of`` (to delete or anonymise).

    Raises an error naming the column and the count of unparsable dates.
    """
    require_table(table)
    require_columns(table, [date_col])
    require_complete(table, [date_col])
    dates = pd.to_datetime(table[date_col], errors="coerce", format="mixed")
    bad = int(dates.isna().sum())
    if bad:
        raise ValidationError(f"column {date_col!r} has {bad} value(s) that are not dates",
                              column=date_col, rows=bad, total=len(dates))
    if retention_days < 0:
        raise ValueError(f"retention_days must be at least 0, got {retention_days}")
    return table.loc[(pd.Timestamp(as_of) - dates).dt.days > retention_days]


register(
    {
        "purpose_limitation": {"en": "Purpose limitation", "zh": "目的限制"},
        "data_minimisation": {"en": "Data minimisation", "zh": "数据最小化"},
        "consent": {"en": "Consent", "zh": "同意"},
        "storage_limitation": {"en": "Storage limitation (retention)", "zh": "存储期限"},
        "security": {"en": "Security and pseudonymisation", "zh": "安全与假名化"},
        "principle": {"en": "Principle", "zh": "原则"},
        "rule": {"en": "What it asks", "zh": "要求"},
        "check": {"en": "Check in this course", "zh": "本课程中的检查"},
        "pseudonym": {"en": "Pseudonym", "zh": "假名编号"},
    }
)

# the lecture's printed sentence (the English text is the lecture's original f-string)
register(
    {
        "privacy_pseudonym_summary": {
            "en": "{ids:,} ids -> {pseudonyms:,} distinct pseudonyms; dropped for the response model: {dropped}",
            "zh": "{ids:,} 个客户编号 -> {pseudonyms:,} 个互不相同的假名编号；响应模型中删去的列：{dropped}",
        },
    }
)
