"""The load test tool (koperasi_registry/devtools/loadtest.py, ``manage.py loadtest``)
against Django's live server: two clients for two seconds, signed in through the login form
or with a session made in the database; every request counted, none failing; a page that
answers 404 counted as an error."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from koperasi_registry import access
from koperasi_registry.devtools import loadtest
from tests.factories import TEST_PASSWORD, CooperativeFactory

LIVE = pytest.mark.django_db(transaction=True)

MIX = [
    ("cooperatives:cooperative_detail", 2),
    ("cooperatives:cooperative_list", 1),
    ("dashboard", 1),
    ("assistants:visit_add", 1),
]


@pytest.fixture
def registry(sintang):
    return CooperativeFactory.create_batch(5)


def test_parse_mix_reads_weights_and_queries():
    assert loadtest.parse_mix(["dashboard=3", "cooperatives:cooperative_list?status=aktif", "x?a=b=2"]) == [
        ("dashboard", 3), ("cooperatives:cooperative_list?status=aktif", 1), ("x?a=b", 2),
    ]


@LIVE
def test_two_clients_signed_in_through_the_form_for_two_seconds(live_server, make_user, registry):
    user = make_user(access.ADMIN, username="beban-admin")
    payload = loadtest.run(base_url=live_server.url, user=user, clients=2, duration=2, mix=MIX,
                           password=TEST_PASSWORD, timeout=30)
    assert payload["requests"] > 0 and payload["errors"] == 0, payload
    assert payload["requests_per_s"] > 0 and payload["p95_ms"] >= payload["p50_ms"] > 0
    assert sum(row["requests"] for row in payload["pages"]) == payload["requests"]
    detail = next(row for row in payload["pages"] if row["label"] == "cooperatives:cooperative_detail")
    assert detail["requests"] > 0 and detail["p50_ms"] > 0 and detail["mean_kb"] > 0
    assert payload["skipped"] == []
    text = "\n".join(loadtest.report(payload))
    assert "2 klien x 2 detik" in text and "cooperatives:cooperative_detail" in text


@LIVE
def test_detail_pages_take_the_rows_the_user_may_see(make_user, registry):
    pages, skipped = loadtest.resolve_pages([("cooperatives:cooperative_detail", 1)], make_user(access.ADMIN))
    assert skipped == [] and len(pages[0].paths) == 1 + len(registry)


@LIVE
def test_the_command_with_a_database_session_and_a_missing_page_as_errors(live_server, make_user, registry):
    make_user(access.STAF, username="bench-staf")
    out = StringIO()
    call_command(
        "loadtest", live_server.url, "--clients", "2", "--duration", "2", "--as", "staf", "--json",
        "--page", "cooperatives:cooperative_list=2", "--page", "/tidak-ada/=1", "--page", "tidak:ada", stdout=out,
    )
    payload = json.loads(out.getvalue())
    assert payload["context"]["user"] == "bench-staf"
    rows = {row["label"]: row for row in payload["pages"]}
    assert rows["cooperatives:cooperative_list"]["requests"] > 0
    assert rows["cooperatives:cooperative_list"]["errors"] == 0
    missing = rows["/tidak-ada/"]
    assert missing["errors"] == missing["requests"] > 0 and missing["error_kinds"] == ["HTTP 404"]
    assert payload["errors"] == missing["errors"]
    assert [item["label"] for item in payload["skipped"]] == ["tidak:ada"]


@LIVE
def test_changes_committed_while_the_load_runs(live_server, make_user, registry):
    """``--change-every``: a colleague's change every half second; each moves the data's
    version on (the dashboards count again) and leaves the data as it was."""
    from cooperatives.models import Cooperative
    from koperasi_registry import data_version

    user = make_user(access.ADMIN, username="beban-ubah")
    phones = dict(Cooperative.objects.values_list("pk", "phone"))
    version = data_version.current().get("cooperatives_cooperative", 0)
    payload = loadtest.run(base_url=live_server.url, user=user, clients=1, duration=2.5,
                           mix=[("dashboard", 1)], timeout=30, change_every=0.5)
    assert payload["errors"] == 0 and payload["context"]["changes"] >= 3
    assert data_version.current()["cooperatives_cooperative"] > version
    assert dict(Cooperative.objects.values_list("pk", "phone")) == phones
    assert "perubahan data (cooperative) selama beban" in "\n".join(loadtest.report(payload))


@LIVE
def test_visits_saved_again_while_the_load_runs(live_server, make_user, registry):
    from assistants.models import CoachingVisit, VisitSummary
    from koperasi_registry import data_version
    from tests.assistants.factories import CoachingVisitFactory

    user = make_user(access.ADMIN, username="beban-kunjungan")
    visit = CoachingVisitFactory(cooperative=registry[0])
    summaries = list(VisitSummary.objects.values_list("cooperative", "year", "visits"))
    version = data_version.current().get("assistants_visitsummary", 0)
    payload = loadtest.run(base_url=live_server.url, user=user, clients=1, duration=1.5,
                           mix=[("dashboard", 1)], timeout=30, change_every=0.4, change_kind="visit")
    assert payload["errors"] == 0 and payload["context"]["changes"] >= 2
    assert data_version.current()["assistants_visitsummary"] > version
    assert list(VisitSummary.objects.values_list("cooperative", "year", "visits")) == summaries
    assert CoachingVisit.objects.get().findings == visit.findings
