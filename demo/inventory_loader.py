"""A started problem inventory for the demo: a planner has accepted the main near-duplicate
groups into entries (merging their variants), linked them to plan items, and left most
problems untriaged for the next planner."""

from accounts.models import User
from inventory.models import InventoryEntry
from inventory.services import inventory_entry_update, triage_accept, triage_merge
from participation.models import Problem
from participation.similarity import similar_problems
from planning.models import Axis, Committee, Plan, PlanItem

# (title of the problem to accept, entry title, entry statement, severity, axis, committee)
ENTRIES = [
    (
        "ترافیک شدید خیابان شهید بهشتی از ساعت ۷ تا ۹ صبح",
        "گره‌ی ترافیکی صبحگاهی خیابان شهید بهشتی",
        "در ساعت‌های رفتن به کار و مدرسه، خیابان شهید بهشتی از میدان تا چهارراه قفل می‌شود؛\n"
        "نبود مسیر جایگزین و توقف دوبله بیشترین سهم را دارند.",
        4,
        "حمل‌ونقل و ترافیک",
        "کمیته‌ی امور فنی و مهندسی شهری",
    ),
    (
        "خانه‌های فرسوده‌ی اطراف بازار در برابر زلزله ایمن نیستند",
        "ناایمنی ساختمان‌های بافت فرسوده‌ی پیرامون بازار",
        "بخش بزرگی از خانه‌های پیرامون بازار سنتی مقاوم‌سازی نشده‌اند و کوچه‌های باریک، امدادرسانی "
        "را دشوار می‌کند.",
        5,
        "بافت فرسوده",
        "کمیته‌ی توسعه‌ی پایدار شهری",
    ),
    (
        "بوی بد و دود کارخانه‌ها شب‌ها در جنوب شهر",
        "آلودگی هوای شبانه از صنایع جنوب شهر",
        "ساکنان جنوب شهر از دود و بوی بد شبانه‌ی واحدهای صنعتی گزارش می‌دهند.",
        5,
        "محیط زیست",
        "کمیته‌ی توسعه‌ی پایدار شهری",
    ),
    (
        "عوارض نوسازی را نمی‌شود اینترنتی پرداخت کرد",
        "خدمات پرداخت الکترونیکی شهرداری ناقص است",
        "پرداخت عوارض و دریافت مجوزها هنوز حضوری است و شهروندان را به دفترهای شهرداری می‌کشاند.",
        3,
        "هوشمندسازی",
        "کمیته‌ی مدیریت و حکمرانی خوب شهری",
    ),
]
MERGE_FROM = 0.7


def load_inventory(plan: Plan) -> dict:
    if InventoryEntry.objects.filter(plan=plan).exists():
        return {}
    planner = User.objects.get(username="planner")
    accepted = merged = 0
    for title, entry_title, statement, severity, axis_title, committee_title in ENTRIES:
        problem = Problem.objects.filter(
            plan=plan, title=title, moderation_state="published", triage_state="new"
        ).first()
        if problem is None:
            continue
        axis = Axis.objects.filter(city=plan.city, title=axis_title).first()
        committee = Committee.objects.filter(city=plan.city, title=committee_title).first()
        triage_accept(
            actor=planner,
            problem_id=problem.pk,
            axis=axis,
            committee=committee,
            new_entry={"title": entry_title, "statement": statement, "severity": severity},
        )
        accepted += 1
        entry = Problem.objects.get(pk=problem.pk).inventory_entry
        for similar in similar_problems(plan_id=plan.pk, text=title, exclude_id=problem.pk):
            twin = Problem.objects.get(pk=similar.id)
            if similar.score >= MERGE_FROM and twin.triage_state == "new":
                triage_merge(actor=planner, problem_id=twin.pk, entry=entry)
                merged += 1
        # The plan items of the same axis that answer it, deepest first.
        items = (
            []
            if axis is None
            else list(
                PlanItem.objects.filter(
                    plan=plan, axes=axis, kind__in=["policy", "project"]
                ).order_by("-kind", "sort_key")[:2]
            )
        )
        if items:
            inventory_entry_update(
                actor=planner, entry=entry, addressed_by=items, status="addressed"
            )
    return {"accepted": accepted, "merged": merged}
