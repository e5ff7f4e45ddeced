"""Compute, then display: a computing function's result does not change with ``lang``.

Every public non-plotting crmlab callable that takes ``lang`` (or computes and took it once) is listed here
in one of two groups:

* ``COMPUTING``: returns a table of numbers with stable keys (column names, category codes) and takes
  no ``lang``: a lecture shows it with ``crmlab.lang.localize(result, lang)``. Each has a small case below.
* ``TEXT``: produces what a reader reads (sentences, concept tables of the course's prose, the
  vocabulary and display helpers themselves): its language is its content.

A new callable with ``lang`` that is in no group fails the audit test, so a new function has to be
classified (and a computing one given keys) when it is added.
"""
from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab.lang import localize

PLOTTING_WORDS = ("plot", "draw", "figure", "chart", "render", "show", "colour_scale")


def _lang_callables() -> set[str]:
    """``module.function`` / ``module.Class.method`` of every public crmlab callable with a ``lang`` parameter."""
    found = set()
    for info in pkgutil.walk_packages(crmlab.__path__, "crmlab."):
        module = importlib.import_module(info.name)
        short = info.name.removeprefix("crmlab.")
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != info.name:
                continue
            if inspect.isfunction(obj):
                members = [(name, obj)]
            elif inspect.isclass(obj):
                members = [(f"{name}.{k}", v) for k, v in vars(obj).items()
                           if inspect.isfunction(v) and not k.startswith("_")]
            else:
                continue
            for qualname, function in members:
                if "lang" in inspect.signature(function).parameters:
                    found.add(f"{short}.{qualname}")
    return found


def _is_plotting(name: str) -> bool:
    return any(word in name.lower() for word in PLOTTING_WORDS)


COMPUTING = {
    "abc_classes.abc_summary",
    "abc_classes.abc_classes",
    "concentration.concentration_table",
    "lifecycle.lead_funnel",
    "lifecycle.stage_migration",
    # keys and no lang (issue 10, item 1, modules B)
    "frameworks.audit_framework", "frameworks.gap_analysis", "leads.source_report", "leads.response_time_report",
    "leads.LeadScorer.coefficients", "leads.handover_summary", "leads.rep_workload",
    "lifecycle.stage_counts_over_time", "operations.classify_delivery", "operations.delivery_counts",
    "promotion.allocation_table", "promotion.optimal_allocation", "rfm.segment_profile", "rfm.score_summary",
    "survival.survival_summary", "targeting.target_groups", "targeting.lookalike_groups",
    "transactions.cleaning_table",
    "value_matrix.ValueSatisfactionMatrix.thresholds",
    "value_matrix.ValueSatisfactionMatrix.table",
    "value_matrix.ValueSatisfactionMatrix.class_summary",
    "value_matrix.ValueSatisfactionMatrix.assign",
    "value_matrix.value_satisfaction_cells",
    "value_matrix.class_profile",
    "relationship.class_counts",
    "relationship.tier_summary",
    "relationship.contact_summary",
    "relationship.SatisfactionLoyalty.table",
    "philosophies.effort_table",
    "philosophies.winners_table",
    "philosophies.market_summary",
    "philosophies.supply_summary",
    "migration.segment_migration",
    "clustering.segment_profiles",
    "clustering.variable_overview",
    "clustering.mixed_membership",
    "first_look.glance",
    "first_look.glance_synthetic",
}

TEXT = {
    "_table_checks.require_lang_or_none", "lang.check_lang", "lang.label", "lang.translate_columns",
    "lang.translate_values", "lang.localize", "lang.Vocabulary.term", "lang.Vocabulary.localize",
    "clustering.feature_label", "clv.describe_worksheet", "clv.describe_retention_clv",
    "clv.describe_lifetime_check", "course_map.datasets_text", "course_map.course_map", "datasets.catalog_text",
    "glossary.markdown", "leads.term", "leads.localize_lead_log", "leads.describe_cheapest_sources",
    "lifecycle.empty_stages_text", "lifecycle.stage_table", "operations.term", "operations.localize_kpis",
    "operations.precision_means", "operations.precision_misreadings", "operations.misreading_statements",
    "operations.crm_plan_steps", "operations.example_products", "operations.describe_kpi_months",
    "operations.precision_counterexamples", "philosophies.philosophies_table", "philosophies.proverb",
    "philosophies.selling_vs_marketing", "privacy.data_protection_principles", "promotion.tools_table",
    "promotion.explain_optimum", "relationship.relationship_vs_transactional",
    "relationship.crm_marketing_methods", "relationship.b2b_b2c_statements", "relationship.localize_features",
    "response.comparison_for_display", "rfm.segment_actions", "simulate.persona_table",
    "targeting.choose_market_strategy", "targeting.market_strategy_rules", "transactions.explain_error",
    "transactions.describe_cleaning", "value_matrix.describe_class_counts", "value_matrix.describe_top_motives",
    "value_matrix.describe_loyalty_gaps", "value_matrix.matrix_class_table", "closed_loop.loop_steps",
    "frameworks.framework_elements", "frameworks.frameworks_overview", "frameworks.correspondence_table",
    "frameworks.case_evidence", "site.LectureInfo.title", "first_look.catalog_table",
}



