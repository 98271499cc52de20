"""The installable web app (README, "Kerja lapangan tanpa sinyal"): the web app manifest,
the service worker (served from here so that its scope is the whole site, "/") and the
offline fallback page. All three are public: a browser fetches the manifest without
cookies, and none of them holds any user's data."""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

THEME_COLOUR = "#198754"  # Bootstrap's bg-success: the navbar

# The shell the service worker stores at install (every page's CSS and scripts, the
# visit form's and the outbox page's scripts, the icons); a name with no file is left out.
# Any other static file is kept the first time a page controlled by the worker loads it.
SHELL = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "css/app.css",
    "css/print.css",
    "js/page_actions.js",
    "js/outbox.js",
    "js/pwa.js",
    "js/visit_form.js",
    "js/outbox_page.js",
    "js/form_errors.js",
    "js/search_select.js",
    "vendor/tom-select/tom-select.bootstrap5.min.css",
    "vendor/tom-select/tom-select.complete.min.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
)
SW_SOURCE = "js/sw.js"


def _read_static(name: str) -> bytes | None:
    """A static file's bytes: from the source folders (development, tests) or, after
    ``collectstatic``, from STATIC_ROOT; None when there is no such file."""
    path = finders.find(name)
    if path:
        with open(path, "rb") as handle:
            return handle.read()
    try:
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    except (FileNotFoundError, ValueError):
        return None


def _pages() -> list[str]:
    """Pages kept for offline use, network first (matched by path, any query string)."""
    return [
        reverse("dashboard"),
        reverse("assistants:visit_add"),
        reverse("assistants:my_cooperatives"),
        reverse("assistants:outbox"),
        reverse("assistants:offline_data"),
    ]


def _build_service_worker() -> str:
    source = _read_static(SW_SOURCE)
    digest = hashlib.sha256(source)
    shell = []
    for name in SHELL:
        content = _read_static(name)
        if content is None:  # one missing file would make the whole install fail
            continue
        shell.append(name)
        digest.update(name.encode())
        digest.update(content)
    digest.update(str(getattr(settings, "PWA_CACHE_VERSION", "")).encode())
    config = {
        "version": digest.hexdigest()[:16],
        "shell": [static(name) for name in shell],
        "pages": _pages(),
        "offline": reverse("pwa_offline"),
        "offlineData": reverse("assistants:offline_data"),
        "outboxScript": static("js/outbox.js"),
        "staticPrefix": static(""),
        "login": settings.LOGIN_URL if str(settings.LOGIN_URL).startswith("/") else reverse(settings.LOGIN_URL),
    }
    return f"self.KR_PWA = {json.dumps(config)};\n" + source.decode()


_cached_service_worker = lru_cache(maxsize=1)(_build_service_worker)


@login_not_required
@never_cache
def service_worker(request):
    """``/sw.js``. Its cache name is a digest of the worker and of every shell file (and
    the optional PWA_CACHE_VERSION setting), so a deploy that changes any of them installs
    a new worker, which drops the old caches. Never cached by the browser's HTTP cache."""
    body = _build_service_worker() if settings.DEBUG else _cached_service_worker()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store, must-revalidate"
    return response


@login_not_required
def manifest(request):
    data = {
        "name": f"Koperasi Registry · {settings.OFFICE_NAME}" if getattr(settings, "OFFICE_NAME", "") else "Koperasi Registry",
        "short_name": "Koperasi",
        "description": _("Catat kunjungan pendampingan koperasi, juga tanpa sinyal."),
        "lang": "id",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
        "shortcuts": [
            {"name": _("Catat kunjungan"), "url": reverse("assistants:visit_add")},
            {"name": _("Kotak keluar"), "url": reverse("assistants:outbox")},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_not_required
def offline(request):
    """What the service worker shows for a page it has not kept, when there is no signal."""
    return render(request, "pwa/offline.html", {"title": _("Tidak ada sinyal")})
