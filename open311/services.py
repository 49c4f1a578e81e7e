"""Every Open311 write: issuing and revoking client keys, and a client's POST requests.

A client's request becomes a problem through `participation.services.problem_submit`, so it
is checked like any other (the point inside the city, the plan open for problems), queued for
moderation and counted against the client's posting limit. Before that this module applies
the per-device and per-address limits and answers a retried identical POST with the token of
the first one.
"""

import hashlib
import hmac
import html
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import activity_record
from backend.authz import authorise
from backend.errors import Conflict, DomainError, Refused, TooMany
from backend.persian import normalise, to_persian_digits
from backend.ratelimit import rate_limit_hit
from backend.sanitise import plain_text, plain_title
from cities.models import City, District
from moderation.models import ModerationState
from open311.models import Open311Client, Open311Request
from participation.models import TITLE_MAX, Problem
from participation.services import problem_submit
from participation.similarity import similar_to
from planning.models import Axis, Plan

KEY_PREFIX_LENGTH = 8
NAME_MAX = 120
CONTACT_MAX = 200
DESCRIPTION_MAX = 10_000
STRONG_SIMILARITY = 0.5

BAD_KEY = "کلید API نامعتبر است یا باطل شده است."
# What issued keys look like (URL-safe base64 around a dot), with room to spare.
_KEY_SHAPE = re.compile(r"[A-Za-z0-9_.\-]{1,200}")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# Clients and keys --------------------------------------------------------------------------


def client_issue(
    *, actor: Any, city: City, name: str, contact: str = ""
) -> tuple[Open311Client, str]:
    """Register a client app for `city` and return it with its raw API key, which is shown
    once and never stored (only its prefix and SHA-256 hash are). `actor` None is the
    operator at the command line (`manage.py open311_key`), who already holds the database;
    everyone else must be a city admin of `city` or a superuser."""
    if actor is not None:
        authorise(actor, "open311.manage_clients", city)
    name = plain_title(name)
    contact = plain_text(contact)
    if not name:
        raise DomainError("نام برنامه را بنویسید.", code="name_required")
    if len(name) > NAME_MAX or len(contact) > CONTACT_MAX:
        raise DomainError(
            f"نام حداکثر {to_persian_digits(NAME_MAX)} و راه تماس حداکثر "
            f"{to_persian_digits(CONTACT_MAX)} نویسه است.",
            code="too_long",
        )
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    raw_key = f"{prefix}.{secrets.token_urlsafe(32)}"
    User = get_user_model()
    try:
        with transaction.atomic():
            account = User(
                username=f"open311-{prefix}",
                display_name=name[:80],
                show_name_publicly=True,
            )
            account.set_unusable_password()  # nobody signs in as a client
            account.save()
            client = Open311Client.objects.create(
                city=city,
                name=name,
                contact=contact,
                key_prefix=prefix,
                key_hash=_hash(raw_key),
                account=account,
                created_by=actor,
            )
            activity_record(
                actor=actor,
                action="open311.client_issue",
                obj=client,
                city_id=city.pk,
                after={"name": name, "contact": contact, "key_prefix": prefix},
            )
    except IntegrityError as error:
        raise Conflict("برنامه‌ای با همین نام در این شهر هست.", code="client_name_taken") from error
    return client, raw_key


def client_revoke(*, actor: Any, client: Open311Client) -> Open311Client:
    """Revoke a client's key for good: its later requests are refused (403). Its problems
    stay; its service account cannot sign in and now cannot post either."""
    if actor is not None:
        authorise(actor, "open311.manage_clients", client.city)
    with transaction.atomic():
        client = Open311Client.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is not None:
            return client
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        client.account.is_active = False
        client.account.save(update_fields=["is_active"])
        activity_record(
            actor=actor,
            action="open311.client_revoke",
            obj=client,
            city_id=client.city_id,
            before={"revoked_at": None},
            after={"revoked_at": client.revoked_at.isoformat()},
        )
    return client


def client_for_key(raw_key: str | None) -> Open311Client:
    """The active client holding `raw_key`, else Refused (403). The hash is compared in
    constant time; the prefix only finds the row."""
    raw_key = (raw_key or "").strip()
    if not raw_key:
        raise Refused("کلید API (api_key) لازم است.", code="api_key_required")
    if not _KEY_SHAPE.fullmatch(raw_key):  # never a NUL or a 10 kB string to the database
        raise Refused(BAD_KEY, code="api_key_invalid")
    prefix = raw_key.split(".", 1)[0][:12]
    client = (
        Open311Client.objects.select_related("city", "account").filter(key_prefix=prefix).first()
    )
    # Compare even when no row matched, so the answer takes the same time either way.
    expected = client.key_hash if client is not None else _hash("")
    if not hmac.compare_digest(expected, _hash(raw_key)) or client is None:
        raise Refused(BAD_KEY, code="api_key_invalid")
    if client.revoked_at is not None:
        raise Refused(BAD_KEY, code="api_key_revoked")
    return client


# POST requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    request: Open311Request
    replayed: bool
    notice: str


