"""The profile page and its selectors: RAT timeline, change history, RAT compliance."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatives import selectors
from cooperatives.choices import Bentuk, Lifecycle
from cooperatives.models import Cooperative, District, Kelompok, RatFiling, Village
from cooperatives.status import Compliance, StatusRules, rat_compliance, rat_due
from tests.factories import CooperativeFactory, RatFilingFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db

D = datetime.date
RULES = StatusRules()  # primer 30 April, sekunder 30 June, window 3


# --- The pure compliance rule -------------------------------------------------------

@pytest.mark.parametrize(
    ("founded", "lifecycle", "dissolved_on", "bentuk", "reported_on", "expected"),
    [
        (None, Lifecycle.BERJALAN, None, Bentuk.PRIMER, None, Compliance.NOT_FILED),
        (D(2024, 1, 1), Lifecycle.BERJALAN, None, Bentuk.PRIMER, None, Compliance.NOT_FILED),  # a full year: due
        (D(2024, 1, 2), Lifecycle.BERJALAN, None, Bentuk.PRIMER, None, Compliance.NOT_DUE),
        (D(2024, 1, 2), Lifecycle.BERJALAN, None, Bentuk.PRIMER, D(2025, 3, 1), Compliance.NOT_DUE),
        (None, Lifecycle.BERJALAN, None, Bentuk.PRIMER, D(2025, 4, 30), Compliance.ON_TIME),  # the deadline day
        (None, Lifecycle.BERJALAN, None, Bentuk.PRIMER, D(2025, 5, 1), Compliance.LATE),
        (None, Lifecycle.BERJALAN, None, Bentuk.SEKUNDER, D(2025, 6, 30), Compliance.ON_TIME),
        (None, Lifecycle.BERJALAN, None, Bentuk.SEKUNDER, D(2025, 7, 1), Compliance.LATE),
        (None, Lifecycle.DIBUBARKAN, D(2025, 4, 30), Bentuk.PRIMER, None, Compliance.NOT_DUE),
        (None, Lifecycle.DIBUBARKAN, D(2025, 5, 1), Bentuk.PRIMER, None, Compliance.NOT_FILED),  # dissolved later
        (None, Lifecycle.PEMBUBARAN, D(2024, 6, 1), Bentuk.PRIMER, None, Compliance.NOT_DUE),
    ],
)
def test_rat_compliance_rule(founded, lifecycle, dissolved_on, bentuk, reported_on, expected):
    assert (
        rat_compliance(
            founded=founded, lifecycle=lifecycle, dissolved_on=dissolved_on, bentuk=bentuk,
            book_year=2024, reported_on=reported_on, rules=RULES,
        )
        == expected
    )


def test_rat_due_needs_the_whole_book_year():
    assert rat_due(founded=D(2024, 1, 1), lifecycle="berjalan", dissolved_on=None, book_year=2024, deadline=D(2025, 4, 30))
    assert not rat_due(founded=D(2024, 7, 1), lifecycle="berjalan", dissolved_on=None, book_year=2024, deadline=D(2025, 4, 30))


# --- Compliance in SQL, hand-counted ------------------------------------------------

@pytest.fixture
def compliance_fixture(sintang):
    """Book year 2024, counted by hand: due 7 (on time 3, late 2, not filed 2)."""
    d1, d2 = District.objects.in_regency("61.05").order_by("name")[:2]
    v1 = Village.objects.filter(district=d1).first()
    v2 = Village.objects.filter(district=d2).first()
    make = lambda **kw: CooperativeFactory(founded_on=kw.pop("founded_on", D(2010, 1, 1)), **kw)  # noqa: E731

    def filed(coop, reported_on, year=2024):
        RatFilingFactory(cooperative=coop, book_year=year, rat_date=reported_on - datetime.timedelta(days=5), reported_on=reported_on)

    filed(make(village=v1), D(2025, 3, 1))  # on time
    filed(make(village=v1), D(2025, 4, 30))  # on time, the deadline day
    filed(make(village=v2, bentuk="sekunder"), D(2025, 6, 15))  # on time (sekunder deadline 30 June)
    filed(make(village=v1), D(2025, 5, 2))  # late
    filed(make(village=v2, bentuk="sekunder"), D(2025, 7, 10))  # late
    filed(make(village=v2), D(2024, 3, 1), year=2023)  # not filed for 2024 (only 2023)
    make(village=v2, founded_on=None)  # not filed, founding date unknown
    # Not due:
    make(village=v1, founded_on=D(2024, 3, 1))  # founded during 2024
    filed(make(village=v1, founded_on=D(2024, 2, 1)), D(2025, 3, 1))  # filed anyway, still not due
    make(village=v2, lifecycle="dibubarkan", dissolution_decree_number="SK-1", dissolution_decree_date=D(2024, 10, 1))
    # Dissolved after the 2024 deadline: was due for 2024, not filed -> counted.
    make(village=v2, lifecycle="dibubarkan", dissolution_decree_number="SK-2", dissolution_decree_date=D(2025, 9, 1))
    return {"districts": (d1, d2)}


def test_rat_compliance_counts_by_hand(compliance_fixture, staf, settings, django_assert_num_queries):
    from koperasi_registry.access import user_roles

    settings.RAT_DEADLINE_PRIMER, settings.RAT_DEADLINE_SEKUNDER = "04-30", "06-30"
    user_roles(staf)  # the user's roles are read once a request
    with django_assert_num_queries(1):
        counts = selectors.rat_compliance(book_year=2024, user=staf)
    assert counts == {"due": 8, "on_time": 3, "late": 2, "not_filed": 3}
    d1, d2 = compliance_fixture["districts"]
    assert selectors.rat_compliance(book_year=2024, user=staf, district=d1) == {"due": 3, "on_time": 2, "late": 1, "not_filed": 0}
    assert selectors.rat_compliance(book_year=2024, user=staf, district=d2) == {"due": 5, "on_time": 1, "late": 1, "not_filed": 3}
    # Another year: only the 2023 filer filed; the 2024 founders were not due yet.
    assert selectors.rat_compliance(book_year=2023, user=staf) == {"due": 9, "on_time": 1, "late": 0, "not_filed": 8}


def test_rat_compliance_respects_what_the_user_sees(compliance_fixture, pendamping, make_user):
    from assistants.models import Assignment, BusinessAssistant

    assert selectors.rat_compliance(book_year=2024, user=pendamping)["due"] == 0
    assistant = BusinessAssistant.objects.create(user=pendamping)
    late = RatFiling.objects.get(book_year=2024, reported_on=D(2025, 5, 2)).cooperative
    Assignment.objects.create(assistant=assistant, cooperative=late)
    assert selectors.rat_compliance(book_year=2024, user=pendamping) == {"due": 1, "on_time": 0, "late": 1, "not_filed": 0}
    assert selectors.rat_compliance(book_year=2024, user=make_user(None))["due"] == 0


def test_sql_compliance_agrees_with_the_python_rule(compliance_fixture):
    rules = StatusRules.from_settings()
    for year in (2023, 2024, 2025):
        rows = Cooperative.objects.with_rat_compliance(book_year=year).values(
            "pk", "founded_on", "lifecycle", "dissolution_decree_date", "bentuk", "rat_compliance"
        )
        filings = dict(RatFiling.objects.filter(book_year=year).values_list("cooperative_id", "reported_on"))
        for row in rows:
            expected = rat_compliance(
                founded=row["founded_on"], lifecycle=row["lifecycle"], dissolved_on=row["dissolution_decree_date"],
                bentuk=row["bentuk"], book_year=year, reported_on=filings.get(row["pk"]), rules=rules,
            )
            assert row["rat_compliance"] == expected, (year, row)


def test_each_compliance_number_links_to_a_list_with_that_many_rows(client_as, kabid, compliance_fixture):
    client = client_as(kabid)
    d1, _ = compliance_fixture["districts"]
    for query in ("?year=2024", f"?year=2024&district={d1.pk}", "?year=2023"):
        response = client.get(reverse("cooperatives:rat_compliance") + query)
        assert response.status_code == 200
        for panel in response.context["panels"]:
            assert f'href="{panel["url"]}"'.replace("&", "&amp;") in response.content.decode()
            listed = client.get(panel["url"])
            assert listed.status_code == 200
            assert listed.context["table"].paginator.count == panel["count"], (query, panel)
    counts = client.get(reverse("cooperatives:rat_compliance") + "?year=2024").context["counts"]
    assert counts["due"] == 8


def test_compliance_page_defaults_to_the_reference_year_and_ignores_bad_input(client_as, staf, sintang):
    reference = StatusRules.from_settings().reference_year(today=timezone.localdate(), bentuk="primer")
    client = client_as(staf)
    assert client.get(reverse("cooperatives:rat_compliance")).context["year"] == reference
    assert client.get(reverse("cooperatives:rat_compliance") + "?year=abc&district=x").context["year"] == reference


def test_rat_compliance_query_count_does_not_grow(client_as, staf, sintang, django_assert_max_num_queries):
    client = client_as(staf)
    for added in (3, 27):
        for _ in range(added):
            RatFilingFactory(book_year=2024)
        with django_assert_max_num_queries(QUERY_BUDGETS["rat_compliance"]):
            response = client.get(reverse("cooperatives:rat_compliance") + "?year=2024")
        assert response.context["counts"]["on_time"] == Cooperative.objects.count()


# --- Timeline and history -----------------------------------------------------------

def test_the_timeline_shows_filings_and_missing_due_years(sintang):
    rules = StatusRules.from_settings()
    today = D(2026, 11, 22)  # reference year 2025
    coop = CooperativeFactory(founded_on=D(2010, 1, 1))
    RatFilingFactory(cooperative=coop, book_year=2021)
    RatFilingFactory(cooperative=coop, book_year=2024, reported_on=D(2025, 5, 20), rat_date=D(2025, 5, 1))
    rows = selectors.rat_timeline(cooperative=coop, rules=rules, today=today)
    assert [row.book_year for row in rows] == [2025, 2024, 2023, 2021]
    assert [row.filing is not None for row in rows] == [False, True, False, True]
    assert rows[1].on_time is False and rows[1].deadline == D(2025, 4, 30)
    assert rows[3].on_time is True and rows[0].on_time is None

    young = CooperativeFactory(founded_on=D(2024, 6, 1))
    assert [row.book_year for row in selectors.rat_timeline(cooperative=young, rules=rules, today=today)] == [2025]


def test_history_lists_who_changed_what(sintang, staf, admin):
    coop = CooperativeFactory(name="Koperasi Awal")
    kelompok = Kelompok.objects.get_or_create(name="KUD")[0]
    other_village = Village.objects.order_by("-code").first()
    coop._history_user = staf
    coop.name, coop.kelompok, coop.village = "Koperasi Kedua", kelompok, other_village
    coop.save()
    coop._history_user = admin
    coop.save()  # nothing changed: no entry
    entries = selectors.cooperative_history(cooperative=coop)
    assert [entry.action for entry in entries] == ["~", "+"]
    change = dict((label, (old, new)) for label, old, new in entries[0].changes)
    assert entries[0].user == staf
    assert change["nama koperasi"] == ("Koperasi Awal", "Koperasi Kedua")
    assert change["kelompok"] == ("–", "KUD")
    assert change["desa/kelurahan"][1] == str(other_village)


def test_the_profile_shows_everything_formatted(client_as, staf, sintang):
    coop = CooperativeFactory(
        name="Koperasi Lengkap", nik="61050001", legal_entity_number="AHU-0005202.AH.01.26.TAHUN 2020",
        legal_entity_date=D(2020, 2, 3), founded_on=D(2019, 8, 17), chair_name="Ibu Ketua", phone="0812 1111 2222",
    )
    RatFilingFactory(cooperative=coop, book_year=2024, modal_sendiri=1_234_567, shu=-50_000)
    response = client_as(staf).get(coop.get_absolute_url())
    html = response.content.decode()
    for text in ("61050001", "AHU-0005202.AH.01.26.TAHUN 2020", "3 Februari 2020", "17 Agustus 2019", "Ibu Ketua",
                 "Rp1.234.567", "-Rp50.000", 'href="tel:0812 1111 2222"', "Riwayat perubahan", "Riwayat RAT"):
        assert text in html, text
    assert response.context["status_reason"]


def _busy_cooperative(filings, kelompok, villages):
    coop = CooperativeFactory(founded_on=D(1990, 1, 1))
    for i in range(filings):
        filing = RatFilingFactory(cooperative=coop, book_year=2025 - i)
        filing.members_male += 1
        filing.save()
        coop.kelompok = kelompok if i % 2 else None
        coop.village = villages[i % 2]
        coop.save()
    return coop


def test_profile_query_count_does_not_grow(client_as, staf, sintang, django_assert_max_num_queries, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cooperatives.models import RatAttachment

    settings.MEDIA_ROOT = tmp_path
    kelompok = Kelompok.objects.get_or_create(name="KUD")[0]
    villages = list(Village.objects.order_by("code")[:2])
    client = client_as(staf)
    for filings in (3, 30):
        coop = _busy_cooperative(filings, kelompok, villages)
        for filing in coop.rat_filings.all():
            RatAttachment.objects.create(filing=filing, kind="lpj", file=SimpleUploadedFile("lpj.pdf", b"%PDF-1.4"))
        with django_assert_max_num_queries(QUERY_BUDGETS["cooperative_detail"]):
            response = client.get(coop.get_absolute_url())
        assert response.status_code == 200
        assert len([row for row in response.context["timeline"] if row.filing]) == filings
        assert len(response.context["history"]) >= filings


@pytest.mark.parametrize("page", ["cooperative_edit", "ratfiling_add", "ratfiling_edit"])
def test_form_query_count_does_not_grow(client_as, staf, sintang, django_assert_max_num_queries, page):
    client = client_as(staf)
    budget = QUERY_BUDGETS["cooperative_form" if page == "cooperative_edit" else "ratfiling_form"]
    for filings in (3, 30):
        coop = _busy_cooperative(filings, None, list(Village.objects.order_by("code")[:2]))
        arg = coop.rat_filings.first().pk if page == "ratfiling_edit" else coop.pk
        with django_assert_max_num_queries(budget):
            assert client.get(reverse(f"cooperatives:{page}", args=[arg])).status_code == 200
