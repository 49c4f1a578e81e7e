"""Plan monitoring: indicators (شاخص) with versions, their links to plan items with public
weights, baselines, yearly targets, measurements per period, the monitoring state of plan
items, the stored roll-up of realisation and the frozen snapshots.

Jalali years are integers (1404). A period is (year, period) where period is the month 1–12
for a monthly indicator, the quarter 1–4 for a quarterly one and 0 for a yearly one.

History is kept, never rewritten:
- a published IndicatorVersion is immutable (model, queryset and, on PostgreSQL, a trigger);
- a verified Measurement is immutable; a correction is a new row that supersedes it;
- a Snapshot is immutable.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from planning.models import Plan, PlanItem

VALUE_DIGITS = 20
VALUE_PLACES = 6

PUBLISHED_IMMUTABLE = "a published indicator version is immutable"
VERIFIED_IMMUTABLE = "a verified measurement is immutable; correct it with a new row"
SNAPSHOT_IMMUTABLE = "snapshots are immutable"


class Periodicity(models.TextChoices):
    MONTHLY = "monthly", _("ماهانه")
    QUARTERLY = "quarterly", _("فصلی")
    YEARLY = "yearly", _("سالانه")


# The periods of a year for each periodicity, and the last month each period covers.
PERIODS: dict[str, tuple[int, ...]] = {
    Periodicity.MONTHLY: tuple(range(1, 13)),
    Periodicity.QUARTERLY: (1, 2, 3, 4),
    Periodicity.YEARLY: (0,),
}


def period_end_month(periodicity: str, period: int) -> int:
    """The last Jalali month (1–12) a period covers: month m → m, quarter q → 3q, year → 12."""
    if periodicity == Periodicity.MONTHLY:
        return period
    if periodicity == Periodicity.QUARTERLY:
        return 3 * period
    return 12


class Indicator(models.Model):
    """The stable identity of an indicator of a plan; what it says lives in its versions."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("برنامه")
    )
    code = models.SlugField(
        _("کد"), max_length=40, help_text=_("لاتین، مانند e_services؛ در فرمول‌ها به کار می‌رود")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_indicators",
        verbose_name=_("مسئول"),
    )
    owner_unit = models.CharField(_("واحد مسئول"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))

    class Meta:
        verbose_name = _("شاخص")
        verbose_name_plural = _("شاخص‌ها")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def current_version(self) -> "IndicatorVersion | None":
        """The newest published version (None before the first is published). Selectors
        prefetch `published_versions` (newest first) so this costs no query there."""
        prefetched = getattr(self, "published_versions", None)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()


class IndicatorVersionQuerySet(models.QuerySet):
    """Bulk updates and deletes may touch drafts only."""

    def update(self, **kwargs):
        if self.filter(published_at__isnull=False).exists():
            raise PermissionError(PUBLISHED_IMMUTABLE)
        return super().update(**kwargs)

    def delete(self):
        if self.filter(published_at__isnull=False).exists():
            raise PermissionError(PUBLISHED_IMMUTABLE)
        return super().delete()


