"""Browser journey: an assistant logs a visit on a phone (photo, follow-up due tomorrow)
through a dropped connection; later a staff member sees the follow-up overdue."""

import datetime
import io
from importlib import import_module

import pytest
from playwright.sync_api import expect
from PIL import Image

from assistants.models import CoachingVisit, FollowUp, VisitTopic
from tests.assistants.factories import AssignmentFactory, BusinessAssistantFactory
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, has_no_horizontal_scroll, log_in
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def topics(db):
    """The topic list that migration 0003 seeds (transactional tests empty every table)."""
    names = import_module("assistants.migrations.0003_visit_topics").TOPICS
    return [VisitTopic.objects.get_or_create(name=name, defaults={"position": i})[0] for i, name in enumerate(names)]


def phone_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1800), (40, 140, 80)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def test_assistant_logs_a_visit_on_a_phone_and_staff_see_the_followup_overdue(
    open_page, live_server, make_user, sintang, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assistant_user = make_user("Pendamping", username="ba-sintang", first_name="Yohanes", last_name="Aping")
    staff_user = make_user("Staf", username="staf-sintang")
    assistant = BusinessAssistantFactory(user=assistant_user)
    cooperative = CooperativeFactory(name="Koperasi Desa Merah Putih Baning")
    AssignmentFactory(assistant=assistant, cooperative=cooperative)
    topic = VisitTopic.objects.get(name="Persiapan RAT")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    # Part 1: the assistant, on a phone.
    page = open_page(PHONE)
    log_in(page, live_server, assistant_user)
    page.get_by_test_id("log-visit").click()  # one tap from the home page
    expect(page.get_by_role("heading", name="Catat kunjungan")).to_be_visible()
    # A click waits only until the new page is committed: the form's script (the draft, the
    # sending) and the styles measured below must be there before typing and measuring.
    page.wait_for_load_state()
    assert has_no_horizontal_scroll(page)

    page.get_by_label("Koperasi").select_option(label=cooperative.name)
    page.get_by_test_id("more-section").locator("summary").click()  # "Lainnya" is folded (issue 15)
    page.get_by_label("Persiapan RAT").check()
    page.get_by_label("Yang ditemui").fill("Ketua dan bendahara")
    page.get_by_label("Temuan").fill("LPJ pengurus belum disusun.")
    page.get_by_test_id("followup-section").locator("summary").click()  # folded until wanted
    page.locator("#id_tl-0-action").fill("Susun draf LPJ")
    page.locator("#id_tl-0-due_date").fill(tomorrow.isoformat())
    page.locator("#id_photos").set_input_files(
        [{"name": "kunjungan.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}]
    )

    # The draft is kept on the phone while typing.
    draft = page.evaluate("localStorage.getItem('kunjungan-draf')")
    assert "LPJ pengurus belum disusun." in draft

    # The connection drops after the server saved the visit: the answer never arrives.
    def lose_the_answer(route):
        route.fetch()  # reaches the server, which saves the visit
        route.abort("connectionreset")

    page.route("**/pendampingan/kunjungan/catat/", lose_the_answer)
    page.get_by_role("button", name="Simpan kunjungan").click()
    status = page.get_by_test_id("save-status")
    expect(status).to_contain_text("Belum tersimpan — coba kirim lagi")
    assert CoachingVisit.objects.count() == 1
    assert "LPJ pengurus belum disusun." in page.evaluate("localStorage.getItem('kunjungan-draf')")

    # Back online: the retry carries the same submission_id and gets the saved visit back.
    page.unroute("**/pendampingan/kunjungan/catat/")
    status.get_by_role("button", name="Kirim lagi").click()
    expect(status).to_contain_text("Sudah tersimpan sebelumnya")
    assert CoachingVisit.objects.count() == 1
    assert page.evaluate("localStorage.getItem('kunjungan-draf')") is None

    visit = CoachingVisit.objects.get()
    assert visit.assistant == assistant and list(visit.topics.all()) == [topic]
    assert visit.attachments.count() == 1
    followup = FollowUp.objects.get()
    assert (followup.action, followup.due_date, followup.owner) == ("Susun draf LPJ", tomorrow, assistant_user)

    status.get_by_test_id("saved-link").click()
    expect(page.get_by_test_id("findings")).to_have_text("LPJ pengurus belum disusun.")
    expect(page.get_by_test_id("followup-row")).to_contain_text("Susun draf LPJ")
    expect(page.get_by_test_id("followup-row")).not_to_contain_text("Terlambat")
    photo = page.get_by_test_id("attachments").locator("img")
    expect(photo).to_be_visible()
    # Visible is not loaded: its natural size is 0 until the image has arrived.
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert page.evaluate("(img) => img.naturalWidth", photo.element_handle()) == 1600
    assert has_no_horizontal_scroll(page)
    assert foreign_requests(page, live_server) == []

    # Time passes: the due date is now behind us (the clock is moved in the database).
    FollowUp.objects.filter(pk=followup.pk).update(due_date=datetime.date.today() - datetime.timedelta(days=1))

    # Part 2: staff at the office.
    office = open_page(DESKTOP)
    log_in(office, live_server, staff_user)
    office.get_by_role("button", name="Pendampingan").click()
    office.get_by_role("link", name="Tindak lanjut", exact=True).click()
    office.get_by_text("Saring", exact=True).click()
    office.get_by_label("Lewat batas waktu").select_option("true")
    office.get_by_role("button", name="Terapkan").click()
    expect(office.get_by_test_id("row-count")).to_have_text("1 baris")
    row = office.locator("tbody tr", has_text="Susun draf LPJ")
    expect(row).to_contain_text(cooperative.name)
    expect(row).to_contain_text("Terlambat")
    expect(office.get_by_test_id("followup-summary")).to_contain_text("Yohanes Aping")
    assert foreign_requests(office, live_server) == []


def test_a_form_with_an_error_keeps_what_was_typed(open_page, live_server, make_user, sintang):
    user = make_user("Pendamping", username="ba-kedua")
    assistant = BusinessAssistantFactory(user=user)
    cooperative = CooperativeFactory(name="Koperasi Tani Makmur")
    AssignmentFactory(assistant=assistant, cooperative=cooperative)
    page = open_page(PHONE)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/pendampingan/kunjungan/catat/?cooperative={cooperative.pk}")
    page.get_by_test_id("more-section").locator("summary").click()  # "Lainnya" is folded (issue 15)
    page.get_by_label("Kelembagaan").check()
    page.get_by_label("Yang ditemui").fill("Ibu bendahara")
    page.get_by_role("button", name="Simpan kunjungan").click()  # findings left empty
    expect(page.get_by_text("Periksa isian yang ditandai")).to_be_visible()
    # The form came back by the script's form.submit(), which Playwright does not wait for:
    # the page's scripts must have run before "Simpan" (else an ordinary post, not the outbox).
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_label("Kelembagaan")).to_be_checked()
    expect(page.get_by_label("Yang ditemui")).to_have_value("Ibu bendahara")
    page.get_by_label("Temuan").fill("Rapat anggota belum terjadwal.")
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_test_id("save-status")).to_contain_text("Tersimpan")
    expect(page.get_by_test_id("saved-link")).to_be_visible()  # the server's answer, not "Tersimpan di ponsel"
    assert CoachingVisit.objects.count() == 1
    assert foreign_requests(page, live_server) == []
