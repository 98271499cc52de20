"""Browser journeys: a Pendamping logs visits with no signal (issue 15 items 1 and 2).

Online once (sign in, open the home page and the visit form: the service worker keeps
them), then offline: three visits (one with a photo, one with a new follow-up, one
closing an open follow-up that the page only knows from the offline copy), a reload, the
tab closed and another opened: still three waiting. Back online: exactly three visits on
the server, the photo with its visit, the badge gone. A visit the server refuses stays in
the outbox with the server's reason, and can be fixed in the form or discarded.
Also measured: the visit form's weight on a phone, first load and cached.
"""

import datetime
import gzip
import io
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect
from PIL import Image

from assistants.models import Assignment, CoachingVisit, FollowUp, VisitTopic
from tests.assistants.factories import AssignmentFactory, BusinessAssistantFactory, CoachingVisitFactory, FollowUpFactory
from tests.e2e.conftest import has_no_horizontal_scroll, log_in
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FORM = "/pendampingan/kunjungan/catat/"
OUTBOX = "/pendampingan/kotak-keluar/"
OFFLINE_DATA = "/pendampingan/data-luring/"

# Are all these pages in the service worker's page cache (kr-pages-*)? Its network-first
# handler stores a page only after answering it, so a page just shown may not be kept yet.
# (Functions, not expressions: an expression is eval'ed in the page, which the CSP forbids.)
KEPT = """async (paths) => {
    const names = (await caches.keys()).filter((name) => name.startsWith('kr-pages'));
    for (const path of paths) {
        let found = false;
        for (const name of names) {
            if (await (await caches.open(name)).match(location.origin + path)) { found = true; break; }
        }
        if (!found) return false;
    }
    return true;
}"""


@pytest.fixture(autouse=True)
def topics(db):
    names = import_module("assistants.migrations.0003_visit_topics").TOPICS
    return [VisitTopic.objects.get_or_create(name=name, defaults={"position": i})[0] for i, name in enumerate(names)]


@pytest.fixture
def field(make_user, sintang, settings, tmp_path):
    """A Pendamping with two assigned cooperatives; the first has an open follow-up."""
    settings.MEDIA_ROOT = tmp_path
    user = make_user("Pendamping", username="ba-luring", first_name="Maria", last_name="Goreti")
    assistant = BusinessAssistantFactory(user=user)
    first = CooperativeFactory(name="Koperasi Sinar Ketungau")
    second = CooperativeFactory(name="Koperasi Tani Serawai")
    for cooperative in (first, second):
        AssignmentFactory(assistant=assistant, cooperative=cooperative, start_date=datetime.date(2025, 1, 1))
    earlier = CoachingVisitFactory(cooperative=first, assistant=assistant, created_by=user)
    followup = FollowUpFactory(visit=earlier, owner=user, action="Rapikan buku kas")
    return type("Field", (), {"user": user, "first": first, "second": second, "followup": followup, "earlier": earlier})


@pytest.fixture
def phone(browser, live_server):
    """A phone's browser: 390x844, GPS granted; records every request of its pages and
    of the service worker."""
    contexts = []

    def open_():
        context = browser.new_context(
            viewport=PHONE, locale="en-US", timezone_id="Asia/Jakarta", reduced_motion="reduce",
            geolocation={"latitude": 0.402541, "longitude": 112.881915, "accuracy": 12}, permissions=["geolocation"],
        )
        context.set_default_timeout(15_000)
        context.requests = []
        context.posts = []
        context.on("request", lambda request: context.requests.append(request.url))
        context.on("request", lambda r: context.posts.append(r.url) if r.method == "POST" else None)
        contexts.append(context)
        return context

    yield open_
    for context in contexts:
        context.close()


def no_foreign_requests(context, live_server):
    own = urlsplit(live_server.url).netloc
    return [u for u in context.requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != own]


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (40, 140, 80)).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def wait_until_kept(page, paths):
    page.wait_for_function(KEPT, arg=list(paths))


