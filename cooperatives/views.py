"""Registry pages: the cooperative list, profile, forms, RAT filings, overdue list, compliance."""

from django.contrib import messages
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView

from koperasi_registry.access import PermissionRequiredMixin, can, office_scope
from koperasi_registry.concurrency import VersionedFormViewMixin
from koperasi_registry.views import FilteredTableView

from . import selectors
from .health.selectors import assessment_history
from .filtersets import DUE, CooperativeFilterSet, status_year
from .forms import CooperativeForm, DistrictPickerForm, RatAttachmentFormSet, RatFilingForm
from .models import RatFiling
from .services import rat_filing_save
from .status import Compliance, StatusRules
from .tables import CooperativeTable, status_badge


class CooperativeListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "cooperatives.view_cooperative"
    filterset_class = CooperativeFilterSet
    table_class = CooperativeTable
    template_name = "cooperatives/cooperative_list.html"
    title = gettext_lazy("Koperasi")
    add_url_name = "cooperatives:cooperative_add"
    export_name = "koperasi"

    def get_queryset(self):
        return selectors.cooperative_list(user=self.request.user, year=status_year(self.request.GET))

    def get_context_data(self, **kwargs):
        return super().get_context_data(show_compliance=can(self.request.user, "cooperatives.view_compliance"), **kwargs)


class RatOverdueListView(PermissionRequiredMixin, FilteredTableView):
    """Cooperatives that have not filed the RAT of their reference book year."""

    permission_required = "cooperatives.view_compliance"
    filterset_class = CooperativeFilterSet
    table_class = CooperativeTable
    template_name = "cooperatives/rat_overdue.html"
    title = gettext_lazy("RAT terlambat")
    export_name = "rat-terlambat"

    def get_queryset(self):
        return selectors.rat_overdue_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        rules = StatusRules.from_settings()
        today = timezone.localdate()
        return super().get_context_data(
            reference_years={
                _("primer"): rules.reference_year(today=today, bentuk="primer"),
                _("sekunder"): rules.reference_year(today=today, bentuk="sekunder"),
            },
            **kwargs,
        )


class CooperativeDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "cooperatives.view_cooperative"
    template_name = "cooperatives/cooperative_detail.html"
    context_object_name = "cooperative"

    def get_object(self, queryset=None):
        return selectors.cooperative_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        cooperative = self.object
        user = self.request.user
        rules = StatusRules.from_settings()
        timeline = selectors.rat_timeline(cooperative=cooperative, rules=rules)
        filed_years = {row.book_year for row in timeline if row.filing is not None}
        from_record = selectors.last_rat_from_record(cooperative, filed_years=filed_years)
        reason = selectors.explain_status(cooperative, rules=rules, from_record=from_record)
        return super().get_context_data(
            title=cooperative.name,
            status_badge=status_badge(cooperative.status, reason),
            status_reason=reason,
            timeline=timeline,
            rat_from_record=from_record,
            history=selectors.cooperative_history(cooperative=cooperative),
            can_edit=can(user, "cooperatives.change_cooperative"),
            can_add_rat=can(user, "cooperatives.add_ratfiling"),
            can_edit_rat=can(user, "cooperatives.change_ratfiling"),
            health_history=assessment_history(cooperative=cooperative),
            **kwargs,
        )


class CooperativeFormMixin(PermissionRequiredMixin, SuccessMessageMixin):
    form_class = CooperativeForm
    template_name = "cooperatives/cooperative_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": office_scope(self.request.user)}

    def form_valid(self, form):
        # One transaction with what follows the save (a move takes the cooperative's visit
        # summaries and follow-ups to its new kecamatan: ``assistants.signals``).
        with transaction.atomic():
            return super().form_valid(form)


class CooperativeCreateView(CooperativeFormMixin, CreateView):
    permission_required = "cooperatives.add_cooperative"
    success_message = gettext_lazy("Koperasi %(name)s ditambahkan.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Tambah koperasi"), cancel_url=reverse("cooperatives:cooperative_list"), **kwargs
        )


class CooperativeUpdateView(VersionedFormViewMixin, CooperativeFormMixin, UpdateView):
    permission_required = "cooperatives.change_cooperative"
    success_message = gettext_lazy("Perubahan %(name)s disimpan.")

    def get_object(self, queryset=None):
        return selectors.cooperative_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Ubah %(name)s") % {"name": self.object.name}, cancel_url=self.object.get_absolute_url(), **kwargs
        )


class VillageOptionsView(PermissionRequiredMixin, TemplateView):
    """``<option>``s of one kecamatan's villages, for htmx; without a kecamatan, all the
    office's grouped by kecamatan when they are at most ``limit`` (one kabupaten), else only
    a prompt to choose the kecamatan first: never 83,762 options at national scope."""

    permission_required = "cooperatives.view_village"
    limit = 500

    template_name = "cooperatives/_village_options.html"

    def get_context_data(self, **kwargs):
        villages = selectors.office_villages(scope=office_scope(self.request.user))
        district = self.request.GET.get("district", "")
        if district.isdigit():
            villages = villages.filter(district_id=int(district))
        rows = list(villages[: self.limit + 1])
        too_many = len(rows) > self.limit
        return super().get_context_data(
            villages=[] if too_many else rows, choose_district=too_many, grouped=not district.isdigit(), **kwargs
        )


