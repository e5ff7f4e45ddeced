"""Plausible wrong answers for exercise set 07: each string replaces the solution cell of its question.

The hidden tests must fail every one of them while the solution passes (see issue 13).
"""

WRONG = {
    "q1": [
        # margin at the start of each year: counts year 0 and drops year 5 (off by one)
        "def clv_retention(margin, retention, discount, horizon):\n"
        "    return sum(margin * retention**t / (1 + discount) ** t for t in range(horizon))\n\n\n"
        "clv_5y = clv_retention(120, 0.75, 0.10, 5)",
        # retention not compounded: the same survival share every year
        "def clv_retention(margin, retention, discount, horizon):\n"
        "    return sum(margin * retention / (1 + discount) ** t for t in range(1, horizon + 1))\n\n\n"
        "clv_5y = clv_retention(120, 0.75, 0.10, 5)",
    ],
    "q2": [
        # acquisition cost forgotten
        "value_4y = sum(225 * 0.85**t / 1.1**t for t in range(1, 5))\n"
        "value_8y = sum(225 * 0.85**t / 1.1**t for t in range(1, 9))",
        # costs (loyalty reward, churn cost) not subtracted
        "value_4y = -300 + sum(250 * 0.85**t / 1.1**t for t in range(1, 5))\n"
        "value_8y = -300 + sum(250 * 0.85**t / 1.1**t for t in range(1, 9))",
    ],
    "q3": [
        # the snapshot share: churned / subscribers, not churn events / months of exposure
        'churn_rate = telco.groupby("contract")["churn"].mean()\nlifetime = 1 / churn_rate',
        # exposure counted in years instead of months
        'churn_rate = telco.groupby("contract")["churn"].sum() / (telco.groupby("contract")["tenure"].sum() / 12)\n'
        "lifetime = 1 / churn_rate",
    ],
    "q4": [
        # one-sided change: CLV at +10% minus the base CLV
        'base = {"margin": 80, "retention_rate": 0.7, "discount_rate": 0.12}\n'
        "swing = pd.Series({n: clv.retention_clv(**{**base, n: v * 1.1}) - clv.retention_clv(**base) for n, v in base.items()})\n"
        "most_sensitive = swing.abs().idxmax()",
        # +-10 percentage points for the rates instead of +-10% of their value
        'base = {"margin": 80, "retention_rate": 0.7, "discount_rate": 0.12}\n'
        'step = {"margin": 8, "retention_rate": 0.1, "discount_rate": 0.1}\n'
        "swing = pd.Series({n: clv.retention_clv(**{**base, n: v + step[n]}) - clv.retention_clv(**{**base, n: v - step[n]})"
        " for n, v in base.items()})\n"
        "most_sensitive = swing.abs().idxmax()",
        # CLV is proportional to the margin, so the margin is taken to matter most
        'table = clv.sensitivity(clv.retention_clv, {"margin": 80, "retention_rate": 0.7, "discount_rate": 0.12})\n'
        'swing = table["swing"]\nmost_sensitive = "margin"',
    ],
    "q6": [
        # not annualised: seven-year survival used as a yearly retention rate
        '_s = cohorts.pivot(index="year", columns="cohort", values="surviving_customers")\n'
        "cohort_retention = _s.loc[7] / _s.loc[0]\n"
        "cohort_clv = 100 * cohort_retention / (1 + 0.10 - cohort_retention)",
        # year-1 retention only (the steepest drop) taken as the constant rate
        '_s = cohorts.pivot(index="year", columns="cohort", values="surviving_customers")\n'
        "cohort_retention = _s.loc[1] / _s.loc[0]\n"
        "cohort_clv = 100 * cohort_retention / (1 + 0.10 - cohort_retention)",
    ],
}
