"""Every lecture runs headless under papermill, with its defaults and every alternative it declares.

A lecture declares alternative parameter sets in its notebook metadata:
``metadata["crmlab"]["parameter_sets"] = [{"lang": "zh"}, ...]``; each must
include ``lang="zh"`` at least once. Each run writes ``summary.json`` to a fresh
``output_dir`` and the assertions below read it. nbval re-runs the committed
notebooks separately (see the Makefile's ``test`` target).
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from crmlab.course import run_lecture
from tests.conftest import NOTEBOOKS
from tests.expectations import EXPECTATIONS

LECTURES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _parameter_sets(notebook: Path) -> list[dict]:
    nb = nbformat.read(notebook, as_version=4)
    return nb.metadata.get("crmlab", {}).get("parameter_sets", [])


def _runs() -> list:
    """Every lecture with its defaults and declared sets; a plain ``{"lang": "zh"}`` set runs as the
    Chinese edition ``notebooks/zh/`` (same code, ``lang="zh"``), so each parameter set runs once."""
    runs = []
    for notebook in LECTURES:
        chinese = NOTEBOOKS / "zh" / notebook.name
        for i, params in enumerate([{}] + _parameter_sets(notebook)):
            tag = "defaults" if not params else "-".join(f"{k}={v}" for k, v in params.items())[:60]
            target = notebook
            if params == {"lang": "zh"} and chinese.exists():
                target, tag = chinese, "zh-edition"
            runs.append(pytest.param(target, params, id=f"{notebook.stem}[{i}:{tag}]",
                                     marks=[pytest.mark.notebook, pytest.mark.xdist_group(f"{notebook.stem}-{i}")]))
    return runs


def test_there_are_lectures_and_each_declares_a_chinese_run():
    assert LECTURES, "no lecture notebooks found"
    for notebook in LECTURES:
        sets = _parameter_sets(notebook)
        assert any(s.get("lang") == "zh" for s in sets), f"{notebook.name} declares no lang='zh' run"
        assert notebook.stem in EXPECTATIONS, f"tests/expectations/ has no lecture module for {notebook.stem}"


@pytest.mark.parametrize("notebook, params", _runs())
def test_lecture_runs_and_writes_its_summary(notebook: Path, params: dict, tmp_path: Path):
    edition = notebook.parent.name == "zh"
    executed, _ = run_lecture(notebook, tmp_path, {} if edition else params)
    results = tmp_path / notebook.stem
    summary = json.loads((results / "summary.json").read_text(encoding="utf-8"))
    assert summary["lecture"] == notebook.stem
    for name, value in params.items():
        assert summary["parameters"][name] == value, f"summary does not echo parameter {name}"
    for name in summary["files"]:
        assert (results / name).stat().st_size > 0, f"{name} listed in summary.json but empty"
    nb = nbformat.read(executed, as_version=4)
    text = json.dumps([cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"])
    assert "missing from font" not in text, "a plot is missing glyphs"
    EXPECTATIONS[notebook.stem](summary, params, results)
