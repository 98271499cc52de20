"""Proof of presence: was the visit logged at the cooperative?

The rule (:func:`presence`) is pure: plain values in, one :class:`Presence` out. The same
rule as SQL is ``querysets.presence_expression`` (the visit list filters and sorts by it);
``tests/assistants/test_presence.py`` proves both agree. The service that gives a
cooperative without a point the point of one of its visits is in ``locations.py``.

How the phone's accuracy counts. ``accuracy`` is the radius (metres) of the circle the
phone says the true position lies in. A fix is judged by its distance as long as that
circle is no wider than the limit (``accuracy <= max_distance``; an unknown accuracy, from
visits logged before it was recorded, is taken as good enough). A wider circle cannot
say "near": the visit is then *tidak pasti*, unless even the circle's nearest edge is
beyond the limit (``distance - accuracy > max_distance``), which is certainly *jauh*.
Exactly at the limit counts as near (``distance <= max_distance``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Presence(models.TextChoices):
    DEKAT = "dekat", _("Dekat")
    JAUH = "jauh", _("Jauh")
    TIDAK_PASTI = "tidak_pasti", _("Tidak pasti")
    TANPA_LOKASI = "tanpa_lokasi", _("Tanpa lokasi")
    KOPERASI_TANPA_TITIK = "koperasi_tanpa_titik", _("Koperasi tanpa titik")


# Bootstrap badge class per flag (the visit page, the visit list and the print page).
BADGE = {
    Presence.DEKAT: "text-bg-success",
    Presence.JAUH: "text-bg-danger",
    Presence.TIDAK_PASTI: "text-bg-warning",
    Presence.TANPA_LOKASI: "text-bg-secondary",
    Presence.KOPERASI_TANPA_TITIK: "text-bg-light border",
}


def presence(*, distance_m: int | None, has_fix: bool, accuracy: int | None, max_distance: int) -> Presence:
    """The flag of one visit.

    - no GPS fix on the visit: ``TANPA_LOKASI``;
    - a fix, but no distance (the cooperative has no recorded point): ``KOPERASI_TANPA_TITIK``;
    - a fix whose accuracy circle is wider than ``max_distance``: ``JAUH`` when even its
      nearest edge is beyond the limit, else ``TIDAK_PASTI``;
    - otherwise ``DEKAT`` up to and including ``max_distance`` metres, ``JAUH`` beyond.
    """
    if not has_fix:
        return Presence.TANPA_LOKASI
    if distance_m is None:
        return Presence.KOPERASI_TANPA_TITIK
    if accuracy is not None and accuracy > max_distance:
        return Presence.JAUH if distance_m - accuracy > max_distance else Presence.TIDAK_PASTI
    return Presence.DEKAT if distance_m <= max_distance else Presence.JAUH
