"""Errors that services raise when a request cannot be done.

Each carries a Persian message for the person, a stable machine code and the HTTP status
the API answers with. Views and the API exception handler turn them into responses, so a
refusal is a clear 4xx and never a 500.
"""


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class Refused(DomainError):
    """The actor may not do this (403)."""

    status = 403
    code = "permission_denied"


class Missing(DomainError):
    """The thing asked for does not exist, or is not visible to the actor (404)."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state (409)."""

    status = 409
    code = "conflict"


class TooMany(DomainError):
    """A rate limit was reached (429); `retry_after` is in seconds."""

    status = 429
    code = "throttled"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code, extra={"retry_after": retry_after})
        self.retry_after = retry_after


class Unavailable(DomainError):
    """A service the request needs is down for now (503); the person may try again soon."""

    status = 503
    code = "unavailable"
