"""Browser journey: from the visit page to the berita acara kunjungan, printed to an A4 PDF
by Chromium itself (``page.pdf``); a typical visit fits on one or two pages."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from PIL import Image

from cooperatives.models import Cooperative
from tests.assistants.factories import AssignmentFactory, BusinessAssistantFactory, CoachingVisitFactory, FollowUpFactory
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, has_no_horizontal_scroll, log_in
from tests.e2e.test_csp import _violations, _watch
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def photo(i: int) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40 + 40 * i, 140, 80)).save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"kunjungan-{i}.jpg")


def pdf_page_count(pdf: bytes) -> int:
    """Page objects in Chromium's PDF (``/Type /Page``, not ``/Type /Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture
def visit(sintang, make_user, settings, tmp_path):
    """A typical visit: two officers' names, four photos, two new follow-ups, one closed."""
    settings.MEDIA_ROOT = tmp_path
    make_user("Kabid", username="kabid-print", first_name="Maria", last_name="Goreti")
    assistant = BusinessAssistantFactory(
        user=make_user("Pendamping", username="ba-print", first_name="Yohanes", last_name="Aping")
    )
    cooperative = CooperativeFactory(
        name="Koperasi Desa Merah Putih Baning", nik="6105010010001",
        legal_entity_number="AHU-0001234.AH.01.26.TAHUN 2021", chair_name="Ibu Theresia",
        latitude=Decimal("0.071000"), longitude=Decimal("111.495000"),
    )
    AssignmentFactory(assistant=assistant, cooperative=cooperative)
    earlier = CoachingVisitFactory(cooperative=cooperative, assistant=assistant, visit_date=datetime.date(2026, 2, 2))
    closed = FollowUpFactory(visit=earlier, owner=assistant.user, action="Lengkapi daftar anggota")
    visit = CoachingVisitFactory(
        cooperative=cooperative, assistant=assistant, created_by=assistant.user, visit_date=datetime.date(2026, 3, 10),
        people_met="Ketua, sekretaris dan bendahara",
        findings="Buku kas belum diisi sejak Januari.\nDaftar anggota sudah diperbarui.\nRAT 2025 belum dijadwalkan.",
        recommendations="Isi buku kas tiap minggu dan jadwalkan RAT paling lambat Mei.",
        latitude=Decimal("0.071500"), longitude=Decimal("111.495000"), location_accuracy=12, distance_m=56,
    )
    FollowUpFactory(visit=visit, owner=assistant.user, action="Isi buku kas Januari-Maret", due_date=datetime.date(2026, 4, 1))
    FollowUpFactory(visit=visit, owner=assistant.user, action="Kirim undangan RAT", due_date=datetime.date(2026, 4, 20))
    closed.status, closed.closed_on, closed.closed_in_visit = "selesai", visit.visit_date, visit
    closed.save()
    for i in range(4):
        visit.attachments.create(kind="foto", file=photo(i), caption=f"Foto {i + 1}")
    return visit


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_visit_record_opens_from_the_visit_page_and_prints_on_one_or_two_a4_pages(
    open_page, live_server, make_user, visit, viewport
):
    staff = make_user("Staf", username="staf-print")
    page = open_page(viewport)
    _watch(page)  # any Content-Security-Policy violation is recorded
    page.add_init_script("window.__printed = 0; window.print = function () { window.__printed += 1; };")
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}{visit.get_absolute_url()}")
    page.get_by_role("link", name="Cetak berita acara").click()
    # A click waits only until the page is committed: print_button.js (deferred) must have
    # attached its handler before the button is pressed below.
    page.wait_for_load_state()
    record = page.get_by_test_id("visit-record")
    expect(record).to_contain_text("Berita acara kunjungan", ignore_case=True)
    expect(record).to_contain_text("Koperasi Desa Merah Putih Baning")
    expect(record).to_contain_text("Selasa, 10 Maret 2026")
    expect(page.get_by_test_id("sign-kabid")).to_have_text("(Maria Goreti)")
    expect(page.get_by_test_id("print")).to_be_visible()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-testid=photos] img')).every(i => i.complete && i.naturalWidth > 0)"
    )
    assert page.locator("[data-testid=photos] img").count() == 4
    assert has_no_horizontal_scroll(page)
    page.get_by_test_id("print").click()  # static/js/print_button.js, no inline handler
    page.wait_for_function("() => window.__printed === 1")
    assert _violations(page) == []

    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.get_by_test_id("print")).to_be_hidden()
    expect(page.get_by_test_id("signatures")).to_be_visible()
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    assert 1 <= pdf_page_count(pdf) <= 2, pdf_page_count(pdf)  # measured: 1 page, 49 KB
    assert foreign_requests(page, live_server) == []


def test_a_cooperative_without_a_point_takes_it_from_a_visit_when_staf_confirms(open_page, live_server, make_user, visit):
    Cooperative.objects.filter(pk=visit.cooperative_id).update(latitude=None, longitude=None)
    type(visit).objects.filter(pk=visit.pk).update(distance_m=None)  # as logged at a cooperative without a point
    staff = make_user("Staf", username="staf-titik")
    page = open_page(PHONE)
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}{visit.get_absolute_url()}")
    expect(page.get_by_test_id("presence-row")).to_contain_text("Koperasi tanpa titik")
    page.get_by_role("link", name="Jadikan titik koperasi").click()
    expect(page.get_by_test_id("point")).to_have_text(re.compile(r"0\.071500, 111\.495000"))
    page.get_by_role("button", name="Ya, jadikan titik koperasi").click()
    expect(page.get_by_test_id("presence-row")).to_contain_text("Dekat")
    expect(page.get_by_test_id("presence-row")).to_contain_text("0 m dari titik koperasi")
    cooperative = Cooperative.objects.get(pk=visit.cooperative_id)
    assert (cooperative.latitude, cooperative.longitude) == (Decimal("0.071500"), Decimal("111.495000"))
    assert cooperative.history.latest().history_user == staff


def test_a_visit_logged_with_the_phones_fix_keeps_its_accuracy_and_is_flagged_near(open_page, live_server, visit):
    """The phone's fix (Playwright's geolocation, 25.4 m accuracy) about 280 m north of the
    cooperative's point: the visit stores 25 m and shows "Dekat" with its distance."""
    from assistants.models import CoachingVisit

    page = open_page(PHONE)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 0.0735, "longitude": 111.495, "accuracy": 25.4})
    log_in(page, live_server, visit.assistant.user)
    page.goto(f"{live_server.url}/pendampingan/kunjungan/catat/?cooperative={visit.cooperative_id}")
    page.get_by_label("Temuan").fill("Pengurus hadir lengkap.")
    page.get_by_role("button", name="Catat lokasi saya").click()
    expect(page.locator("#location-text")).to_contain_text("0.073500, 111.495000 (±25 m)")
    before = CoachingVisit.objects.count()
    page.get_by_role("button", name="Simpan kunjungan").click()
    # The server's answer on the page (its link to the saved visit), not a polled count.
    expect(page.get_by_test_id("saved-link")).to_be_visible()
    assert CoachingVisit.objects.count() == before + 1
    logged = CoachingVisit.objects.latest("id")
    assert logged.findings == "Pengurus hadir lengkap." and logged.location_accuracy == 25
    assert 270 <= logged.distance_m <= 285
    page.goto(f"{live_server.url}{logged.get_absolute_url()}")
    expect(page.get_by_test_id("presence-row")).to_contain_text("Dekat")
    expect(page.get_by_test_id("location")).to_contain_text("(± 25 m)")
    assert has_no_horizontal_scroll(page)
