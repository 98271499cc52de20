

app_name = "cooperatives"

urlpatterns: list = [
    # Registry pages (cooperatives/views.py)
    # Spreadsheet import (cooperatives/import_views.py)
    # Health assessments (cooperatives/health_views.py)
]
