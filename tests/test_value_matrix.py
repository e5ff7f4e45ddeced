"""The value × satisfaction matrix: hand-computed cells, thresholds, strategies, errors and plots."""
import io

import numpy as np
import pandas as pd
import pytest

from crmlab.models import NotFittedError
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab.lang import localize
from crmlab.plotting import use_theme
from crmlab.value_matrix import (
    DEFAULT_CLASS_MAP,
    ValueSatisfactionMatrix,
    matrix_class_table,
    value_satisfaction_cells,
)

# Nine customers, one per cell: volume 1..9 (terciles cut at 3.67 and 6.33),
# satisfaction on a 1-5 survey cut at (2, 3): 1-2 low, 3 mid, 4-5 high.
NINE = pd.DataFrame(
    {"total_spend": [1, 2, 3, 4, 5, 6, 7, 8, 9], "satisfaction": [5, 1, 3, 5, 3, 1, 5, 3, 1]},
    index=[f"c{i}" for i in range(1, 10)],
)


def test_each_cell_gets_the_documented_class_and_strategies():
    cells = value_satisfaction_cells(NINE, satisfaction_thresholds=(2, 3))
    assert cells.index.tolist() == NINE.index.tolist()
    assert cells["volume_level"].tolist() == ["low"] * 3 + ["mid"] * 3 + ["high"] * 3
    assert cells["satisfaction_level"].tolist() == ["high", "low", "mid", "high", "mid", "low", "high", "mid", "low"]
    assert cells["matrix_class"].tolist() == ["C", "C", "C", "B", "D", "E", "A", "D", "E"]
    assert cells["volume_strategy"].tolist() == ["retailer_managed"] * 3 + ["one_to_many"] * 3 + ["one_to_one"] * 3
    assert cells["satisfaction_strategy"].tolist()[3:6] == ["partner", "improve", "correct"]


def test_quantile_thresholds_are_terciles_of_the_data():
    matrix = ValueSatisfactionMatrix(satisfaction_thresholds=(2, 3)).fit(NINE)
    assert matrix.volume_thresholds_ == pytest.approx((1 + 8 / 3, 1 + 16 / 3))
    assert matrix.satisfaction_thresholds_ == (2.0, 3.0)
    quartiles = ValueSatisfactionMatrix(quantiles=(0.25, 0.75)).fit(NINE)
    assert quartiles.volume_thresholds_ == pytest.approx((3.0, 7.0))
    # right-closed: 3 is low (<= 3), 7 is mid (not > 7)
    levels = quartiles.assign(NINE)["volume_level"].tolist()
    assert levels == ["low"] * 3 + ["mid"] * 4 + ["high"] * 2


def test_tables_count_customers_and_sum_volume_per_cell():
    matrix = ValueSatisfactionMatrix(satisfaction_thresholds=(2, 3)).fit(NINE)
    counts = matrix.table(NINE)
    assert counts.index.tolist() == ["high", "mid", "low"]  # keys; shown: High, Mid, Low
    assert counts.columns.tolist() == ["low", "mid", "high"]
    assert localize(counts, "en").index.tolist() == ["High", "Mid", "Low"]
    assert (counts.to_numpy() == 1).all()
    volume = matrix.table(NINE, measure="purchase_volume")
    assert volume.to_numpy().tolist() == [[9, 8, 7], [6, 5, 4], [2, 3, 1]]
    shares = matrix.table(NINE, measure="volume_share")
    assert shares.to_numpy().sum() == pytest.approx(1.0)
    assert shares.iloc[0, 0] == pytest.approx(9 / 45)
    revenue = matrix.table(NINE.assign(revenue=10 * NINE["total_spend"]), "purchase_volume", sum_col="revenue")
    assert revenue.to_numpy().tolist() == [[90, 80, 70], [60, 50, 40], [20, 30, 10]]
    with pytest.raises(KeyError, match=r"\['revenue'\]"):
        matrix.table(NINE, "volume_share", sum_col="revenue")
    summary = matrix.class_summary(NINE)
    assert summary["customers"].tolist() == [1, 1, 3, 2, 2]
    assert summary["purchase_volume"].tolist() == [7, 4, 6, 13, 15]
    assert localize(summary, "en")["Purchase volume"].tolist() == [7, 4, 6, 13, 15]


