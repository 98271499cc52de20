"""Responses are compressed: HTML through Django's GZipMiddleware when the browser asks,
static files through WhiteNoise's precompressed copies (production storage), and every
list export above EXPORT_INLINE_MAX_ROWS goes to the worker instead of being built in the
request."""

import gzip

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from koperasi_registry.access import may_open
from koperasi_registry.models import ExportJob
from koperasi_registry.views import FilteredTableView

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_gzip_sits_after_whitenoise_and_before_every_body_middleware():
    order = settings.MIDDLEWARE
    gzip_at = order.index("koperasi_registry.middleware.TextGZipMiddleware")
    assert order.index("whitenoise.middleware.WhiteNoiseMiddleware") < gzip_at
    # Outermost but for security and static files: it compresses what the others wrote.
    assert gzip_at == 2


def test_a_page_asked_with_gzip_comes_back_compressed_and_smaller(client_as, admin, sintang):
    client = client_as(admin)
    plain = client.get(reverse("dashboard"))
    packed = client.get(reverse("dashboard"), **GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    html = gzip.decompress(packed.content)
    assert b"</html>" in html
    # The same page (the CSRF token and CSP nonce differ per response, not the length).
    assert abs(len(html) - len(plain.content)) < 200
    assert len(packed.content) * 3 < len(plain.content), (len(packed.content), len(plain.content))


def test_the_login_page_is_compressed_too(client):
    response = client.get(reverse("login"), **GZIP)
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert b'name="username"' in gzip.decompress(response.content)


@pytest.mark.parametrize(("fmt", "compressed"), [("csv", True), ("xlsx", False)])
def test_text_exports_are_compressed_and_xlsx_files_pass_as_they_are(client_as, admin, sintang, fmt, compressed):
    from tests.factories import CooperativeFactory

    CooperativeFactory.create_batch(3)
    response = client_as(admin).get(reverse("cooperatives:cooperative_list"), {"_export": fmt}, **GZIP)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if compressed:
        assert response["Content-Encoding"] == "gzip" and gzip.decompress(body).count(b"\n") == 4
    else:
        assert "Content-Encoding" not in response and body.startswith(b"PK")  # a zip, untouched


def test_compressed_lengths_vary_breach_padding(client_as, admin, sintang):
    """Django >= 4.2 pads the gzip header with 0-99 random bytes (django.utils.text.
    compress_string): the same page does not give one length an attacker could compare."""
    client = client_as(admin)
    lengths = {len(client.get(reverse("dashboard"), **GZIP).content) for _ in range(8)}
    assert len(lengths) > 1


@pytest.fixture(scope="module")
def collected(tmp_path_factory, django_db_blocker):
    """collectstatic with the production storage (hashed names, .gz and .br copies)."""
    root = tmp_path_factory.mktemp("staticfiles")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root, storages


def test_production_settings_serve_static_files_through_compressed_manifest_storage():
    from tests.koperasi_registry.test_settings import settings_value

    env = {"SECRET_KEY": "x" * 60, "DEBUG": "0"}
    module = "koperasi_registry.settings.production"
    backend = settings_value('STORAGES["staticfiles"]["BACKEND"]', module, **env)
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    middleware = settings_value("MIDDLEWARE", module, **env)
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in middleware and "GZipMiddleware" in middleware


@pytest.mark.parametrize(("accept", "encoding"), [("gzip", "gzip"), ("gzip, br", "br"), ("", None)])
def test_static_files_are_served_precompressed(collected, accept, encoding):
    from whitenoise.middleware import WhiteNoiseMiddleware

    root, storages = collected
    with override_settings(
        STATIC_ROOT=root, STORAGES=storages, WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False, DEBUG=False
    ):
        from django.contrib.staticfiles.storage import staticfiles_storage  # reset by override_settings

        path = staticfiles_storage.url("vendor/bootstrap/bootstrap.min.css")
        assert (root / "vendor/bootstrap/bootstrap.min.css.gz").exists()
        middleware = WhiteNoiseMiddleware(lambda request: pytest.fail("not served as a static file"))
        response = middleware(RequestFactory().get(path, HTTP_ACCEPT_ENCODING=accept))
    assert response.status_code == 200
    assert response.get("Content-Encoding") == encoding
    assert "immutable" in response["Cache-Control"]  # hashed name: cached for ever
    body = b"".join(response.streaming_content)
    plain = (root / "vendor/bootstrap/bootstrap.min.css").read_bytes()
    if encoding == "gzip":
        assert gzip.decompress(body) == plain and len(body) * 4 < len(plain)
    elif encoding is None:
        assert body == plain
    else:
        assert len(body) * 4 < len(plain)


# --- Large exports never build in the request ------------------------------------------------


def _list_views(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _list_views(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            view_class = getattr(entry.callback, "view_class", None)
            if view_class and issubclass(view_class, FilteredTableView) and not entry.pattern.regex.groupindex:
                yield f"{namespace}{entry.name}"


LIST_VIEWS = sorted(_list_views())


def test_every_exporting_list_is_found():
    assert {"cooperatives:cooperative_list", "assistants:visit_list", "assistants:followup_list"} <= set(LIST_VIEWS)
    assert len(LIST_VIEWS) >= 10


@pytest.mark.parametrize("name", LIST_VIEWS)
def test_every_list_export_above_the_limit_goes_to_the_worker(client_as, admin, pendamping, sintang, settings,
                                                              tmp_path, name):
    """A limit below zero: every export is "above the limit", even an empty one. The request
    counts the rows and records a job; it never writes the file itself."""
    settings.EXPORT_INLINE_MAX_ROWS = -1
    settings.MEDIA_ROOT = tmp_path
    user = admin if may_open(admin, name) else pendamping  # "my cooperatives" is the Pendamping's
    response = client_as(user).get(reverse(name), {"_export": "csv"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.view_name == name and job.status == ExportJob.State.DONE  # the immediate backend ran it


def test_a_long_export_request_counts_the_rows_and_fetches_none(client_as, admin, sintang, settings, tmp_path):
    """With a queue that does not run the job (the dummy backend), the request itself only
    counts the filtered rows: no query reads the cooperatives without a LIMIT or a COUNT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CooperativeFactory

    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_INLINE_MAX_ROWS = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "ENQUEUE_ON_COMMIT": False}}
    CooperativeFactory.create_batch(4)
    client = client_as(admin)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cooperatives:cooperative_list"), {"_export": "xlsx"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.status, job.total, job.processed) == (ExportJob.State.QUEUED, 4, 0)
    table = connection.ops.quote_name("cooperatives_cooperative")
    reads = [q["sql"] for q in captured.captured_queries if f"FROM {table}" in q["sql"]]
    assert reads and all("COUNT(" in sql or "LIMIT" in sql for sql in reads), reads


def test_an_export_at_the_limit_stays_inline_and_one_above_it_does_not(client_as, admin, sintang, settings, tmp_path):
    from tests.factories import CooperativeFactory

    settings.MEDIA_ROOT = tmp_path
    CooperativeFactory.create_batch(4)
    client = client_as(admin)
    settings.EXPORT_INLINE_MAX_ROWS = 4
    inline = client.get(reverse("cooperatives:cooperative_list"), {"_export": "csv"})
    assert inline.status_code == 200 and len(inline.content.decode().strip().splitlines()) == 1 + 4
    settings.EXPORT_INLINE_MAX_ROWS = 3
    assert client.get(reverse("cooperatives:cooperative_list"), {"_export": "csv"}).status_code == 302
