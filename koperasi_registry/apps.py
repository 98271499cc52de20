from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KoperasiRegistryConfig(AppConfig):
    name = "koperasi_registry"
    verbose_name = _("Koperasi Registry")

    def ready(self):
        from django.core.signals import setting_changed

        from . import data_version, permissions  # noqa: F401  (permissions: who may do what)
        from .access import register_model_permissions, sync_role_groups
        from .uploads import apply_pillow_limit

        register_model_permissions()
        post_migrate.connect(sync_role_groups, dispatch_uid="koperasi_registry.sync_role_groups")
        data_version.connect(self)  # every committed change moves the data's version on
        apply_pillow_limit()  # Pillow refuses decompression bombs above UPLOAD_MAX_PIXELS
        setting_changed.connect(_pillow_limit_changed, dispatch_uid="koperasi_registry.pillow_limit")
        # A sign-in updates last_login without a row in the users' history (models.py).
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(_update_last_login, dispatch_uid="koperasi_registry.update_last_login")


def _update_last_login(sender, user, **kwargs):
    from django.utils import timezone

    user.last_login = timezone.now()
    if hasattr(user, "save_without_historical_record"):
        user.save_without_historical_record(update_fields=["last_login"])
    else:
        user.save(update_fields=["last_login"])


def _pillow_limit_changed(*, setting, **_kwargs):
    if setting == "UPLOAD_MAX_PIXELS":
        from .uploads import apply_pillow_limit

        apply_pillow_limit()
