"""Coaching visits, their topics, attachments (photos, documents) and follow-up actions."""

import uuid
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatives.models import Cooperative
from cooperatives.validators import due_not_before_visit, plan_date, visit_date_in_range
from koperasi_registry.uploads import DOCUMENT_EXTENSIONS, IMAGE_EXTENSIONS, FileCheck

from ..choices import AttachmentKind, FollowUpStatus, VisitKind
from ..querysets import CoachingVisitQuerySet, FollowUpQuerySet
from .people import BusinessAssistant


def _changed(instance, name) -> bool:
    """Does a saved row's ``name`` differ from what was loaded (``_loaded`` from ``from_db``)?
    False for a new row."""
    if instance._state.adding or instance.pk is None:
        return False
    loaded = getattr(instance, "_loaded", {})
    return name not in loaded or loaded[name] != getattr(instance, name)


class LoadedValuesMixin:
    """Keeps the values a row was loaded with, for ``_changed``."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = {name: value for name, value in zip(field_names, values) if value is not models.DEFERRED}
        return instance


class RoundedUpMetresFormField(forms.IntegerField):
    """Whole metres from a phone's decimal reading ("12.3" -> 13: rounded up, never
    claiming a finer fix than the phone did)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite() or number.adjusted() > 15:  # never int() of 1e999999999
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number.to_integral_value(rounding=ROUND_CEILING))


class MetresField(models.PositiveIntegerField):
    """Whole metres; its form field takes a decimal reading and rounds it up."""

    def formfield(self, **kwargs):
        limits = [v.limit_value for v in self._validators if isinstance(v, MaxValueValidator)]
        return super().formfield(
            **{"form_class": RoundedUpMetresFormField, "max_value": min(limits) if limits else None, **kwargs}
        )


