"""Moderation pages: the live queue and its decisions, the audit of decisions, the public
rules and transparency figures, and the report and appeal forms citizens use.

Each view parses the request, calls one service or selector and renders. Services judge
every request and raise DomainError with a Persian message, shown with its status; the
helpers here only turn their data into labels a person reads.
"""

import rules as django_rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend.errors import DomainError, Missing, Refused
from backend.jalali import MONTHS_FA
from cities import selectors as city_selectors
from moderation import selectors, services
from moderation.models import Decision, ModerationState, QueueEntry
from participation import selectors as participation_selectors

MODERATE = "moderation.moderate_city"
AUDIT = "moderation.audit_city"
QUEUE_LIMIT = 100  # oldest first; the rest show up as these are decided
DECISIONS_PER_PAGE = 25
REJECTIONS_LIMIT = 200
Outcome = Decision.Outcome


# Labels ------------------------------------------------------------------------------


def content_type_label(kind: str) -> str:
    return {"problem": _("مسئله"), "proposal": _("پیشنهاد"), "comment": _("نظر")}.get(kind, kind)


def duration_text(seconds: int | None) -> str:
    """«۵ دقیقه», «۲ ساعت و ۱۰ دقیقه», «۳ روز و ۴ ساعت» (digits turned Persian by |fa_digits).
    moderation.js words live waiting times the same way."""
    if seconds is None:
        return ""
    minutes = int(seconds) // 60
    if minutes < 1:
        return _("کمتر از یک دقیقه")
    units = [
        (minutes // 1440, _("روز")),
        (minutes // 60 % 24, _("ساعت")),
        (minutes % 60, _("دقیقه")),
    ]
    parts = [f"{n} {word}" for n, word in units if n]
    return _(" و ").join(parts[:2])


def _outcomes_for(state: str) -> list[tuple[str, str]]:
    """Outcomes that mean something for content in `state` (the service still judges)."""
    allowed = [o for o in Outcome if state in services.OUTCOME_STATES[o]]
    # From hidden, approving and restoring both publish; «بازگرداندن» says it plainly.
    if Outcome.RESTORE in allowed:
        allowed.remove(Outcome.APPROVE)
    return [(o.value, o.label) for o in allowed]


def _content_url(kind: str, pk: int, target: dict | None = None) -> str:
    if kind == "comment" and target:
        return reverse(f"frontend:{target['type']}", args=[target["id"]]) + f"#comment-{pk}"
    return reverse(f"frontend:{kind}", args=[pk])


def _local_time(iso: str | None):
    moment = parse_datetime(iso) if iso else None
    return timezone.localtime(moment) if moment else None


def _entry_display(entry: dict, *, user) -> dict:
    """queue_entry_out() plus what the entry template shows: labels, claim, outcomes."""
    shown = dict(entry)
    content, hints = entry["content"], dict(entry["hints"])
    claimed = entry["claimed_by"]
    shown["claim"] = "" if not claimed else ("me" if claimed["id"] == user.pk else "other")
    shown["claimed_until_at"] = _local_time(entry["claimed_until"])
    shown["created_at_dt"] = _local_time(entry["created_at"])
    shown["reason_label"] = QueueEntry.Reason(entry["reason"]).label
    shown["type_label"] = content_type_label(entry["content_type"])
    shown["state_label"] = ModerationState(content["state"]).label
    shown["waiting_text"] = duration_text(entry["waiting_seconds"])
    shown["outcomes"] = _outcomes_for(content["state"])
    if hints.get("persian_share") is not None:
        hints["persian_percent"] = round(hints["persian_share"] * 100)
    if hints.get("similar_problem"):
        hints["similar_problem"] = {
            **hints["similar_problem"],
            "url": reverse("frontend:problem", args=[hints["similar_problem"]["id"]]),
        }
    shown["hints"] = hints
    target = content.get("target")
    if target:
        shown["target_url"] = reverse(f"frontend:{target['type']}", args=[target["id"]])
        shown["target_label"] = {
            "plan_item": _("بند برنامه"),
            "problem": _("مسئله"),
            "proposal": _("پیشنهاد"),
        }.get(target["type"], "")
    # Moderators see unpublished content here only; its page is public once published.
    if content["state"] == ModerationState.PUBLISHED:
        shown["url"] = _content_url(entry["content_type"], entry["object_id"], target)
    return shown


# Access ------------------------------------------------------------------------------


def _city_for(request, slug: str, permission: str):
    city = city_selectors.city_list().filter(slug=slug).first()
    if city is None:
        raise Missing(_("شهری با این شناسه نیست."))
    if not django_rules.test_rule(permission, request.user, city.pk):
        if permission == MODERATE:
            raise Refused(_("شما ناظر این شهر نیستید."), code="not_city_moderator")
        raise Refused(_("دسترسی به سابقه‌ی تصمیم‌های این شهر ندارید."), code="not_city_staff")
    return city


def _refused(request, error: DomainError, *, partial: bool = False):
    template = "frontend/moderation/partials/alert.html" if partial else None
    context = {"error": error.message, "status": error.status}
    return render(
        request, template or "frontend/moderation/refused.html", context, status=error.status
    )


# The queue ---------------------------------------------------------------------------


def _citeable_rules():
    return [rule for rule in services.rules_current() if rule.citeable]


def _queue_entries(request, city, *, only: int | None = None) -> list[dict]:
    rows = selectors.queue_list(city_id=city.pk)
    rows = rows.filter(pk=only) if only is not None else rows[:QUEUE_LIMIT]
    now = timezone.now()
    return [
        _entry_display(selectors.queue_entry_out(row, now=now), user=request.user) for row in rows
    ]


def _render_queue(request, city, *, status: int = 200, failed: dict | None = None):
    entries = _queue_entries(request, city)
    page_error = None
    if failed:
        for entry in entries:
            if entry["id"] == failed["id"]:
                entry.update(error=failed["error"], values=failed.get("values") or {})
                break
        else:  # decided meanwhile, or not this city's: say so at the top
            page_error = failed["error"]
    context = {
        "city": city,
        "entries": entries,
        "rules": _citeable_rules(),
        "limited": len(entries) >= QUEUE_LIMIT,
        "error": page_error,
    }
    return render(request, "frontend/moderation/queue.html", context, status=status)


@login_required
@require_GET
def moderation_queue(request, city_slug: str):
    try:
        city = _city_for(request, city_slug, MODERATE)
    except DomainError as error:
        return _refused(request, error)
    return _render_queue(request, city)


def _render_entry(request, city, entry: dict, *, status: int = 200):
    context = {"city": city, "entry": entry, "rules": _citeable_rules()}
    return render(request, "frontend/moderation/partials/entry.html", context, status=status)


@login_required
@require_GET
def moderation_entry_partial(request, city_slug: str, entry_id: int):
    """One open entry as the queue shows it; moderation.js inserts it when it arrives."""
    try:
        city = _city_for(request, city_slug, MODERATE)
    except DomainError as error:
        return _refused(request, error, partial=True)
    found = _queue_entries(request, city, only=entry_id)
    if not found:
        raise Http404
    return _render_entry(request, city, found[0])


def _entry_failed(request, city_slug: str, entry_id: int, error: DomainError, values=None):
    """The refusal shown on the entry it concerns: the entry alone for htmx, else the
    whole queue (with the typed values kept), with the refusal's status."""
    try:
        city = _city_for(request, city_slug, MODERATE)
    except DomainError as refusal:
        return _refused(request, refusal, partial=bool(request.htmx))
    failed = {"id": entry_id, "error": error.message, "values": values}
    if not request.htmx:
        return _render_queue(request, city, status=error.status, failed=failed)
    found = _queue_entries(request, city, only=entry_id)
    if not found:
        context = {"error": error.message, "gone": True}
        return render(
            request, "frontend/moderation/partials/alert.html", context, status=error.status
        )
    found[0].update(error=error.message, values=values or {})
    return _render_entry(request, city, found[0], status=error.status)


def _after_claim_change(request, city_slug: str, entry_id: int, notice: str):
    if request.htmx:
        try:
            city = _city_for(request, city_slug, MODERATE)
        except DomainError as error:
            return _refused(request, error, partial=True)
        found = _queue_entries(request, city, only=entry_id)
        if found:
            return _render_entry(request, city, found[0])
    messages.success(request, notice)
    return redirect(reverse("frontend:moderation_queue", args=[city_slug]) + f"#entry-{entry_id}")


@login_required
@require_POST
def moderation_claim(request, city_slug: str, entry_id: int):
    try:
        services.queue_claim(moderator=request.user, entry_id=entry_id)
    except DomainError as error:
        return _entry_failed(request, city_slug, entry_id, error)
    return _after_claim_change(
        request, city_slug, entry_id, _("این مورد را برداشتید؛ چند دقیقه برای شما نگه داشته می‌شود.")
    )


@login_required
@require_POST
def moderation_release(request, city_slug: str, entry_id: int):
    try:
        services.queue_release(moderator=request.user, entry_id=entry_id)
    except DomainError as error:
        return _entry_failed(request, city_slug, entry_id, error)
    return _after_claim_change(request, city_slug, entry_id, _("این مورد را رها کردید."))


@login_required
@require_POST
def moderation_decide(request, city_slug: str, entry_id: int):
    values = {
        "outcome": request.POST.get("outcome", ""),
        "rules": request.POST.getlist("rules"),
        "public_note": request.POST.get("public_note", ""),
        "internal_note": request.POST.get("internal_note", ""),
    }
    try:
        decision = services.decision_apply(
            moderator=request.user,
            entry_id=entry_id,
            outcome=values["outcome"],
            rule_codes=values["rules"],
            public_note=values["public_note"],
            internal_note=values["internal_note"],
        )
    except DomainError as error:
        return _entry_failed(request, city_slug, entry_id, error, values)
    notice = _("تصمیم «%(outcome)s» ثبت و به نویسنده اعلام شد.") % {
        "outcome": decision.get_outcome_display()
    }
    if request.htmx:
        return render(request, "frontend/moderation/partials/decided.html", {"notice": notice})
    messages.success(request, notice)
    return redirect("frontend:moderation_queue", city_slug=city_slug)


# The audit of decisions --------------------------------------------------------------


@login_required
@require_GET
def moderation_history(request, city_slug: str):
    """Who decided what, when, citing which rule version: the city's moderators and admins."""
    try:
        city = _city_for(request, city_slug, AUDIT)
    except DomainError as error:
        return _refused(request, error)
    page = Paginator(selectors.decision_list(city_id=city.pk), DECISIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for decision in page:
        decision.waited_text = duration_text(decision.waited_seconds)
        decision.type_label = content_type_label(decision.content_type)
    context = {
        "city": city,
        "page": page,
        # The page is for audit holders only; the flag keeps internal notes tied to the rule
        # even if the page is ever opened wider.
        "can_audit": True,
        "can_moderate": django_rules.test_rule(MODERATE, request.user, city.pk),
    }
    return render(request, "frontend/moderation/history.html", context)


# Public pages: the rules and transparency --------------------------------------------


@require_GET
def rules(request):
    """Every published rule: each code's current wording first, older wordings folded."""
    grouped: dict[str, dict] = {}
    for rule in selectors.rule_list():
        group = grouped.setdefault(rule.code, {"current": rule, "older": []})
        if rule is not group["current"]:
            group["older"].append(rule)
    return render(request, "frontend/rules.html", {"rule_groups": list(grouped.values())})


def _month_label(month: str) -> str:
    year, number = month.split("/")
    return f"{MONTHS_FA[int(number) - 1]} {int(year)}"


@require_GET
def transparency(request):
    """Public figures: decisions per outcome and per rule by Jalali month, waiting times."""
    cities = city_selectors.city_list()
    slug = request.GET.get("city", "")
    city = cities.filter(slug=slug).first() if slug else None
    if slug and city is None:
        context = {"cities": cities, "error": _("شهری با این شناسه نیست."), "stats": None}
        return render(request, "frontend/transparency.html", context, status=404)
    stats = selectors.moderation_stats(city_id=city.pk if city else None)
    titles: dict[str, str] = {}
    for rule in selectors.rule_list():  # newest version of each code comes first
        titles.setdefault(rule.code, rule.title)
    months = []
    for month in reversed(stats["months"]):  # newest month first
        total = month["decisions"] or 1
        months.append(
            {
                "label": _month_label(month["month"]),
                "decisions": month["decisions"],
                "median_wait": duration_text(month["median_wait_seconds"]),
                "outcomes": [
                    {
                        "value": o.value,
                        "label": o.label,
                        "count": month["outcomes"].get(o.value, 0),
                        "percent": round(100 * month["outcomes"].get(o.value, 0) / total),
                    }
                    for o in Outcome
                ],
                "rules": sorted(
                    (
                        {"code": code, "title": titles.get(code, ""), "count": n}
                        for code, n in month["rules"].items()
                    ),
                    key=lambda r: (-r["count"], r["code"]),
                ),
            }
        )
    context = {
        "cities": cities,
        "city": city,
        "stats": stats,
        "months": months,
        "median_wait": duration_text(stats["median_wait_seconds"]),
    }
    return render(request, "frontend/transparency.html", context)


# Reports -----------------------------------------------------------------------------

REPORTABLE = ("problem", "proposal", "comment")


def _reportable(request, kind: str, pk: int):
    """The published or own content `pk` of `kind` as the user may see it, else 404."""
    if kind == "problem":
        found = participation_selectors.problem_get(pk=pk, user=request.user)
    elif kind == "proposal":
        found = participation_selectors.proposal_get(pk=pk, user=request.user)
    elif kind == "comment":
        found = participation_selectors.comment_list(user=request.user).filter(pk=pk).first()
    else:
        found = None
    if found is None:
        raise Http404
    return found


def _page_of(kind: str, content) -> str:
    if kind != "comment":
        return reverse(f"frontend:{kind}", args=[content.pk])
    for field in ("plan_item", "problem", "proposal"):
        target_id = getattr(content, f"{field}_id")
        if target_id:
            return reverse(f"frontend:{field}", args=[target_id]) + f"#comment-{content.pk}"
    return reverse("frontend:home")


@login_required
def report(request, kind: str, pk: int):
    """GET: the report form (a fragment for htmx, a page otherwise). POST: the report."""
    content = _reportable(request, kind, pk)
    values = {"rule": request.POST.get("rule", ""), "details": request.POST.get("details", "")}
    status, error = 200, None
    if request.method == "POST":
        try:
            if not values["rule"]:
                raise DomainError(_("قاعده‌ای را که این نوشته زیر پا گذاشته انتخاب کنید."))
            services.report_submit(
                reporter=request.user,
                content=content,
                rule_code=values["rule"],
                details=values["details"],
            )
        except DomainError as failure:
            status, error = failure.status, failure.message
        else:
            notice = _("گزارش شما ثبت شد. ناظران آن را طبق قواعد بررسی می‌کنند.")
            if request.htmx:
                return render(
                    request, "frontend/moderation/partials/report_done.html", {"notice": notice}
                )
            messages.success(request, notice)
            return redirect(_page_of(kind, content))
    context = {
        "kind": kind,
        "type_label": content_type_label(kind),
        "content": content,
        "content_url": _page_of(kind, content),
        "rules": _citeable_rules(),
        "values": values,
        "error": error,
        "report_url": reverse("frontend:report", args=[kind, pk]),
    }
    template = "partials/report_form.html" if request.htmx else "report.html"
    return render(request, f"frontend/moderation/{template}", context, status=status)


# Appeals -----------------------------------------------------------------------------


def rejections_of(*, user) -> list[Decision]:
    """For «نوشته‌های من»: the latest decision on each of the user's posts that is rejected
    now, marked `appealable` unless it already settled an appeal (an appeal returns the post
    to review, so a post rejected now has not been appealed since)."""
    latest: dict[tuple[str, int], Decision] = {}
    for decision in selectors.decisions_for_author(user=user)[:REJECTIONS_LIMIT]:
        latest.setdefault((decision.content_type, decision.object_id), decision)
    found = []
    for decision in latest.values():
        if decision.content.moderation_state != ModerationState.REJECTED:
            continue
        decision.appealable = _appealable(decision)
        decision.type_label = content_type_label(decision.content_type)
        found.append(decision)
    return found


def _appealable(decision: Decision) -> bool:
    """Whether to offer the appeal form; appeal_submit is the judge."""
    return (
        decision.outcome == Outcome.REJECT
        and decision.content.moderation_state == ModerationState.REJECTED
        and decision.entry.reason != QueueEntry.Reason.APPEAL
    )


@login_required
def appeal(request, decision_id: int):
    """GET: the decision and the appeal form. POST: ask once for another look."""
    decision = selectors.decisions_for_author(user=request.user).filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    message = request.POST.get("message", "")
    status, error = 200, None
    if request.method == "POST":
        try:
            services.appeal_submit(author=request.user, decision=decision, message=message)
        except DomainError as failure:
            status, error = failure.status, failure.message
        else:
            messages.success(
                request,
                _("درخواست بازبینی شما ثبت شد؛ ناظری دیگر نوشته را دوباره بررسی می‌کند."),
            )
            return redirect("frontend:my_posts")
    decision.type_label = content_type_label(decision.content_type)
    decision.appealable = _appealable(decision)
    context = {"decision": decision, "message": message, "error": error}
    return render(request, "frontend/moderation/appeal.html", context, status=status)
