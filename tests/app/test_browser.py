"""End to end in a real browser: Debian's chromium, driven by Playwright, against `exodus app`.

A class's first minutes: the page loads, a scenario is picked, a slider moved and applied with
Reset, Step advances the day, Play runs on and the curves change; a screenshot is saved (to
docs/img/classroom_e2e.png when EXODUS_SCREENSHOT=docs, else to the test's tmp directory).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture
def page(server: str, tmp_path: Path) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            args=ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            tab = browser.new_page()
            tab.goto(server)
            yield tab
        finally:
            browser.close()


def day(page: Page) -> int:
    return int(page.locator(".day-counter").inner_text())


def curve(page: Page, chart: str, town: str) -> str:
    return page.locator(f"svg.{chart} polyline[data-town='{town}']").get_attribute("points") or ""


def slider(page: Page, label: str):
    return page.locator(".v-input__slider", has_text=label).locator("[role=slider]")


def test_a_class_runs_changes_and_reruns_the_model(page: Page, tmp_path: Path) -> None:
    expect(page.locator(".day-counter")).to_have_text("0", timeout=60_000)

    # pick a scenario: the page rebuilds with its values (the rent cap is on in rent_cap.yaml)
    page.locator(".v-select", has_text="Scenario").click()
    page.get_by_role("option", name="rent_cap", exact=True).click()
    expect(page.locator(".scenario-name")).to_have_text("rent_cap", timeout=30_000)
    help_card = page.locator(".v-card", has_text="What the sliders do")
    expect(help_card).to_contain_text("Rent cap: largest rise = 0.1 (on)")

    # move a slider (compassion to its top), then Reset applies it to a new run
    slider(page, "Compassion").focus()
    page.keyboard.press("End")
    page.get_by_role("button", name="Reset").click()
    expect(help_card).to_contain_text("Compassion = 1 in this run", timeout=30_000)
    assert day(page) == 0

    page.get_by_role("button", name="Step").click()
    expect(page.locator(".day-counter")).to_have_text("1", timeout=30_000)
    first = curve(page, "rent-chart", "Uralsk")
    assert len(first.split()) == 1  # one day drawn

    page.get_by_role("button", name="▶").click()  # at the page's watching speed
    page.wait_for_function(
        "document.querySelector('.day-counter') && "
        "Number(document.querySelector('.day-counter').innerText) >= 35",
        timeout=90_000,
    )
    page.get_by_role("button", name="❚❚").click()
    page.wait_for_timeout(1000)  # a day already under way when pause was pressed still shows
    stopped = day(page)
    page.wait_for_timeout(1500)
    assert day(page) == stopped, "the run went on after pause"
    assert 35 <= stopped < 91, "pause did not stop the run before its end"

    rent = curve(page, "rent-chart", "Uralsk")
    points = [tuple(map(float, p.split(","))) for p in rent.split()]
    assert len(points) == stopped
    heights = {y for _, y in points}
    assert len(heights) > 1, "the rent curve stayed flat"
    assert curve(page, "tension-chart", "Bishkek") != ""
    migrants = float(page.locator("circle.town[data-town='Uralsk']").get_attribute("data-migrants"))
    assert migrants > 0

    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download the run so far (CSV)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"rent_cap_seed20220921_day{stopped}.csv"
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("date,day,town,country,migrants_present")
    assert len(lines) == 1 + 6 * stopped  # one row per town per day so far

    target = (
        ROOT / "docs" / "img" / "classroom_e2e.png"
        if os.environ.get("EXODUS_SCREENSHOT") == "docs"
        else tmp_path / "classroom_e2e.png"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000

    page.get_by_role("tab", name="Info").click()
    expect(page.get_by_text("THINGS TO TRY")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("HOW TO USE IT")).to_be_visible()
