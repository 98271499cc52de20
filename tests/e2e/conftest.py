"""Browser journeys in real headless Chromium (Debian's package), driven by Playwright.

Skipped, with the reason shown, where /usr/bin/chromium is missing.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import TEST_PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture
def open_page(browser, live_server):
    """``open_page(viewport)``: a fresh page that records every request it makes."""
    contexts = []

    def open_(viewport=PHONE):
        # An English browser, as on many office PCs: the app must still speak Indonesian.
        # Reduced motion: Bootstrap then opens menus without animation, so a click never
        # lands on a menu that is still sliding open.
        context = browser.new_context(
            viewport=viewport, locale="en-US", timezone_id="Asia/Jakarta", reduced_motion="reduce"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.requests = []
        page.on("request", lambda request: page.requests.append(request.url))
        return page

    yield open_
    for context in contexts:
        context.close()


def foreign_requests(page, live_server) -> list[str]:
    """Requests that left for a host other than the app's own."""
    own = urlsplit(live_server.url).netloc
    return [
        url
        for url in page.requests
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != own
    ]


def log_in(page, live_server, user, password=TEST_PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
