r"""A seeded synthetic customer base whose true parameters are known.

Lectures 03-10 need customers whose *truth* is known: how often each one really
buys, whether they are still active, how much they really spend on average and
which latent persona they belong to. :func:`customer_base` draws such a
population from the BG/NBD purchase model (Fader, Hardie & Lee 2005a) and the
Gamma-Gamma spend model (Colombo & Jiang 1999; Fader, Hardie & Lee 2005b), then
adds demographics, acquisition channel, information source, purchase motive, a
satisfaction survey, complaints and promotion use that depend on that truth.
Estimators can therefore be checked against the parameters that made the data,
and segmentation lectures have real structure to find.

Examples
--------
>>> base = customer_base(1_000, seed=7)
>>> base.customers.shape[0]
1000
>>> bool((base.transactions["date"] <= base.params.observation_end).all())
True
>>> round(base.params.mean_purchase_rate, 3)
0.15
"""
from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from .lang import check_lang, label, register, translate_columns
from .validation import MissingColumnError, ValidationError, WrongTypeError, as_date, missing_columns

__all__ = [
    "CustomerBase",
    "TrueParameters",
    "PERSONAS",
    "GENDERS",
    "EDUCATION_LEVELS",
    "OCCUPATIONS",
    "REGIONS",
    "CHANNELS",
    "INFORMATION_SOURCES",
    "PURCHASE_MOTIVES",
    "customer_base",
    "PROFILE_COLUMNS",
    "market_prospects",
    "persona_table",
    "true_expected_purchases",
]

# ---------------------------------------------------------------------------
# Category values (English snake_case keys; Chinese names registered below)
# ---------------------------------------------------------------------------
GENDERS: tuple[str, ...] = ("female", "male")
EDUCATION_LEVELS: tuple[str, ...] = ("secondary_or_below", "vocational_college", "bachelor", "postgraduate")
OCCUPATIONS: tuple[str, ...] = (
    "student",
    "office_worker",
    "manager",
    "professional",
    "civil_servant",
    "self_employed",
    "manual_worker",
    "retired",
)
REGIONS: tuple[str, ...] = (
    "north_china",
    "northeast_china",
    "east_china",
    "south_china",
    "central_china",
    "southwest_china",
    "northwest_china",
)
CHANNELS: tuple[str, ...] = ("store", "website", "mobile_app", "social_commerce", "telesales")
INFORMATION_SOURCES: tuple[str, ...] = (
    "word_of_mouth",
    "search_engine",
    "social_media",
    "tv_advertising",
    "outdoor_advertising",
    "sms_email",
    "sales_staff",
)
PURCHASE_MOTIVES: tuple[str, ...] = ("low_price", "product_quality", "shopping_convenience", "brand_image", "novelty")


@dataclass(frozen=True)
class _Persona:
    """One latent persona: where it sits in behaviour space and how it looks."""

    key: str
    description: str
    # centre in the standard-normal scores (frequency, spend, loyalty) of the truth
    centre: tuple[float, float, float]
    age_mean: float
    age_sd: float
    female_share: float
    promo_mean: float  # mean share of purchases made on promotion
    education_shift: float  # on the latent education score
    income_shift: float  # on log yearly income
    satisfaction_shift: float  # on the latent satisfaction score
    channel: tuple[float, ...]  # logits over CHANNELS
    source: tuple[float, ...]  # logits over INFORMATION_SOURCES
    region: tuple[float, ...]  # logits over REGIONS
    occupation: tuple[float, ...]  # logits over OCCUPATIONS (before age and education rules)
    motive: tuple[float, ...]  # logits over PURCHASE_MOTIVES


