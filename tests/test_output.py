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


def test_results_appear_only_at_save_and_replace_the_previous_run_whole(tmp_path):
    out = tmp_path / "out"
    first = Results(out, lecture="x")
    first.table("old_only", pd.DataFrame({"a": [1]}))
    first.record(n=1)
    first.save()
    assert sorted(p.name for p in out.iterdir()) == ["old_only.csv", "summary.json"]

    failed = Results(out, lecture="x")                   # a rerun that fails before save()
    failed.table("new_table", pd.DataFrame({"a": [2]}))
    assert sorted(p.name for p in out.iterdir()) == ["old_only.csv", "summary.json"], "new files leaked early"

    second = Results(out, lecture="x")                   # the next run removes the failed run's staging
    second.table("new_table", pd.DataFrame({"a": [3]}))
    second.record(n=3)
    second.save()
    assert sorted(p.name for p in out.iterdir()) == ["new_table.csv", "summary.json"]
    assert json.loads((out / "summary.json").read_text())["numbers"] == {"n": 3}
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "out"]
    assert leftovers == [p.name for p in tmp_path.glob(".out.partial-*")]   # only the failed run's, same process
    assert pd.read_csv(out / "new_table.csv")["a"].tolist() == [3]


def test_stale_staging_of_a_dead_process_is_removed(tmp_path):
    stale = tmp_path / ".out.partial-999999999-abc"
    stale.mkdir()
    (stale / "half.csv").write_text("a\n1\n")
    Results(tmp_path / "out", lecture="x").save()
    assert not stale.exists()


def test_output_dir_with_foreign_files_or_a_file_is_refused(tmp_path):
    from crmlab.output import OutputDirError

    (tmp_path / "thesis.docx").write_text("precious")
    with pytest.raises(OutputDirError, match="output_dir.*not crmlab results"):
        Results(tmp_path, lecture="x")
    with pytest.raises(OutputDirError, match="is a file"):
        Results(tmp_path / "thesis.docx", lecture="x")
    assert (tmp_path / "thesis.docx").read_text() == "precious"


def test_summary_records_version_and_input_checksums(tmp_path):
    import hashlib

    import crmlab

    data = tmp_path / "orders.csv"
    data.write_bytes(b"id,amount\n1,2\n")
    saved = Results(tmp_path / "out", lecture="x", parameters={"data_path": str(data), "survival_path": None,
                                                               "lang": "en"}).save()
    assert saved["crmlab_version"] == crmlab.__version__
    assert saved["inputs"] == {"data_path": {"path": data.as_posix(),
                                             "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}}
    assert saved["parameters"]["data_path"] == str(data)


def test_bundled_numbers_are_kept_apart(tmp_path):
    results = Results(tmp_path / "out", lecture="x", bundled=["sbg"])
    results.record(sbg={"alpha": 0.7}, clv_total=12.5)
    saved = results.save()
    assert saved["numbers"] == {"clv_total": 12.5}
    assert saved["bundled_data"]["numbers"] == {"sbg": {"alpha": 0.7}}
    assert "bundled_data" not in Results(None, lecture="x").save()
