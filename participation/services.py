"""Every write a citizen, an NGO or an expert makes: problems, supports, comments,
proposals and endorsements. Text is sanitised here, on the way in."""

import logging
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet

from accounts.models import Notification, Organisation, User
from accounts.services import activity_record, notification_send
from backend.authz import authorise
from backend.errors import Conflict, DomainError, Missing
from backend.persian import normalise, to_persian_digits
from backend.ratelimit import posting_limit_check
from backend.sanitise import clean_html, html_to_text, plain_text, plain_title
from cities.models import City, District
from cities.places import check_point
from moderation.models import ModeratedContent, ModerationState
from moderation.services import content_edited, content_submitted, content_withdraw, initial_state
from participation.keys import problem_keys
from participation.lexicon import lexicon_changed
from participation.models import (
    BODY_MAX,
    TITLE_MAX,
    Comment,
    Endorsement,
    Follow,
    Problem,
    ProblemPhoto,
    Proposal,
    Support,
    SynonymGroup,
)
from participation.photos import ProcessedPhoto, photo_process
from participation.rules import enforce
from participation.selectors import follower_ids
from planning.models import Axis, Plan, PlanItem

STATEMENT_MAX = 2000
PHOTO_FOLDER = "problem-photos"

logger = logging.getLogger("hamandishi.photos")


ContentT = TypeVar("ContentT", bound=ModeratedContent)


def _initial_state(plan: Plan, author: User) -> str:
    return initial_state(
        author=author,
        post_moderation=plan.moderation_mode == Plan.ModerationMode.POST,
        trusted_publish_at_once=plan.trusted_publish_at_once,
    )


def _title(raw: str) -> str:
    title = plain_title(raw)
    if not title:
        raise DomainError("عنوان را بنویسید.", code="title_required")
    if len(title) > TITLE_MAX:
        raise DomainError(f"عنوان حداکثر {TITLE_MAX} نویسه است.", code="title_too_long")
    return title


def _body(raw: str, *, required: bool = True, limit: int = BODY_MAX) -> str:
    if raw is not None and len(str(raw)) > limit:
        raise DomainError(f"متن حداکثر {limit} نویسه است.", code="body_too_long")
    body = clean_html(raw)
    if required and not html_to_text(body):
        raise DomainError("متن را بنویسید.", code="body_required")
    if len(body) > limit:
        raise DomainError(f"متن حداکثر {limit} نویسه است.", code="body_too_long")
    return body


def _same_city(plan: Plan, axis: Axis | None, district: District | None) -> None:
    if axis is not None and axis.city_id != plan.city_id:
        raise DomainError("این محور از شهر این برنامه نیست.", code="axis_other_city")
    if district is not None and district.city_id != plan.city_id:
        raise DomainError("این منطقه از شهر این برنامه نیست.", code="district_other_city")


def _save_and_queue(content: ContentT, kind: str) -> ContentT:
    """Store new content and put it in its city's moderation queue, together — within the
    author's posting limit for `kind` (429). The author's row is locked while counting, so
    concurrent posts by one author cannot pass the limit together."""
    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=content.author_id)
        posting_limit_check(
            kind, type(content)._default_manager.filter(author_id=content.author_id)
        )
        content.save()
        content_submitted(content=content)
        if isinstance(content, Problem) and kind == "problem":
            # The author hears what happens to their problem; they may unfollow. (Not an
            # Open311 app's service account, which posts for many people.)
            Follow.objects.create(user_id=content.author_id, problem=content)
    return content


# Problems ----------------------------------------------------------------------------


