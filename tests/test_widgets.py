"""crmlab.widgets.scenario: ranges declared from the controls, discrete views drawn up front, outputs in order."""
from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from crmlab.widgets import control_settings, scenario


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _full_redraw(live) -> np.ndarray:
    for artist in live._data:
        artist.set_animated(False)
    engine = live.fig.get_layout_engine()
    live.fig.set_layout_engine("none")
    live.fig.canvas.draw()
    live.fig.set_layout_engine(engine)
    picture = np.asarray(live.fig.canvas.buffer_rgba())[..., :3].astype(int)
    for artist in live._data:
        artist.set_animated(True)
    return picture


def test_slider_moves_keep_the_view_declared_from_the_controls_and_redraw_only_the_data():
    printed = []

    def draw(ax, margin, retention):
        years = np.arange(1, 11)
        printed.append((margin, retention))
        ax.plot(years, margin * retention ** years, label="value")
        ax.legend(loc="upper right")
        ax.set_title("value per year")
        return f"first year {margin * retention:.1f}"

    widget = scenario(draw, {"margin": widgets.FloatSlider(value=100, min=0, max=500, step=10),
                             "retention": widgets.FloatSlider(value=0.8, min=0.2, max=0.99, step=0.01)}, show=False)
    live = widget.live_figure
    assert len(printed) > 10                              # measured over each slider's range
    view = live.ax.get_ylim()
    assert view[1] >= 500 * 0.8 and view[0] <= 0         # the largest value one slider reaches is in view
    redraws = live.full_redraws
    for margin, retention in ((480, 0.8), (20, 0.25), (250, 0.5)):
        widget.children[0].value = margin
        widget.children[1].value = retention
        assert live.last_redraw == "data only" and live.ax.get_ylim() == view
    assert live.full_redraws == redraws
    assert np.abs(_pixels(live.png) - _full_redraw(live)).mean() < 0.05
    shown = str(widget.out.outputs)
    assert widget.result == "first year 125.0" and "first year 125.0" in shown     # shown under the figure


def test_menu_options_and_small_integer_sliders_are_drawn_before_the_widget_is_used():
    def draw(ax, bins, dimension):
        ax.bar(np.arange(bins), np.linspace(10, 90, bins), label=dimension)
        ax.set_xticks(np.arange(bins), [f"{dimension[0]}{i + 1}" for i in range(bins)])
        ax.set_ylim(0, 100)
        ax.set_title(dimension)

    widget = scenario(draw, {"bins": widgets.IntSlider(value=5, min=2, max=10),
                             "dimension": widgets.Dropdown(options=[("Recency", "recency"), ("Monetary", "monetary")],
                                                           value="recency")}, show=False)
    live = widget.live_figure
    redraws = live.full_redraws
    for bins in (2, 9, 5):
        widget.children[0].value = bins
        assert live.last_redraw == "data only", bins
    widget.children[1].value = "monetary"
    assert live.last_redraw == "data only" and live.full_redraws == redraws
    assert live.ax.texts[-1].get_text() == "monetary"   # the title, drawn with the data


def test_what_draw_prints_while_the_scenario_is_measured_is_not_shown(capsys):
    def draw(ax, n):
        print("n =", n)
        ax.plot([0, 1], [0, n])

    widget = scenario(draw, {"n": widgets.IntSlider(value=3, min=1, max=5)}, show=False)
    assert capsys.readouterr().out == ""
    assert widget.out.outputs[0]["text"].startswith("n = 3\n")      # printed by the update, in the widget