class VisitTopic(models.Model):
    """What a visit coached (kelembagaan, keuangan dan pembukuan, ...): an editable list."""

    name = models.CharField(_("nama"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("dipakai"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topik pembinaan")
        verbose_name_plural = _("topik pembinaan")

    def __str__(self):
        return self.name


class CoachingVisit(LoadedValuesMixin, models.Model):
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="visits", verbose_name=_("koperasi")
    )
    visit_date = models.DateField(_("tanggal kunjungan"), validators=[visit_date_in_range])
    kind = models.CharField(_("jenis kunjungan"), max_length=20, choices=VisitKind.choices, default=VisitKind.PEMBINAAN)
    assistant = models.ForeignKey(
        BusinessAssistant, on_delete=models.PROTECT, null=True, blank=True, related_name="visits",
        verbose_name=_("pendamping"),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coaching_visits", verbose_name=_("petugas dinas")
    )
    topics = models.ManyToManyField(VisitTopic, blank=True, related_name="visits", verbose_name=_("topik"))
    people_met = models.CharField(_("yang ditemui"), max_length=255, blank=True)
    findings = models.TextField(_("temuan"))
    recommendations = models.TextField(_("rekomendasi / saran"), blank=True)
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # The fix's accuracy as the phone reported it (``GeolocationCoordinates.accuracy``, the
    # radius in metres of a 95% confidence circle); ``presence.presence`` reads it.
    location_accuracy = MetresField(
        _("akurasi lokasi (m)"), null=True, blank=True,
        validators=[MaxValueValidator(100_000)],
        help_text=_("Radius ketelitian titik GPS menurut ponsel."),
    )
    distance_m = models.PositiveIntegerField(
        _("jarak ke titik koperasi (m)"), null=True, blank=True, editable=False,
        help_text=_("Dihitung dari lokasi ponsel saat mencatat dan titik GPS koperasi."),
    )
    programme = models.ForeignKey(
        "assistants.Programme", on_delete=models.PROTECT, null=True, blank=True,
        related_name="monitoring_visits", verbose_name=_("program"),
    )
    # Generated by the browser when the form opens: a retried POST finds the saved visit.
    submission_id = models.UUIDField(_("ID kiriman"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        editable=False, verbose_name=_("dicatat oleh"),
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[topics, officers], excluded_fields=["updated_at"])
    objects = CoachingVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visit_date", "-id"]
        verbose_name = _("kunjungan pembinaan")
        verbose_name_plural = _("kunjungan pembinaan")
        indexes = [
            models.Index(fields=["-visit_date", "-id"], name="visit_date_idx"),
            models.Index(fields=["cooperative", "visit_date"], name="visit_cooperative_date_idx"),
            models.Index(fields=["assistant", "visit_date"], name="visit_assistant_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="visit_point_complete",
            )
        ]

    def __str__(self):
        return f"{self.cooperative} – {self.visit_date:%d-%m-%Y}"

    def get_absolute_url(self):
        return reverse("assistants:visit_detail", args=[self.pk])

    @property
    def presence_flag(self):
        """``presence.presence`` of this visit (a list row carries the SQL ``presence``)."""
        from ..conf import visit_max_distance_m
        from ..presence import presence

        return presence(
            distance_m=self.distance_m, has_fix=self.latitude is not None, accuracy=self.location_accuracy,
            max_distance=visit_max_distance_m(),
        )

    def clean(self):
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")
        founded_on = self.cooperative.founded_on if self.cooperative_id else None
        if self.visit_date and founded_on and self.visit_date < founded_on:
            errors["visit_date"] = ValidationError(
                _("Tanggal kunjungan tidak boleh sebelum koperasi berdiri (%(date)s)."),
                code="before_founding",
                params={"date": founded_on.strftime("%d/%m/%Y")},
            )
        elif self.visit_date and _changed(self, "visit_date"):
            # Its follow-ups stay due on or after it (``FollowUp.clean``).
            first_due = self.followups.order_by("due_date").values_list("due_date", flat=True).first()
            if first_due and first_due < self.visit_date:
                errors["visit_date"] = ValidationError(
                    _("Tanggal kunjungan tidak boleh setelah batas waktu tindak lanjutnya (%(date)s)."),
                    code="after_followup_due",
                    params={"date": first_due.strftime("%d/%m/%Y")},
                )
        if errors:
            raise ValidationError(errors)


def attachment_path(instance, filename):
    return f"kunjungan/{instance.visit_id or 'baru'}/{filename}"


class VisitAttachment(models.Model):
    """A photo (reduced server-side, see ``services.photo_reduce``) or a document."""

    visit = models.ForeignKey(
        CoachingVisit, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("kunjungan")
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO)
    file = models.FileField(
        _("berkas"), upload_to=attachment_path, max_length=255,
        validators=[FileCheck(extensions=sorted(set(IMAGE_EXTENSIONS) | set(DOCUMENT_EXTENSIONS)))],
    )
    caption = models.CharField(_("keterangan"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "kind", "id"]
        verbose_name = _("lampiran kunjungan")
        verbose_name_plural = _("lampiran kunjungan")

    def __str__(self):
        return self.file.name.rsplit("/", 1)[-1]

    @property
    def is_image(self) -> bool:
        return self.file.name.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS


class FollowUp(LoadedValuesMixin, models.Model):
    """An action agreed on a visit, with an owner and a due date; closed on a later visit
    (or from the follow-up list)."""

    visit = models.ForeignKey(
        CoachingVisit, on_delete=models.CASCADE, related_name="followups", verbose_name=_("kunjungan")
    )
    # The visit's cooperative and its kecamatan, kept here so that the dashboard counts a
    # kecamatan's open follow-ups without joining every visit: ``save`` copies them,
    # ``signals`` follows a visit moved to another cooperative or a cooperative moved to
    # another village.
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="+", blank=True, editable=False,
        verbose_name=_("koperasi"),
    )
    district = models.ForeignKey(
        "cooperatives.District", on_delete=models.CASCADE, related_name="+", blank=True, editable=False,
        verbose_name=_("kecamatan"),
    )
    action = models.CharField(_("tindak lanjut"), max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="followups", verbose_name=_("penanggung jawab")
    )
    due_date = models.DateField(_("batas waktu"), validators=[plan_date])
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    closed_on = models.DateField(_("tanggal ditutup"), null=True, blank=True, validators=[plan_date])
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("ditutup oleh"),
    )
    closed_in_visit = models.ForeignKey(
        CoachingVisit, on_delete=models.SET_NULL, null=True, blank=True, related_name="closed_followups",
        verbose_name=_("ditutup pada kunjungan"),
    )
    closing_note = models.CharField(_("catatan penutupan"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    history = HistoricalRecords()
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        indexes = [
            models.Index(fields=["status", "due_date"], name="followup_status_due_idx"),
            # The dashboard's open and overdue follow-ups per kecamatan: an index-only scan.
            models.Index(
                fields=["district", "due_date"], condition=Q(status=FollowUpStatus.OPEN), name="followup_open_district_idx"
            ),
            models.Index(fields=["due_date", "id"], name="followup_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.OPEN, closed_on__isnull=True)
                | (~Q(status=FollowUpStatus.OPEN) & Q(closed_on__isnull=False)),
                name="followup_closed_on_iff_closed",
            )
        ]

    def __str__(self):
        return self.action

    def get_absolute_url(self):
        return reverse("assistants:visit_detail", args=[self.visit_id]) + f"#tindak-lanjut-{self.pk}"

    def save(self, *args, **kwargs):
        cooperative = self.visit.cooperative
        self.cooperative_id, self.district_id = cooperative.pk, cooperative.village.district_id
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.status != FollowUpStatus.OPEN and not self.closed_on:
            errors["closed_on"] = _("Isi tanggal penutupan.")
        if self.status == FollowUpStatus.OPEN and self.closed_on:
            errors["closed_on"] = _("Tindak lanjut yang masih terbuka belum punya tanggal penutupan.")
        # Checked when the due date is set (a row saved before this rule still closes).
        due_error = (
            due_not_before_visit(self.due_date, self.visit.visit_date if self.visit_id else None)
            if self._state.adding or _changed(self, "due_date")
            else None
        )
        if due_error is not None:
            errors["due_date"] = due_error
        if errors:
            raise ValidationError(errors)
