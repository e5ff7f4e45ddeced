"""crmlab.reader: every format a researcher has, and a named error for every bad file."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from crmlab.reader import DataFileError, check_dates, describe, read_table

ROWS = "客户编号,下单日期,金额\n0007,2024-01-02,10.5\n7,2024-01-03,5\n0007,2024-02-01,1\n"


@pytest.mark.parametrize("encoding, declared", [("utf-8", None), ("utf-8-sig", None), ("gb18030", None),
                                                ("gbk", None), ("gbk", "gbk")])
def test_csv_encodings_are_detected_or_declared(tmp_path, encoding, declared):
    path = tmp_path / "log.csv"
    path.write_bytes(ROWS.encode(encoding))
    table = read_table(path, encoding=declared, columns={"customer_col": "客户编号"}, id_columns=["客户编号"])
    assert list(table.columns) == ["客户编号", "下单日期", "金额"]          # no BOM left in the first name
    assert table["客户编号"].tolist() == ["0007", "7", "0007"]                # ids as text: two customers
    assert table.attrs["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_separators_are_detected(tmp_path, separator):
    path = tmp_path / "log.csv"
    path.write_text(ROWS.replace(",", separator), encoding="utf-8")
    assert read_table(path).shape == (3, 3)


def test_xlsx_and_parquet_read_like_csv(tmp_path):
    frame = pd.DataFrame({"client": ["0007", "7"], "day": pd.to_datetime(["2024-01-02", "2024-01-03"]), "total": [1.0, 2.0]})
    frame.to_excel(tmp_path / "log.xlsx", index=False)
    frame.to_parquet(tmp_path / "log.parquet")
    for name in ("log.xlsx", "log.parquet"):
        table = read_table(tmp_path / name, id_columns=["client"], dates={"date_col": "day"})
        assert table["client"].tolist() == ["0007", "7"] and table["day"].dt.day.tolist() == [2, 3], name
    numeric = pd.DataFrame({"client": [7.0, 8.0]})
    numeric.to_parquet(tmp_path / "numbers.parquet")
    assert read_table(tmp_path / "numbers.parquet", id_columns=["client"])["client"].tolist() == ["7", "8"]


@pytest.mark.parametrize("content, message", [
    (b"", "is empty (0 bytes)"),
    (b"\xef\xbb\xbf\r\n", "is empty"),
    (b"client,day\n", "has a header ('client', 'day') but no rows"),
])
def test_empty_files_and_header_only_are_named(tmp_path, content, message):
    path = tmp_path / "log.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=r"parameter `data_path`.*" + message.replace("(", r"\(").replace(")", r"\)")):
        read_table(path)


def test_missing_and_misspelt_columns_name_the_parameter_and_offer_a_match(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Customer ID,ordered_on,total\n1,2024-01-01,3\n")
    with pytest.raises(DataFileError) as error:
        read_table(path, columns={"customer_col": "customer_id", "date_col": "order_on", "amount_col": "segment",
                                  "feature_cols": ["total", "tenure"]})
    text = str(error.value)
    assert "parameter `customer_col` = 'customer_id': log.csv has no column 'customer_id'; did you mean 'Customer ID'?" in text
    assert "parameter `date_col` = 'order_on'" in text and "did you mean 'ordered_on'?" in text
    assert "parameter `amount_col` = 'segment': log.csv has no column 'segment';" in text
    assert "parameter `feature_cols` = 'tenure'" in text and "'total'" not in text.split("Its columns")[0]


@pytest.mark.parametrize("name, message", [
    ("log.xls", "old .xls workbook"), ("log.json", "has the suffix '.json'"), ("missing.csv", "no such file"),
])
def test_unsupported_or_missing_files(tmp_path, name, message):
    if name != "missing.csv":
        (tmp_path / name).write_text("x")
    with pytest.raises(DataFileError, match=message):
        read_table(tmp_path / name, parameter="survival_path")


def test_undecodable_text_names_the_encoding_parameter(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes("客户\n甲\n".encode("gb18030"))
    with pytest.raises(DataFileError, match="parameter `encoding` = 'utf-8': log.csv is not utf-8 text"):
        read_table(path, encoding="utf-8")
    with pytest.raises(DataFileError, match="parameter `encoding` = 'klingon'"):
        read_table(path, encoding="klingon")


@pytest.mark.parametrize("values, message", [
    (["31/01/2024", "01/02/2024"], "day/month/year order (2 rows); pass -p date_format '%d/%m/%Y'"),
    (["01/31/2024", "02/01/2024"], "month/day/year order (2 rows); pass -p date_format '%m/%d/%Y'"),
    (["01/02/2024", "03/04/2024"], "can be day/month or month/day (2 rows)"),
    (["2024-01-02"] * 5 + ["2024-13-45", "tomorrow"], "has 2 rows of 7 whose date cannot be read"),
])
def test_dates_that_cannot_be_read_safely_are_refused_with_the_fix(values, message):
    with pytest.raises(DataFileError) as error:
        check_dates(pd.DataFrame({"day": values}), "day")
    assert "column 'day' (parameter `date_col`)" in str(error.value) and message in str(error.value)


def test_dates_with_a_format_missing_dates_and_integer_dates():
    table = pd.DataFrame({"day": ["31/01/2024", None, "01/02/2024"], "n": [19970101, 19970102, 19970103]})
    parsed = check_dates(table, "day", date_format="%d/%m/%Y")
    assert parsed.dt.month.tolist()[::2] == [1, 2] and parsed.isna().tolist() == [False, True, False]
    assert check_dates(table, "n").dt.day.tolist() == [1, 2, 3]
    with pytest.raises(DataFileError, match="does not match date_format '%Y-%m-%d'"):
        check_dates(table, "day", date_format="%Y-%m-%d")


def test_describe_says_what_was_read(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(ROWS.encode("gb18030"))
    assert describe(read_table(path)).startswith("log.csv: 3 rows, 3 columns (csv, gb18030), SHA-256 ")
