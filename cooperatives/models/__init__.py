# The health models live in the ``cooperatives.health`` sub-package (same app, same tables);
# importing them here is how Django finds them.
from cooperatives.health.models import HealthAspect, HealthAspectScore, HealthAssessment, HealthCategoryThreshold, HealthInstrument  # noqa: F401

from .cooperatives import Cooperative, Kelompok
from .offices import OfficeScope
from .rat import RatAttachment, RatFiling
from .regions import District, Regency, Village
from .years import CooperativeYear, CooperativeYearBuild

__all__ = ["Cooperative", "CooperativeYear", "CooperativeYearBuild", "District", "Kelompok", "OfficeScope", "RatAttachment", "RatFiling", "Regency", "Village"]
