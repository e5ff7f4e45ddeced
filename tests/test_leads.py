"""Lead sources, lead scoring and the marketing → sales hand-over: hand-computed logs, properties, errors."""
import re

import numpy as np
import pandas as pd
import pytest

from crmlab.lang import localize
from crmlab.models import NotFittedError
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from crmlab.leads import (
    SIGNAL_COLUMNS,
    SOURCES,
    LeadScorer,
    handover,
    handover_summary,
    rep_workload,
    response_time_report,
    simulate_leads,
    source_report,
    term,
    validate_leads,
    working_hours,
)


@pytest.fixture(scope="module")
def leads():
    return simulate_leads(4000, seed=5)


def _log(times, scores, probs=None):
    frame = pd.DataFrame({"created_at": pd.to_datetime(times), "score": scores})
    if probs is not None:
        frame["prob"] = probs
    return frame


# ---------------------------------------------------------------------------------------------
# generator
# ---------------------------------------------------------------------------------------------


def test_generator_is_seeded_and_documents_its_columns(leads):
    again = simulate_leads(4000, seed=5)
    pd.testing.assert_frame_equal(leads, again)
    assert not simulate_leads(4000, seed=6).equals(leads)
    assert leads["lead_id"].is_unique and leads["created_at"].is_monotonic_increasing
    assert set(leads["source"]) <= {s.key for s in SOURCES}
    assert set(leads["converted"]) <= {0, 1} and set(leads["demo_request"]) <= {0, 1}
    called = leads["first_call_at"].notna()
    assert (leads.loc[called, "first_call_at"] >= leads.loc[called, "created_at"]).all()
    assert leads.loc[~called, "converted"].sum() == 0, "a lead never called cannot convert"
    assert 0.10 < (~called).mean() < 0.20


def test_generator_costs_and_intent_follow_the_sources(leads):
    by_source = leads.groupby("source")
    for source in SOURCES:
        costs = by_source.get_group(source.key)["cost"]
        # Gamma(4, mean/4): standard error of the mean is mean / (2 sqrt(n))
        assert abs(costs.mean() - source.mean_cost) < 4 * source.mean_cost / (2 * np.sqrt(len(costs)))
        intent = by_source.get_group(source.key)["true_intent"]
        assert abs(intent.mean() - source.intent_shift) < 4 / np.sqrt(len(intent))
    shares = leads["source"].value_counts(normalize=True)
    for source in SOURCES:
        assert abs(shares[source.key] - source.share) < 0.03


def test_conversion_falls_with_the_wait_for_the_first_call():
    big = simulate_leads(20000, seed=1)
    table = response_time_report(big).set_index("response_band")
    rates = table["lead_conversion_rate"]
    assert rates["band_1_4h"] > rates["band_4_24h"] > rates["band_24_72h"] > rates["band_over_72h"]
    assert rates["band_never"] == 0.0
    assert table["leads"].sum() == len(big)


def test_generator_refuses_bad_settings():
    with pytest.raises(ValueError, match="n_leads"):
        simulate_leads(0)
    with pytest.raises(ValueError, match="share"):
        simulate_leads(10, sources=[SOURCES[0].__class__("x", 0.0, 1.0, 0.0)])


# ---------------------------------------------------------------------------------------------
# source tracking
# ---------------------------------------------------------------------------------------------


def test_source_report_hand_computed():
    log = pd.DataFrame({"channel": ["fair", "fair", "web", "web", "web", "mail"],
                        "spend": [100.0, 300.0, 10.0, 20.0, 30.0, 5.0], "won": [1, 1, 0, 1, 0, 0]})
    report = source_report(log, "channel", "spend", "won").set_index("lead_source")
    assert report.loc["fair", "cost_per_lead"] == 200.0
    assert report.loc["fair", "cost_per_customer"] == 200.0
    assert report.loc["web", "cost_per_lead"] == 20.0
    assert report.loc["web", "lead_conversion_rate"] == pytest.approx(1 / 3)
    assert report.loc["web", "cost_per_customer"] == 60.0
    assert np.isinf(report.loc["mail", "cost_per_customer"]), "money spent and no customer"
    assert report.index.tolist() == ["web", "fair", "mail"], "sorted by cost per customer"
    assert report["lead_share"].sum() == pytest.approx(1.0)


