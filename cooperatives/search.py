"""What the search fields over the registry find (``koperasi_registry/search_views.py``):
cooperatives the user may see, and the villages and kecamatan of the user's office."""

from koperasi_registry.access import office_scope
from koperasi_registry.search_views import SearchSource

from .models import Cooperative
from .selectors import office_districts, office_villages


def _id(raw) -> int | None:
    return int(raw) if str(raw).isdigit() and len(str(raw)) < 19 else None


def _cooperatives(request):
    return (
        Cooperative.objects.visible_to(request.user)
        .select_related("village")
        .only("pk", "name", "nik", "village__name", "village__kind")
        .order_by("name", "pk")
    )


def _cooperative_label(cooperative) -> str:
    return f"{cooperative.name} ({cooperative.village.name})"


def _villages(request):
    return office_villages(scope=office_scope(request.user)).order_by("name", "pk")


def _in_district(queryset, params):
    """A desa search narrowed to the kecamatan chosen beside it (``?district=<id>``)."""
    district = _id(params.get("district", ""))
    return queryset.filter(district_id=district) if district is not None else queryset


def _village_label(village) -> str:
    return f"{village} – {village.district.name}"


def _districts(request):
    return office_districts(scope=office_scope(request.user)).order_by("name", "pk")


COOPERATIVES = SearchSource(
    permission="cooperatives.view_cooperative",
    queryset=_cooperatives,
    fields=("name",),
    prefix_fields=("nik", "office_code"),
    label=_cooperative_label,
)
VILLAGES = SearchSource(
    permission="cooperatives.view_village",
    queryset=_villages,
    fields=("name",),
    prefix_fields=("code",),
    label=_village_label,
    narrow=_in_district,
)
DISTRICTS = SearchSource(
    permission="cooperatives.view_district",
    queryset=_districts,
    fields=("name",),
    prefix_fields=("code",),
)
