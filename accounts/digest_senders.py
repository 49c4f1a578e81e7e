"""Where digests of unread notifications go.

Chosen by the `DIGEST_SENDER` setting (an import path), the same shape as the sign-in code
sender (accounts/otp_senders.py). To plug in an SMS provider or a mail service, subclass
`DigestSender` and point `DIGEST_SENDER` at it:

    class MySmsDigestSender(DigestSender):
        def send(self, *, user, subject: str, message: str) -> None:
            ...  # call the provider with user.phone; raise DigestDeliveryError on failure

`message` is the Persian text, short enough for one SMS, ending in a link to the inbox;
`subject` is the e-mail subject. A sender that raises leaves the digest unrecorded, so the
next run of `send_digests` tries again.

`LogDigestSender` (the default: development, the demo) writes the message to the log;
`EmailDigestSender` mails it to the person's address through Django's mail settings;
`OutboxDigestSender` keeps messages in memory for tests.
"""

import logging
from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from accounts.otp_senders import mask_phone

logger = logging.getLogger("hamandishi.digests")


class DigestDeliveryError(Exception):
    """The digest could not be sent; it will be tried again on the next run."""


class DigestSender:
    """The interface a digest channel implements."""

    def send(self, *, user, subject: str, message: str) -> None:
        raise NotImplementedError


class LogDigestSender(DigestSender):
    """Writes the digest to the server log (the number masked)."""

    def send(self, *, user, subject: str, message: str) -> None:
        logger.info("digest for %s (%s): %s", mask_phone(user.phone or ""), subject, message)


class EmailDigestSender(DigestSender):
    """Mails the digest; a person without an address cannot be reached this way."""

    def send(self, *, user, subject: str, message: str) -> None:
        if not user.email:
            raise DigestDeliveryError("no e-mail address")
        send_mail(subject, message, None, [user.email])


class OutboxDigestSender(DigestSender):
    """Keeps digests in memory, newest last, like Django's test mail outbox."""

    outbox: list[dict] = []

    def send(self, *, user, subject: str, message: str) -> None:
        self.outbox.append(
            {"user": user.pk, "phone": user.phone, "subject": subject, "message": message}
        )


@cache
def _sender_for(path: str) -> DigestSender:
    return import_string(path)()


def get_digest_sender() -> DigestSender:
    return _sender_for(settings.DIGEST_SENDER)
