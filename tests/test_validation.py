"""The one validation layer (crmlab.validation): every bad input raises one family of errors that
names the column and counts the bad rows, whatever module it goes through.

The corpus below feeds bad tables to the public functions of transactions, rfm, the models,
relationship, leads, response, the reader, simulate and the segmentation checks; each case states
the column and the number of bad rows it must report. A source scan then checks that the modules
converted to the layer raise no bare ValueError/KeyError/TypeError about a column any more.
"""
from __future__ import annotations

import ast
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlab import leads, relationship, response, rfm, simulate, transactions, validation
from crmlab._table_checks import numeric_column as checks_numeric_column
from crmlab.models import BetaGeo, BetaGeoBetaBinom, GammaGamma
from crmlab.params import ParameterError, check_parameters
from crmlab.reader import DataFileError, check_dates
from crmlab.reader import require_columns as reader_require_columns
from crmlab.transactions import TransactionLogError
from crmlab.validation import (LogColumns, MissingColumnError, ValidationError, WrongTypeError, as_date,
                               column_list, date_column, require_unique_ids)

CRMLAB = Path(validation.__file__).resolve().parent


def good_log(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame({
        "customer": ["a", "b", "c", "a", "b", "c"][:n],
        "date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-10", "2024-01-11", "2024-01-12"][:n],
        "amount": [10.0, 20.0, 30.0, 15.0, 25.0, 35.0][:n],
    })


def customers() -> pd.DataFrame:
    return pd.DataFrame({"frequency": [0.0, 2.0, 1.0, 3.0], "recency": [0.0, 10.0, 5.0, 20.0],
                         "T": [30.0, 30.0, 30.0, 30.0], "monetary_value": [0.0, 12.0, 8.0, 20.0]})


def leads_table() -> pd.DataFrame:
    return pd.DataFrame({"lead_id": ["l1", "l2", "l3", "l4"], "source": ["web", "fair", "web", "call"],
                         "created_at": ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"],
                         "cost": [1.0, 2.0, 3.0, 4.0], "converted": [0, 1, 0, 1]})


def behaviour_log() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["a", "a", "b", "b"],
                         "date": ["2024-01-01", "2024-02-01", "2024-01-05", "2024-03-01"],
                         "amount": [5.0, 6.0, 7.0, 8.0]})