def test_source_report_agrees_with_plain_pandas(leads):
    report = source_report(leads).set_index("lead_source")
    plain = leads.groupby("source").agg(n=("lead_id", "size"), cost=("cost", "sum"), won=("converted", "sum"))
    plain = plain.loc[report.index]
    np.testing.assert_allclose(report["cost_per_lead"], plain["cost"] / plain["n"], rtol=1e-12)
    np.testing.assert_allclose(report["lead_conversion_rate"], plain["won"] / plain["n"], rtol=1e-12)
    np.testing.assert_allclose(report["cost_per_customer"], plain["cost"] / plain["won"], rtol=1e-12)
    assert (report["cost_per_customer"].diff().dropna() >= 0).all()


def test_source_report_translates_known_sources_only():
    log = pd.DataFrame({"source": ["referral", "own_fair"], "cost": [1.0, 2.0], "converted": [1, 1]})
    zh = localize(source_report(log), "zh")
    assert zh.columns[0] == "线索来源"
    assert set(zh["线索来源"]) == {"客户推荐", "own_fair"}


def test_response_time_report_hand_computed():
    log = pd.DataFrame({
        "in": pd.to_datetime(["2025-01-01 09:00"] * 5),
        "call": pd.to_datetime(["2025-01-01 09:59", "2025-01-01 10:00", "2025-01-02 09:00", "2025-01-05 09:00", None]),
        "won": [1, 1, 0, 0, 0]})
    table = response_time_report(log, "in", "call", "won")
    assert table["leads"].tolist() == [1, 1, 0, 1, 1, 1], "1 h goes to 1-4 h, exactly 24 h to 1-3 days"
    assert table["lead_conversion_rate"].tolist() == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0]


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


def _good():
    return pd.DataFrame({"lead_id": ["a", "b", "c"], "source": ["x", "y", "x"],
                         "created_at": ["2025-01-01 09:00", "2025-01-01 10:00", "2025-01-02 11:00"],
                         "cost": [10.0, 20.0, 5.0], "converted": [0, 1, 0]})


@pytest.mark.parametrize("change, error, message", [
    (lambda d: d.drop(columns="cost"), KeyError, r"lacks column\(s\) \['cost'\]"),
    (lambda d: d.assign(cost=[10.0, -1.0, -2.0]), ValueError, "'cost' has 2 negative"),
    (lambda d: d.assign(cost=["10", "x", "5"]), TypeError, "'cost' must hold numbers; 1 row"),
    (lambda d: d.assign(created_at=["2025-01-01", "never", "soon"]), ValueError, "'created_at' has 2 row"),
    (lambda d: d.assign(converted=[0, 2, 1]), ValueError, "'converted' must hold 0/1 .* 1 row"),
    (lambda d: d.assign(lead_id=["a", "a", "a"]), ValueError, "'lead_id' has 2 duplicated"),
    (lambda d: d.assign(source=["x", None, "x"]), ValueError, "'source' has 1 missing"),
])
def test_validation_names_the_column_and_the_bad_rows(change, error, message):
    with pytest.raises(error, match=message):
        validate_leads(change(_good()))


def test_validation_checks_first_calls_and_accepts_booleans():
    log = _good().assign(converted=[False, True, False],
                         call=["2025-01-01 08:00", None, "2025-01-02 12:00"])
    with pytest.raises(ValueError, match="'call' has 1 row.* before the lead was created"):
        validate_leads(log, first_call_col="call")
    ok = validate_leads(log.assign(call=[None, None, "2025-01-02 12:00"]), first_call_col="call")
    assert ok["converted"].tolist() == [0, 1, 0]
    with pytest.raises(TypeError, match="DataFrame"):
        source_report([1, 2])


# ---------------------------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------------------------


