"""Import jobs as background tasks (the immediate backend here; tests/koperasi_registry/
test_worker.py runs the real worker): the dry run's preview on the page, a plan that went
stale between check and save, a stopped worker's message and "Coba lagi"."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cooperatives.imports import jobs
from cooperatives.models import Cooperative, Kelompok, Village
from koperasi_registry import access
from koperasi_registry.models import ImportJob
from tests.factories import CooperativeFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db
State = ImportJob.State
HEADER = "NIK,Kode dinas,Nama koperasi,Jenis,Kode desa (Kemendagri)\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_STALE_SECONDS = 60


@pytest.fixture
def code(sintang):
    Kelompok.objects.get_or_create(name="KSU")
    return Village.objects.in_regency("61.05").order_by("code").values_list("code", flat=True).first()


def upload(client, body: str) -> ImportJob:
    file = SimpleUploadedFile("koperasi.csv", (HEADER + body).encode(), content_type="text/csv")
    assert client.post(reverse("cooperatives:cooperative_import"), {"file": file}).status_code == 302
    return ImportJob.objects.latest("pk")


PREVIEW = {
    "create": [{"row": 2, "name": "Koperasi Baru Sejahtera", "code": "KOP-0001", "generated_code": True}],
    "update": [{"row": 3, "name": "Koperasi Lama", "pk": None,
                "changes": [{"column": "Alamat", "old": "Jl. Lama 1", "new": "Jl. Baru 2"}]}],
    "create_total": 41, "update_total": 1,
}


def fake_import_sheet(real, *, fingerprint="f" * 64, preview=PREVIEW, stale=False, calls=None):
    """The real importer, with the fingerprint/preview/stale the importer is gaining."""

    def import_sheet(*, expect=None, **kwargs):
        if calls is not None:
            calls.append(expect)
        plan, result = real(**{**kwargs, "save": kwargs["save"] and not stale})
        plan.fingerprint, plan.preview, plan.stale = fingerprint, preview, stale
        return plan, result

    return import_sheet


def test_the_dry_run_stores_and_shows_the_preview(client_as, staf, code, monkeypatch):
    existing = CooperativeFactory(name="Koperasi Lama", nik="N-2")
    preview = {**PREVIEW, "update": [{**PREVIEW["update"][0], "pk": existing.pk}]}
    calls = []
    monkeypatch.setattr(jobs, "import_sheet", fake_import_sheet(jobs.import_sheet, preview=preview, calls=calls))
    client = client_as(staf)
    job = upload(client, f"N-1,,Koperasi Baru Sejahtera,Konsumen,{code}\n")
    assert job.status == State.READY
    assert (job.fingerprint, job.preview) == ("f" * 64, preview)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Akan dibuat" in page and "Koperasi Baru Sejahtera" in page and "KOP-0001" in page
    assert "kode dibuat otomatis" in page and "dan 40 lainnya" in page
    assert "Akan diperbarui" in page and reverse("cooperatives:cooperative_detail", args=[existing.pk]) in page
    assert "Alamat: <del" in page and "Jl. Lama 1" in page and "Jl. Baru 2" in page

    client.post(reverse("cooperatives:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == State.DONE
    assert calls == [None, "f" * 64]  # confirm passes the checked fingerprint as expect


def test_a_plan_that_changed_since_the_check_is_never_saved(client_as, staf, code, monkeypatch):
    client = client_as(staf)
    job = upload(client, f"N-1,,Koperasi Baru,Konsumen,{code}\n")
    assert job.status == State.READY
    new_preview = {"create": [], "update": [], "create_total": 0, "update_total": 0}
    monkeypatch.setattr(jobs, "import_sheet",
                        fake_import_sheet(jobs.import_sheet, fingerprint="a" * 64, preview=new_preview, stale=True))
    client.post(reverse("cooperatives:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == State.READY and job.finished_at is None
    assert (job.fingerprint, job.preview) == ("a" * 64, new_preview)
    assert job.message == "Data berubah sejak pemeriksaan; periksa rencana baru ini lalu simpan lagi."
    assert not Cooperative.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Data berubah sejak pemeriksaan" in page and "Simpan semua" in page


@pytest.mark.parametrize("stage", [State.CHECKING, State.SAVING])
def test_a_stopped_worker_is_reported_and_retry_runs_the_same_stage(client_as, staf, code, stage):
    client = client_as(staf)
    job = upload(client, f"N-1,,Koperasi Baru,Konsumen,{code}\n")
    ImportJob.objects.filter(pk=job.pk).update(status=stage, processed=0)
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" in fragment and "Pekerja berhenti" not in fragment
    assert client.post(reverse("cooperatives:import_job_retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt) == (stage, 1)  # still alive: not run again

    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=61))
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Pekerja berhenti sebelum selesai; tidak ada yang disimpan." in fragment
    assert "hx-trigger" not in fragment
    assert ("Coba lagi menyimpan" if stage == State.SAVING else "Coba lagi memeriksa") in fragment

    client.post(reverse("cooperatives:import_job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.attempt == 2
    assert job.status == (State.DONE if stage == State.SAVING else State.READY)
    assert Cooperative.objects.count() == (1 if stage == State.SAVING else 0)
    # The run queued before the retry, reaching a worker late, does nothing.
    assert jobs.import_job_run(job.pk, save=stage == State.SAVING, attempt=1).attempt == 2
    assert Cooperative.objects.count() == (1 if stage == State.SAVING else 0)


def test_a_worker_stopped_at_once_shows_the_job_stopped(staf, code, monkeypatch):
    job = ImportJob.objects.create(kind="koperasi", user=staf, original_name="a.csv", attempt=1,
                                   file=SimpleUploadedFile("a.csv", (HEADER + f"N-1,,K,Konsumen,{code}\n").encode()))

    def interrupted(**kwargs):
        raise SystemExit(1)  # the worker's second SIGTERM

    monkeypatch.setattr(jobs, "import_sheet", interrupted)
    with pytest.raises(SystemExit):
        jobs.import_job_run(job.pk, save=False, attempt=1)
    job.refresh_from_db()
    assert job.status == State.CHECKING and job.is_stalled


@pytest.mark.parametrize("who, status", [(None, 302), (access.KABID, 403), (access.PENDAMPING, 403),
                                         ("other staf", 404), ("owner", 302), (access.ADMIN, 302)])
def test_retry_is_for_the_owner_and_admin(client, make_user, staf, code, who, status):
    client.force_login(staf)
    job = upload(client, f"N-1,,Koperasi Baru,Konsumen,{code}\n")
    client.logout()
    if who == "owner":
        client.force_login(staf)
    elif who == "other staf":
        client.force_login(make_user(access.STAF, username="staf-lain"))
    elif who:
        client.force_login(make_user(who, username=f"u-{who.lower()}"))
    response = client.post(reverse("cooperatives:import_job_retry", args=[job.pk]))
    assert response.status_code == status
    if who is None:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [3, 30])
def test_the_job_page_with_its_preview_runs_a_bounded_number_of_queries(client_as, staf, code, rows, monkeypatch,
                                                                       django_assert_max_num_queries):
    preview = {"create": [{"row": i, "name": f"K {i}", "code": f"C{i}", "generated_code": False} for i in range(rows)],
               "update": [], "create_total": rows, "update_total": 0}
    monkeypatch.setattr(jobs, "import_sheet", fake_import_sheet(jobs.import_sheet, preview=preview))
    client = client_as(staf)
    job = upload(client, f"N-1,,Koperasi Baru,Konsumen,{code}\n")
    with django_assert_max_num_queries(QUERY_BUDGETS["import_job"]):
        assert client.get(job.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGETS["import_job"]):
        assert client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").status_code == 200


def test_preview_more_counts_what_the_lists_leave_out():
    job = ImportJob(preview={"create": [{}] * 3, "create_total": 10, "update": [], "update_total": 0})
    assert job.preview_more == {"create": 7, "update": 0}
    assert ImportJob(preview={}).preview_more == {"create": 0, "update": 0}
