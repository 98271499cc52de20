"""Dated periods (``start_date``, ``end_date``; no end date: not ended), in Python and SQL.

A period runs on a day from its first day to its last, both included; without an end date it
runs on every day from its start. The pure rules (``is_running``, ``overlaps``) and the same
rules as ``Q`` objects (``running_q``, ``overlapping_q``) over rows reached through ``path``
(``""`` on the rows themselves; ``"assignments"`` from a cooperative to its
``assistants.Assignment`` rows). They live here, not in ``assistants``, because the
cooperatives' own scope reads assignments and ``cooperatives`` never imports ``assistants``;
``AssignmentQuerySet.running_on`` and ``overlapping`` are these ``Q`` objects.
Tests prove the Python and the SQL agree at the boundaries.
"""

import datetime

from django.db.models import Q


def is_running(*, start: datetime.date, end: datetime.date | None, day: datetime.date) -> bool:
    """The period runs on ``day``: started on or before it, not ended before it."""
    return overlaps(start=start, end=end, first=day, last=day)


def overlaps(*, start: datetime.date, end: datetime.date | None, first: datetime.date, last: datetime.date) -> bool:
    """The period runs on some day from ``first`` to ``last`` (both included)."""
    return start <= last and (end is None or end >= first)


def overlapping_q(first: datetime.date, last: datetime.date, *, path: str = "") -> Q:
    """``overlaps`` as a ``Q`` on the periods reached through ``path``. One ``Q``, so in one
    ``filter()`` its conditions hold for the same related row."""
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}start_date__lte": last}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": first})
    )


def running_q(day: datetime.date, *, path: str = "") -> Q:
    """``is_running`` as a ``Q`` on the periods reached through ``path``."""
    return overlapping_q(day, day, path=path)