def problem_submit(
    *,
    author: User,
    plan: Plan,
    title: str,
    body: str,
    axis: Axis | None = None,
    district: District | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: Sequence[Any] = (),
    posting_kind: str = "problem",
) -> Problem:
    """Store a citizen's problem. It starts pending unless the plan's moderation settings
    publish it at once; the title is plain text, the body sanitised HTML, and normalised
    copies are kept for search and similarity. `photos` (uploaded files, at most
    PHOTO_MAX_PER_PROBLEM) are all checked and re-encoded before anything is stored: one
    refused photo stores neither the problem nor any file. `posting_kind` names the posting
    limit that counts it (`settings.POSTING_LIMITS`): "problem" for a person, "open311" for
    the service account of an Open311 client app, which posts for many people."""
    enforce(author, "participation.submit_problem", plan)
    title = _title(title)
    body = _body(body)
    _same_city(plan, axis, district)
    district = check_point(plan.city, latitude, longitude, district)
    prepared = _photos_prepare(photos)
    problem = Problem(
        plan=plan,
        author=author,
        title=title,
        body=body,
        axis=axis,
        district=district,
        latitude=latitude,
        longitude=longitude,
        **problem_keys(title, html_to_text(body)),
        moderation_state=_initial_state(plan, author),
    )
    if not prepared:
        return _save_and_queue(problem, posting_kind)
    with transaction.atomic():
        _save_and_queue(problem, posting_kind)
        _photos_store(problem, prepared)
    return problem


# Fields of a problem its author may change while it is pending, with their current value
# kept when a field is not given.
KEEP: Any = object()


def _locked_pending(actor: User, problem: Problem, permission: str) -> Problem:
    """The problem's row locked, the permission asked again on it: a moderator's decision
    that committed since the page was read wins (409), not the edit."""
    enforce(actor, permission, problem)
    locked = Problem.objects.select_for_update().select_related("plan").get(pk=problem.pk)
    enforce(actor, permission, locked)
    return locked


def _editable_state(problem: Problem) -> dict:
    """What an author may change while a problem waits, as the activity log records it."""
    point = (problem.latitude, problem.longitude)
    return {
        "title": problem.title,
        "body": problem.body,
        "axis": problem.axis_id,
        "district": problem.district_id,
        "latitude": str(point[0]) if point[0] is not None else None,
        "longitude": str(point[1]) if point[1] is not None else None,
    }


