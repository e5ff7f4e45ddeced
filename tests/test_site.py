"""The course site, slides metadata, widget state and dashboards, without a browser.

The browser checks are in test_browser_site.py and test_browser_lab.py.
"""
from __future__ import annotations

import base64
import copy
import importlib.util
import json
import re
import shutil
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from crmlab import course, site
from crmlab.dashboards import SCENARIOS, build_dashboards
from tests.conftest import NOTEBOOKS

ROOT = NOTEBOOKS.parent
pytestmark = pytest.mark.xdist_group("site")  # one worker builds the test site once
LECTURES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _slides_tool():
    spec = importlib.util.spec_from_file_location("crmlab_slides_tool", ROOT / "tools" / "slides.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _zh_fixture(folder):
    """A tiny Chinese-edition lecture, as the translation branch will write them."""
    folder.mkdir(parents=True)
    nb = new_notebook(cells=[
        new_markdown_cell("# 00 · 课程导览 — Start here\n\n客户关系管理课程的第一讲。公式 $CLV = m \\cdot r$。"),
        new_code_cell("print('你好')", outputs=[nbformat.v4.new_output("stream", text="你好\n")],
                      execution_count=1),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = folder / "00_start_here.ipynb"
    nbformat.write(nb, path)
    return path


_BUILT: dict[str, object] = {}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two lectures, a Chinese edition and an exercise set; built once per test process."""
    if "site" in _BUILT:
        return _BUILT["site"]
    root = tmp_path_factory.mktemp("site")
    student = root / "exercises" / "07_customer_value_basics" / "student"
    student.mkdir(parents=True)
    shutil.copy2(ROOT / "exercises" / "07_customer_value_basics" / "07_customer_value_basics.ipynb", student)
    student_zh = root / "exercises" / "07_customer_value_basics" / "zh" / "student"
    student_zh.mkdir(parents=True)
    shutil.copy2(ROOT / "exercises" / "07_customer_value_basics" / "zh" / "07_customer_value_basics.ipynb", student_zh)
    zh = _zh_fixture(root / "notebooks" / "zh")
    lectures = [NOTEBOOKS / "00_start_here.ipynb", NOTEBOOKS / "07_customer_value_basics.ipynb"]
    index = site.build_site(root / "course", lectures, [zh], exercises=root / "exercises",
                            slides={"07_customer_value_basics"})
    _BUILT["site"] = index.parent
    return index.parent


def test_site_copies_every_script_and_links_nothing_outside(built):
    static = built / "_static"
    for part in ("require.js", "widgets/embed-amd.js", "mathjax/tex-chtml-full.js", "reveal.js/dist/reveal.js",
                 "reveal.js/plugin/notes/notes.js", "fonts/noto-sans-sc.css", "site.css"):
        assert (static / part).stat().st_size > 0, part
    assert list((static / "fonts" / "files").glob("*.woff2")), "no CJK font files"
    pages = sorted(built.rglob("*.html"))
    assert len(pages) >= 7
    for page in pages:
        text = page.read_text(encoding="utf-8")
        external = re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)=["'](https?:)?//""", text)
        assert not external, f"{page.name} loads from another host"
        assert re.search(r"import\s*\(\s*['\"]https?:", text) is None, f"{page.name} imports a module from a CDN"
        for path in {str(ROOT), str(ROOT.resolve())}:
            assert path not in text, f"{page.relative_to(built)} shows the build machine's path {path}"


def test_index_is_the_course(built):
    index = (built / "index.html").read_text(encoding="utf-8")
    for lecture in ("00_start_here", "07_customer_value_basics"):
        assert f'href="{lecture}.html"' in index
        assert f'href="{lecture}.ipynb"' in index and (built / f"{lecture}.ipynb").exists()
    assert "Customer value and CLV basics" in index and "客户价值与生命周期价值基础" in index
    assert "contribution minus cost" in index  # the one-line summary
    assert re.search(r"\d+ min", index)
    assert 'href="07_customer_value_basics.slides.html"' in index
    assert 'href="exercises/07_customer_value_basics/07_customer_value_basics.html"' in index
    assert (built / "exercises" / "07_customer_value_basics" / "07_customer_value_basics.ipynb").exists()
    assert 'href="glossary.html"' in index and (built / "glossary.html").exists()
    assert "make lab" in index and "make dashboards" in index
    # the instructor notes of each lecture, one page, linked from the index
    assert 'href="instructors/07_customer_value_basics.html"' in index
    notes = (built / "instructors" / "07_customer_value_basics.html").read_text(encoding="utf-8")
    assert "<h" in notes and "07" in notes


def test_chinese_index_links_the_chinese_exercise_set(built):
    page = built / "zh" / "exercises" / "07_customer_value_basics" / "07_customer_value_basics.html"
    assert page.exists() and "难度" in page.read_text(encoding="utf-8")
    assert (built / "zh" / "exercises" / "07_customer_value_basics" / "07_customer_value_basics.ipynb").exists()


def _links(page: str, rel: str) -> set[str]:
    tags = re.findall(r"<a\b[^>]*>", page)
    return {re.search(r'href="([^"]*)"', t).group(1) for t in tags if f'rel="{rel}"' in t}


def test_pages_have_previous_next_and_a_language_switch(built):
    first = (built / "00_start_here.html").read_text(encoding="utf-8")
    last = (built / "07_customer_value_basics.html").read_text(encoding="utf-8")
    assert _links(first, "next") == {"07_customer_value_basics.html"} and not _links(first, "prev")
    assert _links(last, "prev") == {"00_start_here.html"} and not _links(last, "next")
    assert 'href="zh/00_start_here.html"' in first and "中文" in first
    assert "make lab" in last  # live widgets need a kernel: the page says how
    zh_index = (built / "zh" / "index.html").read_text(encoding="utf-8")
    assert 'href="00_start_here.html"' in zh_index and 'href="../index.html"' in zh_index
    assert "课程目录" in zh_index and 'lang="zh-CN"' in zh_index
    zh_page = (built / "zh" / "00_start_here.html").read_text(encoding="utf-8")
    assert 'src="../_static/require.js"' in zh_page and 'href="../00_start_here.html"' in zh_page
    assert 'href="zh/index.html"' in (built / "index.html").read_text(encoding="utf-8")


def test_slide_deck_uses_local_reveal_and_has_notes_support(built):
    deck = (built / "07_customer_value_basics.slides.html").read_text(encoding="utf-8")
    assert "_static/reveal.js/dist/reveal.js" in deck and "plugin/notes/notes.js" in deck
    assert deck.count("<section") >= 10
    nb = nbformat.read(NOTEBOOKS / "07_customer_value_basics.ipynb", as_version=4)
    nb.cells.append(new_markdown_cell("**Instructor note.** Ask who has a subscription.",
                                      metadata={"slideshow": {"slide_type": "notes"}}))
    target = built / "notes_check.slides.html"
    site.render_page(nb, target, target.relative_to(built),
                     {"static": "_static", "header": "", "footer": ""}, slides=True)
    assert re.search(r'<aside class="notes">.*Instructor note', target.read_text(encoding="utf-8"), re.S)


def test_scrub_paths_replaces_the_build_machines_folder(tmp_path):
    nb = new_notebook(cells=[new_code_cell(f'output_dir = "{tmp_path}/build/course/07"', outputs=[
        nbformat.v4.new_output("stream", text=f"wrote {tmp_path}/build/course/07/summary.json\n")])])
    assert site.scrub_paths(nb, tmp_path) == 1
    assert str(tmp_path) not in json.dumps(nb)
    assert nb.cells[0].source == 'output_dir = "build/course/07"'


def test_run_lecture_passes_a_relative_output_dir(monkeypatch, tmp_path):
    import papermill

    seen = {}
    monkeypatch.setattr(papermill, "execute_notebook", lambda *args, **kwargs: seen.update(kwargs))
    course.run_lecture(NOTEBOOKS / "07_customer_value_basics.ipynb", tmp_path / "course")
    output_dir = seen["parameters"]["output_dir"]
    assert not output_dir.startswith("/"), output_dir
    assert (NOTEBOOKS / output_dir).resolve() == (tmp_path / "course" / "07_customer_value_basics").resolve()


def test_estimated_class_time_grows_with_content():
    small = site.estimate_minutes(new_notebook(cells=[new_markdown_cell("word " * 100)]))
    large = site.estimate_minutes(new_notebook(cells=[new_markdown_cell("word " * 3000)]))
    assert small == 5 and large >= 25


# ---- slides metadata ----------------------------------------------------------------------------

def test_every_lecture_has_slide_metadata_as_the_tool_sets_it():
    tool = _slides_tool()
    assert tool.main(["--check"]) == 0, "run `python tools/slides.py` (slide metadata differs from its rules)"
    for lecture in LECTURES:
        nb = nbformat.read(lecture, as_version=4)
        kinds = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in nb.cells]
        assert None not in kinds, f"{lecture.name}: a cell without slide metadata"
        assert kinds.count("slide") >= 3, f"{lecture.name}: fewer than three slides"
        for cell, kind in zip(nb.cells, kinds):
            if cell.cell_type == "code" and any(WIDGET_VIEW in o.get("data", {}) for o in cell.outputs):
                assert kind in ("slide", "subslide"), f"{lecture.name} {cell.id}: a widget not on its own slide"


def test_slides_tool_is_idempotent_and_keeps_everything_but_slide_metadata(tmp_path):
    tool = _slides_tool()
    path = tmp_path / "07_customer_value_basics.ipynb"
    nb = nbformat.read(NOTEBOOKS / path.name, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("slideshow", None)
    nbformat.write(nb, path)
    before = copy.deepcopy(nb)
    overrides = tool.load_overrides()
    assert tool.apply(path, overrides) is True
    assert tool.apply(path, overrides) is False  # second run: nothing to change
    after = nbformat.read(path, as_version=4)
    assert [c.id for c in after.cells] == [c.id for c in before.cells]
    for old, new in zip(before.cells, after.cells):
        assert old.source == new.source and old.get("outputs") == new.get("outputs")
        assert {k: v for k, v in new.metadata.items() if k != "slideshow"} == dict(old.metadata)
    kinds = {c.id: c.metadata.slideshow.slide_type for c in after.cells}
    assert kinds["bacc01d7"] == "subslide"  # the per-lecture override
    assert kinds["22744518"] == "skip"  # the parameters cell


def test_slides_rules_give_notes_and_put_figures_alone():
    tool = _slides_tool()
    png = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
    nb = new_notebook(cells=[
        new_markdown_cell("# 99 · Title — 标题"),
        new_markdown_cell("## 1. A section"),
        new_code_cell("x = 1", outputs=[nbformat.v4.new_output("execute_result", data={"text/plain": "1"})]),
        new_code_cell("plot()", outputs=[nbformat.v4.new_output("display_data", data=png)]),
        new_markdown_cell("**Reading it.** The bars fall."),
        new_markdown_cell("**Instructor note.** Pause here."),
    ])
    assert tool.slide_types(nb) == ["slide", "slide", "-", "subslide", "subslide", "notes"]
    with pytest.raises(ValueError, match="slide type"):
        bad = ROOT / "build" / "bad_overrides.json"
        bad.parent.mkdir(exist_ok=True)
        bad.write_text(json.dumps({"07_customer_value_basics": {"x": "sideways"}}))
        try:
            tool.load_overrides(bad)
        finally:
            bad.unlink()


# ---- widget state: what a student sees before running ----------------------------------------------

def _png() -> str:
    import io

    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.use("Agg")
    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([0, 1], [0, 1])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode()


def test_add_static_views_puts_the_default_image_beside_the_widget():
    png = _png()
    state = {"box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_slider", "IPY_MODEL_out"]}},
             "slider": {"model_name": "FloatSliderModel", "state": {}},
             "out": {"model_name": "OutputModel", "state": {"outputs": [
                 {"output_type": "display_data", "data": {"image/png": png}, "metadata": {}}]}}}
    nb = new_notebook(cells=[new_code_cell("interact(...)", outputs=[nbformat.v4.new_output(
        "display_data", data={WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
                              "text/plain": "interactive(children=(FloatSlider(value=1.0),))"})])],
        metadata={"widgets": {WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": state}}})
    assert course.add_static_views(nb) == 1
    assert nb.cells[0].outputs[0].data["image/png"] == png
    assert course.add_static_views(nb) == 0  # idempotent


@pytest.mark.parametrize("notebook", LECTURES, ids=lambda p: p.stem)
def test_committed_lecture_shows_its_widgets_default_view_before_running(notebook):
    nb = nbformat.read(notebook, as_version=4)
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    views = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if WIDGET_VIEW in o.get("data", {})]
    for output in views:
        model = output.data[WIDGET_VIEW]["model_id"]
        assert model in state, f"{notebook.name}: widget {model} has no saved state (JupyterLab would show text)"
        if course._widget_images(model, state):
            assert "image/png" in output.data, f"{notebook.name}: widget {model} has no static default view"
        elif course._widget_outputs(model, state, "text/html"):
            assert "text/html" in output.data, f"{notebook.name}: widget {model} has no static default view"


@pytest.mark.notebook
def test_execute_in_place_stores_widget_state_and_a_static_view(tmp_path):
    source = (
        "import io, base64\nimport ipywidgets as widgets\nfrom IPython.display import Image, display\n"
        "from matplotlib.figure import Figure\n"
        "def show(x=1.0):\n    f = Figure(figsize=(2, 2)); f.add_subplot().plot([0, x])\n"
        "    b = io.BytesIO(); f.savefig(b, format='png'); display(Image(b.getvalue()))\n"
        "widgets.interact(show, x=widgets.FloatSlider(value=1.0, min=0, max=2));")
    path = tmp_path / "widget.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(source)],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}}), path)
    course.execute_in_place(path)
    nb = nbformat.read(path, as_version=4)
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    output = next(o for o in nb.cells[0].outputs if WIDGET_VIEW in o.get("data", {}))
    assert output.data[WIDGET_VIEW]["model_id"] in state
    assert output.data["image/png"], "no static default view beside the widget"


# ---- dashboards ---------------------------------------------------------------------------------

def test_every_dashboard_builds_from_its_lecture_without_code_on_screen(tmp_path):
    written = build_dashboards(tmp_path, names=None)
    assert {p.stem for p in written} == set(SCENARIOS) and len(SCENARIOS) >= 5
    for path in written:
        nb = nbformat.read(path, as_version=4)
        shown = [c for c in nb.cells if c.cell_type == "code" and not c.source.startswith("%%capture")]
        assert shown and all("interact" in c.source or "scenario(" in c.source for c in shown), path.name
        assert nb.cells[0].cell_type == "markdown" and "—" in nb.cells[0].source


def test_dashboard_names_a_missing_cell(tmp_path, monkeypatch):
    from crmlab import dashboards

    broken = dashboards.Scenario("x", "x", "07_customer_value_basics", (("nope", "f79dc90d"),))
    monkeypatch.setitem(dashboards.SCENARIOS, "broken", broken)
    with pytest.raises(KeyError, match="nope"):
        dashboards.dashboard_notebook("broken")


def test_course_site_command_builds_from_committed_notebooks(tmp_path):
    out = tmp_path / "course"
    assert course.main(["site", "--out", str(out), str(NOTEBOOKS / "05_value_satisfaction_matrix.ipynb")]) == 0
    assert (out / "index.html").exists() and (out / "05_value_satisfaction_matrix.html").exists()
    assert sys.modules["crmlab.site"] is site


def test_sources_page_is_built_and_linked_where_sources_exist(tmp_path):
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "notebooks" / "SOURCES.md").write_text("# Sources\n\n## 00 Start here\n\n- Kotler (2016), *Marketing Management*.\n",
                                                   encoding="utf-8")
    lecture = _zh_fixture(tmp_path / "tiny")  # any small executed notebook will do
    index = site.build_site(tmp_path / "course", [lecture], root=root)
    assert 'href="sources.html"' in index.read_text(encoding="utf-8")
    page = (tmp_path / "course" / "sources.html").read_text(encoding="utf-8")
    assert "<em>Marketing Management</em>" in page and 'href="index.html"' in page
