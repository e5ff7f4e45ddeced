"""The map of the course: every lecture, its part, its concepts and their Chinese terms.

Examples
--------
>>> course_map().shape[0]
12
>>> course_map(lang="zh").columns[0]
'讲次'
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .lang import check_lang, label, register

__all__ = ["Lecture", "LECTURES", "course_map", "datasets_text"]


@dataclass(frozen=True)
class Lecture:
    """One lecture of the course."""

    number: str
    slug: str
    part: str
    title_en: str
    title_zh: str
    concepts_en: str
    concepts_zh: str
    datasets: str

    @property
    def notebook(self) -> str:
        return f"{self.number}_{self.slug}.ipynb"


register(
    {
        "part_0": {"en": "Start", "zh": "入门"},
        "part_1": {"en": "I. Marketing thinking", "zh": "一、营销思想"},
        "part_2": {"en": "II. Relationship marketing", "zh": "二、关系营销"},
        "part_3": {"en": "III. Segmentation", "zh": "三、客户细分"},
        "part_4": {"en": "IV. Customer value", "zh": "四、客户价值"},
        "part_5": {"en": "V. Lifecycle and database marketing", "zh": "五、生命周期与数据库营销"},
        "notebook": {"en": "Notebook", "zh": "笔记本"},
        "available": {"en": "Available", "zh": "已上线"},
        "datasets_used": {"en": "Data", "zh": "所用数据"},
        "yes": {"en": "yes", "zh": "是"},
        "planned": {"en": "planned", "zh": "筹备中"},
        # the data a lecture uses, as written in Lecture.datasets
        "course_map_data_all": {"en": "all", "zh": "全部数据集"},
        "course_map_data_simulation": {"en": "simulation", "zh": "模拟实验"},
        "course_map_data_cases": {"en": "cases", "zh": "案例"},
        "course_map_data_synthetic": {"en": "synthetic", "zh": "模拟客户群"},
        "course_map_data_online_retail": {"en": "Online Retail", "zh": "Online Retail 零售数据"},
        "course_map_data_cdnow": {"en": "CDNOW", "zh": "CDNOW 交易数据"},
        "course_map_data_telco_churn": {"en": "Telco churn", "zh": "Telco 流失数据"},
        "course_map_data_retention_cohorts": {"en": "retention cohorts", "zh": "保留队列"},
        "course_map_data_donations": {"en": "donations", "zh": "捐赠数据"},
        "course_map_data_bank_marketing": {"en": "Bank Marketing", "zh": "Bank Marketing 银行营销数据"},
        "course_map_data_hillstrom": {"en": "Hillstrom", "zh": "Hillstrom 邮件实验"},
    }
)


def datasets_text(datasets: str, lang: str = "en") -> str:
    """The comma-separated data names of :attr:`Lecture.datasets` written in ``lang``.

    Examples
    --------
    >>> datasets_text("retention cohorts, CDNOW, donations", "zh")
    '保留队列、CDNOW 交易数据、捐赠数据'
    >>> datasets_text("retention cohorts, CDNOW, donations", "en")
    'retention cohorts, CDNOW, donations'
    """
    check_lang(lang)
    if lang == "en":
        return datasets
    names = [name.strip() for name in datasets.split(",")]
    return "、".join(label("course_map_data_" + name.lower().replace(" ", "_"), lang) for name in names)

LECTURES: tuple[Lecture, ...] = (
    Lecture("00", "start_here", "part_0", "Start here: course map and data", "课程导览与数据初探",
            "parameters, widgets, lang, exercises; the datasets; the 20/80 rule",
            "参数、交互控件、双语输出、练习；数据集；二八法则", "all"),
    Lecture("01", "marketing_philosophies", "part_1", "Marketing management philosophies", "营销管理观念",
            "production, product, selling, marketing and societal concepts; push vs pull; from extensive to precision marketing",
            "生产观念、产品观念、推销观念、营销观念、社会营销观念；推式与拉式；粗放到精细", "simulation"),
    Lecture("02", "marketing_mix_models", "part_1", "Marketing-mix models", "营销组合模型",
            "4P, 6P, 11P, 4C, 4R; integrated marketing communication; five promotion tools",
            "4P、6P、11P、4C、4R；整合营销传播；五种促销工具", "cases"),
    Lecture("03", "relationship_marketing", "part_2", "Relationship marketing and customer types", "关系营销",
            "relationship vs transactional marketing; relationship and transaction customers; satisfaction is not loyalty; service tiers",
            "关系营销与交易营销；关系客户与交易客户；满意不等于忠诚；服务分层", "synthetic, Online Retail"),
    Lecture("04", "rfm_segmentation", "part_3", "RFM segmentation", "RFM 客户细分",
            "cleaning a transaction log; recency, frequency, monetary value; RFM scores and segments",
            "交易数据清洗；最近购买、购买频率、消费金额；RFM 评分与分群", "Online Retail"),
    Lecture("05", "value_satisfaction_matrix", "part_3", "Value x satisfaction matrix and ABC classes", "价值与满意度矩阵、ABC 分类",
            "nine-cell matrix, classes A-E, strategies by volume and satisfaction; ABC by sales contribution",
            "九宫格矩阵、A至E类客户、按购买量与满意度的策略；按贡献的 ABC 分类", "synthetic"),
    Lecture("06", "precision_segmentation", "part_3", "Precision segmentation with customer variables", "精细化细分",
            "segmentation variables; clustering and soft membership; migration; unified, differentiated, focused strategies",
            "细分变量；聚类与软归属；客户迁移；统一化、区别型、聚焦型策略", "synthetic, CDNOW"),
    Lecture("07", "customer_value_basics", "part_4", "Customer value and CLV basics", "客户价值与生命周期价值基础",
            "contribution minus cost; retention-based CLV; lifetime = 1 / churn; sensitivity",
            "贡献减成本；基于保留率的 CLV；群体生命周期 = 1/流失率；敏感性", "Telco churn"),
    Lecture("08", "clv_models", "part_4", "Probabilistic CLV models", "概率型客户终身价值模型",
            "sBG; BG/NBD and Pareto/NBD; Gamma-Gamma; BG/BB; calibration and holdout",
            "sBG；BG/NBD 与 Pareto/NBD；Gamma-Gamma；BG/BB；校准期与验证期", "retention cohorts, CDNOW, donations"),
    Lecture("09", "customer_lifecycle", "part_5", "Customer lifecycle", "客户关系生命周期",
            "seven stages; lead stages; cohorts; stage migration and Markov projection; survival",
            "七个阶段；线索阶段；同期群；阶段迁移与马尔可夫预测；生存分析", "Online Retail, Telco churn"),
    Lecture("10", "database_marketing", "part_5", "Database marketing and the closed loop", "数据库营销与闭环",
            "six-step loop; unified customer view; response models, gains and lift; A/B test and uplift; privacy",
            "六步闭环；统一客户视图；响应模型、增益与提升；A/B 测试与增量；隐私保护", "Bank Marketing, Hillstrom"),
    Lecture("11", "precision_marketing_operations", "part_5", "Precision-marketing operations", "精细化营销运营",
            "five precision means; three misreadings; delivery models; lead hand-over; CRM plan and KPIs",
            "五种精准手段；三种误读；交付模式；线索交接；CRM 实施步骤与考核指标", "synthetic"),
)


def course_map(lang: str = "en", notebooks_dir: str | Path | None = None) -> pd.DataFrame:
    """The course map as a table: lecture, part, title (with its Chinese term), concepts, data.

    With ``notebooks_dir``, a column says which lecture notebooks exist there already.
    """
    check_lang(lang)
    rows = []
    for lecture in LECTURES:
        title = f"{lecture.title_en} ({lecture.title_zh})" if lang == "en" else lecture.title_zh
        row = {
            "lecture": lecture.number,
            "part": label(lecture.part, lang),
            "topic": title,
            "concept": lecture.concepts_en if lang == "en" else lecture.concepts_zh,
            "datasets_used": datasets_text(lecture.datasets, lang),
        }
        if notebooks_dir is not None:
            exists = (Path(notebooks_dir) / lecture.notebook).exists()
            row["available"] = label("yes" if exists else "planned", lang)
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.rename(columns=lambda c: label(c, lang))
