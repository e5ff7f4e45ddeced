"""Time `crmlab.rfm.summarize` against lifetimes and a plain pandas group-by, and measure memory.

Run: ``python benchmarks/bench_rfm.py [n_transactions ...]`` (default 1,000,000 with
200,000 customers; the number of customers is n / 5). For each size the log is built
once (seeded: customer ids, purchase times over three years, gamma-distributed amounts),
then each method is timed on its own (best of ``--repeat`` runs) and run once more under
``tracemalloc`` for the peak memory that Python and numpy allocate during the call
(tracing slows the call, so that run is not timed). The process's maximum resident size
is printed at the end.

lifetimes (``summary_data_from_transaction_data`` with ``freq="D", freq_multiplier=7``,
the convention crmlab follows) is optional: when it is not installed, or the log is
larger than ``--lifetimes-max``, its row is skipped. Every method that runs must give
the same frequency, recency, T and monetary value as crmlab (checked, rtol 1e-9).
"""
from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from crmlab.rfm import summarize

COLUMNS = ["frequency", "recency", "T", "monetary_value"]


def make_log(n_transactions: int, seed: int = 0) -> pd.DataFrame:
    """A log of ``n_transactions`` lines by ``n_transactions // 5`` customers over three years."""
    rng = np.random.default_rng(seed)
    n_customers = max(n_transactions // 5, 1)
    seconds = rng.integers(0, 3 * 365 * 86_400, n_transactions)
    return pd.DataFrame(
        {
            "customer_id": rng.integers(0, n_customers, n_transactions),
            "date": pd.Timestamp("2021-01-01") + pd.to_timedelta(seconds, unit="s"),
            "amount": rng.gamma(2.0, 20.0, n_transactions).round(2),
        }
    )


def with_crmlab(log: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    return summarize(log, "customer_id", "date", "amount", observation_end=end, time_unit="W")


def with_pandas_groupby(log: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """The same numbers with two plain group-bys (no validation)."""
    daily = (
        log.assign(day=log["date"].dt.floor("D"))
        .groupby(["customer_id", "day"], as_index=False, sort=True)["amount"].sum()
    )
    first = daily.groupby("customer_id")["day"].transform("min")
    daily["repeat_amount"] = daily["amount"].where(daily["day"] != first)
    per_customer = daily.groupby("customer_id").agg(
        first=("day", "min"), last=("day", "max"), days=("day", "size"), repeat=("repeat_amount", "mean")
    )
    week = pd.Timedelta(days=7)
    return pd.DataFrame(
        {
            "frequency": (per_customer["days"] - 1).astype(float),
            "recency": (per_customer["last"] - per_customer["first"]) / week,
            "T": (end.normalize() - per_customer["first"]) / week,
            "monetary_value": per_customer["repeat"].fillna(0.0),
        }
    )


def with_lifetimes(log: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    from lifetimes.utils import summary_data_from_transaction_data  # noqa: PLC0415

    return summary_data_from_transaction_data(
        log, "customer_id", "date", monetary_value_col="amount",
        observation_period_end=end, freq="D", freq_multiplier=7,
    )


def measure(method: Callable, log: pd.DataFrame, end: pd.Timestamp, repeat: int) -> tuple[float, float, pd.DataFrame]:
    seconds = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = method(log, end)
        seconds.append(time.perf_counter() - started)
        del result
    gc.collect()
    tracemalloc.start()
    result = method(log, end)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(seconds), peak / 2**20, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lifetimes-max", type=int, default=2_000_000,
                        help="skip lifetimes above this many transactions (it is slow)")
    args = parser.parse_args(argv)
    try:
        import lifetimes  # noqa: F401, PLC0415

        has_lifetimes = True
    except ImportError:
        has_lifetimes = False
        print("lifetimes is not installed: its timings are skipped")
    for size in args.sizes:
        log = make_log(size)
        end = log["date"].max().normalize()
        log_mb = log.memory_usage(deep=True).sum() / 2**20
        print(f"\n{size:,} transactions, {log['customer_id'].nunique():,} customers, log {log_mb:,.0f} MB")
        methods = {"crmlab.rfm.summarize": with_crmlab, "pandas group-by": with_pandas_groupby}
        if has_lifetimes and size <= args.lifetimes_max:
            methods["lifetimes"] = with_lifetimes
        timings = {}
        reference = None
        for name, method in methods.items():
            seconds, peak_mb, result = measure(method, log, end, args.repeat if size <= 2_000_000 else 1)
            timings[name] = seconds
            if reference is None:
                reference = result[COLUMNS]
            else:
                pd.testing.assert_frame_equal(
                    result[COLUMNS].sort_index(), reference, check_exact=False, rtol=1e-9,
                    check_names=False, check_index_type=False, check_dtype=False,
                )
            del result
            ratio = seconds / timings["crmlab.rfm.summarize"]
            print(f"  {name:<22} {seconds:8.2f} s  {ratio:6.1f}x crmlab's time  peak {peak_mb:8,.0f} MB")
        print("  frequency, recency, T and monetary value identical across methods")
        del log
        gc.collect()
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmaximum resident memory of this process: {max_rss_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
