"""Keep ``Cooperative.last_rat_year`` in step with the office's ``recorded_rat_year``, and
its year-end statuses (``CooperativeYear``) with what they read of it, when a cooperative
is saved one at a time (its form, the admin, a shell); bulk writes (the import) call
``cooperative_refresh_rat_summary`` / ``cooperative_years_refresh`` themselves."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Cooperative
from .services import YEAR_INPUTS, cooperative_refresh_rat_summary, cooperative_years_refresh


@receiver(post_save, sender=Cooperative, dispatch_uid="cooperative_refresh_rat_summary")
def refresh_last_rat_year(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not YEAR_INPUTS.intersection(update_fields)):
        return
    # Nothing to reconcile for a cooperative with neither a record nor a filing.
    recorded = update_fields is None or "recorded_rat_year" in update_fields
    if not recorded or (instance.recorded_rat_year is None and instance.last_rat_year is None):
        cooperative_years_refresh(cooperative_ids=[instance.pk])
        return
    cooperative_refresh_rat_summary(cooperative_ids=[instance.pk])  # the years too
    instance.refresh_from_db(fields=["last_rat_year"])