def test_thresholds_fitted_on_one_period_apply_to_another():
    matrix = ValueSatisfactionMatrix(satisfaction_thresholds=(2, 3)).fit(NINE)
    later = pd.DataFrame({"total_spend": [100, 0], "satisfaction": [4, 2]})
    assert matrix.assign(later)["matrix_class"].tolist() == ["A", "C"]
    assert matrix.thresholds().iloc[0].tolist() == pytest.approx(list(matrix.volume_thresholds_))


def test_class_mapping_table_documents_every_cell_once():
    table = matrix_class_table()
    assert table["Class"].tolist() == ["A", "B", "C", "D", "E"]
    n_cells = sum(len(cells.split("; ")) for cells in table["Cells"])
    assert n_cells == 9
    assert "1-2%" in table.loc[0, "Description"]
    assert matrix_class_table(lang="zh").columns[0] == "客户类别"


def test_a_custom_class_map_is_used_and_checked():
    custom = dict(DEFAULT_CLASS_MAP)
    custom[("low", "low")] = "E"
    cells = ValueSatisfactionMatrix(satisfaction_thresholds=(2, 3), class_map=custom).fit(NINE).assign(NINE)
    assert cells.loc["c2", "matrix_class"] == "E"
    incomplete = {k: v for k, v in DEFAULT_CLASS_MAP.items() if k != ("high", "high")}
    with pytest.raises(ValueError, match=r"missing \[\('high', 'high'\)\]"):
        ValueSatisfactionMatrix(class_map=incomplete).fit(NINE)
    with pytest.raises(ValueError, match=r"class\(es\) \['F'\]"):
        ValueSatisfactionMatrix(class_map={**DEFAULT_CLASS_MAP, ("low", "low"): "F"}).fit(NINE)


def test_bad_input_is_named_and_counted():
    with pytest.raises(KeyError, match=r"lacks column\(s\) \['total_spend'\]"):
        value_satisfaction_cells(NINE.rename(columns={"total_spend": "spend"}))
    holes = NINE.astype(float)
    holes.iloc[[1, 4], 1] = np.nan
    with pytest.raises(ValueError, match="'satisfaction' has 2 missing value"):
        value_satisfaction_cells(holes)
    negative = NINE.copy()
    negative.iloc[:3, 0] = -1
    with pytest.raises(ValueError, match="'total_spend' has 3 negative value"):
        value_satisfaction_cells(negative)
    text = NINE.astype({"satisfaction": object})
    text.iloc[0, 1] = "very happy"
    with pytest.raises(TypeError, match="'satisfaction' must hold numbers; 1 row"):
        value_satisfaction_cells(text)
    with pytest.raises(ValueError, match="lower <= upper"):
        value_satisfaction_cells(NINE, volume_thresholds=(5, 2))
    with pytest.raises(ValueError, match="0 < lower <= upper < 1"):
        value_satisfaction_cells(NINE, quantiles=(0.5, 1.2))
    with pytest.raises(NotFittedError, match="fit"):
        ValueSatisfactionMatrix().assign(NINE)
    with pytest.raises(ValueError, match="measure="):
        ValueSatisfactionMatrix().fit(NINE).table(NINE, measure="revenue")


def test_chinese_output_translates_values_and_headers():
    cells = value_satisfaction_cells(NINE, satisfaction_thresholds=(2, 3), lang="zh")
    assert cells.columns.tolist() == ["购买量档次", "满意度档次", "客户类别", "按购买量的服务方式", "按满意度的关系策略"]
    assert cells.iloc[6].tolist()[:3] == ["高", "高", "A类"]
    assert cells.iloc[6, 3].startswith("一对一")
    table = localize(ValueSatisfactionMatrix(satisfaction_thresholds=(2, 3)).fit(NINE).table(NINE), "zh")
    assert table.index.name == "购买量档次" and table.index.tolist() == ["高", "中", "低"]


