"""Views: access check, one selector or service, render. Lists are FilteredTableViews."""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, UpdateView

from koperasi_registry.access import PermissionRequiredMixin, can
from koperasi_registry.views import FilteredTableView

from .choices import VisitKind
from . import coaching, conf, filtersets, forms, reports, selectors, services, tables
from .models import CoachingTarget, CoachingVisit, FinancingProposal, FollowUp, Programme, VisitAttachment



def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# --- Assistants --------------------------------------------------------------------------


class AssistantListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_assistant_list"
    filterset_class = filtersets.AssistantFilterSet
    table_class = tables.AssistantTable
    template_name = "assistants/assistant_list.html"
    title = _("Pendamping koperasi")
    export_name = "pendamping"

    def get_queryset(self):
        return selectors.assistant_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(max_assignments=conf.max_assignments(), **kwargs)


class AssistantDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "assistants.view_businessassistant"
    template_name = "assistants/assistant_detail.html"
    context_object_name = "assistant"

    def get_queryset(self):
        return selectors.assistant_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        assistant = self.object
        user = self.request.user
        maximum = conf.max_assignments()
        return super().get_context_data(
            assignments=selectors.assistant_assignments(assistant=assistant, user=user),
            recent_visits=selectors.visit_list(user=user).filter(assistant=assistant)[:10],
            overloaded=coaching.assignment_overload(current=assistant.current_assignments, maximum=maximum),
            max_assignments=maximum,
            this_month=timezone.localdate().strftime("%Y-%m"),
            **kwargs,
        )


class MyCooperativesView(PermissionRequiredMixin, FilteredTableView):
    """An assistant's assigned cooperatives: last visit, open follow-ups, visit due."""

    permission_required = "assistants.view_own_cooperatives"
    filterset_class = filtersets.MyCooperativeFilterSet
    table_class = tables.MyCooperativeTable
    template_name = "assistants/my_cooperatives.html"
    title = _("Koperasi saya")
    export_name = "koperasi-saya"

    def get_queryset(self):
        return selectors.my_cooperatives(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(interval_days=conf.visit_interval_days(), **kwargs)


# --- Visits ------------------------------------------------------------------------------


class VisitListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_coachingvisit"
    filterset_class = filtersets.VisitFilterSet
    table_class = tables.VisitTable
    template_name = "assistants/visit_list.html"
    title = _("Kunjungan pembinaan")
    export_name = "kunjungan"
    add_url_name = "assistants:visit_add"

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user)


class VisitDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "assistants.view_coachingvisit"
    template_name = "assistants/visit_detail.html"
    context_object_name = "visit"

    def get_queryset(self):
        return selectors.visit_detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            can_edit=CoachingVisit.objects.editable_by(user).filter(pk=self.object.pk).exists(),
            can_close=can(user, "assistants.change_followup"),
            close_form=forms.FollowUpCloseForm(),
            today=timezone.localdate(),
            **kwargs,
        )


class VisitFormMixin(PermissionRequiredMixin):
    template_name = "assistants/visit_form.html"

    def render_form(self, form, formset, status=200):
        context = {
            "form": form,
            "followup_formset": formset,
            "title": self.title,
            "visit": getattr(self, "object", None),
            "cancel_url": self.cancel_url(),
        }
        return render(self.request, self.template_name, context, status=status)

    def cancel_url(self):
        return reverse("assistants:visit_list")

    def invalid(self, form, formset):
        if wants_json(self.request):
            # The script then submits the form the ordinary way to show the errors.
            return JsonResponse({"status": "invalid"}, status=400)
        return self.render_form(form, formset)

    def files(self, form):
        return {"photos": form.cleaned_data.get("photos") or [], "documents": form.cleaned_data.get("documents") or []}


