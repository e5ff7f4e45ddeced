"""Time crmlab's gains table and AUC against plain pandas and scikit-learn.

Run: ``python benchmarks/bench_response.py [n_contacts ...]`` (default 100,000 and 1,000,000).
For each size, seeded responses (10% rate) and scores (responders score higher on average, scores
rounded to 3 decimals so that ties occur) are drawn once; each method is timed on its own (best of
``--repeat`` runs) and the results are checked to agree:

* gains by decile: ``crmlab.response.gains_table`` vs a plain pandas sort + group-by on equal-size
  groups (the same ordering: score descending, ties in input order);
* AUC: ``crmlab.response.auc`` (rank formula) vs ``sklearn.metrics.roc_auc_score``.

Ratios are the other method's time divided by crmlab's (above 1: crmlab is faster).
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from crmlab.response import auc, gains_table
from timing import best_time


def make_scores(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(float)
    score = np.round(1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y - 2))), 3)
    return y, score


def pandas_gains(y: np.ndarray, score: np.ndarray, groups: int = 10) -> pd.DataFrame:
    frame = pd.DataFrame({"y": y, "score": score}).sort_values("score", ascending=False, kind="stable")
    sizes = np.full(groups, len(y) // groups)
    sizes[: len(y) % groups] += 1
    frame["group"] = np.repeat(np.arange(1, groups + 1), sizes)
    table = frame.groupby("group")["y"].agg(contacts="count", responses="sum")
    table["response_rate"] = table["responses"] / table["contacts"]
    table["lift"] = table["response_rate"] / y.mean()
    table["cum_response_share"] = table["responses"].cumsum() / y.sum()
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    for n in args.sizes:
        y, score = make_scores(n)
        print(f"\n{n:,} contacts, {int(y.sum()):,} responders, {len(np.unique(score)):,} distinct scores")
        t_crm, ours = best_time(lambda: gains_table(y, score), args.repeat)
        t_pd, theirs = best_time(lambda: pandas_gains(y, score), args.repeat)
        assert ours["responses"].tolist() == theirs["responses"].astype(int).tolist()
        assert np.allclose(ours["lift"], theirs["lift"]) and np.allclose(ours["cum_response_share"], theirs["cum_response_share"])
        print(f"  gains table   crmlab {t_crm * 1000:8.1f} ms   pandas  {t_pd * 1000:8.1f} ms   ratio {t_pd / t_crm:5.2f}x")
        t_crm, a = best_time(lambda: auc(y, score), args.repeat)
        t_sk, b = best_time(lambda: roc_auc_score(y, score), args.repeat)
        assert abs(a - b) < 1e-12, (a, b)
        print(f"  AUC           crmlab {t_crm * 1000:8.1f} ms   sklearn {t_sk * 1000:8.1f} ms   ratio {t_sk / t_crm:5.2f}x"
              f"   (AUC {a:.6f} both)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
