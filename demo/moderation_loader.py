"""A little moderation history for the demo: rejections citing rules, an appeal waiting for
a second moderator, and reports below the hiding threshold."""

from accounts.models import User
from moderation.models import Decision, QueueEntry
from moderation.services import appeal_submit, decision_apply, report_submit
from participation.models import Problem
from participation.services import problem_submit
from planning.models import Axis, Plan

REJECTED = [
    (
        "resident03",
        "اقتصاد شهری",
        "فروش ویژه‌ی کولر گازی با نصب رایگان",
        "برای خرید با شماره‌ی ۰۹۱۲۱۱۱۲۲۳۳ تماس بگیرید یا به www.example-shop.ir سر بزنید.",
        ["advertising", "off-topic"],
        "آگهی در این سامانه منتشر نمی‌شود.",
        None,
    ),
    (
        "citizen3",
        "نشاط اجتماعی",
        "مسئول پارک‌ها هیچ کاری بلد نیست",
        "هر کس این کار را به او سپرده از خودش بی‌عرضه‌تر است و پارک محله رها شده است.",
        ["insult"],
        "لطفاً مسئله‌ی پارک را بدون توهین به اشخاص بنویسید تا منتشر شود.",
        "منظورم توهین نبود؛ می‌خواستم نشان دهم پارک محله‌ی ما رسیدگی نمی‌شود. "
        "متن را می‌توانم اصلاح کنم.",
    ),
]


def load_moderation_history(plan: Plan) -> dict:
    if Decision.objects.filter(outcome="reject", city=plan.city).exists():
        return {}
    moderator = User.objects.get(username="moderator")
    appeals = 0
    for username, axis_title, title, body, rules, note, appeal in REJECTED:
        author = User.objects.get(username=username)
        axis = Axis.objects.filter(city=plan.city, title=axis_title).first()
        problem = problem_submit(author=author, plan=plan, title=title, body=body, axis=axis)
        entry = QueueEntry.objects.get(problem=problem, closed_at__isnull=True)
        decision = decision_apply(
            moderator=moderator,
            entry_id=entry.pk,
            outcome="reject",
            rule_codes=rules,
            public_note=note,
        )
        if appeal:
            appeal_submit(author=author, decision=decision, message=appeal)
            appeals += 1
    # Two reports on one published problem: below the default threshold of three.
    target = (
        Problem.objects.filter(plan=plan, moderation_state="published")
        .exclude(author__username__in=["citizen", "citizen2"])
        .order_by("id")
        .first()
    )
    if target is not None:
        for username in ("citizen", "citizen2"):
            report_submit(
                reporter=User.objects.get(username=username),
                content=target,
                rule_code="off-topic",
                details="به نظرم این مورد به برنامه‌ی شهر مربوط نیست.",
            )
    return {"rejections": len(REJECTED), "appeals": appeals}