class IndicatorVersion(models.Model):
    """What an indicator says, as of one version. Drafts are edited; a published version is
    never changed or deleted (a change publishes a new version)."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("بیشتر بهتر است")
        LOWER = "lower", _("کمتر بهتر است")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("جمع دوره‌ها")
        MEAN = "mean", _("میانگین دوره‌ها")
        LAST = "last", _("آخرین مقدار")

    class Kind(models.TextChoices):
        MEASURED = "measured", _("اندازه‌گیری‌شده")
        COMPUTED = "computed", _("محاسبه با فرمول")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="versions", verbose_name=_("شاخص")
    )
    number = models.PositiveSmallIntegerField(_("شماره‌ی نسخه"))
    title = models.CharField(_("عنوان"), max_length=300)
    unit = models.CharField(_("واحد"), max_length=60, blank=True)
    direction = models.CharField(
        _("جهت مطلوب"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    periodicity = models.CharField(
        _("دوره‌ی اندازه‌گیری"),
        max_length=10,
        choices=Periodicity.choices,
        default=Periodicity.MONTHLY,
    )
    aggregation = models.CharField(
        _("تجمیع در سال"), max_length=4, choices=Aggregation.choices, default=Aggregation.LAST
    )
    source = models.CharField(_("منبع داده"), max_length=300, blank=True)
    definition = models.TextField(_("تعریف"), blank=True)
    kind = models.CharField(_("گونه"), max_length=8, choices=Kind.choices, default=Kind.MEASURED)
    formula = models.TextField(_("فرمول"), blank=True)
    inputs = models.JSONField(
        _("ورودی‌های نام‌دار"),
        default=list,
        blank=True,
        help_text=_('فهرستی مانند [{"name": "population", "title": "جمعیت", "value": "520000"}]'),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))
    published_at = models.DateTimeField(_("زمان انتشار"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("منتشرکننده"),
    )

    objects = IndicatorVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("نسخه‌ی شاخص")
        verbose_name_plural = _("نسخه‌های شاخص")
        ordering = ["indicator", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "number"], name="indicatorversion_number_unique"
            ),
            # One draft at a time per indicator.
            models.UniqueConstraint(
                fields=["indicator"],
                condition=models.Q(published_at__isnull=True),
                name="indicatorversion_one_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="computed") | models.Q(formula=""),
                name="indicatorversion_formula_only_computed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self._stored_published():
            raise PermissionError(PUBLISHED_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_published():
            raise PermissionError(PUBLISHED_IMMUTABLE)
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def _stored_published(self) -> bool:
        if self.pk is None:
            return False
        return IndicatorVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists()


class IndicatorLink(models.Model):
    """An indicator measures a plan item with a public weight (> 0)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="links", verbose_name=_("شاخص")
    )
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.CASCADE,
        related_name="indicator_links",
        verbose_name=_("بند برنامه"),
    )
    weight = models.DecimalField(_("وزن"), max_digits=8, decimal_places=3, default=1)

    class Meta:
        verbose_name = _("پیوند شاخص و بند")
        verbose_name_plural = _("پیوندهای شاخص و بند")
        ordering = ["plan_item", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "plan_item"], name="indicatorlink_unique"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="indicatorlink_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} → {self.plan_item_id} ({self.weight})"


