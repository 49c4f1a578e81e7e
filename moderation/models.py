from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationState(models.TextChoices):
    PENDING = "pending", _("در انتظار بررسی")
    PUBLISHED = "published", _("منتشرشده")
    REJECTED = "rejected", _("ردشده")
    HIDDEN = "hidden", _("پنهان‌شده")
    # The author took it back while it was pending: kept (with its history), shown to no one
    # but its author, and out of every queue.
    WITHDRAWN = "withdrawn", _("پس‌گرفته")


class ModeratedContent(models.Model):
    """Base of every piece of user content: problems, proposals, comments.

    Content starts pending; only published content is public; its author always sees it
    with its state. State changes go through `moderation.services.content_transition`.
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
    moderation_changed_at = models.DateTimeField(_("زمان تغییر وضعیت بررسی"), null=True, blank=True)
    created_at = models.DateTimeField(_("زمان ثبت"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.moderation_state == ModerationState.PUBLISHED


class Rule(models.Model):
    """A published posting rule. Rules are versioned: a new wording is a new row with the
    same code and a higher version, so a decision keeps citing the exact text it cited."""

    code = models.SlugField(_("کد"), max_length=40)
    version = models.PositiveSmallIntegerField(_("نسخه"), default=1)
    title = models.CharField(_("عنوان"), max_length=160)
    description = models.TextField(_("شرح"))
    citeable = models.BooleanField(_("قابل استناد در رد یا پنهان کردن"), default=True)
    active = models.BooleanField(_("فعال"), default=True)
    position = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    published_at = models.DateTimeField(_("انتشار"), auto_now_add=True)

    class Meta:
        verbose_name = _("قاعده")
        verbose_name_plural = _("قواعد")
        ordering = ["position", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="rule_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} (v{self.version}) {self.title}"


CONTENT_FIELDS = ("problem", "proposal", "comment")


def exactly_one_content(name: str) -> models.CheckConstraint:
    Q = models.Q
    return models.CheckConstraint(
        condition=(
            Q(problem__isnull=False, proposal__isnull=True, comment__isnull=True)
            | Q(problem__isnull=True, proposal__isnull=False, comment__isnull=True)
            | Q(problem__isnull=True, proposal__isnull=True, comment__isnull=False)
        ),
        name=name,
    )


class ContentReference(models.Model):
    """Points at exactly one piece of moderated content (explicit keys, checked)."""

    problem = models.ForeignKey(
        "participation.Problem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("مسئله"),
    )
    proposal = models.ForeignKey(
        "participation.Proposal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("پیشنهاد"),
    )
    comment = models.ForeignKey(
        "participation.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("نظر"),
    )

    class Meta:
        abstract = True

    @property
    def content(self):
        return self.problem or self.proposal or self.comment

    @property
    def content_type(self) -> str:
        for field in CONTENT_FIELDS:
            if getattr(self, f"{field}_id"):
                return field
        return ""

    @property
    def object_id(self) -> int | None:
        return self.problem_id or self.proposal_id or self.comment_id


class QueueEntry(ContentReference):
    """A piece of content awaiting a moderator's look, in its city's queue."""

    class Reason(models.TextChoices):
        NEW = "new", _("نوشته‌ی تازه")
        REPORTED = "reported", _("گزارش کاربران")
        APPEAL = "appeal", _("درخواست بازبینی")

    city = models.ForeignKey(
        "cities.City",
        on_delete=models.CASCADE,
        related_name="moderation_entries",
        verbose_name=_("شهر"),
    )
    reason = models.CharField(max_length=10, choices=Reason.choices, verbose_name=_("دلیل"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("زمان ثبت"))
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("در دست ناظر"),
    )
    claimed_until = models.DateTimeField(null=True, blank=True, verbose_name=_("در دست بررسی تا"))
    closed_at = models.DateTimeField(
        null=True, blank=True, db_index=True, verbose_name=_("زمان بسته‌شدن")
    )
    # Computed once when queued (language, links, phone numbers, likely duplicate), so the
    # queue reads in one batch; the author's record is read live.
    hints = models.JSONField(default=dict, blank=True, verbose_name=_("نشانه‌ها"))
    appeal = models.OneToOneField(
        "Appeal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entry",
        verbose_name=_("درخواست بازبینی"),
    )

    class Meta:
        verbose_name = _("مورد صف نظارت")
        verbose_name_plural = _("صف نظارت")
        ordering = ["created_at", "id"]
        constraints = [exactly_one_content("queueentry_exactly_one_content")]
        indexes = [
            models.Index(
                fields=["city", "created_at"],
                name="queue_open",
                condition=models.Q(closed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.content_type} {self.object_id}"


class DecisionQuerySet(models.QuerySet):
    """Decisions are append-only: bulk updates and deletes are refused too."""

    def update(self, **kwargs):
        raise PermissionError("moderation decisions are append-only")

    def delete(self):
        raise PermissionError("moderation decisions are append-only")


class Decision(ContentReference):
    """A moderator's decision on one piece of content. Never edited, never deleted: the
    model, its queryset and a database trigger all refuse."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("تأیید و انتشار")
        REJECT = "reject", _("رد")
        HIDE = "hide", _("پنهان کردن")
        RESTORE = "restore", _("بازگرداندن")

    # Content with a decision on record cannot be deleted out from under it.
    problem = models.ForeignKey(
        "participation.Problem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("مسئله"),
    )
    proposal = models.ForeignKey(
        "participation.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("پیشنهاد"),
    )
    comment = models.ForeignKey(
        "participation.Comment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("نظر"),
    )
    entry = models.ForeignKey(
        QueueEntry, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("مورد صف")
    )
    city = models.ForeignKey(
        "cities.City", on_delete=models.PROTECT, related_name="+", verbose_name=_("شهر")
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="moderation_decisions",
        verbose_name=_("ناظر"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="decisions_received",
        verbose_name=_("نویسنده"),
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, verbose_name=_("نتیجه"))
    rules = models.ManyToManyField(
        Rule, blank=True, related_name="decisions", verbose_name=_("قاعده‌ها")
    )
    public_note = models.TextField(blank=True, verbose_name=_("یادداشت عمومی"))
    internal_note = models.TextField(blank=True, verbose_name=_("یادداشت درونی"))
    previous_state = models.CharField(
        max_length=10, choices=ModerationState.choices, verbose_name=_("وضعیت پیشین")
    )
    new_state = models.CharField(
        max_length=10, choices=ModerationState.choices, verbose_name=_("وضعیت تازه")
    )
    waited_seconds = models.PositiveIntegerField(default=0, verbose_name=_("زمان انتظار (ثانیه)"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("زمان ثبت"))

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("تصمیم نظارتی")
        verbose_name_plural = _("تصمیم‌های نظارتی")
        ordering = ["-created_at", "-id"]
        constraints = [exactly_one_content("decision_exactly_one_content")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.content_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("moderation decisions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("moderation decisions are append-only")


class Report(ContentReference):
    """A signed-in user reports content as breaking a rule; one per user per content."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_reports",
        verbose_name=_("گزارش‌دهنده"),
    )
    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, related_name="reports", verbose_name=_("قاعده")
    )
    details = models.TextField(blank=True, verbose_name=_("توضیح"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))

    class Meta:
        verbose_name = _("گزارش")
        verbose_name_plural = _("گزارش‌ها")
        # The posting limit counts a reporter's reports of the last hour.
        indexes = [models.Index(fields=["reporter", "created_at"], name="report_reporter_recent")]
        constraints = [
            exactly_one_content("report_exactly_one_content"),
            *[
                models.UniqueConstraint(
                    fields=["reporter", field],
                    condition=models.Q(**{f"{field}__isnull": False}),
                    name=f"report_once_per_{field}",
                )
                for field in CONTENT_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} — {self.content_type} {self.object_id}"


class Appeal(models.Model):
    """The author asks for a rejection to be looked at again, once per decision."""

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="appeal", verbose_name=_("تصمیم")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_appeals",
        verbose_name=_("نویسنده"),
    )
    message = models.TextField(verbose_name=_("پیام"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))

    class Meta:
        verbose_name = _("درخواست بازبینی")
        verbose_name_plural = _("درخواست‌های بازبینی")

    def __str__(self) -> str:
        return f"appeal of decision {self.decision_id}"
