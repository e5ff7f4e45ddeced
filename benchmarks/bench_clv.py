"""Time crmlab's BG/NBD, Pareto/NBD and Gamma-Gamma fits against lifetimes 0.11.3, and compare the optima.

Run (from the repository root)::

    python benchmarks/bench_clv.py --setup-lifetimes     # once: venv build/bench-lifetimes with lifetimes
    python benchmarks/bench_clv.py                       # CDNOW + 1,000,000 synthetic customers
    python benchmarks/bench_clv.py --quick               # CDNOW + 100,000 synthetic customers
    python benchmarks/bench_clv.py --customers 250000 --lifetimes-python /path/to/other/python

What it measures
----------------
* **Fit time** of ``crmlab.models.BetaGeo``, ``ParetoNBD`` and ``GammaGamma`` (``fit`` with default
  settings) and of lifetimes' ``BetaGeoFitter``, ``ParetoNBDFitter`` and ``GammaGammaFitter``
  (``fit`` with default settings, on the same arrays), wall clock, imports and data loading excluded.
  On CDNOW each fit is timed ``--repeat-cdnow`` times (best kept); on the synthetic base once.
  The ratio printed is lifetimes time / crmlab time (the goal in issue 4 is >= 10 at 1,000,000).
* **The two optima**: both parameter vectors, the largest relative parameter difference, and the
  log-likelihood of each. Both log-likelihoods are crmlab's *full* log-likelihood
  (``model.log_likelihood(data)``) evaluated at each library's parameters, so they are the same
  function (lifetimes reports a mean or a value with constants dropped). Goal: parameters within
  1e-3 relative, log-likelihood within 1e-6 relative. A positive "crmlab LL - lifetimes LL" means
  lifetimes stopped short of the maximum.
* **Prediction time** of crmlab for 1,000,000 customers (the synthetic table, repeated or cut to
  1,000,000 rows): ``probability_alive`` and ``expected_purchases(data, t=52)`` for BG/NBD and
  Pareto/NBD, ``GammaGamma.expected_spend`` (goal: each under a second).

Data
----
* CDNOW sample (``crmlab.datasets.load_cdnow("sample")``, 2,357 customers) summarised with
  ``crmlab.rfm.summarize`` in weeks, calibration end 1997-09-30, observation end 1998-06-30;
  the models are fitted to the calibration columns (``frequency_cal``, ``recency_cal``, ``T_cal``,
  ``monetary_value_cal``).
* Synthetic base of ``--customers`` customers (default 1,000,000; ``--quick``: 100,000) drawn
  directly from the BG/NBD and Gamma-Gamma processes with ``numpy.random.default_rng(--seed)``, at
  the published CDNOW estimates (r, alpha, a, b = 0.243, 4.414, 0.793, 2.426; p, q, gamma = 6.25,
  3.74, 15.44): first purchases uniform over the 90 days from 1997-01-01, observed to 1997-09-30
  (T = 26.3 to 39 weeks); purchase times are kept on whole days, like a summarised transaction
  log; the mean repeat spend of a customer with x repeat purchases is Gamma(p x, nu x) with
  nu ~ Gamma(q, gamma), rounded to cents (at least 0.01). No transaction log is built (that would
  time ``summarize``, which ``bench_rfm.py`` covers).

lifetimes does not import beside pandas 3, so it runs in a separate interpreter: this same file,
started as ``<lifetimes-python> bench_clv.py --lifetimes-worker ...`` for each fit, reads the
arrays from a temporary ``.npz`` file and writes its result as JSON. ``--lifetimes-python``
defaults to ``build/bench-lifetimes/bin/python`` when that exists; ``--setup-lifetimes`` creates
it (``python3 -m venv`` + ``pip install -r benchmarks/requirements-lifetimes.txt``). Without a
working lifetimes interpreter only the crmlab timings are printed (exit status 0).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LIFETIMES_VENV = ROOT / "build" / "bench-lifetimes"
REQUIREMENTS = Path(__file__).resolve().parent / "requirements-lifetimes.txt"
MODELS = ("bgnbd", "pareto", "gg")
MODEL_NAMES = {"bgnbd": "BG/NBD", "pareto": "Pareto/NBD", "gg": "Gamma-Gamma"}
PARAM_NAMES = {"bgnbd": ("r", "alpha", "a", "b"), "pareto": ("r", "alpha", "s", "beta"), "gg": ("p", "q", "gamma")}
BGNBD_TRUE = (0.243, 4.414, 0.793, 2.426)
GG_TRUE = (6.25, 3.74, 15.44)
PARAM_GOAL, LL_GOAL, PREDICT_GOAL, SPEED_GOAL = 1e-3, 1e-6, 1.0, 10.0
PREDICT_ROWS = 1_000_000


# -- lifetimes side (runs under the other interpreter: numpy and lifetimes only) ---------------------
def lifetimes_worker(data_path: str, model: str, repeat: int, out_path: str) -> None:
    """Fit one lifetimes model to the arrays in ``data_path``; write seconds and parameters as JSON."""
    import warnings

    warnings.simplefilter("ignore")
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

    arrays = np.load(data_path)
    x, t_x, T, m = arrays["frequency"], arrays["recency"], arrays["T"], arrays["monetary_value"]
    best = float("inf")
    for _ in range(repeat):
        if model == "gg":
            repeat_buyers = x > 0
            fitter = GammaGammaFitter()
            start = time.perf_counter()
            fitter.fit(x[repeat_buyers], m[repeat_buyers])
        else:
            fitter = BetaGeoFitter() if model == "bgnbd" else ParetoNBDFitter()
            start = time.perf_counter()
            fitter.fit(x, t_x, T)
        best = min(best, time.perf_counter() - start)
    names = {"bgnbd": ("r", "alpha", "a", "b"), "pareto": ("r", "alpha", "s", "beta"), "gg": ("p", "q", "v")}[model]
    result = {"seconds": best, "params": [float(fitter.params_[name]) for name in names]}
    with open(out_path, "w") as handle:
        json.dump(result, handle)


# -- crmlab side -------------------------------------------------------------------------------------
def cdnow_table() -> Any:
    """CDNOW sample calibration summary (weeks) under the plain column names."""
    from crmlab.datasets import load_cdnow
    from crmlab.rfm import summarize

    summary = summarize(load_cdnow("sample"), "customer_id", "date", "dollar_value",
                        observation_end="1998-06-30", calibration_end="1997-09-30", time_unit="W")
    columns = {"frequency_cal": "frequency", "recency_cal": "recency", "T_cal": "T",
               "monetary_value_cal": "monetary_value"}
    return summary[list(columns)].rename(columns=columns).reset_index(drop=True)


def synthetic_table(n_customers: int, seed: int) -> Any:
    """``n_customers`` summaries drawn from the BG/NBD and Gamma-Gamma processes (see module docstring)."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    r, alpha, a, b = BGNBD_TRUE
    p, q, gamma = GG_TRUE
    first_day = rng.integers(0, 90, n_customers)           # 1997-01-01 .. 1997-03-31
    T_days = 272 - first_day                                 # days to 1997-09-30
    rate = rng.gamma(r, 1 / alpha, n_customers) / 7          # purchases per day
    dropout = rng.beta(a, b, n_customers)
    x = np.zeros(n_customers, dtype=np.int64)
    last = np.zeros(n_customers)
    clock = np.zeros(n_customers)
    active = np.flatnonzero(rate > 0)
    while active.size:
        clock[active] += rng.exponential(1.0, active.size) / rate[active]
        bought = clock[active] <= T_days[active]
        buyers = active[bought]
        x[buyers] += 1
        last[buyers] = clock[buyers]
        # a customer who has bought leaves with probability p; one past T is out of the window
        stays = rng.random(buyers.size) >= dropout[buyers]
        active = buyers[stays]
    recency_days = np.minimum(np.floor(last), T_days)
    nu = rng.gamma(q, 1 / gamma, n_customers)
    spend = rng.gamma(p * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1)))
    monetary = np.where(x > 0, np.maximum(np.round(spend, 2), 0.01), 0.0)
    return pd.DataFrame({"frequency": x.astype(np.float64), "recency": recency_days / 7,
                         "T": T_days / 7, "monetary_value": monetary})


