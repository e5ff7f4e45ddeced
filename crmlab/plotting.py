"""The course's plotting theme: seaborn styling plus a Chinese font that is always there.

Chinese plot text needs a font with CJK glyphs. A fresh machine usually has
none, so crmlab uses Noto Sans CJK SC (SIL Open Font License) shipped inside the
``mplfonts`` wheel, which ``pip`` installs with crmlab. :func:`use_theme`
registers it with matplotlib and puts it in the font fallback list, so Latin
text keeps DejaVu Sans and Chinese text falls back to Noto Sans CJK SC.

Examples
--------
>>> from crmlab.plotting import use_theme
>>> use_theme("zh")  # doctest: +SKIP
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
import sys
from pathlib import Path

import matplotlib as mpl
import seaborn as sns
from matplotlib import font_manager

from .lang import check_lang

__all__ = ["CJK_FONT_FILE", "cjk_font_path", "cjk_font_name", "use_theme", "PALETTE", "draw_colour_scale"]

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
PALETTE = "deep"


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Path of the bundled Noto Sans CJK SC font file.

    Raises ``FileNotFoundError`` with the fix when the font package is missing.
    """
    try:
        path = Path(str(resources.files("mplfonts") / "fonts" / CJK_FONT_FILE))
    except ModuleNotFoundError:  # pragma: no cover - depends on the environment
        raise FileNotFoundError(
            "Chinese plots need the 'mplfonts' package (it ships Noto Sans CJK SC): "
            "run `make venv` or `pip install mplfonts`"
        ) from None
    if not path.exists():  # pragma: no cover
        raise FileNotFoundError(f"font file {CJK_FONT_FILE} not found in the mplfonts package")
    return path


@lru_cache(maxsize=1)
def cjk_font_name() -> str:
    """Register the bundled CJK font with matplotlib once and return its family name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_theme(lang: str = "en", context: str = "notebook", font_scale: float = 1.0) -> None:
    """Apply the course theme: seaborn ``whitegrid``, the course palette and CJK-capable fonts.

    Parameters
    ----------
    lang
        ``"en"`` or ``"zh"``. Both register the Chinese font as a fallback, so a
        Chinese customer name in an English plot still renders; ``"zh"`` puts it first.
    context
        seaborn context: ``"paper"``, ``"notebook"``, ``"talk"`` (slides) or ``"poster"``.
    font_scale
        Multiplies every font size.
    """
    check_lang(lang)
    _show_figures_in_kernel()
    cjk = cjk_font_name()
    families = [cjk, "DejaVu Sans"] if lang == "zh" else ["DejaVu Sans", cjk]
    sns.set_theme(context=context, style="whitegrid", palette=PALETTE, font_scale=font_scale,
                  rc={"font.family": families, "font.sans-serif": families})
    mpl.rcParams["axes.unicode_minus"] = False
    mpl.rcParams["figure.dpi"] = 100
    mpl.rcParams["savefig.dpi"] = 120
    mpl.rcParams["savefig.bbox"] = "tight"
    mpl.rcParams["figure.autolayout"] = False


def _show_figures_in_kernel() -> None:
    """In a Jupyter kernel whose matplotlib backend shows nothing (``MPLBACKEND=Agg`` inherited from a
    shell or a test runner), switch to the inline backend, so that a lecture's figures appear in the
    notebook whatever environment ran it. Outside a kernel nothing changes."""
    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    if shell is not None and getattr(shell, "kernel", None) is not None and mpl.get_backend().lower() == "agg":
        shell.run_line_magic("matplotlib", "inline")


def draw_colour_scale(cax, cmap: str, vmin: float, vmax: float, text: str = "", extend: str = "neither"):
    """A colour bar from ``vmin`` to ``vmax`` in ``cmap``, drawn into the axes ``cax``, labelled ``text``.

    For heat maps drawn on a fixed colour scale (``imshow(..., vmin=vmin, vmax=vmax)``) again
    and again, e.g. by a widget: the colour bar is drawn once, beside them. ``extend="max"``
    (``"min"``, ``"both"``) marks that values beyond the scale take its end colour.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> cax = Figure().add_subplot()
    >>> tuple(float(v) for v in draw_colour_scale(cax, "Blues", 0, 50, "Customers").get_ylim())
    (0.0, 50.0)
    """
    import matplotlib.cm
    import matplotlib.colors

    if not (vmin < vmax):
        raise ValueError(f"the colour scale needs vmin < vmax, got {vmin!r} and {vmax!r}")
    scale = matplotlib.cm.ScalarMappable(norm=matplotlib.colors.Normalize(vmin, vmax), cmap=cmap)
    cax.figure.colorbar(scale, cax=cax, label=text, extend=extend)
    return cax
