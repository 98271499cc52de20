"""Offices as data: each user's **office scope**, the part of the country whose
cooperatives, assistants, regions and figures they see.

A scope is a Kemendagri region code: a kabupaten/kota (``61.05``, 5 characters), a
province (``61``, 2 characters) or the whole country (empty). A user without an
``OfficeScope`` row has the installation's default, ``settings.OFFICE_REGENCY_CODE`` (so a
single-office install needs nothing). ``koperasi_registry.access.office_scope(user)`` (through the reverse relation ``user.office_scope``, no import) reads
it (cached on the user for the request) and every ``visible_to``, region choice, import
match, dashboard figure and admin list asks that function.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koperasi_registry.scopes import NATIONAL, PROVINCE, REGENCY, Scope, scope_level

from .regions import Regency


def scope_label(code: str) -> str:
    """The label an office of ``code`` gets when none is given: ``Dinas Koperasi Kabupaten
    Sintang``, ``Provinsi Kalimantan Barat``, ``Nasional`` (from the loaded Regency rows)."""
    level = scope_level(code)
    if level == NATIONAL:
        return str(_("Nasional"))
    if level == PROVINCE:
        name = Regency.objects.filter(province_code=code).values_list("province_name", flat=True).first()
        return str(_("Provinsi %(name)s") % {"name": name or code})
    name = Regency.objects.filter(code=code).values_list("name", flat=True).first()
    return str(_("Dinas Koperasi %(name)s") % {"name": name or code})


class OfficeScope(models.Model):
    """The office a user belongs to (one row per user; none: ``OFFICE_REGENCY_CODE``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_scope", verbose_name=_("pengguna")
    )
    code = models.CharField(
        _("kode wilayah kantor"), max_length=5, blank=True,
        help_text=_("Kode provinsi (61), kabupaten/kota (61.05), atau kosong untuk nasional."),
    )
    label = models.CharField(
        _("nama kantor"), max_length=150, blank=True,
        help_text=_("Kosongkan untuk nama otomatis, mis. “Dinas Koperasi Kabupaten Sintang”."),
    )

    history = HistoricalRecords(user_related_name="+")

    class Meta:
        verbose_name = _("cakupan wilayah kantor")
        verbose_name_plural = _("cakupan wilayah kantor")

    def __str__(self):
        return self.label or self.code or str(_("Nasional"))

    def clean(self):
        self.code = (self.code or "").strip()
        try:
            level = scope_level(self.code)
        except ValueError:
            raise ValidationError({"code": _("Isi kode provinsi (2 angka, mis. 61) atau kabupaten/kota (61.05).")})
        if level == PROVINCE and not Regency.objects.filter(province_code=self.code).exists():
            raise ValidationError({"code": _("Provinsi ini belum dimuat (manage.py load_regions).")})
        if level == REGENCY and not Regency.objects.filter(code=self.code).exists():
            raise ValidationError({"code": _("Kabupaten/kota ini belum dimuat (manage.py load_regions).")})

    def save(self, *args, **kwargs):
        if not self.label:  # also when created without a form (shell, seed_demo)
            self.label = scope_label(self.code)
        super().save(*args, **kwargs)

    @property
    def scope(self) -> Scope:
        return Scope.of(self.code, self.label)