#: The seven latent personas. ``centre`` is (frequency, spend, loyalty) on the
#: standard-normal score scale of the true purchase rate, true mean spend and
#: 1 - dropout probability; customers join the persona whose centre is near
#: their own scores (see :func:`customer_base`).
PERSONAS: tuple[_Persona, ...] = (
    _Persona(
        "loyal_regular", "buys often for a long time at ordinary basket sizes; a relationship customer",
        (1.0, 0.0, 1.0), 50, 7, 0.56, 0.10, 0.0, 0.0, 0.6,
        channel=(1.2, 0.4, 0.6, -0.4, 0.3), source=(1.2, 0.2, -0.2, 0.4, 0.0, 0.3, 0.3),
        region=(0.3, 0.2, 0.4, 0.0, 0.3, 0.0, -0.3), occupation=(-1.0, 0.6, 0.0, 0.2, 0.5, 0.2, 0.3, 0.6),
        motive=(-0.3, 0.6, 0.8, 0.0, -1.0),
    ),
    _Persona(
        "affluent_loyal", "spends much per visit, buys regularly and stays: the most valuable customers",
        (0.5, 1.3, 1.0), 44, 6, 0.50, 0.05, 0.8, 0.7, 0.7,
        channel=(0.9, 0.7, 0.7, -0.5, 0.0), source=(1.0, 0.3, 0.0, 0.2, 0.1, -0.3, 1.0),
        region=(0.5, -0.4, 0.9, 0.8, -0.2, -0.3, -0.7), occupation=(-2.0, 0.3, 1.3, 1.1, 0.4, 0.6, -1.0, -0.3),
        motive=(-1.5, 1.2, 0.0, 0.9, -0.3),
    ),
    _Persona(
        "bargain_hunter", "buys often but small baskets, mostly on promotion: a transaction customer",
        (1.0, -1.2, -0.3), 60, 7, 0.62, 0.65, -0.4, -0.45, -0.2,
        channel=(1.0, 0.2, 0.5, 0.8, -0.3), source=(0.3, 0.2, 0.3, 0.6, 0.5, 1.2, -0.5),
        region=(0.1, 0.4, 0.0, -0.1, 0.5, 0.4, 0.3), occupation=(-0.3, 0.0, -1.0, -0.6, -0.3, 0.0, 0.8, 1.0),
        motive=(1.6, -0.5, 0.4, -1.0, -0.2),
    ),
    _Persona(
        "occasional_splurger", "rarely buys, but big baskets when it does",
        (-1.0, 1.1, 0.0), 36, 6, 0.45, 0.15, 0.5, 0.45, 0.1,
        channel=(0.4, 0.9, 0.6, 0.0, -0.5), source=(0.4, 0.9, 0.5, 0.2, 0.4, -0.4, 0.3),
        region=(0.4, 0.0, 0.6, 0.6, 0.0, 0.0, -0.4), occupation=(-1.2, 0.4, 0.9, 0.8, 0.1, 0.8, -0.3, -1.0),
        motive=(-1.0, 0.7, -0.3, 1.1, 0.3),
    ),
    _Persona(
        "trial_shopper", "tries the shop once or twice and soon goes",
        (-1.0, -0.6, -0.9), 31, 6, 0.50, 0.35, -0.1, -0.15, -0.5,
        channel=(0.2, 0.8, 0.5, 0.7, -0.4), source=(-0.2, 0.8, 0.8, 0.5, 0.6, 0.2, -0.5),
        region=(0.0, 0.2, 0.0, 0.0, 0.3, 0.4, 0.4), occupation=(0.3, 0.5, -0.5, 0.0, -0.3, 0.3, 0.6, -0.5),
        motive=(0.6, -0.3, 0.2, -0.4, 1.0),
    ),
    _Persona(
        "young_switcher", "young and digital, buys often for a while, complains and switches easily",
        (0.7, -0.3, -1.3), 24, 3, 0.55, 0.40, 0.3, -0.2, -0.7,
        channel=(-0.8, 0.3, 1.3, 1.2, -2.0), source=(0.0, 0.5, 1.6, -0.8, 0.0, -0.3, -1.2),
        region=(0.2, -0.3, 0.5, 0.7, 0.1, 0.1, -0.4), occupation=(1.0, 1.0, -0.5, 0.4, -0.8, 0.0, 0.2, -3.0),
        motive=(0.4, -0.4, 0.3, 0.2, 1.2),
    ),
    _Persona(
        "family_shopper", "buys for the household at a steady, middling pace",
        (-0.1, 0.3, 0.4), 40, 5, 0.66, 0.25, 0.1, 0.1, 0.2,
        channel=(1.0, 0.4, 0.8, 0.4, -0.3), source=(1.0, 0.3, 0.4, 0.6, 0.3, 0.4, -0.2),
        region=(0.2, 0.1, 0.3, 0.2, 0.4, 0.3, 0.0), occupation=(-2.0, 0.7, 0.2, 0.5, 0.5, 0.4, 0.4, -1.5),
        motive=(0.4, 0.5, 0.9, 0.0, -0.5),
    ),
)
_PERSONA_KEYS: tuple[str, ...] = tuple(persona.key for persona in PERSONAS)
_PERSONA_SCALE = 0.5  # standard deviation of the soft assignment kernel around each centre

# Acquisition channels that younger customers prefer (negative = chosen more by the young),
# as the change in logit per 10 years of age above 40.
_CHANNEL_AGE_SLOPE = np.array([0.35, 0.0, -0.45, -0.55, 0.6])
_SOURCE_AGE_SLOPE = np.array([0.1, -0.2, -0.5, 0.5, 0.1, 0.2, 0.2])
_EDUCATION_CUTS = np.array([-0.35, 0.5, 1.65])  # latent education score -> four levels
_SATISFACTION_CUTS = np.array([-1.9, -1.0, 0.05, 1.1])  # latent satisfaction score -> 1..5
_PROMO_CONCENTRATION = 20.0  # a + b of the Beta of the promotion propensity around the persona mean
_MAX_MEAN_PURCHASES = 2_000  # guard against parameters that would build an enormous log
_COMPLAINT_RATE = 0.045  # complaints per purchase for an average-satisfaction customer
_COMPLAINT_DISPERSION = 0.6  # gamma shape of the per-customer complaint frailty (smaller = more heavy complainers)


@dataclass(frozen=True)
class TrueParameters:
    """The true parameters a :class:`CustomerBase` was drawn from.

    Attributes
    ----------
    r, alpha
        Gamma heterogeneity of the weekly purchase rate: lambda ~ Gamma(shape r, rate alpha).
    a, b
        Beta heterogeneity of the dropout probability: p ~ Beta(a, b).
    spend_p, spend_q, spend_gamma
        Gamma-Gamma spend model: amount ~ Gamma(shape spend_p, rate nu), nu ~ Gamma(shape spend_q, rate spend_gamma).
    start, acquisition_weeks, observation_end
        First-purchase window ``[start, start + acquisition_weeks)`` and the last observed day.
    n_customers, seed
        Size of the population and the seed of ``numpy.random.default_rng``.
    currency
        Unit of ``amount``, ``true_mean_spend`` and ``yearly_income_cny``.
    """

    r: float
    alpha: float
    a: float
    b: float
    spend_p: float
    spend_q: float
    spend_gamma: float
    start: pd.Timestamp
    acquisition_weeks: float
    observation_end: pd.Timestamp
    n_customers: int
    seed: int
    currency: str = "CNY"
    personas: tuple[str, ...] = field(default=_PERSONA_KEYS)

    @property
    def mean_purchase_rate(self) -> float:
        """E[lambda] = r / alpha, repeat purchases per week while active."""
        return self.r / self.alpha

    @property
    def mean_dropout_prob(self) -> float:
        """E[p] = a / (a + b), the chance of leaving after a repeat purchase."""
        return self.a / (self.a + self.b)

    @property
    def mean_spend(self) -> float:
        """E[p / nu] = spend_p * spend_gamma / (spend_q - 1), mean amount per transaction."""
        return self.spend_p * self.spend_gamma / (self.spend_q - 1.0)

    @property
    def observation_weeks(self) -> float:
        """Weeks from ``start`` to the end of the ``observation_end`` day."""
        return ((self.observation_end - self.start).days + 1) / 7.0

    def as_dict(self) -> dict[str, Any]:
        """Parameters and the implied population means as a flat dict (dates as ISO strings)."""
        out = asdict(self)
        out["start"] = self.start.date().isoformat()
        out["observation_end"] = self.observation_end.date().isoformat()
        out["personas"] = list(self.personas)
        out.update(
            mean_purchase_rate=self.mean_purchase_rate,
            mean_dropout_prob=self.mean_dropout_prob,
            mean_spend=self.mean_spend,
            observation_weeks=self.observation_weeks,
        )
        return out


