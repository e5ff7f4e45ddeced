"""The closed loop: the six steps as data, the Newton logit, and the simulation's feedback result."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from crmlab import closed_loop
from crmlab.closed_loop import FIRMS, LOOP_STEPS, fit_logit, loop_steps, loop_summary, plot_loop, plot_loop_profit, \
    simulate_closed_loop


def test_six_steps_in_both_languages():
    en, zh = loop_steps("en"), loop_steps("zh")
    assert en.index.tolist() == [1, 2, 3, 4, 5, 6]
    assert en["key"].tolist() == list(LOOP_STEPS)
    assert en["step_name"].iloc[-1] == "Feed results back" and zh["step_name"].iloc[-1] == "把结果反馈到数据库"
    assert all(text for text in zh["what"]) and en["what"].nunique() == 6
    ax = plot_loop("zh")
    assert len(ax.patches) == 6 and len(ax.texts) == 7


def test_fit_logit_agrees_with_statsmodels_and_ridge_shrinks():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(800, 3))
    y = (rng.random(800) < 1 / (1 + np.exp(-(-1 + x @ np.array([0.8, -0.5, 0.0]))))).astype(float)
    reference = sm.Logit(y, sm.add_constant(x)).fit(disp=False).params
    assert np.allclose(fit_logit(x, y), reference, atol=1e-8)
    shrunk = fit_logit(x, y, ridge=200.0)
    assert np.all(np.abs(shrunk[1:]) < np.abs(reference[1:]))
    with pytest.raises(ValueError):
        fit_logit(x, y[:-1])


def test_simulation_is_seeded_and_consistent():
    a = simulate_closed_loop(rounds=4, seed=3)
    b = simulate_closed_loop(rounds=4, seed=3)
    assert a.equals(b)
    assert not a.equals(simulate_closed_loop(rounds=4, seed=4))
    assert len(a) == 4 * len(FIRMS)
    assert np.allclose(a["profit"], 25.0 * a["responses"] - 1.0 * a["contacts"])
    for firm, rows in a.groupby("firm"):
        assert np.allclose(rows["cumulative_profit"], rows["profit"].cumsum())
    fb = a.loc[a["firm"] == "feedback", "training_rows"].tolist()
    assert fb == [300, 1300, 2300, 3300]  # each round adds its 1,000 contacts to the database
    assert a.loc[a["firm"] == "no_feedback", "training_rows"].eq(300).all()
    # round 1: both firms still use the same first model
    first = a.loc[a["round"] == 1].set_index("firm")
    assert first.loc["feedback", "responses"] == first.loc["no_feedback", "responses"]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_feeding_results_back_pays_off(seed):
    sim = simulate_closed_loop(rounds=8, seed=seed)
    summary = loop_summary(sim)
    assert summary.loc["feedback", "total_profit"] > summary.loc["no_feedback", "total_profit"]
    late = sim.loc[sim["round"] > 4].groupby("firm")["profit"].sum()
    assert late["feedback"] > late["no_feedback"]
    # the refitted model gets closer to the truth; the one without feedback does not move
    fb = sim.loc[sim["firm"] == "feedback", "coefficient_error"].to_numpy()
    nofb = sim.loc[sim["firm"] == "no_feedback", "coefficient_error"].to_numpy()
    assert fb[-1] < fb[0] and np.allclose(nofb, nofb[0])
    assert summary.loc["feedback", "share_of_oracle"] > 0.9


def test_loop_profit_plot_and_bad_rounds():
    sim = simulate_closed_loop(rounds=5, seed=0)
    ax = plot_loop_profit(sim, 3, True, "zh")
    bars = ax.collections[0].get_paths()
    assert len(bars) == 3
    heights = [path.vertices[:, 1].max() for path in bars]
    assert heights == sim.loc[(sim["firm"] == "feedback") & (sim["round"] <= 3), "profit"].tolist()
    with pytest.raises(ValueError, match="between 1 and 5"):
        plot_loop_profit(sim, 6, False)
    with pytest.raises(ValueError, match="rounds"):
        simulate_closed_loop(rounds=0)


def test_value_tiers_by_hand_and_the_migration_table():
    log = pd.DataFrame({"c": list("abcdefghij") + ["a", "k"],
                        "d": ["2024-06-01"] * 10 + ["2024-01-05", "2023-01-01"],
                        "a": [100.0, 90, 80, 70, 60, 50, 40, 30, 20, 10, 5, 999]})
    tiers = closed_loop.value_tiers(log, "c", "d", "a", "2024-06-30", window_days=90)
    assert tiers[list("ab")].tolist() == ["key", "key"]            # top 20% of the 10 buyers
    assert tiers[list("cde")].tolist() == ["core"] * 3             # next 30%
    assert (tiers[list("fghij")] == "small").all()
    assert tiers["k"] == "inactive"                                # bought before, not in the window
    later = pd.concat([log, pd.DataFrame({"c": ["k", "j"], "d": ["2024-09-01", "2024-09-02"], "a": [500.0, 1.0]})])
    migration = closed_loop.value_tier_migration(later, "c", "d", "a", "2024-06-30", "2024-09-30", window_days=90,
                                                 shares=False)
    assert migration.index.tolist()[:4] == list(closed_loop.VALUE_TIERS)
    assert migration.loc["inactive", "key"] == 1                   # k came back as the biggest buyer
    assert migration.loc["key", "inactive"] == 2                   # a and b bought nothing since
    assert int(migration.to_numpy().sum()) == 11
    with pytest.raises(ValueError, match="window_days"):
        closed_loop.value_tiers(log, "c", "d", "a", "2024-06-30", window_days=0)
    with pytest.raises(ValueError, match="no purchase on or before"):
        closed_loop.value_tiers(log, "c", "d", "a", "2020-01-01")
