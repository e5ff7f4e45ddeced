"""How fast lecture 00's widget redraws: one slider move = one call of its function plus a draw.

Run: .venv/bin/python benchmarks/bench_widgets_start.py
Prints milliseconds per update (median of repeats) next to a plain-pandas version of the same
number, so the ratio shows what the crmlab function costs over the bare computation.
"""
from __future__ import annotations

import io
import math
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from crmlab import concentration, datasets  # noqa: E402
from crmlab.plotting import use_theme  # noqa: E402


def median_ms(function, repeats: int = 15) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    use_theme("zh")
    log = datasets.load_cdnow("master")
    values = concentration.customer_values(log, "customer_id", "dollar_value")

    def crmlab_number():
        concentration.top_share(values, 20)

    def pandas_number():
        spend = log.groupby("customer_id")["dollar_value"].sum().sort_values(ascending=False)
        spend.head(math.ceil(0.2 * len(spend))).sum() / spend.sum()

    def widget_update():
        ax = concentration.plot_lorenz(values, 20, lang="zh")
        ax.figure.savefig(io.BytesIO(), format="png")
        plt.close(ax.figure)

    number_ms, pandas_ms, update_ms = median_ms(crmlab_number), median_ms(pandas_number), median_ms(widget_update)
    print(f"customers: {len(values):,}")
    print(f"top_share (crmlab, precomputed values): {number_ms:8.2f} ms")
    print(f"top_share (plain pandas from the log):  {pandas_ms:8.2f} ms   ratio pandas/crmlab = {pandas_ms / number_ms:.1f}x")
    print(f"widget update (Lorenz plot + PNG):      {update_ms:8.2f} ms   {'OK' if update_ms < 100 else 'SLOW'} (goal < 100 ms)")


if __name__ == "__main__":
    main()
