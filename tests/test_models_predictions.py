"""Predictions checked against independent computations: numerical integration over the mixing
distributions (scipy.integrate.quad), closed forms, recursions and direct sums.

Each model's individual-level story is written out here from scratch (Poisson/exponential or
Bernoulli/geometric given the latent traits), then integrated against the gamma or beta
mixing densities; the closed forms in crmlab (hypergeometric functions, beta functions) must agree.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special

from crmlab.models import BetaGeo, BetaGeoBetaBinom, GammaGamma, ParetoNBD, ShiftedBetaGeo

BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PARETO = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}
BGBB = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}

CUSTOMERS = pd.DataFrame(
    {"frequency": [0, 2, 1, 5, 20, 3], "recency": [0.0, 30.43, 1.71, 10.0, 35.0, 38.86],
     "T": [38.86, 38.86, 38.86, 39.0, 39.0, 38.86]}
)
QUAD = {"epsabs": 0.0, "epsrel": 1e-11, "limit": 400}
pytestmark = pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")


def gamma_expect(function, shape: float, rate: float) -> float:
    """E[f(X)] for X ~ Gamma(shape, rate), with the algebraic singularity at 0 handled by quad's weight."""
    log_norm = shape * np.log(rate) - special.gammaln(shape)
    near = integrate.quad(lambda u: function(u) * np.exp(-rate * u), 0, 1, weight="alg", wvar=(shape - 1, 0), **QUAD)[0]
    far = integrate.quad(lambda u: function(u) * u ** (shape - 1) * np.exp(-rate * u), 1, np.inf, **QUAD)[0]
    return float(np.exp(log_norm) * (near + far))


def beta_expect(function, a: float, b: float) -> float:
    """E[f(P)] for P ~ Beta(a, b): quad's algebraic weight for the endpoint singularities when a or b < 1,
    the log density (concentrated near its mean) otherwise."""
    if a < 1 or b < 1:
        return integrate.quad(function, 0, 1, weight="alg", wvar=(a - 1, b - 1), **QUAD)[0] / special.beta(a, b)

    def weighted(p):
        if p <= 0 or p >= 1:
            return 0.0
        return function(p) * np.exp((a - 1) * np.log(p) + (b - 1) * np.log1p(-p) - special.betaln(a, b))

    return integrate.quad(weighted, 0, 1, points=[a / (a + b)], **QUAD)[0]


# ------------------------------------------------------------------------------------------------
# BG/NBD: Poisson(lambda) purchases, drop-out with probability p after each purchase
# ------------------------------------------------------------------------------------------------

def _drop_out_ratio(lam: float, p: float, t: float) -> float:
    """(1 - exp(-lambda p t)) / p, the expected purchases in t of a customer alive now; lambda t at p = 0."""
    return -np.expm1(-lam * p * t) / p if p > 0 else lam * t


def _bgnbd_integrals(x, t_x, T, t=None):
    r, alpha, a, b = BGNBD.values()

    def individual(lam, p, what):
        alive = (1 - p) ** x * lam**x * np.exp(-lam * T)
        if what == "alive":
            return alive
        died = p * (1 - p) ** (x - 1) * lam**x * np.exp(-lam * t_x) if x > 0 else 0.0
        if what == "likelihood":
            return alive + died
        return alive * _drop_out_ratio(lam, p, t)  # E[Y(t) | lambda, p, alive at T]

    def integral(what):
        return beta_expect(lambda p: gamma_expect(lambda lam: individual(lam, p, what), r, alpha), a, b)

    likelihood = integral("likelihood")
    out = {"likelihood": likelihood, "alive": integral("alive") / likelihood}
    if t is not None:
        out["expected"] = integral("expected") / likelihood
    return out


@pytest.mark.parametrize("row", range(len(CUSTOMERS)))
def test_bgnbd_likelihood_alive_and_expected_match_integration(row):
    model = BetaGeo().use_estimates(**BGNBD)
    customer = CUSTOMERS.iloc[[row]]
    x, t_x, T = customer.iloc[0]
    expected = _bgnbd_integrals(x, t_x, T, t=39.0)
    assert np.exp(model.log_likelihood(customer)) == pytest.approx(expected["likelihood"], rel=1e-7)
    assert model.probability_alive(customer).iloc[0] == pytest.approx(expected["alive"], rel=1e-7)
    assert model.expected_purchases(customer, 39.0).iloc[0] == pytest.approx(expected["expected"], rel=1e-7)


