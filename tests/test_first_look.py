"""Lecture 00's first look at each dataset: facts are keys and numbers, the plot speaks the reader's language."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from crmlab import datasets, first_look
from crmlab.lang import localize


def test_facts_are_numbers_under_keys_recounted_from_the_data():
    look = first_look.glance("hillstrom")
    mail = datasets.load_hillstrom()
    assert look.facts.index.name == "fact" and look.facts.loc["customers", "value"] == len(mail)
    rate = 100 * mail.loc[mail["segment"] == "Mens E-Mail", "conversion"].mean()
    assert look.facts.loc["conversion_pct: Mens E-Mail", "value"] == pytest.approx(rate, abs=0.005)
    shown = localize(look.facts, "zh")
    assert shown.index.name == "指标" and shown.columns.tolist() == ["数值"]
    assert "购买比例（%）: 男装邮件" in shown.index
    assert localize(look.facts, "en").index[1].startswith("Bought (%): ")


@pytest.mark.parametrize("name", sorted(first_look.FAMILIES))
def test_every_dataset_has_facts_and_a_plot_in_both_languages(name):
    look = first_look.glance(name)
    assert len(look.facts) >= 1 and look.facts["value"].notna().all()
    for lang in ("en", "zh"):
        ax = look.plot(lang)
        assert ax.get_ylabel() and ax.has_data()
        plt.close(ax.figure)


def test_unknown_dataset_is_named():
    with pytest.raises(ValueError, match="no first look for dataset 'nope'"):
        first_look.glance("nope")
