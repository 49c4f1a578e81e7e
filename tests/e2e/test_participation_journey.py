"""Acceptance journey «Plans and citizen input», in a phone-sized Chromium.

A citizen signs in by code, supports an existing problem found by live suggestions instead
of writing it again, posts a new problem and comments on an open plan item; an NGO member
endorses a proposal for their organisation; a verified expert's published comment carries
the expert badge. The refusals: a closed item takes no comments, an empty title is refused.
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.otp_senders import OutboxSender
from moderation.services import content_transition
from participation.models import Comment, Endorsement, Problem, Support
from planning.models import Plan, PlanItem
from tests.e2e.helpers import shot, sign_in_with_password
from tests.factories import (
    CityFactory,
    ExpertFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    ProposalFactory,
    UserFactory,
)

PHONE = "09120000001"
CITIZEN_NAME = "مریم احمدی"
EXISTING_TITLE = "ترافیک سنگین بلوار امام خمینی در ساعت‌های اوج"
# The same words typed with Arabic ي and ك, shorter and without «سنگین».
ARABIC_TYPED = "ترافيك بلوار امام خميني"
NEW_TITLE = "چاله‌های عمیق خیابان شهید بهشتی"
NEW_BODY = "از میدان ولیعصر تا پل هوایی چند چاله‌ی عمیق هست که شب‌ها دیده نمی‌شود."
ORGANISATION = "انجمن دوستداران حمل‌ونقل پاک اراک"
STATEMENT = "این پیشنهاد ترافیک بلوار را کم می‌کند و از آن حمایت می‌کنیم."
PHONE_VIEW = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def world(live):
    """Arak's plan in consultation with its items, posts and people."""
    arak = CityFactory(slug="arak", name="اراک")
    plan = PlanFactory(city=arak, title="برنامه‌ی دوم توسعه‌ی اراک", phase=Plan.Phase.CONSULTATION)
    now = timezone.now()
    open_item = PlanItemFactory(
        plan=plan,
        code="1",
        title="حمل‌ونقل عمومی روان و در دسترس",
        status=PlanItem.Status.OPEN,
        comment_opens_at=now - timedelta(days=1),
        comment_closes_at=now + timedelta(days=14),
    )
    closed_item = PlanItemFactory(
        plan=plan, code="2", title="بازآفرینی بافت تاریخی", status=PlanItem.Status.CLOSED
    )
    # Still marked open, but its window ended yesterday.
    ended_item = PlanItemFactory(
        plan=plan,
        code="3",
        title="فضای سبز محله‌ها",
        status=PlanItem.Status.OPEN,
        comment_opens_at=now - timedelta(days=30),
        comment_closes_at=now - timedelta(days=1),
    )
    neighbour = UserFactory(username="neighbour", display_name="علی رضایی")
    problem = ProblemFactory(
        plan=plan,
        author=neighbour,
        title=EXISTING_TITLE,
        body="<p>عصرها از میدان شهدا تا چهارراه بازار نیم ساعت طول می‌کشد.</p>",
    )
    proposal = ProposalFactory(
        plan=plan,
        author=neighbour,
        problem=problem,
        title="خط ویژه‌ی اتوبوس در بلوار امام خمینی",
        body="<p>یک خط ویژه‌ی اتوبوس با ایستگاه‌های سرپوشیده.</p>",
    )
    organisation = OrganisationFactory(city=arak, name=ORGANISATION)
    ngo_member = MembershipFactory(
        organisation=organisation,
        user=UserFactory(username="ngo", display_name="زهرا موسوی"),
    ).user
    expert = ExpertFactory(username="expert", display_name="دکتر سارا رحیمی")
    citizen = UserFactory(username="citizen", phone=PHONE, display_name=CITIZEN_NAME)
    return SimpleNamespace(**locals())


@pytest.fixture
def new_page(browser, live):
    """`new_page()` → a phone-sized page in a fresh browser context (its own cookies).

    Depends on `live` so every context closes before the database is flushed.
    """
    contexts = []

    def _new():
        context = browser.new_context(base_url=live, locale="fa-IR", **PHONE_VIEW)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


