"""Every page bounded (issue 16 item 2): choices that grow with the data are search fields
(``koperasi_registry/widgets.py``) fed by JSON endpoints (``search_views.py``), and the
per-region tables show a page of rows. Each page is measured with 3 and then 60
cooperatives, assistants and users: the same ``<option>`` count, the same table rows and
the same number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koperasi_registry import access
from koperasi_registry.dashboard.paging import PER_PAGE
from tests.assistants.factories import (
    AssignmentFactory,
    BusinessAssistantFactory,
    CoachingVisitFactory,
    FinancingProposalFactory,
    FollowUpFactory,
    ProgrammeFactory,
)
from tests.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db


def grow(n: int, *, start: int = 0):
    """``n`` more cooperatives (each with an assistant, a visit, a follow-up owned by a new
    Staf user, a proposal and a programme place), spread over the office's villages."""
    from cooperatives.models import Village

    villages = list(Village.objects.in_regency("61.05").order_by("code")[:50])
    from assistants.models import Programme

    programme = Programme.objects.filter(name="Program Tumbuh").first() or ProgrammeFactory(name="Program Tumbuh")
    for i in range(start, start + n):
        cooperative = CooperativeFactory(name=f"Koperasi Tumbuh {i:03d}", village=villages[i % len(villages)])
        assistant = BusinessAssistantFactory()
        AssignmentFactory(assistant=assistant, cooperative=cooperative)
        visit = CoachingVisitFactory(cooperative=cooperative, assistant=assistant)
        FollowUpFactory(visit=visit, owner=UserFactory(role=access.STAF))
        FinancingProposalFactory(cooperative=cooperative, assistant=assistant)
        programme.participations.create(cooperative=cooperative)


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return {
        "options": len(re.findall(r"<option\b", html)) + len(re.findall(r'type="checkbox"', html)),
        "rows": len(re.findall(r"<tr\b", html)),
        "queries": len(queries),
        "size": len(html),
    }


PAGES = [
    "assistants:visit_list",
    "assistants:followup_list",
    "assistants:visit_add",
    "assistants:proposal_list",
    "assistants:proposal_add",
    "assistants:programme_list",
    "assistants:programme_add",
    "assistants:monthly_report",
    "cooperatives:cooperative_list",
    "cooperatives:cooperative_add",
    "cooperatives:assessment_list",
    "cooperatives:assessment_add",
    "cooperatives:rat_compliance",
    "assistants:coverage_list",
]


def test_no_page_grows_with_the_data(client_as, admin, sintang):
    client = client_as(admin)
    grow(3)
    small = {name: measure(client, reverse(name)) for name in PAGES}
    grow(57, start=3)
    large = {name: measure(client, reverse(name)) for name in PAGES}
    for name in PAGES:
        # A search field always, or a select up to a limit (BoundedSelect) then a search field.
        assert large[name]["options"] <= small[name]["options"], name
        assert large[name]["queries"] == small[name]["queries"], name
        assert large[name]["rows"] < 60, name  # a page of 25, summaries of 10: fewer rows than cooperatives


def test_a_chosen_value_renders_as_its_one_option(client_as, admin, sintang):
    """A filter or form with a value holds that option only: one query reads it."""
    grow(30)
    from cooperatives.models import Cooperative

    chosen = Cooperative.objects.order_by("name")[10]
    html = client_as(admin).get(reverse("assistants:visit_list"), {"cooperative": chosen.pk}).content.decode()
    select = html[html.index('name="cooperative"') : html.index("</select>", html.index('name="cooperative"'))]
    assert re.findall(r'<option value="(\d*)"', select) == ["", str(chosen.pk)]
    assert f'data-search-url="{reverse("search_cooperatives")}"' in html
    assert "selected" in select


def test_the_form_still_validates_against_every_visible_row(client_as, admin, sintang):
    """Only the rendering is bounded: any visible cooperative is a valid choice, one outside
    the scope is not."""
    from cooperatives.models import Regency, District, Village

    grow(3)
    from cooperatives.models import Cooperative

    last = Cooperative.objects.order_by("-name").first()
    response = client_as(admin).get(reverse("assistants:visit_list"), {"cooperative": last.pk})
    assert response.context["filter"].form.is_valid()
    far = Regency.objects.create(code="99.01", name="Jauh", province_code="99", province_name="Jauh")
    district = District.objects.create(code="99.01.01", name="Jauh", regency=far)
    foreign = CooperativeFactory(village=Village.objects.create(code="99.01.01.2001", name="Jauh", kind="desa", district=district))
    response = client_as(admin).get(reverse("assistants:visit_list"), {"cooperative": foreign.pk})
    assert not response.context["filter"].form.is_valid()


# --- The search endpoints -------------------------------------------------------------------


