"""The course glossary (术语表): key CRM concepts defined in English and Chinese, plus every vocabulary term.

``KEY_TERMS`` are the concepts the lectures teach, each with one preferred Chinese term, a one-line
definition in both languages and the variants the Chinese edition must not use (one concept, one word).
``vocabulary()`` lists every label registered in :mod:`crmlab.lang` (what tables and plots show).
``python -m crmlab.glossary`` writes ``notebooks/glossary.md`` and ``notebooks/zh/glossary.md``.

Examples
--------
>>> find("customer lifetime value").zh
'客户终身价值'
>>> variants_used("顾客终身价值与客户关系管理")
[('顾客终身价值', '客户终身价值')]
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Term", "KEY_TERMS", "find", "variants_used", "vocabulary", "markdown", "write", "main"]


@dataclass(frozen=True)
class Term:
    """A key concept: English and Chinese names, a one-line definition in each, banned Chinese variants."""

    en: str
    zh: str
    definition_en: str
    definition_zh: str
    variants: tuple[str, ...] = field(default_factory=tuple)


KEY_TERMS: tuple[Term, ...] = (
    Term("customer relationship management (CRM)", "客户关系管理",
         "Managing every contact with customers so that the firm wins, keeps and grows the profitable ones.",
         "围绕每一次客户接触进行管理，目的是赢得、留住并发展有利可图的客户。", ("顾客关系管理",)),
    Term("production concept", "生产观念",
         "The belief that customers want what is cheap and available, so the firm should produce efficiently.",
         "认为顾客偏爱价廉易得的产品，企业的重点是提高生产效率、扩大供给。"),
    Term("product concept", "产品观念",
         "The belief that customers choose the best product, so the firm should keep improving it.",
         "认为顾客会选择质量最好的产品，企业的重点是不断改进产品本身。"),
    Term("selling concept", "推销观念",
         "The belief that customers will not buy enough unless the firm pushes its products hard.",
         "认为不大力推销顾客就不会足量购买，企业的重点是推销和促销。"),
    Term("marketing concept", "市场营销观念",
         "Start from customers' needs and serve them better than competitors do.",
         "从顾客需要出发，比竞争对手更好地满足这些需要。"),
    Term("societal marketing concept", "社会营销观念",
         "Serve customers' wants while protecting the long-run welfare of consumers and society.",
         "在满足顾客需要的同时，兼顾消费者和社会的长远利益。", ("社会市场营销观念",)),
    Term("marketing mix", "营销组合",
         "The set of levers a firm combines to reach a market, such as the 4P: product, price, place, promotion.",
         "企业为进入目标市场而组合使用的手段，例如4P：产品、价格、渠道、促销。", ("行销组合",)),
    Term("4C", "4C",
         "The customer's view of the mix: customer needs, cost to the customer, convenience, communication.",
         "从顾客角度看营销组合：顾客需求、顾客成本、便利和沟通。"),
    Term("4R", "4R",
         "A relationship view of the mix: relevance, reaction, relationship, reward.",
         "从关系角度看营销组合：关联、反应、关系和回报。"),
    Term("integrated marketing communication", "整合营销传播",
         "Coordinating every message and channel so that customers hear one consistent voice.",
         "协调所有信息和渠道，让顾客在各处接收到一致的声音。", ("整合营销沟通", "整合行销传播")),
    Term("relationship marketing", "关系营销",
         "Marketing aimed at long-term, mutually profitable relationships rather than single sales.",
         "以建立长期、互利的客户关系为目标，而不是只追求单笔交易。", ("关系行销",)),
    Term("customer satisfaction", "客户满意度",
         "How far a customer's experience meets or exceeds what they expected.",
         "客户实际体验达到或超过其期望的程度。", ("顾客满意度",)),
    Term("customer loyalty", "客户忠诚度",
         "A customer's tendency to keep buying from the firm and to favour it over rivals.",
         "客户持续购买并优先选择本企业的倾向。", ("顾客忠诚度",)),
    Term("customer segmentation", "客户细分",
         "Dividing customers into groups that differ in needs, value or behaviour, to treat each group fittingly.",
         "按需求、价值或行为把客户分成若干群体，以便区别对待。", ("顾客细分",)),
    Term("RFM analysis", "RFM分析",
         "Scoring customers by recency, frequency and monetary value of their purchases.",
         "按最近一次购买（R）、购买频率（F）和购买金额（M）给客户打分。"),
    Term("recency", "最近购买间隔",
         "Time since a customer's last purchase; shorter means more likely to buy again.",
         "距客户最近一次购买的时间；间隔越短，再次购买的可能越大。"),
    Term("value × satisfaction matrix", "价值×满意度矩阵",
         "A grid of customers by purchase volume and satisfaction, each cell with its own relationship strategy.",
         "按购买量和满意度把客户放进方格，每一格对应一种关系策略。"),
    Term("free-rider customers", "搭便车客户",
         "Customers who take the offers and service but bring little value to the firm.",
         "享受了优惠和服务、却很少给企业带来价值的客户。"),
    Term("ABC classification", "ABC分类",
         "Ranking customers by value and splitting them into A (the few who bring most), B and C.",
         "按价值给客户排序，分成贡献最多的少数A类以及B类、C类。"),
    Term("precision marketing", "精准营销",
         "Reaching the right customer with the right offer at the right time, measured and adjusted with data.",
         "依托数据在合适的时间把合适的产品推给合适的客户，并据结果调整。", ("精确营销", "精准行销")),
    Term("clustering", "聚类",
         "Grouping customers by similarity in their data without predefined labels.",
         "不预设类别，按数据中的相似性把客户分组。"),
    Term("customer value", "客户价值",
         "What a customer is worth to the firm; also the value the customer perceives in the offer.",
         "客户对企业的价值；也指客户从产品和服务中感知到的价值。"),
    Term("customer lifetime value (CLV)", "客户终身价值",
         "The discounted profit a firm expects from a customer over the whole relationship.",
         "企业在整个客户关系期间预期从一位客户获得的折现利润。", ("顾客终身价值", "客户生命价值")),
    Term("retention rate", "保留率",
         "The share of customers active at the start of a period who are still customers at its end.",
         "期初的客户中到期末仍是客户的比例。", ("留存率", "维系率")),
    Term("churn rate", "流失率",
         "Customers lost per period of exposure: churn events divided by customer-periods at risk.",
         "每一期暴露时间内流失的客户数：流失次数除以处于风险中的客户期数。", ("流失比率",)),
    Term("discount rate", "折现率",
         "The yearly rate at which future money is worth less than money today.",
         "未来的钱折算为今天价值时每年使用的比率。", ("贴现率",)),
    Term("P(alive)", "存活概率",
         "The probability that a customer has not yet left, given their purchase history.",
         "根据购买记录，客户尚未流失的概率。"),
    Term("BG/NBD model", "BG/NBD模型",
         "A model of repeat buying in which customers buy at random rates and may drop out after any purchase.",
         "一种重复购买模型：客户以各自的随机速率购买，每次购买后都可能流失。"),
    Term("Pareto/NBD model", "Pareto/NBD模型",
         "A repeat-buying model in which customers may drop out at any moment, not only after a purchase.",
         "一种重复购买模型：客户可能在任何时刻流失，而不只在购买之后。"),
    Term("Gamma-Gamma model", "Gamma-Gamma模型",
         "A model of the average spend per purchase that differs across customers.",
         "描述客户之间不同的每次平均消费金额的模型。"),
    Term("shifted-beta-geometric (sBG) model", "sBG模型",
         "A contract-renewal model in which each customer has a fixed chance to cancel every period.",
         "一种合约续订模型：每位客户每期都有固定的解约概率，概率因人而异。"),
    Term("customer lifecycle", "客户生命周期",
         "The stages a relationship passes through: acquisition, growth, maturity, decline, termination.",
         "客户关系经历的各个阶段：获取、成长、成熟、衰退和终止。", ("顾客生命周期",)),
    Term("win-back", "客户挽回",
         "Bringing lapsed customers back with targeted contacts or offers.",
         "通过有针对性的联系或优惠让流失客户重新回来。", ("客户赢回",)),
    Term("database marketing", "数据库营销",
         "Marketing driven by a customer database: collect, analyse, target, contact, measure, learn.",
         "以客户数据库驱动营销：收集、分析、选定目标、接触、衡量、学习。", ("资料库营销",)),
    Term("closed loop", "闭环",
         "Feeding each campaign's measured results back into the data and the next decision.",
         "把每次营销活动的实际结果反馈到数据和下一次决策中。"),
    Term("direct marketing", "直复营销",
         "Contacting chosen customers directly and measuring each one's response.",
         "直接联系选定的客户，并逐一衡量其反应。"),
    Term("one-to-one marketing", "一对一营销",
         "Treating each customer individually according to what the firm knows about them.",
         "根据对每位客户的了解，对其区别对待、个别服务。"),
    Term("cross-selling", "交叉销售",
         "Selling a customer products from other lines than the ones they already buy.",
         "向客户销售其已购产品以外的其他产品。"),
    Term("response model", "响应模型",
         "A model of each customer's chance to respond to a campaign, used to choose whom to contact.",
         "预测每位客户对营销活动做出响应的概率，用来决定联系谁。"),
    Term("lift", "提升度",
         "How many times the response rate of a targeted group exceeds the average rate.",
         "目标群体的响应率是平均响应率的多少倍。"),
    Term("uplift", "增量效果",
         "The change in a customer's behaviour caused by the contact itself, measured against a control group.",
         "联系本身带来的行为变化，需与对照组相比才能测得。"),
    Term("A/B test", "A/B测试",
         "A randomised comparison of two treatments to measure the effect of one of them.",
         "把客户随机分组比较两种做法，以衡量其中一种的效果。"),
    Term("lead", "销售线索",
         "A potential customer who has shown interest and can be followed up by sales.",
         "表现出兴趣、可由销售跟进的潜在客户。"),
)


def find(english: str) -> Term:
    """The key term whose English name starts with ``english`` (case-insensitive)."""
    wanted = english.lower()
    for term in KEY_TERMS:
        if term.en.lower().startswith(wanted):
            return term
    raise KeyError(f"no key term {english!r} in the glossary")


def variants_used(text: str) -> list[tuple[str, str]]:
    """``(variant, preferred term)`` for every banned variant that occurs in ``text``."""
    return [(v, t.zh) for t in KEY_TERMS for v in t.variants if v in text]


def vocabulary() -> list[dict[str, str]]:
    """Every term registered in :mod:`crmlab.lang` by any crmlab module, sorted by English text."""
    import crmlab
    from crmlab import lang

    for module in pkgutil.iter_modules(crmlab.__path__):
        if module.name not in {"course", "edition", "glossary"} and not module.name.startswith("_"):
            importlib.import_module(f"crmlab.{module.name}")
    rows = [{"key": key, "en": entry["en"], "zh": entry["zh"]} for key, entry in lang.terms().items()]
    return sorted(rows, key=lambda row: (row["en"].lower(), row["key"]))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(lang: str = "zh") -> str:
    """The glossary page in ``lang``: key terms with definitions, then every label of the vocabulary."""
    zh = lang == "zh"
    lines = ["# 术语表 (Glossary)" if zh else "# Glossary (术语表)", ""]
    lines.append("课程中的核心概念，中英对照，附一句话定义。中文版讲义统一使用下表中的中文术语。" if zh else
                 "The key concepts of the course, English and Chinese, with a one-line definition. "
                 "The Chinese edition uses exactly these Chinese terms.")
    lines += ["", "| 中文 | English | 定义 |" if zh else "| English | 中文 | Definition |", "|---|---|---|"]
    for t in KEY_TERMS:
        lines.append(f"| {t.zh} | {t.en} | {_cell(t.definition_zh)} |" if zh else
                     f"| {t.en} | {t.zh} | {_cell(t.definition_en)} |")
    lines += ["", "## 图表与表格中的全部标签" if zh else "## Every label in tables and plots", ""]
    lines.append("`crmlab.lang` 词汇表中的全部词条（表头、类别和图中文字）。" if zh else
                 "Every entry of the `crmlab.lang` vocabulary (table headers, categories and plot text).")
    lines += ["", "| English | 中文 |", "|---|---|"]
    pairs = dict.fromkeys((_cell(row["en"]), _cell(row["zh"])) for row in vocabulary())   # one line per pair
    lines += [f"| {en} | {zh} |" for en, zh in pairs]
    return "\n".join(lines) + "\n"


def write(notebooks: Path) -> list[Path]:
    """Write ``glossary.md`` (English) and ``zh/glossary.md`` (Chinese) under ``notebooks``."""
    targets = [(notebooks / "glossary.md", "en"), (notebooks / "zh" / "glossary.md", "zh")]
    for path, lang in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown(lang), encoding="utf-8")
    return [path for path, _ in targets]


def main(argv: list[str] | None = None) -> int:
    notebooks = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "notebooks"
    for path in write(notebooks):
        print(f"glossary: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
