"""A programme's participants stay bounded (issue 16 item 2): its page lists them 25 a page,
each with a button to take it out for whoever may change the programme; its edit form only
adds participants (a search field holding what is chosen there), so that saving it never
drops a participant it did not show. Every change is in the participations' history."""

import pytest
from django.urls import reverse

from assistants.models import ProgrammeParticipation
from tests.assistants.factories import ProgrammeFactory
from tests.factories import CooperativeFactory
from tests.koperasi_registry.test_office_scope import country, scoped  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(country):  # noqa: F811
    """A Sintang programme with 30 Sintang participants (the ``staf`` fixture's office)."""
    made = ProgrammeFactory(name="Pelatihan Akuntansi", office_code="61.05")
    village = country["61.05"].village
    for i in range(30):
        made.participations.create(cooperative=CooperativeFactory(name=f"Koperasi Peserta {i:02d}", village=village))
    return made


def names(response) -> list[str]:
    return [row.record.cooperative.name for row in response.context["table"].page.object_list]


def form_data(form) -> dict:
    """What the form's page would send back unchanged (its version field included)."""
    return {name: value for name in form.fields if (value := form[name].value()) not in (None, "", [])}


def remove(client, programme, participation_pk, **extra):
    return client.post(
        reverse("assistants:programme_participant_remove", args=[programme.pk]),
        {"participation": participation_pk, **extra},
    )


def test_the_programme_page_lists_its_participants_25_a_page(client_as, staf, programme):
    client = client_as(staf)
    url = reverse("assistants:programme_detail", args=[programme.pk])
    first = client.get(url)
    assert names(first) == [f"Koperasi Peserta {i:02d}" for i in range(25)]
    assert first.context["table"].paginator.count == 30
    assert names(client.get(url, {"page": 2})) == [f"Koperasi Peserta {i:02d}" for i in range(25, 30)]
    html = first.content.decode()
    assert html.count('name="participation"') == 25  # a "Keluarkan" button per row shown
    assert "Koperasi peserta" in html and "(30)" in html  # the heading counts them all


def test_the_edit_form_adds_participants_and_removes_none(client_as, staf, programme, country):  # noqa: F811
    client = client_as(staf)
    url = reverse("assistants:programme_edit", args=[programme.pk])
    page = client.get(url)
    assert "Koperasi Peserta" not in page.content.decode()  # the participants in: not on the form
    village = country["61.05"].village
    new = [CooperativeFactory(name=f"Koperasi Baru {i}", village=village) for i in range(2)]
    already = programme.participations.order_by("pk").first().cooperative
    data = {**form_data(page.context["form"]), "participants": [c.pk for c in new] + [already.pk]}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert programme.participations.count() == 32
    added = ProgrammeParticipation.history.filter(cooperative__in=new)
    assert {(row.history_type, row.history_user) for row in added} == {("+", staf)}


def test_the_edit_form_adds_only_cooperatives_the_user_sees(client_as, staf, programme, country):  # noqa: F811
    client = client_as(staf)
    url = reverse("assistants:programme_edit", args=[programme.pk])
    data = {**form_data(client.get(url).context["form"]), "participants": [country["61.10"].pk]}  # Melawi's
    response = client.post(url, data)
    assert response.status_code == 200 and "participants" in response.context["form"].errors
    assert programme.participations.count() == 30


def test_a_participant_is_taken_out_and_its_history_kept(client_as, staf, programme):
    participation = programme.participations.get(cooperative__name="Koperasi Peserta 26")
    participation.aid_received = "Laptop dan printer"
    participation.save()
    back = reverse("assistants:programme_detail", args=[programme.pk]) + "?page=2"
    response = remove(client_as(staf), programme, participation.pk, next=back)
    assert response.status_code == 302 and response.url == back
    assert programme.participations.count() == 29
    assert not programme.participations.filter(pk=participation.pk).exists()
    last = ProgrammeParticipation.history.filter(id=participation.pk).order_by("-history_date", "-history_id").first()
    assert (last.history_type, last.history_user, last.aid_received) == ("-", staf, "Laptop dan printer")


def test_taking_out_holds_the_programme_and_the_scope(client_as, staf, kabid, programme, country):  # noqa: F811
    client = client_as(staf)
    other = ProgrammeFactory(name="Program Lain", office_code="61.05")
    elsewhere = other.participations.create(cooperative=country["61.05"])
    unseen = programme.participations.create(cooperative=country["61.10"])  # Melawi's: not the user's
    for pk in (elsewhere.pk, unseen.pk, 0, "x", 2**70):
        response = remove(client, programme, pk, next="https://elsewhere.example/")
        assert response.status_code == 302
        assert response.url == reverse("assistants:programme_detail", args=[programme.pk]) + "#peserta"
    assert ProgrammeParticipation.objects.count() == 32
    # A wider office's programme: read-only (no buttons, a 404); a Kabid may not change any.
    province = ProgrammeFactory(name="Bantuan Kalbar", office_code="61")
    theirs = province.participations.create(cooperative=country["61.05"])
    page = client.get(reverse("assistants:programme_detail", args=[province.pk])).content.decode()
    assert 'name="participation"' not in page
    assert remove(client, province, theirs.pk).status_code == 404
    kabid_page = client_as(kabid).get(reverse("assistants:programme_detail", args=[programme.pk]))
    assert 'name="participation"' not in kabid_page.content.decode() and len(names(kabid_page)) == 25
    assert remove(client_as(kabid), programme, programme.participations.first().pk).status_code == 403
    assert ProgrammeParticipation.objects.count() == 33
