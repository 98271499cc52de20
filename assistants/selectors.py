"""Reads: every selector starts from ``visible_to(user)``; counts are SQL subqueries or
``values().annotate()`` aggregates, so a page runs the same number of queries whatever its
row count."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, IntegerField, Max, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cooperatives.models import Cooperative, District
from cooperatives.models.offices import scope_label
from cooperatives.querysets import visible_by_district_q
from cooperatives.status import status_date
from koperasi_registry.access import KABID

from . import coaching, conf
from .choices import FollowUpStatus
from .models import (
    Assignment,
    BusinessAssistant,
    CoachingVisit,
    FollowUp,
    VisitSummary,
)
from .models.summary import kinds_total


def _count(queryset, field="id"):
    """A correlated ``COUNT`` subquery (NetBox's ``count_related``): never multiplies rows."""
    subquery = queryset.order_by().annotate(_group=Value(1)).values("_group").annotate(n=Count(field)).values("n")
    return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)


def _today(today):
    return today or timezone.localdate()


# --- Assistants ----------------------------------------------------------------------


def assistant_list(*, user, today: datetime.date | None = None):
    today = _today(today)
    current = Assignment.objects.current(today).filter(assistant=OuterRef("pk"))
    return (
        BusinessAssistant.objects.visible_to(user)
        .select_related("user")
        .annotate(
            current_assignments=_count(current),
            visits_this_year=_count(CoachingVisit.objects.filter(assistant=OuterRef("pk"), visit_date__year=today.year)),
            open_followups=_count(FollowUp.objects.open().filter(owner=OuterRef("user"))),
            last_visit=Subquery(
                CoachingVisit.objects.filter(assistant=OuterRef("pk")).order_by("-visit_date").values("visit_date")[:1]
            ),
        )
    )


def assistant_assignments(*, assistant: BusinessAssistant, user, today: datetime.date | None = None):
    """The assistant's current assignments with each cooperative's last visit."""
    today = _today(today)
    return (
        Assignment.objects.current(today)
        .filter(assistant=assistant, cooperative__in=Cooperative.objects.visible_to(user).values("pk"))
        .select_related("cooperative__village__district")
        .annotate(
            last_visit=Subquery(
                CoachingVisit.objects.filter(cooperative=OuterRef("cooperative")).order_by("-visit_date").values(
                    "visit_date"
                )[:1]
            )
        )
        .order_by("cooperative__name")
    )


def assistant_for_user(user) -> BusinessAssistant | None:
    return BusinessAssistant.objects.filter(user=user).first() if user.is_authenticated else None


# --- Visits ----------------------------------------------------------------------------


def visit_list(*, user):
    return (
        CoachingVisit.objects.visible_to(user)
        .select_related("cooperative__village__district", "assistant__user", "programme")
        .prefetch_related("topics")
        .annotate(followup_count=_count(FollowUp.objects.filter(visit=OuterRef("pk"))))
    )


def visit_record_office(*, visit: CoachingVisit) -> dict:
    """The office a visit's record (berita acara) is made in, and who signs "Mengetahui":
    the office of the visit's kabupaten/kota and its Kabid (an active Kabid whose office
    scope is that kabupaten/kota; users without one have ``OFFICE_REGENCY_CODE``), the
    first by name; ``head`` None when it has none (the line is left to be written by hand),
    never another office's Kabid. ``name``: that Kabid's office label, else
    ``OFFICE_NAME`` for the installation's own office, else the kabupaten's automatic
    name. One query (two for another office without a labelled Kabid)."""
    regency = visit.cooperative.village.code[:5]
    kabid = (
        get_user_model().objects.filter(groups__name=KABID, is_active=True)
        .annotate(
            office_code=Coalesce("office_scope__code", Value(settings.OFFICE_REGENCY_CODE)),
            office_label=Coalesce("office_scope__label", Value("")),
        )
        .filter(office_code=regency)
        .order_by("first_name", "last_name", "pk")
        .values("first_name", "last_name", "username", "office_label")
        .first()
    )
    head = None
    if kabid is not None:
        head = f"{kabid['first_name']} {kabid['last_name']}".strip() or kabid["username"]
    if kabid is not None and kabid["office_label"]:
        name = kabid["office_label"]
    elif regency == settings.OFFICE_REGENCY_CODE:
        name = settings.OFFICE_NAME
    else:
        name = scope_label(regency)
    return {"name": name, "head": head}


