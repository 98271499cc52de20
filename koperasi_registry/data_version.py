"""The data's version: a number that grows after every committed change to the data.

The dashboard pages' figures (``dashboard.selectors.cache``) are kept under the version
they were computed at, so a figure is reused only while nothing has changed since. The
version must therefore move with *every* write, whichever code path makes it: a form, the
admin, the import's bulk writes, ``QuerySet.update()``, a raw cursor, a management command
or a migration. It is not left to each write path to remember: every database connection
Django opens gets an execute wrapper (:func:`install`) that sees each statement. A
statement that may change rows (anything but a read, a savepoint or a session setting) on
a table not in :data:`IGNORED_TABLES` schedules a bump of the version **after** its
transaction commits (``transaction.on_commit``), in autocommit mode right away:

- after the commit, not inside the transaction: a page reading the version before the
  change is committed must not be able to read the old data under the new number; and a
  counter row updated inside every writing transaction would hold a lock that serialises
  all writers (an import's save holds its transaction for a minute);
- a reader that read the old number just before the bump may compute newer figures under
  it: harmless, they are newer, and the next request reads the new number. The user who
  saved reads the new number on their next page: the bump runs before the response.
- a transaction rolled back (or a savepoint released by an error) drops its bump with it;
- inside a test's own transaction (pytest-django wraps each test in one that never
  commits) the bump runs at once, in the same transaction as the test's data.

Ignored tables are technical logs that no figure counts (sessions, sign-in throttling, the
task queue, background jobs' progress, the admin's log) and a sign-in's ``last_login``.
Writes outside Django (psql, ``pg_restore``, ``COPY`` from a shell) are not seen:
``manage.py bump_data_version`` after them, or restart the app (README, "Operations").
The version never goes back: each bump takes at least the clock in microseconds, so that
a database restored from an older backup still moves past every number cached before.
"""

from __future__ import annotations

import functools
import logging
import re
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

logger = logging.getLogger(__name__)

TABLE = "koperasi_registry_dataversion"
IGNORED_TABLES = frozenset({
    TABLE,
    "django_session",
    "django_admin_log",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "django_tasks_database_dbtaskresult",
    "koperasi_registry_importjob",
    "koperasi_registry_exportjob",
})
_WRITE = re.compile(
    r"\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|truncate(?:\s+table)?|replace\s+into)"
    r"\s+(?:only\s+)?[\"`]?([\w.]+)",
    re.IGNORECASE,
)
# Reads: a (parenthesised, UNIONed) SELECT, a server-side cursor over one (DECLARE, FETCH,
# CLOSE: ``QuerySet.iterator()`` on PostgreSQL), transaction control and session settings.
_READ = re.compile(
    r"[\s(]*(?:select|values|declare|fetch|close|move"
    r"|savepoint|release|rollback|begin|commit|set|show|explain|pragma)\b",
    re.IGNORECASE,
)
_WRITE_WORD = re.compile(r"\b(?:insert|update|delete|merge)\b", re.IGNORECASE)
_LAST_LOGIN = re.compile(r'\s*update\s+"?auth_user"?\s+set\s+"?last_login"?\s*=\s*%s\s+where\b', re.IGNORECASE)


def changes_data(sql) -> bool:
    """Whether the statement ``sql`` may change rows a figure counts. In doubt: yes."""
    if not isinstance(sql, str):
        return True
    write = _WRITE.match(sql)
    if write:
        return write.group(1).lower() not in IGNORED_TABLES and not _LAST_LOGIN.match(sql)
    if _READ.match(sql):
        return False
    if re.match(r"\s*with\b", sql, re.IGNORECASE):
        return bool(_WRITE_WORD.search(sql))
    return True  # DDL, COPY, MERGE, anything else


def current(using: str | None = None) -> int:
    """The version now (one query, through the database router like the figures' reads)."""
    from .models import DataVersion

    versions = DataVersion.objects.using(using) if using else DataVersion.objects
    return versions.filter(pk=1).values_list("value", flat=True).first() or 0


def bump(using: str = "default") -> None:
    """Move the version on: at least one more, and at least the clock in microseconds."""
    from .models import DataVersion

    floor = time.time_ns() // 1000
    try:
        updated = DataVersion.objects.using(using).filter(pk=1).update(value=_next_value(floor))
        if not updated:
            DataVersion.objects.using(using).get_or_create(pk=1, defaults={"value": floor})
    except DatabaseError:
        # The change itself is committed; without a new number, forget this process's
        # figures so that at least they are computed again (others wait for the next bump).
        logger.exception("The data version could not be moved on")
        from .dashboard.selectors.cache import forget_figures

        forget_figures()


def _next_value(floor: int):
    """``value + 1``, or ``floor`` when that is larger (both databases: a CASE, not GREATEST)."""
    from django.db.models import Case, F, Value, When

    return Case(When(value__gte=floor, then=F("value") + 1), default=Value(floor))


def _in_a_test_transaction(connection) -> bool:
    """The outermost transaction is a test's, which never commits: nothing waits for it."""
    return bool(connection.atomic_blocks) and getattr(connection.atomic_blocks[0], "_from_testcase", False)


_paused = False


def _pause(**kwargs) -> None:
    """``migrate`` writes before this app's table exists: it bumps once at its end instead."""
    global _paused
    _paused = True


def _resume(**kwargs) -> None:
    global _paused
    _paused = False
    bump(kwargs.get("using") or "default")


def _schedule_bump(connection) -> None:
    if _paused or connection.alias not in settings.DATABASES:
        return  # during migrate, or a connection to no database (``CREATE DATABASE``)
    if not connection.in_atomic_block or _in_a_test_transaction(connection):
        bump(connection.alias)
        return
    # One bump a transaction: reuse the scheduled one while it is still pending (a savepoint
    # rolled back takes its callbacks with it, and the next write schedules a new one).
    pending = getattr(connection, "_data_version_bump", None)
    if pending is not None and any(func is pending for _ids, func, _robust in connection.run_on_commit):
        return
    pending = functools.partial(bump, connection.alias)
    connection._data_version_bump = pending
    connection.on_commit(pending)


def _track_changes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if changes_data(sql):
        _schedule_bump(context["connection"])
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """Give ``connection`` (every connection Django opens, through ``connection_created``)
    the execute wrapper, once."""
    if _track_changes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track_changes)


def connect(app_config) -> None:
    """Called from ``AppConfig.ready``: wrap every connection, including those already open;
    ``migrate`` (and a test's ``flush``) bump once at their end."""
    connection_created.connect(install, dispatch_uid="koperasi_registry.data_version")
    pre_migrate.connect(_pause, dispatch_uid="koperasi_registry.data_version_pause")
    post_migrate.connect(_resume, sender=app_config, dispatch_uid="koperasi_registry.data_version_resume")
    for connection in connections.all(initialized_only=True):
        install(connection=connection)