class Baseline(models.Model):
    """The indicator's value at a Jalali date (year and month) before the plan's targets."""

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, related_name="baseline", verbose_name=_("شاخص")
    )
    value = models.DecimalField(_("مقدار"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    year = models.PositiveSmallIntegerField(_("سال"))
    month = models.PositiveSmallIntegerField(
        _("ماه"), default=12, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    note = models.TextField(_("یادداشت"), blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("آخرین تغییر"))

    class Meta:
        verbose_name = _("مقدار پایه")
        verbose_name_plural = _("مقادیر پایه")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="baseline_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value} ({self.year}/{self.month})"


class Target(models.Model):
    """The value an indicator should reach by the end of a Jalali year. The horizon target
    (the plan's end, or a later vision year) is the one row with `is_horizon`."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("شاخص")
    )
    year = models.PositiveSmallIntegerField(_("سال"))
    value = models.DecimalField(_("مقدار"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    is_horizon = models.BooleanField(_("هدف افق"), default=False)

    class Meta:
        verbose_name = _("هدف کمّی")
        verbose_name_plural = _("هدف‌های کمّی")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_year_unique"),
            models.UniqueConstraint(
                fields=["indicator"],
                condition=models.Q(is_horizon=True),
                name="target_one_horizon",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}: {self.value}"


class MeasurementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(state=Measurement.State.VERIFIED).exists():
            raise PermissionError(VERIFIED_IMMUTABLE)
        return super().update(**kwargs)

    def delete(self):
        if self.filter(state=Measurement.State.VERIFIED).exists():
            raise PermissionError(VERIFIED_IMMUTABLE)
        return super().delete()

    def current(self) -> "MeasurementQuerySet":
        """Verified rows that no correction supersedes: one per indicator and period."""
        return self.filter(state=Measurement.State.VERIFIED, superseded_by__isnull=True)


class Measurement(models.Model):
    """One value of an indicator for one period. Missing is no row, never zero. A verified
    row is never changed: a correction is a new verified row that `supersedes` it, with a
    reason. A computed indicator's values are rows like these, entered by nobody."""

    class State(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        SUBMITTED = "submitted", _("ارسال‌شده، تأییدنشده")
        VERIFIED = "verified", _("تأییدشده")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="measurements", verbose_name=_("شاخص")
    )
    version = models.ForeignKey(
        IndicatorVersion,
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name=_("نسخه"),
    )
    year = models.PositiveSmallIntegerField(_("سال"))
    period = models.PositiveSmallIntegerField(
        _("دوره"), help_text=_("ماه ۱ تا ۱۲، فصل ۱ تا ۴، یا ۰ برای سالانه")
    )
    value = models.DecimalField(_("مقدار"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    inputs = models.JSONField(_("ورودی‌ها"), default=dict, blank=True)
    source = models.CharField(_("منبع"), max_length=300, blank=True)
    evidence_url = models.URLField(_("پیوند مستند"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("پرونده‌ی مستند"), upload_to="monitoring/evidence/%Y/%m/", blank=True
    )
    note = models.TextField(_("یادداشت"), blank=True)
    state = models.CharField(_("وضعیت"), max_length=10, choices=State.choices, default=State.DRAFT)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="monitoring_entered",
        verbose_name=_("واردکننده"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="monitoring_verified",
        verbose_name=_("تأییدکننده"),
    )
    verified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("زمان تأیید"))
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("جایگزینِ"),
    )
    reason = models.TextField(_("دلیل اصلاح"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        verbose_name = _("اندازه‌گیری")
        verbose_name_plural = _("اندازه‌گیری‌ها")
        ordering = ["indicator", "year", "period", "created_at", "id"]
        indexes = [
            models.Index(fields=["indicator", "year", "period"], name="measurement_period"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period__gte=0, period__lte=12), name="measurement_period_0_12"
            ),
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True) | ~models.Q(reason=""),
                name="measurement_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}/{self.period}: {self.value}"

    def save(self, *args, **kwargs):
        if self._stored_verified():
            raise PermissionError(VERIFIED_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_verified():
            raise PermissionError(VERIFIED_IMMUTABLE)
        return super().delete(*args, **kwargs)

    def _stored_verified(self) -> bool:
        if self.pk is None:
            return False
        return Measurement.objects.filter(pk=self.pk, state=self.State.VERIFIED).exists()


class ItemMonitoring(models.Model):
    """Whether a plan item takes part in the realisation roll-up. Cancelled and
    not-applicable items (and everything under them) drop out of it."""

    class State(models.TextChoices):
        ACTIVE = "active", _("فعال")
        CANCELLED = "cancelled", _("لغوشده")
        NOT_APPLICABLE = "not_applicable", _("موضوعیت ندارد")

    plan_item = models.OneToOneField(
        PlanItem, on_delete=models.CASCADE, related_name="monitoring", verbose_name=_("بند برنامه")
    )
    state = models.CharField(_("وضعیت پایش"), max_length=16, choices=State.choices)
    reason = models.TextField(_("دلیل"), blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("آخرین تغییر"))

    class Meta:
        verbose_name = _("وضعیت پایش بند")
        verbose_name_plural = _("وضعیت پایش بندها")

    def __str__(self) -> str:
        return f"{self.plan_item_id}: {self.state}"


class Rollup(models.Model):
    """The plan's realisation figures for a Jalali year to date, recomputed by the services
    whenever something they depend on changes, so that pages read one row."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="monitoring_rollups", verbose_name=_("برنامه")
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("سال"))
    data = models.JSONField(default=dict, verbose_name=_("داده‌ها"))
    computed_at = models.DateTimeField(auto_now=True, verbose_name=_("زمان محاسبه"))

    class Meta:
        verbose_name = _("جمع‌بندی تحقق")
        verbose_name_plural = _("جمع‌بندی‌های تحقق")
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="rollup_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.year}"


class SnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(SNAPSHOT_IMMUTABLE)

    def delete(self):
        raise PermissionError(SNAPSHOT_IMMUTABLE)


class Snapshot(models.Model):
    """The plan's figures frozen at a period's close («پایان نیمه‌ی نخست ۱۴۰۵: ۵۹٪»). A later
    correction does not change it; pages show the correction beside it."""

    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        related_name="monitoring_snapshots",
        verbose_name=_("برنامه"),
    )
    year = models.PositiveSmallIntegerField(_("سال"))
    period = models.CharField(_("دوره"), max_length=4, help_text=_("H1، H2، Q1…Q4، M1…M12 یا Y"))
    through_month = models.PositiveSmallIntegerField(_("تا پایان ماه"))
    data = models.JSONField(default=dict, verbose_name=_("داده‌ها"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ثبت‌کننده"),
    )

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("تصویر دوره")
        verbose_name_plural = _("تصویرهای دوره")
        ordering = ["plan", "year", "through_month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "period"], name="snapshot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.period}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError(SNAPSHOT_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(SNAPSHOT_IMMUTABLE)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.period}"


class ReminderSent(models.Model):
    """That a reminder of one kind (due soon, overdue) was sent for an indicator's period:
    the marker that keeps `monitoring_reminders` to at most one reminder each."""

    class Kind(models.TextChoices):
        DUE = "due", _("نزدیک به موعد")
        OVERDUE = "overdue", _("گذشته از موعد")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("شاخص")
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("سال"))
    period = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("یادآوری فرستاده‌شده")
        verbose_name_plural = _("یادآوری‌های فرستاده‌شده")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "period", "kind"], name="remindersent_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}/{self.period} {self.kind}"