def test_bgnbd_probability_alive_is_one_without_repeat_purchases():
    model = BetaGeo().use_estimates(**BGNBD)
    customers = pd.DataFrame({"frequency": [0, 0, 0], "recency": [0.0, 0.0, 0.0], "T": [0.0, 5.0, 3650.0]})
    assert model.probability_alive(customers).tolist() == [1.0, 1.0, 1.0]


def test_bgnbd_paper_example_conditional_expectation():
    """FHL (2005): a customer with x = 2, t_x = 30.43, T = 38.86 is expected to make 1.226 purchases in 39 weeks."""
    model = BetaGeo().use_estimates(**BGNBD)
    customer = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    assert round(model.expected_purchases(customer, 39.0).iloc[0], 3) == 1.226


@pytest.mark.parametrize("t", [0.5, 39.0, 78.0, 520.0])
def test_bgnbd_new_customer_expectation_matches_integration(t):
    r, alpha, a, b = BGNBD.values()
    model = BetaGeo().use_estimates(**BGNBD)
    # E[X(t) | lambda, p] = (1 - exp(-lambda p t)) / p
    by_integration = beta_expect(lambda p: gamma_expect(lambda lam: _drop_out_ratio(lam, p, t), r, alpha), a, b)
    assert model.expected_purchases_new_customer(t) == pytest.approx(by_integration, rel=1e-7)


def test_bgnbd_purchase_distribution_sums_to_one_with_the_right_mean():
    model = BetaGeo().use_estimates(**BGNBD)
    n = np.arange(0, 3000)
    pmf = model.probability_of_purchases(n, 39.0)
    assert np.all(pmf >= 0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
    assert (n * pmf).sum() == pytest.approx(model.expected_purchases_new_customer(39.0), rel=1e-8)


def test_bgnbd_expected_purchases_of_new_customer_equals_conditional_at_T_zero():
    model = BetaGeo().use_estimates(**BGNBD)
    fresh = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0]})
    assert model.expected_purchases(fresh, 52.0).iloc[0] == pytest.approx(model.expected_purchases_new_customer(52.0), rel=1e-12)


# ------------------------------------------------------------------------------------------------
# Pareto/NBD: Poisson(lambda) purchases, exponential(mu) lifetime
# ------------------------------------------------------------------------------------------------

def _pareto_integrals(params, x, t_x, T, t):
    r, alpha, s, beta = params.values()

    def individual(lam, mu, what):
        alive = lam**x * np.exp(-(lam + mu) * T)
        if what == "alive":
            return alive
        if what == "expected":
            return alive * lam * (-np.expm1(-mu * t) / mu if mu > 0 else t)
        if lam + mu == 0:
            return alive
        died = lam**x * mu / (lam + mu) * (np.exp(-(lam + mu) * t_x) - np.exp(-(lam + mu) * T))
        return alive + died

    def integral(what):
        return gamma_expect(lambda mu: gamma_expect(lambda lam: individual(lam, mu, what), r, alpha), s, beta)

    likelihood = integral("likelihood")
    return {"likelihood": likelihood, "alive": integral("alive") / likelihood,
            "expected": integral("expected") / likelihood}


PARETO_BRANCHES = [
    PARETO,                                                  # alpha < beta (published CDNOW estimates)
    {"r": 0.553, "alpha": 15.0, "s": 0.606, "beta": 4.0},    # alpha > beta
    {"r": 0.8, "alpha": 6.0, "s": 1.0, "beta": 6.0},         # alpha == beta and s == 1
    {"r": 2.0, "alpha": 1.0, "s": 2.5, "beta": 40.0},        # alpha << beta
]


@pytest.mark.parametrize("params", PARETO_BRANCHES)
@pytest.mark.parametrize("row", [0, 1, 3, 4, 5])
def test_paretonbd_likelihood_alive_and_expected_match_integration(params, row):
    model = ParetoNBD().use_estimates(**params)
    customer = CUSTOMERS.iloc[[row]]
    x, t_x, T = customer.iloc[0]
    expected = _pareto_integrals(params, x, t_x, T, t=39.0)
    assert np.exp(model.log_likelihood(customer)) == pytest.approx(expected["likelihood"], rel=1e-7)
    assert model.probability_alive(customer).iloc[0] == pytest.approx(expected["alive"], rel=1e-7)
    assert model.expected_purchases(customer, 39.0).iloc[0] == pytest.approx(expected["expected"], rel=1e-6)


