"""Who may take part: submit problems, support them, comment and reply, propose and endorse.

Each permission is a django-rules predicate registered with `backend.authz.permission`.
Services call `enforce()`, which answers like `authorise()` but, when the answer is no,
names the first condition that failed (a closed plan item is a 409 «نظرخواهی برای این بند
باز نیست», not a bare «اجازه ندارید»); pages, templates and the API ask the same names.
Whether the user may *see* the object is not decided here: lookups are filtered by
`moderation.selectors.visible_to`, so hidden content is a 404 before any rule is asked.
"""

from collections.abc import Callable
from typing import Any

import rules

from accounts.models import Organisation, StaffRole
from accounts.rules import city_roles, is_city_moderator, is_city_planner, is_organisation_member
from backend.authz import allowed, authorise, permission
from backend.errors import Conflict, DomainError, Missing, Refused
from cities.models import City
from moderation.models import ModerationState
from planning.models import Plan, PlanItem

# Phases in which a plan asks its city for problems.
PROBLEM_PHASES = (Plan.Phase.PROBLEM_FINDING, Plan.Phase.CONSULTATION)

Reason = Callable[[Any, Any], DomainError | None]
_REASONS: dict[str, tuple[Reason, ...]] = {}


def _register(name: str, predicate: Any, *reasons: Reason, message: str, code: str) -> None:
    permission(name, predicate, message=message, code=code)
    _REASONS[name] = reasons


def enforce(user: Any, name: str, obj: Any = None) -> None:
    """Raise unless `user` may `name` on `obj`: the first failing condition's own error,
    else the permission's refusal (403)."""
    if allowed(user, name, obj):
        return
    for reason in _REASONS.get(name, ()):
        error = reason(user, obj)
        if error is not None:
            raise error
    authorise(user, name, obj)


# Facts about the object (no user involved) ------------------------------------------------


def accepts_problems(plan: Plan | None) -> bool:
    return plan is not None and plan.phase in PROBLEM_PHASES


def published(content: Any) -> bool:
    return content is not None and content.moderation_state == ModerationState.PUBLISHED


def accepts_comments(target: Any) -> bool:
    """A plan item while open and inside its window; a problem or proposal once published."""
    if target is None:
        return False
    if isinstance(target, PlanItem):
        return target.is_open_for_comment()
    return published(target)


