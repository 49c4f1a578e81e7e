"""How the OpenAPI schema describes our token authentication (`Authorization: Token <key>`)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):  # noqa: ARG002 - the extension API
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "«Token <کلید>» — the key from /api/v1/auth/otp/verify or /auth/login",
        }
