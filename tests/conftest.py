"""Shared test set-up: a headless matplotlib and paths of the repository."""
from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")

