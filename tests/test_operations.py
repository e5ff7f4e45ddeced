"""Precision-marketing operations: concepts as data, delivery-model boundaries, KPIs against plain pandas."""
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab import simulate
from crmlab.lang import localize
from crmlab.operations import (
    DELIVERY_MODELS,
    classify_delivery,
    crm_plan_steps,
    delivery_counts,
    delivery_model,
    example_products,
    growth_rates,
    localize_kpis,
    misreading_statements,
    monthly_activity,
    plot_delivery_map,
    precision_means,
    precision_misreadings,
    satisfaction_by_month,
    term,
)
from crmlab.transactions import TransactionLogError

HAN = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------------------------------------
# concepts as data
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", [precision_means, precision_misreadings, misreading_statements, crm_plan_steps])
def test_concept_tables_are_bilingual_and_aligned(table):
    en, zh = table("en"), table("zh")
    assert en.shape == zh.shape
    assert all(HAN.search(str(c)) for c in zh.columns)
    text_columns = [c for c in zh.columns if zh[c].dtype == object]
    assert all(HAN.search(v) for c in text_columns for v in zh[c])
    with pytest.raises(ValueError):
        table("fr")


def test_the_concepts_have_the_documented_counts():
    assert len(precision_means()) == 5
    assert len(precision_misreadings()) == 3
    assert [s.split(".")[0] for s in crm_plan_steps()["Step"]] == ["1", "2", "3", "4", "5"]
    statements = misreading_statements()
    # the three misreadings are the first three statements, and all are false
    assert statements["True?"].tolist()[:3] == [False, False, False]
    assert statements["True?"].sum() == 2


# ---------------------------------------------------------------------------------------------
# delivery models
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, standard, expected", [
    (1.0, 0.0, "professional_service"),
    (0.0, 1.0, "process_service"),
    (0.5, 0.5, "general_service"),
    (1.0, 1.0, "general_service"),
    (0.0, 0.0, "general_service"),
    (0.75, 0.5, "general_service"),     # gap == band (0.25): the boundary belongs to general service
    (0.5, 0.75, "general_service"),
    (0.765625, 0.5, "professional_service"),  # just above the band (exact binary fractions)
    (0.5, 0.765625, "process_service"),
])
def test_delivery_model_boundaries(value, standard, expected):
    assert delivery_model(value, standard) == expected


def test_delivery_band_moves_the_boundaries():
    assert delivery_model(0.75, 0.5, band=0.125) == "professional_service"
    assert delivery_model(0.9, 0.1, band=0.875) == "general_service"
    assert delivery_model(0.6, 0.5, band=0.0) == "professional_service"


@pytest.mark.parametrize("value, standard, error", [(1.5, 0.2, ValueError), (-0.1, 0.2, ValueError),
                                                    ("high", 0.2, TypeError), (True, 0.2, TypeError)])
def test_delivery_model_refuses_values_outside_the_scale(value, standard, error):
    with pytest.raises(error):
        delivery_model(value, standard)


@settings(max_examples=200, deadline=None)
@given(value=st.floats(0, 1), standard=st.floats(0, 1), band=st.floats(0, 1))
def test_table_and_scalar_rules_agree_and_mirror(value, standard, band):
    one = delivery_model(value, standard, band)
    table = pd.DataFrame({"value": [value], "standardisation": [standard]})
    assert classify_delivery(table, band=band).iloc[0] == one
    mirrored = {"professional_service": "process_service", "process_service": "professional_service",
                "general_service": "general_service"}
    assert delivery_model(standard, value, band) == mirrored[one]


def test_classify_delivery_validates_the_product_table():
    products = example_products()
    models = classify_delivery(products)
    assert models.tolist()[:2] == ["professional_service", "professional_service"]
    assert models.tolist()[-3] == "process_service"  # bottled water
    counts = delivery_counts(models)
    assert counts["delivery_model"].tolist() == list(DELIVERY_MODELS)
    assert counts["products"].sum() == len(products)
    with pytest.raises(ValueError, match="'value' has 2 value"):
        classify_delivery(products.assign(value=[1.2, -0.1] + [0.5] * 8))
    with pytest.raises(KeyError, match="price"):
        classify_delivery(products, value_col="price")
    with pytest.raises(ValueError, match="'standardisation' has 1 missing"):
        classify_delivery(products.assign(standardisation=[np.nan] + [0.5] * 9))
    shown = localize(classify_delivery(products).to_frame(), "zh")
    assert shown.columns.tolist() == ["交付模式"] and shown.iloc[0, 0] == "专业服务交付"
    assert localize(delivery_counts(models), "en").iloc[0].tolist() == ["Professional service", 4]


