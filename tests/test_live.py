"""LiveFigure: the picture after a fast (data only) update equals a full redraw of the same figure."""
from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.colors import same_color
from matplotlib.legend import Legend
import numpy as np
import pytest
from PIL import Image

from crmlab import frameworks
from crmlab.live import LiveFigure, png_bytes
from crmlab.plotting import use_theme


@pytest.fixture(autouse=True, params=["matplotlib defaults", "course theme"])
def style(request):
    """Every test runs with matplotlib's defaults and with the course theme (white bar edges, grid)."""
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        if request.param == "course theme":
            use_theme("zh")
        yield request.param


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _full_redraw(live: LiveFigure) -> np.ndarray:
    """The same figure drawn the ordinary way: every artist, nothing cached (axes where they are:
    LiveFigure re-runs the layout only when texts change, which is checked elsewhere)."""
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


def _assert_same_picture(fast: np.ndarray, full: np.ndarray, translucent: bool = False) -> None:
    """Opaque data must give the full redraw's picture (antialiasing aside). With translucent fills,
    grid lines and tick labels that a full redraw puts over the fill end up under it: those pixels
    may differ somewhat (a fill of alpha 0.15 over a grid line), nothing may differ much."""
    assert fast.shape == full.shape
    difference = np.abs(fast - full)
    mean_limit, max_limit = (1.0, 80) if translucent else (0.05, 24)
    assert difference.mean() < mean_limit and difference.max() <= max_limit, (difference.mean(), difference.max())


def _lines(live: LiveFigure, slope: float, legend: bool = True) -> None:
    with live.update():
        x = np.arange(12)
        live.ax.plot(x, slope * x, label="a")
        live.ax.plot(x, 0.5 * slope * x, label="b")
        if legend:
            live.ax.legend(loc="upper left")


def test_data_only_update_draws_the_same_picture_as_a_full_redraw():
    live = LiveFigure.subplots(figsize=(5, 3), show=False).limits(y=(0, 12))
    _lines(live, 1.0)
    assert live.last_redraw == "full"
    _lines(live, 0.9)
    assert live.last_redraw == "data only"
    _assert_same_picture(_pixels(live.png), _full_redraw(live))


def test_each_update_replaces_the_previous_data_and_restarts_the_colours():
    live = LiveFigure.subplots(figsize=(5, 3), show=False)
    for slope in (1.0, 0.95, 0.9):
        _lines(live, slope)
    assert len(live.ax.lines) == 2
    assert [same_color(line.get_color(), c) for line, c in zip(live.ax.lines, ("C0", "C1"))] == [True, True]
    assert len([c for c in live.ax.get_children() if isinstance(c, Legend)]) == 1


def test_an_undeclared_axis_is_autoscaled_at_every_update_like_a_new_figure():
    live = LiveFigure.subplots(figsize=(5, 3), show=False)
    _lines(live, 1.0)
    _lines(live, 2.0)                       # the data now reach 22: the view follows them (a full redraw)
    assert live.last_redraw == "full" and 22 < live.ax.get_ylim()[1] < 25
    _lines(live, 0.1)                       # and shrinks with them, as a new figure would
    assert live.ax.get_ylim()[1] < 1.2
    _assert_same_picture(_pixels(live.png), _full_redraw(live))
    _lines(live, 2.0)                       # data met before: their background is kept
    assert live.last_redraw == "data only"
    _assert_same_picture(_pixels(live.png), _full_redraw(live))


def test_limits_set_by_the_plotting_code_are_kept():
    live = LiveFigure.subplots(figsize=(5, 3), show=False)
    for top in (1.0, 50.0):
        with live.update():
            live.ax.plot([0, 1], [0, top])
            live.ax.set_ylim(0, 5)
    assert live.ax.get_ylim() == (0, 5)


def test_a_new_title_or_legend_redraws_the_background():
    live = LiveFigure.subplots(figsize=(5, 3), show=False)
    _lines(live, 1.0)
    with live.update():
        live.ax.plot(np.arange(12), np.arange(12), label="renamed")
        live.ax.legend(loc="upper left")
    assert live.last_redraw == "full"
    with live.update():
        live.ax.plot(np.arange(12), np.arange(12), label="renamed")
        live.ax.legend(loc="upper left")
        live.ax.set_title("new title")
    assert live.last_redraw == "full"
    _assert_same_picture(_pixels(live.png), _full_redraw(live))