def visit_detail_queryset(*, user):
    return (
        CoachingVisit.objects.visible_to(user)
        .select_related("cooperative__village__district", "assistant__user", "programme", "created_by")
        .prefetch_related(
            "topics",
            "officers",
            "attachments",
            Prefetch("followups", queryset=FollowUp.objects.select_related("owner", "closed_in_visit")),
            Prefetch("closed_followups", queryset=FollowUp.objects.select_related("owner", "visit")),
        )
    )


def visit_by_submission(*, user, submission_id):
    """The visit ``user`` already saved under this submission id (a retried POST), if they
    may still see it; never someone else's visit that happens to carry the id."""
    return CoachingVisit.objects.visible_to(user).filter(submission_id=submission_id, created_by=user).first()


def open_followups(*, user, cooperative_id):
    """Open follow-ups of one cooperative, for the next visit's form."""
    return (
        FollowUp.objects.visible_to(user)
        .open()
        .filter(visit__cooperative_id=cooperative_id)
        .select_related("owner", "visit")
        .order_by("due_date", "id")
    )


def my_cooperatives(*, user, today: datetime.date | None = None, interval_days: int | None = None):
    """The user's visible (for a Pendamping: currently assigned) cooperatives with the last
    visit, open and overdue follow-ups and whether a visit is due, all in one query."""
    today = _today(today)
    interval_days = conf.visit_interval_days() if interval_days is None else interval_days
    followups = FollowUp.objects.open().filter(visit__cooperative=OuterRef("pk"))
    last_visit = (
        CoachingVisit.objects.filter(cooperative=OuterRef("pk")).order_by().values("cooperative").annotate(m=Max("visit_date")).values("m")
    )
    due_before = today - datetime.timedelta(days=interval_days - 1)
    return (
        Cooperative.objects.visible_to(user)
        .select_related("village__district")
        .annotate(
            last_visit=Subquery(last_visit),
            open_followups=_count(followups),
            overdue_followups=_count(followups.filter(due_date__lt=today)),
        )
        .annotate(
            is_due=ExpressionWrapper(
                Q(last_visit__isnull=True) | Q(last_visit__lt=due_before), output_field=BooleanField()
            )
        )
    )


# --- Follow-ups ------------------------------------------------------------------------


def followup_list(*, user, today: datetime.date | None = None):
    return (
        FollowUp.objects.visible_to(user)
        .with_overdue(today=_today(today))
        .select_related("visit__cooperative__village__district", "owner")
    )


SUMMARY_ROWS = 10  # the follow-up list's summaries: the first rows (most overdue), whatever N


def followup_summary(*, followups, today: datetime.date | None = None, limit: int = SUMMARY_ROWS):
    """Open and overdue follow-ups by kecamatan and by owner: two grouped queries, each
    the ``limit`` rows with most overdue (the filters reach the others)."""
    today = _today(today)
    counts = {
        "open": Count("id"),
        "overdue": Count("id", filter=Q(due_date__lt=today)),
    }
    open_only = followups.filter(status=FollowUpStatus.OPEN).order_by()
    by_district = _top_groups(
        open_only.values("district_id").annotate(**counts),
        key="district_id", model=District, fields={"district__name": "name"},
        order=["-overdue", "district__name"], limit=limit,
    )
    by_owner = _top_groups(
        open_only.values("owner_id").annotate(**counts),
        key="owner_id", model=FollowUp._meta.get_field("owner").related_model,
        fields={"owner__first_name": "first_name", "owner__last_name": "last_name", "owner__username": "username"},
        order=["-overdue", "owner__first_name", "owner__username"], limit=limit,
    )
    return {"by_district": by_district, "by_owner": by_owner}


