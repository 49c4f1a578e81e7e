"""Loads the demo plans and citizen input (content_plan) through the participation and
moderation services, as real users would have written them.

Idempotent: accounts are ensured on every run; a plan's content is loaded only while the
plan has no items yet, so a second `make run` adds nothing.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership, Organisation, User
from cities.models import City, District
from demo import content, content_plan
from moderation.models import QueueEntry
from moderation.services import decision_apply
from participation.models import Comment, Problem, Proposal
from participation.services import (
    comment_post,
    problem_submit,
    problem_support,
    proposal_endorse,
    proposal_submit,
)
from planning.models import Axis, Committee, Plan, PlanItem

PUBLISHED = "published"


def _approve(content) -> None:
    """Publish through a moderator's decision, as on a live site: the queue entry closes and
    the transparency figures have something to show."""
    kind = type(content)._meta.model_name
    entry = QueueEntry.objects.get(**{kind: content}, closed_at__isnull=True)
    moderators = list(
        User.objects.filter(username__in=["moderator", "moderator2"]).order_by("username")
    )
    moderator = next(m for m in moderators if m.pk != content.author_id)
    decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
    content.moderation_state = PUBLISHED


KIND_BY_DEPTH = {
    1: PlanItem.Kind.GOAL,
    2: PlanItem.Kind.STRATEGY,
    3: PlanItem.Kind.POLICY,
    4: PlanItem.Kind.PROJECT,
}
# Rough centre of each Arak district, for problem pins on a map.
DISTRICT_CENTRES = {
    1: (34.0917, 49.6892),
    2: (34.1105, 49.6950),
    3: (34.0650, 49.7010),
    4: (34.0890, 49.6560),
}


# Accounts ------------------------------------------------------------------------------


def load_second_ngo(city: City, users: dict[str, User]) -> Organisation:
    """A second verified NGO with its own admin `ngo2` (password "demo")."""
    username, phone, name, public = content_plan.NGO2_ADMIN
    admin = User.objects.filter(username=username).first()
    if admin is None:
        admin = User(username=username, phone=phone, display_name=name)
        admin.show_name_publicly = public
        admin.set_password(content.DEMO_PASSWORD)
        admin.save()
    elif not admin.check_password(content.DEMO_PASSWORD):
        admin.set_password(content.DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    users[username] = admin

    spec = content_plan.NGO2
    organisation, _ = Organisation.objects.get_or_create(
        registration_number=spec["registration_number"],
        defaults={"name": spec["name"], "city": city, "description": spec["description"]},
    )
    if organisation.status != Organisation.Status.VERIFIED:
        organisation.status = Organisation.Status.VERIFIED
        organisation.status_changed_by = users["cityadmin"]
        organisation.status_changed_at = timezone.now()
        organisation.created_by = admin
        organisation.save()
    Membership.objects.get_or_create(
        user=admin, organisation=organisation, defaults={"role": Membership.Role.ADMIN}
    )
    return organisation


def load_residents() -> dict[str, User]:
    """Plain citizens without a password (they would sign in by SMS code)."""
    existing = {
        u.username: u
        for u in User.objects.filter(username__in=[r[0] for r in content_plan.RESIDENTS])
    }
    # A number someone already signed up with is left off rather than failing the load.
    taken = set(
        User.objects.filter(phone__in=[r[1] for r in content_plan.RESIDENTS]).values_list(
            "phone", flat=True
        )
    )
    residents = {}
    for username, phone, name, public in content_plan.RESIDENTS:
        user = existing.get(username)
        if user is None:
            user = User(username=username, phone=None if phone in taken else phone)
            user.display_name = name
            user.show_name_publicly = public
            user.set_unusable_password()  # no hashing: keeps the load fast
            user.save()
        residents[username] = user
    return residents


# Plans ---------------------------------------------------------------------------------


def _window(status: str, now) -> tuple:
    """The comment window that goes with an item's status."""
    if status == PlanItem.Status.OPEN:
        return now - timedelta(days=10), now + timedelta(days=30)
    if status == PlanItem.Status.CLOSED:
        return now - timedelta(days=50), now - timedelta(days=5)
    if status == PlanItem.Status.ADOPTED:
        return now - timedelta(days=120), now - timedelta(days=60)
    return None, None


