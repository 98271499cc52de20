from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KoperasiRegistryConfig(AppConfig):
    name = "koperasi_registry"
    verbose_name = _("Koperasi Registry")

    def ready(self):
        from .access import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="koperasi_registry.sync_role_groups")
