"""Plausible wrong answers for exercise set 08: each string replaces the solution cell of its question.

The hidden tests must fail every one of them while the solution passes (see issue 13).
"""

WRONG = {
    "q1": [
        # the dropout term applied also without repeat purchases (the x > 0 indicator forgotten)
        "def p_alive(frequency, recency, T):\n"
        '    r, al, a, b = BGNBD["r"], BGNBD["alpha"], BGNBD["a"], BGNBD["b"]\n'
        "    return 1 / (1 + a / (b + max(frequency, 1) - 1) * ((al + T) / (al + recency)) ** (r + frequency))\n\n\n"
        "p_alive_zero = p_alive(0, 0.0, 38.86)",
        # recency read as the time since the last purchase (T - t_x) instead of the time of the last purchase
        "def p_alive(frequency, recency, T):\n"
        "    model = BetaGeo().use_estimates(**BGNBD)\n"
        '    customer = pd.DataFrame({"frequency": [frequency], "recency": [float(T - recency) if frequency else 0.0], "T": [float(T)]})\n'
        "    return float(model.probability_alive(customer).iloc[0])\n\n\n"
        "p_alive_zero = p_alive(0, 0.0, 38.86)",
    ],
    "q2": [
        # wrong period: the horizon given in days to parameters estimated in weeks
        "def expected_new(t_weeks):\n"
        "    return float(BetaGeo().use_estimates(**BGNBD).expected_purchases_new_customer(7.0 * t_weeks))\n\n\n"
        "expected_52 = expected_new(52)",
        # Poisson rate without dropout: r / alpha per week times t
        'def expected_new(t_weeks):\n    return float(BGNBD["r"] / BGNBD["alpha"] * t_weeks)\n\n\nexpected_52 = expected_new(52)',
    ],
    "q3": [
        # off by one in t
        "def retention_rate(alpha, beta, t):\n    return (beta + t) / (alpha + beta + t)",
        # alpha and beta swapped (the churn probability's mean instead of the retention)
        "def retention_rate(alpha, beta, t):\n    return (alpha + t - 1) / (alpha + beta + t - 1)",
    ],
    "q4": [
        # no shrinkage: the customer's own mean
        "def expected_spend(frequency, mean_spend):\n    return float(mean_spend)\n\n\nspend_3x40 = expected_spend(3, 40.0)",
        # the population mean for everyone
        "def expected_spend(frequency, mean_spend):\n"
        '    return GAMMA_GAMMA["p"] * GAMMA_GAMMA["gamma"] / (GAMMA_GAMMA["q"] - 1)\n\n\n'
        "spend_3x40 = expected_spend(3, 40.0)",
    ],
    "q6": [
        # off by one: years 0-3 only
        "projected_12 = pd.Series({c: 1000 * float(ShiftedBetaGeo().fit(counts[c].loc[0:3].tolist()).survival_function([12])[0])\n"
        "                         for c in counts.columns})\n"
        "error_12 = projected_12 - counts.loc[12]",
        # the lecture's calibration period (years 0-7), not the one asked
        "projected_12 = pd.Series({c: 1000 * float(ShiftedBetaGeo().fit(counts[c].loc[0:7].tolist()).survival_function([12])[0])\n"
        "                         for c in counts.columns})\n"
        "error_12 = projected_12 - counts.loc[12]",
        # wrong sign of the error (actual minus projection)
        "projected_12 = pd.Series({c: 1000 * float(ShiftedBetaGeo().fit(counts[c].loc[0:4].tolist()).survival_function([12])[0])\n"
        "                         for c in counts.columns})\n"
        "error_12 = counts.loc[12] - projected_12",
    ],
}
