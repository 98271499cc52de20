"""Proof of presence and the printable visit record: the visit record for print (berita
acara kunjungan) and a cooperative taking its point from a visit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views import View
from django.views.generic import DetailView

from koperasi_registry.access import PermissionRequiredMixin

from .. import conf, locations, selectors
from ..models import CoachingVisit


class VisitPrintView(PermissionRequiredMixin, DetailView):
    """Berita acara kunjungan: one A4 page (two with many photos) for whoever sees the visit."""

    permission_required = "assistants.view_coachingvisit"
    template_name = "assistants/visit_print.html"
    context_object_name = "visit"

    def get_queryset(self):
        return selectors.visit_detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        office = selectors.visit_record_office(visit=self.object)
        return super().get_context_data(
            record_office=office["name"], office_head=office["head"], max_distance=conf.visit_max_distance_m(), **kwargs
        )


class VisitTakeLocationView(PermissionRequiredMixin, View):
    """"Jadikan titik koperasi": confirm (GET), then give the visit's cooperative the
    visit's point (POST, ``locations.cooperative_locate_from_visit``)."""

    permission_required = "cooperatives.change_cooperative"
    template_name = "assistants/location_confirm.html"

    def get_object(self):
        queryset = CoachingVisit.objects.visible_to(self.request.user).select_related("cooperative__village__district")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get(self, request, pk):
        visit = self.get_object()
        return render(request, self.template_name, {
            "visit": visit, "cooperative": visit.cooperative, "possible": locations.can_take_location(visit),
        })

    def post(self, request, pk):
        visit = self.get_object()
        try:
            count = locations.cooperative_locate_from_visit(visit=visit, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(visit)
        messages.success(
            request,
            gettext("Titik koperasi diisi dari kunjungan ini; jarak %(n)s kunjungan dihitung ulang.") % {"n": count},
        )
        return redirect(visit)
