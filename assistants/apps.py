from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantsConfig(AppConfig):
    name = "assistants"
    verbose_name = _("Pendampingan")

    def ready(self):
        from . import signals  # noqa: F401  (connects the visit summary receivers)
