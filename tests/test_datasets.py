"""Tests of crmlab.datasets, the data cards and datasets/build_datasets.py."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmlab import datasets
from crmlab.datasets import (
    catalog,
    catalog_text,
    load_bank_marketing,
    load_cdnow,
    load_donations,
    load_hillstrom,
    load_online_retail,
    load_retention_cohorts,
    load_telco_churn,
)

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO / "datasets"
RAW = REPO.parent / "shared" / "data"

# catalog name -> (loader call, data-card folder)
LOADERS = {
    "cdnow_master": (lambda: load_cdnow("master"), "cdnow"),
    "cdnow_sample": (lambda: load_cdnow("sample"), "cdnow"),
    "donations": (load_donations, "donations"),
    "online_retail": (load_online_retail, "online_retail"),
    "bank_marketing_full": (lambda: load_bank_marketing("full"), "bank_marketing"),
    "bank_marketing_additional": (lambda: load_bank_marketing("additional"), "bank_marketing"),
    "hillstrom": (load_hillstrom, "hillstrom"),
    "telco_churn": (load_telco_churn, "telco_churn"),
    "retention_cohorts": (load_retention_cohorts, "retention"),
}

# row counts of the raw files (../shared/data/README.md)
RAW_ROWS = {
    "cdnow_master": 69_659,
    "cdnow_sample": 6_919,
    "donations": 22,
    "online_retail": 541_909,
    "bank_marketing_full": 45_211,
    "bank_marketing_additional": 41_188,
    "hillstrom": 64_000,
    "telco_churn": 7_043,
    "retention_cohorts": 26,
}

CARD_FOLDERS = sorted({folder for _, folder in LOADERS.values()})


def _load(name: str) -> pd.DataFrame:
    return LOADERS[name][0]()


# --------------------------------------------------------------------------- row counts


@pytest.mark.parametrize("name", sorted(RAW_ROWS))
def test_rows_equal_the_raw_files(name):
    assert len(_load(name)) == RAW_ROWS[name]


def test_cdnow_customers_and_sample_ids():
    master, sample = load_cdnow("master"), load_cdnow("sample")
    assert master["customer_id"].nunique() == 23_570
    assert sample["customer_id"].nunique() == 2_357
    assert sorted(sample["sample_id"].unique()) == list(range(1, 2_358))
    # one sample id per master id and back
    assert sample.groupby("customer_id")["sample_id"].nunique().max() == 1
    assert sample.groupby("sample_id")["customer_id"].nunique().max() == 1
    # the sample lines are exactly the master lines of the sampled customers
    columns = ["customer_id", "date", "number_of_cds", "dollar_value"]
    from_master = master[master["customer_id"].isin(sample["customer_id"])][columns]
    key = lambda frame: frame.sort_values(columns).reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(key(from_master), key(sample[columns]))
    # a Q1-1997 cohort followed to mid 1998
    assert master.groupby("customer_id")["date"].min().max() <= pd.Timestamp("1997-03-31")
    assert master["date"].min() == pd.Timestamp("1997-01-01")
    assert master["date"].max() == pd.Timestamp("1998-06-30")
    # quirks are kept, not cleaned: same-day lines and exact duplicates
    assert master.duplicated(["customer_id", "date"]).sum() == 2_068
    assert master.duplicated().sum() == 255
    assert round(master["dollar_value"].sum(), 2) == 2_500_315.63


def test_donations_table():
    donations = load_donations()
    assert donations.columns.tolist() == ["frequency", "recency", "periods", "donors"]
    assert donations["donors"].sum() == 11_104
    assert (donations["periods"] == 6).all()
    assert (donations["recency"] >= donations["frequency"]).all()
    assert ((donations["frequency"] == 0) == (donations["recency"] == 0)).all()
    assert not donations.duplicated(["frequency", "recency"]).any()


def test_online_retail_counts_match_the_card():
    retail = load_online_retail()
    assert retail["customer_id"].nunique() == 4_372
    assert retail["customer_id"].isna().sum() == 135_080
    assert retail["invoice_no"].str.startswith("C").sum() == 9_288
    assert (retail["quantity"] < 0).sum() == 10_624
    assert (retail["unit_price"] == 0).sum() == 2_515
    assert retail.drop(columns="amount").duplicated().sum() == 5_268
    assert retail["description"].isna().sum() == 1_454
    assert retail["stock_code"].isin(datasets.ONLINE_RETAIL_NON_PRODUCT_CODES).sum() == 2_916
    assert retail["invoice_date"].min() == pd.Timestamp("2010-12-01 08:26")
    assert retail["invoice_date"].max() == pd.Timestamp("2011-12-09 12:50")
    np.testing.assert_allclose(retail["amount"], retail["quantity"] * retail["unit_price"])
    # the first line of the raw file, unchanged
    first = retail.iloc[0]
    assert (first["invoice_no"], first["stock_code"], first["quantity"]) == ("536365", "85123A", 6)
    assert first["customer_id"] == 17850 and first["unit_price"] == 2.55


def test_bank_marketing_target_and_sentinels():
    full, additional = load_bank_marketing("full"), load_bank_marketing("additional")
    assert full["subscribed"].sum() == 5_289 and additional["subscribed"].sum() == 4_640
    assert round(full["subscribed"].mean(), 3) == 0.117
    assert round(additional["subscribed"].mean(), 3) == 0.113
    assert (full["pdays"] == -1).sum() == 36_954
    assert (additional["pdays"] == 999).sum() == 39_673
    assert full.columns[-1] == additional.columns[-1] == "subscribed"
    assert "y" not in full and "y" not in additional
    assert "unknown" in full["job"].cat.categories
    assert full["month"].cat.ordered and full["month"].cat.categories[0] == "jan"
    # duration leaks: a zero-length call never converts
    assert additional.loc[additional["duration"] == 0, "subscribed"].sum() == 0


def test_hillstrom_arms_and_outcomes():
    hillstrom = load_hillstrom()
    counts = hillstrom["segment"].value_counts()
    assert counts.to_dict() == {"Womens E-Mail": 21_387, "Mens E-Mail": 21_307, "No E-Mail": 21_306}
    assert hillstrom["segment"].cat.categories[0] == "No E-Mail"
    assert ((hillstrom["spend"] > 0) == (hillstrom["conversion"] == 1)).all()
    assert hillstrom["history_segment"].cat.categories[-1] == "7) $1,000 +"


def test_telco_total_charges_blank_where_tenure_is_zero():
    telco = load_telco_churn()
    assert telco["customer_id"].is_unique
    missing = telco["total_charges"].isna()
    assert missing.sum() == 11
    assert (telco.loc[missing, "tenure"] == 0).all() and (telco["tenure"] == 0).sum() == 11
    assert telco["churn"].sum() == 1_869
    assert telco["contract"].cat.categories.tolist() == ["Month-to-month", "One year", "Two year"]


def test_retention_cohorts_long_format():
    cohorts = load_retention_cohorts()
    assert cohorts.groupby("cohort", observed=True)["year"].apply(list).to_dict() == {
        "regular": list(range(13)),
        "high_end": list(range(13)),
    }
    wide = cohorts.pivot(index="year", columns="cohort", values="surviving_pct")
    assert wide.loc[0].tolist() == [100.0, 100.0]
    assert wide.loc[1].tolist() == [63.1, 86.9]
    assert wide.loc[12].tolist() == [17.3, 39.4]
    assert (wide.diff().iloc[1:] < 0).all().all()  # survival falls every year
    np.testing.assert_array_equal(cohorts["surviving_customers"], cohorts["surviving_pct"] * 10)


# --------------------------------------------------------------------------- dtypes


EXPECTED_DTYPES = {
    "cdnow_sample": {
        "customer_id": "int64",
        "sample_id": "int64",
        "date": "datetime",
        "number_of_cds": "int64",
        "dollar_value": "float64",
    },
    "online_retail": {
        "invoice_no": "string",
        "stock_code": "string",
        "description": "string",
        "quantity": "int64",
        "invoice_date": "datetime",
        "unit_price": "float64",
        "customer_id": "Int64",
        "country": "string",
        "amount": "float64",
    },
    "bank_marketing_additional": {
        "age": "int64",
        "job": "category",
        "month": "category",
        "day_of_week": "category",
        "pdays": "int64",
        "euribor3m": "float64",
        "subscribed": "int64",
    },
    "hillstrom": {"recency": "int64", "history": "float64", "segment": "category", "spend": "float64"},
    "telco_churn": {
        "customer_id": "string",
        "tenure": "int64",
        "monthly_charges": "float64",
        "total_charges": "float64",
        "contract": "category",
        "churn": "int64",
    },
    "retention_cohorts": {
        "cohort": "category",
        "year": "int64",
        "surviving_pct": "float64",
        "surviving_customers": "int64",
    },
    "donations": {"frequency": "int64", "recency": "int64", "periods": "int64", "donors": "int64"},
}


def _kind(dtype) -> str:
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if pd.api.types.is_datetime64_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.Int64Dtype):
        return "Int64"
    if pd.api.types.is_string_dtype(dtype):
        return "string"
    return str(dtype)


@pytest.mark.parametrize("name", sorted(EXPECTED_DTYPES))
def test_dtypes(name):
    frame = _load(name)
    assert {column: _kind(frame[column].dtype) for column in EXPECTED_DTYPES[name]} == EXPECTED_DTYPES[name]


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_columns_are_snake_case_and_outcomes_are_0_1(name):
    frame = _load(name)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", column) for column in frame.columns)
    for column in ("subscribed", "churn", "visit", "conversion", "mens", "womens", "newbie"):
        if column in frame:
            assert set(frame[column].unique()) <= {0, 1}


def test_loaders_return_copies():
    first = load_cdnow("sample")
    first.loc[:, "dollar_value"] = -1.0
    del first["date"]
    again = load_cdnow("sample")
    assert "date" in again and (again["dollar_value"] >= 0).all()


# --------------------------------------------------------------------------- arguments, catalog


@pytest.mark.parametrize(
    ("loader", "accepted"),
    [(load_cdnow, ["'master'", "'sample'"]), (load_bank_marketing, ["'full'", "'additional'"])],
)
def test_bad_kind_raises_and_names_the_accepted_values(loader, accepted):
    with pytest.raises(ValueError) as error:
        loader("everything")
    message = str(error.value)
    assert "everything" in message and all(value in message for value in accepted)


def test_catalog_lists_every_loader_with_true_shapes():
    table = catalog()
    assert table.columns.tolist() == [
        "name", "loader", "file", "rows", "columns", "time_span", "description", "source", "licence",
    ]
    assert sorted(table["name"]) == sorted(LOADERS)
    public_loaders = {name for name in datasets.__all__ if name.startswith("load_")}
    used = {call.split("(")[0] for call in table["loader"]}
    assert used == public_loaders
    assert not table.isna().any().any()
    for row in table.itertuples():
        frame = _load(row.name)
        assert frame.shape == (row.rows, row.columns), row.name
        assert (DATASETS / row.file).is_file()
        # the loader call shown in the catalog is valid code that gives the same frame
        shown = eval(row.loader, {name: getattr(datasets, name) for name in public_loaders})
        assert shown.columns.equals(frame.columns) and len(shown) == len(frame)


def _numbers(text: str) -> set[str]:
    """Numbers written in a text, not counting digits glued to letters ("Q1", "sBG")."""
    return set(re.findall(r"(?<![A-Za-z])\d[\d,.:/-]*\d|(?<![A-Za-z\d])\d(?![\d])", text))


def test_catalog_text_in_chinese_says_what_the_english_says():
    english, chinese = catalog_text("en"), catalog_text("zh")
    assert english.equals(catalog()[["name", "time_span", "description", "source", "licence"]])
    assert chinese["name"].tolist() == english["name"].tolist()
    for column in ("time_span", "description", "source", "licence"):
        for name, en_text, zh_text in zip(english["name"], english[column], chinese[column]):
            assert re.search(r"[\u4e00-\u9fff]", zh_text), (name, column, zh_text)
            # the same counts, dates and years in both languages
            assert _numbers(en_text) <= _numbers(zh_text), (name, column, en_text, zh_text)
    with pytest.raises(ValueError, match="fr"):
        catalog_text("fr")


def test_catalog_table_shows_the_text_of_the_readers_language():
    from crmlab.first_look import catalog_table

    table = catalog()
    english = catalog_table(table, "en")
    assert english.columns.tolist() == [
        "Name", "Loader", "file", "Rows", "Columns", "Time span", "Description", "Source", "Terms",
    ]
    assert english["Description"].tolist() == table["description"].tolist()
    chinese = catalog_table(table.iloc[::-1], "zh")  # rows matched by name, whatever their order
    assert chinese.columns.tolist()[2] == "数据文件"
    expected = catalog_text("zh").set_index("name")
    assert chinese.set_index("名称")["使用条款"].to_dict() == expected["licence"].to_dict()
    assert chinese["行数"].tolist() == table["rows"].tolist()[::-1]
    assert table.columns.tolist()[5] == "time_span", "the catalogue itself is not modified"


def test_crmlab_data_env_var_overrides(tmp_path, monkeypatch):
    shutil.copytree(DATASETS / "retention", tmp_path / "retention")
    table = tmp_path / "retention" / "sbg_cohorts.csv"
    text = table.read_text().replace("regular,1,63.1", "regular,1,50.0")
    table.write_text(text)
    monkeypatch.setenv(datasets.DATA_ENV_VAR, str(tmp_path))
    assert datasets.data_location() == tmp_path
    cohorts = load_retention_cohorts()
    assert cohorts.loc[(cohorts["cohort"] == "regular") & (cohorts["year"] == 1), "surviving_pct"].item() == 50.0
    with pytest.raises(FileNotFoundError, match="cdnow"):
        load_cdnow()
    monkeypatch.setenv(datasets.DATA_ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match=datasets.DATA_ENV_VAR):
        load_donations()
    monkeypatch.delenv(datasets.DATA_ENV_VAR)
    assert load_retention_cohorts()["surviving_pct"].iloc[1] == 63.1


# --------------------------------------------------------------------------- data cards

FILE_ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+) \| ([\d,]+) \| `([0-9a-f]{64})` \|$", re.MULTILINE)


def _card(folder: str) -> str:
    return (DATASETS / folder / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("folder", CARD_FOLDERS)
def test_card_checksums_match_the_files(folder):
    rows = FILE_ROW.findall(_card(folder))
    listed = {name for name, *_ in rows}
    on_disk = {path.name for path in (DATASETS / folder).iterdir() if path.name != "README.md"}
    assert listed == on_disk
    for name, _, size, digest in rows:
        data = (DATASETS / folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name
        assert len(data) == int(size.replace(",", "")), name


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_card_describes_every_column(name):
    frame = _load(name)
    card = _card(LOADERS[name][1])
    missing = [column for column in frame.columns if f"`{column}`" not in card]
    assert not missing
    for heading in ("Source", "licence", "Cite", "Columns", "quirks", "Files"):
        assert heading in card


@pytest.mark.parametrize("folder", CARD_FOLDERS)
def test_card_mentions_every_raw_file_column(folder):
    """Columns of the committed files too (e.g. bank's raw target `y`)."""
    card = _card(folder)
    for path in (DATASETS / folder).glob("*.csv*"):
        header = pd.read_csv(path, nrows=0).columns
        assert [c for c in header if f"`{c}`" not in card] == [], path.name


# --------------------------------------------------------------------------- build script


def _build_module():
    spec = importlib.util.spec_from_file_location("build_datasets", DATASETS / "build_datasets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not RAW.is_dir(), reason="raw data folder ../shared/data is not present")
def test_build_script_reproduces_the_committed_files_byte_for_byte():
    build = _build_module()
    files = build.build(RAW)
    for relative, (data, _) in files.items():
        assert (DATASETS / relative).read_bytes() == data, relative
    for folder in CARD_FOLDERS:
        assert build.files_block(folder, files) in _card(folder), folder


def test_snake_case_helper():
    build = _build_module()
    cases = {
        "InvoiceNo": "invoice_no",
        "CustomerID": "customer_id",
        "customerID": "customer_id",
        "emp.var.rate": "emp_var_rate",
        "SeniorCitizen": "senior_citizen",
        "TotalCharges": "total_charges",
        "nr.employed": "nr_employed",
        "euribor3m": "euribor3m",
    }
    assert {raw: build.snake_case(raw) for raw in cases} == cases


# --------------------------------------------------------------------------- installed wheel


def test_datasets_load_from_an_installed_wheel(tmp_path):
    """Build a wheel from a copy of the project, install it into a folder, load data outside the repo."""
    source = tmp_path / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for name in ("crmlab", "datasets"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    wheels = tmp_path / "wheels"
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "CRMLAB_DATA")}
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    if built.returncode != 0 and re.search(r"No matching distribution|Could not find a version", built.stderr):
        pytest.skip("the build backend (setuptools) cannot be fetched: " + built.stderr[-300:])
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = wheels.glob("crmlab-*.whl")
    target = tmp_path / "target"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert (target / "crmlab" / "_data" / "online_retail" / "online_retail.csv.gz").is_file()
    assert not (target / "datasets").exists()  # no top-level 'datasets' package in site-packages
    script = textwrap.dedent(
        """
        import crmlab, crmlab.datasets as d
        from pathlib import Path
        print(Path(crmlab.__file__).resolve().parent)
        print(Path(str(d.data_location())).resolve())
        print(len(d.load_cdnow("sample")), int(d.load_donations()["donors"].sum()))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path, env={**env, "PYTHONPATH": str(target)}, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    package_dir, location, counts = run.stdout.strip().splitlines()
    assert Path(package_dir) == (target / "crmlab").resolve()
    assert Path(location) == (target / "crmlab" / "_data").resolve()
    assert counts == "6919 11104"
