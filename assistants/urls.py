from django.urls import path

from .views import followups, offline, people, planning, reports, visits
from .views import presence as presence_views

app_name = "assistants"

urlpatterns: list = [
    path("", people.AssistantListView.as_view(), name="assistant_list"),
    path("<int:pk>/", people.AssistantDetailView.as_view(), name="assistant_detail"),
    path("koperasi-saya/", people.MyCooperativesView.as_view(), name="my_cooperatives"),
    path("kunjungan/", visits.VisitListView.as_view(), name="visit_list"),
    path("kunjungan/catat/", visits.VisitCreateView.as_view(), name="visit_add"),
    path("kunjungan/tindak-lanjut-terbuka/", visits.VisitOpenFollowUpsView.as_view(), name="visit_open_followups"),
    path("kunjungan/<int:pk>/", visits.VisitDetailView.as_view(), name="visit_detail"),
    path("kunjungan/<int:pk>/ubah/", visits.VisitUpdateView.as_view(), name="visit_edit"),
    path("kunjungan/<int:pk>/cetak/", presence_views.VisitPrintView.as_view(), name="visit_print"),
    path(
        "kunjungan/<int:pk>/jadikan-titik-koperasi/", presence_views.VisitTakeLocationView.as_view(),
        name="visit_take_location",
    ),
    path("lampiran/<int:pk>/", visits.VisitAttachmentView.as_view(), name="attachment"),
    path("tindak-lanjut/", followups.FollowUpListView.as_view(), name="followup_list"),
    path("tindak-lanjut/<int:pk>/tutup/", followups.FollowUpCloseView.as_view(), name="followup_close"),
    path("target/", planning.CoachingTargetListView.as_view(), name="target_list"),
    path("target/tambah/", planning.CoachingTargetCreateView.as_view(), name="target_add"),
    path("target/<int:pk>/", planning.CoachingTargetProgressView.as_view(), name="target_progress"),
    path("target/<int:pk>/ubah/", planning.CoachingTargetUpdateView.as_view(), name="target_edit"),
    path("program/", planning.ProgrammeListView.as_view(), name="programme_list"),
    path("program/tambah/", planning.ProgrammeCreateView.as_view(), name="programme_add"),
    path("program/<int:pk>/", planning.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("program/<int:pk>/ubah/", planning.ProgrammeUpdateView.as_view(), name="programme_edit"),
    path(
        "program/<int:pk>/keluarkan-peserta/", planning.ProgrammeParticipantRemoveView.as_view(),
        name="programme_participant_remove",
    ),
    path("proposal/", planning.FinancingProposalListView.as_view(), name="proposal_list"),
    path("proposal/tambah/", planning.FinancingProposalCreateView.as_view(), name="proposal_add"),
    path("proposal/<int:pk>/", planning.FinancingProposalDetailView.as_view(), name="proposal_detail"),
    path("proposal/<int:pk>/ubah/", planning.FinancingProposalUpdateView.as_view(), name="proposal_edit"),
    path("laporan-bulanan/", reports.MonthlyReportView.as_view(), name="monthly_report"),
    path("cakupan/", reports.CoverageListView.as_view(), name="coverage_list"),
    path("kotak-keluar/", offline.OutboxView.as_view(), name="outbox"),
    path("data-luring/", offline.OfflineDataView.as_view(), name="offline_data"),
]
