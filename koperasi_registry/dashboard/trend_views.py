"""The "Tren 5 tahun" and "Dampak pendampingan" dashboard pages (office roles only)."""

from django.views.generic import TemplateView

from .selectors.effect import coaching_effect
from .selectors.trends import chart_data, five_year_trends
from .views import DashboardPageMixin


class TrendsView(DashboardPageMixin, TemplateView):
    """Five book years of status, RAT compliance, health and visits: charts and tables."""

    template_name = "dashboard/trends.html"
    tab = "trends"

    def get_context_data(self, **kwargs):
        trends = five_year_trends(user=self.request.user, period=self.period)
        return super().get_context_data(trends=trends, charts=chart_data(trends), **kwargs)


class CoachingEffectView(DashboardPageMixin, TemplateView):
    """Coached against not coached cooperatives: the next RAT, status and health a year on."""

    template_name = "dashboard/effect.html"
    tab = "effect"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            effect=coaching_effect(user=self.request.user, period=self.period), **kwargs
        )
