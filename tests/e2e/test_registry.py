"""Browser journey: a Staf member on a phone finds a cooperative and records its RAT."""

import datetime

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
def registry(sintang):
    reference = StatusRules.from_settings().reference_year(today=timezone.localdate(), bentuk="primer")
    here, elsewhere = District.objects.in_regency("61.05").order_by("name")[:2]
    village = Village.objects.filter(district=here).order_by("code").first()
    other_village = Village.objects.filter(district=elsewhere).order_by("code").first()
    target = CooperativeFactory(
        name="Koperasi Harapan Jaya dengan Nama yang Cukup Panjang", village=village, founded_on=datetime.date(2012, 4, 1)
    )
    RatFilingFactory(cooperative=target, book_year=reference - 1)  # kurang aktif
    active = CooperativeFactory(name="Koperasi Sudah Aktif", village=village)
    RatFilingFactory(cooperative=active, book_year=reference)
    CooperativeFactory(name="Koperasi Kecamatan Lain", village=other_village)
    for i in range(30):  # enough rows for a second page
        CooperativeFactory(name=f"Koperasi Pengisi {i:02d}", village=other_village, nik=f"6105-{i:04d}-XYZ")
    return {"target": target, "district": here, "reference": reference}


def test_staf_on_a_phone_filters_opens_and_records_a_rat(open_page, live_server, make_user, registry):
    user = make_user(access.STAF)
    page = open_page(PHONE)
    log_in(page, live_server, user)

    page.get_by_role("button", name="Buka menu").click()
    page.get_by_role("button", name="Koperasi", exact=True).click()
    page.get_by_role("link", name="Daftar koperasi").click()
    expect(page.get_by_role("heading", name="Koperasi", exact=True)).to_be_visible()
    expect(page.get_by_test_id("row-count")).to_contain_text("33")
    assert has_no_horizontal_scroll(page)  # the wide table scrolls inside .table-responsive

    page.get_by_text("Saring", exact=True).click()
    page.get_by_label("Kecamatan", exact=True).select_option(str(registry["district"].pk))
    page.get_by_label("Status", exact=True).select_option("kurang_aktif")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.get_by_test_id("row-count")).to_contain_text("1 baris")
    assert has_no_horizontal_scroll(page)

    page.get_by_role("link", name=registry["target"].name).click()
    expect(page.get_by_test_id("status")).to_have_text("Kurang aktif")
    expect(page.get_by_test_id("status-reason")).to_contain_text(f"RAT terakhir: tahun buku {registry['reference'] - 1}")
    assert has_no_horizontal_scroll(page)

    page.get_by_role("link", name="Catat RAT", exact=True).click()
    year = registry["reference"]
    expect(page.get_by_role("spinbutton", name="Tahun buku", exact=True)).to_have_value(str(year))
    page.get_by_role("textbox", name="Tanggal RAT", exact=True).fill(f"{year + 1}-03-14")
    page.get_by_role("textbox", name="Tanggal dilaporkan ke dinas", exact=True).fill(f"{year + 1}-03-21")
    page.get_by_role("spinbutton", name="Anggota laki-laki", exact=True).fill("52")
    page.get_by_role("spinbutton", name="Anggota perempuan", exact=True).fill("48")
    page.get_by_label("Modal sendiri (Rp)", exact=True).fill("125.000.000")
    page.get_by_label("SHU (Rp)", exact=True).fill("7.500.000")
    assert has_no_horizontal_scroll(page)
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("alert")).to_contain_text(f"RAT tahun buku {year} disimpan")
    expect(page.get_by_test_id("status")).to_have_text("Aktif")
    row = page.locator(f"#rat-{year}")
    expect(row).to_contain_text("Rp125.000.000")
    expect(row).to_contain_text("Tepat waktu")
    expect(row).to_contain_text("100")
    assert foreign_requests(page, live_server) == []


def test_desktop_list_sorts_exports_and_pages(open_page, live_server, make_user, registry):
    user = make_user(access.KABID)
    page = open_page(DESKTOP)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/koperasi/?sort=-name")
    first = page.get_by_test_id("cooperative-table").locator("tbody tr").first
    expect(first).to_contain_text("Koperasi Sudah Aktif")
    expect(page.get_by_role("link", name="Tambah")).to_have_count(0)  # Kabid reads only
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    assert download.value.suggested_filename.endswith(".csv")
    page.get_by_role("button", name="Koperasi", exact=True).click()
    page.get_by_role("link", name="RAT terlambat").first.click()
    expect(page.get_by_role("heading", name="RAT terlambat")).to_be_visible()
    assert foreign_requests(page, live_server) == []