def crmlab_model(model: str) -> Any:
    from crmlab.models import BetaGeo, GammaGamma, ParetoNBD

    return {"bgnbd": BetaGeo, "pareto": ParetoNBD, "gg": GammaGamma}[model]()


def time_crmlab_fit(model: str, data: Any, repeat: int) -> tuple[float, Any]:
    best, fitted = float("inf"), None
    for _ in range(repeat):
        estimator = crmlab_model(model)
        start = time.perf_counter()
        estimator.fit(data)
        best = min(best, time.perf_counter() - start)
        fitted = estimator
    return best, fitted


def full_log_likelihood(model: str, params: list[float], data: Any) -> float:
    """crmlab's full log-likelihood of ``data`` at ``params`` (the same function for both libraries)."""
    estimator = crmlab_model(model)
    estimator.use_estimates(**dict(zip(estimator.parameter_names, params)))
    return estimator.log_likelihood(data)


def run_lifetimes(python: str, data_path: str, model: str, repeat: int, timeout: float | None) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out_path = handle.name
    try:
        completed = subprocess.run(
            [python, str(Path(__file__).resolve()), "--lifetimes-worker", data_path, model, str(repeat), out_path],
            capture_output=True, text=True, timeout=timeout)
        if completed.returncode != 0:
            tail = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no output"]
            return {"error": f"exit status {completed.returncode}: {tail[0]}"}
        with open(out_path) as result:
            return json.load(result)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    finally:
        os.unlink(out_path)


