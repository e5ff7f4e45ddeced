"""Pareto/NBD's hypergeometric term against mpmath at 30 digits, over a grid covering every region.

``log_hyp2f1_one(b, c, z)`` = log 2F1(1, b; c; z) is the term of the Pareto/NBD likelihood (after
Euler's transformation). Regions: the series (z <= 1/2, or b << c), the integral split at y = 1/q
(z > 1/2, up to 1 - z = 1e-14: no dropout and T = 0 drive z to 1), small and large b and c
(frequencies in the thousands), and c - b from 0.01 to 1,000. Derivatives are checked against
mpmath's numerical derivatives. ``_log_F`` is checked against a direct mpmath quadrature of its integral (no hypergeometric function).
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

mp = pytest.importorskip("mpmath")

from crmlab.models.paretonbd import _log_F, _log_hyp2f1_q, log_hyp2f1_one  # noqa: E402

mp.mp.dps = 30

B_VALUES = [0.01, 0.6, 1.0, 1.606, 7.0, 60.0, 1000.553, 9000.0]
GAPS = [0.01, 0.4, 1.0, 2.5, 37.0, 1000.0]          # c - b
Q_VALUES = [0.0, 0.3, 1.0, 1.0 + 1e-9, 3.0, 49.0, 1e4, 1e8, 1e14]   # z = q / (1 + q): 0 ... 1 - 1e-14


def _exact(b: float, c: float, q: float):
    z = mp.mpf(q) / (1 + mp.mpf(q))
    return mp.log(mp.hyp2f1(1, b, c, z))


GRID = [(b, b + gap, q) for b, gap, q in itertools.product(B_VALUES, GAPS, Q_VALUES) if b + gap > 1]


def test_log_hyp2f1_matches_mpmath_over_the_grid():
    b, c, q = np.array(GRID).T
    values = _log_hyp2f1_q(b, c, q)
    exact = np.array([float(_exact(*row)) for row in GRID])
    # relative to the size of the terms the log is a sum of (c log(1+q), up to 3e5 here): 2F1 of large b and c is
    # a small difference of large logs, in doubles as in any formula of the likelihood that uses it
    scale = 1.0 + np.abs(exact) + c * np.log1p(q)
    error = np.abs(values - exact) / scale
    worst = int(np.argmax(error))
    assert error.max() < 1e-14, (GRID[worst], values[worst], exact[worst])
    assert np.all(np.abs(values - exact) <= 1e-9 * np.maximum(1.0, np.abs(exact)))


@pytest.mark.parametrize(("b", "c", "q"), [(0.6, 1.2, 1e12), (1.606, 2.159, 3.0), (1000.553, 1001.159, 1e6),
                                           (2.0, 4.6, 49.0), (0.01, 1.5, 1e8), (60.0, 97.0, 1e14), (7.0, 7.4, 1.5)])
def test_log_hyp2f1_derivatives_match_mpmath(b, c, q):
    _, d_b, d_c, d_q = _log_hyp2f1_q(np.array([b]), np.array([c]), np.array([q]), derivatives=True)
    assert d_b[0] == pytest.approx(float(mp.diff(lambda v: _exact(v, c, q), b)), rel=1e-7, abs=1e-12)
    assert d_c[0] == pytest.approx(float(mp.diff(lambda v: _exact(b, v, q), c)), rel=1e-7, abs=1e-12)
    assert d_q[0] == pytest.approx(float(mp.diff(lambda v: _exact(b, c, v), mp.mpf(q))), rel=1e-7, abs=1e-12 * c / q)  # d_q: differences of terms ~ c/q


def test_public_function_in_z_near_one():
    z = 1 - 2.0**-45                      # exactly representable, 1 - z exact
    for b, c in [(0.5, 1.7), (1000.0, 1001.5), (2.0, 3.0)]:
        exact = float(mp.log(mp.hyp2f1(1, b, c, mp.mpf(z))))
        assert log_hyp2f1_one(b, c, z) == pytest.approx(exact, rel=1e-11)


@pytest.mark.parametrize(("params", "x", "tau"), [
    ((0.553, 10.578, 0.606, 11.669), 2.0, 30.43),        # CDNOW estimates (alpha < beta)
    ((0.553, 15.0, 0.606, 4.0), 0.0, 0.0),               # alpha > beta, T = 0
    ((2.05, 4.2, 1e-8, 1300.0), 5.0, 0.0),               # no dropout: s -> 0 (z -> 1 from alpha << beta at tau = 0)
    ((1.0, 1e-6, 1.0, 1e6), 0.0, 3.0),                   # alpha << beta: q = 3e5
    ((5.0, 0.05, 0.59, 11.8), 4000.0, 39.0),             # very large frequency
    ((0.5, 3e5, 2.0, 0.01), 10.0, 1.0),                  # alpha >> beta: z -> 1 in the other branch
])
def test_log_F_matches_direct_quadrature(params, x, tau):
    r, alpha, s, beta = params
    rho = r + s + x
    a, b = mp.mpf(r + x), mp.mpf(s + 1)

    def integrand(t):   # u = tau + e^t: smooth in t on every scale of the integrand
        u = tau + mp.exp(t)
        return (alpha + u) ** (-a) * (beta + u) ** (-b) * mp.exp(t)

    # breakpoints every 2 units of log(u - tau) around the integrand's scale (min(alpha, beta) + tau) / rho
    centre = mp.log((min(alpha, beta) + tau) / rho)
    points = [-mp.inf] + [centre + k for k in range(-30, 80, 2)] + [mp.inf]
    exact = mp.log(rho * mp.quad(integrand, points))
    value, gradient = _log_F(r, alpha, s, beta, np.array([x]), np.array([tau]), want_gradient=True)
    assert value[0] == pytest.approx(float(exact), rel=1e-10)
    assert np.all(np.isfinite(gradient))
