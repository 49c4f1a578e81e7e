"""Every write in accounts: sign-in codes, profiles, organisations, notifications."""

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from knox.models import AuthToken

from accounts.activity import ACTIONS
from accounts.lockout import LOCKED_CODE, cool_off_seconds, locked_message
from accounts.models import (
    Activity,
    Invitation,
    Membership,
    Notification,
    OneTimeCode,
    Organisation,
    StaffRole,
    User,
)
from accounts.otp_senders import OtpDeliveryError, deliver_code
from accounts.phone import InvalidPhone, normalise_phone
from accounts.rules import forget_city_roles
from backend import geo
from backend.authz import authorise
from backend.errors import Conflict, DomainError, Missing, Refused, TooMany, Unavailable
from backend.persian import normalise, to_latin_digits, to_persian_digits
from backend.ratelimit import rate_limit_hit
from backend.realtime import emit_access_changed, emit_on_commit, user_group
from backend.sanitise import plain_text, plain_title
from cities.models import City, District


def phone_clean(raw) -> str:
    """The canonical 09XXXXXXXXX form, or a 400 with a Persian message."""
    try:
        return normalise_phone(raw)
    except InvalidPhone as error:
        raise DomainError(str(error), code="invalid_phone") from error


def _code_hash(phone: str, code: str) -> str:
    # A keyed hash: a leaked table does not reveal codes without the secret key.
    return salted_hmac("accounts.otp", f"{phone}:{code}", algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class OtpIssued:
    phone: str
    expires_in: int
    code: str  # handed to the sender only; never put in an API response


def otp_request(*, phone: str, ip: str | None) -> OtpIssued:
    """Store a fresh code for `phone` and send it.

    Guarantees: throttled per number and per IP address (429 with the wait); only a keyed
    hash is stored; an earlier unused code for the number stops working. `ip` comes from
    `backend.clientip.client_address`. When the limits cannot be counted (the cache is
    down) or the SMS cannot be sent, a Persian 503 — never a code sent uncounted.
    """
    phone = phone_clean(phone)
    checks = [(f"otp:phone:{phone}", settings.OTP_LIMIT_PER_PHONE)]
    if ip:
        checks.append((f"otp:ip:{ip}", settings.OTP_LIMIT_PER_IP))
    wait = rate_limit_hit(checks)
    if wait is not None:
        raise TooMany(
            "درخواست کد بیش از حد مجاز بود؛ کمی بعد دوباره تلاش کنید.",
            retry_after=wait,
            code="otp_throttled",
        )
    code = "".join(secrets.choice("0123456789") for _ in range(settings.OTP_LENGTH))
    now = timezone.now()
    ttl = settings.OTP_TTL_SECONDS
    with transaction.atomic():
        OneTimeCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)
        OneTimeCode.objects.create(
            phone=phone,
            code_hash=_code_hash(phone, code),
            expires_at=now + timedelta(seconds=ttl),
            requested_ip=ip,
        )
    try:
        deliver_code(phone=phone, code=code, expires_in=ttl)
    except OtpDeliveryError as error:
        raise Unavailable(
            "ارسال پیامک ممکن نشد؛ چند لحظه بعد دوباره تلاش کنید.", code="otp_not_sent"
        ) from error
    return OtpIssued(phone=phone, expires_in=ttl, code=code)


def otp_verify(*, phone: str, code: str) -> User:
    """Check a code; on success return the number's user, creating a citizen if new.

    Guarantees: a code works once, within its lifetime, and only within the attempt limit;
    every wrong try is counted even though the request fails.
    """
    phone = phone_clean(phone)
    code = to_latin_digits(str(code or "")).strip()
    now = timezone.now()
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if otp is None:
            outcome = "missing"
        elif otp.expires_at <= now:
            outcome = "expired"
        elif otp.attempts >= settings.OTP_MAX_ATTEMPTS:
            outcome = "locked"
        elif not constant_time_compare(_code_hash(phone, code), otp.code_hash):
            OneTimeCode.objects.filter(pk=otp.pk).update(attempts=F("attempts") + 1)
            outcome = "wrong"
            left = settings.OTP_MAX_ATTEMPTS - otp.attempts - 1
        else:
            otp.used_at = now
            otp.save(update_fields=["used_at"])
            outcome = "ok"
    # Raised outside the transaction so the counted attempt is kept.
    if outcome == "missing":
        raise DomainError("کد فعالی برای این شماره نیست؛ کد تازه درخواست کنید.", code="otp_missing")
    if outcome == "expired":
        raise DomainError("این کد منقضی شده است؛ کد تازه درخواست کنید.", code="otp_expired")
    if outcome == "locked":
        raise TooMany(
            "تعداد تلاش‌های نادرست از حد گذشت؛ کد تازه درخواست کنید.",
            retry_after=0,
            code="otp_locked",
        )
    if outcome == "wrong":
        raise DomainError(
            "کد نادرست است." + (" دوباره تلاش کنید." if left > 0 else " کد تازه بخواهید."),
            code="otp_wrong",
            extra={"attempts_left": max(left, 0)},
        )
    return user_for_phone(phone=phone)


def user_for_phone(*, phone: str) -> User:
    """The user with this (already normalised) number; a new citizen account if none."""
    user = User.objects.filter(phone=phone).first()
    if user is not None:
        if not user.is_active:
            raise Refused("این حساب غیرفعال است.", code="inactive")
        return user
    try:
        with transaction.atomic():
            user = User(username=phone, phone=phone)
            user.set_unusable_password()
            user.save()
    except IntegrityError:  # a concurrent verify created it first
        user = User.objects.get(phone=phone)
    return user


def password_login(*, request, username: str, password: str) -> User:
    """Sign in with a password (staff and the demo accounts).

    Guarantees: django-axes (the first authentication backend) refuses an account or a
    client address with too many recent failures before the password hasher runs — a
    Persian 429 — and counts every failure. `request` is the Django request (axes reads the
    client address from it through `backend.clientip.client_address`).
    """
    user = authenticate(request, username=(username or "").strip(), password=password or "")
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise TooMany(locked_message(), retry_after=cool_off_seconds(), code=LOCKED_CODE)
        raise DomainError("نام کاربری یا رمز عبور نادرست است.", code="bad_credentials")
    return user


def api_token_for(*, user: User) -> str:
    """A new API token for one client of `user` (one per sign-in), expiring after
    REST_KNOX["TOKEN_TTL"]; beyond API_TOKENS_PER_USER live tokens the oldest are revoked.
    Only a hash is stored; the key is returned once."""
    now = timezone.now()
    with transaction.atomic():
        AuthToken.objects.filter(user=user, expiry__lte=now).delete()
        _instance, key = AuthToken.objects.create(user=user)
        keep = max(settings.API_TOKENS_PER_USER, 1)
        stale = AuthToken.objects.filter(user=user).order_by("-created", "-digest")[keep:]
        AuthToken.objects.filter(digest__in=[t.digest for t in stale]).delete()
    return key


def api_token_revoke(*, token: AuthToken) -> None:
    """Revoke one client's token (the API's logout: the token it was called with); sockets
    opened with it close."""
    AuthToken.objects.filter(digest=token.digest).delete()
    session_ended(user=token.user, reason="token_revoked")


def api_token_revoke_for(*, user: User, digest: str | None = None) -> int:
    """The «my sessions» page: revoke the user's token `digest`, or all of their tokens.
    Another user's token is a 404, so nothing tells that it exists."""
    tokens = AuthToken.objects.filter(user=user)
    if digest is not None:
        tokens = tokens.filter(digest=digest)
        if not tokens.exists():
            raise Missing("این نشست پیدا نشد.", code="token_not_found")
    count, _ = tokens.delete()
    if count:
        session_ended(user=user, reason="token_revoked")
    return count


def session_ended(*, user, reason: str = "logout") -> None:
    """A sign-in of `user` ended: a web sign-out, an API logout or a revoked token. Call it
    after the session is flushed or the token deleted: every open socket of the user checks
    its own credential again and the ones opened with the ended sign-in close (4401);
    sockets of the user's other, still valid sign-ins stay open. Token code (any token
    backend) calls this after revoking a token."""
    if getattr(user, "pk", None) is not None:
        emit_access_changed(user.pk, reason)


def profile_update(
    *,
    user: User,
    display_name: str | None = None,
    show_name_publicly=None,
    digest_frequency: str | None = None,
):
    """Change what others see of the user, and how often a digest of unread notifications
    is sent (accounts/digests.py). Names are plain text, trimmed."""
    fields = []
    if digest_frequency is not None:
        if digest_frequency not in User.Digest.values:
            raise DomainError("بسامد خلاصه‌ی اعلان‌ها نامعتبر است.", code="invalid_digest")
        user.digest_frequency = digest_frequency
        fields.append("digest_frequency")
    if display_name is not None:
        user.display_name = plain_title(display_name)[:80]  # blank-looking → no name
        fields.append("display_name")
    if show_name_publicly is not None:
        user.show_name_publicly = bool(show_name_publicly)
        fields.append("show_name_publicly")
    if fields:
        user.save(update_fields=fields)
    return user


