from django.urls import path

from . import views

app_name = "cooperatives"

urlpatterns: list = [
    # Registry pages (cooperatives/views.py)
    path("", views.CooperativeListView.as_view(), name="cooperative_list"),
    path("tambah/", views.CooperativeCreateView.as_view(), name="cooperative_add"),
    path("<int:pk>/", views.CooperativeDetailView.as_view(), name="cooperative_detail"),
    path("<int:pk>/ubah/", views.CooperativeUpdateView.as_view(), name="cooperative_edit"),
    path("<int:pk>/rat/tambah/", views.RatFilingCreateView.as_view(), name="ratfiling_add"),
    path("rat/<int:pk>/ubah/", views.RatFilingUpdateView.as_view(), name="ratfiling_edit"),
    path("rat/terlambat/", views.RatOverdueListView.as_view(), name="rat_overdue"),
    path("rat/kepatuhan/", views.RatComplianceView.as_view(), name="rat_compliance"),
    # Spreadsheet import (cooperatives/import_views.py)
    # Health assessments (cooperatives/health_views.py)
]
