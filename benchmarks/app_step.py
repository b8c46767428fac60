"""How long one day of the classroom page takes: the model's step plus the page's redraw.

Two measures, at the classroom scale (scenarios/classroom.yaml, 91 days):

- python: the page rendered in-process (solara's test renderer) and its Step button pressed day
  after day, through a whole run and then through a second one with the first faded behind it
  (the page's heavier case); each press runs `ClassroomModel.step()` and re-renders what reads
  the day (numbers, map, both charts, the status line), as the server does for a browser.
- browser (--browser): `exodus app` served to headless Debian chromium, Play pressed at the fastest
  speed (1 ms pause), and the day counter's changes timed in the page itself.

    .venv/bin/python benchmarks/app_step.py [--browser]

The goal is under 100 ms a day.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "scenarios" / "classroom.yaml"


def summary(label: str, seconds: list[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return (
        f"{label}: {len(ms)} days, median {statistics.median(ms):.1f} ms, "
        f"p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
    )


def python_side() -> tuple[list[float], list[float]]:
    """Seconds per Step press (step + redraw), and per bare model step, over a whole run."""
    import ipyvuetify as vw
    import solara

    from exodus.app import page
    from exodus.app.catalogue import build_catalogue
    from exodus.app.classroom import ClassroomModel, use_catalogue

    use_catalogue(build_catalogue(CLASSROOM))

    @solara.component
    def App() -> solara.Element:  # noqa: N802
        with solara.AppLayout() as main:
            page.Page()
        return main

    _, rc = solara.render(App(), handle_error=False)
    pressed = []
    for run in range(2):  # the second run draws the first one's faded curves too
        if run:
            rc.find(vw.Btn, children=["Reset"]).widget.click()
        step = rc.find(vw.Btn, children=["Step"]).widget
        for _ in range(91):
            started = time.perf_counter()
            step.click()
            pressed.append(time.perf_counter() - started)
    rc.close()

    bare = []
    model = ClassroomModel()
    while model.running:
        started = time.perf_counter()
        model.step()
        bare.append(time.perf_counter() - started)
    return pressed, bare


def browser_side(fastest: bool = True) -> tuple[float, int]:
    """Seconds per day in chromium while playing at the fastest speed (from the first shown day to
    the last), and how many day counts the page showed (it may skip days it could not draw)."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("exodus")), "app", str(CLASSROOM), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("exodus app did not start") from None
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
            )
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            tab.goto(url)
            tab.wait_for_selector(".day-counter", timeout=60_000)
            tab.evaluate(
                """() => { window.dayTimes = []; let last = null;
                new MutationObserver(() => {
                    const el = document.querySelector('.day-counter');
                    if (el && el.innerText !== last) { last = el.innerText;
                        window.dayTimes.push([Number(last), performance.now()]); }
                }).observe(document.body, {subtree: true, childList: true, characterData: true}); }"""
            )
            if fastest:
                tab.locator(".v-select", has_text="Speed").click()
                tab.get_by_role("option", name="fast (no pause)").click()
            tab.get_by_role("button", name="▶ Play").click()
            tab.wait_for_function(
                "Number(document.querySelector('.day-counter').innerText) >= 91", timeout=120_000
            )
            times = tab.evaluate("window.dayTimes")
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    seen = [(day, t) for day, t in times if day > 0]
    (first_day, first_t), (last_day, last_t) = seen[0], seen[-1]
    return (last_t - first_t) / 1000 / (last_day - first_day), len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--browser", action="store_true", help="also measure in chromium")
    parser.add_argument(
        "--page-speed",
        action="store_true",
        help="in chromium, play at the page's normal speed (150 ms pause) instead of the fastest",
    )
    args = parser.parse_args()
    pressed, bare = python_side()
    print(summary("model step alone", bare))
    print(summary("step + redraw (python)", pressed))
    if args.browser:
        per_day, shown = browser_side(fastest=not args.page_speed)
        pause = 150 if args.page_speed else 1
        print(
            f"chromium, playing at {pause} ms: {1000 * per_day:.1f} ms per day over the run "
            f"({shown} of 91 day counts drawn)"
        )


if __name__ == "__main__":
    main()