def _expertise_fields(user: User) -> dict:
    at = user.expertise_verified_at
    return {
        "expertise": user.expertise,
        "verified_at": at.isoformat() if at else None,
        "verified_by": user.expertise_verified_by_id,
    }


def expertise_verify(*, actor: User, user: User, expertise: str) -> User:
    """Give `user` the expert badge, with who gave it and when. Only a superuser grants it
    (platform-wide); the only way the badge is given."""
    authorise(actor, "accounts.verify_expertise", user)
    expertise = plain_text(expertise or "")[:120]
    if not expertise:
        raise DomainError("حوزه‌ی تخصص را بنویسید.", code="expertise_required")
    with transaction.atomic():
        before = _expertise_fields(user)
        user.expertise = expertise
        user.expertise_verified_at = timezone.now()
        user.expertise_verified_by = actor
        user.save(update_fields=["expertise", "expertise_verified_at", "expertise_verified_by"])
        activity_record(
            actor=actor,
            action="expertise.verify",
            obj=user,
            city_id=None,
            before=before,
            after=_expertise_fields(user),
        )
    return user


def expertise_revoke(*, actor: User, user: User) -> User:
    """Take the expert badge away (the expertise text stays, unverified)."""
    authorise(actor, "accounts.verify_expertise", user)
    if user.expertise_verified_at is None:
        raise Conflict("این کاربر نشان کارشناس ندارد.", code="not_expert")
    with transaction.atomic():
        before = _expertise_fields(user)
        user.expertise_verified_at = None
        user.expertise_verified_by = None
        user.save(update_fields=["expertise_verified_at", "expertise_verified_by"])
        activity_record(
            actor=actor,
            action="expertise.revoke",
            obj=user,
            city_id=None,
            before=before,
            after=_expertise_fields(user),
        )
    return user


# Staff roles -------------------------------------------------------------------------


def staff_role_grant(*, actor: User, user: User, city, role: str) -> StaffRole:
    """Give `user` a staff role in `city`. Only a superuser does (the admin uses this)."""
    authorise(actor, "accounts.grant_staff_role", city)
    if role not in StaffRole.Role.values:
        raise DomainError("نقش نامعتبر است.", code="invalid_role")
    with transaction.atomic():
        if StaffRole.objects.filter(user=user, city=city, role=role).exists():
            raise Conflict("این نقش پیش‌تر داده شده است.", code="duplicate_role")
        staff_role = StaffRole.objects.create(user=user, city=city, role=role)
        activity_record(
            actor=actor,
            action="staff_role.grant",
            obj=staff_role,
            city_id=city.pk,
            after={"user": user.pk, "role": role},
        )
    forget_city_roles(user)
    return staff_role


def staff_role_revoke(*, actor: User, staff_role: StaffRole) -> None:
    """Take a staff role away. Only a superuser does (the admin uses this)."""
    authorise(actor, "accounts.grant_staff_role", staff_role.city)
    with transaction.atomic():
        activity_record(
            actor=actor,
            action="staff_role.revoke",
            obj=staff_role,
            city_id=staff_role.city_id,
            before={"user": staff_role.user_id, "role": staff_role.role},
        )
        staff_role.delete()
        # Open sockets re-check their permission once this commits (a moderation queue
        # socket of the city closes with 4403).
        emit_access_changed(staff_role.user_id, "staff_role.revoke")
    forget_city_roles(staff_role.user)


# Organisations -----------------------------------------------------------------------


REGISTRATION_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z/-]{0,31}$")


def registration_number_clean(raw: str) -> str:
    """Latin digits, no spaces: the same number typed in Persian digits is the same number."""
    value = "".join(to_latin_digits(str(raw or "")).split())
    if not REGISTRATION_NUMBER.match(value):
        raise DomainError(
            "شماره ثبت نامعتبر است؛ فقط رقم، حرف لاتین، خط تیره و / پذیرفته است.",
            code="invalid_registration_number",
        )
    return value


