"""Where one-time sign-in codes go.

The sender is chosen by the `OTP_SENDER` setting (an import path). To plug in an SMS
provider, write a class with this method and point `OTP_SENDER` at it:

    class MySmsSender:
        def send(self, *, phone: str, code: str, expires_in: int) -> None:
            ...  # call the provider; raise OtpDeliveryError if it refuses

`phone` is the normalised 09XXXXXXXXX form; `expires_in` is in seconds. `send` is called
after the code is stored and committed; if it raises `OtpDeliveryError` the person is told
the code could not be sent (HTTP 503) and may ask again.
"""

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("hamandishi.otp")


class OtpDeliveryError(Exception):
    pass


class OtpSender(Protocol):
    def send(self, *, phone: str, code: str, expires_in: int) -> None: ...


class LogSender:
    """Writes the code to the server log: the default for development and the demo."""

    def send(self, *, phone: str, code: str, expires_in: int) -> None:
        logger.info("one-time code for %s: %s (valid %s s)", phone, code, expires_in)


class OutboxSender:
    """Keeps codes in memory, newest last, like Django's test mail outbox.

    For tests and browser journeys that read the code the way a phone would receive it.
    """

    outbox: list[dict] = []

    def send(self, *, phone: str, code: str, expires_in: int) -> None:
        self.outbox.append({"phone": phone, "code": code, "expires_in": expires_in})

    @classmethod
    def last_code_for(cls, phone: str) -> str | None:
        for message in reversed(cls.outbox):
            if message["phone"] == phone:
                return message["code"]
        return None


@cache
def _sender_for(path: str) -> OtpSender:
    return import_string(path)()


def get_sender() -> OtpSender:
    return _sender_for(settings.OTP_SENDER)