def go_online_once(context, live_server, user):
    """Sign in, wait for the service worker to control the page, then open the pages a
    Pendamping needs offline, and wait until it keeps them."""
    page = context.new_page()
    log_in(page, live_server, user)
    # The worker installed and active (its shell stored); its activation claims the open
    # pages (clients.claim()), but Chromium leaves out a page that was still loading then.
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)", timeout=30_000)
    first = None
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        # Not claimed (yet): a new page is controlled from its start. The first one stays
        # open (not reloaded) until the offline copy is kept: claimed late, it may be
        # fetching that copy itself, and pwa.js would not ask again for five minutes after
        # a fetch a reload had cancelled.
        first, page = page, context.new_page()
        page.goto(live_server.url + "/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # Controlled, a page fetches the offline copy of the user's cooperatives through the
    # worker, which keeps it.
    wait_until_kept(page, [OFFLINE_DATA])
    if first is not None:
        first.close()
    for path in ("/", FORM, OUTBOX):
        page.goto(live_server.url + path)
    wait_until_kept(page, ["/", FORM, OUTBOX, OFFLINE_DATA])
    return page


def badge(page):
    return page.get_by_test_id("outbox-badge")


def log_visit_offline(page, cooperative, findings, *, photo=False, followup=None, close=None):
    expect(page.get_by_role("heading", name="Catat kunjungan")).to_be_visible()
    # Reached by a link the page is only committed: wait for the whole form and its script
    # (a click on "Simpan" before visit_form.js would post the form the ordinary way).
    page.wait_for_load_state("domcontentloaded")
    page.evaluate("document.querySelectorAll('#visit-form details').forEach((d) => { d.open = true; })")
    if page.get_by_label("Koperasi").input_value() != str(cooperative.pk):
        # Only when not chosen already (by ?cooperative=): each choice loads the open
        # follow-ups again, and a late second list would replace a box ticked below.
        page.get_by_label("Koperasi").select_option(label=cooperative.name)
    if close:
        # The open follow-ups come from the offline copy: the server is out of reach.
        page.get_by_test_id("open-followups").get_by_label(close, exact=False).check()
    page.get_by_label("Temuan").fill(findings)
    if followup:
        page.locator("#id_tl-0-action").fill(followup)
        page.locator("#id_tl-0-due_date").fill((datetime.date.today() + datetime.timedelta(days=7)).isoformat())
    if photo:
        page.locator("#id_photos").set_input_files([{"name": "lapangan.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}])
    page.get_by_role("button", name="Catat lokasi saya").click()
    expect(page.locator("#location-text")).to_contain_text("0.402541")
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_test_id("save-status")).to_contain_text("Tersimpan di ponsel, akan dikirim saat ada sinyal")


def test_three_visits_logged_offline_reach_the_server_once_back_online(phone, live_server, field):
    context = phone()
    page = go_online_once(context, live_server, field.user)
    before = CoachingVisit.objects.count()

    context.set_offline(True)
    page.goto(f"{live_server.url}{FORM}?cooperative={field.first.pk}")  # the kept copy, any query string
    assert has_no_horizontal_scroll(page)
    expect(page.get_by_label("Koperasi")).to_have_value(str(field.first.pk))
    log_visit_offline(page, field.first, "Buku kas sudah rapi.", close="Rapikan buku kas")
    expect(badge(page)).to_have_text("Menunggu dikirim: 1")

    page.get_by_role("link", name="Catat kunjungan lain").click()
    log_visit_offline(page, field.second, "Gudang pupuk difoto.", photo=True)
    page.get_by_role("link", name="Catat kunjungan lain").click()
    log_visit_offline(page, field.second, "Pengurus belum lengkap.", followup="Lengkapi susunan pengurus")
    expect(badge(page)).to_have_text("Menunggu dikirim: 3")
    assert CoachingVisit.objects.count() == before  # nothing reached the server

    page.reload()
    expect(badge(page)).to_have_text("Menunggu dikirim: 3")
    page.close()
    page = context.new_page()  # the tab closed, another opened, still no signal
    page.goto(live_server.url + "/")
    expect(badge(page)).to_have_text("Menunggu dikirim: 3")
    expect(page.get_by_test_id("outbox-summary")).to_contain_text("3 kunjungan di ponsel ini belum terkirim")
    badge(page).click()
    expect(page.get_by_test_id("outbox-entry")).to_have_count(3)
    expect(page.get_by_test_id("outbox-list")).to_contain_text("Koperasi Tani Serawai")
    expect(page.get_by_test_id("outbox-list")).to_contain_text("1 foto")
    expect(badge(page)).to_have_text("Menunggu dikirim: 3")  # counted on this page too: its 'hidden' below waits
    expect(badge(page)).to_be_visible()

    second_tab = context.new_page()
    second_tab.goto(live_server.url + "/")
    expect(badge(second_tab)).to_have_text("Menunggu dikirim: 3")
    context.set_offline(False)  # the signal is back: both tabs start sending by themselves
    expect(badge(page)).to_be_hidden(timeout=20_000)
    expect(badge(second_tab)).to_be_hidden()
    expect(page.get_by_test_id("outbox-empty")).to_be_visible()
    # One POST per visit: the tabs never sent the same visit (navigator.locks per visit).
    assert [url for url in context.posts if url.endswith(FORM)] == [live_server.url + FORM] * 3

    new = CoachingVisit.objects.exclude(pk=field.earlier.pk).order_by("pk")
    assert new.count() == 3 and CoachingVisit.objects.count() == before + 3
    assert sorted(v.findings for v in new) == ["Buku kas sudah rapi.", "Gudang pupuk difoto.", "Pengurus belum lengkap."]
    with_photo = new.get(findings="Gudang pupuk difoto.")
    assert [a.is_image for a in with_photo.attachments.all()] == [True]
    with Image.open(with_photo.attachments.get().file) as image:
        assert max(image.size) == 1600  # reduced on the phone (3000 x 2000 taken)
    assert sum(v.attachments.count() for v in new) == 1
    assert with_photo.latitude is not None and float(with_photo.latitude) == pytest.approx(0.402541)
    assert with_photo.location_accuracy == 12  # the GPS fix's accuracy, metres
    assert FollowUp.objects.get(action="Lengkapi susunan pengurus").visit.findings == "Pengurus belum lengkap."
    field.followup.refresh_from_db()
    assert field.followup.closed_in_visit.findings == "Buku kas sudah rapi."
    assert no_foreign_requests(context, live_server) == []


def test_a_visit_the_server_refuses_stays_with_its_reason_and_can_be_fixed(phone, live_server, field):
    context = phone()
    page = go_online_once(context, live_server, field.user)
    context.set_offline(True)
    page.goto(live_server.url + FORM)
    log_visit_offline(page, field.second, "Dikunjungi sebelum serah terima.", photo=True)

    # While the phone was offline the assignment ended (handed to another assistant).
    Assignment.objects.filter(cooperative=field.second).update(end_date=datetime.date.today() - datetime.timedelta(days=1))
    context.set_offline(False)
    page.goto(live_server.url + OUTBOX)
    entry = page.get_by_test_id("outbox-entry")
    expect(entry).to_have_attribute("data-state", "rejected", timeout=20_000)
    expect(entry.get_by_test_id("outbox-reason")).to_contain_text("Ditolak server: Koperasi")
    expect(badge(page)).to_have_text("Menunggu dikirim: 1")
    assert not CoachingVisit.objects.filter(findings="Dikunjungi sebelum serah terima.").exists()

    # Sending again by hand does not drop it either.
    page.get_by_role("button", name="Kirim sekarang").click()
    expect(page.locator("#outbox-status")).to_contain_text("Terkirim: 0")
    expect(page.get_by_test_id("outbox-entry")).to_have_count(1)

    # Fixed in the form: the visit was for the first cooperative after all.
    entry.get_by_role("link", name="Buka di formulir").click()
    expect(page.get_by_label("Temuan")).to_have_value("Dikunjungi sebelum serah terima.")
    expect(page.get_by_test_id("save-status")).to_contain_text("Ditolak server: Koperasi")
    page.wait_for_function("() => document.getElementById('id_photos').files.length === 1")  # the photo is back
    page.get_by_label("Koperasi").select_option(label=field.first.name)
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_test_id("save-status")).to_contain_text("Tersimpan")
    # The server's answer itself ("Tersimpan" is also in "Tersimpan di ponsel, ...").
    expect(page.get_by_test_id("saved-link")).to_be_visible()
    fixed = CoachingVisit.objects.get(findings="Dikunjungi sebelum serah terima.")
    assert fixed.cooperative == field.first and fixed.attachments.count() == 1
    expect(badge(page)).to_be_hidden()

    # Another refused visit is discarded by the user, after a confirmation.
    context.set_offline(True)
    page.goto(live_server.url + FORM)
    log_visit_offline(page, field.first, "Catatan yang salah.")
    Assignment.objects.filter(cooperative=field.first).update(end_date=datetime.date.today() - datetime.timedelta(days=1))
    context.set_offline(False)
    page.goto(live_server.url + OUTBOX)
    expect(page.get_by_test_id("outbox-entry")).to_have_attribute("data-state", "rejected", timeout=20_000)
    # The page's own sending (on load) may still be answering for this visit: let it end,
    # else its late write would put the discarded visit back.
    page.wait_for_function("() => KRPwa.flush(false).then(() => true)")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Buang").click()
    expect(page.get_by_test_id("outbox-empty")).to_be_visible()
    expect(badge(page)).to_be_hidden()
    assert no_foreign_requests(context, live_server) == []


def test_pages_of_one_user_are_not_kept_for_the_next_and_the_outbox_waits_for_its_owner(
    phone, live_server, field, make_user
):
    context = phone()
    page = go_online_once(context, live_server, field.user)
    context.set_offline(True)
    page.goto(live_server.url + FORM)
    log_visit_offline(page, field.first, "Dicatat sebelum keluar.")
    # Back online, but the visit form's POST does not get through.
    context.route("**/pendampingan/kunjungan/catat/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    context.set_offline(False)
    page.goto(live_server.url + "/")
    expect(badge(page)).to_have_text("Menunggu dikirim: 1")
    wait_until_kept(page, ["/"])  # this page's copy stored, so that "Keluar" finds it to remove

    page.get_by_role("button", name="Buka menu").click()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    assert page.evaluate("caches.keys().then((names) => names.filter((n) => n.startsWith('kr-pages')))") == []
    assert page.evaluate("KROutbox.list().then((rows) => rows.length)") == 1  # the outbox stays

    # Another Pendamping on the same phone: the entry is not theirs, not counted, not sent.
    context.unroute("**/pendampingan/kunjungan/catat/")
    other = make_user("Pendamping", username="ba-kedua-luring")
    BusinessAssistantFactory(user=other)
    log_in(page, live_server, other)
    expect(badge(page)).to_have_attribute("data-count", "0")  # counted (the badge starts hidden)
    expect(badge(page)).to_be_hidden()
    page.goto(live_server.url + OUTBOX)
    expect(page.get_by_test_id("outbox-empty")).to_be_visible()
    page.get_by_role("button", name="Kirim sekarang").click()
    expect(page.locator("#outbox-status")).to_contain_text("Terkirim: 0")
    assert not CoachingVisit.objects.filter(findings="Dicatat sebelum keluar.").exists()

    # Its owner signs in again, but the session ends before the visit is sent: the answer is
    # the login page, so the visit stays ("Sesi berakhir"); the next sign-in sends it.
    page.get_by_role("button", name="Buka menu").click()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    context.route("**/pendampingan/kunjungan/catat/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    log_in(page, live_server, field.user)
    expect(badge(page)).to_have_text("Menunggu dikirim: 1")
    # The badge is counted before the page's own sending on load has ended: wait for that
    # sending (the POST still refused), else the flush below would only return it.
    page.wait_for_function("() => KRPwa.flush(false).then(() => true)")
    assert page.evaluate("KROutbox.list().then((rows) => rows.map((r) => r.state))") == ["pending"]
    Session.objects.all().delete()
    context.unroute("**/pendampingan/kunjungan/catat/")
    page.evaluate("KRPwa.flush(false)")
    assert page.evaluate("KROutbox.list().then((rows) => rows.map((r) => r.state))") == ["session"]
    assert not CoachingVisit.objects.filter(findings="Dicatat sebelum keluar.").exists()
    log_in(page, live_server, field.user)
    # The badge starts hidden on a new page: wait for the outbox itself to be emptied.
    page.wait_for_function("() => KROutbox.list().then((rows) => rows.length === 0)", timeout=20_000)
    expect(badge(page)).to_be_hidden()
    assert CoachingVisit.objects.filter(findings="Dicatat sebelum keluar.", created_by=field.user).count() == 1
    assert no_foreign_requests(context, live_server) == []


def test_visit_form_page_weight_on_a_phone(phone, browser, live_server, field):
    """Measured for the README: the visit form's first load with nothing cached, and a
    later load once the service worker keeps the shell (bytes that still cross the network:
    the page itself, network first)."""

    def record(context):
        sizes, gzipped = {}, {}

        def finished(request):
            response = request.response()
            if response is None or response.from_service_worker:
                return  # answered by the service worker from its cache
            try:
                s = request.sizes()
                body = len(response.body())
            except Exception:  # noqa: BLE001  (a request the browser cancelled)
                return
            # The bytes that crossed the network: the body as sent (gzip where the server
            # compressed it; Chromium reports no size for a body it was not told the length
            # of), plus the headers; and a gzip estimate for production, where WhiteNoise
            # serves static files precompressed (the test server sends them plain).
            sent = s["responseBodySize"] if s["responseBodySize"] > 0 else body
            estimate = sent if s["responseBodySize"] > 0 else len(gzip.compress(response.body(), 9))
            sizes[request.url] = sizes.get(request.url, 0) + sent + s["responseHeadersSize"]
            gzipped[request.url] = gzipped.get(request.url, 0) + estimate + s["responseHeadersSize"]

        context.on("requestfinished", finished)
        return sizes, gzipped

    # First load: no service worker, no HTTP cache.
    cold_context = browser.new_context(viewport=PHONE, service_workers="block")
    cold = cold_context.new_page()
    log_in(cold, live_server, field.user)
    cold_context.new_cdp_session(cold).send("Network.setCacheDisabled", {"cacheDisabled": True})
    first, first_gzip = record(cold_context)
    cold.goto(live_server.url + FORM, wait_until="networkidle")
    first_bytes, first_gzip = sum(first.values()), sum(first_gzip.values())
    cold_context.close()

    # Later loads: the service worker keeps the shell.
    context = phone()
    page = go_online_once(context, live_server, field.user)
    page.goto(live_server.url + FORM, wait_until="networkidle")
    later, later_gzip = record(context)
    page.goto(live_server.url + FORM, wait_until="networkidle")
    later_bytes, later_gzip = sum(later.values()), sum(later_gzip.values())
    print(f"\nvisit form, first load: {first_bytes / 1024:.1f} KB in {len(first)} requests "
          f"(static gzipped as in production: {first_gzip / 1024:.1f} KB); "
          f"cached: {later_bytes / 1024:.1f} KB in {len(later)} requests ({', '.join(sorted(later))})")
    assert first_bytes > 100 * 1024  # Bootstrap alone
    assert later_bytes < first_bytes / 5
    assert all("/static/" not in url for url in later)  # every static file from the cache


def test_a_draft_is_restored_after_a_reload_with_its_submission_id(phone, live_server, field):
    """What is typed survives a reload before "Simpan" (localStorage draft), with the same
    submission id, so that the visit is still one visit; a new form gets a new id."""
    context = phone()
    page = context.new_page()
    log_in(page, live_server, field.user)
    page.goto(f"{live_server.url}{FORM}?cooperative={field.second.pk}")
    expect(page.get_by_label("Koperasi")).to_have_value(str(field.second.pk))
    page.get_by_label("Temuan").fill("Belum selesai diketik")
    submission_id = page.locator("#id_submission_id").input_value()
    page.reload()
    expect(page.locator("#draft-notice")).to_be_visible()
    expect(page.get_by_label("Temuan")).to_have_value("Belum selesai diketik")
    expect(page.locator("#id_submission_id")).to_have_value(submission_id)
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_test_id("save-status")).to_contain_text("Tersimpan")
    expect(page.get_by_test_id("saved-link")).to_be_visible()  # the server's answer, not "Tersimpan di ponsel"
    assert str(CoachingVisit.objects.get(findings="Belum selesai diketik").submission_id) == submission_id
    page.get_by_role("link", name="Catat kunjungan lain").click()
    expect(page.locator("#draft-notice")).to_be_hidden()
    expect(page.get_by_label("Temuan")).to_have_value("")
    assert page.locator("#id_submission_id").input_value() not in ("", submission_id)

