"""Dashboards: the course's interactive scenarios as Voilà apps, no code on screen.

``make dashboards`` runs ``python -m crmlab.dashboards serve``: it writes one small notebook
per scenario into ``build/dashboards/`` from the lecture it comes from (the lecture's code up to
the widget runs silently, then the lecture's own "Try it" text and widget are shown) and serves
the folder with Voilà on the loopback address only. Every scenario is rebuilt from the current
lecture, so a dashboard never drifts from its lecture.

Examples
--------
>>> sorted(SCENARIOS)[:2]
['clv_calculator', 'philosophy_market']
>>> SCENARIOS["clv_calculator"].lecture
'07_customer_value_basics'
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Scenario", "SCENARIOS", "dashboard_notebook", "build_dashboards", "voila_command", "main"]

ROOT = Path(__file__).resolve().parents[1]
PORT = 8866
TEMPLATE = "crmlab"
FONTAWESOME_CDN = "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/"


@dataclass(frozen=True)
class Scenario:
    """One dashboard: a lecture and the (intro markdown cell id, widget cell id) pairs it shows."""

    title_en: str
    title_zh: str
    lecture: str
    parts: tuple[tuple[str, str], ...]


SCENARIOS: dict[str, Scenario] = {
    "clv_calculator": Scenario("Retention CLV calculator", "客户终身价值计算器", "07_customer_value_basics",
                               (("76dcf7b7", "f79dc90d"),)),
    "philosophy_market": Scenario("Which marketing philosophy wins?", "营销管理观念的市场模拟",
                                  "01_marketing_philosophies", (("9902c41b", "7515ec32"),)),
    "value_satisfaction": Scenario("Value × satisfaction thresholds", "价值与满意度矩阵的阈值",
                                   "05_value_satisfaction_matrix", (("a62823db", "845aa546"),)),
    "rfm_segments": Scenario("RFM scores and segments", "RFM 评分与客户分群", "04_rfm_segmentation",
                             (("d834b295", "2468add8"), ("0c761dd8", "601a82e4"))),
    "response_targeting": Scenario("Response targeting: how deep to mail", "响应模型与投放深度",
                                   "10_database_marketing", (("c8e6d66a", "c505073b"), ("d0caf903", "887f99a0"))),
}


def dashboard_notebook(name: str, notebooks: Path = ROOT / "notebooks"):
    """The Voilà notebook of scenario ``name``, built from its lecture's cells."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    scenario = SCENARIOS[name]
    lecture = nbformat.read(notebooks / f"{scenario.lecture}.ipynb", as_version=4)
    by_id = {cell.get("id"): index for index, cell in enumerate(lecture.cells)}
    wanted = [cell_id for part in scenario.parts for cell_id in part]
    missing = [cell_id for cell_id in wanted if cell_id not in by_id]
    if missing:
        raise KeyError(f"dashboard {name!r}: lecture {scenario.lecture} has no cell with id {missing}; "
                       "update crmlab/dashboards.py SCENARIOS")
    shown = {cell_id for _, cell_id in scenario.parts}
    last = max(by_id[cell_id] for cell_id in shown)
    cells = [new_markdown_cell(
        f"# {scenario.title_en} — {scenario.title_zh}\n\n"
        f"From lecture {scenario.lecture[:2]}. Move the controls: every move recomputes in a live "
        "Python kernel (拖动控件即可重新计算).")]
    for index, cell in enumerate(lecture.cells[:last + 1]):
        if cell.cell_type != "code" or cell.get("id") in shown or not cell.source.strip():
            continue
        # the lecture's code runs silently: tables and static figures are not part of the dashboard
        cells.append(new_code_cell("%%capture\n" + cell.source + '\nimport matplotlib.pyplot as _plt\n_plt.close("all")'))
    for intro, widget in scenario.parts:
        cells.append(new_markdown_cell(lecture.cells[by_id[intro]].source))
        cells.append(new_code_cell(lecture.cells[by_id[widget]].source))
    nb = new_notebook(cells=cells, metadata={"kernelspec": lecture.metadata.get("kernelspec", {}),
                                             "language_info": lecture.metadata.get("language_info", {})})
    return nb


def build_dashboards(out_dir: Path = ROOT / "build" / "dashboards", notebooks: Path = ROOT / "notebooks",
                     names: list[str] | None = None) -> list[Path]:
    """Write the dashboards' notebooks into ``out_dir`` (they run from ``notebooks/``'s data paths)."""
    import nbformat

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or sorted(SCENARIOS):
        target = out_dir / f"{name}.ipynb"
        nbformat.write(dashboard_notebook(name, notebooks), target)
        written.append(target)
    return written


def voila_template(folder: Path) -> Path:
    """Write Voilà's lab template as ``crmlab`` under ``folder/_jupyter`` with every asset local.

    Voilà 0.5's lab page links Font Awesome from a CDN; this copy links the same files, copied from
    the npm package pinned in ``tools/site_assets``, so a dashboard loads nothing from outside.
    """
    import voila
    from jupyter_core.paths import jupyter_path

    from .site import ASSETS, install_assets

    source = next((Path(p) / "voila" / "templates" / "lab" for p in jupyter_path()
                   if (Path(p) / "voila" / "templates" / "lab" / "index.html.j2").exists()), None)
    if source is None:
        raise FileNotFoundError(f"Voilà {voila.__version__}: its lab template is not installed")
    target = folder / "_jupyter" / "voila" / "templates" / TEMPLATE
    shutil.copytree(source, target, dirs_exist_ok=True)
    index = (source / "index.html.j2").read_text(encoding="utf-8")
    if FONTAWESOME_CDN not in index:
        raise ValueError(f"Voilà {voila.__version__}'s lab template changed: no {FONTAWESOME_CDN} to replace")
    local = "{{ resources.base_url }}voila/templates/" + TEMPLATE + "/static/fontawesome/css/"
    index = index.replace(FONTAWESOME_CDN, local)
    # mermaid.js would come from a CDN too (only for mermaid diagrams, which dashboards do not have)
    index += "\n{%- block html_head_js_mermaidjs -%}\n{%- endblock html_head_js_mermaidjs -%}\n"
    (target / "index.html.j2").write_text(index, encoding="utf-8")
    (target / "conf.json").write_text('{"base_template": "lab"}\n', encoding="utf-8")
    awesome = install_assets(ASSETS) / "@fortawesome" / "fontawesome-free"
    for part in ("css", "webfonts"):
        shutil.copytree(awesome / part, target / "static" / "fontawesome" / part, dirs_exist_ok=True)
    return target


def voila_command(folder: Path, port: int = PORT) -> tuple[list[str], dict[str, str]]:
    """The command (and environment) that serves ``folder`` with Voilà on 127.0.0.1 only."""
    template = voila_template(folder)
    env = {**os.environ, "JUPYTER_PATH": os.pathsep.join(
        [str(template.parents[2])] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p])}
    command = [sys.executable, "-m", "voila", str(folder), "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", f"--template={TEMPLATE}", "--theme=light", "--show_tracebacks=True"]
    return command, env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crmlab.dashboards", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["build", "serve"])
    parser.add_argument("--out", type=Path, default=Path("build/dashboards"))
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args(argv)
    written = build_dashboards(args.out.resolve())
    for path in written:
        print(f"dashboard: {path}")
    if args.command == "serve":
        print(f"serving on http://127.0.0.1:{args.port}/ (loopback only; Ctrl-C stops it)")
        command, env = voila_command(args.out.resolve(), args.port)
        return subprocess.call(command, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
