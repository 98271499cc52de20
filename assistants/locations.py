"""A cooperative without a recorded point takes the GPS point of one of its visits (a Staf
confirms it on the visit page); its visits' distances are then computed again."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from cooperatives.models import Cooperative

from . import coaching
from .models import CoachingVisit

ALREADY_LOCATED = _("Koperasi ini sudah punya titik lokasi; titiknya tidak diubah dari kunjungan.")
VISIT_WITHOUT_FIX = _("Kunjungan ini tidak punya titik GPS.")


def can_take_location(visit: CoachingVisit) -> bool:
    """What the page offers: the visit has a fix and its cooperative has no point."""
    return visit.latitude is not None and visit.cooperative.latitude is None


def change_reason(visit: CoachingVisit) -> str:
    """The note in the cooperative's history (at most 100 characters)."""
    return gettext("Titik dari kunjungan #%(pk)s tanggal %(date)s") % {
        "pk": visit.pk, "date": visit.visit_date.strftime("%d-%m-%Y"),
    }


@transaction.atomic
def cooperative_locate_from_visit(*, visit: CoachingVisit, user) -> int:
    """Give the visit's cooperative the visit's point, recorded in the cooperative's history
    with ``user`` and the source visit, then compute the distance of every visit of that
    cooperative that has a fix. Refused (``ValidationError``) when the cooperative got a
    point meanwhile (the row is locked and read again first) or the visit has no fix.
    Returns how many visits got a distance."""
    if visit.latitude is None or visit.longitude is None:
        raise ValidationError(VISIT_WITHOUT_FIX, code="no_fix")
    cooperative = Cooperative.objects.select_for_update().get(pk=visit.cooperative_id)
    if cooperative.latitude is not None or cooperative.longitude is not None:
        raise ValidationError(ALREADY_LOCATED, code="already_located")
    cooperative.latitude, cooperative.longitude = visit.latitude, visit.longitude
    # Only the two fields this writes (a point outside the office's bounds is refused);
    # whatever else an old row may lack is not this action's business.
    others = [f.name for f in Cooperative._meta.concrete_fields if f.name not in ("latitude", "longitude")]
    cooperative.clean_fields(exclude=others)
    cooperative._history_user = user
    cooperative._change_reason = change_reason(visit)
    # ``signals.follow_a_moved_point`` then computes its visits' distances again, with the
    # same user and note in their history (``visits_distances_refresh``).
    cooperative.save(update_fields=["latitude", "longitude", "updated_at"])
    visit.cooperative = cooperative
    return getattr(cooperative, "_distances_refreshed", 0)


def visits_distances_refresh(*, cooperative_ids, user=None, reason=None, chunk_size: int = 500) -> int:
    """Compute again the distances of the visits with a fix of these cooperatives, from their
    stored points, after those changed (taken from a visit, edited on the cooperative's
    form or in the admin, or many at once by a spreadsheet import), a chunk of
    cooperatives at a time. Only visits whose distance changes are written, recorded in
    their history with ``user`` and ``reason``. Returns how many visits were written."""
    ids = sorted(set(cooperative_ids))
    written = 0
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        points = {
            pk: (lat, lng) if lat is not None and lng is not None else None
            for pk, lat, lng in Cooperative.objects.filter(pk__in=chunk).values_list("pk", "latitude", "longitude")
        }
        fixes = CoachingVisit.objects.filter(cooperative_id__in=chunk, latitude__isnull=False, longitude__isnull=False)
        changed = {}
        for pk, cooperative_id, lat, lng, old in fixes.values_list(
            "pk", "cooperative_id", "latitude", "longitude", "distance_m"
        ).iterator(chunk_size=2000):
            new = coaching.visit_distance_m(visit_point=(lat, lng), cooperative_point=points.get(cooperative_id))
            if new != old:
                changed[pk] = new
        pks = sorted(changed)
        for first in range(0, len(pks), chunk_size):
            visits = list(CoachingVisit.objects.filter(pk__in=pks[first : first + chunk_size]))
            for each in visits:
                each.distance_m = changed[each.pk]
            bulk_update_with_history(visits, CoachingVisit, ["distance_m"], default_user=user, default_change_reason=reason)
            written += len(visits)
    return written
