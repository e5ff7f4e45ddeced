"""Plausible wrong answers for exercise set 09: each string replaces the solution cell of its question.

The hidden tests must fail every one of them while the solution passes (see issue 13).
"""

WRONG = {
    "q1": [
        # wrong denominator: conversion from the top of the funnel, not from the previous stage
        "def step_conversion(counts):\n    counts = np.asarray(counts, dtype=float)\n    return counts[1:] / counts[0]\n\n\n"
        "opportunity_to_order = float(step_conversion([2400, 900, 270, 81, 72])[2])",
        # right function, off by one when reading the step (order customer -> user)
        "def step_conversion(counts):\n    counts = np.asarray(counts, dtype=float)\n    return counts[1:] / counts[:-1]\n\n\n"
        "opportunity_to_order = float(step_conversion([2400, 900, 270, 81, 72])[3])",
    ],
    "q2": [
        # wrong period: the first day of the month instead of the end
        'stages_june = lifecycle.assign_stages(orders, "customer", "date", "amount", "2024-06-01")["stage"].astype(str).to_dict()\n'
        'stages_april = lifecycle.assign_stages(orders, "customer", "date", "amount", "2024-04-01")["stage"].astype(str).to_dict()',
        # both read at the end of the log (the last order date), whatever the question's date
        'stages_june = lifecycle.assign_stages(orders, "customer", "date", "amount", "2024-06-03")["stage"].astype(str).to_dict()\n'
        "stages_april = dict(stages_june)",
    ],
    "q3": [
        # counts instead of shares
        'month1 = lifecycle.cohort_table(orders, "customer", "date")[1].astype(float)',
        # off by one: month 0 (the acquisition month itself)
        'month1 = lifecycle.cohort_table(orders, "customer", "date", rates=True)[0]',
    ],
    "q4": [
        # column-vector convention: P @ x moves the mix with the wrong orientation; right eigenvector for the long run
        "mature_after_4 = float((np.linalg.matrix_power(P, 4) @ start)[0])\n"
        "_w, _v = np.linalg.eig(P)\n"
        "_x = np.real(_v[:, np.argmin(np.abs(_w - 1))])\n"
        "mature_long_run = float(_x[0] / _x.sum())",
        # off by one: three quarters; long run read from the start mix
        "mature_after_4 = float((start @ np.linalg.matrix_power(P, 3))[0])\n"
        "mature_long_run = float(start[0] / start.sum())",
    ],
    "q5": [
        # censoring ignored: the share of each contract's customers who have not churned
        's60 = 1 - telco.groupby("contract")["churn"].mean()',
        # the share of customers observed beyond 60 months (censored customers counted as lost)
        's60 = telco.assign(beyond=telco["tenure"] > 60).groupby("contract")["beyond"].mean()',
    ],
    "q7": [
        # off by one: month 2
        'cdnow_month3 = lifecycle.cohort_table(cdnow, "customer_id", "date", rates=True)[2]',
        # wrong denominator: active customers in month 3 over all customers of the log
        '_c = lifecycle.cohort_table(cdnow, "customer_id", "date")\n'
        'cdnow_month3 = _c[3] / cdnow["customer_id"].nunique()',
    ],
}
