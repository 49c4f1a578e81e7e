"""The plan's problem inventory: entries that many citizen problems point to, and the
provenance of every triage action that put a problem there. Built on `participation`'s
problems and `planning`'s plans; the tables keep the names they had in `planning`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from planning.models import Axis, Committee, Plan, PlanItem


class InventoryEntry(models.Model):
    """One problem of the plan's problem inventory (فهرست مسائل). Many citizen problems point
    to it; its evidence and priority are computed from them (inventory.selectors)."""

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("شناسایی‌شده")
        ANALYSING = "analysing", _("در حال تحلیل")
        ADDRESSED = "addressed", _("پاسخ داده‌شده در برنامه")
        DROPPED = "dropped", _("کنار گذاشته‌شده")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="inventory")
    code = models.CharField(_("کد"), max_length=20)
    title = models.CharField(_("عنوان"), max_length=200)
    statement = models.TextField(_("بیان مسئله"), blank=True)
    axis = models.ForeignKey(
        Axis, null=True, blank=True, on_delete=models.SET_NULL, related_name="inventory_entries"
    )
    committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inventory_entries",
    )
    severity = models.PositiveSmallIntegerField(
        _("شدت"), default=3, help_text=_("۱ (کم) تا ۵ (بسیار شدید)، به تشخیص برنامه‌ریز")
    )
    status = models.CharField(
        _("وضعیت"), max_length=12, choices=Status.choices, default=Status.IDENTIFIED
    )
    addressed_by = models.ManyToManyField(
        PlanItem, blank=True, related_name="addresses", verbose_name=_("بندهای پاسخ‌دهنده")
    )
    title_key = models.CharField(max_length=400, editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "planning_inventoryentry"
        verbose_name = _("مسئله‌ی فهرست")
        verbose_name_plural = _("فهرست مسائل")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="inventory_code_unique"),
            models.CheckConstraint(
                condition=models.Q(severity__gte=1, severity__lte=5), name="inventory_severity_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class TriageRecord(models.Model):
    """Provenance of every triage action: who, when, what, and the state before it."""

    class Action(models.TextChoices):
        ACCEPT = "accept", _("پذیرش در فهرست")
        MERGE = "merge", _("ادغام با مسئله‌ی مشابه")
        OUT_OF_SCOPE = "out_of_scope", _("خارج از موضوع")

    problem = models.ForeignKey(
        "participation.Problem", on_delete=models.CASCADE, related_name="triage_history"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="triage_actions"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    entry = models.ForeignKey(
        InventoryEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    previous_state = models.CharField(max_length=12)
    previous_entry = models.ForeignKey(
        InventoryEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_axis = models.ForeignKey(
        Axis, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "planning_triagerecord"
        verbose_name = _("سابقه‌ی بررسی برنامه‌ریز")
        verbose_name_plural = _("سابقه‌ی بررسی‌های برنامه‌ریز")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.problem_id}"


class InventoryFigures(models.Model):
    """A plan's inventory evidence (the counts behind each entry's priority) and its chart
    figures, computed together and stored (inventory.figures): counting distinct
    supporters over every linked problem costs as much as the data is large, so reads use
    these figures, recomputed when a planner's change makes them stale and otherwise at most
    every INVENTORY_FIGURES_SECONDS."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="+")
    evidence = models.JSONField(default=dict)  # {entry id: {problems_count: …, …}}
    aggregates = models.JSONField(default=dict)  # inventory.figures.aggregates_compute()
    computed_at = models.DateTimeField()
    # Planners' changes bump `marks`; the stored figures include the changes up to
    # `marks_done`. A refresh that ran while a change committed leaves them apart (stale).
    marks = models.PositiveIntegerField(default=0)
    marks_done = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "inventory_figures"
        verbose_name = _("شمارش‌های فهرست مسائل")
        verbose_name_plural = _("شمارش‌های فهرست مسائل")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.computed_at:%Y-%m-%d %H:%M}"
