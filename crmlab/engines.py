"""Helpers for the engines of :mod:`crmlab.summaries`: a big synthetic log written by DuckDB, a local Spark.

:func:`write_synthetic_log` writes a transaction log of any size to Parquet with DuckDB
(100M lines in about a minute, in bounded memory): it is what the benchmarks and the research
notebook on big logs summarise. :func:`local_spark` starts (or returns) a small local
SparkSession for tests and examples; on a cluster the SparkSession is the user's own.

Examples
--------
>>> import tempfile, os
>>> path = write_synthetic_log(os.path.join(tempfile.mkdtemp(), "log.parquet"), n_lines=1_000, n_customers=100)
>>> import duckdb
>>> duckdb.sql(f"select count(*), count(distinct customer_id) from '{path}'").fetchall()[0]
(1000, 100)
"""
from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from crmlab.validation import ValidationError

__all__ = ["write_synthetic_log", "java_version", "local_spark"]


def write_synthetic_log(path: str | os.PathLike, n_lines: int, n_customers: int, *, seed: int = 0,
                        start: str = "2023-01-01", days: int = 730, connection: Any = None) -> str:
    """Write a synthetic log (``customer_id``, ``date``, ``amount``) of ``n_lines`` to a Parquet file.

    Every customer appears (the first ``n_customers`` lines are one first purchase each); the other
    lines pick customer ``floor(n_customers * v**3)`` (``v`` uniform), so purchase counts differ a lot
    between customers. A customer's first purchase day is spread over the first year, and they stay
    active for a uniform share of the rest of the ``days``-day window (then drop out); their later
    lines fall on uniform days of that active span. Amounts are 1.00-100.99. BG/NBD fits it with
    finite parameters.
    The randomness is a hash of the line number and ``seed``, so the file is the same on every run
    and with any number of threads.

    Parameters
    ----------
    path
        Parquet file to write (replaced).
    n_lines, n_customers
        Lines and distinct customers (``n_lines >= n_customers``).
    seed
        Changes every random draw.
    start, days
        First day and length of the observation window.
    connection
        DuckDB connection (default: a new one with a 2 GB memory limit).

    Returns
    -------
    str
        ``path``.
    """
    import duckdb

    if not n_lines >= n_customers >= 1:
        raise ValidationError(f"need n_lines >= n_customers >= 1, got n_lines={n_lines}, n_customers={n_customers}",
                              parameter="n_customers" if n_customers < 1 else "n_lines")
    con = connection or duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if connection is None:
        con.execute("SET memory_limit = '2GB'")
        con.execute("SET preserve_insertion_order = false")
    path = os.fspath(path)
    first_days = min(365, days)
    sql = f"""
    COPY (
      WITH lines AS (
        SELECT i,
               CASE WHEN i < {n_customers} THEN i
                    ELSE CAST(floor({n_customers} * pow((hash(i, {seed}, 1) % 1000000000000) / 1e12, 3))
                              AS BIGINT) END AS customer_id
        FROM range({n_lines}) t(i)
      ), customers AS (
        SELECT i, customer_id,
               CAST(hash(customer_id, {seed}, 2) % {first_days} AS BIGINT) AS first_day,
               (hash(customer_id, {seed}, 5) % 1000000) / 1000000.0 AS u
        FROM lines
      ), active AS (
        SELECT i, customer_id, first_day,
               CAST(floor(u * ({days} - first_day)) AS BIGINT) + 1 AS active_days
        FROM customers
      )
      SELECT CAST(customer_id AS BIGINT) AS customer_id,
             DATE '{start}' + CAST(CASE WHEN i < {n_customers} THEN first_day
                  ELSE first_day + hash(i, {seed}, 3) % active_days END AS INTEGER) AS date,
             round(1 + (hash(i, {seed}, 4) % 10000) / 100.0, 2) AS amount
      FROM active
    ) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
    """
    con.execute(sql)
    return path


def java_version() -> int | None:
    """Major version of the ``java`` on PATH (or JAVA_HOME), None when there is none.

    Examples
    --------
    >>> java_version() is None or java_version() >= 8
    True
    """
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else shutil.which("java")
    if not java or not os.path.exists(java):
        return None
    try:
        text = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    import re

    found = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2)) if major == 1 and found.group(2) else major


def local_spark(app_name: str = "crmlab", *, cores: int = 1, shuffle_partitions: int = 2,
                driver_memory: str = "1g") -> Any:
    """A local SparkSession (``local[cores]``) with few shuffle partitions, no UI and quiet logs.

    For tests and examples on one machine. On a cluster build your own SparkSession
    (``SparkSession.builder.remote(...)`` or ``spark-submit``) and pass its DataFrames to
    :func:`crmlab.summaries.summarize`. Needs PySpark (``pip install "crmlab[spark]"``) and Java 17+.
    """
    version = java_version()
    if version is None or version < 17:
        raise RuntimeError(f"PySpark needs Java 17 or newer; found {version or 'no java'} "
                           "(Debian/Ubuntu: apt-get install default-jre-headless, or run tools/setup_system.sh)")
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # one machine: no network interface lookup
    spark = (
        SparkSession.builder.master(f"local[{cores}]").appName(app_name)
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(max(cores, 1)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark
