"""Browser journeys of a Pendamping's day on a phone (issue 15 items 3 and 4): today's
work home page, a visit in three taps, a follow-up without a due date shows its error at
the top, and lists as cards at 360 px with the row's action visible."""

import datetime
from importlib import import_module

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assistants.models import CoachingVisit, VisitTopic
from tests.assistants.factories import AssignmentFactory, BusinessAssistantFactory, CoachingVisitFactory, FollowUpFactory
from tests.e2e.conftest import foreign_requests, has_no_horizontal_scroll, log_in
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}
PHONE_360 = {"width": 360, "height": 800}


@pytest.fixture(autouse=True)
def topics(db):
    """The topic list that migration 0003 seeds (transactional tests empty every table)."""
    names = import_module("assistants.migrations.0003_visit_topics").TOPICS
    return [VisitTopic.objects.get_or_create(name=name, defaults={"position": i})[0] for i, name in enumerate(names)]


@pytest.fixture
def field_day(make_user, sintang):
    """A Pendamping with two assigned cooperatives: one never visited, one visited 40 days
    ago with an open follow-up."""
    user = make_user("Pendamping", username="ba-lapangan", first_name="Yohanes", last_name="Aping")
    assistant = BusinessAssistantFactory(user=user)
    never = CooperativeFactory(name="Koperasi Belum Dikunjungi Dengan Nama Yang Cukup Panjang Sekali")
    old = CooperativeFactory(name="Koperasi Lama")
    for cooperative in (never, old):
        AssignmentFactory(assistant=assistant, cooperative=cooperative, start_date=datetime.date(2025, 1, 1))
    today = datetime.date.today()
    visit = CoachingVisitFactory(cooperative=old, assistant=assistant, visit_date=today - datetime.timedelta(days=40), created_by=user)
    FollowUpFactory(visit=visit, owner=user, due_date=today - datetime.timedelta(days=3), action="Rapikan buku kas anggota")
    return {"user": user, "never": never, "old": old}


def in_viewport(locator) -> bool:
    box = locator.bounding_box()
    height = locator.page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= height


def test_a_visit_in_three_taps_from_the_home_page(open_page, live_server, field_day):
    page = open_page(PHONE_390)
    log_in(page, live_server, field_day["user"])
    expect(page.get_by_test_id("outbox-summary")).to_have_count(1)
    rows = page.get_by_test_id("due-row")
    expect(rows.first).to_contain_text(field_day["never"].name)  # never visited first
    assert has_no_horizontal_scroll(page)

    rows.first.get_by_role("link", name="Catat kunjungan").click()  # tap 1
    # A click waits only until the form's page is committed; its value is in the HTML, but
    # "Simpan" before visit_form.js has run would post the form the ordinary way.
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_label("Koperasi")).to_have_value(str(field_day["never"].pk))
    expect(page.get_by_label("Tanggal kunjungan")).to_have_value(datetime.date.today().isoformat())
    page.get_by_label("Temuan").fill("Pengurus hadir; buku kas rapi.")  # tap 2 and typing
    page.get_by_role("button", name="Simpan kunjungan").click()  # tap 3
    expect(page.get_by_test_id("save-status")).to_contain_text("Tersimpan")
    expect(page.get_by_test_id("saved-link")).to_be_visible()  # the server's answer, not "Tersimpan di ponsel"
    visit = CoachingVisit.objects.get(cooperative=field_day["never"])
    assert visit.kind == "pembinaan" and visit.visit_date == datetime.date.today()
    assert foreign_requests(page, live_server) == []


def test_a_followup_without_a_due_date_shows_its_error_at_the_top(open_page, live_server, field_day):
    page = open_page(PHONE_390)
    log_in(page, live_server, field_day["user"])
    page.goto(f"{live_server.url}{reverse('assistants:visit_add')}?cooperative={field_day['old'].pk}")
    page.get_by_label("Temuan").fill("LPJ belum disusun.")
    page.get_by_text("Tindak lanjut baru").click()  # the collapsed follow-up part
    page.locator("#id_tl-0-action").fill("Susun draf LPJ")
    page.get_by_role("button", name="Simpan kunjungan").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    # form_errors.js scrolls to the summary, then focuses it: once focused, it is in view.
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Batas waktu: Isi batas waktu.")
    assert in_viewport(summary.get_by_role("link").first), "the first error is in view"
    assert not CoachingVisit.objects.filter(cooperative=field_day["old"], findings="LPJ belum disusun.").exists()

    summary.get_by_role("link", name="Batas waktu: Isi batas waktu.").click()  # to the field
    due = page.locator("#id_tl-0-due_date")
    expect(due).to_be_focused()
    assert in_viewport(due)
    expect(page.locator("label[for=id_tl-0-due_date] .required-mark")).to_have_text("*")
    expect(due).to_have_attribute("aria-required", "true")


def test_the_visit_form_is_short_on_a_phone(open_page, live_server, field_day):
    page = open_page(PHONE_390)
    log_in(page, live_server, field_day["user"])
    page.goto(f"{live_server.url}{reverse('assistants:visit_add')}?cooperative={field_day['old'].pk}")
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"visit form height at 390x844: {height} px")
    assert height <= 1500
    assert has_no_horizontal_scroll(page)


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("assistants:my_cooperatives", "Catat kunjungan"),
        ("assistants:visit_list", None),
        ("assistants:followup_list", None),
        ("cooperatives:cooperative_list", None),
    ],
)
def test_lists_are_cards_on_a_360_px_phone(open_page, live_server, field_day, name, action):
    page = open_page(PHONE_360)
    log_in(page, live_server, field_day["user"])
    path = reverse(name)
    page.goto(f"{live_server.url}{path}")
    assert has_no_horizontal_scroll(page), path
    first_row = page.locator(".table-cards-wrap table tbody tr").first
    link = first_row.locator("td").first.get_by_role("link").first
    expect(link).to_be_visible()
    assert in_viewport(link) and link.bounding_box()["x"] + 10 <= 360
    if action:
        button = first_row.get_by_role("link", name=action)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        expect(first_row).to_contain_text("Perlu dikunjungi")
