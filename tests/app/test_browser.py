"""End to end in a real browser: Debian's chromium, driven by Playwright, against `exodus app`.

A teacher projecting the page, at 1024x768 and at 1920x1080: the baseline played to its end, another
scenario picked and played with the first run faded behind it, the faded curves cleared. At every
stage the values and markers are on screen, the controls that should work are enabled, nothing is
cut off (every element's box fits the viewport once scrolled to) and chart text is at least 16 px.
Screenshots go to docs/img/classroom_WxH.png when EXODUS_SCREENSHOT=docs, else to tmp directories.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from exodus.app.knobs import KNOBS
from tests.app.server import serve
from tests.conftest import ROOT, SCENARIOS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = [(1024, 768), (1920, 1080)]
SMALLEST_TEXT_PX = 16

if not CHROMIUM.exists():
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run must install Debian's chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402 (after the skip)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`exodus app` on a free loopback port, stopped after the tests."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with serve([str(SCENARIOS / "classroom.yaml")], ROOT, log) as url:
        yield url


@pytest.fixture(params=VIEWPORTS, ids=lambda size: f"{size[0]}x{size[1]}")
def page(request: pytest.FixtureRequest, server: str, tmp_path: Path) -> Iterator[Page]:
    width, height = request.param
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            args=ARGS,
            headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            tab = browser.new_page()
            tab.goto(server)
            yield tab
        finally:
            browser.close()


def day(page: Page) -> int:
    return int(page.locator(".day-counter").inner_text())


def button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def choose(page: Page, label: str, option: str) -> None:
    page.locator(".v-select", has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def play_to_end(page: Page, days: int) -> None:
    button(page, "▶ Play").click()
    expect(page.locator(".status.finished")).to_contain_text(
        f"Finished: all {days} days", timeout=180_000
    )
    # the status line and the numbers card are redrawn by two messages: wait for the second
    expect(page.locator(".day-counter")).to_have_text(str(days), timeout=10_000)


def clipped(page: Page, selectors: list[str]) -> list[str]:
    """The elements (by selector) whose box does not fit the viewport once scrolled into view."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]  # type: ignore[index]
    out = []
    for selector in selectors:
        for i in range(page.locator(selector).count()):
            element = page.locator(selector).nth(i)
            element.scroll_into_view_if_needed()
            box = element.bounding_box()
            assert box is not None, f"{selector} #{i} is not shown"
            inside = (
                box["x"] >= -0.5
                and box["x"] + box["width"] <= width + 0.5
                and box["y"] >= -0.5
                and box["y"] + box["height"] <= height + 0.5
            )
            if not inside:
                out.append(f"{selector} #{i}: {box}")
    return out


