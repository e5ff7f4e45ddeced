"""crmlab.segmentation: segment migration, the one-import API, examples in docstrings, Chinese plots.

The value matrix, ABC classes, clustering and targeting have their own test files
(test_value_matrix.py, test_abc_classes.py, test_clustering.py, test_targeting.py).
"""
import doctest
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmlab.abc_classes
import crmlab.clustering
import crmlab.segmentation as seg
import crmlab.targeting
import crmlab.value_matrix
from crmlab.lang import localize, terms
from crmlab.plotting import use_theme

BEFORE = pd.Series({"c1": "A", "c2": "A", "c3": "A", "c4": "B", "c5": "B", "c6": "C"})
AFTER = pd.Series({"c1": "A", "c2": "B", "c3": "C", "c4": "B", "c5": "B", "c7": "A", "c8": "C"})


def test_migration_counts_hand_case():
    table = seg.segment_migration(BEFORE, AFTER)
    assert table.index.tolist() == ["A", "B", "C", "new"]
    assert table.columns.tolist() == ["A", "B", "C", "gone"]
    assert table.to_numpy().tolist() == [
        [1, 1, 1, 0],  # A stays once, moves to B once and to C once
        [0, 2, 0, 0],  # both B stay
        [0, 0, 0, 1],  # c6 is gone
        [1, 0, 1, 0],  # c7 and c8 are new
    ]


def test_migration_row_shares():
    shares = seg.segment_migration(BEFORE, AFTER, shares=True)
    assert shares.loc["A"].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3, 0])
    assert shares.loc["C", "gone"] == 1.0
    assert shares.loc["new"].tolist() == [0.5, 0, 0.5, 0]
    assert shares.sum(axis=1).to_numpy() == pytest.approx(1.0)


def test_migration_keeps_category_order_and_empty_rows_stay_zero():
    order = ["C", "B", "A", "D"]
    before = BEFORE.astype(pd.CategoricalDtype(order))
    shares = seg.segment_migration(before, AFTER, shares=True)
    assert shares.index.tolist() == ["C", "B", "A", "D", "new"]
    assert shares.loc["D"].tolist() == [0, 0, 0, 0, 0]


def test_migration_display_and_bad_input():
    table = localize(seg.segment_migration(BEFORE, AFTER), "zh")
    assert table.index.name == "第一期所属群体" and table.columns.name == "第二期所属群体"
    assert table.index[-1] == "新进入" and table.columns[-1] == "已离开"
    numbered = seg.segment_migration(pd.Series({"a": 1, "b": 2}), pd.Series({"a": 2, "b": 2}))
    assert numbered.columns.tolist() == [1, 2, "gone"]
    assert localize(numbered, "en").columns.tolist() == [1, 2, "Gone"]
    with pytest.raises(ValueError, match="`after` has 2 missing segment"):
        seg.segment_migration(BEFORE, AFTER.where(AFTER != "C"))
    with pytest.raises(ValueError, match="`before` has 1 duplicated customer id"):
        seg.segment_migration(pd.Series(["A", "B"], index=["c1", "c1"]), AFTER)
    with pytest.raises(TypeError, match="pandas Series"):
        seg.segment_migration(BEFORE.to_dict(), AFTER)


@settings(max_examples=60, deadline=None)
@given(
    before=st.dictionaries(st.integers(0, 40), st.sampled_from("ABCD"), max_size=30),
    after=st.dictionaries(st.integers(0, 40), st.sampled_from("ABCE"), max_size=30),
)
def test_migration_accounts_for_every_customer(before, after):
    before, after = pd.Series(before, dtype=object), pd.Series(after, dtype=object)
    if before.empty and after.empty:
        return
    table = seg.segment_migration(before, after)
    assert table.to_numpy().sum() == len(set(before.index) | set(after.index))
    row_totals = table.drop(index="new").sum(axis=1)
    assert row_totals.to_dict() == {s: int((before == s).sum()) for s in row_totals.index}
    column_totals = table.drop(columns="gone").sum(axis=0)
    assert column_totals.to_dict() == {s: int((after == s).sum()) for s in column_totals.index}
    assert table.loc["new", "gone"] == 0


