"""Chinese plot text renders with real glyphs on a fresh machine (no system CJK font assumed)."""
import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest

from crmlab.lang import terms
from crmlab.plotting import cjk_font_name, cjk_font_path, use_theme


def _draw(text: str) -> None:
    fig, ax = plt.subplots()
    ax.set_title(text)
    ax.set_xlabel(text)
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def test_font_is_bundled_with_a_python_package():
    assert cjk_font_path().stat().st_size > 10_000_000
    assert cjk_font_name() == "Noto Sans CJK SC"


def test_every_chinese_term_renders_without_missing_glyphs():
    from tests.test_lang import _import_every_module

    _import_every_module()
    use_theme("zh")
    # pyproject's filterwarnings turns "Glyph ... missing from font" into an error
    _draw("\n".join(entry["zh"] for entry in terms().values()))


def test_english_theme_still_renders_chinese_names():
    use_theme("en")
    _draw("Customer 王小明 bought 3 times −5%")


def test_the_glyph_check_can_fail():
    use_theme("en")
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        with pytest.warns(UserWarning, match="missing from font"):
            _draw("客户价值")


def test_theme_rejects_unknown_language():
    with pytest.raises(ValueError, match="lang='de'"):
        use_theme("de")


def test_theme_keeps_numbers_readable():
    use_theme("zh")
    fig, ax = plt.subplots()
    ax.plot(np.arange(-3, 4), np.arange(-3, 4))
    fig.savefig(io.BytesIO(), format="png")
    assert mpl.rcParams["axes.unicode_minus"] is False
