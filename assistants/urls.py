from django.urls import path

from . import views

app_name = "assistants"

urlpatterns: list = [
    path("", views.AssistantListView.as_view(), name="assistant_list"),
    path("<int:pk>/", views.AssistantDetailView.as_view(), name="assistant_detail"),
    path("koperasi-saya/", views.MyCooperativesView.as_view(), name="my_cooperatives"),
    path("kunjungan/", views.VisitListView.as_view(), name="visit_list"),
    path("kunjungan/catat/", views.VisitCreateView.as_view(), name="visit_add"),
    path("kunjungan/tindak-lanjut-terbuka/", views.VisitOpenFollowUpsView.as_view(), name="visit_open_followups"),
    path("kunjungan/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("kunjungan/<int:pk>/ubah/", views.VisitUpdateView.as_view(), name="visit_edit"),
    path("lampiran/<int:pk>/", views.VisitAttachmentView.as_view(), name="attachment"),
    path("tindak-lanjut/", views.FollowUpListView.as_view(), name="followup_list"),
    path("tindak-lanjut/<int:pk>/tutup/", views.FollowUpCloseView.as_view(), name="followup_close"),
    path("target/", views.CoachingTargetListView.as_view(), name="target_list"),
    path("target/tambah/", views.CoachingTargetCreateView.as_view(), name="target_add"),
    path("target/<int:pk>/", views.CoachingTargetProgressView.as_view(), name="target_progress"),
    path("target/<int:pk>/ubah/", views.CoachingTargetUpdateView.as_view(), name="target_edit"),
    path("program/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("program/tambah/", views.ProgrammeCreateView.as_view(), name="programme_add"),
    path("program/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("program/<int:pk>/ubah/", views.ProgrammeUpdateView.as_view(), name="programme_edit"),
    path("proposal/", views.FinancingProposalListView.as_view(), name="proposal_list"),
    path("proposal/tambah/", views.FinancingProposalCreateView.as_view(), name="proposal_add"),
    path("proposal/<int:pk>/", views.FinancingProposalDetailView.as_view(), name="proposal_detail"),
    path("proposal/<int:pk>/ubah/", views.FinancingProposalUpdateView.as_view(), name="proposal_edit"),
    path("laporan-bulanan/", views.MonthlyReportView.as_view(), name="monthly_report"),
    path("cakupan/", views.CoverageListView.as_view(), name="coverage_list"),
]
