from django.views.generic import TemplateView

from assistants import conf, today
from assistants.coaching import target_progress
from cooperatives.models import Regency
from koperasi_registry.access import PermissionRequiredMixin, can

from . import selectors
from .paging import page_of_rows
from .period import period_from_request


class PeriodMixin:
    """Reads ``?year=&district=`` into ``self.period`` (a ``period.Period``) and puts the
    period, its form and the page's tab (``tab``) in the context for ``dashboard/_period.html``."""

    tab = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.period, self.period_form = period_from_request(request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(period=self.period, period_form=self.period_form, tab=self.tab, **kwargs)


class DashboardPageMixin(PermissionRequiredMixin, PeriodMixin):
    """A dashboard page beside the home page: office roles only (a Pendamping gets 403)."""

    permission_required = "koperasi_registry.view_dashboard"


class DashboardView(PermissionRequiredMixin, PeriodMixin, TemplateView):
    """The home page: the office at a glance for office roles, quick actions for a
    Pendamping, the menu alone for anyone else signed in."""

    permission_required = "koperasi_registry.view_home"
    template_name = "dashboard/home.html"
    tab = "home"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = {
            "regency": Regency.objects.filter(code=self.period.scope.code).first(),  # None: a wider scope
            "scope": self.period.scope,
            "office_view": can(user, "koperasi_registry.view_dashboard"),
        }
        # A Pendamping's home page: today's work (assistants.today) instead of region counts.
        if not context["office_view"] and can(user, "assistants.view_own_cooperatives"):
            context["today_work"] = today.today_work(user=user)
        else:
            context["regions"] = selectors.region_summary(scope=self.period.scope)
        if context["office_view"]:
            period = self.period
            scorecard = selectors.district_scorecard(user=user, period=period)
            figures = selectors.office_figures(scorecard, period.district)
            target = selectors.coaching_target(period=period)
            context.update(
                scorecard=scorecard,
                # At most a page of rows in the HTML (7,285 kecamatan nationally); the total counts all.
                scorecard_page=page_of_rows(scorecard["rows"], params=self.request.GET, chosen=period.district),
                figures=figures,
                health=selectors.health_categories(user=user, period=period),
                assistants=selectors.visits_by_assistant(user=user, period=period),
                target=target,
                progress=target_progress(coached=figures["coached"], target=target.target_count) if target else None,
                min_visits=conf.coached_min_visits(),
            )
        return super().get_context_data(**context, **kwargs)