def organisation_register(
    *, actor: User, city, name: str, registration_number: str, description: str = ""
) -> Organisation:
    """Register an NGO: it starts pending and its registrant becomes its admin.

    Guarantees: a registration number is registered once; two registrations of the same
    number at the same moment give one organisation and one Persian 409, never a 500 (the
    unique index decides, and its IntegrityError becomes the Conflict).
    """
    name = plain_title(name)
    if not name:
        raise DomainError("نام سازمان را بنویسید.", code="name_required")
    number = registration_number_clean(registration_number)
    duplicate = Conflict(
        "سازمانی با این شماره ثبت پیش‌تر ثبت شده است.", code="duplicate_registration"
    )
    if Organisation.objects.filter(registration_number=number).exists():
        raise duplicate
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name[:160],
                registration_number=number,
                city=city,
                description="\n".join(
                    plain_text(line) for line in description.splitlines()
                ).strip(),
                created_by=actor,
            )
            Membership.objects.create(
                user=actor, organisation=organisation, role=Membership.Role.ADMIN
            )
            activity_record(
                actor=actor,
                action="organisation.register",
                obj=organisation,
                city_id=organisation.city_id,
                after={
                    "name": organisation.name,
                    "registration_number": organisation.registration_number,
                    "status": organisation.status,
                },
            )
    except IntegrityError as error:  # a concurrent registration of the same number won
        raise duplicate from error
    return organisation


def organisation_set_status(
    *, actor: User, organisation: Organisation, status: str
) -> Organisation:
    """Verify or suspend an NGO. Only a city admin of its city, never one of its members
    (membership needs their consent, so an invitation never blocks them)."""
    if status not in Organisation.Status.values:
        raise DomainError("وضعیت نامعتبر است.", code="invalid_status")
    authorise(actor, "accounts.verify_organisation", organisation)
    with transaction.atomic():
        before = organisation.status
        organisation.status = status
        organisation.status_changed_by = actor
        organisation.status_changed_at = timezone.now()
        organisation.save(update_fields=["status", "status_changed_by", "status_changed_at"])
        activity_record(
            actor=actor,
            action="organisation.status",
            obj=organisation,
            city_id=organisation.city_id,
            before={"status": before},
            after={"status": status},
        )
        notification_send(
            user_ids=list(organisation.memberships.values_list("user_id", flat=True)),
            kind="organisation.status",
            payload={"organisation": organisation.pk, "name": organisation.name, "status": status},
        )
    return organisation


LAST_ADMIN = "سازمان بدون مدیر نمی‌ماند؛ نخست مدیر دیگری تعیین کنید."


def _lock_organisation(organisation: Organisation) -> Organisation:
    """Lock the organisation's row: every change to its admins runs one at a time, so two
    admins removing or demoting each other cannot leave it with none."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _admins_count(organisation: Organisation) -> int:
    return organisation.memberships.filter(role=Membership.Role.ADMIN).count()


def membership_invite(
    *, actor: User, organisation: Organisation, phone: str, role: str = Membership.Role.MEMBER
) -> Invitation:
    """Invite the person with this mobile number; only accepting makes them a member.

    Guarantees: only the organisation's admins invite; the answer is the same whether or
    not the number is registered (an unregistered number's invitation waits for its owner
    to sign up with it); one pending invitation per organisation and number (inviting again
    updates its role); a registered invitee is told in their inbox.
    """
    authorise(actor, "accounts.invite_member", organisation)
    phone = phone_clean(phone)
    if role not in Membership.Role.values:
        raise DomainError("نقش نامعتبر است.", code="invalid_role")
    with transaction.atomic():
        # get_or_create retries the read when a concurrent invitation of the number wins
        # the partial unique index, so a double tap makes one invitation.
        invitation, created = Invitation.objects.get_or_create(
            organisation=organisation,
            phone=phone,
            status=Invitation.Status.PENDING,
            defaults={"role": role, "invited_by": actor},
        )
        if not created and invitation.role == role:
            return invitation  # nothing changed, nothing to record or send again
        before = {} if created else {"role": invitation.role}
        if not created:
            invitation.role = role
            invitation.invited_by = actor
            invitation.save(update_fields=["role", "invited_by"])
        activity_record(
            actor=actor,
            action="membership.invite",
            obj=invitation,
            city_id=organisation.city_id,
            before=before,
            after={"organisation": organisation.pk, "role": role},
        )
        invitee = User.objects.filter(phone=phone, is_active=True).values_list("pk", flat=True)
        notification_send(
            user_ids=list(invitee),
            kind="organisation.invitation",
            payload={
                "invitation": invitation.pk,
                "organisation": organisation.pk,
                "name": organisation.name,
                "role": role,
            },
        )
    return invitation


def _invitation_answer(*, actor: User, invitation: Invitation, accept: bool) -> Invitation:
    authorise(actor, "accounts.answer_invitation", invitation)
    with transaction.atomic():
        organisation = _lock_organisation(invitation.organisation)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:
            raise Conflict("به این دعوت پیش‌تر پاسخ داده شده است.", code="invitation_answered")
        invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["status", "answered_at"])
        after = {"organisation": organisation.pk, "user": actor.pk, "status": invitation.status}
        if accept:
            membership, _ = Membership.objects.get_or_create(
                user=actor, organisation=organisation, defaults={"role": invitation.role}
            )
            after["role"] = membership.role
        activity_record(
            actor=actor,
            action="membership.accept" if accept else "membership.decline",
            obj=invitation,
            city_id=organisation.city_id,
            before={"status": Invitation.Status.PENDING},
            after=after,
        )
    return invitation


def invitation_accept(*, actor: User, invitation: Invitation) -> Invitation:
    """The invited person accepts: they become a member with the invited role."""
    return _invitation_answer(actor=actor, invitation=invitation, accept=True)


def invitation_decline(*, actor: User, invitation: Invitation) -> Invitation:
    """The invited person declines: nothing changes in the organisation."""
    return _invitation_answer(actor=actor, invitation=invitation, accept=False)


def _locked_membership(organisation: Organisation, user: User) -> Membership:
    """The user's membership of the (already locked) organisation, locked; 404 if none."""
    membership = (
        Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    )
    if membership is None:
        raise Missing("این کاربر عضو سازمان نیست.")
    return membership


