import re

from crmlab.course_map import LECTURES, course_map, datasets_text
from tests.conftest import NOTEBOOKS


def test_course_map_covers_every_lecture_of_the_syllabus():
    assert [lecture.number for lecture in LECTURES] == [f"{i:02d}" for i in range(12)]
    table = course_map("en", notebooks_dir=NOTEBOOKS)
    assert "Marketing management philosophies (营销管理观念)" in table["Topic"].tolist()
    assert table.loc[0, "Available"] == "yes"  # 00_start_here exists
    zh = course_map("zh")
    assert zh.columns.tolist() == ["讲次", "部分", "主题", "概念", "所用数据"]


def test_course_map_names_the_data_in_the_readers_language():
    english, chinese = course_map("en"), course_map("zh")
    assert english["Data"].tolist() == [lecture.datasets for lecture in LECTURES]
    for lecture, shown in zip(LECTURES, chinese["所用数据"]):
        assert re.search(r"[\u4e00-\u9fff]", shown), lecture.number
        assert shown.count("、") == lecture.datasets.count(","), lecture.number
    assert datasets_text("Bank Marketing, Hillstrom", "zh") == "Bank Marketing 银行营销数据、Hillstrom 邮件实验"
