"""Pure rules about Kemendagri region codes (Kepmendagri 300.2.2-2138/2025)."""

from .choices import VillageKind

_KIND_BY_DIGIT = {"1": VillageKind.KELURAHAN, "2": VillageKind.DESA, "3": VillageKind.DESA_ADAT}


def code_level(code: str) -> int:
    """1 province, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan."""
    return len(code.split("."))


def village_kind(code: str) -> VillageKind:
    """``61.05.01.1001`` -> kelurahan, ``61.05.01.2003`` -> desa, ``91.03.01.3001`` -> desa adat."""
    parts = code.split(".")
    if len(parts) != 4 or not parts[3][:1] in _KIND_BY_DIGIT:
        raise ValueError(f"{code!r} is not a village code")
    return _KIND_BY_DIGIT[parts[3][0]]
