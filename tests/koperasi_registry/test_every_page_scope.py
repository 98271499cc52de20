"""Scope per user on every URL (issue 16, "Done means"): every page the URL conf has (the
pages ``test_every_page_queries`` measures, found the same way) is opened by an Admin of
one kabupaten (Sintang) and by an Admin of its province (Kalimantan Barat), with rows of
every kind made in each of four kabupaten in two provinces (``test_office_scope.country``).
No page shows a row of a kabupaten outside the user's scope, and every page taking a
``pk`` refuses (403 or 404) the objects of a kabupaten outside it."""

import datetime

import pytest
from django.urls import reverse

from koperasi_registry import access
from koperasi_registry.devtools.benchmark import _detail_queryset, _pk_for
from tests.assistants.factories import (
    AssignmentFactory,
    BusinessAssistantFactory,
    CoachingVisitFactory,
    FinancingProposalFactory,
    FollowUpFactory,
    ProgrammeFactory,
)
from tests.factories import RatFilingFactory, UserFactory

from .test_every_page_queries import AS_PENDAMPING, PK_AS, is_page, patterns
from .test_office_scope import REGENCIES, country, scoped  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

# Each kabupaten's rows carry its short name ("Sintang", "Melawi", "Solok Selatan", ...).
SHORT = {code: name[len("Kabupaten "):] for code, (name, _, _) in REGENCIES.items()}


@pytest.fixture
def rows(country):  # noqa: F811
    """In each kabupaten: its cooperative (``country``) with a RAT filing, an assistant
    named after it with an assignment, a visit with a follow-up owned by the office's Staf
    user, a financing proposal."""
    for code, cooperative in country.items():
        short = SHORT[code]
        RatFilingFactory(cooperative=cooperative, book_year=2025)
        assistant = BusinessAssistantFactory(
            user=UserFactory(role=access.PENDAMPING, username=f"pendamping-{code}", first_name="Pendamping", last_name=short)
        )
        AssignmentFactory(assistant=assistant, cooperative=cooperative)
        owner = scoped(UserFactory(role=access.STAF, username=f"staf-{code}", first_name="Petugas", last_name=short), code)
        visit = CoachingVisitFactory(
            cooperative=cooperative, assistant=assistant, created_by=assistant.user,
            findings=f"Temuan kunjungan {short}", visit_date=datetime.date(2026, 3, 2),
        )
        FollowUpFactory(visit=visit, owner=owner, action=f"Tindak lanjut {short}")
        FinancingProposalFactory(cooperative=cooperative, assistant=assistant)
    return country


def outside(code: str) -> list[str]:
    """The short names of the kabupaten outside the scope ``code``."""
    return [short for regency, short in SHORT.items() if not (regency == code or regency.startswith(f"{code}."))]


def pages() -> list[tuple[str, object]]:
    return sorted((name, pattern) for name, pattern in patterns().items() if is_page(name, pattern) and name not in AS_PENDAMPING)


@pytest.mark.parametrize("code", ["61.05", "61"], ids=["kabupaten", "provinsi"])
def test_no_page_shows_a_row_outside_the_scope(client_as, rows, make_user, code):
    admin = scoped(make_user(access.ADMIN, username=f"admin-{code}"), code)
    client = client_as(admin)
    foreign = outside(code)
    leaks, refused = [], []
    for name, pattern in pages():
        kwargs = {}
        if "pk" in pattern.pattern.regex.groupindex:
            source = PK_AS.get(name, name)
            pk = _pk_for(source, patterns()[source], admin)
            if pk is None:
                continue  # nothing of this kind the user may open (e.g. no programme made)
            kwargs["pk"] = pk
        response = client.get(reverse(name, kwargs=kwargs))
        if response.status_code != 200:
            refused.append(f"{name}: {response.status_code}")
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        shown = [short for short in foreign if short in text]
        if shown:
            leaks.append(f"{name}: {', '.join(shown)}")
    assert leaks == [], "pages showing rows of another office"
    assert refused == [], "pages the scoped Admin could not open"


@pytest.mark.parametrize("code", ["61.05", "61"], ids=["kabupaten", "provinsi"])
def test_every_pk_page_refuses_an_object_outside_the_scope(client_as, rows, make_user, code):
    admin = scoped(make_user(access.ADMIN, username=f"admin-{code}"), code)
    everyone = scoped(make_user(access.ADMIN, username="admin-nasional"), "")  # sees every office's rows
    client = client_as(admin)
    opened, checked = [], 0
    for name, pattern in pages():
        if "pk" not in pattern.pattern.regex.groupindex:
            continue
        source = PK_AS.get(name, name)
        every = _detail_queryset(source, patterns()[source], everyone)
        mine = _detail_queryset(source, patterns()[source], admin)
        if every is None or mine is None:
            continue
        others = every.exclude(pk__in=mine.values("pk")).values_list("pk", flat=True)
        for pk in others[:3]:
            checked += 1
            status = client.get(reverse(name, kwargs={"pk": pk})).status_code
            if status not in (403, 404):
                opened.append(f"{name} pk={pk}: {status}")
    assert opened == [], "pk pages that open another office's object"
    assert checked >= 8  # cooperatives, filings, visits, follow-ups, assistants, proposals ... were tried


@pytest.mark.parametrize("role", ["officer", ""])
def test_the_people_searches_hold_the_scope(client_as, rows, make_user, role):
    """The visit form's officer search and the follow-up owner search name only people of
    the user's office (``rows`` made a Staf user "Petugas <kabupaten>" in each)."""
    admin = scoped(make_user(access.ADMIN, username="admin-sintang"), "61.05")
    found = client_as(admin).get(reverse("search_users"), {"q": "petugas", "role": role}).json()["results"]
    assert [result["text"] for result in found] == ["Petugas Sintang"]


@pytest.mark.parametrize("code", ["61.05", "61"], ids=["kabupaten", "provinsi"])
def test_the_programme_search_holds_the_scope(client_as, rows, make_user, code):
    """The visit form's and the visit list's programme search: the programmes of the offices
    inside the user's scope and, read-only, of the offices containing it; no other office's."""
    for office_code in (*REGENCIES, "61", "13", ""):
        ProgrammeFactory(name=f"Program {SHORT.get(office_code, office_code or 'Nasional')}", office_code=office_code)
    admin = scoped(make_user(access.ADMIN, username=f"admin-{code}"), code)
    found = client_as(admin).get(reverse("search_programmes"), {"q": "program"}).json()["results"]
    expected = {
        "61.05": {"Program Sintang", "Program 61", "Program Nasional"},
        "61": {"Program Sintang", "Program Melawi", "Program 61", "Program Nasional"},
    }[code]
    assert {result["text"].rsplit(" (", 1)[0] for result in found} == expected
