"""Moderation pages: the live queue and its decisions, the audit of decisions, the public
rules and transparency figures, and the report and appeal forms citizens use.

Each view parses its input with the API's serializer (`frontend.web.parse`), asks the
permission rules (the names the services enforce), calls one service or selector and
renders. A refusal is answered by `DomainErrorMiddleware`, or by the form itself again
(`renders_errors_with`); the helpers here only turn data into labels a person reads.
"""

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

from backend.errors import DomainError, Missing
from backend.jalali import MONTHS_FA
from cities import selectors as city_selectors
from frontend.web import allowed, authorise, parse, renders_errors_with
from moderation import selectors, services
from moderation.models import Decision, ModerationState, QueueEntry
from moderation.rules import APPEAL, MODERATE_CITY, READ_AUDIT
from moderation.serializers import AppealIn, DecideIn, ReportIn
from participation import selectors as participation_selectors

QUEUE_LIMIT = 30  # oldest first; the rest show up as these are decided
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
    """Outcomes the lifecycle allows for content in `state` (the service still judges)."""
    allowed = [Outcome(o) for o in services.outcomes_from(state)]
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
    authorise(request, permission, city)
    return city


# The queue ---------------------------------------------------------------------------


def _citeable_rules():
    return [rule for rule in services.rules_current() if rule.citeable]


def _queue_entries(request, city, *, only: int | None = None) -> list[dict]:
    rows = selectors.queue_list(city_id=city.pk)
    rows = rows.filter(pk=only) if only is not None else rows[:QUEUE_LIMIT]
    entries = [
        _entry_display(shown, user=request.user) for shown in selectors.queue_entries_out(rows)
    ]
    # A problem's photos are judged with it: one query for every problem listed.
    problem_ids = [e["object_id"] for e in entries if e["content_type"] == "problem"]
    if problem_ids:
        photos = participation_selectors.photos_by_problem(problem_ids=problem_ids)
        for entry in entries:
            if entry["content_type"] == "problem":
                entry["photos"] = photos.get(entry["object_id"], [])
    return entries


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
    return _render_queue(request, _city_for(request, city_slug, MODERATE_CITY))


def _render_entry(request, city, entry: dict, *, status: int = 200):
    context = {"city": city, "entry": entry, "rules": _citeable_rules()}
    return render(request, "frontend/moderation/partials/entry.html", context, status=status)


@login_required
@require_GET
def moderation_entry_partial(request, city_slug: str, entry_id: int):
    """One open entry as the queue shows it; moderation.js inserts it when it arrives."""
    city = _city_for(request, city_slug, MODERATE_CITY)
    found = _queue_entries(request, city, only=entry_id)
    if not found:
        raise Http404
    return _render_entry(request, city, found[0])


def _decide_values(request) -> dict:
    """What the moderator typed, to show again with a refusal."""
    return {
        "outcome": request.POST.get("outcome", ""),
        "rules": request.POST.getlist("rules"),
        "public_note": request.POST.get("public_note", ""),
        "internal_note": request.POST.get("internal_note", ""),
    }


def _entry_failed(request, error: DomainError, city_slug: str, entry_id: int):
    """The refusal shown on the entry it concerns: the entry alone for htmx, else the
    whole queue (with the typed values kept), with the refusal's status. A refusal to see
    the city's queue at all goes on to the middleware."""
    city = _city_for(request, city_slug, MODERATE_CITY)
    values = _decide_values(request) if request.POST.get("outcome") is not None else None
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
        city = _city_for(request, city_slug, MODERATE_CITY)
        found = _queue_entries(request, city, only=entry_id)
        if found:
            return _render_entry(request, city, found[0])
    messages.success(request, notice)
    return redirect(reverse("frontend:moderation_queue", args=[city_slug]) + f"#entry-{entry_id}")


@login_required
@require_POST
@renders_errors_with(_entry_failed)
def moderation_claim(request, city_slug: str, entry_id: int):
    services.queue_claim(moderator=request.user, entry_id=entry_id)
    return _after_claim_change(
        request, city_slug, entry_id, _("این مورد را برداشتید؛ چند دقیقه برای شما نگه داشته می‌شود.")
    )


@login_required
@require_POST
@renders_errors_with(_entry_failed)
def moderation_release(request, city_slug: str, entry_id: int):
    services.queue_release(moderator=request.user, entry_id=entry_id)
    return _after_claim_change(request, city_slug, entry_id, _("این مورد را رها کردید."))


