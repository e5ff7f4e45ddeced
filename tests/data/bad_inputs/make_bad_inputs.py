"""Make the bad-researcher-input corpus of tests/test_bad_inputs.py (deterministic; run from the repo root).

Every file is derived from ``tests/data/own_orders.csv`` (CDNOW master customers 1-2,000, see
``tests/data/README.md``), customers 1-600 only, so that the lectures that run in full stay quick.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "own_orders.csv"


def base() -> pd.DataFrame:
    log = pd.read_csv(SOURCE, dtype={"client": str})
    log = log[log["client"].str[1:].astype(int) <= 600].reset_index(drop=True)
    log["client"] = log["client"].str[1:]                       # '00007': ids that look like numbers
    return log


def messy(log: pd.DataFrame) -> pd.DataFrame:
    """A valid but messy export: returns, a customer '7' beside '00007', late joiners."""
    rng = np.random.default_rng(11)
    log = log.copy()
    returns = log.sample(40, random_state=11).assign(order_total=lambda t: -t["order_total"], items=lambda t: -t["items"])
    seven = log[log["client"] == "00007"].assign(client="7")     # another customer whose id reads as 7
    late = log[log["client"].astype(int).between(590, 600)].copy()
    late["client"] = "L" + late["client"]                        # 11 customers who first buy in 1998
    late["ordered_on"] = (pd.to_datetime(late["ordered_on"]) + pd.Timedelta(days=420)).clip(
        upper=pd.Timestamp("1998-06-30")).dt.strftime("%Y-%m-%d")
    out = pd.concat([log, returns, seven, late], ignore_index=True)
    return out.iloc[rng.permutation(len(out))].reset_index(drop=True)


def main() -> None:
    log = base()
    good = messy(log)
    chinese = good.rename(columns={"client": "客户编号", "ordered_on": "下单日期", "items": "数量", "order_total": "金额"})
    chinese["下单日期"] = pd.to_datetime(chinese["下单日期"]).dt.strftime("%d/%m/%Y")
    chinese.to_csv(HERE / "messy_gb18030_ddmmyyyy.csv", index=False, encoding="gb18030")
    good.to_excel(HERE / "messy.xlsx", index=False)
    bad_dates = log.copy()
    bad_dates.loc[[3, 50, 400], "ordered_on"] = ["1997-13-45", "n/a", "31/02/1997"]
    bad_dates.to_csv(HERE / "some_bad_dates.csv", index=False)
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "header_only.csv").write_text("client,ordered_on,items,order_total\n", encoding="utf-8")
    log.to_csv(HERE / "orders_utf8_bom.csv", index=False, encoding="utf-8-sig")


if __name__ == "__main__":
    main()
