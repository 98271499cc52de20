"""Query building blocks for cooperatives: office scope, role scope, derived status."""

import datetime

from django.db import models
from django.db.models import Case, Count, F, FilteredRelation, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.utils import timezone

from koperasi_registry.access import office_scope
from koperasi_registry.scopes import Scope

from . import permissions
from .periods import running_q
from .choices import Bentuk, Lifecycle, Status
from .status import DUE_COMPLIANCE, Compliance, StatusRules


def status_expression(
    *, today: datetime.date | None = None, rules: StatusRules | None = None, historical: bool = False
):
    """``cooperative_status`` as a SQL ``CASE`` over maintained columns (no subquery).

    ``historical``: the status on a past ``today``, over the ``rat_year_on`` annotation
    that ``CooperativeQuerySet.with_status`` adds, with ``status.lifecycle_on`` (a decree
    dated later did not count yet)."""
    rules = rules or StatusRules.from_settings()
    today = today or timezone.localdate()
    last = "rat_year_on" if historical else "last_rat_year"
    decreed = Q(dissolution_decree_date__isnull=True) | Q(dissolution_decree_date__lte=today) if historical else Q()
    whens = [
        When(Q(lifecycle=Lifecycle.DIBUBARKAN) & decreed, then=Value(Status.DIBUBARKAN)),
        When(Q(lifecycle=Lifecycle.PEMBUBARAN) & decreed, then=Value(Status.PEMBUBARAN)),
    ]
    for bentuk in Bentuk.values:
        ref = rules.reference_year(today=today, bentuk=bentuk)
        is_bentuk = Q(bentuk=bentuk)
        whens += [
            When(is_bentuk & Q(**{f"{last}__gte": ref}), then=Value(Status.AKTIF)),
            When(is_bentuk & Q(founded_on__gt=datetime.date(ref, 1, 1)), then=Value(Status.BARU)),
            When(is_bentuk & Q(**{f"{last}__gt": ref - rules.window}), then=Value(Status.KURANG_AKTIF)),
        ]
    return Case(*whens, default=Value(Status.TIDAK_AKTIF), output_field=models.CharField())


def compliance_expression(*, book_year: int, rules: StatusRules | None = None):
    """``status.rat_compliance`` as a SQL ``CASE``; needs the ``rat_of_year`` relation
    that ``CooperativeQuerySet.with_rat_compliance`` adds (at most one filing a year)."""
    rules = rules or StatusRules.from_settings()
    not_due = Q(founded_on__gt=datetime.date(book_year, 1, 1))
    on_time = Q(pk__in=[])
    for bentuk in Bentuk.values:
        deadline = rules.deadline(book_year=book_year, bentuk=bentuk)
        not_due |= Q(bentuk=bentuk) & ~Q(lifecycle=Lifecycle.BERJALAN) & Q(dissolution_decree_date__lte=deadline)
        on_time |= Q(bentuk=bentuk, rat_of_year__reported_on__lte=deadline)
    return Case(
        When(not_due, then=Value(Compliance.NOT_DUE)),
        When(rat_of_year__id__isnull=True, then=Value(Compliance.NOT_FILED)),
        When(on_time, then=Value(Compliance.ON_TIME)),
        default=Value(Compliance.LATE),
        output_field=models.CharField(),
    )


def in_office_q(path: str = "", *, scope: Scope) -> Q:
    """``Q`` for the cooperatives (reached through ``path``, e.g. ``"visit__cooperative"``)
    inside an office ``scope`` (``access.office_scope(user)``): one kabupaten/kota, one
    province, or everything (national)."""
    prefix = f"{path}__" if path else ""
    return scope.regency_q(f"{prefix}village__district__regency")


def visible_cooperatives_q(user, *, path: str) -> Q:
    """``Q`` limiting rows that hang off a cooperative (through ``path``) to those ``user``
    may see, as ``CooperativeQuerySet.visible_to`` says. For the office roles it is a plain
    join condition on the cooperative's village, not an ``IN`` subquery: PostgreSQL can
    then filter before the ``select_related`` joins (a subquery made it join every visit
    of the country it scanned before discarding it)."""
    from .models import Cooperative

    if permissions.cooperative_scope(user) == permissions.OFFICE:
        return in_office_q(path, scope=office_scope(user))
    return Q(**{f"{path}__in": Cooperative.objects.visible_to(user).values("pk")})


def visible_by_district_q(user) -> Q:
    """``visible_cooperatives_q`` for rows that carry their ``cooperative`` and its kecamatan
    (``district``; visit summaries, follow-ups): the office roles filter on the kecamatan,
    without a join through the cooperatives."""
    if permissions.cooperative_scope(user) == permissions.OFFICE:
        return office_scope(user).regency_q("district__regency")
    return visible_cooperatives_q(user, path="cooperative")


def registered_on_q(day: datetime.date) -> Q:
    """``Q`` for the cooperatives that existed on ``day`` (founding date on or before it,
    or unknown)."""
    return Q(founded_on__isnull=True) | Q(founded_on__lte=day)


def running_on_q(day: datetime.date, *, today: datetime.date | None = None) -> Q:
    """``Q`` for the cooperatives still running (not dissolved) on ``day``:
    ``status.lifecycle_on(...) == Lifecycle.BERJALAN``, a dissolution decree dated later
    did not count yet. With ``today`` and ``day`` not before it: the lifecycle column alone,
    as today's status reads it (``status_expression``)."""
    running = Q(lifecycle=Lifecycle.BERJALAN)
    if today is not None and day >= today:
        return running
    return running | Q(dissolution_decree_date__gt=day)


