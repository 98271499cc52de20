"""A visit the server refuses without the view's answer (a 404 or 403 page, not JSON) keeps
a reason in the language the Pendamping uses: the visit form hands its words to the outbox,
which also sends from the service worker, where no page can be asked."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.e2e.test_offline import FORM, OUTBOX, field, phone, topics  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOT_FOUND = "<!doctype html><title>Not Found</title><h1>Not Found</h1>"


def test_a_refusal_without_the_views_answer_is_explained_in_the_users_language(phone, live_server, field):
    context = phone()
    page = context.new_page()
    log_in(page, live_server, field.user)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    # The first send does not get through: the visit waits in the outbox.
    context.route(f"**{FORM}", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    page.goto(live_server.url + FORM)
    expect(page.get_by_role("heading", name="Log a visit")).to_be_visible()
    page.locator("#id_cooperative").select_option(label=field.first.name)
    page.locator("#id_findings").fill("Dicatat dalam bahasa Inggris.")
    page.locator("#visit-form [type=submit]").click()
    expect(page.get_by_test_id("save-status")).to_contain_text("Saved on this phone")
    page.wait_for_function("() => KROutbox.list().then((rows) => rows.length === 1)")

    # Sent again, the answer is a 404 page (the record is gone): refused, with the form's words.
    context.unroute(f"**{FORM}")
    context.route(
        f"**{FORM}",
        lambda route: route.fulfill(status=404, content_type="text/html", body=NOT_FOUND)
        if route.request.method == "POST" else route.continue_(),
    )
    page.evaluate("() => KRPwa.flush(true)")
    assert page.evaluate("() => KROutbox.list().then((rows) => rows.map((r) => [r.state, r.message]))") == [
        ["rejected", "Refused by the server (404): this visit's data was not found or is no longer yours to change."]
    ]
    page.goto(live_server.url + OUTBOX)
    expect(page.get_by_test_id("outbox-reason")).to_contain_text("Refused by the server (404)")
