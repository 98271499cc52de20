from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperativesConfig(AppConfig):
    name = "cooperatives"
    verbose_name = _("Koperasi")

    def ready(self):
        from koperasi_registry.access import register_model_permissions

        from . import permissions  # noqa: F401  (declares who may do what in the registry)
        from . import receivers  # noqa: F401  (last_rat_year follows recorded_rat_year)

        register_model_permissions()
