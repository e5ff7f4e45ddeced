"""Widget scenarios: a lecture says what its widget shows, crmlab makes it fast.

A lecture's widget cell gives a function that draws one setting of the controls, and the controls::

    def draw(ax, bins, dimension):
        rfm.plot_score_summary(customers, dimension, bins, lang=p.lang, ax=ax)

    scenario(draw, {"bins": widgets.IntSlider(...), "dimension": widgets.Dropdown(...)})

:func:`scenario` makes one :class:`crmlab.live.LiveFigure` for the widget and, before showing it,
works out what the controls can reach:

* **axis ranges, declared up front.** ``draw`` is run (without rendering) at a few settings of the
  controls: each control alone through its range (every option of a menu, both states of a check
  box, five points of a slider); each axis that ``draw`` leaves to matplotlib gets the union of the
  views matplotlib would choose, declared with :meth:`~crmlab.live.LiveFigure.limits` (per option of
  a drop-down menu, which usually shows another quantity). Moving a slider then keeps the view, as a
  reader comparing two settings expects; data beyond it (two sliders at their extremes) widen it
  once. ``axes=`` declares ranges by hand instead (or ``None``: autoscale each time);
* **views of the discrete controls, drawn now.** Every option of a menu, state of a check box or
  value of a small integer slider (a number of bins or of segments) usually has its own title,
  ticks or legend; their backgrounds are drawn before anyone moves a control, so that later moves
  redraw the data only.

* **titles drawn with the data.** A title that says a number (the share of class A, a CLV) changes
  with the controls; a changing title would redraw the whole figure, so the scenario writes every
  title, same place and font, together with the data and keeps only its room in the background.
  Plot functions therefore put their numbers wherever they like, title included.

What ``draw`` prints or returns (a table) is shown under the figure; nothing it prints while the
scenario is being measured is shown. Control labels are whatever the lecture gives them (use
``crmlab.lang.label(key, p.lang)`` so that they follow the reader's language).

Examples
--------
>>> import ipywidgets as widgets
>>> def draw(ax, slope):
...     ax.plot([0, 10], [0, 10 * slope])
...     return round(10 * slope, 1)
>>> widget = scenario(draw, {"slope": widgets.FloatSlider(value=1, min=0.5, max=2, step=0.1)}, show=False)
>>> live = widget.live_figure
>>> tuple(round(float(v), 1) for v in live.ax.get_ylim())   # the range of every slope, declared up front
(-1.0, 21.0)
>>> widget.children[0].value = 1.7
>>> live.last_redraw, widget.result
('data only', 17.0)
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Union

import ipywidgets
import numpy as np
from matplotlib.figure import Figure

from .interact import KernelCapturedInteractive, captured_outputs
from .live import KEPT_BACKGROUNDS, LiveFigure

__all__ = ["scenario", "control_settings", "titles_with_the_data"]

Span = tuple[float, float]
AxesRanges = Union[str, None, Mapping[str, Span], Sequence[Union[Mapping[str, Span], None]]]

SLIDER_POINTS = 5        # points of a slider's range at which the scenario is measured
SMALL_INT_SLIDER = 12    # an integer slider with at most this many values is measured, and drawn, at each value
MAX_CORNERS = 32         # the sliders' corners are measured when there are at most this many


def _options(control: Any) -> list[Any]:
    return [option[1] if isinstance(option, tuple) and len(option) == 2 else option for option in control.options]


def _grid(low: float, high: float, step: float, points: int, whole: bool) -> list[Any]:
    step = step or 1
    values = []
    for fraction in np.linspace(0, 1, points):
        value = min(max(low + round(fraction * (high - low) / step) * step, low), high)
        values.append(int(value) if whole else float(value))
    return list(dict.fromkeys(values))


def _control_values(control: Any) -> tuple[list[Any], bool]:
    """(values at which to measure a control, whether its values are discrete views worth drawing now)."""
    whole = isinstance(control, (ipywidgets.IntSlider, ipywidgets.IntRangeSlider))
    if isinstance(control, (ipywidgets.IntRangeSlider, ipywidgets.FloatRangeSlider)):
        low, high, step = control.min, control.max, control.step or 1
        cast = int if whole else float
        return [(cast(low), cast(min(low + step, high))), (cast(low), cast(high)),
                (cast(max(high - step, low)), cast(high))], False
    if isinstance(control, (ipywidgets.IntSlider, ipywidgets.FloatSlider)):
        step = control.step or 1
        if whole and (control.max - control.min) / step + 1 <= SMALL_INT_SLIDER:
            return list(range(control.min, control.max + 1, step)), True
        return _grid(control.min, control.max, step, SLIDER_POINTS, whole), False
    if isinstance(control, (ipywidgets.Checkbox, ipywidgets.ToggleButton)):
        return [False, True], True
    if isinstance(control, ipywidgets.SelectMultiple):
        chosen = tuple(control.value)
        toggled = [tuple(v for v in _options(control) if (v in chosen) != (v == flip)) for flip in _options(control)]
        return [value for value in toggled if value], True
    if hasattr(control, "options"):                      # Dropdown, SelectionSlider, RadioButtons, ...
        return _options(control), True
    return [control.value], False


def control_settings(controls: Mapping[str, Any], corners: bool = False) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Settings of the controls to measure, and those whose views to draw before the widget is used.

    Each control moves alone from the current values (every option of a menu, both states of a
    check box, five points of a slider), as a reader moves one control and looks; with ``corners``
    also the sliders' corners (at most 32 of them), whose extremes would flatten the usual views;
    the current values come last.

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> measured, drawn = control_settings({"n": widgets.IntSlider(value=3, min=2, max=4),
    ...                                     "show": widgets.Checkbox(value=True)})
    >>> measured[:4]
    [{'n': 2, 'show': True}, {'n': 4, 'show': True}, {'n': 3, 'show': False}, {'n': 3, 'show': True}]
    >>> drawn == measured
    True
    """
    defaults = {name: control.value for name, control in controls.items()}
    measured: list[dict[str, Any]] = []
    drawn: list[dict[str, Any]] = []
    extremes: dict[str, list[Any]] = {}
    for name, control in controls.items():
        values, discrete = _control_values(control)
        for value in values:
            if value == defaults[name]:
                continue
            setting = {**defaults, name: value}
            measured.append(setting)
            if discrete:
                drawn.append(setting)
        if isinstance(control, (ipywidgets.IntSlider, ipywidgets.FloatSlider)):
            extremes[name] = [control.min, control.max]
    if corners and 2 <= len(extremes) and 2 ** len(extremes) <= MAX_CORNERS:
        for corner in itertools.product(*extremes.values()):
            measured.append({**defaults, **dict(zip(extremes, corner))})
    measured.append(dict(defaults))
    drawn.append(dict(defaults))
    return measured, drawn


