from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.sanitise import plain_text
from moderation.models import ModeratedContent

TITLE_MAX = 150
BODY_MAX = 20_000  # characters of sanitised HTML


class Problem(ModeratedContent):
    """A problem a citizen reports (مسئله), tagged by axis and district."""

    class Triage(models.TextChoices):
        NEW = "new", _("بررسی‌نشده")
        ACCEPTED = "accepted", _("پذیرفته در فهرست مسائل")
        MERGED = "merged", _("ادغام‌شده با مسئله‌ی مشابه")
        OUT_OF_SCOPE = "out_of_scope", _("خارج از موضوع برنامه")

    plan = models.ForeignKey(
        "planning.Plan", on_delete=models.PROTECT, related_name="problems", verbose_name=_("برنامه")
    )
    title = models.CharField(_("عنوان"), max_length=TITLE_MAX)
    body = models.TextField(_("شرح"))
    axis = models.ForeignKey(
        "planning.Axis",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
        verbose_name=_("محور"),
    )
    district = models.ForeignKey(
        "cities.District",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
        verbose_name=_("منطقه"),
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        verbose_name=_("عرض جغرافیایی"),
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        verbose_name=_("طول جغرافیایی"),
    )
    # Normalised (backend.persian.normalise) copies for search and similarity; what is
    # shown stays as the author wrote it.
    title_key = models.CharField(
        max_length=TITLE_MAX * 2, editable=False, default="", verbose_name=_("کلید عنوان")
    )
    search_text = models.TextField(editable=False, default="", verbose_name=_("متن جست‌وجو"))
    # The Persian stems of the title and the body (backend.stems.stem_key): what
    # similar-problem suggestions look words up in.
    stem_key = models.TextField(editable=False, default="", verbose_name=_("ریشه‌های واژه‌ها"))
    triage_state = models.CharField(
        _("وضعیت بررسی برنامه‌ریز"),
        max_length=12,
        choices=Triage.choices,
        default=Triage.NEW,
        db_index=True,
    )
    supports_count = models.PositiveIntegerField(_("پشتیبان‌ها"), default=0, db_index=True)
    inventory_entry = models.ForeignKey(
        "inventory.InventoryEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
        verbose_name=_("مسئله‌ی فهرست"),
    )
    # Shown to the author when a planner finds the problem outside the plan's scope.
    triage_reason = models.TextField(_("دلیل"), blank=True)

    class Meta:
        verbose_name = _("مسئله")
        verbose_name_plural = _("مسائل")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["plan", "moderation_state", "-created_at"], name="problem_list"),
            # The posting limit counts an author's rows of the last hour.
            models.Index(fields=["author", "created_at"], name="problem_author_recent"),
            # The map (selectors.problem_map): a plan's published points in a box, read
            # from the index alone (id for the single-problem cells); rows without a point,
            # ~40 %, are left out.
            models.Index(
                fields=["plan", "moderation_state", "latitude", "longitude", "id"],
                name="problem_map",
                condition=Q(latitude__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title


# A longer "word" (a pasted link, a run of digits) is numbered by its first letters: a
# unique index entry holds at most ~2,700 bytes (migration 0013 uses the same figure).
SEARCH_WORD_MAX = 200


class SearchWord(models.Model):
    """One word of the problems' normalised texts (`Problem.search_text` split at its
    spaces), numbered once. On PostgreSQL each problem keeps the numbers of its words in
    the column `search_words` (int[], a GIN index), filled by a trigger whenever its text
    is written (migration 0013): a search finds the words that contain what was typed in
    this small table, then the problems holding one of them through that index, with no
    false hits to check against the texts. Words are never removed: a word no problem uses
    any more matches nothing. SQLite keeps the table empty and searches the texts."""

    id = models.AutoField(primary_key=True)
    word = models.TextField(_("واژه"), unique=True)

    class Meta:
        verbose_name = _("واژه‌ی جست‌وجو")
        verbose_name_plural = _("واژه‌های جست‌وجو")

    def __str__(self) -> str:
        return self.word


class Support(models.Model):
    """«من هم این مسئله را دارم»: one per person per problem."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="supports", verbose_name=_("مسئله")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="supports",
        verbose_name=_("کاربر"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))

    class Meta:
        verbose_name = _("پشتیبانی")
        verbose_name_plural = _("پشتیبانی‌ها")
        constraints = [
            models.UniqueConstraint(fields=["problem", "user"], name="support_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.problem_id}"


class Proposal(ModeratedContent):
    """A proposed answer to a problem or a plan item, possibly on behalf of an NGO."""

    plan = models.ForeignKey(
        "planning.Plan",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("برنامه"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("از طرف سازمان"),
    )
    title = models.CharField(_("عنوان"), max_length=TITLE_MAX)
    body = models.TextField(_("شرح"))
    problem = models.ForeignKey(
        Problem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("مسئله"),
    )
    plan_item = models.ForeignKey(
        "planning.PlanItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("بند برنامه"),
    )
    endorsements_count = models.PositiveIntegerField(
        default=0, verbose_name=_("شمار حمایت‌های سمن‌ها")
    )

    class Meta:
        verbose_name = _("پیشنهاد")
        verbose_name_plural = _("پیشنهادها")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["author", "created_at"], name="proposal_author_recent")]

    def __str__(self) -> str:
        return self.title


class Endorsement(models.Model):
    """A verified NGO backs a proposal, with a public statement; one per organisation."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("پیشنهاد")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="endorsements",
        verbose_name=_("سازمان مردم‌نهاد"),
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="endorsements",
        verbose_name=_("تأییدکننده"),
    )
    statement = models.TextField(_("بیانیه"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))

    class Meta:
        verbose_name = _("حمایت سازمان")
        verbose_name_plural = _("حمایت‌های سازمان‌ها")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"], name="endorsement_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.proposal_id}"


