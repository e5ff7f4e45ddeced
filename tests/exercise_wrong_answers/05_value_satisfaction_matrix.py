"""Plausible wrong answers for exercises/05_value_satisfaction_matrix (each replaces a solution cell)."""
WRONG = {
    "q1": [
        # a value on the lower cut counted as mid ("below" read as strictly below)
        'def matrix_class(volume, satisfaction, volume_cuts, satisfaction_cuts):\n'
        '    def level(x, cuts):\n'
        '        return "low" if x < cuts[0] else ("high" if x > cuts[1] else "mid")\n'
        '    v, s = level(volume, volume_cuts), level(satisfaction, satisfaction_cuts)\n'
        '    if v == "low":\n        return "C"\n'
        '    if s == "high":\n        return "A" if v == "high" else "B"\n'
        '    return "D" if s == "mid" else "E"\n\n'
        'q1_class = matrix_class(250, 1, (100, 400), (2, 3))',
        # low volume and low satisfaction taken for E
        'def matrix_class(volume, satisfaction, volume_cuts, satisfaction_cuts):\n'
        '    def level(x, cuts):\n'
        '        return "low" if x <= cuts[0] else ("high" if x > cuts[1] else "mid")\n'
        '    v, s = level(volume, volume_cuts), level(satisfaction, satisfaction_cuts)\n'
        '    if s == "low":\n        return "E"\n'
        '    if v == "low":\n        return "C"\n'
        '    if s == "high":\n        return "A" if v == "high" else "B"\n'
        '    return "D"\n\n'
        'q1_class = matrix_class(250, 1, (100, 400), (2, 3))',
    ],
    "q2": [
        # the lecture's volume cut-offs (40% and 80%) instead of the terciles the question asks for
        'cells = value_satisfaction_cells(customers, "total_spend", "satisfaction", quantiles=(0.4, 0.8), satisfaction_thresholds=(2, 3))\n'
        'class_counts = cells["matrix_class"].astype(str).value_counts().reindex(list("ABCDE"), fill_value=0)\n'
        'n_class_a = int(class_counts["A"])',
        # satisfaction cut at (3, 4)
        'cells = value_satisfaction_cells(customers, "total_spend", "satisfaction", satisfaction_thresholds=(3, 4))\n'
        'class_counts = cells["matrix_class"].astype(str).value_counts().reindex(list("ABCDE"), fill_value=0)\n'
        'n_class_a = int(class_counts["A"])',
    ],
    "q3": [
        'q3_strategies = ("one_to_many", "improve")\nq3b_strategies = ("one_to_many", "correct")',
        'q3_strategies = ("one_to_one", "improve")\nq3b_strategies = ("one_to_many", "improve")',
    ],
    "q4": [
        # the customer who crosses 80% put in class B
        '_order = customers["total_spend"].sort_values(ascending=False, kind="stable")\n'
        '_share = _order.cumsum() / _order.sum()\n'
        'abc_letters = pd.Series(np.where(_share <= 0.8, "A", np.where(_share <= 0.95, "B", "C")), index=_order.index)\n'
        'abc_a_share = float((abc_letters == "A").mean())',
        # the share of spend in class A instead of the share of customers
        'abc = abc_classes(customers["total_spend"], thresholds=(0.8, 0.95))\n'
        'abc_letters = abc["abc_class"].astype(str)\n'
        'abc_a_share = float(customers["total_spend"][abc_letters == "A"].sum() / customers["total_spend"].sum())',
    ],
    "q5": [
        # the share still alive (retention) instead of churn: the wrong sign
        'new_base = simulate.customer_base(3000, seed=7)\n'
        'new_customers = new_base.customers.set_index("customer_id").assign(total_spend=new_base.transactions.groupby("customer_id")["amount"].sum())\n'
        'new_cells = value_satisfaction_cells(new_customers, "total_spend", "satisfaction", satisfaction_thresholds=(2, 3))\n'
        'alive = new_customers["true_alive_at_end"].astype(bool)\n'
        'churn_by_class = alive.groupby(new_cells["matrix_class"].astype(str)).mean().reindex(list("ABCDE"))\n'
        'e_to_a_churn_ratio = float(churn_by_class["E"] / churn_by_class["A"])',
        # the lecture's customers (seed 3 base of the set) instead of the new base
        'cells_old = value_satisfaction_cells(customers, "total_spend", "satisfaction", satisfaction_thresholds=(2, 3))\n'
        'churned = ~customers["true_alive_at_end"].astype(bool)\n'
        'churn_by_class = churned.groupby(cells_old["matrix_class"].astype(str)).mean().reindex(list("ABCDE"))\n'
        'e_to_a_churn_ratio = float(churn_by_class["E"] / churn_by_class["A"])',
    ],
}
