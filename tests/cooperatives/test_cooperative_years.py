"""The stored year-end statuses (``CooperativeYear``): equal to the rule at its edges, kept by
every write path, rebuilt by a command, read by the past-year list and dashboards; and no
list filter makes a ``SELECT DISTINCT``."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cooperatives.choices import Bentuk, Lifecycle, Status
from cooperatives.models import Cooperative, CooperativeYear, District, Village
from cooperatives.models.years import built_years, readable_year, stored_year, stored_years
from cooperatives.services import cooperative_years_rebuild, rat_filing_delete, rat_filing_save
from cooperatives.status import StatusRules, cooperative_status, lifecycle_on, rat_compliance
from tests.factories import CooperativeFactory, RatFilingFactory

D = datetime.date
THIS_YEAR = timezone.localdate().year
EDGE_YEARS = (THIS_YEAR - 2, THIS_YEAR - 5)  # years whose edges the grid sits on


def _filing(cooperative, book_year, *, reported_on=None):
    return RatFilingFactory(
        cooperative=cooperative,
        book_year=book_year,
        rat_date=D(book_year + 1, 3, 1),
        reported_on=reported_on or D(book_year + 1, 3, 20),
    )


def _grid(year: int, bentuk: str) -> None:
    """Cooperatives on every edge of the status and compliance rules for 31 December of
    ``year`` (reference book year ``year - 1``, window 3)."""
    ref = year - 1
    deadline = StatusRules.from_settings().deadline(book_year=ref, bentuk=bentuk)
    make = lambda **kw: CooperativeFactory(bentuk=bentuk, **kw)  # noqa: E731
    for book_years in ([ref], [ref - 1], [ref - 2], [ref - 3], [ref + 1], [ref - 3, ref + 1], []):
        coop = make()
        for book_year in book_years:
            _filing(coop, book_year)
    make(recorded_rat_year=ref)
    make(recorded_rat_year=ref + 1)  # a record only counts once its book year is the reference
    make(recorded_rat_year=ref - 3)
    for founded in (D(ref, 1, 1), D(ref, 1, 2), D(year, 12, 31), D(year + 1, 1, 1)):
        make(founded_on=founded)  # due / Baru / registered on the last day / not yet registered
    _filing(make(founded_on=D(ref, 6, 1)), ref)  # new, but already held its RAT
    for lifecycle in (Lifecycle.DIBUBARKAN, Lifecycle.PEMBUBARAN):
        for decree in (D(year, 12, 31), D(year + 1, 1, 1), deadline, deadline + datetime.timedelta(days=1)):
            _filing(make(lifecycle=lifecycle, dissolution_decree_number="SK-1", dissolution_decree_date=decree), ref)
    for reported in (deadline, deadline + datetime.timedelta(days=1)):  # on time / late
        _filing(make(), ref, reported_on=reported)


def _expected(year: int) -> set[tuple]:
    """``(pk, district, status, rat_year, compliance)`` for ``year`` from the pure rules, the
    filings read in Python."""
    rules = StatusRules.from_settings()
    day = D(year, 12, 31)
    rows = set()
    for coop in Cooperative.objects.select_related("village").prefetch_related("rat_filings"):
        if coop.founded_on is not None and coop.founded_on > day:
            continue
        reference = rules.reference_year(today=day, bentuk=coop.bentuk)
        filed = [f.book_year for f in coop.rat_filings.all() if f.book_year <= reference]
        record = [coop.recorded_rat_year] if coop.recorded_rat_year and coop.recorded_rat_year <= reference else []
        rat_year = max(filed + record, default=None)
        status = cooperative_status(
            founded=coop.founded_on,
            last_rat_year=rat_year,
            reference_year=reference,
            window=rules.window,
            lifecycle=lifecycle_on(lifecycle=coop.lifecycle, dissolved_on=coop.dissolution_decree_date, day=day),
        )
        filing = next((f for f in coop.rat_filings.all() if f.book_year == year - 1), None)
        compliance = rat_compliance(
            founded=coop.founded_on,
            lifecycle=coop.lifecycle,
            dissolved_on=coop.dissolution_decree_date,
            bentuk=coop.bentuk,
            book_year=year - 1,
            reported_on=filing.reported_on if filing else None,
            rules=rules,
        )
        rows.add((coop.pk, coop.village.district_id, status, rat_year, compliance))
    return rows


def _stored(year: int) -> set[tuple]:
    return set(
        CooperativeYear.objects.filter(year=year).values_list(
            "cooperative_id", "district_id", "status", "rat_year", "rat_compliance"
        )
    )


def _live(year: int) -> set[tuple]:
    day = D(year, 12, 31)
    rows = (
        Cooperative.objects.with_status_on_live(day, today=day + datetime.timedelta(days=1))
        .with_rat_compliance(book_year=year - 1)
        .values_list("pk", "village__district_id", "status", "rat_year_on", "rat_compliance")
    )
    return set(rows)


def _assert_every_year_agrees():
    for year in stored_years():
        expected = _expected(year)
        assert _stored(year) == expected, year
        assert _live(year) == expected, year


@pytest.mark.django_db
@pytest.mark.parametrize("bentuk", [Bentuk.PRIMER, Bentuk.SEKUNDER])
@pytest.mark.parametrize("year", EDGE_YEARS)
def test_stored_rows_equal_the_rule_at_its_edges(sintang, settings, bentuk, year):
    settings.RAT_STATUS_WINDOW = 3
    _grid(year, bentuk)
    assert CooperativeYear.objects.exists()
    _assert_every_year_agrees()
    # The list's past-year read (``with_status_on``) goes through the rows and gives the same.
    day = D(year, 12, 31)
    assert stored_year(day) == year
    fast = set(Cooperative.objects.with_status_on(day).values_list("pk", "status", "rat_year_on"))
    assert fast == {(pk, status, rat_year) for pk, _, status, rat_year, _ in _expected(year)}


@pytest.mark.django_db
def test_every_write_path_keeps_the_rows(sintang, admin):
    year = THIS_YEAR - 3
    coop = CooperativeFactory(founded_on=D(year - 6, 1, 1))
    assert set(CooperativeYear.objects.filter(cooperative=coop).values_list("year", flat=True)) == set(stored_years())
    filing = _filing(coop, year - 1)  # service: create
    assert CooperativeYear.objects.get(cooperative=coop, year=year).status == Status.AKTIF
    filing.reported_on = D(year, 12, 1)
    rat_filing_save(filing=filing)  # service: update (now late)
    assert CooperativeYear.objects.get(cooperative=coop, year=year).rat_compliance == "late"
    rat_filing_delete(filing=filing)  # service: delete
    assert CooperativeYear.objects.get(cooperative=coop, year=year).status == Status.TIDAK_AKTIF

    coop.founded_on = D(year + 1, 2, 1)  # a founding date moved later: the earlier years go
    coop.save()
    assert min(CooperativeYear.objects.filter(cooperative=coop).values_list("year", flat=True)) == year + 1
    other = Village.objects.exclude(district=coop.village.district).order_by("code").first()
    coop.village = other
    coop.save(update_fields=["village"])  # moved to another kecamatan
    assert set(CooperativeYear.objects.filter(cooperative=coop).values_list("district", flat=True)) == {other.district_id}
    coop.name = "Nama lain"
    with CaptureQueriesContext(connection) as queries:
        coop.save(update_fields=["name"])  # nothing the status reads: no refresh
    assert not any("cooperatives_cooperativeyear" in q["sql"] for q in queries.captured_queries)
    coop.lifecycle, coop.dissolution_decree_number = Lifecycle.DIBUBARKAN, "SK-9"
    coop.dissolution_decree_date = D(year + 2, 6, 1)
    coop.save()
    assert CooperativeYear.objects.get(cooperative=coop, year=year + 2).status == Status.DIBUBARKAN
    assert CooperativeYear.objects.get(cooperative=coop, year=year + 1).status == Status.BARU
    _assert_every_year_agrees()


@pytest.mark.django_db
def test_imports_keep_the_rows(sintang, staf):
    from tests.cooperatives.test_imports import COOP_HEADER, RAT_HEADER, run_import

    village = Village.objects.order_by("code").first().code
    rows = [[f"Y-{i}", "", f"Koperasi Y {i}", "Konsumen", "Primer", "", "", "", village, "", f"01/02/{THIS_YEAR - 6}", ""]
            for i in range(3)]
    plan, result = run_import("koperasi", COOP_HEADER, rows, staf)
    assert result.created == 3 and not plan.errors
    year = THIS_YEAR - 3
    rat = [[f"Y-{i}", "", year - 1, f"15/03/{year}", f"20/03/{year}", 5, 5, 0, 1, 0, 1, 1, 1] for i in range(2)]
    plan, result = run_import("rat", RAT_HEADER, rat, staf)
    assert result.created == 2 and not plan.errors
    statuses = CooperativeYear.objects.filter(year=year).values_list("status", flat=True)
    assert sorted(statuses) == [Status.AKTIF, Status.AKTIF, Status.TIDAK_AKTIF]
    rows[2][10] = f"01/02/{THIS_YEAR - 1}"  # founding date changed by the sheet
    plan, result = run_import("koperasi", COOP_HEADER, rows, staf)
    assert result.updated == 1
    _assert_every_year_agrees()


@pytest.mark.django_db
def test_rebuild_command_rewrites_every_row(sintang, settings):
    settings.RAT_STATUS_WINDOW = 3
    _grid(THIS_YEAR - 2, Bentuk.PRIMER)
    CooperativeYear.objects.update(status=Status.BARU, rat_year=None)  # stale rows
    CooperativeYear.objects.filter(year=THIS_YEAR - 4).delete()
    call_command("rebuild_cooperative_years", verbosity=0)
    _assert_every_year_agrees()
    settings.RAT_STATUS_WINDOW = 2  # a changed rule setting: the rebuild follows it
    written = cooperative_years_rebuild(batch=7)  # several batches of ids
    assert written == CooperativeYear.objects.count()
    _assert_every_year_agrees()


@pytest.mark.django_db
def test_years_outside_the_stored_range_are_read_live(sintang):
    old = D(THIS_YEAR - settings_back() - 1, 12, 31)
    assert stored_year(old) is None
    assert stored_year(D(THIS_YEAR - 1, 6, 30)) is None  # not a year end
    coop = CooperativeFactory(founded_on=D(old.year - 5, 1, 1))
    _filing(coop, old.year - 1)
    assert Cooperative.objects.with_status_on(old).get().status == Status.AKTIF


@pytest.mark.django_db
def test_a_year_without_complete_rows_is_read_live_until_a_rebuild(sintang, settings):
    """A new year entering the stored range (1 January) has rows only for the cooperatives
    written since; rows computed under other rule settings are stale. Neither is read until
    a rebuild marks the year complete: the figures stay right meanwhile."""
    year = THIS_YEAR - 2
    day = D(year, 12, 31)
    settings.RAT_STATUS_WINDOW = 3
    _grid(year, Bentuk.PRIMER)
    call_command("rebuild_cooperative_years", verbosity=0)
    assert readable_year(day) == year
    expected = {(pk, status) for pk, _, status, _, _ in _expected(year)}

    # As on 1 January: the year's mark is missing and most cooperatives have no row yet.
    CooperativeYear.objects.filter(year=year).exclude(pk=CooperativeYear.objects.filter(year=year).first().pk).delete()
    from cooperatives.models import CooperativeYearBuild

    CooperativeYearBuild.objects.filter(year=year).delete()
    assert stored_year(day) == year and readable_year(day) is None
    with CaptureQueriesContext(connection) as queries:
        live = set(Cooperative.objects.with_status_on(day).values_list("pk", "status"))
    assert live == expected
    assert not any('JOIN "cooperatives_cooperativeyear"' in q["sql"] for q in queries.captured_queries)

    call_command("rebuild_cooperative_years", verbosity=0)
    with CaptureQueriesContext(connection) as queries:
        assert set(Cooperative.objects.with_status_on(day).values_list("pk", "status")) == expected
    assert any('JOIN "cooperatives_cooperativeyear"' in q["sql"] for q in queries.captured_queries)
    assert readable_year(day) == year

    # Another window: the marks were made under window 3, so the rows are not read.
    settings.RAT_STATUS_WINDOW = 2
    assert built_years() == set() and readable_year(day) is None
    assert set(Cooperative.objects.with_status_on(day).values_list("pk", "status")) == {
        (pk, status) for pk, _, status, _, _ in _expected(year)
    }


def settings_back():
    from django.conf import settings

    return settings.COOPERATIVE_YEARS_BACK


# --- No SELECT DISTINCT ------------------------------------------------------------------------


def _list_sql(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"status": ["aktif"]},
        {"status": ["aktif", "kurang_aktif"], "year": str(THIS_YEAR - 2)},
        {"status": ["tidak_aktif"], "jenis": "konsumen", "bentuk": "primer", "q": "uji"},
        {"rat_year": str(THIS_YEAR - 2), "rat_compliance": "due"},
        {"rat_year": str(THIS_YEAR - 2), "rat_filed": "true"},
        {"health": "Sehat"},
    ],
)
def test_cooperative_list_filters_make_no_distinct(client_as, admin, sintang, params):
    CooperativeFactory()
    for sql in _list_sql(client_as(admin), "/koperasi/", params):
        assert "DISTINCT" not in sql.upper(), sql


@pytest.mark.django_db
def test_assistant_list_filters_on_to_many_relations_make_no_distinct(client_as, admin, sintang):
    from django.urls import reverse

    from assistants.models import VisitTopic
    from tests.assistants.factories import CoachingVisitFactory, ProgrammeFactory

    topic, second = VisitTopic.objects.all()[:2]
    coop = CooperativeFactory()
    visit = CoachingVisitFactory(cooperative=coop)
    visit.topics.add(topic, second)
    programme = ProgrammeFactory()
    programme.participations.create(cooperative=coop)
    client = client_as(admin)
    for url, params, expected in [
        (reverse("assistants:visit_list"), {"topic": topic.pk}, visit),
        (reverse("assistants:programme_list"), {"cooperative": coop.pk}, programme),
    ]:
        response = client.get(url, params)
        assert list(response.context["table"].data) == [expected]
        for sql in _list_sql(client, url, params):
            assert "DISTINCT" not in sql.upper(), sql


@pytest.mark.django_db
def test_status_filter_sql_has_no_distinct(sintang, admin):
    from django.test import RequestFactory

    from cooperatives.filtersets import CooperativeFilterSet
    from cooperatives.selectors import cooperative_list

    request = RequestFactory().get("/")
    request.user = admin
    for year in (None, THIS_YEAR - 2):
        data = {"status": ["aktif"], **({"year": str(year)} if year else {})}
        qs = CooperativeFilterSet(data, queryset=cooperative_list(user=admin, year=year), request=request).qs
        sql = str(qs.query)
        assert "DISTINCT" not in sql
        if year:  # the past year reads its stored row, not a subquery over the filings
            assert "cooperatives_cooperativeyear" in sql and "cooperatives_ratfiling" not in sql


# --- Query counts equal at two data sizes ---------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/koperasi/?status=aktif",
        f"/koperasi/?status=aktif&status=kurang_aktif&year={THIS_YEAR - 2}",
        "dashboard_trends",
        f"dashboard_trends?year={THIS_YEAR - 1}",
        "dashboard_effect",
        f"dashboard_effect?year={THIS_YEAR - 1}",
    ],
)
def test_the_same_number_of_queries_for_few_and_many_cooperatives(client_as, admin, sintang, url):
    from django.urls import reverse

    if url.startswith("dashboard"):
        name, _, query = url.partition("?")
        url = reverse(name) + (f"?{query}" if query else "")
    villages = list(Village.objects.order_by("code")[:30])

    def add(index):
        coop = CooperativeFactory(village=villages[index], founded_on=D(THIS_YEAR - 8, 1, 1))
        _filing(coop, THIS_YEAR - 2 - index % 4)

    for index in range(3):
        add(index)
    client = client_as(admin)
    few = _count_queries(client, url)
    for index in range(3, 30):
        add(index)
    assert _count_queries(client, url) == few
