"""The models reproduce every published estimate and log-likelihood (table in ../shared/CONVENTIONS.md).

Each fit starts from the raw data shipped in ``datasets/``: the CDNOW sample purchase log
(summarised here with :func:`crmlab.rfm.summarize`: same-day purchases merged, weeks = days / 7,
calibration ends 1997-09-30), the donation patterns and the cohort survival table.
Estimates are compared at the number of digits the papers print.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab import datasets
from crmlab.models import BetaGeo, BetaGeoBetaBinom, GammaGamma, ParetoNBD, ShiftedBetaGeo
from crmlab.rfm import summarize


def _assert_published(params: pd.Series, published: dict[str, float]) -> None:
    """Each estimate, rounded to the digits printed in the paper, equals the printed value."""
    for name, value in published.items():
        decimals = len(str(value).split(".")[1])
        assert round(float(params[name]), decimals) == pytest.approx(value, abs=1e-12), (name, float(params[name]))


@pytest.fixture(scope="module")
def cdnow_calibration() -> pd.DataFrame:
    log = datasets.load_cdnow("sample")
    log = log[log["date"] <= "1997-09-30"]
    return summarize(log, "customer_id", "date", "dollar_value", observation_end="1997-09-30", time_unit="W")


@pytest.fixture(scope="module")
def cdnow_calibration_via_holdout_split() -> pd.DataFrame:
    """The same calibration table, built with summarize's calibration/holdout split of the full log."""
    log = datasets.load_cdnow("sample")
    table = summarize(log, "customer_id", "date", "dollar_value", observation_end="1998-06-30",
                      calibration_end="1997-09-30")
    return table


def test_cdnow_summary_matches_the_papers_data(cdnow_calibration):
    table = cdnow_calibration
    assert len(table) == 2357
    assert int((table["frequency"] > 0).sum()) == 946
    first_jan = table.loc[4]  # first purchase 1997-01-01
    assert first_jan["T"] == pytest.approx(38.857, abs=1e-3)
    assert first_jan["recency"] == pytest.approx(30.429, abs=1e-3)
    assert first_jan["frequency"] == 2


def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow_calibration):
    model = BetaGeo().fit(cdnow_calibration)
    _assert_published(model.params_, {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    assert round(model.log_likelihood_, 1) == -9582.4
    assert model.converged_
    assert model.n_customers_ == 2357
    assert model.n_patterns_ < 2357  # evaluated once per distinct (frequency, recency, T)
    assert np.all(model.standard_errors_ > 0)


def test_bgnbd_same_fit_from_calibration_holdout_split(cdnow_calibration_via_holdout_split):
    table = cdnow_calibration_via_holdout_split
    model = BetaGeo(columns={"frequency": "frequency_cal", "recency": "recency_cal", "T": "T_cal"}).fit(table)
    assert round(model.log_likelihood_, 1) == -9582.4
    _assert_published(model.params_, {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})


def test_paretonbd_reproduces_fader_hardie_2005(cdnow_calibration):
    model = ParetoNBD().fit(cdnow_calibration)
    _assert_published(model.params_, {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669})
    assert round(model.log_likelihood_, 1) == -9595.0
    assert model.converged_


def test_paretonbd_optimum_does_not_depend_on_start_or_branch(cdnow_calibration):
    # a start with alpha < beta exercises the other hypergeometric branch along the way
    model = ParetoNBD(initial_params={"r": 2.0, "alpha": 1.0, "s": 3.0, "beta": 50.0}).fit(cdnow_calibration)
    assert round(model.log_likelihood_, 1) == -9595.0
    _assert_published(model.params_, {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669})


def test_gammagamma_reproduces_fader_hardie_lee_2005(cdnow_calibration):
    model = GammaGamma().fit(cdnow_calibration)
    assert model.n_customers_ == 946
    assert model.n_customers_excluded_ == 2357 - 946
    _assert_published(model.params_, {"p": 6.25, "q": 3.74, "gamma": 15.44})
    assert round(model.log_likelihood_, 1) == -4055.9
    assert model.converged_


def test_bgbb_reproduces_fader_hardie_shang_2010():
    donations = datasets.load_donations()
    model = BetaGeoBetaBinom().fit(donations, weights="donors")
    assert model.n_customers_ == 11104
    _assert_published(model.params_, {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783})
    assert round(model.log_likelihood_, 1) == -33225.6
    assert model.converged_


def test_bgbb_weighted_table_equals_one_row_per_donor():
    donations = datasets.load_donations()
    expanded = donations.loc[donations.index.repeat(donations["donors"]), ["frequency", "recency", "periods"]]
    assert len(expanded) == 11104
    weighted = BetaGeoBetaBinom().fit(donations, weights="donors")
    per_donor = BetaGeoBetaBinom().fit(expanded)
    assert per_donor.log_likelihood_ == pytest.approx(weighted.log_likelihood_, rel=1e-10)
    np.testing.assert_allclose(per_donor.params_, weighted.params_, rtol=1e-5)


@pytest.mark.parametrize(
    ("cohort", "published"),
    [("regular", {"alpha": 0.704, "beta": 1.182}), ("high_end", {"alpha": 0.668, "beta": 3.806})],
)
def test_sbg_reproduces_fader_hardie_2007(cohort, published):
    cohorts = datasets.load_retention_cohorts()
    survivors = cohorts[(cohorts["cohort"] == cohort) & (cohorts["year"] <= 7)].sort_values("year")
    model = ShiftedBetaGeo().fit(survivors["surviving_customers"])
    _assert_published(model.params_, published)
    assert model.converged_
    # percentages with a cohort size give the same fit
    from_pct = ShiftedBetaGeo().fit(survivors["surviving_pct"], cohort_size=1000)
    np.testing.assert_allclose(from_pct.params_, model.params_, rtol=1e-6)
    assert from_pct.log_likelihood_ == pytest.approx(model.log_likelihood_, rel=1e-9)


def test_sbg_holdout_projection_of_regular_cohort():
    """Years 8-12 projected from years 1-7 stay within 2 points of the observed survival (the paper's figure)."""
    cohorts = datasets.load_retention_cohorts()
    regular = cohorts[cohorts["cohort"] == "regular"].set_index("year")["surviving_pct"]
    model = ShiftedBetaGeo().fit(regular.loc[:7] * 10)
    projected = 100 * model.survival_function(np.arange(8, 13))
    np.testing.assert_allclose(projected, regular.loc[8:12].to_numpy(), atol=2.0)
