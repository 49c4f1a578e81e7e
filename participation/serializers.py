import math

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation
from backend import geo
from backend.api import IdField, KeyOf
from backend.api_fields import AuthorField, CoordinateField, JalaliDateTimeField, ModelOut
from backend.authz import allowed
from backend.errors import Missing
from cities.models import District
from moderation.selectors import visible_to
from participation.models import BODY_MAX, Comment, Endorsement, Problem, Proposal
from participation.photos import photo_url
from planning.models import Axis, Plan, PlanItem

# Raw input limits: generous enough for formatting, small enough to refuse abuse early.
TITLE_INPUT_MAX = 300


def _user(context: dict):
    request = context.get("request")
    return getattr(request, "user", None) if request is not None else context.get("user")


def _id_messages(unknown: str, *, choose: str | None = None) -> dict[str, str]:
    """Persian messages of an id field: the same for a non-number and an unknown id."""
    messages = {"does_not_exist": unknown, "incorrect_type": unknown}
    if choose is not None:
        messages.update(required=choose, null=choose)
    return messages


class VisibleField(serializers.PrimaryKeyRelatedField):
    """The id of content the user may see (published, or their own). Anything else —
    hidden, rejected, someone else's pending, or no such row — is one answer, 404, so an
    id never confirms that something exists."""

    def __init__(self, *, missing: str, **kwargs):
        self.missing = missing
        kwargs.setdefault("error_messages", {"incorrect_type": missing})
        super().__init__(**kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(visible_to(_user(self.context)))

    def fail(self, key, **kwargs):
        if key == "does_not_exist":
            raise Missing(self.missing)
        super().fail(key, **kwargs)


TITLE_MESSAGES = {"required": "عنوان را بنویسید.", "blank": "عنوان را بنویسید."}
BODY_MESSAGES = {"required": "متن را بنویسید.", "blank": "متن را بنویسید."}
PLAN_MESSAGES = _id_messages("برنامه‌ای با این شناسه نیست.", choose="برنامه را انتخاب کنید.")
ORGANISATION_MESSAGES = _id_messages("سازمانی با این شناسه نیست.", choose="سازمان را انتخاب کنید.")


def _axis_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Axis.objects.all(),
        required=False,
        allow_null=True,
        error_messages=_id_messages("محوری با این شناسه نیست."),
    )


def _district_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=District.objects.all(),
        required=False,
        allow_null=True,
        error_messages=_id_messages("منطقه‌ای با این شناسه نیست."),
    )


class PhotoListField(serializers.ListField):
    """Uploaded files; an empty part (a file input left empty in a multipart form arrives as
    "" among the form values) is no photo rather than a wrong one."""

    def to_internal_value(self, data):
        return super().to_internal_value([item for item in data if item != ""])


class ProblemIn(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(
        queryset=Plan.objects.all(), error_messages=PLAN_MESSAGES
    )
    title = serializers.CharField(max_length=TITLE_INPUT_MAX, error_messages=TITLE_MESSAGES)
    body = serializers.CharField(max_length=BODY_MAX, error_messages=BODY_MESSAGES)
    axis = _axis_field()
    district = _district_field()
    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)
    # Multipart only (repeat the field per file); the service checks each file itself and
    # names the one it refuses.
    photos = PhotoListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        help_text="تا ۴ عکس JPEG، PNG یا WebP (هر کدام حداکثر ۸ مگابایت)؛ فقط در multipart.",
    )


class ProblemEditIn(serializers.Serializer):
    """What the author may change while the problem is pending: the report form's fields
    and checks without the plan and the photos (PATCH sends any of them)."""

    title = serializers.CharField(max_length=TITLE_INPUT_MAX, error_messages=TITLE_MESSAGES)
    body = serializers.CharField(max_length=BODY_MAX, error_messages=BODY_MESSAGES)
    axis = _axis_field()
    district = _district_field()
    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)


