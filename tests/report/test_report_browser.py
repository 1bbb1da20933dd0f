"""report.html in a real headless Chromium: it renders, offline, without errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SECTIONS = ("summary", "data", "findings", "split", "leaderboard", "model", "test-metrics", "plots",
            "importance", "training", "diagnosis")

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Chromium is not installed: run 'apt-get install -y chromium' (scripts/setup.sh does it "
           "when it can)",
)


def render_in_chromium(html_file: Path, screenshot: Path) -> dict:
    """Open the file with every non-file request refused; return what the page did."""
    from playwright.sync_api import sync_playwright

    attempted: list[str] = []
    console: list[str] = []
    errors: list[str] = []

    def block(route):
        attempted.append(route.request.url)
        route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route(lambda url: not url.startswith(("file:", "data:")), block)
            page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(html_file.resolve().as_uri(), wait_until="load")
            visible = {sid: page.locator(f"#{sid}").is_visible() for sid in SECTIONS}
            images = page.evaluate(
                "() => Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return {"attempted": attempted, "console": console, "errors": errors, "visible": visible,
            "images": images}


def test_report_renders_offline_in_chromium(binary_run, tmp_path):
    shot = tmp_path / "report.png"
    seen = render_in_chromium(binary_run.path / "report.html", shot)
    assert seen["attempted"] == []  # self-contained: nothing fetched from a network
    assert seen["console"] == [] and seen["errors"] == []
    assert all(seen["visible"].values()), seen["visible"]
    # Every embedded plot decoded into a real picture.
    assert len(seen["images"]) >= 5 and all(ok and width > 100 for ok, width in seen["images"])
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape[0] > 2000  # a full page of sections, not one screen
    assert pixels.std() > 20  # not blank: text, tables and plots on the background
