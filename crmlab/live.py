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
or fill less than a third of it, and limits set by the plotting code are kept as they are. Colours restart at every
update, as on a new figure. One difference from a full redraw: the data are drawn over the
background, so grid lines under a translucent fill look slightly fainter (the axis lines of
Cartesian axes and the legends are put back on top, as a full redraw has them).

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

import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.container import Container
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend

__all__ = ["LiveFigure", "png_bytes"]

_REFIT_FILL = 1 / 3   # refit an automatic axis when the data span less than this share of it
_ROOM = 0.25          # spare room added to each non-sticky side of a refitted axis
KEPT_BACKGROUNDS = 12  # backgrounds kept per figure, so that going back to a view costs no redraw
WIDTH_SLACK = 2        # tick labels may grow by this many characters before the layout is recomputed ...
PAD_INCHES = 10 / 72   # ... into the extra padding that LiveFigure.subplots leaves around its axes


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
    last_redraw : str
        ``"full"`` when the last update redrew the background, ``"data only"`` otherwise.
    """

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

    # -- the update ---------------------------------------------------------------------------
    @contextmanager
    def update(self, show: bool | None = None) -> Iterator["LiveFigure"]:
        """Replace what the previous update drew with what the block draws, then render and show it.

        Everything that changes with the widget values must be drawn inside the block.
        ``show=False`` renders without displaying, e.g. to prepare a view before a menu needs it.
        """
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
        self._data = sorted((a for a in self._created if isinstance(a, Artist) and not isinstance(a, Legend)),
                            key=lambda a: a.get_zorder())
        for artist in self._data:
            artist.set_animated(True)   # left out of the background, drawn on top of it
        self._render()
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

    def _render(self) -> None:
        self._fit_limits()
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
            # a full redraw puts the axis lines (zorder 2.5) over bars, fills and lines, and legends over
            # everything: keep their pixels to paste back over the data at each update
            frames = [spine for ax in self.axes if ax.name == "rectilinear" for spine in ax.spines.values()
                      if spine.get_visible()]
            overlays = ([canvas.copy_from_bbox(_line_extent(spine, self.fig.dpi)) for spine in frames]
                        + [canvas.copy_from_bbox(legend.get_window_extent()) for legend in self._legends()])
            signature = self._background_signature()        # ticks and positions as drawn
            self._backgrounds[signature] = (canvas.copy_from_bbox(self.fig.bbox), overlays)
            while len(self._backgrounds) > KEPT_BACKGROUNDS:
                self._backgrounds.popitem(last=False)
            self.last_redraw = "full"
        background, overlays = self._backgrounds[signature]
        canvas.restore_region(background)
        for artist in self._data:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        for patch in overlays:                              # frames and legends stay on top of the data
            canvas.restore_region(patch)
        self.png = png_bytes(np.asarray(canvas.buffer_rgba()), self.png_compression)

    # -- limits and what the background depends on ---------------------------------------------
    def _fit_limits(self) -> None:
        """Keep limits between updates; refit the automatic ones when the data leave or shrink in the view.

        A refit depends on the data alone (matplotlib's autoscaling plus spare room), so that coming
        back to the same data gives the same view, and its cached background.
        """
        for ax in self.axes:
            if ax.name != "rectilinear":
                continue
            key = id(ax)
            if key not in self._automatic:                  # first update: remember what matplotlib scales
                self._automatic[key] = (ax.get_autoscalex_on(), ax.get_autoscaley_on())
                refit_x, refit_y = self._automatic[key]
            else:
                auto_x, auto_y = self._automatic[key]
                if not (auto_x or auto_y):
                    continue
                ax.relim(visible_only=True)
                refit_x = auto_x and _needs_refit(ax.dataLim.intervalx, ax.get_xlim())
                refit_y = auto_y and _needs_refit(ax.dataLim.intervaly, ax.get_ylim())
            if refit_x or refit_y:
                ax.relim(visible_only=True)
                ax.set_autoscalex_on(refit_x)
                ax.set_autoscaley_on(refit_y)
                ax.autoscale_view()
                if refit_y:                                 # x is usually the domain (periods, spend): no room
                    ax.set_ylim(_with_room(ax.get_ylim(), ax.dataLim.intervaly))
            ax.set_autoscale_on(False)

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
            x_labels = tuple(t.get_text() for t in ax.get_xticklabels())
            y_labels = tuple(t.get_text() for t in ax.get_yticklabels())
            titles = (ax.get_title("left"), ax.get_title(), ax.get_title("right"), ax.get_xlabel(), ax.get_ylabel())
            # a title or axis label takes the same room whatever it says (one line of one font), so only
            # whether it is there and its line count can move the layout; tick labels can widen the margins
            layout.append((ax.get_visible(), tuple((bool(t), t.count("\n")) for t in titles)))
            widths.append((max(map(len, x_labels), default=0), max(map(len, y_labels), default=0)))
            rest.append((titles, tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim(),
                         tuple(ax.get_xticks()), tuple(ax.get_yticks()), x_labels, y_labels))
        return tuple(layout), tuple(widths), tuple(rest)


def _line_extent(spine: Artist, dpi: float) -> Any:
    """The pixels a spine covers: its extent (which leaves out the line's width) padded by half the width."""
    return spine.get_window_extent().padded(spine.get_linewidth() * dpi / 72 / 2 + 0.5)


def _handle_look(handle: Artist) -> tuple:
    """What a legend key looks like: kind, colours, line style and marker."""
    look: list[Any] = [type(handle).__name__]
    for getter in ("get_color", "get_facecolor", "get_edgecolor", "get_linestyle", "get_marker", "get_alpha"):
        if hasattr(handle, getter):
            value = getattr(handle, getter)()
            look.append(str(np.round(value, 4).tolist()) if isinstance(value, np.ndarray) else str(value))
    return tuple(look)


def _with_room(fitted: tuple[float, float], data: np.ndarray) -> tuple[float, float]:
    """Autoscaled limits widened by 25 % of their span on each side that is not a sticky edge (bars and
    fills keep their base at 0), so that the next small step of a slider does not refit again."""
    low, high = fitted
    span = high - low
    if not (np.isfinite(span) and span > 0):
        return low, high
    if high > float(data[1]) + 1e-9 * span:
        high += _ROOM * span
    if low < float(data[0]) - 1e-9 * span:
        low -= _ROOM * span
    return low, high


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
    """Encode an ``(height, width, 3)`` uint8 picture as an RGB PNG, every row unfiltered (an alpha
    channel, as in matplotlib's RGBA buffer, is dropped).

    A plot is large areas of one colour, which zlib compresses well without PNG's row
    filters; skipping the filter search makes this 3-4x faster than Pillow's encoder
    (8 ms instead of 23-29 ms for a 1300 x 440 figure here) for files about as small.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> picture = np.zeros((2, 3, 3), dtype=np.uint8); picture[0, 1] = (255, 128, 0)
    >>> np.array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(picture)))), picture)
    True
    """
    if rgb.ndim != 3 or rgb.shape[2] not in (3, 4) or rgb.dtype != np.uint8:
        raise ValueError(f"png_bytes needs an (height, width, 3 or 4) uint8 array, got {rgb.dtype} {rgb.shape}")
    height, width = rgb.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)   # filter byte 0 (none) before each row
    pixels = rows[:, 1:].reshape(height, width, 3)              # a view into rows (asserted below)
    assert np.shares_memory(pixels, rows)
    pixels[...] = rgb[..., :3]                                  # drops alpha, if any, in the same copy

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)   # 8-bit RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), compression)) + chunk(b"IEND", b""))
