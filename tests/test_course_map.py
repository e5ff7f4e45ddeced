from crmlab.course_map import LECTURES, course_map
from tests.conftest import NOTEBOOKS


def test_course_map_covers_every_lecture_of_the_syllabus():
    assert [lecture.number for lecture in LECTURES] == [f"{i:02d}" for i in range(12)]
    table = course_map("en", notebooks_dir=NOTEBOOKS)
    assert "Marketing management philosophies (营销管理观念)" in table["Topic"].tolist()
    assert table.loc[0, "Available"] == "yes"  # 00_start_here exists
    zh = course_map("zh")
    assert zh.columns.tolist() == ["讲次", "部分", "主题", "概念", "所用数据"]