def load_items(plan: Plan, spec: list[tuple]) -> dict[str, PlanItem]:
    """Create the plan's tree, parents first (the spec lists them in that order)."""
    axes = list(Axis.objects.filter(city=plan.city).order_by("position", "id"))
    committees = list(Committee.objects.filter(city=plan.city).order_by("position", "id"))
    now = timezone.now()
    items: dict[str, PlanItem] = {}
    for code, axis_indexes, committee_index, status, title, body in spec:
        opens, closes = _window(status, now)
        parent_code = code.rpartition(".")[0]
        item = PlanItem(
            plan=plan,
            parent=items[parent_code] if parent_code else None,
            kind=KIND_BY_DEPTH[code.count(".") + 1],
            code=code,
            title=title,
            body=body,
            committee=committees[committee_index],
            status=status,
            comment_opens_at=opens,
            comment_closes_at=closes,
        )
        item.full_clean()  # checks the tree's shape and sets sort_key
        item.save()
        item.axes.set([axes[i] for i in axis_indexes])
        items[code] = item
    return items


def _plan(city: City, spec: dict) -> tuple[Plan, bool]:
    return Plan.objects.get_or_create(
        city=city,
        title=spec["title"],
        defaults={
            "start_year": spec["start_year"],
            "end_year": spec["end_year"],
            "phase": spec["phase"],
            "summary": spec["summary"],
        },
    )


# Citizen input -------------------------------------------------------------------------


def _point(district_number: int | None, index: int) -> tuple:
    """A pin near the district's centre, spread deterministically."""
    if district_number is None:
        return None, None
    lat, lon = DISTRICT_CENTRES[district_number]
    dlat = ((index * 37) % 21 - 10) * 0.0007
    dlon = ((index * 53) % 19 - 9) * 0.0008
    return Decimal(f"{lat + dlat:.5f}"), Decimal(f"{lon + dlon:.5f}")


def load_problems(plan: Plan, people: dict[str, User], created: Counter) -> dict[str, Problem]:
    axes = list(Axis.objects.filter(city=plan.city).order_by("position", "id"))
    districts = {d.number: d for d in District.objects.filter(city=plan.city)}
    now = timezone.now()
    problems = {}
    total = len(content_plan.PROBLEMS)
    for index, row in enumerate(content_plan.PROBLEMS):
        key, author, axis_index, district_number, _, published, title, body = row
        latitude, longitude = _point(district_number, index)
        problem = problem_submit(
            author=people[author],
            plan=plan,
            title=title,
            body=body,
            axis=axes[axis_index],
            district=districts[district_number] if district_number else None,
            latitude=latitude,
            longitude=longitude,
        )
        if published:
            _approve(problem)
        # Spread the posting dates over the last five weeks (oldest first), so lists and
        # "newest" sorting look lived-in; publication follows a few hours later.
        posted = now - timedelta(hours=18 * (total - index) + 30)
        Problem.objects.filter(pk=problem.pk).update(
            created_at=posted,
            moderation_changed_at=posted + timedelta(hours=3) if published else None,
        )
        problems[key] = problem
        created["problems"] += 1
    return problems


def load_supports(problems: dict[str, Problem], supporters: list[User], created: Counter) -> None:
    """Each published problem gets its listed number of supports from a rotating pool."""
    for index, row in enumerate(content_plan.PROBLEMS):
        key, _, _, _, wanted, published, _, _ = row
        if not published or not wanted:
            continue
        problem = problems[key]
        start = (index * 7) % len(supporters)
        rotation = supporters[start:] + supporters[:start]
        candidates = [u for u in rotation if u.pk != problem.author_id]
        for user in candidates[:wanted]:
            if problem_support(user=user, problem=problem):
                created["supports"] += 1


