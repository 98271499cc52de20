"""Browser journey (issue 6, item 8): the Kabid opens the dashboard on a phone and on a
desktop, changes the year, clicks one kecamatan's "tidak aktif" figure in the scorecard and
lands on a cooperative list with exactly that many rows.

The live server reads the real date, so the data is built relative to
``timezone.localdate()``: this year is read today, last year on its 31 December (reference
book year two years back). In kecamatan Sintang the figure is 4 last year and 2 today,
whatever the day of the year:

| cooperative            | filings / lifecycle                    | last year   | today       |
|------------------------|----------------------------------------|-------------|-------------|
| Tidur Satu, Tidur Dua  | none                                   | tidak aktif | tidak aktif |
| Bangkit Lagi           | RAT for last year's book year only     | tidak aktif | aktif       |
| Bubar Tahun Ini        | none; dissolved (SK) on 1 Jan this year | tidak aktif | dibubarkan  |
| Selalu Aktif           | RAT for the two latest book years      | aktif       | aktif       |
| Baru Berdiri           | founded 1 Jan this year                | not counted | baru        |
| Tempunak Tidur         | none, in another kecamatan             | (other row) | (other row) |
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from cooperatives.choices import Lifecycle
from cooperatives.models import District, Village
from koperasi_registry import access
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, has_no_horizontal_scroll, log_in
from tests.factories import CooperativeFactory, RatFilingFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
FOUNDED = datetime.date(2015, 6, 1)
STATUS_CARDS = ("registered", "aktif", "kurang_aktif", "tidak_aktif", "baru", "dissolved")


@pytest.fixture
def office(sintang):
    this_year = timezone.localdate().year
    district = District.objects.get(code="61.05.01")  # Sintang
    village = Village.objects.filter(district=district).order_by("code").first()
    tempunak = District.objects.get(code="61.05.02")
    elsewhere = Village.objects.filter(district=tempunak).order_by("code").first()

    def make(name, **kwargs):
        return CooperativeFactory(name=name, village=village, founded_on=FOUNDED, **kwargs)

    make("Koperasi Tidur Satu")
    make("Koperasi Tidur Dua")
    RatFilingFactory(cooperative=make("Koperasi Bangkit Lagi"), book_year=this_year - 1)
    new_year = datetime.date(this_year, 1, 1)
    make(
        "Koperasi Bubar Tahun Ini",
        lifecycle=Lifecycle.DIBUBARKAN,
        dissolution_decree_number=f"SK 7/{this_year}",
        dissolution_decree_date=new_year,
    )
    always = make("Koperasi Selalu Aktif")
    RatFilingFactory(cooperative=always, book_year=this_year - 2)
    RatFilingFactory(cooperative=always, book_year=this_year - 1)
    CooperativeFactory(name="Koperasi Baru Berdiri", village=village, founded_on=new_year)
    CooperativeFactory(name="Koperasi Tempunak Tidur", village=elsewhere, founded_on=FOUNDED)
    return {
        "district": district,
        "past_year": this_year - 1,
        "today": 2,
        "past": [
            "Koperasi Bangkit Lagi",
            "Koperasi Bubar Tahun Ini",
            "Koperasi Tidur Dua",
            "Koperasi Tidur Satu",
        ],
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_kabid_changes_the_year_and_drills_into_a_kecamatans_inactive_cooperatives(
    open_page, live_server, make_user, office, viewport
):
    name = "phone" if viewport is PHONE else "desktop"
    code, past_year = office["district"].code, office["past_year"]
    page = open_page(viewport)
    log_in(page, live_server, make_user(access.KABID))  # lands on the dashboard, "/"

    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Dasbor koperasi")).to_be_visible()
    figure = page.get_by_test_id(f"tidak-aktif-{code}")
    expect(figure).to_have_text(str(office["today"]))

    page.get_by_label("Tahun", exact=True).select_option(str(past_year))  # submits on change
    page.wait_for_url(re.compile(rf"/\?(.*&)?year={past_year}(&|$)"))
    expect(page.get_by_label("Tahun", exact=True)).to_have_value(str(past_year))
    note = page.get_by_test_id("period-note")
    expect(note).to_contain_text(f"Status koperasi per 31 Desember {past_year}")
    for card in STATUS_CARDS:
        expect(page.get_by_test_id(f"card-{card}")).to_be_visible()
    # 4 in Sintang and 1 in Tempunak; Baru Berdiri did not exist yet.
    expect(page.get_by_test_id("card-tidak_aktif").locator(".fs-4")).to_have_text("5")
    expect(page.get_by_test_id("card-registered").locator(".fs-4")).to_have_text("6")
    figure = page.get_by_test_id(f"tidak-aktif-{code}")
    clicked = int(figure.inner_text())
    assert clicked == len(office["past"]) and clicked != office["today"]
    assert has_no_horizontal_scroll(page)  # on the phone the scorecard scrolls inside its box
    if viewport is PHONE:
        box = "t => t.parentElement.scrollWidth > t.parentElement.clientWidth"
        assert page.get_by_test_id("scorecard").evaluate(box)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}.png"), full_page=True)

    figure.scroll_into_view_if_needed()
    expect(figure).to_be_in_viewport()
    figure.click()

    expect(page.get_by_role("heading", name="Koperasi", exact=True)).to_be_visible()
    query = page.url.split("?", 1)[1].split("&")
    assert "/koperasi/?" in page.url and {f"year={past_year}", "status=tidak_aktif"} <= set(query)
    assert f"district={office['district'].pk}" in query
    expect(page.get_by_test_id("row-count")).to_have_text(f"{clicked} baris")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(clicked)
    for cooperative in office["past"]:
        link = page.get_by_role("link", name=cooperative, exact=True)
        expect(rows.filter(has=link)).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert has_no_horizontal_scroll(page)
    assert foreign_requests(page, live_server) == []
