"""Pure rules of coaching work: plain values in, plain values out, no database.

Where a list filters or counts by one of these (overdue follow-ups, visits due), the same
rule is also written as a queryset expression in ``querysets.py``; tests prove both agree.
"""

import datetime
import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)


@dataclass(frozen=True)
class TargetProgress:
    coached: int
    target: int
    percent: int  # 0..100 and beyond when the target is exceeded, rounded down
    remaining: int
    reached: bool


def target_progress(*, coached: int, target: int) -> TargetProgress:
    """Coached cooperatives against a yearly target (a target of 0 counts as reached)."""
    if coached < 0 or target < 0:
        raise ValueError("coached and target cannot be negative")
    percent = 100 if target == 0 else (coached * 100) // target
    return TargetProgress(
        coached=coached,
        target=target,
        percent=percent,
        remaining=max(target - coached, 0),
        reached=coached >= target,
    )


def is_coached(*, qualifying_visits: int, min_visits: int) -> bool:
    """A cooperative is coached in a year with at least ``min_visits`` qualifying visits
    (visits of the configured kinds in that year; see ``assistants.conf``)."""
    return qualifying_visits >= max(min_visits, 1)


def followup_is_overdue(*, status: str, due_date: datetime.date | None, today: datetime.date) -> bool:
    """An open follow-up is overdue from the day after its due date."""
    from .choices import FollowUpStatus

    return status == FollowUpStatus.OPEN and due_date is not None and due_date < today


def visit_is_due(*, last_visit: datetime.date | None, today: datetime.date, interval_days: int) -> bool:
    """Due for a visit: never visited, or the last visit is ``interval_days`` or more ago."""
    return last_visit is None or (today - last_visit).days >= interval_days


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def visit_distance_m(*, visit_point, cooperative_point) -> int | None:
    """Whole metres between where the visit was logged and the cooperative's point, or
    ``None`` when either point is missing. Points are ``(lat, lon)`` pairs or ``None``."""
    if not visit_point or not cooperative_point:
        return None
    if None in visit_point or None in cooperative_point:
        return None
    return round(haversine_m(*map(float, visit_point), *map(float, cooperative_point)))


def assignment_overload(*, current: int, maximum: int) -> bool:
    """True when an assistant has more current assignments than the configured maximum."""
    return current > maximum


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a month."""
    first = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)
