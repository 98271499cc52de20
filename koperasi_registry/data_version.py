"""The data's versions: one number per table, which grows after every committed change to
that table.

The dashboard pages' figures (``dashboard.selectors.cache``) are kept with the versions
of the tables they were computed from, so a figure is reused only while none of those
tables has changed since. The versions must therefore move with *every* write, whichever
code path makes it: a form, the admin, the import's bulk writes, ``QuerySet.update()``, a
raw cursor, a management command or a migration. It is not left to each write path to
remember: every database connection Django opens gets an execute wrapper (:func:`install`)
that sees each statement. A statement that may change rows (anything but a read, a
savepoint or a session setting) schedules a bump of its table's version **after** its
transaction commits (``transaction.on_commit``; in autocommit mode right away). A statement
whose table cannot be read off it (DDL, a data-modifying ``WITH``, ``COPY``) bumps
:data:`ALL`, which every kept figure depends on:

- after the commit, not inside the transaction: a page reading the versions before the
  change is committed must not be able to read the old data under the new numbers; and a
  counter row updated inside every writing transaction would hold a lock that serialises
  all writers (an import's save holds its transaction for a minute);
- a reader that read the old numbers just before the bump may compute newer figures under
  them: harmless, they are newer, and the next request reads the new numbers. The user
  who saved reads the new numbers on their next page: the bump runs before the response;
- a transaction rolled back (or a savepoint rolled back before its transaction's first
  bump was scheduled) drops its bump with it;
- inside a test's own transaction (pytest-django wraps each test in one that never
  commits) the bump runs at once, in the same transaction as the test's data.

Ignored tables are technical logs that no figure counts (sessions, sign-in throttling, the
task queue, background jobs' progress, the admin's log) and a sign-in's ``last_login``.
Writes outside Django (psql, ``pg_restore``, ``COPY`` from a shell) are not seen:
``manage.py bump_data_version`` after them (README, "Dashboard figures kept while their
tables do not change").
A version never goes back: each bump takes at least the clock in microseconds, so that a
database restored from an older backup still moves past every number kept before.
"""

from __future__ import annotations

import logging
import re
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

logger = logging.getLogger(__name__)

ALL = "*"  # the version every kept figure depends on: a change whose table is not known
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
_ROLLBACK_TO = re.compile(r'\s*rollback\s+to\s+savepoint\s+"?(\w+)"?', re.IGNORECASE)
_LAST_LOGIN = re.compile(r'\s*update\s+"?auth_user"?\s+set\s+"?last_login"?\s*=\s*%s\s+where\b', re.IGNORECASE)


def changed_tables(sql) -> frozenset[str]:
    """The tables the statement ``sql`` may change, for the versions: none for a read or an
    ignored table, :data:`ALL` when it cannot be told."""
    if not isinstance(sql, str):
        return frozenset({ALL})
    write = _WRITE.match(sql)
    if write:
        table = write.group(1).lower().split(".")[-1]
        return frozenset() if table in IGNORED_TABLES or _LAST_LOGIN.match(sql) else frozenset({table})
    if _READ.match(sql):
        return frozenset()
    if re.match(r"\s*with\b", sql, re.IGNORECASE) and not _WRITE_WORD.search(sql):
        return frozenset()
    return frozenset({ALL})  # DDL, COPY, MERGE, a writing WITH, anything else


def changes_data(sql) -> bool:
    """Whether the statement ``sql`` may change rows a figure counts. In doubt: yes."""
    return bool(changed_tables(sql))


FIGURES_CACHE = "figures"  # settings.CACHES: what is kept under these versions

# In a test's transaction: the tables bumped since the versions were last read, with the
# savepoints open at the time. Another write to them before the next read needs no bump of
# its own (whatever was kept before that read is already out of date) unless one of those
# savepoints was rolled back since (undoing the bump), so a test's bulk write costs one bump
# a table, as it costs one on commit outside tests.
_bumped_since_read: dict[str, tuple[str, ...]] = {}


def forget_figures(**kwargs) -> None:
    """Empty this host's kept figures (a settings change in tests, a failed bump)."""
    from django.core.cache import caches

    _bumped_since_read.clear()
    if FIGURES_CACHE in settings.CACHES:
        caches[FIGURES_CACHE].clear()