def test_delivery_map_draws_every_product_and_the_three_regions():
    matplotlib.use("Agg")
    products = example_products("zh")
    ax = plot_delivery_map(products, lang="zh")
    assert len(ax.texts) == 3 + len(products) and len(ax.collections) == 4
    offsets = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(offsets[:, 0], products["standardisation"])
    np.testing.assert_allclose(offsets[:, 1], products["value"])
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_title() == "交付模式"
    matplotlib.pyplot.close(ax.figure)


# ---------------------------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------------------------

SMALL = pd.DataFrame({
    "client": ["a", "b", "a", "c", "a", "d", "b"],
    "day": ["2024-01-01", "2024-01-15", "2024-02-03", "2024-02-28", "2024-03-31", "2024-04-02", "2024-04-10"],
    "total": [10.0, 20.0, 15.0, 30.0, 5.0, 8.0, 2.0],
})


def test_monthly_activity_hand_computed_and_partial_months_reported():
    act = monthly_activity(SMALL, "client", "day", "total")
    # April ends on the 10th: left out and reported; January starts on the 1st: kept
    assert act["month"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert act["active_customers"].tolist() == [2, 2, 1]
    assert act["new_customers"].tolist() == [2, 1, 0]
    assert act["customer_base"].tolist() == [2, 3, 3]
    assert act["sales"].tolist() == [30.0, 45.0, 5.0]
    assert act.attrs["dropped"] == [{"month": "2024-04", "rows": 2, "sales": 10.0}]
    rates = growth_rates(act)
    assert rates["customer_growth_rate"].tolist() == pytest.approx([0.0, -0.5])
    assert rates["base_growth_rate"].tolist() == pytest.approx([0.5, 0.0])
    assert rates["sales_growth_rate"].tolist() == pytest.approx([0.5, -8 / 9])
    full = monthly_activity(SMALL, "client", "day", "total", drop_partial_months=False)
    assert len(full) == 4 and full["new_customers"].iloc[-1] == 1 and full.attrs["dropped"] == []


def test_monthly_activity_fills_empty_months():
    log = pd.DataFrame({"c": ["a", "b"], "d": ["2024-01-10", "2024-03-10"], "x": [1.0, 2.0]})
    act = monthly_activity(log, "c", "d", "x", drop_partial_months=False)
    assert act["active_customers"].tolist() == [1, 0, 1]
    with pytest.raises(ValueError, match="'active_customers' is 0 in 1 month"):
        growth_rates(act)
    with pytest.raises(ValueError, match="no whole calendar month"):
        monthly_activity(log.iloc[:1], "c", "d", "x")


@pytest.mark.parametrize("change, message", [
    (lambda d: d.assign(total=[10.0, -1.0] + [1.0] * 5), "negative"),
    (lambda d: d.assign(day=["2024-01-01", "nope"] + ["2024-02-01"] * 5), "day"),
    (lambda d: d.assign(client=[None] + ["a"] * 6), "client"),
    (lambda d: d.drop(columns="total"), "total"),
])
def test_monthly_activity_validates_the_log(change, message):
    with pytest.raises((TransactionLogError, KeyError), match=message):
        monthly_activity(change(SMALL), "client", "day", "total")


def test_kpis_agree_with_plain_pandas_on_a_simulated_log():
    base = simulate.customer_base(800, seed=3, acquisition_weeks=40)
    log = base.transactions
    act = monthly_activity(log, "customer_id", "date", "amount", drop_partial_months=False)
    month = log["date"].dt.to_period("M")
    plain_active = log.groupby(month)["customer_id"].nunique()
    plain_sales = log.groupby(month)["amount"].sum()
    first = log.groupby("customer_id")["date"].min().dt.to_period("M").value_counts().sort_index()
    np.testing.assert_array_equal(act["active_customers"], plain_active.to_numpy())
    np.testing.assert_allclose(act["sales"], plain_sales.to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(act["new_customers"], first.reindex(plain_active.index, fill_value=0).to_numpy())
    assert act["customer_base"].iloc[-1] == log["customer_id"].nunique()
    rates = growth_rates(act)
    np.testing.assert_allclose(rates["sales_growth_rate"], plain_sales.pct_change().iloc[1:].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(rates["customer_growth_rate"], plain_active.pct_change().iloc[1:].to_numpy(), rtol=1e-12)


def test_satisfaction_by_month_against_plain_pandas_and_errors():
    customers = simulate.customer_base(600, seed=4, acquisition_weeks=30).customers
    table = satisfaction_by_month(customers, satisfied_min=4)
    month = customers["first_purchase"].dt.to_period("M")
    plain = customers.groupby(month)["satisfaction"].agg(["size", "mean"])
    np.testing.assert_array_equal(table["respondents"], plain["size"].to_numpy())
    np.testing.assert_allclose(table["mean_satisfaction"], plain["mean"].to_numpy(), rtol=1e-12)
    share = (customers["satisfaction"] >= 4).groupby(month).mean()
    np.testing.assert_allclose(table["satisfied_share"], share.to_numpy(), rtol=1e-12)
    assert table["respondents"].sum() == len(customers)
    with pytest.raises(ValueError, match="'satisfaction' has 2 score"):
        satisfaction_by_month(customers.assign(satisfaction=[0, 9] + [3] * (len(customers) - 2)))
    with pytest.raises(ValueError, match="'first_purchase' has 1 row"):
        satisfaction_by_month(customers.assign(first_purchase=["x"] + ["2024-01-01"] * (len(customers) - 1)))


def test_terms_and_kpi_headers_translate():
    assert term("customer_growth_rate", "zh") == "客户增长率"
    frame = pd.DataFrame({"month": [1], "sales_growth_rate": [0.1], "delivery_model": ["process_service"],
                          "own": [1]})
    zh = localize_kpis(frame, "zh")
    assert zh.columns.tolist() == ["月份", "销售额增长率", "交付模式", "own"]
    assert zh.iloc[0, 2] == "流程服务交付"
    with pytest.raises(KeyError):
        term("unknown")


def test_precision_counterexamples_are_computed_and_the_precise_plan_wins():
    from crmlab import operations as ops

    table = ops.precision_counterexamples().set_index("item")
    assert len(table) == 8 and (table["kind"] == "means").sum() == 5 and (table["kind"] == "misreading").sum() == 3
    assert (table["precise_result"] > table["rough_result"]).all()
    # independent arithmetic for a few rows
    assert table.loc["targeted_advertising", "rough_result"] == pytest.approx(1_000_000 * 0.002 * 30 - 50_000)
    assert table.loc["one_step_precise", "rough_result"] == pytest.approx(0.5 * 0.8 * 0.5 * 0.4)
    assert table.loc["one_step_precise", "precise_result"] == pytest.approx(0.55 * 0.44 * 0.55 * 0.95)
    from scipy.stats import poisson

    assert table.loc["integrated_channels", "precise_result"] == pytest.approx(1 - poisson.cdf(2, 3.6))
    assert table.loc["integrated_channels", "rough_result"] == pytest.approx(1 - poisson.cdf(2, 1.2) ** 3)
    # spreading thinly over five regions sells nothing; two regions are best
    assert ops.deep_market_profit(5) == 0 and max(range(1, 6), key=ops.deep_market_profit) == 2
    with pytest.raises(ValueError, match="regions"):
        ops.deep_market_profit(0)
    with pytest.raises(ValueError, match="shares"):
        ops.chain_conversion([0.5, 1.5])
    assert ops.precision_counterexamples("zh").columns[0] == "手段或误区"


def test_precision_counterexamples_in_chinese_keep_the_numbers_and_translate_every_text():
    from crmlab import operations as ops

    en, zh = ops.precision_counterexamples(), ops.precision_counterexamples("zh")
    assert en.shape == zh.shape
    assert (en.select_dtypes("number").to_numpy() == zh.select_dtypes("number").to_numpy()).all()
    text_columns = [c for c in zh.columns if not pd.api.types.is_numeric_dtype(zh[c])]
    assert len(text_columns) == 5
    assert all(HAN.search(v) for c in text_columns for v in zh[c])
    assert en["rough_plan"].iloc[0].startswith("spread 600 over 5 regions")


def test_kpi_and_satisfaction_sentences_are_bilingual():
    from crmlab import operations as ops
    from crmlab.lang import label

    activity = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    activity.attrs["dropped"] = []
    assert ops.describe_kpi_months(10, 9, activity) == "10 rows in, 9 kept; 2 whole months; left out: nothing"
    assert ops.describe_kpi_months(10, 9, activity, "zh").endswith("未计入：无")
    numbers = dict(mean=3.373, share=0.484, satisfied_min=4, low=0.417, high=0.528)
    assert label("operations_satisfaction_sentence").format(**numbers) == (
        "mean satisfaction 3.37 of 5; 48.4% score 4 or more; monthly share satisfied from 41.7% to 52.8%")
    assert HAN.search(label("operations_satisfaction_sentence", "zh").format(**numbers))