@dataclass(frozen=True)
class CustomerBase:
    """A simulated customer base: one row per customer, one row per transaction, and the truth.

    Attributes
    ----------
    customers
        One row per customer (columns listed in :func:`customer_base`).
    transactions
        One row per purchase: ``customer_id``, ``date``, ``amount``, ``on_promotion``,
        in date order.
    params
        The :class:`TrueParameters` the data were drawn from.
    """

    customers: pd.DataFrame
    transactions: pd.DataFrame
    params: TrueParameters


# ---------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------
def _positive(name: str, value: Any, *, above: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise WrongTypeError(f"`{name}` must be a real number, got {value!r} ({type(value).__name__})", parameter=name)
    value = float(value)
    if not np.isfinite(value) or value <= above:
        raise ValidationError(f"`{name}` must be a finite number greater than {above:g}, got {value!r}", parameter=name)
    return value


def _switch(name: str, value: Any) -> float:
    """An assumption switch: a finite number of at least 0 (1 = the default world)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value < 0:
        raise ValidationError(f"`{name}` must be a number of at least 0 (1: the default assumption, 0: switched off); "
                              f"got {value!r}", parameter=name)
    return float(value)


def _whole(name: str, value: Any, *, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise WrongTypeError(f"`{name}` must be a whole number, got {value!r} ({type(value).__name__})", parameter=name)
    value = int(value)
    if value < low:
        raise ValidationError(f"`{name}` must be at least {low}, got {value}", parameter=name)
    return value


def _day(name: str, value: Any) -> pd.Timestamp:
    """A plain calendar date (:func:`crmlab.validation.as_date`), or an error naming ``name``."""
    return as_date(value, name, calendar_day=True)


# ---------------------------------------------------------------------------
# The simulator
# ---------------------------------------------------------------------------
def customer_base(
    n_customers: int = 10_000,
    seed: int = 0,
    *,
    r: float = 0.75,
    alpha: float = 5.0,
    a: float = 0.8,
    b: float = 4.0,
    spend_p: float = 6.0,
    spend_q: float = 4.0,
    spend_gamma: float = 20.0,
    start: str | pd.Timestamp = "2024-01-01",
    acquisition_weeks: float = 12.0,
    observation_end: str | pd.Timestamp = "2025-06-29",
    satisfaction_from_loyalty: float = 1.0,
    promotion_by_persona: float = 1.0,
) -> CustomerBase:
    r"""Simulate a retail customer base from the BG/NBD and Gamma-Gamma models.

    Parameters
    ----------
    n_customers
        Number of customers (a whole number >= 1).
    seed
        Whole number >= 0 seeding a ``numpy.random.SeedSequence``; five independent
        ``numpy.random.default_rng`` streams are spawned from it (truth, customer
        variables, purchases, spend, survey). The same seed gives identical tables.
    r, alpha
        Shape and rate of the Gamma distribution of the weekly purchase rate.
    a, b
        Parameters of the Beta distribution of the dropout probability.
    spend_p, spend_q, spend_gamma
        Gamma-Gamma spend parameters ``p``, ``q``, ``gamma``; ``spend_q`` must exceed 1
        so that the mean spend exists.
    start
        First day on which customers are acquired.
    acquisition_weeks
        Length of the acquisition window: first purchases fall uniformly on the
        ``round(7 * acquisition_weeks)`` days from ``start`` (like the CDNOW cohort,
        which all first bought within 12 weeks).
    observation_end
        Last observed day (inclusive); must be on or after the last acquisition day.
    satisfaction_from_loyalty
        Assumption switch, at least 0: how strongly the survey score is built from the
        customer's true loyalty (the loyalty score and the persona's satisfaction shift are
        multiplied by it). 1 is the default world; 0 makes satisfaction pure noise,
        unrelated to who stays; 3 makes it a strong signal. Lectures 03 and 05 use it to show
        that their satisfaction findings are assumptions of the simulator.
    promotion_by_persona
        Assumption switch, at least 0: how far each persona's mean share of purchases on
        promotion departs from the average over all customers (1: the persona means of
        :data:`PERSONAS`, where bargain hunters, who also leave sooner, buy mostly on
        promotion; 0: every customer has the same promotion propensity distribution, so
        promotion use says nothing about loyalty).

    Returns
    -------
    CustomerBase
        ``customers``, ``transactions`` and the true ``params``.

    Notes
    -----
    **Purchases (BG/NBD; Fader, Hardie & Lee 2005a).** Time ``t`` is in weeks since the
    customer's first purchase, which happens at the start of a day ``d_i`` drawn
    uniformly from the acquisition window. For customer ``i``

    .. math::

        \lambda_i \sim \mathrm{Gamma}(r, \alpha), \qquad
        p_i \sim \mathrm{Beta}(a, b),

    repeat purchases arrive as a Poisson process with rate :math:`\lambda_i` (gaps
    :math:`\sim \mathrm{Exp}(\lambda_i)`), and right after each *repeat* purchase the
    customer drops out for good with probability :math:`p_i` (never right after the
    first purchase). Purchases are observed until the end of the ``observation_end``
    day, so the exposure is :math:`T_i = (\text{observation\_end} + 1\,\text{day} - d_i)/7`
    weeks (the CDNOW convention ``(observation_end - first_purchase)/7`` is 1/7 week
    shorter). A purchase at time ``t`` is dated on day :math:`\lfloor d_i + 7t \rfloor`;
    two purchases can fall on the same day (merge them if a model needs that).
    Given alive at the end, the expected purchases in the next ``h`` weeks are
    :math:`(1 - e^{-\lambda_i p_i h}) / p_i` (see :func:`true_expected_purchases`).

    **Spend (Gamma-Gamma; Colombo & Jiang 1999, Fader, Hardie & Lee 2005b).**

    .. math::

        \nu_i \sim \mathrm{Gamma}(q, \gamma), \qquad
        z_{ij} \mid \nu_i \sim \mathrm{Gamma}(p, \nu_i),

    independent of the purchase process; the customer's true mean spend is
    :math:`p/\nu_i` and the population mean is :math:`E[p/\nu] = p\gamma/(q-1)`.
    Amounts are rounded to the cent (at least 0.01).

    **Default truth (a retail shop, amounts in CNY).** ``r = 0.75, alpha = 5`` (mean
    0.15 purchases per week, about one every 6.7 weeks), ``a = 0.8, b = 4`` (mean dropout
    probability 1/6 after each repeat purchase), ``spend_p = 6, spend_q = 4,
    spend_gamma = 20`` (mean 40 CNY per purchase); acquisition over 12 weeks from
    2024-01-01 and observation to 2025-06-29, i.e. 78 weeks from ``start``.

    **Personas and customer variables.** Lambda, p and nu are drawn *first*, from the
    priors above, so their marginal distributions are exactly the stated Gamma and
    Beta laws. Each customer gets three standard-normal scores from the prior CDFs:
    frequency :math:`\Phi^{-1}(F_\Gamma(\lambda_i))`, spend
    :math:`-\Phi^{-1}(F_\Gamma(\nu_i))` and loyalty :math:`-\Phi^{-1}(F_B(p_i))`. One
    of seven personas (:data:`PERSONAS`, :func:`persona_table`) is then drawn with
    probability proportional to :math:`\exp(-\lVert s_i - c_k\rVert^2 / (2\cdot 0.5^2))`
    for persona centre :math:`c_k`; everything else is drawn given the persona and the
    scores: age (normal per persona, 18-85), gender, education (ordinal probit on
    0.4 x spend score + persona shift - age effect), yearly income (log-normal, rising
    with education, spend score and mid-career age), occupation (persona mix, with
    students mostly under 23 and never 35 or older, the retired mostly 60 or older and
    never under 50), region, acquisition channel and
    information source (persona mix shifted by age: the young use the app and social
    commerce, older customers stores and telesales) and purchase motive.

    **Survey, complaints and promotions.** Satisfaction is a 1-5 survey score: an
    ordered probit on :math:`k` (0.6 x loyalty score + persona shift) + N(0, 1) noise, with
    :math:`k` = ``satisfaction_from_loyalty`` (1 by default), so it falls
    with the dropout probability without deciding it (satisfied customers leave too). Complaints over the observation window are
    Poisson with mean :math:`0.045\,n_i\,e^{-0.6 s_i} g_i`, where :math:`n_i` is the
    number of purchases, :math:`s_i` the latent satisfaction score and
    :math:`g_i \sim \mathrm{Gamma}(0.6, 0.6)` a frailty with mean 1, so heavy buyers with low
    satisfaction (and a few happy ones) complain a lot. Each purchase is on promotion
    with the customer's propensity :math:`\pi_i \sim \mathrm{Beta}(20 m_k, 20 (1-m_k))`
    (persona mean :math:`m_k`, moved to :math:`\bar m + j (m_k - \bar m)` with
    :math:`j` = ``promotion_by_persona`` and :math:`\bar m` the mean over all customers);
    ``discount_share`` is the observed share. Both links are *assumptions* of the
    simulator: a finding that rests on them (satisfied customers stay, promotion users
    leave) was put in here, and switching them off shows what changes.
    The amount is the price paid and does not depend on the promotion.

    The customers table has ``customer_id`` (``"C000001"``...), ``age``, ``gender``,
    ``education``, ``occupation``, ``yearly_income_cny``, ``region``,
    ``acquisition_channel``, ``information_source``, ``purchase_motive``,
    ``first_purchase``, ``satisfaction`` (1 = very dissatisfied ... 5 = very satisfied),
    ``complaints``, ``discount_share`` and the truth: ``true_persona``,
    ``true_purchase_rate`` (per week), ``true_dropout_prob``, ``true_mean_spend`` (CNY),
    ``true_promo_propensity``, ``true_alive_at_end`` and ``true_dropout_date`` (the day
    of the last purchase for customers who left, NaT otherwise). The lecture should hide
    the ``true_`` columns from any estimator.

    References
    ----------
    Colombo, R. & Jiang, W. (1999). A stochastic RFM model. *Journal of Interactive Marketing* 13(3).
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005a). "Counting your customers" the easy way:
    an alternative to the Pareto/NBD model. *Marketing Science* 24(2).
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005b). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4).

    Examples
    --------
    >>> base = customer_base(2_000, seed=1)
    >>> sorted(base.customers["true_persona"].unique())[:2]
    ['affluent_loyal', 'bargain_hunter']
    >>> base.transactions.columns.tolist()
    ['customer_id', 'date', 'amount', 'on_promotion']
    >>> base.params.mean_spend
    40.0
    """
    n_customers = _whole("n_customers", n_customers, low=1)
    seed = _whole("seed", seed, low=0)
    r = _positive("r", r)
    alpha = _positive("alpha", alpha)
    a = _positive("a", a)
    b = _positive("b", b)
    spend_p = _positive("spend_p", spend_p)
    spend_q = _positive("spend_q", spend_q, above=1.0)
    spend_gamma = _positive("spend_gamma", spend_gamma)
    acquisition_weeks = _positive("acquisition_weeks", acquisition_weeks)
    satisfaction_from_loyalty = _switch("satisfaction_from_loyalty", satisfaction_from_loyalty)
    promotion_by_persona = _switch("promotion_by_persona", promotion_by_persona)
    start_day = _day("start", start)
    end_day = _day("observation_end", observation_end)
    acquisition_days = max(1, int(round(7 * acquisition_weeks)))
    last_acquisition_day = start_day + pd.Timedelta(days=acquisition_days - 1)
    if end_day < last_acquisition_day:
        raise ValidationError(
            f"`observation_end` = {end_day.date()} is before the last acquisition day "
            f"{last_acquisition_day.date()} (start {start_day.date()} + {acquisition_weeks:g} weeks); "
            "move it later or shorten `acquisition_weeks`", parameter="observation_end",
        )
    observation_weeks = ((end_day - start_day).days + 1) / 7.0
    if r / alpha * observation_weeks > _MAX_MEAN_PURCHASES:
        raise ValueError(
            f"`r` / `alpha` = {r / alpha:g} purchases per week over {observation_weeks:.0f} weeks means about "
            f"{r / alpha * observation_weeks:,.0f} purchases per customer; keep it below {_MAX_MEAN_PURCHASES:,} "
            "(raise `alpha`, lower `r` or shorten the window)"
        )
    params = TrueParameters(
        r=r, alpha=alpha, a=a, b=b, spend_p=spend_p, spend_q=spend_q, spend_gamma=spend_gamma,
        start=start_day, acquisition_weeks=acquisition_weeks, observation_end=end_day,
        n_customers=n_customers, seed=seed,
    )

    # Independent streams: the latent truth and the demographics do not change
    # when only the observation window changes.
    rng_truth, rng_persona, rng_purchases, rng_spend, rng_survey = (
        np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(5)
    )

    # 1. The truth, drawn exactly from the priors.
    purchase_rate = rng_truth.gamma(r, 1.0 / alpha, n_customers)
    dropout_prob = rng_truth.beta(a, b, n_customers)
    spend_rate = rng_truth.gamma(spend_q, 1.0 / spend_gamma, n_customers)  # nu
    mean_spend = spend_p / spend_rate
    first_day = rng_truth.integers(0, acquisition_days, n_customers)
    end_offset = (end_day - start_day).days + 1  # end of the observation_end day, in days from start
    exposure_weeks = (end_offset - first_day) / 7.0

    # 2. Persona and customer variables, drawn given the truth.
    scores = np.column_stack(
        [
            _normal_score(special.gammainc(r, alpha * purchase_rate)),
            -_normal_score(special.gammainc(spend_q, spend_gamma * spend_rate)),
            -_normal_score(special.betainc(a, b, dropout_prob)),
        ]
    )
    centres = np.array([persona.centre for persona in PERSONAS])
    squared = np.column_stack([((scores - centre) ** 2).sum(axis=1) for centre in centres])
    persona = _draw_categories(rng_persona, -squared / (2 * _PERSONA_SCALE**2))
    people = _customer_variables(rng_persona, persona, scores)

    # 3. Purchases: rounds of repeat purchases on shrinking arrays.
    n_purchases, when, dropout_weeks = _purchase_paths(rng_purchases, purchase_rate, dropout_prob, exposure_weeks)
    alive = np.isnan(dropout_weeks)
    day = np.repeat(first_day, n_purchases) + np.floor(7.0 * when).astype(np.int64)
    # date order; a stable sort keeps customers in id order and purchases in time order within a day
    order = np.argsort(day.astype(np.int16) if day.max() < 2**15 else day, kind="stable")
    who = np.repeat(np.arange(n_customers), n_purchases)[order]
    day = day[order]

    # 4. Amounts and promotions per transaction.
    promo_mean = np.array([p.promo_mean for p in PERSONAS])[persona]
    if promotion_by_persona != 1.0:  # the assumption switch (1 leaves the default draws bit for bit)
        overall = float(promo_mean.mean())
        promo_mean = np.clip(overall + promotion_by_persona * (promo_mean - overall), 0.01, 0.99)
    promo_propensity = rng_spend.beta(_PROMO_CONCENTRATION * promo_mean, _PROMO_CONCENTRATION * (1 - promo_mean))
    amount = rng_spend.gamma(spend_p, 1.0 / spend_rate[who])
    amount = np.maximum(np.round(amount, 2), 0.01)
    on_promotion = rng_spend.random(who.size) < promo_propensity[who]

    # 5. Survey and complaints.
    discount_share = np.bincount(who, weights=on_promotion, minlength=n_customers) / n_purchases
    satisfaction_shift = np.array([p.satisfaction_shift for p in PERSONAS])[persona]
    signal = 0.6 * scores[:, 2] + satisfaction_shift
    if satisfaction_from_loyalty != 1.0:  # the assumption switch (1 leaves the default draws bit for bit)
        signal = satisfaction_from_loyalty * signal
    satisfaction_latent = signal + rng_survey.normal(0.0, 1.0, n_customers)
    satisfaction = 1 + np.searchsorted(_SATISFACTION_CUTS, satisfaction_latent)
    frailty = rng_survey.gamma(_COMPLAINT_DISPERSION, 1.0 / _COMPLAINT_DISPERSION, n_customers)
    complaints = rng_survey.poisson(_COMPLAINT_RATE * n_purchases * np.exp(-0.6 * satisfaction_latent) * frailty)

    # 6. Tables.
    width = max(6, len(str(n_customers)))
    ids = pd.Series(np.char.add("C", np.char.zfill(np.arange(1, n_customers + 1).astype(str), width)), dtype="str")
    start64 = np.datetime64(start_day.date(), "D")
    dropout_day = np.where(alive, 0, first_day + np.floor(7.0 * np.nan_to_num(dropout_weeks)).astype(np.int64))
    dropout_date = (start64 + dropout_day).astype("datetime64[us]")
    dropout_date[alive] = np.datetime64("NaT")

    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "age": people["age"],
            "gender": _categorical(people["gender"], GENDERS),
            "education": _categorical(people["education"], EDUCATION_LEVELS, ordered=True),
            "occupation": _categorical(people["occupation"], OCCUPATIONS),
            "yearly_income_cny": people["income"],
            "region": _categorical(people["region"], REGIONS),
            "acquisition_channel": _categorical(people["channel"], CHANNELS),
            "information_source": _categorical(people["source"], INFORMATION_SOURCES),
            "purchase_motive": _categorical(people["motive"], PURCHASE_MOTIVES),
            "first_purchase": (start64 + first_day).astype("datetime64[us]"),
            "satisfaction": satisfaction.astype(np.int64),
            "complaints": complaints.astype(np.int64),
            "discount_share": discount_share,
            "true_persona": _categorical(persona, _PERSONA_KEYS),
            "true_purchase_rate": purchase_rate,
            "true_dropout_prob": dropout_prob,
            "true_mean_spend": mean_spend,
            "true_promo_propensity": promo_propensity,
            "true_alive_at_end": alive,
            "true_dropout_date": dropout_date,
        }
    )
    transactions = pd.DataFrame(
        {
            "customer_id": pd.Series(ids.array.take(who)),
            "date": (start64 + day).astype("datetime64[us]"),
            "amount": amount,
            "on_promotion": on_promotion,
        }
    )
    return CustomerBase(customers=customers, transactions=transactions, params=params)


PROFILE_COLUMNS: tuple[str, ...] = ("age", "gender", "education", "occupation", "yearly_income_cny", "region",
                                     "information_source", "purchase_motive")
"""Who a consumer is and why they buy: what market research or a bought list can tell about
people who have never bought from the firm."""


def market_prospects(n_prospects: int, seed: int = 0) -> pd.DataFrame:
    """Consumers of the same market who are *not* the firm's customers (rivals' customers and
    people not yet buying), described by :data:`PROFILE_COLUMNS` only.

    They are drawn like the customers of :func:`customer_base` (same personas and variables)
    from an independent stream (``SeedSequence((seed, 1))``), so the firm's own customers
    and the rest of the market come from one population; ids are ``"M000001"``, ...

    Examples
    --------
    >>> prospects = market_prospects(3, seed=1)
    >>> prospects.index.tolist(), list(prospects.columns) == list(PROFILE_COLUMNS)
    (['M000001', 'M000002', 'M000003'], True)
    """
    n_prospects = _whole("n_prospects", n_prospects, low=1)
    seed = _whole("seed", seed, low=0)
    stream = int(np.random.SeedSequence((seed, 1)).generate_state(1)[0])
    people = customer_base(n_prospects, seed=stream).customers
    width = max(6, len(str(n_prospects)))
    people.index = pd.Index([f"M{i + 1:0{width}d}" for i in range(n_prospects)], name="prospect_id")
    return people.loc[:, list(PROFILE_COLUMNS)]


def _normal_score(cdf: np.ndarray) -> np.ndarray:
    """Standard-normal quantile of a probability, kept finite at 0 and 1."""
    return special.ndtri(np.clip(cdf, 1e-12, 1 - 1e-12))


def _draw_categories(rng: np.random.Generator, logits: np.ndarray) -> np.ndarray:
    """One category per row with probabilities softmax(logits) (rows may hold -inf), by inverse CDF."""
    cumulative = np.cumsum(np.exp(logits - logits.max(axis=1, keepdims=True)), axis=1)
    threshold = rng.random(logits.shape[0]) * cumulative[:, -1]
    return np.minimum((cumulative <= threshold[:, None]).sum(axis=1), logits.shape[1] - 1)


def _categorical(codes: np.ndarray, categories: tuple[str, ...], ordered: bool = False) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=list(categories), ordered=ordered)


def _customer_variables(rng: np.random.Generator, persona: np.ndarray, scores: np.ndarray) -> dict[str, np.ndarray]:
    """Demographics and marketing variables given persona and behaviour scores (vectorised)."""
    n = persona.size
    table = {name: np.array([getattr(p, name) for p in PERSONAS], dtype=float) for name in (
        "age_mean", "age_sd", "female_share", "education_shift", "income_shift")}
    spend_score = scores[:, 1]

    age = np.clip(np.round(rng.normal(table["age_mean"][persona], table["age_sd"][persona])), 18, 85).astype(np.int64)
    age_10 = (age - 40) / 10.0
    gender = (rng.random(n) >= table["female_share"][persona]).astype(np.int64)  # 0 female, 1 male

    education_latent = (0.4 * spend_score + table["education_shift"][persona] - 0.25 * np.maximum(age_10, 0)
                        + rng.normal(0.0, 1.0, n))
    education = np.searchsorted(_EDUCATION_CUTS, education_latent)
    education = np.where(age < 22, np.minimum(education, 1), education)  # too young for a degree yet

    logits = np.array([p.occupation for p in PERSONAS])[persona]
    index = {name: k for k, name in enumerate(OCCUPATIONS)}
    logits[:, index["student"]] += np.select([age < 23, age < 27, age < 35], [5.0, 0.0, -6.0], -np.inf)
    logits[:, index["retired"]] += np.select([age >= 60, age >= 55, age >= 50], [6.0, 1.0, -3.0], -np.inf)
    working = [index[k] for k in OCCUPATIONS if k not in ("student", "retired")]
    logits[:, working] -= np.where(age >= 62, 3.0, 0.0)[:, None]
    for name in ("manager", "professional", "civil_servant"):
        logits[:, index[name]] += 0.8 * (education - 1.5)
    logits[:, index["manual_worker"]] -= 0.9 * (education - 1.5)
    occupation = _draw_categories(rng, logits)

    log_income = (np.log(70_000) + table["income_shift"][persona] + 0.2 * education + 0.15 * spend_score
                  - 0.05 * (age_10 - 0.5) ** 2 + rng.normal(0.0, 0.4, n))
    log_income += np.where(occupation == index["student"], np.log(0.25), 0.0)
    log_income += np.where(occupation == index["retired"], np.log(0.6), 0.0)
    log_income += np.where(occupation == index["manager"], np.log(1.3), 0.0)
    income = (np.round(np.exp(log_income) / 100.0) * 100).astype(np.int64)

    region = _draw_categories(rng, np.array([p.region for p in PERSONAS])[persona])
    channel = _draw_categories(
        rng, np.array([p.channel for p in PERSONAS])[persona] + np.outer(age_10, _CHANNEL_AGE_SLOPE))
    source = _draw_categories(
        rng, np.array([p.source for p in PERSONAS])[persona] + np.outer(age_10, _SOURCE_AGE_SLOPE))
    motive = _draw_categories(rng, np.array([p.motive for p in PERSONAS])[persona])
    return {"age": age, "gender": gender, "education": education, "occupation": occupation, "income": income,
            "region": region, "channel": channel, "source": source, "motive": motive}


def _purchase_paths(
    rng: np.random.Generator, purchase_rate: np.ndarray, dropout_prob: np.ndarray, exposure_weeks: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every customer's purchase times and dropout time.

    Returns the number of purchases per customer (the first purchase included),
    the purchase times in weeks since the first purchase, customer by customer
    in time order, and ``dropout_weeks`` (NaN for customers still active at the
    end of their exposure). One loop step is one round of repeat purchases for
    the customers still active and still inside their window: in round ``k``
    every remaining customer makes its ``k``-th repeat purchase.
    """
    n = purchase_rate.size
    rounds_who: list[np.ndarray] = []
    rounds_when: list[np.ndarray] = []
    dropout_weeks = np.full(n, np.nan)
    active = np.arange(n)
    clock = np.zeros(n)
    rate, prob, horizon = purchase_rate, dropout_prob, exposure_weeks
    with np.errstate(divide="ignore"):
        while active.size:
            clock = clock + rng.standard_exponential(active.size) / rate
            inside = clock < horizon
            active, clock, rate, prob, horizon = (x[inside] for x in (active, clock, rate, prob, horizon))
            rounds_who.append(active)
            rounds_when.append(clock)
            leaves = rng.random(active.size) < prob
            dropout_weeks[active[leaves]] = clock[leaves]
            stays = ~leaves
            active, clock, rate, prob, horizon = (x[stays] for x in (active, clock, rate, prob, horizon))
    n_purchases = np.ones(n, dtype=np.int64)
    for part in rounds_who:
        n_purchases[part] += 1
    first_row = np.cumsum(n_purchases) - n_purchases
    when = np.zeros(int(n_purchases.sum()))  # the first purchase is at time 0
    for k, (part, times) in enumerate(zip(rounds_who, rounds_when, strict=True), start=1):
        when[first_row[part] + k] = times
    return n_purchases, when, dropout_weeks


