"""Time crmlab's lead and KPI functions against what a user would write in plain pandas, and print ratios.

Run: ``python benchmarks/bench_leads.py [n_leads ...]`` (default 3,000 and 30,000 leads). For each
size a synthetic lead log is drawn once (``crmlab.leads.simulate_leads``, seed 0) and scored, then
each method is timed on its own (best of ``--repeat`` runs):

* ``source_report`` (validation included) against a plain ``groupby().agg()``;
* ``handover`` (one pass in creation order over numpy arrays) against the same rule written with
  ``DataFrame.iterrows`` and ``pd.Timestamp`` arithmetic, the way the rule reads in words;
* ``monthly_activity`` (validation included) against a plain group-by on a simulated transaction log.

Every pair must give the same numbers (checked) before its times are printed. The ratio is
crmlab's time / plain pandas' time: above 1 is the price of validation, below 1 a speed-up.
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from crmlab import simulate
from crmlab.leads import LeadScorer, handover, simulate_leads, source_report
from crmlab.operations import monthly_activity
from timing import best_time


def plain_source_report(leads: pd.DataFrame) -> pd.DataFrame:
    out = leads.groupby("source").agg(leads=("lead_id", "size"), cost=("cost", "sum"), won=("converted", "sum"))
    out["cost_per_lead"] = out["cost"] / out["leads"]
    out["cost_per_customer"] = out["cost"] / out["won"]
    return out


def _next_working_moment(t: pd.Timestamp) -> pd.Timestamp:
    day = t.normalize()
    if t < day + pd.Timedelta(hours=9):
        return day + pd.Timedelta(hours=9)
    if t >= day + pd.Timedelta(hours=17):
        return day + pd.Timedelta(days=1, hours=9)
    return t


def _add_working_hours(t: pd.Timestamp, hours: float) -> pd.Timestamp:
    end_of_day = t.normalize() + pd.Timedelta(hours=17)
    left = (end_of_day - t).total_seconds() / 3600
    if hours < left:
        return t + pd.Timedelta(hours=hours)
    return t.normalize() + pd.Timedelta(days=1, hours=9) + pd.Timedelta(hours=hours - left)


def plain_handover_rows(leads: pd.DataFrame, threshold: float, sla_hours: float, n_reps: int,
                        hours_per_lead: float = 1.0, half_life_hours: float = 24.0) -> pd.Series:
    free: list[pd.Timestamp | None] = [None] * n_reps
    turn = 0
    expected = pd.Series(0.0, index=leads.index)
    for index, row in leads.sort_values("created_at", kind="stable").iterrows():
        if row["score"] < threshold:
            continue
        rep = turn % n_reps
        turn += 1
        start = _next_working_moment(row["created_at"])
        if free[rep] is not None and free[rep] > start:
            start = _next_working_moment(free[rep])
        wait = (start - row["created_at"]).total_seconds() / 3600
        if wait > sla_hours:
            continue
        free[rep] = _add_working_hours(start, hours_per_lead)
        expected[index] = row["prob"] * 0.5 ** (wait / half_life_hours)
    return expected


def plain_monthly(log: pd.DataFrame) -> pd.DataFrame:
    month = log["date"].dt.to_period("M")
    return pd.DataFrame({"active": log.groupby(month)["customer_id"].nunique(),
                         "sales": log.groupby(month)["amount"].sum()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[3000, 30000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'n_leads':>8} {'function':<18} {'crmlab s':>10} {'pandas s':>10} {'ratio':>7}")
    for n in args.sizes:
        leads = simulate_leads(n, seed=0)
        scorer = LeadScorer().fit(leads)
        leads = leads.assign(score=scorer.score(leads), prob=scorer.predict_proba(leads))

        ours_t, ours = best_time(lambda: source_report(leads), args.repeat)
        plain_t, plain = best_time(lambda: plain_source_report(leads), args.repeat)
        mine = ours.set_index("lead_source").loc[plain.index]
        np.testing.assert_allclose(mine["cost_per_lead"], plain["cost_per_lead"], rtol=1e-12)
        np.testing.assert_allclose(mine["cost_per_customer"], plain["cost_per_customer"], rtol=1e-12)
        print(f"{n:>8} {'source_report':<18} {ours_t:>10.4f} {plain_t:>10.4f} {ours_t / plain_t:>7.2f}")

        ours_t, ours = best_time(lambda: handover(leads, 60, 24, 2, prob_col="prob"), args.repeat)
        plain_t, plain = best_time(lambda: plain_handover_rows(leads, 60, 24, 2), max(1, args.repeat // 3))
        np.testing.assert_allclose(ours["expected_conversion"].to_numpy(), plain.to_numpy(), rtol=1e-9, atol=1e-12)
        print(f"{n:>8} {'handover':<18} {ours_t:>10.4f} {plain_t:>10.4f} {ours_t / plain_t:>7.2f}")

        base = simulate.customer_base(max(n // 3, 100), seed=0, acquisition_weeks=40)
        log = base.transactions
        ours_t, ours = best_time(lambda: monthly_activity(log, "customer_id", "date", "amount",
                                                          drop_partial_months=False), args.repeat)
        plain_t, plain = best_time(lambda: plain_monthly(log), args.repeat)
        np.testing.assert_allclose(ours["sales"].to_numpy(), plain["sales"].to_numpy(), rtol=1e-12)
        np.testing.assert_array_equal(ours["active_customers"].to_numpy(), plain["active"].to_numpy())
        print(f"{n:>8} {'monthly_activity':<18} {ours_t:>10.4f} {plain_t:>10.4f} {ours_t / plain_t:>7.2f}"
              f"   ({len(log):,} transactions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
