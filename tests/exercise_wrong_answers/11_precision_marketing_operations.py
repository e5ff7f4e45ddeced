"""Plausible wrong answers for exercise set 11: each string replaces the solution cell of its question.

The hidden tests must fail every one of them while the solution passes (see issue 13).
"""

WRONG = {
    "q1": [
        # the three misreadings taken as true (details, regions, one precise step)
        "answers = [True, True, True, True, True, True]",
        # segmentation taken to be a misreading too, and data-driven targeting missed
        "answers = [False, True, False, False, False, False]",
    ],
    "q2": [
        # no tolerance band: any gap decides
        "def delivery_model(value, standardisation, band=0.25):\n"
        '    return "professional_service" if value > standardisation else "process_service" if value < standardisation else "general_service"\n\n\n'
        'models = [delivery_model(v, s) for v, s in zip(products["value"], products["standardisation"])]',
        # professional and process swapped (a standard product read as needing experts)
        "def delivery_model(value, standardisation, band=0.25):\n"
        "    gap = value - standardisation\n"
        '    return "process_service" if gap > band else "professional_service" if gap < -band else "general_service"\n\n\n'
        'models = [delivery_model(v, s) for v, s in zip(products["value"], products["standardisation"])]',
    ],
    "q3": [
        # wrong denominator: cost per lead, so the cheapest leads look best
        'cost_per_customer = lead_log.groupby("source")["cost"].mean()\nbest_source = cost_per_customer.idxmin()',
        # customers per unit of cost inverted, then the minimum taken
        'cost_per_customer = lead_log.groupby("source")["converted"].sum() / lead_log.groupby("source")["cost"].sum()\n'
        "best_source = cost_per_customer.idxmin()",
    ],
    "q4": [
        # threshold and SLA swapped in the call
        'two = ld.handover_summary(ld.handover(scored, 24, 30, 2, prob_col="prob"))\n'
        'four = ld.handover_summary(ld.handover(scored, 24, 30, 4, prob_col="prob"))\n'
        'expected_2_reps, expected_4_reps = float(two["expected_customers"]), float(four["expected_customers"])\n'
        'stale_2_reps = int(two["leads_returned_stale"])',
        # the fitted probability not passed: expected customers counted without it
        "two = ld.handover_summary(ld.handover(scored, 30, 24, 2))\n"
        "four = ld.handover_summary(ld.handover(scored, 30, 24, 4))\n"
        'expected_2_reps, expected_4_reps = float(two["expected_customers"]), float(four["expected_customers"])\n'
        'stale_2_reps = int(two["leads_returned_stale"])',
    ],
    "q5": [
        # orders counted instead of distinct customers; the last day of March cut off (off-by-one window)
        '_o = orders[pd.to_datetime(orders["date"]) < "2024-03-31"].assign(month=lambda t: pd.to_datetime(t["date"]).dt.month)\n'
        '_s = _o.groupby("month")["amount"].sum()\n_n = _o.groupby("month")["customer"].size()\n'
        "march_sales_growth = float(_s[3] / _s[2] - 1)\nmarch_customer_growth = float(_n[3] / _n[2] - 1)",
        # wrong direction: February over March
        '_o = orders.assign(month=pd.to_datetime(orders["date"]).dt.month)\n'
        '_s = _o.groupby("month")["amount"].sum()\n_c = _o.groupby("month")["customer"].nunique()\n'
        "march_sales_growth = float(_s[2] / _s[3] - 1)\nmarch_customer_growth = float(_c[2] / _c[3] - 1)",
    ],
    "q7": [
        # number of CDs as sales; orders counted as customers
        '_m = cdnow.assign(month=pd.to_datetime(cdnow["date"]).dt.to_period("M"))\n'
        '_s = _m.groupby("month")["number_of_cds"].sum()\n_n = _m.groupby("month").size()\n'
        'april_sales_growth = float(_s[pd.Period("1997-04")] / _s[pd.Period("1997-03")] - 1)\n'
        'april_customer_growth = float(_n[pd.Period("1997-04")] / _n[pd.Period("1997-03")] - 1)',
        # growth against the cumulative customer base instead of March's active customers
        '_rates = ops.growth_rates(ops.monthly_activity(cdnow, "customer_id", "date", "dollar_value")).set_index("month")\n'
        'april_sales_growth = float(_rates.loc["1997-04-01", "sales_growth_rate"])\n'
        'april_customer_growth = float(_rates.loc["1997-04-01", "base_growth_rate"])',
    ],
}
