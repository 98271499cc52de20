"""The app's configurable numbers, read from settings with their documented defaults.

- ``ASSISTANTS_MAX_ASSIGNMENTS`` (15): above this many current assignments an assistant's
  load is flagged (domain brief: 7-15 cooperatives each).
- ``ASSISTANTS_COACHED_MIN_VISITS`` (2) and ``ASSISTANTS_COACHED_VISIT_KINDS`` (pembinaan,
  pendampingan RAT, monitoring dan evaluasi): a cooperative counts as *coached* in a year
  when it had at least that many visits of those kinds in that year.
- ``ASSISTANTS_VISIT_INTERVAL_DAYS`` (30): an assigned cooperative without a visit for
  this many days is "due for a visit".
- ``ASSISTANTS_VISIT_MAX_DISTANCE_M`` (1000): a visit logged farther than this many metres
  from the cooperative's recorded point is flagged "jauh" (``presence.presence``).
- ``ASSISTANTS_PHOTO_MAX_SIDE`` (1600) and ``ASSISTANTS_PHOTO_JPEG_QUALITY`` (80): phone
  photos are reduced to this longest side before they are stored.
"""

from django.conf import settings

from .choices import VisitKind

DEFAULT_COACHED_KINDS = (VisitKind.PEMBINAAN, VisitKind.PENDAMPINGAN_RAT, VisitKind.MONEV)


def max_assignments() -> int:
    return int(getattr(settings, "ASSISTANTS_MAX_ASSIGNMENTS", 15))


def coached_min_visits() -> int:
    return int(getattr(settings, "ASSISTANTS_COACHED_MIN_VISITS", 2))


def coached_visit_kinds() -> tuple[str, ...]:
    return tuple(getattr(settings, "ASSISTANTS_COACHED_VISIT_KINDS", DEFAULT_COACHED_KINDS))


def visit_interval_days() -> int:
    return int(getattr(settings, "ASSISTANTS_VISIT_INTERVAL_DAYS", 30))


def visit_max_distance_m() -> int:
    return int(getattr(settings, "ASSISTANTS_VISIT_MAX_DISTANCE_M", 1000))


def photo_max_side() -> int:
    return int(getattr(settings, "ASSISTANTS_PHOTO_MAX_SIDE", 1600))


def photo_jpeg_quality() -> int:
    return int(getattr(settings, "ASSISTANTS_PHOTO_JPEG_QUALITY", 80))
