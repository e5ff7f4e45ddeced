"""Committed notebooks carry their outputs: every code cell ran, in order, with no error."""
from __future__ import annotations

import json
import re

import nbformat
import pytest

from tests.conftest import EXERCISES, NOTEBOOKS

LECTURES = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("notebook", LECTURES, ids=lambda p: p.stem)
def test_lecture_is_committed_executed_in_order_without_errors(notebook):
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for c in code]
    assert all(n is not None for n in counts), f"{notebook.name}: some cells never ran"
    assert counts == list(range(1, len(counts) + 1)), f"{notebook.name}: cells ran out of order or twice"
    for i, cell in enumerate(code):
        for output in cell.outputs:
            assert output.output_type != "error", f"{notebook.name} cell {i}: {output.get('ename')}"
            blob = json.dumps(output)
            assert "missing from font" not in blob, f"{notebook.name} cell {i}: missing glyphs"
            assert not re.search(r"/(work|root|home|tmp)/[\w.-]+/", blob.replace("site-packages", "")), \
                f"{notebook.name} cell {i}: shows a local absolute path"


@pytest.mark.parametrize("notebook", LECTURES, ids=lambda p: p.stem)
def test_lecture_has_one_parameters_cell_with_the_standard_parameters(notebook):
    nb = nbformat.read(notebook, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    source = tagged[0].source
    for name in ("lang", "seed", "output_dir"):
        assert re.search(rf"^{name}\b.*#", source, re.M), f"`{name}` missing or without a help comment"
    later = nb.cells[nb.cells.index(tagged[0]) + 1:]
    first_code_after = next(c for c in later if c.cell_type == "code")
    assert "check_parameters" in first_code_after.source, "the code cell after parameters must validate them"


def test_every_lecture_has_an_exercise_set():
    for notebook in LECTURES:
        assert (EXERCISES / notebook.stem / f"{notebook.stem}.ipynb").exists(), f"no exercises for {notebook.stem}"


@pytest.mark.parametrize("notebook", LECTURES, ids=lambda p: p.stem)
def test_widgets_produced_output_when_run_headless(notebook):
    """Each interactive scenario draws its default view without a person touching it."""
    nb = nbformat.read(notebook, as_version=4)
    widget_cells = [c for c in nb.cells if c.cell_type == "code" and ("interact" in c.source or "scenario(" in c.source)]
    if not widget_cells:
        pytest.skip("no widgets in this notebook")
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    outputs = [m["state"].get("outputs", []) for m in state.values() if m.get("model_name") == "OutputModel"]
    assert len(outputs) >= len(widget_cells), "a widget's output area was not saved"
    assert all(outputs), "a widget ran headless but drew nothing"
    # interact catches a callback's exception and shows it in the widget's output area: look there too
    errors = [o for area in outputs for o in area if o.get("output_type") == "error"]
    assert not errors, f"a widget's callback failed: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    drawn = [o for area in outputs for o in area if "image/png" in o.get("data", {})]
    plotting = [c for c in widget_cells if "update()" in c.source or "plt.show()" in c.source or "scenario(" in c.source]
    assert len(drawn) >= len(plotting), "a plotting widget saved no picture"
