"""Browser checks of three front-end races (static/js/search_select.js, the visit form's
open follow-ups in static/js/visit_form.js): an option picked before Tom Select's input
refresh has run, answers that come back out of order, a search replaced while under way.
The late or failed answers are made by routing the requests, never by waiting a while."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from koperasi_registry import access
from tests.assistants.factories import AssignmentFactory, BusinessAssistantFactory, CoachingVisitFactory, FollowUpFactory
from tests.e2e.conftest import PHONE, log_in
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOADING = re.compile(r"(^|\s)loading(\s|$)")

# Marks, in the page, each answer whose body the page's own script has read (fetch's
# text()/json()): its handlers run in the microtasks right after, so once a mark is seen
# (by a later poll) the page has done all it will do with that answer.
BODIES_READ = """
(() => {
  window.__bodiesRead = [];
  ["text", "json"].forEach((name) => {
    const read = Response.prototype[name];
    Response.prototype[name] = function () {
      const url = this.url;
      return read.call(this).then((body) => { window.__bodiesRead.push(url); return body; });
    };
  });
})();
"""


def open_form(open_page, live_server, user, path, *, watch_bodies=False):
    """A phone's page signed in as ``user`` on the form at ``path``, its scripts loaded."""
    page = open_page(PHONE)
    if watch_bodies:
        page.add_init_script(BODIES_READ)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state()
    return page


def query_of(url) -> str:
    return parse_qs(urlsplit(url).query).get("q", [""])[0]


def test_an_option_picked_right_after_typing_keeps_the_focus_on_the_next_field(open_page, live_server, make_user, sintang):
    """The user types and picks an option from the list already shown before Tom Select's
    input refresh (300 ms after the last letter) has run, then types in the next field: the
    refresh must not search again, reopen the list and take the focus back."""
    staf = make_user(access.STAF)
    for name in ("KSP Kapuas Sejahtera", "KSP Kapuas Mandiri", "Koperasi Produsen Lain"):
        CooperativeFactory(name=name, jenis="simpan_pinjam")
    page = open_form(open_page, live_server, staf, "/koperasi/kesehatan/tambah/")
    page.locator('select[name="cooperative"] + .ts-wrapper').click()
    options = page.locator("#id_cooperative-ts-dropdown .option")
    expect(options).to_have_count(3)  # the first page, asked for on focus
    # Typing and the pick in one turn of the page's script: the pick always comes before the
    # refresh timer, however slow the machine running the test.
    refresh_pending = page.evaluate(
        """() => {
          const control = document.getElementById("id_cooperative").tomselect;
          control.control_input.value = "Kap";
          control.control_input.dispatchEvent(new Event("input", { bubbles: true }));
          const pending = Boolean(control.refreshTimeout);
          control.dropdown_content.querySelector("[data-selectable]").click();
          return pending;
        }"""
    )
    assert refresh_pending, "Tom Select held no input refresh: the race was not set up"
    chosen = page.locator('select[name="cooperative"]').input_value()
    assert chosen
    year = page.get_by_label(re.compile(r"^Tahun buku\b"))
    year.click()
    # The refresh has run (or was stopped) and any search it started has answered.
    page.wait_for_function("() => !document.getElementById('id_cooperative').tomselect.refreshTimeout")
    expect(page.locator('select[name="cooperative"] + .ts-wrapper')).not_to_have_class(LOADING)
    # The keyboard types where the focus is (a locator's typing would focus its field first).
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("2024", delay=30)
    expect(year).to_have_value("2024")
    expect(year).to_be_focused()
    expect(page.locator("#id_cooperative-ts-dropdown")).to_be_hidden()
    expect(page.locator('select[name="cooperative"]')).to_have_value(chosen)


