"""Persian first: the interface is Persian unless the person picks English in the footer.

Django's LocaleMiddleware would follow the browser's Accept-Language; on a Persian civic
platform a phone set to English should still get Persian pages (and the API Persian
messages), so only the explicit choice (the language cookie) switches.
"""

from django.middleware.locale import LocaleMiddleware


class PersianFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
