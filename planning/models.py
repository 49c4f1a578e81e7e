from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.persian import to_latin_digits
from cities.models import City


class Axis(models.Model):
    """A thematic axis (محور موضوعی) under which a city groups its problems and plan."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="axes", verbose_name=_("شهر")
    )
    title = models.CharField(_("عنوان"), max_length=120)
    position = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        verbose_name = _("محور")
        verbose_name_plural = _("محورها")
        ordering = ["city", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["city", "title"], name="axis_unique_title")]

    def __str__(self) -> str:
        return self.title


class Committee(models.Model):
    """A specialised committee or working group (کمیته‌ی تخصصی / کارگروه) of a city."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="committees", verbose_name=_("شهر")
    )
    title = models.CharField(_("عنوان"), max_length=160)
    position = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    axes = models.ManyToManyField(
        Axis, blank=True, related_name="committees", verbose_name=_("محورها")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="committees", verbose_name=_("اعضا")
    )

    class Meta:
        verbose_name = _("کمیته")
        verbose_name_plural = _("کمیته‌ها")
        ordering = ["city", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "title"], name="committee_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class Plan(models.Model):
    """A five-year strategic-operational plan (برنامه‌ی راهبردی–عملیاتی) of a city."""

    class Phase(models.TextChoices):
        PROBLEM_FINDING = "problem_finding", _("شناسایی مسائل")
        DRAFTING = "drafting", _("تدوین")
        CONSULTATION = "consultation", _("نظرخواهی")
        ADOPTED = "adopted", _("مصوب")
        MONITORING = "monitoring", _("پایش")

    class ModerationMode(models.TextChoices):
        PRE = "pre", _("پیش از انتشار")
        POST = "post", _("پس از انتشار")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="plans", verbose_name=_("شهر")
    )
    title = models.CharField(_("عنوان"), max_length=200)
    summary = models.TextField(_("خلاصه"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("سال آغاز (شمسی)"))
    end_year = models.PositiveSmallIntegerField(_("سال پایان (شمسی)"))
    phase = models.CharField(
        _("مرحله"), max_length=20, choices=Phase.choices, default=Phase.PROBLEM_FINDING
    )
    moderation_mode = models.CharField(
        _("شیوه‌ی نظارت"), max_length=4, choices=ModerationMode.choices, default=ModerationMode.PRE
    )
    trusted_publish_at_once = models.BooleanField(
        _("انتشار فوری نوشته‌های سمن‌ها و کارشناسان تأییدشده"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))

    class Meta:
        verbose_name = _("برنامه")
        verbose_name_plural = _("برنامه‌ها")
        ordering = ["city", "-start_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="plan_years_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__gte=1300, end_year__lte=1500),
                name="plan_years_jalali",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}–{self.end_year})"


class PlanItem(models.Model):
    """One node of the plan's tree: goal → strategy → policy → project."""

    class Kind(models.TextChoices):
        GOAL = "goal", _("هدف")
        STRATEGY = "strategy", _("راهبرد")
        POLICY = "policy", _("سیاست اجرایی")
        PROJECT = "project", _("طرح / پروژه")

    class Status(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        OPEN = "open", _("باز برای نظرخواهی")
        CLOSED = "closed", _("بسته")
        ADOPTED = "adopted", _("مصوب")

    # The kind a child of each kind must have.
    CHILD_KIND: dict[str, str] = {
        Kind.GOAL: Kind.STRATEGY,
        Kind.STRATEGY: Kind.POLICY,
        Kind.POLICY: Kind.PROJECT,
    }

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("برنامه")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("والد"),
    )
    kind = models.CharField(_("نوع"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("کد"), max_length=20, help_text=_("مثلاً 2.1.3"))
    sort_key = models.CharField(
        max_length=60, editable=False, db_index=True, verbose_name=_("کلید ترتیب")
    )
    title = models.CharField(_("عنوان"), max_length=300)
    body = models.TextField(_("متن"), blank=True)
    axes = models.ManyToManyField(
        Axis, blank=True, related_name="plan_items", verbose_name=_("محورها")
    )
    committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
        verbose_name=_("کمیته"),
    )
    status = models.CharField(
        _("وضعیت"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comment_opens_at = models.DateTimeField(_("آغاز نظرخواهی"), null=True, blank=True)
    comment_closes_at = models.DateTimeField(_("پایان نظرخواهی"), null=True, blank=True)

    class Meta:
        verbose_name = _("بند برنامه")
        verbose_name_plural = _("بندهای برنامه")
        ordering = ["plan", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="planitem_unique_code"),
            models.CheckConstraint(
                condition=models.Q(comment_closes_at__isnull=True)
                | models.Q(comment_opens_at__isnull=True)
                | models.Q(comment_closes_at__gt=models.F("comment_opens_at")),
                name="planitem_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def depth(self) -> int:
        return PLAN_ITEM_DEPTH[self.kind]

    def clean(self):
        """The tree's shape: codes like 2.1.3 whose depth matches the kind and whose prefix
        is the parent's code; a goal has no parent, every other kind has a parent one level up
        in the same plan."""
        errors = {}
        code = to_latin_digits(self.code or "").strip().replace("/", ".")
        self.code = code
        parts = code.split(".")
        if not code or not all(part.isdigit() for part in parts):
            errors["code"] = _("کد باید مانند 2.1.3 از عددهای جداشده با نقطه باشد.")
        elif self.kind in PLAN_ITEM_DEPTH and len(parts) != PLAN_ITEM_DEPTH[self.kind]:
            errors["code"] = _("شمار بخش‌های کد با نوع بند نمی‌خواند.")
        if self.kind == self.Kind.GOAL:
            if self.parent_id:
                errors["parent"] = _("هدف بالادست ندارد.")
        elif self.kind in self.Kind.values:
            parent = self.parent
            if parent is None:
                errors["parent"] = _("این بند باید زیر یک بند بالادست باشد.")
            elif self.CHILD_KIND.get(parent.kind) != self.kind:
                errors["parent"] = _("بند بالادست از نوع درست نیست.")
            elif parent.plan_id != self.plan_id:
                errors["parent"] = _("بند بالادست از برنامه‌ی دیگری است.")
            elif "code" not in errors and not code.startswith(parent.code + "."):
                errors["code"] = _("کد باید با کد بند بالادست آغاز شود.")
        if (
            self.comment_opens_at
            and self.comment_closes_at
            and self.comment_closes_at <= self.comment_opens_at
        ):
            errors["comment_closes_at"] = _("پایان نظرخواهی باید پس از آغاز آن باشد.")
        if errors:
            raise ValidationError(errors)
        self.sort_key = ".".join(f"{int(part):04d}" for part in parts)

    def is_open_for_comment(self, now=None) -> bool:
        """Open status and, when a window is set, inside it."""
        if self.status != self.Status.OPEN:
            return False
        now = now or timezone.now()
        if self.comment_opens_at and now < self.comment_opens_at:
            return False
        return not (self.comment_closes_at and now >= self.comment_closes_at)


PLAN_ITEM_DEPTH: dict[str, int] = {
    PlanItem.Kind.GOAL: 1,
    PlanItem.Kind.STRATEGY: 2,
    PlanItem.Kind.POLICY: 3,
    PlanItem.Kind.PROJECT: 4,
}
