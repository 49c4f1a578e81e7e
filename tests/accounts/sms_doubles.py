"""A scriptable SMS sender for tests: fails transiently a set number of times, then
delivers into OutboxSender's outbox."""

from accounts.otp_senders import OtpDeliveryError, OutboxSender, SmsSender, TransientSmsError


class FlakySmsSender(SmsSender):
    failures_left = 0  # transient failures before a success
    refuse = False  # refuse for good instead
    calls: list[str] = []

    def send(self, phone: str, message: str) -> None:
        type(self).calls.append(phone)
        if type(self).refuse:
            raise OtpDeliveryError("provider refused the number")
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            raise TransientSmsError("provider timed out")
        OutboxSender().send(phone, message)

    @classmethod
    def reset(cls, failures: int = 0, refuse: bool = False) -> None:
        cls.failures_left, cls.refuse, cls.calls = failures, refuse, []
