from django.middleware.gzip import GZipMiddleware


class IgnoreBrowserLanguageMiddleware:
    """Bahasa Indonesia unless the user picked another language.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office
    PC with an English browser would get English. Dropping the header leaves the
    language-switch cookie and then LANGUAGE_CODE ("id"). Goes before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH padding) for text only: pages, htmx fragments,
    JSON, CSV. Photos, attachments, PDFs and XLSX files (already zip) go out as they are, with
    their Content-Length: compressing them again costs CPU and saves nothing."""

    COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml",
                    "application/manifest+json")

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if not content_type.startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)