def test_scorer_agrees_with_an_unpenalised_sklearn_fit(leads):
    scorer = LeadScorer().fit(leads)
    reference = LogisticRegression(C=np.inf, max_iter=2000, tol=1e-10).fit(leads[list(SIGNAL_COLUMNS)],
                                                                               leads["converted"])
    np.testing.assert_allclose(scorer.params_.iloc[1:], reference.coef_[0], rtol=1e-3, atol=1e-4)
    assert scorer.params_["intercept"] == pytest.approx(reference.intercept_[0], rel=1e-3)
    x = sm.add_constant(leads[list(SIGNAL_COLUMNS)].astype(float))
    p = reference.predict_proba(leads[list(SIGNAL_COLUMNS)])[:, 1]
    y = leads["converted"].to_numpy()
    assert scorer.log_likelihood_ == pytest.approx(float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))), rel=1e-5)
    assert x.shape[1] == len(scorer.params_)
    # every engagement signal raises the chance, as in the generative process
    assert (scorer.params_.iloc[1:] > 0).all()


def test_scores_are_percentiles_and_rank_like_the_probability(leads):
    scorer = LeadScorer().fit(leads)
    score, prob = scorer.score(leads), scorer.predict_proba(leads)
    assert score.between(0, 100).all()
    assert abs((score >= 70).mean() - 0.30) < 0.05, "threshold 70 passes about the best 30 %"
    order = np.argsort(prob.to_numpy(), kind="stable")
    assert (np.diff(score.to_numpy()[order]) >= 0).all()
    # the score separates converters: they score higher on average
    assert score[leads["converted"] == 1].mean() > score[leads["converted"] == 0].mean() + 10


def test_scorer_needs_both_outcomes_and_fit_first():
    with pytest.raises(NotFittedError, match="fit"):
        LeadScorer().score(simulate_leads(10, seed=0))
    flat = simulate_leads(50, seed=0).assign(converted=0)
    with pytest.raises(ValueError, match="only one outcome"):
        LeadScorer().fit(flat)
    with pytest.raises(KeyError, match="visits"):
        LeadScorer(signal_cols=["visits"]).fit(flat)


# ---------------------------------------------------------------------------------------------
# hand-over rule: hand-computed cases
# ---------------------------------------------------------------------------------------------


def test_working_hours_clock():
    times = pd.Series(pd.to_datetime(["2025-01-01 08:00", "2025-01-01 09:30", "2025-01-01 17:00",
                                      "2025-01-01 23:00", "2025-01-03 10:00"]))
    assert working_hours(times).tolist() == [0.0, 0.5, 8.0, 8.0, 17.0]


def test_one_rep_calls_in_order_and_returns_what_misses_the_sla():
    log = _log(["2025-01-01 10:00", "2025-01-01 10:00", "2025-01-01 10:30", "2025-01-01 16:30"],
               [90, 80, 70, 20], [0.4, 0.2, 0.5, 0.9])
    plan = handover(log, threshold=50, sla_hours=1.2, n_reps=1, prob_col="prob", half_life_hours=1.0)
    assert plan["passed"].tolist() == [True, True, True, False]
    assert plan["called"].tolist() == [True, True, False, False]
    assert plan["returned_stale"].tolist() == [False, False, True, False]
    assert plan["wait_hours"].tolist() == [0.0, 1.0, 1.2, 0.0]
    assert plan["expected_conversion"].tolist() == pytest.approx([0.4, 0.1, 0.0, 0.0])
    numbers = handover_summary(plan)
    assert numbers["leads_passed"] == 3 and numbers["leads_called"] == 2 and numbers["leads_returned_stale"] == 1
    assert numbers["expected_customers"] == pytest.approx(0.5)
    assert numbers["conversion_of_passed"] == pytest.approx(0.5 / 3)
    assert numbers["mean_wait_hours"] == pytest.approx(0.5)
    # a longer SLA: the third lead is called at 12:00, 1.5 hours after it came in
    relaxed = handover(log, threshold=50, sla_hours=2, n_reps=1, prob_col="prob", half_life_hours=1.0)
    assert relaxed["wait_hours"].tolist()[:3] == [0.0, 1.0, 1.5]


