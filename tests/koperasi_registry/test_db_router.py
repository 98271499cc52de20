"""The read replica router (koperasi_registry.db_router): GET requests read the replica,
writes go to the primary, a request that wrote reads the primary for the rest of it and the
same browser for DATABASE_REPLICA_PIN_SECONDS; transactions, sessions and everything outside
a request read the primary; without a replica everything is ``default``.

In tests the replica is a mirror of the test database (settings/test.py): a second
connection that sees committed rows only, so the request tests run with
``transaction=True``. Which connection ran a query is what they assert."""

import time
from contextlib import ExitStack

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives.models import Cooperative
from koperasi_registry import db_router
from koperasi_registry.concurrency import current_version
from koperasi_registry.db_router import PIN_COOKIE, PrimaryReplicaRouter, ReplicaReadsMiddleware
from tests.factories import CooperativeFactory
from tests.koperasi_registry.test_concurrency import form_data, page_text, signed_in

BOTH = ["default", "replica"]
router = PrimaryReplicaRouter()


@pytest.fixture
def replica(settings):
    settings.DATABASE_REPLICA_ALIAS = "replica"
    settings.DATABASE_REPLICA_PIN_SECONDS = 15
    return "replica"


def in_request(method="GET", cookies=None, then=None):
    """Run ``then()`` inside ReplicaReadsMiddleware for a request; its result and the response."""
    request = getattr(RequestFactory(), method.lower())("/")
    request.COOKIES.update(cookies or {})
    seen = {}

    def view(request):
        seen["result"] = then()
        return HttpResponse("ok")

    response = ReplicaReadsMiddleware(view)(request)
    return seen["result"], response


# --- The router's answers ---------------------------------------------------------------------


def test_without_a_replica_the_router_leaves_everything_to_default(settings):
    assert settings.DATABASE_REPLICA_ALIAS is None
    assert "koperasi_registry.db_router.PrimaryReplicaRouter" in settings.DATABASE_ROUTERS
    assert in_request(then=lambda: router.db_for_read(Cooperative))[0] is None
    assert router.db_for_write(Cooperative) is None
    assert router.allow_relation(Cooperative(), Cooperative()) is None
    _result, response = in_request(then=lambda: router.db_for_write(Cooperative))
    assert PIN_COOKIE not in response.cookies  # nothing to pin to


def test_get_reads_go_to_the_replica_and_writes_to_the_primary(replica):
    def route():
        return router.db_for_read(Cooperative), router.db_for_write(Cooperative), router.db_for_read(Cooperative)

    (before, write, after), response = in_request(then=route)
    assert (before, write, after) == ("replica", "default", "default")  # pinned after its first write
    assert int(response.cookies[PIN_COOKIE].value) >= time.time() + 14
    assert response.cookies[PIN_COOKIE]["max-age"] == 15 and response.cookies[PIN_COOKIE]["httponly"]


def test_a_get_that_only_reads_sets_no_pin(replica):
    result, response = in_request(then=lambda: router.db_for_read(Cooperative))
    assert result == "replica" and PIN_COOKIE not in response.cookies


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_read_the_primary(replica, method):
    assert in_request(method, then=lambda: router.db_for_read(Cooperative))[0] == "default"


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [(lambda: f"{time.time() + 10:.0f}", "default"), (lambda: f"{time.time() - 1:.0f}", "replica"),
     (lambda: "rubbish", "replica")],
    ids=["pinned", "expired", "forged"],
)
def test_the_pin_cookie_keeps_the_next_requests_on_the_primary_until_it_expires(replica, cookie, expected):
    assert in_request(cookies={PIN_COOKIE: cookie()}, then=lambda: router.db_for_read(Cooperative))[0] == expected


def test_outside_a_request_everything_reads_the_primary(replica):
    """The worker, management commands, the shell: no request, no replica."""
    assert router.db_for_read(Cooperative) == "default"


def test_sessions_login_throttling_and_the_task_queue_always_read_the_primary(replica):
    from axes.models import AccessAttempt
    from django_tasks_db.models import DBTaskResult

    for model in (Session, AccessAttempt, DBTaskResult):
        assert in_request(then=lambda: router.db_for_read(model))[0] == "default", model


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_inside_a_transaction_on_the_primary_stay_on_it(replica):
    def route():
        outside = router.db_for_read(Cooperative)
        with transaction.atomic():
            inside = router.db_for_read(Cooperative)
        return outside, inside

    assert in_request(then=route)[0] == ("replica", "default")


def test_migrations_run_only_on_the_primary_and_rows_relate_across_aliases(replica):
    assert router.allow_migrate("default", "cooperatives") is True
    assert router.allow_migrate("replica", "cooperatives") is False
    from_replica, from_primary = Cooperative(), Cooperative()
    from_replica._state.db, from_primary._state.db = "replica", "default"
    assert router.allow_relation(from_replica, from_primary) is True


