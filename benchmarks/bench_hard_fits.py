"""Time every CLV model on a grid of hard data sets and say how each fit ends (issue 11, item 2).

Run (from the repository root)::

    python benchmarks/bench_hard_fits.py            # the full grid (2,000,000 customers included)
    python benchmarks/bench_hard_fits.py --quick    # 200,000 instead of 2,000,000 customers

Every data set is drawn with ``numpy.random.default_rng(seed)``; times are wall clock of ``fit``
alone (data generation excluded), one run each. Goal: no fit takes more than 60 s. For each fit
the table shows the time, how it ended (``ok``; ``flagged``: a :class:`~crmlab.models.DegenerateFitWarning`
and ``model.degenerate_`` set; ``raised``: :class:`~crmlab.models.DegenerateFitError` or another
``ValueError``), the estimates and the log-likelihood, and the message.

The data sets (time unit: weeks; purchase days whole, as in a summarised transaction log):

* ``no_dropout``: 500 customers who never drop out; rates Gamma(2, 4) per week, first purchase in the
  first 42 weeks, observed to week 52.
* ``no_dropout_T0``: the same plus 10 customers seen first on the last day (T = 0).
* ``large_frequencies``: 1,000 customers with rates Gamma(5, 0.05) per week (about 100 a week, times
  not rounded to days), Pareto/NBD lifetimes at s = 0.606, beta = 11.669: frequencies into the thousands.
* ``n_customers``: 2,000,000 customers (``--quick``: 200,000) from the Pareto/NBD at the CDNOW
  estimates (r, alpha, s, beta = 0.553, 10.578, 0.606, 11.669), first purchases over 12 weeks,
  observed for 39 weeks.
* ``one_customer``: one customer (3 repeat purchases, last at week 20 of 39).
* ``no_repeat``: 300 customers, none of whom bought again.
* ``repeat_at_T0``: 100 customers with repeat purchases at T = 0 (all on their first day).
* Spend (Gamma-Gamma) of the repeat buyers of each: Gamma(6.25, nu) per purchase, nu ~ Gamma(3.74, 15.44).
* BG/BB on the discrete version (6 yearly opportunities): the donations data (11,104 donors),
  ``no_dropout`` (nobody dies, p ~ Beta(1.2, 0.75)), ``n_customers`` (the donations patterns x 180 as
  weights), ``one_customer``, ``no_repeat``.
* sBG on cohorts: the regular cohort, years 1-7 (the paper's fit), the high-end cohort's first 2 years,
  a cohort without churn, one period only.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crmlab import datasets  # noqa: E402
from crmlab.models import (BetaGeo, BetaGeoBetaBinom, DegenerateFitError, DegenerateFitWarning,  # noqa: E402
                           GammaGamma, ParetoNBD, ShiftedBetaGeo)


def _purchases(rng: np.random.Generator, rate: np.ndarray, lifetime: np.ndarray, T: np.ndarray,
               days: bool = True) -> pd.DataFrame:
    """frequency, recency, T of customers buying at Poisson ``rate`` for min(lifetime, T) weeks (whole days)."""
    active = np.minimum(lifetime, T)
    counts = rng.poisson(rate * active)
    x = np.zeros(len(T))
    recency = np.zeros(len(T))
    owner = np.repeat(np.arange(len(T)), counts)
    times = rng.uniform(0, 1, counts.sum()) * active[owner]
    if days:
        times = np.floor(times * 7) / 7
        frame = pd.DataFrame({"owner": owner, "time": times})
        frame = frame[frame["time"] > 0].drop_duplicates()
        x = np.bincount(frame["owner"], minlength=len(T)).astype(float)
        last = frame.groupby("owner")["time"].max()
        recency[last.index.to_numpy()] = last.to_numpy()
    else:
        x = counts.astype(float)
        last = pd.Series(times).groupby(owner).max()
        recency[last.index.to_numpy()] = last.to_numpy()
    return pd.DataFrame({"frequency": x, "recency": recency, "T": T})


def _with_spend(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    nu = rng.gamma(3.74, 1 / 15.44, len(table))
    x = table["frequency"].to_numpy()
    spend = np.where(x > 0, rng.gamma(6.25 * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))), 0.0)
    return table.assign(monetary_value=np.round(np.maximum(spend, 0.01), 2) * (x > 0))


def purchase_data(n_customers: int, seed: int = 11) -> dict[str, pd.DataFrame]:
    """The (frequency, recency, T, monetary_value) data sets of the grid."""
    rng = np.random.default_rng(seed)
    out = {}
    T = 52 - np.floor(rng.uniform(0, 42 * 7, 500)) / 7
    out["no_dropout"] = _purchases(rng, rng.gamma(2.0, 1 / 4.0, 500), np.full(500, np.inf), T)
    out["no_dropout_T0"] = pd.concat([out["no_dropout"], pd.DataFrame({"frequency": [0.0] * 10, "recency": [0.0] * 10,
                                                                       "T": [0.0] * 10})], ignore_index=True)
    T = rng.uniform(10, 52, 1000)
    out["large_frequencies"] = _purchases(rng, rng.gamma(5.0, 1 / 0.05, 1000),
                                          rng.exponential(1 / rng.gamma(0.606, 1 / 11.669, 1000)), T, days=False)
    T = 39 - np.floor(rng.uniform(0, 12 * 7, n_customers)) / 7
    out["n_customers"] = _purchases(rng, rng.gamma(0.553, 1 / 10.578, n_customers),
                                    rng.exponential(1 / rng.gamma(0.606, 1 / 11.669, n_customers)), T)
    out["one_customer"] = pd.DataFrame({"frequency": [3.0], "recency": [20.0], "T": [39.0]})
    out["no_repeat"] = pd.DataFrame({"frequency": 0.0, "recency": 0.0, "T": np.floor(rng.uniform(1, 39 * 7, 300)) / 7})
    out["repeat_at_T0"] = pd.DataFrame({"frequency": rng.integers(1, 4, 100).astype(float), "recency": 0.0, "T": 0.0})
    # spend drawn with a generator per data set, so that a data set's spend does not depend on n_customers
    return {name: _with_spend(np.random.default_rng([seed, i]), table) for i, (name, table) in enumerate(out.items())}


def donation_data(scale: int, seed: int = 12) -> dict[str, pd.DataFrame]:
    """(frequency, recency, periods[, weights]) data sets for BG/BB."""
    rng = np.random.default_rng(seed)
    donations = datasets.load_donations()
    out = {"donations": donations}
    p = rng.beta(1.2, 0.75, 2000)
    acts = rng.uniform(size=(2000, 6)) < p[:, None]
    x = acts.sum(axis=1)
    last = np.where(x > 0, 6 - np.argmax(acts[:, ::-1], axis=1), 0)
    out["no_dropout"] = pd.DataFrame({"frequency": x, "recency": last, "periods": 6})
    out["n_customers"] = donations.assign(donors=donations["donors"] * scale)
    out["one_customer"] = pd.DataFrame({"frequency": [3], "recency": [5], "periods": [6]})
    out["no_repeat"] = pd.DataFrame({"frequency": [0] * 300, "recency": [0] * 300, "periods": [6] * 300})
    return out


def cohort_data() -> dict[str, np.ndarray]:
    cohorts = datasets.load_retention_cohorts()

    def curve(name: str, years: int) -> np.ndarray:
        rows = cohorts[(cohorts["cohort"] == name) & (cohorts["year"] <= years)].sort_values("year")
        return rows["surviving_customers"].to_numpy(float)

    return {"regular_7y": curve("regular", 7), "high_end_2y": curve("high_end", 2), "high_end_3y": curve("high_end", 3),
            "no_churn": np.full(8, 1000.0), "one_period": np.array([1000.0, 631.0])}


def run(label: str, fit) -> dict:
    """Fit once; return the row of the result table."""
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = fit()
            outcome, message = "ok", ""
        except (DegenerateFitError, ValueError) as error:
            model, outcome, message = None, "raised", f"{type(error).__name__}: {error}"
    seconds = time.perf_counter() - start
    if model is not None:
        flagged = [w for w in caught if issubclass(w.category, DegenerateFitWarning)]
        if getattr(model, "degenerate_", None):
            outcome, message = "flagged", model.degenerate_
        elif flagged:
            outcome, message = "flagged?", str(flagged[0].message)
        params = ", ".join(f"{k}={v:.4g}" for k, v in model.params_.items())
        ll = f"{model.log_likelihood_:.2f}"
    else:
        params = ll = ""
    return {"fit": label, "seconds": round(seconds, 2), "outcome": outcome, "estimates": params, "LL": ll,
            "message": message}


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200,000 customers instead of 2,000,000")
    parser.add_argument("--only", default="", help="comma-separated data set names to run (default: all)")
    args = parser.parse_args(argv)
    n_customers = 200_000 if args.quick else 2_000_000
    only = {name for name in args.only.split(",") if name}
    rows = []

    def wanted(name: str) -> bool:
        return not only or name in only

    for name, table in purchase_data(n_customers).items():
        if not wanted(name):
            continue
        print(f"{name}: {len(table):,} customers, {int((table['frequency'] > 0).sum()):,} repeat buyers, "
              f"max frequency {int(table['frequency'].max())}", flush=True)
        for model_class in (BetaGeo, ParetoNBD, GammaGamma):
            rows.append(run(f"{model_class.model_name} / {name}", lambda: model_class().fit(table)))
            print("   ", rows[-1], flush=True)
    for name, table in donation_data(180).items():
        if not wanted(name):
            continue
        weights = "donors" if "donors" in table.columns else None
        rows.append(run(f"BG/BB / {name}", lambda: BetaGeoBetaBinom().fit(table, weights=weights)))
        print("   ", rows[-1], flush=True)
    for name, curve in cohort_data().items():
        if not wanted(name):
            continue
        rows.append(run(f"sBG / {name}", lambda: ShiftedBetaGeo().fit(curve)))
        print("   ", rows[-1], flush=True)
    result = pd.DataFrame(rows)
    with pd.option_context("display.max_colwidth", 90, "display.width", 250):
        print(result.drop(columns="message").to_string(index=False))
        print()
        for row in result.itertuples():
            if row.message:
                print(f"{row.fit}: {row.message}")
    print(f"\nslowest fit: {result['seconds'].max():.1f} s (goal: <= 60 s)")
    return result


if __name__ == "__main__":
    main()