def test_evening_leads_wait_for_the_next_working_day():
    log = _log(["2025-01-01 20:00", "2025-01-02 03:00"], [99, 99])
    plan = handover(log, threshold=0, sla_hours=48, n_reps=2)
    assert plan["wait_hours"].tolist() == [13.0, 6.0]
    short = handover(log, threshold=0, sla_hours=8, n_reps=2)
    assert short["called"].tolist() == [False, True]


def test_round_robin_and_least_loaded_assign_differently_when_leads_go_stale():
    log = _log(["2025-01-01 10:00"] * 4 + ["2025-01-01 12:30"], [90] * 5)
    kwargs = dict(threshold=50, sla_hours=1.5, n_reps=2, hours_per_lead=2.0)
    rr = handover(log, assignment="round_robin", **kwargs)
    ll = handover(log, assignment="least_loaded", **kwargs)
    assert rr["rep"].tolist() == [1, 2, 1, 2, 1]
    assert ll["rep"].tolist() == [1, 2, 1, 1, 1]
    assert rr["called"].tolist() == ll["called"].tolist() == [True, True, False, False, True]
    assert rep_workload(rr, 3)["rep_calls"].tolist() == [2, 1, 0]
    busy = rep_workload(rr, 2, hours_per_lead=2.0, working_days=1)
    assert busy["rep_busy_share"].tolist() == [0.5, 0.25]


def test_least_loaded_never_waits_longer_than_round_robin_on_a_burst():
    # six leads at once and a rep twice as busy after round robin's uneven turn
    log = _log(["2025-01-01 09:00"] * 3 + ["2025-01-01 09:10"] * 3, [90, 10, 90, 90, 10, 90])
    rr = handover(log, threshold=50, sla_hours=100, n_reps=2, assignment="round_robin")
    ll = handover(log, threshold=50, sla_hours=100, n_reps=2, assignment="least_loaded")
    assert ll["wait_hours"].sum() <= rr["wait_hours"].sum() + 1e-12


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_reps=0), "n_reps"), (dict(sla_hours=0), "sla_hours"), (dict(assignment="random"), "assignment"),
    (dict(hours_per_lead=-1), "hours_per_lead"),
])
def test_handover_refuses_bad_settings(kwargs, message):
    log = _log(["2025-01-01 10:00"], [50])
    settings_ = dict(threshold=10, sla_hours=24, n_reps=1) | kwargs
    with pytest.raises(ValueError, match=message):
        handover(log, **settings_)


def test_handover_checks_its_columns():
    log = _log(["2025-01-01 10:00", "2025-01-01 11:00"], [50, 60], [0.5, 1.5])
    with pytest.raises(ValueError, match="'prob' has 1 value"):
        handover(log, 10, 24, 1, prob_col="prob")
    with pytest.raises(KeyError, match="score"):
        handover(log.drop(columns="score"), 10, 24, 1)
    with pytest.raises(ValueError, match="'score' has 1 missing"):
        handover(log.assign(score=[1.0, np.nan]), 10, 24, 1)


# ---------------------------------------------------------------------------------------------
# hand-over rule: properties
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scored(leads):
    scorer = LeadScorer().fit(leads)
    return leads.assign(score=scorer.score(leads), prob=scorer.predict_proba(leads))


@settings(max_examples=25, deadline=None)
@given(low=st.floats(0, 100), high=st.floats(0, 100), sla=st.floats(1, 96), reps=st.integers(1, 5),
       rule=st.sampled_from(["round_robin", "least_loaded"]))
