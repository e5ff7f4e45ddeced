"""Plausible wrong answers for exercises/02_marketing_mix_models (each replaces a solution cell)."""
WRONG = {
    "q1": [
        # price read as the customer's convenience, place as cost
        'p_to_c = {"product": "customer_needs", "price": "convenience", "place": "cost", "promotion": "communication"}',
    ],
    "q2": [
        # "people" taken for one of the two 6P additions
        'added_by_6p = {"political_power", "people"}\n'
        'strategic_ps = {"probing", "partitioning", "prioritizing", "positioning"}',
        # positioning confused with people
        'added_by_6p = {"political_power", "public_relations"}\n'
        'strategic_ps = {"probing", "partitioning", "prioritizing", "people"}',
    ],
    "q3": [
        # the mean of 4R instead of 4C
        'def audit(case_name):\n'
        '    scores = frameworks.case_scores(frameworks.load_case(case_name))\n'
        '    gaps = frameworks.gap_analysis(scores)\n'
        '    return float(frameworks.framework_scores(scores)["4R"]), set(gaps.loc[gaps["verdict"] == "firm_ahead", "element_4p"])\n\n'
        'mean_4c, firm_ahead = audit("home_appliance")',
        # ignores its argument: always the appliance maker
        'def audit(case_name):\n'
        '    scores = frameworks.case_scores(frameworks.load_case("home_appliance"))\n'
        '    gaps = frameworks.gap_analysis(scores)\n'
        '    return float(frameworks.framework_scores(scores)["4C"]), set(gaps.loc[gaps["verdict"] == "firm_ahead", "element_4p"])\n\n'
        'mean_4c, firm_ahead = audit("home_appliance")',
    ],
    "q4": [
        # the first thousand to the larger a (forgetting b), and the marginal return without the factor b
        'def split_two(budget, a_a, b_a, a_b, b_b):\n'
        '    lam = math.exp((math.log(a_a) / b_a + math.log(a_b) / b_b - budget) / (1 / b_a + 1 / b_b))\n'
        '    return math.log(a_a / lam) / b_a, lam\n\n'
        'first_tool = "A"\nspend_a, lam = split_two(50, 100, 0.02, 60, 0.05)',
        # an even split
        'def split_two(budget, a_a, b_a, a_b, b_b):\n'
        '    return budget / 2, a_a * b_a * math.exp(-b_a * budget / 2)\n\n'
        'first_tool = "B"\nspend_a, lam = split_two(50, 100, 0.02, 60, 0.05)',
    ],
}
