"""The API's token authentication: django-rest-knox, one hashed, expiring token per client.

Knox checks, on every request, every other token of the user for expiry (one more query per
request); expired tokens are instead removed when the user signs in again
(`accounts.services.api_token_for`), so this checks only the token presented.

A request is authenticated once: the idempotency middleware asks who the caller is before
the view does, and the view's authentication reuses that answer (kept on the Django request
with the header it was computed from) instead of looking the token up again.
"""

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request):
        django_request = getattr(request, "_request", request)
        header = django_request.META.get("HTTP_AUTHORIZATION", "")
        known = getattr(django_request, "_token_authenticated", None)
        if known is not None and known[0] == header:
            return known[1]
        result = super().authenticate(request)
        django_request._token_authenticated = (header, result)
        return result

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False
