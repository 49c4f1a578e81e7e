from typing import ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PUBLIC_NAME_FALLBACK = _("شهروند")


class User(AbstractUser):
    """A person. Citizens sign in by mobile number; staff may also have a password."""

    phone = models.CharField(
        _("شماره همراه"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        help_text=_("به شکل ۰۹XXXXXXXXX ذخیره می‌شود."),
    )
    display_name = models.CharField(_("نام نمایشی"), max_length=80, blank=True)
    show_name_publicly = models.BooleanField(_("نام من عمومی نمایش داده شود"), default=False)
    expertise = models.CharField(_("حوزه‌ی تخصص"), max_length=120, blank=True)
    expertise_verified_at = models.DateTimeField(_("تأیید تخصص در"), null=True, blank=True)
    expertise_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("تأییدکننده‌ی تخصص"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Digest(models.TextChoices):
        OFF = "off", _("نفرست")
        DAILY = "daily", _("روزانه")
        WEEKLY = "weekly", _("هفتگی")

    # A summary of unread notifications by SMS (or e-mail): off unless the person asks,
    # since every message costs the city (accounts/digests.py).
    digest_frequency = models.CharField(
        _("خلاصه‌ی اعلان‌ها"), max_length=8, choices=Digest.choices, default=Digest.OFF
    )

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("کاربر")
        verbose_name_plural = _("کاربران")

    @property
    def is_expert(self) -> bool:
        return self.expertise_verified_at is not None

    @property
    def chosen_public_name(self) -> str:
        """The display name when its owner chose to show it, else "" (public_name then
        shows PUBLIC_NAME_FALLBACK)."""
        return self.display_name.strip() if self.show_name_publicly else ""

    @property
    def public_name(self) -> str:
        """The name anyone may see: the display name only when its owner chose so."""
        return self.chosen_public_name or str(PUBLIC_NAME_FALLBACK)

    def __str__(self) -> str:
        return self.display_name or self.username


class StaffRole(models.Model):
    """Staff powers are held per city: a moderator of Arak has none in Qom."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("ناظر")
        PLANNER = "planner", _("برنامه‌ریز")
        CITY_ADMIN = "city_admin", _("مدیر شهر")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("کاربر"),
    )
    city = models.ForeignKey(
        "cities.City", on_delete=models.CASCADE, related_name="staff_roles", verbose_name=_("شهر")
    )
    role = models.CharField(_("نقش"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان اعطا"))

    class Meta:
        verbose_name = _("نقش کارکنان")
        verbose_name_plural = _("نقش‌های کارکنان")
        constraints = [
            models.UniqueConstraint(fields=["user", "city", "role"], name="staffrole_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.city}"


class Organisation(models.Model):
    """An NGO (سمن). Acts on the platform only once a city admin has verified it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("در انتظار تأیید")
        VERIFIED = "verified", _("تأییدشده")
        SUSPENDED = "suspended", _("تعلیق‌شده")

    name = models.CharField(_("نام"), max_length=160)
    registration_number = models.CharField(
        _("شماره ثبت"), max_length=32, unique=True, help_text=_("با ارقام لاتین ذخیره می‌شود.")
    )
    city = models.ForeignKey(
        "cities.City", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("شهر")
    )
    description = models.TextField(_("معرفی"), blank=True)
    status = models.CharField(
        _("وضعیت"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("تغییر وضعیت به دست"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status_changed_at = models.DateTimeField(_("تغییر وضعیت در"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ثبت‌کننده"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("اعضا"),
    )

    class Meta:
        verbose_name = _("سازمان مردم‌نهاد")
        verbose_name_plural = _("سازمان‌های مردم‌نهاد")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("مدیر")
        MEMBER = "member", _("عضو")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("کاربر"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("نقش"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("عضویت")
        verbose_name_plural = _("عضویت‌ها")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class Invitation(models.Model):
    """An organisation admin's invitation to a mobile number. Nobody becomes a member
    without consent: only the person signed in with that number accepts it. An invitation to
    a number nobody has registered yet waits for them to sign up with it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("در انتظار پاسخ")
        ACCEPTED = "accepted", _("پذیرفته")
        DECLINED = "declined", _("نپذیرفته")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    # The normalised number (09XXXXXXXXX); matched against User.phone, never a user key, so
    # the invitation says nothing about whether the number is registered.
    phone = models.CharField(_("شماره همراه"), max_length=11, db_index=True)
    role = models.CharField(
        _("نقش"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    status = models.CharField(
        _("وضعیت"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("دعوت‌کننده"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("دعوت عضویت")
        verbose_name_plural = _("دعوت‌های عضویت")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "phone"],
                condition=Q(status="pending"),
                name="invitation_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.get_role_display()}"


class OneTimeCode(models.Model):
    """A sign-in code sent to a mobile number. Only a keyed hash of the code is kept."""

    phone = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    requested_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("کد یک‌بارمصرف")
        verbose_name_plural = _("کدهای یک‌بارمصرف")
        indexes = [models.Index(fields=["phone", "-created_at"], name="otp_phone_recent")]

    def __str__(self) -> str:
        return f"{self.phone} @ {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """One message in a user's inbox; `kind` says which later feature sent it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("کاربر"),
    )
    kind = models.CharField(max_length=40, verbose_name=_("نوع"))
    payload = models.JSONField(default=dict, blank=True, verbose_name=_("محتوا"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("زمان ثبت"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("زمان خواندن"))

    class Meta:
        verbose_name = _("اعلان")
        verbose_name_plural = _("اعلان‌ها")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ActivityQuerySet(models.QuerySet):
    """The activity log is append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs):
        raise PermissionError("the activity log is append-only")

    def delete(self):
        raise PermissionError("the activity log is append-only")


class Activity(models.Model):
    """One state change, in the city's activity log: who did what to which object, when,
    and the fields before and after. Written only by `accounts.services.activity_record`
    inside the transaction of the change it records; never edited, never deleted."""

    city = models.ForeignKey(
        "cities.City",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity",
        verbose_name=_("شهر"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity",
        verbose_name=_("انجام‌دهنده"),
    )
    # "<app>.<verb>", e.g. "moderation.decide"; the list lives in accounts.activity.ACTIONS.
    action = models.CharField(_("کار"), max_length=60, db_index=True)
    object_type = models.CharField(_("نوع"), max_length=60)
    object_id = models.BigIntegerField(_("شناسه"))
    object_repr = models.CharField(_("عنوان"), max_length=200, blank=True)
    before = models.JSONField(_("پیش از"), default=dict, blank=True)
    after = models.JSONField(_("پس از"), default=dict, blank=True)
    created_at = models.DateTimeField(_("زمان"), auto_now_add=True, db_index=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("رویداد")
        verbose_name_plural = _("دفتر رویدادها")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["city", "-created_at"], name="activity_city_recent"),
            models.Index(fields=["object_type", "object_id"], name="activity_object"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("the activity log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the activity log is append-only")

    def get_action_label(self) -> str:
        from accounts.activity import ACTIONS

        return str(ACTIONS.get(self.action, self.action))

    @property
    def recorded_model(self):
        """The model class of the recorded object (found by name in the app registry)."""
        return _models_by_name().get(self.object_type)

    def get_object_type_label(self) -> str:
        model = self.recorded_model
        return str(model._meta.verbose_name) if model is not None else self.object_type

    def changes(self) -> list[dict]:
        """Each recorded field with its Persian name and its values before and after, choice
        values shown by their labels (what a city admin reads)."""
        model = self.recorded_model
        rows = []
        for name in dict.fromkeys([*(self.before or {}), *(self.after or {})]):
            field = None
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                except FieldDoesNotExist:  # a recorded name that is not a field
                    field = None
            label = str(getattr(field, "verbose_name", "") or name)
            rows.append(
                {
                    "name": name,
                    "label": label,
                    "before": _shown(field, (self.before or {}).get(name)),
                    "after": _shown(field, (self.after or {}).get(name)),
                }
            )
        return rows


def _models_by_name() -> dict:
    from django.apps import apps

    return {model._meta.model_name: model for model in apps.get_models()}


def _shown(field, value):
    """A recorded value as a person reads it: a choice by its label, lists joined."""
    if value is None:
        return None
    choices = dict(getattr(field, "flatchoices", None) or [])
    if isinstance(value, list):
        return "، ".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


class DigestSent(models.Model):
    """One digest sent to one person for one period («2026-12-01» daily, «2026-W49» weekly):
    unique, so two runs of send_digests at once cannot both send it. `last_notification`
    is the newest notification it covered; the next digest starts after it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    period = models.CharField(max_length=12)
    last_notification_id = models.BigIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("خلاصه‌ی فرستاده")
        verbose_name_plural = _("خلاصه‌های فرستاده")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="digest_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period}"