def sign_in_with_code(page, phone: str, name: str) -> None:
    """From the sign-in page the login redirect led to, sign in with the texted code."""
    expect(page).to_have_url(re.compile(r"/signin/"))
    page.get_by_label("شماره همراه").press_sequentially(phone)
    page.get_by_role("button", name="دریافت کد ورود").click()
    code_form = page.get_by_test_id("code-form")
    expect(code_form).to_be_visible()
    code = OutboxSender.last_code_for(phone)
    assert code
    page.get_by_label("کد ورود").press_sequentially(code)
    code_form.get_by_role("button", name="ورود").click()
    expect(page.get_by_test_id("current-user")).to_have_text(name)


def post_comment(page, body: str, stance: str) -> None:
    form = page.get_by_test_id("comment-form")
    form.get_by_label("نظر شما").fill(body)
    form.get_by_label(stance, exact=True).check()
    form.get_by_role("button", name="ثبت نظر").click()


def comment_by(page, name: str):
    return page.get_by_test_id("comment").filter(has_text=name)


def test_plans_and_citizen_input_journey(page, new_page, world):
    w = world

    # 2. The submit page asks for sign-in; the citizen signs in with a one-time code.
    page.goto("/problems/new/")
    sign_in_with_code(page, PHONE, CITIZEN_NAME)
    expect(page).to_have_url(re.compile(r"/problems/new/$"))

    # 3. Arabic letters still find the existing problem; supporting it replaces a duplicate.
    page.get_by_test_id("problem-title").press_sequentially(ARABIC_TYPED)
    suggestions = page.get_by_test_id("similar-suggestions")
    expect(suggestions).to_be_visible()
    suggestion = suggestions.get_by_test_id("similar-item").filter(has_text=EXISTING_TITLE)
    expect(suggestion).to_have_count(1)
    shot(page, "participation-similar-suggestions")
    suggestion.get_by_test_id("support-similar").click()

    expect(page).to_have_url(re.compile(rf"/problems/{w.problem.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(EXISTING_TITLE)
    expect(page.get_by_test_id("supports-count")).to_have_text("۱")
    expect(page.get_by_test_id("support-button")).to_have_attribute("aria-pressed", "true")
    shot(page, "participation-problem-supported")
    assert Problem.objects.count() == 1
    assert Support.objects.filter(problem=w.problem, user=w.citizen).exists()

    # 4. A different problem: posted, and listed under «نوشته‌های من» awaiting review.
    page.goto("/problems/new/")
    form = page.get_by_test_id("problem-form")
    form.get_by_label("عنوان مسئله").fill(NEW_TITLE)
    form.get_by_label("شرح مسئله").fill(NEW_BODY)
    form.get_by_role("button", name="ثبت مسئله").click()

    expect(page).to_have_url(re.compile(r"/me/posts/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("نوشته‌های من")
    mine = page.get_by_test_id("my-problems").get_by_role("listitem").filter(has_text=NEW_TITLE)
    expect(mine.get_by_test_id("post-state")).to_have_text("در انتظار بررسی")
    shot(page, "participation-my-posts")
    posted = Problem.objects.get(title=NEW_TITLE)
    assert posted.author == w.citizen
    assert posted.moderation_state == "pending"

    # 5. A «موافق» comment on the open item: shown to its author, pending review.
    page.goto(f"/plan-items/{w.open_item.pk}/")
    post_comment(page, "خط ویژه‌ی اتوبوس برای بلوار امام لازم است.", "موافق")
    expect(page.get_by_test_id("comment-notice")).to_contain_text("پس از بررسی منتشر می‌شود")
    own = comment_by(page, CITIZEN_NAME)
    expect(own).to_have_count(1)
    expect(own).to_contain_text("موافق")
    expect(own.get_by_test_id("comment-state")).to_have_text("در انتظار بررسی")
    shot(page, "participation-comment-pending")
    comment = Comment.objects.get(author=w.citizen)
    assert (comment.plan_item, comment.stance, comment.moderation_state) == (
        w.open_item,
        "for",
        "pending",
    )

    # 6. An NGO member, in their own browser, endorses the proposal for the organisation.
    ngo = new_page()
    sign_in_with_password(ngo, "ngo", "زهرا موسوی")
    ngo.goto(f"/proposals/{w.proposal.pk}/")
    endorse = ngo.get_by_test_id("endorse-form")
    expect(endorse).to_contain_text(ORGANISATION)
    endorse.get_by_label("بیانیه‌ی حمایت").fill(STATEMENT)
    endorse.get_by_role("button", name="ثبت حمایت").click()

    endorsement = ngo.get_by_test_id("endorsement")
    expect(endorsement).to_have_count(1)
    expect(endorsement).to_contain_text(ORGANISATION)
    expect(endorsement).to_contain_text(STATEMENT)
    expect(ngo.get_by_test_id("endorsements-count")).to_have_text("۱")
    # The organisation has endorsed, so the form is not offered again.
    expect(ngo.get_by_test_id("endorse-form")).to_have_count(0)
    shot(ngo, "participation-endorsement")
    assert Endorsement.objects.filter(
        proposal=w.proposal, organisation=w.organisation, endorsed_by=w.ngo_member
    ).exists()

    # 7. The expert comments; once published, anyone sees it with the expert badge.
    expert = new_page()
    sign_in_with_password(expert, "expert", "دکتر سارا رحیمی")
    expert.goto(f"/plan-items/{w.open_item.pk}/")
    post_comment(expert, "بدون ساماندهی تقاطع‌ها خط ویژه کارایی ندارد.", "بی‌طرف")
    expect(comment_by(expert, "دکتر سارا رحیمی").get_by_test_id("comment-state")).to_have_text(
        "در انتظار بررسی"
    )
    expert_comment = Comment.objects.get(author=w.expert)
    assert expert_comment.is_expert
    content_transition(content=expert_comment, move="approve", actor=None)

    visitor = new_page()
    visitor.goto(f"/plan-items/{w.open_item.pk}/")
    published = comment_by(visitor, "دکتر سارا رحیمی")
    expect(published).to_have_count(1)
    expect(published.get_by_test_id("expert-badge")).to_be_visible()
    expect(published.get_by_test_id("comment-state")).to_have_count(0)
    # The citizen's comment is still pending: nobody else sees it.
    expect(visitor.get_by_test_id("comment")).to_have_count(1)
    expect(visitor.get_by_test_id("comment-form")).to_have_count(0)
    shot(visitor, "participation-expert-badge")


def test_closed_items_and_empty_title_are_refused(page, world):
    w = world
    page.goto("/problems/new/")
    sign_in_with_code(page, PHONE, CITIZEN_NAME)

    # Closed item, and an open one whose window has ended: a note instead of a form.
    for item in (w.closed_item, w.ended_item):
        page.goto(f"/plan-items/{item.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(item.title)
        expect(page.get_by_test_id("comment-form")).to_have_count(0)
        expect(page.get_by_test_id("comments-closed")).to_have_text(
            "نظرخواهی برای این بند اکنون باز نیست."
        )
    shot(page, "participation-item-closed")

    # An empty title never leaves the browser; a blank one is refused in Persian.
    page.goto("/problems/new/")
    form = page.get_by_test_id("problem-form")
    title = form.get_by_label("عنوان مسئله")
    body = form.get_by_label("شرح مسئله")
    body.fill(NEW_BODY)
    form.get_by_role("button", name="ثبت مسئله").click()
    assert title.evaluate("el => el.validity.valueMissing")
    expect(page).to_have_url(re.compile(r"/problems/new/$"))

    title.fill("   ")
    form.get_by_role("button", name="ثبت مسئله").click()
    expect(page.get_by_test_id("form-error")).to_have_text("عنوان را بنویسید.")
    expect(page.get_by_test_id("problem-form").get_by_label("شرح مسئله")).to_have_value(NEW_BODY)
    shot(page, "participation-empty-title")
    assert Problem.objects.filter(author=w.citizen).count() == 0
