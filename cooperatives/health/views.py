"""Health assessment pages: list, detail, entry (with a live htmx preview of the result)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, View
from django.views.generic.base import TemplateResponseMixin

from koperasi_registry.access import PermissionRequiredMixin
from koperasi_registry.views import FilteredTableView

from .filtersets import AssessmentFilterSet
from .forms import AssessmentForm
from .selectors import assessment_history, assessment_list
from .services import assessment_create
from .tables import AssessmentTable

READ = "cooperatives.view_healthassessment"
ENTRY = "cooperatives.add_healthassessment"


class AssessmentListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = READ
    filterset_class = AssessmentFilterSet
    table_class = AssessmentTable
    title = _("Penilaian kesehatan")
    add_url_name = "cooperatives:assessment_add"
    export_name = "penilaian-kesehatan"

    def get_queryset(self):
        return assessment_list(user=self.request.user)


class AssessmentDetailView(PermissionRequiredMixin, DetailView):
    permission_required = READ
    template_name = "cooperatives/health_detail.html"
    context_object_name = "assessment"

    def get_queryset(self):
        return assessment_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            aspect_scores=self.object.aspect_scores.all(),
            health_history=assessment_history(cooperative=self.object.cooperative),
            **kwargs,
        )


class AssessmentWorksheetView(PermissionRequiredMixin, View):
    """The assessment's worksheet, served only to those who may see the assessment."""

    permission_required = READ

    def get(self, request, pk):
        assessment = get_object_or_404(assessment_list(user=request.user), pk=pk)
        if not assessment.worksheet:
            raise Http404
        return FileResponse(
            assessment.worksheet.open("rb"), as_attachment=True, filename=assessment.worksheet.name.rsplit("/", 1)[-1]
        )


class AssessmentFormMixin:
    form_class = AssessmentForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Choosing an instrument swaps in its aspect rows (htmx); without JS the page still works.
        form.fields["instrument"].widget.attrs.update(
            {
                "hx-get": reverse("cooperatives:assessment_aspects"),
                "hx-target": "#aspect-rows",
                "hx-trigger": "change",
            }
        )
        return form


class AssessmentCreateView(PermissionRequiredMixin, AssessmentFormMixin, FormView):
    """Choose the cooperative (``?cooperative=<pk>`` preselects it), year and instrument, then type scores."""

    permission_required = ENTRY
    template_name = "cooperatives/health_form.html"

    def get_initial(self):
        initial = super().get_initial()
        for name in ("cooperative", "instrument"):
            if self.request.GET.get(name, "").isdigit():
                initial[name] = int(self.request.GET[name])
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["title"] = _("Tambah penilaian kesehatan")
        context["result"] = form.preview() if form.is_bound else None
        return context

    def form_valid(self, form):
        try:
            assessment = assessment_create(assessor=self.request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Penilaian tersimpan: nilai %(total)s, %(category)s.")
            % {"total": floatformat(assessment.total, "-2"), "category": assessment.category},
        )
        return redirect(assessment)


class AssessmentAspectsView(PermissionRequiredMixin, TemplateResponseMixin, View):
    """htmx partial: the aspect rows of the instrument chosen (``?instrument=<pk>``)."""

    permission_required = ENTRY
    template_name = "cooperatives/health_aspect_rows.html"

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("instrument", "")
        form = AssessmentForm(user=request.user, initial={"instrument": int(raw)} if raw.isdigit() else {})
        return self.render_to_response({"form": form, "result": None})


class AssessmentPreviewView(PermissionRequiredMixin, TemplateResponseMixin, View):
    """htmx partial: total and category for the scores typed so far; saves nothing."""

    permission_required = ENTRY
    template_name = "cooperatives/health_preview.html"

    def post(self, request, *args, **kwargs):
        form = AssessmentForm(request.POST, user=request.user)
        return self.render_to_response({"form": form, "result": form.preview()})
