"""Rebuild every real dataset in ``datasets/`` from the raw files in ``../shared/data``.

Usage (from the repository root)::

    python datasets/build_datasets.py                  # raw from ../shared/data, write into datasets/
    python datasets/build_datasets.py --raw DIR --out DIR
    python datasets/build_datasets.py --check          # rebuild in memory, compare with the committed files

What the conversion does, and only this:

* headers become snake_case (``InvoiceNo`` -> ``invoice_no``, ``emp.var.rate`` -> ``emp_var_rate``);
* dates become ISO 8601 (``19970101`` -> ``1997-01-01``; Online Retail keeps ``YYYY-MM-DD HH:MM:SS``);
* ids lose padding and float noise (``00004`` -> ``4``, ``17850.0`` -> ``17850``);
* a blank field (Telco ``TotalCharges`` is a single space when tenure is 0) becomes an empty field;
* separators become commas, line ends ``\\n``, encoding UTF-8;
* the two sBG retention cohorts are stored long (cohort, year, surviving_pct) instead of wide.

Every raw row is kept, in raw order: returns, cancellations, duplicates, rows without a customer id
and the like are documented in the data cards and handled (or reported) by crmlab, never dropped here.
Values are carried as the raw text, so no float is re-formatted.

Files larger than a few kB are gzip-compressed with a fixed header (no file name, mtime 0) so that a
re-run gives byte-identical files with the same zlib. After writing, the script refreshes the block
between ``<!-- BEGIN FILES -->`` and ``<!-- END FILES -->`` in each data card (file, rows, bytes, sha256).

Needs only the standard library and pandas.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DEFAULT_RAW = HERE.parent.parent / "shared" / "data"

# Raw licence / documentation files copied verbatim next to the converted data.
COPIED_FILES: dict[str, list[tuple[str, str]]] = {
    "cdnow": [("cdnow/LICENSE-lifetimes-MIT.txt", "LICENSE-lifetimes-MIT.txt")],
    "donations": [("cdnow/LICENSE-lifetimes-MIT.txt", "LICENSE-lifetimes-MIT.txt")],
    "bank_marketing": [
        ("bank_marketing/bank-names.txt", "bank-names.txt"),
        ("bank_marketing/bank-additional-names.txt", "bank-additional-names.txt"),
    ],
    "telco_churn": [("telco_churn/LICENSE-repo-Apache-2.0.txt", "LICENSE-repo-Apache-2.0.txt")],
}

BEGIN_MARK = "<!-- BEGIN FILES (written by build_datasets.py; do not edit by hand) -->"
END_MARK = "<!-- END FILES -->"


def snake_case(name: str) -> str:
    """``CustomerID`` -> ``customer_id``, ``emp.var.rate`` -> ``emp_var_rate``."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", name.strip())
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return name.strip("_").lower()


