"""Business assistants (pendamping) and their assigned cooperatives."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatives.models import Cooperative
from cooperatives.models.cooperatives import phone_validator
from cooperatives.validators import plan_date

from ..querysets import AssignmentQuerySet, BusinessAssistantQuerySet


class BusinessAssistant(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="business_assistant", verbose_name=_("pengguna")
    )
    phone = models.CharField(_("telepon"), max_length=20, blank=True, validators=[phone_validator])
    training_completed_on = models.DateField(
        _("tanggal selesai pelatihan"), null=True, blank=True, validators=[plan_date]
    )
    training_topics = models.CharField(_("materi pelatihan"), max_length=255, blank=True)
    contract_start = models.DateField(_("awal kontrak"), null=True, blank=True, validators=[plan_date])
    contract_end = models.DateField(_("akhir kontrak"), null=True, blank=True, validators=[plan_date])
    is_active = models.BooleanField(_("aktif"), default=True)

    history = HistoricalRecords()
    objects = BusinessAssistantQuerySet.as_manager()

    class Meta:
        ordering = ["user__first_name", "user__last_name", "user__username"]
        verbose_name = _("pendamping koperasi")
        verbose_name_plural = _("pendamping koperasi")
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True) | Q(contract_start__isnull=True) | Q(contract_end__gte=F("contract_start")),
                name="assistant_contract_end_after_start",
            )
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.username

    def get_absolute_url(self):
        return reverse("assistants:assistant_detail", args=[self.pk])

    def clean(self):
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValidationError({"contract_end": _("Akhir kontrak tidak boleh sebelum awalnya.")})


class Assignment(models.Model):
    """A cooperative assigned to an assistant for a period; ended assignments stay as history."""

    assistant = models.ForeignKey(
        BusinessAssistant, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("pendamping")
    )
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("koperasi")
    )
    start_date = models.DateField(_("mulai"), default=timezone.localdate, validators=[plan_date])
    end_date = models.DateField(_("selesai"), null=True, blank=True, validators=[plan_date])

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["assistant", "cooperative__name", "-start_date"]
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.assistant} – {self.cooperative}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Tanggal selesai tidak boleh sebelum tanggal mulai.")})
