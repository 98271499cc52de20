from .cooperatives import Cooperative, Kelompok
from .health import HealthAspect, HealthAspectScore, HealthAssessment, HealthCategoryThreshold, HealthInstrument  # noqa: F401
from .rat import RatAttachment, RatFiling
from .regions import District, Regency, Village

__all__ = ["Cooperative", "District", "Kelompok", "RatAttachment", "RatFiling", "Regency", "Village"]