def _read_text_table(path: Path, **kwargs) -> pd.DataFrame:
    """Read a delimited file with every field as text and nothing turned into NaN."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, **kwargs)


def _iso_from_yyyymmdd(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values, format="%Y%m%d", errors="raise")
    return parsed.dt.strftime("%Y-%m-%d")


def _strip_int(values: pd.Series) -> pd.Series:
    """Integer ids as plain digits: ``00004`` -> ``4``, ``17850.0`` -> ``17850``, blank stays blank."""
    out = values.str.strip()
    has = out != ""
    as_float = pd.to_numeric(out[has], errors="raise")
    if not (as_float == as_float.round()).all():
        raise ValueError(f"non-integer id in {values.name!r}")
    out = out.copy()
    out[has] = as_float.astype("int64").astype(str)
    return out


# --------------------------------------------------------------------------------------------
# one function per output file: raw directory -> text DataFrame in the committed column order
# --------------------------------------------------------------------------------------------


def cdnow_master(raw: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        raw / "cdnow" / "CDNOW_master.txt", sep=r"\s+", dtype=str, keep_default_na=False
    )
    frame.columns = [snake_case(c) for c in frame.columns]
    return pd.DataFrame(
        {
            "customer_id": _strip_int(frame["customer_id"]),
            "date": _iso_from_yyyymmdd(frame["date"]),
            "number_of_cds": frame["number_of_cds"],
            "dollar_value": frame["dollar_value"],
        }
    )


def cdnow_sample(raw: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        raw / "cdnow" / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["customer_id", "sample_id", "date", "number_of_cds", "dollar_value"],
        dtype=str,
        keep_default_na=False,
    )
    return pd.DataFrame(
        {
            "customer_id": _strip_int(frame["customer_id"]),
            "sample_id": _strip_int(frame["sample_id"]),
            "date": _iso_from_yyyymmdd(frame["date"]),
            "number_of_cds": frame["number_of_cds"],
            "dollar_value": frame["dollar_value"],
        }
    )


def donations(raw: Path) -> pd.DataFrame:
    frame = _read_text_table(raw / "cdnow" / "donations.csv")
    return frame.rename(columns={"weights": "donors"})[["frequency", "recency", "periods", "donors"]]


def online_retail(raw: Path) -> pd.DataFrame:
    frame = _read_text_table(raw / "online_retail" / "online_retail.csv.gz")
    frame.columns = [snake_case(c) for c in frame.columns]
    # to_datetime only to validate; the raw text is already ISO "YYYY-MM-DD HH:MM:SS"
    pd.to_datetime(frame["invoice_date"], format="%Y-%m-%d %H:%M:%S", errors="raise")
    frame["customer_id"] = _strip_int(frame["customer_id"])
    return frame[
        [
            "invoice_no",
            "stock_code",
            "description",
            "quantity",
            "invoice_date",
            "unit_price",
            "customer_id",
            "country",
        ]
    ]


def _bank(file_name: str) -> Callable[[Path], pd.DataFrame]:
    def convert(raw: Path) -> pd.DataFrame:
        frame = _read_text_table(raw / "bank_marketing" / file_name, sep=";")
        frame.columns = [snake_case(c) for c in frame.columns]
        return frame

    convert.__name__ = "bank_" + file_name.split(".")[0].replace("-", "_")
    return convert


def hillstrom(raw: Path) -> pd.DataFrame:
    frame = _read_text_table(raw / "hillstrom" / "hillstrom.csv.gz")
    frame.columns = [snake_case(c) for c in frame.columns]
    return frame


def telco_churn(raw: Path) -> pd.DataFrame:
    frame = _read_text_table(raw / "telco_churn" / "Telco-Customer-Churn.csv")
    frame.columns = [snake_case(c) for c in frame.columns]
    frame["total_charges"] = frame["total_charges"].str.strip()
    return frame


def retention_cohorts(raw: Path) -> pd.DataFrame:
    wide = _read_text_table(raw / "retention" / "sbg_fader_hardie_2007_survival.csv")
    parts = []
    for cohort, column in [("regular", "regular_pct_surviving"), ("high_end", "highend_pct_surviving")]:
        parts.append(
            pd.DataFrame({"cohort": cohort, "year": wide["year"], "surviving_pct": wide[column]})
        )
    return pd.concat(parts, ignore_index=True)


# (dataset folder, output file, converter, expected raw rows)
OUTPUTS: list[tuple[str, str, Callable[[Path], pd.DataFrame], int]] = [
    ("cdnow", "cdnow_master.csv.gz", cdnow_master, 69_659),
    ("cdnow", "cdnow_sample.csv.gz", cdnow_sample, 6_919),
    ("donations", "donations.csv", donations, 22),
    ("online_retail", "online_retail.csv.gz", online_retail, 541_909),
    ("bank_marketing", "bank_full.csv.gz", _bank("bank-full.csv.gz"), 45_211),
    ("bank_marketing", "bank_additional_full.csv.gz", _bank("bank-additional-full.csv.gz"), 41_188),
    ("hillstrom", "hillstrom.csv.gz", hillstrom, 64_000),
    ("telco_churn", "telco_churn.csv.gz", telco_churn, 7_043),
    ("retention", "sbg_cohorts.csv", retention_cohorts, 26),
]


def encode(frame: pd.DataFrame, file_name: str) -> bytes:
    """CSV text (UTF-8, ``\\n``), gzip-compressed with a fixed header when the name ends in .gz."""
    text = frame.to_csv(index=False, lineterminator="\n")
    data = text.encode("utf-8")
    if not file_name.endswith(".gz"):
        return data
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as zipped:
        zipped.write(data)
    return buffer.getvalue()


def build(raw: Path) -> dict[Path, tuple[bytes, int]]:
    """All output files as ``{relative path: (bytes, rows)}``; raises if a row count is off."""
    files: dict[Path, tuple[bytes, int]] = {}
    for folder, file_name, convert, expected_rows in OUTPUTS:
        frame = convert(raw)
        if len(frame) != expected_rows:
            raise RuntimeError(f"{file_name}: {len(frame)} rows, expected {expected_rows}")
        files[Path(folder) / file_name] = (encode(frame, file_name), len(frame))
    for folder, copies in COPIED_FILES.items():
        for source, target in copies:
            files[Path(folder) / target] = ((raw / source).read_bytes(), -1)
    return files


def files_block(folder: str, files: dict[Path, tuple[bytes, int]]) -> str:
    lines = [BEGIN_MARK, "| file | rows | bytes | sha256 |", "|---|---:|---:|---|"]
    for path, (data, rows) in sorted(files.items()):
        if path.parts[0] != folder:
            continue
        shown_rows = f"{rows:,}" if rows >= 0 else "(text)"
        digest = hashlib.sha256(data).hexdigest()
        lines.append(f"| `{path.name}` | {shown_rows} | {len(data):,} | `{digest}` |")
    lines.append(END_MARK)
    return "\n".join(lines)


def refresh_card(card: Path, block: str) -> bool:
    """Replace the files block of a data card; returns False if the card or its markers are missing."""
    if not card.exists():
        return False
    text = card.read_text(encoding="utf-8")
    start, end = text.find(BEGIN_MARK), text.find(END_MARK)
    if start < 0 or end < 0:
        return False
    new = text[:start] + block + text[end + len(END_MARK):]
    if new != text:
        card.write_bytes(new.encode("utf-8"))
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="folder with the raw files")
    parser.add_argument("--out", type=Path, default=HERE, help="datasets folder to write into")
    parser.add_argument(
        "--check", action="store_true", help="compare with the files in --out instead of writing"
    )
    args = parser.parse_args(argv)
    if not args.raw.is_dir():
        parser.error(f"raw data folder not found: {args.raw}")
    files = build(args.raw)
    if args.check:
        differ = [
            str(path)
            for path, (data, _) in files.items()
            if not (args.out / path).is_file() or (args.out / path).read_bytes() != data
        ]
        for path in differ:
            print(f"differs: {path}")
        print("all files identical" if not differ else f"{len(differ)} file(s) differ")
        return 1 if differ else 0
    for path, (data, rows) in files.items():
        target = args.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        shown = f"{rows:>9,} rows" if rows >= 0 else "     (copied)"
        print(f"{shown}  {len(data):>11,} bytes  {path}")
    for folder in sorted({path.parts[0] for path in files}):
        if not refresh_card(args.out / folder / "README.md", files_block(folder, files)):
            print(f"note: {folder}/README.md has no files block to refresh", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