def current(using: str | None = None) -> dict[str, int]:
    """Every table's version now, ``{table: version}`` (one query, through the database
    router like the figures' reads); a table never changed is absent (version 0)."""
    from .models import DataVersion

    _bumped_since_read.clear()

    versions = DataVersion.objects.using(using) if using else DataVersion.objects
    return dict(versions.values_list("table", "value"))


def bump(tables=(ALL,), using: str = "default") -> None:
    """Move the versions of ``tables`` on: at least one more, and at least the clock in
    microseconds."""
    from .models import DataVersion

    tables = sorted(set(tables))
    floor = time.time_ns() // 1000
    try:
        updated = DataVersion.objects.using(using).filter(table__in=tables).update(value=_next_value(floor))
        if updated < len(tables):
            # A table's first change: its row. One statement, no transaction of its own (this
            # may run while the statement that changed the table still returns its rows).
            connection = connections[using]
            name, table, value = (connection.ops.quote_name(word) for word in (TABLE, "table", "value"))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {name} ({table}, {value}) VALUES {', '.join(['(%s, %s)'] * len(tables))} "
                    f"ON CONFLICT ({table}) DO NOTHING",
                    [part for each in tables for part in (each, floor)],
                )
    except DatabaseError:
        # The change itself is committed; without new numbers, forget this host's figures
        # so that at least they are computed again (other hosts wait for the next bump).
        logger.exception("The data versions could not be moved on")
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
    using = kwargs.get("using") or "default"
    if TABLE in connections[using].introspection.table_names():  # not after unapplying it
        bump(using=using)


class _PendingBump:
    """The bump a transaction schedules on commit, with the tables its writes touched."""

    def __init__(self, alias: str):
        self.alias = alias
        self.tables: set[str] = set()

    def __call__(self):
        bump(self.tables, using=self.alias)


def _rolled_back(sql: str) -> None:
    """A savepoint rolled back undid the bumps made inside it: forget them."""
    undone = _ROLLBACK_TO.match(sql)
    if undone:
        for table, savepoints in list(_bumped_since_read.items()):
            if undone.group(1) in savepoints:
                del _bumped_since_read[table]


def _schedule_bump(connection, tables: frozenset[str]) -> None:
    if _paused or connection.alias not in settings.DATABASES:
        return  # during migrate, or a connection to no database (``CREATE DATABASE``)
    if _in_a_test_transaction(connection):
        if not tables <= _bumped_since_read.keys():
            bump(tables, using=connection.alias)
            _bumped_since_read.update(dict.fromkeys(tables, tuple(connection.savepoint_ids)))
        return
    if not connection.in_atomic_block:
        bump(tables, using=connection.alias)
        return
    # One bump a transaction: add to the scheduled one while it is still pending (a
    # savepoint rolled back takes its callbacks with it; the next write schedules another).
    pending = getattr(connection, "_data_version_bump", None)
    if pending is None or not any(func is pending for _ids, func, _robust in connection.run_on_commit):
        pending = _PendingBump(connection.alias)
        connection._data_version_bump = pending
        connection.on_commit(pending)
    pending.tables |= tables


def _track_changes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    tables = changed_tables(sql)
    if tables:
        _schedule_bump(context["connection"], tables)
    elif _bumped_since_read and isinstance(sql, str):
        _rolled_back(sql)
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """Give ``connection`` (every connection Django opens, through ``connection_created``)
    the execute wrapper, once."""
    if _track_changes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track_changes)


def connect(app_config) -> None:
    """Called from ``AppConfig.ready``: wrap every connection, including those already open;
    ``migrate`` (and a test's ``flush``) bump once at their end."""
    from django.core.signals import setting_changed

    connection_created.connect(install, dispatch_uid="koperasi_registry.data_version")
    setting_changed.connect(forget_figures, dispatch_uid="koperasi_registry.forget_figures")
    pre_migrate.connect(_pause, dispatch_uid="koperasi_registry.data_version_pause")
    post_migrate.connect(_resume, sender=app_config, dispatch_uid="koperasi_registry.data_version_resume")
    for connection in connections.all(initialized_only=True):
        install(connection=connection)