class Comment(ModeratedContent):
    """A comment on exactly one of: a plan item, a problem, a proposal."""

    class Stance(models.TextChoices):
        FOR = "for", _("موافق")
        AGAINST = "against", _("مخالف")
        NEUTRAL = "neutral", _("بی‌طرف")

    TARGETS = ("plan_item", "problem", "proposal")

    plan = models.ForeignKey(
        "planning.Plan", on_delete=models.PROTECT, related_name="comments", verbose_name=_("برنامه")
    )
    plan_item = models.ForeignKey(
        "planning.PlanItem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("بند برنامه"),
    )
    problem = models.ForeignKey(
        Problem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("مسئله"),
    )
    proposal = models.ForeignKey(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("پیشنهاد"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("والد"),
    )
    body = models.TextField(_("متن"))
    stance = models.CharField(
        _("موضع"), max_length=8, choices=Stance.choices, default=Stance.NEUTRAL
    )
    # Whether the author held verified expertise when writing: the badge stays with the comment.
    is_expert = models.BooleanField(default=False, verbose_name=_("نظر کارشناس"))

    class Meta:
        verbose_name = _("نظر")
        verbose_name_plural = _("نظرها")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["author", "created_at"], name="comment_author_recent")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(plan_item__isnull=False, problem__isnull=True, proposal__isnull=True)
                    | Q(plan_item__isnull=True, problem__isnull=False, proposal__isnull=True)
                    | Q(plan_item__isnull=True, problem__isnull=True, proposal__isnull=False)
                ),
                name="comment_exactly_one_target",
            )
        ]

    def __str__(self) -> str:
        return plain_text(self.body)[:40]

    @property
    def stance_label(self) -> str:
        """What get_stance_display() says, without its per-call walk over the choices (a
        thread page draws dozens of comments)."""
        label = _STANCE_LABELS.get(self.stance)
        return str(label) if label is not None else self.stance

    @property
    def target(self):
        return self.plan_item or self.problem or self.proposal