@pytest.mark.parametrize("params", PARETO_BRANCHES)
def test_paretonbd_frequent_buyer_matches_integration(params):
    """x = 60 makes 2F1(r+s+x, r+x; ...) overflow-prone; the Euler-transformed branch must still be exact."""
    model = ParetoNBD().use_estimates(**params)
    customer = pd.DataFrame({"frequency": [60], "recency": [20.0], "T": [39.0]})
    expected = _pareto_integrals(params, 60, 20.0, 39.0, t=10.0)
    assert model.probability_alive(customer).iloc[0] == pytest.approx(expected["alive"], rel=1e-6)


@pytest.mark.parametrize("s", [0.606, 1.0, 1.0 + 1e-12, 3.0])
def test_paretonbd_new_customer_expectation_matches_integration(s):
    params = {**PARETO, "s": s}
    r, alpha, _, beta = params.values()
    model = ParetoNBD().use_estimates(**params)
    t = 39.0
    # E[X(t) | lambda, mu] = lambda / mu * (1 - exp(-mu t)); lambda and mu independent
    by_integration = r / alpha * gamma_expect(lambda mu: -np.expm1(-mu * t) / mu if mu > 0 else t, s, beta)
    assert model.expected_purchases_new_customer(t) == pytest.approx(by_integration, rel=1e-8)


def _pareto_individual_pmf(n: int, t: float, lam: float, mu: float) -> float:
    """P(X(t) = n | lambda, mu): Poisson purchases while alive, exponential lifetime.

    Alive at t: Poisson(n; lambda t) e^(-mu t). Left at tau < t: integrating Poisson(n; lambda tau) mu e^(-mu tau)
    over (0, t) gives lambda^n mu / (lambda + mu)^(n+1) times P(Gamma(n + 1, lambda + mu) <= t).
    """
    alive = np.exp(n * np.log(lam * t) - lam * t - special.gammaln(n + 1) - mu * t) if lam > 0 else float(n == 0) * np.exp(-mu * t)
    if mu == 0:
        return alive
    if lam == 0:
        return alive + float(n == 0) * -np.expm1(-mu * t)
    return alive + np.exp(n * np.log(lam) + np.log(mu) - (n + 1) * np.log(lam + mu)) * special.gammainc(n + 1, (lam + mu) * t)


@pytest.mark.parametrize("params", PARETO_BRANCHES[:2])
@pytest.mark.parametrize("n", [0, 1, 4])
def test_paretonbd_purchase_distribution_matches_integration(params, n):
    r, alpha, s, beta = params.values()
    model = ParetoNBD().use_estimates(**params)
    by_integration = gamma_expect(lambda mu: gamma_expect(lambda lam: _pareto_individual_pmf(n, 39.0, lam, mu), r, alpha),
                                  s, beta)
    assert model.probability_of_purchases(n, 39.0) == pytest.approx(by_integration, rel=1e-7, abs=1e-12)


