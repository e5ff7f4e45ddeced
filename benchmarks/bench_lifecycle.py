"""Time `crmlab.lifecycle.cohort_table` against the obvious plain-pandas cohort table.

Run: ``python benchmarks/bench_lifecycle.py [n_transactions ...]`` (default 100,000 and 1,000,000
lines; the number of customers is n / 5). For each size a seeded log is built once (customer ids,
purchase times over three years), each method is timed on its own (best of ``--repeat`` runs) and
both must give the same counts in every observed cell. The plain-pandas way is what an analyst
writes first: month periods, the first month per customer with ``transform("min")``, the month
offset, ``nunique`` per cell and ``unstack``. The ratio pandas / crmlab is printed (> 1: crmlab is
faster). The stage assignment of a whole base (features + rule) is timed as well, for reference.
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from crmlab.lifecycle import assign_stages, cohort_table


def make_log(n_transactions: int, seed: int = 0) -> pd.DataFrame:
    """A log of ``n_transactions`` lines by ``n_transactions // 5`` customers over three years."""
    rng = np.random.default_rng(seed)
    n_customers = max(n_transactions // 5, 1)
    seconds = rng.integers(0, 3 * 365 * 86_400, n_transactions)
    return pd.DataFrame({
        "customer": rng.integers(0, n_customers, n_transactions),
        "date": pd.Timestamp("2021-01-01") + pd.to_timedelta(seconds, unit="s"),
        "amount": rng.gamma(2.0, 25.0, n_transactions).round(2),
    })


def pandas_cohorts(log: pd.DataFrame) -> pd.DataFrame:
    """The obvious plain-pandas cohort table (distinct customers per cohort and month offset)."""
    month = log["date"].dt.to_period("M")
    cohort = month.groupby(log["customer"]).transform("min")
    offset = (month.dt.year - cohort.dt.year) * 12 + (month.dt.month - cohort.dt.month)
    return log.groupby([cohort, offset])["customer"].nunique().unstack(fill_value=0)


def best_of(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'lines':>10} {'crmlab (s)':>11} {'pandas (s)':>11} {'pandas/crmlab':>14} {'stages (s)':>11}")
    for size in args.sizes:
        log = make_log(size)
        ours_time, ours = best_of(lambda: cohort_table(log, "customer", "date"), args.repeat)
        theirs_time, theirs = best_of(lambda: pandas_cohorts(log), args.repeat)
        observed = ours.notna().to_numpy()
        same = np.array_equal(ours.to_numpy()[observed],
                              theirs.reindex(columns=ours.columns, fill_value=0).to_numpy()[observed])
        if not same:
            raise SystemExit(f"{size:,} lines: crmlab and pandas disagree")
        stage_time, _ = best_of(lambda: assign_stages(log, "customer", "date", "amount", "2023-12-31"), 1)
        print(f"{size:>10,} {ours_time:>11.3f} {theirs_time:>11.3f} {theirs_time / ours_time:>14.1f} {stage_time:>11.3f}")


if __name__ == "__main__":
    main()
