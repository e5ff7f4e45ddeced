"""The unified customer view: id matching, conflicts and unmatched rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab.customer_view import match_key, split_into_sources, unify


def test_match_key_rule():
    assert match_key(" c-00042") == match_key("C42") == match_key("c0042") == "C42"
    assert match_key("AB-100") == "AB100"  # zeros inside a number stay
    assert match_key(None) is None and match_key(float("nan")) is None and match_key(" - ") is None


def test_unify_small_case_by_hand():
    crm = pd.DataFrame({"id": ["C1", "C2", "C2", None], "age": [30, 40, 41, 50], "city": ["Xi'an", "Wuhan", "x", "y"]})
    web = pd.DataFrame({"cust": ["c-001", "C3", "c 02"], "age": [31, 50, 40], "email_ok": [True, False, True]})
    view, report, conflicts = unify({"crm": crm, "web": web}, {"crm": "id", "web": "cust"})
    assert view.index.tolist() == ["C1", "C2", "C3"]
    assert view.loc["C1", "age"] == 30  # the first source wins
    assert view.loc["C3", "age"] == 50 and pd.isna(view.loc["C3", "city"])
    assert report.loc["crm"].to_dict() == {"rows": 4, "missing_id": 1, "duplicate_id": 1, "customers": 2,
                                           "matched": 2, "unmatched": 0}
    assert report.loc["web"].to_dict() == {"rows": 3, "missing_id": 0, "duplicate_id": 0, "customers": 3,
                                           "matched": 2, "unmatched": 1}
    assert conflicts[["match_key", "column"]].values.tolist() == [["C1", "age"]]
    assert conflicts.loc[0, "crm"] == 30 and conflicts.loc[0, "web"] == 31
    assert view["in_web"].tolist() == [True, True, True]


def test_unify_errors_name_the_source_and_column():
    with pytest.raises(KeyError, match="'id'"):
        unify({"crm": pd.DataFrame({"x": [1]})}, "id")
    with pytest.raises(ValueError, match="'web' has no rows"):
        unify({"crm": pd.DataFrame({"id": [1]}), "web": pd.DataFrame({"id": []})}, "id")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unify_recovers_what_split_into_sources_injected(seed):
    rng = np.random.default_rng(seed)
    base = pd.DataFrame({"customer_id": [f"C{i:06d}" for i in range(1, 501)], "age": rng.integers(18, 80, 500),
                         "balance": rng.integers(0, 5000, 500), "job": rng.choice(["a", "b"], 500)})
    sources, injected = split_into_sources(base, "customer_id", {"crm": ["age", "job"], "calls": ["age", "balance"],
                                                                 "web": ["age", "balance"]},
                                           seed=seed, coverage=0.8, conflict_share=0.05, extra_rows=15)
    assert sources["calls"]["customer_id"].iloc[0].startswith("c-")
    view, report, conflicts = unify(sources, "customer_id")
    assert len(view) == 500 + 30
    assert int(report.loc[["calls", "web"], "unmatched"].sum()) == injected["unmatched"] == 30
    # master customers that neither other source holds are unmatched too
    keys = {name: set(sources[name]["customer_id"].map(match_key)) for name in sources}
    assert report.loc["crm", "unmatched"] == len(keys["crm"] - keys["calls"] - keys["web"])
    assert (report["missing_id"] == 0).all() and (report["duplicate_id"] == 0).all()
    assert len(conflicts) == injected["conflicts"] > 0
    assert (view.loc[[k for k in view.index if not k.startswith("X")], "age"].sort_index().to_numpy()
            == base.set_index(base["customer_id"].map(match_key))["age"].sort_index().to_numpy()).all()