def test_radar_charts_update_fast_and_match_a_full_redraw():
    case = frameworks.case_scores(frameworks.load_case("home_appliance"))
    live = LiveFigure.subplots(1, 2, figsize=(8, 4), subplot_kw={"projection": "polar"}, show=False)
    for score in (1.0, 4.5):
        changed = {**case, next(iter(case)): score}
        with live.update():
            for ax, framework in zip(live.axes, ("4P", "4C")):
                frameworks.plot_radar({"now": changed, "before": case}, framework, ax=ax)
    assert live.last_redraw == "data only"
    _assert_same_picture(_pixels(live.png), _full_redraw(live), translucent=True)


def test_live_figures_stay_out_of_pyplot_and_show_a_png(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    before = plt.get_fignums()
    live = LiveFigure.subplots(figsize=(4, 3))
    _lines(live, 1.0)
    assert plt.get_fignums() == before
    assert len(shown) == 1 and shown[0].data == live.png and live.png.startswith(b"\x89PNG")


@pytest.mark.parametrize("channels", [3, 4])
def test_png_bytes_round_trips_through_pillow(channels):
    rng = np.random.default_rng(0)
    picture = rng.integers(0, 256, size=(17, 23, channels), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(png_bytes(picture))))
    assert decoded.shape == (17, 23, channels)     # RGBA stays RGBA (alpha kept), RGB stays RGB
    assert np.array_equal(decoded, picture)


