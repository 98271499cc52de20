"""The project's URLs plus views that fail, for the error page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from koperasi_registry.urls import urlpatterns as project_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("uji/terlarang/", forbidden),
    path("uji/rusak/", broken),
    *project_urlpatterns,
]
