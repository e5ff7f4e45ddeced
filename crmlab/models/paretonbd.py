r"""Pareto/NBD: the model of Schmittlein, Morrison & Colombo (1987), in Fader & Hardie's formulation.

* While alive, a customer buys as a Poisson process with rate :math:`\lambda \sim \text{Gamma}(r, \alpha)`.
* Each customer's unobserved lifetime is exponential with rate :math:`\mu \sim \text{Gamma}(s, \beta)`
  (so a customer can leave at any moment, not only right after a purchase as in the BG/NBD).

With :math:`x` = ``frequency``, :math:`t_x` = ``recency``, :math:`T` = ``T`` the likelihood is
(Fader & Hardie 2005, "A note on deriving the Pareto/NBD model and related expressions")

.. math::

   L = \frac{\Gamma(r+x)\alpha^r\beta^s}{\Gamma(r)}\left[\frac{1}{(\alpha+T)^{r+x}(\beta+T)^s}
       + \frac{s}{r+s+x} A_0\right],

.. math::

   A_0 = \frac{{}_2F_1(r+s+x, s+1; r+s+x+1; \frac{\alpha-\beta}{\alpha+t_x})}{(\alpha+t_x)^{r+s+x}}
       - \frac{{}_2F_1(r+s+x, s+1; r+s+x+1; \frac{\alpha-\beta}{\alpha+T})}{(\alpha+T)^{r+s+x}}
       \quad (\alpha \ge \beta),

and with :math:`\alpha, \beta` swapped and second parameter :math:`r+x` when :math:`\alpha < \beta`.
:math:`\frac{s}{r+s+x}A_0 = s\int_{t_x}^{T}(\alpha+\tau)^{-(r+x)}(\beta+\tau)^{-(s+1)}d\tau` is the
"died between t_x and T" part. Numerical care taken here:

* everything is in logs; :math:`\log A_0 = \log F(t_x) + \log(1 - e^{\log F(T) - \log F(t_x)})`;
* in the :math:`\alpha<\beta` branch :math:`{}_2F_1(r+s+x, r+x; r+s+x+1; z)` grows like
  :math:`(1-z)^{-(r+x)}` and overflows for frequent buyers, so Euler's transformation
  :math:`{}_2F_1(r+s+x, r+x; r+s+x+1; z) = (1-z)^{1-r-x}\,{}_2F_1(1, s+1; r+s+x+1; z)` is used and
  the power is added on the log scale (likewise :math:`(1-z)^{-s}\,{}_2F_1(1, r+x; r+s+x+1; z)`
  when :math:`\alpha\ge\beta`);
* :math:`{}_2F_1(1, b; c; z)` with :math:`b<c` is evaluated by :func:`log_hyp2f1_one` with the same
  amount of work in every region: its series (positive terms, at most 64 of them) where
  :math:`z \le 1/2` or :math:`b \ll c`, otherwise the integral
  :math:`\int_0^1 y^{c-2}(1+qy)^{-b}dy`, :math:`q = z/(1-z)`, split at :math:`y = 1/q` into a
  series at :math:`z = 1/2` and a panel Gauss-Legendre quadrature (no dropout and T = 0 push z to 1,
  where the series would need :math:`\sim 1/(1-z)` terms; general-purpose routines return inf or
  NaN for the large parameters of frequent buyers). Checked against mpmath in
  ``tests/test_models_hypergeometric.py``;
* :math:`F(\tau)` depends on the frequency and one time only, so it is evaluated once per distinct
  :math:`(x, t_x)` or :math:`(x, T)` pair.

The gradient is analytic too: the derivatives of :math:`\log{}_2F_1(1,b;c;z)` in b, c and z
are sums over the same series terms or integrals on the same quadrature nodes, chained through
:math:`b, c, z` to (r, alpha, s, beta). On the CDNOW sample the published estimates are r = 0.553, alpha = 10.578,
s = 0.606, beta = 11.669, LL = -9595.0. Times on hard data (no dropout, T = 0, frequencies in the
thousands, 2,000,000 customers): ``benchmarks/bench_hard_fits.py``.

Examples
--------
>>> import pandas as pd
>>> from crmlab.models import ParetoNBD
>>> model = ParetoNBD().use_estimates(r=0.553, alpha=10.578, s=0.606, beta=11.669)
>>> customers = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 30.43], "T": [38.86, 38.86]})
>>> model.probability_alive(customers).round(3).tolist()
[0.295, 0.869]
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import integrate, special, stats

from crmlab.models.base import (DEGENERATE_LARGE, Distinct, ParametricModel, _edge_of_search_range, as_output,
                                compress_rows)

__all__ = ["ParetoNBD", "log_hyp2f1_one"]

_COLUMNS = ("frequency", "recency", "T")


def log_hyp2f1_one(b: np.ndarray, c: np.ndarray, z: np.ndarray, derivatives: bool = False):
    r"""log of :math:`{}_2F_1(1, b; c; z) = \sum_{k\ge0} \frac{(b)_k}{(c)_k} z^k` for :math:`0 < b < c`, :math:`0 \le z < 1`.

    Fast and accurate in every region (checked against mpmath at 30 digits in
    ``tests/test_models_hypergeometric.py``):

    * :math:`z \le 1/2`, or a series that is short because :math:`b \ll c`: the series, summed as a
      cumulative product of term ratios (each term is at most :math:`z` times the one before, so at
      most 64 terms and nothing overflows);
    * otherwise (:math:`z > 1/2`, :math:`c > 1`): the integral form of :func:`_log_hyp2f1_q`, a fixed amount of
      work whatever z, b and c (no series of :math:`\sim 1/(1-z)` terms near :math:`z = 1`).

    With ``derivatives=True`` also returns the partial derivatives of the log with respect to
    b, c and z (from the series terms, or as integrals on the same quadrature nodes).

    Examples
    --------
    >>> round(float(log_hyp2f1_one(1.0, 2.0, 0.5)), 12)  # 2F1(1, 1; 2; z) = -log(1 - z) / z
    0.326634259978
    >>> z = 1 - 2.0**-40                                   # 1 - z exact: 2F1 ~ 27.7 / z
    >>> bool(np.isclose(log_hyp2f1_one(1.0, 2.0, z), np.log(-np.log1p(-z) / z), rtol=1e-13, atol=0))
    True
    """
    b, c, z = np.broadcast_arrays(np.asarray(b, float), np.asarray(c, float), np.asarray(z, float))
    shape = b.shape
    b, c, z = b.ravel(), c.ravel(), z.ravel()
    long_series = (z > 0.5) & (c <= 1)     # rho = c - 1 <= 0: only the (slow near z = 1) series applies
    out, d_b, d_c, d_z = (np.zeros(b.size) for _ in range(4))
    main = ~long_series
    if main.any():
        q = z[main] / (1 - z[main])
        value, gb, gc, gq = _log_hyp2f1_q(b[main], c[main], q, derivatives=True)
        out[main], d_b[main], d_c[main], d_z[main] = value, gb, gc, gq * (1 + q) ** 2
    if long_series.any():
        value, gb, gc, gz = _log_hyp2f1_long_series(b[long_series], c[long_series], z[long_series])
        out[long_series], d_b[long_series], d_c[long_series], d_z[long_series] = value, gb, gc, gz
    if derivatives:
        return out.reshape(shape), d_b.reshape(shape), d_c.reshape(shape), d_z.reshape(shape)
    return out.reshape(shape)


#: Longest series summed term by term by :func:`_log_hyp2f1_long_series`.
_MAX_TERMS = 2**18


def _log_hyp2f1_long_series(b: np.ndarray, c: np.ndarray, z: np.ndarray):
    """The series of 2F1(1, b; c; z) term by term, for the rare c <= 1 < 1/(1-z) case (never met in a fit).

    Beyond ``_MAX_TERMS`` terms the remainder is taken from the asymptotic form
    t_K K U(1, 2-(c-b), -K log z) (Tricomi's U); its derivatives are left out of the returned ones.
    """
    out, d_b, d_c, d_z = (np.zeros(b.size) for _ in range(4))
    needed = np.ceil((np.log(1e-16) + np.log1p(-z)) / np.log(z))
    for i in range(b.size):
        size = int(min(max(needed[i], 2), _MAX_TERMS))
        j = np.arange(size - 1, dtype=np.float64)
        ratio = (b[i] + j) / (c[i] + j) * z[i]
        terms = np.cumprod(ratio)
        series = 1.0 + terms.sum()
        total = np.log(series)
        d_b[i] = (terms * np.cumsum(1.0 / (b[i] + j))).sum() / series
        d_c[i] = -(terms * np.cumsum(1.0 / (c[i] + j))).sum() / series
        d_z[i] = (terms * (j + 1)).sum() / (z[i] * series)
        if needed[i] > size:
            tail = (np.log(terms[-1] * ratio[-1]) + np.log(size)
                    + np.log(special.hyperu(1.0, 2.0 - (c[i] - b[i]), -size * np.log(z[i]))))
            total = np.logaddexp(total, tail)
        out[i] = total
    return out, d_b, d_c, d_z


#: Nodes and weights of 12-point Gauss-Legendre on [0, 1] (the panels of :func:`_log_split_integral`).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)
_GL_X, _GL_W = (_GL_X + 1) / 2, _GL_W / 2
#: Panel ends near 0 where the integrand's complex singularities (at +-i pi) are felt.
_FIXED_BREAKS = -np.array([0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 63.5])
#: Drops of the log-integrand below its maximum that end a panel; beyond the last the rest is < 1e-17.
_DROPS = np.array([6.0, 12.0, 18.0, 24.0, 30.0, 42.0])
#: Values of B e^l that end a panel (see :func:`_log_split_integral`).
_SLOPES = 2.0 ** np.arange(-1, 7)


#: Terms of a "short" series: one whose remainder after them is below 1e-17 (:func:`_series_is_short`).
_SHORT = 64


def _series_is_short(b: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Whether 64 terms of the series of 2F1(1, b; c; z) leave a remainder below 1e-17 of the sum.

    The term ratios (b+k)/(c+k) z grow with k towards z, so after term K the rest is at most
    t_K / (1 - ratio_K), t_K = (b)_K/(c)_K z^K: small for b << c even when z is near 1.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        log_t = (special.gammaln(b + _SHORT) - special.gammaln(b) - special.gammaln(c + _SHORT) + special.gammaln(c)
                 + _SHORT * np.log(z))
        ratio = (b + _SHORT) / (c + _SHORT) * z
        return (z <= 0) | (log_t - np.log1p(-ratio) < np.log(1e-17))


def _log_series(b: np.ndarray, c: np.ndarray, z: np.ndarray, derivatives: bool):
    """log 2F1(1, b; c; z) by its series, for z <= 1/2 or a short series (at most 64 terms); with d/db, d/dc, d/dz."""
    n = b.size
    out, d_b, d_c, d_z = np.zeros(n), np.zeros(n), np.zeros(n), np.where(c > 0, b / np.where(c > 0, c, 1), 0.0)
    positive = z > 0
    with np.errstate(divide="ignore"):
        needed = np.where(positive, np.ceil((np.log(1e-17) + np.log1p(-z)) / np.log(np.where(positive, z, 0.5))), 1.0)
    needed = np.where(_series_is_short(b, c, z), np.minimum(needed, _SHORT), needed)
    bucket = np.clip(16 * np.ceil(needed / 16), 16, None)
    for size in np.unique(bucket[positive]):
        size = int(size)
        rows = np.flatnonzero(positive & (bucket == size))
        j = np.arange(size - 1, dtype=np.float64)
        chunk = max(1, 2**21 // size)
        for start in range(0, rows.size, chunk):
            idx = rows[start:start + chunk]
            bb, cc, zz = b[idx, None], c[idx, None], z[idx, None]
            ratio = (bb + j) / (cc + j) * zz          # term k+1 / term k, always in (0, z)
            terms = np.cumprod(ratio, axis=1)          # terms 1..size-1 (term 0 is 1); all <= 1, no overflow
            series = 1.0 + terms.sum(axis=1)
            out[idx] = np.log(series)
            if derivatives:
                d_b[idx] = (terms * np.cumsum(1.0 / (bb + j), axis=1)).sum(axis=1) / series
                d_c[idx] = -(terms * np.cumsum(1.0 / (cc + j), axis=1)).sum(axis=1) / series
                d_z[idx] = (terms * (j + 1)).sum(axis=1) / (zz[:, 0] * series)
    return out, d_b, d_c, d_z


def _chi(ell: np.ndarray, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """The log-integrand -A l - B log(1 + e^l) of N (concave in l)."""
    return -A * ell - B * np.logaddexp(0.0, ell)


def _log_split_integral(A: np.ndarray, B: np.ndarray, L: np.ndarray):
    r"""log N, N = \int_{-L}^0 e^{-A l} (1+e^l)^{-B} dl (A > -1, B > 0, L > 0), with dlogN/dA, dlogN/dB, dlogN/dL.

    The log-integrand is concave: the integral is split at its maximum, at the points where it has
    dropped by 6, 12, ..., 42 below it (found by bisection), where B e^l = 1/2, 1, 2, ..., 64 (the
    cut-off of (1+e^l)^-B) and at fixed points near 0, and each panel gets 12-point Gauss-Legendre
    (on each panel the integrand varies by at most e^6, its log-slope by a factor 2 at most, and it is
    analytic well beyond the panel, so every panel is accurate to about double precision). Derivatives are integrals of
    the derivatives of the integrand on the same nodes.
    """
    n = A.size
    lo = -L
    slope_lo = -A - B * special.expit(lo)
    slope_hi = -A - B / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        interior = special.logit(np.clip(-A / B, 1e-300, 1 - 1e-16))
    mode = np.where(slope_lo <= 0, lo, np.where(slope_hi >= 0, 0.0, np.clip(interior, lo, 0.0)))
    top = _chi(mode, A, B)
    breaks = [lo, np.zeros(n), mode]
    # bisection for chi = top - drop between the mode and each end (chi is monotone there); both ends at once.
    # The points only place panel ends (a panel may then drop by a little more than 6), so 14 halvings will do.
    ends = np.concatenate([np.repeat(lo[:, None], _DROPS.size, axis=1), np.zeros((n, _DROPS.size))], axis=1)
    target = np.tile(top[:, None] - _DROPS[None, :], 2)
    A2, B2 = A[:, None], B[:, None]
    near, far = np.repeat(mode[:, None], 2 * _DROPS.size, axis=1), ends
    reached = _chi(far, A2, B2) < target
    for _ in range(14):
        middle = (near + far) / 2
        below = _chi(middle, A2, B2) < target
        far = np.where(below, middle, far)
        near = np.where(below, near, middle)
    breaks.extend(np.where(reached, (near + far) / 2, ends).T)
    # where B e^l passes 1/2, 1, 2, ..., 64: (1 + e^l)^-B turns from ~1 to ~e^(-B e^l) in panels of width ~log 2
    slope_points = special.logit(np.minimum(_SLOPES[None, :] / B[:, None], 0.5))
    breaks.extend(np.clip(slope_points, lo[:, None], 0.0).T)
    last_left = breaks[3 + _DROPS.size - 1]                          # beyond the last drops the rest is negligible
    last_right = breaks[3 + 2 * _DROPS.size - 1]
    fixed = np.clip(_FIXED_BREAKS[None, :], lo[:, None], 0.0)
    edges = np.sort(np.column_stack(breaks + list(fixed.T)), axis=1)
    edges = np.clip(edges, last_left[:, None], last_right[:, None])
    width = np.diff(edges, axis=1)                                    # (n, panels)
    # many panels are empty (coinciding ends): keep, per row, only as many panels as the fullest row has
    used = width > 0
    keep = max(int(used.sum(axis=1).max()), 1)
    if keep < width.shape[1]:
        order = np.argsort(~used, axis=1, kind="stable")[:, :keep]
        starts = np.take_along_axis(edges[:, :-1], order, axis=1)
        width = np.take_along_axis(width, order, axis=1)
    else:
        starts = edges[:, :-1]
    nodes = starts[:, :, None] + width[:, :, None] * _GL_X             # (n, panels, 12)
    weights = width[:, :, None] * _GL_W
    chi = _chi(nodes, A[:, None, None], B[:, None, None])
    scaled = weights * np.exp(chi - top[:, None, None])
    total = scaled.sum(axis=(1, 2))
    log_n = top + np.log(total)
    d_A = -(scaled * nodes).sum(axis=(1, 2)) / total
    d_B = -(scaled * np.logaddexp(0.0, nodes)).sum(axis=(1, 2)) / total
    d_L = np.exp(_chi(lo, A, B) - log_n)
    return log_n, d_A, d_B, d_L


def _log_hyp2f1_q(b: np.ndarray, c: np.ndarray, q: np.ndarray, derivatives: bool = False):
    r"""log 2F1(1, b; c; z) with z = q / (1 + q), q >= 0, 0 < b < c, c > 1; with d/db, d/dc, d/dq.

    ``q`` is passed instead of z because 1 - z = 1/(1+q) is then exact even when z rounds to 1.
    For q <= 1 (z <= 1/2), or when 64 terms suffice (b << c), the series. Otherwise the integral form, with
    rho = c - 1 and A = c - b - 1:

    2F1(1, b; c; z) = rho (1+q)^b q^(-rho) [K + N],
    K = \int_0^1 t^(rho-1) (1+t)^(-b) dt = 2^(-b)/rho 2F1(1, b; c; 1/2)  (the series at z = 1/2),
    N = \int_{-log q}^0 e^(-A l) (1+e^l)^(-b) dl                          (:func:`_log_split_integral`),

    which is the integral \int_0^1 y^(rho-1) (1+qy)^(-b) dy split at y = 1/q.
    """
    b, c, q = np.broadcast_arrays(np.asarray(b, float), np.asarray(c, float), np.asarray(q, float))
    shape = b.shape
    b, c, q = b.ravel(), c.ravel(), q.ravel()
    out, d_b, d_c, d_q = (np.zeros(b.size) for _ in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        easy = (q <= 1.0) | _series_is_short(b, c, q / (1 + q))
    if easy.any():
        z = q[easy] / (1 + q[easy])
        value, gb, gc, gz = _log_series(b[easy], c[easy], z, derivatives)
        out[easy], d_b[easy], d_c[easy], d_q[easy] = value, gb, gc, gz / (1 + q[easy]) ** 2
    hard = ~easy
    if hard.any():
        bh, ch, qh = b[hard], c[hard], q[hard]
        rho = ch - 1
        log_k_series, kb, kc, _ = _log_series(bh, ch, np.full(bh.size, 0.5), derivatives)
        log_k = -np.log(rho) - bh * np.log(2.0) + log_k_series
        L = np.log(qh)
        log_n, n_A, n_B, n_L = _log_split_integral(ch - bh - 1, bh, L)
        log_sum = np.logaddexp(log_k, log_n)
        out[hard] = np.log(rho) + bh * np.log1p(qh) - rho * L + log_sum
        if derivatives:
            w_k = np.exp(log_k - log_sum)
            w_n = 1.0 - w_k
            # K: d log K/db = -log 2 + kb, d log K/dc = -1/rho + kc;  N: A = c - b - 1
            d_b[hard] = np.log1p(qh) + w_k * (kb - np.log(2.0)) + w_n * (n_B - n_A)
            d_c[hard] = 1 / rho - L + w_k * (kc - 1 / rho) + w_n * n_A
            d_q[hard] = bh / (1 + qh) - rho / qh + w_n * n_L / qh
    if derivatives:
        return out.reshape(shape), d_b.reshape(shape), d_c.reshape(shape), d_q.reshape(shape)
    return out.reshape(shape)


def _log_F(r: float, alpha: float, s: float, beta: float, x: np.ndarray, tau: np.ndarray,
           want_gradient: bool = False):
    r"""log F(tau), F(tau) = rho \int_tau^\infty (alpha+u)^{-(r+x)} (beta+u)^{-(s+1)} du, rho = r + s + x.

    F(t_x) - F(T) is the A_0 of the likelihood. With m = min(alpha, beta) carrying the exponent
    a' (r + x if m = alpha, s + 1 if m = beta), M = max(alpha, beta) carrying b' (the other one),
    and q = (M - m)/(m + tau) >= 0 (so that z = q/(1+q) = (M - m)/(M + tau)):

    log F = -(a' - 1) log(m + tau) - b' log(M + tau) + log 2F1(1, b'; rho + 1; z),

    which is Euler's transformation of both branches of the paper's 2F1(rho, .; rho + 1; .)
    (:func:`_log_hyp2f1_q` evaluates the 2F1 from q, exact even when z rounds to 1).
    With ``want_gradient`` also the (n, 4) derivatives in (r, alpha, s, beta).
    """
    rho = r + s + x
    alpha_is_min = alpha < beta
    m, M = (alpha, beta) if alpha_is_min else (beta, alpha)
    a1, b1 = (r + x, s + 1.0) if alpha_is_min else (s + 1.0, r + x)
    log_m, log_M = np.log(m + tau), np.log(M + tau)
    q = (M - m) / (m + tau)
    if not want_gradient:
        return -(a1 - 1) * log_m - b1 * log_M + _log_hyp2f1_q(b1, rho + 1, q)
    H, H_b, H_c, H_q = _log_hyp2f1_q(b1, rho + 1, q, derivatives=True)
    value = -(a1 - 1) * log_m - b1 * log_M + H
    g_a = -log_m                                    # d/da'
    g_b = -log_M + H_b                              # d/db'
    g_rho = H_c
    g_m = -(a1 - 1) / (m + tau) - H_q * (M + tau) / (m + tau) ** 2
    g_M = -b1 / (M + tau) + H_q / (m + tau)
    if alpha_is_min:   # r -> a', s -> b'
        gradient = np.column_stack([g_a + g_rho, g_m, g_b + g_rho, g_M])
    else:              # s -> a', r -> b'
        gradient = np.column_stack([g_b + g_rho, g_M, g_a + g_rho, g_m])
    return value, gradient


class _TauPairs:
    """The distinct (x, tau) pairs among (x, t_x) and (x, T) of the patterns with t_x < T.

    F(tau) depends on the frequency and one time only, so it is evaluated once per distinct pair
    (a million customers have a few thousand); patterns with t_x = T (e.g. T = 0) have no "died unseen" term.
    """

    __slots__ = ("some_time", "x", "tau", "tx_index", "T_index")

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:
        self.some_time = t_x < T
        rows = np.flatnonzero(self.some_time)
        if rows.size == 0:
            self.x = self.tau = np.zeros(0)
            self.tx_index = self.T_index = np.zeros(0, dtype=np.int64)
            return
        patterns, _, inverse = compress_rows(np.concatenate([x[rows], x[rows]]), np.concatenate([t_x[rows], T[rows]]))
        self.x, self.tau = patterns[:, 0], patterns[:, 1]
        self.tx_index, self.T_index = inverse[: rows.size], inverse[rows.size:]

    def log_F(self, params: np.ndarray, n: int, want_gradient: bool = False):
        """log F(t_x) and log F(T) of every pattern (0 where t_x = T), with their (n, 4) gradients when asked."""
        r, alpha, s, beta = params
        log_f_tx, log_f_T = np.zeros(n), np.zeros(n)
        grad_tx, grad_T = np.zeros((n, 4)), np.zeros((n, 4))
        if self.x.size:
            result = _log_F(r, alpha, s, beta, self.x, self.tau, want_gradient)
            values = result[0] if want_gradient else result
            log_f_tx[self.some_time], log_f_T[self.some_time] = values[self.tx_index], values[self.T_index]
            if want_gradient:
                grad_tx[self.some_time], grad_T[self.some_time] = result[1][self.tx_index], result[1][self.T_index]
        return log_f_tx, log_f_T, grad_tx, grad_T


def _log_terms(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
               pairs: _TauPairs | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(common, alive term, died term) of log L; L = exp(common) * (exp(alive) + exp(died))."""
    r, alpha, s, beta = params
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    pairs = pairs or _TauPairs(x, t_x, T)
    log_f_tx, log_f_T, _, _ = pairs.log_F(params, len(x))
    with np.errstate(divide="ignore", invalid="ignore"):
        # log(F(t_x) - F(T)); exactly -inf when t_x == T (no time to die unseen)
        gap = np.where(pairs.some_time, np.log(-np.expm1(np.minimum(log_f_T - log_f_tx, 0.0))), -np.inf)
    died = np.log(s) - np.log(r + s + x) + log_f_tx + gap
    return common, alive, died


def _log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                    want_gradient: bool = False, distinct: tuple[Distinct, Distinct, Distinct] | None = None,
                    pairs: _TauPairs | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-pattern log-likelihood and, when asked, its analytic gradient in (r, alpha, s, beta).

    With L = exp(common) (exp(alive) + exp(died)) the gradient is
    d common + w_alive d alive + w_died d died, where w are the shares of the two terms and
    d log(F(t_x) - F(T)) = (d log F(t_x) - e^g d log F(T)) / (1 - e^g), g = log F(T) - log F(t_x).
    ``distinct`` (:class:`Distinct` values of x, t_x, T) lets the gamma terms of x be computed once per
    distinct frequency; ``pairs`` (:class:`_TauPairs`, found once per fit) lets the hypergeometric terms be
    computed once per distinct (x, t_x) or (x, T).
    """
    pairs = pairs or _TauPairs(x, t_x, T)
    if not want_gradient:
        common, alive, died = _log_terms(params, x, t_x, T, pairs)
        return common + np.logaddexp(alive, died), None
    r, alpha, s, beta = params
    n = len(x)
    by_x = distinct[0] if distinct else Distinct(x)
    common = by_x.spread(special.gammaln(r + by_x.values) - special.gammaln(r)) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    log_f_tx, log_f_T, grad_tx, grad_T = pairs.log_F(params, n, True)
    some_time = pairs.some_time
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        g = np.minimum(log_f_T - log_f_tx, 0.0)
        gap = np.where(some_time, np.log(-np.expm1(g)), -np.inf)
        died = np.log(s) - np.log(r + s + x) + log_f_tx + gap
        ll = common + np.logaddexp(alive, died)
        share_died = np.where(some_time, np.exp(died - ll + common), 0.0)
        e_g = np.exp(g)[:, None]
        d_gap = np.where(some_time[:, None], (grad_tx - e_g * grad_T) / (-np.expm1(g))[:, None], 0.0)
    share_alive = 1.0 - share_died
    d_common = np.column_stack([by_x.spread(special.digamma(r + by_x.values) - special.digamma(r)) + np.log(alpha),
                                np.full(n, r / alpha),
                                np.full(n, np.log(beta)), np.full(n, s / beta)])
    d_alive = np.column_stack([-np.log(alpha + T), -(r + x) / (alpha + T), -np.log(beta + T), np.zeros(n)])
    d_alive[:, 3] = -s / (beta + T)
    d_died = d_gap.copy()
    d_died[:, 0] += -1.0 / (r + s + x)
    d_died[:, 2] += 1.0 / s - 1.0 / (r + s + x)
    gradient = d_common + share_alive[:, None] * d_alive + share_died[:, None] * d_died
    return ll, gradient


def _expm1_ratio(c: float, u: np.ndarray) -> np.ndarray:
    """(1 - exp(-c u)) / c, equal to u in the limit c -> 0 (used for s = 1)."""
    if abs(c) < 1e-10:
        return u * (1 - c * u / 2)
    return -np.expm1(-c * u) / c


class ParetoNBD(ParametricModel):
    r"""Pareto/NBD model (Schmittlein, Morrison & Colombo 1987; Fader & Hardie 2005 notes).

    Parameters
    ----------
    initial_params
        Starting values for ``r, alpha, s, beta``; default all 1.
    max_iter
        Iteration limit of the optimiser.
    columns
        Map from ``frequency``, ``recency``, ``T`` to the names in your table.

    Attributes
    ----------
    params_ : pandas.Series
        ``r, alpha, s, beta``.
    standard_errors_, log_likelihood_, converged_, n_iter_, convergence_message_, n_customers_, n_patterns_
        As in :class:`crmlab.models.BetaGeo`.

    Examples
    --------
    >>> from crmlab.datasets import load_cdnow
    >>> from crmlab.rfm import summarize
    >>> log = load_cdnow("sample")
    >>> customers = summarize(log[log["date"] <= "1997-09-30"], "customer_id", "date", "dollar_value",
    ...                       observation_end="1997-09-30")
    >>> model = ParetoNBD().fit(customers)
    >>> model.params_.round(3).tolist(), round(model.log_likelihood_, 1)
    ([0.553, 10.578, 0.606, 11.669], -9595.0)
    """

    parameter_names = ("r", "alpha", "s", "beta")
    model_name = "Pareto/NBD"
    default_initial_params = (1.0, 1.0, 1.0, 1.0)
    data_columns = _COLUMNS

    def fit(self, data: pd.DataFrame, weights: Sequence[float] | np.ndarray | None = None) -> "ParetoNBD":
        """Estimate ``r, alpha, s, beta`` by maximum likelihood (analytic gradient).

        Parameters
        ----------
        data
            Customer table with ``frequency``, ``recency``, ``T``.
        weights
            Optional number of customers each row stands for.

        Returns
        -------
        ParetoNBD
            ``self``, fitted.
        """
        found: dict[str, _TauPairs] = {}

        def log_likelihood_of(params, x, t_x, T, want_gradient, distinct):
            if "pairs" not in found:  # the patterns are the same at every evaluation of one fit
                found["pairs"] = _TauPairs(x, t_x, T)
            return _log_likelihood(params, x, t_x, T, want_gradient, distinct, found["pairs"])

        self._fit_purchase_patterns(data, weights, log_likelihood_of)
        return self

    def _row_log_likelihood(self, params: np.ndarray, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        return _log_likelihood(params, columns["frequency"], columns["recency"], columns["T"])[0]

    def _degeneracy(self) -> str | None:
        """No dropout (s -> 0 or beta -> infinity), identical purchase rates (r -> infinity), or the search range's edge."""
        r, alpha, s, beta = self.params_
        longest = getattr(self, "_longest_T", 0.0)
        leave = -np.expm1(-s * np.log1p(longest / beta))     # P(lifetime < longest T observed)
        if s < 1 / DEGENERATE_LARGE or (longest > 0 and leave < 1 / DEGENERATE_LARGE):
            return (f"the data show no sign of dropout (customers' silences since their last purchase are no longer than "
                    f"their purchase rates explain), so the dropout rates ran to 0 (s = {s:.3g}, beta = "
                    f"{beta:.4g}; P(leaving within {longest:.4g} time units) = {leave:.2g}): lifetimes are (nearly) all "
                    "infinite, P(alive) is about 1 for everyone and the model "
                    "reduces to the NBD of purchase counts")
        if r > DEGENERATE_LARGE:
            return (f"the purchase rates show no differences between customers, so the gamma shape r ran to a "
                    f"boundary (r = {r:.3g}, alpha = {alpha:.3g}: every customer buys {r / alpha:.3g} times per time "
                    "unit); the data cannot separate heterogeneity from chance")
        if s > DEGENERATE_LARGE:
            return (f"the dropout rates show no differences between customers, so the gamma shape s ran to a "
                    f"boundary (s = {s:.3g}, beta = {beta:.3g}: every customer leaves at rate {s / beta:.3g} per time unit)")
        return _edge_of_search_range(self.params_)

    # -- predictions ---------------------------------------------------------------------------
    def _alive(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        # evaluated once per distinct (frequency, recency, T): the hypergeometric series is the costly part
        patterns, _, inverse = compress_rows(columns["frequency"], columns["recency"], columns["T"])
        _, alive, died = _log_terms(self._fitted_params(), *patterns.T)
        return special.expit(alive - died)[inverse]

    def probability_alive(self, data: pd.DataFrame) -> pd.Series:
        r"""P(alive | x, t_x, T) = :math:`\left[1 + \frac{s}{r+s+x}(\alpha+T)^{r+x}(\beta+T)^s A_0\right]^{-1}`.

        Computed as ``expit(log alive term - log died term)``; 1 when recency equals T.
        """
        columns = self._data(data)
        return as_output(self._alive(columns), data, "probability_alive")

    def expected_purchases_new_customer(self, t: float | np.ndarray) -> np.ndarray:
        r"""E[X(t)] of a customer just acquired.

        .. math::

           E[X(t)] = \frac{r\beta}{\alpha(s-1)}\left[1 - \left(\frac{\beta}{\beta+t}\right)^{s-1}\right]
           \quad\left(= \frac{r\beta}{\alpha}\log\left(1+\tfrac{t}{\beta}\right)\text{ at } s=1\right)

        Examples
        --------
        >>> model = ParetoNBD().use_estimates(r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> round(float(model.expected_purchases_new_customer(39.0)), 3)
        1.213
        """
        r, alpha, s, beta = self._fitted_params()
        t = np.asarray(t, dtype=np.float64)
        if np.any(t < 0) or not np.all(np.isfinite(t)):
            raise ValueError("t must be finite and non-negative")
        return r * beta / alpha * _expm1_ratio(s - 1, np.log1p(t / beta))

    def expected_purchases(self, data: pd.DataFrame, t: float | np.ndarray) -> pd.Series:
        r"""E[Y(t) | x, t_x, T]: expected purchases of each customer in the next ``t`` time units.

        .. math::

           E[Y(t)\mid x,t_x,T] = \frac{(r+x)(\beta+T)}{(\alpha+T)(s-1)}
           \left[1-\left(\frac{\beta+T}{\beta+T+t}\right)^{s-1}\right] P(\text{alive}\mid x,t_x,T)
        """
        r, alpha, s, beta = self._fitted_params()
        columns = self._data(data)
        t = np.asarray(t, dtype=np.float64)
        if np.any(t < 0) or not np.all(np.isfinite(t)):
            raise ValueError("t must be finite and non-negative")
        x, T = columns["frequency"], columns["T"]
        rate_part = (r + x) / (alpha + T) * (beta + T) * _expm1_ratio(s - 1, np.log1p(t / (beta + T)))
        return as_output(rate_part * self._alive(columns), data, "expected_purchases")

    def probability_of_purchases(self, n: int | np.ndarray, t: float | np.ndarray) -> np.ndarray:
        r"""P(X(t) = n): probability that a customer just acquired makes ``n`` purchases in ``(0, t]``.

        A customer whose lifetime :math:`\tau` (Pareto of the second kind, survival
        :math:`(\beta/(\beta+\tau))^s`) outlasts ``t`` buys a negative binomial number of times over
        ``t``; one who leaves at :math:`\tau < t` does so over :math:`\tau`:

        .. math::

           P(X(t)=n) = \text{NB}\!\left(n; r, \tfrac{\alpha}{\alpha+t}\right)\left(\frac{\beta}{\beta+t}\right)^s
           + \int_0^t \text{NB}\!\left(n; r, \tfrac{\alpha}{\alpha+\tau}\right)
             \frac{s\,\beta^s}{(\beta+\tau)^{s+1}}\,d\tau .

        Fader & Hardie ("Deriving an expression for P(X(t) = x) under the Pareto/NBD model") write the
        integral with Gauss hypergeometric functions; here it is integrated numerically
        (adaptive Gauss-Kronrod, all ``n`` and ``t`` at once) after substituting
        :math:`u = \log(1 + \tau/\beta)`, which turns the lifetime density into the smooth
        :math:`s e^{-su}`. Absolute error below 1e-12.

        Examples
        --------
        >>> import numpy as np
        >>> model = ParetoNBD().use_estimates(r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> round(float(model.probability_of_purchases(0, 39.0)), 3)
        0.594
        >>> pmf = model.probability_of_purchases(np.arange(500), 39.0)
        >>> round(float(pmf.sum()), 9), round(float((np.arange(500) * pmf).sum()), 3)
        (1.0, 1.213)
        """
        r, alpha, s, beta = self._fitted_params()
        n, t = np.broadcast_arrays(np.asarray(n, dtype=np.float64), np.asarray(t, dtype=np.float64))
        if np.any(n < 0) or np.any(n != np.round(n)):
            raise ValueError("n must be whole numbers >= 0")
        if np.any(t < 0) or not np.all(np.isfinite(t)):
            raise ValueError("t must be finite and non-negative")
        flat_n, flat_t = n.ravel(), t.ravel()
        u_end = np.log1p(flat_t / beta)        # the lifetime range (0, t] in u = log(1 + tau / beta)

        def negative_binomial(tau: np.ndarray) -> np.ndarray:
            return np.exp(stats.nbinom.logpmf(flat_n, r, alpha / (alpha + tau)))

        def left_before_t(v: float) -> np.ndarray:     # v in [0, 1] runs over (0, t] for every element
            u = v * u_end
            return negative_binomial(beta * np.expm1(u)) * s * np.exp(-s * u) * u_end

        still_alive = negative_binomial(flat_t) * np.exp(-s * u_end)
        if flat_n.size == 0:
            return np.zeros(n.shape)
        left, _ = integrate.quad_vec(left_before_t, 0.0, 1.0, epsabs=1e-13, epsrel=1e-10, norm="max")
        return (still_alive + left).reshape(n.shape)
