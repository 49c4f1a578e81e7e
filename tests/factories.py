import factory
from django.utils import timezone

from accounts.models import Membership, Organisation, StaffRole, User
from backend.persian import normalise
from backend.sanitise import html_to_text
from backend.stems import stem_key
from cities.models import City, District
from participation.keys import problem_keys
from participation.models import Comment, Problem, Proposal
from planning.models import Axis, Committee, Plan, PlanItem


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"city{n}")
    name = factory.Sequence(lambda n: f"شهر {n}")
    province = "مرکزی"


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"محور {n}")
    position = factory.Sequence(lambda n: n)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"کمیته‌ی {n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"منطقه‌ی {n}")
    number = factory.Sequence(lambda n: n + 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    phone = factory.Sequence(lambda n: f"0935{n:07d}")
    display_name = factory.Sequence(lambda n: f"کاربر {n}")
    show_name_publicly = True
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ExpertFactory(UserFactory):
    expertise = "برنامه‌ریزی شهری"
    expertise_verified_at = factory.LazyFunction(timezone.now)


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    city = factory.SubFactory(CityFactory)
    role = StaffRole.Role.MODERATOR


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"سمن شماره {n}")
    registration_number = factory.Sequence(lambda n: f"1400-{n:05d}")
    city = factory.SubFactory(CityFactory)
    status = Organisation.Status.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"برنامه‌ی پنج‌ساله {n}")
    start_year = 1404
    end_year = 1408
    phase = Plan.Phase.CONSULTATION


class PlanItemFactory(factory.django.DjangoModelFactory):
    """A goal by default; pass parent= and kind= for deeper items (code derived)."""

    class Meta:
        model = PlanItem

    plan = factory.SubFactory(PlanFactory)
    kind = PlanItem.Kind.GOAL
    code = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"بند {n}")
    body = "<p>شرح بند</p>"
    status = PlanItem.Status.OPEN

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        item = model_class(*args, **kwargs)
        item.full_clean()
        item.save()
        return item


class ProblemFactory(factory.django.DjangoModelFactory):
    """A published problem; normalised keys are derived like the service does."""

    class Meta:
        model = Problem

    plan = factory.SubFactory(PlanFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"مسئله‌ی شماره {n}")
    body = "<p>شرح مسئله</p>"
    moderation_state = "published"
    title_key = factory.LazyAttribute(lambda o: normalise(o.title))
    search_text = factory.LazyAttribute(lambda o: normalise(f"{o.title} {html_to_text(o.body)}"))
    stem_key = factory.LazyAttribute(lambda o: stem_key(f"{o.title} {html_to_text(o.body)}"))


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    plan = factory.SubFactory(PlanFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"پیشنهاد {n}")
    body = "<p>شرح پیشنهاد</p>"
    moderation_state = "published"


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    problem = factory.SubFactory(ProblemFactory)
    proposal = None
    plan_item = None
    plan = factory.LazyAttribute(lambda o: (o.problem or o.proposal or o.plan_item).plan)
    author = factory.SubFactory(UserFactory)
    body = "<p>نظر</p>"
    moderation_state = "published"


# Row builders for the list query-count tests (tests/api, tests/frontend) -----------------

_TITLE_LETTERS = "بپتثجچحخدر"
_TITLE_CODES = [a + b for a in _TITLE_LETTERS for b in _TITLE_LETTERS]


def unsaved_benches(plan, author, states: list[str]) -> list[Problem]:
    """Problems «نیمکت n» not yet saved, one per state, for `bulk_create` (no save(), no
    signal), with their normalised keys as the service makes them."""
    return [
        Problem(
            plan=plan,
            author=author,
            title=f"نیمکت {n}",
            body="<p>x</p>",
            moderation_state=state,
            **problem_keys(f"نیمکت شکسته {n}", ""),
        )
        for n, state in enumerate(states)
    ]


def unique_title(i: int) -> str:
    """The i-th (0-99) title no other such title contains: Persian letters only, so no digit
    localisation changes it on a page."""
    return f"نمونه {_TITLE_CODES[i]} آزمون"


def inventory_entries_with_evidence(planner, plan, rows: int, **tags) -> None:
    """Inventory entries titled unique_title(i), each with a problem accepted into it."""
    from inventory.services import inventory_entry_create, triage_accept

    for i in range(rows):
        entry = inventory_entry_create(actor=planner, plan=plan, title=unique_title(i), **tags)
        triage_accept(actor=planner, problem_id=ProblemFactory(plan=plan).pk, entry=entry)


def decided_entries(city, rows: int) -> None:
    """`rows` decisions in the city, on every content kind, approvals and rejections citing a
    rule, taken through the moderation services (queued, claimed, decided)."""
    from moderation.models import QueueEntry, Rule
    from moderation.services import content_submitted, decision_apply, queue_claim

    plan = PlanFactory(city=city)
    moderator = StaffRoleFactory(city=city, role="moderator").user
    rule = Rule.objects.filter(citeable=True).first()
    for i in range(rows):
        kind = i % 3
        if kind == 0:
            content = ProblemFactory(plan=plan, title=unique_title(i), moderation_state="pending")
        elif kind == 1:
            content = ProposalFactory(plan=plan, title=unique_title(i), moderation_state="pending")
        else:
            content = CommentFactory(problem=ProblemFactory(plan=plan), moderation_state="pending")
        entry = content_submitted(content=content)
        queue_claim(moderator=moderator, entry_id=entry.pk)
        if i % 2:
            decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
        else:
            decision_apply(
                moderator=moderator, entry_id=entry.pk, outcome="reject", rule_codes=[rule.code]
            )
    assert not QueueEntry.objects.filter(city=city, closed_at__isnull=True).exists()
