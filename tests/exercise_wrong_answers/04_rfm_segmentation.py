"""Plausible wrong answers for exercises/04_rfm_segmentation (each replaces a solution cell)."""
WRONG = {
    "q1": [
        # the largest amount removed instead of the most rows
        'others = report[report["reason"] != "missing_customer_id"]\n'
        'top_reason = others.loc[others["amount_removed"].idxmax(), "reason"]',
        # the rule listed first after missing ids
        'top_reason = "duplicate_line"',
    ],
    "q2": [
        # recency on the raw, uncleaned log: same answer for 12348, wrong for about one customer in nine
        'day = retail["invoice_date"].dt.normalize()\n'
        'last_day = day.groupby(retail["customer_id"]).max()\n'
        'recency_by_customer = (day.max() - last_day).dt.days\n'
        'recency_12348 = int(recency_by_customer.loc[12348])',
        # time of day kept: whole days of a timedelta round some customers down
        'last_time = cleaned.groupby("customer_id")["invoice_date"].max()\n'
        'recency_by_customer = (cleaned["invoice_date"].max() - last_time).dt.days\n'
        'recency_12348 = int(recency_by_customer.loc[12348])',
    ],
    "q3": [
        # counts values smaller or equal
        'def tie_score(values, value):\n'
        '    return 1 + (5 * sum(v <= value for v in values)) // len(values) if value < max(values) else 5\n\n'
        'score_two_days = tie_score([1, 1, 1, 1, 1, 1, 2, 2, 3, 7], 2)',
        # ranks without ties: the position in the sorted list
        'def tie_score(values, value):\n'
        '    return 1 + (5 * sorted(values).index(value) + 5) // (len(values) + 1)\n\n'
        'score_two_days = tie_score([1, 1, 1, 1, 1, 1, 2, 2, 3, 7], 2)',
    ],
    "q4": [
        # the FM mean rounded down
        'def segment_of(r, f, m):\n    return rfm.SEGMENT_GRID.loc[r, (f + m) // 2]\n\n'
        'segment_q4 = segment_of(2, 5, 4)',
        # rows and columns swapped
        'def segment_of(r, f, m):\n    return rfm.SEGMENT_GRID.loc[(f + m + 1) // 2, r]\n\n'
        'segment_q4 = segment_of(2, 5, 4)',
    ],
    "q5": [
        # the share of customers instead of the share of revenue
        'segments = rfm.rfm_segments(rfm.rfm_scores(customers))\n'
        'n_at_risk = int((segments == "at_risk").sum())\n'
        'at_risk_revenue_share = n_at_risk / len(customers)',
        # frequency from the repeat-purchase count of the BG/NBD summary and mean spend as monetary value
        'segments = rfm.rfm_segments(rfm.rfm_scores(customers, monetary_col="monetary_value"))\n'
        'n_at_risk = int((segments == "at_risk").sum())\n'
        'at_risk_revenue_share = customers.loc[segments == "at_risk", "total_spend"].sum() / customers["total_spend"].sum()',
    ],
    "q6": [
        # BG/NBD "recency" (age at the last purchase) taken for days since the last purchase: the wrong sign
        'cdnow = datasets.load_cdnow("master")\n'
        'cdnow_summary = rfm.summarize(cdnow, "customer_id", "date", "dollar_value", time_unit="D")\n'
        'cdnow_segments = rfm.rfm_segments(rfm.rfm_scores(cdnow_summary, recency_col="recency"))\n'
        'cdnow_champion_share = float((cdnow_segments == "champions").mean())',
        # mean repeat spend instead of total spend
        'cdnow = datasets.load_cdnow("master")\n'
        'cdnow_summary = rfm.summarize(cdnow, "customer_id", "date", "dollar_value", time_unit="D")\n'
        'cdnow_segments = rfm.rfm_segments(rfm.rfm_scores(cdnow_summary, monetary_col="monetary_value"))\n'
        'cdnow_champion_share = float((cdnow_segments == "champions").mean())',
    ],
}