def load_proposals(
    plan: Plan,
    items: dict[str, PlanItem],
    problems: dict[str, Problem],
    people: dict[str, User],
    organisations: dict[int, Organisation],
    created: Counter,
) -> dict[str, Proposal]:
    now = timezone.now()
    proposals = {}
    total = len(content_plan.PROPOSALS)
    for index, row in enumerate(content_plan.PROPOSALS):
        key, author, organisation, problem_key, item_code, title, body = row
        proposal = proposal_submit(
            author=people[author],
            plan=plan,
            title=title,
            body=body,
            problem=problems[problem_key] if problem_key else None,
            plan_item=items[item_code] if item_code else None,
            organisation=organisations[organisation] if organisation else None,
        )
        _approve(proposal)
        # Within the last day: after every problem they answer, before the comments.
        posted = now - timedelta(hours=3 * (total - index))
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=posted, moderation_changed_at=posted + timedelta(hours=1)
        )
        proposals[key] = proposal
        created["proposals"] += 1
    admins = {1: people["ngo"], 2: people["ngo2"]}
    for key, organisation, statement in content_plan.ENDORSEMENTS:
        proposal_endorse(
            user=admins[organisation],
            proposal=proposals[key],
            organisation=organisations[organisation],
            statement=statement,
        )
        created["endorsements"] += 1
    return proposals


def load_comments(
    items: dict[str, PlanItem],
    problems: dict[str, Problem],
    proposals: dict[str, Proposal],
    people: dict[str, User],
    created: Counter,
) -> None:
    targets = {"item": ("plan_item", items), "problem": ("problem", problems)}
    targets["proposal"] = ("proposal", proposals)
    comments: dict[str, Comment] = {}
    for key, author, (kind, target_key), stance, reply_to, published, body in content_plan.COMMENTS:
        field, objects = targets[kind]
        comment = comment_post(
            author=people[author],
            body=body,
            stance=stance,
            parent=comments[reply_to] if reply_to else None,
            **{field: objects[target_key]},
        )
        if published:
            _approve(comment)
        comments[key] = comment
        created["comments"] += 1


# Entry point ---------------------------------------------------------------------------


def load_plan_content(
    *, cities: dict[str, City], users: dict[str, User], organisation: Organisation
) -> dict:
    """Plans, problems, supports, proposals, endorsements and comments.

    Adds `ngo2` to `users`. Returns the plans, the second NGO, the residents and what this
    run created (all zero on a second run)."""
    created: Counter = Counter()
    organisation2 = load_second_ngo(cities["arak"], users)
    residents = load_residents()

    qom_plan, _ = _plan(cities["qom"], content_plan.QOM_PLAN)
    if not qom_plan.items.exists():
        created["plan_items"] += len(load_items(qom_plan, content_plan.QOM_ITEMS))

    arak_plan, _ = _plan(cities["arak"], content_plan.ARAK_PLAN)
    if not arak_plan.items.exists():
        people = {**users, **residents}
        items = load_items(arak_plan, content_plan.ARAK_ITEMS)
        created["plan_items"] += len(items)
        problems = load_problems(arak_plan, people, created)
        supporters = [
            users[name] for name in ("citizen", "citizen2", "citizen3", "expert", "ngo", "ngo2")
        ] + list(residents.values())
        load_supports(problems, supporters, created)
        proposals = load_proposals(
            arak_plan, items, problems, people, {1: organisation, 2: organisation2}, created
        )
        load_comments(items, problems, proposals, people, created)

    return {
        "plans": {"arak": arak_plan, "qom": qom_plan},
        "organisation2": organisation2,
        "residents": residents,
        "created": dict(created),
    }
