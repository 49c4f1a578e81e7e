"""Where one-time sign-in codes go.

The sender is chosen by the `OTP_SENDER` setting (an import path). To plug in an SMS
provider, subclass `SmsSender` and point `OTP_SENDER` at it:

    class MySmsSender(SmsSender):
        def send(self, phone: str, message: str) -> None:
            ...  # call the provider
            # raise TransientSmsError for a timeout or a 5xx (it is retried),
            # raise OtpDeliveryError when the provider refuses for good

`phone` is the normalised 09XXXXXXXXX form; `message` is the Persian text with the code.
`deliver_code` is called after the code is stored and committed. A `TransientSmsError` is
retried `OTP_SEND_RETRIES` times with a doubling wait (`OTP_SEND_BACKOFF_SECONDS`); when it
still fails, or the sender raises `OtpDeliveryError`, the person is told the code could not
be sent (HTTP 503) and may ask again.

`LogSender` (development, demo) writes the message to the log — with DEBUG off only with the
code masked, and production refuses to start with it unless OTP_SENDER_ALLOW_LOG=1 (see
backend/settings.py). `OutboxSender` keeps messages in memory for tests.
"""

import logging
import re
import time
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from backend.persian import to_persian_digits

logger = logging.getLogger("hamandishi.otp")


class OtpDeliveryError(Exception):
    """The code could not be sent (for good, or after every retry)."""


class TransientSmsError(OtpDeliveryError):
    """A failure worth retrying: a timeout, a refused connection, the provider's 5xx."""


class SmsSender:
    """The interface an SMS provider implements."""

    def send(self, phone: str, message: str) -> None:
        raise NotImplementedError


def code_message(code: str, expires_in: int) -> str:
    minutes = max(expires_in // 60, 1)
    return (
        f"کد ورود هم‌اندیشی: {code}\n"
        f"این کد تا {to_persian_digits(minutes)} دقیقه معتبر است. آن را به کسی ندهید."
    )


_CODE_IN_MESSAGE = re.compile(r"[0-9]{4,}")


def mask_codes(text: str) -> str:
    """The text with every run of 4+ digits (the code) replaced by asterisks."""
    return _CODE_IN_MESSAGE.sub(lambda match: "*" * len(match.group()), text)


def mask_phone(phone: str) -> str:
    return phone[:4] + "*" * max(len(phone) - 6, 0) + phone[-2:] if len(phone) > 6 else "***"


class LogSender(SmsSender):
    """Writes the message to the server log: for development and the demo.

    With DEBUG off the code and most of the number are masked, so a production log never
    holds a working code (nobody can then sign in by code: a trial without SMS)."""

    def send(self, phone: str, message: str) -> None:
        if settings.DEBUG:
            logger.info("one-time code message for %s: %s", phone, message)
        else:
            logger.info(
                "one-time code for %s not sent (log sender, code masked): %s",
                mask_phone(phone),
                mask_codes(message),
            )


class OutboxSender(SmsSender):
    """Keeps messages in memory, newest last, like Django's test mail outbox.

    For tests and browser journeys that read the code the way a phone would receive it.
    """

    outbox: list[dict] = []

    def send(self, phone: str, message: str) -> None:
        match = _CODE_IN_MESSAGE.search(message)
        self.outbox.append({"phone": phone, "message": message, "code": match and match.group()})

    @classmethod
    def last_code_for(cls, phone: str) -> str | None:
        for message in reversed(cls.outbox):
            if message["phone"] == phone:
                return message["code"]
        return None


@cache
def _sender_for(path: str) -> SmsSender:
    return import_string(path)()


def get_sender() -> SmsSender:
    return _sender_for(settings.OTP_SENDER)


def deliver_code(*, phone: str, code: str, expires_in: int) -> None:
    """Send the code's message, retrying transient failures; OtpDeliveryError if it fails."""
    sender = get_sender()
    message = code_message(code, expires_in)
    retries = max(settings.OTP_SEND_RETRIES, 0)
    for attempt in range(retries + 1):
        try:
            sender.send(phone, message)
        except TransientSmsError as error:
            logger.warning(
                "sending a code to %s failed (try %s of %s): %s",
                mask_phone(phone),
                attempt + 1,
                retries + 1,
                mask_codes(str(error)),
            )
            if attempt == retries:
                raise
            time.sleep(settings.OTP_SEND_BACKOFF_SECONDS * 2**attempt)
        else:
            return
