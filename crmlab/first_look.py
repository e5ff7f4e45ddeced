"""A first look at each dataset of the course: one table of key facts and one plot.

Used by lecture 00 to introduce the data. :func:`glance` takes a dataset name
from :func:`crmlab.datasets.catalog` and returns a :class:`Glance`: ``facts`` (keys and numbers, shown
with :func:`crmlab.lang.localize`) and ``plot(lang)``.

Examples
--------
>>> look = glance("retention_cohorts")  # doctest: +SKIP
>>> ax = look.plot("zh")  # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from . import datasets
from .lang import check_lang, label, localize, register, translate_values, with_display

__all__ = ["glance", "glance_synthetic", "Glance", "catalog_table", "FAMILIES"]

register(
    {
        "fact": {"en": "Fact", "zh": "指标"},
        "first_date": {"en": "First date", "zh": "起始日期"},
        "last_date": {"en": "Last date", "zh": "结束日期"},
        "repeat_buyers_pct": {"en": "Customers who bought again (%)", "zh": "复购客户比例（%）"},
        "purchases_per_week": {"en": "Purchases per week", "zh": "每周购买次数"},
        "invoice_lines": {"en": "Invoice lines", "zh": "发票明细行数"},
        "lines_without_customer_pct": {"en": "Lines without customer id (%)", "zh": "缺少客户编号的行（%）"},
        "cancellation_lines_pct": {"en": "Cancellation lines (%)", "zh": "取消订单行（%）"},
        "monthly_revenue": {"en": "Revenue per month (sales lines)", "zh": "月度销售收入"},
        "contacts": {"en": "Contacts", "zh": "联系人次"},
        "subscribed_pct": {"en": "Subscribed (%)", "zh": "认购比例（%）"},
        "contact_month": {"en": "Month of contact", "zh": "联系月份"},
        "treatment_group": {"en": "E-mail group", "zh": "邮件分组"},
        "visit_pct": {"en": "Visited (%)", "zh": "访问比例（%）"},
        "conversion_pct": {"en": "Bought (%)", "zh": "购买比例（%）"},
        "contract": {"en": "Contract", "zh": "合约类型"},
        "churned_pct": {"en": "Churned (%)", "zh": "流失比例（%）"},
        "subscribers": {"en": "Subscribers", "zh": "订阅用户数"},
        "cohort": {"en": "Cohort", "zh": "客户群组"},
        "cohort_regular": {"en": "Regular", "zh": "普通用户"},
        "cohort_high_end": {"en": "High end", "zh": "高端用户"},
        "donors": {"en": "Donors", "zh": "捐赠者人数"},
        "repeat_donations": {"en": "Repeat donations (of 6)", "zh": "重复捐赠次数（共 6 次机会）"},
        "mean_purchases": {"en": "Mean purchases per customer", "zh": "人均购买次数"},
        "mean_satisfaction": {"en": "Mean satisfaction", "zh": "平均满意度"},
        "alive_at_end_pct": {"en": "Still active at the end (%)", "zh": "期末仍活跃比例（%）"},
        "loader": {"en": "Loader", "zh": "加载函数"},
        "No E-Mail": {"en": "No e-mail", "zh": "未发邮件"},
        "Mens E-Mail": {"en": "Men's e-mail", "zh": "男装邮件"},
        "Womens E-Mail": {"en": "Women's e-mail", "zh": "女装邮件"},
        "Month-to-month": {"en": "Month-to-month", "zh": "按月合约"},
        "One year": {"en": "One year", "zh": "一年合约"},
        "Two year": {"en": "Two years", "zh": "两年合约"},
        "source": {"en": "Source", "zh": "来源"},
        "licence": {"en": "Terms", "zh": "使用条款"},
        "time_span": {"en": "Time span", "zh": "时间跨度"},
        "name": {"en": "Name", "zh": "名称"},
        # the catalogue's file column kept its raw, lower-case English header
        "first_look_file": {"en": "file", "zh": "数据文件"},
        "first_look_year_pct": {"en": "Year {year}: {pct:.1f}%", "zh": "第 {year} 年：{pct:.1f}%"},
        "first_look_negative_rows": {
            "en": "{n:,} rows with a negative amount (returns, refunds) are netted in each customer's total",
            "zh": "{n:,} 行金额为负（退货、退款），已在每位客户的合计中冲抵",
        },
        "first_look_top_share_line": {
            "en": "{customers:,} customers; top {pct:.0f}% bring {share:.1f}% of revenue; Gini = {gini:.3f}",
            "zh": "{customers:,} 位客户；前 {pct:.0f}% 的客户贡献了 {share:.1f}% 的收入；基尼系数 = {gini:.3f}",
        },
    }
)

# the lecture's widget labels (the English text is the lecture's original description)
register({
    "first_look_widget_top_pct": {"en": "top %", "zh": "前 % 客户"},
})


@dataclass(frozen=True)
class Glance:
    """A first look at one dataset: its key facts (keys and numbers) and how to draw its plot.

    ``facts`` has the index ``fact`` (vocabulary keys; ``"conversion_pct: Mens E-Mail"`` for a fact
    per group) and one column ``value`` (counts, percentages rounded to 0.1 or 0.01, dates); show it with
    :func:`crmlab.lang.localize`. :meth:`plot` draws the plot in a language.
    """

    name: str
    facts: pd.DataFrame
    draw: Callable[[str, Axes], None] = field(repr=False)

    def plot(self, lang: str = "en", ax: Axes | None = None) -> Axes:
        """The dataset's plot, labelled in ``lang``, on ``ax`` (a new figure when ``None``)."""
        check_lang(lang)
        ax = _new_ax(ax)
        self.draw(lang, ax)
        return ax


