app_name = "assistants"

urlpatterns: list = []