def test_every_callable_with_lang_is_classified():
    groups = (COMPUTING, TEXT)
    listed = set().union(*groups)
    assert sum(map(len, groups)) == len(listed), "a callable is in two groups"
    non_plotting = {name for name in _lang_callables() if not _is_plotting(name)}
    unclassified = sorted(non_plotting - listed)
    assert not unclassified, f"classify these callables (computing ones must return keys): {unclassified}"
    gone = sorted(listed - COMPUTING - non_plotting)
    assert not gone, f"these no longer take lang (or were renamed): drop them from the lists: {gone}"
    still = sorted(COMPUTING & non_plotting)
    assert not still, f"computing functions take no lang (show them with crmlab.lang.localize): {still}"


def test_every_computing_function_exists():
    for name in sorted(COMPUTING):
        module, *attributes = name.split(".")
        target = importlib.import_module(f"crmlab.{module}")
        for attribute in attributes:
            target = getattr(target, attribute)
        assert callable(target), name


# ---------------------------------------------------------------------------------------------
# the computing functions: keys whatever the language
# ---------------------------------------------------------------------------------------------
def _matrix_and_customers():
    from crmlab.value_matrix import ValueSatisfactionMatrix

    rng = np.random.default_rng(7)
    customers = pd.DataFrame({"total_spend": rng.gamma(2.0, 50.0, 300), "satisfaction": rng.integers(1, 6, 300)})
    return ValueSatisfactionMatrix(satisfaction_thresholds=(2, 3)).fit(customers), customers


def _values():
    return pd.Series(np.random.default_rng(3).pareto(1.5, 200) * 10, index=[f"c{i}" for i in range(200)])


def _case(name: str):
    """A computing function called on a small case (without ``lang``: it takes none)."""
    if name == "abc_classes.abc_summary":
        from crmlab.abc_classes import abc_summary
        values = _values()
        return lambda: abc_summary(values, (0.7, 0.9))
    if name == "abc_classes.abc_classes":
        from crmlab.abc_classes import abc_classes
        values = _values()
        return lambda: abc_classes(values, (0.7, 0.9))
    if name == "concentration.concentration_table":
        from crmlab.concentration import concentration_table
        values = _values()
        return lambda: concentration_table(values)
    if name in _MORE_CASES:
        return _MORE_CASES[name]()
    if name in _keyed_cases():
        return _keyed_cases()[name]
    matrix, customers = _matrix_and_customers()
    method = name.rsplit(".", 1)[1]
    if method == "thresholds":
        return matrix.thresholds
    if method == "table":
        return lambda: matrix.table(customers, "volume_share")
    if method == "assign":
        return lambda: matrix.assign(customers)
    if name == "value_matrix.value_satisfaction_cells":
        from crmlab.value_matrix import value_satisfaction_cells
        return lambda: value_satisfaction_cells(customers, satisfaction_thresholds=(2, 3))
    if name == "value_matrix.class_profile":
        from crmlab.value_matrix import class_profile
        values = pd.DataFrame({"churned": customers["satisfaction"] < 3, "total_spend": customers["total_spend"]})
        return lambda: class_profile(matrix.assign(customers)["matrix_class"], values)
    return lambda: matrix.class_summary(customers)


def _relationship_cases() -> dict:
    from crmlab import relationship as rel

    rng = np.random.default_rng(5)
    tiers = rel.service_tiers(pd.Series(rng.gamma(2.0, 50.0, 40)))
    plan = pd.DataFrame({"value": [10.0, 30, 60], "action": ["key_contact", "win_back", "key_contact"]})
    survey = pd.DataFrame({"satisfaction": rng.integers(1, 6, 200), "true_alive_at_end": rng.random(200) < 0.5})
    link = rel.satisfaction_loyalty(survey)
    return {
        "relationship.class_counts": lambda: lambda: rel.class_counts(pd.Series(["new", "new", "lost", "existing"])),
        "relationship.tier_summary": lambda: lambda: rel.tier_summary(tiers),
        "relationship.contact_summary": lambda: lambda: rel.contact_summary(plan),
        "relationship.SatisfactionLoyalty.table": lambda: link.table,
    }