class RatFilingFormView(PermissionRequiredMixin, TemplateView):
    """Add or edit a RAT filing with its attachments; saved through ``rat_filing_save``."""

    template_name = "cooperatives/ratfiling_form.html"

    @cached_property
    def cooperative(self):
        raise NotImplementedError

    @cached_property
    def filing(self):
        raise NotImplementedError

    def get_forms(self):
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        initial = {}
        if data is None and not self.filing.pk:
            reference = StatusRules.from_settings().reference_year(today=timezone.localdate(), bentuk=self.cooperative.bentuk)
            initial["book_year"] = self.request.GET.get("book_year") or reference
        form = RatFilingForm(data, files, instance=self.filing, cooperative=self.cooperative, initial=initial)
        formset = RatAttachmentFormSet(data, files, instance=self.filing, prefix="attachments")
        return form, formset

    def get(self, request, *args, **kwargs):
        form, formset = self.get_forms()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        form, formset = self.get_forms()
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    if not form.check_version():  # saved by someone else since this page was loaded
                        return self.render_to_response(self.get_context_data(form=form, formset=formset))
                    filing = rat_filing_save(filing=form.save(commit=False))
                    formset.instance = filing
                    formset.save()
            except ValidationError as error:
                # A rule the form could not see (e.g. the same year saved meanwhile).
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
            except IntegrityError:
                form.add_error("book_year", _("RAT tahun buku ini untuk koperasi ini sudah dicatat."))
            else:
                messages.success(request, _("RAT tahun buku %(year)s disimpan.") % {"year": filing.book_year})
                return redirect(filing.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            cooperative=self.cooperative,
            cancel_url=self.cooperative.get_absolute_url(),
            **kwargs,
        )


class RatFilingCreateView(RatFilingFormView):
    permission_required = "cooperatives.add_ratfiling"

    @cached_property
    def cooperative(self):
        return selectors.cooperative_get(user=self.request.user, pk=self.kwargs["pk"])

    @cached_property
    def filing(self):
        return RatFiling(cooperative=self.cooperative)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Catat RAT: %(name)s") % {"name": self.cooperative.name}, **kwargs)


class RatFilingUpdateView(RatFilingFormView):
    permission_required = "cooperatives.change_ratfiling"

    @cached_property
    def filing(self):
        return selectors.ratfiling_get(user=self.request.user, pk=self.kwargs["pk"])

    @cached_property
    def cooperative(self):
        return self.filing.cooperative

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Ubah RAT tahun buku %(year)s: %(name)s") % {"year": self.filing.book_year, "name": self.cooperative.name},
            **kwargs,
        )


class RatAttachmentView(PermissionRequiredMixin, View):
    """A RAT attachment, served only to those who may see its cooperative (MEDIA_URL is not served)."""

    permission_required = "cooperatives.view_ratfiling"

    def get(self, request, pk):
        attachment = selectors.ratattachment_get(user=request.user, pk=pk)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=not attachment.is_image,
            filename=attachment.file.name.rsplit("/", 1)[-1],
        )


class RatComplianceView(PermissionRequiredMixin, TemplateView):
    """RAT compliance for a book year (and optionally a kecamatan); each number links to the
    list filtered to exactly those cooperatives."""

    permission_required = "cooperatives.view_compliance"
    template_name = "cooperatives/rat_compliance.html"

    def get_context_data(self, **kwargs):
        rules = StatusRules.from_settings()
        default_year = rules.reference_year(today=timezone.localdate(), bentuk="primer")
        try:
            year = int(self.request.GET.get("year", default_year))
            if not 1945 <= year <= 2100:
                raise ValueError
        except ValueError:
            year = default_year
        picker = DistrictPickerForm(self.request.GET, scope=office_scope(self.request.user))  # bounded
        district = picker.chosen()
        counts = selectors.rat_compliance(book_year=year, user=self.request.user, district=district, rules=rules)
        base = f"{reverse('cooperatives:cooperative_list')}?rat_year={year}"
        if district:
            base += f"&district={district.pk}"
        rows = [
            ("due", _("Wajib RAT"), DUE),
            ("on_time", Compliance.ON_TIME.label, Compliance.ON_TIME),
            ("late", Compliance.LATE.label, Compliance.LATE),
            ("not_filed", Compliance.NOT_FILED.label, Compliance.NOT_FILED),
        ]
        return super().get_context_data(
            title=_("Kepatuhan RAT"),
            year=year,
            years=range(default_year + 1, default_year - 10, -1),
            picker=picker,
            district=district,
            counts=counts,
            panels=[
                {"key": key, "label": label, "count": counts[key], "url": f"{base}&rat_compliance={value}"}
                for key, label, value in rows
            ],
            deadlines={
                "primer": rules.deadline(book_year=year, bentuk="primer"),
                "sekunder": rules.deadline(book_year=year, bentuk="sekunder"),
            },
            **kwargs,
        )

