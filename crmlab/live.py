"""Live figures: widget plots that redraw in a few milliseconds.

A slider that re-creates its figure on every move waits for matplotlib to lay out and
draw every axis, tick and label again (70-300 ms on a small machine) although only the
data changed. :class:`LiveFigure` keeps one figure per widget and splits it in two:

* the **background** (axes, grid, ticks, labels, titles, legends) is drawn once and kept as
  a picture;
* the **data** drawn inside ``with live.update():`` (lines, bars, polygons, notes) is drawn
  on top of that picture at every update, and the result is shown as a PNG (matplotlib's
  *blitting*, done on the Agg canvas, so it works in any front end and the picture is saved
  in the notebook like any other plot).

The background is redrawn only when it changes: a new title, axis label or legend, other
ticks, or data that leave the view; the last 12 backgrounds are kept, so going back to an
earlier view (a menu option seen before) costs no redraw either. The layout (constrained) is
recomputed only when a text appears or disappears or the tick labels grow by more than two
characters (:meth:`LiveFigure.subplots` leaves room for that). Axis limits
are kept from one update to the next, so that changes stay comparable on one scale; an axis
that matplotlib scaled automatically is refitted (autoscaled; a y axis gets 25 % spare room on
each side that is not a sticky edge such as the base of bars) when the data leave its view,
or fill less than a third of it, and limits set by the plotting code are kept as they are.
A refit prefers a view the axis has shown before, if one holds the new data well, and rounds
new limits to 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^k, so that few views are ever needed;
:meth:`LiveFigure.prepare` draws them before the widget is used. :meth:`LiveFigure.cover` declares
a range that an axis always shows (e.g. out of all customers). Colours restart at every
update, as on a new figure. One difference from a full redraw: the data are drawn over the
background, so grid lines under a translucent fill look slightly fainter (the axis lines of
Cartesian axes are drawn with the data in their zorder, and legends are put back on top, as a
full redraw has them).

Examples
--------
>>> import numpy as np
>>> live = LiveFigure.subplots(figsize=(4, 3), show=False)
>>> for slope in (1.0, 0.8):
...     with live.update():
...         _ = live.ax.plot(np.arange(10), slope * np.arange(10))
>>> live.last_redraw, len(live.ax.lines)
('data only', 1)
"""
from __future__ import annotations

import gc
import struct
import sys
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.container import Container
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.ticker import FixedFormatter, FixedLocator

__all__ = ["LiveFigure", "png_bytes", "settle_garbage_collector", "sweeps"]

_REFIT_FILL = 1 / 3   # refit an automatic axis when the data span less than this share of it
_ROOM = 0.1           # spare room added to each non-sticky side of a refitted axis, before rounding ...
_LADDER = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # ... out to one of these x 10^k
KEPT_BACKGROUNDS = 12  # backgrounds kept per figure, so that going back to a view costs no redraw
KEPT_VIEWS = 24        # limits remembered per axis, offered first when the data need another view
WIDTH_SLACK = 2        # tick labels may grow by this many characters before the layout is recomputed ...
PAD_INCHES = 10 / 72   # ... into the extra padding that LiveFigure.subplots leaves around its axes
UNFROZEN_LIMIT = 50_000  # objects the garbage collector may scan before a new figure freezes the older ones


