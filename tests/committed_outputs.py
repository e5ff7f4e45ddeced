"""nbval's output check, applied to a notebook papermill already executed (no second execution).

``make test`` used to run every lecture twice with its defaults: once under papermill
(``tests/test_notebooks.py``, which reads ``summary.json``) and again under ``pytest --nbval-lax``
(which compares the cells tagged ``nbval-check-output`` with the committed notebook). This module
does nbval's comparison on papermill's executed copy instead, with nbval's own code: the same cell
options (tags ``nbval-check-output`` / ``nbval-ignore-output`` / ``nbval-skip`` and the
``# NBVAL_...`` comments, lax mode), stream coalescing, the sanitize file
``tests/nbval_sanitize.cfg`` and ``IPyNbCell.compare_outputs``. Cells are matched by cell id, so
papermill's injected-parameters cell is ignored. nbval itself still runs over the notebooks that no
papermill run executes with their defaults (``notebooks/research/``, see the Makefile).
"""
from __future__ import annotations

import copy
from collections import defaultdict
from pathlib import Path

import nbformat
from nbval.plugin import (IPyNbCell, IPyNbFile, _indent, _trim_base64, coalesce_streams, find_comment_markers,
                          find_metadata_tags, get_sanitize_patterns, nocolors)

SANITIZE = Path(__file__).parent / "nbval_sanitize.cfg"
#: the keys nbval does not compare (without --nbdime images are skipped too)
SKIP_COMPARE = ("metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
                "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg")


def cell_options(cell) -> dict:
    """nbval's options for a code cell under ``--nbval-lax`` (``check`` only when the cell asks for it)."""
    options = defaultdict(bool, find_metadata_tags(cell.metadata))
    options.update(dict(find_comment_markers(cell.source)))
    options.setdefault("check", False)
    return options


class _Comparison:
    """Just enough of an ``IPyNbCell`` for nbval's ``compare_outputs`` and ``sanitize`` to run."""

    colors = nocolors
    compare_outputs = IPyNbCell.compare_outputs
    sanitize = IPyNbCell.sanitize

    def __init__(self, patterns: dict):
        parent = object.__new__(IPyNbFile)  # no pytest node: only the two attributes nbval reads
        vars(parent).update(skip_compare=SKIP_COMPARE, sanitize_patterns=patterns)
        self.parent = parent
        self.comparison_traceback: list[str] = []

    def format_output_compare(self, key, left, right):
        left = _trim_base64(left) if isinstance(left, str) else left
        right = _trim_base64(right) if isinstance(right, str) else right
        self.comparison_traceback += [f" mismatch '{key}'", "  <<<<<<<<<<<< committed output:", _indent(left),
                                      "  ============ disagrees with the executed output:", _indent(right)]


def output_differences(committed: Path, executed: Path, sanitize: Path = SANITIZE) -> list[str]:
    """The cells whose checked output differs between the committed and the executed notebook.

    One message per differing cell (``[]`` when nbval --nbval-lax would pass the output checks). A
    checked cell missing from the executed copy, or an executed cell that raised, is a difference.
    """
    patterns = dict(get_sanitize_patterns(Path(sanitize).read_text(encoding="utf-8")))
    reference = nbformat.read(committed, as_version=4)
    ran = {cell.get("id"): cell for cell in nbformat.read(executed, as_version=4).cells if cell.cell_type == "code"}
    differences = []
    number = -1
    for cell in reference.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        options = cell_options(cell)
        if options["skip"] or not options["check"] or cell.execution_count is None:
            continue
        test = ran.get(cell.get("id"))
        if test is None:
            differences.append(f"cell {number} (id {cell.get('id')}): not in the executed notebook")
            continue
        if any(out.output_type == "error" for out in test.outputs) and not options["check_exception"]:
            differences.append(f"cell {number} (id {cell.get('id')}): raised in the executed notebook")
            continue
        comparison = _Comparison(patterns)
        if not comparison.compare_outputs(coalesce_streams(copy.deepcopy(test.outputs)),
                                          coalesce_streams(copy.deepcopy(cell.outputs))):
            differences.append(f"cell {number} (id {cell.get('id')}) of {Path(committed).name}:\n"
                               + "\n".join(map(str, comparison.comparison_traceback)))
    return differences
