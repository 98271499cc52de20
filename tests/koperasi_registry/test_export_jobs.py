"""Large exports run as background jobs: the same filtered, scoped rows as an inline export,
written by the worker (here the immediate backend), downloaded only by their owner; a job
whose worker stopped says so and runs again. Small exports stay inline."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from koperasi_registry import access
from koperasi_registry.models import ExportJob
from tests.factories import CooperativeFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db
State = ExportJob.State


@pytest.fixture(autouse=True)
def small_limit(settings, tmp_path):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cooperatives(sintang):
    made = [CooperativeFactory(name=f"Koperasi Ekspor {i}", jenis="konsumen") for i in range(4)]
    made.append(CooperativeFactory(name="=HYPERLINK(\"http://x\")", jenis="konsumen"))
    made.append(CooperativeFactory(name="Koperasi Lain Jenis", jenis="produsen"))
    return made


def list_url():
    return reverse("cooperatives:cooperative_list")


def export(client, fmt, **filters):
    return client.get(list_url(), {**filters, "_export": fmt})


def xlsx_rows(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_long_list_exports_through_a_job_with_the_filters_and_safe_text(client_as, staf, cooperatives):
    client = client_as(staf)
    response = export(client, "xlsx", jenis="konsumen")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.user, job.view_name, job.format) == (staf, "cooperatives:cooperative_list", "xlsx")
    assert job.query_string == "jenis=konsumen"
    assert (job.status, job.total, job.processed) == (State.DONE, 5, 5)

    page = client.get(job.get_absolute_url()).content.decode()
    assert "Berkas siap: 5 baris." in page and reverse("export_download", args=[job.pk]) in page
    assert f'href="{list_url()}?jenis=konsumen"' in page

    download = client.get(reverse("export_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert job.filename in download["Content-Disposition"]
    rows = xlsx_rows(b"".join(download.streaming_content))
    inline = export_inline(client, "xlsx", jenis="konsumen")
    assert rows == inline  # the same header, rows and order as the inline export
    names = [row[0] for row in rows[1:]]
    assert len(names) == 5 and "Koperasi Lain Jenis" not in names
    assert "'=HYPERLINK(\"http://x\")" in names  # text never runs as a formula


def export_inline(client, fmt, **filters):
    """The same export made in the request (limit raised)."""
    from django.conf import settings

    old, settings.EXPORT_INLINE_MAX_ROWS = settings.EXPORT_INLINE_MAX_ROWS, 10_000
    try:
        response = export(client, fmt, **filters)
    finally:
        settings.EXPORT_INLINE_MAX_ROWS = old
    assert response.status_code == 200
    if fmt == "xlsx":
        return xlsx_rows(response.content)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_a_long_csv_export_matches_the_inline_one(client_as, staf, cooperatives):
    client = client_as(staf)
    assert export(client, "csv").status_code == 302
    job = ExportJob.objects.get()
    assert job.status == State.DONE and job.filename.endswith(".csv")
    content = b"".join(client.get(reverse("export_download", args=[job.pk])).streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows == export_inline(client, "csv")
    assert any(row[0] == "'=HYPERLINK(\"http://x\")" for row in rows)


def test_a_short_list_still_exports_in_the_request(client_as, staf, cooperatives, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 6
    response = export(client_as(staf), "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportJob.objects.exists()


def test_the_job_rebuilds_the_rows_the_user_may_see(client_as, pendamping, cooperatives, settings):
    from assistants.models import Assignment, BusinessAssistant

    settings.EXPORT_INLINE_MAX_ROWS = 1
    assistant, _ = BusinessAssistant.objects.get_or_create(user=pendamping)
    for cooperative in cooperatives[:2]:
        Assignment.objects.create(assistant=assistant, cooperative=cooperative, start_date=datetime.date(2020, 1, 1))
    client = client_as(pendamping)
    assert export(client, "xlsx").status_code == 302
    job = ExportJob.objects.get()
    rows = xlsx_rows(b"".join(client.get(reverse("export_download", args=[job.pk])).streaming_content))
    assert sorted(row[0] for row in rows[1:]) == sorted(c.name for c in cooperatives[:2])


def test_a_user_who_lost_the_list_gets_a_failed_job(staf, cooperatives):
    from koperasi_registry.export_jobs import export_job_run

    job = ExportJob.objects.create(user=staf, view_name="cooperatives:rat_overdue", format="xlsx", total=9, attempt=1)
    staf.groups.clear()
    job = export_job_run(job.pk, attempt=1)
    job.refresh_from_db()
    assert job.status == State.FAILED and "tidak lagi berhak" in job.message
    assert not job.file


def test_a_stopped_worker_is_reported_and_retry_runs_the_export_again(client_as, staf, cooperatives, settings):
    settings.IMPORT_STALE_SECONDS = 60
    job = ExportJob.objects.create(user=staf, view_name="cooperatives:cooperative_list", format="xlsx",
                                   total=6, processed=2, status=State.RUNNING, attempt=1)
    client = client_as(staf)
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" in fragment and "Pekerja berhenti" not in fragment  # still heard from

    ExportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=61))
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Pekerja berhenti sebelum berkas selesai ditulis" in fragment and "hx-trigger" not in fragment
    assert "Coba lagi" in fragment

    # An old queued run reaching a worker after the retry does nothing.
    response = client.post(reverse("export_job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt, job.total) == (State.DONE, 2, 6)
    from koperasi_registry.export_jobs import export_job_run

    assert export_job_run(job.pk, attempt=1).status == State.DONE

    client.post(reverse("export_job_retry", args=[job.pk]))  # not stopped: nothing queued
    job.refresh_from_db()
    assert job.attempt == 2


# --- Access: URL name x who ---------------------------------------------------------------------

PAGES = [("export_job", "get"), ("export_download", "get"), ("export_job_retry", "post")]


@pytest.fixture
def done_job(client_as, staf, cooperatives):
    export(client_as(staf), "xlsx")
    job = ExportJob.objects.get()
    assert job.status == State.DONE
    return job


@pytest.mark.parametrize("name, method", PAGES)
@pytest.mark.parametrize("who, status", [("anonymous", 302), ("owner", None), *[(role, 404) for role in access.ROLES]])
def test_only_the_owner_reaches_an_export_job(client, make_user, done_job, name, method, who, status):
    client.logout()
    if who == "owner":
        client.force_login(done_job.user)
        status = {"export_job": 200, "export_download": 200, "export_job_retry": 302}[name]
    elif who != "anonymous":
        client.force_login(make_user(who, username=f"lain-{who.lower()}"))
    response = getattr(client, method)(reverse(name, args=[done_job.pk]))
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [3, 30])
def test_the_export_job_page_runs_a_bounded_number_of_queries(client_as, staf, sintang, rows, settings,
                                                             django_assert_max_num_queries):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    for i in range(rows):
        CooperativeFactory(name=f"Koperasi {i}")
    client = client_as(staf)
    export(client, "xlsx")
    job = ExportJob.objects.get()
    with django_assert_max_num_queries(QUERY_BUDGETS["export_job"]):
        assert client.get(job.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGETS["export_job"]):
        assert client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").status_code == 200
