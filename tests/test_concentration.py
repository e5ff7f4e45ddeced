import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab.concentration import (concentration_table, customer_values, gini, lorenz_curve, plot_lorenz,
                                  top_share)
from crmlab.lang import localize

values_strategy = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=200).filter(
    lambda v: sum(v) > 0
)


def test_hand_computed_cases():
    assert top_share([50, 30, 10, 5, 5], 40) == pytest.approx(0.8)
    assert top_share([50, 30, 10, 5, 5], 20) == pytest.approx(0.5)
    assert top_share([50, 30, 10, 5, 5], 21) == pytest.approx(0.8)  # 1.05 customers rounds up to 2
    assert top_share([1, 2, 3], 100) == 1.0
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)
    assert gini([5, 5, 5]) == pytest.approx(0.0)
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)
    curve = lorenz_curve([3, 1])
    assert curve["customer_share"].tolist() == [0, 0.5, 1]
    assert curve["value_share"].tolist() == pytest.approx([0, 0.25, 1])


@given(values_strategy, st.floats(min_value=0, max_value=100))
@settings(max_examples=60, deadline=None)
def test_top_share_is_at_least_the_customer_share(values, pct):
    n_top = int(np.ceil(len(values) * pct / 100 - 1e-9))
    assert top_share(values, pct) >= n_top / len(values) - 1e-9
    assert 0 <= top_share(values, pct) <= 1 + 1e-12


@given(values_strategy)
@settings(max_examples=60, deadline=None)
def test_gini_equals_twice_the_area_above_the_lorenz_curve(values):
    curve = lorenz_curve(values)
    area = np.trapezoid(curve["value_share"], curve["customer_share"])
    assert gini(values) == pytest.approx(1 - 2 * area, abs=1e-9)
    assert -1e-12 <= gini(values) <= 1


def test_bad_values_are_refused_with_counts():
    with pytest.raises(ValueError, match="2 negative value"):
        gini([1, -1, -2])
    with pytest.raises(ValueError, match="1 missing or infinite"):
        top_share([1, np.nan], 20)
    with pytest.raises(ValueError, match="empty"):
        lorenz_curve([])
    with pytest.raises(ValueError, match="between 0 and 100"):
        top_share([1], 120)


def test_customer_values_from_a_log():
    log = pd.DataFrame({"id": ["a", "b", "a", "c"], "amount": [1.0, 5.0, 2.0, 0.5]})
    assert customer_values(log, "id", "amount").to_dict() == {"b": 5.0, "a": 3.0, "c": 0.5}
    with pytest.raises(ValueError, match="column 'id' has 1 row"):
        customer_values(pd.DataFrame({"id": ["a", None], "amount": [1, 2]}), "id", "amount")
    with pytest.raises(ValueError, match="column 'amount' has 1 row"):
        customer_values(pd.DataFrame({"id": ["a", "b"], "amount": [1, "x"]}), "id", "amount")
    with pytest.raises(KeyError, match="column 'spend' is not in the table"):
        customer_values(log, "id", "spend")


def test_table_and_plot_in_both_languages():
    values = [50, 30, 10, 5, 5]
    assert concentration_table(values, (20, 40))["revenue_share_pct"].tolist() == pytest.approx([50, 80])
    assert localize(concentration_table(values, (20, 40)), "zh").columns.tolist() == ["头部客户比例（%）", "收入占比（%）"]
    ax = plot_lorenz(values, 40, lang="zh")
    assert "80.0%" in ax.get_title() and "40%" in ax.get_title()


def test_lorenz_without_a_top_share_is_titled_lorenz_curve():
    import matplotlib.pyplot as plt

    values = [50, 30, 10, 5, 5]
    ax = plot_lorenz(values, None, lang="en")
    assert ax.get_title() == "Lorenz curve"
    assert "80.0%" in plot_lorenz(values, 40, lang="en").get_title()
    plt.close("all")
