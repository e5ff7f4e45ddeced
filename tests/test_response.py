"""Response models, gains, lift, AUC and targeting economics against independent computations."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from crmlab.datasets import load_bank_marketing
from crmlab.response import (BANK_PREDICTORS, ResponseModel, auc, best_depth, binary_response,
                             break_even_response_rate, depth_economics, gains_table, plot_cumulative_gains,
                             plot_depth_economics, plot_lift, split_train_test)


def test_gains_table_by_hand():
    y = [1, 0, 1, 0, 0, 1, 0, 0, 0, 0]
    score = [.9, .8, .7, .6, .5, .4, .3, .2, .15, .1]
    g = gains_table(y, score, groups=5)
    assert g["contacts"].tolist() == [2, 2, 2, 2, 2]
    assert g["responses"].tolist() == [1, 1, 1, 0, 0]
    assert g["response_rate"].tolist() == [0.5, 0.5, 0.5, 0, 0]
    assert np.allclose(g["lift"], [0.5 / 0.3, 0.5 / 0.3, 0.5 / 0.3, 0, 0])
    assert np.allclose(g["cum_response_share"], [1 / 3, 2 / 3, 1, 1, 1])
    assert np.allclose(g["cum_lift"], [(1 / 2) / .3, (2 / 4) / .3, (3 / 6) / .3, (3 / 8) / .3, 1.0])


def test_gains_table_uneven_groups_and_shuffled_input():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 103)
    score = rng.random(103)
    g = gains_table(y, score)
    assert g["contacts"].tolist() == [11, 11, 11] + [10] * 7
    assert g["responses"].sum() == y.sum()
    # plain pandas: sort by score, number the rows, assign groups of those sizes
    ordered = pd.DataFrame({"y": y, "s": score}).sort_values("s", ascending=False)
    ordered["group"] = np.repeat(np.arange(1, 11), g["contacts"].to_numpy())
    assert ordered.groupby("group")["y"].sum().tolist() == g["responses"].tolist()
    assert g["cum_response_share"].iloc[-1] == pytest.approx(1.0)
    assert g["cum_lift"].iloc[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_agrees_with_sklearn_including_ties(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 500)
    score = np.round(rng.random(500) + 0.3 * y, 1)  # rounded: many ties
    assert auc(y, score) == pytest.approx(roc_auc_score(y, score), abs=1e-12)


def test_auc_and_gains_refuse_bad_input():
    with pytest.raises(ValueError, match="both responders"):
        auc([0, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match="1 value"):
        gains_table([0, 2, 1], [0.1, 0.2, 0.3], groups=2)
    with pytest.raises(ValueError, match="same length"):
        auc([0, 1], [0.1])
    with pytest.raises(ValueError, match="groups"):
        gains_table([0, 1], [0.1, 0.2], groups=3)


def test_break_even_and_depth_economics_by_hand():
    assert break_even_response_rate(2.0, 50.0) == pytest.approx(0.04)
    assert break_even_response_rate(5, 60) == pytest.approx(1 / 12)
    with pytest.raises(ValueError):
        break_even_response_rate(1.0, 0.0)
    gains = pd.DataFrame({"contacts": [100, 100, 100], "responses": [20, 6, 2]})
    econ = depth_economics(gains, cost_per_contact=2.0, value_per_response=50.0)
    # depth 1: 20*50 - 100*2 = 800; depth 2: 26*50 - 400 = 900; depth 3: 28*50 - 600 = 800
    assert econ["profit"].tolist() == [0, 800, 900, 800]
    assert econ["roi"].iloc[1:].tolist() == pytest.approx([4.0, 900 / 400, 800 / 600])
    assert np.isnan(econ["roi"].iloc[0])
    assert best_depth(econ) == 2
    # the best depth stops where a group's rate falls below cost/value (6% > 4% > 2%)
    rates = gains["responses"] / gains["contacts"]
    assert best_depth(econ) == int((rates > 0.04).sum())


def test_binary_response_and_split():
    assert binary_response(pd.DataFrame({"y": ["yes", "No", "1"]}), "y").tolist() == [1, 0, 1]
    with pytest.raises(ValueError, match="'y'.*2 row"):
        binary_response(pd.DataFrame({"y": [0, 2, 3]}), "y")
    with pytest.raises(ValueError, match="'y' has 1 missing"):
        binary_response(pd.DataFrame({"y": [0, None, 1.0]}), "y")
    table = pd.DataFrame({"x": range(100)})
    train, test = split_train_test(table, 0.25, seed=5)
    assert len(test) == 25 and len(train) == 75
    assert sorted(train["x"].tolist() + test["x"].tolist()) == list(range(100))
    again = split_train_test(table, 0.25, seed=5)[1]
    assert again["x"].tolist() == test["x"].tolist()
    assert split_train_test(table, 0.25, seed=6)[1]["x"].tolist() != test["x"].tolist()


def test_response_model_matches_statsmodels_formula_on_bank_sample():
    bank = load_bank_marketing().iloc[::9]
    model = ResponseModel("subscribed", ["age", "balance", "housing", "poutcome"]).fit(bank)
    import statsmodels.formula.api as smf
    reference = smf.logit("subscribed ~ age + balance + C(housing) + C(poutcome)", data=bank.assign(
        housing=bank["housing"].astype(str), poutcome=bank["poutcome"].astype(str))).fit(disp=False)
    assert model.log_likelihood_ == pytest.approx(reference.llf, rel=1e-9)
    assert model.params_["age"] == pytest.approx(reference.params["age"], rel=1e-6)
    assert model.odds_ratios_.loc["age", "odds_ratio"] == pytest.approx(np.exp(reference.params["age"]), rel=1e-6)
    assert (model.odds_ratios_["ci_low"] < model.odds_ratios_["odds_ratio"]).all()
    p = model.predict_proba(bank)
    assert p.shape == (len(bank),) and np.all((p > 0) & (p < 1))
    assert np.allclose(p, reference.predict(bank.assign(housing=bank["housing"].astype(str),
                                                        poutcome=bank["poutcome"].astype(str))), atol=1e-8)


def test_response_model_refuses_duration_style_mistakes_and_bad_columns():
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [0, 1, 0, 1]})
    with pytest.raises(ValueError, match="cannot also be a predictor"):
        ResponseModel("y", ["x", "y"]).fit(table)
    with pytest.raises(KeyError, match="'z'"):
        ResponseModel("y", ["z"]).fit(table)
    with pytest.raises(ValueError, match="'x' has 1 missing"):
        ResponseModel("y", ["x"]).fit(table.assign(x=[1.0, None, 3.0, 4.0]))
    fitted = ResponseModel("y", ["x", "g"]).fit(table.assign(g=["a", "b", "b", "a"]))
    assert list(fitted.params_.index) == ["const", "x", "g[b]"]
    with pytest.raises(ValueError, match="'g' has 1 row"):
        fitted.predict_proba(table.assign(g=["a", "b", "c", "b"]))
    with pytest.raises(ValueError, match="only 0s"):
        ResponseModel("y", ["x"]).fit(table.assign(y=0))


def test_model_on_bank_holdout_beats_chance_without_duration():
    bank = load_bank_marketing()
    assert "duration" not in BANK_PREDICTORS
    train, test = split_train_test(bank, 0.3, seed=1)
    model = ResponseModel("subscribed", BANK_PREDICTORS).fit(train)
    score = model.predict_proba(test)
    value = auc(test["subscribed"], score)
    assert 0.70 < value < 0.85  # duration would push it above 0.9 by leaking the outcome
    g = gains_table(test["subscribed"].to_numpy(), score)
    assert g["lift"].iloc[0] > 2.5
    assert g["response_rate"].iloc[0] > g["response_rate"].iloc[-1]


def test_plots_draw(tmp_path):
    y = np.r_[np.ones(30), np.zeros(70)]
    score = np.linspace(1, 0, 100)
    g = gains_table(y, score)
    assert len(plot_cumulative_gains(g, "zh").lines) == 2
    assert len(plot_lift(g).patches) == 10
    axes = plot_depth_economics(g, 1.0, 10.0, "zh")
    # the profit line is depth_economics' profit; bars are the deciles' rates
    assert np.allclose(axes[1].lines[0].get_ydata(), depth_economics(g, 1.0, 10.0)["profit"])
    assert len(axes[0].collections[0].get_paths()) == 10
    import matplotlib.pyplot as plt
    _, three = plt.subplots(1, 3)
    plot_depth_economics(g, 1.0, 10.0, "en", axes=three)
    assert np.allclose(three[2].lines[0].get_ydata(), 1 + depth_economics(g, 1.0, 10.0)["roi"].iloc[1:])


def test_customer_predictors_drop_the_campaign_scheduling_columns():
    from crmlab import response as rs

    customer = rs.customer_predictors(list(rs.BANK_PREDICTORS))
    assert not set(customer) & set(rs.CAMPAIGN_PREDICTORS)
    assert len(customer) == len(rs.BANK_PREDICTORS) - 3 and customer[0] == "age"
    with pytest.raises(ValueError, match="no customer predictor"):
        rs.customer_predictors(["month", "contact"])


def test_compare_predictor_sets_on_bank_marketing_scheduling_is_as_strong_as_traits():
    from crmlab import datasets
    from crmlab import response as rs

    bank = datasets.load_bank_marketing()
    train, test = rs.split_train_test(bank, 0.3, seed=10)
    predictors = list(rs.BANK_PREDICTORS)
    table, models = rs.compare_predictor_sets(train, test, "subscribed", {
        "all": predictors, "customer_only": rs.customer_predictors(predictors),
        "campaign_only": list(rs.CAMPAIGN_PREDICTORS)})
    assert table.loc["all", "auc"] == pytest.approx(0.768, abs=0.001)
    assert table.loc["customer_only", "auc"] == pytest.approx(0.717, abs=0.001)
    # three scheduling columns rank about as well as eleven customer traits
    assert abs(table.loc["campaign_only", "auc"] - table.loc["customer_only", "auc"]) < 0.02
    assert table.loc["all", "auc"] > table.loc["customer_only", "auc"] + 0.03
    assert set(models) == {"all", "customer_only", "campaign_only"}
    # the customer model's terms are customer traits only
    assert not any(term.startswith(("month", "contact", "campaign")) for term in models["customer_only"].odds_ratios_.index)
