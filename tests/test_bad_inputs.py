"""A careless researcher's inputs, run through lectures 00, 04, 08 and 09 with plain papermill.

Every run either stops with a message that names the problem (the parameter or column, and the
number of bad rows) raised by crmlab's own checks, or runs and reports what it cleaned. None may
end in a pandas/numpy traceback, none may give a silent result. The files are made by
``tests/data/bad_inputs/make_bad_inputs.py``.

To stay lean on two cores, a case that must fail runs only the lecture's first cells (parameters,
their check, and the cell that reads the researcher's file: every input problem is caught there),
as a truncated copy of the notebook; the four cases that must succeed run the whole lecture.
About 25 papermill runs, 4 of them full lectures.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import NOTEBOOKS

BAD = Path(__file__).resolve().parent / "data" / "bad_inputs"
CN = str(BAD / "messy_gb18030_ddmmyyyy.csv")    # GB18030, Chinese headers, dd/mm/yyyy, returns, '7' and '00007'
XLSX = str(BAD / "messy.xlsx")                   # the same log as a workbook, ISO dates
BOM = str(BAD / "orders_utf8_bom.csv")           # a clean log saved by Excel as "CSV UTF-8" (with BOM)
ENGLISH = dict(customer_col="client", date_col="ordered_on", amount_col="order_total")
CHINESE = dict(customer_col="客户编号", date_col="下单日期", amount_col="金额")
OURS = {"ParameterError", "DataFileError", "TransactionLogError", "OutputDirError"}

LECTURE = {"00": "00_start_here", "04": "04_rfm_segmentation", "08": "08_clv_models", "09": "09_customer_lifecycle"}

# (case id, lecture, parameters, fragments the error message must contain)
FAILING = [
    ("00-missing-column", "00", dict(data_path=BOM, customer_col="segment", amount_col="order_total"),
     ["parameter `customer_col` = 'segment'", "has no column 'segment'"]),
    ("00-misspelt-column", "00", dict(data_path=BOM, customer_col="clientt", amount_col="order_total"),
     ["did you mean 'client'?"]),
    ("00-empty-file", "00", dict(data_path=str(BAD / "empty.csv")), ["parameter `data_path`", "is empty"]),
    ("00-header-only", "00", dict(data_path=str(BAD / "header_only.csv"), **{k: ENGLISH[k] for k in ("customer_col", "amount_col")}),
     ["header_only.csv has a header", "but no rows"]),
    ("00-unknown-parameter", "00", dict(top_pc=10), ["unknown parameter 'top_pc'; did you mean 'top_pct'?"]),
    ("00-wrong-enumerated-value", "00", dict(lang="fr"), ["parameter `lang` = 'fr'", "'en', 'zh'"]),
    ("04-misspelt-date-column", "04", dict(data_path=BOM, **{**ENGLISH, "date_col": "order_on"}),
     ["parameter `date_col` = 'order_on'", "did you mean 'ordered_on'?"]),
    ("04-ddmmyyyy-without-date_format", "04", dict(data_path=CN, **CHINESE),
     ["column '下单日期' (parameter `date_col`)", "day/month/year", "date_format '%d/%m/%Y'"]),
    ("04-some-bad-dates", "04", dict(data_path=str(BAD / "some_bad_dates.csv"), **ENGLISH),
     ["column 'ordered_on'", "has 2 rows of 2,051", "'1997-13-45'"]),   # 'n/a' is a missing date: cleaning reports it
    ("04-unknown-parameter", "04", dict(bin=4), ["unknown parameter 'bin'; did you mean 'bins'?"]),
    ("04-wrong-enumerated-value", "04", dict(returns="keep"), ["parameter `returns` = 'keep'", "'net', 'remove'"]),
    ("04-wrong-date-format", "04", dict(data_path=CN, date_format="day/month", **CHINESE),
     ["parameter `date_format` = 'day/month'"]),
    ("08-unknown-parameter", "08", dict(horizon_week=104), ["unknown parameter 'horizon_week'; did you mean 'horizon_weeks'?"]),
    ("08-unknown-time-unit", "08", dict(time_unit="M"), ["unknown parameter 'time_unit'"]),
    ("08-wrong-enumerated-value", "08", dict(after_observation_end="keep"),
     ["parameter `after_observation_end` = 'keep'", "'drop', 'error'"]),
    ("08-header-only", "08", dict(data_path=str(BAD / "header_only.csv"), **ENGLISH), ["but no rows"]),
    ("08-some-bad-dates", "08", dict(data_path=str(BAD / "some_bad_dates.csv"), **ENGLISH),
     ["column 'ordered_on' (parameter `date_col`) has 2 rows"]),
    ("08-ddmmyyyy-without-date_format", "08", dict(data_path=CN, **CHINESE), ["date_format '%d/%m/%Y'"]),
    ("09-empty-file", "09", dict(data_path=str(BAD / "empty.csv")), ["is empty"]),
    ("09-misspelt-amount-column", "09", dict(data_path=BOM, **{**ENGLISH, "amount_col": "total"}),
     ["parameter `amount_col` = 'total'", "did you mean 'order_total'?"]),
    ("09-ddmmyyyy-without-date_format", "09", dict(data_path=CN, **CHINESE), ["day/month/year"]),
    ("09-unknown-parameter", "09", dict(lost_day=100), ["unknown parameter 'lost_day'; did you mean 'lost_days'?"]),
    ("09-no-such-survival-file", "09", dict(survival_path="no/such/subscribers.csv"),
     ["parameter `survival_path`", "no file at"]),
]


def _truncated(lecture: str, folder: Path) -> Path:
    """The lecture up to the cell that reads the researcher's file (every input check is done by then)."""
    nb = nbformat.read(NOTEBOOKS / f"{LECTURE[lecture]}.ipynb", as_version=4)
    ids = [cell.id for cell in nb.cells]
    nb.cells = nb.cells[: ids.index(f"h{lecture}read1") + 1]
    target = folder / f"{LECTURE[lecture]}.ipynb"
    nbformat.write(nb, target)
    return target