def smallest_chart_text(page: Page) -> float:
    """The smallest on-screen size, in CSS pixels, of any text in the charts and the map."""
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll(
            'svg.rent-chart text, svg.tension-chart text, svg.town-map text')].map(
            t => parseFloat(t.getAttribute('font-size')) * t.ownerSVGElement.getScreenCTM().a))"""
    )


def smallest_html_text(page: Page, selector: str) -> float:
    """The smallest computed font size, in CSS pixels, of the page text `selector` picks."""
    return page.evaluate(
        """s => Math.min(...[...document.querySelectorAll(s)].map(
            e => parseFloat(getComputedStyle(e).fontSize)))""",
        selector,
    )


def circles_overlap(page: Page) -> list[str]:
    return page.evaluate(
        """() => { const c = [...document.querySelectorAll('svg.town-map circle.town')].map(
            e => [e.dataset.town, +e.getAttribute('cx'), +e.getAttribute('cy'), +e.getAttribute('r')]);
          const out = [];
          for (let i = 0; i < c.length; i++) for (let j = i + 1; j < c.length; j++)
            if (Math.hypot(c[i][1] - c[j][1], c[i][2] - c[j][2]) < c[i][3] + c[j][3])
              out.push(c[i][0] + '/' + c[j][0]);
          return out; }"""
    )


ON_SCREEN = [
    ".knob-value",
    ".knob-slider",
    ".v-btn",
    ".status",
    ".numbers",
    "svg.town-map",
    "svg.rent-chart",
    "svg.tension-chart",
]


def check_the_page_reads_from_the_back(page: Page) -> None:
    """Values, numbers and markers on screen, text big enough, nothing cut off, no overlap."""
    values = page.locator(".knob-value").all_inner_texts()
    assert len(values) == len(KNOBS) and all(any(c.isdigit() for c in v) for v in values), values
    for number in ("displaced-now", "displaced-total", "hostile-share", "welcoming-share"):
        assert page.locator(f".numbers .{number}").inner_text().strip(), number
    for number in ("mean-tension", "unemployment", "migrants-present", "hosted-free"):
        assert page.locator(f".numbers .{number}").inner_text().strip(), number
    for chart in ("rent-chart", "tension-chart"):
        marker = page.locator(f"svg.{chart} g.marker[data-date='2022-09-21']")
        expect(marker).to_contain_text("21 Sep mobilisation")
    assert smallest_chart_text(page) >= SMALLEST_TEXT_PX
    page_text = ".numbers td, .run-note, .knob-value, .status, .compare, .scenario-description"
    assert smallest_html_text(page, page_text) >= SMALLEST_TEXT_PX
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert clipped(page, ON_SCREEN) == []
    assert circles_overlap(page) == []


def screenshot(page: Page, tmp_path: Path) -> Path:
    size = page.viewport_size
    name = f"classroom_{size['width']}x{size['height']}.png"  # type: ignore[index]
    target = (
        ROOT / "docs" / "img" / name
        if os.environ.get("EXODUS_SCREENSHOT") == "docs"
        else tmp_path / name
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    page.locator(".compare").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(target))
    return target


def test_a_teacher_runs_compares_and_clears(page: Page, tmp_path: Path) -> None:
    expect(page.locator(".day-counter")).to_have_text("0", timeout=60_000)
    expect(page.locator(".status")).to_contain_text("Ready")
    assert page.get_by_text("Render Interval").count() == 0  # no Mesa developer settings
    assert page.get_by_text("Use Threads").count() == 0
    choose(page, "Speed", "fast (no pause)")

    # the baseline, played to its end: it says so, and Play and Step are spent
    play_to_end(page, 91)
    expect(button(page, "▶ Play")).to_be_disabled()
    expect(button(page, "Step")).to_be_disabled()
    check_the_page_reads_from_the_back(page)

    with page.expect_download(timeout=30_000) as download:
        button(page, "Download the run so far (CSV)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "classroom_seed20220921_day91.csv"
    assert len(saved.read_text(encoding="utf-8").splitlines()) == 1 + 6 * 91

    # another scenario: the controls work again, and the baseline stays, faded, for comparison
    choose(page, "Scenario", "rent_cap")
    expect(page.locator(".scenario-name")).to_have_text("rent_cap", timeout=30_000)
    expect(button(page, "▶ Play")).to_be_enabled()
    expect(button(page, "Step")).to_be_enabled()
    expect(page.locator(".knob-rent_cap .knob-value")).to_have_text("10% rise at most")
    help_on_hover = page.locator(".knob-rent_cap .knob-head").get_attribute("title") or ""
    assert "Largest rise allowed" in help_on_hover and "the model accepts 0 to 5" in help_on_hover
    expect(page.locator(".compare-label")).to_have_text(
        "classroom, seed 20220921, no policy, day 91"
    )
    button(page, "Step").click()
    expect(page.locator(".day-counter")).to_have_text("1", timeout=30_000)
    play_to_end(page, 122)  # the shipped rent_cap scenario runs to 31 December
    ghosts = page.locator("svg.rent-chart polyline.ghost")
    assert ghosts.count() == 6 and page.locator("svg.rent-chart polyline.curve").count() == 6
    rent_cap_marker = page.locator("svg.rent-chart g.marker[data-date='2022-09-26']")
    expect(rent_cap_marker).to_contain_text("26 Sep rent cap")
    capped_peak = float(page.locator(".numbers .peak-rent").inner_text().split()[0])
    assert capped_peak < 1.5  # the lesson's first experiment: the cap holds the rents down
    check_the_page_reads_from_the_back(page)
    assert screenshot(page, tmp_path).stat().st_size > 20_000

    # a moved slider is marked until Reset applies it
    page.locator(".knob-slider-compassion [role=slider]").focus()
    page.keyboard.press("End")
    expect(page.locator(".knob-compassion .knob-value")).to_have_text("0.80 (index, 0 to 1)")
    expect(page.locator(".knob-compassion")).to_contain_text("changed: press Reset")
    button(page, "Reset").click()
    expect(page.locator(".knob-compassion")).not_to_contain_text("changed", timeout=30_000)
    assert day(page) == 0
    expect(page.locator(".compare-label")).to_contain_text("rent_cap, seed 20220921, rent cap")

    # Clear: the faded curves go
    button(page, "Clear the faded curves").click()
    expect(page.locator("svg.rent-chart polyline.ghost")).to_have_count(0, timeout=30_000)
    expect(button(page, "▶ Play")).to_be_enabled()

    page.get_by_role("tab", name="What the sliders do").click()
    expect(page.locator(".slider-help")).to_contain_text(
        "Compassion = 0.80 (index, 0 to 1) in this run"
    )
    page.get_by_role("tab", name="Info").click()
    expect(page.get_by_text("THINGS TO TRY")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("HOW TO USE IT")).to_be_visible()
