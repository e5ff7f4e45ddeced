"""Every example in crmlab's docstrings runs and prints what it shows (one test per module).

Modules are imported together first, as in use: some register vocabulary that others' examples
print in Chinese.
"""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import crmlab
import crmlab.models

MODULES = [f"{package.__name__}.{info.name}" for package in (crmlab, crmlab.models)
           for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_") and not info.ispkg]


@pytest.fixture(scope="module", autouse=True)
def _every_module_imported():
    for name in MODULES:
        importlib.import_module(name)
    yield
    plt.close("all")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"pd": pd, "np": np},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    plt.close("all")
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