@pytest.mark.parametrize("params", PARETO_BRANCHES)
@pytest.mark.parametrize("t", [0.5, 39.0, 520.0])
def test_paretonbd_purchase_distribution_sums_to_one_with_the_right_mean(params, t):
    model = ParetoNBD().use_estimates(**params)
    n = np.arange(0, 20000)   # r = 2, alpha = 1 buys ~2 a week: over 520 weeks the tail reaches past 4,000
    pmf = model.probability_of_purchases(n, t)
    assert np.all(np.isfinite(pmf)) and np.all(pmf >= 0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
    assert (n * pmf).sum() == pytest.approx(model.expected_purchases_new_customer(t), rel=1e-8)


def test_paretonbd_purchase_distribution_shapes_and_bad_input():
    model = ParetoNBD().use_estimates(**PARETO)
    grid = model.probability_of_purchases(np.arange(3)[:, None], np.array([0.0, 10.0, 39.0]))
    assert grid.shape == (3, 3)
    assert grid[:, 0].tolist() == [1.0, 0.0, 0.0]            # nothing can happen in no time
    assert np.all(np.diff(grid[0]) < 0)                      # P(no purchase) falls with time
    with pytest.raises(ValueError, match="whole numbers"):
        model.probability_of_purchases(1.5, 10.0)
    with pytest.raises(ValueError, match="non-negative"):
        model.probability_of_purchases(1, -1.0)


# ------------------------------------------------------------------------------------------------
# Gamma-Gamma
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("x", "m"), [(1, 20.0), (2, 35.5), (10, 12.0), (150, 80.0)])
def test_gammagamma_density_and_expected_spend_match_integration(x, m):
    p, q, gamma = GG.values()
    model = GammaGamma().use_estimates(**GG)
    customer = pd.DataFrame({"frequency": [x], "monetary_value": [m]})

    def mean_density(nu):  # the mean of x Gamma(p, nu) values is Gamma(p x, nu x)
        if nu <= 0:
            return 0.0
        return np.exp(p * x * np.log(nu * x) + (p * x - 1) * np.log(m) - nu * x * m - special.gammaln(p * x))

    marginal = gamma_expect(mean_density, q, gamma)
    posterior_mean = gamma_expect(lambda nu: mean_density(nu) * p / nu if nu > 0 else 0.0, q, gamma) / marginal
    assert np.exp(model.log_likelihood(customer)) == pytest.approx(marginal, rel=1e-7)
    assert model.expected_spend(customer).iloc[0] == pytest.approx(posterior_mean, rel=1e-7)


def test_gammagamma_new_customer_gets_population_mean():
    model = GammaGamma().use_estimates(**GG)
    spend = model.expected_spend(pd.DataFrame({"frequency": [0], "monetary_value": [0.0]}))
    assert spend.iloc[0] == pytest.approx(6.25 * 15.44 / 2.74, rel=1e-12) == model.mean_spend()


# ------------------------------------------------------------------------------------------------
# BG/BB: Bernoulli(p) transactions, death with probability theta at the start of each opportunity
# ------------------------------------------------------------------------------------------------

def _bgbb_individual(p, theta, x, t_x, n):
    value = p**x * (1 - p) ** (n - x) * (1 - theta) ** n
    for i in range(int(n - t_x)):
        value += p**x * (1 - p) ** (t_x - x + i) * theta * (1 - theta) ** (t_x + i)
    return value


@pytest.mark.parametrize(("x", "t_x", "n"), [(0, 0, 6), (1, 1, 6), (3, 5, 6), (6, 6, 6), (2, 3, 10)])
def test_bgbb_likelihood_alive_and_expected_match_integration(x, t_x, n):
    alpha, beta, gamma, delta = BGBB.values()
    model = BetaGeoBetaBinom().use_estimates(**BGBB)
    customer = pd.DataFrame({"frequency": [x], "recency": [t_x], "periods": [n]})
    horizon = 5

    def integral(function):
        return beta_expect(lambda theta: beta_expect(lambda p: function(p, theta), alpha, beta), gamma, delta)

    likelihood = integral(lambda p, th: _bgbb_individual(p, th, x, t_x, n))
    alive_next = integral(lambda p, th: p**x * (1 - p) ** (n - x) * (1 - th) ** (n + 1)) / likelihood
    future = integral(lambda p, th: p**x * (1 - p) ** (n - x) * (1 - th) ** n
                      * sum(p * (1 - th) ** k for k in range(1, horizon + 1))) / likelihood
    assert np.exp(model.log_likelihood(customer)) == pytest.approx(likelihood, rel=1e-7)
    assert model.probability_alive(customer).iloc[0] == pytest.approx(alive_next, rel=1e-7)
    assert model.expected_purchases(customer, horizon).iloc[0] == pytest.approx(future, rel=1e-7)


def test_bgbb_purchase_distribution_sums_to_one_with_the_right_mean():
    model = BetaGeoBetaBinom().use_estimates(**BGBB)
    for t in (1, 6, 11):
        pmf = model.probability_of_purchases(np.arange(t + 1), t)
        assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
        assert (np.arange(t + 1) * pmf).sum() == pytest.approx(model.expected_purchases_new_customer(t), rel=1e-10)


