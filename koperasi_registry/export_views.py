"""Pages of a large export run by the worker: its progress (polled with htmx), the file,
and "Coba lagi" when its worker stopped. Only the user who asked sees any of them."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from .access import PermissionRequiredMixin
from .export_jobs import export_job_retry
from .models import ExportJob


class ExportJobView(PermissionRequiredMixin, DetailView):
    permission_required = "koperasi_registry.view_exportjob"
    context_object_name = "job"

    def get_queryset(self):
        return ExportJob.objects.visible_to(self.request.user)

    def get_template_names(self):
        return ["exports/export_progress.html" if self.request.htmx else "exports/export_job.html"]


class ExportDownloadView(PermissionRequiredMixin, View):
    """The finished file, as an attachment (MEDIA_ROOT is never served directly)."""

    permission_required = "koperasi_registry.view_exportjob"

    def get(self, request, pk):
        job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk, status=ExportJob.State.DONE)
        try:
            handle = job.file.open("rb")
        except (ValueError, FileNotFoundError):
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.filename or job.file.name.rsplit("/", 1)[-1])


class ExportRetryView(PermissionRequiredMixin, View):
    """POST: queue again an export whose worker stopped before it finished."""

    permission_required = "koperasi_registry.view_exportjob"

    def post(self, request, pk):
        job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
        if not export_job_retry(job=job):
            messages.warning(request, _("Ekspor ini masih berjalan atau sudah selesai."))
        return redirect(job)
