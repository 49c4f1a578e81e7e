from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import OneTimeCode, User
from backend.errors import DomainError, TooMany

PHONE = "09121234567"


def request_code(outbox, phone=PHONE, ip="10.0.0.1"):
    services.otp_request(phone=phone, ip=ip)
    return outbox.last_code_for(services.phone_clean(phone))


@pytest.mark.django_db
@pytest.mark.usefixtures("limits_clock")
class TestOtpRequest:
    def test_sends_code_and_stores_only_a_hash(self, outbox):
        code = request_code(outbox, phone="+98 912 123 4567")
        assert code
        assert code.isdigit()
        assert len(code) == 6
        stored = OneTimeCode.objects.get(phone=PHONE)
        assert code not in stored.code_hash
        assert stored.expires_at - stored.created_at <= timedelta(seconds=121)

    def test_refuses_bad_phone_with_persian_message(self, outbox):
        with pytest.raises(DomainError) as error:
            services.otp_request(phone="021-12345678", ip=None)
        assert error.value.code == "invalid_phone"
        assert "شماره" in error.value.message
        assert outbox.outbox == []

    def test_second_request_within_a_minute_is_throttled_per_number(self, outbox):
        request_code(outbox)
        with pytest.raises(TooMany) as error:
            services.otp_request(phone="۰۹۱۲۱۲۳۴۵۶۷", ip="10.0.0.2")
        assert error.value.retry_after > 0
        assert len(outbox.outbox) == 1

    def test_throttled_per_ip_across_numbers(self, outbox, settings):
        settings.OTP_LIMIT_PER_IP = [(3, 3600)]
        for i in range(3):
            services.otp_request(phone=f"0912000000{i}", ip="10.9.9.9")
        with pytest.raises(TooMany):
            services.otp_request(phone="09120000009", ip="10.9.9.9")
        # Another address is not affected.
        services.otp_request(phone="09120000009", ip="10.9.9.8")

    def test_new_code_replaces_the_old_one(self, outbox, settings):
        settings.OTP_LIMIT_PER_PHONE = [(10, 60)]
        first = request_code(outbox)
        second = request_code(outbox)
        if first == second:
            pytest.skip("two random codes happened to be equal")
        with pytest.raises(DomainError):
            services.otp_verify(phone=PHONE, code=first)
        assert services.otp_verify(phone=PHONE, code=second).phone == PHONE


@pytest.mark.django_db
class TestOtpVerify:
    def test_right_code_creates_a_citizen_once(self, outbox):
        code = request_code(outbox)
        user = services.otp_verify(phone="0098 912 123 4567", code=code)
        assert user.phone == PHONE
        assert not user.has_usable_password()
        assert User.objects.filter(phone=PHONE).count() == 1

    def test_code_in_persian_digits_is_accepted(self, outbox):
        code = request_code(outbox)
        persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        assert services.otp_verify(phone=PHONE, code=persian).phone == PHONE

    def test_existing_user_gets_signed_in(self, outbox, citizen):
        code = request_code(outbox, phone=citizen.phone)
        assert services.otp_verify(phone=citizen.phone, code=code) == citizen

    def test_code_works_only_once(self, outbox):
        code = request_code(outbox)
        services.otp_verify(phone=PHONE, code=code)
        with pytest.raises(DomainError) as error:
            services.otp_verify(phone=PHONE, code=code)
        assert error.value.code == "otp_missing"

    def test_expired_code_is_refused(self, outbox):
        code = request_code(outbox)
        OneTimeCode.objects.filter(phone=PHONE).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        with pytest.raises(DomainError) as error:
            services.otp_verify(phone=PHONE, code=code)
        assert error.value.code == "otp_expired"
        assert not User.objects.filter(phone=PHONE).exists()

    def test_code_expires_after_two_minutes(self, outbox, settings):
        assert settings.OTP_TTL_SECONDS == 120
        request_code(outbox)
        otp = OneTimeCode.objects.get(phone=PHONE)
        assert abs((otp.expires_at - otp.created_at).total_seconds() - 120) < 1

    def test_wrong_attempts_are_counted_and_limited_to_five(self, outbox):
        code = request_code(outbox)
        wrong = "9" * len(code) if code != "9" * len(code) else "1" * len(code)
        for left in (4, 3, 2, 1, 0):
            with pytest.raises(DomainError) as error:
                services.otp_verify(phone=PHONE, code=wrong)
            assert error.value.code == "otp_wrong"
            assert error.value.extra["attempts_left"] == left
        assert OneTimeCode.objects.get(phone=PHONE).attempts == 5
        # Even the right code is refused once the attempts are used up.
        with pytest.raises(TooMany) as error:
            services.otp_verify(phone=PHONE, code=code)
        assert error.value.code == "otp_locked"
        assert not User.objects.filter(phone=PHONE).exists()

    def test_no_code_requested(self):
        with pytest.raises(DomainError) as error:
            services.otp_verify(phone=PHONE, code="12345")
        assert error.value.code == "otp_missing"

    def test_code_for_another_number_does_not_work(self, outbox):
        code = request_code(outbox)
        request_code(outbox, phone="09350000000")
        with pytest.raises(DomainError):
            services.otp_verify(phone="09350000000", code=code + "0")

    def test_inactive_account_is_refused(self, outbox, citizen):
        citizen.is_active = False
        citizen.save()
        code = request_code(outbox, phone=citizen.phone)
        with pytest.raises(DomainError) as error:
            services.otp_verify(phone=citizen.phone, code=code)
        assert error.value.status == 403


@pytest.fixture
def web_request(rf):
    return rf.post("/signin/", REMOTE_ADDR="10.0.0.9")


@pytest.mark.django_db
class TestPasswordLogin:
    def test_right_password(self, moderator, web_request):
        user = services.password_login(
            request=web_request, username=moderator.username, password="demo"
        )
        assert user == moderator

    @pytest.mark.parametrize("password", ["", "wrong", "demo "])
    def test_wrong_password(self, moderator, password, web_request):
        with pytest.raises(DomainError) as error:
            services.password_login(
                request=web_request, username=moderator.username, password=password
            )
        assert error.value.code == "bad_credentials"

    def test_account_made_by_code_has_no_password(self, outbox, web_request):
        code = request_code(outbox)
        user = services.otp_verify(phone=PHONE, code=code)
        with pytest.raises(DomainError):
            services.password_login(request=web_request, username=user.username, password="")
