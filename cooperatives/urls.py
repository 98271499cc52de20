from django.urls import path

from . import import_views, village_views, views
from .health import views as health_views

app_name = "cooperatives"

urlpatterns: list = [
    # Registry pages (cooperatives/views.py)
    path("", views.CooperativeListView.as_view(), name="cooperative_list"),
    path("tambah/", views.CooperativeCreateView.as_view(), name="cooperative_add"),
    path("<int:pk>/", views.CooperativeDetailView.as_view(), name="cooperative_detail"),
    path("<int:pk>/ubah/", views.CooperativeUpdateView.as_view(), name="cooperative_edit"),
    path("<int:pk>/rat/tambah/", views.RatFilingCreateView.as_view(), name="ratfiling_add"),
    path("rat/<int:pk>/ubah/", views.RatFilingUpdateView.as_view(), name="ratfiling_edit"),
    path("rat/lampiran/<int:pk>/", views.RatAttachmentView.as_view(), name="ratattachment"),
    path("rat/terlambat/", views.RatOverdueListView.as_view(), name="rat_overdue"),
    path("rat/kepatuhan/", views.RatComplianceView.as_view(), name="rat_compliance"),
    path("desa/", views.VillageOptionsView.as_view(), name="village_options"),
    path("wilayah/", village_views.VillageListView.as_view(), name="village_list"),
    # Spreadsheet import (cooperatives/import_views.py)
    path("impor/", import_views.CooperativeImportView.as_view(), name="cooperative_import"),
    path("impor/rat/", import_views.RatFilingImportView.as_view(), name="ratfiling_import"),
    path("impor/templat/<str:kind>/", import_views.ImportTemplateView.as_view(), name="import_template"),
    path("impor/<int:pk>/", import_views.ImportJobView.as_view(), name="import_job"),
    path("impor/<int:pk>/simpan/", import_views.ImportConfirmView.as_view(), name="import_job_confirm"),
    path("impor/<int:pk>/coba-lagi/", import_views.ImportRetryView.as_view(), name="import_job_retry"),
    # Health assessments (cooperatives/health/views.py)
    path("kesehatan/", health_views.AssessmentListView.as_view(), name="assessment_list"),
    path("kesehatan/tambah/", health_views.AssessmentCreateView.as_view(), name="assessment_add"),
    path("kesehatan/<int:pk>/", health_views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("kesehatan/<int:pk>/kertas-kerja/", health_views.AssessmentWorksheetView.as_view(), name="assessment_worksheet"),
    path("kesehatan/aspek/", health_views.AssessmentAspectsView.as_view(), name="assessment_aspects"),
    path("kesehatan/pratinjau/", health_views.AssessmentPreviewView.as_view(), name="assessment_preview"),
]
