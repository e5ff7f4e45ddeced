"""Marketing-mix frameworks as data, the case audit, radar charts and gap analysis."""
from __future__ import annotations

import json
import re

import pytest
from matplotlib.axes import Axes

from crmlab.lang import localize
from crmlab.frameworks import (
    ELEMENT_KEYS,
    FRAMEWORKS,
    audit_framework,
    case_evidence,
    case_scores,
    correspondence_table,
    framework_elements,
    framework_scores,
    frameworks_overview,
    gap_analysis,
    list_cases,
    load_case,
    plot_radar,
)

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_frameworks_have_the_textbook_elements():
    assert {k: len(v) for k, v in FRAMEWORKS.items()} == {"4P": 4, "6P": 6, "11P": 11, "4C": 4, "4R": 4}
    assert set(FRAMEWORKS["4P"]) < set(FRAMEWORKS["6P"]) < set(FRAMEWORKS["11P"])
    assert FRAMEWORKS["11P"][:4] == ("probing", "partitioning", "prioritizing", "positioning")
    assert FRAMEWORKS["11P"][-1] == "people"
    assert FRAMEWORKS["4R"] == ("relevance", "reaction", "relationship", "reward")
    assert len(ELEMENT_KEYS) == 19


@pytest.mark.parametrize("framework", list(FRAMEWORKS))
def test_every_element_is_defined_with_a_question_in_both_languages(framework):
    en, zh = framework_elements(framework, "en"), framework_elements(framework, "zh")
    assert en.index.tolist() == zh.index.tolist() == list(FRAMEWORKS[framework])
    assert list(zh.columns) == ["要素", "含义", "引导问题"]
    assert all(HAN.search(text) for text in zh.to_numpy().ravel())
    assert all(q.endswith("?") for q in en.iloc[:, 2]) and all(q.endswith("？") for q in zh.iloc[:, 2])


def test_overview_and_correspondence():
    overview = frameworks_overview()
    assert overview.iloc[:, 3].tolist() == [4, 6, 11, 4, 4]
    assert overview.iloc[3, 1].startswith("Lauterborn")
    table = correspondence_table("en")
    assert table[["4P", "4C", "4R"]].to_numpy().tolist() == [
        ["Product", "Customer needs and wants", "Relevance"],
        ["Price", "Cost to the customer", "Reward"],
        ["Place", "Convenience", "Reaction"],
        ["Promotion", "Communication", "Relationship"],
    ]
    assert correspondence_table("zh").iloc[2, :3].tolist() == ["渠道", "便利", "反应"]


def test_cases_are_complete_evidenced_and_labelled_invented():
    assert list_cases() == ["home_appliance", "swift_express"]
    for name in list_cases():
        case = load_case(name)
        assert case["invented"] is True
        assert "invented" in case["name"]["en"] and "虚构" in case["name"]["zh"]
        for element in ELEMENT_KEYS:
            entry = case["scores"][element]
            assert 0 <= entry["score"] <= 5
            assert len(entry["evidence"]["en"]) > 20 and HAN.search(entry["evidence"]["zh"])
    with pytest.raises(FileNotFoundError, match="no case 'acme'"):
        load_case("acme")


def test_case_scores_by_framework():
    appliance = framework_scores(case_scores(load_case("home_appliance")))
    assert appliance["4P"] == pytest.approx((4.5 + 3.5 + 3.0 + 4.5) / 4)
    assert appliance["4C"] == pytest.approx((2.5 + 3.0 + 2.5 + 2.0) / 4)
    assert appliance["4R"] == pytest.approx((2.0 + 2.0 + 2.5 + 3.0) / 4)
    express = framework_scores(case_scores(load_case("swift_express")))
    assert express["4P"] == pytest.approx(4.0)
    assert express["4C"] > appliance["4C"] + 0.5, "the express company is closer to its customers"
    evidence = case_evidence(load_case("swift_express"), "6P", "zh")
    assert evidence.shape == (6, 3) and evidence.iloc[4, 0] == "政治权力"


def test_audit_gaps_and_priorities_hand_computed():
    scores = {"customer_needs": 2.5, "cost": 4.5, "convenience": 1.0, "communication": 2.5}
    table = audit_framework(scores, "4C", target=4.0)
    assert table["gap"].tolist() == [1.5, 0.0, 3.0, 1.5]
    assert table["priority"].tolist() == [2, 4, 1, 3]
    zh = localize(audit_framework(scores, "4C", target=4.0), "zh")
    assert list(zh.columns) == ["要素", "得分（0–5）", "目标分", "与目标的差距", "改进优先级"]
    assert zh.iloc[2, 0] == "便利"


