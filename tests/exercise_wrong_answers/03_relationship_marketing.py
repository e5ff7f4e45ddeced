"""Plausible wrong answers for exercises/03_relationship_marketing (each replaces a solution cell)."""
WRONG = {
    "q1": [
        # strict inequalities: a customer exactly on a threshold does not meet the criterion
        '_met = ((behaviour["discount_share"] < 0.3).astype(int) + (behaviour["tenure_days"] > 365)\n'
        '        + (behaviour["purchases_per_year"] > 4) + (behaviour["regularity"] > 0.5))\n'
        'customer_types = {c: "relationship" if m >= 3 else "transaction" for c, m in _met.items()}',
        # two criteria out of four taken as enough
        '_met = ((behaviour["discount_share"] <= 0.3).astype(int) + (behaviour["tenure_days"] >= 365)\n'
        '        + (behaviour["purchases_per_year"] >= 4) + (behaviour["regularity"] >= 0.5))\n'
        'customer_types = {c: "relationship" if m >= 2 else "transaction" for c, m in _met.items()}',
    ],
    "q2": [
        # the classic trap: "the firms are the parties of a B2B relationship"
        'answers = [False, False, True, True, False, True, False, False]',
        'answers = [True] * 8',
    ],
    "q3": [
        # purchases after the date counted, and "lost" only after more than 365 days
        'def classes_at(orders, as_of):\n'
        '    d = pd.to_datetime(orders["date"]); t = pd.Timestamp(as_of); out = {}\n'
        '    for c in orders["customer_id"].unique():\n'
        '        seen = d[orders["customer_id"] == c]\n'
        '        if seen.min() > t: out[c] = "potential"\n'
        '        elif (t - seen.min()).days < 90: out[c] = "new"\n'
        '        elif (t - seen.max()).days > 365: out[c] = "lost"\n'
        '        else: out[c] = "existing"\n'
        '    return out\n\n'
        'classes_at_date = classes_at(orders, "2025-03-31")',
        # "new" within 90 days inclusive
        'def classes_at(orders, as_of):\n'
        '    d = pd.to_datetime(orders["date"]); t = pd.Timestamp(as_of); out = {}\n'
        '    for c in orders["customer_id"].unique():\n'
        '        seen = d[(orders["customer_id"] == c) & (d <= t)]\n'
        '        if seen.empty: out[c] = "potential"\n'
        '        elif (t - seen.min()).days <= 90: out[c] = "new"\n'
        '        elif (t - seen.max()).days >= 365: out[c] = "lost"\n'
        '        else: out[c] = "existing"\n'
        '    return out\n\n'
        'classes_at_date = classes_at(orders, "2025-03-31")',
    ],
    "q4": [
        # ranked from the smallest spender: tier 1 holds the least valuable customers
        'cdnow_spend = datasets.load_cdnow("sample").groupby("customer_id")["dollar_value"].sum()\n\n'
        'def tier_revenue_shares(values, tier_shares):\n'
        '    tiers = rel.service_tiers(-values, tier_shares)["service_tier"]\n'
        '    return [float(values[tiers == k].sum() / values.sum()) for k in range(1, len(tier_shares) + 1)]\n\n'
        'cdnow_tier_shares = tier_revenue_shares(cdnow_spend, (0.2, 0.3, 0.5))',
        # tiers of the purchases (rows), not of the customers
        'cdnow_rows = datasets.load_cdnow("sample")["dollar_value"].reset_index(drop=True)\n'
        'cdnow_spend = cdnow_rows\n\n'
        'def tier_revenue_shares(values, tier_shares):\n'
        '    tiers = rel.service_tiers(values, tier_shares)["service_tier"]\n'
        '    return [float(values[tiers == k].sum() / values.sum()) for k in range(1, len(tier_shares) + 1)]\n\n'
        'cdnow_tier_shares = tier_revenue_shares(cdnow_spend, (0.2, 0.3, 0.5))',
    ],
    "q5": [
        # Spearman's rank correlation instead of Pearson's
        'def satisfaction_loyalty_r(customers):\n'
        '    return float(customers["satisfaction"].corr(customers["true_alive_at_end"].astype(float), method="spearman"))\n\n'
        'r_satisfaction_loyalty = satisfaction_loyalty_r(base.customers)',
        # complaints instead of the loyalty outcome
        'def satisfaction_loyalty_r(customers):\n'
        '    return float(np.corrcoef(customers["satisfaction"], customers["complaints"])[0, 1])\n\n'
        'r_satisfaction_loyalty = satisfaction_loyalty_r(base.customers)',
    ],
    "q8": [
        # the mailing with reply cards read as database marketing, the bank as direct marketing
        'method_of = {"A": "direct", "B": "one_to_one", "C": "database", "D": "relationship"}',
    ],
}
