"""Time `crmlab.simulate.customer_base` and measure its peak memory.

Run: ``python benchmarks/bench_simulate.py [n_customers ...]`` (default 100,000 and
1,000,000). Each size is timed on its own (best of ``--repeat`` runs), then run
once more under ``tracemalloc`` for the peak of memory allocated by Python and
numpy during the call (tracing slows the call, so it is not timed).
"""
from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc

from crmlab.simulate import customer_base


def bench(n_customers: int, repeat: int, seed: int = 0) -> dict[str, float]:
    seconds = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        base = customer_base(n_customers, seed=seed)
        seconds.append(time.perf_counter() - started)
        rows = len(base.transactions)
        frame_mb = (base.customers.memory_usage(deep=True).sum()
                    + base.transactions.memory_usage(deep=True).sum()) / 2**20
        del base
    gc.collect()
    tracemalloc.start()
    base = customer_base(n_customers, seed=seed)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del base
    gc.collect()
    return {"seconds": min(seconds), "rows": rows, "frames_mb": frame_mb, "peak_mb": peak / 2**20}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size; the best is shown")
    args = parser.parse_args(argv)
    print(f"crmlab.simulate.customer_base benchmark (python {sys.version.split()[0]})")
    print(f"{'customers':>10} {'transactions':>13} {'seconds':>8} {'peak MB':>8} {'frames MB':>10}")
    for n in args.sizes:
        result = bench(n, args.repeat)
        print(f"{n:>10,} {result['rows']:>13,} {result['seconds']:>8.2f} {result['peak_mb']:>8.0f} "
              f"{result['frames_mb']:>10.0f}", flush=True)
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"process peak resident memory: {max_rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