def test_heatmap_annotates_nine_cells_and_renders_chinese():
    use_theme("zh")
    matrix = ValueSatisfactionMatrix(satisfaction_thresholds=(2, 3)).fit(NINE)
    ax = matrix.plot(NINE, measure="volume_share", lang="zh")
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 9
    assert texts[0] == "E类\n20.0%"  # top-left: high volume, low satisfaction, 9/45
    ax.figure.savefig(io.BytesIO(), format="png")  # a missing glyph would raise (pyproject filterwarnings)


def test_on_the_simulated_base_class_a_leaves_less_than_class_e():
    from crmlab.simulate import customer_base

    base = customer_base(3_000, seed=4)
    spend = base.transactions.groupby("customer_id")["amount"].sum()
    customers = base.customers.set_index("customer_id").assign(total_spend=spend)
    cells = value_satisfaction_cells(customers, satisfaction_thresholds=(2, 3))
    dropout = customers["true_dropout_prob"].groupby(cells["matrix_class"], observed=True).mean()
    assert dropout["A"] < dropout["E"]
    assert cells["matrix_class"].value_counts().min() > 50


@settings(max_examples=60, deadline=None)
@given(
    volume=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60),
    data=st.data(),
)
def test_levels_are_monotone_and_class_a_is_exactly_high_high(volume, data):
    n = len(volume)
    satisfaction = data.draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    lower, upper = sorted(data.draw(st.tuples(st.floats(0, 1e6), st.floats(0, 1e6))))
    customers = pd.DataFrame({"total_spend": volume, "satisfaction": satisfaction})
    cells = value_satisfaction_cells(customers, volume_thresholds=(lower, upper))
    codes = cells["volume_level"].cat.codes.to_numpy()
    order = np.argsort(volume, kind="stable")
    assert (np.diff(codes[order]) >= 0).all()
    high_high = (cells["volume_level"] == "high") & (cells["satisfaction_level"] == "high")
    assert ((cells["matrix_class"] == "A") == high_high).all()
    table = ValueSatisfactionMatrix(volume_thresholds=(lower, upper)).fit(customers).table(customers)
    assert table.to_numpy().sum() == n


def test_matrix_customer_table_renames_checks_and_keeps_other_columns():
    from crmlab.value_matrix import matrix_customer_table

    raw = pd.DataFrame({"client_no": ["k1", "k2", "k3"], "annual_orders": [4, 0, 12],
                        "csat_score": [9, 2, 6], "region": ["n", "s", "e"]})
    table = matrix_customer_table(raw, "client_no", "annual_orders", "csat_score")
    assert table.index.name == "customer_id" and table.index.tolist() == ["k1", "k2", "k3"]
    assert table.columns.tolist() == ["purchase_volume", "satisfaction", "region"]
    assert table["purchase_volume"].tolist() == [4.0, 0.0, 12.0]
    assert table["satisfaction"].tolist() == [9.0, 2.0, 6.0]
    with pytest.raises(KeyError, match=r"\['csat'\]"):
        matrix_customer_table(raw, "client_no", "annual_orders", "csat")
    twice = pd.concat([raw, raw.iloc[:2]])
    with pytest.raises(ValueError, match="'client_no' has 2 duplicated"):
        matrix_customer_table(twice, "client_no", "annual_orders", "csat_score")
    no_id = raw.astype({"client_no": object})
    no_id.loc[1, "client_no"] = None
    with pytest.raises(ValueError, match="'client_no' has 1 row"):
        matrix_customer_table(no_id, "client_no", "annual_orders", "csat_score")
    negative = raw.assign(annual_orders=[-1, 0, -3])
    with pytest.raises(ValueError, match="'annual_orders' has 2 negative"):
        matrix_customer_table(negative, "client_no", "annual_orders", "csat_score")


