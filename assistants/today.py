"""A Pendamping's day: what the home page lists for them (``today_work``), and the rule
for their monthly visit share (``monthly_visit_share``, pure).

Every read starts from ``visible_to(user)`` (a Pendamping: their currently assigned
cooperatives); the page runs the same five queries whatever the number of rows.
"""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from . import coaching, conf, selectors
from .choices import FollowUpStatus
from koperasi_registry.access import office_scope
from koperasi_registry.scopes import Scope

from .models import Assignment, CoachingTarget, CoachingVisit, FollowUp

DUE_ROWS = 15  # rows shown of each list; the full list is one tap away
FOLLOWUP_ROWS = 10
UPCOMING_DAYS = 14  # "upcoming" follow-ups: due within this many days


@dataclass(frozen=True)
class MonthlyShare:
    cooperatives: int  # the assistant's share of the year's target, in cooperatives
    visits: int  # visits a month that coach that many cooperatives in a year
    done: int  # visits logged this month
    percent: int  # done against visits, 0..100 and beyond, rounded down


def monthly_visit_share(
    *, assigned: int, office_assigned: int, target: int | None, min_visits: int, done: int = 0
) -> MonthlyShare:
    """An assistant's share of the year's coaching target, as visits a month.

    - Their share in cooperatives: the year's target spread over the office's assigned
      cooperatives in proportion to the assistant's own (``target * assigned /
      office_assigned``, rounded up), never more than they are assigned. Without a
      target (or with no assigned cooperatives in the office) every assigned cooperative
      is their share.
    - A cooperative counts as coached with ``min_visits`` qualifying visits in a year
      (``assistants.conf``), so the share needs ``cooperatives * min_visits`` visits a
      year: a twelfth of that a month, rounded up.

    E.g. 12 assigned of the office's 120, a target of 60, 2 visits to coach: a share of 6
    cooperatives, 12 visits a year, 1 a month."""
    if min(assigned, office_assigned, min_visits, done) < 0 or (target is not None and target < 0):
        raise ValueError("counts cannot be negative")
    if target is None or office_assigned == 0:
        cooperatives = assigned
    else:
        cooperatives = min(assigned, math.ceil(target * assigned / office_assigned))
    visits = math.ceil(cooperatives * max(min_visits, 1) / 12)
    percent = 100 if visits == 0 else (done * 100) // visits
    return MonthlyShare(cooperatives=cooperatives, visits=visits, done=done, percent=percent)


def due_cooperatives(*, user, today: datetime.date | None = None):
    """The user's visible cooperatives due for a visit (``coaching.visit_is_due``), never
    visited first, then the longest unvisited."""
    return (
        selectors.my_cooperatives(user=user, today=today)
        .filter(is_due=True)
        .order_by(F("last_visit").asc(nulls_first=True), "name", "pk")
    )


def open_followups(*, user, today: datetime.date | None = None):
    """Open follow-ups of the user's visible cooperatives, soonest due first (overdue ones
    therefore on top)."""
    return (
        selectors.followup_list(user=user, today=today)
        .filter(status=FollowUpStatus.OPEN)
        .order_by("due_date", "id")
    )


def followup_counts(*, user, today: datetime.date) -> dict:
    """Open, overdue and upcoming (due within ``UPCOMING_DAYS``) follow-ups: one query."""
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    return FollowUp.objects.visible_to(user).open().aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(due_date__lt=today)),
        upcoming=Count("id", filter=Q(due_date__gte=today, due_date__lte=horizon)),
    )


def year_target(year: int, *, scope: Scope) -> int | None:
    """The year's coaching target for the office ``scope``: its office-wide one, else the
    sum of the kecamatan targets inside it, else ``None``."""
    rows = CoachingTarget.objects.in_office(scope=scope).filter(year=year).aggregate(
        office=Sum("target_count", filter=Q(district__isnull=True, office_code=scope.code)),
        districts=Sum("target_count", filter=Q(district__isnull=False)),
    )
    return rows["office"] if rows["office"] is not None else rows["districts"]


def month_share(*, user, today: datetime.date) -> MonthlyShare:
    """``monthly_visit_share`` for ``user`` in ``today``'s month: three queries (the
    assignments counted, the target, the month's visits). The office's assigned
    cooperatives are those currently assigned in the kabupaten/kota of the user's own."""
    current = Assignment.objects.current(today)
    # The office: the kabupaten/kota of the user's own assigned cooperatives.
    regencies = current.filter(assistant__user=user).values("cooperative__village__district__regency")
    counts = current.filter(cooperative__village__district__regency__in=regencies).aggregate(
        mine=Count("cooperative", filter=Q(assistant__user=user), distinct=True),
        office=Count("cooperative", distinct=True),
    )
    first, last = coaching.month_bounds(today.year, today.month)
    done = CoachingVisit.objects.filter(assistant__user=user, visit_date__range=(first, last)).count()
    return monthly_visit_share(
        assigned=counts["mine"], office_assigned=counts["office"], target=year_target(today.year, scope=office_scope(user)),
        min_visits=conf.coached_min_visits(), done=done,
    )


def today_work(*, user, today: datetime.date | None = None) -> dict:
    """Everything the Pendamping's home page lists (``dashboard/_pendamping_home.html``)."""
    today = today or timezone.localdate()
    due = list(due_cooperatives(user=user, today=today)[: DUE_ROWS + 1])
    return {
        "today": today,
        "interval_days": conf.visit_interval_days(),
        "due": due[:DUE_ROWS],
        "due_more": len(due) > DUE_ROWS,
        "followups": list(open_followups(user=user, today=today)[:FOLLOWUP_ROWS]),
        "followup_counts": followup_counts(user=user, today=today),
        "upcoming_days": UPCOMING_DAYS,
        "share": month_share(user=user, today=today),
        "min_visits": conf.coached_min_visits(),
    }