def derive_title(description: str) -> str:
    """The problem's title from the description: its first sentence, or its first words,
    at most TITLE_MAX characters, cut at a word and marked «…» when cut."""
    text = plain_text(description)
    first = re.split(r"(?<=[.!?؟])\s|\n", text, maxsplit=1)[0].strip() or text
    if len(first) <= TITLE_MAX:
        return first
    cut = first[: TITLE_MAX - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" .،,") + "…"


def _fingerprint(service_code: str, description: str, lat, lon, address: str) -> str:
    point = f"{lat}|{lon}" if lat is not None else ""
    raw = "\x1f".join([service_code, normalise(description), point, normalise(address)])
    return _hash(raw)


def _check_limits(client: Open311Client, device_key: str, address: str | None) -> None:
    checks: list[tuple[str, list[tuple[int, int]]]] = []
    if device_key and settings.OPEN311_DEVICE_LIMIT > 0:
        checks.append((f"o311:d:{client.pk}:{device_key}", [(settings.OPEN311_DEVICE_LIMIT, 3600)]))
    if address and settings.OPEN311_IP_LIMIT > 0:
        checks.append((f"o311:ip:{client.pk}:{address}", [(settings.OPEN311_IP_LIMIT, 3600)]))
    if not checks:
        return
    wait = rate_limit_hit(checks)
    if wait is not None:
        minutes = to_persian_digits((wait + 59) // 60)
        raise TooMany(
            f"از این دستگاه در این ساعت درخواست بیشتری پذیرفته نمی‌شود؛ "
            f"{minutes} دقیقه‌ی دیگر دوباره تلاش کنید.",
            retry_after=wait,
            code="device_limit",
        )


def _body(description: str, address: str, media_url: str) -> str:
    """The problem's body: the description as typed, then the address and the photo link
    (the client's words, sanitised by problem_submit like any other body)."""
    lines = [html.escape(description.strip(), quote=False)]  # plain text, never markup
    if address:
        lines.append(f"نشانی: {html.escape(address, quote=False)}")
    if media_url:
        url = html.escape(media_url)
        lines.append(f'تصویر: <a href="{url}">{url}</a>')
    return "\n\n".join(lines)


def _notice(problem: Problem) -> str:
    notice = "درخواست شما ثبت شد و پس از بررسی ناظران منتشر می‌شود."
    if problem.moderation_state == ModerationState.PUBLISHED:
        notice = "درخواست شما ثبت و منتشر شد."
    similar = similar_to(problem)
    if similar and similar[0].score >= STRONG_SIMILARITY:
        where = ""
        if similar[0].distance_m is not None:
            metres = max(10, round(similar[0].distance_m / 10) * 10)
            where = f"، {to_persian_digits(metres)} متر آن‌طرف‌تر"
        notice += (
            f" مسئله‌ی مشابهی پیش‌تر منتشر شده است: «{similar[0].title}» "
            f"(شماره‌ی {to_persian_digits(similar[0].id)}{where})."
        )
    return notice


def request_submit(
    *,
    client: Open311Client,
    plan: Plan,
    axis: Axis,
    description: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    address: str = "",
    district: District | None = None,
    device_id: str = "",
    media_url: str = "",
    client_address: str | None = None,
) -> Submitted:
    """Turn a client's POST requests into a pending problem of `plan` by the client's
    service account, or, for a retry of the same POST within OPEN311_RETRY_MINUTES, return
    the first one's request (no second problem). Email, phone and names are not taken."""
    if client.revoked_at is not None:
        raise Refused(BAD_KEY, code="api_key_revoked")
    description = str(description or "")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            f"شرح حداکثر {to_persian_digits(DESCRIPTION_MAX)} نویسه است.", code="body_too_long"
        )
    address = plain_text(address)[:250]
    if latitude is None and longitude is None and not address:
        raise DomainError(
            "موقعیت را با lat و long یا نشانی (address_string) بفرستید.", code="location_required"
        )
    if not plain_title(description):
        raise DomainError("شرح درخواست (description) را بنویسید.", code="body_required")
    device_key = _hash(f"{client.pk}:{device_id}") if device_id else ""
    fingerprint = _fingerprint(f"axis-{axis.pk}", description, latitude, longitude, address)
    since = timezone.now() - timedelta(minutes=settings.OPEN311_RETRY_MINUTES)
    with transaction.atomic():
        # One client's POSTs are serialised here, so two copies of a retry cannot both pass.
        Open311Client.objects.select_for_update().only("pk").get(pk=client.pk)
        earlier = (
            Open311Request.objects.select_related("problem")
            .filter(
                client=client,
                device_key=device_key,
                fingerprint=fingerprint,
                created_at__gte=since,
            )
            .first()
        )
        if earlier is not None:
            return Submitted(earlier, True, _notice(earlier.problem))
        _check_limits(client, device_key, client_address)
        problem = problem_submit(
            author=client.account,
            plan=plan,
            title=derive_title(description),
            body=_body(description, address, media_url),
            axis=axis,
            district=district,
            latitude=latitude,
            longitude=longitude,
            posting_kind="open311",
        )
        request = Open311Request.objects.create(
            client=client,
            token=secrets.token_urlsafe(12),
            problem=problem,
            device_key=device_key,
            fingerprint=fingerprint,
            address=address,
            media_url=media_url,
        )
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return Submitted(request, False, _notice(problem))
