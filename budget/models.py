"""The budget slice of the plan: yearly projects (پروژه‌های سالانه) under a plan's schemes,
their milestones, the city's budget lines (ردیف‌های بودجه) per Jalali year, and the share of
each line that funds each project.

Money is whole rials in integer columns (BigIntegerField), never floats; a share is stored in
basis points (1 = 0.01%, 10000 = the whole line), so every amount a project draws from a line
is integer arithmetic (budget/figures.py). Jalali years are integers (1404); dates are stored
as Gregorian dates and shown in Jalali.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from budget.figures import WHOLE_SHARE
from cities.models import City, District
from planning.models import Plan, PlanItem


class FinancingSource(models.TextChoices):
    OWN = "own", _("درآمد اختصاصی شهرداری")
    TRANSFER = "transfer", _("کمک‌های ملی و استانی")
    LOAN = "loan", _("تسهیلات و وام")
    PARTICIPATION = "participation", _("مشارکت مردمی و بخش خصوصی")
    OTHER = "other", _("سایر منابع")


class BudgetLine(models.Model):
    """One line of the city's budget for a Jalali year, coded as the municipality codes it.
    `revised` is empty until the budget is amended; the line's current allocation is the
    revised amount when there is one, else the approved one."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("شهر")
    )
    year = models.PositiveSmallIntegerField(_("سال"))
    code = models.CharField(_("کد ردیف"), max_length=40)
    title = models.CharField(_("عنوان"), max_length=300)
    source = models.CharField(
        _("منبع تأمین"), max_length=14, choices=FinancingSource.choices, default="own"
    )
    approved = models.BigIntegerField(_("مصوب (ریال)"), default=0)
    revised = models.BigIntegerField(_("اصلاح‌شده (ریال)"), null=True, blank=True)
    committed = models.BigIntegerField(_("تعهدشده (ریال)"), default=0)
    spent = models.BigIntegerField(_("هزینه‌شده (ریال)"), default=0)
    note = models.TextField(_("یادداشت"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("آخرین تغییر"))

    class Meta:
        verbose_name = _("ردیف بودجه")
        verbose_name_plural = _("ردیف‌های بودجه")
        ordering = ["city", "year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year", "code"], name="budgetline_unique"),
            models.CheckConstraint(
                condition=models.Q(approved__gte=0)
                & models.Q(committed__gte=0)
                & models.Q(spent__gte=0)
                & (models.Q(revised__isnull=True) | models.Q(revised__gte=0)),
                name="budgetline_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.code} {self.title}"

    @property
    def current(self) -> int:
        return self.approved if self.revised is None else self.revised


class Project(models.Model):
    """A project of one Jalali year under a scheme (a plan item of kind «طرح / پروژه»).

    Physical progress is either computed from the milestones (the weight of those done over
    the weight of all) or entered by hand with evidence; `physical_progress` stores the
    result (0–100, two decimals) so that pages read it without the milestones. A finished
    project is at 100."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("برنامه‌ریزی‌شده")
        RUNNING = "running", _("در حال اجرا")
        DONE = "done", _("پایان‌یافته")
        STOPPED = "stopped", _("متوقف")
        CANCELLED = "cancelled", _("لغوشده")

    class ProgressMode(models.TextChoices):
        MILESTONES = "milestones", _("از روی گام‌ها")
        MANUAL = "manual", _("ثبت دستی با مستند")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="projects", verbose_name=_("برنامه")
    )
    scheme = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, related_name="projects", verbose_name=_("طرح")
    )
    year = models.PositiveSmallIntegerField(_("سال"))
    code = models.CharField(_("کد پروژه"), max_length=40)
    title = models.CharField(_("عنوان"), max_length=300)
    description = models.TextField(_("شرح"), blank=True)
    responsible_unit = models.CharField(_("واحد مسئول"), max_length=200, blank=True)
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("منطقه"),
    )
    planned_start = models.DateField(_("آغاز برنامه‌ریزی‌شده"), null=True, blank=True)
    planned_end = models.DateField(_("پایان برنامه‌ریزی‌شده"), null=True, blank=True)
    planned_cost = models.BigIntegerField(
        _("اعتبار پیش‌بینی‌شده در برنامه (ریال)"),
        default=0,
        help_text=_("سهم منابعی که برنامه برای این پروژه در این سال پیش‌بینی کرده است"),
    )
    status = models.CharField(
        _("وضعیت"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    progress_mode = models.CharField(
        _("شیوه‌ی سنجش پیشرفت"),
        max_length=10,
        choices=ProgressMode.choices,
        default=ProgressMode.MILESTONES,
    )
    manual_progress = models.DecimalField(
        _("پیشرفت فیزیکی ثبت‌شده (٪)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    progress_evidence = models.URLField(_("مستند پیشرفت"), max_length=500, blank=True)
    progress_note = models.TextField(_("توضیح پیشرفت"), blank=True)
    physical_progress = models.DecimalField(
        _("پیشرفت فیزیکی (٪)"), max_digits=5, decimal_places=2, default=0, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("آخرین تغییر"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ثبت‌کننده"),
    )

    class Meta:
        verbose_name = _("پروژه‌ی سالانه")
        verbose_name_plural = _("پروژه‌های سالانه")
        ordering = ["plan", "year", "code"]
        indexes = [models.Index(fields=["plan", "year"], name="project_plan_year")]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "code"], name="project_unique_code"),
            models.CheckConstraint(
                condition=models.Q(planned_cost__gte=0), name="project_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(physical_progress__gte=0, physical_progress__lte=100),
                name="project_progress_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_end__gte=models.F("planned_start")),
                name="project_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.code} {self.title}"


class Milestone(models.Model):
    """A step of a project with a due date, a weight in the project's progress, and the date
    it was done (empty until then)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("عنوان"), max_length=300)
    due_on = models.DateField(_("موعد"), null=True, blank=True)
    done_on = models.DateField(_("تاریخ انجام"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("وزن"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )

    class Meta:
        verbose_name = _("گام پروژه")
        verbose_name_plural = _("گام‌های پروژه")
        ordering = ["project", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=1000), name="milestone_weight"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Funding(models.Model):
    """A budget line funds a project with a share of the line (in basis points). The shares
    of one line add up to at most the whole line; a project may draw on several lines."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="fundings")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fundings")
    share = models.PositiveIntegerField(
        _("سهم (صدم درصد)"),
        validators=[MinValueValidator(1), MaxValueValidator(WHOLE_SHARE)],
        help_text=_("۱۰۰۰۰ یعنی همه‌ی ردیف؛ ۲۵۰۰ یعنی ۲۵٪"),
    )

    class Meta:
        verbose_name = _("تأمین مالی پروژه از ردیف")
        verbose_name_plural = _("تأمین مالی پروژه‌ها از ردیف‌ها")
        ordering = ["line", "project"]
        constraints = [
            models.UniqueConstraint(fields=["line", "project"], name="funding_unique"),
            models.CheckConstraint(
                condition=models.Q(share__gte=1, share__lte=WHOLE_SHARE), name="funding_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} → {self.project_id} ({self.share})"


class ImportMapping(models.Model):
    """How a city's finance system names the columns of its budget export: our field → the
    header in their file. Kept per city so that each year's file imports unchanged."""

    city = models.OneToOneField(
        City, on_delete=models.CASCADE, related_name="budget_mapping", verbose_name=_("شهر")
    )
    columns = models.JSONField(_("نگاشت ستون‌ها"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("آخرین تغییر"))

    class Meta:
        verbose_name = _("نگاشت ستون‌های پرونده‌ی بودجه")
        verbose_name_plural = _("نگاشت‌های ستون‌های پرونده‌ی بودجه")

    def __str__(self) -> str:
        return str(self.city_id)