class PhotoOut(serializers.Serializer):
    """A photo of a problem: its addresses (site-relative) and the full size's pixels."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_url(self, obj) -> str:
        return photo_url(obj.pk, "full")

    def get_thumbnail_url(self, obj) -> str:
        return photo_url(obj.pk, "thumb")


class ProblemOut(ModelOut):
    author = AuthorField()
    axis_title = serializers.CharField(source="axis.title", default=None)
    district_name = serializers.CharField(source="district.name", default=None)
    comments_count = serializers.IntegerField(read_only=True)
    created_at_jalali = JalaliDateTimeField(source="created_at")
    supported_by_me = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = [
            "id",
            "plan",
            "title",
            "body",
            "axis",
            "axis_title",
            "district",
            "district_name",
            "latitude",
            "longitude",
            "moderation_state",
            "triage_state",
            "supports_count",
            "comments_count",
            "supported_by_me",
            "created_at",
            "created_at_jalali",
            "author",
            "photos",
        ]

    def get_supported_by_me(self, obj) -> bool:
        return bool(getattr(obj, "supported_by_me", False))

    @extend_schema_field(PhotoOut(many=True))
    def get_photos(self, obj):
        """The problem's photos (prefetched by participation.selectors.problem_list): a
        problem listed is one the user may see, and so are its photos. Most have none:
        they get no serializer of their own (~0.1 ms a row)."""
        photos = obj.photos.all()
        return PhotoOut(photos, many=True).data if photos else []


class ProblemDetailOut(ProblemOut):
    """The problem with its place in the inventory: the entry and the plan items answering
    it; the out-of-scope reason is for the author."""

    inventory_entry = serializers.SerializerMethodField()
    triage_reason = serializers.SerializerMethodField()

    class Meta(ProblemOut.Meta):
        fields = [*ProblemOut.Meta.fields, "inventory_entry", "triage_reason"]

    def get_inventory_entry(self, obj) -> dict | None:
        entry = obj.inventory_entry
        if entry is None:
            return None
        return {
            "id": entry.pk,
            "code": entry.code,
            "title": entry.title,
            "status": entry.status,
            "addressed_by": [
                {"id": i.pk, "code": i.code, "title": i.title, "kind": i.kind}
                for i in entry.addressed_by.all()
            ],
        }

    def get_triage_reason(self, obj) -> str | None:
        if allowed(_user(self.context), "participation.view_triage_reason", obj):
            return obj.triage_reason or None
        return None


class SimilarPointIn(serializers.Serializer):
    """The new problem's point, when it has one: nearby problems are considered too."""

    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)

    def validate(self, attrs):
        if (attrs.get("latitude") is None) != (attrs.get("longitude") is None):
            raise serializers.ValidationError(
                "موقعیت باید هم عرض و هم طول جغرافیایی داشته باشد.", code="point"
            )
        return attrs


class SimilarIn(SimilarPointIn):
    plan = KeyOf(Plan)
    text = serializers.CharField(max_length=TITLE_INPUT_MAX, trim_whitespace=False)
    exclude = IdField(required=False)
    typing = serializers.BooleanField(required=False, default=False)


class SimilarMatchOut(serializers.Serializer):
    words = serializers.CharField(help_text="واژه‌های متن که این مسئله هم دارد.")
    where = serializers.ChoiceField(
        choices=["title", "body"], help_text="title: در عنوان؛ body: فقط در متن."
    )


class SimilarOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    score = serializers.FloatField()
    supports_count = serializers.IntegerField()
    distance_m = serializers.IntegerField(
        allow_null=True, help_text="متر تا نقطه‌ی داده‌شده، اگر در شعاع نزدیکی باشد."
    )
    matched = SimilarMatchOut(many=True, help_text="چرا پیشنهاد شد: واژه‌های مشترک و جایشان.")
    entry_id = serializers.IntegerField(
        allow_null=True,
        help_text="اگر برنامه‌ریزان این مسئله را با مسئله‌ی دیگری ادغام کرده‌اند: "
        "شناسه‌ی مسئله‌ی فهرست.",
    )
    entry_title = serializers.CharField(allow_blank=True)


class SupportIn(serializers.Serializer):
    """The page's one support form: the API says the same with POST or DELETE."""

    action = serializers.ChoiceField(choices=["support", "unsupport"], default="support")


class SupportOut(serializers.Serializer):
    supported = serializers.BooleanField()
    supports_count = serializers.IntegerField()


class FollowIn(serializers.Serializer):
    """The page's one follow form: the API says the same with POST or DELETE."""

    action = serializers.ChoiceField(choices=["follow", "unfollow"], default="follow")


class FollowStateOut(serializers.Serializer):
    following = serializers.BooleanField()
    followers_count = serializers.IntegerField()


class FollowTargetOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    code = serializers.CharField(default="")


class FollowOut(serializers.Serializer):
    """One thing the caller follows."""

    id = serializers.IntegerField()
    target_type = serializers.ChoiceField(choices=["problem", "plan_item", "plan"])
    target = FollowTargetOut()
    plan = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    created_at_jalali = JalaliDateTimeField(source="created_at")

    def get_plan(self, follow) -> int:
        target = follow.target
        return target.pk if follow.target_type == "plan" else target.plan_id


