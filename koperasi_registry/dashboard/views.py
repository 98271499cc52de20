from django.conf import settings
from django.views.generic import TemplateView

from cooperatives.models import Regency
from koperasi_registry import access

from . import selectors


class DashboardView(TemplateView):
    """The home page: the office at a glance for office roles, quick actions for a
    Pendamping (login required by the middleware)."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = {
            "regency": Regency.objects.filter(code=settings.OFFICE_REGENCY_CODE).first(),
            "regions": selectors.region_summary(),
            "office_view": access.has_office_scope(user),
        }
        if context["office_view"]:
            context["summary"] = selectors.status_summary(user=user)
            context["scorecard"] = selectors.district_scorecard(user=user)
        return super().get_context_data(**context, **kwargs)
