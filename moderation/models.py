from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationState(models.TextChoices):
    PENDING = "pending", _("در انتظار بررسی")
    PUBLISHED = "published", _("منتشرشده")
    REJECTED = "rejected", _("ردشده")
    HIDDEN = "hidden", _("پنهان‌شده")


class ModeratedContent(models.Model):
    """Base of every piece of user content: problems, proposals, comments.

    Content starts pending; only published content is public; its author always sees it
    with its state. State changes go through `moderation.services.content_set_state`.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
        verbose_name=_("نویسنده"),
    )
    moderation_state = models.CharField(
        _("وضعیت بررسی"),
        max_length=10,
        choices=ModerationState.choices,
        default=ModerationState.PENDING,
        db_index=True,
    )
    moderation_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("زمان ثبت"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.moderation_state == ModerationState.PUBLISHED
