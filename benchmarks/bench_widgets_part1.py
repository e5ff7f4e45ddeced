"""Time the pure functions behind the widgets of lectures 01-03 (one widget update = one call).

Run: ``python benchmarks/bench_widgets_part1.py [--repeat N]``. Each scenario is called once to
warm up, then ``--repeat`` times; the median and worst milliseconds per call are printed and
compared with the 100 ms budget of a widget update. Plotting scenarios draw on a fresh Agg
figure each call and close it, as ``interact`` does. Two times are printed: the crmlab call
alone (what the budget applies to) and the call plus rendering every figure to PNG, which is
what the notebook does after each update; for scale, the rendering of an *empty* Cartesian and
polar figure is printed first (matplotlib's fixed cost on this machine). Exits 1 when the median
of a crmlab call is over budget.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from crmlab import frameworks, philosophies, promotion, relationship  # noqa: E402
from crmlab.lang import localize  # noqa: E402
from crmlab.plotting import use_theme  # noqa: E402

BUDGET_MS = 100.0


def _synthetic_base(n_customers: int = 5_000):
    try:
        from crmlab.simulate import customer_base
    except ImportError:  # pragma: no cover - the simulator is optional here
        return None
    return customer_base(n_customers, seed=1)


def scenarios() -> dict[str, Callable[[], object]]:
    """Name -> zero-argument call, with the inputs a widget would hold already prepared."""
    case = frameworks.case_scores(frameworks.load_case("home_appliance"))
    base = _synthetic_base()
    out: dict[str, Callable[[], object]] = {
        "01 market simulation (12 periods, 5 firms)":
            lambda: philosophies.simulate_market(philosophies.MarketCondition(0.2, 0.8, 0.6), seed=3),
        "01 market simulation + summary table (zh)":
            lambda: localize(philosophies.market_summary(philosophies.simulate_market()), "zh"),
        "01 market simulation + line plot":
            lambda: philosophies.plot_market(philosophies.simulate_market(), "profit", lang="zh"),
        "01 push vs pull (52 periods, both modes) + summary":
            lambda: philosophies.supply_summary([philosophies.simulate_supply(m, seed=1) for m in ("push", "pull")]),
        "01 push vs pull + plot":
            lambda: philosophies.plot_supply(philosophies.simulate_supply("push", seed=1), lang="zh"),
        "02 audit + gap analysis (scores from sliders)":
            lambda: (localize(frameworks.audit_framework(case, "11P"), "zh"), localize(frameworks.gap_analysis(case), "zh")),
        "02 radar chart (11P, target ring)":
            lambda: frameworks.plot_radar(case, "11P", lang="zh", target=4.0),
        "02 budget optimum (5 tools, SLSQP)":
            lambda: promotion.optimal_allocation(300.0),
        "02 budget optimum + explanation + bars":
            lambda: (promotion.plot_allocation(promotion.optimal_allocation(300.0), lang="zh"),
                     promotion.explain_optimum(promotion.optimal_allocation(300.0), "zh")),
        "02 student's split (allocation table)":
            lambda: promotion.allocation_table(dict.fromkeys(promotion.PROMOTION_TOOLS, 60.0)),
    }
    if base is not None:
        features = relationship.behaviour_features(base.transactions, discount_col="on_promotion")
        end = base.transactions["date"].max()
        out.update({
            f"03 behaviour features ({len(base.transactions):,} lines, done once)":
                lambda: relationship.behaviour_features(base.transactions, discount_col="on_promotion"),
            "03 classify + sub-types (5,000 customers, threshold sliders)":
                lambda: relationship.relationship_subtypes(features, relationship.classify_relationship(
                    features, max_discount_share=0.4, min_tenure_days=300)),
            "03 customer classes at a date (slider)":
                lambda: relationship.class_counts(relationship.customer_classes(base.transactions, end,
                                                                                new_window_days=60)),
            "03 service tiers + summary":
                lambda: relationship.tier_summary(relationship.service_tiers(features["total_amount"])),
            "03 satisfaction vs loyalty":
                lambda: relationship.satisfaction_loyalty(base.customers, "satisfaction", "true_alive_at_end"),
        })
    return out


def _render(result: object) -> None:
    """Render every figure a scenario made to PNG, as the notebook does after a widget update."""
    for number in plt.get_fignums():
        plt.figure(number).savefig(io.BytesIO(), format="png")


def time_call(call: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Milliseconds of each call, and of each call followed by rendering its figures."""
    _render(call())
    plt.close("all")
    calls, totals = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        called = time.perf_counter()
        _render(result)
        rendered = time.perf_counter()
        calls.append((called - started) * 1000)
        totals.append((rendered - started) * 1000)
        plt.close("all")
    return calls, totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per scenario")
    args = parser.parse_args(argv)
    use_theme("zh")
    print(f"widget scenarios of lectures 01-03 (python {sys.version.split()[0]}, budget {BUDGET_MS:.0f} ms)")
    empty = {"(matplotlib only) empty figure": lambda: plt.subplots(figsize=(7, 4)),
             "(matplotlib only) empty polar figure":
                 lambda: plt.subplots(figsize=(5, 5), subplot_kw={"projection": "polar"})}
    print(f"{'scenario':<66} {'call ms':>8} {'max':>7} {'+render ms':>10}")
    over = 0
    for name, call in {**empty, **scenarios()}.items():
        calls, totals = time_call(call, args.repeat)
        median = statistics.median(calls)
        flag = "" if median <= BUDGET_MS or name.startswith("(") else "  OVER BUDGET"
        over += bool(flag)
        rendered = statistics.median(totals)
        shown = f"{rendered:>10.1f}" if plt.get_fignums() or rendered - median > 1.0 else f"{'-':>10}"
        print(f"{name:<66} {median:>8.1f} {max(calls):>7.1f} {shown}{flag}", flush=True)
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