def test_ranges_declared_by_hand_and_several_axes():
    def draw(axes, level):
        axes[0].plot([0, 1], [0, level])
        axes[1].bar([0, 1], [level, 1])

    widget = scenario(draw, {"level": widgets.FloatSlider(value=1, min=0, max=4)}, ncols=2, figsize=(6, 3),
                      axes=[{"y": (0, 10)}, None], show=False)
    live = widget.live_figure
    assert tuple(map(float, live.axes[0].get_ylim())) == (0.0, 10.0)
    assert live.axes[1].get_ylim()[1] < 5                 # not declared: matplotlib's own view of these data
    with pytest.raises(ValueError, match="'x' and 'y'"):
        scenario(draw, {"level": widgets.FloatSlider(value=1, min=0, max=4)}, ncols=2, axes={"z": (0, 1)}, show=False)
    with pytest.raises(ValueError, match="axes must be"):
        scenario(draw, {"level": widgets.FloatSlider(value=1, min=0, max=4)}, ncols=2, axes="fit", show=False)


def test_background_is_drawn_once_and_control_labels_are_the_lectures():
    from crmlab.lang import label

    calls = []

    def background(ax):
        calls.append(1)
        ax.axhspan(0, 0.5, color="0.9")

    def draw(ax, x):
        ax.plot([x], [x], "o")

    slider = widgets.FloatSlider(value=0.5, min=0, max=1, step=0.05, description=label("customers", "zh"))
    widget = scenario(draw, {"x": slider}, background=background, axes={"x": (0, 1), "y": (0, 1)}, show=False)
    slider.value = 0.9
    assert calls == [1] and widget.live_figure.last_redraw == "data only"
    assert widget.children[0].description == label("customers", "zh") != label("customers", "en")


def test_control_settings_move_one_control_at_a_time_then_the_corners():
    measured, drawn = control_settings({"a": widgets.FloatSlider(value=0.5, min=0, max=1, step=0.1),
                                        "b": widgets.FloatSlider(value=2, min=1, max=3, step=1),
                                        "who": widgets.SelectMultiple(options=["x", "y", "z"], value=("x", "y"))})
    assert {"a": 0.0, "b": 2, "who": ("x", "y")} in measured and {"a": 0.5, "b": 3, "who": ("x", "y")} in measured
    assert {"a": 0.0, "b": 1, "who": ("x", "y")} not in measured              # a corner: only when asked
    with_corners, _ = control_settings({"a": widgets.FloatSlider(value=0.5, min=0, max=1, step=0.1),
                                        "b": widgets.FloatSlider(value=2, min=1, max=3, step=1)}, corners=True)
    assert {"a": 0.0, "b": 1} in with_corners and len(with_corners) == 4 + 2 + 4 + 1
    assert [s["who"] for s in drawn] == [("y",), ("x",), ("x", "y", "z"), ("x", "y")]
    assert measured[-1] == drawn[-1] == {"a": 0.5, "b": 2, "who": ("x", "y")}


def test_each_menu_option_gets_the_range_of_its_own_quantity():
    def draw(ax, outcome, level):
        scale = {"share": 1, "revenue": 1000}[outcome]
        ax.plot([0, 1, 2], [0, level * scale, level * scale / 2])
        ax.set_ylabel(outcome)

    widget = scenario(draw, {"level": widgets.FloatSlider(value=0.5, min=0.1, max=1, step=0.1),
                             "outcome": widgets.Dropdown(options=["share", "revenue"], value="share")}, show=False)
    live = widget.live_figure
    share_view = live.ax.get_ylim()
    assert 1 <= share_view[1] < 2                          # the share's own scale, not the revenue's
    redraws = live.full_redraws
    widget.children[1].value = "revenue"
    assert 1000 <= live.ax.get_ylim()[1] < 2000
    for level in (0.1, 1.0):
        widget.children[0].value = level
        assert live.ax.get_ylim()[1] >= 1000
    widget.children[1].value = "share"
    assert live.ax.get_ylim() == share_view and live.full_redraws == redraws


def test_every_prepared_view_is_kept_even_when_there_are_many():
    def draw(ax, k, title):
        ax.bar(np.arange(k), np.ones(k))
        ax.set_ylim(0, 2)
        ax.set_title(title)

    widget = scenario(draw, {"k": widgets.IntSlider(value=2, min=2, max=12),
                             "title": widgets.Dropdown(options=[f"t{i}" for i in range(12)], value="t0")}, show=False)
    live = widget.live_figure
    redraws = live.full_redraws
    for k in (12, 3, 7):
        widget.children[0].value = k
    widget.children[0].value = 2
    for title in ("t11", "t1", "t5"):
        widget.children[1].value = title
    assert live.full_redraws == redraws                   # 11 + 11 views drawn up front, none evicted