def verified(organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.status == Organisation.Status.VERIFIED


# Predicates --------------------------------------------------------------------------------


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


@rules.predicate
def is_author(user: Any, content: Any) -> bool:
    return (
        content is not None
        and getattr(user, "is_authenticated", False)
        and content.author_id == user.pk
    )


@rules.predicate
def plan_accepts_problems(user: Any, plan: Plan | None) -> bool:
    return accepts_problems(plan)


@rules.predicate
def is_published(user: Any, content: Any) -> bool:
    return published(content)


@rules.predicate
def target_accepts_comments(user: Any, target: Any) -> bool:
    return accepts_comments(target)


@rules.predicate
def is_top_level(user: Any, comment: Any) -> bool:
    return comment is not None and comment.parent_id is None


@rules.predicate
def parent_target_accepts_comments(user: Any, comment: Any) -> bool:
    return comment is not None and accepts_comments(comment.target)


@rules.predicate
def is_verified_organisation(user: Any, organisation: Organisation | None) -> bool:
    return verified(organisation)


may_act_for_organisation = is_organisation_member & is_verified_organisation


@rules.predicate
def is_pending(user: Any, content: Any) -> bool:
    return content is not None and content.moderation_state == ModerationState.PENDING


@rules.predicate
def moderates_its_city(user: Any, content: Any) -> bool:
    """The user moderates the city of the content's plan."""
    return content is not None and is_city_moderator(user, content.plan.city_id)


# Reasons: the specific answer when a condition fails ------------------------------------


def _signed_in(user: Any, obj: Any) -> DomainError | None:
    return None if is_signed_in(user) else Refused("برای این کار وارد شوید.", code="sign_in")


def _plan_open_for_problems(user: Any, plan: Any) -> DomainError | None:
    if accepts_problems(plan):
        return None
    return Conflict("این برنامه اکنون مسئله نمی‌پذیرد.", code="not_accepting_problems")


def _not_own_problem(user: Any, problem: Any) -> DomainError | None:
    if is_author(user, problem):
        return DomainError("این مسئله را خودتان ثبت کرده‌اید.", code="own_problem")
    return None


def _problem_published(user: Any, problem: Any) -> DomainError | None:
    if published(problem):
        return None
    return Conflict("فقط از مسئله‌ی منتشرشده می‌توان پشتیبانی کرد.", code="not_published")


def _target_open(target: Any) -> DomainError | None:
    if accepts_comments(target):
        return None
    if isinstance(target, PlanItem):
        return Conflict("نظرخواهی برای این بند باز نیست.", code="comments_closed")
    return Conflict("فقط برای نوشته‌ی منتشرشده می‌توان نظر داد.", code="not_published")


def _comment_target_open(user: Any, target: Any) -> DomainError | None:
    return _target_open(target)


def _reply_top_level(user: Any, parent: Any) -> DomainError | None:
    if is_top_level(user, parent):
        return None
    return DomainError("به پاسخ نمی‌توان پاسخ داد.", code="reply_too_deep")


def _parent_published(user: Any, parent: Any) -> DomainError | None:
    if published(parent):
        return None
    return Conflict("به نظر منتشرنشده نمی‌توان پاسخ داد.", code="not_published")


def _parent_target_open(user: Any, parent: Any) -> DomainError | None:
    return _target_open(parent.target) if parent is not None else None


def _member(user: Any, organisation: Any) -> DomainError | None:
    if is_organisation_member(user, organisation):
        return None
    return Refused("شما عضو این سازمان نیستید.", code="not_member")


def _verified(user: Any, organisation: Any) -> DomainError | None:
    if verified(organisation):
        return None
    return Refused("این سازمان هنوز تأیید نشده یا تعلیق است.", code="organisation_unverified")


def _own_problem(user: Any, problem: Any) -> DomainError | None:
    if is_author(user, problem):
        return None
    return Refused("فقط نویسنده‌ی مسئله می‌تواند آن را تغییر دهد یا پس بگیرد.", code="not_author")


def _still_pending(user: Any, problem: Any) -> DomainError | None:
    if is_pending(user, problem):
        return None
    return Conflict(
        "مسئله را فقط تا پیش از بررسی ناظران می‌توانید ویرایش کنید یا پس بگیرید.",
        code="not_pending",
    )


def _photo_still_pending(user: Any, problem: Any) -> DomainError | None:
    if is_author(user, problem) and not is_pending(user, problem):
        return Conflict("عکس را فقط تا پیش از بررسی ناظران می‌توانید بردارید.", code="photo_locked")
    return None


# Permissions -----------------------------------------------------------------------------

_register(
    "participation.submit_problem",
    is_signed_in & plan_accepts_problems,
    _signed_in,
    _plan_open_for_problems,
    message="برای ثبت مسئله وارد شوید؛ این برنامه باید در مرحله‌ی پذیرش مسئله باشد.",
    code="cannot_submit_problem",
)
_register(
    "participation.propose",
    is_signed_in,
    _signed_in,
    message="برای ثبت پیشنهاد وارد شوید.",
    code="cannot_propose",
)
_register(
    "participation.propose_for_organisation",
    is_signed_in & may_act_for_organisation,
    _signed_in,
    _member,
    _verified,
    message="فقط عضو یک سازمان تأییدشده می‌تواند از طرف آن پیشنهاد بدهد.",
    code="cannot_propose_for_organisation",
)
_register(
    "participation.support",
    is_signed_in & ~is_author & is_published,
    _signed_in,
    _not_own_problem,
    _problem_published,
    message="از این مسئله نمی‌توانید پشتیبانی کنید.",
    code="cannot_support",
)
_register(
    "participation.comment",
    is_signed_in & target_accepts_comments,
    _signed_in,
    _comment_target_open,
    message="برای این نوشته اکنون نمی‌توانید نظر بدهید.",
    code="cannot_comment",
)
_register(
    "participation.reply",
    is_signed_in & is_top_level & is_published & parent_target_accepts_comments,
    _signed_in,
    _reply_top_level,
    _parent_published,
    _parent_target_open,
    message="به این نظر نمی‌توانید پاسخ بدهید.",
    code="cannot_reply",
)
_register(
    "participation.endorse",
    is_signed_in & may_act_for_organisation,
    _signed_in,
    _member,
    _verified,
    message="فقط عضو یک سازمان تأییدشده می‌تواند از طرف آن حمایت کند.",
    code="cannot_endorse",
)
_register(
    "participation.withdraw_endorsement",
    is_signed_in & is_organisation_member,
    _signed_in,
    _member,
    message="شما عضو این سازمان نیستید.",
    code="not_member",
)
_register(
    "participation.view_triage_reason",
    is_author,
    message="دلیل بررسی را فقط نویسنده‌ی مسئله می‌بیند.",
    code="not_author",
)
# Photos are moderated with their problem (obj: the Problem). Its author and the city's
# moderators see them in every state (a moderator judges them in the queue); everyone else
# only once the problem is published, so a rejected or hidden problem's photos are a 404.
_register(
    "participation.view_photos",
    is_published | is_author | moderates_its_city,
    message="عکسی با این شناسه نیست.",
    code="not_found",
)
_register(
    "participation.remove_photo",
    (is_author & is_pending) | moderates_its_city,
    _photo_still_pending,
    message="این عکس را نمی‌توانید بردارید.",
    code="cannot_remove_photo",
)


# The author's own problem while it waits for the moderators (obj: the Problem): an edit
# sends the new text back to the queue; a withdrawal takes it out of every queue.
for _name, _message, _code in (
    ("participation.edit_problem", "این مسئله را نمی‌توانید ویرایش کنید.", "cannot_edit"),
    ("participation.withdraw_problem", "این مسئله را نمی‌توانید پس بگیرید.", "cannot_withdraw"),
):
    _register(
        _name,
        is_signed_in & is_author & is_pending,
        _signed_in,
        _own_problem,
        _still_pending,
        message=_message,
        code=_code,
    )


# The synonym lexicon (obj: a SynonymGroup, a City, or None for "any city"): the planners
# of the group's city; groups for every city only superusers.
@rules.predicate
def _edits_lexicon(user: Any, obj: Any) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if obj is None:
        return any(role == StaffRole.Role.PLANNER for _city, role in city_roles(user))
    city_id = obj.pk if isinstance(obj, City) else getattr(obj, "city_id", None)
    return city_id is not None and is_city_planner.test(user, city_id)


permission(
    "participation.edit_lexicon",
    _edits_lexicon,
    message="واژه‌نامه‌ی هم‌معنی‌های این شهر را فقط برنامه‌ریزان همین شهر ویرایش می‌کنند.",
    code="lexicon_planners_only",
)


# Following (obj: a Problem, a PlanItem or a Plan). Plans and their items are public; a
# problem is followed by those who may see it: anyone once published, its author in every
# state (a pending problem only by its author).
@rules.predicate
def follow_target_visible(user: Any, target: Any) -> bool:
    if isinstance(target, (Plan, PlanItem)):
        return True
    return target is not None and (published(target) or is_author.test(user, target))


def _follow_target_missing(user: Any, target: Any) -> DomainError | None:
    if follow_target_visible.test(user, target):
        return None
    return Missing("این مسئله پیدا نشد.")


_register(
    "participation.follow",
    is_signed_in & follow_target_visible,
    _signed_in,
    _follow_target_missing,
    message="برای دنبال کردن وارد شوید.",
    code="cannot_follow",
)
