"""Summarise big transaction logs: pandas vs DuckDB vs Polars vs Spark (local) vs lifetimes; time and peak memory.

Usage::

    python benchmarks/bench_scale.py                      # 1M lines, every engine (a few minutes)
    python benchmarks/bench_scale.py --sizes 1M,10M       # more sizes
    nice -n 10 python benchmarks/bench_scale.py --sizes 100M --engines duckdb   # the done-when run

Each log has one customer per 10 lines (100M lines: 10M customers) and is written once to Parquet
by DuckDB (:func:`crmlab.engines.write_synthetic_log`, into ``--data-dir``). Every measurement runs
in a fresh interpreter; a sampler polls the resident memory of that process and all its children
(Spark's JVM included) every 50 ms, so "peak RSS" is the peak of the whole process tree.

What each engine does, from the same Parquet file:

* ``pandas``: ``pandas.read_parquet`` then :func:`crmlab.rfm.summarize` (the in-memory path);
* ``duckdb``: :func:`crmlab.summaries.summarize` on the path (DuckDB scans it; memory limit
  ``--duckdb-memory``, spilling to disk), then the pattern table, a BG/NBD fit from it, and scoring
  every customer in a DuckDB table (predictions per distinct pattern joined back in DuckDB);
  the result comes back as a pandas table, and 1,000 sampled customers are checked against the
  pandas path run on those customers' lines alone;
* ``polars``: ``polars.scan_parquet`` (a LazyFrame) into :func:`crmlab.summaries.summarize`;
* ``spark``: a local SparkSession (``local[2]``) reading the Parquet file, summarised into a Spark
  DataFrame, written to Parquet (so the work is done but not collected);
* ``lifetimes``: ``summary_data_from_transaction_data`` of lifetimes 0.11.3 in its own interpreter
  (``python benchmarks/bench_clv.py --setup-lifetimes`` builds it), reading a CSV copy of the log.

Sizes that would not fit are skipped with the reason printed: pandas and lifetimes above
``--max-pandas-lines`` (default 20M), Polars above ``--max-polars-lines`` (20M), Spark above
``--max-spark-lines`` (20M; it runs but takes long on 2 cores). The JSON results go to ``--out``.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LIFETIMES_PYTHON = ROOT / "build" / "bench-lifetimes" / "bin" / "python"
ENGINES = ("pandas", "duckdb", "polars", "spark", "lifetimes")


def parse_size(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if text[-1] in "KMG" else text) * factor)


# -- the workers (each runs in a fresh interpreter) ---------------------------------------------------

def worker(engine: str, path: str, options: dict) -> dict:
    """Run one engine on the log at ``path``; return timings and checks (peak memory is measured outside)."""
    import numpy as np

    out: dict = {}
    start = time.perf_counter()
    if engine == "pandas":
        import pandas as pd

        from crmlab.rfm import summarize

        log = pd.read_parquet(path)
        out["read_s"] = time.perf_counter() - start
        summary = summarize(log, "customer_id", "date", "amount")
        out["customers"] = len(summary)
    elif engine == "duckdb":
        import pandas as pd

        from crmlab.models import BetaGeo
        from crmlab.rfm import summarize as pandas_summarize
        from crmlab.summaries import duckdb_connection, pattern_table, score, summarize

        con = duckdb_connection(memory_limit=options["duckdb_memory"], temp_directory=options["temp_dir"])
        summary = summarize(path, "customer_id", "date", "amount", connection=con)
        out["summarize_s"] = time.perf_counter() - start
        out["customers"] = len(summary)
        # sampled customers equal the pandas path on their own lines
        rng = np.random.default_rng(16)
        sample = np.sort(rng.choice(summary.index.to_numpy(), size=min(1000, len(summary)), replace=False))
        chosen = pd.DataFrame({"customer_id": sample})  # noqa: F841 (found by name by DuckDB)
        end = summary.attrs["observation_end"]
        lines = con.sql(f"SELECT * FROM read_parquet('{path}') WHERE customer_id IN (SELECT customer_id FROM chosen)").df()
        expected = pandas_summarize(lines, "customer_id", "date", "amount", observation_end=end)
        got = summary.loc[sample]
        exact = ["frequency", "recency", "T", "recency_days", "orders"]
        out["sample_exact"] = bool(all((got[c].to_numpy() == expected[c].to_numpy()).all() for c in exact))
        out["sample_money_max_rel_diff"] = float(np.max(np.abs(got["total_spend"].to_numpy()
                                                               / expected["total_spend"].to_numpy() - 1)))
        del got, lines
        # the customer table as a DuckDB table: patterns, BG/NBD, scoring joined back in DuckDB
        t = time.perf_counter()
        con.sql("DROP TABLE IF EXISTS customers")
        customer_frame = summary.reset_index()  # noqa: F841 (found by name by DuckDB)
        con.sql("CREATE TABLE customers AS SELECT * FROM customer_frame")
        del summary, customer_frame
        customers = con.table("customers")
        out["customer_table_s"] = time.perf_counter() - t
        t = time.perf_counter()
        patterns = pattern_table(customers)
        out["patterns"] = len(patterns)
        model = BetaGeo().fit(patterns)
        out["fit_s"] = time.perf_counter() - t
        out["bgnbd"] = {k: round(float(v), 6) for k, v in model.params_.items()}
        t = time.perf_counter()
        scored = score(customers, model, horizon=52.0)
        row = scored.aggregate("count(*), avg(probability_alive), sum(expected_purchases)").fetchall()[0]
        out["scored_customers"], out["mean_p_alive"], out["expected_purchases_52w"] = int(row[0]), float(row[1]), float(row[2])
        out["score_s"] = time.perf_counter() - t
    elif engine == "polars":
        import polars as pl

        from crmlab.summaries import summarize

        summary = summarize(pl.scan_parquet(path), "customer_id", "date", "amount")
        out["customers"] = len(summary)
    elif engine == "spark":
        import warnings

        warnings.simplefilter("ignore")
        from crmlab.engines import local_spark
        from crmlab.summaries import summarize

        spark = local_spark("bench-scale", cores=2, shuffle_partitions=8, driver_memory=options["spark_memory"])
        out["startup_s"] = time.perf_counter() - start
        t = time.perf_counter()
        result = summarize(spark.read.parquet(path), "customer_id", "date", "amount")
        target = os.path.join(options["temp_dir"], "spark_summary.parquet")
        result.write.mode("overwrite").parquet(target)
        out["summarize_s"] = time.perf_counter() - t
        out["customers"] = spark.read.parquet(target).count()
        spark.stop()
    else:
        raise ValueError(engine)
    out["total_s"] = time.perf_counter() - start
    return out


LIFETIMES_CODE = r"""
import json, sys, time
import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data
log = pd.read_csv(sys.argv[1], parse_dates=["date"])
start = time.perf_counter()
summary = summary_data_from_transaction_data(log, "customer_id", "date", "amount")
print(json.dumps({"summarize_s": time.perf_counter() - start, "customers": len(summary)}))
"""


def measure(command: list[str], timeout: float) -> dict:
    """Run ``command``; return its JSON output with the peak RSS of its process tree and the wall time."""
    import psutil

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        parent = psutil.Process(process.pid)
        while not done.is_set():
            try:
                tree = [parent] + parent.children(recursive=True)
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree if p.is_running()))
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        done.set()
        return {"error": f"timed out after {timeout:.0f} s", "peak_rss_gib": peak[0] / 2**30}
    done.set()
    thread.join()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        return {"error": (stderr.strip().splitlines() or ["failed"])[-1][:300], "peak_rss_gib": peak[0] / 2**30}
    result = json.loads(stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    result["peak_rss_gib"] = peak[0] / 2**30
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1M", help="comma-separated line counts, e.g. 1M,10M,100M")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--data-dir", default=str(ROOT / "build" / "bench_scale"))
    parser.add_argument("--out", default=None, help="JSON file for the results (default <data-dir>/results.json)")
    parser.add_argument("--duckdb-memory", default="2GB")
    parser.add_argument("--spark-memory", default="2g")
    parser.add_argument("--max-pandas-lines", type=parse_size, default=parse_size("20M"))
    parser.add_argument("--max-polars-lines", type=parse_size, default=parse_size("20M"))
    parser.add_argument("--max-spark-lines", type=parse_size, default=parse_size("20M"))
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--lifetimes-python", default=str(DEFAULT_LIFETIMES_PYTHON))
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "PATH", "OPTIONS_JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        engine, path, options = args.worker
        print(json.dumps(worker(engine, path, json.loads(options))))
        return 0

    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engine(s) {sorted(unknown)}; choose from {ENGINES}")
    options = {"duckdb_memory": args.duckdb_memory, "spark_memory": args.spark_memory,
               "temp_dir": tempfile.mkdtemp(prefix="bench_scale_", dir=data_dir)}
    results = []
    sys.path.insert(0, str(ROOT))
    from crmlab.engines import write_synthetic_log

    for size_text in args.sizes.split(","):
        n_lines = parse_size(size_text)
        n_customers = max(n_lines // 10, 1)
        path = data_dir / f"log_{size_text.strip()}.parquet"
        if not path.exists():
            t = time.perf_counter()
            write_synthetic_log(path, n_lines, n_customers)
            print(f"wrote {path} ({n_lines:,} lines, {n_customers:,} customers) in {time.perf_counter() - t:.1f} s",
                  flush=True)
        for engine in engines:
            limit = {"pandas": args.max_pandas_lines, "lifetimes": args.max_pandas_lines,
                     "polars": args.max_polars_lines, "spark": args.max_spark_lines}.get(engine)
            row = {"engine": engine, "lines": n_lines, "customers_in_log": n_customers}
            if limit is not None and n_lines > limit:
                row["skipped"] = f"{n_lines:,} lines > --max-{'pandas' if engine == 'lifetimes' else engine}-lines {limit:,}"
            elif engine == "lifetimes":
                python = args.lifetimes_python
                if not Path(python).exists():
                    row["skipped"] = f"no lifetimes interpreter at {python} (python benchmarks/bench_clv.py --setup-lifetimes)"
                else:
                    csv = data_dir / f"log_{size_text.strip()}.csv"
                    if not csv.exists():
                        import duckdb

                        duckdb.sql(f"COPY (SELECT * FROM read_parquet('{path}')) TO '{csv}' (HEADER)")
                    row.update(measure([python, "-c", LIFETIMES_CODE, str(csv)], args.timeout))
            else:
                row.update(measure([sys.executable, str(Path(__file__).resolve()), "--worker", engine, str(path),
                                    json.dumps(options)], args.timeout))
            results.append(row)
            shown = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}
            print(json.dumps(shown), flush=True)
    out = Path(args.out) if args.out else data_dir / "results.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"\n{'engine':<10} {'lines':>12} {'time s':>9} {'peak RSS GiB':>13}  note")
    for row in results:
        note = row.get("skipped") or row.get("error") or f"{row.get('customers', '?'):,} customers"
        seconds = row.get("summarize_s", row.get("total_s"))
        print(f"{row['engine']:<10} {row['lines']:>12,} {'' if seconds is None else f'{seconds:9.1f}':>9} "
              f"{'' if 'peak_rss_gib' not in row else format(row['peak_rss_gib'], '13.2f'):>13}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