class LiveFigure:
    """One figure that a widget updates in place; see the module docstring.

    Parameters
    ----------
    fig
        A figure with its axes created and nothing, or only fixed decoration, drawn yet. Axes
        may be added between updates (they then belong to the background), not inside one.
        It gets its own Agg canvas and is not managed by pyplot, so notebooks do not show
        it twice.
    show
        Display the picture after each update (``IPython.display``); ``False`` only
        renders it (:attr:`png`), for tests and benchmarks.
    png_compression
        zlib level of the PNG, 1 (fastest) to 9 (smallest).

    Attributes
    ----------
    fig, axes, ax
        The figure, its axes (list) and the first axes.
    png : bytes
        The last picture.
    kept_backgrounds : int
        How many backgrounds are kept (12; :meth:`prepare` makes room for the views it draws).
    last_redraw : str
        ``"full"`` when the last update redrew the background, ``"data only"`` otherwise.
    full_redraws : int
        Class attribute: full redraws made by every live figure of this process so far (what
        ``benchmarks/bench_widgets.py`` counts).
    """

    full_redraws = 0

    def __init__(self, fig: Figure, *, show: bool = True, png_compression: int = 1) -> None:
        self.fig = fig
        FigureCanvasAgg(fig)
        self.axes: list[Axes] = list(fig.axes)
        self.ax = self.axes[0] if self.axes else None
        self.show = show
        self.png_compression = png_compression
        self.png = b""
        self.last_redraw = ""
        self._created: list[Artist | Container] = []
        self._data: list[Artist] = []
        self._backgrounds: OrderedDict[tuple, tuple[Any, list[Any]]] = OrderedDict()
        self._layout: tuple | None = None
        self._widths: tuple | None = None
        self._automatic: dict[int, tuple[bool, bool]] = {}
        self._cover: dict[int, tuple[tuple[float, float] | None, tuple[float, float] | None]] = {}
        self._tick_cache: dict[int, tuple[tuple, tuple, tuple]] = {}
        self._encode = True
        self.kept_backgrounds = KEPT_BACKGROUNDS
        self._seen: dict[tuple[int, str], OrderedDict[tuple[float, float], None]] = {}

    @classmethod
    def subplots(cls, nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (7, 4),
                 show: bool = True, subplot_kw: dict | None = None, **kwargs: Any) -> "LiveFigure":
        """A live figure with a grid of axes (constrained layout), like ``plt.subplots``.

        Examples
        --------
        >>> live = LiveFigure.subplots(1, 2, figsize=(8, 3), show=False)
        >>> len(live.axes)
        2
        """
        fig = Figure(figsize=figsize, layout=kwargs.pop("layout", "constrained"))
        if fig.get_layout_engine() is not None and hasattr(fig.get_layout_engine(), "set"):
            fig.get_layout_engine().set(w_pad=PAD_INCHES, h_pad=PAD_INCHES / 2)
        fig.subplots(nrows, ncols, squeeze=False, subplot_kw=subplot_kw, **kwargs)
        return cls(fig, show=show)

    def cover(self, ax: Axes | None = None, *, x: tuple[float, float] | None = None,
              y: tuple[float, float] | None = None) -> "LiveFigure":
        """Keep ``x`` and/or ``y`` (low, high) in view of ``ax`` (default: the first axes) at every update.

        An automatically scaled axis then shows at least this range, so values that stay in it
        are compared on one scale and never cause a redraw of the background; data that go beyond
        it still widen the view. Give the range the widget's controls can reach (e.g. computed at
        their extremes). Limits that the plotting code sets itself take precedence.

        Examples
        --------
        >>> live = LiveFigure.subplots(figsize=(4, 3), show=False).cover(y=(0, 100))
        >>> with live.update():
        ...     _ = live.ax.plot([0, 1, 2], [5, 7, 6])
        >>> low, high = live.ax.get_ylim()
        >>> bool(low <= 0 and high >= 100)
        True
        """
        ax = self.ax if ax is None else ax
        if ax is None or ax.figure is not self.fig:
            raise ValueError("LiveFigure.cover: ax must be one of this figure's axes")
        for name, span in (("x", x), ("y", y)):
            if span is not None and not (len(span) == 2 and np.all(np.isfinite(span)) and span[0] < span[1]):
                raise ValueError(f"LiveFigure.cover: {name} must be (low, high) with low < high, got {span!r}")
        self._cover[id(ax)] = (None if x is None else (float(x[0]), float(x[1])),
                               None if y is None else (float(y[0]), float(y[1])))
        return self

    def prepare(self, draw: Callable[..., Any], settings: Iterable[Mapping[str, Any]]) -> "LiveFigure":
        """Draw the views a widget will need before anyone moves it.

        ``draw(**setting)`` draws the data of one setting of the controls onto the axes; each
        setting is drawn without being shown, its automatic axes fitted to its data (rounded
        limits: data of a similar size get the same view), and each view's background is kept.
        A few settings spread over the controls' ranges (their corners, a coarse grid) cover
        most of what a student will meet, so that later moves redraw the data only.

        Examples
        --------
        >>> live = LiveFigure.subplots(figsize=(4, 3), show=False)
        >>> def draw(slope):
        ...     _ = live.ax.plot([0, 10], [0, 10 * slope])
        >>> _ = live.prepare(draw, [{"slope": s} for s in (0.5, 1, 5)])
        >>> with live.update():
        ...     draw(slope=4.5)
        >>> live.last_redraw
        'data only'
        """
        settings = list(settings)
        self.kept_backgrounds = max(self.kept_backgrounds, len(settings) + KEPT_BACKGROUNDS)  # room for them all
        self._encode = False                                # nobody sees these pictures: skip the PNG
        try:
            for setting in settings:
                with self.update(show=False, refit=True):
                    draw(**setting)
        finally:
            self._encode = True
        return self

    # -- the update ---------------------------------------------------------------------------
    @contextmanager
    def update(self, show: bool | None = None, refit: bool = False) -> Iterator["LiveFigure"]:
        """Replace what the previous update drew with what the block draws, then render and show it.

        Everything that changes with the widget values must be drawn inside the block.
        ``show=False`` renders without displaying, e.g. to prepare a view before a menu needs it.
        ``refit=True`` fits the automatic axes to these data even if the current view holds them:
        with ``show=False`` at a few control settings, it draws (and keeps) the views that the
        widget will need, so that moving a control later finds them ready.
        """
        if not self._automatic and _in_a_kernel():          # this figure's first update, in Jupyter
            settle_garbage_collector()
        for artist in self._created:
            try:
                artist.remove()
            except (ValueError, NotImplementedError):  # already gone
                pass
        self.axes = list(self.fig.axes)  # axes added between updates (a colour bar drawn once) are background
        for ax in self.axes:
            ax.set_prop_cycle(None)     # colours start over, as on a new figure
        before = {id(artist) for artist in self._artists()}
        containers_before = {id(c) for ax in self.axes for c in ax.containers}
        yield self
        if len(self.fig.axes) != len(self.axes):
            raise RuntimeError(
                f"LiveFigure: the update made {len(self.fig.axes) - len(self.axes)} new axes (a colour bar or twin "
                "axes?); make every axes once, outside the update, and draw into it (e.g. colorbar(cax=...))")
        # bar and error-bar containers hold their parts for legends: they go with the parts
        containers = [c for ax in self.axes for c in ax.containers if id(c) not in containers_before]
        self._created = containers + [a for a in self._artists() if id(a) not in before]
        # legends rarely change with a slider: they belong to the background (and its signature)
        # the axis lines (zorder 2.5) go over bars and fills, under texts: they are drawn with the data,
        # in zorder as a full redraw draws them (after the data of equal zorder), not kept in the background
        frames = [spine for ax in self.axes if ax.name == "rectilinear" for spine in ax.spines.values()
                  if spine.get_visible()]
        self._data = sorted([a for a in self._created if isinstance(a, Artist) and not isinstance(a, Legend)]
                            + frames, key=lambda a: a.get_zorder())
        for artist in self._data:
            artist.set_animated(True)   # left out of the background, drawn on top of it
        self._render(refit)
        if self.show if show is None else show:
            from IPython.display import Image as ShownImage, display

            display(ShownImage(data=self.png, format="png"))

    def _artists(self) -> list[Artist]:
        found: list[Artist] = []
        for ax in self.axes:
            found.extend(ax.get_children())
        found.extend(self.fig.legends)
        found.extend(self.fig.texts)
        return found

    def _render(self, refit: bool = False) -> None:
        self._fit_limits(refit)
        canvas = self.fig.canvas
        signature = self._background_signature()
        if signature in self._backgrounds:                  # this background was drawn before: reuse it
            self._backgrounds.move_to_end(signature)
            self.last_redraw = "data only"
        else:
            texts, widths = signature[0], signature[1]
            wider = self._widths is None or any(new > old + WIDTH_SLACK for pair, old_pair in zip(widths, self._widths)
                                                for new, old in zip(pair, old_pair))
            if texts == self._layout and not wider:         # keep the positions, skip the layout pass
                engine = self.fig.get_layout_engine()
                self.fig.set_layout_engine("none")
                canvas.draw()                               # background: everything not animated
                self.fig.set_layout_engine(engine)
            else:
                canvas.draw()
                self._layout, self._widths = self._background_signature()[:2]
            # a full redraw puts legends over everything: keep their pixels to paste back over the data
            overlays = [canvas.copy_from_bbox(legend.get_window_extent()) for legend in self._legends()]
            signature = self._background_signature()        # ticks and positions as drawn
            self._backgrounds[signature] = (canvas.copy_from_bbox(self.fig.bbox), overlays)
            while len(self._backgrounds) > self.kept_backgrounds:
                self._backgrounds.popitem(last=False)
            self.last_redraw = "full"
            LiveFigure.full_redraws += 1
        background, overlays = self._backgrounds[signature]
        canvas.restore_region(background)
        for artist in self._data:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        for patch in overlays:                              # legends stay on top of the data
            canvas.restore_region(patch)
        if self._encode:
            self.png = png_bytes(np.asarray(canvas.buffer_rgba()), self.png_compression)

    # -- limits and what the background depends on ---------------------------------------------
    def _fit_limits(self, force: bool = False) -> None:
        """Keep limits between updates; refit the automatic ones when the data leave or shrink in the view.

        A refit first looks among the views this axis has shown (the last 24) for the narrowest one
        that holds the data and that they fill to a third at least: its background is probably kept.
        Otherwise the view depends on the data alone (matplotlib's autoscaling, spare room, rounded
        limits), so that coming back to the same data gives the same view, and its cached
        background. ``force`` (``update(refit=True)``) skips the search and always fits the data.
        """
        for ax in self.axes:
            if ax.name != "rectilinear":
                continue
            key = id(ax)
            cover_x, cover_y = self._cover.get(key, (None, None))
            if key not in self._automatic:                  # first update: remember what matplotlib scales
                self._automatic[key] = (ax.get_autoscalex_on(), ax.get_autoscaley_on())
                refit_x, refit_y = self._automatic[key]
            elif force:
                refit_x, refit_y = self._automatic[key]
            else:
                auto_x, auto_y = self._automatic[key]
                if not (auto_x or auto_y):
                    continue
                ax.relim(visible_only=True)
                data_x = _covering(ax.dataLim.intervalx, cover_x)
                data_y = _covering(ax.dataLim.intervaly, cover_y)
                refit_x = auto_x and _needs_refit(data_x, ax.get_xlim())
                refit_y = auto_y and _needs_refit(data_y, ax.get_ylim())
                if refit_x and (view := self._seen_view(key, "x", data_x)) is not None:
                    ax.set_xlim(view)
                    refit_x = False
                if refit_y and (view := self._seen_view(key, "y", data_y)) is not None:
                    ax.set_ylim(view)
                    refit_y = False
            if refit_x or refit_y:
                ax.relim(visible_only=True)
                ax.set_autoscalex_on(refit_x)
                ax.set_autoscaley_on(refit_y)
                ax.autoscale_view()
                if refit_y:                                 # x is usually the domain (periods, spend): no room
                    ax.set_ylim(_with_room(ax.get_ylim(), ax.dataLim.intervaly))
                if refit_x and cover_x is not None:
                    ax.set_xlim(_widened(ax.get_xlim(), cover_x))
                if refit_y and cover_y is not None:
                    ax.set_ylim(_widened(ax.get_ylim(), cover_y))
            ax.set_autoscale_on(False)
            for name, view, automatic in (("x", ax.get_xlim(), self._automatic[key][0]),
                                          ("y", ax.get_ylim(), self._automatic[key][1])):
                if automatic:
                    seen = self._seen.setdefault((key, name), OrderedDict())
                    seen[tuple(map(float, view))] = None
                    seen.move_to_end(tuple(map(float, view)))
                    while len(seen) > KEPT_VIEWS:
                        seen.popitem(last=False)

    def _seen_view(self, key: int, name: str, data: np.ndarray) -> tuple[float, float] | None:
        """The narrowest view shown before that holds ``data`` and that the data fill to a third at least."""
        fitting = [view for view in self._seen.get((key, name), ()) if not _needs_refit(data, view)]
        return min(fitting, key=lambda view: abs(view[1] - view[0]), default=None)

    def _legends(self) -> list[Legend]:
        return [legend for legend in [ax.get_legend() for ax in self.axes] + list(self.fig.legends)
                if legend is not None and legend.get_visible()]

    def _background_signature(self) -> tuple[tuple, tuple, tuple]:
        """(texts that can move the layout, tick-label widths in characters, everything else the background shows)."""
        layout: list[Any] = [tuple(self.fig.get_size_inches()),
                             tuple(t.get_text() for t in self.fig.texts if t not in self._data)]
        rest: list[Any] = []
        widths: list[tuple[int, int]] = []
        for legend in self._legends():
            anchor = legend.get_bbox_to_anchor()
            anchor = getattr(anchor, "_bbox", anchor)       # in the parent's coordinates, not pixels
            layout.append((tuple(t.get_text() for t in legend.get_texts()), legend._loc,
                           tuple(np.round(anchor.bounds, 6))))
            rest.append(tuple(_handle_look(h) for h in legend.legend_handles))
        for ax in self.axes:
            x_ticks, x_labels = self._ticks(ax.xaxis)
            y_ticks, y_labels = self._ticks(ax.yaxis)
            titles = (ax.get_title("left"), ax.get_title(), ax.get_title("right"), ax.get_xlabel(), ax.get_ylabel())
            # a title or axis label takes the same room whatever it says (one line of one font), so only
            # whether it is there and its line count can move the layout; tick labels can widen the margins
            layout.append((ax.get_visible(), tuple((bool(t), t.count("\n")) for t in titles)))
            widths.append((max(map(len, x_labels), default=0), max(map(len, y_labels), default=0)))
            rest.append((titles, tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim(),
                         x_ticks, y_ticks, x_labels, y_labels))
        return tuple(layout), tuple(widths), tuple(rest)

    def _ticks(self, axis: Any) -> tuple[tuple, tuple]:
        """(tick positions, tick labels) of an axis, without matplotlib's tick update where possible.

        Asking an axis for its tick labels updates every tick object (1-2 ms per axis). Fixed ticks
        (``set_xticks`` with labels) are read directly; otherwise the answer is kept while the
        locator, formatter, view and axes box stay the same objects and values.
        """
        locator, formatter = axis.get_major_locator(), axis.get_major_formatter()
        base = getattr(locator, "base", locator)            # polar axes wrap their locators
        if isinstance(base, FixedLocator) and isinstance(formatter, FixedFormatter) and base.nbins is None:
            return tuple(np.asarray(base.locs, dtype=float).tolist()), tuple(map(str, formatter.seq))
        state = (locator, formatter, tuple(axis.get_view_interval()), tuple(axis.axes.bbox.bounds))
        kept = self._tick_cache.get(id(axis))
        if kept is not None and len(kept[0]) == len(state) and all(
                a is b if i < 2 else a == b for i, (a, b) in enumerate(zip(kept[0], state))):
            return kept[1], kept[2]
        ticks = tuple(np.asarray(axis.get_majorticklocs(), dtype=float).tolist())
        labels = tuple(t.get_text() for t in axis.get_majorticklabels())
        self._tick_cache[id(axis)] = (state, ticks, labels)  # holds the locator and formatter: ids stay unique
        return ticks, labels