def _facts(rows: list[tuple[str, object]]) -> pd.DataFrame:
    table = pd.DataFrame({"value": [v for _, v in rows]}, index=pd.Index([k for k, _ in rows], name="fact"),
                         dtype=object)
    return with_display(table, index=True, separator=": ")


def _new_ax(ax: Axes | None, size: tuple[float, float] = (7, 3.8)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _cdnow() -> Glance:
    log = datasets.load_cdnow("master")
    per_customer = log.groupby("customer_id")["date"].nunique()
    facts = _facts([
        ("customers", int(log["customer_id"].nunique())),
        ("transactions", len(log)),
        ("first_date", log["date"].min().date().isoformat()),
        ("last_date", log["date"].max().date().isoformat()),
        ("repeat_buyers_pct", round(100 * float((per_customer > 1).mean()), 1)),
        ("revenue", round(float(log["dollar_value"].sum()))),
    ])
    weekly = log.set_index("date").resample("W")["customer_id"].size()

    def draw(lang: str, ax: Axes) -> None:
        ax.plot(weekly.index, weekly.to_numpy(), color="C0")
        ax.set_title(f"CDNOW — {label('purchases_per_week', lang)}")
        ax.set_xlabel(label("week", lang))
        ax.set_ylabel(label("transactions", lang))
    return Glance("cdnow", facts, draw)


def _online_retail() -> Glance:
    log = datasets.load_online_retail()
    cancelled = log["invoice_no"].astype(str).str.startswith("C")
    facts = _facts([
        ("invoice_lines", len(log)),
        ("customers", int(log["customer_id"].nunique())),
        ("first_date", log["invoice_date"].min().date().isoformat()),
        ("last_date", log["invoice_date"].max().date().isoformat()),
        ("lines_without_customer_pct", round(100 * float(log["customer_id"].isna().mean()), 1)),
        ("cancellation_lines_pct", round(100 * float(cancelled.mean()), 1)),
    ])
    sales = log[~cancelled & (log["quantity"] > 0) & (log["unit_price"] > 0)]
    monthly = (sales["quantity"] * sales["unit_price"]).groupby(sales["invoice_date"].dt.to_period("M")).sum()

    def draw(lang: str, ax: Axes) -> None:
        ax.bar(monthly.index.astype(str), monthly.to_numpy() / 1e3, color="C1")
        ax.set_title(f"Online Retail — {label('monthly_revenue', lang)}")
        ax.set_xlabel(label("month", lang))
        ax.set_ylabel(f"{label('revenue', lang)} (k£)")
        ax.tick_params(axis="x", rotation=60)
    return Glance("online_retail", facts, draw)


MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _bank_marketing() -> Glance:
    bank = datasets.load_bank_marketing("full")
    facts = _facts([
        ("contacts", len(bank)),
        ("subscribed_pct", round(100 * float(bank["subscribed"].mean()), 1)),
    ])
    by_month = bank.groupby("month", observed=False)["subscribed"].mean().reindex(MONTHS) * 100

    def draw(lang: str, ax: Axes) -> None:
        ax.bar(range(12), by_month.to_numpy(), color="C2")
        ax.set_xticks(range(12), [str(i + 1) for i in range(12)])
        ax.set_title(f"Bank Marketing — {label('subscribed_pct', lang)}")
        ax.set_xlabel(label("contact_month", lang))
        ax.set_ylabel(label("subscribed_pct", lang))
    return Glance("bank_marketing", facts, draw)


def _bars(values: pd.Series, colour: str, dataset: str, x_key: str, y_key: str):
    """A glance's drawing: one bar per category of ``values`` (category keys shown in the reader's language)."""
    def draw(lang: str, ax: Axes) -> None:
        shown = values.copy()
        shown.index = translate_values(list(shown.index), lang)
        shown.plot.bar(ax=ax, color=colour, rot=0)
        ax.set_title(f"{dataset} — {label(y_key, lang)}")
        ax.set_xlabel(label(x_key, lang))
        ax.set_ylabel(label(y_key, lang))
    return draw


def _hillstrom() -> Glance:
    mail = datasets.load_hillstrom()
    rates = mail.groupby("segment", observed=True)[["visit", "conversion"]].mean() * 100
    facts = _facts([("customers", len(mail))] + [
        (f"conversion_pct: {segment}", round(float(rates.loc[segment, "conversion"]), 2)) for segment in rates.index
    ])

    return Glance("hillstrom", facts, _bars(rates["visit"], "C4", "Hillstrom", "treatment_group", "visit_pct"))


def _telco_churn() -> Glance:
    telco = datasets.load_telco_churn()
    churned = telco["churn"].astype(bool)
    facts = _facts([
        ("subscribers", len(telco)),
        ("churned_pct", round(100 * float(churned.mean()), 1)),
    ])
    by_contract = churned.groupby(telco["contract"], observed=True).mean() * 100

    return Glance("telco_churn", facts, _bars(by_contract, "C3", "Telco", "contract", "churned_pct"))


def _retention() -> Glance:
    cohorts = datasets.load_retention_cohorts()
    wide = cohorts.pivot(index="year", columns="cohort", values="surviving_pct")
    facts = _facts([("year", 7)] + [(f"surviving_pct: cohort_{c}", round(float(wide.loc[7, c]), 1))
                                    for c in wide.columns])

    def draw(lang: str, ax: Axes) -> None:
        for i, column in enumerate(wide.columns):
            ax.plot(wide.index, wide[column], marker="o", color=f"C{i}", label=label(f"cohort_{column}", lang))
        ax.set_title(label("surviving_pct", lang))
        ax.set_xlabel(label("year", lang))
        ax.set_ylabel(label("surviving_pct", lang))
        ax.legend(title=label("cohort", lang))
    return Glance("retention_cohorts", facts, draw)


def _donations() -> Glance:
    table = datasets.load_donations()
    by_frequency = table.groupby("frequency")["donors"].sum()
    facts = _facts([("donors", int(table["donors"].sum()))])

    def draw(lang: str, ax: Axes) -> None:
        ax.bar(by_frequency.index, by_frequency.to_numpy(), color="C5")
        ax.set_title(label("donors", lang))
        ax.set_xlabel(label("repeat_donations", lang))
        ax.set_ylabel(label("donors", lang))
    return Glance("donations", facts, draw)


FAMILIES: dict[str, Callable[[], Glance]] = {
    "cdnow": _cdnow,
    "online_retail": _online_retail,
    "bank_marketing": _bank_marketing,
    "hillstrom": _hillstrom,
    "telco_churn": _telco_churn,
    "retention_cohorts": _retention,
    "donations": _donations,
}


def glance(name: str) -> Glance:
    """Key facts and one plot of dataset ``name`` (one of :data:`FAMILIES`).

    Examples
    --------
    >>> look = glance("donations")
    >>> look.facts.loc["donors", "value"]
    11104
    >>> from crmlab.lang import localize
    >>> localize(look.facts, "zh").index.tolist()
    ['捐赠者人数']
    """
    if name not in FAMILIES:
        raise ValueError(f"no first look for dataset {name!r}: choose one of {sorted(FAMILIES)}")
    return FAMILIES[name]()


def glance_synthetic(base) -> Glance:
    """Key facts and the distribution of purchases per customer of a simulated customer base."""
    customers, transactions = base.customers, base.transactions
    purchases = transactions.groupby("customer_id").size().reindex(customers["customer_id"], fill_value=0)
    facts = _facts([
        ("customers", len(customers)),
        ("transactions", len(transactions)),
        ("mean_purchases", round(float(purchases.mean()), 2)),
        ("mean_satisfaction", round(float(customers["satisfaction"].mean()), 2)),
        ("alive_at_end_pct", round(100 * float(customers["true_alive_at_end"].mean()), 1)),
    ])
    clipped = purchases.clip(upper=30)

    def draw(lang: str, ax: Axes) -> None:
        ax.hist(clipped, bins=range(0, 32), color="C0")
        ax.set_title(label("purchases_per_customer", lang))
        ax.set_xlabel(label("orders", lang))
        ax.set_ylabel(label("customers", lang))
    return Glance("synthetic", facts, draw)


def catalog_table(catalog: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The dataset catalogue for a reader: headers, and the free-text columns, in ``lang``.

    ``catalog`` is :func:`crmlab.datasets.catalog` (or some of its rows); its ``time_span``,
    ``description``, ``source`` and ``licence`` text is replaced by
    :func:`crmlab.datasets.catalog_text` of ``lang``, matched on ``name``. Names, loader calls, files
    and numbers are shown as they are.

    Examples
    --------
    >>> from crmlab.datasets import catalog
    >>> table = catalog_table(catalog(), "zh")
    >>> table.columns.tolist()[:4]
    ['名称', '加载函数', '数据文件', '行数']
    >>> table.set_index("名称").loc["hillstrom", "说明"]
    '随机分组的邮件实验：男装邮件、女装邮件或不发邮件'
    >>> catalog_table(catalog(), "en").columns.tolist()[:3]
    ['Name', 'Loader', 'file']
    """
    check_lang(lang)
    table = catalog.copy()
    if "name" in table:
        text = datasets.catalog_text(lang).set_index("name")
        for column in text.columns:
            if column in table:
                table[column] = table["name"].map(text[column]).fillna(table[column])
    return localize(table.rename(columns={"file": "first_look_file"}), lang)
