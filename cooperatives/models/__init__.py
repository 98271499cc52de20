from .regions import District, Regency, Village

__all__ = ["District", "Regency", "Village"]