def test_raising_the_threshold_never_raises_the_leads_passed(scored, low, high, sla, reps, rule):
    low, high = min(low, high), max(low, high)
    small = scored.iloc[:600]
    a = handover(small, low, sla, reps, prob_col="prob", assignment=rule)
    b = handover(small, high, sla, reps, prob_col="prob", assignment=rule)
    assert b["passed"].sum() <= a["passed"].sum()
    assert (b["passed"] <= a["passed"]).all(), "a lead passed at the higher threshold passes at the lower one"
    for plan in (a, b):
        assert (plan["called"].astype(int) + plan["returned_stale"].astype(int) == plan["passed"].astype(int)).all()
        assert (plan.loc[plan["called"], "wait_hours"] <= sla + 1e-9).all()
        assert (plan["expected_conversion"] <= small["prob"] + 1e-12).all()
        assert (plan.loc[~plan["passed"], "rep"] == 0).all()


def test_enough_capacity_calls_every_passed_lead_at_once(scored):
    plan = handover(scored, 60, sla_hours=24, n_reps=200, hours_per_lead=0.01)
    assert plan["called"].sum() == plan["passed"].sum()
    work = working_hours(scored["created_at"])
    during_day = (work % 8 != 0)
    assert (plan.loc[plan["passed"] & during_day, "wait_hours"] < 0.02).all()


def test_the_trade_off_is_visible_on_the_synthetic_log(scored):
    """Passing everything floods two reps: more leads go stale and fewer customers are won than at 60."""
    everything = handover_summary(handover(scored, 0, 24, 2, prob_col="prob"))
    selective = handover_summary(handover(scored, 60, 24, 2, prob_col="prob"))
    assert everything["leads_passed"] > selective["leads_passed"]
    assert everything["leads_returned_stale"] > selective["leads_returned_stale"]
    assert everything["conversion_of_passed"] < selective["conversion_of_passed"]
    assert everything["expected_customers"] < selective["expected_customers"]


def test_terms_are_bilingual_and_tables_translate(scored):
    assert term("leads_passed", "zh") == "移交销售的线索"
    with pytest.raises(KeyError):
        term("nothing")
    table = localize(handover_summary(handover(scored.iloc[:200], 50, 24, 1)), "zh").reset_index()
    assert table.columns.tolist() == ["指标", "数值"]
    assert table.iloc[0, 0] == "移交销售的线索"
    coefficients = localize(LeadScorer().fit(scored).coefficients(), "zh")
    assert coefficients.iloc[0, 0] == "截距" and coefficients.shape == (5, 3)


def test_lead_log_is_shown_with_chinese_headers_and_sources_in_zh_and_unchanged_in_en():
    from crmlab.leads import localize_lead_log

    log = simulate_leads(50, seed=3).drop(columns=["true_intent", "true_conversion_prob"])
    roles = dict(lead_col="lead_id", source_col="source", created_col="created_at", cost_col="cost",
                 converted_col="converted", first_call_col="first_call_at")
    assert localize_lead_log(log, "en", **roles).equals(log)
    zh = localize_lead_log(log, "zh", **roles)
    assert zh.shape == log.shape
    assert all(re.search(r"[\u4e00-\u9fff]", c) for c in zh.columns)
    assert not set(zh["线索来源"]) & {s.key for s in SOURCES}
    assert (zh["成本"] == log["cost"]).all()


def test_lead_sentences_keep_the_english_text_and_have_chinese():
    from crmlab.lang import label
    from crmlab.leads import describe_cheapest_sources

    report = source_report(simulate_leads(400, seed=1))
    assert describe_cheapest_sources(report).startswith("cheapest leads: ")
    assert "购买名单" in describe_cheapest_sources(report, "zh") or "客户推荐" in describe_cheapest_sources(report, "zh")
    numbers = dict(passed=1163, called=1163, stale=0, expected=154.592, rate=0.132925)
    assert label("leads_handover_sentence").format(**numbers) == (
        "1,163 leads passed, 1,163 called in time, 0 returned stale; expected customers 154.6 (13.3% of passed leads)")
    assert label("leads_best_threshold_sentence").format(reps=2, sla=24.0, best=60) == (
        "with 2 rep(s) and an SLA of 24 h, a threshold of 60 wins the most customers")
    for key in ("leads_log_sentence", "leads_score_sentence", "leads_no_first_call"):
        assert re.search(r"[\u4e00-\u9fff]", label(key, "zh"))
