"""The map page: located cooperatives coloured by status, and village coverage.

The page itself carries the summary figures and the legend; the points come from
``MapDataView`` as GeoJSON (``?layer=villages`` for the village coverage layer), drawn by
``static/js/dashboard_map.js`` with the vendored Leaflet. Without ``MAP_TILE_URL`` (the
default: an office LAN without internet) no tile layer is added and no request leaves
the app's host.
"""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.views import View
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.generic import TemplateView

from cooperatives.choices import Status

from .selectors.geo import (
    STATUS_COLOURS,
    Coverage,
    cooperative_features,
    location_summary,
    village_features,
    village_summary,
)
from .views import DashboardPageMixin

# Above this many points the markers are painted on a canvas instead of one SVG element each.
SVG_MAX_POINTS = 3000


def _map_labels() -> dict:
    """The words the script writes (layer names, popups, status line)."""
    return {
        "cooperatives": _("Koperasi"),
        "villages": _("Cakupan desa/kelurahan"),
        "status": _("Status"),
        "district": _("Kecamatan"),
        "merahPutih": _("Koperasi Desa/Kelurahan Merah Putih"),
        "open": _("Buka data koperasi"),
        "located": _("Koperasi berlokasi"),
        "hasActive": _("Ada koperasi aktif"),
        "hasMerahPutih": _("Ada koperasi Merah Putih berjalan"),
        "yes": _("ya"),
        "no": _("tidak"),
        "openList": _("Lihat koperasinya"),
        "drawn": _("{n} koperasi dan {v} desa/kelurahan digambar di peta."),
        "empty": _("Belum ada koperasi dengan lokasi (lintang dan bujur) untuk pilihan ini."),
        "truncated": _("Hanya sebagian titik ditampilkan: pilih satu kecamatan."),
        "error": _("Titik koperasi gagal dimuat. Muat ulang halaman."),
    }


class MapView(DashboardPageMixin, TemplateView):
    template_name = "dashboard/map.html"
    tab = "map"

    def get_context_data(self, **kwargs):
        user, period = self.request.user, self.period
        locations = location_summary(user=user, period=period)
        legend = [
            (Status.AKTIF, locations[f"located_{Status.AKTIF}"]),
            (Status.KURANG_AKTIF, locations[f"located_{Status.KURANG_AKTIF}"]),
            (Status.TIDAK_AKTIF, locations[f"located_{Status.TIDAK_AKTIF}"]),
            (Status.BARU, locations[f"located_{Status.BARU}"]),
        ]
        data_url = f"{reverse('dashboard_map_data')}?{period.tab_query}"
        return super().get_context_data(
            locations=locations,
            villages=village_summary(user=user, period=period),
            legend=[
                {"label": status.label, "colour": STATUS_COLOURS[status], "count": count, "status": status.value}
                for status, count in legend
            ],
            dissolved_colour=STATUS_COLOURS[Status.DIBUBARKAN],
            coverage_colours=Coverage.COLOURS,
            tile_url=settings.MAP_TILE_URL,
            queries={
                "registered": period.status_query(),
                "without_active": period.status_query(coverage="without_active"),
                "without_merah_putih": period.status_query(coverage="without_merah_putih"),
            },
            map_config={
                "cooperativesUrl": data_url,
                "villagesUrl": f"{data_url}&layer=villages",
                "tileUrl": settings.MAP_TILE_URL,
                "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
                "statusColours": STATUS_COLOURS,
                "coverageColours": Coverage.COLOURS,
                "svgMaxPoints": SVG_MAX_POINTS,
                "labels": _map_labels(),
            },
            **kwargs,
        )


@method_decorator(gzip_page, name="dispatch")
class MapDataView(DashboardPageMixin, View):
    """GeoJSON of the period's located cooperatives, or (``?layer=villages``) of the villages
    placed by them; one query either way. Compressed for browsers that accept it: about
    300 bytes a point become about 30."""

    def get(self, request, *args, **kwargs):
        features = village_features if request.GET.get("layer") == "villages" else cooperative_features
        return JsonResponse(features(user=request.user, period=self.period))
