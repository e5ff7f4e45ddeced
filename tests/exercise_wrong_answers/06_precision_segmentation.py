"""Plausible wrong answers for exercise set 06: each string replaces the solution cell of its question.

The hidden tests must fail every one of them while the solution passes (see issue 13).
"""

WRONG = {
    "q1": [
        # pandas' default std is the sample standard deviation (ddof=1), not StandardScaler's ddof=0
        'def standardise(values):\n    return (values - values.mean()) / values.std()\n\n\nage_z = standardise(customers["age"])',
        # min-max scaling instead of a z-score
        'def standardise(values):\n    return (values - values.min()) / (values.max() - values.min())\n\n\n'
        'age_z = standardise(customers["age"])',
    ],
    "q2": [
        # argmax gives a row position, not the number of segments
        'def best_k(table):\n    return int(table["silhouette"].argmax())\n\n\nk_best = best_k(k_table)',
        # the elbow read wrongly: the smallest inertia is always the largest k
        'def best_k(table):\n    return int(table["inertia"].idxmin())\n\n\nk_best = best_k(k_table)',
    ],
    "q3": [
        # copying the rivals' differentiated strategy
        'strategy_tea = "differentiated"\nstrategy_water = "unified"',
        # a new category with alike needs split into segments anyway
        'strategy_tea = "focused"\nstrategy_water = "differentiated"',
    ],
    "q4": [
        # the smallest probability instead of the largest
        'def count_mixed(probabilities, threshold):\n    return int((probabilities.min(axis=1) < threshold).sum())\n\n\n'
        'n_mixed = count_mixed(probabilities, 0.7)',
        # counts the clear-cut customers instead of the mixed ones
        'def count_mixed(probabilities, threshold):\n    return int((probabilities.max(axis=1) >= threshold).sum())\n\n\n'
        'n_mixed = count_mixed(probabilities, 0.7)',
    ],
    "q6": [
        # wrong denominator: each segment's share of all subscribers
        'subscribe_rate = bank.groupby(bank_model.labels_)["subscribed"].sum() / bank["subscribed"].sum()\n'
        'best_segment = subscribe_rate.idxmax()',
        # right rates but the segment with the most subscribers picked, not the highest rate
        'subscribe_rate = bank.groupby(bank_model.labels_)["subscribed"].mean()\n'
        'best_segment = bank.groupby(bank_model.labels_)["subscribed"].sum().idxmax()',
    ],
}