def _is_menu(control: Any) -> bool:
    """A drop-down, radio buttons or toggle buttons: each option may show another quantity on another scale."""
    return isinstance(control, (ipywidgets.Dropdown, ipywidgets.RadioButtons, ipywidgets.ToggleButtons,
                                ipywidgets.Select))


def _moves_only(setting: Mapping[str, Any], menus: Sequence[str], controls: Mapping[str, Any]) -> bool:
    """Whether a setting leaves every menu at its current value (it then serves every menu option)."""
    return all(setting[name] == controls[name].value for name in menus)


TITLE_PLACES = ("left", "center", "right")


def titles_with_the_data(axes: Sequence[Any], before: Mapping[tuple[int, str], str] | None = None,
                         heights: Mapping[tuple[int, str], float] | None = None) -> dict[tuple[int, str], Any]:
    """Write each title of ``axes`` as a text drawn with the data; the title itself keeps only its room.

    With ``before`` (``{(id(ax), place): title}`` taken before drawing) only the titles that the
    drawing set are moved; a title of the background stays where it is. ``heights``
    (``{(id(ax), place): y}``, axes coordinates) puts each emptied title back where the last full
    drawing put it (above a polar chart's labels, say): ``set_title`` resets it, and a kept
    background is not drawn again to move it. Returns the emptied titles, ``{(id(ax), place): title}``.

    A title that changes with the controls (a share, a CLV) would otherwise change the figure's
    background; the text has the title's font, colour, alignment and place, so the picture is the
    same. Run inside a :meth:`crmlab.live.LiveFigure.update` block, after drawing.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> _ = ax.set_title("Class A: 20% of customers")
    >>> emptied = titles_with_the_data([ax])
    >>> repr(ax.get_title()), ax.texts[-1].get_text()
    ("' '", 'Class A: 20% of customers')
    """
    emptied = {}
    for ax in axes:
        for place in TITLE_PLACES:
            text = ax.get_title(place)
            if not text.strip() or (before is not None and before.get((id(ax), place)) == text):
                continue
            pad = ax.titleOffsetTrans.get_matrix()[1, 2] * 72 / ax.figure.dpi     # the drawing's pad, in points
            title = ax.set_title("\n".join(" " for _ in text.split("\n")), loc=place, pad=pad)   # same room, no text
            if heights and (id(ax), place) in heights:
                title.set_y(heights[(id(ax), place)])
            emptied[(id(ax), place)] = title
            # pinned to the empty title's box: where matplotlib puts the title (above a polar chart's labels)
            note = ax.annotate(text, xy=(TITLE_PLACES.index(place) / 2, 0), xycoords=title, annotation_clip=False)
            note.update_from(title)
            note.set_verticalalignment("bottom")
            note.set_clip_on(False)
    return emptied


def _declare_spans(live: LiveFigure, spans: Mapping[int, tuple]) -> None:
    for index, (x, y) in spans.items():
        live.limits(live.axes[index], x=x, y=y)


