"""Keep ``Cooperative.last_rat_year`` in step with the office's ``recorded_rat_year`` when a
cooperative is saved one at a time (its form, the admin, a shell); bulk writes (the
import) call ``cooperative_refresh_rat_summary`` themselves."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Cooperative
from .services import cooperative_refresh_rat_summary


@receiver(post_save, sender=Cooperative, dispatch_uid="cooperative_refresh_rat_summary")
def refresh_last_rat_year(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "recorded_rat_year" not in update_fields):
        return
    # Nothing to reconcile for a cooperative with neither a record nor a filing.
    if instance.recorded_rat_year is None and instance.last_rat_year is None:
        return
    cooperative_refresh_rat_summary(cooperative_ids=[instance.pk])
    instance.refresh_from_db(fields=["last_rat_year"])
