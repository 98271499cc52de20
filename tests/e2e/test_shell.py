import pytest
from playwright.sync_api import expect

from koperasi_registry import access
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, has_no_horizontal_scroll, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("role", access.ROLES)
def test_each_role_signs_in_and_sees_the_shell_in_bahasa_indonesia(
    open_page, live_server, make_user, sintang, role, viewport
):
    # A long name, as real ones can be, must not push the menu bar off the screen.
    user = make_user(role, first_name="Raden Ajeng Kartini Sulistyaningsih", last_name="Purwaningtyas Wibowo")
    page = open_page(viewport)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    log_in(page, live_server, user)

    home = "Beranda" if role == access.PENDAMPING else "Dasbor koperasi"  # office roles get the dashboard
    expect(page.get_by_role("heading", name=home)).to_be_visible()
    if role == access.PENDAMPING:  # today's work instead of region counts (issue 15)
        expect(page.get_by_test_id("due-visits")).to_be_visible()
    else:
        expect(page.get_by_test_id("count-districts")).to_have_text("14")
    if viewport is PHONE:
        # The menu folds behind the toggler on a phone.
        expect(page.get_by_role("button", name="Buka menu")).to_be_visible()
        page.get_by_role("button", name="Buka menu").click()
    user_menu = page.get_by_test_id("user-menu")
    expect(user_menu).to_contain_text(role)
    admin_link = page.get_by_role("link", name="Administrasi")
    expect(admin_link).to_have_count(1 if role == access.ADMIN else 0)
    assert has_no_horizontal_scroll(page)

    user_menu.click()
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    assert foreign_requests(page, live_server) == []


def test_language_switch_to_english_and_back(open_page, live_server):
    page = open_page(DESKTOP)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_label("Language").select_option("id")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    assert foreign_requests(page, live_server) == []