# Comment.stance_label's lookup, built once (the labels stay lazy: translated when drawn).
_STANCE_LABELS = dict(Comment.Stance.choices)


class ProblemPhoto(models.Model):
    """A photo of a problem, re-encoded without metadata (participation/photos.py). The
    files live in the default storage under random names; the uploader's file name is never
    kept. Photos are moderated with their problem: who may see one is who may see it."""

    class Format(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        WEBP = "webp", "WebP"

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="photos", verbose_name=_("مسئله")
    )
    position = models.PositiveSmallIntegerField(default=0)
    image = models.CharField(max_length=200, editable=False)  # name in the default storage
    thumbnail = models.CharField(max_length=200, editable=False)
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.JPEG)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    bytes = models.PositiveIntegerField()
    thumbnail_bytes = models.PositiveIntegerField(default=0)
    # SHA-256 of the uploaded file: the same file twice on one problem is refused.
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("زمان ثبت"))

    class Meta:
        verbose_name = _("عکس مسئله")
        verbose_name_plural = _("عکس‌های مسئله")
        ordering = ["problem_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "content_hash"], name="problem_photo_once_per_problem"
            )
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}/{self.position}"

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"


class SynonymGroup(models.Model):
    """Words a city's citizens use for the same thing (سایبان، سقف ایستگاه، سرپناه), kept as
    data the planners edit. Similar-problem suggestions treat every member as any other; a
    group without a city applies to every city."""

    city = models.ForeignKey(
        "cities.City",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="synonym_groups",
        verbose_name=_("شهر"),
        help_text=_("خالی یعنی برای همه‌ی شهرها."),
    )
    terms = models.TextField(_("واژه‌ها"), help_text=_("هر واژه یا عبارت در یک خط؛ دست‌کم دو تا."))
    active = models.BooleanField(_("فعال"), default=True)
    updated_at = models.DateTimeField(_("آخرین تغییر"), auto_now=True)

    class Meta:
        verbose_name = _("گروه هم‌معنی")
        verbose_name_plural = _("واژه‌نامه‌ی هم‌معنی‌ها")
        ordering = ["city_id", "id"]

    def __str__(self) -> str:
        return " / ".join(self.term_list()[:4])

    def term_list(self) -> list[str]:
        lines = self.terms.replace("،", "\n").replace(",", "\n").splitlines()
        return [line.strip() for line in lines if line.strip()]


class Follow(models.Model):
    """A person follows exactly one of: a problem, a plan item, a plan; and hears in their
    inbox what happens to it (participation/following.py). One per person per target."""

    TARGETS = ("problem", "plan_item", "plan")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    plan_item = models.ForeignKey(
        "planning.PlanItem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    plan = models.ForeignKey(
        "planning.Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("دنبال کردن")
        verbose_name_plural = _("دنبال‌شده‌ها")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(problem__isnull=False, plan_item__isnull=True, plan__isnull=True)
                    | Q(problem__isnull=True, plan_item__isnull=False, plan__isnull=True)
                    | Q(problem__isnull=True, plan_item__isnull=True, plan__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "problem"],
                condition=Q(problem__isnull=False),
                name="follow_problem_once",
            ),
            models.UniqueConstraint(
                fields=["user", "plan_item"],
                condition=Q(plan_item__isnull=False),
                name="follow_plan_item_once",
            ),
            models.UniqueConstraint(
                fields=["user", "plan"],
                condition=Q(plan__isnull=False),
                name="follow_plan_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.target_type}:{self.target_id}"

    @property
    def target_type(self) -> str:
        for name in self.TARGETS:
            if getattr(self, f"{name}_id") is not None:
                return name
        return ""

    @property
    def target_id(self) -> int | None:
        return getattr(self, f"{self.target_type}_id", None) if self.target_type else None

    @property
    def target(self):
        return self.problem or self.plan_item or self.plan