def problem_edit(
    *,
    actor: User,
    problem: Problem,
    title: str = KEEP,
    body: str = KEEP,
    axis: Axis | None = KEEP,
    district: District | None = KEEP,
    latitude: Decimal | None = KEEP,
    longitude: Decimal | None = KEEP,
) -> Problem:
    """The author changes their problem while it is pending review (403 for anyone else,
    409 once a moderator has decided). The text is checked as at submission; the new
    version goes back to the moderation queue (its open entries, even a claimed one, are
    closed and opened afresh with new hints, an appeal staying an appeal), and the change
    is recorded with the text before and after."""
    enforce(actor, "participation.edit_problem", problem)
    given: dict[str, Any] = {
        name: value
        for name, value in (
            ("title", title),
            ("body", body),
            ("axis", axis),
            ("district", district),
            ("latitude", latitude),
            ("longitude", longitude),
        )
        if value is not KEEP
    }
    if "title" in given:
        given["title"] = _title(given["title"])
    if "body" in given:
        given["body"] = _body(given["body"])
    with transaction.atomic():
        locked = _locked_pending(actor, problem, "participation.edit_problem")
        before = _editable_state(locked)
        for name, value in given.items():
            setattr(locked, name, value)
        _same_city(locked.plan, locked.axis, locked.district)
        if "latitude" in given or "longitude" in given or "district" in given:
            locked.district = check_point(
                locked.plan.city, locked.latitude, locked.longitude, locked.district
            )
        for name, value in problem_keys(locked.title, html_to_text(locked.body)).items():
            setattr(locked, name, value)
        locked.save(
            update_fields=[
                "title",
                "body",
                "axis",
                "district",
                "latitude",
                "longitude",
                "title_key",
                "search_text",
                "stem_key",
            ]
        )
        after = _editable_state(locked)
        activity_record(
            actor=actor,
            action="problem.edit",
            obj=locked,
            city_id=locked.plan.city_id,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
        content_edited(content=locked, actor=actor)
    return locked


def problem_withdraw(*, actor: User, problem: Problem) -> Problem:
    """The author takes back their problem while it is pending review (403 for anyone
    else, 409 once decided): it becomes «withdrawn» — kept with its history for the audit,
    seen by its author only — and leaves every moderation queue."""
    enforce(actor, "participation.withdraw_problem", problem)
    with transaction.atomic():
        locked = _locked_pending(actor, problem, "participation.withdraw_problem")
        content_withdraw(content=locked, actor=actor)
        activity_record(
            actor=actor,
            action="problem.withdraw",
            obj=locked,
            city_id=locked.plan.city_id,
            before={"state": ModerationState.PENDING},
            after={"state": locked.moderation_state},
        )
    return locked


def _photos_prepare(uploads: Sequence[Any]) -> list[ProcessedPhoto]:
    """Every upload checked and re-encoded (participation/photos.py), or the first refusal."""
    limit = settings.PHOTO_MAX_PER_PROBLEM
    if len(uploads) > limit:
        raise DomainError(
            f"هر مسئله حداکثر {to_persian_digits(limit)} عکس دارد.", code="too_many_photos"
        )
    prepared: list[ProcessedPhoto] = []
    for position, upload in enumerate(uploads):
        photo = photo_process(upload, position=position)
        if any(p.content_hash == photo.content_hash for p in prepared):
            raise DomainError(
                f"عکس «{photo.shown_name}» دو بار فرستاده شده است.", code="photo_duplicate"
            )
        prepared.append(photo)
    return prepared


def _photos_delete_files(names: Sequence[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # a file left behind is logged, never a failed request
            logger.warning("could not delete photo file %s", name, exc_info=True)


def _photos_store(problem: Problem, prepared: Sequence[ProcessedPhoto]) -> list[ProblemPhoto]:
    """Write the files under random names and their rows (the caller's transaction); the
    files written are deleted again if anything fails on the way."""
    written: list[str] = []
    rows = []
    try:
        for position, photo in enumerate(prepared):
            stem = f"{PHOTO_FOLDER}/{secrets.token_urlsafe(18)}"
            image = default_storage.save(f"{stem}.{photo.extension}", ContentFile(photo.image))
            written.append(image)
            thumb = default_storage.save(
                f"{stem}-thumb.{photo.extension}", ContentFile(photo.thumbnail)
            )
            written.append(thumb)
            rows.append(
                ProblemPhoto(
                    problem=problem,
                    position=position,
                    image=image,
                    thumbnail=thumb,
                    format=photo.format,
                    width=photo.width,
                    height=photo.height,
                    bytes=len(photo.image),
                    thumbnail_bytes=len(photo.thumbnail),
                    content_hash=photo.content_hash,
                )
            )
        return ProblemPhoto.objects.bulk_create(rows)
    except BaseException:
        _photos_delete_files(written)
        raise


def problem_photo_remove(*, actor: User, photo: ProblemPhoto) -> None:
    """Remove a photo: its author while the problem is pending, or a moderator of the
    problem's city at any time. The files go once the transaction commits."""
    problem = photo.problem
    enforce(actor, "participation.remove_photo", problem)
    with transaction.atomic():
        removed, _ = ProblemPhoto.objects.filter(pk=photo.pk).delete()
        if not removed:
            raise Missing("عکسی با این شناسه نیست.")
        activity_record(
            actor=actor,
            action="problem.photo_remove",
            obj=problem,
            city_id=problem.plan.city_id,
            before={"photo": photo.pk, "position": photo.position},
        )
    names = [photo.image, photo.thumbnail]
    transaction.on_commit(lambda: _photos_delete_files(names))


def problem_support(*, user: User, problem: Problem) -> bool:
    """«I have this problem too». Idempotent: returns whether a new support was added; the
    counter moves in the same transaction, so it stays exact under concurrent requests."""
    enforce(user, "participation.support", problem)
    try:
        with transaction.atomic():
            Support.objects.create(problem=problem, user=user)
            Problem.objects.filter(pk=problem.pk).update(supports_count=F("supports_count") + 1)
    except IntegrityError:
        return False
    return True


def problem_unsupport(*, user: User, problem: Problem) -> bool:
    """Withdraw a support; returns whether one was removed (idempotent)."""
    with transaction.atomic():
        removed, _ = Support.objects.filter(problem=problem, user=user).delete()
        if removed:
            Problem.objects.filter(pk=problem.pk).update(supports_count=F("supports_count") - 1)
    return bool(removed)


# Comments ----------------------------------------------------------------------------


def comment_post(
    *,
    author: User,
    body: str,
    stance: str = Comment.Stance.NEUTRAL,
    plan_item: PlanItem | None = None,
    problem: Problem | None = None,
    proposal: Proposal | None = None,
    parent: Comment | None = None,
) -> Comment:
    """Comment on exactly one target. A plan item takes comments only while open and inside
    its window; problems and proposals only once published. Replies go one level deep.
    The expert badge is taken from the author's verified expertise now."""
    targets = [t for t in (plan_item, problem, proposal) if t is not None]
    if len(targets) != 1:
        raise DomainError(
            "نظر باید دقیقاً برای یکی از این‌ها باشد: بند برنامه، مسئله یا پیشنهاد.",
            code="one_target",
        )
    if stance not in Comment.Stance.values:
        raise DomainError("موضع نامعتبر است.", code="invalid_stance")
    target = targets[0]
    enforce(author, "participation.comment", target)
    if parent is not None:
        same_target = (
            parent.plan_item_id == getattr(plan_item, "pk", None)
            and parent.problem_id == getattr(problem, "pk", None)
            and parent.proposal_id == getattr(proposal, "pk", None)
        )
        if not same_target:
            raise DomainError("پاسخ باید زیر همان موضوع باشد.", code="reply_other_target")
        enforce(author, "participation.reply", parent)
    plan = target.plan
    comment = Comment(
        plan=plan,
        author=author,
        plan_item=plan_item,
        problem=problem,
        proposal=proposal,
        parent=parent,
        body=_body(body, limit=5000),
        stance=stance,
        is_expert=author.is_expert,
        moderation_state=_initial_state(plan, author),
    )
    return _save_and_queue(comment, "comment")


# Proposals and endorsements ------------------------------------------------------------


def proposal_submit(
    *,
    author: User,
    plan: Plan,
    title: str,
    body: str,
    problem: Problem | None = None,
    plan_item: PlanItem | None = None,
    organisation: Organisation | None = None,
) -> Proposal:
    """A proposal on a problem and/or a plan item of the same plan, optionally on behalf of
    the author's verified organisation."""
    enforce(author, "participation.propose", plan)
    if organisation is not None:
        enforce(author, "participation.propose_for_organisation", organisation)
    title = _title(title)
    body = _body(body)
    if problem is not None:
        if problem.plan_id != plan.pk:
            raise DomainError("این مسئله از برنامه‌ی دیگری است.", code="problem_other_plan")
        if problem.moderation_state != ModerationState.PUBLISHED:
            raise Conflict("فقط برای مسئله‌ی منتشرشده پیشنهاد می‌توان داد.", code="not_published")
    if plan_item is not None and plan_item.plan_id != plan.pk:
        raise DomainError("این بند از برنامه‌ی دیگری است.", code="item_other_plan")
    proposal = Proposal(
        plan=plan,
        author=author,
        organisation=organisation,
        title=title,
        body=body,
        problem=problem,
        plan_item=plan_item,
        moderation_state=_initial_state(plan, author),
    )
    return _save_and_queue(proposal, "proposal")


def proposal_endorse(
    *, user: User, proposal: Proposal, organisation: Organisation, statement: str
) -> Endorsement:
    """A member of a verified organisation endorses a published proposal for it, with a
    public statement. One endorsement per organisation (409 for a second)."""
    enforce(user, "participation.endorse", organisation)
    if proposal.moderation_state != ModerationState.PUBLISHED:
        raise Conflict("فقط از پیشنهاد منتشرشده می‌توان حمایت کرد.", code="not_published")
    if proposal.organisation_id == organisation.pk:
        raise DomainError("سازمان از پیشنهاد خودش حمایت نمی‌کند.", code="own_proposal")
    statement = plain_text(statement)
    if not statement:
        raise DomainError("بیانیه‌ی حمایت را بنویسید.", code="statement_required")
    if len(statement) > STATEMENT_MAX:
        raise DomainError(f"بیانیه حداکثر {STATEMENT_MAX} نویسه است.", code="statement_too_long")
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(
                proposal=proposal, organisation=organisation, endorsed_by=user, statement=statement
            )
            Proposal.objects.filter(pk=proposal.pk).update(
                endorsements_count=F("endorsements_count") + 1
            )
    except IntegrityError as error:
        raise Conflict(
            "این سازمان پیش‌تر از این پیشنهاد حمایت کرده است.", code="already_endorsed"
        ) from error
    return endorsement


def proposal_unendorse(*, user: User, proposal: Proposal, organisation: Organisation) -> None:
    """A member withdraws their organisation's endorsement (404 when there is none)."""
    enforce(user, "participation.withdraw_endorsement", organisation)
    with transaction.atomic():
        removed, _ = Endorsement.objects.filter(
            proposal=proposal, organisation=organisation
        ).delete()
        if not removed:
            raise Missing("این سازمان از این پیشنهاد حمایت نکرده است.")
        Proposal.objects.filter(pk=proposal.pk).update(
            endorsements_count=F("endorsements_count") - 1
        )


# The synonym lexicon ---------------------------------------------------------------------

LEXICON_TERM_MAX = 60
LEXICON_TERMS_MAX = 20


def synonym_terms_clean(terms: str) -> str:
    cleaned: list[str] = []
    for term in (plain_text(t) for t in SynonymGroup(terms=terms or "").term_list()):
        if len(term) > LEXICON_TERM_MAX:
            raise DomainError(
                f"هر واژه حداکثر {to_persian_digits(LEXICON_TERM_MAX)} نویسه است: «{term[:20]}…».",
                code="lexicon_term_too_long",
            )
        if not normalise(term):
            continue
        if normalise(term) not in {normalise(t) for t in cleaned}:
            cleaned.append(term)
    if len(cleaned) < 2:
        raise DomainError(
            "یک گروه دست‌کم دو واژه‌ی متفاوت می‌خواهد، هر کدام در یک خط.", code="lexicon_too_few"
        )
    if len(cleaned) > LEXICON_TERMS_MAX:
        raise DomainError(
            f"یک گروه حداکثر {to_persian_digits(LEXICON_TERMS_MAX)} واژه دارد.",
            code="lexicon_too_many",
        )
    return "\n".join(cleaned)


def _lexicon_moved() -> None:
    # Now, so this request's next lookup sees it, and at commit, so a worker that read the
    # old groups in between reads them again.
    lexicon_changed()
    transaction.on_commit(lexicon_changed)


def synonym_group_save(
    *,
    actor: User,
    city: City | None,
    terms: str,
    active: bool = True,
    group: SynonymGroup | None = None,
) -> SynonymGroup:
    """Create or change a group of synonyms for `city` (None: every city). The suggestions
    of every worker use it from their next lookup."""
    authorise(actor, "participation.edit_lexicon", city if city is not None else group)
    if group is not None:
        authorise(actor, "participation.edit_lexicon", group)
    cleaned = synonym_terms_clean(terms)
    with transaction.atomic():
        before = None
        if group is None:
            group = SynonymGroup(city=city)
        else:
            before = {"terms": group.terms, "active": group.active, "city": group.city_id}
            group.city = city
        group.terms, group.active = cleaned, active
        group.save()
        activity_record(
            actor=actor,
            action="lexicon.save",
            obj=group,
            city_id=group.city_id,
            before=before,
            after={"terms": group.terms, "active": group.active, "city": group.city_id},
        )
        _lexicon_moved()
    return group


def synonym_group_delete(*, actor: User, group: SynonymGroup) -> None:
    authorise(actor, "participation.edit_lexicon", group)
    with transaction.atomic():
        activity_record(
            actor=actor,
            action="lexicon.delete",
            obj=group,
            city_id=group.city_id,
            before={"terms": group.terms, "active": group.active},
        )
        group.delete()
        _lexicon_moved()


# Following -----------------------------------------------------------------------------

FollowTarget = Problem | PlanItem | Plan


def _follow_field(target: FollowTarget) -> str:
    if isinstance(target, Problem):
        return "problem"
    if isinstance(target, PlanItem):
        return "plan_item"
    if isinstance(target, Plan):
        return "plan"
    raise DomainError("این را نمی‌توان دنبال کرد.", code="invalid_target")


def follow(*, user: User, target: FollowTarget) -> bool:
    """Follow a problem, a plan item or a plan: a signed-in person who may see it (a
    pending problem only its author, else 404). Idempotent: returns whether a new follow
    was stored."""
    field = _follow_field(target)
    enforce(user, "participation.follow", target)
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, **{field: target})
    except IntegrityError:
        return False
    return True


def unfollow(*, user: User, target: FollowTarget) -> bool:
    """Stop following; returns whether a follow was removed (idempotent)."""
    field = _follow_field(target)
    enforce(user, "participation.follow", target)
    removed, _ = Follow.objects.filter(user=user, **{field: target}).delete()
    return bool(removed)


def followers_notify(
    *,
    kind: str,
    payload: dict,
    problems: Sequence[int] | QuerySet = (),
    plan_items: Sequence[int] = (),
    plans: Sequence[int] = (),
    exclude: Sequence[int | None] = (),
) -> list[Notification]:
    """One `kind` notification to every active person following any of these problems,
    plan items or plans (ids), except `exclude` (the actor, people told otherwise): one
    per person however many of the targets they follow. Two queries (the followers, the
    bulk insert) whatever their number; call it inside the write's transaction."""
    users = follower_ids(problems=problems, plan_items=plan_items, plans=plans, exclude=exclude)
    if not users:
        return []
    return notification_send(user_ids=users, kind=kind, payload=payload)


def _brief(obj: Any) -> dict[str, Any]:
    return {"id": obj.pk, "code": getattr(obj, "code", ""), "title": obj.title}


def problem_published_notify(*, problem: Problem, actor: Any) -> list[Notification]:
    """A followed problem was published (approved, restored): its followers hear it; the
    author is told by the moderation decision itself, the moderator acted."""
    return followers_notify(
        kind="follow.published",
        payload={"problem": problem.pk, "summary": problem.title[:120]},
        problems=[problem.pk],
        exclude=[problem.author_id, getattr(actor, "pk", None)],
    )


def problem_triaged_notify(
    *, problem: Problem, actor: Any, action: str, entry: Any = None
) -> list[Notification]:
    """A planner accepted, merged or found a followed problem out of scope: its followers
    hear it (the author has `triage.outcome`)."""
    return followers_notify(
        kind="follow.triage",
        payload={
            "action": action,
            "problem": problem.pk,
            "summary": problem.title[:120],
            "entry": _brief(entry) if entry is not None else None,
        },
        problems=[problem.pk],
        exclude=[problem.author_id, getattr(actor, "pk", None)],
    )


def problems_addressed_notify(
    *, items: Sequence[PlanItem], entries: Sequence[Any], actor: Any
) -> list[Notification]:
    """Plan items now address inventory entries: the followers of the entries' published
    problems, of the items and of their plan hear it once each."""
    if not items or not entries:
        return []
    problem_ids = Problem.objects.filter(
        inventory_entry__in=[entry.pk for entry in entries],
        moderation_state=ModerationState.PUBLISHED,
    ).values("pk")
    return followers_notify(
        kind="follow.addressed",
        payload={
            "plan_items": [_brief(item) for item in items],
            "entries": [_brief(entry) for entry in entries],
        },
        problems=problem_ids,
        plan_items=[item.pk for item in items],
        plans=sorted({item.plan_id for item in items}),
        exclude=[getattr(actor, "pk", None)],
    )


def plan_item_opened_notify(item: PlanItem, actor: Any) -> list[Notification]:
    """A plan item was opened for comment (planning.changes): the followers of the item and
    of its plan hear it, with the window's end when one is set."""
    closes = item.comment_closes_at
    return followers_notify(
        kind="follow.item_opened",
        payload={
            "plan_item": _brief(item),
            "plan": item.plan_id,
            "closes_at": closes.isoformat() if closes else None,
        },
        plan_items=[item.pk],
        plans=[item.plan_id],
        exclude=[getattr(actor, "pk", None)],
    )