def test_bgbb_pmf_matches_the_donations_at_published_estimates():
    """With the published estimates, the expected number of donors with x of 6 donations is close to the data."""
    from crmlab import datasets

    donations = datasets.load_donations()
    observed = donations.groupby("frequency")["donors"].sum().reindex(range(7), fill_value=0).to_numpy()
    model = BetaGeoBetaBinom().use_estimates(**BGBB)
    expected = 11104 * model.probability_of_purchases(np.arange(7), 6)
    assert expected.sum() == pytest.approx(11104)
    np.testing.assert_allclose(expected, observed, rtol=0.08)


# ------------------------------------------------------------------------------------------------
# sBG
# ------------------------------------------------------------------------------------------------

def test_sbg_survival_and_churn_follow_the_recursion():
    alpha, beta = 0.704, 1.182
    model = ShiftedBetaGeo().use_estimates(alpha=alpha, beta=beta)
    churn = [alpha / (alpha + beta)]
    for t in range(2, 31):
        churn.append((beta + t - 2) / (alpha + beta + t - 1) * churn[-1])
    churn = np.array(churn)
    t = np.arange(1, 31)
    np.testing.assert_allclose(model.churn_probability(t), churn, rtol=1e-12)
    np.testing.assert_allclose(model.survival_function(t), 1 - np.cumsum(churn), rtol=1e-10)
    np.testing.assert_allclose(model.retention_rate(t), model.survival_function(t) / model.survival_function(t - 1),
                               rtol=1e-12)
    assert np.all(np.diff(model.retention_rate(t)) > 0)  # heterogeneity: retention rises with tenure


@pytest.mark.parametrize("renewals", [0, 1, 4, 10])
@pytest.mark.parametrize("discount_rate", [0.05, 0.10, 0.5])
def test_sbg_derl_equals_direct_discounted_sum(renewals, discount_rate):
    model = ShiftedBetaGeo().use_estimates(alpha=0.704, beta=1.182)
    n = renewals + 1
    t = np.arange(n, n + 20000)
    direct = np.sum(model.survival_function(t) / model.survival_function(n - 1) * np.exp(-(t - n) * np.log1p(discount_rate)))
    assert model.discounted_expected_residual_lifetime(discount_rate, renewals) == pytest.approx(direct, rel=1e-9)


def test_sbg_discounted_and_mean_lifetime():
    model = ShiftedBetaGeo().use_estimates(alpha=0.704, beta=1.182)
    t = np.arange(0, 20000)
    assert model.discounted_expected_lifetime(0.1) == pytest.approx(np.sum(model.survival_function(t) * np.exp(-t * np.log(1.1))), rel=1e-9)
    assert model.expected_remaining_lifetime() == np.inf  # alpha <= 1: no finite mean
    assert model.expected_remaining_lifetime(age=0, horizon=10) == pytest.approx(model.survival_function(np.arange(10)).sum())
    heavy = ShiftedBetaGeo().use_estimates(alpha=3.0, beta=5.0)
    for age in (0, 4):
        steps = np.arange(age, age + 200000)
        direct = np.sum(heavy.survival_function(steps)) / heavy.survival_function(age)
        assert heavy.expected_remaining_lifetime(age) == pytest.approx(direct, rel=1e-6)


@pytest.mark.parametrize("params", [BGNBD, {"r": 5.0, "alpha": 0.1, "a": 3.0, "b": 0.2}, {"r": 0.5, "alpha": 2.0, "a": 40.0, "b": 30.0}])
@pytest.mark.parametrize(("x", "T"), [(0, 38.86), (45, 39.0), (150, 520.0), (1000, 3650.0), (100, 0.0)])
def test_bgnbd_conditional_expectation_of_frequent_buyers(params, x, T):
    """Given alive, p ~ Beta(a, b+x) and lambda ~ Gamma(r+x, alpha+T) a posteriori, so
    E[Y(t) | alive] = E_p[(1 - (1 + p t / (alpha+T))^-(r+x)) / p]: a 1-D integral, no 2F1 needed."""
    r, alpha, a, b = params.values()
    model = BetaGeo().use_estimates(**params)
    t = 52.0
    u = t / (alpha + T)

    def given_p(p):
        return -np.expm1(-(r + x) * np.log1p(p * u)) / p if p > 0 else (r + x) * u

    numerator = beta_expect(given_p, a, b + x)
    customer = pd.DataFrame({"frequency": [x], "recency": [T if x > 0 else 0.0], "T": [T]})
    alive = model.probability_alive(customer).iloc[0]
    assert model.expected_purchases(customer, t).iloc[0] == pytest.approx(numerator * alive, rel=1e-8)


