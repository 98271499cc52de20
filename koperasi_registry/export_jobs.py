"""Large exports as background jobs: the list's own view rebuilds the filtered, scoped
rows for the job's user on the worker, and the rows are written to a file under
MEDIA_ROOT (served only to the job's owner, by ``export_views.ExportDownloadView``).

The view is the one the user asked (resolved from its URL name), called with a request
that carries the user and the query string: the same access check, selector, FilterSet
and table, so the file has exactly the rows and columns an inline export would have.
"""

from __future__ import annotations

import datetime
import io
import logging
import tempfile
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.http import Http404, QueryDict
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails
from openpyxl import Workbook
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from .background import enqueue_on_commit, heartbeat, long_ago, restart_job
from .exports import SafeCsvWriter, safe_sheet
from .models import ExportJob

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 1000  # rows between progress reports
State = ExportJob.State


def export_job_create(*, user, view_name: str, query: QueryDict, export_format: str, title: str,
                      filename: str, total: int) -> ExportJob:
    """Record the export of a list (its URL name and filters) and queue it for the worker."""
    query = query.copy()
    query.pop("_export", None)
    job = ExportJob.objects.create(
        user=user, view_name=view_name, query_string=query.urlencode(), format=export_format,
        title=title[:200], filename=filename[:200], total=total, attempt=1,
    )
    _enqueue(job)
    return job


def export_job_retry(*, job: ExportJob) -> bool:
    """Queue again an export whose worker stopped. False unless it had stopped."""
    return restart_job(
        ExportJob, job.pk, states=set(ExportJob.RUNNING), status=State.QUEUED, stalled_only=True, enqueue=_enqueue
    )


def _enqueue(job: ExportJob) -> None:
    from .tasks import run_export_job

    enqueue_on_commit(run_export_job, job.pk, job.attempt)


def export_job_run(job_id: int, *, attempt: int | None = None) -> ExportJob:
    """Write the job's file. A run queued before a retry (an older attempt) does nothing."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status != State.QUEUED or (attempt is not None and job.attempt != attempt):
        logger.info("Export job %s: run %s superseded (now attempt %s, %s)", job_id, attempt, job.attempt, job.status)
        return job
    mine = ExportJob.objects.filter(pk=job_id, attempt=job.attempt)
    mine.update(status=State.RUNNING, processed=0, updated_at=timezone.now())
    try:
        with heartbeat(mine.filter(status__in=ExportJob.RUNNING)):
            _run(job, mine)
    except BaseException:
        mine.filter(status__in=ExportJob.RUNNING).update(updated_at=long_ago())  # shown as stopped at once
        raise
    return job


def _run(job: ExportJob, mine) -> None:
    try:
        written = _write(job, mine)
    except Exception:
        logger.exception("Export job %s failed", job.pk)
        written = None
        job.status, job.message = State.FAILED, _("Ekspor gagal karena kesalahan tak terduga.")
    if written is not None and job.status != State.FAILED:
        job.status = State.DONE
        job.total = job.processed = written
    job.finished_at = timezone.now()
    fields = ("status", "message", "total", "processed", "file", "finished_at")
    mine.update(updated_at=timezone.now(), **{name: getattr(job, name) for name in fields})


def _write(job: ExportJob, mine) -> int | None:
    """Run the list's view for the job's user with a writer for its table; None if the
    user may no longer see that list."""
    path = reverse(job.view_name)
    query = QueryDict(job.query_string, mutable=True)
    query["_export"] = job.format
    request = RequestFactory().get(f"{path}?{query.urlencode()}")
    request.user = job.user
    request.htmx = HtmxDetails(request)
    match = resolve(path)
    view = match.func.view_class(**match.func.view_initkwargs)
    written: list[int] = []

    def writer(table, exclude_columns):
        rows = table.as_values(exclude_columns=exclude_columns)
        with tempfile.TemporaryFile() as handle:
            count = (_write_xlsx if job.format == ExportJob.Format.XLSX else _write_csv)(handle, rows, job, mine)
            handle.seek(0)
            job.file.save(job.filename or f"ekspor.{job.format}", File(handle), save=False)
        written.append(count)

    view.export_writer = writer
    view.setup(request, *match.args, **match.kwargs)
    try:
        response = view.dispatch(request, *match.args, **match.kwargs)
    except (PermissionDenied, Http404) as exc:
        response = exc
    if not written:
        logger.warning("Export job %s: the view answered %r", job.pk, response)
        job.status, job.message = State.FAILED, _("Anda tidak lagi berhak melihat daftar ini.")
        return None
    return written[0]


def _progress(job, mine, done: int) -> None:
    job.processed = min(done, job.total)
    mine.update(processed=job.processed, updated_at=timezone.now())


def _cell(value):
    """A value openpyxl writes as it is; anything else (lazy text, a model) as text."""
    if value is None or isinstance(value, (int, float, Decimal, bool, datetime.date, datetime.datetime, datetime.time)):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.make_naive(value)  # Excel has no time zones
        return value
    return str(value)


def _write_xlsx(handle, rows, job, mine) -> int:
    workbook = Workbook(write_only=True)  # streams rows to disk: memory stays flat
    title = INVALID_TITLE_REGEX.sub("-", job.title or "Data")[:31] or "Data"  # e.g. "Desa/kelurahan"
    sheet = safe_sheet(workbook.create_sheet(title=title))
    sheet.append([str(header) for header in next(rows)])
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.append([_cell(value) for value in row])
        if count % PROGRESS_EVERY == 0:
            _progress(job, mine, count)
    workbook.save(handle)
    return count


def _write_csv(handle, rows, job, mine) -> int:
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
    out = SafeCsvWriter(text)
    out.writerow([str(header) for header in next(rows)])
    count = 0
    for count, row in enumerate(rows, start=1):
        out.writerow(["" if value is None else value if isinstance(value, (int, float, Decimal)) else str(value) for value in row])
        if count % PROGRESS_EVERY == 0:
            _progress(job, mine, count)
    text.flush()
    text.detach()  # leave the file open for saving
    return count
