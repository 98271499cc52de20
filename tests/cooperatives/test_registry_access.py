"""What each role sees and may do inside the registry pages it reaches."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from koperasi_registry import access
from tests.factories import CooperativeFactory, RatFilingFactory

pytestmark = pytest.mark.django_db

ADMIN, KABID, STAF, PENDAMPING = access.ADMIN, access.KABID, access.STAF, access.PENDAMPING

# The page x role x object table is tests/koperasi_registry/test_url_access.py; these are
# the registry's rules it cannot show (rows, buttons, read-only roles, the office's kabupaten).


@pytest.fixture
def coop(sintang):
    return CooperativeFactory(name="Koperasi Sumber Rejeki")


@pytest.fixture
def filing(coop):
    return RatFilingFactory(cooperative=coop, book_year=2023)


def assign(pendamping, cooperative, **dates):
    from assistants.models import Assignment, BusinessAssistant

    assistant, _ = BusinessAssistant.objects.get_or_create(user=pendamping)
    return Assignment.objects.create(assistant=assistant, cooperative=cooperative, **dates)


def test_pendamping_sees_only_the_currently_assigned_cooperatives(client_as, pendamping, sintang):
    mine = CooperativeFactory(name="Koperasi Binaan Saya")
    other = CooperativeFactory(name="Koperasi Orang Lain")
    ended = CooperativeFactory(name="Koperasi Penugasan Lama")
    today = timezone.localdate()
    assign(pendamping, mine)
    assign(pendamping, ended, start_date=today - datetime.timedelta(days=90), end_date=today - datetime.timedelta(days=1))
    client = client_as(pendamping)

    response = client.get(reverse("cooperatives:cooperative_list"))
    assert response.status_code == 200
    assert [row.record.name for row in response.context["table"].rows] == ["Koperasi Binaan Saya"]
    csv = client.get(reverse("cooperatives:cooperative_list") + "?_export=csv").content.decode()
    assert "Koperasi Binaan Saya" in csv and "Orang Lain" not in csv and "Penugasan Lama" not in csv

    assert client.get(reverse("cooperatives:cooperative_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("cooperatives:cooperative_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("cooperatives:cooperative_detail", args=[ended.pk])).status_code == 404
    # Read-only: no edit or RAT buttons, and the forms stay closed even for the assigned one.
    html = client.get(reverse("cooperatives:cooperative_detail", args=[mine.pk])).content.decode()
    assert reverse("cooperatives:cooperative_edit", args=[mine.pk]) not in html
    assert reverse("cooperatives:ratfiling_add", args=[mine.pk]) not in html
    assert client.get(reverse("cooperatives:cooperative_edit", args=[mine.pk])).status_code == 403


def test_kabid_is_read_only(client_as, kabid, coop, filing):
    client = client_as(kabid)
    html = client.get(reverse("cooperatives:cooperative_detail", args=[coop.pk])).content.decode()
    assert "Sumber Rejeki" in html
    assert reverse("cooperatives:cooperative_edit", args=[coop.pk]) not in html
    assert reverse("cooperatives:ratfiling_add", args=[coop.pk]) not in html
    assert reverse("cooperatives:ratfiling_edit", args=[filing.pk]) not in html
    response = client.post(reverse("cooperatives:cooperative_edit", args=[coop.pk]), {"name": "Diubah"})
    assert response.status_code == 403
    coop.refresh_from_db()
    assert coop.name == "Koperasi Sumber Rejeki"
    list_html = client.get(reverse("cooperatives:cooperative_list")).content.decode()
    assert reverse("cooperatives:cooperative_add") not in list_html


def test_staf_sees_the_edit_buttons(client_as, staf, coop, filing):
    html = client_as(staf).get(reverse("cooperatives:cooperative_detail", args=[coop.pk])).content.decode()
    assert reverse("cooperatives:cooperative_edit", args=[coop.pk]) in html
    assert reverse("cooperatives:ratfiling_add", args=[coop.pk]) in html
    assert reverse("cooperatives:ratfiling_edit", args=[filing.pk]) in html


def test_cooperatives_outside_the_office_regency_are_not_shown(client_as, staf, sintang):
    from cooperatives.models import Village
    from cooperatives.region_loader import load_regions

    load_regions(["13.11"])  # Solok Selatan: another kabupaten
    inside = CooperativeFactory(name="Koperasi Sintang", village=Village.objects.filter(code__startswith="61.05.").first())
    outside = CooperativeFactory(name="Koperasi Solok", village=Village.objects.filter(code__startswith="13.11.").first())
    client = client_as(staf)
    names = [row.record.name for row in client.get(reverse("cooperatives:cooperative_list")).context["table"].rows]
    assert names == [inside.name]
    assert client.get(reverse("cooperatives:cooperative_detail", args=[outside.pk])).status_code == 404


OFFICE_MENU = ["Daftar koperasi", "RAT terlambat", "Kepatuhan RAT"]


@pytest.mark.parametrize(
    ("role", "menu"),
    [(ADMIN, OFFICE_MENU), (KABID, OFFICE_MENU), (STAF, OFFICE_MENU), (PENDAMPING, ["Daftar koperasi"])],
)
def test_navigation_entries(client_as, role_users, sintang, role, menu):
    items = client_as(role_users[role]).get("/").context["menu"]
    labels = [str(child["label"]) for item in items for child in item.get("children", [item])]
    assert [label for label in labels if label in OFFICE_MENU] == menu


def test_rat_attachments_are_served_only_through_a_checked_view(client, client_as, staf, pendamping, coop, filing, settings, tmp_path):
    """MEDIA_URL is served nowhere: the profile links each attachment to a view that applies
    ``visible_to`` (a Pendamping gets it only for an assigned cooperative)."""
    from django.core.files.base import ContentFile

    from cooperatives.models import RatAttachment

    settings.MEDIA_ROOT = tmp_path
    attachment = RatAttachment.objects.create(
        filing=filing, kind="berita_acara", file=ContentFile(b"%PDF-1.4 uji", name="berita-acara.pdf")
    )
    url = reverse("cooperatives:ratattachment", args=[attachment.pk])
    assert client.get(url).status_code == 302  # anonymous: login

    html = client_as(staf).get(coop.get_absolute_url()).content.decode()
    assert f'href="{url}"' in html and attachment.file.url not in html
    response = client_as(staf).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 uji"

    assert client_as(pendamping).get(url).status_code == 404  # not assigned
    assign(pendamping, coop)
    assert client_as(pendamping).get(url).status_code == 200
