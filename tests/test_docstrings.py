"""Every example in crmlab's docstrings runs and prints what it shows, with its module imported ALONE.

Each module is imported into a fresh copy of the test process (a fork with no ``crmlab`` module
loaded: only numpy, pandas, scipy, scikit-learn and matplotlib, which do not depend on crmlab, are
loaded beforehand to save time), and its doctests run there. A module whose examples need another
module's vocabulary must import that module itself: results must not depend on import order.
"""
from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import multiprocessing
import pkgutil
import sys

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import scipy.optimize  # noqa: F401 - loaded once before the forks, not crmlab
import scipy.special  # noqa: F401
import scipy.stats  # noqa: F401
import sklearn.cluster  # noqa: F401
import sklearn.linear_model  # noqa: F401

import crmlab
import crmlab.models

MODULES = [f"{package.__name__}.{info.name}" for package in (crmlab, crmlab.models)
           for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_") and not info.ispkg]


def _doctest_alone(name: str, queue) -> None:
    """In the forked child: forget every crmlab module, import ``name`` alone, run its examples."""
    for loaded in [m for m in sys.modules if m == "crmlab" or m.startswith("crmlab.")]:
        del sys.modules[loaded]
    report = io.StringIO()
    try:
        with contextlib.redirect_stdout(report):
            module = importlib.import_module(name)
            result = doctest.testmod(module, extraglobs={"pd": pd, "np": np},
                                     optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        plt.close("all")
        queue.put((result.failed, result.attempted, report.getvalue()))
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which fails the test
        queue.put((1, 0, f"{report.getvalue()}\n{type(error).__name__}: {error}"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run_with_the_module_imported_alone(name):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_doctest_alone, args=(name, queue))
    child.start()
    try:
        failed, attempted, report = queue.get(timeout=600)
    finally:
        child.join(timeout=60)
    assert failed == 0, f"{name} imported alone: {failed} of {attempted} examples failed\n{report[-4000:]}"


def test_a_fresh_import_forgets_other_modules_vocabulary():
    """The check above can fail: a term registered by crmlab.simulate is unknown to crmlab.lang imported alone."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_known_alone, args=("occupation", queue))
    child.start()
    known = queue.get(timeout=120)
    child.join(timeout=60)
    importlib.import_module("crmlab.simulate")
    assert known is False and "occupation" in crmlab.lang.terms()


def _known_alone(key: str, queue) -> None:
    for loaded in [m for m in sys.modules if m == "crmlab" or m.startswith("crmlab.")]:
        del sys.modules[loaded]
    lang = importlib.import_module("crmlab.lang")
    queue.put(key in lang.terms())
