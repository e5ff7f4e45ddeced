"""crmlab.logistic.fit_logistic, the one logistic regression, against statsmodels' Logit."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from crmlab.closed_loop import fit_logit
from crmlab.datasets import load_bank_marketing
from crmlab.leads import SIGNAL_COLUMNS, LeadScorer, simulate_leads
from crmlab.logistic import fit_logistic
from crmlab.models import ConvergenceWarning
from crmlab.response import BANK_PREDICTORS, ResponseModel, binary_response, customer_predictors, split_train_test


def _statsmodels(design: pd.DataFrame, y: np.ndarray):
    return sm.Logit(y, design).fit(method="newton", maxiter=100, disp=False)


@pytest.fixture(scope="module")
def bank_split():
    return split_train_test(load_bank_marketing(), 0.3, seed=0)


@pytest.mark.parametrize("which", ["all", "customer"])
def test_response_model_reproduces_statsmodels_on_bank_marketing(bank_split, which):
    train, test = bank_split
    predictors = list(BANK_PREDICTORS) if which == "all" else customer_predictors(BANK_PREDICTORS)
    model = ResponseModel("subscribed", predictors).fit(train)
    design = model._design(train, fitting=False)
    reference = _statsmodels(design, binary_response(train, "subscribed"))
    np.testing.assert_allclose(model.params_.to_numpy(), reference.params.to_numpy(), rtol=0, atol=1e-8)
    assert model.log_likelihood_ == pytest.approx(reference.llf, rel=1e-12)
    np.testing.assert_allclose(model.standard_errors_.to_numpy(), reference.bse.to_numpy(), rtol=1e-7)
    ci = np.exp(reference.conf_int())
    np.testing.assert_allclose(model.odds_ratios_["ci_low"], ci[0], rtol=1e-7)
    np.testing.assert_allclose(model.odds_ratios_["ci_high"], ci[1], rtol=1e-7)
    np.testing.assert_allclose(model.odds_ratios_["p_value"], reference.pvalues, rtol=1e-6, atol=1e-300)
    expected = reference.predict(model._design(test, fitting=False))
    np.testing.assert_allclose(model.predict_proba(test).to_numpy(), expected, rtol=0, atol=1e-10)


def test_lead_scorer_reproduces_statsmodels():
    leads = simulate_leads(3000, seed=5)
    scorer = LeadScorer().fit(leads)
    x = sm.add_constant(leads[list(SIGNAL_COLUMNS)].astype(float))
    reference = sm.Logit(leads["converted"].to_numpy(), x).fit(disp=0, maxiter=200)
    np.testing.assert_allclose(scorer.params_.to_numpy(), reference.params.to_numpy(), rtol=0, atol=1e-8)
    assert scorer.log_likelihood_ == pytest.approx(reference.llf, rel=1e-12)


def test_closed_loop_fit_logit_is_the_helper_and_ridge_shrinks():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(500, 4))
    y = (rng.random(500) < 1 / (1 + np.exp(-(x @ [1.0, -0.5, 0.2, 0.0])))).astype(float)
    reference = sm.Logit(y, sm.add_constant(x)).fit(disp=0).params
    np.testing.assert_allclose(fit_logit(x, y), reference, atol=1e-8)
    np.testing.assert_array_equal(fit_logit(x, y, ridge=5.0), fit_logistic(x, y, ridge=5.0, max_iter=50).params)
    # the ridge optimum: gradient of the penalised log-likelihood is zero there, slopes shrink
    beta = fit_logistic(x, y, ridge=5.0).params
    design = sm.add_constant(x)
    gradient = design.T @ (y - 1 / (1 + np.exp(-design @ beta))) - 5.0 * np.r_[0.0, beta[1:]]
    assert np.abs(gradient).max() < 1e-8
    assert np.abs(beta[1:]).sum() < np.abs(reference[1:]).sum()


def test_separated_classes_warn_and_bad_input_is_named():
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    with pytest.warns(ConvergenceWarning, match="separated"):
        fit_logistic(x, np.array([0, 0, 1, 1]), max_iter=30)
    assert np.isfinite(fit_logistic(x, np.array([0, 0, 1, 1]), ridge=1.0).params).all()
    with pytest.raises(ValueError, match="2 value"):
        fit_logistic(x, np.array([0, 2, 1, -1]))
    with pytest.raises(ValueError, match="1 row"):
        fit_logistic(np.array([[0.0], [np.nan], [1.0], [2.0]]), np.array([0, 1, 0, 1]))
    with pytest.raises(ValueError, match="collinear"):
        fit_logistic(np.column_stack([x, 2 * x]), np.array([0, 1, 0, 1]))
