"""Dashboard figures computed once per version of the data, then reused.

A national office's figures aggregate every cooperative of the country (about a second at
200,000 cooperatives); most page views ask the same question again of unchanged data.
:func:`cached_figures` keeps a selector's answer in the ``figures`` cache under a key of
everything the answer depends on:

- the selector and its arguments besides ``user`` and ``period``;
- the period: year, today's date (statuses and "overdue" move with the day), kecamatan,
  drill-down region and scope;
- the user's office scope (the rows an office role sees; only office roles are cached, a
  Pendamping's figures are their own and computed every time);
- the language (labels in the answer);
- the data's version (``koperasi_registry.data_version``), which moves after every
  committed change to any table the figures could count.

So a figure is reused only while nothing it counts has changed: exact, never "a few
minutes old". The version is read once a page (``Period.data_version``). The cache is
files shared by a host's app processes (settings ``CACHES["figures"]``), so after a change
one process computes a figure and the others wait for it (``_computed_once``). As the
files outlive a restart, the key also holds the settings the rules read
(``rule_settings``) and a digest of the app's code (``code_version``): a changed deadline
or a new release never reads figures kept before it.
``DASHBOARD_CACHE_SECONDS = 0`` turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.utils import translation

from cooperatives.permissions import sees_whole_office
from koperasi_registry.access import office_scope

FIGURES_CACHE = "figures"
WAIT_SECONDS = 10  # how long a process waits for another's computation of the same figures
WAIT_STEP = 0.05
_MISSING = object()


RULE_SETTING_PREFIXES = ("RAT_", "ASSISTANTS_", "COOPERATIVE_", "OFFICE_", "MAP_")


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


def rule_settings() -> list:
    """The settings the figures depend on (deadlines, window, coaching thresholds, office)."""
    return [(name, getattr(settings, name)) for name in sorted(dir(settings)) if name.startswith(RULE_SETTING_PREFIXES)]


def _key(func, user, period, kwargs) -> str | None:
    if not sees_whole_office(user):
        return None
    parts = [
        code_version(), rule_settings(),
        func.__module__, func.__qualname__, sorted(kwargs.items()),
        office_scope(user).code, period.scope.code, period.region, period.year, period.today.isoformat(),
        period.district.pk if period.district is not None else None,
        translation.get_language(), period.data_version,
    ]
    return "figures:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_figures(func):
    """Keep ``func(*, user, period, **kwargs)``'s answer for this version of the data
    (module docstring). The answer must pickle (plain values, model instances)."""

    @functools.wraps(func)
    def wrapper(*, user, period=None, **kwargs):
        key = _key(func, user, period, kwargs) if period is not None and settings.DASHBOARD_CACHE_SECONDS else None
        if key is None:
            return func(user=user, period=period, **kwargs)
        cache = caches[FIGURES_CACHE]
        answer = cache.get(key, _MISSING)
        if answer is _MISSING:
            answer = _computed_once(cache, key, lambda: func(user=user, period=period, **kwargs))
        return answer

    wrapper.uncached = func
    return wrapper


def _computed_once(cache, key: str, compute):
    """Compute the figures for ``key`` and keep them; when another process of the host is
    computing the same ones (after a change, every worker's next dashboard view asks at
    once), wait up to ``WAIT_SECONDS`` for its answer instead of computing it a second
    time beside it on the same cores. The marker is best effort (``add`` of a file is not
    atomic): at worst two compute, never a wrong answer."""
    marker = f"{key}:computing"
    if cache.add(marker, True, WAIT_SECONDS):
        try:
            answer = compute()
            cache.set(key, answer, settings.DASHBOARD_CACHE_SECONDS)
            return answer
        finally:
            cache.delete(marker)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP)
        answer = cache.get(key, _MISSING)
        if answer is not _MISSING:
            return answer
        if not cache.has_key(marker):  # the other process failed: compute here
            break
    answer = compute()
    cache.set(key, answer, settings.DASHBOARD_CACHE_SECONDS)
    return answer


def forget_figures(**kwargs) -> None:
    """Empty this process's figures (a settings change in tests, a failed version bump)."""
    if FIGURES_CACHE in settings.CACHES:
        caches[FIGURES_CACHE].clear()


setting_changed.connect(forget_figures, dispatch_uid="koperasi_registry.forget_figures")
