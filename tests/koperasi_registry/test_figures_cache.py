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
from django.utils import timezone

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


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def office(sintang, admin, today):
    return build_office(admin)


def total(user, key="registered", **period) -> int:
    card = selectors.district_scorecard(user=user, period=Period(year=2025, today=TODAY, **period))
    return card["total"][key]


def registered(user) -> int:
    return total(user)


@pytest.mark.parametrize("sql, changes", [
    ('UPDATE "cooperatives_cooperative" SET "name" = %s WHERE "id" = %s', True),
    ('INSERT INTO "cooperatives_ratfiling" ("cooperative_id") VALUES (%s) RETURNING "id"', True),
    ('DELETE FROM "assistants_coachingvisit" WHERE "id" IN (%s)', True),
    ("update cooperatives_cooperative set phone = '1'", True),  # a raw cursor, unquoted
    ('INSERT OR IGNORE INTO "cooperatives_village" VALUES (1)', True),  # SQLite's ignore_conflicts
    ("WITH gone AS (DELETE FROM cooperatives_ratfiling RETURNING id) SELECT count(*) FROM gone", True),
    ("TRUNCATE cooperatives_cooperative", True),
    ('ALTER TABLE "cooperatives_cooperative" ADD COLUMN "x" integer', True),  # in doubt: a change
    ('UPDATE "auth_user" SET "first_name" = %s WHERE "auth_user"."id" = %s', True),  # a name on the dashboard
    ('UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s', False),  # a sign-in
    ('SELECT "cooperatives_cooperative"."id" FROM "cooperatives_cooperative" FOR UPDATE', False),
    ('(SELECT 2018 AS "book_year") UNION ALL (SELECT 2019 AS "book_year")', False),
    ('DECLARE "_django_curs_1" NO SCROLL CURSOR WITHOUT HOLD FOR SELECT 1', False),  # .iterator()
    ("WITH years AS (SELECT 1) SELECT * FROM years", False),
    ('SAVEPOINT "s1_x1"', False),
    ('UPDATE "django_session" SET "session_data" = %s', False),
    ('INSERT INTO "django_tasks_database_dbtaskresult" ("id") VALUES (%s)', False),
    ('UPDATE "koperasi_registry_importjob" SET "processed" = %s WHERE "id" = %s', False),  # a heartbeat
    ('UPDATE "koperasi_registry_dataversion" SET "value" = %s', False),
])
def test_which_statements_change_the_data(sql, changes):
    assert data_version.changes_data(sql) is changes


@pytest.mark.parametrize("name", PAGES)
def test_a_page_read_again_reuses_its_figures_and_writes_nothing(client_as, kabid, office, name):
    client = client_as(kabid)
    url = reverse(name)
    before = data_version.current()
    with CaptureQueriesContext(connection) as first:
        first_page = client.get(url)
    with CaptureQueriesContext(connection) as again:
        second_page = client.get(url)
    assert first_page.status_code == second_page.status_code == 200
    assert CSRF.sub("", first_page.content.decode()) == CSRF.sub("", second_page.content.decode())
    assert len(again) < len(first), "the figures were computed again"
    assert data_version.current() == before, "reading a page moved the data's version"


def test_every_kind_of_write_makes_the_next_page_count_again(office, kabid, staf):
    assert registered(kabid) == 8
    village = Village.objects.get(pk=office["A"].village_id)
    saved = CooperativeFactory(village=village)  # a form's or the admin's save
    assert registered(kabid) == 9
    version = data_version.current()
    Cooperative.objects.bulk_create([CooperativeFactory.build(village=village, name="Koperasi Massal")])  # an import
    assert data_version.current() > version
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


def test_off_when_dashboard_cache_seconds_is_0(office, kabid, settings, django_assert_max_num_queries):
    settings.DASHBOARD_CACHE_SECONDS = 0
    registered(kabid)
    with CaptureQueriesContext(connection) as again:
        registered(kabid)
    assert len(again) > 2


def test_the_version_never_goes_back():
    data_version.bump()
    first = data_version.current()
    data_version.bump()
    assert data_version.current() > first
    # A database restored from an older backup: the next bump still passes every number seen.
    from koperasi_registry.models import DataVersion

    DataVersion.objects.update(value=5)
    data_version.bump()
    assert data_version.current() > first


# --- Real transactions ---------------------------------------------------------------------


@pytest.fixture
def committed_office(transactional_db, admin, today):
    from cooperatives.region_loader import load_regions

    load_regions(["61.05"])
    return build_office(admin)


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_after_the_commit_and_only_then(committed_office, kabid):
    start = data_version.current()
    with transaction.atomic():
        Cooperative.objects.filter(pk=committed_office["A"].pk).update(phone="0811")
        assert data_version.current() == start, "moved before the commit: a page could cache the old data under it"
    after_commit = data_version.current()
    assert after_commit > start

    with contextlib.suppress(RuntimeError), transaction.atomic():
        Cooperative.objects.update(phone="0812")
        raise RuntimeError("rolled back")
    assert data_version.current() == after_commit, "a rolled-back change moved the version"

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
    last = data_version.current()
    assert last > after_commit

    # Writes no figure counts leave it alone.
    ImportJob.objects.create(user=kabid, kind=ImportJob.Kind.COOPERATIVE, file="x.csv", original_name="x.csv")
    assert data_version.current() == last


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
    version = data_version.current()
    CooperativeFactory(village=office["A"].village)
    DataVersion.objects.update(value=version)  # as if the row had come from psql
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
    threading.Timer(0.2, lambda: store.set("k", {"registered": 9})).start()
    assert figures._computed_once(store, "k", lambda: computed.append(1) or {"registered": -1}) == {"registered": 9}
    assert computed == []

    # The other process died without an answer: compute here, once the marker is gone.
    store.add("j:computing", True, 5)
    threading.Timer(0.1, lambda: store.delete("j:computing")).start()
    assert figures._computed_once(store, "j", lambda: computed.append(1) or {"registered": 8}) == {"registered": 8}
    assert computed == [1] and store.get("j") == {"registered": 8}


def test_the_key_holds_the_rule_settings_and_the_code(office, kabid, settings):
    from koperasi_registry.dashboard.selectors import cache as figures

    period = Period(year=2025, today=TODAY)
    key = figures._key(selectors.district_scorecard.uncached, kabid, period, {})
    settings.RAT_STATUS_WINDOW = 2
    assert figures._key(selectors.district_scorecard.uncached, kabid, period, {}) != key
    assert len(figures.code_version()) == 16
