"""Spreadsheet import pages: upload -> dry run with progress -> confirm -> save with progress.

The work itself is in ``cooperatives.imports``; these views only check access, hand the
upload to a service and render the job's state (the job page polls itself with htmx).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView

from koperasi_registry.access import PermissionRequiredMixin, office_scope
from koperasi_registry.models import IMPORT_EXTENSIONS, ImportJob
from koperasi_registry.uploads import FileCheck

from . import imports

Kind = ImportJob.Kind


class ImportAccessMixin(PermissionRequiredMixin):
    """Only Admin and Staf import (Kabid reads, a Pendamping sees only assigned cooperatives)."""

    permission_required = "koperasi_registry.import_data"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas XLSX atau CSV"),
        help_text=_("Baris pertama berisi judul kolom seperti pada templat."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    # openpyxl finds an XLSX header only after scanning a sheet that has no <dimension>
    # entry: a large file's header is checked by the worker instead (the job page says it).
    XLSX_HEADER_CHECK_MAX_BYTES = 2 * 1024 * 1024

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["file"].validators = [FileCheck(IMPORT_EXTENSIONS, max_bytes=settings.IMPORT_MAX_BYTES)]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.name.lower().endswith(".xlsx") and upload.size > self.XLSX_HEADER_CHECK_MAX_BYTES:
            return upload
        try:
            imports.read_sheet(upload, upload.name, self.kind, header_only=True)
        except imports.SheetError as exc:
            raise ValidationError(str(exc), code="sheet") from exc
        finally:
            upload.seek(0)
        return upload


class ImportView(ImportAccessMixin, FormView):
    kind = Kind.COOPERATIVE
    form_class = ImportUploadForm
    template_name = "cooperatives/import_form.html"
    titles = {Kind.COOPERATIVE: _("Impor data koperasi"), Kind.RAT: _("Impor laporan RAT")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.titles[self.kind],
            kind=self.kind,
            other_kind=Kind.RAT if self.kind == Kind.COOPERATIVE else Kind.COOPERATIVE,
            columns=imports.COLUMNS[self.kind],
            recent_jobs=ImportJob.objects.visible_to(self.request.user)
            .filter(kind=self.kind)
            .select_related("user")[:5],
        )
        return context

    def form_valid(self, form):
        job = imports.import_job_create(user=self.request.user, kind=self.kind, upload=form.cleaned_data["file"])
        return redirect(job)


class CooperativeImportView(ImportView):
    kind = Kind.COOPERATIVE


class RatFilingImportView(ImportView):
    kind = Kind.RAT


class ImportJobView(ImportAccessMixin, DetailView):
    """The job's state; htmx polls the same URL for the progress fragment."""

    context_object_name = "job"

    def get_queryset(self):
        return ImportJob.objects.visible_to(self.request.user).select_related("user")

    def get_template_names(self):
        if self.request.htmx:
            return ["cooperatives/import_progress.html"]
        return ["cooperatives/import_job.html"]

    def get_context_data(self, **kwargs):
        job = self.object
        upload_url = {Kind.COOPERATIVE: "cooperatives:cooperative_import", Kind.RAT: "cooperatives:ratfiling_import"}
        return super().get_context_data(upload_url_name=upload_url[job.kind], **kwargs)


class ImportConfirmView(ImportAccessMixin, View):
    """POST: save a checked sheet (all rows or none)."""

    def post(self, request, pk):
        job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
        if not imports.import_job_confirm(job=job):
            messages.warning(request, _("Impor ini tidak dalam keadaan siap disimpan."))
        return redirect(job)


class ImportRetryView(ImportAccessMixin, View):
    """POST: run again the stage of a job whose worker stopped before it finished."""

    def post(self, request, pk):
        job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
        if not imports.import_job_retry(job=job):
            messages.warning(request, _("Impor ini masih berjalan atau sudah selesai."))
        return redirect(job)


class ImportTemplateView(ImportAccessMixin, View):
    """The sheet template of one kind: its exact headers (XLSX: with examples, the office's
    regions and the allowed values on sheets of their own; CSV: the header row only)."""

    def get(self, request, kind):
        if kind not in Kind.values:
            raise Http404
        stamp = timezone.localdate().strftime("%Y%m%d")
        name = {Kind.COOPERATIVE: "templat-impor-koperasi", Kind.RAT: "templat-impor-rat"}[kind]
        if request.GET.get("format") == "csv":
            response = HttpResponse(imports.template_csv(kind), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
            return response
        response = HttpResponse(
            imports.template_xlsx(kind, scope=office_scope(request.user)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
        return response
