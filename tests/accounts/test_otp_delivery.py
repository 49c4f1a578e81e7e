"""Sign-in codes never reach a production log; SMS senders are retried on transient faults."""

import logging

import pytest

from accounts import services
from accounts.otp_senders import LogSender, SmsSender, deliver_code
from backend.errors import Unavailable
from tests.accounts.sms_doubles import FlakySmsSender
from tests.backend.test_settings_modes import load_settings

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "shahr.example"}


class TestProductionRefusesTheLogSender:
    @pytest.mark.parametrize(
        "env",
        [{}, {"OTP_SENDER": "accounts.otp_senders.LogSender"}, {"OTP_SENDER_ALLOW_LOG": "0"}],
    )
    def test_refuses_to_start(self, env):
        clean = {"OTP_SENDER": "", "OTP_SENDER_ALLOW_LOG": ""} | env
        if not clean["OTP_SENDER"]:
            clean.pop("OTP_SENDER")
        result = load_settings(**PRODUCTION, **clean)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "OTP_SENDER" in result.stderr

    def test_check_deploy_hits_it_too(self):
        import os
        import subprocess
        import sys

        from tests.backend.test_settings_modes import ROOT

        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.pop("OTP_SENDER", None)
        env.update(PRODUCTION)
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert "OTP_SENDER" in result.stderr

    def test_starts_with_the_explicit_opt_in(self):
        result = load_settings(**PRODUCTION, OTP_SENDER_ALLOW_LOG="1")
        assert result.returncode == 0, result.stderr

    def test_starts_with_an_sms_sender(self):
        sender = "tests.accounts.sms_doubles.FlakySmsSender"
        result = load_settings(**PRODUCTION, OTP_SENDER=sender)
        assert result.returncode == 0, result.stderr


@pytest.mark.django_db
class TestLogSender:
    @pytest.fixture(autouse=True)
    def _log_sender(self, settings):
        settings.OTP_SENDER = "accounts.otp_senders.LogSender"

    def test_production_log_never_holds_the_code(self, settings, caplog):
        settings.DEBUG = False
        caplog.set_level(logging.DEBUG, logger="hamandishi")
        issued = services.otp_request(phone="09121234567", ip="10.0.0.1")
        assert caplog.records
        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert issued.code not in logged
        assert "09121234567" not in logged

    def test_development_log_shows_it(self, settings, caplog):
        settings.DEBUG = True
        caplog.set_level(logging.INFO, logger="hamandishi")
        issued = services.otp_request(phone="09121234567", ip="10.0.0.1")
        assert issued.code in caplog.text


@pytest.mark.django_db
class TestRetries:
    @pytest.fixture(autouse=True)
    def _flaky(self, settings):
        settings.OTP_SENDER = "tests.accounts.sms_doubles.FlakySmsSender"
        settings.OTP_SEND_RETRIES = 2
        settings.OTP_SEND_BACKOFF_SECONDS = 0
        FlakySmsSender.reset()

    def test_transient_failures_are_retried(self, outbox):
        FlakySmsSender.reset(failures=2)
        issued = services.otp_request(phone="09121234567", ip="10.0.0.1")
        assert len(FlakySmsSender.calls) == 3
        assert outbox.last_code_for("09121234567") == issued.code

    def test_gives_up_with_a_persian_503(self, outbox):
        FlakySmsSender.reset(failures=5)
        with pytest.raises(Unavailable) as error:
            services.otp_request(phone="09121234567", ip="10.0.0.1")
        assert error.value.status == 503
        assert error.value.code == "otp_not_sent"
        assert len(FlakySmsSender.calls) == 3

    def test_a_refusal_is_not_retried(self, api_client):
        FlakySmsSender.reset(refuse=True)
        response = api_client.post(
            "/api/v1/auth/otp/request", {"phone": "09121234567"}, format="json"
        )
        assert response.status_code == 503
        assert response.json()["code"] == "otp_not_sent"
        assert len(FlakySmsSender.calls) == 1

    def test_message_carries_the_code(self, outbox):
        deliver_code(phone="09121234567", code="123456", expires_in=120)
        assert "123456" in outbox.outbox[-1]["message"]


def test_sms_sender_interface():
    with pytest.raises(NotImplementedError):
        SmsSender().send("09121234567", "x")
    assert issubclass(LogSender, SmsSender)
