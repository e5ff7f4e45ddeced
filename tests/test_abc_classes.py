"""ABC classes by contribution to sales: hand cases, the crossing rule, properties, the Pareto chart."""
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab.abc_classes import abc_classes, abc_summary, plot_pareto
from crmlab.lang import localize
from crmlab.concentration import top_share
from crmlab.plotting import use_theme

FIVE = pd.Series([5, 30, 50, 5, 10], index=["d", "b", "a", "e", "c"], name="sales")


def test_hand_case_with_80_95_thresholds():
    classes = abc_classes(FIVE)
    assert classes.index.tolist() == ["a", "b", "c", "d", "e"]  # largest first, ties keep input order
    assert classes["rank"].tolist() == [1, 2, 3, 4, 5]
    assert classes["cumulative_share"].tolist() == pytest.approx([0.5, 0.8, 0.9, 0.95, 1.0])
    # a reaches 50 %, b crosses exactly 80 % (A); c starts at 80 % so it is B; e starts at 95 %: C
    assert classes["abc_class"].tolist() == ["A", "A", "B", "B", "C"]
    assert classes["abc_service"].tolist() == ["one_to_one", "one_to_one", "one_to_many", "one_to_many",
                                               "retailer_managed"]


def test_the_customer_who_crosses_a_threshold_belongs_to_the_upper_class():
    values = pd.Series([60, 30, 10], index=["x", "y", "z"])
    # y starts at 60 % < 70 %, so y is A although A then holds 90 %; z starts at 90 %: not below 90 % -> C
    assert abc_classes(values, (0.7, 0.9))["abc_class"].tolist() == ["A", "A", "C"]
    summary = abc_summary(values, (0.7, 0.9))
    assert summary["customers"].tolist() == [2, 0, 1]
    assert summary["value_share"].tolist() == pytest.approx([0.9, 0.0, 0.1])


def test_summary_numbers_and_zero_value_customers():
    values = pd.Series([50, 30, 10, 5, 5, 0], index=list("abcdef"))
    summary = abc_summary(values)
    assert summary["customers"].tolist() == [2, 2, 2]
    assert summary["customer_share"].tolist() == pytest.approx([1 / 3] * 3)
    assert summary["value_share"].tolist() == pytest.approx([0.8, 0.15, 0.05])
    assert summary["min_value"].tolist() == [30, 5, 0]
    assert summary.index.tolist() == ["A", "B", "C"]
    assert summary["abc_service"].tolist() == ["one_to_one", "one_to_many", "retailer_managed"]
    # shown: English headers as before, Chinese class names
    assert localize(summary, "en")["Share of value"].tolist() == pytest.approx([0.8, 0.15, 0.05])
    assert localize(summary, "zh").index.tolist() == ["A类", "B类", "C类"]
    assert localize(summary, "zh")["服务方式"].iloc[0].startswith("一对一")


def test_bad_values_are_named():
    with pytest.raises(ValueError, match="1 negative value"):
        abc_classes(pd.Series([10, -1, 3]))
    with pytest.raises(ValueError, match="2 missing or infinite"):
        abc_classes(pd.Series([10, np.nan, np.nan]))
    with pytest.raises(ValueError, match="every customer value is 0"):
        abc_classes(pd.Series([0, 0]))
    with pytest.raises(TypeError, match="pandas Series"):
        abc_classes(pd.DataFrame({"sales": [1, 2]}))
    with pytest.raises(ValueError, match="not percentages"):
        abc_classes(FIVE, (80, 95))
    with pytest.raises(ValueError, match="1 duplicated customer id"):
        abc_classes(pd.Series([1, 2, 3], index=["a", "a", "b"]))
    with pytest.raises(TypeError, match="must be numbers"):
        abc_classes(pd.Series(["1", "2"]))


def test_chinese_display():
    keys = abc_classes(FIVE)
    assert keys["abc_class"].tolist()[0] == "A" and keys["abc_service"].tolist()[0] == "one_to_one"
    classes = localize(keys, "zh")
    assert classes.columns.tolist() == ["数值", "排名", "价值占比", "累计价值占比", "ABC类别", "服务方式"]
    assert classes["ABC类别"].tolist()[0] == "A类"


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(st.floats(0, 1e5, allow_nan=False), min_size=1, max_size=80).filter(lambda v: sum(v) > 1e-3),
    cuts=st.tuples(st.floats(0.05, 1.0), st.floats(0.05, 1.0)).map(sorted),
)
def test_class_a_is_the_smallest_top_group_reaching_the_a_share(values, cuts):
    series = pd.Series(values, index=[f"c{i}" for i in range(len(values))])
    classes = abc_classes(series, tuple(cuts))
    codes = classes["abc_class"].cat.codes.to_numpy()
    assert (np.diff(codes) >= 0).all(), "classes follow the ranking"
    total = float(np.sum(values))
    a_values = classes.loc[classes["abc_class"] == "A", "value"]
    assert len(a_values) >= 1
    assert a_values.sum() >= cuts[0] * total * (1 - 1e-9) or np.isclose(a_values.sum(), cuts[0] * total)
    assert a_values.sum() - a_values.min() < cuts[0] * total * (1 + 1e-9)
    assert classes["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    # the A share agrees with crmlab.concentration for the same number of top customers
    n_a = len(a_values)
    assert a_values.sum() / total == pytest.approx(top_share(values, 100 * n_a / len(values)), abs=1e-9)


def test_pareto_chart_groups_customers_into_bars():
    use_theme("zh")
    rng = np.random.default_rng(0)
    values = pd.Series(rng.lognormal(3, 1.2, 1_000))
    ax = plot_pareto(values, max_bars=40, lang="zh")
    bars = ax.collections[0]
    heights = [path.vertices[:, 1].max() for path in bars.get_paths()]
    assert len(heights) == 40
    assert sum(heights) == pytest.approx(100.0)
    widths = [np.ptp(path.vertices[:, 0]) for path in bars.get_paths()]
    assert sum(widths) == pytest.approx(100.0)                   # the bars tile the customers, 0-100 %
    line = ax.figure.axes[1].lines[0]
    assert line.get_ydata()[-1] == pytest.approx(100.0)
    ax.figure.savefig(io.BytesIO(), format="png")
    small = plot_pareto(FIVE, lang="en").collections[0]
    assert [round(path.vertices[:, 1].max()) for path in small.get_paths()] == [50, 30, 10, 5, 5]
    colours = small.get_facecolor()
    assert len(colours) == 5 and not np.array_equal(colours[1], colours[2])


def test_pareto_chart_on_a_given_twin_axes():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    line_ax = ax.twinx()
    plot_pareto(FIVE, (0.8, 0.95), lang="en", ax=ax, line_ax=line_ax)
    assert len(ax.figure.axes) == 2 and len(line_ax.lines) == 3   # no third axes; the line and two thresholds
    assert ax.get_title().startswith("Class A:")
    assert ax.get_ylim()[1] == pytest.approx(50 * (1 + ax.margins()[1]))
