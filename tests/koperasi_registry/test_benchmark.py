"""Scale data (``generate_scale_data``) and page timings (``benchmark``) on a tiny dataset."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Max

from assistants.models import Assignment, BusinessAssistant, CoachingVisit, FollowUp
from cooperatives.models import Cooperative, District, RatFiling, Village
from koperasi_registry import access
from koperasi_registry.devtools import benchmark as benchmarking


def generate(*args):
    out = StringIO()
    call_command("generate_scale_data", "--regions", "61.05", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def scale(db):
    return generate("--cooperatives", "200", "--visits", "300", "--batch", "64")


def test_generate_scale_data_is_consistent(scale):
    assert "Selesai dalam" in scale and "koperasi 200" in scale
    assert Cooperative.objects.count() == 200
    assert Village.objects.count() == 406 and District.objects.count() == 14
    filings = RatFiling.objects.count()
    assert 2.5 * 200 < filings < 4.5 * 200  # about 3.5 each over 5 book years
    # One filing per cooperative and book year, five book years in all.
    duplicates = (
        RatFiling.objects.order_by()
        .values("cooperative", "book_year")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    assert RatFiling.objects.values("book_year").distinct().count() == 5
    latest = dict(
        RatFiling.objects.order_by().values_list("cooperative").annotate(m=Max("book_year"))
    )
    for pk, last in Cooperative.objects.values_list("pk", "last_rat_year"):
        assert last == latest.get(pk)
    for filing in RatFiling.objects.select_related("cooperative")[:50]:
        filing.full_clean()
        assert filing.book_year >= filing.cooperative.founded_on.year
    statuses = set(Cooperative.objects.with_status().values_list("status", flat=True))
    assert {"aktif", "kurang_aktif", "tidak_aktif"} <= statuses


def test_generate_scale_data_adds_users_assistants_and_visits(scale):
    User = get_user_model()
    for role in access.ROLES:
        assert access.has_role(User.objects.get(username=f"bench-{role.lower()}"), role)
    assistants = BusinessAssistant.objects.annotate(n=Count("assignments"))
    assert assistants.count() == 200 // 12
    sizes = [a.n for a in assistants if a.n]
    assert sizes and all(7 <= n <= 15 for n in sizes)
    # No cooperative is assigned twice.
    assert Assignment.objects.values("cooperative").distinct().count() == Assignment.objects.count()
    pendamping = BusinessAssistant.objects.get(user__username="bench-pendamping")
    assert Cooperative.objects.visible_to(pendamping.user).count() >= 7
    assert CoachingVisit.objects.count() == 300
    assert not CoachingVisit.objects.filter(assistant__isnull=True).exists()
    for visit in CoachingVisit.objects.select_related("assistant")[:20]:
        assert Assignment.objects.filter(
            assistant=visit.assistant, cooperative=visit.cooperative_id
        ).exists()
    assert FollowUp.objects.exists()


def test_generate_scale_data_refuses_a_database_with_cooperatives(scale):
    with pytest.raises(CommandError, match="sudah berisi 200 koperasi"):
        generate("--cooperatives", "10")
    assert "tidak ada yang ditambahkan" in generate("--cooperatives", "10", "--if-empty")
    assert Cooperative.objects.count() == 200
    generate("--cooperatives", "10", "--force", "--assistants", "1")
    assert Cooperative.objects.count() == 210
    assert Cooperative.objects.values("office_code").distinct().count() == 210


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert benchmarking.percentile(values, 0.95) == 19.0
    assert benchmarking.percentile(values, 0.5) == 10.0
    assert benchmarking.percentile([3.0], 0.95) == 3.0


def test_benchmark_reports_each_page_with_query_counts(scale):
    out = StringIO()
    call_command("benchmark", "--repeat", "1", stdout=out)
    text = out.getvalue()
    assert "200 koperasi" in text and "bench-staf (Staf)" in text
    rows = {
        line.split()[0]: line.split()
        for line in text.splitlines()
        if line.startswith(("dashboard", "cooperatives:", "assistants:"))
    }
    # label, status, measurements, median, p95, query count, SQL ms, KB
    assert rows["dashboard"][1] == "200" and rows["dashboard"][2] == "1"
    assert int(rows["dashboard"][5]) >= 3
    assert "cooperatives:cooperative_list" in rows
    assert any(
        label.startswith("cooperatives:cooperative_list?status=aktif&district=") for label in rows
    )
    assert "cooperatives:cooperative_detail" in rows


def test_benchmark_json_names_urls_and_paths(scale):
    out = StringIO()
    call_command(
        "benchmark",
        "--repeat",
        "3",
        "--json",
        "--samples",
        "--as",
        "pendamping",
        "--url",
        "dashboard",
        "--url",
        "/",
        "--url",
        "cooperatives:cooperative_detail",
        "--url",
        "no_such:page",
        stdout=out,
    )
    payload = json.loads(out.getvalue())
    assert payload["context"]["role"] == "Pendamping"
    assert payload["context"]["user"] == "bench-pendamping"
    assert 7 <= payload["context"]["visible_to_user"] <= 15
    by_label = {r["label"]: r for r in payload["results"]}
    assert by_label["dashboard"]["status"] == by_label["/"]["status"] == 200
    assert by_label["dashboard"]["path"] == "/"
    for result in payload["results"]:
        assert len(result["samples"]) == 3
        assert result["median_ms"] <= result["p95_ms"]
        assert result["queries"] >= 3 and result["bytes"] > 0
    detail = next(
        r for r in payload["results"] if r["label"].startswith("cooperatives:cooperative_detail")
    )
    pk = int(detail["path"].rstrip("/").rsplit("/", 1)[1])
    pendamping = BusinessAssistant.objects.get(user__username="bench-pendamping").user
    assert Cooperative.objects.visible_to(pendamping).filter(pk=pk).exists()
    assert detail["status"] == 200
    assert payload["skipped"] == [
        {"label": "no_such:page", "note": "belum ada (nama URL tidak dikenal)"}
    ]


def test_benchmark_budget_cuts_a_slow_page_short(scale):
    out = StringIO()
    call_command(
        "benchmark", "--url", "dashboard", "--repeat", "5", "--budget", "0", "--json", stdout=out
    )
    (result,) = json.loads(out.getvalue())["results"]
    assert result["count"] == 1 and result["status"] == 200


def test_benchmark_measures_a_page_after_a_change(scale):
    """``--changed``: the tables' versions moved before every request, so the kept
    figures are computed again each time (what a page costs after a change)."""
    def queries(*extra):
        out = StringIO()
        call_command("benchmark", "--url", "dashboard", "--repeat", "3", "--json", *extra, stdout=out)
        payload = json.loads(out.getvalue())
        return payload["context"]["changed"], payload["results"][0]["queries"]

    assert queries() == ([], queries()[1])
    kept, changed = queries()[1], queries("--changed", "*")[1]
    assert changed > kept  # every figure computed again
    assert queries("--changed", "assistants_financingproposal")[1] == kept  # no dashboard figure reads it
