"""Import jobs: the same code path, run by the background worker (``manage.py db_worker``)
with its progress in an ImportJob.

Stages: upload -> CHECKING (dry run) -> READY (or INVALID) -> confirm -> SAVING -> DONE.
Each stage is one task (``tasks.run_import_job``) queued after the job row commits. Saving
runs in one transaction (``importers``), so a worker killed mid-save leaves nothing; the
job's heartbeat stops, the page says so after ``IMPORT_STALE_SECONDS`` and "Coba lagi"
queues the same stage again.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from koperasi_registry.background import enqueue_on_commit, heartbeat, long_ago, restart_job
from koperasi_registry.models import ImportJob

from .cells import SheetError
from .importers import import_sheet
from .sheets import read_sheet

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000
State = ImportJob.State


def import_job_create(*, user, kind: str, upload) -> ImportJob:
    """Store the uploaded sheet and queue its check (the dry run)."""
    job = ImportJob(kind=kind, user=user, original_name=upload.name[:255], file=upload, attempt=1)
    job.save()
    _enqueue(job)
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """Queue the save of a job whose dry run found no errors. False if it was not ready."""
    return restart_job(ImportJob, job.pk, states={State.READY}, status=State.SAVING, enqueue=_enqueue)


def import_job_retry(*, job: ImportJob) -> bool:
    """Queue again the stage of a job whose worker stopped. False unless it had stopped."""
    return restart_job(ImportJob, job.pk, states=set(ImportJob.RUNNING), stalled_only=True, enqueue=_enqueue)


def _enqueue(job: ImportJob) -> None:
    """Queue the job's stage: the check (dry run), or the save once confirmed."""
    from .tasks import run_import_job

    enqueue_on_commit(run_import_job, job.pk, job.attempt, job.status == State.SAVING)


def import_job_run(job_id: int, *, save: bool, attempt: int | None = None) -> ImportJob:
    """Check the job's sheet (and save it, if asked), recording progress and the outcome.

    ``attempt`` (from the task) makes a run that was queued before a retry do nothing.
    The rows are checked again before saving, against the data as it is now; saving
    refuses to write when that check differs from the one the user confirmed.
    Progress is written outside the saving transaction so that the polling page sees it.
    """
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    stage = State.SAVING if save else State.CHECKING
    if attempt is not None and (job.attempt != attempt or job.status != stage):
        logger.info("Import job %s: run %s superseded (now attempt %s, %s)", job_id, attempt, job.attempt, job.status)
        return job
    mine = ImportJob.objects.filter(pk=job_id, attempt=job.attempt)

    def progress(done: int) -> None:
        mine.update(processed=min(done, job.total), updated_at=timezone.now())

    try:
        with heartbeat(mine.filter(status__in=ImportJob.RUNNING)):
            _run(job, save=save, progress=progress, mine=mine)
    except BaseException:
        # The worker was told to stop at once (a second SIGTERM, Ctrl-C): the saving
        # transaction is rolled back as this unwinds. Show the job as stopped now.
        mine.filter(status__in=ImportJob.RUNNING).update(updated_at=long_ago())
        raise
    return job


def _run(job: ImportJob, *, save: bool, progress, mine) -> None:
    try:
        with job.file.open("rb") as handle:
            sheet = read_sheet(handle, job.original_name, job.kind)
        job.total = len(sheet.rows)
        mine.update(total=job.total, processed=0, updated_at=timezone.now())
        # Saving writes only the plan the user confirmed (its fingerprint), else returns the new one.
        expect = job.fingerprint if save and job.fingerprint else None
        plan, result = import_sheet(
            kind=job.kind, sheet=sheet, user=job.user, save=save, progress=progress, expect=expect
        )
        job.processed = job.total
        job.error_count = len(plan.errors)
        job.errors = plan.errors[:MAX_STORED_ERRORS]
        if plan.errors:
            job.status = State.INVALID
        elif result is None:
            job.status = State.READY
            job.created_count, job.updated_count, job.unchanged_count = (
                len(plan.create), len(plan.update), plan.unchanged,
            )
            job.fingerprint = plan.fingerprint
            job.preview = plan.preview
            if plan.stale:
                job.message = _("Data berubah sejak pemeriksaan; periksa rencana baru ini lalu simpan lagi.")
        else:
            job.status = State.DONE
            job.created_count, job.updated_count, job.unchanged_count = (
                result.created, result.updated, result.unchanged,
            )
    except SheetError as exc:
        job.status, job.message = State.FAILED, str(exc)
    except IntegrityError:
        logger.warning("Import job %s hit a database constraint", job.pk, exc_info=True)
        job.status = State.FAILED
        job.message = _("Data berubah selama impor (NIK, Kode dinas atau tahun buku bentrok). "
                        "Tidak ada yang disimpan; unggah ulang berkasnya.")
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        job.status = State.FAILED
        job.message = _("Terjadi kesalahan tak terduga. Tidak ada yang disimpan.")
    job.finished_at = None if job.status == State.READY else timezone.now()
    job.processed = min(job.processed, job.total)
    fields = ("status", "total", "processed", "errors", "error_count", "message", "created_count",
              "updated_count", "unchanged_count", "fingerprint", "preview", "finished_at")
    mine.update(updated_at=timezone.now(), **{name: getattr(job, name) for name in fields})
