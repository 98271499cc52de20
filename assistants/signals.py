"""Keep the derived coaching rows in step with what they derive from:

- every save or delete of a visit (a form, the admin, a queryset delete, a test factory)
  rewrites its cooperative's ``VisitSummary`` and ``AssistantVisitSummary`` rows, and the
  previous cooperative's when a visit moved (its follow-ups move with it);
- a cooperative moved to another village (its form, the admin, a spreadsheet import) takes
  its summary rows and follow-ups to the new kecamatan;
- a cooperative whose point changed (its form, the admin, taken from a visit, a
  spreadsheet import) gets its visits' distances computed again
  (``locations.visits_distances_refresh``).

Bulk inserts skip signals: their callers run ``services.visit_summary_refresh``
(``manage.py rebuild_visit_summary``) afterwards."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from cooperatives.models import Cooperative
from cooperatives.signals import cooperatives_located
from cooperatives.signals import cooperatives_moved as cooperatives_moved_signal

from .models import CoachingVisit
from .locations import visits_distances_refresh
from .services import cooperatives_moved, followup_place_refresh, visit_summary_refresh


def _previous(sender, instance, field: str):
    if instance.pk is None:
        return None
    return sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first()


@receiver(pre_save, sender=CoachingVisit, dispatch_uid="visit_summary_previous_cooperative")
def remember_previous_cooperative(sender, instance, **kwargs):
    instance._summary_previous_cooperative_id = _previous(sender, instance, "cooperative_id")


@receiver(post_save, sender=CoachingVisit, dispatch_uid="visit_summary_after_save")
def refresh_after_save(sender, instance, **kwargs):
    previous = getattr(instance, "_summary_previous_cooperative_id", None)
    visit_summary_refresh(cooperative_ids={instance.cooperative_id, previous})
    if previous is not None and previous != instance.cooperative_id:
        followup_place_refresh(cooperative_ids=[instance.cooperative_id])


@receiver(post_delete, sender=CoachingVisit, dispatch_uid="visit_summary_after_delete")
def refresh_after_delete(sender, instance, **kwargs):
    visit_summary_refresh(cooperative_ids=[instance.cooperative_id])


@receiver(pre_save, sender=Cooperative, dispatch_uid="visit_summary_previous_village")
def remember_previous_village(sender, instance, **kwargs):
    # One query for both: the village (summaries) and the point (visit distances).
    previous = (
        sender.objects.filter(pk=instance.pk).values_list("village_id", "latitude", "longitude").first()
        if instance.pk is not None else None
    )
    instance._summary_previous_village_id = previous[0] if previous else None
    instance._previous_point = previous[1:] if previous else None


@receiver(post_save, sender=Cooperative, dispatch_uid="visit_distances_cooperative_point")
def follow_a_moved_point(sender, instance, created, **kwargs):
    previous = getattr(instance, "_previous_point", None)
    if created or previous is None or previous == (instance.latitude, instance.longitude):
        return
    instance._distances_refreshed = visits_distances_refresh(
        cooperative_ids=[instance.pk], user=getattr(instance, "_history_user", None),
        reason=getattr(instance, "_change_reason", None),
    )


@receiver(post_save, sender=Cooperative, dispatch_uid="visit_summary_cooperative_moved")
def follow_a_moved_cooperative(sender, instance, created, **kwargs):
    previous = getattr(instance, "_summary_previous_village_id", None)
    if not created and previous is not None and previous != instance.village_id:
        cooperatives_moved(cooperative_ids=[instance.pk])


@receiver(cooperatives_moved_signal, dispatch_uid="visit_summary_cooperatives_moved")
def follow_moved_cooperatives(sender, cooperative_ids, **kwargs):
    cooperatives_moved(cooperative_ids=cooperative_ids)


@receiver(cooperatives_located, dispatch_uid="visit_distances_cooperatives_located")
def follow_located_cooperatives(sender, cooperative_ids, user=None, reason=None, **kwargs):
    visits_distances_refresh(cooperative_ids=cooperative_ids, user=user, reason=reason)
