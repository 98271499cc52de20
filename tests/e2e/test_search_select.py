"""Browser journey: on a 360-px phone, staff filter the visit list by a cooperative found
by typing two letters in the search field (koperasi_registry/widgets.py,
static/js/search_select.js) and picking it with the keyboard; the page holds none of the
other cooperatives, and no request leaves for another host."""

import re

import pytest
from playwright.sync_api import expect

from tests.assistants.factories import CoachingVisitFactory
from tests.e2e.conftest import PHONE, foreign_requests, has_no_horizontal_scroll, log_in
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_find_a_cooperative_by_typing_and_pick_it_with_the_keyboard(open_page, live_server, make_user, sintang):
    staff = make_user("Staf", username="staf-cari")
    for i in range(30):
        CooperativeFactory(name=f"Koperasi Serba Usaha {i:02d}")
    wanted = CooperativeFactory(name="Koperasi Tani Makmur Jaya")
    other = CooperativeFactory(name="Koperasi Nelayan Bahari")
    CoachingVisitFactory(cooperative=wanted, findings="Kunjungan yang dicari")
    CoachingVisitFactory(cooperative=other, findings="Kunjungan lain")

    page = open_page(PHONE)
    errors = []  # a CSP refusal (an inline style element, a script) shows as a console error
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/pendampingan/kunjungan/")
    # The page lists no cooperative as an option: the field holds only "Semua".
    assert page.locator('select[name="cooperative"] option').count() <= 1
    page.locator("summary", has_text="Saring").click()

    field = page.locator('select[name="cooperative"] + .ts-wrapper')
    expect(field).to_be_visible()
    field.click()
    search = page.locator('#id_cooperative-ts-control')
    # On focus, an empty query lists the first page (20 of 32).
    expect(page.locator("#id_cooperative-ts-dropdown .option")).to_have_count(20)
    search.press_sequentially("ta", delay=80)  # two letters: only "Tani Makmur" holds "ta"
    options = page.locator("#id_cooperative-ts-dropdown .option")
    expect(options.filter(has_text="Koperasi Tani Makmur Jaya")).to_have_count(1)
    expect(options.filter(has_text="Serba Usaha")).to_have_count(0)
    assert has_no_horizontal_scroll(page)
    # Keyboard only: arrow to the wanted option, Enter picks it.
    for _ in range(options.count()):
        active = page.locator("#id_cooperative-ts-dropdown .option.active")
        if "Tani Makmur" in (active.text_content() or ""):
            break
        search.press("ArrowDown")
    search.press("Enter")
    expect(page.locator('select[name="cooperative"]')).to_have_value(str(wanted.pk))

    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(f"**cooperative={wanted.pk}**")
    expect(page.locator("table").get_by_text("Koperasi Tani Makmur Jaya").first).to_be_visible()
    expect(page.locator("table").get_by_text("Koperasi Nelayan Bahari")).to_have_count(0)
    # After the reload the chosen cooperative is the field's one option, shown by name.
    expect(page.locator('select[name="cooperative"] option:checked')).to_have_text("Koperasi Tani Makmur Jaya")
    assert foreign_requests(page, live_server) == []
    assert errors == []


def test_the_desa_search_stays_within_the_chosen_kecamatan(open_page, live_server, make_user, sintang):
    from cooperatives.models import District, Village

    staff = make_user("Staf", username="staf-desa")
    tempunak = District.objects.get(code="61.05.02")
    page = open_page(PHONE)
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/koperasi/tambah/")
    page.locator("#id_district").select_option(str(tempunak.pk))  # a kabupaten's 14: a plain select
    page.locator("#id_village + .ts-wrapper").click()
    options = page.locator("#id_village-ts-dropdown .option")
    expect(options.first).to_be_visible()
    texts = options.all_text_contents()
    assert texts and all(text.endswith(f"– {tempunak.name}") for text in texts)
    assert len(texts) == min(20, Village.objects.filter(district=tempunak).count())
    page.locator("#id_village-ts-control").press("Enter")  # the first one, by keyboard
    expect(page.locator("#id_village")).not_to_have_value("")  # (empty on a new cooperative)
    chosen = page.locator("#id_village").input_value()
    assert Village.objects.get(pk=int(chosen)).district_id == tempunak.pk
    # Another kecamatan: the desa no longer fits, so the field is emptied.
    page.locator("#id_district").select_option(str(District.objects.get(code="61.05.01").pk))
    expect(page.locator("#id_village")).to_have_value("")
    assert has_no_horizontal_scroll(page)


def test_a_late_answer_does_not_take_the_focus_back(open_page, live_server, make_user, sintang):
    """On a slow connection the user picks the field, moves on to the next one and types
    there before the search answers: the late answer must not reopen the list and take the
    focus (the next letters would go into the search, the field typed into stays empty)."""
    staff = make_user("Staf", username="staf-lambat")
    for i in range(3):
        CooperativeFactory(name=f"Koperasi Lambat {i}")
    page = open_page(PHONE)
    # A window that has not the system's focus (a split screen, a notification, a loaded CI
    # browser) reports document.hasFocus() false: Tom Select then ignores the field's blur
    # and believes it still has the focus when the answer comes.
    page.add_init_script("document.hasFocus = () => false;")
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/pendampingan/kunjungan/")
    page.locator("summary", has_text="Saring").click()

    held = []
    page.route("**/cari/koperasi/**", lambda route: held.append(route))
    wrapper = page.locator('select[name="cooperative"] + .ts-wrapper')
    with page.expect_request("**/cari/koperasi/**"):  # the request has left...
        wrapper.click()  # ... the first page is asked for...
    other = page.get_by_label("Cari", exact=True)
    other.click()  # ... and the user moves on before it answers
    other.press_sequentially("tani", delay=30)
    assert held, "the search field asked for nothing"
    for route in held:
        route.continue_()
    # The late answer has arrived and been taken in (Tom Select drops its "loading" class
    # and lists the three options, in its closed list) before the user types on.
    expect(page.locator("#id_cooperative-ts-dropdown .option")).to_have_count(3)
    expect(wrapper).not_to_have_class(re.compile(r"(^|\s)loading(\s|$)"))
    other.press_sequentially(" makmur", delay=30)
    expect(other).to_have_value("tani makmur")
    expect(other).to_be_focused()
    expect(page.locator("#id_cooperative-ts-dropdown")).to_be_hidden()
