"""Tests of crmlab.simulate: the truth is the stated Gamma/Beta laws, the tables obey the BG/NBD story.

Every statistical tolerance below is about 3-5 standard errors at 20,000 customers,
and the seed is fixed, so the tests are deterministic.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize, special, stats

from crmlab.lang import label, localize
from crmlab.simulate import (
    CHANNELS,
    EDUCATION_LEVELS,
    PERSONAS,
    CustomerBase,
    customer_base,
    persona_table,
    true_expected_purchases,
)

N = 20_000
SEED = 2026

CUSTOMER_DTYPES = {
    "customer_id": "str",
    "age": "int64",
    "gender": "category",
    "education": "category",
    "occupation": "category",
    "yearly_income_cny": "int64",
    "region": "category",
    "acquisition_channel": "category",
    "information_source": "category",
    "purchase_motive": "category",
    "first_purchase": "datetime64[us]",
    "satisfaction": "int64",
    "complaints": "int64",
    "discount_share": "float64",
    "true_persona": "category",
    "true_purchase_rate": "float64",
    "true_dropout_prob": "float64",
    "true_mean_spend": "float64",
    "true_promo_propensity": "float64",
    "true_alive_at_end": "bool",
    "true_dropout_date": "datetime64[us]",
}
TRANSACTION_DTYPES = {"customer_id": "str", "date": "datetime64[us]", "amount": "float64", "on_promotion": "bool"}


@pytest.fixture(scope="module")
def base() -> CustomerBase:
    return customer_base(N, seed=SEED)


@pytest.fixture(scope="module")
def per_customer(base: CustomerBase) -> pd.DataFrame:
    """Customers with their observed purchase history summarised (CDNOW week convention)."""
    summary = base.transactions.groupby("customer_id").agg(
        n_purchases=("date", "size"), first_date=("date", "min"), last_date=("date", "max"),
        mean_amount=("amount", "mean"),
    )
    out = base.customers.set_index("customer_id").join(summary)
    end = base.params.observation_end
    out["x"] = out["n_purchases"] - 1
    out["t_x"] = (out["last_date"] - out["first_date"]).dt.days / 7
    out["T"] = (end - out["first_date"]).dt.days / 7
    return out


# ---------------------------------------------------------------------------
# Determinism, shapes, types
# ---------------------------------------------------------------------------
def test_same_seed_gives_identical_tables_and_other_seed_does_not():
    one, two = customer_base(3_000, seed=11), customer_base(3_000, seed=11)
    pd.testing.assert_frame_equal(one.customers, two.customers)
    pd.testing.assert_frame_equal(one.transactions, two.transactions)
    assert one.params == two.params
    other = customer_base(3_000, seed=12)
    assert not np.allclose(one.customers["true_purchase_rate"], other.customers["true_purchase_rate"])
    assert not one.transactions.equals(other.transactions)


def test_tables_have_the_documented_columns_and_dtypes(base):
    assert {c: str(t) for c, t in base.customers.dtypes.items()} == CUSTOMER_DTYPES
    assert {c: str(t) for c, t in base.transactions.dtypes.items()} == TRANSACTION_DTYPES
    customers = base.customers
    assert len(customers) == N and customers["customer_id"].is_unique
    assert customers["customer_id"].iloc[0] == "C000001" and customers["customer_id"].iloc[-1] == "C020000"
    assert customers["customer_id"].str.fullmatch(r"C\d{6}").all()
    assert customers["education"].cat.ordered
    assert list(customers["education"].cat.categories) == list(EDUCATION_LEVELS)
    assert customers.drop(columns="true_dropout_date").notna().all().all()
    assert customers["age"].between(18, 85).all()
    assert customers["satisfaction"].between(1, 5).all() and set(customers["satisfaction"]) == {1, 2, 3, 4, 5}
    assert (customers["complaints"] >= 0).all()
    assert customers["discount_share"].between(0, 1).all()
    assert (customers["yearly_income_cny"] > 0).all()
    assert (base.transactions["amount"] >= 0.01).all()
    assert np.allclose(base.transactions["amount"], base.transactions["amount"].round(2))
    # a retail-sized log: several purchases per customer on average
    assert 4 < len(base.transactions) / N < 9


def test_ids_widen_for_a_million_scale_base_and_params_report_their_means():
    assert customer_base(1, seed=0).customers["customer_id"].tolist() == ["C000001"]
    params = customer_base(10, seed=0).params
    assert params.mean_purchase_rate == pytest.approx(0.15)
    assert params.mean_dropout_prob == pytest.approx(1 / 6)
    assert params.mean_spend == pytest.approx(40.0)
    assert params.observation_weeks == pytest.approx(78.0)
    info = params.as_dict()
    assert info["start"] == "2024-01-01" and info["observation_end"] == "2025-06-29"
    assert info["r"] == 0.75 and info["alpha"] == 5.0 and len(info["personas"]) == 7


def test_default_base_is_unchanged():
    """The lectures' committed outputs depend on these exact tables.

    If the simulator changed on purpose, update the numbers here and in
    datasets/synthetic/README.md, and re-run the notebooks that use it. A new
    numpy may also change the random streams (numpy does not promise stable
    Generator streams across versions); the lock file pins it.
    """
    sim = customer_base(10_000, seed=0)
    digest = hashlib.sha256()
    for frame in (sim.customers, sim.transactions):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    assert len(sim.transactions) == 59_374
    assert digest.hexdigest()[:16] == "a3ca6c7a948dddd6"


# ---------------------------------------------------------------------------
# The BG/NBD story in the tables
# ---------------------------------------------------------------------------
def test_transactions_lie_between_first_purchase_and_observation_end(base, per_customer):
    assert per_customer["n_purchases"].notna().all(), "every customer has at least the first purchase"
    assert (per_customer["first_date"] == per_customer["first_purchase"]).all()
    assert base.transactions["date"].max() <= base.params.observation_end
    assert base.transactions["date"].min() >= base.params.start
    window_end = base.params.start + pd.Timedelta(weeks=12)
    assert (base.customers["first_purchase"] < window_end).all()
    assert base.transactions["date"].is_monotonic_increasing


def test_no_purchase_after_the_true_dropout_and_no_dropout_after_the_first_purchase(per_customer):
    left = per_customer[~per_customer["true_alive_at_end"]]
    stayed = per_customer[per_customer["true_alive_at_end"]]
    assert left["true_dropout_date"].notna().all() and stayed["true_dropout_date"].isna().all()
    # customers leave right after a repeat purchase: that purchase is their last one
    assert (left["last_date"] == left["true_dropout_date"]).all()
    assert (left["n_purchases"] >= 2).all()
    # everybody who never came back is still active in the BG/NBD story
    assert per_customer.loc[per_customer["n_purchases"] == 1, "true_alive_at_end"].all()


def test_latent_truth_follows_the_stated_priors(base):
    p = base.params
    c = base.customers
    rate, dropout, nu = c["true_purchase_rate"], c["true_dropout_prob"], p.spend_p / c["true_mean_spend"]
    assert rate.mean() == pytest.approx(p.r / p.alpha, rel=0.03)
    assert rate.var() == pytest.approx(p.r / p.alpha**2, rel=0.10)
    assert dropout.mean() == pytest.approx(p.a / (p.a + p.b), rel=0.03)
    assert c["true_mean_spend"].mean() == pytest.approx(p.spend_p * p.spend_gamma / (p.spend_q - 1), rel=0.03)
    # the whole distributions, not only the means
    assert stats.kstest(rate, stats.gamma(p.r, scale=1 / p.alpha).cdf).pvalue > 0.01
    assert stats.kstest(dropout, stats.beta(p.a, p.b).cdf).pvalue > 0.01
    assert stats.kstest(nu, stats.gamma(p.spend_q, scale=1 / p.spend_gamma).cdf).pvalue > 0.01


def test_repeat_purchases_over_alive_time_match_the_true_rates(base, per_customer):
    """Repeat purchases / weeks alive estimates the exposure-weighted true rate.

    x - lambda * (time alive) is a martingale stopped at dropout or the end, so
    E[sum x] = E[sum lambda * alive weeks]. The ratio is below r / alpha because
    frequent buyers leave sooner and so contribute fewer weeks.
    """
    end_of_window = base.params.observation_end + pd.Timedelta(days=1)
    alive_until = per_customer["true_dropout_date"].fillna(end_of_window)
    alive_weeks = (alive_until - per_customer["first_purchase"]).dt.days / 7
    estimate = per_customer["x"].sum() / alive_weeks.sum()
    truth = (per_customer["true_purchase_rate"] * alive_weeks).sum() / alive_weeks.sum()
    assert estimate == pytest.approx(truth, rel=0.03)
    assert estimate < base.params.mean_purchase_rate
    # the BG/NBD probability of being alive at the end: exp(-lambda p T)
    exposure = (end_of_window - per_customer["first_purchase"]).dt.days / 7
    expected_alive = np.exp(-per_customer["true_purchase_rate"] * per_customer["true_dropout_prob"] * exposure)
    assert per_customer["true_alive_at_end"].mean() == pytest.approx(expected_alive.mean(), abs=0.01)


def _bgnbd_negative_log_likelihood(log_params, x, t_x, big_t):
    r, alpha, a, b = np.exp(log_params)
    part1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    part2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    censored = -(r + x) * np.log(alpha + big_t)
    with np.errstate(divide="ignore"):
        dropped = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x),
                           -np.inf)
    return -(part1 + part2 + np.logaddexp(censored, dropped)).sum()


def test_bgnbd_maximum_likelihood_recovers_the_true_parameters(base, per_customer):
    """A BG/NBD fit on (x, t_x, T) built from the log lands near the true r, alpha, a, b.

    Same-day purchases are not merged here: merging them (the CDNOW convention)
    removes a few percent of the repeat purchases of very frequent buyers.
    """
    data = (per_customer[c].to_numpy(dtype=float) for c in ("x", "t_x", "T"))
    fit = optimize.minimize(_bgnbd_negative_log_likelihood, np.log([0.5, 3.0, 1.0, 3.0]), args=tuple(data),
                            method="Nelder-Mead", options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-6})
    assert fit.success
    r, alpha, a, b = np.exp(fit.x)
    p = base.params
    assert r == pytest.approx(p.r, rel=0.12)
    assert alpha == pytest.approx(p.alpha, rel=0.12)
    assert a == pytest.approx(p.a, rel=0.12)
    assert b == pytest.approx(p.b, rel=0.12)
    assert r / alpha == pytest.approx(p.mean_purchase_rate, rel=0.05)
    assert a / (a + b) == pytest.approx(p.mean_dropout_prob, rel=0.06)


def test_spend_follows_the_gamma_gamma_model(base, per_customer):
    p = base.params
    # mean over customers of their average amount: E[p / nu] = p gamma / (q - 1)
    assert per_customer["mean_amount"].mean() == pytest.approx(p.mean_spend, rel=0.03)
    # within a customer amounts are Gamma(p, nu): mean p / nu and squared CV 1 / p
    tx = base.transactions.merge(base.customers[["customer_id", "true_mean_spend"]], on="customer_id")
    ratio = tx["amount"] / tx["true_mean_spend"]
    assert ratio.mean() == pytest.approx(1.0, abs=0.01)
    assert ratio.var() == pytest.approx(1 / p.spend_p, rel=0.05)
    frequent = per_customer[per_customer["n_purchases"] >= 10]
    assert np.corrcoef(frequent["mean_amount"], frequent["true_mean_spend"])[0, 1] > 0.9
    # spend does not depend on how often one buys
    assert abs(stats.spearmanr(base.customers["true_purchase_rate"], base.customers["true_mean_spend"])[0]) < 0.03


def test_true_expected_purchases_forecast_the_next_half_year():
    """Extending the window keeps the truth; the new purchases match the true expectation."""
    short = customer_base(N, seed=5)
    longer = customer_base(N, seed=5, observation_end=short.params.observation_end + pd.Timedelta(weeks=26))
    truth_columns = ["true_purchase_rate", "true_dropout_prob", "true_mean_spend", "true_persona", "age",
                     "yearly_income_cny", "first_purchase", "acquisition_channel"]
    pd.testing.assert_frame_equal(short.customers[truth_columns], longer.customers[truth_columns])
    expected = true_expected_purchases(short.customers, 26)
    assert expected.index.equals(short.customers.index)
    assert (expected[~short.customers["true_alive_at_end"].to_numpy()] == 0).all()
    new = (longer.transactions["date"] > short.params.observation_end).sum()
    assert new == pytest.approx(expected.sum(), rel=0.04)


# ---------------------------------------------------------------------------
# Survey, complaints, promotions, personas and demographics
# ---------------------------------------------------------------------------
def test_satisfaction_falls_with_dropout_and_complaints_rise_with_buying(per_customer):
    c = per_customer
    assert stats.spearmanr(c["satisfaction"], c["true_dropout_prob"])[0] < -0.3
    assert stats.spearmanr(c["complaints"], c["n_purchases"])[0] > 0.15
    assert stats.spearmanr(c["complaints"], c["satisfaction"])[0] < -0.1
    # class E of the value x satisfaction matrix: buys much and complains much
    heavy = c["n_purchases"] >= c["n_purchases"].quantile(0.9)
    class_e = heavy & (c["satisfaction"] <= 2)
    assert class_e.mean() > 0.004
    assert c.loc[class_e, "complaints"].mean() > 4 * c.loc[~class_e, "complaints"].mean()
    assert (class_e & (c["complaints"] >= 5)).sum() >= 10
    assert c.loc[heavy, "complaints"].mean() > 2 * c.loc[~heavy, "complaints"].mean()


def test_discount_share_is_the_observed_promotion_share(base, per_customer):
    observed = base.transactions.groupby("customer_id")["on_promotion"].mean()
    assert np.allclose(per_customer["discount_share"], observed.reindex(per_customer.index))
    many = per_customer[per_customer["n_purchases"] >= 20]
    assert np.corrcoef(many["discount_share"], many["true_promo_propensity"])[0, 1] > 0.8


def test_personas_are_distinct_segments(base):
    c = base.customers
    shares = c["true_persona"].value_counts(normalize=True)
    assert len(shares) == len(PERSONAS) == 7 and shares.min() > 0.05
    means = c.groupby("true_persona", observed=True)[
        ["true_purchase_rate", "true_mean_spend", "true_dropout_prob", "discount_share", "age"]].mean()
    assert means["true_mean_spend"].idxmax() == "affluent_loyal"
    assert means["discount_share"].idxmax() == "bargain_hunter"
    assert means["true_dropout_prob"].idxmax() == "young_switcher"
    assert means["age"].idxmin() == "young_switcher"
    assert set(means["true_purchase_rate"].nsmallest(2).index) == {"occasional_splurger", "trial_shopper"}
    assert means["true_dropout_prob"].nsmallest(2).index.isin(["loyal_regular", "affluent_loyal"]).all()


def test_demographics_follow_the_truth(base):
    c = base.customers
    assert stats.spearmanr(c["yearly_income_cny"], c["true_mean_spend"])[0] > 0.3
    by_education = c.groupby("education", observed=True)["true_mean_spend"].mean()
    assert by_education.is_monotonic_increasing
    young, old = c[c["age"] < 30], c[c["age"] >= 60]
    digital = ["mobile_app", "social_commerce"]
    assert young["acquisition_channel"].isin(digital).mean() > 2 * old["acquisition_channel"].isin(digital).mean()
    assert old["acquisition_channel"].isin(["store", "telesales"]).mean() > 0.6
    assert (c.loc[c["occupation"] == "student", "age"] < 30).mean() > 0.9
    assert (c.loc[c["occupation"] == "student", "age"] < 35).all()
    assert (c.loc[c["occupation"] == "retired", "age"] >= 50).all()


def test_every_category_and_header_has_a_chinese_name(base):
    c = base.customers
    for column in ["gender", "education", "occupation", "region", "acquisition_channel", "information_source",
                   "purchase_motive", "true_persona"]:
        for value in c[column].cat.categories:
            assert re.search(r"[\u4e00-\u9fff]", label(value, "zh")), value
    shown = localize(c.head(), "zh", value_columns=["gender", "acquisition_channel"])
    assert "获客渠道" in shown.columns and set(shown["性别"]) <= {"女", "男"}
    assert all(label(column, "zh") for column in c.columns if column != "customer_id")
    table = persona_table("zh")
    assert len(table) == 7 and table.loc[table["persona"] == "loyal_regular", "画像名称"].item() == "忠诚常客"
    assert table.columns.tolist()[2:4] == ["画像描述", "购买频率得分"]
    assert persona_table()["Description"].str.len().gt(20).all()
    assert set(CHANNELS) == set(c["acquisition_channel"].cat.categories)


# ---------------------------------------------------------------------------
# Bad arguments
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"n_customers": 0}, ValueError, "`n_customers` must be at least 1"),
        ({"n_customers": 2.5}, TypeError, "`n_customers` must be a whole number"),
        ({"n_customers": True}, TypeError, "`n_customers`"),
        ({"seed": -1}, ValueError, "`seed` must be at least 0"),
        ({"r": 0}, ValueError, "`r` must be a finite number greater than 0"),
        ({"alpha": -2.0}, ValueError, "`alpha`"),
        ({"a": float("nan")}, ValueError, "`a`"),
        ({"b": "4"}, TypeError, "`b` must be a real number"),
        ({"spend_p": float("inf")}, ValueError, "`spend_p`"),
        ({"spend_q": 1.0}, ValueError, "`spend_q` must be a finite number greater than 1"),
        ({"spend_gamma": 0}, ValueError, "`spend_gamma`"),
        ({"acquisition_weeks": 0}, ValueError, "`acquisition_weeks`"),
        ({"start": "not a date"}, ValueError, "`start` = 'not a date' is not a date"),
        ({"observation_end": None}, ValueError, "`observation_end` is missing"),
        ({"observation_end": "2024-02-01"}, ValueError, "`observation_end` = 2024-02-01 is before the last"),
        ({"start": "2024-01-01 12:30"}, ValueError, "`start` .* has a time of day"),
        ({"r": 50.0, "alpha": 1.0}, ValueError, "`r` / `alpha` = 50 purchases per week over 78 weeks"),
    ],
)
def test_bad_arguments_raise_errors_that_name_them(kwargs, error, pattern):
    arguments = {"n_customers": 10, "seed": 0, **kwargs}
    with pytest.raises(error, match=pattern):
        customer_base(**arguments)


def test_true_expected_purchases_checks_its_input(base):
    with pytest.raises(KeyError, match="true_purchase_rate"):
        true_expected_purchases(base.customers.drop(columns="true_purchase_rate"), 10)
    with pytest.raises(ValueError, match="`horizon_weeks`"):
        true_expected_purchases(base.customers, -1)


# ---------------------------------------------------------------------------
# Properties over many small bases
# ---------------------------------------------------------------------------
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_customers=st.integers(1, 300),
    seed=st.integers(0, 2**32),
    r=st.floats(0.05, 5.0),
    alpha=st.floats(0.5, 20.0),
    a=st.floats(0.05, 5.0),
    b=st.floats(0.05, 10.0),
    spend_q=st.floats(1.05, 10.0),
    acquisition_weeks=st.floats(0.1, 20.0),
    extra_days=st.integers(0, 400),
)
def test_any_valid_arguments_give_consistent_tables(
    n_customers, seed, r, alpha, a, b, spend_q, acquisition_weeks, extra_days
):
    acquisition_days = max(1, round(7 * acquisition_weeks))
    end = pd.Timestamp("2023-03-01") + pd.Timedelta(days=acquisition_days - 1 + extra_days)
    sim = customer_base(n_customers, seed, r=r, alpha=alpha, a=a, b=b, spend_q=spend_q, start="2023-03-01",
                        acquisition_weeks=acquisition_weeks, observation_end=end)
    customers, tx = sim.customers, sim.transactions
    assert len(customers) == n_customers and customers["customer_id"].is_unique
    assert set(tx["customer_id"]) == set(customers["customer_id"])
    joined = tx.merge(customers, on="customer_id")
    assert (joined["date"] >= joined["first_purchase"]).all() and (joined["date"] <= end).all()
    gone = joined["true_dropout_date"].notna()
    assert (joined.loc[gone, "date"] <= joined.loc[gone, "true_dropout_date"]).all()
    first = tx.groupby("customer_id")["date"].min().reindex(customers["customer_id"])
    assert (first.to_numpy() == customers["first_purchase"].to_numpy()).all()
    assert customers["satisfaction"].between(1, 5).all() and (customers["complaints"] >= 0).all()
    assert customers["true_purchase_rate"].ge(0).all() and customers["true_dropout_prob"].between(0, 1).all()
    assert (tx["amount"] > 0).all() and customers["discount_share"].between(0, 1).all()
    assert not customers.drop(columns="true_dropout_date").isna().any().any()


# --------------------------------------------------------------------------- assumption switches
def test_satisfaction_switch_turns_off_the_satisfaction_loyalty_link():
    """Satisfaction is built from loyalty by assumption: switched off, satisfied customers stay
    no more often than the others, and the default draws are unchanged bit for bit."""
    from crmlab.relationship import satisfaction_loyalty

    default = customer_base(3_000, seed=7)
    explicit = customer_base(3_000, seed=7, satisfaction_from_loyalty=1.0, promotion_by_persona=1.0)
    pd.testing.assert_frame_equal(default.customers, explicit.customers)
    pd.testing.assert_frame_equal(default.transactions, explicit.transactions)
    off = customer_base(3_000, seed=7, satisfaction_from_loyalty=0.0)
    pd.testing.assert_frame_equal(default.transactions, off.transactions)  # only the survey changes
    assumed, switched_off = satisfaction_loyalty(default.customers), satisfaction_loyalty(off.customers)
    assert assumed.pearson > 0.15
    assert abs(switched_off.pearson) < 0.05
    with pytest.raises(ValueError, match="satisfaction_from_loyalty"):
        customer_base(10, satisfaction_from_loyalty=-1)


def test_promotion_switch_removes_the_discount_loyalty_gradient():
    """Heavy promotion users leave more only because the bargain-hunter persona is given a high
    promotion share: with promotion_by_persona = 0 the gap closes or reverses."""
    def loyalty_gap(base):
        customers = base.customers
        alive = customers["true_alive_at_end"].astype(float)
        light = alive[customers["discount_share"] <= 0.1].mean()
        heavy = alive[customers["discount_share"] > 0.5].mean()
        return light - heavy

    assert loyalty_gap(customer_base(5_000, seed=42)) > 0.15
    assert loyalty_gap(customer_base(5_000, seed=42, promotion_by_persona=0.0)) < 0.02
    with pytest.raises(ValueError, match="promotion_by_persona"):
        customer_base(10, promotion_by_persona=float("nan"))
