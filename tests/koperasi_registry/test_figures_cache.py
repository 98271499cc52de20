"""The dashboards' figures kept per version of the data (``koperasi_registry.data_version``,
``dashboard/selectors/cache.py``): a page read again reuses them, and any committed change,
whichever way it was written, makes the next page compute them again."""

import contextlib
import io
import re
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives.models import Cooperative, District, OfficeScope, Village
from koperasi_registry import data_version
from koperasi_registry.dashboard import selectors
from koperasi_registry.dashboard.period import Period
from koperasi_registry.models import ImportJob
from tests.factories import CooperativeFactory

from .hand_counted import TODAY, build_office

pytestmark = pytest.mark.django_db

PAGES = [
    "dashboard", "dashboard_statistics", "dashboard_trends", "dashboard_effect", "dashboard_map", "dashboard_map_data",
]
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|csrf-token" content=)"[^"]*"')


def latest() -> int:
    """The newest of the tables' versions."""
    return max(data_version.current().values(), default=0)


def total(user, key="registered", **period) -> int:
    card = selectors.district_scorecard(user=user, period=Period(year=2025, today=TODAY, **period))
    return card["total"][key]


def registered(user) -> int:
    return total(user)


COOPERATIVES, ALL = {"cooperatives_cooperative"}, {data_version.ALL}


@pytest.mark.parametrize("sql, tables", [
    ('UPDATE "cooperatives_cooperative" SET "name" = %s WHERE "id" = %s', COOPERATIVES),
    ('INSERT INTO "cooperatives_ratfiling" ("cooperative_id") VALUES (%s) RETURNING "id"', {"cooperatives_ratfiling"}),
    ('DELETE FROM "assistants_coachingvisit" WHERE "id" IN (%s)', {"assistants_coachingvisit"}),
    ("update cooperatives_cooperative set phone = '1'", COOPERATIVES),  # a raw cursor, unquoted
    ('INSERT OR IGNORE INTO "cooperatives_village" VALUES (1)', {"cooperatives_village"}),  # SQLite, ignore_conflicts
    ("WITH gone AS (DELETE FROM cooperatives_ratfiling RETURNING id) SELECT count(*) FROM gone", ALL),
    ("TRUNCATE cooperatives_cooperative", COOPERATIVES),
    ('ALTER TABLE "cooperatives_cooperative" ADD COLUMN "x" integer', ALL),  # in doubt: everything
    ('UPDATE "auth_user" SET "first_name" = %s WHERE "auth_user"."id" = %s', {"auth_user"}),  # a name shown
    ('UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s', set()),  # a sign-in
    ('SELECT "cooperatives_cooperative"."id" FROM "cooperatives_cooperative" FOR UPDATE', set()),
    ('(SELECT 2018 AS "book_year") UNION ALL (SELECT 2019 AS "book_year")', set()),
    ('DECLARE "_django_curs_1" NO SCROLL CURSOR WITHOUT HOLD FOR SELECT 1', set()),  # .iterator()
    ("WITH years AS (SELECT 1) SELECT * FROM years", set()),
    ('SAVEPOINT "s1_x1"', set()),
    ('UPDATE "django_session" SET "session_data" = %s', set()),
    ('INSERT INTO "django_tasks_database_dbtaskresult" ("id") VALUES (%s)', set()),
    ('UPDATE "koperasi_registry_importjob" SET "processed" = %s WHERE "id" = %s', set()),  # a heartbeat
    ('UPDATE "koperasi_registry_dataversion" SET "value" = %s', set()),
])
def test_which_statements_change_which_tables(sql, tables):
    assert data_version.changed_tables(sql) == tables
    assert data_version.changes_data(sql) is bool(tables)


@pytest.mark.parametrize("name", PAGES)
def test_a_page_read_again_reuses_its_figures_and_writes_nothing(client_as, kabid, office, name):
    client = client_as(kabid)
    url = reverse(name)
    before = latest()
    with CaptureQueriesContext(connection) as first:
        first_page = client.get(url)
    with CaptureQueriesContext(connection) as again:
        second_page = client.get(url)
    assert first_page.status_code == second_page.status_code == 200
    assert CSRF.sub("", first_page.content.decode()) == CSRF.sub("", second_page.content.decode())
    assert len(again) < len(first), "the figures were computed again"
    assert latest() == before, "reading a page moved the data's version"


def test_every_kind_of_write_makes_the_next_page_count_again(office, kabid, staf):
    assert registered(kabid) == 8
    village = Village.objects.get(pk=office["A"].village_id)
    saved = CooperativeFactory(village=village)  # a form's or the admin's save
    assert registered(kabid) == 9
    version = latest()
    Cooperative.objects.bulk_create([CooperativeFactory.build(village=village, name="Koperasi Massal")])  # an import
    assert latest() > version
    assert registered(kabid) == 10
    Cooperative.objects.filter(pk=saved.pk).delete()  # a QuerySet delete
    assert registered(kabid) == 9
    with connection.cursor() as cursor:  # a raw cursor
        cursor.execute("DELETE FROM cooperatives_cooperative WHERE name = %s", ["Koperasi Massal"])
    assert registered(kabid) == 8
    assert total(kabid, "aktif") == 2
    Cooperative.objects.filter(pk=office["A"].pk).update(last_rat_year=2019)  # update(): Tidak aktif now
    assert total(kabid, "aktif") == 1
    # Another role of the same office, or another kecamatan chosen, is its own entry.
    assert registered(staf) == 8
    tempunak = District.objects.get(code="61.05.02")

    def assessed(health_categories, district):
        rows = health_categories(user=kabid, period=Period(year=2025, today=TODAY, district=district))
        return sum(row["n"] for row in rows)

    kept = {district: assessed(selectors.health_categories, district) for district in (None, tempunak)}
    assert kept == {district: assessed(selectors.health_categories.uncached, district) for district in kept}
    assert kept[tempunak] < kept[None]


def test_offices_never_share_figures(office, kabid, admin, make_user):
    from cooperatives.region_loader import load_regions

    load_regions(["61.06"])
    CooperativeFactory(village=Village.objects.filter(code__startswith="61.06.").first())
    national = make_user("Admin", username="nasional")
    OfficeScope.objects.create(user=national, code="")
    assert registered(kabid) == 8
    assert registered(national) == 9
    assert registered(kabid) == 8


def test_a_pendamping_is_never_served_kept_figures(office, pendamping, kabid):
    assert registered(kabid) == 8
    assert registered(pendamping) == 0  # their own assigned cooperatives: none


def test_a_new_day_counts_again(office, kabid):
    """Statuses and overdue follow-ups move with the day: the day is part of the key."""
    card = selectors.district_scorecard(user=kabid, period=Period(year=2025, today=TODAY))
    later = TODAY.replace(month=12, day=31)
    assert card["total"]["followups_overdue"] == 1
    moved = selectors.district_scorecard(user=kabid, period=Period(year=2025, today=later))
    assert moved["total"]["followups_overdue"] == 2  # the other open follow-up is overdue by then


def test_off_when_dashboard_cache_seconds_is_0(office, kabid, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    registered(kabid)
    with CaptureQueriesContext(connection) as again:
        registered(kabid)
    assert len(again) > 2


def test_the_version_never_goes_back():
    data_version.bump()
    first = latest()
    data_version.bump()
    assert latest() > first
    # A database restored from an older backup: the next bump still passes every number seen.
    from koperasi_registry.models import DataVersion

    DataVersion.objects.update(value=5)  # every table
    data_version.bump()
    assert latest() > first


# --- Real transactions ---------------------------------------------------------------------


@pytest.fixture
def committed_office(transactional_db, admin, today):
    from cooperatives.region_loader import load_regions

    load_regions(["61.05"])
    return build_office(admin)


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_after_the_commit_and_only_then(committed_office, kabid):
    start = latest()
    with transaction.atomic():
        Cooperative.objects.filter(pk=committed_office["A"].pk).update(phone="0811")
        assert latest() == start, "moved before the commit: a page could cache the old data under it"
    after_commit = latest()
    assert after_commit > start

    with contextlib.suppress(RuntimeError), transaction.atomic():
        Cooperative.objects.update(phone="0812")
        raise RuntimeError("rolled back")
    assert latest() == after_commit, "a rolled-back change moved the version"

    # The first write in a savepoint that is rolled back, the next ones in the transaction.
    with CaptureQueriesContext(connection) as writes, transaction.atomic():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            Cooperative.objects.update(phone="0813")
            raise RuntimeError("savepoint rolled back")
        Cooperative.objects.filter(pk=committed_office["B"].pk).update(phone="0814")
        Cooperative.objects.filter(pk=committed_office["C"].pk).update(phone="0815")
    bump = 'UPDATE "koperasi_registry_dataversion"'
    bumps = [query for query in writes.captured_queries if query["sql"].startswith(bump)]
    assert len(bumps) == 1, "one bump a transaction, not one a statement"
    last = latest()
    assert last > after_commit

    # Writes no figure counts leave it alone.
    ImportJob.objects.create(user=kabid, kind=ImportJob.Kind.COOPERATIVE, file="x.csv", original_name="x.csv")
    assert latest() == last


@pytest.mark.django_db(transaction=True)
def test_a_colleagues_commit_shows_on_the_next_page(committed_office, kabid):
    """Two users at once: figures kept by one process; a colleague's save committed on
    another connection; the next page reads the new version and counts again."""
    assert registered(kabid) == 8
    village = Village.objects.get(pk=committed_office["A"].village_id)

    def colleague():
        try:
            CooperativeFactory(village=village)
        finally:
            connection.close()

    thread = threading.Thread(target=colleague)
    thread.start()
    thread.join()
    assert registered(kabid) == 9


def test_bump_data_version_after_a_change_outside_django(office, kabid):
    """A change Django does not see (psql, pg_restore): the command moves the version on."""
    from django.core.management import call_command

    from koperasi_registry.models import DataVersion

    assert registered(kabid) == 8
    versions = data_version.current()
    CooperativeFactory(village=office["A"].village)
    # As if the row had come from psql: the versions as they were.
    DataVersion.objects.exclude(table__in=versions).delete()
    for table, value in versions.items():
        DataVersion.objects.filter(table=table).update(value=value)
    assert registered(kabid) == 8  # the figure kept under the unchanged version
    call_command("bump_data_version", stdout=io.StringIO())
    assert registered(kabid) == 9


# --- One computation for the host's processes ------------------------------------------------


def test_a_process_waits_for_anothers_computation_instead_of_repeating_it(monkeypatch):
    from django.core.cache import caches

    from koperasi_registry.dashboard.selectors import cache as figures

    monkeypatch.setattr(figures, "WAIT_STEP", 0.01)
    store = caches[figures.FIGURES_CACHE]
    computed = []
    store.add("k:computing", True, 5)  # another worker is computing "k"
    threading.Timer(0.2, lambda: store.set("k", ({"*": 7, "cooperatives_cooperative": 3}, {"registered": 9}))).start()
    versions = {"*": 7, "cooperatives_cooperative": 3, "assistants_coachingvisit": 5}

    def compute(answer):
        return lambda: computed.append(answer) or {"registered": answer}

    assert figures._computed_once(store, "k", versions, compute(-1)) == {"registered": 9}
    assert computed == []

    # The other worker computed from older data (it read the versions before a change): not used.
    store.add("i:computing", True, 5)
    store.set("i", ({"*": 7, "cooperatives_cooperative": 2}, {"registered": 8}))
    threading.Timer(0.1, lambda: store.delete("i:computing")).start()
    assert figures._computed_once(store, "i", versions, compute(9)) == {"registered": 9}

    # The other process died without an answer: compute here, once the marker is gone.
    store.add("j:computing", True, 5)
    threading.Timer(0.1, lambda: store.delete("j:computing")).start()
    assert figures._computed_once(store, "j", versions, compute(8)) == {"registered": 8}
    assert computed == [9, 8] and store.get("j") == ({"*": 7}, {"registered": 8})  # it read no table


def test_the_key_holds_the_rule_settings_and_the_code(office, kabid, settings):
    from koperasi_registry.dashboard.selectors import cache as figures

    period = Period(year=2025, today=TODAY)
    key = figures._key(selectors.health_categories.uncached, kabid, period, {})
    settings.RAT_STATUS_WINDOW = 2
    assert figures._key(selectors.health_categories.uncached, kabid, period, {}) != key
    assert len(figures.code_version()) == 16


def test_a_saved_visit_recomputes_the_visit_figures_not_the_statuses(office, kabid):
    """Each part of the scorecard is kept with the tables it read: a visit moves the
    visits' tables, and the cooperatives' statuses (the costly part) are reused."""
    import datetime

    from tests.assistants.factories import CoachingVisitFactory

    def scorecard():
        return selectors.district_scorecard(user=kabid, period=Period(year=2025, today=TODAY))

    before = scorecard()
    with CaptureQueriesContext(connection) as warm:
        scorecard()
    CoachingVisitFactory(cooperative=office["D"], visit_date=datetime.date(2025, 6, 1))
    with CaptureQueriesContext(connection) as after_visit:
        after = scorecard()
    assert len(warm) == 1  # the versions
    assert after["total"]["visits"] == before["total"]["visits"] + 1
    assert after["total"]["visited"] == before["total"]["visited"] + 1
    assert {key: after["total"][key] for key in ("registered", "aktif", "rat_due")} == {
        key: before["total"][key] for key in ("registered", "aktif", "rat_due")
    }
    recomputed = " ".join(query["sql"] for query in after_visit.captured_queries)
    assert "assistants_visitsummary" in recomputed
    assert "rat_compliance" not in recomputed, "the statuses were computed again"
    assert after == selectors.district_scorecard(user=kabid, period=Period(year=2025, today=TODAY, region=""))


def test_an_answer_reused_inside_another_computation_passes_its_tables_on(office, kabid):
    from koperasi_registry.dashboard.selectors import cache as figures

    period = Period(year=2025, today=TODAY)
    selectors.health_categories(user=kabid, period=period)  # kept

    @figures.cached_figures
    def outer(*, user, period):
        return len(selectors.health_categories(user=user, period=period))  # reused: no SQL

    with figures.tables_read() as tables:
        outer(user=kabid, period=period)
    assert "cooperatives_healthassessment" in tables


def test_in_a_tests_transaction_a_bulk_write_bumps_once_and_a_rolled_back_bump_is_redone(office, kabid):
    from koperasi_registry.models import DataVersion

    def bumps(action):
        with CaptureQueriesContext(connection) as queries:
            action()
        return sum(query["sql"].startswith('UPDATE "koperasi_registry_dataversion"') for query in queries.captured_queries)

    village = office["A"].village
    data_version.current()  # a page reads the versions
    assert bumps(lambda: CooperativeFactory(village=village)) > 0  # one a table written
    assert bumps(lambda: [CooperativeFactory(village=village) for _ in range(2)]) == 0  # until the next read
    seen = data_version.current()["cooperatives_cooperative"]
    assert registered(kabid) == 11

    with contextlib.suppress(RuntimeError), transaction.atomic():
        CooperativeFactory(village=village)  # bumped inside a savepoint...
        raise RuntimeError("...which is rolled back, with the bump")
    assert DataVersion.objects.get(table="cooperatives_cooperative").value == seen
    CooperativeFactory(village=village)  # so this write bumps again
    assert data_version.current()["cooperatives_cooperative"] > seen
    assert registered(kabid) == 12