def test_matrix_clusters_migrate_between_two_periods_of_a_simulated_base():
    """End to end: the same matrix thresholds applied to two half-years of purchases."""
    from crmlab.simulate import customer_base

    base = customer_base(1_500, seed=2)
    log = base.transactions
    split = pd.Timestamp("2024-10-01")
    customers = base.customers.set_index("customer_id")
    first = customers.assign(total_spend=log[log["date"] < split].groupby("customer_id")["amount"].sum())
    second = customers.assign(total_spend=log[log["date"] >= split].groupby("customer_id")["amount"].sum())
    first, second = first.dropna(subset=["total_spend"]), second.dropna(subset=["total_spend"])
    matrix = seg.ValueSatisfactionMatrix(satisfaction_thresholds=(2, 3)).fit(first)
    before = matrix.assign(first)["matrix_class"]
    after = matrix.assign(second)["matrix_class"]
    table = seg.segment_migration(before, after)
    assert table.to_numpy().sum() == len(first.index.union(second.index))
    assert table.loc["new"].sum() == len(second.index.difference(first.index))
    assert table["gone"].sum() == len(first.index.difference(second.index)) > 0


def test_every_public_name_is_exported_and_documented():
    for name in seg.__all__:
        item = getattr(seg, name)
        if callable(item):
            assert item.__doc__ and len(item.__doc__) > 40, name
    for module in (crmlab.value_matrix, crmlab.abc_classes, crmlab.clustering, crmlab.targeting):
        assert set(module.__all__) <= set(seg.__all__) | {"level_thresholds"}, module.__name__


@pytest.mark.parametrize("module", [seg, crmlab.value_matrix, crmlab.abc_classes, crmlab.clustering,
                                    crmlab.targeting])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, extraglobs={"pd": pd, "np": np}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_new_vocabulary_is_bilingual_and_plots_render_in_chinese():
    keys = [k for k in terms() if k.startswith(("matrix_class", "abc_class", "reason_", "condition_", "migration_"))]
    assert len(keys) > 30
    use_theme("zh")
    plot = seg.plot_migration(BEFORE, AFTER, lang="zh")
    assert len(plot.texts) == 16
    assert plot.texts[0].get_text() == "33%\n(1)"
    plot.figure.savefig(io.BytesIO(), format="png")


def _two_period_log() -> pd.DataFrame:
    """Hand-made log: a heavy buyer in both periods, a light one who leaves, one who only comes later."""
    rows = [("heavy", d, 100.0) for d in ("2024-01-03", "2024-01-10", "2024-01-20", "2024-01-30")]
    rows += [("heavy", d, 100.0) for d in ("2024-02-05", "2024-02-12", "2024-02-20", "2024-02-28")]
    rows += [("light", "2024-01-02", 5.0), ("light2", "2024-01-05", 6.0), ("light2", "2024-02-27", 7.0)]
    rows += [("late", "2024-02-10", 8.0), ("late", "2024-02-10", 2.0)]  # two lines on one day = one order
    return pd.DataFrame(rows, columns=["who", "day", "paid"]).assign(day=lambda f: pd.to_datetime(f["day"]))


def test_two_period_segments_measures_each_period_and_keeps_one_scale():
    result = seg.two_period_segments(_two_period_log(), "who", "day", "paid", split="2024-01-31", n_segments=2)
    assert result.periods == tuple(pd.Timestamp(d) for d in ("2024-01-02", "2024-01-31", "2024-02-01", "2024-02-28"))
    before, after = result.behaviour_before, result.behaviour_after
    assert sorted(before.index) == ["heavy", "light", "light2"]
    assert sorted(after.index) == ["heavy", "late", "light2"]
    assert before.loc["heavy"].tolist() == [4.0, 400.0, 1.0]  # 4 orders, 400 spent, last buy 1 day before Jan 31
    assert after.loc["late"].tolist() == [1.0, 10.0, 18.0]  # same-day lines merge into one order
    # the heavy buyer is alone in its segment in period 1 and stays there: the model of period 1 places period 2
    heavy = result.before["heavy"]
    assert (result.before == heavy).sum() == 1
    assert result.after["heavy"] == heavy and result.after["late"] != heavy
    table = seg.segment_migration(result.before, result.after)
    assert table.to_numpy().sum() == 4  # heavy, light, light2, late: each counted once
    assert table["gone"].sum() == 1 and table.loc["new"].sum() == 1


def test_two_period_segments_default_split_and_bad_input():
    log = _two_period_log()
    result = seg.two_period_segments(log, "who", "day", "paid", n_segments=2)
    assert result.periods[1] == pd.Timestamp("2024-01-30")  # middle of 2024-01-02 .. 2024-02-28
    with pytest.raises(ValueError, match="no column 'amount'"):
        seg.two_period_segments(log, "who", "day", "amount")
    with pytest.raises(ValueError, match="split 2024-03-01"):
        seg.two_period_segments(log, "who", "day", "paid", split="2024-03-01")
    bad = log.assign(day=log["day"].astype(str).where(log.index != 0, "not a day"))
    with pytest.raises(ValueError, match="1 missing or unparsable"):
        seg.two_period_segments(bad, "who", "day", "paid")
