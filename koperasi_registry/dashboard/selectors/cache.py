"""Dashboard figures computed once, then reused while nothing they were computed from has
changed.

A national office's figures aggregate every cooperative of the country (about a second at
200,000 cooperatives); most page views ask the same question again of unchanged data.
:func:`cached_figures` keeps a selector's answer in the ``figures`` cache under a key of
everything the question depends on besides the data:

- the selector and its arguments besides ``user`` and ``period``;
- the period: year, today's date (statuses and "overdue" move with the day), kecamatan,
  drill-down region and scope;
- the user's office scope (the rows an office role sees; only office roles are cached, a
  Pendamping's figures are their own and computed every time);
- the language (labels in the answer);
- the settings the rules read (``rule_settings``) and a digest of the app's code
  (``code_version``): the files outlive a restart, and a changed deadline or a new
  release never reads figures kept before it.

With the answer it keeps **the versions of the tables the computation read**
(``koperasi_registry.data_version``; the tables are read off the SQL it ran, so none can
be forgotten), as they were before it started. An answer is reused only while every one
of those tables still has that version, and :data:`~koperasi_registry.data_version.ALL`
too: exact, never "a few minutes old". A saved visit recomputes the visit figures, not the
cooperatives' statuses. The versions are read once a page (``Period.data_versions``).

The cache is files shared by a host's app processes (settings ``CACHES["figures"]``), so
after a change one process computes a figure and the others wait for it
(``_computed_once``). ``DASHBOARD_CACHE_SECONDS = 0`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.utils import translation

from cooperatives.permissions import sees_whole_office
from koperasi_registry.access import office_scope
from koperasi_registry.data_version import ALL, FIGURES_CACHE

WAIT_SECONDS = 10  # how long a process waits for another's computation of the same figures
WAIT_STEP = 0.05
RULE_SETTING_PREFIXES = ("RAT_", "ASSISTANTS_", "COOPERATIVE_", "OFFICE_", "MAP_")
_MISSING = object()
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@functools.cache
def code_version() -> str:
    """A digest of the app's own Python code: figures kept by an older release (the files
    outlive a restart) are never read by a newer one."""
    from django.apps import apps

    digest = hashlib.sha256()
    for label in ("koperasi_registry", "cooperatives", "assistants"):
        root = Path(apps.get_app_config(label).path)
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def known_tables() -> frozenset[str]:
    """Every model's table (auto-created many-to-many tables included)."""
    from django.apps import apps

    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))


def rule_settings() -> list:
    """The settings the figures depend on (deadlines, window, coaching thresholds, office)."""
    return [(name, getattr(settings, name)) for name in sorted(dir(settings)) if name.startswith(RULE_SETTING_PREFIXES)]


# The tables_read() collections open in this thread or task: a kept answer reused inside
# another's computation adds the tables it was computed from to them.
_collecting: contextvars.ContextVar[tuple[set, ...]] = contextvars.ContextVar("figures_collecting", default=())


@contextlib.contextmanager
def tables_read():
    """Collect the tables named in every statement run meanwhile, on every connection (a
    read may go to the replica): a superset of the tables read, as any word of the SQL that
    is a table's name counts; and those of kept answers reused meanwhile."""
    found: set[str] = set()
    tables = known_tables()
    token = _collecting.set((*_collecting.get(), found))

    def collect(execute, sql, params, many, context):
        if isinstance(sql, str):
            found.update(word for word in _WORD.findall(sql) if word in tables)
        else:
            found.add(ALL)
        return execute(sql, params, many, context)

    try:
        with contextlib.ExitStack() as stack:
            for alias in settings.DATABASES:
                stack.enter_context(connections[alias].execute_wrapper(collect))
            yield found
    finally:
        _collecting.reset(token)


def _reused(entry):
    """A kept answer, its tables added to the computations under way around it."""
    for found in _collecting.get():
        found.update(entry[0])
    return entry[1]


def _key(func, user, period, kwargs) -> str | None:
    if not sees_whole_office(user):
        return None
    parts = [
        code_version(), rule_settings(),
        func.__module__, func.__qualname__, sorted(kwargs.items()),
        office_scope(user).code, period.scope.code, period.region, period.year, period.today.isoformat(),
        period.district.pk if period.district is not None else None,
        translation.get_language(),
    ]
    return "figures:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _still_valid(entry, versions: dict) -> bool:
    return entry is not _MISSING and all(versions.get(table, 0) == seen for table, seen in entry[0].items())


def cached_figures(func):
    """Keep ``func(*, user, period, **kwargs)``'s answer while the tables it read do not
    change (module docstring). The answer must pickle (plain values, model instances)."""

    @functools.wraps(func)
    def wrapper(*, user, period=None, **kwargs):
        key = _key(func, user, period, kwargs) if period is not None and settings.DASHBOARD_CACHE_SECONDS else None
        if key is None:
            return func(user=user, period=period, **kwargs)
        cache = caches[FIGURES_CACHE]
        versions = period.data_versions
        entry = cache.get(key, _MISSING)
        if _still_valid(entry, versions):
            return _reused(entry)
        return _computed_once(cache, key, versions, lambda: func(user=user, period=period, **kwargs))

    wrapper.uncached = func
    return wrapper


def _compute_and_keep(cache, key: str, versions: dict, compute):
    with tables_read() as tables:
        answer = compute()
    seen = {table: versions.get(table, 0) for table in tables | {ALL}}
    cache.set(key, (seen, answer), settings.DASHBOARD_CACHE_SECONDS)
    return answer


def _computed_once(cache, key: str, versions: dict, compute):
    """Compute the figures for ``key`` and keep them with the ``versions`` read before;
    when another process of the host is computing the same ones (after a change, every
    worker's next dashboard view asks at once), wait up to ``WAIT_SECONDS`` for its answer
    instead of computing it a second time beside it on the same cores. The marker is best
    effort (``add`` of a file is not atomic): at worst two compute, never a wrong answer."""
    marker = f"{key}:computing"
    if cache.add(marker, True, WAIT_SECONDS):
        try:
            return _compute_and_keep(cache, key, versions, compute)
        finally:
            cache.delete(marker)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP)
        entry = cache.get(key, _MISSING)
        if _still_valid(entry, versions):
            return _reused(entry)
        if not cache.has_key(marker):  # the other process is done, with older data, or failed
            break
    return _compute_and_keep(cache, key, versions, compute)