def true_expected_purchases(customers: pd.DataFrame, horizon_weeks: float) -> pd.Series:
    r"""True expected number of purchases per customer in the ``horizon_weeks`` after the observation end.

    Uses the truth columns of a simulated customers table: a customer who has left
    buys nothing; one still active with rate :math:`\lambda` and dropout probability
    :math:`p` buys :math:`(1 - e^{-\lambda p h})/p` times on average (dropouts arrive
    at rate :math:`\lambda p`). This is the target a BG/NBD forecast tries to hit.
    The result has the index of ``customers``, so it can be added as a column.

    Examples
    --------
    >>> base = customer_base(500, seed=3)
    >>> future = true_expected_purchases(base.customers, 52)
    >>> bool((future[~base.customers["true_alive_at_end"]] == 0).all())
    True
    """
    horizon_weeks = _positive("horizon_weeks", horizon_weeks)
    needed = ["true_purchase_rate", "true_dropout_prob", "true_alive_at_end"]
    missing = missing_columns(customers, needed)
    if missing:
        raise MissingColumnError(f"columns {missing} are not in the customers table; pass `customer_base(...).customers`",
                                 column=missing[0] if len(missing) == 1 else missing)
    rate = customers["true_purchase_rate"].to_numpy(dtype=float)
    prob = customers["true_dropout_prob"].to_numpy(dtype=float)
    alive = customers["true_alive_at_end"].to_numpy(dtype=bool)
    # (1 - exp(-x)) / p written with expm1 for accuracy when p is tiny
    with np.errstate(divide="ignore", invalid="ignore"):
        per_alive = np.where(prob > 0, -np.expm1(-rate * prob * horizon_weeks) / prob, rate * horizon_weeks)
    values = np.where(alive, per_alive, 0.0)
    return pd.Series(values, index=customers.index, name="true_expected_purchases")