def _top_groups(grouped, *, key: str, model, fields: dict, order: list, limit: int) -> list[dict]:
    """The first ``limit`` rows of ``grouped`` (a ``values(key).annotate(...)`` aggregate)
    with ``fields`` (alias -> column of ``model``, the row ``key`` points to) in ``order``.

    The ORM would join ``model`` before grouping, and group by its text columns too: at
    national scale (116,000 open follow-ups) that took 70-130 ms a summary against 50 ms
    for grouping the follow-ups' own foreign key first and joining the few groups after.
    Django has no subquery in FROM, hence this one compiled-queryset wrapper."""
    connection = connections[grouped.db]
    qn = connection.ops.quote_name
    inner, params = grouped.query.get_compiler(connection=connection).as_sql()
    names = [*grouped.query.values_select, *grouped.query.annotation_select]
    columns = [f"g.{qn(name)}" for name in names] + [f"t.{qn(column)} AS {qn(alias)}" for alias, column in fields.items()]

    def sort(term):
        name = term.lstrip("-")
        column = f"t.{qn(fields[name])}" if name in fields else f"g.{qn(name)}"
        return f"{column} {'DESC' if term.startswith('-') else 'ASC'}"

    sql = (
        f"SELECT {', '.join(columns)} FROM ({inner}) g "
        f"INNER JOIN {qn(model._meta.db_table)} t ON t.{qn(model._meta.pk.column)} = g.{qn(key)} "
        f"ORDER BY {', '.join(map(sort, order))}, g.{qn(key)} ASC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, limit))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


# --- Targets ---------------------------------------------------------------------------


def year_summaries(*, user, year: int):
    """The ``VisitSummary`` rows of ``year`` for the cooperatives ``user`` may see: one per
    cooperative, where the year's visits are many per cooperative."""
    return VisitSummary.objects.filter(visible_by_district_q(user), year=year)


def coaching_summaries(*, user, year: int, min_visits: int | None = None, kinds=None):
    """``year_summaries`` (a row per visible cooperative visited in ``year``) with the alias
    ``coached``: at least ``min_visits`` visits of ``kinds`` (settings by default, see
    ``assistants.conf``; ``coaching.is_coached``). The rows behind both the "visited" and the
    "coached" figures: the coverage list filters by them, the dashboard counts them."""
    min_visits = conf.coached_min_visits() if min_visits is None else min_visits
    kinds = conf.coached_visit_kinds() if kinds is None else kinds
    coached = ExpressionWrapper(Q(coaching__gte=max(min_visits, 1)), output_field=BooleanField())
    return year_summaries(user=user, year=year).alias(coaching=kinds_total(kinds)).alias(coached=coached)


def coached_cooperative_ids(*, user, year: int, min_visits: int | None = None, kinds=None):
    """Ids (as a subquery) of the visible cooperatives coached in ``year``
    (``coaching_summaries``)."""
    summaries = coaching_summaries(user=user, year=year, min_visits=min_visits, kinds=kinds)
    return summaries.filter(coached=True).values("cooperative")


def assigned_cooperative_ids(*, user, start: datetime.date, end: datetime.date):
    """Ids (as a subquery) of the visible cooperatives with an assistant assigned at any
    time between ``start`` and ``end``."""
    return (
        Assignment.objects.overlapping(start, end)
        .filter(cooperative__in=Cooperative.objects.visible_to(user).values("pk"))
        .order_by()
        .values("cooperative")
    )


def visited_cooperative_ids(*, user, year: int):
    """Ids (as a subquery) of the visible cooperatives with any visit in ``year``."""
    return year_summaries(user=user, year=year).order_by().values("cooperative")


def assigned_unvisited_cooperatives(*, user, year: int, today: datetime.date | None = None):
    """Visible cooperatives that had an assistant during ``year`` but no visit in it
    ("didampingi, belum dikunjungi"), among those registered on the year's status day
    (``status_date``: a past year keeps those founded by its end, as ``with_status_on``).
    The coverage list filters by these, the dashboard counts them. ``EXISTS``/``NOT EXISTS``,
    so PostgreSQL plans a hash semi- and anti-join (a ``NOT IN`` rescans its subquery per row)."""
    today = _today(today)
    day = status_date(year=year, today=today)
    start, end = _year_bounds(year)
    assigned = Assignment.objects.overlapping(start, end).filter(cooperative=OuterRef("pk"))
    visited = VisitSummary.objects.filter(cooperative=OuterRef("pk"), year=year)
    cooperatives = _registered_then(Cooperative.objects.visible_to(user), day=day, today=today)
    return cooperatives.filter(Exists(assigned)).exclude(Exists(visited))


# --- Monthly report --------------------------------------------------------------------


def monthly_report(*, user, assistant: BusinessAssistant, year: int, month: int):
    first, last = coaching.month_bounds(year, month)
    return (
        CoachingVisit.objects.visible_to(user)
        .filter(assistant=assistant, visit_date__range=(first, last))
        .select_related("cooperative__village__district", "programme")
        .prefetch_related(
            "topics",
            Prefetch("followups", queryset=FollowUp.objects.select_related("owner")),
            Prefetch("closed_followups", queryset=FollowUp.objects.select_related("visit")),
            "attachments",
        )
        .order_by("cooperative__name", "cooperative_id", "visit_date", "id")
    )


def district_choices(*, scope):
    """The kecamatan of an office ``scope`` (``access.office_scope(user)``)."""
    return District.objects.filter(scope.code_q())


# --- Coaching coverage (the list the dashboard's coaching figures link to) ----------------

COACHED = "coached"
NOT_COACHED = "not_coached"
VISITED = "visited"
ASSIGNED_UNVISITED = "assigned_unvisited"
COVERAGE_VALUES = (COACHED, NOT_COACHED, VISITED, ASSIGNED_UNVISITED)


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _registered_then(cooperatives, *, day: datetime.date, today: datetime.date):
    """The cooperatives a year's figures count, as ``with_status_on`` reads the status day:
    every one today, those registered by then on a past day."""
    return cooperatives.registered_on(day) if day < today else cooperatives


def coverage_list(*, user, year: int):
    """The visible cooperatives with, for ``year``: their visits (``year_visits``), the
    last visit up to its end (``last_visit``) and the assignments that overlapped it
    (prefetched as ``year_assignments``, one query a page)."""
    start, end = _year_bounds(year)
    visits = CoachingVisit.objects.filter(cooperative=OuterRef("pk"))
    last_visit = (
        visits.filter(visit_date__lte=end).order_by().values("cooperative").annotate(m=Max("visit_date")).values("m")
    )
    overlapping = (
        Assignment.objects.overlapping(start, end)
        .select_related("assistant__user")
        .order_by("start_date", "pk")
    )
    return (
        Cooperative.objects.visible_to(user)
        .select_related("village__district")
        .annotate(
            year_visits=_count(visits.filter(visit_date__range=(start, end))),
            last_visit=Subquery(last_visit),
        )
        .prefetch_related(Prefetch("assignments", queryset=overlapping, to_attr="year_assignments"))
    )


def coverage_filter(queryset, *, user, year: int, coverage: str, today: datetime.date | None = None):
    """``queryset`` (visible cooperatives) narrowed to one coaching-coverage figure of
    ``year``, as the dashboard counts it:

    - ``coached``: ``coached_cooperative_ids`` (``coaching_summaries``);
    - ``not_coached``: registered and running (not dissolved, ``running_on``) then, and not
      coached;
    - ``visited``: any visit in the year (``visited_cooperative_ids``);
    - ``assigned_unvisited``: ``assigned_unvisited_cooperatives``.

    "Then" is the year's status day (today, or 31 December of a past year; a past day keeps
    those founded by then, as ``with_status_on``). The dashboard counts the rows of
    ``coaching_summaries`` and ``assigned_unvisited_cooperatives`` themselves."""
    today = _today(today)
    day = status_date(year=year, today=today)
    if coverage == COACHED:
        return queryset.filter(pk__in=coached_cooperative_ids(user=user, year=year))
    if coverage == NOT_COACHED:
        running = _registered_then(queryset, day=day, today=today).running_on(day, today=today)
        return running.exclude(pk__in=coached_cooperative_ids(user=user, year=year))
    if coverage == VISITED:
        return queryset.filter(pk__in=visited_cooperative_ids(user=user, year=year))
    if coverage == ASSIGNED_UNVISITED:
        unvisited = assigned_unvisited_cooperatives(user=user, year=year, today=today)
        return queryset.filter(pk__in=unvisited.values("pk"))
    raise ValueError(f"unknown coverage {coverage!r}")
