"""Query building blocks for cooperatives: office scope, role scope, derived status."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from koperasi_registry import access

from .choices import Bentuk, Lifecycle, Status
from .status import StatusRules


def status_expression(*, today: datetime.date | None = None, rules: StatusRules | None = None):
    """``cooperative_status`` as a SQL ``CASE`` over maintained columns (no subquery)."""
    rules = rules or StatusRules.from_settings()
    today = today or timezone.localdate()
    whens = [
        When(lifecycle=Lifecycle.DIBUBARKAN, then=Value(Status.DIBUBARKAN)),
        When(lifecycle=Lifecycle.PEMBUBARAN, then=Value(Status.PEMBUBARAN)),
    ]
    for bentuk in Bentuk.values:
        ref = rules.reference_year(today=today, bentuk=bentuk)
        is_bentuk = Q(bentuk=bentuk)
        whens += [
            When(is_bentuk & Q(last_rat_year__gte=ref), then=Value(Status.AKTIF)),
            When(is_bentuk & Q(founded_on__gt=datetime.date(ref, 1, 1)), then=Value(Status.BARU)),
            When(is_bentuk & Q(last_rat_year__gt=ref - rules.window), then=Value(Status.KURANG_AKTIF)),
        ]
    return Case(*whens, default=Value(Status.TIDAK_AKTIF), output_field=models.CharField())


class CooperativeQuerySet(models.QuerySet):
    def in_office(self):
        """The cooperatives of the office's kabupaten (all, if no office code is set)."""
        code = settings.OFFICE_REGENCY_CODE
        return self.filter(village__district__regency__code=code) if code else self

    def visible_to(self, user):
        """What ``user`` may see: the office's cooperatives for Admin, Kabid and Staf; for a
        Pendamping only those currently assigned to them (``assistants.Assignment``, reached
        through its ``related_name="assignments"``); nothing for anyone else."""
        if access.has_office_scope(user):
            return self.in_office()
        if access.has_role(user, access.PENDAMPING):
            today = timezone.localdate()
            assigned = Q(assignments__assistant__user=user, assignments__start_date__lte=today) & (
                Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gte=today)
            )
            return self.filter(pk__in=self.model.objects.filter(assigned).values("pk"))
        return self.none()

    def with_status(self, *, today: datetime.date | None = None):
        return self.annotate(status=status_expression(today=today))
