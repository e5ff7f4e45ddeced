"""crmlab.transactions: a corpus of bad logs, the cleaning rules, and Online Retail's cleaning report."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from crmlab import lang
from crmlab.transactions import CLEANING_RULES, TransactionLogError, clean, validate
from tests.conftest import SHARED


def good_log() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer": ["a", "a", "b", "c", "c"],
            "date": ["2024-01-02", "2024-01-09", "2024-01-03", "2024-01-04", "2024-01-20"],
            "amount": [10.0, 12.5, 8.0, 3.0, 4.0],
        }
    )


def with_column(name: str, values: list) -> pd.DataFrame:
    return good_log().assign(**{name: values})


# --- bad logs that must raise, each with the column and the count in the message ----------------

UTC8 = dt.timezone(dt.timedelta(hours=8))

BAD_LOGS = {
    "missing column": (good_log().drop(columns="amount"), {}, "no column(s) 'amount'"),
    "missing two columns": (
        good_log().rename(columns={"customer": "id", "date": "day"}), {},
        "no column(s) 'customer', 'date'",
    ),
    "empty log": (good_log().iloc[:0], {}, "empty (0 rows)"),
    "unparsable dates": (
        with_column("date", ["2024-01-02", "yesterday", "2024-01-03", "2024-13-45", "2024-01-20"]), {},
        "column 'date' has 2 rows whose date cannot be parsed (e.g. 'yesterday', '2024-13-45')",
    ),
    "day-first and ISO dates mixed": (
        with_column("date", ["02/01/2024", "2024-01-09", "2024-01-03", "2024-01-04", "2024-01-20"]), {},
        "column 'date' has 4 rows whose date cannot be parsed",
    ),
    "missing dates": (
        with_column("date", ["2024-01-02", None, "2024-01-03", "2024-01-04", "2024-01-20"]), {},
        "column 'date' has no date in 1 row of 5",
    ),
    "integer dates that are not yyyymmdd": (
        with_column("date", [20240102, 20240109, 20240103, 1704326400, 20240120]), {},
        "column 'date' holds numbers that are not yyyymmdd dates in 1 row (e.g. 1704326400)",
    ),
    "dates with and without a time zone": (
        with_column("date", ["2024-01-02 10:00+08:00", "2024-01-09 10:00", "2024-01-03 10:00+08:00",
                             "2024-01-04 10:00+08:00", "2024-01-20 10:00+08:00"]), {},
        "column 'date' mixes dates with a time zone (4 rows) and without one (1 row, e.g. '2024-01-09 10:00')",
    ),
    "datetime objects with and without a zone": (
        with_column("date", [dt.datetime(2024, 1, 2, tzinfo=UTC8), dt.datetime(2024, 1, 9),
                             dt.datetime(2024, 1, 3), dt.datetime(2024, 1, 4), dt.datetime(2024, 1, 20)]), {},
        "column 'date' mixes dates with a time zone (1 row) and without one (4 rows",
    ),
    "text in the amount": (
        with_column("amount", ["10.0", "12,50", "8", "n/a", "4"]), {},
        "column 'amount' has 2 rows with text that is not a number (e.g. '12,50', 'n/a')",
    ),
    "missing amounts": (
        with_column("amount", [10.0, np.nan, 8.0, np.nan, 4.0]), {},
        "column 'amount' has no amount in 2 rows of 5",
    ),
    "infinite amount": (with_column("amount", [10.0, np.inf, 8.0, 3.0, 4.0]), {}, "column 'amount' has infinite amounts in 1 row"),
    "boolean amounts": (with_column("amount", [True, False, True, True, True]), {}, "column 'amount' holds booleans"),
    "negative amounts": (
        with_column("amount", [10.0, -12.5, 8.0, -3.0, 4.0]), {},
        "column 'amount' has negative amounts (returns or cancellations?) in 2 rows (e.g. -12.5, -3.0)",
    ),
    "missing customer ids": (
        with_column("customer", ["a", None, "b", np.nan, "c"]), {},
        "column 'customer' has no customer id in 2 rows of 5",
    ),
    "blank customer ids": (
        with_column("customer", ["a", "  ", "b", "", "c"]), {},
        "column 'customer' has no customer id in 2 rows of 5",
    ),
    "dates after the observation end": (
        good_log(), {"observation_end": "2024-01-08"},
        "column 'date' has 2 rows after the observation end 2024-01-08 (latest 2024-01-20)",
    ),
    "exact duplicate lines when refused": (
        pd.concat([good_log(), good_log().iloc[[1, 1]]]), {"allow_duplicates": False},
        "the transaction log has 2 rows repeating an earlier line exactly",
    ),
    "two columns with the same name": (
        good_log().set_axis(["customer", "date", "date"], axis=1), {"amount_col": None},
        "more than one column named ['date']",
    ),
}


@pytest.mark.parametrize("case", list(BAD_LOGS), ids=list(BAD_LOGS))
def test_bad_log_raises_naming_column_and_count(case):
    log, options, fragment = BAD_LOGS[case]
    options = {"amount_col": "amount", **options}
    with pytest.raises(TransactionLogError) as error:
        validate(log, "customer", "date", **options)
    assert fragment in str(error.value)


def test_corpus_has_at_least_15_kinds():
    assert len(BAD_LOGS) >= 15


def test_not_a_dataframe_is_a_type_error():
    with pytest.raises(TypeError, match="must be a pandas DataFrame, got list"):
        validate([1, 2], "customer", "date")


def test_error_is_a_value_error():
    assert issubclass(TransactionLogError, ValueError)


# --- what validate accepts and how it normalises ---------------------------------------------------


def test_valid_log_is_returned_normalised():
    out = validate(good_log(), "customer", "date", "amount", observation_end="2024-01-20")
    assert out["date"].dtype == "datetime64[ns]"
    assert out["amount"].dtype == "float64"
    assert len(out) == 5 and out.attrs["notes"] == []


def test_yyyymmdd_integers_are_dates():
    out = validate(with_column("date", [20240102, 20240109, 20240103, 20240104, 20240120]), "customer", "date")
    assert out["date"].iloc[0] == pd.Timestamp("2024-01-02")
    assert "yyyymmdd" in out.attrs["notes"][0] or "%Y%m%d" in out.attrs["notes"][0]


def test_zero_amounts_and_duplicates_are_accepted_by_default():
    log = pd.concat([good_log(), good_log().iloc[[0]]]).assign(amount=lambda d: d["amount"].where(d.index != 2, 0.0))
    assert len(validate(log, "customer", "date", "amount")) == 6


def test_time_zone_rule_keeps_local_wall_clock_or_converts():
    log = with_column("date", ["2024-01-02 23:30+08:00", "2024-01-09 10:00+01:00", "2024-01-03 10:00Z",
                               "2024-01-04 10:00+08:00", "2024-01-20 10:00+08:00"])
    local = validate(log, "customer", "date")
    assert local["date"].iloc[0] == pd.Timestamp("2024-01-02 23:30")
    assert "dropped; local wall-clock times kept" in local.attrs["notes"][0]
    in_utc = validate(log, "customer", "date", timezone="UTC")
    assert in_utc["date"].iloc[0] == pd.Timestamp("2024-01-02 15:30")
    assert in_utc["date"].iloc[1] == pd.Timestamp("2024-01-09 09:00")


def test_time_zone_aware_column_drops_its_zone():
    dates = pd.Series(pd.to_datetime(["2024-01-02 23:30", "2024-01-09 00:00", "2024-01-03 00:00",
                                       "2024-01-04 00:00", "2024-01-20 00:00"]))
    log = good_log().assign(date=dates.dt.tz_localize("Asia/Shanghai"))
    out = validate(log, "customer", "date")
    assert out["date"].iloc[0] == pd.Timestamp("2024-01-02 23:30")
    assert out.attrs["notes"] == ["column 'date': time zone Asia/Shanghai dropped (local wall-clock times kept)"]


def test_dates_after_end_can_be_dropped_and_are_counted():
    out = validate(good_log(), "customer", "date", observation_end="2024-01-08", after_observation_end="drop")
    assert len(out) == 3
    assert out.attrs["rows_after_observation_end"] == 2


# --- cleaning rules ----------------------------------------------------------------------------------


def raw_shop_log() -> pd.DataFrame:
    """A small Online-Retail-like log with one row for each problem."""
    return pd.DataFrame(
        {
            "invoice": ["1", "1", "1", "2", "C3", "4", "5", "6", "7", "8", "9", "10"],
            "code": ["A", "K", "K", "A", "A", "POST", "A", "m", "A", "A", "K", "A"],
            "quantity": [2, 1, 1, 3, -2, 1, -1, 1, 4, 1, 2, 5],
            "price": [2.5, 4.0, 4.0, 2.5, 2.5, 18.0, 2.5, 1.0, 0.0, 3.0, 4.0, 2.5],
            "date": ["2024-01-02 10:00", "2024-01-02 10:00", "2024-01-02 10:00", "2024-01-05 09:00",
                     "2024-01-06 11:00", "2024-01-05 09:00", "2024-01-07 12:00", "2024-01-08 08:00",
                     "2024-01-09 08:00", None, "2024-01-10 08:00", "2024-03-01 08:00"],
            "customer": [1, 1, 1, 2, 2, 2, 1, 3, 3, np.nan, np.nan, 1],
        }
    )


def test_cleaning_report_counts_each_row_once_in_rule_order():
    cleaned, report = clean(
        raw_shop_log(), "customer", "date", "amount", observation_end="2024-01-31",
        quantity_col="quantity", price_col="price", invoice_col="invoice", stock_code_col="code",
    )
    by_reason = report.set_index("reason")
    assert list(report["reason"]) == list(CLEANING_RULES)
    expected_rows = {
        "missing_customer_id": 2,  # rows 9 and 10 (row 9 also lacks a date: counted once, under the first rule)
        "missing_date": 0,
        "missing_amount": 0,
        "after_observation_end": 1,
        "duplicate_line": 1,
        "cancellation": 1,
        "negative_quantity": 1,
        "negative_amount": 0,
        "non_product_line": 2,  # POST and the lower-case manual line "m"
        "zero_amount": 1,
    }
    assert by_reason["rows_removed"].to_dict() == expected_rows
    assert by_reason.loc["cancellation", "amount_removed"] == -5.0
    assert by_reason.loc["non_product_line", "amount_removed"] == 19.0
    assert by_reason.loc["missing_customer_id", "amount_removed"] == 11.0
    assert report.attrs["rows_in"] - report.attrs["rows_out"] == report["rows_removed"].sum() == 9
    assert cleaned.index.tolist() == [0, 1, 3]
    assert cleaned["amount"].tolist() == [5.0, 4.0, 7.5]
    assert report["share_of_rows"].sum() == pytest.approx(9 / 12)
    # the cleaned log passes validation and can be summarised
    validate(cleaned, "customer", "date", "amount", observation_end="2024-01-31")


def test_rules_run_only_when_their_columns_are_given():
    cleaned, report = clean(good_log(), "customer", "date")
    assert list(report["reason"]) == ["missing_customer_id", "missing_date", "duplicate_line"]
    assert "amount_removed" not in report.columns
    assert report["rows_removed"].sum() == 0 and len(cleaned) == 5


def test_chosen_rules_and_unknown_rules():
    log = with_column("amount", [10.0, -1.0, 0.0, 3.0, 4.0])
    cleaned, report = clean(log, "customer", "date", "amount", rules=["zero_amount"])
    assert report["reason"].tolist() == ["zero_amount"] and len(cleaned) == 4
    with pytest.raises(ValueError, match="unknown cleaning rule"):
        clean(log, "customer", "date", "amount", rules=["returns"])
    with pytest.raises(ValueError, match="need a column"):
        clean(log, "customer", "date", "amount", rules=["cancellation"])


def test_dates_after_end_raise_when_asked():
    with pytest.raises(TransactionLogError, match="column 'date' has 2 rows after the observation end 2024-01-08"):
        clean(good_log(), "customer", "date", "amount", observation_end="2024-01-08", after_observation_end="error")


def test_clean_still_refuses_text_and_unparsable_dates():
    with pytest.raises(TransactionLogError, match="column 'amount' has 1 row with text"):
        clean(with_column("amount", [1, 2, "x", 4, 5]), "customer", "date", "amount")
    with pytest.raises(TransactionLogError, match="column 'date' has 1 row whose date cannot be parsed"):
        clean(with_column("date", ["2024-01-02", "2024-01-09", "soon", "2024-01-04", "2024-01-20"]), "customer", "date")


def test_report_labels_exist_in_both_languages():
    _, report = clean(raw_shop_log(), "customer", "date", "amount", quantity_col="quantity", price_col="price",
                      invoice_col="invoice", stock_code_col="code")
    shown = lang.localize(report, "zh", value_columns=["reason"])
    assert "原因" in shown.columns and "取消订单" in shown.iloc[:, 0].tolist()


# --- Online Retail: every removed row is accounted for ------------------------------------------------


@pytest.fixture(scope="module")
def online_retail() -> pd.DataFrame:
    try:
        from crmlab.datasets import load_online_retail  # noqa: PLC0415
    except ImportError:
        raw = pd.read_csv(SHARED / "data" / "online_retail" / "online_retail.csv.gz")
        raw.columns = ["invoice_no", "stock_code", "description", "quantity", "invoice_date",
                       "unit_price", "customer_id", "country"]
        return raw.assign(amount=raw["quantity"] * raw["unit_price"])
    return load_online_retail()


def test_online_retail_cleaning_report(online_retail):
    assert len(online_retail) == 541_909
    cleaned, report = clean(
        online_retail, "customer_id", "invoice_date", "amount",
        quantity_col="quantity", invoice_col="invoice_no", stock_code_col="stock_code",
    )
    by_reason = report.set_index("reason")["rows_removed"].to_dict()
    assert by_reason == {
        "missing_customer_id": 135_080,
        "missing_date": 0,
        "missing_amount": 0,
        "duplicate_line": 5_225,
        "cancellation": 8_872,
        "negative_quantity": 0,
        "negative_amount": 0,
        "non_product_line": 1_549,
        "zero_amount": 33,
    }
    assert report.attrs["rows_in"] - report.attrs["rows_out"] == sum(by_reason.values())
    assert len(cleaned) == 391_150
    assert cleaned["customer_id"].nunique() == 4_334
    amount = report.set_index("reason")["amount_removed"]
    assert amount["cancellation"] == pytest.approx(-608_689.47, abs=0.01)
    assert cleaned["amount"].sum() + report["amount_removed"].sum() == pytest.approx(online_retail["amount"].sum())
    assert (cleaned["amount"] > 0).all()


def test_online_retail_duplicates_alone(online_retail):
    _, report = clean(online_retail, "customer_id", "invoice_date", rules=["duplicate_line"])
    assert report["rows_removed"].tolist() == [5_268]


# --- netting returns ------------------------------------------------------------------------------


def returns_log() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "invoice": ["1", "2", "3", "C4", "5", "C6", "C7"],
            "code": ["A", "A", "K", "A", "K", "K", "Z"],
            "quantity": [4, 6, 2, -8, 3, -2, -1],
            "price": [1.0, 1.0, 5.0, 1.0, 5.0, 5.0, 9.0],
            "date": ["2024-01-01", "2024-01-05", "2024-01-02", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09"],
            "customer": [1, 1, 1, 1, 2, 2, 1],
        }
    )


def test_returns_are_netted_latest_purchase_first():
    cleaned, report = clean(returns_log(), "customer", "date", "amount", quantity_col="quantity", price_col="price",
                            invoice_col="invoice", stock_code_col="code", returns="net")
    by_reason = report.set_index("reason")
    # customer 1 returned 8 of A: the 6 bought on 01-05 in full, then 2 of the 4 bought on 01-01
    # customer 2 returned 2 of K: 2 of the 3 bought on 01-07; customer 1's K is untouched;
    # the return of Z matches no purchase in the log
    assert by_reason.loc["cancellation", "rows_removed"] == 3
    assert by_reason.loc["fully_returned", "rows_removed"] == 1
    assert by_reason.loc["fully_returned", "amount_removed"] == 6.0
    assert cleaned.index.tolist() == [0, 2, 4]
    assert cleaned["quantity"].tolist() == [2, 2, 1]
    assert cleaned["quantity"].dtype == np.int64
    assert cleaned["amount"].tolist() == [2.0, 10.0, 5.0]
    assert report.attrs["amount_netted_from_kept_rows"] == 12.0  # 2 x 1.0 and 2 x 5.0
    assert report.attrs["returned_unmatched"] == 1.0
    total_in = (returns_log()["quantity"] * returns_log()["price"]).sum()
    accounted = cleaned["amount"].sum() + report["amount_removed"].sum() + report.attrs["amount_netted_from_kept_rows"]
    assert accounted == pytest.approx(total_in)
    assert report.attrs["rows_in"] - report.attrs["rows_out"] == report["rows_removed"].sum()


def test_returns_are_netted_on_amount_without_quantity():
    log = pd.DataFrame({"customer": ["a", "a", "a"], "date": ["2024-01-01", "2024-01-03", "2024-01-04"],
                        "amount": [30.0, 20.0, -25.0]})
    cleaned, report = clean(log, "customer", "date", "amount", returns="net")
    assert cleaned["amount"].tolist() == [25.0]
    assert report.set_index("reason").loc[["negative_amount", "fully_returned"], "rows_removed"].tolist() == [1, 1]
    assert report.attrs["amount_netted_from_kept_rows"] == 5.0


def test_online_retail_returns_netted(online_retail):
    cleaned, report = clean(
        online_retail, "customer_id", "invoice_date", "amount",
        quantity_col="quantity", invoice_col="invoice_no", stock_code_col="stock_code", returns="net",
    )
    by_reason = report.set_index("reason")
    assert by_reason.loc["cancellation", "rows_removed"] == 8_872
    assert by_reason.loc["fully_returned", "rows_removed"] == 3_067
    assert by_reason.loc["fully_returned", "amount_removed"] == pytest.approx(386_945.51, abs=0.01)
    assert report.attrs["amount_netted_from_kept_rows"] == pytest.approx(103_528.60, abs=0.01)
    assert report.attrs["returned_unmatched"] == 21_696  # items returned that were bought before the log or not as products
    assert len(cleaned) == 388_083
    accounted = cleaned["amount"].sum() + report["amount_removed"].sum() + report.attrs["amount_netted_from_kept_rows"]
    assert accounted == pytest.approx(online_retail["amount"].sum())
    assert (cleaned["quantity"] > 0).all() and cleaned["quantity"].dtype == np.int64


def test_cleaning_table_accounts_for_every_row_and_translates():
    from crmlab.transactions import cleaning_table

    log = pd.DataFrame({
        "customer": ["a", "a", "a", None, "b", "b"],
        "date": ["2024-01-02"] * 6,
        "invoice": ["1", "1", "C2", "3", "4", "5"],
        "amount": [10.0, 10.0, -10.0, 5.0, 0.0, 7.5],
    })
    _, report = clean(log, "customer", "date", "amount", invoice_col="invoice")
    table = cleaning_table(report).set_index("reason")
    assert table.loc["rows_in_log", "rows"] == 6
    assert table.loc["missing_customer_id", "rows"] == 1
    assert table.loc["duplicate_line", "rows"] == 1
    assert table.loc["cancellation", "rows"] == 1
    assert table.loc["zero_amount", "rows"] == 1
    assert table.loc["total_removed", "rows"] == 4 and table.loc["rows_kept", "rows"] == 2
    assert table.loc["total_removed", "amount"] == pytest.approx(5.0 + 10.0 - 10.0 + 0.0)
    assert table.loc["rows_kept", "share_of_rows"] == pytest.approx(2 / 6)
    zh = lang.localize(cleaning_table(report), "zh")
    assert zh.columns.tolist() == ["原因", "行数", "行数占比", "金额"]
    assert zh.iloc[0, 0] == "原始记录行数" and zh.iloc[-1, 0] == "保留行数"
    broken = report.copy()
    broken.attrs = dict(report.attrs, rows_out=3)
    with pytest.raises(ValueError, match="does not add up"):
        cleaning_table(broken)
    no_amount = clean(log.drop(columns="amount"), "customer", "date")[1]
    assert "amount" not in cleaning_table(no_amount).columns


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        (pd.DataFrame({"c": ["a", None], "d": ["2024-01-02"] * 2, "m": [1.0, 2.0]}), "缺少客户编号"),
        (pd.DataFrame({"c": ["a", "b"], "d": ["2024-01-02", None], "m": [1.0, 2.0]}), "缺少日期"),
        (pd.DataFrame({"c": ["a", "b"], "d": ["2024-01-02"] * 2, "m": [1.0, None]}), "缺少金额"),
    ],
)
def test_explain_error_is_english_as_raised_and_chinese_for_zh(frame, words):
    from crmlab.transactions import explain_error  # noqa: PLC0415

    with pytest.raises(TransactionLogError) as caught:
        validate(frame, "c", "d", "m")
    assert explain_error(caught.value, "en") == f"TransactionLogError: {caught.value}"
    chinese = explain_error(caught.value, "zh")
    assert words in chinese and "1 行（共 2 行）" in chinese and "remove them" not in chinese


def test_explain_error_keeps_an_unknown_message_after_a_chinese_lead():
    from crmlab.transactions import explain_error  # noqa: PLC0415

    problem = TransactionLogError("the transaction log is empty (0 rows): there is nothing to summarise")
    assert explain_error(problem, "zh").startswith("交易记录错误")
    assert str(problem) in explain_error(problem, "zh")
