""""Kirim sekarang" on the outbox page sends the refused visits too, even when a send of
the waiting ones (started by the page itself on load, or by "online") is still running:
that send skips the refused ones, so answering with its results left them unsent."""

import pytest

from assistants.models import CoachingVisit
from tests.e2e.conftest import log_in
from tests.e2e.test_offline import FORM, field, log_visit_offline, phone, topics  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_send_now_during_a_running_send_also_sends_the_refused_visits(phone, live_server, field):
    context = phone()
    page = context.new_page()
    log_in(page, live_server, field.user)
    # Two visits that do not get through: both wait in the outbox.
    context.route(f"**{FORM}", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    for cooperative, findings in ((field.first, "Menunggu dikirim."), (field.second, "Pernah ditolak.")):
        page.goto(live_server.url + FORM)
        page.get_by_label("Koperasi").select_option(label=cooperative.name)
        page.get_by_label("Temuan").fill(findings)
        page.get_by_role("button", name="Simpan kunjungan").click()
        page.wait_for_function(
            "(n) => KROutbox.list().then((rows) => rows.length === n)", arg=1 if findings.startswith("Menunggu") else 2
        )
    # One of them was refused once (its reason since fixed on the server's side).
    refused_id = page.evaluate(
        """() => KROutbox.list().then((rows) => {
            const refused = rows.find((r) => r.fields.some(([name, value]) => name === 'findings' && value === 'Pernah ditolak.'));
            refused.state = 'rejected';
            refused.message = 'Ditolak server (404).';
            return KROutbox.put(refused).then(() => refused.id);
        })"""
    )
    context.unroute(f"**{FORM}")

    # A send of the waiting ones is running when the user taps "Kirim sekarang".
    states = page.evaluate(
        """async () => {
            const running = KRPwa.flush(false);
            const sendNow = await KRPwa.flush(true);
            await running;
            return sendNow.map((result) => [result.id, result.state]);
        }"""
    )
    assert states == [[refused_id, "sent"]]  # the refused one, sent after the running send
    assert page.evaluate("() => KROutbox.list().then((rows) => rows.length)") == 0
    assert set(CoachingVisit.objects.filter(created_by=field.user).values_list("findings", flat=True)) >= {
        "Menunggu dikirim.", "Pernah ditolak."
    }
