"""Plausible wrong answers for exercise set 10: each string replaces the solution cell of its question.

The hidden tests must fail every one of them while the solution passes (see issue 13).
"""

WRONG = {
    "q1": [
        # the cost subtracted from the value first (a response's value taken net of its own contact)
        "def break_even(cost_per_contact, value_per_response):\n"
        "    return cost_per_contact / (value_per_response - cost_per_contact)\n\n\n"
        "break_even_catalogue = break_even(1.20, 40.0)",
        # cost and value swapped, then "fixed" into a share
        "def break_even(cost_per_contact, value_per_response):\n"
        "    return 1 / (1 + value_per_response / cost_per_contact)\n\n\n"
        "break_even_catalogue = break_even(1.20, 40.0)",
    ],
    "q2": [
        # the top group's response rate, not divided by the overall rate; gain as a share of the customers
        "top_lift = 2 / 3\ngain_top2 = 6 / 12",
        # groups taken lowest score first
        "gains = response.gains_table(y, -score, groups=4)\n"
        'top_lift = float(gains["lift"].iloc[0])\ngain_top2 = float(gains["cum_response_share"].iloc[1])',
    ],
    "q3": [
        # all e-mails (men's and women's) pooled against no e-mail
        'test = uplift.ab_test(hillstrom, "segment", ["conversion"], ["Womens E-Mail", "Mens E-Mail"], "No E-Mail")\n'
        'womens_uplift = float(test.loc["conversion", "difference"])\nwomens_z = float(test.loc["conversion", "statistic"])',
        # wrong outcome: visits instead of conversions
        'test = uplift.ab_test(hillstrom, "segment", ["visit"], ["Womens E-Mail"], "No E-Mail")\n'
        'womens_uplift = float(test.loc["visit", "difference"])\nwomens_z = float(test.loc["visit", "statistic"])',
    ],
    "q4": [
        # a plain (unkeyed) hash of the id: anyone can recompute it
        "def pseudonym_of(customer_id):\n    return hashlib.sha256(customer_id.encode()).hexdigest()[:16]\n\n\n"
        'pseudonym = pseudonym_of("C000042")',
        # key and message swapped
        "def pseudonym_of(customer_id):\n"
        '    return hmac.new(customer_id.encode(), b"exercise-key-2026", hashlib.sha256).hexdigest()[:16]\n\n\n'
        'pseudonym = pseudonym_of("C000042")',
    ],
    "q5": [
        # the cumulative response rate compared with the break-even rate (instead of each decile's own rate)
        "def best_depth_for(cost_per_contact, value_per_response):\n"
        '    cum_rate = decile_gains["responses"].cumsum() / decile_gains["contacts"].cumsum()\n'
        "    return int((cum_rate > cost_per_contact / value_per_response).sum())\n\n\n"
        "best_k = best_depth_for(2.0, 25.0)",
        # off by one: mails one decile past the last profitable one
        "def best_depth_for(cost_per_contact, value_per_response):\n"
        '    rate = decile_gains["responses"] / decile_gains["contacts"]\n'
        "    return int(min((rate > cost_per_contact / value_per_response).sum() + 1, 10))\n\n\n"
        "best_k = best_depth_for(2.0, 25.0)",
    ],
    "q7": [
        # wrong sign: tenure itself as the risk score
        'auc_tenure = float(response.auc(telco["churn"], telco["tenure"]))\n'
        'lift_new6 = float(telco.loc[telco["tenure"] <= 6, "churn"].mean() / telco["churn"].mean())',
        # wrong denominator: the group's share of all churners, not its rate relative to the overall rate
        'auc_tenure = float(response.auc(telco["churn"], -telco["tenure"]))\n'
        'lift_new6 = float(telco.loc[telco["tenure"] <= 6, "churn"].sum() / telco["churn"].sum())',
    ],
}
