"""crmlab.summaries as a module (issue 10, items 2 and 6): it owns summarize (rfm re-exports it), a pandas
log needs no optional dependency (narwhals is imported only for engine logs), and every error it or
crmlab.engines raises is of the crmlab.validation family. The engines' results and errors are compared
with the pandas path in test_engines*.py."""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from crmlab import rfm, summaries, validation

CRMLAB = Path(summaries.__file__).resolve().parent
FAMILY = {"ValidationError", "MissingColumnError", "WrongTypeError", "MissingFileError", "TransactionLogError"}
#: raises that are about the machine, not the input: a missing optional dependency, Java for Spark
ENVIRONMENT = {"summaries.py": {"ImportError"}, "engines.py": {"RuntimeError"}}


def test_rfm_summarize_is_the_summaries_function():
    assert rfm.summarize is summaries.summarize
    assert rfm.TIME_UNIT_DAYS is summaries.TIME_UNIT_DAYS
    assert "summarize" in rfm.__all__ and "summarize" in summaries.__all__
    log = pd.DataFrame({"c": ["a", "a", "b"], "d": ["2024-01-01", "2024-01-15", "2024-01-08"], "x": [1.0, 2.0, 3.0]})
    table = rfm.summarize(log, validation.LogColumns("c", "d", "x"), time_unit="D")
    assert table[["frequency", "recency", "T", "monetary_value"]].to_numpy().tolist() == [[1.0, 14.0, 14.0, 2.0],
                                                                                        [0.0, 0.0, 7.0, 0.0]]


def test_a_pandas_log_needs_no_narwhals():
    """In a fresh interpreter where narwhals cannot be imported: rfm and summaries import, a pandas log is
    summarised and its pattern table counted, and an engine frame gets an error of the family that says what
    to install. (The models need narwhals anyway: scikit-learn 1.9 depends on it.)"""
    code = textwrap.dedent("""
        import sys
        sys.modules["narwhals"] = None          # import narwhals now raises ImportError
        import pandas as pd
        from crmlab import rfm, summaries
        from crmlab.validation import WrongTypeError
        log = pd.DataFrame({"c": [1, 1, 2], "d": ["2024-01-01", "2024-01-08", "2024-01-02"]})
        table = summaries.summarize(log, "c", "d", time_unit="D")
        print(table["frequency"].tolist())
        print(summaries.pattern_table(table)["count"].tolist())
        try:
            summaries.summarize(object(), "c", "d")
        except WrongTypeError as error:
            print("WrongTypeError", "crmlab[scale]" in str(error))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["[1.0, 0.0]", "[1, 1]", "WrongTypeError True"]


def _raised_names(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, name) of every ``raise Name(...)`` / ``raise helper(...)``; helpers resolve to their return type."""
    returns = {node.name: ast.unparse(node.returns) for node in tree.body
               if isinstance(node, ast.FunctionDef) and node.returns is not None}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or node.exc is None:
            continue
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        name = exc.id if isinstance(exc, ast.Name) else ast.unparse(exc)
        found.append((node.lineno, returns.get(name, name)))
    return found


@pytest.mark.parametrize("module", sorted(ENVIRONMENT))
def test_every_error_of_the_module_is_of_the_validation_family(module):
    tree = ast.parse((CRMLAB / module).read_text(encoding="utf-8"))
    raised = _raised_names(tree)
    assert raised, module
    offenders = [f"line {line}: {name}" for line, name in raised if name not in FAMILY | ENVIRONMENT[module]]
    assert not offenders, f"crmlab/{module} raises outside crmlab.validation's family: {offenders}"