def _refuse_to_lose_the_last_admin(membership: Membership, organisation: Organisation) -> None:
    if membership.role == Membership.Role.ADMIN and _admins_count(organisation) <= 1:
        raise Conflict(LAST_ADMIN, code="last_admin")


def membership_set_role(
    *, actor: User, organisation: Organisation, user: User, role: str
) -> Membership:
    """Change a member's role. Only the organisation's admins do; demoting the last admin
    is refused (409), also when two admins demote each other at the same moment."""
    if role not in Membership.Role.values:
        raise DomainError("نقش نامعتبر است.", code="invalid_role")
    with transaction.atomic():
        organisation = _lock_organisation(organisation)
        authorise(actor, "accounts.manage_members", organisation)
        membership = _locked_membership(organisation, user)
        if membership.role == role:
            return membership
        _refuse_to_lose_the_last_admin(membership, organisation)
        before = {"role": membership.role}
        membership.role = role
        membership.save(update_fields=["role"])
        activity_record(
            actor=actor,
            action="membership.role",
            obj=membership,
            city_id=organisation.city_id,
            before=before,
            after={"user": user.pk, "organisation": organisation.pk, "role": role},
        )
    return membership


def membership_remove(*, actor: User, organisation: Organisation, user: User) -> None:
    """Remove a member (an admin does), or leave (a member removes themself). The
    organisation never loses its last admin: its row is locked before admins are counted."""
    with transaction.atomic():
        organisation = _lock_organisation(organisation)
        if actor.pk == getattr(user, "pk", None):
            authorise(actor, "accounts.leave_organisation", organisation)
        else:
            authorise(actor, "accounts.manage_members", organisation)
        membership = _locked_membership(organisation, user)
        _refuse_to_lose_the_last_admin(membership, organisation)
        activity_record(
            actor=actor,
            action="membership.remove",
            obj=membership,
            city_id=organisation.city_id,
            before={"user": user.pk, "organisation": organisation.pk, "role": membership.role},
        )
        membership.delete()


# Notifications -----------------------------------------------------------------------


def notification_serialise(notification: Notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "payload": notification.payload,
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }


def notification_send(*, user_ids: list[int], kind: str, payload: dict) -> list[Notification]:
    """Put a notification in each user's inbox and push it live once committed."""
    created = Notification.objects.bulk_create(
        [Notification(user_id=uid, kind=kind, payload=payload) for uid in dict.fromkeys(user_ids)]
    )
    for notification in created:
        emit_on_commit(
            user_group(notification.user_id),
            "notification.created",
            notification_serialise(notification),
        )
    return created


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all when `ids` is None); returns how many."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    count = queryset.update(read_at=timezone.now())
    if count:
        emit_on_commit(user_group(user.pk), "notification.read", {"ids": ids, "count": count})
    return count


# The activity log --------------------------------------------------------------------


