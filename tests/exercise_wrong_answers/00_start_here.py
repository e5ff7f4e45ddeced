"""Plausible wrong answers for exercises/00_start_here: each replaces the question's solution cell.

tests/test_exercises.py proves that the hidden tests fail every one of them while the solution passes.
"""
WRONG = {
    "q1": [
        # counts purchases (rows), not customers
        'def count_customers(log, customer_col):\n    return int(len(log))\n\n'
        'n_customers = count_customers(cdnow, "customer_id")',
        # right for CDNOW, but a number typed in does not work on another log
        'def count_customers(log, customer_col):\n    return 23570\n\n'
        'n_customers = count_customers(cdnow, "customer_id")',
    ],
    "q2": [
        # top 20% of purchases (rows) instead of customers: no sum per customer
        'def top_share_of(log, customer_col, amount_col, top_pct):\n'
        '    spend = log[amount_col].sort_values(ascending=False)\n'
        '    return float(spend.head(math.ceil(top_pct / 100 * len(spend))).sum() / spend.sum())\n\n'
        'top20_share = top_share_of(cdnow, "customer_id", "dollar_value", 20)',
        # rounds the number of top customers down
        'def top_share_of(log, customer_col, amount_col, top_pct):\n'
        '    spend = log.groupby(customer_col)[amount_col].sum().sort_values(ascending=False)\n'
        '    return float(spend.head(int(top_pct / 100 * len(spend))).sum() / spend.sum())\n\n'
        'top20_share = top_share_of(cdnow, "customer_id", "dollar_value", 20)',
    ],
    "q3": [
        # off by one: counts the customers before the running total reaches the share
        'def customers_for_share(values, share):\n'
        '    ordered = np.sort(np.asarray(values, dtype=float))[::-1]\n'
        '    return int((np.cumsum(ordered) / ordered.sum() < share).sum())\n\n'
        'customers_for_half = customers_for_share(cdnow.groupby("customer_id")["dollar_value"].sum(), 0.5)',
        # smallest spenders first
        'def customers_for_share(values, share):\n'
        '    ordered = np.sort(np.asarray(values, dtype=float))\n'
        '    return int((np.cumsum(ordered) / ordered.sum() < share).sum() + 1)\n\n'
        'customers_for_half = customers_for_share(cdnow.groupby("customer_id")["dollar_value"].sum(), 0.5)',
    ],
    "q4": [
        'contractual = {"telco_churn"}',
        'contractual = {"telco_churn", "retention_cohorts", "donations"}',
    ],
    "q5": [
        # total charges instead of the current monthly revenue (and NaN for new subscribers)
        'telco = datasets.load_telco_churn()\n'
        'telco_top20 = concentration.top_share(telco["total_charges"].dropna(), 20)\n'
        'telco_gini = concentration.gini(telco["total_charges"].dropna())',
        # the bottom 20% instead of the top
        'telco = datasets.load_telco_churn()\n'
        'telco_top20 = 1 - concentration.top_share(telco["monthly_charges"], 80)\n'
        'telco_gini = concentration.gini(telco["monthly_charges"])',
    ],
}