class VisitCreateView(VisitFormMixin, View):
    """Log a visit. A POST carrying a ``submission_id`` already saved returns that visit
    (``"duplicate": true``) instead of saving it twice."""

    permission_required = "assistants.add_coachingvisit"
    title = _("Catat kunjungan")

    def get(self, request):
        initial = {}
        cooperative = request.GET.get("cooperative")
        if cooperative and cooperative.isdigit():
            initial["cooperative"] = int(cooperative)
        form = forms.VisitForm(user=request.user, initial=initial)
        return self.render_form(form, forms.new_followup_formset(user=request.user))

    def post(self, request):
        existing = self.already_saved(request.POST.get("submission_id"))
        if existing is not None:
            return self.saved(existing, created=False)
        form = forms.VisitForm(request.POST, request.FILES, user=request.user)
        formset = forms.new_followup_formset(user=request.user, data=request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self.invalid(form, formset)
        try:
            visit, created = services.visit_log(
                user=request.user,
                submission_id=form.cleaned_data["submission_id"],
                fields=form.visit_fields(),
                topics=form.cleaned_data["topics"],
                officers=form.cleaned_data.get("officers") or [],
                new_followups=formset.items(),
                close_followups=form.cleaned_data["close_followups"],
                **self.files(form),
            )
        except ValidationError as error:  # e.g. the id was taken by someone else meanwhile
            form.add_service_error(error)
            return self.invalid(form, formset)
        return self.saved(visit, created=created)

    def already_saved(self, submission_id):
        try:
            value = uuid.UUID(str(submission_id))
        except (TypeError, ValueError):
            return None
        return selectors.visit_by_submission(user=self.request.user, submission_id=value)

    def saved(self, visit, *, created):
        url = visit.get_absolute_url()
        if wants_json(self.request):
            return JsonResponse(
                {"status": "saved", "duplicate": not created, "id": visit.pk, "url": url},
                status=201 if created else 200,
            )
        messages.success(self.request, _t("Tersimpan.") if created else _t("Kunjungan ini sudah tersimpan sebelumnya."))
        return redirect(url)


class VisitUpdateView(VisitFormMixin, View):
    permission_required = "assistants.change_coachingvisit"
    title = _("Ubah kunjungan")

    def get_object(self):
        return get_object_or_404(CoachingVisit.objects.editable_by(self.request.user), pk=self.kwargs["pk"])

    def cancel_url(self):
        return self.object.get_absolute_url()

    def get(self, request, pk):
        self.object = self.get_object()
        form = forms.VisitForm(instance=self.object, user=request.user)
        return self.render_form(form, forms.new_followup_formset(user=request.user))

    def post(self, request, pk):
        self.object = self.get_object()
        form = forms.VisitForm(request.POST, request.FILES, instance=self.object, user=request.user)
        formset = forms.new_followup_formset(user=request.user, data=request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self.invalid(form, formset)
        visit = form.save(commit=False)
        if not form.office and visit.assistant_id is None:
            visit.assistant = form.own_assistant
        try:
            services.visit_update(
                visit=visit,
                user=request.user,
                topics=form.cleaned_data["topics"],
                officers=form.cleaned_data["officers"] if "officers" in form.fields else visit.officers.all(),
                new_followups=formset.items(),
                close_followups=form.cleaned_data["close_followups"],
                **self.files(form),
            )
        except ValidationError as error:  # a rule only the save sees: shown, never a 500
            form.add_service_error(error)
            return self.invalid(form, formset)
        if wants_json(request):
            return JsonResponse({"status": "saved", "duplicate": False, "id": visit.pk, "url": visit.get_absolute_url()})
        messages.success(request, _t("Tersimpan."))
        return redirect(visit)


class VisitOpenFollowUpsView(PermissionRequiredMixin, View):
    """The open follow-ups of the cooperative picked on the visit form (fetched by the
    form's script when the cooperative changes)."""

    permission_required = "assistants.add_coachingvisit"

    def get(self, request):
        form = forms.VisitForm(user=request.user, initial={"cooperative": request.GET.get("cooperative")})
        return render(request, "assistants/_open_followups.html", {"form": form})


class VisitAttachmentView(PermissionRequiredMixin, View):
    """Photos and documents are served only to those who may see the visit."""

    permission_required = "assistants.view_visitattachment"
    def get(self, request, pk):
        attachment = get_object_or_404(
            VisitAttachment.objects.filter(visit__in=CoachingVisit.objects.visible_to(request.user).values("pk")), pk=pk
        )
        return FileResponse(attachment.file.open("rb"), as_attachment=not attachment.is_image, filename=str(attachment))


# --- Follow-ups --------------------------------------------------------------------------


class FollowUpListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_followup"
    filterset_class = filtersets.FollowUpFilterSet
    table_class = tables.FollowUpTable
    template_name = "assistants/followup_list.html"
    title = _("Tindak lanjut")
    export_name = "tindak-lanjut"

    def get_queryset(self):
        return selectors.followup_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = selectors.followup_summary(followups=selectors.followup_list(user=self.request.user))
        return context


class FollowUpCloseView(PermissionRequiredMixin, View):
    permission_required = "assistants.change_followup"

    def post(self, request, pk):
        followup = get_object_or_404(FollowUp.objects.visible_to(request.user).open(), pk=pk)
        form = forms.FollowUpCloseForm(request.POST)
        if form.is_valid():
            services.followup_close(
                followup=followup, user=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
            messages.success(request, _t("Tindak lanjut ditutup."))
        else:
            messages.error(request, _t("Tindak lanjut belum ditutup: pilih hasilnya."))
        target = request.POST.get("next")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = followup.get_absolute_url()
        return redirect(target)


# --- Targets -----------------------------------------------------------------------------


class CoachingTargetListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_coachingtarget"
    filterset_class = filtersets.CoachingTargetFilterSet
    table_class = tables.CoachingTargetTable
    title = _("Target pembinaan")
    export_name = "target-pembinaan"
    add_url_name = "assistants:target_add"

    def get_queryset(self):
        return selectors.target_list(user=self.request.user)


class CoachingTargetProgressView(PermissionRequiredMixin, DetailView):
    permission_required = "assistants.view_coachingtarget"
    template_name = "assistants/target_progress.html"
    context_object_name = "target"

    def get_queryset(self):
        return selectors.target_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        summary = selectors.target_progress(target=self.object, user=self.request.user)
        labels = dict(VisitKind.choices)
        return super().get_context_data(kind_labels=[labels[k] for k in summary["kinds"]], **summary, **kwargs)


class OfficeFormMixin(PermissionRequiredMixin):
    template_name = "assistants/object_form.html"
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, cancel_url=self.get_cancel_url(), **kwargs)

    def get_cancel_url(self):
        return self.object.get_absolute_url() if getattr(self, "object", None) else reverse(self.list_url_name)

    def form_valid(self, form):
        messages.success(self.request, _t("Tersimpan."))
        return super().form_valid(form)


class CoachingTargetCreateView(OfficeFormMixin, CreateView):
    permission_required = "assistants.add_coachingtarget"
    model = CoachingTarget
    form_class = forms.CoachingTargetForm
    title = _("Tambah target pembinaan")
    list_url_name = "assistants:target_list"


class CoachingTargetUpdateView(OfficeFormMixin, UpdateView):
    permission_required = "assistants.change_coachingtarget"
    model = CoachingTarget
    form_class = forms.CoachingTargetForm
    title = _("Ubah target pembinaan")
    list_url_name = "assistants:target_list"


# --- Programmes --------------------------------------------------------------------------


class ProgrammeListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_programme"
    filterset_class = filtersets.ProgrammeFilterSet
    table_class = tables.ProgrammeTable
    title = _("Program pelatihan dan bantuan")
    export_name = "program"
    add_url_name = "assistants:programme_add"

    def get_queryset(self):
        return selectors.programme_list(user=self.request.user)


class ProgrammeDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "assistants.view_programme"
    template_name = "assistants/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self):
        return selectors.programme_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            participants=selectors.programme_participants(programme=self.object, user=user),
            can_edit=can(user, "assistants.change_programme"),
            **kwargs,
        )


class ProgrammeFormMixin(OfficeFormMixin):
    model = Programme
    form_class = forms.ProgrammeForm
    list_url_name = "assistants:programme_list"

    def get_queryset(self):
        return Programme.objects.visible_to(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        self.object = services.programme_save(
            programme=form.save(commit=False), cooperatives=form.cleaned_data["participants"]
        )
        messages.success(self.request, _t("Tersimpan."))
        return redirect(self.object)


class ProgrammeCreateView(ProgrammeFormMixin, CreateView):
    permission_required = "assistants.add_programme"
    title = _("Tambah program")


class ProgrammeUpdateView(ProgrammeFormMixin, UpdateView):
    permission_required = "assistants.change_programme"
    title = _("Ubah program")


# --- Financing proposals -----------------------------------------------------------------


class FinancingProposalListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_financingproposal"
    filterset_class = filtersets.FinancingProposalFilterSet
    table_class = tables.FinancingProposalTable
    title = _("Proposal pembiayaan dan rencana usaha")
    export_name = "proposal"
    add_url_name = "assistants:proposal_add"

    def get_queryset(self):
        return selectors.proposal_list(user=self.request.user)


class FinancingProposalDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "assistants.view_financingproposal"
    template_name = "assistants/proposal_detail.html"
    context_object_name = "proposal"

    def get_queryset(self):
        return selectors.proposal_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            status_history=selectors.proposal_status_history(proposal=self.object),
            can_edit=can(self.request.user, "assistants.change_financingproposal"),
            **kwargs,
        )


class ProposalFormMixin(OfficeFormMixin):
    model = FinancingProposal
    form_class = forms.FinancingProposalForm
    list_url_name = "assistants:proposal_list"

    def get_queryset(self):
        return FinancingProposal.objects.visible_to(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        self.object = services.proposal_save(proposal=form.save(commit=False), user=self.request.user)
        messages.success(self.request, _t("Tersimpan."))
        return redirect(self.object)


class FinancingProposalCreateView(ProposalFormMixin, CreateView):
    permission_required = "assistants.add_financingproposal"
    title = _("Tambah proposal pembiayaan")


class FinancingProposalUpdateView(ProposalFormMixin, UpdateView):
    permission_required = "assistants.change_financingproposal"
    title = _("Ubah proposal pembiayaan")


# --- Monthly report ----------------------------------------------------------------------


class MonthlyReportView(PermissionRequiredMixin, View):
    """An assistant's visits of one month, grouped by cooperative, with findings and
    follow-ups: printable, and as XLSX with ``?_export=xlsx``."""

    permission_required = "assistants.view_monthly_report"
    def get(self, request):
        user = request.user
        own = selectors.assistant_for_user(user)
        data = request.GET.copy()
        if "assistant" not in data and own is not None:
            data["assistant"] = str(own.pk)
        if "month" not in data:
            data["month"] = timezone.localdate().strftime("%Y-%m")
        form = forms.MonthlyReportForm(data, user=user)
        context = {"form": form, "title": _t("Laporan bulanan pendamping")}
        if not form.is_valid():
            if "assistant" in form.errors and request.GET.get("assistant"):
                raise Http404  # someone else's assistant, or no such assistant
            return render(request, "assistants/monthly_report.html", context)
        assistant = form.cleaned_data["assistant"]
        month: datetime.date = form.cleaned_data["month"]
        visits = selectors.monthly_report(user=user, assistant=assistant, year=month.year, month=month.month)
        if request.GET.get("_export") == "xlsx":
            content = reports.monthly_report_xlsx(assistant=assistant, month=month, visits=visits)
            response = HttpResponse(
                content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = f'attachment; filename="laporan-bulanan-{assistant.pk}-{month:%Y-%m}.xlsx"'
            return response
        context.update(assistant=assistant, month=month, visits=visits)
        return render(request, "assistants/monthly_report.html", context)


# --- Coaching coverage -------------------------------------------------------------------


class CoverageListView(PermissionRequiredMixin, FilteredTableView):
    """Cooperatives coached, not coached, visited, or assigned but not visited in a year:
    the list behind the dashboard's coaching figures."""

    permission_required = "assistants.view_coverage"
    filterset_class = filtersets.CoverageFilterSet
    table_class = tables.CoverageTable
    template_name = "assistants/coverage_list.html"
    title = _("Cakupan pendampingan")
    export_name = "cakupan-pendampingan"

    def get_year(self) -> int:
        return filtersets.coverage_year(self.request.GET)

    def get_queryset(self):
        return selectors.coverage_list(user=self.request.user, year=self.get_year())

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "year": self.get_year()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            year=self.get_year(), min_visits=conf.coached_min_visits(),
            coached_kinds=[VisitKind(kind).label for kind in conf.coached_visit_kinds()], **kwargs,
        )