# ------------------------------------------------------------------------------------------------
# the analytic gradients used by the fits agree with finite differences
# ------------------------------------------------------------------------------------------------

def _finite_difference(function, params: np.ndarray, step: float = 1e-6) -> np.ndarray:
    columns = []
    for i in range(len(params)):
        shift = np.zeros(len(params))
        shift[i] = step * params[i]
        columns.append((function(params + shift) - function(params - shift)) / (2 * shift[i]))
    return np.column_stack(columns)


GRADIENT_DATA = (np.array([0, 1, 2, 5, 20, 60, 3, 1000.0]), np.array([0, 5, 30.43, 10, 35, 20, 38.86, 3000.0]),
                 np.array([38.86, 38.86, 38.86, 39, 39, 39, 38.86, 3650.0]))


@pytest.mark.parametrize("params", PARETO_BRANCHES)
def test_paretonbd_analytic_gradient(params):
    from crmlab.models.paretonbd import _log_likelihood

    theta = np.array(list(params.values()))
    _, gradient = _log_likelihood(theta, *GRADIENT_DATA, True)
    numeric = _finite_difference(lambda p: _log_likelihood(p, *GRADIENT_DATA)[0], theta)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("params", [BGNBD, {"r": 5.0, "alpha": 0.1, "a": 3.0, "b": 0.2}])
def test_bgnbd_analytic_gradient(params):
    from crmlab.models.bgnbd import _log_likelihood

    theta = np.array(list(params.values()))
    _, gradient = _log_likelihood(theta, *GRADIENT_DATA, True)
    numeric = _finite_difference(lambda p: _log_likelihood(p, *GRADIENT_DATA, False)[0], theta)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-6)


def test_gammagamma_bgbb_sbg_analytic_gradients():
    from crmlab.models import bgbb, gammagamma, sbg

    x, m = np.array([1, 2, 10, 150.0]), np.array([20.0, 35.5, 12.0, 80.0])
    theta = np.array([6.25, 3.74, 15.44])
    spend = gammagamma._SpendPatterns(x, m)
    np.testing.assert_allclose(gammagamma._log_likelihood(theta, spend, True)[1],
                               _finite_difference(lambda p: gammagamma._log_likelihood(p, spend, False)[0], theta),
                               rtol=1e-5, atol=1e-6)
    terms = bgbb._terms(np.array([0, 1, 3, 6, 2.0]), np.array([0, 1, 5, 6, 3.0]), np.array([6, 6, 6, 6, 10.0]))
    theta = np.array([1.204, 0.750, 0.657, 2.783])
    np.testing.assert_allclose(bgbb._log_likelihood(theta, terms, True)[1],
                               _finite_difference(lambda p: bgbb._log_likelihood(p, terms, False)[0], theta),
                               rtol=1e-5, atol=1e-6)
    t, survivor = np.array([1, 2, 3, 7, 7.0]), np.array([False, False, False, False, True])
    theta = np.array([0.704, 1.182])
    np.testing.assert_allclose(sbg._log_likelihood(theta, t, survivor, True)[1],
                               _finite_difference(lambda p: sbg._log_likelihood(p, t, survivor, False)[0], theta),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("b", "c"), [(0.3, 3.3), (1.6, 4.6), (100.0, 150.0), (1000.553, 1001.159), (1.606, 1061.2)])
@pytest.mark.parametrize("z", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_log_hyp2f1_one_matches_a_plain_python_series(b, c, z):
    from crmlab.models.paretonbd import log_hyp2f1_one

    total, term, k = 1.0, 1.0, 0
    while True:  # positive terms, each at most z times the previous one
        term *= (b + k) / (c + k) * z
        total += term
        k += 1
        if term < 1e-18 * total:
            break
    assert log_hyp2f1_one(b, c, z) == pytest.approx(np.log(total), rel=1e-12, abs=1e-14)
