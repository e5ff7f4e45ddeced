"""The course site: lecture pages, an index, slides and exercises that work offline.

``build_site`` turns executed lecture notebooks into ``build/course/``: one HTML page per
lecture (header and footer with previous/next links), a reveal.js deck per lecture, the
student exercise sets, a glossary and the sources page, and an index that is the course.
Every script, style and font a page needs (require.js, the Jupyter widgets HTML manager,
MathJax, reveal.js, Noto Sans SC) is copied into ``_static/`` from the npm packages pinned
in ``tools/site_assets/package-lock.json``, so the pages open from disk with no network.

Examples
--------
>>> estimate_minutes({"cells": []})
5
>>> relative_static(Path("zh/index.html"))
'../_static'
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ROOT", "ASSETS", "LectureInfo", "lecture_info", "estimate_minutes", "relative_static",
    "install_assets", "copy_assets", "scrub_paths", "render_page", "build_site",
]

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "tools" / "site_assets"
TEMPLATES = Path(__file__).resolve().parent / "site_templates"
COURSE_TITLE = {"en": "Customer Relationship Management — a runnable course",
                "zh": "客户关系管理 — 可运行的课程"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# (path under node_modules, path under _static); a trailing "/" copies a folder.
ASSET_FILES: tuple[tuple[str, str], ...] = (
    ("requirejs/require.js", "require.js"),
    ("@jupyter-widgets/html-manager/dist/", "widgets/"),
    ("mathjax/es5/tex-chtml-full.js", "mathjax/tex-chtml-full.js"),
    ("mathjax/es5/output/chtml/fonts/woff-v2/", "mathjax/output/chtml/fonts/woff-v2/"),
    ("mathjax/es5/input/tex/extensions/", "mathjax/input/tex/extensions/"),
    ("reveal.js/dist/", "reveal.js/dist/"),
    ("reveal.js/plugin/notes/", "reveal.js/plugin/notes/"),
)
LICENSES = ("requirejs", "@jupyter-widgets/html-manager", "mathjax", "reveal.js", "@fontsource/noto-sans-sc")

TEXT = {
    "en": {
        "lecture": "Lecture", "slides": "Slides", "exercises": "Exercises (student)", "notes": "Instructor notes", "notebook": "notebook",
        "minutes": "min", "duration": "Class time (estimated)", "prev": "Previous", "next": "Next",
        "home": "Course index", "glossary": "Glossary", "sources": "Sources", "other_lang": "中文",
        "live": ("Sliders on this page show the saved default view: moving them does not recompute, "
                 "because a static page has no Python kernel. For live widgets open the lecture in "
                 "JupyterLab (<code>make lab</code>; see <a href=\"{index}#live\">how</a>)."),
        "how_live": ("<h2 id=\"live\">Live widgets</h2><p>These pages are the lectures as they ran, with "
                     "every widget showing its default view. To move a slider and see the numbers "
                     "recomputed you need a Python kernel: in a clone of the course run "
                     "<code>make lab</code> (JupyterLab on <code>notebooks/</code>) and open a lecture, or "
                     "<code>make dashboards</code> for the interactive scenarios without code. "
                     "<code>make slides</code> writes the decks linked below.</p>"),
        "intro": ("Twelve lectures on customer relationship management (客户关系管理) and marketing "
                  "analytics, each a notebook with real data, bilingual labels and widgets."),
        "built_from": "Built from", "edition": "English edition",
        "glossary_intro": "The concepts of each lecture with their Chinese terms.",
        "concepts": "Concepts", "concepts_zh": "概念",
    },
    "zh": {
        "lecture": "讲次", "slides": "幻灯片", "exercises": "练习（学生版）", "notes": "教师备课说明", "notebook": "笔记本",
        "minutes": "分钟", "duration": "课时（估计）", "prev": "上一讲", "next": "下一讲",
        "home": "课程目录", "glossary": "术语表", "sources": "参考来源", "other_lang": "English",
        "live": ("本页的滑块显示保存的默认视图：静态页面没有 Python 内核，拖动滑块不会重新计算。"
                 "要使用实时交互控件，请在 JupyterLab 中打开本讲（<code>make lab</code>；见"
                 "<a href=\"{index}#live\">说明</a>）。"),
        "how_live": ("<h2 id=\"live\">实时交互控件</h2><p>这些页面是各讲运行后的结果，每个控件显示默认视图。"
                     "要拖动滑块并看到数字重新计算，需要 Python 内核：在课程目录中运行 <code>make lab</code>"
                     "（在 JupyterLab 中打开 <code>notebooks/</code>），或运行 <code>make dashboards</code> "
                     "打开无代码的交互场景。<code>make slides</code> 生成下方链接的幻灯片。</p>"),
        "intro": "十二讲客户关系管理与营销分析课程，每讲都是一个使用真实数据、双语标签和交互控件的笔记本。",
        "built_from": "来源", "edition": "中文版",
        "glossary_intro": "各讲的概念及其英文术语。",
        "concepts": "Concepts", "concepts_zh": "概念",
    },
}


@dataclass(frozen=True)
class LectureInfo:
    """What the index says about one lecture."""

    stem: str
    number: str
    title_en: str
    title_zh: str
    summary_en: str
    summary_zh: str
    minutes: int

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


def _source(cell) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def estimate_minutes(nb) -> int:
    """Class time of a lecture in minutes, rounded up to 5: prose read aloud at 110 words a minute,
    one minute per code cell, two more per figure and four per widget to move on screen."""
    words = code = figures = widgets = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            words += len(re.findall(r"\w+", _source(cell)))
        elif cell["cell_type"] == "code":
            code += 1
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                widgets += WIDGET_VIEW in data
                figures += WIDGET_VIEW not in data and "image/png" in data
    minutes = words / 110 + code + 2 * figures + 4 * widgets
    return max(5, int(-(-minutes // 5) * 5))


def _heading_titles(nb, stem: str) -> tuple[str, str]:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            first = _source(cell).strip().splitlines()[0] if _source(cell).strip() else ""
            if first.startswith("# "):
                title = re.sub(r"^#\s*\d+\s*·\s*", "", first[2:].strip())
                english, _, chinese = title.partition(" — ")
                return english.strip(), re.sub(r"\s*\(.*\)\s*$", "", chinese).strip() or english.strip()
    return stem, stem


def lecture_info(nb, stem: str) -> LectureInfo:
    """Titles, one-line summaries and class time of a lecture (from the course map where listed)."""
    from .course_map import LECTURES

    number = stem.split("_", 1)[0]
    minutes = estimate_minutes(nb)
    for lecture in LECTURES:
        if f"{lecture.number}_{lecture.slug}" == stem:
            return LectureInfo(stem, number, lecture.title_en, lecture.title_zh,
                               lecture.concepts_en, lecture.concepts_zh, minutes)
    english, chinese = _heading_titles(nb, stem)
    return LectureInfo(stem, number, english, chinese, "", "", minutes)


def relative_static(page: Path) -> str:
    """The ``_static`` folder as seen from a page at ``page`` (relative to the site root)."""
    depth = len(Path(page).parts) - 1
    return "/".join([".."] * depth + ["_static"])


def _node_modules(assets: Path) -> Path:
    return assets / "node_modules"


def install_assets(assets: Path = ASSETS) -> Path:
    """Install the pinned npm packages of ``assets`` (``npm ci``) unless already there; returns node_modules."""
    import fcntl

    modules = _node_modules(assets)
    stamp = modules / ".package-lock.json"
    lock = assets / "package-lock.json"
    with open(assets / ".install.lock", "w") as guard:  # one install at a time (parallel test workers)
        fcntl.flock(guard, fcntl.LOCK_EX)
        if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
            return modules
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(f"building the course site needs npm to install the pinned scripts in {assets} "
                               "(Debian: apt-get install npm; or run tools/setup_system.sh as root)")
        subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=assets, check=True)
    return modules


def _copy(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.map", "*.LICENSE.txt", "*.eot", "*.svg", "*.ttf"))
    else:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


def _copy_font(modules: Path, static: Path) -> None:
    """Noto Sans SC (regular and bold) as woff2 subsets by unicode range: the browser loads only the
    subsets a page uses."""
    package = modules / "@fontsource" / "noto-sans-sc"
    fonts = static / "fonts"
    (fonts / "files").mkdir(parents=True, exist_ok=True)
    parts = []
    for weight in ("400", "700"):
        css = (package / f"{weight}.css").read_text(encoding="utf-8")
        css = re.sub(r",\s*url\([^)]*\.woff\) format\('woff'\)", "", css)
        for name in re.findall(r"url\(\./files/([^)]+\.woff2)\)", css):
            target = fonts / "files" / name
            if not target.exists():
                shutil.copy2(package / "files" / name, target)
        parts.append(css)
    (fonts / "noto-sans-sc.css").write_text("\n".join(parts), encoding="utf-8")


def copy_assets(static: Path, assets: Path = ASSETS) -> Path:
    """Copy every script, style and font the pages use into ``static`` (the site's ``_static``)."""
    modules = install_assets(assets)
    for src, dst in ASSET_FILES:
        _copy(modules / src, static / dst)
    _copy_font(modules, static)
    licences = static / "licenses"
    licences.mkdir(parents=True, exist_ok=True)
    for package in LICENSES:
        for name in ("LICENSE", "LICENSE.md", "LICENSE.txt"):
            if (modules / package / name).exists():
                shutil.copy2(modules / package / name, licences / (package.replace("/", "_") + ".txt"))
                break
    for name in ("site.css", "slides.css"):
        shutil.copy2(TEMPLATES / name, static / name)
    return static


def scrub_paths(nb, root: Path) -> int:
    """Replace absolute paths under ``root`` (the build machine's project folder) in cell sources and
    text outputs with paths relative to it; returns how many cells changed."""
    prefixes = sorted({str(Path(root).resolve()), str(Path(root).absolute())}, key=len, reverse=True)
    changed = 0

    def clean(text: str) -> str:
        for prefix in prefixes:
            text = text.replace(prefix + os.sep, "").replace(prefix, ".")
        return text

    for cell in nb["cells"]:
        before = json.dumps(cell, sort_keys=True)
        cell["source"] = clean(_source(cell))
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = clean("".join(output["text"]) if isinstance(output["text"], list)
                                       else output["text"])
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    output["data"][mime] = clean(value)
                elif mime.startswith("text/") and isinstance(value, list):
                    output["data"][mime] = clean("".join(value))
        changed += json.dumps(cell, sort_keys=True) != before
    return changed


def _nav(page: Path, lectures: list[LectureInfo], index: int | None, lang: str, suffix: str,
         other: str | None) -> str:
    """Header/footer navigation of a page; ``page`` is relative to the site root."""
    t = TEXT[lang]
    up = "../" * (len(page.parts) - 1)
    home = f"{up}{'zh/' if lang == 'zh' else ''}index.html"
    links = [f'<a class="crm-home" href="{home}">{html.escape(t["home"])}</a>']
    if index is not None:
        base = f"{up}{'zh/' if lang == 'zh' else ''}"
        if index > 0:
            prev = lectures[index - 1]
            links.append(f'<a rel="prev" href="{base}{prev.stem}{suffix}">← {html.escape(t["prev"])}: '
                         f'{prev.number} {html.escape(prev.title(lang))}</a>')
        if index + 1 < len(lectures):
            nxt = lectures[index + 1]
            links.append(f'<a rel="next" href="{base}{nxt.stem}{suffix}">{html.escape(t["next"])}: '
                         f'{nxt.number} {html.escape(nxt.title(lang))} →</a>')
    links.append(f'<a href="{up}glossary.html">{html.escape(t["glossary"])}</a>')
    if other:
        links.append(f'<a class="crm-lang" href="{other}" hreflang="{"en" if lang == "zh" else "zh"}">'
                     f'{t["other_lang"]}</a>')
    return '<nav class="crm-nav">' + " ".join(links) + "</nav>"


def _page_parts(page: Path, lectures: list[LectureInfo], index: int | None, lang: str, other: str | None,
                source: str | None, live_note: bool) -> dict:
    t = TEXT[lang]
    nav = _nav(page, lectures, index, lang, ".html", other)
    up = "../" * (len(page.parts) - 1)
    home = f"{up}{'zh/' if lang == 'zh' else ''}index.html"
    header = f'<header class="crm-header"><p class="crm-course">{html.escape(COURSE_TITLE[lang])}</p>{nav}'
    if live_note:
        header += f'<p class="crm-live-note">{t["live"].format(index=home)}</p>'
    header += "</header>"
    footer = f'<footer class="crm-footer">{nav}'
    if source:
        footer += f'<p>{html.escape(t["built_from"])} <code>{html.escape(source)}</code></p>'
    footer += "</footer>"
    return {"header": header, "footer": footer, "static": relative_static(page)}


def _shows_visual(cell) -> bool:
    return any(WIDGET_VIEW in o.get("data", {}) or "image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def render_page(nb, target: Path, page: Path, parts: dict, slides: bool = False) -> Path:
    """Render a notebook with the site's template (or the reveal.js deck template) to ``target``."""
    import nbformat
    from nbconvert import HTMLExporter, SlidesExporter

    static = parts["static"]
    common = dict(extra_template_basedirs=[str(TEMPLATES)], require_js_url=f"{static}/require.js",
                  widget_renderer_url=f"{static}/widgets/embed-amd.js", exclude_input_prompt=True,
                  exclude_output_prompt=True)
    if slides:
        exporter = SlidesExporter(template_name="crmlab_reveal", reveal_url_prefix=f"{static}/reveal.js",
                                  reveal_theme="white", reveal_transition="none", **common)
    else:
        exporter = HTMLExporter(template_name="crmlab_lab", **common)
    node = nbformat.reads(json.dumps(nb), as_version=4)  # a copy, with multi-line strings joined
    if slides:  # on a slide a widget or figure fills the screen: its code stays in the lecture page
        for cell in node.cells:
            if cell.cell_type == "code" and _shows_visual(cell):
                cell.metadata["transient"] = {"remove_source": True}
    body, _ = exporter.from_notebook_node(node, resources={"crmlab": parts})
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target


def _wrap(title: str, body: str, parts: dict, lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title>"
            f'<link rel="stylesheet" href="{parts["static"]}/fonts/noto-sans-sc.css">'
            f'<link rel="stylesheet" href="{parts["static"]}/site.css"></head>'
            f'<body class="crm-page">{parts["header"]}<main class="crm-main">{body}</main>{parts["footer"]}'
            "</body></html>\n")


def _index_page(lectures: list[LectureInfo], lang: str, links: dict[str, dict[str, str]],
                extras: dict[str, str], other: str | None) -> str:
    t = TEXT[lang]
    page = Path("zh/index.html") if lang == "zh" else Path("index.html")
    parts = _page_parts(page, lectures, None, lang, other, None, live_note=False)
    rows = []
    for lecture in lectures:
        link = links[lecture.stem]
        cells = [f'<a href="{link["page"]}">{html.escape(lecture.title_en)}</a>'
                 f'<br><span lang="zh-CN">{html.escape(lecture.title_zh)}</span>']
        summary = lecture.summary_zh if lang == "zh" else lecture.summary_en
        more = [f'<a href="{href}">{html.escape(t[key])}</a>' for key in ("slides", "exercises", "notes")
                if (href := link.get(key))]
        if link.get("notebook"):
            more.append(f'<a href="{link["notebook"]}" download>{html.escape(t["notebook"])} (.ipynb)</a>')
        rows.append(f'<tr id="lecture-{lecture.number}"><td class="crm-num">{lecture.number}</td>'
                    f'<td class="crm-title">{cells[0]}<p class="crm-summary">{html.escape(summary)}</p></td>'
                    f'<td class="crm-minutes">{lecture.minutes} {t["minutes"]}</td>'
                    f'<td class="crm-links">{" · ".join(more)}</td></tr>')
    extra = " · ".join(f'<a href="{href}">{html.escape(t[key])}</a>' for key, href in extras.items())
    body = (f'<h1>{html.escape(COURSE_TITLE[lang])}</h1><p class="crm-intro">{t["intro"]}</p>'
            f'<p class="crm-extras">{extra}</p>'
            f'<table class="crm-lectures"><thead><tr><th>#</th><th>{html.escape(t["lecture"])}</th>'
            f'<th>{html.escape(t["duration"])}</th><th></th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'{t["how_live"]}')
    return _wrap(COURSE_TITLE[lang], body, parts, lang)


def _glossary_page(lectures: list[LectureInfo], other: str | None) -> str:
    t = TEXT["en"]
    parts = _page_parts(Path("glossary.html"), lectures, None, "en", other, "crmlab/course_map.py", False)
    rows = "".join(
        f'<tr><td>{x.number}</td><td>{html.escape(x.title_en)}<br><span lang="zh-CN">{html.escape(x.title_zh)}'
        f'</span></td><td>{html.escape(x.summary_en)}</td><td lang="zh-CN">{html.escape(x.summary_zh)}</td></tr>'
        for x in lectures if x.summary_en)
    body = (f'<h1>{t["glossary"]} · 术语表</h1><p>{t["glossary_intro"]}</p><table class="crm-glossary"><thead>'
            f'<tr><th>#</th><th>{t["lecture"]}</th><th>{t["concepts"]}</th><th>{t["concepts_zh"]}</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>")
    return _wrap("Glossary · 术语表", body, parts, "en")


def _markdown_page(markdown_file: Path, page: Path, lectures: list[LectureInfo], title: str) -> str:
    import mistune

    parts = _page_parts(page, lectures, None, "en", None, markdown_file.name, False)
    body = mistune.html(markdown_file.read_text(encoding="utf-8"))
    return _wrap(title, body, parts, "en")


def _read(path: Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def build_site(out_dir: Path, executed: list[Path], executed_zh: list[Path] | None = None,
               exercises: Path | None = None, slides: bool | set[str] = False, root: Path = ROOT,
               assets: Path = ASSETS) -> Path:
    """Write the course site into ``out_dir`` from executed lecture notebooks; returns its index page.

    ``executed_zh`` (the Chinese edition, if any) goes to ``out_dir/zh/`` with its own index;
    ``exercises`` is the folder ``make exercises`` wrote (its ``<lecture>/student/`` sets are copied
    in and rendered); ``slides`` also writes ``<lecture>.slides.html`` decks (``True``: every
    lecture; a set: the lectures named in it).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_assets(out_dir / "_static", assets)
    editions = {"en": sorted(executed, key=lambda p: Path(p).name)}
    if executed_zh:
        editions["zh"] = sorted(executed_zh, key=lambda p: Path(p).name)
    infos: dict[str, list[LectureInfo]] = {}
    notebooks: dict[str, list] = {}
    for lang, paths in editions.items():
        notebooks[lang] = [_read(p) for p in paths]
        infos[lang] = [lecture_info(nb, Path(p).stem) for nb, p in zip(notebooks[lang], paths)]
    zh_stems = {x.stem for x in infos.get("zh", [])}
    en_stems = {x.stem for x in infos["en"]}

    # student sets: English from <set>/student, Chinese from <set>/zh/student (pages under zh/)
    exercise_sets: dict[str, dict[str, str]] = {"en": {}, "zh": {}}
    if exercises is not None and Path(exercises).is_dir():
        for lang, pattern in (("en", "*/student"), ("zh", "*/zh/student")):
            if lang not in infos:
                continue
            prefix = Path("zh") if lang == "zh" else Path()
            for student in sorted(Path(exercises).glob(pattern)):
                stem = (student.parent.parent if lang == "zh" else student.parent).name
                target = out_dir / prefix / "exercises" / stem
                shutil.copytree(student, target, dirs_exist_ok=True)
                for notebook in sorted(target.glob("*.ipynb")):
                    page = prefix / "exercises" / stem / f"{notebook.stem}.html"
                    parts = _page_parts(page, infos[lang], None, lang, None,
                                        f"{prefix.as_posix() + '/' if lang == 'zh' else ''}exercises/{stem}/{notebook.name}",
                                        live_note=False)
                    nb = _read(notebook)
                    scrub_paths(nb, root)
                    render_page(nb, out_dir / page, page, parts)
                    exercise_sets[lang].setdefault(stem, page.relative_to(prefix).as_posix())

    # instructor notes (instructors/notes/<lecture>.md), one page each, linked from both indexes
    notes_pages: dict[str, str] = {}
    for lecture in infos["en"]:
        notes = root / "instructors" / "notes" / f"{lecture.stem}.md"
        if notes.exists():
            page = Path("instructors") / f"{lecture.stem}.html"
            (out_dir / page).parent.mkdir(parents=True, exist_ok=True)
            (out_dir / page).write_text(_markdown_page(notes, page, infos["en"], f"{lecture.title_en} · "
                                                       f"{TEXT['en']['notes']}"), encoding="utf-8")
            notes_pages[lecture.stem] = page.as_posix()

    for lang, lectures in infos.items():
        prefix = Path("zh") if lang == "zh" else Path()
        links: dict[str, dict[str, str]] = {}
        for index, (nb, lecture, path) in enumerate(zip(notebooks[lang], lectures, editions[lang])):
            page = prefix / f"{lecture.stem}.html"
            if lang == "en":
                other = f"zh/{lecture.stem}.html" if lecture.stem in zh_stems else None
            else:
                other = f"../{lecture.stem}.html" if lecture.stem in en_stems else None
            source = f"notebooks/{'zh/' if lang == 'zh' else ''}{lecture.stem}.ipynb"
            parts = _page_parts(page, lectures, index, lang, other, source, live_note=True)
            scrub_paths(nb, root)
            render_page(nb, out_dir / page, page, parts)
            up = "../" if lang == "zh" else ""
            target = out_dir / prefix / Path(path).name
            if Path(path).resolve() != target.resolve():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
            link = {"page": page.name, "notebook": target.name}
            if slides is True or (slides and lecture.stem in slides):
                deck = prefix / f"{lecture.stem}.slides.html"
                render_page(nb, out_dir / deck, deck, parts, slides=True)
                link["slides"] = deck.name
            elif (out_dir / prefix / f"{lecture.stem}.slides.html").exists():
                link["slides"] = f"{lecture.stem}.slides.html"
            if lecture.stem in exercise_sets[lang]:
                link["exercises"] = exercise_sets[lang][lecture.stem]
            elif lecture.stem in exercise_sets["en"]:
                link["exercises"] = up + exercise_sets["en"][lecture.stem]
            if lecture.stem in notes_pages:
                link["notes"] = up + notes_pages[lecture.stem]
            links[lecture.stem] = link
        extras = {"glossary": ("../" if lang == "zh" else "") + "glossary.html"}
        sources = root / "notebooks" / "SOURCES.md"
        if sources.exists():
            extras["sources"] = ("../" if lang == "zh" else "") + "sources.html"
        other = ("zh/index.html" if lang == "en" else "../index.html") if len(editions) > 1 else None
        (out_dir / prefix / "index.html").write_text(_index_page(lectures, lang, links, extras, other),
                                                      encoding="utf-8")
    (out_dir / "glossary.html").write_text(_glossary_page(infos["en"], None), encoding="utf-8")
    sources = root / "notebooks" / "SOURCES.md"
    if sources.exists():
        (out_dir / "sources.html").write_text(
            _markdown_page(sources, Path("sources.html"), infos["en"], "Sources · 参考来源"), encoding="utf-8")
    return out_dir / "index.html"