@login_required
@require_POST
@renders_errors_with(_entry_failed)
def moderation_decide(request, city_slug: str, entry_id: int):
    values = parse(DecideIn, request.POST)
    decision = services.decision_apply(
        moderator=request.user,
        entry_id=entry_id,
        outcome=values["outcome"],
        rule_codes=values["rules"],
        public_note=values.get("public_note", ""),
        internal_note=values.get("internal_note", ""),
    )
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
    city = _city_for(request, city_slug, READ_AUDIT)
    page = Paginator(selectors.decision_list(city_id=city.pk), DECISIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for decision in page:
        decision.waited_text = duration_text(decision.waited_seconds)
        decision.type_label = content_type_label(decision.content_type)
    # The template asks the rules itself (read_audit for internal notes, moderate_city for
    # the link to the queue).
    return render(request, "frontend/moderation/history.html", {"city": city, "page": page})


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
                "rules": [
                    {"code": code, "title": titles.get(code, ""), "count": n}
                    for code, n in month["rules_ranked"]
                ],
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


def _report_context(request, kind: str, content, *, values: dict, error: str | None) -> dict:
    return {
        "kind": kind,
        "type_label": content_type_label(kind),
        "content": content,
        "content_url": _page_of(kind, content),
        "rules": _citeable_rules(),
        "values": values,
        "error": error,
        "report_url": reverse("frontend:report", args=[kind, content.pk]),
    }


def _render_report(request, kind: str, content, *, error: str | None = None, status=200):
    values = {"rule": request.POST.get("rule", ""), "details": request.POST.get("details", "")}
    context = _report_context(request, kind, content, values=values, error=error)
    template = "partials/report_form.html" if request.htmx else "report.html"
    return render(request, f"frontend/moderation/{template}", context, status=status)


def _report_failed(request, error: DomainError, kind: str, pk: int):
    return _render_report(request, kind, _reportable(request, kind, pk), error=error.message)


@login_required
@renders_errors_with(_report_failed)
def report(request, kind: str, pk: int):
    """GET: the report form (a fragment for htmx, a page otherwise). POST: the report.
    Content the user may not see (hidden, someone else's unpublished) is not found."""
    content = _reportable(request, kind, pk)
    if request.method != "POST":
        return _render_report(request, kind, content)
    data = parse(
        ReportIn,
        {
            kind: content.pk,
            "rule": request.POST.get("rule", ""),
            "details": request.POST.get("details", ""),
        },
    )
    services.report_submit(
        reporter=request.user,
        content=content,
        rule_code=data["rule"],
        details=data.get("details", ""),
    )
    notice = _("گزارش شما ثبت شد. ناظران آن را طبق قواعد بررسی می‌کنند.")
    if request.htmx:
        return render(request, "frontend/moderation/partials/report_done.html", {"notice": notice})
    messages.success(request, notice)
    return redirect(_page_of(kind, content))


# Appeals -----------------------------------------------------------------------------


def rejections_of(*, user) -> list[Decision]:
    """For «نوشته‌های من»: the latest decision on each of the user's posts that is rejected
    now, marked `appealable` when the rules let the user appeal it."""
    found = selectors.rejections_for_author(user=user, limit=REJECTIONS_LIMIT)
    for decision in found:
        decision.appealable = allowed(user, APPEAL, decision)
        decision.type_label = content_type_label(decision.content_type)
    return found


def _own_decision(request, decision_id: int) -> Decision:
    """A decision on the user's own content, else 404 (nothing to see for anyone else)."""
    decision = selectors.decisions_for_author(user=request.user).filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    decision.type_label = content_type_label(decision.content_type)
    return decision


def _render_appeal(request, decision: Decision, *, error: str | None = None, status=200):
    context = {"decision": decision, "message": request.POST.get("message", ""), "error": error}
    return render(request, "frontend/moderation/appeal.html", context, status=status)


def _appeal_failed(request, error: DomainError, decision_id: int):
    return _render_appeal(request, _own_decision(request, decision_id), error=error.message)


@login_required
@renders_errors_with(_appeal_failed)
def appeal(request, decision_id: int):
    """GET: the decision and the appeal form. POST: ask once for another look."""
    decision = _own_decision(request, decision_id)
    if request.method != "POST":
        return _render_appeal(request, decision)
    data = parse(AppealIn, {"decision": decision.pk, "message": request.POST.get("message", "")})
    services.appeal_submit(author=request.user, decision=decision, message=data["message"])
    messages.success(
        request, _("درخواست بازبینی شما ثبت شد؛ ناظری دیگر نوشته را دوباره بررسی می‌کند.")
    )
    return redirect("frontend:my_posts")