def test_gap_analysis_finds_firm_side_strength_customers_do_not_feel():
    appliance = gap_analysis(case_scores(load_case("home_appliance")))
    assert appliance["verdict"].tolist() == ["firm_ahead", "balanced", "balanced", "firm_ahead"]
    assert appliance["firm_minus_customer"].tolist() == [2.0, 0.5, 0.5, 2.5]
    express = gap_analysis(case_scores(load_case("swift_express")))
    assert express["verdict"].tolist() == ["balanced", "balanced", "balanced", "firm_ahead"]
    stricter = gap_analysis(case_scores(load_case("swift_express")), threshold=1.5)
    assert (stricter["verdict"] == "balanced").all()
    reverse = dict(case_scores(load_case("home_appliance")), price=1.0)
    assert gap_analysis(reverse)["verdict"][1] == "customer_ahead"
    zh = localize(gap_analysis(case_scores(load_case("home_appliance"))), "zh")
    assert zh.iloc[0, -1] == "企业自认做得好，顾客感受不到"
    assert zh.columns[:4].tolist() == ["4P 要素", "4C 要素", "4R 要素", "4P 得分"] and zh.iloc[0, 0] == "产品"
    en = localize(appliance, "en")
    assert en.columns.tolist() == ["4P", "4C", "4R", "4P score", "4C score", "4R score", "4P score minus 4C score",
                                   "Reading"]


def test_bad_scores_are_named():
    with pytest.raises(KeyError, match=r"no score for element\(s\) \['promotion'\]"):
        audit_framework({"product": 3, "price": 3, "place": 3}, "4P")
    with pytest.raises(ValueError, match=r"\['price'\] is not a number from 0 to 5"):
        audit_framework({"product": 3, "price": 7, "place": 3, "promotion": 3}, "4P")
    with pytest.raises(ValueError, match="framework must be one of"):
        framework_elements("7P")
    with pytest.raises(KeyError, match="cover no framework"):
        framework_scores({"product": 3})


def test_a_broken_case_file_is_reported(tmp_path, monkeypatch):
    (tmp_path / "cases").mkdir()
    case = load_case("swift_express")
    del case["scores"]["reward"]
    (tmp_path / "cases" / "broken.json").write_text(json.dumps(case), encoding="utf-8")
    monkeypatch.setenv("CRMLAB_DATA", str(tmp_path))
    assert list_cases() == ["broken"]
    with pytest.raises(ValueError, match=r"no score for element\(s\) \['reward'\]"):
        load_case("broken")


@pytest.mark.parametrize("framework", list(FRAMEWORKS))
def test_radar_chart_per_framework_in_chinese(framework):
    scores = case_scores(load_case("home_appliance"))
    ax = plot_radar(scores, framework, lang="zh", target=4.0)
    assert isinstance(ax, Axes) and ax.name == "polar"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) == len(FRAMEWORKS[framework]) and all(HAN.search(t) for t in labels)
    assert ax.get_ylim() == (0.0, 5.0)


def test_radar_overlays_companies_and_needs_polar_axes():
    import matplotlib.pyplot as plt

    both = {name: case_scores(load_case(name)) for name in list_cases()}
    ax = plot_radar(both, "4C")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list_cases()
    _, flat = plt.subplots()
    with pytest.raises(ValueError, match="polar Axes"):
        plot_radar(both["swift_express"], "4P", ax=flat)


def test_case_card_lists_every_case_file_with_its_checksum():
    import hashlib
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "datasets" / "cases"
    card = (folder / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| \(JSON\) \| ([\d,]+) \| `([0-9a-f]{64})` \|$", card, re.MULTILINE)
    assert {name for name, _, _ in rows} == {p.name for p in folder.glob("*.json")}
    for name, size, digest in rows:
        data = (folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"{name} changed: update datasets/cases/README.md"
        assert len(data) == int(size.replace(",", ""))
    assert "invented" in card


def test_largest_gap_sentence_keeps_english_and_has_chinese() -> None:
    from crmlab.lang import label

    assert label("framework_largest_gap", "en").format(element="Partitioning", gap=1.5) == (
        "largest gap: Partitioning (1.5 below target)")
    assert "差距最大" in label("framework_largest_gap", "zh").format(element="分割", gap=1.5)