def test_png_bytes_rejects_other_shapes():
    with pytest.raises(ValueError, match="uint8"):
        png_bytes(np.zeros((4, 4), dtype=np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        png_bytes(np.zeros((4, 4, 3)))


def test_bars_and_their_legend_are_replaced_not_accumulated():
    live = LiveFigure.subplots(figsize=(5, 3), show=False).limits(y=(0, 3.2))
    for height in (3.0, 2.8, 2.9):
        with live.update():
            live.ax.bar([0, 1, 2], [height, 2.0, 1.0], label="bars")
            live.ax.legend()
    assert len(live.ax.containers) == 1 and len(live.ax.patches) == 3
    assert [t.get_text() for t in live.ax.get_legend().get_texts()] == ["bars"]
    assert live.last_redraw == "data only"
    _assert_same_picture(_pixels(live.png), _full_redraw(live))


def test_an_update_that_adds_axes_says_how_to_fix_it():
    live = LiveFigure.subplots(figsize=(5, 3), show=False)
    with pytest.raises(RuntimeError, match="colour bar or twin"):
        with live.update():
            image = live.ax.imshow(np.eye(3))
            live.fig.colorbar(image, ax=live.ax)


def test_going_back_to_an_earlier_view_reuses_its_background():
    live = LiveFigure.subplots(figsize=(5, 3), show=False)
    for title in ("one", "two", "one"):
        with live.update():
            live.ax.plot([0, 1], [0, 1])
            live.ax.set_title(title)
        kind = live.last_redraw
    assert kind == "data only"
    _assert_same_picture(_pixels(live.png), _full_redraw(live))


def test_update_without_showing_prepares_the_view(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    live = LiveFigure.subplots(figsize=(4, 3)).limits(y=(0, 1))
    with live.update(show=False):
        live.ax.plot([0, 1], [0, 1])
    assert shown == [] and live.last_redraw == "full"
    with live.update():
        live.ax.plot([0, 1], [0, 0.9])
    assert len(shown) == 1 and live.last_redraw == "data only"


def test_axes_added_between_updates_belong_to_the_background():
    live = LiveFigure.subplots(figsize=(5, 3), show=False)
    image = live.ax.imshow(np.eye(3))
    live.fig.colorbar(image, ax=live.ax)        # drawn once, outside any update
    for size in (40, 60):
        with live.update():
            live.ax.scatter([1], [1], s=size, color="red")
    assert live.last_redraw == "data only" and len(live.axes) == 2


def test_a_declared_range_is_shown_exactly_and_data_beyond_it_widen_it_for_good():
    live = LiveFigure.subplots(figsize=(5, 3), show=False).limits(y=(0, 30))
    _lines(live, 1.0)                       # data reach 11: the view shows 0-30
    assert live.ax.get_ylim() == (0, 30)
    for slope in (0.2, 2.5, 0.5):
        _lines(live, slope)
        assert live.last_redraw == "data only", slope
        assert live.ax.get_ylim() == (0, 30)
    _lines(live, 4.0)                       # 44 is beyond the declared range: the view widens
    assert live.last_redraw == "full" and live.ax.get_ylim()[1] >= 44 and live.ax.get_ylim()[0] <= 0
    _assert_same_picture(_pixels(live.png), _full_redraw(live))
    wide = live.ax.get_ylim()
    _lines(live, 1.0)                       # ... and stays wide: no back and forth between views
    assert live.ax.get_ylim() == wide and live.last_redraw == "data only"


def test_a_declared_range_keeps_an_inverted_axis_inverted_and_checks_its_input():
    live = LiveFigure.subplots(figsize=(5, 3), show=False).limits(x=(0, 100))
    with live.update():
        live.ax.barh(["a", "b"], [3, 5])
        live.ax.invert_yaxis()
    assert live.ax.get_xlim() == (0, 100) and live.ax.yaxis_inverted()
    with pytest.raises(ValueError, match="low < high"):
        live.limits(y=(5, 1))
    with pytest.raises(ValueError, match="this figure's axes"):
        live.limits(plt.figure().add_subplot(), y=(0, 1))


def test_new_tick_labels_at_the_same_positions_redraw_the_background():
    live = LiveFigure.subplots(figsize=(5, 3), show=False)
    for names in (["a", "b", "c"], ["a", "b", "c"], ["x", "y", "z"]):
        with live.update():
            live.ax.bar([0, 1, 2], [1, 2, 3])
            live.ax.set_xticks([0, 1, 2], names)
    assert live.last_redraw == "full"
    assert [t.get_text() for t in live.ax.get_xticklabels()] == ["x", "y", "z"]
    _assert_same_picture(_pixels(live.png), _full_redraw(live))
    with live.update():                      # a new formatter object with other labels, same positions
        live.ax.bar([0, 1, 2], [1, 2, 3])
        live.ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"#{v:.0f}"))
    assert live.last_redraw == "full"


def test_measured_views_declared_make_later_moves_data_only():
    live = LiveFigure.subplots(figsize=(5, 3), show=False)

    def draw(slope):
        live.ax.plot(np.arange(12), slope * np.arange(12))

    spans = live.views(draw, [{"slope": s} for s in (0.5, 8.0)])
    x_span, y_span = spans[0]
    assert x_span[0] <= 0 and x_span[1] >= 11 and y_span[0] <= 0 and y_span[1] >= 88
    assert len(live.ax.lines) == 0 and live.png == b""            # measured, nothing drawn or kept
    live.limits(x=x_span, y=y_span)
    for slope in (7.0, 1.8, 0.6, 2.2, 6.0):
        with live.update():
            draw(slope)
        assert live.last_redraw == ("full" if slope == 7.0 else "data only"), slope
    _assert_same_picture(_pixels(live.png), _full_redraw(live))


def test_prepared_backgrounds_make_later_menu_choices_data_only():
    live = LiveFigure.subplots(figsize=(5, 3), show=False).limits(y=(0, 10))

    def draw(title):
        live.ax.plot([0, 1], [0, 9])
        live.ax.set_title(title)

    live.prepare(draw, [{"title": t} for t in ("one", "two", "three")])
    for title in ("three", "one", "two"):
        with live.update():
            draw(title)
        assert live.last_redraw == "data only", title
    _assert_same_picture(_pixels(live.png), _full_redraw(live))


def test_live_figures_use_no_private_matplotlib_attribute_and_leave_the_garbage_collector_alone():
    import ast
    import inspect

    import crmlab.live as live_module

    tree = ast.parse(inspect.getsource(live_module))
    private = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr.startswith("_")
               and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls", "LiveFigure"))
               and not node.attr.startswith("__")}
    assert private == set(), private
    assert "gc" not in {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