# (case, call that must raise, column it must name, bad rows it must count)
ROW_CASES = [
    # transaction logs
    ("log-missing-ids", lambda: transactions.validate(good_log().assign(customer=["a", None, None, "a", "b", "c"]),
                                                      "customer", "date", "amount"), "customer", 2),
    ("log-bad-dates", lambda: transactions.validate(good_log().assign(date=["2024-01-01", "x", "2024-13-45", "2024-01-10",
                                                                            "2024-01-11", "2024-01-12"]),
                                                    "customer", "date"), "date", 2),
    ("log-missing-dates", lambda: transactions.validate(good_log().assign(date=[None, "2024-01-02", "2024-01-03",
                                                                                "2024-01-10", None, None]),
                                                        "customer", "date"), "date", 3),
    ("log-text-amounts", lambda: transactions.validate(good_log().assign(amount=["10", "12,50", "x", "1", "2", "3"]),
                                                       "customer", "date", "amount"), "amount", 2),
    ("log-missing-amounts", lambda: transactions.validate(good_log().assign(amount=[1.0, np.nan, 2.0, 3.0, 4.0, 5.0]),
                                                          "customer", "date", "amount"), "amount", 1),
    ("log-negative-amounts", lambda: transactions.validate(good_log().assign(amount=[1.0, -2.0, -3.0, 3.0, 4.0, -5.0]),
                                                           "customer", "date", "amount"), "amount", 3),
    ("log-infinite-amounts", lambda: transactions.validate(good_log().assign(amount=[1.0, np.inf, 2.0, 3.0, 4.0, 5.0]),
                                                           "customer", "date", "amount"), "amount", 1),
    ("log-duplicates", lambda: transactions.validate(pd.concat([good_log(), good_log().head(2)], ignore_index=True),
                                                     "customer", "date", "amount", allow_duplicates=False),
     "customer", 2),
    ("log-after-end", lambda: transactions.validate(good_log(), "customer", "date", "amount",
                                                    observation_end="2024-01-10"), "date", 2),
    ("log-mixed-zones", lambda: transactions.validate(good_log().assign(date=["2024-01-01 10:00+08:00", "2024-01-02",
                                                                              "2024-01-03", "2024-01-10", "2024-01-11",
                                                                              "2024-01-12"]), "customer", "date"),
     "date", 5),
    ("log-number-dates", lambda: transactions.validate(good_log().assign(date=[20240101, 20240102, 5, 20240110,
                                                                               20240111, 20240112]), "customer", "date"),
     "date", 1),
    ("clean-after-end", lambda: transactions.clean(good_log(), "customer", "date", "amount", observation_end="2024-01-11",
                                                   after_observation_end="error"), "date", 1),
    ("logcolumns-object", lambda: transactions.validate(good_log().assign(amount=[1.0, -2.0, 3.0, 3.0, 4.0, 5.0]),
                                                        LogColumns("customer", "date", "amount")), "amount", 1),
    ("rfm-summarize", lambda: rfm.summarize(good_log().assign(customer=[None, "b", "c", "a", "b", "c"]),
                                            "customer", "date", "amount"), "customer", 1),
    # customer tables of the models
    ("model-nan", lambda: BetaGeo().fit(customers().assign(recency=[0.0, np.nan, 5.0, np.nan])), "recency", 2),
    ("model-negative", lambda: BetaGeo().fit(customers().assign(T=[30.0, -1.0, 30.0, 30.0])), "T", 1),
    ("model-fractional", lambda: BetaGeo().fit(customers().assign(frequency=[0.0, 2.5, 1.0, 3.5])), "frequency", 2),
    ("model-recency-after-T", lambda: BetaGeo().fit(customers().assign(recency=[0.0, 31.0, 5.0, 20.0])), "recency", 1),
    ("model-recency-no-repeat", lambda: BetaGeo().fit(customers().assign(recency=[4.0, 10.0, 5.0, 20.0])),
     "recency", 1),
    ("model-text", lambda: BetaGeo().fit(customers().assign(frequency=["0", "2", "1", "3"])), "frequency", 4),
    ("gamma-gamma-spend", lambda: GammaGamma().fit(customers().assign(monetary_value=[0.0, 0.0, 8.0, -0.0])),
     "monetary_value", 2),
    ("bgbb-patterns", lambda: BetaGeoBetaBinom().fit(pd.DataFrame({"frequency": [1.0, 3.0, 0.0], "recency": [2.0, 2.0, 0.0],
                                                                   "periods": [6.0, 6.0, 6.0]})), "frequency", 1),
    ("weights", lambda: BetaGeo().fit(customers().assign(count=[1.0, -1.0, np.nan, 2.0])), "count", 2),
    # relationship
    ("relationship-dates", lambda: relationship.behaviour_features(behaviour_log().assign(date=["x", "y", "2024-01-05",
                                                                                                "2024-03-01"])),
     "date", 2),
    ("relationship-amounts", lambda: relationship.behaviour_features(behaviour_log().assign(amount=[5.0, -1.0, 7.0, 8.0])),
     "amount", 1),
    ("relationship-ids", lambda: relationship.behaviour_features(behaviour_log().assign(customer_id=[None, "a", "b", None])),
     "customer_id", 2),
    ("relationship-discount", lambda: relationship.behaviour_features(behaviour_log().assign(promo=[1, 0, 2, 3]),
                                                                      discount_col="promo"), "promo", 2),
    # leads and response
    ("leads-duplicates", lambda: leads.validate_leads(leads_table().assign(lead_id=["l1", "l1", "l1", "l4"])),
     "lead_id", 2),
    ("leads-dates", lambda: leads.validate_leads(leads_table().assign(created_at=["2025-01-01", "?", "2025-01-03", "?"])),
     "created_at", 2),
    ("leads-binary", lambda: leads.validate_leads(leads_table().assign(converted=[0, 2, 0, 3])), "converted", 2),
    ("leads-cost-text", lambda: leads.validate_leads(leads_table().assign(cost=["1", "x", "3", "y"])), "cost", 2),
    ("leads-cost-negative", lambda: leads.validate_leads(leads_table().assign(cost=[1.0, -2.0, 3.0, 4.0])), "cost", 1),
    ("leads-early-call", lambda: leads.validate_leads(leads_table().assign(called=["2024-12-31", None, None, None]),
                                                      first_call_col="called"), "called", 1),
    ("response-missing", lambda: response.binary_response(pd.DataFrame({"y": [1, None, None]}), "y"), "y", 2),
    ("response-values", lambda: response.binary_response(pd.DataFrame({"y": ["yes", "maybe", "no"]}), "y"), "y", 1),
    # shared table checks (value matrix, clustering, targeting, ...), the reader, the id rule
    ("numeric-text", lambda: checks_numeric_column(pd.DataFrame({"x": ["1", "a", "b"]}), "x"), "x", 2),
    ("numeric-missing", lambda: checks_numeric_column(pd.DataFrame({"x": [1.0, None, 3.0]}), "x"), "x", 1),
    ("numeric-negative", lambda: checks_numeric_column(pd.DataFrame({"x": [1.0, -1.0, -3.0]}), "x", non_negative=True),
     "x", 2),
    ("complete", lambda: validation.require_complete(pd.DataFrame({"x": [1.0, None, None]}), ["x"]), "x", 2),
    ("reader-dates", lambda: check_dates(pd.DataFrame({"day": ["2024-01-01", "1997-13-45", "31/02/1997"]}), "day"),
     "day", 2),
    ("reader-day-first", lambda: check_dates(pd.DataFrame({"day": ["31/01/2024", "01/02/2024"]}), "day"), "day", 2),
    ("date-column", lambda: date_column(pd.DataFrame({"d": ["2024-01-01", None]}), "d"), "d", 1),
    ("unique-ids", lambda: require_unique_ids(pd.DataFrame({"id": ["a", "b", "a", "b", "a"]}), "id"), "id", 3),
    ("missing-ids", lambda: require_unique_ids(pd.DataFrame({"id": ["a", " ", None]}), "id"), "id", 2),
]


