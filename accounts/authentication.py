"""The API's token authentication: django-rest-knox, one hashed, expiring token per client.

Knox checks, on every request, every other token of the user for expiry (one more query per
request); expired tokens are instead removed when the user signs in again
(`accounts.services.api_token_for`), so this checks only the token presented.
"""

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False
