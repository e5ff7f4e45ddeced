"""Every lecture in JupyterLab, in a real browser: run all, no errors, widgets drawn, a control moves the plot.

One JupyterLab server (loopback, with a token) serves copies of the lectures; one headless
chromium opens each lecture in turn, first as committed (before any run: the saved widget state or
the static default view shows a figure, not ``interactive(children=...)`` text), then runs all
cells and moves one control. Screenshots: ``build/screenshots/lab_<lecture>.png``.
"""
from __future__ import annotations

import os
import secrets
import shutil

import pytest

from tests.browser import PYTHON, ROOT, browser, chromium, free_port, screenshot, server

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.xdist_group("browser")]
LECTURES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
if os.environ.get("CRMLAB_BROWSER_LECTURES"):  # e.g. "01,07": a quicker run while working on those
    LECTURES = [p for p in LECTURES if p.name[:2] in os.environ["CRMLAB_BROWSER_LECTURES"].split(",")]
RUN_TIMEOUT_MS = 300_000

# what JupyterLab chooses to show for each widget output (an untrusted notebook only shows "safe" types)
SHOWN = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const shown = [];
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    for (let i = 0; i < cell.model.outputs.length; i++) {
      const output = cell.model.outputs.get(i);
      if ('application/vnd.jupyter.widget-view+json' in output.data) {
        shown.push([index, panel.content.rendermime.preferredMimeType(output.data, output.trusted ? 'any' : 'ensure')]);
      }
    }
  });
  return shown;
}"""
SCROLL_TO = """async (index) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  await notebook.scrollToItem(index, 'start');
  const cell = notebook.widgets[index];
  if (cell.outputArea) cell.outputArea.node.scrollIntoView({block: 'start'});
}"""

STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim());
  const errors = [];
  for (const cell of cells) {
    for (let i = 0; i < cell.model.outputs.length; i++) {
      const output = cell.model.outputs.get(i).toJSON();
      if (output.output_type === 'error') errors.push(output.ename + ': ' + output.evalue);
    }
  }
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {cells: cells.length, ran: cells.filter(c => c.model.executionCount).length,
          pending: cells.filter(c => c.promptNode && c.promptNode.textContent.includes('*')).length,
          status: kernel ? kernel.status : 'none', errors};
}"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    chromium()
    root = tmp_path_factory.mktemp("lab")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for lecture in LECTURES:  # copies: JupyterLab may save what it opens
        shutil.copy2(lecture, notebooks / lecture.name)
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"), "JUPYTER_RUNTIME_DIR": str(root / "runtime")}
    command = [PYTHON, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}",
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--ServerApp.port_retries=0",
               "--allow-root", "--LabApp.extension_manager=readonly"]
    base = f"http://127.0.0.1:{port}"
    with server(command, f"{base}/api/status?token={token}", env=env, log=root / "lab.log", timeout=180):
        yield base, token


def _move_one_control(page) -> bool:
    """Move the first slider (keyboard on its handle) or pick another option of the first drop-down."""
    handle = page.locator(".jp-OutputArea .widget-slider .noUi-handle").first
    if handle.count():
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        return True
    select = page.locator(".jp-OutputArea .widget-dropdown select").first
    if select.count():
        options = select.locator("option").all_inner_texts()
        current = select.input_value()
        other = next(o for o in options if o != current)
        select.select_option(label=other)
        return True
    return False


def _widget_images(page) -> list[str]:
    return page.locator(".jp-OutputArea .widget-output img, .jp-OutputArea .jupyter-widgets-output-area img").evaluate_all(
        "imgs => imgs.map(i => i.src.slice(-200))")


def test_every_lecture_runs_in_jupyterlab_with_working_widgets(lab):
    base, token = lab
    failures = []
    with browser(viewport=(1400, 1000)) as (context, _requests):
        for lecture in LECTURES:
            page = context.new_page()
            page.goto(f"{base}/lab/tree/{lecture.name}?token={token}&reset")
            page.wait_for_function(f"() => {{ if (!window.jupyterapp) return false; const s = ({STATE})(); "
                                   "return s && s.status === 'idle'; }", timeout=120_000, polling=500)
            # as committed, before running: each widget shows its saved view or its static default image,
            # never the text repr interactive(children=...)
            shown = page.evaluate(SHOWN)
            wrong = [mime for _, mime in shown if mime not in (WIDGET_VIEW, "image/png", "text/html")]
            if wrong:
                failures.append(f"{lecture.stem}: before running, widgets would show as {wrong}")
            if shown and lecture.stem.startswith("07"):
                page.evaluate(SCROLL_TO, shown[0][0])
                page.wait_for_timeout(500)
                screenshot(page, f"lab_{lecture.stem}_before_running")
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(f"() => {{ const s = ({STATE})(); return s && s.ran === s.cells && s.pending === 0 "
                                   "&& s.status === 'idle'; }", timeout=RUN_TIMEOUT_MS, polling=1000)
            state = page.evaluate(f"{STATE}")
            if state["errors"]:
                failures.append(f"{lecture.stem}: error outputs {state['errors']}")
            text = page.evaluate("() => document.querySelector('.jp-Notebook').textContent")
            if "Error displaying widget" in text:
                failures.append(f"{lecture.stem}: Error displaying widget")
            has_widgets = '"application/vnd.jupyter.widget-view+json"' in lecture.read_text(encoding="utf-8")
            if has_widgets:
                page.evaluate(SCROLL_TO, shown[0][0] if shown else 0)
                page.wait_for_selector(".jp-OutputArea .jupyter-widgets", timeout=60_000)
                before = _widget_images(page)
                if not before:
                    failures.append(f"{lecture.stem}: widgets show no figure")
                elif _move_one_control(page):
                    try:
                        page.wait_for_function(
                            "(before) => { const now = Array.from(document.querySelectorAll("
                            "'.jp-OutputArea .widget-output img, .jp-OutputArea .jupyter-widgets-output-area img'))"
                            ".map(i => i.src.slice(-200)); return JSON.stringify(now) !== JSON.stringify(before); }",
                            arg=before, timeout=60_000)
                    except Exception:
                        failures.append(f"{lecture.stem}: moving a control did not change the plot")
                else:
                    failures.append(f"{lecture.stem}: no slider or drop-down to move")
            screenshot(page, f"lab_{lecture.stem}")
            page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
            page.close()
    assert not failures, "\n".join(failures)
