"""What each lecture's ``summary.json`` must say, one module per lecture.

``tests/expectations/lecture_NN.py`` defines ``check(summary, params, results)``;
``summary`` is the parsed ``summary.json``, ``params`` the parameters of the run
(``{}`` for the defaults) and ``results`` the folder the run wrote. It asserts
numbers that can fail.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path

EXPECTATIONS: dict[str, Callable] = {}

for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if info.name.startswith("lecture_"):
        module = importlib.import_module(f"{__name__}.{info.name}")
        EXPECTATIONS[module.LECTURE] = module.check
