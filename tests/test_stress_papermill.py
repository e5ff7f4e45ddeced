"""CI's short stress run: every widget lecture 3 times with plain ``papermill`` under a stall timeout.

The full run (30 times each, the other core busy) is ``benchmarks/stress_papermill.py``; this test
calls the same script with ``--runs 3`` (``CRMLAB_STRESS_RUNS`` overrides) and a per-run timeout of
300 s, far above a lecture's run time (20-70 s on two loaded cores), so only a stall fails it.
``tests/test_interact.py`` checks the cause deterministically in seconds.

The runs use ``lang="zh"`` (the script's default): the Chinese edition's code. The first run is checked
like ``tests/test_notebooks.py`` checks a run (``check_run``: summary.json, the lecture's expectations,
the Chinese edition's committed checked outputs, the headline numbers), so that file does not execute
the ``{"lang": "zh"}`` set of a widget lecture again.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from stress_papermill import widget_lectures  # noqa: E402

from tests.test_notebooks import check_run  # noqa: E402

RUNS = int(os.environ.get("CRMLAB_STRESS_RUNS", "3"))


@pytest.mark.notebook
@pytest.mark.parametrize("lecture", [pytest.param(nb, id=nb.stem, marks=pytest.mark.xdist_group(f"stress-{nb.stem}"))
                                     for nb in widget_lectures()])
def test_widget_lecture_never_stalls_under_plain_papermill(lecture: Path, tmp_path: Path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "stress_papermill.py"), lecture.name[:2],
                           "--runs", str(RUNS), "--timeout", "300", "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"{RUNS} runs, 0 stalled, 0 failed" in done.stdout, done.stdout[-2000:]
    if RUNS:   # the first run is the lecture's {"lang": "zh"} run
        first = f"{lecture.stem}-1"
        chinese = lecture.parent / "zh" / lecture.name
        check_run(chinese if chinese.exists() else lecture, tmp_path / f"{first}.ipynb", tmp_path / first,
                  {"lang": "zh"})