class CommentIn(serializers.Serializer):
    """A comment or a reply. The problem, proposal and parent comment are looked up among
    what the user may see (404 otherwise); pass the request (or user) in the context."""

    plan_item = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.select_related("plan"),
        required=False,
        allow_null=True,
        error_messages=_id_messages("بندی با این شناسه نیست."),
    )
    problem = VisibleField(
        queryset=Problem.objects.select_related("plan"),
        required=False,
        allow_null=True,
        missing="مسئله‌ای با این شناسه نیست.",
    )
    proposal = VisibleField(
        queryset=Proposal.objects.select_related("plan"),
        required=False,
        allow_null=True,
        missing="پیشنهادی با این شناسه نیست.",
    )
    parent = VisibleField(
        queryset=Comment.objects.all(),
        required=False,
        allow_null=True,
        missing="نظری که به آن پاسخ می‌دهید پیدا نشد.",
    )
    body = serializers.CharField(max_length=5000, error_messages=BODY_MESSAGES)
    stance = serializers.ChoiceField(choices=Comment.Stance.choices, default="neutral")


class CommentOut(ModelOut):
    author = AuthorField()
    created_at_jalali = JalaliDateTimeField(source="created_at")

    class Meta:
        model = Comment
        fields = [
            "id",
            "plan_item",
            "problem",
            "proposal",
            "parent",
            "body",
            "stance",
            "is_expert",
            "moderation_state",
            "created_at",
            "created_at_jalali",
            "author",
        ]


class OrganisationBrief(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class EndorsementOut(ModelOut):
    organisation = OrganisationBrief()
    created_at_jalali = JalaliDateTimeField(source="created_at")

    class Meta:
        model = Endorsement
        fields = ["organisation", "statement", "created_at", "created_at_jalali"]


class EndorsementIn(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), error_messages=ORGANISATION_MESSAGES
    )
    statement = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ProposalTargetsIn(serializers.Serializer):
    """What a proposal answers: a problem the user may see (404 otherwise) and/or a plan
    item. The new-proposal page reads these from its address too."""

    problem = VisibleField(
        queryset=Problem.objects.select_related("plan"),
        required=False,
        allow_null=True,
        missing="مسئله‌ای با این شناسه نیست.",
    )
    plan_item = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.select_related("plan"),
        required=False,
        allow_null=True,
        error_messages=_id_messages("بندی با این شناسه نیست."),
    )


class ProposalIn(ProposalTargetsIn):
    """The plan may be left out when the problem or the plan item names it."""

    plan = serializers.PrimaryKeyRelatedField(
        queryset=Plan.objects.all(), required=False, allow_null=True, error_messages=PLAN_MESSAGES
    )
    title = serializers.CharField(max_length=TITLE_INPUT_MAX, error_messages=TITLE_MESSAGES)
    body = serializers.CharField(max_length=BODY_MAX, error_messages=BODY_MESSAGES)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        error_messages=ORGANISATION_MESSAGES,
    )

    def validate(self, data):
        if data.get("plan") is None:
            source = data.get("problem") or data.get("plan_item")
            if source is None:
                raise serializers.ValidationError({"plan": PLAN_MESSAGES["required"]})
            data["plan"] = source.plan
        return data


class ProposalOut(ModelOut):
    author = AuthorField()
    organisation = OrganisationBrief(allow_null=True)
    comments_count = serializers.IntegerField(read_only=True)
    created_at_jalali = JalaliDateTimeField(source="created_at")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "plan",
            "title",
            "body",
            "problem",
            "plan_item",
            "organisation",
            "moderation_state",
            "endorsements_count",
            "comments_count",
            "created_at",
            "created_at_jalali",
            "author",
        ]


class ProposalDetailOut(ProposalOut):
    endorsements = serializers.SerializerMethodField()

    class Meta(ProposalOut.Meta):
        fields = [*ProposalOut.Meta.fields, "endorsements"]

    @extend_schema_field(EndorsementOut(many=True))
    def get_endorsements(self, obj):
        return EndorsementOut(obj.endorsements.all(), many=True).data


class MyPostsOut(serializers.Serializer):
    problems = ProblemOut(many=True)
    proposals = ProposalOut(many=True)
    comments = CommentOut(many=True)


# The map --------------------------------------------------------------------------------

BBOX_SHAPE = "محدوده (bbox) چهار عدد است، جداشده با ویرگول: جنوب،غرب،شمال،شرق."
BBOX_ORDER = "در محدوده، جنوب باید کمتر از شمال و غرب کمتر از شرق باشد."
BBOX_RANGE = "عرض جغرافیایی بین ۹۰- و ۹۰ درجه و طول بین ۱۸۰- و ۱۸۰ درجه است."
ZOOM_MESSAGES = {
    "invalid": "بزرگ‌نمایی (zoom) باید عددی درست از ۰ تا ۲۲ باشد.",
    "max_value": "بزرگ‌نمایی (zoom) باید عددی درست از ۰ تا ۲۲ باشد.",
    "min_value": "بزرگ‌نمایی (zoom) باید عددی درست از ۰ تا ۲۲ باشد.",
    "max_string_length": "بزرگ‌نمایی (zoom) باید عددی درست از ۰ تا ۲۲ باشد.",
}
NOT_THIS_CITY = "{name} از شهر این برنامه نیست."


