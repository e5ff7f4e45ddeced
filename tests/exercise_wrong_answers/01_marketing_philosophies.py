"""Plausible wrong answers for exercises/01_marketing_philosophies (each replaces a solution cell)."""
WRONG = {
    "q1": [
        # the bicycle maker read as "product" (quality), the beverage firm as plain marketing
        'firm_philosophy = {"A": "product", "B": "selling", "C": "marketing", "D": "societal"}',
        'firm_philosophy = {"A": "production", "B": "selling", "C": "marketing", "D": "marketing"}',
    ],
    "q2": [
        # "means" read the wrong way round
        'concept_of = {1: "marketing", 2: "selling", 3: "selling", 4: "selling",\n'
        '              5: "marketing", 6: "marketing", 7: "marketing", 8: "selling"}',
    ],
    "q3": [
        # MarketCondition's arguments in the wrong order (heterogeneity first)
        'def winner(scarcity, heterogeneity, measure="profit"):\n'
        '    run = philosophies.simulate_market(MarketCondition(heterogeneity, scarcity, 0.5), n_periods=12, seed=0)\n'
        '    return philosophies.market_winner(run, measure)\n\n'
        'winner_shortage = winner(0.95, 0.2)\nwinner_abundance = winner(0.05, 0.85)\n'
        'welfare_leader = winner(0.05, 0.85, "welfare")',
        # answers typed from the lecture; the function ignores the market
        'def winner(scarcity, heterogeneity, measure="profit"):\n    return "marketing"\n\n'
        'winner_shortage = "production"\nwinner_abundance = "marketing"\nwelfare_leader = "societal"',
    ],
    "q4": [
        # the rows swapped: pull's stock-out rate and push's wait
        'def supply_numbers(demand_cv, seed):\n'
        '    runs = [philosophies.simulate_supply(m, demand_cv=demand_cv, seed=seed) for m in ("push", "pull")]\n'
        '    table = philosophies.supply_summary(runs).set_index("supply_mode")\n'
        '    return float(table.loc["pull", "stockout_rate"]), float(table.loc["push", "mean_wait_periods"])\n\n'
        'push_stockout_rate, pull_mean_wait = supply_numbers(0.6, 5)\nholds_no_stock = "pull"',
        # seed ignored: always the lecture's run
        'def supply_numbers(demand_cv, seed):\n'
        '    runs = [philosophies.simulate_supply(m, demand_cv=0.6, seed=5) for m in ("push", "pull")]\n'
        '    table = philosophies.supply_summary(runs).set_index("supply_mode")\n'
        '    return float(table.loc["push", "stockout_rate"]), float(table.loc["pull", "mean_wait_periods"])\n\n'
        'push_stockout_rate, pull_mean_wait = supply_numbers(0.6, 5)\nholds_no_stock = "push"',
    ],
    "q5": [
        # off by one step: the last grid value where marketing does not yet win
        'grid = [round(0.1 * k, 1) for k in range(11)]\n'
        'winners = {h: winner(0.05, h) for h in grid}\n'
        'switch_heterogeneity = max(h for h in grid if winners[h] != "marketing")\n'
        'below_switch_winner = winners[round(switch_heterogeneity - 0.1, 1)]',
        # welfare instead of profit
        'grid = [round(0.1 * k, 1) for k in range(11)]\n'
        'winners = {h: winner(0.05, h, "welfare") for h in grid}\n'
        'switch_heterogeneity = min([h for h in grid if winners[h] == "marketing"] or [1.0])\n'
        'below_switch_winner = winners[round(switch_heterogeneity - 0.1, 1)]',
    ],
}
