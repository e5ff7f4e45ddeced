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