class BboxField(serializers.CharField):
    """`south,west,north,east` in degrees; Persian or Arabic-Indic digits and the Persian
    comma are accepted."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("error_messages", {"max_length": BBOX_SHAPE, "blank": BBOX_SHAPE})
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data).translate(_MAP_DIGITS).replace("،", ",")
        parts = [p.strip() for p in text.split(",")]
        try:
            south, west, north, east = (float(p) for p in parts)
        except ValueError:
            raise serializers.ValidationError(BBOX_SHAPE, code="bbox") from None
        if not all(math.isfinite(v) for v in (south, west, north, east)):
            raise serializers.ValidationError(BBOX_SHAPE, code="bbox")
        if not (-90 <= south <= 90 and -90 <= north <= 90 and -180 <= west <= 180):
            raise serializers.ValidationError(BBOX_RANGE, code="bbox")
        if not -180 <= east <= 180:
            raise serializers.ValidationError(BBOX_RANGE, code="bbox")
        if south >= north or west >= east:
            raise serializers.ValidationError(BBOX_ORDER, code="bbox")
        return (south, west, north, east)


_MAP_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫", "01234567890123456789.")


class MapIn(serializers.Serializer):
    """The map's query (`?bbox=&zoom=&axis=&district=&triage_state=`) for one plan, given
    as `plan` in the context. Without a bbox, the plan's city (or Iran); zoom 12."""

    bbox = BboxField(required=False)
    zoom = serializers.IntegerField(
        required=False, default=12, min_value=0, max_value=22, error_messages=ZOOM_MESSAGES
    )
    axis = _axis_field()
    district = _district_field()
    triage_state = serializers.ChoiceField(
        choices=Problem.Triage.choices,
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": "وضعیت بررسی «{input}» شناخته نیست."},
    )

    def validate(self, attrs):
        plan = self.context["plan"]
        for name, label in (("axis", "محور"), ("district", "منطقه")):
            chosen = attrs.get(name)
            if chosen is not None and chosen.city_id != plan.city_id:
                raise serializers.ValidationError({name: NOT_THIS_CITY.format(name=label)})
        if not attrs.get("bbox"):
            attrs["bbox"] = tuple(plan.city.bbox or geo.IRAN_BOX)
        return attrs


class MapPointProperties(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["cluster", "point"])
    count = serializers.IntegerField(help_text="problems in the cluster (clusters only)")
    id = serializers.IntegerField(help_text="the problem's id (points only)")
    title = serializers.CharField(help_text="points only")
    url = serializers.CharField(help_text="the problem's page (points only)")


class MapGeometry(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, help_text="[lon, lat]"
    )


class MapFeature(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = MapGeometry()
    properties = MapPointProperties()


class MapOut(serializers.Serializer):
    """A GeoJSON FeatureCollection built from `participation.selectors.MapView`: clusters
    carry `count`, single problems `id`, `title` and `url`. `total` counts the problems in
    the view; `cell` is the grid's cell in degrees (null when single problems are shown);
    `truncated` says the view holds more single problems than were sent."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    bbox = serializers.ListField(
        child=serializers.FloatField(), help_text="the view, as GeoJSON orders it: [w, s, e, n]"
    )
    zoom = serializers.IntegerField()
    cell = serializers.FloatField(allow_null=True)
    total = serializers.IntegerField()
    truncated = serializers.BooleanField()
    features = MapFeature(many=True)

    def to_representation(self, instance):
        page = reverse("frontend:problem", kwargs={"pk": 0}).replace("/0/", "/{}/")
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
                "properties": {"kind": "cluster", "count": c["count"]},
            }
            for c in instance.clusters
        ]
        features += [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                "properties": {
                    "kind": "point",
                    "id": p["id"],
                    "title": p["title"],
                    "url": page.format(p["id"]),
                },
            }
            for p in instance.points
        ]
        return {
            "type": "FeatureCollection",
            # GeoJSON's own order (RFC 7946): west, south, east, north.
            "bbox": [instance.bbox[1], instance.bbox[0], instance.bbox[3], instance.bbox[2]],
            "zoom": instance.zoom,
            "cell": instance.cell,
            "total": instance.total,
            "truncated": instance.truncated,
            "features": features,
        }
