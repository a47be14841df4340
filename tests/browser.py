"""Real Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

A browser download at test time cannot work on our machines, so Playwright is pointed at the
system Chromium. Without it the tests skip on a laptop and fail in CI.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import require_or_skip

CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium reaches for Google's hosts at start and is refused by the sandbox.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port for the duration of the block."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def chromium_page() -> Iterator[object]:
    require_or_skip(CHROMIUM.exists(), f"Chromium not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_or_skip(False, "playwright is not installed (pip install '.[test]')")
        raise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def save_screenshot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def wait_until(page: object, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression until it is true. Playwright's wait_for_function evaluates
    its predicate with eval, which the pane's Content-Security-Policy forbids (as it should);
    evaluate() runs through the DevTools protocol, outside the page's CSP."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)
