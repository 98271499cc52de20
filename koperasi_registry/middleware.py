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
