"""Browser journey: the Kabid opens the dashboard map on a phone and on a desktop. With no
tile server configured (the default) the points draw on a plain background and nothing is
requested from another host."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperatives.models import District, Village
from cooperatives.status import StatusRules
from koperasi_registry import access
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, has_no_horizontal_scroll, log_in
from tests.factories import CooperativeFactory, RatFilingFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def located(sintang):
    """Four located cooperatives in three villages of two kecamatan, one without a location."""
    reference = StatusRules.from_settings().reference_year(today=timezone.localdate(), bentuk="primer")
    sintang_district, tempunak = District.objects.get(code="61.05.01"), District.objects.get(code="61.05.02")
    v1, v2 = Village.objects.filter(district=sintang_district).order_by("code")[:2]
    t1 = Village.objects.filter(district=tempunak).order_by("code").first()

    def make(name, village, lat, lng, **kwargs):
        return CooperativeFactory(name=name, village=village, latitude=Decimal(lat), longitude=Decimal(lng), **kwargs)

    active = make("Koperasi Kapuas Aktif", v1, "0.0700", "111.4900")
    RatFilingFactory(cooperative=active, book_year=reference)
    make("Koperasi Sungai Tidak Aktif", v1, "0.1500", "111.5600")
    make("Koperasi Desa Merah Putih", v2, "-0.0500", "111.3000", is_merah_putih=True)
    founded = timezone.localdate() - datetime.timedelta(days=30)
    make("Koperasi Tempunak Baru", t1, "0.2500", "111.8000", founded_on=founded)
    CooperativeFactory(name="Koperasi Tanpa Lokasi", village=v2)
    return {"active": active, "points": 4, "villages": 3}


def open_map(page, live_server, viewport):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Peta", exact=True).click()
    expect(page.get_by_role("heading", name="Peta koperasi")).to_be_visible()
    expect(page.get_by_test_id("map")).to_have_attribute("data-state", "ready")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_kabid_sees_every_located_cooperative_without_a_foreign_request(
    open_page, live_server, make_user, located, viewport
):
    page = open_page(viewport)
    log_in(page, live_server, make_user(access.KABID))
    open_map(page, live_server, viewport)

    expect(page.locator("#map path.map-cooperative")).to_have_count(located["points"])
    expect(page.locator("#map path.map-village")).to_have_count(located["villages"])
    expect(page.get_by_test_id("map-status")).to_contain_text("4 koperasi dan 3 desa/kelurahan digambar di peta")
    expect(page.get_by_test_id("no-tiles")).to_be_visible()
    expect(page.locator("#map .leaflet-tile")).to_have_count(0)
    expect(page.get_by_test_id("located")).to_have_text("4")
    expect(page.get_by_test_id("unlocated")).to_have_text("1")
    box = page.get_by_test_id("map").bounding_box()
    assert box["width"] >= viewport["width"] * 0.6 and box["height"] >= 300
    assert has_no_horizontal_scroll(page)
    assert foreign_requests(page, live_server) == []


def test_on_a_desktop_a_popup_leads_to_the_cooperative_and_the_village_layer_toggles(
    open_page, live_server, make_user, located
):
    page = open_page(DESKTOP)
    log_in(page, live_server, make_user(access.KABID))
    open_map(page, live_server, DESKTOP)

    page.get_by_role("checkbox", name="Cakupan desa/kelurahan").uncheck()
    expect(page.locator("#map path.map-village")).to_have_count(0)
    expect(page.locator("#map path.map-cooperative")).to_have_count(located["points"])
    page.get_by_role("checkbox", name="Cakupan desa/kelurahan").check()
    expect(page.locator("#map path.map-village")).to_have_count(located["villages"])

    # Each point is drawn in its status colour: the active one green.
    green = page.locator('#map path.map-cooperative[fill="#198754"]')
    expect(green).to_have_count(1)
    green.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Koperasi Kapuas Aktif")
    expect(popup).to_contain_text("Status: Aktif")
    expect(popup).to_contain_text("Kecamatan Sintang")
    popup.get_by_role("link", name="Buka data koperasi").click()
    expect(page.get_by_test_id("status")).to_have_text("Aktif")
    assert page.url.endswith(f"/koperasi/{located['active'].pk}/")
    assert foreign_requests(page, live_server) == []


def test_choosing_a_kecamatan_draws_only_its_points(open_page, live_server, make_user, located):
    page = open_page(PHONE)
    log_in(page, live_server, make_user(access.KABID))
    open_map(page, live_server, PHONE)
    page.get_by_label("Kecamatan", exact=True).select_option(label="Tempunak")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_test_id("map")).to_have_attribute("data-state", "ready")
    expect(page.locator("#map path.map-cooperative")).to_have_count(1)
    expect(page.get_by_role("link", name="Peta", exact=True)).to_have_attribute("aria-current", "page")
    assert has_no_horizontal_scroll(page)
    assert foreign_requests(page, live_server) == []
