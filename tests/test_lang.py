import re

import pandas as pd
import pytest

import crmlab.lang as lang_module
from crmlab.lang import check_lang, label, localize, register, terms, translate_values

HAN = re.compile(r"[\u4e00-\u9fff]")


def _import_every_module():
    import importlib
    import pkgutil

    import crmlab

    for info in pkgutil.iter_modules(crmlab.__path__):
        importlib.import_module(f"crmlab.{info.name}")


def test_every_term_has_english_and_chinese_text():
    _import_every_module()
    vocabulary = terms()
    assert len(vocabulary) > 50
    for key, entry in vocabulary.items():
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"].strip() and entry["zh"].strip(), key
        if re.fullmatch(r"[\u0370-\u03ff]+", entry["zh"]):  # a model parameter's Greek symbol (α, β, ...)
            continue
        assert HAN.search(entry["zh"]), f"{key}: the Chinese text {entry['zh']!r} has no Chinese character"


def test_label_switches_language_and_names_unknown_keys():
    assert label("revenue") == "Revenue"
    assert label("revenue", "zh") == "收入"
    with pytest.raises(KeyError, match="no vocabulary term 'not_a_term'"):
        label("not_a_term")
    with pytest.raises(ValueError, match="lang='fr' is not supported"):
        check_lang("fr")


def test_register_refuses_conflicts_and_missing_languages():
    with pytest.raises(ValueError, match="registered already"):
        register({"revenue": {"en": "Turnover", "zh": "营业额"}})
    with pytest.raises(ValueError, match=r"no text for language\(s\) \['zh'\]"):
        register({"only_english_term": {"en": "Only English"}})
    register({"revenue": {"en": "Revenue", "zh": "收入"}})  # same text again is fine
    assert "only_english_term" not in lang_module.terms()


def test_localize_translates_headers_and_known_values_only():
    table = pd.DataFrame({"segment": ["new", "lost", "my own"], "customers": [3, 1, 2]})
    out = localize(table, "zh", value_columns=["segment"])
    assert list(out.columns) == ["细分群体", "客户数"]
    assert out["细分群体"].tolist() == ["新客户", "流失客户", "my own"]
    assert table.columns.tolist() == ["segment", "customers"], "the input is not modified"
    categories = pd.Series(["new", "lost"], dtype="category")
    assert list(translate_values(categories, "zh").cat.categories) == ["流失客户", "新客户"]


def test_localize_is_the_one_display_step_for_the_old_ad_hoc_styles():
    import crmlab.clv_plots as clv_plots
    import crmlab.lifecycle  # noqa: F401 - registers the lifecycle_id_ terms
    import crmlab.response as response
    from crmlab.lang import with_display

    # lifecycle_id_*: English keeps the identifier, Chinese gets a name; MultiIndex values too
    stability = pd.DataFrame({"growth": [0.5], "mature_at_start": [10]},
                             index=pd.MultiIndex.from_tuples([("log", "rule_used")], names=["data", "rule"]))
    shown = localize(stability, "zh", prefixes=["stage_", "lifecycle_id_"], index=True)
    assert shown.columns.tolist() == ["成长期", "期初成熟期客户数"]
    assert shown.index.tolist() == [("交易记录", "所用规则")] and shown.index.names == ["数据", "规则"]
    assert localize(stability, "en", prefixes=["lifecycle_id_"], index=True).index.tolist() == [("log", "rule_used")]
    # clvplot_hdr_*/clvplot_sym_* + booleans: shown_table is now localize
    table = pd.DataFrame({"alpha": [0.7], "boundary": [True]}, index=pd.Index([2], name="fit_periods"))
    zh = localize(table, "zh", prefixes=clv_plots.SHOWN_PREFIXES, booleans=("clvplot_yes", "clvplot_no"))
    assert zh.columns.tolist() == ["α", "触及边界"] and zh.index.name == "拟合年数" and zh.iloc[0, 1] == "是"
    pd.testing.assert_frame_equal(zh, clv_plots.shown_table(table, "zh"))
    # response_cmp_*: comparison_for_display is now localize
    compared = pd.DataFrame({"auc": [0.7]}, index=pd.Index(["campaign_only"], name="model"))
    pd.testing.assert_frame_equal(localize(compared, "zh", prefixes=["response_cmp_"], index=True),
                                  response.comparison_for_display(compared, "zh"))
    # hints attached by a computing function are used, explicit arguments win, and the input is untouched
    hinted = with_display(pd.Series([3, 1], index=pd.Index(["new", "lost"], name="segment"), name="customers"),
                          index=True)
    assert localize(hinted, "zh").index.tolist() == ["新客户", "流失客户"]
    assert localize(hinted, "zh", index=False).index.tolist() == ["new", "lost"]
    assert hinted.index.tolist() == ["new", "lost"] and "display" not in localize(hinted, "en").attrs
