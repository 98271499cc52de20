"""Import jobs: the same code path in a background thread, with progress in an ImportJob."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koperasi_registry.models import ImportJob

from .cells import SheetError
from .importers import import_sheet
from .sheets import read_sheet

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000


# --- Jobs: the same code path, run in a background thread with progress -------------------


def import_job_create(*, user, kind: str, upload) -> ImportJob:
    """Store the uploaded sheet and start checking it (the dry run)."""
    job = ImportJob(kind=kind, user=user, original_name=upload.name[:255], file=upload)
    job.save()
    _start(job.pk, save=False)
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """Start saving a job whose dry run found no errors. False if it was not ready."""
    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.State.READY).update(
        status=ImportJob.State.SAVING, processed=0, updated_at=timezone.now()
    )
    if started:
        _start(job.pk, save=True)
    return bool(started)


def _start(job_id: int, *, save: bool) -> None:
    """Run inline when ``settings.IMPORT_RUN_INLINE`` (tests, commands), else in a thread."""
    if getattr(settings, "IMPORT_RUN_INLINE", False):
        import_job_run(job_id, save=save)
        return

    def work():
        try:
            import_job_run(job_id, save=save)
        finally:
            connections.close_all()  # this thread's own connections

    transaction.on_commit(lambda: threading.Thread(target=work, name=f"import-{job_id}", daemon=True).start())


def import_job_run(job_id: int, *, save: bool) -> ImportJob:
    """Check the job's sheet (and save it, if asked), recording progress and the outcome.

    The rows are checked again before saving, against the data as it is now; progress is
    written outside the saving transaction so that the polling page can see it.
    """
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    State = ImportJob.State

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed=done, updated_at=timezone.now())

    try:
        with job.file.open("rb") as handle:
            sheet = read_sheet(handle, job.original_name, job.kind)
        ImportJob.objects.filter(pk=job_id).update(total=len(sheet.rows), processed=0, updated_at=timezone.now())
        job.total = len(sheet.rows)
        plan, result = import_sheet(kind=job.kind, sheet=sheet, user=job.user, save=save, progress=progress)
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
        else:
            job.status = State.DONE
            job.created_count, job.updated_count, job.unchanged_count = (
                result.created, result.updated, result.unchanged,
            )
    except SheetError as exc:
        job.status, job.message = State.FAILED, str(exc)
    except IntegrityError:
        logger.warning("Import job %s hit a database constraint", job_id, exc_info=True)
        job.status = State.FAILED
        job.message = _("Data berubah selama impor (NIK, Kode dinas atau tahun buku bentrok). "
                        "Tidak ada yang disimpan; unggah ulang berkasnya.")
    except Exception:
        logger.exception("Import job %s failed", job_id)
        job.status = State.FAILED
        job.message = _("Terjadi kesalahan tak terduga. Tidak ada yang disimpan.")
    if job.status != State.READY:
        job.finished_at = timezone.now()
    job.processed = min(job.processed, job.total)
    job.save()
    return job