def search(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.json()


def test_cooperative_search_matches_name_nik_and_code_and_pages(client_as, staf, sintang):
    for i in range(25):
        CooperativeFactory(name=f"Koperasi Sejahtera {i:02d}")
    CooperativeFactory(name="Koperasi Lain", nik="6105012345678", office_code="KSP-77")
    client = client_as(staf)
    first = search(client, "search_cooperatives", q="sejaHTERA")
    assert len(first["results"]) == 20 and first["more"] is True
    second = search(client, "search_cooperatives", q="sejahtera", page=2)
    assert len(second["results"]) == 5 and second["more"] is False
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    assert [r["text"].split(" (")[0] for r in search(client, "search_cooperatives", q="6105012")["results"]] == ["Koperasi Lain"]
    assert len(search(client, "search_cooperatives", q="ksp-7")["results"]) == 1  # case-insensitive prefix
    assert len(search(client, "search_cooperatives", q="")["results"]) == 20  # an empty query: the first page


def test_a_pendamping_finds_only_assigned_cooperatives(client_as, pendamping, sintang):
    mine = CooperativeFactory(name="Koperasi Saya")
    CooperativeFactory(name="Koperasi Orang Lain")
    me = BusinessAssistantFactory(user=pendamping)
    AssignmentFactory(assistant=me, cooperative=mine)
    AssignmentFactory(cooperative=CooperativeFactory(name="Koperasi Ketiga"))  # another assistant's
    client = client_as(pendamping)
    found = search(client, "search_cooperatives", q="koperasi")
    assert [r["id"] for r in found["results"]] == [mine.pk]
    assert [r["id"] for r in search(client, "search_assistants")["results"]] == [me.pk]


SEARCHES = [
    "search_cooperatives", "search_villages", "search_districts", "search_assistants", "search_users", "search_programmes",
]


@pytest.mark.parametrize("name", SEARCHES)
def test_anonymous_is_sent_to_the_login_page(client, name):
    response = client.get(reverse(name), {"q": "ko"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_village_search_within_a_kecamatan(client_as, staf, sintang):
    from cooperatives.models import District, Village

    tempunak = District.objects.get(code="61.05.02")
    client = client_as(staf)
    narrowed = search(client, "search_villages", district=tempunak.pk)
    ids = {r["id"] for r in narrowed["results"]}
    assert ids and ids <= set(Village.objects.filter(district=tempunak).values_list("pk", flat=True))
    assert all(r["text"].endswith(f"– {tempunak.name}") for r in narrowed["results"])
    assert search(client, "search_villages", q="zzzz-tidak-ada")["results"] == []
    one = Village.objects.filter(district=tempunak).order_by("name").first()
    assert one.pk in {r["id"] for r in search(client, "search_villages", q=one.name[:4].upper(), district=tempunak.pk)["results"]}


def test_district_search_stays_in_the_office(client_as, staf, sintang):
    from cooperatives.models import District, Regency

    far = Regency.objects.create(code="99.01", name="Jauh", province_code="99", province_name="Jauh")
    District.objects.create(code="99.01.01", name="Tempunak Jauh", regency=far)
    found = search(client_as(staf), "search_districts", q="tempunak")
    assert [r["text"] for r in found["results"]] == ["Tempunak"]


def test_user_and_assistant_search(client_as, staf, pendamping, sintang):
    someone = BusinessAssistantFactory(user=UserFactory(role=access.PENDAMPING, first_name="Siti", last_name="Aminah"))
    AssignmentFactory(assistant=someone, cooperative=CooperativeFactory())
    client = client_as(staf)
    assert [r["text"] for r in search(client, "search_assistants", q="amin")["results"]] == ["Siti Aminah"]
    assert "Siti Aminah" in [r["text"] for r in search(client, "search_users", q="siti")["results"]]
    officers = [r["id"] for r in search(client, "search_users", role="officer")["results"]]
    assert staf.pk in officers and someone.user_id not in officers
    # A Pendamping names themselves or office staff, and no officers.
    client = client_as(pendamping)
    assert someone.user_id not in [r["id"] for r in search(client, "search_users")["results"]]
    assert search(client, "search_users", role="officer")["results"] == []


def test_programme_search_holds_the_scope(client_as, staf, pendamping, sintang):
    """The programmes the visit form and the visit list offer: the office's own and, read-only,
    the province's and the national ones; not another kabupaten's, nor another province's."""
    for office_code, name in (
        ("61.05", "Pelatihan Sintang"), ("61", "Bantuan Kalbar"), ("", "Program Nasional"),
        ("61.10", "Pelatihan Melawi"), ("13", "Bantuan Sumbar"),
    ):
        ProgrammeFactory(name=name, office_code=office_code, year=2025)
    for i in range(25):
        ProgrammeFactory(name=f"Pelatihan Usaha {i:02d}", office_code="61.05", year=2026)
    client = client_as(staf)
    found = [r["text"] for r in search(client, "search_programmes", q="a")["results"]]
    assert len(found) == 20 and found[0] == "Pelatihan Usaha 00 (2026)"  # the latest year first
    names = {r["text"] for page in (1, 2) for r in search(client, "search_programmes", q="a", page=page)["results"]}
    assert {"Pelatihan Sintang (2025)", "Bantuan Kalbar (2025)", "Program Nasional (2025)"} <= names
    assert not names & {"Pelatihan Melawi (2025)", "Bantuan Sumbar (2025)"}
    assert [r["text"] for r in search(client, "search_programmes", q="melawi")["results"]] == []
    assert len(search(client, "search_programmes", q="2025")["results"]) == 3  # the year, as a prefix
    # A Pendamping sees no programme list: the endpoint is refused (their visit form's
    # programmes are those of their cooperatives, a plain select).
    assert client_as(pendamping).get(reverse("search_programmes"), {"q": "a"}).status_code == 403


@pytest.mark.parametrize("name", SEARCHES)
def test_search_queries_do_not_grow(client_as, admin, sintang, name):
    client = client_as(admin)
    grow(3)
    with CaptureQueriesContext(connection) as small:
        search(client, name, q="ko")
    grow(30, start=3)
    with CaptureQueriesContext(connection) as large:
        search(client, name, q="ko")
    assert len(small) == len(large) <= 5


# --- Region pickers ---------------------------------------------------------------------------


def many_districts(n: int, *, code: str = "99.01", start: int = 0):
    """``n`` kecamatan (each with one desa) in a made-up kabupaten ``code``."""
    from cooperatives.models import District, Regency, Village

    regency, _ = Regency.objects.get_or_create(
        code=code, defaults={"name": f"Kab. Uji {code}", "province_code": code[:2], "province_name": "Prov. Uji"}
    )
    for i in range(start, start + n):
        district = District.objects.create(code=f"{code}.{i:02d}", name=f"Kec. Uji {i:02d}", regency=regency)
        Village.objects.create(code=f"{code}.{i:02d}.2001", name=f"Desa Uji {i:02d}", kind="desa", district=district)


def test_the_kecamatan_picker_is_a_select_for_a_kabupaten_and_a_search_field_beyond(client_as, admin, sintang, settings):
    client = client_as(admin)
    html = client.get(reverse("cooperatives:cooperative_list")).content.decode()
    start = html.index('name="district"')
    assert "data-search-url" not in html[html.rindex("<select", 0, start) : start]
    assert html[start : html.index("</select>", start)].count("<option") == 15  # Semua + Sintang's 14
    settings.OFFICE_REGENCY_CODE = ""  # a national install: every kecamatan loaded
    many_districts(90)  # 104 kecamatan in all
    html = client.get(reverse("cooperatives:cooperative_list")).content.decode()
    start = html.index('name="district"')
    tag = html[html.rindex("<select", 0, start) : html.index(">", start)]
    assert f'data-search-url="{reverse("search_districts")}"' in tag
    assert html[start : html.index("</select>", start)].count("<option") == 1  # "Semua" only
    village = html[html.index('name="village"') - 200 : html.index('name="village"') + 300]
    assert 'data-search-depends="district"' in village


# --- Scorecards -------------------------------------------------------------------------------


def table_body(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[html.index("<tbody", start) : html.index("</tbody>", start)]


def scorecard_rows(html: str, testid: str) -> int:
    return table_body(html, testid).count("<tr")


@pytest.mark.parametrize(("url_name", "testid"), [("dashboard", "scorecard"), ("dashboard_statistics", "statistics")])
def test_per_kecamatan_tables_show_a_page_of_rows(client_as, admin, sintang, settings, url_name, testid):
    """A kabupaten of 3, then 63 kecamatan: at most PER_PAGE rows, paged; one when chosen."""
    from cooperatives.models import District

    settings.OFFICE_REGENCY_CODE = "99.01"
    client = client_as(admin)
    many_districts(3)
    small = measure(client, reverse(url_name))
    html = client.get(reverse(url_name)).content.decode()
    assert scorecard_rows(html, testid) == 3 and 'data-testid="row-pager"' not in html
    many_districts(60, start=3)
    large = measure(client, reverse(url_name))
    html = client.get(reverse(url_name)).content.decode()
    assert scorecard_rows(html, testid) == PER_PAGE
    assert large["queries"] == small["queries"]
    assert 'data-testid="row-pager"' in html and "halaman=2" in html
    page_two = client.get(reverse(url_name), {"halaman": 2}).content.decode()
    assert scorecard_rows(page_two, testid) == 63 - PER_PAGE
    assert "Kec. Uji 62" in table_body(page_two, testid) and "Kec. Uji 62" not in table_body(html, testid)
    chosen = District.objects.get(code="99.01.07")
    one = client.get(reverse(url_name), {"district": chosen.pk}).content.decode()
    assert scorecard_rows(one, testid) == 1 and "Kec. Uji 07" in table_body(one, testid)


@pytest.mark.parametrize("raw", ["1\x00", "99999999999999999999", "abc", "-1"])
def test_a_value_that_cannot_be_a_key_renders_no_option_and_no_500(client_as, staf, sintang, raw):
    """Found by the fuzz suite: a ModelForm's foreign key names its key ``id`` (not
    ``pk``); the widget reads only values the key field accepts and 64-bit integers."""
    response = client_as(staf).post(reverse("cooperatives:assessment_add"), {"cooperative": raw, "year": "2024"})
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('name="cooperative"')
    assert re.findall(r'<option value="(\d+)"', html[start : html.index("</select>", start)]) == []
    listed = client_as(staf).get(reverse("assistants:visit_list"), {"cooperative": raw})
    assert listed.status_code == 200
