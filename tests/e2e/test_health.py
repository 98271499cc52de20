"""Browser journey: a Staf user on a phone enters a health assessment, watches the total and
category appear while typing (htmx, no CDN), saves, and finds it in the list."""

import re

import pytest
from playwright.sync_api import expect

from koperasi_registry import access
from tests.cooperatives.health_helpers import KSP, instrument
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, has_no_horizontal_scroll, log_in
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_staf_enters_an_assessment_and_sees_the_category_while_typing(open_page, live_server, make_user, sintang, viewport):
    staf = make_user(access.STAF)
    cooperative = CooperativeFactory(name="KSP Kapuas Sejahtera", jenis="simpan_pinjam")
    CooperativeFactory(name="Koperasi Produsen Lain", jenis="produsen")
    ksp = instrument(KSP)
    aspects = list(ksp.aspects.order_by("order").values_list("name", flat=True))

    page = open_page(viewport)
    log_in(page, live_server, staf)
    if viewport is PHONE:
        page.get_by_role("button", name="Buka menu").click()
    page.get_by_role("button", name="Koperasi", exact=True).click()
    page.get_by_role("link", name="Penilaian kesehatan").click()
    expect(page.get_by_role("heading", name="Penilaian kesehatan")).to_be_visible()
    page.get_by_role("link", name="Tambah").click()

    expect(page.get_by_role("heading", name="Tambah penilaian kesehatan")).to_be_visible()
    # A click waits only until the page is committed: htmx (deferred) must be listening on
    # the instrument's select before it is changed below.
    page.wait_for_load_state()
    expect(page.get_by_test_id("aspect-rows-empty")).to_be_visible()
    # The cooperative is a search field (every visible cooperative): type, then pick the match.
    page.locator('select[name="cooperative"] + .ts-wrapper').click()
    # Picked once the search for what was typed has answered: the first page (asked for on
    # focus) already lists the match, but Tom Select still runs its input refresh 300 ms after
    # the last letter, which reopens the list and takes the focus from the next field.
    with page.expect_response(lambda r: "/cari/koperasi/" in r.url and "q=Kapuas" in r.url):
        page.locator("#id_cooperative-ts-control").press_sequentially("Kapuas", delay=50)
    expect(page.locator("#id_cooperative-ts-dropdown .option")).to_have_count(1)
    page.locator("#id_cooperative-ts-dropdown .option", has_text=cooperative.name).click()
    expect(page.locator('select[name="cooperative"]')).to_have_value(str(cooperative.pk))
    page.get_by_label(re.compile(r"^Tahun buku\b")).fill("2024")
    expect(page.locator("#id_cooperative-ts-dropdown")).to_be_hidden()  # not reopened by a late answer
    page.get_by_label(re.compile(r"^Instrumen\b")).select_option(str(ksp.pk))

    # The instrument's seven aspects arrive by htmx.
    expect(page.get_by_test_id("aspect-row")).to_have_count(7)
    preview = page.get_by_test_id("health-preview")
    expect(preview).to_contain_text("Isi nilai semua aspek")
    for name in aspects:
        page.get_by_label(name, exact=True).fill("80")
    # The preview comes by htmx 300 ms after the last input: on a loaded CI machine it can take a while.
    expect(page.get_by_test_id("preview-category")).to_have_text("Sehat", timeout=15_000)
    expect(page.get_by_test_id("preview-total")).to_have_text("80")

    # One aspect a little lower: 80 - 0.04 * 25 / 100 = 79.99, Cukup Sehat, live.
    field = page.get_by_label("Kualitas Aktiva Produktif", exact=True)
    field.fill("")
    field.press_sequentially("79.96", delay=30)
    expect(page.get_by_test_id("preview-category")).to_have_text("Cukup Sehat")
    expect(page.get_by_test_id("preview-total")).to_have_text("79,99")
    assert has_no_horizontal_scroll(page)

    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("assessment-category")).to_have_text("Cukup Sehat")
    expect(page.get_by_test_id("assessment-total")).to_have_text("79,99")
    expect(page.get_by_role("alert").first).to_contain_text("Penilaian tersimpan")

    # ... and it is in the list, findable by name.
    page.goto(f"{live_server.url}/koperasi/kesehatan/?q=Kapuas")
    table = page.get_by_test_id("assessment-table")
    expect(table).to_contain_text("KSP Kapuas Sejahtera")
    expect(table).to_contain_text("Cukup Sehat")
    expect(page.get_by_test_id("row-count")).to_have_text("1 baris")
    assert has_no_horizontal_scroll(page)
    assert foreign_requests(page, live_server) == []


def test_a_wrong_score_is_shown_and_nothing_is_saved(open_page, live_server, make_user, sintang):
    from cooperatives.models import HealthAssessment

    staf = make_user(access.STAF)
    cooperative = CooperativeFactory(name="KSP Salah Ketik", jenis="simpan_pinjam")
    ksp = instrument(KSP)
    page = open_page(PHONE)
    log_in(page, live_server, staf)
    page.goto(f"{live_server.url}/koperasi/kesehatan/tambah/?cooperative={cooperative.pk}&instrument={ksp.pk}")
    expect(page.get_by_test_id("aspect-row")).to_have_count(7)
    for name in ksp.aspects.values_list("name", flat=True):
        page.get_by_label(name, exact=True).fill("70")
    # The preview's first state already says "Isi nilai semua aspek": wait for the answer to
    # the scores with the wrong one (htmx, 300 ms after the last input).
    with page.expect_response(
        lambda r: "/kesehatan/pratinjau/" in r.url and "170" in (r.request.post_data or "")
    ) as answer:
        page.get_by_label("Likuiditas", exact=True).fill("170")
    assert "Isi nilai semua aspek" in answer.value.text()
    expect(page.get_by_test_id("health-preview")).to_contain_text("Isi nilai semua aspek")
    page.get_by_role("button", name="Simpan").click()
    # Named in the summary at the top (a link to the field) and under the field itself.
    expect(page.get_by_role("link", name="Likuiditas: Nilai paling tinggi 100")).to_be_visible()
    expect(page.get_by_test_id("aspect-rows").get_by_text("Nilai paling tinggi 100")).to_be_visible()
    expect(page.get_by_label("Likuiditas", exact=True)).to_have_value("170")
    expect(page.get_by_label("Permodalan", exact=True)).to_have_value("70")
    assert HealthAssessment.objects.count() == 0
    assert foreign_requests(page, live_server) == []
