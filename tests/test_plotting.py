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


def _characters_with_glyphs(path) -> set[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True, fontNumber=0) as font:
        return set(font.getBestCmap())


def test_every_chinese_term_has_a_glyph_in_the_course_fonts():
    """Checked from the fonts' character maps (what matplotlib falls back through), not by rendering."""
    from matplotlib import font_manager

    from tests.test_lang import _import_every_module

    _import_every_module()
    covered = _characters_with_glyphs(cjk_font_path())
    covered |= _characters_with_glyphs(font_manager.findfont("DejaVu Sans"))
    text = "".join(entry["zh"] for entry in terms().values())
    missing = sorted({ch for ch in text if ord(ch) not in covered and not ch.isspace()})
    assert not missing, f"characters without a glyph in the course fonts: {missing}"


def test_the_character_map_check_can_fail():
    covered = _characters_with_glyphs(cjk_font_path())
    assert ord("客") in covered and ord("\U0001F600") not in covered  # an emoji: not in Noto Sans CJK SC


def test_a_chinese_sample_renders_without_missing_glyphs():
    use_theme("zh")
    # pyproject's filterwarnings turns "Glyph ... missing from font" into an error
    _draw("客户终身价值 RFM 细分 −5%")


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
