"""The research notebook on big logs runs under papermill at a small size and prints what it claims."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("duckdb")
papermill = pytest.importorskip("papermill")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "research" / "scale_duckdb_spark.ipynb"


@pytest.mark.notebook
def test_scale_notebook_runs_small(tmp_path):
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", cwd=str(NOTEBOOK.parent),
                               parameters={"n_lines": 30_000, "spark_lines": 0, "data_dir": str(tmp_path)},
                               progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    text = json.dumps([cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"])
    assert "summarize: 3,000 customers" in text
    assert "counts and times equal: True" in text
    assert "largest relative difference from the fit on the full customer table: 0.0e+00" in text
    assert "Spark skipped: spark_lines = 0" in text
    assert "Warning" not in text, "a warning is printed in the notebook"
