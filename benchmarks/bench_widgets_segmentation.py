"""How fast the widgets of lectures 05-06 redraw on a 5,000-customer simulated base.

Run: .venv/bin/python benchmarks/bench_widgets_segmentation.py [n_customers]

One slider move = one call of a crmlab function (plus a draw to PNG where the widget
shows a plot). Prints the median milliseconds over repeats for:
matrix thresholds, ABC thresholds, k of k-means and of the Gaussian mixture (each k
from 6 to 10), the segment profile table, choosing k over 2..10, and migration.
It also times k-means with scikit-learn's default threading (``n_threads=None``) to
show why crmlab fits with one thread. Goal: every widget update well under 1 s.
"""
from __future__ import annotations

import io
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from crmlab import segmentation as seg  # noqa: E402
from crmlab.lang import localize  # noqa: E402
from crmlab.plotting import use_theme  # noqa: E402
from crmlab.simulate import customer_base  # noqa: E402

COLUMNS = ["age", "yearly_income_cny", "orders", "mean_spend", "recency_days", "discount_share", "satisfaction",
           "purchase_motive", "information_source"]
LOG_COLUMNS = ["yearly_income_cny", "orders", "mean_spend"]


def median_ms(function, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def draw(ax) -> None:
    ax.figure.savefig(io.BytesIO(), format="png")
    plt.close(ax.figure)


def customers_table(n_customers: int) -> pd.DataFrame:
    base = customer_base(n_customers, seed=0)
    customers = base.customers.set_index("customer_id")
    grouped = base.transactions.groupby("customer_id")
    customers["orders"] = grouped.size()
    customers["total_spend"] = grouped["amount"].sum()
    customers["mean_spend"] = customers["total_spend"] / customers["orders"]
    customers["recency_days"] = (base.params.observation_end - grouped["date"].max()).dt.days
    return customers


def main() -> None:
    n_customers = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    use_theme("zh")
    customers = customers_table(n_customers)
    rows: list[tuple[str, float]] = []

    def matrix_update():
        matrix = seg.ValueSatisfactionMatrix(quantiles=(0.3, 0.7), satisfaction_thresholds=(2, 3)).fit(customers)
        draw(matrix.plot(customers, lang="zh"))

    def abc_update():
        draw(seg.plot_pareto(customers["total_spend"], (0.7, 0.9), lang="zh"))

    rows.append(("value x satisfaction matrix: fit + heatmap + PNG", median_ms(matrix_update)))
    rows.append(("ABC: Pareto chart + PNG", median_ms(abc_update)))
    for method in ("kmeans", "gaussian_mixture"):
        for k in range(6, 11):
            rows.append((f"{method}, k = {k}: fit",
                         median_ms(lambda: seg.CustomerSegmentation(COLUMNS, k, method, log_columns=LOG_COLUMNS,
                                                                    seed=0).fit(customers), repeats=5)))
    model = seg.CustomerSegmentation(COLUMNS, 8, log_columns=LOG_COLUMNS, seed=0).fit(customers)
    rows.append(("segment profiles, k = 8", median_ms(lambda: localize(seg.segment_profiles(customers, model.labels_, COLUMNS),
                                                                                             "zh"))))
    rows.append(("kmeans k = 8 with default threading (n_threads=None)",
                 median_ms(lambda: seg.CustomerSegmentation(COLUMNS, 8, log_columns=LOG_COLUMNS, seed=0,
                                                            n_threads=None).fit(customers), repeats=3)))
    rows.append(("choose_n_segments k = 2..10 (not a per-move widget)",
                 median_ms(lambda: seg.choose_n_segments(customers, COLUMNS, range(2, 11), log_columns=LOG_COLUMNS),
                           repeats=1)))
    later = model.predict(customers.assign(orders=customers["orders"] + 1))
    rows.append(("migration matrix + heatmap + PNG",
                 median_ms(lambda: draw(seg.plot_migration(model.labels_, later, lang="zh")))))

    print(f"customers: {n_customers:,}; features: {model.features_.shape[1]} columns from {len(COLUMNS)} variables")
    for name, ms in rows:
        flag = "" if "default threading" in name or "not a per-move" in name else (
            "  OK" if ms < 1000 else "  SLOW (goal < 1 s)")
        print(f"{name:<60} {ms:9.1f} ms{flag}")


if __name__ == "__main__":
    main()
