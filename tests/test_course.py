"""The course runner as the Makefile calls it: relative paths, from the project root."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import EXERCISES


@pytest.mark.notebook
def test_exercises_build_from_relative_paths(tmp_path):
    root = tmp_path / "exercises" / "00_start_here"
    root.mkdir(parents=True)
    shutil.copy(EXERCISES / "00_start_here" / "00_start_here.ipynb", root)
    done = subprocess.run([sys.executable, "-m", "crmlab.course", "exercises", "--root", "exercises",
                           "--out", "build/exercises"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=900, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert done.returncode == 0, done.stderr[-3000:]
    built = tmp_path / "build" / "exercises" / "00_start_here"
    assert (built / "student" / "00_start_here.ipynb").exists()
    assert len(list((built / "autograder").glob("*-autograder_*.zip"))) == 1
