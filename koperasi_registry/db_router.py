"""Reads from a PostgreSQL read replica, writes and everything after a write on the primary.

With ``DATABASE_REPLICA_URL`` set, settings add a second alias, ``replica``
(``settings.DATABASE_REPLICA_ALIAS``), and this router sends to it the reads of web requests
that may tolerate a replica a moment behind the primary (streaming replication lag, usually
well under a second). Everything else reads the primary (``default``):

- any read outside a web request: the worker (``db_worker``), management commands, the
  shell, migrations (which run only on ``default``: :meth:`PrimaryReplicaRouter.allow_migrate`);
- every request that is not GET/HEAD/OPTIONS: a form's validation, uniqueness checks and
  the edit forms' version check (``koperasi_registry.concurrency``) read what the write
  will be checked against;
- the rest of a request after its first write (``db_for_write`` marks the request), and
  every read inside a ``transaction.atomic`` block on the primary (Django's own routing
  ignores transactions: a read in an atomic block would otherwise leave it for the replica);
  ``select_for_update()``, ``get_or_create()`` and ``update_or_create()`` are writes to Django;
- the next requests of the same browser for ``DATABASE_REPLICA_PIN_SECONDS`` after a request
  that wrote (read-your-writes after the redirect that follows a save): a cookie holds until
  when; a forged or missing cookie can only cost the browser fresh-enough reads of its own;
- sessions, login throttling (django-axes) and the task queue, whose rows must never be stale.

Without a replica (the usual, single-server installation) the router answers nothing and
Django uses ``default`` for everything.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PIN_COOKIE = "kr_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Apps whose rows decide who may do what, or what runs next: always the primary.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_tasks_database"})


@dataclass
class RequestReads:
    """Where one web request may read: ``replica_ok`` when it starts, ``wrote`` once it writes."""

    replica_ok: bool
    wrote: bool = False


_reads: ContextVar[RequestReads | None] = ContextVar("koperasi_registry_request_reads", default=None)


def replica_alias() -> str | None:
    alias = getattr(settings, "DATABASE_REPLICA_ALIAS", None)
    return alias if alias and alias in settings.DATABASES else None


def _in_primary_transaction() -> bool:
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


class PrimaryReplicaRouter:
    """``DATABASE_ROUTERS`` entry: see the module's docstring."""

    def db_for_read(self, model, **hints):
        alias = replica_alias()
        if alias is None:
            return None
        state = _reads.get()
        if (
            state is None
            or not state.replica_ok
            or state.wrote
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or _in_primary_transaction()
        ):
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        state = _reads.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS if replica_alias() else None

    def allow_relation(self, obj1, obj2, **hints):
        # A row read from the replica is the same row as on the primary.
        alias = replica_alias()
        if alias is None:
            return None
        return True if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, alias} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def pinned_until(request) -> float:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, 0))
    except ValueError:
        return 0.0


class ReplicaReadsMiddleware:
    """Marks each request as one that may read the replica (a GET not pinned by a recent
    write) or not, and pins the browser to the primary for ``DATABASE_REPLICA_PIN_SECONDS``
    after a request that wrote. Goes before SessionMiddleware, so that the session's own save
    counts as a write of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if replica_alias() is None:
            return self.get_response(request)
        now = time.time()
        state = RequestReads(replica_ok=request.method in SAFE_METHODS and pinned_until(request) <= now)
        token = _reads.set(state)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if state.wrote:
            seconds = settings.DATABASE_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{now + seconds:.0f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
