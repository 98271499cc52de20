"""Browser check of the Content-Security-Policy (issue 13): the pages that use Leaflet,
Chart.js, htmx and the small page scripts run under it without a single violation, and
the behaviours moved out of inline handlers still work."""

import pytest
from playwright.sync_api import expect

from koperasi_registry import access
from tests.e2e.conftest import DESKTOP, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _watch(page):
    page.console_problems = []
    page.on("console", lambda m: page.console_problems.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: page.console_problems.append(f"pageerror: {e}"))
    page.add_init_script(WATCH)


def _violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []") + page.console_problems


def test_pages_run_under_the_csp_without_violations(open_page, live_server, make_user, sintang):
    page = open_page(DESKTOP)
    _watch(page)
    log_in(page, live_server, make_user(access.ADMIN, is_superuser=True))
    seen = {}

    page.goto(f"{live_server.url}/")
    header = page.request.get(f"{live_server.url}/").headers["content-security-policy"]
    assert "script-src 'self'" in header and "unsafe-inline" not in header.split("script-src")[1].split(";")[0]
    # The year select submits itself (was an inline onchange).
    year = page.locator("select[name=year]")
    options = year.locator("option").all()
    if len(options) > 1:
        value = options[-1].get_attribute("value")
        year.select_option(value)
        page.wait_for_url(f"**year={value}**")
    seen["dashboard"] = _violations(page)

    page.goto(f"{live_server.url}/dasbor/peta/")
    expect(page.get_by_test_id("map")).to_have_attribute("data-state", "ready")
    seen["map"] = _violations(page)

    page.goto(f"{live_server.url}/dasbor/tren/")
    expect(page.locator("canvas").first).to_be_visible()
    page.wait_for_function("window.Chart && Object.keys(Chart.instances).length > 0")
    seen["trends"] = _violations(page)

    page.goto(f"{live_server.url}/koperasi/tambah/")
    page.wait_for_function("window.htmx !== undefined")
    seen["cooperative form (htmx)"] = _violations(page)

    page.goto(f"{live_server.url}/pendampingan/laporan-bulanan/")
    seen["monthly report"] = _violations(page)

    response = page.goto(f"{live_server.url}/tidak-ada/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Halaman tidak ditemukan")).to_be_visible()
    page.get_by_role("link", name="Kembali").click()  # history.back() from a static script
    page.wait_for_url(f"{live_server.url}/pendampingan/laporan-bulanan/")
    seen["404"] = _violations(page)

    assert all(not problems for problems in seen.values()), seen

    # The watch itself works: a <style> element added by script is refused and reported.
    page.evaluate("document.head.appendChild(document.createElement('style')).textContent = 'p{}'")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any("style-src" in v for v in _violations(page))