def settle_garbage_collector(limit: int = UNFROZEN_LIMIT) -> bool:
    """Collect garbage once, then freeze every surviving object (:func:`gc.freeze`), when more than
    ``limit`` objects are tracked; return whether it did.

    Python's full collection scans every object the kernel holds (a lecture holds 200,000 or
    more: data frames, figures, widgets), which stops a widget update for 0.2-0.3 s every few
    dozen updates. Objects made before the widgets, frozen, are no longer scanned, so those
    collections cost a few milliseconds. In a Jupyter kernel the first update of each
    :class:`LiveFigure` calls this (the collection itself then takes those 0.2-0.3 s once, while
    the cell runs). Frozen objects are still freed when nothing refers to them any more; only
    reference cycles among them wait for the kernel to stop.

    Examples
    --------
    >>> settle_garbage_collector(limit=0) and len(gc.get_objects()) < 1000
    True
    """
    if len(gc.get_objects()) <= limit:
        return False
    gc.collect()
    gc.freeze()
    return True


def _in_a_kernel() -> bool:
    """Whether this process is a Jupyter (IPython) kernel, where widgets run."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return shell is not None and "ipykernel" in sys.modules


def sweeps(defaults: Mapping[str, Any], values: Mapping[str, Iterable[Any]]) -> list[dict[str, Any]]:
    """Settings of a widget's controls that move one control at a time away from ``defaults``
    (then the defaults themselves, last): what :meth:`LiveFigure.prepare` should draw when
    students usually move one slider and look.

    Examples
    --------
    >>> sweeps({"m": 100, "r": 0.8}, {"m": [0, 500], "r": [0.5]})
    [{'m': 0, 'r': 0.8}, {'m': 500, 'r': 0.8}, {'m': 100, 'r': 0.5}, {'m': 100, 'r': 0.8}]
    """
    unknown = set(values) - set(defaults)
    if unknown:
        raise ValueError(f"sweeps: no default for {sorted(unknown)}")
    settings = [{**defaults, name: value} for name, options in values.items() for value in options]
    return settings + [dict(defaults)]


def _handle_look(handle: Artist) -> tuple:
    """What a legend key looks like: kind, colours, line style and marker."""
    look: list[Any] = [type(handle).__name__]
    for getter in ("get_color", "get_facecolor", "get_edgecolor", "get_linestyle", "get_marker", "get_alpha"):
        if hasattr(handle, getter):
            value = getattr(handle, getter)()
            look.append(str(np.round(value, 4).tolist()) if isinstance(value, np.ndarray) else str(value))
    return tuple(look)


def _with_room(fitted: tuple[float, float], data: np.ndarray) -> tuple[float, float]:
    """Autoscaled limits widened by 10 % of their span on each side that is not a sticky edge (bars and
    fills keep their base at 0), then rounded outwards to 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^k:
    the next small step of a slider does not refit again, and data of a similar size get exactly
    the same view, whose background is then reused.

    Examples
    --------
    >>> _with_room((0.0, 104.0), np.array([0.0, 100.0]))      # the base of bars stays at 0
    (0.0, 125.0)
    >>> _with_room((-3.0, 40.0), np.array([-2.0, 38.0]))
    (-8.0, 50.0)
    """
    low, high = fitted
    span = high - low
    if not (np.isfinite(span) and span > 0):
        return low, high
    if high > float(data[1]) + 1e-9 * span:
        high = _round_out(high + _ROOM * span, up=True)
    if low < float(data[0]) - 1e-9 * span:
        low = _round_out(low - _ROOM * span, up=False)
    return low, high


def _round_out(value: float, up: bool) -> float:
    """The nearest value of the ladder 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k (or its negative) beyond ``value``."""
    if value == 0 or not np.isfinite(value):
        return value
    if value < 0:
        return -_round_out(-value, not up)
    scale = 10.0 ** np.floor(np.log10(value))
    steps = [step * scale for step in _LADDER]
    if up:
        return float(next(s for s in steps if s >= value * (1 - 1e-12)))
    return float(next(s for s in reversed(steps) if s <= value * (1 + 1e-12)))


def _covering(data: np.ndarray, cover: tuple[float, float] | None) -> np.ndarray:
    """The data interval widened to the declared range, if any."""
    if cover is None or not np.all(np.isfinite(data)):
        return data if cover is None else np.asarray(cover, dtype=float)
    return np.array([min(float(data[0]), cover[0]), max(float(data[1]), cover[1])])


def _widened(view: tuple[float, float], cover: tuple[float, float]) -> tuple[float, float]:
    """Limits widened to include ``cover``, keeping the axis direction (inverted axes stay inverted)."""
    low, high = min(view), max(view)
    low, high = min(low, cover[0]), max(high, cover[1])
    return (high, low) if view[0] > view[1] else (low, high)


def _needs_refit(data: np.ndarray, view: tuple[float, float]) -> bool:
    low, high = float(data[0]), float(data[1])
    if not (np.isfinite(low) and np.isfinite(high)):
        return False
    view_low, view_high = min(view), max(view)
    span = view_high - view_low
    tolerance = 1e-9 * max(span, 1.0)
    outside = low < view_low - tolerance or high > view_high + tolerance
    return outside or (high - low) < _REFIT_FILL * span


def png_bytes(rgb: np.ndarray, compression: int = 1) -> bytes:
    """Encode an ``(height, width, 3 or 4)`` uint8 picture as an RGB or RGBA PNG, every row unfiltered.

    A plot is large areas of one colour, which zlib compresses well without PNG's row
    filters; skipping the filter search makes this 3-4x faster than Pillow's encoder. An RGBA
    picture (matplotlib's buffer) is written with its alpha channel: copying whole rows is
    faster than dropping every fourth byte (8 ms instead of 14 ms for a 1300 x 440 figure here),
    for a file about 8 % larger.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> picture = np.zeros((2, 3, 3), dtype=np.uint8); picture[0, 1] = (255, 128, 0)
    >>> np.array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(picture)))), picture)
    True
    >>> with_alpha = np.dstack([picture, np.full((2, 3), 255, dtype=np.uint8)])
    >>> np.array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(with_alpha)))), with_alpha)
    True
    """
    if rgb.ndim != 3 or rgb.shape[2] not in (3, 4) or rgb.dtype != np.uint8:
        raise ValueError(f"png_bytes needs an (height, width, 3 or 4) uint8 array, got {rgb.dtype} {rgb.shape}")
    height, width, channels = rgb.shape
    rows = np.empty((height, 1 + channels * width), dtype=np.uint8)
    rows[:, 0] = 0                                              # filter byte 0 (none) before each row
    rows[:, 1:] = rgb.reshape(height, channels * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    colour_type = 2 if channels == 3 else 6                    # 8-bit RGB or RGBA, no interlace
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, compression)) + chunk(b"IEND", b""))


# lectures import this module: their ipywidgets.interact widgets capture in the kernel, so that headless
# runs never stall (see crmlab.interact); CRMLAB_FRONTEND_CAPTURE=1 keeps ipywidgets' own capture (to compare)
if _in_a_kernel() and not __import__("os").environ.get("CRMLAB_FRONTEND_CAPTURE"):
    from .interact import use_kernel_capture

    use_kernel_capture()
