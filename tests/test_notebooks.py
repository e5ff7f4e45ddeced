"""Every lecture runs headless under papermill, with its defaults and every alternative it declares.

A lecture declares alternative parameter sets in its notebook metadata:
``metadata["crmlab"]["parameter_sets"] = [{"lang": "zh"}, ...]``; each must
include ``lang="zh"`` at least once. Each run writes ``summary.json`` to a fresh
``output_dir`` and the assertions below read it.

Each parameter set executes once. A run with the defaults (the English lecture, and its Chinese
edition ``notebooks/zh/``) is also nbval's run: its checked cells (``nbval-check-output``) are
compared with the committed notebook by ``tests/committed_outputs.py`` (nbval's own comparison and
sanitize file), and its headline numbers with ``tests/expectations/headlines.json``
(``tools/compare_summaries.py``). nbval executes only the notebooks no run here covers
(``notebooks/research/``; see the Makefile's ``test`` target).

The ``{"lang": "zh"}`` run of a widget lecture is the first of the stress test's plain papermill runs
(``tests/test_stress_papermill.py``, the English notebook with ``lang="zh"``: the Chinese edition's code),
which makes the same checks with :func:`check_run`; with ``CRMLAB_STRESS_RUNS=0`` it runs here.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from crmlab.course import run_lecture
from tests.committed_outputs import output_differences
from tests.conftest import NOTEBOOKS
from tests.expectations import EXPECTATIONS
from tools.compare_summaries import differences, load_expected

HEADLINES = load_expected()
sys.path.insert(0, str(NOTEBOOKS.parent / "benchmarks"))
from stress_papermill import widget_lectures  # noqa: E402

#: the Chinese runs the stress test makes (its first run of each widget lecture is checked like a run here)
STRESSED = {nb.stem for nb in widget_lectures()} if int(os.environ.get("CRMLAB_STRESS_RUNS", "3")) > 0 else set()

LECTURES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _parameter_sets(notebook: Path) -> list[dict]:
    nb = nbformat.read(notebook, as_version=4)
    return nb.metadata.get("crmlab", {}).get("parameter_sets", [])


def _runs() -> list:
    """Every lecture with its defaults and declared sets; a plain ``{"lang": "zh"}`` set runs as the
    Chinese edition ``notebooks/zh/`` (same code, ``lang="zh"``), so each parameter set runs once
    (for a widget lecture, in the stress test)."""
    runs = []
    for notebook in LECTURES:
        chinese = NOTEBOOKS / "zh" / notebook.name
        for i, params in enumerate([{}] + _parameter_sets(notebook)):
            tag = "defaults" if not params else "-".join(f"{k}={v}" for k, v in params.items())[:60]
            target = notebook
            if params == {"lang": "zh"} and chinese.exists():
                if notebook.stem in STRESSED:
                    continue
                target, tag = chinese, "zh-edition"
            runs.append(pytest.param(target, params, id=f"{notebook.stem}[{i}:{tag}]",
                                     marks=[pytest.mark.notebook, pytest.mark.xdist_group(f"{notebook.stem}-{i}")]))
    return runs


def check_run(notebook: Path, executed: Path, results: Path, params: dict) -> None:
    """Check one executed run of ``notebook`` with ``params``: its ``summary.json`` in ``results``, the
    lecture's expectations and, for the defaults (or a Chinese edition's), the committed checked outputs
    of ``notebook`` (nbval's check) and the headline numbers."""
    stem = notebook.stem
    summary = json.loads((results / "summary.json").read_text(encoding="utf-8"))
    assert summary["lecture"] == stem
    for name, value in params.items():
        assert summary["parameters"][name] == value, f"summary does not echo parameter {name}"
    for name in summary["files"]:
        assert (results / name).stat().st_size > 0, f"{name} listed in summary.json but empty"
    nb = nbformat.read(executed, as_version=4)
    text = json.dumps([cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"])
    assert "missing from font" not in text, "a plot is missing glyphs"
    EXPECTATIONS[stem](summary, params, results)
    if notebook.parent.name == "zh" or not params:  # what nbval would execute; the numbers a refactoring keeps
        changed = output_differences(notebook, executed)
        assert not changed, "checked outputs differ from the committed notebook:\n" + "\n".join(changed)
        moved = differences(summary, HEADLINES[stem])
        assert not moved, ("headline numbers differ from tests/expectations/headlines.json "
                           "(tools/compare_summaries.py --write records intended changes):\n" + "\n".join(moved))


def test_there_are_lectures_and_each_declares_a_chinese_run():
    assert LECTURES, "no lecture notebooks found"
    for notebook in LECTURES:
        sets = _parameter_sets(notebook)
        assert any(s.get("lang") == "zh" for s in sets), f"{notebook.name} declares no lang='zh' run"
        assert notebook.stem in EXPECTATIONS, f"tests/expectations/ has no lecture module for {notebook.stem}"
        assert notebook.stem in HEADLINES, f"tests/expectations/headlines.json has no numbers for {notebook.stem}"


@pytest.mark.parametrize("notebook, params", _runs())
def test_lecture_runs_and_writes_its_summary(notebook: Path, params: dict, tmp_path: Path):
    edition = notebook.parent.name == "zh"
    executed, _ = run_lecture(notebook, tmp_path, {} if edition else params)
    check_run(notebook, executed, tmp_path / notebook.stem, params)
