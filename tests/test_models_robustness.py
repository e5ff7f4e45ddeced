"""Extreme but valid customers give finite numbers; properties hold everywhere (hypothesis);
bad input raises a clear error; a fit that does not converge says so."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab.models import (BetaGeo, BetaGeoBetaBinom, ConvergenceWarning, GammaGamma, NotFittedError, ParetoNBD,
                           ShiftedBetaGeo)


def _extreme_grid() -> pd.DataFrame:
    """frequency up to 1,000; T from 0 to 10 years in days; recency 0, T/2 and T."""
    rows = []
    for x, T in itertools.product([0, 1, 2, 10, 100, 1000], [0.0, 1.0, 38.86, 520.0, 3650.0]):
        for recency in ({0.0} if x == 0 else {0.0, T / 2, T}):
            rows.append((x, recency, T))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T"])


GRID = _extreme_grid()
HORIZONS = [0.0, 1.0, 52.0, 3650.0]

BGNBD_PARAMS = [
    {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    {"r": 5.0, "alpha": 0.1, "a": 3.0, "b": 0.2},
    {"r": 0.01, "alpha": 100.0, "a": 0.05, "b": 50.0},
]
PARETO_PARAMS = [
    {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669},
    {"r": 0.553, "alpha": 15.0, "s": 0.606, "beta": 4.0},
    {"r": 5.0, "alpha": 0.1, "s": 3.0, "beta": 200.0},
    {"r": 0.05, "alpha": 300.0, "s": 0.02, "beta": 0.5},
]


def _check_finite_predictions(model, grid: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / invalid-value warnings either
        ll = model.log_likelihood(grid)
        alive = model.probability_alive(grid).to_numpy()
        assert np.isfinite(ll)
        assert np.all(np.isfinite(alive)) and np.all((alive >= 0) & (alive <= 1))
        for t in HORIZONS:
            expected = model.expected_purchases(grid, t).to_numpy()
            assert np.all(np.isfinite(expected)), grid[~np.isfinite(expected)]
            assert np.all(expected >= 0)
            new = np.asarray(model.expected_purchases_new_customer(t))
            assert np.all(np.isfinite(new)) and np.all(new >= 0)
            pmf = model.probability_of_purchases(np.array([0, 1, 10, 1000]), t)
            assert np.all(np.isfinite(pmf)) and np.all((pmf >= 0) & (pmf <= 1 + 1e-12))


@pytest.mark.parametrize("params", BGNBD_PARAMS)
def test_bgnbd_extreme_grid_is_finite(params):
    _check_finite_predictions(BetaGeo().use_estimates(**params), GRID)


@pytest.mark.parametrize("params", PARETO_PARAMS)
def test_paretonbd_extreme_grid_is_finite(params):
    _check_finite_predictions(ParetoNBD().use_estimates(**params), GRID)


def test_bgbb_extreme_grid_is_finite():
    rows = [(x, t_x, n) for n in (1, 6, 52, 365) for t_x in sorted({0, 1, n // 2, n}) for x in sorted({0, 1, t_x // 2, t_x})
            if x <= t_x and (x == 0) == (t_x == 0)]
    grid = pd.DataFrame(rows, columns=["frequency", "recency", "periods"])
    for params in ({"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783},
                   {"alpha": 0.01, "beta": 30.0, "gamma": 20.0, "delta": 0.05}):
        model = BetaGeoBetaBinom().use_estimates(**params)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert np.isfinite(model.log_likelihood(grid))
            alive = model.probability_alive(grid).to_numpy()
            assert np.all(np.isfinite(alive)) and np.all((alive >= 0) & (alive <= 1 + 1e-12))
            for t in (0, 1, 10, 365):
                assert np.all(np.isfinite(model.expected_purchases(grid, t).to_numpy()))


def test_gammagamma_extreme_spend_is_finite():
    model = GammaGamma().use_estimates(p=6.25, q=3.74, gamma=15.44)
    grid = pd.DataFrame({"frequency": [0, 1, 1000, 1000, 1], "monetary_value": [0.0, 1e-6, 1e6, 0.01, 1e9]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(model.expected_spend(grid)))
        assert np.isfinite(model.log_likelihood(grid))


def test_all_zero_frequencies_predict_finite_values_but_cannot_be_fitted():
    """Nobody bought again: predictions are finite; a fit has no maximum and says so clearly."""
    zeros = pd.DataFrame({"frequency": [0] * 50, "recency": [0.0] * 50, "T": np.linspace(0, 3650, 50)})
    for model_class, params in ((BetaGeo, BGNBD_PARAMS[0]), (ParetoNBD, PARETO_PARAMS[0])):
        model = model_class().use_estimates(**params)
        _check_finite_predictions(model, zeros)
        with pytest.raises(ValueError, match="column 'frequency': all 50 rows are 0"):
            model_class().fit(zeros)
    with pytest.raises(ValueError, match="column 'frequency': all 50 rows are 0"):
        GammaGamma().fit(zeros.assign(monetary_value=0.0))


def test_fit_that_stops_early_says_so():
    rng = np.random.default_rng(1)
    T = rng.uniform(1, 40, 300)
    x = rng.poisson(2, 300)
    table = pd.DataFrame({"frequency": x, "recency": np.where(x > 0, T * rng.uniform(0, 1, 300), 0), "T": T})
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = BetaGeo(max_iter=2).fit(table)
    assert model.converged_ is False
    assert model.n_iter_ <= 2
    assert "ITERATIONS" in model.convergence_message_.upper()


# ------------------------------------------------------------------------------------------------
# property tests
# ------------------------------------------------------------------------------------------------

positive = st.floats(min_value=0.01, max_value=50.0, allow_nan=False)


@st.composite
def customers(draw):
    T = draw(st.floats(min_value=0.0, max_value=3650.0))
    x = draw(st.integers(min_value=0, max_value=1000))
    recency = 0.0 if x == 0 else draw(st.floats(min_value=0.0, max_value=T))
    return pd.DataFrame({"frequency": [x], "recency": [recency], "T": [T]})


@settings(max_examples=150, deadline=None)
@given(customer=customers(), r=positive, alpha=positive, a=positive, b=positive,
       t1=st.floats(min_value=0.0, max_value=500.0), dt=st.floats(min_value=0.01, max_value=500.0))
def test_bgnbd_properties(customer, r, alpha, a, b, t1, dt):
    model = BetaGeo().use_estimates(r=r, alpha=alpha, a=a, b=b)
    alive = model.probability_alive(customer).iloc[0]
    assert 0.0 <= alive <= 1.0
    early, late = model.expected_purchases(customer, t1).iloc[0], model.expected_purchases(customer, t1 + dt).iloc[0]
    assert np.isfinite(early) and np.isfinite(late)
    assert late >= early * (1 - 1e-9) - 1e-12
    new_early, new_late = model.expected_purchases_new_customer(t1), model.expected_purchases_new_customer(t1 + dt)
    assert new_late >= new_early * (1 - 1e-9) - 1e-12


@settings(max_examples=150, deadline=None)
@given(customer=customers(), r=positive, alpha=positive, s=positive, beta=positive,
       t1=st.floats(min_value=0.0, max_value=500.0), dt=st.floats(min_value=0.01, max_value=500.0))
def test_paretonbd_properties(customer, r, alpha, s, beta, t1, dt):
    model = ParetoNBD().use_estimates(r=r, alpha=alpha, s=s, beta=beta)
    alive = model.probability_alive(customer).iloc[0]
    assert 0.0 <= alive <= 1.0
    early, late = model.expected_purchases(customer, t1).iloc[0], model.expected_purchases(customer, t1 + dt).iloc[0]
    assert np.isfinite(early) and np.isfinite(late)
    assert late >= early * (1 - 1e-9) - 1e-12


@settings(max_examples=100, deadline=None)
@given(alpha=positive, beta=positive, gamma=positive, delta=positive,
       n=st.integers(min_value=1, max_value=60), data=st.data())
def test_bgbb_properties(alpha, beta, gamma, delta, n, data):
    t_x = data.draw(st.integers(min_value=0, max_value=n))
    x = 0 if t_x == 0 else data.draw(st.integers(min_value=1, max_value=t_x))
    customer = pd.DataFrame({"frequency": [x], "recency": [t_x], "periods": [n]})
    model = BetaGeoBetaBinom().use_estimates(alpha=alpha, beta=beta, gamma=gamma, delta=delta)
    alive = model.probability_alive(customer).iloc[0]
    assert 0.0 <= alive <= 1.0 + 1e-12
    values = np.array([model.expected_purchases(customer, k).iloc[0] for k in range(0, 12)])
    assert np.all(np.isfinite(values)) and np.all(np.diff(values) >= -1e-12)


@settings(max_examples=100, deadline=None)
@given(alpha=positive, beta=positive, t=st.integers(min_value=1, max_value=200))
def test_sbg_properties(alpha, beta, t):
    model = ShiftedBetaGeo().use_estimates(alpha=alpha, beta=beta)
    survival = model.survival_function(np.arange(0, t + 1))
    assert survival[0] == 1.0
    assert np.all(np.diff(survival) <= 0) and np.all(survival >= 0)
    rates = model.retention_rate(np.arange(1, t + 1))
    assert np.all((rates > 0) & (rates < 1)) and np.all(np.diff(rates) >= 0)


# ------------------------------------------------------------------------------------------------
# invalid input
# ------------------------------------------------------------------------------------------------

VALID = pd.DataFrame({"frequency": [0, 2, 5], "recency": [0.0, 3.0, 9.0], "T": [10.0, 10.0, 10.0]})


@pytest.mark.parametrize("model_class", [BetaGeo, ParetoNBD])
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"recency": [0.0, 12.0, 9.0]}, r"column 'recency': 1 of 3 rows have recency greater than 'T'"),
        ({"frequency": [0, -2, 5]}, r"column 'frequency': 1 of 3 rows are negative"),
        ({"frequency": [0.5, 2.5, 5]}, r"column 'frequency': 2 of 3 rows are not whole numbers"),
        ({"T": [np.nan, 10.0, np.nan]}, r"column 'T': 2 of 3 rows are NaN or infinite"),
        ({"frequency": ["0", "2", "5"]}, r"column 'frequency' must be numeric"),
        ({"recency": [1.0, 3.0, 9.0]}, r"column 'recency': 1 of 3 rows have recency > 0 but frequency 0"),
    ],
)
def test_invalid_customer_tables_raise_clear_errors(model_class, change, message):
    bad = VALID.assign(**change)
    with pytest.raises(ValueError, match=message):
        model_class().fit(bad)
    fitted = model_class().use_estimates(**dict(zip(model_class.parameter_names, [1.0] * 4)))
    with pytest.raises(ValueError, match=message):
        fitted.probability_alive(bad)


def test_missing_columns_and_empty_tables():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['T'\]"):
        BetaGeo().fit(VALID.drop(columns="T"))
    with pytest.raises(ValueError, match="empty"):
        BetaGeo().fit(VALID.iloc[:0])
    with pytest.raises(ValueError, match="missing column.*monetary_value"):
        GammaGamma().fit(VALID)
    with pytest.raises(TypeError, match="DataFrame"):
        BetaGeo().fit([[0, 0, 1]])


def test_renamed_columns_are_named_in_errors():
    table = VALID.rename(columns={"frequency": "f", "recency": "r", "T": "age"}).assign(r=[0.0, 11.0, 9.0])
    model = BetaGeo(columns={"frequency": "f", "recency": "r", "T": "age"})
    with pytest.raises(ValueError, match="column 'r': 1 of 3 rows have recency greater than 'age'"):
        model.fit(table)


def test_gammagamma_rejects_non_positive_spend_of_repeat_buyers():
    table = pd.DataFrame({"frequency": [1, 2, 0], "monetary_value": [0.0, 10.0, 0.0]})
    with pytest.raises(ValueError, match="column 'monetary_value': 1 of 3 rows with frequency > 0 have a mean spend <= 0"):
        GammaGamma().fit(table)


def test_bgbb_rejects_inconsistent_patterns():
    good = pd.DataFrame({"frequency": [0, 2], "recency": [0, 4], "periods": [6, 6]})
    for change, message in [({"recency": [0, 7]}, "'recency': 1 of 2 rows are greater than 'periods'"),
                            ({"frequency": [0, 5]}, "'frequency': 1 of 2 rows have more transactions"),
                            ({"recency": [2, 4]}, "'recency': 1 of 2 rows are > 0 although frequency is 0"),
                            ({"periods": [6, 6.5]}, "'periods': 1 of 2 rows are not whole numbers")]:
        with pytest.raises(ValueError, match=message):
            BetaGeoBetaBinom().fit(good.assign(**change))
    with pytest.raises(ValueError, match="weights: 1 of 2 rows are negative"):
        BetaGeoBetaBinom().fit(good, weights=[1, -1])


def test_sbg_rejects_bad_survival_curves():
    with pytest.raises(ValueError, match="1 period"):
        ShiftedBetaGeo().fit([1000, 600, 700])
    with pytest.raises(ValueError, match="at least one later period"):
        ShiftedBetaGeo().fit([1000])
    with pytest.raises(ValueError, match="NaN"):
        ShiftedBetaGeo().fit([1000, np.nan, 500])


def test_predicting_before_fitting_raises():
    with pytest.raises(NotFittedError, match="call fit"):
        BetaGeo().probability_alive(VALID)
    with pytest.raises(ValueError, match="positive"):
        BetaGeo(initial_params={"r": -1.0}).fit(VALID)
    with pytest.raises(ValueError, match="unknown parameter"):
        BetaGeo(initial_params={"rho": 1.0}).fit(VALID)


@pytest.mark.parametrize("name", ["BetaGeo", "ParetoNBD", "GammaGamma", "ShiftedBetaGeo", "BetaGeoBetaBinom"])
def test_every_model_is_a_scikit_learn_estimator(name):
    """get_params / set_params / clone work, and an unfitted model raises the one NotFittedError."""
    from sklearn.base import clone

    import crmlab.models as models
    from crmlab._table_checks import NotFittedError as Shared

    model = getattr(models, name)(max_iter=77)
    copy = clone(model)
    assert copy is not model and copy.get_params() == model.get_params() and copy.max_iter == 77
    assert copy.set_params(max_iter=5).max_iter == 5
    assert models.NotFittedError is Shared and issubclass(Shared, ValueError) and issubclass(Shared, AttributeError)
    with pytest.raises(Shared):
        model.summary()
