"""The real datasets of the course, as typed pandas DataFrames.

Every loader reads a file shipped with crmlab (nothing is downloaded), parses it once, caches the
parsed frame and hands back a copy, so callers may modify what they get. Columns are snake_case,
dates are ``datetime64``, money is ``float64``, 0/1 outcomes are ``int64`` and factor columns are
``category``. Rows are exactly the rows of the raw file: returns, duplicates, missing ids and other
quirks are kept and described in each dataset's data card (``datasets/<name>/README.md``); cleaning
them is a separate, reported step.

Where the files are looked for, first match wins:

1. the folder named by the environment variable ``CRMLAB_DATA`` (laid out like ``datasets/``);
2. the copy inside an installed wheel (``crmlab/_data/``);
3. ``datasets/`` of the git clone this module was imported from.

Examples
--------
>>> from crmlab.datasets import catalog, load_cdnow
>>> cdnow = load_cdnow()
>>> cdnow.columns.tolist()
['customer_id', 'date', 'number_of_cds', 'dollar_value']
>>> int(catalog().set_index("name").loc["cdnow_master", "rows"])
69659
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

import pandas as pd

from .lang import check_lang

__all__ = [
    "DATA_ENV_VAR",
    "ONLINE_RETAIL_NON_PRODUCT_CODES",
    "catalog",
    "catalog_text",
    "data_location",
    "load_bank_marketing",
    "load_cdnow",
    "load_donations",
    "load_hillstrom",
    "load_online_retail",
    "load_retention_cohorts",
    "load_telco_churn",
]

DATA_ENV_VAR = "CRMLAB_DATA"
"""Environment variable naming a folder that overrides the bundled data (same layout as ``datasets/``)."""

ONLINE_RETAIL_NON_PRODUCT_CODES: tuple[str, ...] = (
    "POST",
    "DOT",
    "M",
    "m",
    "C2",
    "D",
    "S",
    "B",
    "BANK CHARGES",
    "AMAZONFEE",
    "CRUK",
    "PADS",
)
"""Online Retail stock codes, spelled as in the raw file, that are postage, fees, manual adjustments,
discounts, samples or price fillers (``PADS``, cushion pads at 0.001) rather than goods (see
``datasets/online_retail/README.md``); :data:`crmlab.transactions.DEFAULT_NON_PRODUCT_CODES` is the
same list upper-cased. Gift vouchers (``gift_0001_*``) and the
``DCGS*`` codes are goods sold through other channels and are not in this list."""

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


# ---------------------------------------------------------------------------------------------
# locating the files
# ---------------------------------------------------------------------------------------------


def _repo_datasets() -> Path:
    return Path(__file__).resolve().parent.parent / "datasets"


def _bundled_datasets() -> Traversable | None:
    try:
        folder = resources.files("crmlab") / "_data"
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - odd importers
        return None
    return folder if folder.is_dir() else None


def data_location() -> Path | Traversable:
    """Folder the loaders read from.

    Returns
    -------
    pathlib.Path or importlib.resources.abc.Traversable
        ``$CRMLAB_DATA`` when set, else the copy bundled in the installed package, else the
        ``datasets/`` folder of the git clone.

    Raises
    ------
    FileNotFoundError
        If ``CRMLAB_DATA`` names a missing folder, or no data folder is found at all.

    Examples
    --------
    >>> from crmlab.datasets import data_location
    >>> (data_location() / "cdnow").is_dir()
    True
    """
    override = os.environ.get(DATA_ENV_VAR)
    if override:
        folder = Path(override).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(f"{DATA_ENV_VAR}={override!r} is not a folder")
        return folder
    bundled = _bundled_datasets()
    if bundled is not None:
        return bundled
    repo = _repo_datasets()
    if repo.is_dir():
        return repo
    raise FileNotFoundError(
        "crmlab's datasets were not found: neither crmlab/_data in the installed package nor "
        f"{repo}. Reinstall crmlab from a wheel or a git clone, or set {DATA_ENV_VAR}."
    )


def _source(relative: str) -> Path | Traversable:
    folder = data_location()
    target = folder
    for part in relative.split("/"):
        target = target / part
    if not target.is_file():
        raise FileNotFoundError(f"dataset file {relative!r} is missing from {folder}")
    return target


def _read_csv(relative: str, **kwargs) -> pd.DataFrame:
    """Read a bundled CSV (gzip if the name ends in .gz); empty fields are the only missing values."""
    source = _source(relative)
    compression = "gzip" if relative.endswith(".gz") else None
    kwargs.setdefault("keep_default_na", False)
    with source.open("rb") as handle:
        return pd.read_csv(handle, compression=compression, encoding="utf-8", **kwargs)


def _cache_key() -> str:
    """Loaders cache per data location, so changing ``CRMLAB_DATA`` takes effect."""
    return str(data_location())


def _check_kind(kind: str, accepted: tuple[str, ...]) -> None:
    if kind not in accepted:
        names = ", ".join(repr(a) for a in accepted)
        raise ValueError(f"kind must be one of {names}; got {kind!r}")


def _as_category(frame: pd.DataFrame, columns: list[str]) -> None:
    for column in columns:
        frame[column] = frame[column].astype("category")


# ---------------------------------------------------------------------------------------------
# CDNOW and donations (Fader & Hardie)
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _cdnow(kind: str, _location: str) -> pd.DataFrame:
    file_name = "cdnow/cdnow_master.csv.gz" if kind == "master" else "cdnow/cdnow_sample.csv.gz"
    dtypes = {"customer_id": "int64", "number_of_cds": "int64", "dollar_value": "float64"}
    if kind == "sample":
        dtypes["sample_id"] = "int64"
    frame = _read_csv(file_name, dtype=dtypes)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    return frame


def load_cdnow(kind: Literal["master", "sample"] = "master") -> pd.DataFrame:
    """CDNOW purchase log: customers who first bought in Q1 1997, followed to 1998-06-30.

    Parameters
    ----------
    kind : {"master", "sample"}
        ``"master"``: all 69,659 purchase lines of 23,570 customers. ``"sample"``: the 1/10 sample of
        2,357 customers (6,919 lines) used by Fader, Hardie & Lee (2005).

    Returns
    -------
    pandas.DataFrame
        One row per purchase line, raw order: ``customer_id`` (int64, the master id),
        ``sample_id`` (int64, sample only, 1..2,357), ``date`` (datetime64, day),
        ``number_of_cds`` (int64), ``dollar_value`` (float64, US dollars). Same-day lines and
        exact duplicate lines are kept; models merge same-day purchases (see the data card).

    Raises
    ------
    ValueError
        If ``kind`` is not ``"master"`` or ``"sample"``.

    Examples
    --------
    >>> from crmlab.datasets import load_cdnow
    >>> sample = load_cdnow("sample")
    >>> sample["customer_id"].nunique(), len(sample)
    (2357, 6919)
    """
    _check_kind(kind, ("master", "sample"))
    return _cdnow(kind, _cache_key()).copy()


@functools.lru_cache(maxsize=None)
def _donations(_location: str) -> pd.DataFrame:
    return _read_csv("donations/donations.csv", dtype="int64")


def load_donations() -> pd.DataFrame:
    """Repeat-donation patterns of 11,104 first-time donors over 6 annual opportunities (BG/BB data).

    Returns
    -------
    pandas.DataFrame
        22 rows, one per (frequency, recency) pattern, all int64: ``frequency`` (donations in the
        6 opportunities), ``recency`` (opportunity of the last donation, 0 if none), ``periods``
        (opportunities, always 6) and ``donors`` (how many donors show the pattern).

    Examples
    --------
    >>> from crmlab.datasets import load_donations
    >>> int(load_donations()["donors"].sum())
    11104

    The table names its count column in ``attrs["weights"]``, so a model fits it without
    extra arguments: ``BetaGeoBetaBinom().fit(load_donations())``.
    """
    table = _donations(_cache_key()).copy()
    table.attrs["weights"] = "donors"
    table.attrs["pattern_table"] = True
    return table


# ---------------------------------------------------------------------------------------------
# Online Retail (UCI)
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _online_retail(_location: str) -> pd.DataFrame:
    frame = _read_csv(
        "online_retail/online_retail.csv.gz",
        dtype={
            "invoice_no": str,
            "stock_code": str,
            "description": str,
            "quantity": "int64",
            "unit_price": "float64",
            "customer_id": "Int64",
            "country": str,
        },
        na_values={"description": [""], "customer_id": [""]},
    )
    frame["invoice_date"] = pd.to_datetime(frame["invoice_date"], format="%Y-%m-%d %H:%M:%S")
    frame["amount"] = frame["quantity"] * frame["unit_price"]
    return frame


def load_online_retail() -> pd.DataFrame:
    """UCI Online Retail: every invoice line of a UK online gift retailer, 2010-12-01 to 2011-12-09.

    Returns
    -------
    pandas.DataFrame
        541,909 rows in raw order: ``invoice_no`` (str; "C..." cancellations, "A..." bad-debt
        adjustments), ``stock_code`` (str), ``description`` (str, NaN for 1,454 lines),
        ``quantity`` (int64, negative for returns), ``invoice_date`` (datetime64, minute),
        ``unit_price`` (float64, pounds sterling), ``customer_id`` (nullable Int64, missing on
        ~25% of lines), ``country`` (str) and the derived ``amount`` = quantity * unit_price
        (float64, pounds). Nothing is removed: see the data card for the quirks and
        :data:`ONLINE_RETAIL_NON_PRODUCT_CODES`.

    Examples
    --------
    >>> from crmlab.datasets import load_online_retail
    >>> retail = load_online_retail()
    >>> len(retail), retail["customer_id"].nunique()
    (541909, 4372)
    """
    return _online_retail(_cache_key()).copy()


# ---------------------------------------------------------------------------------------------
# Bank Marketing (UCI)
# ---------------------------------------------------------------------------------------------

_BANK_FACTORS = ["job", "marital", "education", "default", "housing", "loan", "contact", "poutcome"]


@functools.lru_cache(maxsize=None)
def _bank(kind: str, _location: str) -> pd.DataFrame:
    file_name = (
        "bank_marketing/bank_full.csv.gz"
        if kind == "full"
        else "bank_marketing/bank_additional_full.csv.gz"
    )
    frame = _read_csv(file_name)
    _as_category(frame, _BANK_FACTORS)
    frame["month"] = pd.Categorical(frame["month"], categories=_MONTHS, ordered=True)
    if "day_of_week" in frame:
        frame["day_of_week"] = pd.Categorical(frame["day_of_week"], categories=_WEEKDAYS, ordered=True)
    answers = frame.pop("y")
    if not answers.isin(["yes", "no"]).all():  # pragma: no cover - guards the shipped file
        raise ValueError("bank marketing: y holds values other than 'yes'/'no'")
    frame["subscribed"] = (answers == "yes").astype("int64")
    return frame


def load_bank_marketing(kind: Literal["full", "additional"] = "full") -> pd.DataFrame:
    """UCI Bank Marketing: outcomes of a Portuguese bank's term-deposit phone campaigns, 2008-2010.

    Parameters
    ----------
    kind : {"full", "additional"}
        ``"full"``: ``bank-full`` (45,211 contacts, 17 columns, with ``balance`` and ``day``).
        ``"additional"``: ``bank-additional-full`` (41,188 contacts, 21 columns, with
        ``day_of_week`` and five economic indicators).

    Returns
    -------
    pandas.DataFrame
        One row per contact in raw (date) order. Numbers are int64/float64; text attributes are
        ``category`` with the raw levels, "unknown" kept as a level; ``month`` (and
        ``day_of_week``) are ordered calendar categories. The raw target ``y`` ("yes"/"no") is
        returned as ``subscribed`` (int64, 1 = subscribed a term deposit), the last column.
        ``duration`` is only known after the call and leaks the outcome; ``pdays`` uses -1
        (full) or 999 (additional) for "never contacted before" (see the data card).

    Raises
    ------
    ValueError
        If ``kind`` is not ``"full"`` or ``"additional"``.

    Examples
    --------
    >>> from crmlab.datasets import load_bank_marketing
    >>> bank = load_bank_marketing("additional")
    >>> len(bank), round(float(bank["subscribed"].mean()), 3)
    (41188, 0.113)
    """
    _check_kind(kind, ("full", "additional"))
    return _bank(kind, _cache_key()).copy()


# ---------------------------------------------------------------------------------------------
# Hillstrom e-mail experiment
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _hillstrom(_location: str) -> pd.DataFrame:
    frame = _read_csv(
        "hillstrom/hillstrom.csv.gz",
        dtype={"history": "float64", "spend": "float64"},
    )
    segments = sorted(frame["history_segment"].unique())  # "1) $0 - $100" ... "7) $1,000 +"
    frame["history_segment"] = pd.Categorical(
        frame["history_segment"], categories=segments, ordered=True
    )
    frame["segment"] = pd.Categorical(
        frame["segment"], categories=["No E-Mail", "Mens E-Mail", "Womens E-Mail"]
    )
    _as_category(frame, ["zip_code", "channel"])
    return frame


def load_hillstrom() -> pd.DataFrame:
    """MineThatData e-mail experiment (Hillstrom, 2008): 64,000 customers randomised to three arms.

    Returns
    -------
    pandas.DataFrame
        One row per customer (no id column): pre-treatment ``recency`` (int64, months since
        last purchase), ``history_segment`` (ordered category), ``history`` (float64, dollars
        spent in the past year), ``mens``/``womens``/``newbie`` (int64 0/1), ``zip_code`` and
        ``channel`` (category); the arm ``segment`` (category, "No E-Mail" first, so it is the
        baseline); outcomes in the two weeks after the e-mail: ``visit``/``conversion`` (int64
        0/1) and ``spend`` (float64, dollars).

    Examples
    --------
    >>> from crmlab.datasets import load_hillstrom
    >>> load_hillstrom()["segment"].value_counts().sort_index().tolist()
    [21306, 21307, 21387]
    """
    return _hillstrom(_cache_key()).copy()


# ---------------------------------------------------------------------------------------------
# IBM Telco churn
# ---------------------------------------------------------------------------------------------

_TELCO_FACTORS = [
    "gender",
    "partner",
    "dependents",
    "phone_service",
    "multiple_lines",
    "internet_service",
    "online_security",
    "online_backup",
    "device_protection",
    "tech_support",
    "streaming_tv",
    "streaming_movies",
    "contract",
    "paperless_billing",
    "payment_method",
]


@functools.lru_cache(maxsize=None)
def _telco(_location: str) -> pd.DataFrame:
    frame = _read_csv(
        "telco_churn/telco_churn.csv.gz",
        dtype={
            "customer_id": str,
            "senior_citizen": "int64",
            "tenure": "int64",
            "monthly_charges": "float64",
            "total_charges": "float64",
        },
        na_values={"total_charges": [""]},
    )
    _as_category(frame, _TELCO_FACTORS)
    frame["contract"] = frame["contract"].cat.reorder_categories(
        ["Month-to-month", "One year", "Two year"], ordered=True
    )
    answers = frame["churn"]
    if not answers.isin(["Yes", "No"]).all():  # pragma: no cover - guards the shipped file
        raise ValueError("telco churn: Churn holds values other than 'Yes'/'No'")
    frame["churn"] = (answers == "Yes").astype("int64")
    return frame


def load_telco_churn() -> pd.DataFrame:
    """IBM sample telco: 7,043 subscription customers, their services, charges and churn flag.

    Returns
    -------
    pandas.DataFrame
        One row per customer: ``customer_id`` (str), ``senior_citizen`` (int64 0/1), ``tenure``
        (int64, months), ``monthly_charges`` and ``total_charges`` (float64, dollars; total is NaN
        for the 11 customers with tenure 0, blank in the raw file), service and account attributes
        as ``category`` with the raw "Yes"/"No"/"No internet service" levels (``contract``
        ordered by length), and ``churn`` (int64, 1 = left within the last month; raw "Yes"/"No").

    Examples
    --------
    >>> from crmlab.datasets import load_telco_churn
    >>> telco = load_telco_churn()
    >>> int(telco["total_charges"].isna().sum()), round(float(telco["churn"].mean()), 3)
    (11, 0.265)
    """
    return _telco(_cache_key()).copy()


# ---------------------------------------------------------------------------------------------
# sBG retention cohorts
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _retention(_location: str) -> pd.DataFrame:
    frame = _read_csv(
        "retention/sbg_cohorts.csv", dtype={"year": "int64", "surviving_pct": "float64"}
    )
    frame["cohort"] = pd.Categorical(frame["cohort"], categories=["regular", "high_end"])
    frame["surviving_customers"] = (frame["surviving_pct"] * 10).round().astype("int64")
    return frame


def load_retention_cohorts() -> pd.DataFrame:
    """Survival of two cohorts of 1,000 subscribers over 12 years (Fader & Hardie, 2007).

    Returns
    -------
    pandas.DataFrame
        Long format, 26 rows (cohort x year): ``cohort`` (category "regular", "high_end"),
        ``year`` (int64, 0..12 years since acquisition), ``surviving_pct`` (float64, percent of the
        cohort still subscribed) and ``surviving_customers`` (int64, out of 1,000). The sBG
        benchmarks are fitted on years 1..7; years 8..12 are the holdout.

    Examples
    --------
    >>> from crmlab.datasets import load_retention_cohorts
    >>> cohorts = load_retention_cohorts()
    >>> cohorts.pivot(index="year", columns="cohort", values="surviving_customers").loc[1].tolist()
    [631, 869]
    """
    return _retention(_cache_key()).copy()


# ---------------------------------------------------------------------------------------------
# catalog
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    name: str
    loader: str
    file: str
    rows: int
    columns: int
    time_span: str
    description: str
    source: str
    licence: str
    time_span_zh: str
    description_zh: str
    source_zh: str
    licence_zh: str


_CDNOW_SOURCE = "CDNOW cohort via B. Hardie; file from the lifetimes 0.11.3 wheel"
_CDNOW_SOURCE_ZH = "CDNOW 客户队列，由 B. Hardie 发布；文件取自 lifetimes 0.11.3 安装包"
_CDNOW_LICENCE = "research and teaching use (Hardie); lifetimes packaging MIT"
_CDNOW_LICENCE_ZH = "可用于研究与教学（Hardie）；lifetimes 的打包文件为 MIT 许可"
_BANK_SOURCE = "UCI Machine Learning Repository, Bank Marketing (Moro, Cortez & Rita 2014)"
_BANK_SOURCE_ZH = "UCI 机器学习数据库，Bank Marketing 数据集（Moro、Cortez 与 Rita，2014）"
_BANK_LICENCE = "public for research; cite Moro et al. (2011, 2014)"
_BANK_LICENCE_ZH = "公开供研究使用；请引用 Moro 等人（2011、2014）"
_BANK_SPAN_ZH = "2008 年 5 月至 2010 年 11 月"
_CDNOW_SPAN_ZH = "1997-01-01 至 1998-06-30"

_CATALOG: tuple[_Entry, ...] = (
    _Entry(
        "cdnow_master", 'load_cdnow(kind="master")', "cdnow/cdnow_master.csv.gz", 69_659, 4,
        "1997-01-01 to 1998-06-30",
        "CD purchases of 23,570 customers who first bought in Q1 1997",
        _CDNOW_SOURCE, _CDNOW_LICENCE,
        _CDNOW_SPAN_ZH,
        "1997 年第一季度首次购买的 23,570 位客户的唱片购买记录",
        _CDNOW_SOURCE_ZH, _CDNOW_LICENCE_ZH,
    ),
    _Entry(
        "cdnow_sample", 'load_cdnow(kind="sample")', "cdnow/cdnow_sample.csv.gz", 6_919, 5,
        "1997-01-01 to 1998-06-30",
        "1/10 sample of CDNOW (2,357 customers) used in the BG/NBD and Pareto/NBD papers",
        _CDNOW_SOURCE, _CDNOW_LICENCE,
        _CDNOW_SPAN_ZH,
        "CDNOW 的 1/10 样本（2,357 位客户），即 BG/NBD 与 Pareto/NBD 论文所用的数据",
        _CDNOW_SOURCE_ZH, _CDNOW_LICENCE_ZH,
    ),
    _Entry(
        "donations", "load_donations()", "donations/donations.csv", 22, 4,
        "6 annual giving opportunities after a first donation in 1995",
        "BG/BB recency/frequency patterns of 11,104 first-time donors",
        "Fader, Hardie & Shang (2010); file from the lifetimes 0.11.3 wheel", _CDNOW_LICENCE,
        "1995 年首次捐赠之后的 6 次年度捐赠机会",
        "11,104 位首次捐赠者的最近一次捐赠与捐赠次数组合（BG/BB 模型数据）",
        "Fader、Hardie 与 Shang（2010）；文件取自 lifetimes 0.11.3 安装包", _CDNOW_LICENCE_ZH,
    ),
    _Entry(
        "online_retail", "load_online_retail()", "online_retail/online_retail.csv.gz", 541_909, 9,
        "2010-12-01 08:26 to 2011-12-09 12:50",
        "invoice lines of a UK online gift retailer, 4,372 identified customers",
        "UCI Machine Learning Repository, Online Retail (Chen, Sain & Guo 2012)",
        "UCI repository terms; cite Chen, Sain & Guo (2012)",
        "2010-12-01 08:26 至 2011-12-09 12:50",
        "英国一家在线礼品零售商的发票明细行，可识别的客户共 4,372 位",
        "UCI 机器学习数据库，Online Retail 数据集（Chen、Sain 与 Guo，2012）",
        "遵循 UCI 数据库的使用条款；请引用 Chen、Sain 与 Guo（2012）",
    ),
    _Entry(
        "bank_marketing_full", 'load_bank_marketing(kind="full")',
        "bank_marketing/bank_full.csv.gz", 45_211, 17, "May 2008 to November 2010",
        "term-deposit telemarketing contacts of a Portuguese bank (bank-full)",
        _BANK_SOURCE, _BANK_LICENCE,
        _BANK_SPAN_ZH,
        "葡萄牙一家银行推销定期存款的电话营销联系记录（bank-full）",
        _BANK_SOURCE_ZH, _BANK_LICENCE_ZH,
    ),
    _Entry(
        "bank_marketing_additional", 'load_bank_marketing(kind="additional")',
        "bank_marketing/bank_additional_full.csv.gz", 41_188, 21, "May 2008 to November 2010",
        "the same campaigns with weekday and five economic indicators (bank-additional-full)",
        _BANK_SOURCE, _BANK_LICENCE,
        _BANK_SPAN_ZH,
        "同一批营销活动，另含联系日是星期几和五项经济指标（bank-additional-full）",
        _BANK_SOURCE_ZH, _BANK_LICENCE_ZH,
    ),
    _Entry(
        "hillstrom", "load_hillstrom()", "hillstrom/hillstrom.csv.gz", 64_000, 12,
        "2008; outcomes over the two weeks after the e-mail",
        "randomised e-mail test: Mens e-mail, Womens e-mail or no e-mail",
        "MineThatData E-Mail Analytics Challenge (Hillstrom 2008)",
        "released by Kevin Hillstrom for public analysis",
        "2008 年；结果为邮件发出后两周内的表现",
        "随机分组的邮件实验：男装邮件、女装邮件或不发邮件",
        "MineThatData 电子邮件分析挑战赛（Hillstrom，2008）",
        "由 Kevin Hillstrom 发布，供公众分析使用",
    ),
    _Entry(
        "telco_churn", "load_telco_churn()", "telco_churn/telco_churn.csv.gz", 7_043, 21,
        "snapshot; tenure 0 to 72 months",
        "subscription customers of a fictional telco with services, charges and churn flag",
        "IBM sample data set (Telco Customer Churn)", "Apache-2.0",
        "某一时点的快照；在网时长 0 至 72 个月",
        "一家虚构电信公司的订阅客户，含所用服务、费用和是否流失",
        "IBM 示例数据集（Telco Customer Churn）", "Apache-2.0 开源许可",
    ),
    _Entry(
        "retention_cohorts", "load_retention_cohorts()", "retention/sbg_cohorts.csv", 26, 4,
        "years 0 to 12 after acquisition",
        "percent of two 1,000-customer cohorts still subscribed (regular, high end)",
        "Fader & Hardie (2007), Table 1", "facts from a publication",
        "获取客户后第 0 至 12 年",
        "两个各有 1,000 位客户的队列（普通用户、高端用户）中仍在订阅的百分比",
        "Fader 与 Hardie（2007），表 1", "引自已发表文献的事实数据",
    ),
)

_CATALOG_TEXT_COLUMNS: tuple[str, ...] = ("time_span", "description", "source", "licence")


def catalog_text(lang: str = "en") -> pd.DataFrame:
    """The free-text columns of :func:`catalog` written in ``lang``, for display.

    :func:`catalog` always has English text (stable for researchers); a table shown to a reader
    swaps in these columns, matched on ``name``.

    Parameters
    ----------
    lang : {"en", "zh"}
        Language of the text.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``time_span``, ``description``, ``source`` and ``licence``, one row per
        dataset in the order of :func:`catalog`; with ``lang="en"`` these equal catalog's columns.

    Raises
    ------
    ValueError
        If ``lang`` is not a supported language code.

    Examples
    --------
    >>> from crmlab.datasets import catalog_text
    >>> catalog_text("zh").set_index("name").loc["telco_churn", "licence"]
    'Apache-2.0 开源许可'
    >>> catalog_text("en").equals(catalog()[["name", "time_span", "description", "source", "licence"]])
    True
    """
    check_lang(lang)
    suffix = "" if lang == "en" else f"_{lang}"
    rows = [
        {"name": entry.name, **{c: getattr(entry, c + suffix) for c in _CATALOG_TEXT_COLUMNS}}
        for entry in _CATALOG
    ]
    return pd.DataFrame(rows, columns=["name", *_CATALOG_TEXT_COLUMNS])


def catalog() -> pd.DataFrame:
    """One row per dataset the loaders offer.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``loader`` (the call that returns it), ``file`` (path under the data
        folder), ``rows``, ``columns`` (of the loaded frame), ``time_span``, ``description``,
        ``source`` and ``licence``. Details live in ``datasets/<folder>/README.md``.

    Examples
    --------
    >>> from crmlab.datasets import catalog
    >>> catalog()["loader"].tolist()[:2]
    ['load_cdnow(kind="master")', 'load_cdnow(kind="sample")']
    """
    return pd.DataFrame(
        [entry.__dict__ for entry in _CATALOG],
        columns=[
            "name", "loader", "file", "rows", "columns", "time_span", "description", "source",
            "licence",
        ],
    )