class CooperativeQuerySet(models.QuerySet):
    def in_office(self, *, scope: Scope):
        """The cooperatives inside an office ``scope`` (``access.office_scope(user)``)."""
        return self.filter(in_office_q(scope=scope))

    def visible_to(self, user):
        """What ``user`` may see, as ``permissions.cooperative_scope`` says: the office's
        cooperatives, or those currently assigned to the user (reached through the reverse
        relation ``assignments`` alone), or nothing."""
        scope = permissions.cooperative_scope(user)
        if scope == permissions.OFFICE:
            return self.in_office(scope=office_scope(user))
        if scope == permissions.ASSIGNED:
            # One Q, so that the user and the running period hold for the same assignment.
            assigned = Q(assignments__assistant__user=user) & running_q(timezone.localdate(), path="assignments")
            return self.filter(pk__in=self.model.objects.filter(assigned).values("pk"))
        return self.none()

    def with_status(self, *, today: datetime.date | None = None):
        return self.annotate(status=status_expression(today=today))

    def registered_on(self, day: datetime.date):
        """The cooperatives that existed on ``day`` (``registered_on_q``)."""
        return self.filter(registered_on_q(day))

    def running_on(self, day: datetime.date, *, today: datetime.date | None = None):
        """The cooperatives still running (not dissolved) on ``day`` (``running_on_q``)."""
        return self.filter(running_on_q(day, today=today))

    def with_status_on(
        self, day: datetime.date, *, today: datetime.date | None = None, registered_only: bool = True, built=None
    ):
        """``with_status_on_live``, but a past 31 December of a year whose ``CooperativeYear``
        rows are complete (``readable_year``: one small query) reads them (one join on a
        unique index) instead of a subquery per cooperative (``built``: ``built_years()`` if
        the caller has read it already); ``tests/cooperatives/test_cooperative_years.py`` proves both agree."""
        from .models.years import readable_year

        today = today or timezone.localdate()
        year = readable_year(day, today=today, built=built) if registered_only and day < today else None
        if year is None:
            return self.with_status_on_live(day, today=today, registered_only=registered_only)
        return self.with_stored_status(year=year)

    def with_stored_status(self, *, year: int):
        """The cooperatives registered on 31 December of ``year`` with ``status`` and
        ``rat_year_on`` then, from their ``CooperativeYear`` row (``stored_years`` only)."""
        rows = self.annotate(year_row=FilteredRelation("years", condition=Q(years__year=year)))
        return rows.filter(year_row__year=year).annotate(
            rat_year_on=F("year_row__rat_year"), status=F("year_row__status")
        )

    def with_status_on_live(
        self, day: datetime.date, *, today: datetime.date | None = None, registered_only: bool = True
    ):
        """The status on ``day``: today's over the maintained ``last_rat_year``; a past
        day's over ``rat_year_on``, the latest book year filed up to that day's reference
        year (late reports count: the RAT was held) or the office's ``recorded_rat_year``
        where that is later and not after that reference year, for the cooperatives registered then
        (all of them with ``registered_only=False``: the caller filters on ``founded_on``)."""
        today = today or timezone.localdate()
        if day >= today:
            return self.with_status(today=today)
        from .models import RatFiling

        rules = StatusRules.from_settings()
        newest = max(rules.reference_year(today=day, bentuk=bentuk) for bentuk in Bentuk.values)
        latest = (
            RatFiling.objects.filter(cooperative=OuterRef("pk"), book_year__lte=newest)
            .order_by("-book_year")
            .values("book_year")[:1]
        )
        registered = self.registered_on(day) if registered_only else self
        # The office's record counts once its book year is one a RAT could be known for.
        zero = Value(0, output_field=models.PositiveSmallIntegerField())
        record = Case(When(recorded_rat_year__lte=newest, then="recorded_rat_year"), default=zero)
        rat_year_on = NullIf(Greatest(Coalesce(Subquery(latest), zero), record), zero)
        return registered.annotate(
            rat_year_on=rat_year_on, status=status_expression(today=day, rules=rules, historical=True)
        )

    def with_rat_compliance(self, *, book_year: int, rules: StatusRules | None = None):
        """Annotate ``rat_compliance`` (a ``status.Compliance`` value) for one book year,
        through a LEFT JOIN on that year's filing (unique per cooperative and year)."""
        return self.annotate(
            rat_of_year=FilteredRelation("rat_filings", condition=Q(rat_filings__book_year=book_year)),
            rat_compliance=compliance_expression(book_year=book_year, rules=rules),
        )

    def rat_compliance_counts(self, *, book_year: int, rules: StatusRules | None = None) -> dict:
        """``{due, on_time, late, not_filed}`` for one book year, in one aggregate query."""
        return self.with_rat_compliance(book_year=book_year, rules=rules).aggregate(
            due=Count("pk", filter=Q(rat_compliance__in=DUE_COMPLIANCE)),
            on_time=Count("pk", filter=Q(rat_compliance=Compliance.ON_TIME)),
            late=Count("pk", filter=Q(rat_compliance=Compliance.LATE)),
            not_filed=Count("pk", filter=Q(rat_compliance=Compliance.NOT_FILED)),
        )
