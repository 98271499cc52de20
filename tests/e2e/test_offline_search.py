"""Browser journey: a Pendamping with more assigned cooperatives than the visit form lists
(``COOPERATIVES_AS_SELECT``) searches them with no signal (issue 16 item 2): the search
field reads the offline copy of their cooperatives that the service worker keeps."""

import datetime

import pytest
from playwright.sync_api import expect

from assistants.models import CoachingVisit
from tests.assistants.factories import AssignmentFactory
from tests.e2e.test_offline import FORM, OUTBOX, field, go_online_once, phone, topics  # noqa: F401 (fixtures)
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_many_assigned_cooperatives_are_a_search_field_that_works_without_signal(phone, live_server, field):
    """Beyond COOPERATIVES_AS_SELECT assigned cooperatives the select is a search field:
    without signal it searches the offline copy, and ``?cooperative=`` still picks one."""
    from assistants.forms import COOPERATIVES_AS_SELECT

    assistant = field.first.assignments.get().assistant
    for number in range(COOPERATIVES_AS_SELECT):
        AssignmentFactory(
            assistant=assistant, cooperative=CooperativeFactory(name=f"Koperasi Dusun {number:02d}"),
            start_date=datetime.date(2025, 1, 1),
        )
    context = phone()
    page = go_online_once(context, live_server, field.user)
    page.goto(live_server.url + FORM)  # (go_online_once ends on the outbox page, which has no such field)
    expect(page.locator("#id_cooperative")).to_have_count(1)
    assert page.evaluate("() => document.querySelectorAll('#id_cooperative option').length") <= 2  # bounded HTML

    context.set_offline(True)
    page.goto(f"{live_server.url}{FORM}?cooperative={field.first.pk}")  # the kept copy
    expect(page.locator("#id_cooperative")).to_have_value(str(field.first.pk))
    expect(page.locator(".ts-wrapper").first).to_contain_text("Koperasi Sinar Ketungau")

    page.goto(live_server.url + FORM)  # a new visit: search the offline copy
    page.locator("#id_cooperative-ts-control").click()
    # The first page (empty query, asked for on focus) listed before typing: a late answer
    # to it would otherwise replace the search's answer.
    expect(page.locator(".ts-dropdown .option")).to_have_count(20)
    page.locator("#id_cooperative-ts-control").fill("serawai")
    option = page.locator(".ts-dropdown .option", has_text="Koperasi Tani Serawai")
    expect(option).to_be_visible()
    expect(page.locator(".ts-dropdown .option")).to_have_count(1)
    option.click()
    expect(page.locator("#id_cooperative")).to_have_value(str(field.second.pk))
    page.evaluate("document.querySelectorAll('#visit-form details').forEach((d) => { d.open = true; })")
    page.get_by_label("Temuan").fill("Dicari tanpa sinyal.")
    page.get_by_role("button", name="Catat lokasi saya").click()
    expect(page.locator("#location-text")).to_contain_text("0.402541")
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_test_id("save-status")).to_contain_text("Tersimpan di ponsel, akan dikirim saat ada sinyal")

    context.set_offline(False)
    # The form page sends the visit itself ("online"): let it finish before the outbox page
    # is opened, whose own sending on load would otherwise post the same visit a second time
    # while the first post is still being saved.
    page.wait_for_function("() => KROutbox.list().then((rows) => rows.length === 0)", timeout=20_000)
    page.goto(live_server.url + OUTBOX)
    expect(page.get_by_test_id("outbox-empty")).to_be_visible(timeout=20_000)
    assert CoachingVisit.objects.get(findings="Dicari tanpa sinyal.").cooperative == field.second