def activity_record(
    *,
    actor,
    action: str,
    obj,
    city_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
) -> Activity:
    """Record one state change in the city's activity log. Call it inside the transaction
    of the change, so the entry exists exactly when the change does. `before`/`after` hold
    the fields that changed (JSON-able values)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown activity {action!r}: add it to accounts.activity.ACTIONS")
    return Activity.objects.create(
        city_id=city_id,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        before=before or {},
        after=after or {},
    )


# City boundaries --------------------------------------------------------------------
# Here rather than in `cities`: who may import is a city role, and roles live in accounts,
# above cities on the ladder.


@dataclass(frozen=True)
class BoundariesImported:
    city_boundary: bool
    districts: list[str]  # names of the districts given a boundary


def _feature_label(index: int, properties: dict) -> str:
    name = properties.get("name") or properties.get("number")
    label = f"عارضه‌ی {to_persian_digits(index + 1)}"
    return f"{label} («{name}»)" if name not in (None, "") else label


def boundaries_import(*, actor, city: City, geojson) -> BoundariesImported:
    """Set the city's boundary and its districts' from a GeoJSON FeatureCollection: a
    feature with `properties.city = true` is the city's, the others name a district by
    `properties.number` or `properties.name`. All or nothing: one bad geometry, unknown
    district or repeated district refuses the whole file (400) with a Persian line per
    problem. A district the file does not name keeps its boundary."""
    authorise(actor, "cities.import_boundaries", city)
    city_boundary, chosen = _boundaries_read(city, geojson)
    with transaction.atomic():
        before = {"city": city.boundary is not None}
        if city_boundary is not None:
            city.boundary = city_boundary
            city.save(update_fields=["boundary", "bbox"])
        for district, geometry in chosen:
            district.boundary = geometry
            district.save(update_fields=["boundary", "bbox"])
        names = sorted((d.name for d, _g in chosen), key=normalise)
        activity_record(
            actor=actor,
            action="city.boundaries_import",
            obj=city,
            city_id=city.pk,
            before=before,
            after={"city": city_boundary is not None, "districts": names},
        )
    return BoundariesImported(city_boundary=city_boundary is not None, districts=names)


def _boundaries_read(city: City, geojson) -> tuple[dict | None, list[tuple[District, dict]]]:
    """The checked city boundary (or None) and (district, boundary) pairs of the file, or
    a DomainError listing every feature that cannot be used."""
    if not isinstance(geojson, dict) or geojson.get("type") != "FeatureCollection":
        raise DomainError("پرونده باید یک FeatureCollection از GeoJSON باشد.", code="geojson")
    features = geojson.get("features")
    if not isinstance(features, list) or not features:
        raise DomainError("مجموعه هیچ عارضه‌ای ندارد.", code="geojson")
    districts = list(District.objects.filter(city=city))
    by_number = {d.number: d for d in districts if d.number is not None}
    by_name = {normalise(d.name): d for d in districts}
    problems: list[str] = []
    city_boundary = None
    chosen: dict[int, tuple[District, dict]] = {}
    for index, feature in enumerate(features):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        properties = properties if isinstance(properties, dict) else {}
        label = _feature_label(index, properties)
        try:
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise geo.GeometryError("هر عارضه باید از نوع Feature باشد.")
            geometry = geo.clean_geometry(feature.get("geometry"))
        except geo.GeometryError as error:
            problems.append(f"{label}: {error}")
            continue
        if properties.get("city") is True:
            if city_boundary is not None:
                problems.append(f"{label}: مرز شهر دو بار آمده است.")
            city_boundary = geometry
            continue
        district = _district_named(properties, by_number, by_name)
        if district is None:
            problems.append(f"{label}: منطقه‌ای با این شماره یا نام در {city.name} نیست.")
        elif district.pk in chosen:
            problems.append(f"{label}: مرز {district.name} دو بار آمده است.")
        else:
            chosen[district.pk] = (district, geometry)
    if problems:
        raise DomainError(
            "مرزها وارد نشد:\n" + "\n".join(problems),
            code="boundaries_invalid",
            extra={"problems": problems},
        )
    return city_boundary, list(chosen.values())


def _district_named(properties: dict, by_number: dict, by_name: dict) -> District | None:
    number = properties.get("number")
    if number not in (None, ""):
        try:
            return by_number.get(int(to_latin_digits(str(number))))
        except ValueError:
            return None
    name = properties.get("name")
    return by_name.get(normalise(str(name))) if name else None
