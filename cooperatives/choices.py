from django.db import models
from django.utils.translation import gettext_lazy as _


class VillageKind(models.TextChoices):
    """First digit of the village part of a Kemendagri code: 1, 2 or 3."""

    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA = "desa", _("Desa")
    DESA_ADAT = "desa_adat", _("Desa adat")