@pytest.mark.parametrize("case, call, column, rows", ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_every_row_error_is_of_the_family_and_names_column_and_count(case, call, column, rows):
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    message = str(error)
    assert isinstance(error, ValueError), f"{case}: callers catch ValueError"
    named = error.column if isinstance(error.column, list) else [error.column]
    assert column in named, f"{case}: error.column is {error.column!r}, expected {column!r}"
    assert repr(column) in message or f"'{column}'" in message, f"{case}: {message!r} does not name {column!r}"
    assert error.rows == rows, f"{case}: error.rows is {error.rows}, expected {rows} ({message!r})"
    assert f"{rows:,}" in message, f"{case}: {message!r} does not say how many rows ({rows})"
    assert error.total is None or error.total >= rows


# (case, call, the missing column)
COLUMN_CASES = [
    ("log", lambda: transactions.validate(good_log().drop(columns="amount"), "customer", "date", "amount"), "amount"),
    ("model", lambda: BetaGeo().fit(customers().drop(columns="T")), "T"),
    ("model-weights", lambda: BetaGeo().fit(customers(), weights="n"), "n"),
    ("relationship", lambda: relationship.behaviour_features(behaviour_log(), date_col="when"), "when"),
    ("leads", lambda: leads.validate_leads(leads_table().drop(columns="cost")), "cost"),
    ("response", lambda: response.binary_response(pd.DataFrame({"y": [1]}), "responded"), "responded"),
    ("table-checks", lambda: validation.require_columns(pd.DataFrame({"a": [1]}), ["a", "b"]), "b"),
    ("reader", lambda: reader_require_columns(pd.DataFrame({"client": [1]}), {"customer_col": "clientt"}), "clientt"),
    ("rfm", lambda: rfm.summarize(good_log(), "customer", "day"), "day"),
]


@pytest.mark.parametrize("case, call, column", COLUMN_CASES, ids=[c[0] for c in COLUMN_CASES])
def test_every_missing_column_error_is_of_the_family_and_names_the_column(case, call, column):
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    named = error.column if isinstance(error.column, list) else [error.column]
    assert column in named, f"{case}: error.column is {error.column!r}"
    assert repr(column) in str(error)


def test_family_members_are_the_builtin_types_callers_catch():
    for family in (TransactionLogError, DataFileError, ParameterError, MissingColumnError, WrongTypeError):
        assert issubclass(family, ValidationError) and issubclass(family, ValueError)
    assert issubclass(MissingColumnError, KeyError)
    assert issubclass(WrongTypeError, TypeError)
    # what callers caught before keeps working
    with pytest.raises(KeyError, match=r"lacks column\(s\) \['b'\]"):
        validation.require_columns(pd.DataFrame({"a": [1]}), ["b"])
    with pytest.raises(TypeError, match="must hold numbers; 1 row"):
        checks_numeric_column(pd.DataFrame({"x": ["1", "a"]}), "x")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['T'\]"):
        BetaGeo().fit(customers().drop(columns="T"))
    with pytest.raises(TypeError, match="must be a pandas DataFrame, got list"):
        transactions.validate([1, 2], "customer", "date")


def test_a_missing_column_error_prints_without_quotes_and_survives_pickling():
    with pytest.raises(MissingColumnError) as caught:
        validation.require_columns(pd.DataFrame({"a": [1]}), ["b"], "lead log")
    assert str(caught.value).startswith("the lead log lacks column(s) ['b']")
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is MissingColumnError and again.column == "b" and str(again) == str(caught.value)
    error = pickle.loads(pickle.dumps(TransactionLogError("column 'x' has 2 rows", column="x", rows=2, total=9)))
    assert (error.column, error.rows, error.total) == ("x", 2, 9)


def test_parameter_errors_name_the_parameter():
    with pytest.raises(ParameterError) as caught:
        check_parameters(lang="en", seed=1, observation_end="31/02/1997")
    assert caught.value.parameter == "observation_end"
    assert "parameter `observation_end` = '31/02/1997'" in str(caught.value)
    with pytest.raises(ValidationError, match="`start` = 'soon' is not a date"):
        simulate.customer_base(10, seed=1, start="soon")
    with pytest.raises(ValidationError) as caught:
        simulate.customer_base(10, seed=1, acquisition_weeks=-1)
    assert caught.value.parameter == "acquisition_weeks"


@pytest.mark.parametrize("value, expected", [
    ("2024-03-01", pd.Timestamp("2024-03-01")),
    (pd.Timestamp("2024-03-01 10:00", tz="Asia/Shanghai"), pd.Timestamp("2024-03-01 10:00")),
    (np.datetime64("2024-03-01"), pd.Timestamp("2024-03-01")),
    (pd.Timestamp("2024-03-01").date(), pd.Timestamp("2024-03-01")),
])
def test_one_date_coercer(value, expected):
    assert as_date(value, "as_of") == expected


@pytest.mark.parametrize("value, fragment", [
    ("not a date", "`as_of` = 'not a date' is not a date"),
    (None, "`as_of` is missing"),
    ("", "`as_of` is missing"),
    (True, "is not a date"),
    (3.5j, "is not a date"),
])
def test_the_date_coercer_names_the_parameter(value, fragment):
    with pytest.raises(ValidationError, match=fragment) as caught:
        as_date(value, "as_of")
    assert caught.value.parameter == "as_of"


def test_every_module_coerces_dates_the_same_way():
    """observation_end given with a zone means the same day in transactions, rfm and relationship."""
    stamp = "2024-01-12 23:00+08:00"
    assert transactions._to_day_timestamp(stamp, "observation_end", None) == as_date(stamp, "x")
    summary = rfm.summarize(good_log(), "customer", "date", "amount", observation_end=stamp)
    assert summary.attrs["observation_end"] == pd.Timestamp("2024-01-12")
    classes = relationship.customer_classes(behaviour_log(), as_of="2024-03-01 23:00+08:00")
    assert classes.attrs["as_of"] == pd.Timestamp("2024-03-01 23:00")
    with pytest.raises(ValidationError, match="has a time of day"):
        simulate.customer_base(10, seed=1, start="2024-01-01 12:00")


def test_one_column_list_rule():
    assert column_list({"customer_col": "client", "amount_col": None}) == ["client"]
    assert column_list(["a", "b", "a", None]) == ["a", "b"]
    assert column_list("age, income ,", parameter="feature_cols") == ["age", "income"]
    with pytest.raises(ValidationError) as caught:
        column_list(3, parameter="feature_cols")
    assert caught.value.parameter == "feature_cols"


def test_log_columns_travel_as_one_object():
    columns = LogColumns("who", "when", "spend", date_format="%d/%m/%Y")
    log = pd.DataFrame({"who": ["a", "a", "b"], "when": ["01/01/2024", "15/01/2024", "31/01/2024"],
                        "spend": [1.0, 2.0, 3.0]})
    with_object = rfm.summarize(log, columns, observation_end="2024-02-01")
    with_arguments = rfm.summarize(log, "who", "when", "spend", observation_end="2024-02-01", date_format="%d/%m/%Y")
    pd.testing.assert_frame_equal(with_object, with_arguments)
    pd.testing.assert_frame_equal(transactions.validate(log, columns),
                                  transactions.validate(log, "who", "when", "spend", date_format="%d/%m/%Y"))
    cleaned, report = transactions.clean(log, columns)
    assert report.attrs["rows_out"] == 3 and cleaned["when"].dt.day.tolist() == [1, 15, 31]
    assert LogColumns.from_args(columns, amount_col="other").amount == "other"
    with pytest.raises(WrongTypeError):
        LogColumns.from_args("who")


#: modules whose table checks go through crmlab.validation
CONVERTED = ["validation.py", "_table_checks.py", "transactions.py", "reader.py", "params.py", "relationship.py",
             "leads.py", "response.py", "simulate.py", "models/base.py", "models/bgbb.py", "models/gammagamma.py",
             "rfm.py", "clv.py", "survival.py", "privacy.py", "value_matrix.py", "concentration.py", "uplift.py",
             "targeting.py", "operations.py", "clustering.py"]
#: bare raises in those modules that are about arguments, not about a table's contents
ALLOWED = {
    "rule(s) {lacking} need a column that was not given",      # clean(rules=...) asks for a rule without its column
    "returns='net' needs a quantity or an amount column",
    "signal_cols must name at least one signal column",
    "has only one outcome",                                     # a fit that cannot be made, not a bad row
    "no customer predictor left after removing the campaign columns",
    "a response model needs at least one predictor column",
    "cannot also be a predictor",
    "holds only",
}


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_modules_raise_no_bare_error_about_a_column(module):
    tree = ast.parse((CRMLAB / module).read_text(encoding="utf-8"))
    offenders = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                and isinstance(node.exc.func, ast.Name) and node.exc.func.id in {"ValueError", "KeyError", "TypeError"}
                and node.exc.args):
            continue
        text = ast.unparse(node.exc.args[0])
        if "column" in text and not any(allowed in text for allowed in ALLOWED):
            offenders.append(f"line {node.lineno}: {text[:100]}")
    assert not offenders, f"{module} raises bare errors about columns (use crmlab.validation): {offenders}"


def test_a_date_format_with_an_unknown_directive_is_named_on_the_pandas_path_too():
    from crmlab import lifecycle, transactions
    from crmlab.summaries import summarize
    from crmlab.validation import check_date_format

    log = pd.DataFrame({"client": ["a", "b"], "day": ["01/02/2024", "03/02/2024"], "total": [1.0, 2.0]})
    calls = [lambda: transactions.validate(log, "client", "day", "total", date_format="%d/%q/%Y"),
             lambda: summarize(log, "client", "day", "total", date_format="%d/%q/%Y"),
             lambda: check_date_format(7)]
    for call in calls:
        with pytest.raises(ValidationError, match="date_format") as raised:
            call()
        assert raised.value.parameter == "date_format"
    with pytest.raises(WrongTypeError, match="options for engine logs") as raised:   # a pandas log has no such option
        lifecycle.stage_counts_over_time(log, "client", "day", "total", ["2024-02-28"], date_format="%d/%m/%Y")
    assert raised.value.parameter == "date_format"