def _papermill(notebook: Path, out: Path, parameters: dict) -> tuple[int, str, nbformat.NotebookNode | None]:
    """Plain papermill, as a researcher types it (``-p name value``; papermill reads numbers as numbers)."""
    command = [sys.executable, "-m", "papermill", str(notebook), str(out), "-k", "python3", "--cwd", str(NOTEBOOKS),
               "--no-progress-bar", "--log-level", "WARNING", "--execution-timeout", "300"]
    for name, value in parameters.items():
        command += ["-p", name, str(value)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    executed = nbformat.read(out, as_version=4) if out.exists() else None
    return done.returncode, done.stdout + done.stderr, executed


def _error(executed: nbformat.NotebookNode) -> dict:
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return output
    raise AssertionError("the run failed without an error output")


@pytest.mark.notebook
@pytest.mark.parametrize("case, lecture, parameters, fragments", FAILING, ids=[c[0] for c in FAILING])
def test_bad_input_stops_with_a_message_that_names_it(case, lecture, parameters, fragments, tmp_path):
    notebook = _truncated(lecture, tmp_path)
    code, log, executed = _papermill(notebook, tmp_path / "out.ipynb", parameters)
    assert code != 0, f"{case}: the run did not stop"
    error = _error(executed)
    assert error["ename"] in OURS, f"{case}: ended in {error['ename']}: {error['evalue']}"
    for fragment in fragments:
        assert fragment in error["evalue"], f"{case}: {fragment!r} not in {error['evalue']!r}"
    assert "Passed unknown parameter" not in log or case.endswith(("unknown-parameter", "time-unit")), log


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def _text_ids(path: str, column: str) -> set[str]:
    import pandas as pd

    if path.endswith(".xlsx"):
        table = pd.read_excel(path, dtype={column: str})
    else:
        table = pd.read_csv(path, dtype={column: str}, encoding="gb18030")
    return set(table[column])


@pytest.mark.notebook
def test_lecture_00_reads_a_gb18030_log_with_chinese_headers_and_leading_zero_ids(tmp_path):
    code, log, executed = _papermill(NOTEBOOKS / "00_start_here.ipynb", tmp_path / "out.ipynb",
                                     dict(data_path=CN, customer_col="客户编号", amount_col="金额",
                                          output_dir=str(tmp_path / "results")))
    if code != 0:                           # a log with returns may be refused, but only by name
        error = _error(executed)
        assert error["ename"] in OURS and "金额" in error["evalue"], error
        return
    summary = _summary(tmp_path / "results")
    assert summary["numbers"]["customers"] == len(_text_ids(CN, "客户编号"))   # '7' and '00007' are two customers
    assert "Passed unknown parameter" not in log


@pytest.mark.notebook
def test_lecture_04_cleans_a_messy_gb18030_log_and_reports_it(tmp_path):
    code, log, executed = _papermill(NOTEBOOKS / "04_rfm_segmentation.ipynb", tmp_path / "out.ipynb",
                                     dict(data_path=CN, date_format="%d/%m/%Y", quantity_col="数量",
                                          output_dir=str(tmp_path / "results"), **CHINESE))
    assert code == 0, log[-3000:]
    numbers = _summary(tmp_path / "results")["numbers"]
    assert numbers["rows_removed"]["negative_quantity"] == 40          # the 40 return lines, reported
    assert numbers["rows_in"] == numbers["rows_out"] + sum(numbers["rows_removed"].values())
    import pandas as pd

    table = pd.read_csv(tmp_path / "results" / "customers_rfm.csv", dtype=str, encoding="utf-8")
    customers = set(table.iloc[:, 0])
    assert {"7", "00007"} <= customers and numbers["customers"] == len(customers)   # two customers, not one
    assert customers <= _text_ids(CN, "客户编号")
    assert "Passed unknown parameter" not in log


@pytest.mark.notebook
def test_lecture_08_reads_xlsx_cleans_reports_late_joiners_and_keeps_bundled_results_apart(tmp_path):
    code, log, executed = _papermill(NOTEBOOKS / "08_clv_models.ipynb", tmp_path / "out.ipynb",
                                     dict(data_path=XLSX, calibration_end="1997-09-30", observation_end="1998-06-30",
                                          output_dir=str(tmp_path / "results"), **ENGLISH))
    assert code == 0, log[-3000:]
    summary = _summary(tmp_path / "results")
    numbers = summary["numbers"]
    assert numbers["late_joiners"] == 11                               # the L590..L600 customers, named in a line
    assert numbers["rows_removed"]["negative_amount"] == 40
    import pandas as pd

    scored = set(pd.read_csv(tmp_path / "results" / "clv_customers.csv", dtype=str).iloc[:, 0])
    assert {"7", "00007"} <= scored and not any(c.startswith("L") for c in scored)   # late joiners left out, said so
    from crmlab.transactions import clean

    kept, _ = clean(pd.read_excel(XLSX, dtype={"client": str}), "client", "ordered_on", "order_total",
                    observation_end="1998-06-30")
    assert numbers["customers"] == len(scored) == kept["client"].nunique() - 11
    assert "sbg_regular" in summary["bundled_data"]["numbers"] and "sbg_regular" not in numbers
    assert summary["inputs"]["data_path"]["sha256"]
    text = json.dumps([c.get("outputs", []) for c in executed.cells])
    assert "11 late joiners" in text


@pytest.mark.notebook
def test_lecture_09_cleans_a_ddmmyyyy_log_given_its_date_format(tmp_path):
    code, log, executed = _papermill(NOTEBOOKS / "09_customer_lifecycle.ipynb", tmp_path / "out.ipynb",
                                     dict(data_path=CN, date_format="%d/%m/%Y", observation_end="1998-06-30",
                                          output_dir=str(tmp_path / "results"), **CHINESE))
    assert code == 0, log[-3000:]
    numbers = _summary(tmp_path / "results")["numbers"]
    assert numbers["rows_in"] > numbers["rows_out"]
    assert "Passed unknown parameter" not in log