def persona_table(lang: str = "en") -> pd.DataFrame:
    """The seven latent personas: name, description and where they sit in behaviour space.

    ``centre_frequency``, ``centre_spend`` and ``centre_loyalty`` are the persona centres on
    the standard-normal score scale of the true purchase rate, the true mean spend and
    1 - dropout probability (0 = the population median, +1 = about the 84th percentile).
    With ``lang="zh"`` names, descriptions and headers are Chinese; the ``persona``
    column keeps the keys used in the ``true_persona`` column.

    Examples
    --------
    >>> persona_table()["persona"].tolist()[:2]
    ['loyal_regular', 'affluent_loyal']
    >>> persona_table("zh").columns[1]
    '画像名称'
    """
    check_lang(lang)
    rows = [
        {
            "persona": p.key,
            "persona_name": label(p.key, lang),
            "persona_description": label(f"persona_description_{p.key}", lang),
            "centre_frequency": p.centre[0],
            "centre_spend": p.centre[1],
            "centre_loyalty": p.centre[2],
            "mean_age": p.age_mean,
            "female_share": p.female_share,
            "promotion_share": p.promo_mean,
        }
        for p in PERSONAS
    ]
    return translate_columns(pd.DataFrame(rows), lang, keys=[k for k in rows[0] if k != "persona"])


