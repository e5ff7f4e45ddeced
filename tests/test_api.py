"""The package's shape (issue 10, items 5 and 6): the public API listed in docs/api.md, segmentation
as a complete re-export without duplicate names, migration in its own module, one function per
cleaning rule, Results.from_parameters and the lectures' loader reader.own_or_bundled."""
from __future__ import annotations

import importlib
import pathlib
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import crmlab.segmentation as seg
from crmlab import transactions
from crmlab.output import Results
from crmlab.params import check_parameters, integer
from crmlab.reader import DataFileError, own_or_bundled

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import api_doc  # noqa: E402

CONCEPTS = ("value_matrix", "abc_classes", "clustering", "targeting", "migration")


def test_docs_api_lists_every_public_name():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    headings = re.split(r"^### `crmlab\.(\w+)`$", text, flags=re.M)
    listed = {headings[i]: set(re.findall(r"^- `(\w+)`", headings[i + 1], flags=re.M))
              for i in range(1, len(headings), 2)}
    missing = {}
    for name in api_doc.public_modules():
        module = importlib.import_module(f"crmlab.{name}")
        lacking = sorted(set(module.__all__) - listed.get(name, set()))
        if lacking:
            missing[name] = lacking
    assert not missing, f"docs/api.md lacks public names (run python tools/api_doc.py): {missing}"


def test_every_public_name_exists():
    for name in api_doc.public_modules():
        module = importlib.import_module(f"crmlab.{name}")
        absent = [n for n in module.__all__ if not hasattr(module, n)]
        assert not absent, f"crmlab.{name}.__all__ names missing attributes {absent}"


def test_segmentation_reexports_every_concept_name_once():
    expected = [n for m in CONCEPTS for n in importlib.import_module(f"crmlab.{m}").__all__]
    assert len(expected) == len(set(expected)), "two concept modules export the same name"
    assert sorted(seg.__all__) == sorted(expected)
    for m in CONCEPTS:
        module = importlib.import_module(f"crmlab.{m}")
        for name in module.__all__:
            assert getattr(seg, name) is getattr(module, name), name


def test_no_segmentation_name_means_something_else_elsewhere():
    # value_matrix's colour scale had the name of plotting.draw_colour_scale with another signature
    for other in ("plotting", "lang", "clv_plots"):
        module = importlib.import_module(f"crmlab.{other}")
        clash = set(seg.__all__) & set(module.__all__)
        assert not clash, f"crmlab.segmentation and crmlab.{other} both export {clash}"
    from crmlab import value_matrix
    assert value_matrix.draw_colour_scale is value_matrix.matrix_colour_scale  # the old name still works


def test_migration_is_imported_without_the_segmentation_grab_bag():
    code = ("import sys, crmlab.lifecycle, crmlab.closed_loop; "
            "print('crmlab.segmentation' in sys.modules, crmlab.lifecycle.segment_migration.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "crmlab.migration"]


def test_each_line_rule_is_one_function_and_clean_composes_them():
    assert set(transactions.RULE_FUNCTIONS) == set(transactions.CLEANING_RULES) - {"duplicate_line"}
    log = pd.DataFrame({
        "customer": ["a", None, "a", "a", "a", "a", "a", "a", "a", "a"],
        "date": ["2024-01-02", "2024-01-02", None, "2024-01-03", "2024-03-01", "2024-01-04",
                 "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08"],
        "amount": [10.0, 5.0, 5.0, np.nan, 5.0, 5.0, -5.0, 0.0, 5.0, 7.0],
        "quantity": [1, 1, 1, 1, 1, 1, 1, 1, -2, 1],
        "invoice": ["1", "2", "3", "4", "5", "C6", "7", "8", "9", "10"],
        "code": ["X"] * 9 + ["POST"],
    })
    cleaned, report = transactions.clean(log, "customer", "date", "amount", observation_end="2024-01-31",
                                         quantity_col="quantity", invoice_col="invoice", stock_code_col="code",
                                         non_product_codes=["POST"])
    removed = report.set_index("reason")["rows_removed"]
    expected = {"missing_customer_id": 1, "missing_date": 1, "missing_amount": 1, "after_observation_end": 1,
                "duplicate_line": 0, "cancellation": 1, "negative_quantity": 1, "negative_amount": 1,
                "non_product_line": 1, "zero_amount": 1}
    assert removed.to_dict() == expected
    assert cleaned.index.tolist() == [0]


def test_results_from_parameters_stores_the_parameters_as_given():
    p = check_parameters(lang="zh", seed=7, output_dir=None, observation_end="2011-09-30",
                         bins=(5, integer(2, 10)), secret_key="do not store")
    results = Results.from_parameters(p, "04_rfm_segmentation")
    assert results.lecture == "04_rfm_segmentation" and results.lang == "zh"
    assert results.parameters == {"lang": "zh", "seed": 7, "observation_end": "2011-09-30", "bins": 5}
    assert not results.enabled
    assert Results.from_parameters(p, "x", exclude=["bins"]).parameters.keys() == {"lang", "seed", "observation_end"}


def test_results_from_parameters_writes_where_output_dir_says(tmp_path):
    p = check_parameters(lang="en", seed=1, output_dir=str(tmp_path / "out"))
    results = Results.from_parameters(p, "demo")
    results.record(n=1)
    assert results.save()["parameters"] == {"lang": "en", "seed": 1}
    assert (tmp_path / "out" / "summary.json").is_file()


def test_own_or_bundled_reads_the_file_or_takes_the_bundled_table(tmp_path):
    calls = []

    def bundled():
        calls.append(1)
        return pd.DataFrame({"customer_id": ["b"], "date": ["2024-01-01"], "amount": [1.0]})

    defaults = dict(customer_col="customer_id", date_col="date", amount_col="amount")
    p = check_parameters(lang="en", seed=1, output_dir=None, data_path=None, customer_col=None, date_col=None,
                         amount_col=None)
    data = own_or_bundled(p, bundled, defaults, bundled_columns=dict(quantity_col="quantity"))
    assert not data.own and data.columns == dict(defaults, quantity_col="quantity") and calls == [1]
    assert data.describe() == ""

    path = tmp_path / "orders.csv"
    path.write_text("client,day,amount\n007,2024-02-01,5\n", encoding="utf-8")
    p = check_parameters(lang="en", seed=1, output_dir=None, data_path=str(path), customer_col="client",
                         date_col="day", amount_col=None, encoding=None, date_format=None)
    data = own_or_bundled(p, bundled, defaults, id_columns=["customer_col"], dates=["date_col"])
    assert data.own and calls == [1], "the bundled table must not be loaded for the researcher's file"
    assert data.columns == {"customer_col": "client", "date_col": "day", "amount_col": "amount"}
    assert data.table["client"].tolist() == ["007"]
    assert data.table["day"].dtype.kind == "M"
    assert "orders.csv" in data.describe()


def test_own_or_bundled_names_the_parameter_of_a_missing_column(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("client,total\n1,5\n", encoding="utf-8")
    p = check_parameters(lang="en", seed=1, output_dir=None, data_path=str(path), customer_col="client",
                         amount_col=None, encoding=None)
    defaults = dict(customer_col="customer_id", amount_col="amount")
    with pytest.raises(DataFileError, match=r"parameter `amount_col` = 'amount': orders.csv has no column 'amount'"):
        own_or_bundled(p, pd.DataFrame(), defaults)
    data = own_or_bundled(p, pd.DataFrame(), defaults, unchecked=["amount_col"])   # e.g. computed from a price
    assert data.columns["amount_col"] == "amount"
