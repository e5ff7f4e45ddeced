"""The built course site, a slide deck and a Voilà dashboard, looked at in a real browser.

(b) The site from ``file://`` with every request that is not a local file refused and recorded:
the index links every lecture, a lecture page shows its sliders, figures and typeset formulas,
and no request left the machine. (c) One reveal.js deck opens offline and shows a widget; one
Voilà dashboard on loopback shows a widget whose plot follows a slider, loading nothing from
outside. Screenshots: ``build/screenshots/site_*.png``, ``slides_*.png``, ``dashboard_*.png``.
"""
from __future__ import annotations

import os

import pytest

from tests.browser import ROOT, browser, chromium, free_port, refuse_network, screenshot, server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
LECTURES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DECK = "07_customer_value_basics"


_BUILT: dict[str, object] = {}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built from the committed (executed) lectures, with one deck and one exercise set.

    Built once per test process (pytest-xdist may tear module fixtures down between tests).
    """
    chromium()
    from crmlab.site import build_site

    if "index" in _BUILT:
        return _BUILT["index"]
    root = tmp_path_factory.mktemp("site")
    student = root / "exercises" / "00_start_here" / "student"
    student.mkdir(parents=True)
    (student / "00_start_here.ipynb").write_bytes(
        (ROOT / "exercises" / "00_start_here" / "00_start_here.ipynb").read_bytes())
    index = build_site(root / "course", LECTURES, exercises=root / "exercises", slides={DECK})
    _BUILT["index"] = index
    return index


def test_site_index_links_every_lecture_offline(site):
    with browser() as (context, requests):
        refused = refuse_network(context)
        page = context.new_page()
        page.goto(site.as_uri())
        hrefs = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        for lecture in LECTURES:
            assert f"{lecture.stem}.html" in hrefs, f"index does not link {lecture.stem}"
        assert "exercises/00_start_here/00_start_here.html" in hrefs
        assert f"{DECK}.slides.html" in hrefs
        assert page.locator("table.crm-lectures tbody tr").count() == len(LECTURES)
        screenshot(page, "site_index")
        # follow a link the way a reader would
        page.click(f"a[href='{LECTURES[1].stem}.html']")
        page.wait_for_load_state("load")
        assert page.locator("a[rel=next]").count() and page.locator("a[rel=prev]").count()
    assert not refused, f"the index asked the network for {refused}"
    assert all(url.startswith(("file:", "data:", "blob:", "about:")) for url in requests), requests


def test_lecture_page_shows_sliders_figures_and_math_with_the_network_refused(site):
    page_path = site.parent / f"{DECK}.html"
    with browser() as (context, requests):
        refused = refuse_network(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(page_path.as_uri())
        page.wait_for_selector(".widget-slider", timeout=60_000)
        page.wait_for_selector("mjx-container", timeout=60_000)
        sliders = page.locator(".widget-slider").count()
        images = page.locator(".jupyter-widgets img, .widget-output img").count()
        body = page.locator("body").inner_text()
        page.locator(".widget-slider").first.scroll_into_view_if_needed()
        screenshot(page, f"site_{DECK}")
        page.locator("mjx-container").first.scroll_into_view_if_needed()
        screenshot(page, f"site_{DECK}_math")
    assert sliders >= 5, f"{sliders} sliders rendered from the saved widget state"
    assert images >= 1, "the widget's default figure is missing"
    assert "Error displaying widget" not in body
    assert "\\text{churn" not in body, "a formula stayed raw LaTeX"
    assert "make lab" in body, "the page does not say how to get live widgets"
    assert not errors, errors
    assert not refused, f"the page asked the network for {refused}"
    assert all(url.startswith(("file:", "data:", "blob:", "about:")) for url in requests)


def test_slide_deck_opens_offline_and_shows_a_widget(site):
    deck = site.parent / f"{DECK}.slides.html"
    with browser(viewport=(1280, 800)) as (context, _requests):
        refused = refuse_network(context)
        page = context.new_page()
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", timeout=60_000)
        page.wait_for_selector(".widget-slider", state="attached", timeout=60_000)
        slides = page.locator(".reveal .slides section").count()
        page.evaluate("""() => {
            const slider = document.querySelector('.reveal .widget-slider');
            let section = slider.closest('section');
            const indices = Reveal.getIndices(section);
            Reveal.slide(indices.h, indices.v);
        }""")
        page.wait_for_timeout(800)
        visible = page.locator(".reveal section.present .widget-slider").first.is_visible()
        screenshot(page, f"slides_{DECK}")
    assert slides >= 10, f"only {slides} slides"
    assert visible, "the widget's slide does not show its sliders"
    assert not refused, f"the deck asked the network for {refused}"


@pytest.mark.notebook
def test_voila_dashboard_serves_a_working_widget_on_loopback(tmp_path):
    chromium()
    from crmlab.dashboards import build_dashboards, voila_command

    folder = tmp_path / "dashboards"
    build_dashboards(folder, names=["clv_calculator"])
    command, env = voila_command(folder, port := free_port())
    base = f"http://127.0.0.1:{port}"
    with server(command, f"{base}/", env=env, log=tmp_path / "voila.log", timeout=120):
        with browser() as (context, requests):
            refused = refuse_network(context, allowed=("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
            page = context.new_page()
            page.goto(f"{base}/voila/render/clv_calculator.ipynb", timeout=240_000)
            page.wait_for_selector(".widget-slider .noUi-handle", timeout=240_000)
            image = page.locator(".widget-output img, .jupyter-widgets-output-area img").first
            image.wait_for(timeout=60_000)
            before = image.get_attribute("src")
            handle = page.locator(".widget-slider .noUi-handle").first
            handle.focus()
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "(before) => { const i = document.querySelector('.widget-output img, .jupyter-widgets-output-area img');"
                " return i && i.src !== before; }", arg=before, timeout=60_000)
            screenshot(page, "dashboard_clv_calculator")
            text = page.locator("body").inner_text()
    assert "widgets.interact(" not in text and "import " not in text, "the dashboard shows code"
    assert not refused, f"the dashboard asked the network for {refused}"
    assert os.path.exists(folder / "clv_calculator.ipynb")