_PERSONA_DESCRIPTIONS_ZH = {
    "loyal_regular": "长期频繁购买、客单价中等的关系型客户",
    "affluent_loyal": "客单价高、购买规律且长期留存，是最有价值的客户",
    "bargain_hunter": "购买频繁但客单价低，多在促销时购买的交易型客户",
    "occasional_splurger": "很少购买，但一买就是大单",
    "trial_shopper": "尝试购买一两次后很快离开",
    "young_switcher": "年轻、偏好线上，一段时间内购买频繁，但投诉多、容易转向别家",
    "family_shopper": "为家庭采购，购买节奏稳定、金额中等",
}

register(
    {
        f"persona_description_{p.key}": {"en": p.description[0].upper() + p.description[1:],
                                           "zh": _PERSONA_DESCRIPTIONS_ZH[p.key]}
        for p in PERSONAS
    }
)
register(
    {
        # column headers
        "age": {"en": "Age", "zh": "年龄"},
        "gender": {"en": "Gender", "zh": "性别"},
        "education": {"en": "Education", "zh": "学历"},
        "occupation": {"en": "Occupation", "zh": "职业"},
        "yearly_income_cny": {"en": "Yearly income (CNY)", "zh": "年收入（元）"},
        "region": {"en": "Region", "zh": "地区"},
        "acquisition_channel": {"en": "Acquisition channel", "zh": "获客渠道"},
        "information_source": {"en": "Information source", "zh": "信息来源"},
        "purchase_motive": {"en": "Purchase motive", "zh": "购买动机"},
        "first_purchase": {"en": "First purchase", "zh": "首次购买日期"},
        "satisfaction": {"en": "Satisfaction", "zh": "满意度"},
        "complaints": {"en": "Complaints", "zh": "投诉次数"},
        "discount_share": {"en": "Share bought on promotion", "zh": "促销购买占比"},
        "on_promotion": {"en": "On promotion", "zh": "促销购买"},
        "true_persona": {"en": "True persona", "zh": "真实客户画像"},
        "true_purchase_rate": {"en": "True purchase rate (per week)", "zh": "真实购买率（次/周）"},
        "true_dropout_prob": {"en": "True dropout probability", "zh": "真实流失概率"},
        "true_mean_spend": {"en": "True mean spend (CNY)", "zh": "真实平均客单价（元）"},
        "true_promo_propensity": {"en": "True promotion propensity", "zh": "真实促销偏好"},
        "true_alive_at_end": {"en": "Truly active at end", "zh": "期末真实仍活跃"},
        "true_dropout_date": {"en": "True dropout date", "zh": "真实流失日期"},
        "true_expected_purchases": {"en": "True expected purchases", "zh": "真实期望购买次数"},
        "persona": {"en": "Persona", "zh": "客户画像"},
        "persona_name": {"en": "Persona name", "zh": "画像名称"},
        "persona_description": {"en": "Description", "zh": "画像描述"},
        "centre_frequency": {"en": "Frequency score", "zh": "购买频率得分"},
        "centre_spend": {"en": "Spend score", "zh": "消费金额得分"},
        "centre_loyalty": {"en": "Loyalty score", "zh": "忠诚度得分"},
        "mean_age": {"en": "Mean age", "zh": "平均年龄"},
        "female_share": {"en": "Share of women", "zh": "女性占比"},
        "promotion_share": {"en": "Share bought on promotion", "zh": "促销购买占比"},
        # gender
        "female": {"en": "Female", "zh": "女"},
        "male": {"en": "Male", "zh": "男"},
        # education
        "secondary_or_below": {"en": "Secondary school or below", "zh": "高中及以下"},
        "vocational_college": {"en": "Vocational college", "zh": "大专"},
        "bachelor": {"en": "Bachelor", "zh": "本科"},
        "postgraduate": {"en": "Postgraduate", "zh": "研究生及以上"},
        # occupation
        "student": {"en": "Student", "zh": "学生"},
        "office_worker": {"en": "Office worker", "zh": "公司职员"},
        "manager": {"en": "Manager", "zh": "管理人员"},
        "professional": {"en": "Professional", "zh": "专业技术人员"},
        "civil_servant": {"en": "Civil servant", "zh": "公务员及事业单位"},
        "self_employed": {"en": "Self-employed", "zh": "个体经营者"},
        "manual_worker": {"en": "Manual or service worker", "zh": "工人及服务人员"},
        "retired": {"en": "Retired", "zh": "退休"},
        # region
        "north_china": {"en": "North China", "zh": "华北"},
        "northeast_china": {"en": "Northeast China", "zh": "东北"},
        "east_china": {"en": "East China", "zh": "华东"},
        "south_china": {"en": "South China", "zh": "华南"},
        "central_china": {"en": "Central China", "zh": "华中"},
        "southwest_china": {"en": "Southwest China", "zh": "西南"},
        "northwest_china": {"en": "Northwest China", "zh": "西北"},
        # acquisition channel
        "store": {"en": "Store", "zh": "门店"},
        "website": {"en": "Website", "zh": "官网"},
        "mobile_app": {"en": "Mobile app", "zh": "手机应用"},
        "social_commerce": {"en": "Social commerce", "zh": "社交电商"},
        "telesales": {"en": "Telesales", "zh": "电话销售"},
        # information source
        "word_of_mouth": {"en": "Word of mouth", "zh": "亲友口碑"},
        "search_engine": {"en": "Search engine", "zh": "搜索引擎"},
        "social_media": {"en": "Social media", "zh": "社交媒体"},
        "tv_advertising": {"en": "TV advertising", "zh": "电视广告"},
        "outdoor_advertising": {"en": "Outdoor advertising", "zh": "户外广告"},
        "sms_email": {"en": "SMS and e-mail", "zh": "短信与邮件"},
        "sales_staff": {"en": "Sales staff", "zh": "销售人员"},
        # purchase motive
        "low_price": {"en": "Low price", "zh": "价格实惠"},
        "product_quality": {"en": "Product quality", "zh": "产品品质"},
        "shopping_convenience": {"en": "Shopping convenience", "zh": "购买便利"},
        "brand_image": {"en": "Brand image", "zh": "品牌形象"},
        "novelty": {"en": "Novelty", "zh": "尝鲜"},
        # personas
        "loyal_regular": {"en": "Loyal regular", "zh": "忠诚常客"},
        "affluent_loyal": {"en": "Affluent loyal", "zh": "高端忠诚客户"},
        "bargain_hunter": {"en": "Bargain hunter", "zh": "促销敏感客户"},
        "occasional_splurger": {"en": "Occasional big spender", "zh": "偶尔大额消费客户"},
        "trial_shopper": {"en": "Trial shopper", "zh": "尝试型客户"},
        "young_switcher": {"en": "Young switcher", "zh": "年轻易流失客户"},
        "family_shopper": {"en": "Family shopper", "zh": "家庭采购客户"},
    }
)
