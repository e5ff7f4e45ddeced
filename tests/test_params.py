from pathlib import Path

import pandas as pd
import pytest

from crmlab.params import ParameterError, check_parameters, integer, number, one_of


def test_standard_parameters_are_normalised(tmp_path):
    data = tmp_path / "log.csv"
    data.write_text("a,b\n1,2\n")
    p = check_parameters(lang="zh", seed=7, output_dir=str(tmp_path / "out"), data_path=str(data),
                         observation_end="1998-06-30", customer_col="id", sample_size=None)
    assert p.lang == "zh" and p.seed == 7
    assert p.output_dir == tmp_path / "out"
    assert p.data_path == data
    assert p.observation_end == pd.Timestamp("1998-06-30")
    assert p.customer_col == "id" and p.sample_size is None


@pytest.mark.parametrize(
    "values, message",
    [
        ({"lang": "fr"}, "parameter `lang` = 'fr' is not accepted: expected one of 'en', 'zh'"),
        ({"seed": -1}, "parameter `seed` = -1 is not accepted: expected a whole number from 0"),
        ({"seed": 1.5}, "parameter `seed` = 1.5 is not accepted"),
        ({"seed": True}, "parameter `seed` = True is not accepted"),
        ({"observation_end": "30/30/1998"}, "parameter `observation_end` = '30/30/1998' is not accepted: expected None"),
        ({"data_path": "no/such/file.csv"}, "parameter `data_path` = 'no/such/file.csv': no file at no/such/file.csv"),
        ({"customer_col": ""}, "parameter `customer_col` = '' is not accepted"),
        ({"sample_size": 0}, "parameter `sample_size` = 0 is not accepted"),
        ({"top_pct": (120, number(1, 100))}, "parameter `top_pct` = 120 is not accepted: expected a number from 1 to 100"),
        ({"k": (3.0, integer(2, 10))}, "parameter `k` = 3.0 is not accepted: expected a whole number from 2 to 10"),
        ({"kind": ("x", one_of("a", "b"))}, "expected one of 'a', 'b'"),
    ],
)
def test_bad_values_name_the_parameter_and_what_it_accepts(values, message):
    with pytest.raises(ParameterError) as error:
        check_parameters(**values)
    assert message in str(error.value)


def test_all_problems_are_reported_together(tmp_path):
    afile = tmp_path / "f"
    afile.write_text("x")
    with pytest.raises(ParameterError) as error:
        check_parameters(lang="fr", seed=-2, output_dir=str(afile))
    text = str(error.value)
    assert "`lang`" in text and "`seed`" in text and "`output_dir`" in text


def test_unknown_parameters_pass_through_unchanged():
    assert check_parameters(anything=[1, 2]).anything == [1, 2]
    assert check_parameters(output_dir=None).output_dir is None
    assert isinstance(check_parameters(output_dir="x").output_dir, Path)


def test_unknown_parameters_are_named_with_the_closest_declared_one():
    from crmlab.params import unknown_parameters

    declared = "from typing import Optional\nhorizon_weeks: int = 52\ntime_unit_hint: Optional[str] = None\nmargin = 0.3"
    history = ["", declared, '# Parameters\nhorizon_week = 104\nmargin = 0.2\nzzz = "x"\n', "p = check_parameters()"]
    problems = unknown_parameters(history)
    assert problems[0].startswith("unknown parameter 'horizon_week'; did you mean 'horizon_weeks'?")
    assert problems[1].startswith("unknown parameter 'zzz';") and len(problems) == 2
    assert unknown_parameters(history, declared=["horizon_week", "zzz"]) == []
    assert unknown_parameters(["", declared, "p = 1"]) == []          # no papermill: nothing injected


def test_encoding_and_date_format_are_checked():
    p = check_parameters(encoding="gbk", date_format="%d/%m/%Y")
    assert (p.encoding, p.date_format) == ("gbk", "%d/%m/%Y")
    with pytest.raises(ParameterError, match="parameter `encoding` = 'klingon' is not accepted"):
        check_parameters(encoding="klingon")
    with pytest.raises(ParameterError, match="parameter `date_format` = 'dd/mm/yyyy' is not accepted"):
        check_parameters(date_format="dd/mm/yyyy")


def test_column_names_and_shares_rules_name_the_parameter():
    from crmlab.params import ParameterError, check_parameters, column_names, shares

    p = check_parameters(feature_cols=("age, income", column_names()), log_cols=([], column_names(empty=True)),
                         tier_shares=([0.2, 0.3, 0.5], shares()))
    assert (p.feature_cols, p.log_cols, p.tier_shares) == (["age", "income"], [], [0.2, 0.3, 0.5])
    assert p.given["feature_cols"] == "age, income"  # summary.json records the value as given
    for name, value, rule in (("signal_cols", [], column_names()), ("feature_cols", 3, column_names()),
                              ("tier_shares", [0.5, 0.6], shares()), ("tier_shares", "0.5,0.5", shares())):
        with pytest.raises(ParameterError, match=f"parameter `{name}`"):
            check_parameters(**{name: (value, rule)})
