from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from assistants import search as assistant_search
from cooperatives import search as registry_search

from . import access_views, export_views, password_reset, pwa
from .dashboard import map_views, report_views, trend_views
from .dashboard.views import DashboardView
from .search_views import SearchView

admin.site.site_header = settings.OFFICE_NAME
admin.site.site_title = "Koperasi Registry"

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("dasbor/tren/", trend_views.TrendsView.as_view(), name="dashboard_trends"),
    path("dasbor/dampak-pendampingan/", trend_views.CoachingEffectView.as_view(), name="dashboard_effect"),
    path("dasbor/peta/", map_views.MapView.as_view(), name="dashboard_map"),
    path("dasbor/peta/data/", map_views.MapDataView.as_view(), name="dashboard_map_data"),
    path("laporan/statistik/", report_views.StatisticsView.as_view(), name="dashboard_statistics"),
    # Large exports made by the worker (koperasi_registry/export_views.py)
    path("ekspor/<int:pk>/", export_views.ExportJobView.as_view(), name="export_job"),
    path("ekspor/<int:pk>/unduh/", export_views.ExportDownloadView.as_view(), name="export_download"),
    path("ekspor/<int:pk>/coba-lagi/", export_views.ExportRetryView.as_view(), name="export_job_retry"),
    # JSON behind the search fields (koperasi_registry/widgets.py, search_views.py)
    path("cari/koperasi/", SearchView.of(registry_search.COOPERATIVES).as_view(), name="search_cooperatives"),
    path("cari/desa/", SearchView.of(registry_search.VILLAGES).as_view(), name="search_villages"),
    path("cari/kecamatan/", SearchView.of(registry_search.DISTRICTS).as_view(), name="search_districts"),
    path("cari/pendamping/", SearchView.of(assistant_search.ASSISTANTS).as_view(), name="search_assistants"),
    path("cari/pengguna/", SearchView.of(assistant_search.USERS).as_view(), name="search_users"),
    path("cari/program/", SearchView.of(assistant_search.PROGRAMMES).as_view(), name="search_programmes"),
    path("akses/", access_views.PermissionListView.as_view(), name="permissions"),
    path("koperasi/", include("cooperatives.urls")),
    path("pendampingan/", include("assistants.urls")),
    # Password reset only with mail configured (koperasi_registry/password_reset.py).
    path("accounts/", include(password_reset.urlpatterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switch works on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # The installable web app (koperasi_registry/pwa.py): public, hold no user data.
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_service_worker"),
    path("luring/", pwa.offline, name="pwa_offline"),
]