def _philosophies_cases() -> dict:
    from crmlab import philosophies as ph

    market = ph.simulate_market(ph.MarketCondition(scarcity=0.5), seed=1)
    supply = [ph.simulate_supply("push", seed=1), ph.simulate_supply("pull", seed=1)]
    winners = {"shortage": {"scarcity": 0.9, "heterogeneity": 0.3, "competition": 0.5, "profit": "production",
                            "welfare": "societal"}}
    return {
        "philosophies.effort_table": lambda: ph.effort_table,
        "philosophies.winners_table": lambda: lambda: ph.winners_table(winners),
        "philosophies.market_summary": lambda: lambda: ph.market_summary(market),
        "philosophies.supply_summary": lambda: lambda: ph.supply_summary(supply),
    }


def _migration_case():
    from crmlab.migration import segment_migration

    before = pd.Series({"c1": 1, "c2": 1, "c3": 2, "c4": 2})
    after = pd.Series({"c1": 1, "c2": 2, "c3": 2, "c5": 1})
    return lambda: segment_migration(before, after, shares=True)


def _clustering_cases() -> dict:
    from crmlab import clustering

    customers = pd.DataFrame({"age": [20, 30, 40, 50, 60, 70], "my_col": [1.0, 2, 3, 4, 5, 6],
                              "occupation": ["student", "retired", "student", "student", "retired", "retired"]})
    segments = pd.Series([1, 1, 2, 2, 3, 3])
    probabilities = pd.DataFrame({1: [0.9, 0.5, 0.2], 2: [0.1, 0.45, 0.2], 3: [0.0, 0.05, 0.6]}, index=list("xyz"))
    return {
        "clustering.segment_profiles": lambda: lambda: clustering.segment_profiles(
            customers, segments, ["age", "my_col"]),  # (category levels make "column: level" names)
        "clustering.variable_overview": lambda: lambda: clustering.variable_overview(
            customers, ["age", "occupation", "my_col"]),
        "clustering.mixed_membership": lambda: lambda: clustering.mixed_membership(probabilities),
    }


def _glance_cases() -> dict:
    from crmlab import first_look

    def synthetic():
        from crmlab.simulate import customer_base
        base = customer_base(200, seed=1)
        return lambda: first_look.glance_synthetic(base).facts

    return {"first_look.glance": lambda: lambda: first_look.glance("donations").facts,
            "first_look.glance_synthetic": synthetic}


_MORE_CASES: dict = {**_relationship_cases(), **_philosophies_cases(), **_clustering_cases(), **_glance_cases(),
                     "migration.segment_migration": _migration_case}


