"""The suite's own checks can fail: nbval's comparison on an executed copy, and the headline numbers.

``tests/committed_outputs.py`` replaces nbval's second execution of each lecture; these tests feed
it small notebooks (no kernel) and check it flags what nbval --nbval-lax flags and passes what it
passes. ``tools/compare_summaries.py`` is checked on summaries written to a temporary folder.
"""
from __future__ import annotations

import copy
import doctest
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import tools.compare_summaries as cs
from tests.committed_outputs import output_differences
from tests.conftest import NOTEBOOKS


def _cell(cell_id: str, text: str, tags: tuple[str, ...] = (), source: str = "print(x)") -> nbformat.NotebookNode:
    cell = new_code_cell(source, id=cell_id, execution_count=1, metadata={"tags": list(tags)} if tags else {})
    cell.outputs = [new_output("stream", name="stdout", text=text)]
    return cell


def _pair(tmp_path: Path, committed: list, executed: list) -> tuple[Path, Path]:
    paths = tmp_path / "committed.ipynb", tmp_path / "executed.ipynb"
    for path, cells in zip(paths, (committed, executed)):
        nbformat.write(new_notebook(cells=[new_markdown_cell("# t", id="md000001"), *cells]), path)
    return paths


def test_equal_checked_outputs_pass_and_a_changed_one_fails(tmp_path):
    committed = [_cell("a1", "customers: 10\n", ("nbval-check-output",)), _cell("b2", "anything\n")]
    same = _pair(tmp_path, committed, copy.deepcopy(committed))
    assert output_differences(*same) == []
    changed = copy.deepcopy(committed)
    changed[0].outputs[0].text = "customers: 11\n"
    found = output_differences(*_pair(tmp_path, committed, changed))
    assert len(found) == 1 and "customers: 11" in found[0] and "id a1" in found[0]


@pytest.mark.filterwarnings("ignore:Conflicting metadata tags")
def test_unchecked_and_ignored_cells_are_not_compared(tmp_path):
    committed = [_cell("a1", "1\n"), _cell("b2", "2\n", ("nbval-check-output", "nbval-ignore-output")),
                 _cell("c3", "3\n", ("nbval-check-output",), source="# NBVAL_IGNORE_OUTPUT\nprint(x)"),
                 _cell("d4", "4\n", ("nbval-skip", "nbval-check-output"))]
    executed = copy.deepcopy(committed)
    for cell in executed:
        cell.outputs[0].text = "other\n"
    assert output_differences(*_pair(tmp_path, committed, executed)) == []


def test_the_sanitize_file_and_stream_coalescing_apply(tmp_path):
    committed = [_cell("a1", "model at 0x7f00aa11bb22 fitted in 3.2 s\n", ("nbval-check-output",))]
    executed = copy.deepcopy(committed)
    executed[0].outputs = [new_output("stream", name="stdout", text="model at 0x55aa00ff0011 "),
                           new_output("stream", name="stdout", text="fitted in 12 ms\n")]
    assert output_differences(*_pair(tmp_path, committed, executed)) == []


def test_a_checked_cell_missing_raising_or_with_other_output_kinds_fails(tmp_path):
    committed = [_cell("a1", "1\n", ("nbval-check-output",)), _cell("b2", "2\n", ("nbval-check-output",)),
                 _cell("c3", "3\n", ("nbval-check-output",))]
    executed = copy.deepcopy(committed[1:])
    executed[0].outputs.append(new_output("error", ename="KeyError", evalue="'x'", traceback=[]))
    executed[1].outputs = [new_output("execute_result", data={"text/plain": "3"}, execution_count=1)]
    found = output_differences(*_pair(tmp_path, committed, executed))
    assert [line.split(":")[0] for line in found] == ["cell 0 (id a1)", "cell 1 (id b2)", "cell 2 (id c3) of committed.ipynb"]


def test_papermills_injected_cell_is_ignored(tmp_path):
    committed = [_cell("a1", "1\n", ("nbval-check-output",))]
    injected = new_code_cell("output_dir = 'x'", id="inj00001", metadata={"tags": ["injected-parameters"]})
    assert output_differences(*_pair(tmp_path, committed, [injected, *copy.deepcopy(committed)])) == []


def test_compare_summaries_doctests():
    assert doctest.testmod(cs).failed == 0


def _write(folder: Path, lecture: str, numbers: dict, bundled: dict | None = None) -> None:
    (folder / lecture).mkdir(parents=True, exist_ok=True)
    summary = {"lecture": lecture, "numbers": numbers}
    if bundled:
        summary["bundled_data"] = {"note": "...", "numbers": bundled}
    (folder / lecture / "summary.json").write_text(json.dumps(summary), encoding="utf-8")


def test_compare_summaries_records_then_flags_a_moved_number(tmp_path, capsys):
    runs, expected = tmp_path / "runs", tmp_path / "headlines.json"
    _write(runs, "01_a", {"customers": 3, "share": 0.25, "segments": {"lost": 2}, "label": "Champions"})
    _write(runs, "02_b", {"auc": 0.71}, bundled={"alpha": 1.2})
    assert cs.main([str(runs), "--expected", str(expected), "--write"]) == 0
    assert cs.load_expected(expected) == {"01_a": {"customers": 3, "share": 0.25, "segments.lost": 2},
                                          "02_b": {"auc": 0.71, "bundled.alpha": 1.2}}
    assert cs.main([str(runs), "--expected", str(expected)]) == 0
    _write(runs, "01_a", {"customers": 3, "share": 0.25 + 1e-13, "segments": {"lost": 2}, "extra": 1})
    assert cs.main([str(runs), "--expected", str(expected)]) == 0, "float noise and a new number are not changes"
    _write(runs, "02_b", {"auc": 0.72}, bundled={"alpha": 1.2})
    _write(runs, "01_a", {"customers": 4, "share": 0.25})
    capsys.readouterr()
    assert cs.main([str(runs), "--expected", str(expected)]) == 1
    printed = capsys.readouterr().out
    assert "auc: 0.72, expected 0.71" in printed and "customers: 4, expected 3" in printed
    assert "segments.lost: missing, expected 2" in printed and "2 lectures differ" in printed


def test_the_committed_headlines_cover_every_lecture_with_numbers():
    expected = cs.load_expected()
    lectures = {p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    assert set(expected) == lectures
    assert not [lecture for lecture in lectures if not expected[lecture]], "a lecture without headline numbers"


def test_nbval_skips_exactly_the_notebooks_papermill_runs_with_their_defaults():
    """The Makefile's ``NBVAL_COVERED`` globs leave out of nbval only lectures and their Chinese editions,
    which ``tests/test_notebooks.py`` executes with the defaults and compares with the committed notebook."""
    import fnmatch
    import re

    makefile = (NOTEBOOKS.parent / "Makefile").read_text(encoding="utf-8")
    line = next(line for line in makefile.splitlines() if line.startswith("NBVAL_COVERED"))
    globs = re.findall(r"--ignore-glob='([^']+)'", line)
    assert globs and "$(NBVAL_COVERED)" in makefile
    lectures = {p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    skipped = [p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
               and any(fnmatch.fnmatch(str(p.relative_to(NOTEBOOKS.parent)), g) for g in globs)]
    assert skipped, "the globs match no notebook"
    for path in skipped:
        assert path.name in lectures and path.parent in (NOTEBOOKS, NOTEBOOKS / "zh"), (
            f"{path} is left out of nbval but no papermill run executes it with its defaults")
    assert (NOTEBOOKS / "research" / "scale_duckdb_spark.ipynb") not in skipped
