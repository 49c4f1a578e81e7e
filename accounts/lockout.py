"""What a password sign-in that django-axes has locked out answers: a Persian 429.

`password_login` raises `TooMany` itself (the sign-in page and the API show it like every
other refusal). `lockout_response` is django-axes' AXES_LOCKOUT_CALLABLE, used by its
middleware for the paths that do not go through the service (the admin's login form): it
keeps a response that already is the 429 and otherwise answers one in Persian — JSON under
/api/, the refusal page elsewhere.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from backend.persian import to_persian_digits

LOCKED_CODE = "login_locked"


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def locked_message() -> str:
    minutes = max(cool_off_seconds() // 60, 1)
    return (
        "به خاطر چند تلاش نادرست پیاپی، ورود با رمز عبور برای این حساب یا از این نشانی "
        f"موقتاً بسته شد؛ {to_persian_digits(minutes)} دقیقه‌ی دیگر دوباره تلاش کنید یا با "
        "کد پیامکی وارد شوید. مدیر سامانه می‌تواند قفل را زودتر باز کند."
    )


def lockout_response(request, original_response=None, _credentials=None):
    if original_response is not None and original_response.status_code == 429:
        return original_response
    retry_after = cool_off_seconds()
    if request.path.startswith("/api/"):
        body = {"detail": locked_message(), "code": LOCKED_CODE, "retry_after": retry_after}
        response: HttpResponse = JsonResponse(body, status=429)
    else:
        context = {"error": locked_message(), "status": 429, "code": LOCKED_CODE}
        response = render(request, "frontend/refused.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response
