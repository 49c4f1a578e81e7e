"""Open311 GeoReport v2 clients and the requests they sent (docs/open311.md).

A client is an app or another city system registered by a city admin; it holds one API key,
of which only a prefix (to find the row) and a SHA-256 hash are stored. Each client posts
through its own service account, a user who cannot sign in. Every accepted POST keeps a row
here: the token the client polls, the problem it became, and what is needed to answer a
retry with the same token. Personal data (email, phone, names) is never stored.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311Client(models.Model):
    city = models.ForeignKey(
        "cities.City",
        on_delete=models.PROTECT,
        related_name="open311_clients",
        verbose_name=_("شهر"),
    )
    name = models.CharField(_("نام"), max_length=120)
    contact = models.CharField(_("راه تماس"), max_length=200, blank=True)
    key_prefix = models.CharField(
        max_length=12, unique=True, editable=False, verbose_name=_("پیشوند کلید")
    )
    key_hash = models.CharField(max_length=64, editable=False, verbose_name=_("درهم‌سازی کلید"))
    # The author of the client's problems: a user with no phone and no usable password.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="open311_client",
        editable=False,
        verbose_name=_("حساب"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("صادرکننده"),
    )
    created_at = models.DateTimeField(_("زمان صدور"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("زمان ابطال"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("آخرین استفاده"), null=True, blank=True)

    class Meta:
        verbose_name = _("برنامه‌ی Open311")
        verbose_name_plural = _("برنامه‌های Open311")
        ordering = ["city", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="open311_client_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Open311Request(models.Model):
    """One accepted POST requests: its token and the problem it created."""

    client = models.ForeignKey(
        Open311Client,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("برنامه‌ی کارخواه"),
    )
    token = models.CharField(max_length=32, unique=True, verbose_name=_("توکن"))
    problem = models.OneToOneField(
        "participation.Problem",
        on_delete=models.CASCADE,
        related_name="open311_request",
        verbose_name=_("مسئله"),
    )
    # SHA-256 of the client's device_id (the raw id is not kept) and of what identifies a
    # retry: service code, description and the location.
    device_key = models.CharField(max_length=64, blank=True, verbose_name=_("کلید دستگاه"))
    fingerprint = models.CharField(max_length=64, verbose_name=_("اثر انگشت"))
    address = models.CharField(_("نشانی"), max_length=250, blank=True)
    media_url = models.URLField(max_length=500, blank=True, verbose_name=_("نشانی رسانه"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))

    class Meta:
        verbose_name = _("درخواست Open311")
        verbose_name_plural = _("درخواست‌های Open311")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "fingerprint", "created_at"], name="open311_retry"),
        ]

    def __str__(self) -> str:
        return self.token
