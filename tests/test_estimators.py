"""Every crmlab estimator follows scikit-learn's convention: clone, get_params, repr, NotFittedError,
predict_proba aligned with the input index (issue 10, item 3)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.utils.validation import check_is_fitted

import crmlab
from crmlab.clustering import CustomerSegmentation
from crmlab.estimators import ESTIMATORS, Estimator, NotFittedError
from crmlab.leads import LeadScorer, simulate_leads
from crmlab.models import BetaGeo, BetaGeoBetaBinom, GammaGamma, ParetoNBD, ShiftedBetaGeo
from crmlab.response import ResponseModel
from crmlab.value_matrix import ValueSatisfactionMatrix

# modules that need optional tools (a browser, otter, a Jupyter server) to import are not estimators' homes
_SKIP_MODULES = {"crmlab.dashboards", "crmlab.exercise_build", "crmlab.site", "crmlab.course", "crmlab.interact",
                 "crmlab.live", "crmlab.instructor_kit", "crmlab.edition"}


def _index(n: int) -> pd.Index:
    """A customer index that is neither 0..n-1 nor sorted, so misalignment shows."""
    return pd.Index([f"c{n - i:03d}" for i in range(n)], name="customer")


def _campaign(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    group = rng.choice(["a", "b", "c"], size=n)
    eta = -0.5 + 1.5 * x + np.where(group == "b", 0.8, 0.0)
    return pd.DataFrame({"x": x, "group": group, "y": (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)},
                        index=_index(n))


def _customers(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"age": np.r_[rng.normal(25, 2, n // 2), rng.normal(60, 2, n - n // 2)],
                         "total_spend": rng.gamma(2.0, 100.0, n), "satisfaction": rng.integers(1, 6, n)},
                        index=_index(n))


# (unfitted estimator with non-default settings, the data its fit takes, a method that needs the fit)
CASES = {
    "CustomerSegmentation": (lambda: CustomerSegmentation(("age", "total_spend"), n_segments=2,
                                                          method="gaussian_mixture", seed=3, log_columns=["total_spend"]),
                             _customers, lambda m, d: m.predict(d)),
    "ResponseModel": (lambda: ResponseModel("y", ("x", "group")), _campaign, lambda m, d: m.predict_proba(d)),
    "LeadScorer": (lambda: LeadScorer(signal_cols=("pages_viewed", "demo_request")),
                   lambda: simulate_leads(600, seed=1).set_axis(_index(600)), lambda m, d: m.score(d)),
    "ValueSatisfactionMatrix": (lambda: ValueSatisfactionMatrix(volume_thresholds=(100.0, 300.0), quantiles=(0.25, 0.75)),
                                _customers, lambda m, d: m.assign(d)),
    "ShiftedBetaGeo": (lambda: ShiftedBetaGeo(max_iter=500), lambda: [1000, 631, 468, 382, 326, 289, 262, 241],
                       lambda m, d: m.survival_function([1, 2])),
}


def _all_classes_with_fit() -> set[str]:
    found = set()
    for info in pkgutil.walk_packages(crmlab.__path__, "crmlab."):
        if info.name in _SKIP_MODULES:
            continue
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and callable(getattr(cls, "fit", None)) \
                    and not name.startswith("_") and not issubclass(cls, Warning):
                found.add(f"{'crmlab.models' if module.__name__.startswith('crmlab.models.') else module.__name__}:{name}")
    return found


def test_every_class_with_fit_is_listed_and_derives_from_the_base():
    assert _all_classes_with_fit() == set(ESTIMATORS)
    for entry in ESTIMATORS:
        module, name = entry.split(":")
        cls = getattr(importlib.import_module(module), name)
        assert issubclass(cls, Estimator) and issubclass(cls, BaseEstimator), entry


def test_not_fitted_error_is_sklearn_shaped():
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    import crmlab._table_checks
    import crmlab.models
    assert crmlab.models.NotFittedError is NotFittedError is crmlab._table_checks.NotFittedError


@pytest.mark.parametrize("name", sorted(CASES))
def test_clone_get_params_repr_and_not_fitted(name):
    make, data, use = CASES[name]
    model = make()
    params = model.get_params()
    twin = clone(model)
    assert type(twin) is type(model) and twin.get_params() == params
    assert repr(twin) == repr(model) and type(model).__name__ in repr(model)
    with pytest.raises(NotFittedError, match="fit"):
        use(model, data())
    with pytest.raises(SklearnNotFittedError):
        check_is_fitted(model)
    table = data()
    fitted = model.fit(table)
    assert fitted is model
    check_is_fitted(model)
    # a clone of a fitted estimator is unfitted and refits to the same result
    again = clone(model)
    with pytest.raises(NotFittedError):
        use(again, table)
    first, second = use(model, table), use(again.fit(table), table)
    if isinstance(first, pd.DataFrame | pd.Series):
        pd.testing.assert_frame_equal(pd.DataFrame(first), pd.DataFrame(second))
    else:
        np.testing.assert_array_equal(first, second)
    # set_params changes a setting, the old object keeps its own
    key = next(iter(params))
    assert clone(model).set_params(**{key: params[key]}).get_params() == params


@pytest.mark.parametrize("model_class", [BetaGeo, ParetoNBD, GammaGamma, BetaGeoBetaBinom])
def test_clv_models_clone_without_their_estimates(model_class):
    values = dict(zip(model_class.parameter_names, [0.5, 2.0, 1.5, 3.0]))
    model = model_class(max_iter=77).use_estimates(**values)
    twin = clone(model)
    assert twin.get_params()["max_iter"] == 77 and not hasattr(twin, "params_")
    assert repr(twin) == f"{model_class.__name__}(not fitted)"
    assert model_class.__name__ in repr(model) and "0.5" in repr(model)
    with pytest.raises(NotFittedError, match="use_estimates"):
        twin.summary()


def test_set_params_values_is_a_deprecated_alias_of_use_estimates():
    with pytest.warns(DeprecationWarning, match="use_estimates"):
        old = BetaGeo().set_params_values(r=0.243, alpha=4.414, a=0.793, b=2.426)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = BetaGeo().use_estimates(r=0.243, alpha=4.414, a=0.793, b=2.426)
    pd.testing.assert_series_equal(old.params_, new.params_)


def test_predict_proba_is_aligned_with_the_input_index():
    campaign = _campaign()
    shuffled = campaign.sample(frac=1.0, random_state=1)
    model = ResponseModel("y", ["x", "group"]).fit(campaign)
    p = model.predict_proba(shuffled)
    assert isinstance(p, pd.Series) and p.index.equals(shuffled.index) and p.name == "response_prob"
    pd.testing.assert_series_equal(p.sort_index(), model.predict_proba(campaign).sort_index())
    assert p.between(0, 1).all()

    leads = simulate_leads(600, seed=1).set_axis(_index(600))
    scorer = LeadScorer().fit(leads)
    part = leads.iloc[::-3]
    q = scorer.predict_proba(part)
    assert isinstance(q, pd.Series) and q.index.equals(part.index)
    np.testing.assert_allclose(q.to_numpy(), scorer.predict_proba(leads).loc[part.index].to_numpy())

    customers = _customers()
    mixture = CustomerSegmentation(["age", "total_spend"], 2, "gaussian_mixture", seed=0).fit(customers)
    tail = customers.iloc[::-2]
    r = mixture.predict_proba(tail)
    assert isinstance(r, pd.DataFrame) and r.index.equals(tail.index)
    np.testing.assert_allclose(r.sum(axis=1), 1.0)
    assert (r.idxmax(axis=1) == mixture.predict(tail)).all()


def test_column_lists_must_be_lists_not_strings():
    with pytest.raises(TypeError, match="columns"):
        CustomerSegmentation("age", 2).fit(_customers())
    with pytest.raises(ValueError, match="predictor"):
        ResponseModel("y", "x").fit(_campaign())


def test_log_likelihood_of_the_fitted_data_is_log_likelihood_for_every_clv_model():
    """One shared ``log_likelihood(data, weights=None)`` (models/base): at the fit it gives ``log_likelihood_``,
    pattern tables weighted as in ``fit``; the cohort model takes survivors, as its fit does."""
    from crmlab import datasets
    from crmlab.rfm import summarize

    log = datasets.load_cdnow("sample")
    log = log[log["date"] <= "1997-09-30"]
    table = summarize(log, "customer_id", "date", "dollar_value", observation_end="1997-09-30", time_unit="W")
    for model in (BetaGeo().fit(table), ParetoNBD().fit(table), GammaGamma().fit(table)):
        assert model.log_likelihood(table) == pytest.approx(model.log_likelihood_, rel=1e-9), type(model).__name__
    donations = datasets.load_donations()
    bgbb = BetaGeoBetaBinom().fit(donations, weights="donors")
    assert bgbb.log_likelihood(donations, weights="donors") == pytest.approx(bgbb.log_likelihood_, rel=1e-9)
    assert bgbb.log_likelihood(donations) == pytest.approx(bgbb.log_likelihood_, rel=1e-9)  # attrs["weights"]
    survivors = [1000, 631, 468, 382, 326, 289, 262, 241]
    sbg = ShiftedBetaGeo().fit(survivors)
    assert sbg.log_likelihood(survivors) == pytest.approx(sbg.log_likelihood_, rel=1e-12)
    assert sbg.log_likelihood(np.array(survivors) / 10, cohort_size=1000) == pytest.approx(sbg.log_likelihood_, rel=1e-12)
    with pytest.raises(NotFittedError):
        BetaGeo().log_likelihood(table)
