"""The real worker: ``manage.py db_worker`` as a subprocess on the test database.

A worker killed (SIGKILL) while saving an import leaves nothing saved, and the job says so
once its heartbeat is older than IMPORT_STALE_SECONDS; "Coba lagi" saves it on a new
worker. Jobs queued while no worker runs (a web restart, a worker restart) are run when
one starts. A worker told to stop (SIGTERM) finishes the job in hand first.
"""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cooperatives.models import Cooperative, Kelompok, Village
from koperasi_registry import access
from koperasi_registry.models import ExportJob, ImportJob
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(django_settings.BASE_DIR)
HEADER = ["NIK", "Kode dinas", "Nama koperasi", "Jenis", "Bentuk", "Kelompok", "Kode desa (Kemendagri)",
          "Alamat", "Tanggal berdiri"]
State = ImportJob.State
STALE = 3  # seconds without a heartbeat before a running job counts as stopped


def database_url() -> str:
    """The test database, as the worker subprocess must be told."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def queue(settings, tmp_path):
    """Tasks go to the database queue; jobs count as stopped after STALE seconds."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_STALE_SECONDS = STALE
    settings.EXPORT_INLINE_MAX_ROWS = 2


@pytest.fixture
def start_worker(queue, settings, tmp_path):
    """``start_worker()``: a ``db_worker`` process on the test database."""
    workers = []

    def start(stale=STALE):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "koperasi_registry.settings.test",
            "DATABASE_URL": database_url(),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "IMPORT_STALE_SECONDS": str(stale),
            "IMPORT_HEARTBEAT_SECONDS": "1",
        }
        log = (tmp_path / f"worker-{len(workers)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        workers.append(process)
        return process

    yield start
    for process in workers:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    for log in sorted(tmp_path.glob("worker-*.log")):
        print(f"--- {log.name}", log.read_text()[-3000:], sep="\n")  # shown when a test fails


def wait_until(check, timeout=90, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if value := check():
                return value
        except OperationalError:  # SQLite: the worker's transaction holds the lock
            pass
        time.sleep(step)
    raise AssertionError("timed out")


def sheet(rows: int, prefix: str) -> SimpleUploadedFile:
    codes = list(Village.objects.in_regency("61.05").order_by("code").values_list("code", flat=True)[:5])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(rows):
        writer.writerow([f"{prefix}{i:06d}", f"K{prefix}-{i}", f"Koperasi {prefix} {i}", "Konsumen", "Primer", "KSU",
                         codes[i % len(codes)], f"Jl. Uji {i}", "01/02/2020"])
    return SimpleUploadedFile("besar.csv", out.getvalue().encode(), content_type="text/csv")


@pytest.fixture
def staf_client(client, make_user, sintang):
    Kelompok.objects.get_or_create(name="KSU")
    client.force_login(make_user(access.STAF, username="staf-pekerja"))
    return client


def upload(client, rows, prefix) -> ImportJob:
    response = client.post(reverse("cooperatives:cooperative_import"), {"file": sheet(rows, prefix)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


def status_of(job):
    job.refresh_from_db()
    return job.status


def stopped_then_retried(client, start_worker, job, rows):
    """No heartbeat for STALE seconds: the job reports the stopped worker and offers a
    retry, with nothing saved; "Coba lagi" queues the save again and a new worker does it."""
    wait_until(lambda: ImportJob.objects.get(pk=job.pk).is_stalled, timeout=STALE + 10)
    page = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Pekerja berhenti sebelum selesai; tidak ada yang disimpan." in page
    assert "hx-trigger" not in page and reverse("cooperatives:import_job_retry", args=[job.pk]) in page
    assert Cooperative.objects.count() == 0

    client.post(reverse("cooperatives:import_job_retry", args=[job.pk]))
    start_worker()
    wait_until(lambda: status_of(job) in (State.DONE, State.FAILED, State.READY))
    assert job.status == State.DONE, job.message
    assert (job.attempt, job.created_count) == (3, rows)
    assert Cooperative.objects.count() == rows


def test_a_worker_killed_mid_save_leaves_nothing_and_the_job_says_so(staf_client, start_worker):
    rows = 6000
    job = upload(staf_client, rows, "B")
    worker = start_worker()
    wait_until(lambda: status_of(job) in (State.READY, State.INVALID, State.FAILED))
    assert job.status == State.READY, (job.errors, job.message)
    assert job.created_count == rows and Cooperative.objects.count() == 0

    staf_client.post(reverse("cooperatives:import_job_confirm", args=[job.pk]))
    assert status_of(job) == State.SAVING
    # The save runs: its progress moves; kill the worker before it ends.
    wait_until(lambda: 0 < ImportJob.objects.get(pk=job.pk).processed < rows, step=0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    assert Cooperative.objects.count() == 0
    assert Cooperative.history.count() == 0
    job.refresh_from_db()
    assert job.status == State.SAVING and job.is_running  # not yet known to have stopped
    page = staf_client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" in page

    stopped_then_retried(staf_client, start_worker, job, rows)


WORKER_LOCK_SQL = """
    SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'relation' AND l.mode = 'RowExclusiveLock' AND l.granted
      AND l.relation = %s::regclass AND l.pid <> pg_backend_pid() AND a.datname = current_database()
"""


def worker_inserting(table: str, timeout: float = 60, step: float = 0.01) -> int:
    """The pid of another backend holding RowExclusiveLock on ``table``: its INSERTs have begun
    and, as that lock lasts until the transaction ends, the saving transaction is still open."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(WORKER_LOCK_SQL, [table])
            if row := cursor.fetchone():
                return row[0]
            time.sleep(step)
    raise AssertionError(f"no other backend held RowExclusiveLock on {table} within {timeout}s: "
                         "the worker's saving transaction was never seen writing")


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def kill_with_children(process: subprocess.Popen) -> None:
    """SIGKILL the worker and any processes it started (``db_worker --no-reload`` starts none)."""
    children = []
    for task in Path(f"/proc/{process.pid}/task").glob("*/children"):
        children += [int(pid) for pid in task.read_text().split()]
    process.send_signal(signal.SIGKILL)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: watches pg_locks for the worker's open saving transaction")
def test_a_worker_killed_inside_the_saving_transaction_leaves_nothing(staf_client, start_worker):
    rows = 6000
    job = upload(staf_client, rows, "X")
    worker = start_worker()
    wait_until(lambda: status_of(job) in (State.READY, State.INVALID, State.FAILED))
    assert job.status == State.READY, (job.errors, job.message)
    assert job.created_count == rows and Cooperative.objects.count() == 0

    staf_client.post(reverse("cooperatives:import_job_confirm", args=[job.pk]))
    assert status_of(job) == State.SAVING
    # The rows are checked again, then the transaction opens and the INSERTs start: kill then.
    backend = worker_inserting(Cooperative._meta.db_table)
    kill_with_children(worker)

    # PostgreSQL rolls back the dead connection's transaction once it notices the backend is gone.
    wait_until(lambda: not backend_alive(backend), timeout=30)
    assert Cooperative.objects.count() == 0
    assert Cooperative.history.count() == 0
    job.refresh_from_db()
    assert job.status == State.SAVING and job.is_running

    stopped_then_retried(staf_client, start_worker, job, rows)
    assert Cooperative.history.count() == rows


def test_jobs_queued_while_no_worker_runs_are_done_when_one_starts(staf_client, start_worker, sintang):
    job = upload(staf_client, 50, "Q")
    for i in range(3):
        CooperativeFactory(name=f"Koperasi Antre {i}")
    response = staf_client.get(reverse("cooperatives:cooperative_list"), {"_export": "xlsx"})
    export = ExportJob.objects.get()
    assert response["Location"] == export.get_absolute_url()
    # Nothing runs them in the web process: they wait in the database queue.
    time.sleep(1)
    assert (status_of(job), status_of(export)) == (State.CHECKING, ExportJob.State.QUEUED)
    assert DBTaskResult.objects.ready().count() == 2
    assert "Menunggu pekerja latar" in staf_client.get(export.get_absolute_url()).content.decode()

    start_worker(stale=600)
    wait_until(lambda: status_of(job) not in ImportJob.RUNNING and status_of(export) not in ExportJob.RUNNING)
    assert (job.status, export.status) == (State.READY, ExportJob.State.DONE), (job.message, export.message)
    assert job.created_count == 50 and export.total == 3
    download = staf_client.get(reverse("export_download", args=[export.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")
    assert not DBTaskResult.objects.ready().exists()


def test_a_worker_told_to_stop_finishes_the_job_in_hand(staf_client, start_worker):
    rows = 3000
    job = upload(staf_client, rows, "T")
    worker = start_worker(stale=600)
    wait_until(lambda: 0 < ImportJob.objects.get(pk=job.pk).processed, step=0.01)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=90) == 0
    assert status_of(job) == State.READY and job.created_count == rows
