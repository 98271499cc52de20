"""Field work without a signal (issue 15 items 1 and 2), server side: the offline data
JSON, the outbox page, the refused visit's reasons, the manifest and the service worker."""

import datetime
import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from assistants.choices import FollowUpStatus
from koperasi_registry import pwa
from tests.assistants.factories import AssignmentFactory, BusinessAssistantFactory, CoachingVisitFactory, FollowUpFactory
from tests.factories import CooperativeFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db


def test_offline_data_lists_only_my_cooperatives_with_their_open_followups(client_as, pendamping, office):
    closed = FollowUpFactory(visit=office.my_visit, owner=pendamping, status=FollowUpStatus.DONE, closed_on=datetime.date(2026, 1, 2))
    data = client_as(pendamping).get(reverse("assistants:offline_data")).json()
    assert data["user"] == pendamping.pk
    assert [c["id"] for c in data["cooperatives"]] == [office.mine.pk]
    followups = data["cooperatives"][0]["open_followups"]
    assert [f["id"] for f in followups] == [office.my_followup.pk]
    assert closed.pk not in [f["id"] for f in followups]
    assert office.my_followup.action in followups[0]["label"]
    assert followups[0]["due_date"] == office.my_followup.due_date.isoformat()


def test_offline_data_is_empty_for_the_office(client_as, staf, office):
    response = client_as(staf).get(reverse("assistants:offline_data"))
    assert response.status_code == 200 and response.json()["cooperatives"] == []
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("n", [3, 30])
def test_offline_data_query_count_does_not_grow(client_as, pendamping, sintang, django_assert_max_num_queries, n):
    me = BusinessAssistantFactory(user=pendamping)
    for _ in range(n):
        cooperative = CooperativeFactory()
        AssignmentFactory(assistant=me, cooperative=cooperative, start_date=datetime.date(2025, 1, 1))
        FollowUpFactory(visit=CoachingVisitFactory(cooperative=cooperative, assistant=me, created_by=pendamping), owner=pendamping)
    client = client_as(pendamping)
    with django_assert_max_num_queries(QUERY_BUDGETS["assistants:offline_data"]):
        data = client.get(reverse("assistants:offline_data")).json()
    assert len(data["cooperatives"]) == n
    assert all(len(c["open_followups"]) == 1 for c in data["cooperatives"])


def test_outbox_page_is_a_shell_for_the_script(client_as, pendamping, office):
    html = client_as(pendamping).get(reverse("assistants:outbox")).content.decode()
    assert 'id="outbox-list"' in html and "js/outbox_page.js" in html and "Kirim sekarang" in html


def test_every_page_links_the_manifest_and_has_the_badge_slot(client_as, pendamping, office):
    html = client_as(pendamping).get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("pwa_manifest")}"' in html
    assert 'data-testid="outbox-badge"' in html and "Menunggu dikirim" in html
    assert f'data-user="{pendamping.pk}"' in html and "js/pwa.js" in html and "js/outbox.js" in html


def test_a_visit_for_a_cooperative_no_longer_mine_is_refused_with_its_reason(client_as, pendamping, office):
    response = client_as(pendamping).post(
        reverse("assistants:visit_add"),
        {"submission_id": "5b7f3c4e-1d2a-4c8e-9f00-0123456789ab", "cooperative": office.other.pk, "visit_date": "2026-01-05",
         "kind": "kunjungan", "findings": "x", "tl-TOTAL_FORMS": "0", "tl-INITIAL_FORMS": "0"},
        HTTP_ACCEPT="application/json",
    )
    body = response.json()
    assert response.status_code == 400 and body["status"] == "invalid"
    assert "cooperative" in body["errors"] and body["message"].startswith("Ditolak server: Koperasi")


def test_manifest_is_public_with_installable_icons(client):
    response = client.get(reverse("pwa_manifest"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert (data["start_url"], data["display"], data["theme_color"]) == ("/", "standalone", pwa.THEME_COLOUR)
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_service_worker_is_public_uncached_and_versioned_by_its_files(client, settings):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("self.KR_PWA = ").removesuffix(";"))
    assert reverse("assistants:visit_add") in config["pages"] and reverse("assistants:offline_data") in config["pages"]
    assert config["offline"] == reverse("pwa_offline")
    for url in config["shell"]:
        assert client.get(url).status_code == 200 or finders.find(url.removeprefix("/static/"))
    settings.DEBUG = True  # built per request
    settings.PWA_CACHE_VERSION = "deploy-2"
    other = json.loads(client.get("/sw.js").content.decode().split("\n", 1)[0].removeprefix("self.KR_PWA = ").removesuffix(";"))
    assert other["version"] != config["version"]


def test_offline_page_is_public_and_holds_no_user_data(client_as, pendamping, office):
    html = client_as(pendamping).get(reverse("pwa_offline")).content.decode()
    assert "Tidak ada sinyal" in html and pendamping.username not in html


def test_a_shell_file_that_is_gone_is_left_out_of_the_install(client, settings, monkeypatch):
    settings.DEBUG = True  # built per request
    monkeypatch.setattr(pwa, "SHELL", (*pwa.SHELL, "js/no-such-file.js"))
    body = client.get("/sw.js").content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("self.KR_PWA = ").removesuffix(";"))
    assert not any(url.endswith("no-such-file.js") for url in config["shell"])
    assert any(url.endswith("vendor/bootstrap/bootstrap.min.css") for url in config["shell"])