@functools.cache
def _keyed_cases() -> dict[str, object]:
    """``{name: compute}`` for the computing functions that take no ``lang`` (small real cases)."""
    from crmlab import frameworks, leads, lifecycle, operations, promotion, rfm, survival, targeting, transactions

    scores = frameworks.case_scores(frameworks.load_case("home_appliance"))
    lead_log = leads.simulate_leads(400, seed=1)
    plan = leads.handover(lead_log.assign(score=leads.LeadScorer().fit(lead_log).score(lead_log)), 50, 24, 2)
    rng = np.random.default_rng(11)
    log = pd.DataFrame({"customer": rng.integers(0, 40, 300).astype(str),
                        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, 300), unit="D"),
                        "amount": rng.gamma(2.0, 20.0, 300)})
    summary = rfm.summarize(log, "customer", "date", "amount", observation_end="2024-12-31")
    people = pd.DataFrame({"orders": [3, 0, 0, 0], "fit": [0.1, 0.9, 0.2, 0.9], "value": [0, 500, 20, 10]})
    subscribers = pd.DataFrame({"months": [2, 4, 6, 8, 3, 9], "left": [1, 1, 0, 0, 1, 0],
                                "plan": ["monthly"] * 3 + ["annual"] * 3})
    products = operations.example_products()
    dirty = pd.concat([log, log.head(3)], ignore_index=True)
    before = pd.Series({"a": "development", "b": "maturity", "c": "maturity", "d": "decline"})
    after = pd.Series({"a": "growth", "b": "maturity", "c": "decline", "d": "termination", "e": "development"})
    return {
        "frameworks.audit_framework": lambda: frameworks.audit_framework(scores, "11P"),
        "frameworks.gap_analysis": lambda: frameworks.gap_analysis(scores),
        "leads.source_report": lambda: leads.source_report(lead_log),
        "leads.response_time_report": lambda: leads.response_time_report(lead_log),
        "leads.LeadScorer.coefficients": lambda: leads.LeadScorer().fit(lead_log).coefficients(),
        "leads.handover_summary": lambda: leads.handover_summary(plan),
        "leads.rep_workload": lambda: leads.rep_workload(plan, 2, working_days=30),
        "lifecycle.lead_funnel": lambda: lifecycle.lead_funnel([1000, 400, 100, 40, 30]),
        "lifecycle.stage_migration": lambda: lifecycle.stage_migration(before, after, shares=True),
        "lifecycle.stage_counts_over_time": lambda: lifecycle.stage_counts_over_time(
            log, "customer", "date", "amount", ["2024-06-30", "2024-12-31"]),
        "operations.classify_delivery": lambda: operations.classify_delivery(products).to_frame(),
        "operations.delivery_counts": lambda: operations.delivery_counts(operations.classify_delivery(products)),
        "promotion.allocation_table": lambda: promotion.allocation_table(dict.fromkeys(promotion.PROMOTION_TOOLS, 60.0)),
        "promotion.optimal_allocation": lambda: promotion.optimal_allocation(300.0),
        "rfm.segment_profile": lambda: rfm.segment_profile(summary, rfm.rfm_segments(rfm.rfm_scores(summary))),
        "rfm.score_summary": lambda: rfm.score_summary(summary, "frequency", bins=3),
        "survival.survival_summary": lambda: survival.survival_summary(subscribers, "months", "left", "plan"),
        "targeting.target_groups": lambda: targeting.target_groups(people, "orders", "fit", "value",
                                                                   attractiveness_threshold=100),
        "targeting.lookalike_groups": lambda: targeting.lookalike_groups(
            pd.Series([True, False, False, True, True, False]), pd.Series([1, 1, 1, 2, 2, 2]), 0.5),
        "transactions.cleaning_table": lambda: transactions.cleaning_table(
            transactions.clean(dirty, "customer", "date", "amount")[1]),
    }


def _names(frame: pd.DataFrame) -> list[object]:
    names = [*frame.columns, *frame.index.names, *frame.columns.names]
    for axis in (frame.index, frame.columns):
        if axis.dtype == object or isinstance(axis.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            names.extend(axis)
    return [n for n in names if n is not None]


@pytest.mark.parametrize("name", sorted(COMPUTING))
def test_computing_result_has_keys_and_lang_only_changes_the_display(name):
    from crmlab.plotting import use_theme

    compute = _case(name)
    keyed = compute()
    use_theme("zh")  # the theme (a lecture's language) must not leak into the computed result
    try:
        again = compute()
    finally:
        use_theme("en")
    if isinstance(keyed, pd.Series):  # a Series of numbers (handover_summary): checked as its one-column frame
        pd.testing.assert_series_equal(keyed, again)
        shown = localize(keyed, "zh").to_frame()
        keyed = keyed.to_frame()
    else:
        pd.testing.assert_frame_equal(keyed, again)
        shown = localize(keyed, "zh")
    for key in _names(keyed):  # keys are identifiers, not display text (no spaces, no capitals, no Chinese)
        assert isinstance(key, (int, np.integer)) or str(key).isidentifier() and str(key) == str(key).lower() \
            or str(key) in {"A", "B", "C", "D", "E"}, f"{name}: {key!r} is not a key"
    assert [*shown.columns, *shown.index.names] != [*keyed.columns, *keyed.index.names], \
        f"{name}: nothing shown in Chinese"


def test_localize_shows_english_as_the_lectures_printed_it():
    from crmlab.abc_classes import abc_summary

    shown = localize(abc_summary(pd.Series([50, 30, 10, 5, 5], index=list("abcde"))), "en")
    assert shown.columns.tolist() == ["Customers", "Share of customers", "Value", "Share of value",
                                      "Smallest value", "Service"]
    assert shown.index.tolist() == ["A", "B", "C"] and shown.index.name == "ABC class"
    assert shown["Service"].iloc[0] == "One-to-one (key-account manager)"