def test_a_late_answer_for_the_cooperative_chosen_before_does_not_replace_the_follow_ups(
    open_page, live_server, make_user, sintang
):
    """On the visit form the user picks one cooperative, then another before the first
    one's open follow-ups have come: the list shown is the second one's, also once the
    first answer arrives."""
    user = make_user("Pendamping", username="ba-balapan")
    assistant = BusinessAssistantFactory(user=user)
    first = CooperativeFactory(name="Koperasi Pertama Lambat")
    second = CooperativeFactory(name="Koperasi Kedua Cepat")
    for cooperative, action in ((first, "Tindak lanjut koperasi pertama"), (second, "Tindak lanjut koperasi kedua")):
        AssignmentFactory(assistant=assistant, cooperative=cooperative)
        FollowUpFactory(visit=CoachingVisitFactory(cooperative=cooperative), action=action, owner=user)

    page = open_form(open_page, live_server, user, "/pendampingan/kunjungan/catat/", watch_bodies=True)
    held = []

    def hold_the_first(route):
        if f"cooperative={first.pk}" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.route("**/kunjungan/tindak-lanjut-terbuka/**", hold_the_first)
    select = page.locator("#id_cooperative")
    with page.expect_request(lambda r: f"cooperative={first.pk}" in r.url):
        select.select_option(str(first.pk))
    select.select_option(str(second.pk))
    followups = page.get_by_test_id("open-followups")
    expect(followups).to_contain_text("Tindak lanjut koperasi kedua")
    assert len(held) == 1
    held[0].continue_()  # the first cooperative's answer, late
    page.wait_for_function(
        "(pk) => window.__bodiesRead.some((url) => url.includes('cooperative=' + pk))", arg=first.pk
    )
    expect(followups).to_contain_text("Tindak lanjut koperasi kedua")
    expect(followups).not_to_contain_text("Tindak lanjut koperasi pertama")
    expect(select).to_have_value(str(second.pk))


def test_a_replaced_or_failed_search_leaves_no_loading_state(open_page, live_server, make_user, sintang):
    """The first page (asked for on focus) is still under way when the user types: that
    search is replaced (aborted), and the answer to what was typed must end the "loading"
    state. A search that fails says so and ends it too."""
    staf = make_user(access.STAF)
    for name in ("KSP Kapuas Sejahtera", "KSP Kapuas Mandiri", "Koperasi Produsen Lain"):
        CooperativeFactory(name=name, jenis="simpan_pinjam")
    page = open_form(open_page, live_server, staf, "/koperasi/kesehatan/tambah/", watch_bodies=True)
    held = []

    def route(route):
        query = query_of(route.request.url)
        if query == "":
            held.append(route)  # the first page: no answer until it is replaced
        elif query == "Kapu":
            route.abort()  # no connection
        else:
            route.continue_()

    page.route("**/cari/koperasi/**", route)
    wrapper = page.locator('select[name="cooperative"] + .ts-wrapper')
    search = page.locator("#id_cooperative-ts-control")
    with page.expect_request(lambda r: "/cari/koperasi/" in r.url and query_of(r.url) == ""):
        wrapper.click()
    expect(wrapper).to_have_class(LOADING)
    with page.expect_response(lambda r: "/cari/koperasi/" in r.url and query_of(r.url) == "Kap"):
        search.press_sequentially("Kap", delay=30)
    page.wait_for_function("() => window.__bodiesRead.some((url) => url.includes('q=Kap'))")
    options = page.locator("#id_cooperative-ts-dropdown .option")
    expect(options).to_have_count(2)
    expect(wrapper).not_to_have_class(LOADING)

    # A search that fails: the list says so, and nothing is left loading.
    with page.expect_event("requestfailed", lambda r: query_of(r.url) == "Kapu"):
        search.press_sequentially("u", delay=30)
    expect(page.locator("#id_cooperative-ts-dropdown .no-results")).to_have_text("Pencarian gagal; coba lagi.")
    expect(wrapper).not_to_have_class(LOADING)
    for late in held:  # (already aborted by the page)
        try:
            late.continue_()
        except Exception:
            pass