def test_settings_read_the_replica_url_and_leave_it_out_when_unset():
    from tests.koperasi_registry.test_settings import settings_value

    env = {"DATABASE_URL": "postgres://app@db1:5432/koperasi", "DATABASE_REPLICA_URL": "postgres://app@db2:5432/koperasi"}
    assert settings_value('DATABASES["replica"]["HOST"]', **env) == "db2"
    assert settings_value("DATABASE_REPLICA_ALIAS", **env) == "replica"
    assert settings_value("DATABASES.keys()") == "dict_keys(['default'])"
    assert settings_value("DATABASE_REPLICA_ALIAS") == "None"


# --- Requests through the whole stack, with the replica as a mirror -----------------------------


class Queries:
    """The queries each alias ran while the block ran."""

    def __enter__(self):
        self._stack = ExitStack()
        self.default = self._stack.enter_context(CaptureQueriesContext(connections["default"]))
        self.replica = self._stack.enter_context(CaptureQueriesContext(connections["replica"]))
        return self

    def __exit__(self, *exc):
        return self._stack.__exit__(*exc)

    @staticmethod
    def tables(captured, table):
        return [q["sql"] for q in captured.captured_queries if table in q["sql"]]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_list_page_reads_the_replica_and_the_session_the_primary(replica, admin, sintang):
    CooperativeFactory.create_batch(3)
    client = signed_in(admin)
    with Queries() as queries:
        response = client.get(reverse("cooperatives:cooperative_list"))
    assert response.status_code == 200 and PIN_COOKIE not in response.cookies
    assert queries.tables(queries.replica, "cooperatives_cooperative")
    assert not queries.tables(queries.default, "cooperatives_cooperative")
    assert queries.tables(queries.default, "django_session")
    assert not queries.tables(queries.replica, "django_session")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_after_a_post_that_writes_the_next_get_reads_the_primary(replica, admin, sintang, settings):
    cooperative = CooperativeFactory(chair_name="Budi")
    client = signed_in(admin)
    url = reverse("cooperatives:cooperative_edit", args=[cooperative.pk])
    page = form_data(client.get(url))

    with Queries() as posted:
        response = client.post(url, {**page, "chair_name": "Siti Aminah"})
    assert response.status_code == 302, page_text(response)[:2000]
    assert posted.replica.captured_queries == []  # the version check and the save: the primary
    assert PIN_COOKIE in response.cookies

    with Queries() as after:
        detail = client.get(response["Location"])
    assert detail.status_code == 200 and "Siti Aminah" in page_text(detail)
    assert after.replica.captured_queries == [] and after.default.captured_queries

    # Once the pin has expired, reads go back to the replica.
    client.cookies[PIN_COOKIE] = f"{time.time() - 1:.0f}"
    with Queries() as later:
        assert client.get(response["Location"]).status_code == 200
    assert queries_on(later.replica, "cooperatives_cooperative")


def queries_on(captured, table):
    return Queries.tables(captured, table)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_optimistic_concurrency_reads_the_primary_with_a_replica(replica, staf, admin, sintang):
    """Two people load the edit form (from the replica); the first saves; the second's save is
    refused: the version it is checked against is read on the primary."""
    cooperative = CooperativeFactory(chair_name="Budi", address="Jl. Lama 1")
    url = reverse("cooperatives:cooperative_edit", args=[cooperative.pk])
    first, second = signed_in(staf), signed_in(admin)
    with Queries() as loading:
        first_page, second_page = form_data(first.get(url)), form_data(second.get(url))
    assert loading.replica.captured_queries  # the forms came from the replica
    assert first_page["edit_version"] == second_page["edit_version"] == current_version(cooperative)

    assert first.post(url, {**first_page, "chair_name": "Siti Aminah"}).status_code == 302
    with Queries() as refused:
        response = second.post(url, {**second_page, "address": "Jl. Baru"})
    assert response.status_code == 200 and 'data-testid="conflict"' in page_text(response)
    assert refused.replica.captured_queries == []
    cooperative.refresh_from_db()
    assert (cooperative.chair_name, cooperative.address) == ("Siti Aminah", "Jl. Lama 1")


def test_the_contextvar_is_cleared_after_each_request(replica):
    in_request(then=lambda: router.db_for_write(Cooperative))
    assert db_router._reads.get() is None


def test_select_for_update_is_routed_as_a_write(replica):
    def route():
        plain = Cooperative.objects.all().db
        locking = Cooperative.objects.select_for_update().db
        return plain, locking, Cooperative.objects.all().db

    # A locking read goes to the primary, and the rest of the request with it.
    assert in_request(then=route)[0] == ("replica", "default", "default")
