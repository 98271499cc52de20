"""The visit form's people choices stay bounded and keep working past their limits (issue 16,
"every page bounded"): the officers field beyond ``OFFICERS_AS_BOXES`` officers is a search
field that a saved edit keeps whole; a Pendamping's follow-up owners are their office's, a
plain select while few (the offline copy of the form keeps it) and a search field beyond."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from assistants.forms import OFFICERS_AS_BOXES, OWNERS_AS_SELECT, followup_owners, office_users
from cooperatives.models import OfficeScope
from koperasi_registry import access
from koperasi_registry.access import office_scope
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class FormValues(HTMLParser):
    """The name/value pairs the browser would post for ``<form id="visit-form">`` as
    rendered: checked boxes, selected options, text inputs and textareas (files left out)."""

    def __init__(self):
        super().__init__()
        self.pairs, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.pairs.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.pairs.append((self.select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.pairs.append((self.textarea[0], self.textarea[1].lstrip("\n")))
            self.textarea = None


def posted(html: str) -> dict:
    parser = FormValues()
    parser.feed(html)
    data = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return data


def officers_select(html: str) -> tuple[str, str]:
    match = re.search(r'(<select\b[^>]*name="officers"[^>]*>)(.*?)</select>', html, re.S)
    assert match, "no <select name=\"officers\">"
    return match.group(1), match.group(2)


@pytest.fixture
def many_officers(office):
    """More office officers than the checkboxes show: the field becomes a search field."""
    return [UserFactory(role=access.STAF) for _ in range(OFFICERS_AS_BOXES + 1)]


def test_beyond_the_checkbox_limit_the_officers_are_a_search_field_that_an_edit_keeps(client_as, staf, office, many_officers):
    visit = office.my_visit
    chosen = [staf, many_officers[0], many_officers[-1]]
    visit.officers.set(chosen)
    client = client_as(staf)
    url = reverse("assistants:visit_edit", args=[visit.pk])
    html = client.get(url).content.decode()

    tag, options = officers_select(html)
    assert "multiple" in tag and "data-search-url" in tag
    assert {int(pk) for pk in re.findall(r'<option value="(\d+)" selected', options)} == {u.pk for u in chosen}
    assert len(re.findall(r"<option\b", options)) == len(chosen)  # the chosen ones only, not every officer
    assert not re.search(r'type="checkbox"[^>]*name="officers"|name="officers"[^>]*type="checkbox"', html)
    outside = re.sub(r"<select\b.*?</select>", "", html, flags=re.S)
    assert "<option" not in outside  # no bare options outside a select

    data = posted(html)
    assert sorted(data["officers"]) == sorted(str(u.pk) for u in chosen)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert set(visit.officers.all()) == set(chosen)  # nothing lost


def test_within_the_limit_the_officers_stay_checkboxes(client_as, staf, office):
    office.my_visit.officers.set([staf])
    html = client_as(staf).get(reverse("assistants:visit_edit", args=[office.my_visit.pk])).content.decode()
    assert re.search(rf'<input type="checkbox" name="officers" value="{staf.pk}"[^>]*checked', html)
    assert '<select name="officers"' not in html


def owner_select(html: str, row: int = 0) -> tuple[str, list[int]]:
    match = re.search(rf'(<select\b[^>]*name="tl-{row}-owner"[^>]*>)(.*?)</select>', html, re.S)
    assert match, f"no tl-{row}-owner select"
    return match.group(1), [int(pk) for pk in re.findall(r'<option value="(\d+)"', match.group(2))]


def test_a_pendamping_names_follow_up_owners_of_their_own_office_only(client_as, pendamping, staf, office):
    elsewhere = UserFactory(role=access.STAF, username="staf-solok")
    OfficeScope.objects.create(user=elsewhere, code="13.11", label="Dinas Koperasi Solok Selatan")
    province = UserFactory(role=access.STAF, username="staf-provinsi")
    OfficeScope.objects.create(user=province, code="61", label="Provinsi Kalimantan Barat")
    owners = set(followup_owners(pendamping))
    assert {pendamping, staf} <= owners and elsewhere not in owners and province not in owners
    assert elsewhere not in set(office_users(scope=office_scope(staf)))
    # A province's office names the staff of its kabupaten, and its own.
    assert {staf, province} <= set(office_users(scope=office_scope(province))) and elsewhere not in set(
        office_users(scope=office_scope(province))
    )

    html = client_as(pendamping).get(reverse("assistants:visit_add")).content.decode()
    tag, choices = owner_select(html)
    assert "data-search-url" not in tag  # few: a plain select, whole in the offline copy
    assert pendamping.pk in choices and staf.pk in choices
    assert elsewhere.pk not in choices and province.pk not in choices
    search = client_as(pendamping).get(reverse("search_users"), {"q": "staf"}).json()
    assert elsewhere.pk not in {int(item["id"]) for item in search["results"]}


def test_a_pendamping_s_owner_select_becomes_a_search_field_beyond_its_limit(client_as, pendamping, office):
    extra = [UserFactory(role=access.STAF) for _ in range(OWNERS_AS_SELECT + 1)]
    client = client_as(pendamping)
    html = client.get(reverse("assistants:visit_add")).content.decode()
    for row in (0, 1):
        tag, choices = owner_select(html, row)
        assert "data-search-url" in tag
        assert choices == [pendamping.pk]  # the preselected owner only
    # Another owner, found by the search field, is accepted.
    search = client.get(reverse("search_users"), {"q": extra[-1].username}).json()
    assert extra[-1].pk in {int(item["id"]) for item in search["results"]}
