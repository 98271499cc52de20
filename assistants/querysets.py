"""Query building blocks: role scope (``visible_to``) and rules as SQL expressions."""

import datetime

from django.db import models
from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone

from cooperatives.periods import overlapping_q, running_q
from cooperatives.querysets import in_office_q, visible_by_district_q, visible_cooperatives_q
from koperasi_registry.access import office_scope
from koperasi_registry.scopes import Scope

from . import permissions
from .choices import FollowUpStatus
from .presence import Presence


class AssignmentQuerySet(models.QuerySet):
    def running_on(self, day: datetime.date):
        """Assignments running on ``day`` (``cooperatives.periods.is_running``)."""
        return self.filter(running_q(day))

    def overlapping(self, first: datetime.date, last: datetime.date):
        """Assignments running on some day from ``first`` to ``last``
        (``cooperatives.periods.overlaps``)."""
        return self.filter(overlapping_q(first, last))

    def current(self, on=None):
        return self.running_on(on or timezone.localdate())


class BusinessAssistantQuerySet(models.QuerySet):
    def in_office(self, *, scope: Scope):
        """The assistants of an office ``scope`` (``access.office_scope(user)``): those with
        an assignment (current or past) to one of its cooperatives. Everyone for a national
        scope. (An assistant not assigned anywhere yet belongs to no office; the admin,
        where assignments are made, lists every assistant.)"""
        if scope.is_national:
            return self
        from .models import Assignment

        return self.filter(
            pk__in=Assignment.objects.filter(in_office_q("cooperative", scope=scope)).order_by().values("assistant")
        )

    def visible_to(self, user):
        """As ``permissions.assistant_scope`` says: the office's assistants (``in_office``),
        or only the user's own record, or none."""
        scope = permissions.assistant_scope(user)
        if scope == permissions.OFFICE:
            return self.in_office(scope=office_scope(user))
        if scope == permissions.OWN:
            return self.filter(user=user)
        return self.none()


class CoachingVisitQuerySet(models.QuerySet):
    def with_presence(self, *, max_distance: int | None = None):
        """Annotate ``presence`` (``presence.presence`` as SQL; the limit from
        ``conf.visit_max_distance_m`` unless given)."""
        from .conf import visit_max_distance_m

        limit = visit_max_distance_m() if max_distance is None else max_distance
        return self.annotate(presence=presence_expression(max_distance=limit))

    def visible_to(self, user):
        """Visits to the cooperatives ``user`` may see (a Pendamping: currently assigned)."""
        return self.filter(visible_cooperatives_q(user, path="cooperative"))

    def editable_by(self, user):
        """As ``permissions.visit_edit_scope`` says: every visible visit, or only the
        visible visits the user logged, or none."""
        scope = permissions.visit_edit_scope(user)
        if scope == permissions.VISIBLE:
            return self.visible_to(user)
        if scope == permissions.OWN:
            return self.visible_to(user).filter(created_by=user)
        return self.none()


def presence_expression(*, max_distance: int):
    """``presence.presence`` as SQL, over the visit's ``latitude``, ``distance_m`` and
    ``location_accuracy``."""
    limit = Value(max_distance)
    return models.Case(
        When(latitude__isnull=True, then=Value(Presence.TANPA_LOKASI)),
        When(distance_m__isnull=True, then=Value(Presence.KOPERASI_TANPA_TITIK)),
        When(
            Q(location_accuracy__gt=limit),
            then=models.Case(
                When(Q(distance_m__gt=models.F("location_accuracy") + limit), then=Value(Presence.JAUH)),
                default=Value(Presence.TIDAK_PASTI),
            ),
        ),
        When(distance_m__lte=limit, then=Value(Presence.DEKAT)),
        default=Value(Presence.JAUH),
        output_field=models.CharField(),
    )


def overdue_expression(*, today: datetime.date):
    """``coaching.followup_is_overdue`` as SQL."""
    return Case(
        When(Q(status=FollowUpStatus.OPEN, due_date__lt=today), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        # On the kecamatan and cooperative the row carries: no join through the visits.
        return self.filter(visible_by_district_q(user))

    def open(self):
        return self.filter(status=FollowUpStatus.OPEN)

    def overdue(self, *, today: datetime.date | None = None):
        return self.filter(status=FollowUpStatus.OPEN, due_date__lt=today or timezone.localdate())

    def with_overdue(self, *, today: datetime.date | None = None):
        return self.annotate(is_overdue=overdue_expression(today=today or timezone.localdate()))


class CooperativeScopedQuerySet(models.QuerySet):
    """For rows that hang off one cooperative (financing proposals)."""

    def visible_to(self, user):
        return self.filter(visible_cooperatives_q(user, path="cooperative"))


class CoachingTargetQuerySet(models.QuerySet):
    def in_office(self, *, scope: Scope):
        """The targets of the offices inside ``scope`` (``Scope.office_q``): its own and,
        for a province or the country, those of the offices below it."""
        return self.filter(scope.office_q())

    def visible_to(self, user):
        """As ``permissions.target_scope`` says: those of the user's scope (``in_office``),
        or none. The same rows may be changed (with the permission to change)."""
        if permissions.target_scope(user) != permissions.OFFICE:
            return self.none()
        return self.in_office(scope=office_scope(user))


class ProgrammeQuerySet(models.QuerySet):
    def in_office(self, *, scope: Scope):
        """The programmes of the offices inside ``scope``: those its users may change."""
        return self.filter(scope.office_q())

    def visible_to(self, user):
        """As ``permissions.programme_scope`` says: for the office roles, the programmes of
        the offices inside their scope and, read-only, of the offices containing it (a
        province's for a kabupaten user); none for anyone else."""
        if permissions.programme_scope(user) != permissions.OFFICE:
            return self.none()
        scope = office_scope(user)
        if scope.is_national:
            return self
        return self.filter(scope.office_q() | Q(office_code__in=scope.enclosing_codes))

    def editable_by(self, user):
        """The programmes ``user`` may change (given the permission): those of the offices
        inside their scope."""
        if permissions.programme_scope(user) != permissions.OFFICE:
            return self.none()
        return self.in_office(scope=office_scope(user))