def _declare(live: LiveFigure, ranges: AxesRanges, measure: Callable[[], dict[int, tuple]]) -> None:
    if ranges is None:
        return
    if isinstance(ranges, str):
        if ranges != "controls":
            raise ValueError(f"scenario: axes must be 'controls', None, a dict of ranges or a list of them, got {ranges!r}")
        for index, (x, y) in measure().items():
            live.limits(live.axes[index], x=x, y=y)
        return
    per_axes = [ranges] if isinstance(ranges, Mapping) else list(ranges)
    if len(per_axes) > len(live.axes):
        raise ValueError(f"scenario: {len(per_axes)} axes ranges given for a figure of {len(live.axes)} axes")
    for ax, spans in zip(live.axes, per_axes):
        if spans:
            unknown = set(spans) - {"x", "y"}
            if unknown:
                raise ValueError(f"scenario: axes ranges take 'x' and 'y', got {sorted(unknown)}")
            live.limits(ax, **spans)


def scenario(draw: Callable[..., Any], controls: Mapping[str, Any], *, axes: AxesRanges = "controls",
             figsize: tuple[float, float] = (7, 4), nrows: int = 1, ncols: int = 1,
             figure: Figure | None = None, twinx: bool = False, background: Callable[[Any], Any] | None = None,
             show: bool = True, **subplots: Any) -> KernelCapturedInteractive:
    """A widget that redraws ``draw(ax, **values)`` whenever a control moves; returns the widget.

    Parameters
    ----------
    draw
        Draws one setting: ``draw(ax, **values)`` with ``ax`` the figure's axes (a list when there
        are several); what it returns, if not None, is shown under the figure (a table).
    controls
        ``{parameter of draw: ipywidgets control}``; their current values are the first view.
    axes
        ``"controls"`` (default): the range of every axis that ``draw`` leaves to matplotlib is
        measured over the controls' ranges and kept; a dict ``{"x": (low, high), "y": ...}`` (or a
        list of them, one per axes) declares it by hand; ``None`` autoscales at every update.
    figsize, nrows, ncols, subplots
        The figure (``LiveFigure.subplots``: ``sharey``, ``subplot_kw``, ``gridspec_kw``...), or
    figure
        a matplotlib figure made beforehand, with nothing drawn yet.
    twinx
        Give the first axes a twin with a second y axis on the right (a cumulative line over
        bars); ``draw`` then gets ``[ax, twin, ...]``. The twin draws no grid of its own (it would
        cross the bars; the first axes' grid serves both).
    background
        Draws what never changes, once: ``background(ax)`` (a colour scale, regions, axis labels).
    show
        Display the widget (``False`` in tests).
    """
    live = (LiveFigure.subplots(nrows, ncols, figsize=figsize, **subplots) if figure is None
            else LiveFigure(figure))
    if twinx:
        live.axes[0].twinx().grid(False)
        live = LiveFigure(live.fig)
    live.show = show
    drawing_axes = live.axes[0] if len(live.axes) == 1 else list(live.axes)
    if background is not None:
        background(drawing_axes)                           # may add axes (a colour bar): they stay background

    emptied_titles: dict[tuple[int, str], Any] = {}

    def draw_only(**values: Any) -> Any:
        before = {(id(ax), place): ax.get_title(place) for ax in live.axes for place in TITLE_PLACES}
        heights = {key: title.get_position()[1] for key, title in emptied_titles.items()}
        result = draw(drawing_axes, **values)
        # a background's title stays in the background
        emptied_titles.update(titles_with_the_data(live.axes, before, heights))
        return result

    menus = [name for name, control in controls.items() if _is_menu(control)]
    measured, drawn = control_settings(controls)
    ranges_by_menu: dict[tuple, dict[int, tuple]] = {}
    with captured_outputs():                               # what draw prints while measured is not shown
        if axes == "controls" and menus:                   # each menu option has its own quantity, scale
            for setting in measured:
                key = tuple(setting[name] for name in menus)
                ranges_by_menu.setdefault(key, {})
            for key in ranges_by_menu:
                chosen = dict(zip(menus, key))
                spans = live.views(draw_only, [{**setting, **chosen} for setting in measured
                                               if all(setting[m] == v for m, v in chosen.items())
                                               or _moves_only(setting, menus, controls)])
                ranges_by_menu[key] = spans
            _declare_spans(live, ranges_by_menu[tuple(controls[name].value for name in menus)])
        else:
            _declare(live, axes, lambda: live.views(draw_only, measured))
        live.kept_backgrounds = max(live.kept_backgrounds, len(drawn) + KEPT_BACKGROUNDS)   # room for every view
        for setting in drawn:
            if ranges_by_menu:
                _declare_spans(live, ranges_by_menu.get(tuple(setting[name] for name in menus), {}))
            live.prepare(draw_only, [setting])

    def update(**values: Any) -> Any:
        if ranges_by_menu:
            _declare_spans(live, ranges_by_menu.get(tuple(values[name] for name in menus), {}))
        with live.update():
            result = draw_only(**values)
        return result

    update.__name__ = getattr(draw, "__name__", "scenario")
    update.__doc__ = getattr(draw, "__doc__", None)
    widget = KernelCapturedInteractive(update, {"auto_display": True}, **controls)
    widget.live_figure = live
    if show:
        from IPython.display import display

        display(widget)
    return widget
