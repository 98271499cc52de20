from django.conf import settings
from django.views.generic import TemplateView

from cooperatives.models import Regency

from . import selectors


class DashboardView(TemplateView):
    """The home page: the office at a glance (login required by the middleware)."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            regency=Regency.objects.filter(code=settings.OFFICE_REGENCY_CODE).first(),
            regions=selectors.region_summary(),
            **kwargs,
        )
