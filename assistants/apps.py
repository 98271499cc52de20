from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantsConfig(AppConfig):
    name = "assistants"
    verbose_name = _("Pendampingan")

    def ready(self):
        from koperasi_registry.access import register_model_permissions

        from . import permissions  # noqa: F401  (declares who may do what in coaching work)
        from . import signals  # noqa: F401  (connects the visit summary receivers)

        register_model_permissions()