def test_a_title_that_says_a_number_is_drawn_with_the_data_and_looks_the_same():
    def draw(axes, share):
        bars, line = axes
        bars.bar([1, 2, 3], [share, 50 - share / 2, 50 - share / 2])
        line.plot([1, 2, 3], [share, 80, 100], color="C3")
        line.set_ylim(0, 102)
        bars.set_title(f"Class A holds {share:.0f}% of the value")

    widget = scenario(draw, {"share": widgets.FloatSlider(value=40, min=10, max=90, step=5)}, twinx=True,
                      show=False)
    live = widget.live_figure
    assert len(live.axes) == 2 and live.axes[1].get_shared_x_axes().joined(live.axes[0], live.axes[1])
    redraws = live.full_redraws
    for share in (15, 65, 85):
        widget.children[0].value = share
        assert live.last_redraw == "data only"
        assert live.axes[0].texts[-1].get_text() == f"Class A holds {share:.0f}% of the value"
    assert live.full_redraws == redraws
    # the same picture as a figure drawn from scratch with the title where matplotlib puts it
    fresh = Figure(figsize=live.fig.get_size_inches(), layout="constrained")
    FigureCanvasAgg(fresh)
    axes = fresh.subplots()
    twin = axes.twinx()
    twin.grid(False)                                      # as scenario's twin: the first axes' grid serves both
    draw([axes, twin], 85)
    axes.set_ylim(live.axes[0].get_ylim())
    fresh.set_layout_engine("none")
    for ax_fresh, ax_live in zip(fresh.axes, live.axes):
        ax_fresh.set_position(ax_live.get_position())
    fresh.canvas.draw()
    picture = np.asarray(fresh.canvas.buffer_rgba())[..., :3].astype(int)
    assert np.abs(_pixels(live.png) - picture).mean() < 0.05


def test_a_title_drawn_by_the_background_stays_at_every_update():
    def background(ax):
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_title("Delivery model")

    widget = scenario(lambda ax, x: ax.plot([x], [x], "o"), {"x": widgets.FloatSlider(value=0.5, min=0, max=1, step=0.1)},
                      background=background, show=False)
    live = widget.live_figure
    for x in (0.1, 0.9):
        widget.children[0].value = x
        assert live.ax.get_title() == "Delivery model" and live.last_redraw == "data only"


def test_a_title_drawn_with_the_data_sits_where_matplotlib_puts_it_above_a_polar_chart():
    angles = np.linspace(0, 2 * np.pi, 5)

    def draw(ax, score):
        ax.plot(angles, [score, 3, 4, 2, score])
        ax.set_xticks(angles[:-1], ["Product", "Price", "Place", "Promotion"])
        ax.set_ylim(0, 5)
        ax.set_title(f"4P: {score:.1f}", pad=18)

    widget = scenario(draw, {"score": widgets.FloatSlider(value=2, min=0, max=5, step=0.5)}, axes=None,
                      subplot_kw={"projection": "polar"}, figsize=(4, 4), show=False)
    live = widget.live_figure
    widget.children[0].value = 4.5
    assert live.last_redraw == "data only"
    fresh = Figure(figsize=live.fig.get_size_inches(), layout="constrained")
    FigureCanvasAgg(fresh)
    axes = fresh.subplots(subplot_kw={"projection": "polar"})
    draw(axes, 4.5)
    fresh.set_layout_engine("none")
    axes.set_position(live.ax.get_position())
    fresh.canvas.draw()
    picture = np.asarray(fresh.canvas.buffer_rgba())[..., :3].astype(int)
    assert np.abs(_pixels(live.png) - picture).mean() < 0.05
