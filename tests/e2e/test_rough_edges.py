"""Rough edges at 360 px in real Chromium (issue 15 item 7; the rest in
tests/koperasi_registry/test_rough_edges.py):

- the dashboard tabs: every tab is inside the screen and takes a tap (at 360 px the row was
  cut at "Dampak pen…", Peta and Statistik kementerian past the right edge);
- "Desa/kelurahan" on the cooperative page wraps after the slash, never inside the word
  (it showed "Desa/kelurah" + "an"); the coordinates read "0.402541, 112.881915".
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import foreign_requests, has_no_horizontal_scroll, log_in
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_360 = {"width": 360, "height": 800}
TABS = ["Ringkasan", "Tren 5 tahun", "Dampak pendampingan", "Peta", "Statistik kementerian"]

# Is the element's centre inside the viewport and the element itself there (a tap lands on it)?
TAPPABLE = """el => {
  const r = el.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (r.left < 0 || r.right > window.innerWidth || x > window.innerWidth || y > window.innerHeight) return false;
  const hit = document.elementFromPoint(x, y);
  return hit === el || el.contains(hit);
}"""

# Lines each occurrence of ``word`` inside ``el`` is drawn on (2+ = broken inside the word).
WORD_LINES = """(el, word) => {
  const found = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    let at = n.textContent.indexOf(word);
    while (at >= 0) {
      const range = document.createRange();
      range.setStart(n, at); range.setEnd(n, at + word.length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      found.push(tops.size);
      at = n.textContent.indexOf(word, at + 1);
    }
  }
  return found;
}"""


def test_every_dashboard_tab_can_be_tapped_at_360_px(open_page, live_server, kabid, sintang):
    page = open_page(PHONE_360)
    log_in(page, live_server, kabid)
    nav = page.get_by_role("navigation", name="Halaman dasbor")
    for name in TABS:
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert link.evaluate(TAPPABLE), f"tab {name!r} is off-screen or covered at 360 px"
    assert has_no_horizontal_scroll(page)
    # A tap on the last tab opens its page, whose tabs are all in view again.
    nav.get_by_role("link", name="Statistik kementerian", exact=True).click()
    page.wait_for_url(f"{live_server.url}{reverse('dashboard_statistics')}*")
    nav = page.get_by_role("navigation", name="Halaman dasbor")
    assert all(nav.get_by_role("link", name=name, exact=True).evaluate(TAPPABLE) for name in TABS)
    nav.get_by_role("link", name="Peta", exact=True).click()
    page.wait_for_url(f"{live_server.url}{reverse('dashboard_map')}*")
    assert foreign_requests(page, live_server) == []


def test_desa_kelurahan_and_coordinates_read_whole_at_360_px(open_page, live_server, staf, sintang):
    cooperative = CooperativeFactory(latitude=Decimal("0.402541"), longitude=Decimal("112.881915"))
    page = open_page(PHONE_360)
    log_in(page, live_server, staf)
    page.goto(f"{live_server.url}{cooperative.get_absolute_url()}")
    address = page.locator("section[aria-labelledby=h-address]")
    lines = address.evaluate(WORD_LINES, "kelurahan")
    assert lines and all(n == 1 for n in lines), f"'kelurahan' drawn over {lines} lines"
    expect(address.get_by_test_id("coordinates")).to_have_text("0.402541, 112.881915")
    assert address.get_by_test_id("coordinates").evaluate(TAPPABLE)
    assert has_no_horizontal_scroll(page)
