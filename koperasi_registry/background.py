"""Running jobs on the worker (README, "Background jobs"): queueing after commit, and a
heartbeat that tells a job whose worker died from one that is still working."""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
from functools import partial

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits, so that the worker finds the
    job row it is given. A backend configured with ``"ENQUEUE_ON_COMMIT": False`` (the
    test settings' ImmediateBackend, whose tests run inside a transaction that never
    commits) is given the task at once."""
    options = settings.TASKS.get(task.backend or DEFAULT_TASK_BACKEND_ALIAS, {})
    if options.get("ENQUEUE_ON_COMMIT", True):
        transaction.on_commit(partial(task.enqueue, *args, **kwargs))
    else:
        task.enqueue(*args, **kwargs)


def restart_job(model, pk, *, states, enqueue, status=None, stalled_only: bool = False) -> bool:
    """Queue a job again as a new attempt: lock its row, check it is in one of ``states``
    (and, with ``stalled_only``, that its worker stopped), reset its progress, optionally
    move it to ``status``, and hand it to ``enqueue``. False if it could not be restarted."""
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=pk, status__in=states).first()
        if job is None or (stalled_only and not job.is_stalled):
            return False
        job.status = status or job.status
        job.processed, job.message, job.attempt = 0, "", job.attempt + 1
        job.save(update_fields=["status", "processed", "message", "attempt", "updated_at"])
        enqueue(job)
    return True


def long_ago() -> datetime.datetime:
    """An ``updated_at`` that makes a running job count as stopped at once."""
    return timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)


@contextlib.contextmanager
def heartbeat(queryset):
    """While the block runs, touch ``updated_at`` of the rows of ``queryset`` (the job,
    narrowed to its attempt and running states) every ``IMPORT_HEARTBEAT_SECONDS``.

    The beat comes from a thread with its own database connection, so it is seen while
    the job's own transaction is open (PostgreSQL). On SQLite it waits behind that
    transaction's write lock and may miss beats; that is logged and harmless. A killed
    worker stops beating, and after ``IMPORT_STALE_SECONDS`` the job shows as stopped.
    """
    interval = settings.IMPORT_HEARTBEAT_SECONDS
    if interval <= 0:
        yield
        return
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(interval):
                try:
                    queryset.update(updated_at=timezone.now())
                except DatabaseError:
                    logger.info("Heartbeat missed (database busy)", exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 30)
