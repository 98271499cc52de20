"""One assistant's page lists their assignments 25 a page (issue 16, "every page bounded"),
in the cooperatives' name order, each linked, with the page links below."""

import datetime

import pytest
from django.urls import reverse

from tests.assistants.factories import AssignmentFactory
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db


def test_the_assignments_are_paged(client_as, staf, office):
    for i in range(30):
        AssignmentFactory(
            assistant=office.me, cooperative=CooperativeFactory(name=f"Koperasi Dampingan {i:02d}"),
            start_date=datetime.date(2025, 2, 1),
        )
    client = client_as(staf)
    url = reverse("assistants:assistant_detail", args=[office.me.pk])
    first = client.get(url)
    rows = list(first.context["table"].page.object_list)
    assert len(rows) == 25 and first.context["table"].paginator.count == 31  # with "Koperasi Milik Saya"
    html = first.content.decode()
    assert html.count('href="/koperasi/') >= 25 and "?page=2" in html
    second = client.get(url, {"page": 2})
    names = [row.record.cooperative.name for row in second.context["table"].page.object_list]
    assert names == [f"Koperasi Dampingan {i}" for i in range(25, 30)] + ["Koperasi Milik Saya"]  # by name
    assert [row.record.cooperative.name for row in rows][:2] == ["Koperasi Dampingan 00", "Koperasi Dampingan 01"]
