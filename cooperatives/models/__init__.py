from .cooperatives import Cooperative, Kelompok
from .rat import RatAttachment, RatFiling
from .regions import District, Regency, Village

__all__ = ["Cooperative", "District", "Kelompok", "RatAttachment", "RatFiling", "Regency", "Village"]
