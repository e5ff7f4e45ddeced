import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmlab.output import Results


def test_results_write_tables_figures_and_summary(tmp_path):
    results = Results(tmp_path / "out", lecture="00_start_here", parameters={"lang": "zh", "seed": 1})
    results.table("shares", pd.DataFrame({"客户": ["甲"], "share": [0.5]}), index=False)
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    results.figure("curve", fig)
    results.record(top20=np.float64(0.75), n=np.int64(3), when=pd.Timestamp("1997-09-30"), nested={"a": [np.int32(1)]})
    saved = results.save()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary == saved
    assert summary["numbers"] == {"top20": 0.75, "n": 3, "when": "1997-09-30T00:00:00", "nested": {"a": [1]}}
    assert summary["files"] == ["curve.png", "shares.csv"]
    assert summary["parameters"] == {"lang": "zh", "seed": 1}
    assert (tmp_path / "out" / "curve.png").read_bytes()[:4] == b"\x89PNG"
    assert pd.read_csv(tmp_path / "out" / "shares.csv").iloc[0, 0] == "甲"


def test_disabled_results_write_nothing_but_keep_numbers(tmp_path):
    results = Results(None, lecture="x")
    results.table("t", pd.DataFrame({"a": [1]}))
    results.record(a=1)
    assert not results.enabled
    assert results.save()["numbers"] == {"a": 1}
    assert list(tmp_path.iterdir()) == []


def test_results_refuse_nan_and_folder_names(tmp_path):
    results = Results(tmp_path, lecture="x")
    with pytest.raises(ValueError, match="not a finite number"):
        results.record(bad=float("nan"))
    with pytest.raises(ValueError, match="plain file name"):
        results.table("../escape", pd.DataFrame())
