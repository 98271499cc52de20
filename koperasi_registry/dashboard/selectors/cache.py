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
minutes old". The version is read once a page (``Period.data_version``). Settings that
change the rules change only with a restart, which empties the cache (a test's settings
override empties it too). ``DASHBOARD_CACHE_SECONDS = 0`` turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.utils import translation

from cooperatives.permissions import sees_whole_office
from koperasi_registry.access import office_scope

FIGURES_CACHE = "figures"
_MISSING = object()


def _key(func, user, period, kwargs) -> str | None:
    if not sees_whole_office(user):
        return None
    parts = [
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
            answer = func(user=user, period=period, **kwargs)
            cache.set(key, answer, settings.DASHBOARD_CACHE_SECONDS)
        return answer

    wrapper.uncached = func
    return wrapper


def forget_figures(**kwargs) -> None:
    """Empty this process's figures (a settings change in tests, a failed version bump)."""
    if FIGURES_CACHE in settings.CACHES:
        caches[FIGURES_CACHE].clear()


setting_changed.connect(forget_figures, dispatch_uid="koperasi_registry.forget_figures")
