"""Exercise sets: the solution passes every autograder check, the student version fails every one.

Each ``exercises/<lecture>/<lecture>.ipynb`` is an otter-grader master notebook.
``otter assign`` builds the student version and the autograder (and already
refuses to build when a solution fails its own tests); ``otter run`` then grades
both notebooks the way an instructor would.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import EXERCISES

MASTERS = sorted(EXERCISES.glob("*/[0-9][0-9]_*.ipynb"))


def _otter(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "otter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900)


def _grade(autograder_zip: Path, notebook: Path, out: Path) -> dict[str, tuple[float, float]]:
    out.mkdir(parents=True, exist_ok=True)
    done = _otter("run", "--no-logo", "-a", str(autograder_zip), "-o", str(out), str(notebook), cwd=notebook.parent)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((out / "results.json").read_text())
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}


def test_there_is_an_exercise_set_with_at_least_three_questions():
    assert MASTERS
    for master in MASTERS:
        nb = nbformat.read(master, as_version=4)
        questions = [c for c in nb.cells if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION")]
        assert len(questions) >= 3, f"{master.name} has {len(questions)} questions"


@pytest.mark.notebook
@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_solution_passes_and_student_version_fails(master: Path, tmp_path: Path):
    dist = tmp_path / "dist"
    built = _otter("assign", "--no-pdfs", "--no-run-tests", str(master), str(dist), cwd=master.parent)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    zips = list((dist / "autograder").glob("*-autograder_*.zip"))
    assert len(zips) == 1
    solution = _grade(zips[0], dist / "autograder" / master.name, tmp_path / "solution")
    student = _grade(zips[0], dist / "student" / master.name, tmp_path / "student")
    assert len(solution) >= 3
    for question, (score, max_score) in solution.items():
        assert max_score > 0 and score == max_score, f"solution loses points on {question}"
    for question, (score, max_score) in student.items():
        assert score == 0, f"the blank student version scores on {question}"
    student_nb = nbformat.read(dist / "student" / master.name, as_version=4)
    assert "# SOLUTION" not in json.dumps([c.source for c in student_nb.cells])