def test_class_profile_counts_and_averages_per_class():
    from crmlab.value_matrix import class_profile

    cells = value_satisfaction_cells(NINE, satisfaction_thresholds=(2, 3))
    values = pd.DataFrame({"churned_by_end": [True, False, False, False, True, True, False, False, True],
                           "complaints": [0, 4, 1, 0, 2, 5, 0, 1, 3]}, index=NINE.index)
    table = class_profile(cells["matrix_class"], values, lang=None)
    assert table.index.tolist() == ["A", "B", "C", "D", "E"]
    assert table["customers"].tolist() == [1, 1, 3, 2, 2]
    # C = c1, c2, c3 (low volume); D = c5, c8; E = c6, c9
    assert table["churned_by_end"].tolist() == pytest.approx([0.0, 0.0, 1 / 3, 0.5, 1.0])
    assert table["complaints"].tolist() == pytest.approx([0.0, 0.0, 5 / 3, 1.5, 4.0])
    assert table["customers"].sum() == len(NINE)
    # classes without customers are left out; Chinese headers and class names
    only_a_c = class_profile(cells["matrix_class"].iloc[[0, 6]], values.iloc[[0, 6]], lang="zh")
    assert only_a_c.index.tolist() == ["A类", "C类"] and only_a_c.index.name == "客户类别"
    assert only_a_c.columns.tolist()[:2] == ["客户数", "期末前已流失的比例"]
    assert only_a_c.iloc[:, 0].tolist() == [1, 1]
    with pytest.raises(ValueError, match="share one index"):
        class_profile(cells["matrix_class"], values.iloc[:5])
    with pytest.raises(ValueError, match=r"\['Z'\]"):
        class_profile(pd.Series(["A", "Z"]), pd.DataFrame({"x": [1, 2]}))
    with pytest.raises(TypeError, match="'x' must hold numbers"):
        class_profile(pd.Series(["A", "B"]), pd.DataFrame({"x": ["a", "b"]}))


def test_matrix_plot_draws_its_colour_bar_into_a_given_axes():
    from matplotlib.figure import Figure

    ax, cax = Figure().subplots(1, 2)
    ValueSatisfactionMatrix(satisfaction_thresholds=(2, 3)).fit(NINE).plot(NINE, lang="en", ax=ax, cax=cax)
    assert len(ax.figure.axes) == 2 and cax.get_ylabel() == "Customers"
    assert len(ax.texts) == 9


def test_matrix_plot_on_a_fixed_colour_scale_and_its_colour_bar_drawn_once():
    from matplotlib.figure import Figure

    from crmlab.value_matrix import draw_colour_scale

    ax, cax = Figure().subplots(1, 2)
    matrix = ValueSatisfactionMatrix(satisfaction_thresholds=(2, 3)).fit(NINE)
    peak = int(matrix.table(NINE).to_numpy().max())                      # one customer per cell
    matrix.plot(NINE, lang="zh", ax=ax, vmax=4 * peak, colorbar=False)
    assert ax.images[0].get_clim() == (0.0, 4 * peak)
    assert len(cax.collections) == 0 and cax.get_ylabel() == ""          # no colour bar drawn
    assert all(t.get_color() == "black" for t in ax.texts)               # no cell above 60 % of the scale
    draw_colour_scale(cax, 4 * peak, lang="zh")
    assert tuple(map(float, cax.get_ylim())) == (0.0, 4.0 * peak) and cax.get_ylabel() == "客户数"
    with pytest.raises(ValueError, match="vmax"):
        matrix.plot(NINE, ax=ax, vmax=0)
    with pytest.raises(ValueError, match="measure"):
        draw_colour_scale(cax, 10, measure="profit")


def test_free_riders_and_the_source_cells():
    from crmlab.value_matrix import DEFAULT_CLASS_MAP, SOURCE_CLASS_CELLS, free_riders

    riders = free_riders(pd.Series([0.0, 10.0, 50.0, 100.0], index=list("abcd")), service_cost=10.0, margin=0.25)
    assert riders["free_rider"].tolist() == [True, True, False, False]
    assert riders["contribution"].tolist() == [-10.0, -7.5, 2.5, 15.0]
    # the seed places only A, B and E; the rest of the default map is the course's own completion
    assert all(DEFAULT_CLASS_MAP[cell] == cls for cell, cls in SOURCE_CLASS_CELLS.items())
    assert len(SOURCE_CLASS_CELLS) == 3 < len(DEFAULT_CLASS_MAP) == 9
    with pytest.raises(ValueError, match="1 missing"):
        free_riders(pd.Series([1.0, None]), 1.0, 0.3)
    with pytest.raises(ValueError, match="margin"):
        free_riders(pd.Series([1.0]), 1.0, 0.0)