def lifetimes_status(python: str | None) -> tuple[bool, str]:
    """Whether ``python`` can import lifetimes, and its version or the reason it cannot."""
    if python is None:
        return False, f"no interpreter given and {DEFAULT_LIFETIMES_VENV / 'bin' / 'python'} does not exist " \
                      "(run with --setup-lifetimes or --lifetimes-python PATH)"
    if not Path(python).exists():
        return False, f"{python} does not exist"
    check = subprocess.run([python, "-c", "import lifetimes, pandas; print(lifetimes.__version__, pandas.__version__)"],
                           capture_output=True, text=True)
    if check.returncode != 0:
        last = (check.stderr.strip().splitlines() or ["unknown error"])[-1]
        return False, f"{python} cannot import lifetimes: {last}"
    version, pandas_version = check.stdout.split()
    return True, f"lifetimes {version} (pandas {pandas_version}) via {python}"


def setup_lifetimes(venv: Path) -> str:
    """Create ``venv`` and install the pinned lifetimes stack into it; return its python."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], check=True)
    return str(python)


def relative_difference(mine: float, theirs: float) -> float:
    return abs(mine - theirs) / abs(theirs) if theirs != 0 else abs(mine - theirs)


def time_call(function: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def fmt_params(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.6g}" for v in values) + "]"


def benchmark_dataset(label: str, data: Any, repeat: int, python: str | None, timeout: float | None,
                      rows: list[dict[str, Any]], models: tuple[str, ...] = MODELS) -> dict[str, Any]:
    n_repeat = int((data["frequency"] > 0).sum())
    print(f"\n=== {label}: {len(data):,} customers ({n_repeat:,} repeat buyers); fits timed best of {repeat} ===",
          flush=True)
    fitted: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data_path = os.path.join(tmp, "customers.npz")
        np.savez(data_path, **{column: data[column].to_numpy(np.float64)
                               for column in ("frequency", "recency", "T", "monetary_value")})
        for model in models:
            seconds, estimator = time_crmlab_fit(model, data, repeat)
            fitted[model] = estimator
            mine = estimator.params_.tolist()
            ll_mine = estimator.log_likelihood_
            names = ", ".join(PARAM_NAMES[model])
            print(f"\n{MODEL_NAMES[model]} ({names})", flush=True)
            print(f"  crmlab     {seconds:9.3f} s  params {fmt_params(mine)}  LL {ll_mine:.10g}  "
                  f"converged={estimator.converged_}  patterns={estimator.n_patterns_:,}", flush=True)
            row: dict[str, Any] = {"data": label, "model": MODEL_NAMES[model], "crmlab_s": seconds}
            if python is not None:
                theirs = run_lifetimes(python, data_path, model, repeat, timeout)
                if "error" in theirs:
                    print(f"  lifetimes  failed: {theirs['error']}", flush=True)
                else:
                    ll_theirs = full_log_likelihood(model, theirs["params"], data)
                    param_diff = max(relative_difference(a, b) for a, b in zip(mine, theirs["params"]))
                    ll_diff = relative_difference(ll_mine, ll_theirs)
                    ratio = theirs["seconds"] / seconds
                    print(f"  lifetimes  {theirs['seconds']:9.3f} s  params {fmt_params(theirs['params'])}  "
                          f"LL {ll_theirs:.10g}", flush=True)
                    print(f"  ratio lifetimes/crmlab {ratio:.1f}x; max relative parameter difference "
                          f"{param_diff:.2e} ({'ok' if param_diff <= PARAM_GOAL else 'ABOVE'} 1e-3); "
                          f"relative LL difference {ll_diff:.2e} ({'ok' if ll_diff <= LL_GOAL else 'ABOVE'} 1e-6); "
                          f"crmlab LL - lifetimes LL = {ll_mine - ll_theirs:+.4g}", flush=True)
                    row.update(lifetimes_s=theirs["seconds"], ratio=ratio, param_diff=param_diff, ll_diff=ll_diff)
            rows.append(row)
    return fitted


def benchmark_predictions(fitted: dict[str, Any], data: Any) -> list[tuple[str, float]]:
    import pandas as pd

    table = data.iloc[np.resize(np.arange(len(data)), PREDICT_ROWS)].reset_index(drop=True) \
        if len(data) != PREDICT_ROWS else data
    table = pd.DataFrame(table)
    print(f"\n=== crmlab predictions for {len(table):,} customers (best of 3) ===", flush=True)
    calls = [
        ("BG/NBD probability_alive", lambda: fitted["bgnbd"].probability_alive(table)),
        ("BG/NBD expected_purchases(t=52)", lambda: fitted["bgnbd"].expected_purchases(table, 52)),
        ("Pareto/NBD probability_alive", lambda: fitted["pareto"].probability_alive(table)),
        ("Pareto/NBD expected_purchases(t=52)", lambda: fitted["pareto"].expected_purchases(table, 52)),
        ("Gamma-Gamma expected_spend", lambda: fitted["gg"].expected_spend(table)),
    ]
    owner = {"BG/NBD": "bgnbd", "Pareto/NBD": "pareto", "Gamma-Gamma": "gg"}
    calls = [(name, call) for name, call in calls if owner[name.split()[0]] in fitted]
    results = []
    for name, call in calls:
        seconds = time_call(call)
        results.append((name, seconds))
        print(f"  {name:38s} {seconds:7.3f} s  ({'ok' if seconds < PREDICT_GOAL else 'ABOVE'} 1 s)", flush=True)
    return results


def print_table(rows: list[dict[str, Any]], with_lifetimes: bool) -> None:
    print("\n=== Summary: fit time ratios (lifetimes / crmlab) ===")
    header = f"{'data':24s} {'model':12s} {'crmlab s':>10s}"
    if with_lifetimes:
        header += f" {'lifetimes s':>12s} {'ratio':>8s} {'max rel param':>14s} {'rel LL':>10s}"
    print(header)
    for row in rows:
        line = f"{row['data']:24s} {row['model']:12s} {row['crmlab_s']:10.3f}"
        if with_lifetimes:
            if "ratio" in row:
                line += (f" {row['lifetimes_s']:12.3f} {row['ratio']:7.1f}x {row['param_diff']:14.2e}"
                         f" {row['ll_diff']:10.2e}")
            else:
                line += f" {'failed':>12s}"
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000, help="synthetic customers (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="100,000 synthetic customers")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the synthetic base")
    parser.add_argument("--repeat-cdnow", type=int, default=3, help="timed fits per model on CDNOW (best kept)")
    parser.add_argument("--lifetimes-python", default=None,
                        help=f"interpreter with lifetimes (default {DEFAULT_LIFETIMES_VENV}/bin/python if it exists)")
    parser.add_argument("--setup-lifetimes", action="store_true",
                        help=f"create {DEFAULT_LIFETIMES_VENV} with {REQUIREMENTS.name} first")
    parser.add_argument("--lifetimes-timeout", type=float, default=None, help="seconds allowed per lifetimes fit")
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS),
                        help="models to time (default all: bgnbd pareto gg)")
    parser.add_argument("--lifetimes-worker", nargs=4, metavar=("DATA", "MODEL", "REPEAT", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.lifetimes_worker:
        data_path, model, repeat, out_path = args.lifetimes_worker
        lifetimes_worker(data_path, model, int(repeat), out_path)
        return 0

    n_customers = 100_000 if args.quick else args.customers
    python = args.lifetimes_python
    if args.setup_lifetimes and python is None:
        python = setup_lifetimes(DEFAULT_LIFETIMES_VENV)
    if python is None and (DEFAULT_LIFETIMES_VENV / "bin" / "python").exists():
        python = str(DEFAULT_LIFETIMES_VENV / "bin" / "python")
    available, status = lifetimes_status(python)
    import crmlab
    import pandas as pd

    print(f"crmlab {getattr(crmlab, '__version__', '?')} (pandas {pd.__version__}, numpy {np.__version__}); "
          f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(status if available else f"lifetimes skipped: {status}")
    if not available:
        python = None

    rows: list[dict[str, Any]] = []
    models = tuple(args.models)
    benchmark_dataset("CDNOW sample (weeks)", cdnow_table(), args.repeat_cdnow, python, args.lifetimes_timeout, rows,
                      models)
    start = time.perf_counter()
    synthetic = synthetic_table(n_customers, args.seed)
    print(f"\n(synthetic base of {n_customers:,} customers generated in {time.perf_counter() - start:.1f} s, "
          f"seed {args.seed})")
    fitted = benchmark_dataset(f"synthetic {n_customers:,}", synthetic, 1, python, args.lifetimes_timeout, rows,
                               models)
    predictions = benchmark_predictions(fitted, synthetic)
    print_table(rows, python is not None)
    print(f"\n{'prediction (1,000,000 customers)':38s} {'seconds':>8s}")
    for name, seconds in predictions:
        print(f"{name:38s} {seconds:8.3f}")
    if python is None:
        print("\nlifetimes was skipped: crmlab timings only.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
