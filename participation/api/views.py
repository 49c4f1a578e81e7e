from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from participation import selectors, services
from participation import serializers as s
from participation.filters import CommentFilter, ProblemFilter, ProposalFilter
from participation.models import Follow, Problem
from participation.similarity import similar_problems
from planning.models import Plan, PlanItem


class ProblemListCreate(generics.ListCreateAPIView):
    """Published problems (and the caller's own in any state); POST submits a problem."""

    filterset_class = ProblemFilter
    serializer_class = s.ProblemOut

    def get_queryset(self):
        return selectors.problem_list(user=self.request.user)

    @extend_schema(request=s.ProblemIn, responses={201: s.ProblemOut})
    def post(self, request):
        data = s.ProblemIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        problem = services.problem_submit(author=request.user, **data.validated_data)
        problem = selectors.problem_get(pk=problem.pk, user=request.user)
        return Response(s.ProblemOut(problem).data, status=status.HTTP_201_CREATED)


def _problem_not_found() -> Response:
    return Response(
        {"detail": "مسئله‌ای با این شناسه نیست.", "code": "not_found"},
        status=status.HTTP_404_NOT_FOUND,
    )


class ProblemDetail(APIView):
    """GET one problem; PATCH: its author changes it while it is pending review (the new
    text goes back to the moderation queue)."""

    @extend_schema(responses=s.ProblemDetailOut)
    def get(self, request, pk):
        problem = selectors.problem_get(pk=pk, user=request.user)
        if problem is None:
            return _problem_not_found()
        return Response(s.ProblemDetailOut(problem, context={"request": request}).data)

    @extend_schema(request=s.ProblemEditIn, responses={200: s.ProblemDetailOut})
    def patch(self, request, pk):
        problem = selectors.problem_get(pk=pk, user=request.user)
        if problem is None:
            return _problem_not_found()
        data = s.ProblemEditIn(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        services.problem_edit(actor=request.user, problem=problem, **data.validated_data)
        fresh = selectors.problem_get(pk=pk, user=request.user)
        return Response(s.ProblemDetailOut(fresh, context={"request": request}).data)


class ProblemWithdraw(APIView):
    """The author takes their pending problem back: it leaves the moderation queue."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: s.ProblemDetailOut})
    def post(self, request, pk):
        problem = selectors.problem_get(pk=pk, user=request.user)
        if problem is None:
            return _problem_not_found()
        services.problem_withdraw(actor=request.user, problem=problem)
        fresh = selectors.problem_get(pk=pk, user=request.user)
        return Response(s.ProblemDetailOut(fresh, context={"request": request}).data)


class ProblemSimilar(APIView):
    """Published problems of the plan most like `text`, best first (for «I have it too»)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", int, required=True),
            OpenApiParameter("text", str, required=True),
            OpenApiParameter("exclude", int, required=False),
            OpenApiParameter("latitude", float, required=False),
            OpenApiParameter("longitude", float, required=False),
            OpenApiParameter(
                "typing",
                bool,
                required=False,
                description="The text is a title still being typed: its last word may be "
                "unfinished and matches as a prefix.",
            ),
        ],
        responses=s.SimilarOut(many=True),
    )
    def get(self, request):
        query = s.SimilarIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = similar_problems(
            plan_id=query.validated_data["plan"].pk,
            text=query.validated_data["text"],
            exclude_id=query.validated_data.get("exclude"),
            latitude=query.validated_data.get("latitude"),
            longitude=query.validated_data.get("longitude"),
            user=request.user,
            typing=query.validated_data.get("typing", False),
        )
        return Response(s.SimilarOut(found, many=True).data)


class ProblemSupport(APIView):
    """POST adds the caller's support, DELETE withdraws it; both are idempotent."""

    permission_classes = [permissions.IsAuthenticated]

    def _problem(self, request, pk) -> Problem:
        return get_object_or_404(selectors.problem_list(user=request.user), pk=pk)

    def _answer(self, problem_id, supported, code):
        count = Problem.objects.values_list("supports_count", flat=True).get(pk=problem_id)
        return Response({"supported": supported, "supports_count": count}, status=code)

    @extend_schema(request=None, responses={201: s.SupportOut, 200: s.SupportOut})
    def post(self, request, pk):
        added = services.problem_support(user=request.user, problem=self._problem(request, pk))
        return self._answer(pk, True, status.HTTP_201_CREATED if added else status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: s.SupportOut})
    def delete(self, request, pk):
        services.problem_unsupport(user=request.user, problem=self._problem(request, pk))
        return self._answer(pk, False, status.HTTP_200_OK)


class _Follow(APIView):
    """POST follows, DELETE stops following; both idempotent. 404 for what the caller may
    not see (another person's pending problem)."""

    permission_classes = [permissions.IsAuthenticated]

    def _target(self, request, pk):
        raise NotImplementedError

    def _answer(self, request, target, code):
        return Response(
            {
                "following": selectors.is_following(user=request.user, target=target),
                "followers_count": selectors.follow_count(target=target),
            },
            status=code,
        )

    @extend_schema(request=None, responses={201: s.FollowStateOut, 200: s.FollowStateOut})
    def post(self, request, pk):
        target = self._target(request, pk)
        added = services.follow(user=request.user, target=target)
        return self._answer(request, target, status.HTTP_201_CREATED if added else 200)

    @extend_schema(request=None, responses={200: s.FollowStateOut})
    def delete(self, request, pk):
        target = self._target(request, pk)
        services.unfollow(user=request.user, target=target)
        return self._answer(request, target, status.HTTP_200_OK)


class ProblemFollow(_Follow):
    def _target(self, request, pk):
        return get_object_or_404(selectors.problem_list(user=request.user), pk=pk)


class PlanItemFollow(_Follow):
    def _target(self, request, pk):
        return get_object_or_404(PlanItem.objects.select_related("plan"), pk=pk)


class PlanFollow(_Follow):
    def _target(self, request, pk):
        return get_object_or_404(Plan.objects.all(), pk=pk)


class MyFollows(generics.ListAPIView):
    """What the caller follows, newest first (problems no longer visible left out)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.FollowOut

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Follow.objects.none()
        return selectors.follow_list(user=self.request.user)


class CommentListCreate(generics.ListCreateAPIView):
    """Comments on one target (published, plus the caller's own); POST comments."""

    filterset_class = CommentFilter
    serializer_class = s.CommentOut

    def get_queryset(self):
        return selectors.comment_list(user=self.request.user)

    @extend_schema(request=s.CommentIn, responses={201: s.CommentOut})
    def post(self, request):
        data = s.CommentIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        comment = services.comment_post(author=request.user, **data.validated_data)
        return Response(s.CommentOut(comment).data, status=status.HTTP_201_CREATED)


class ProposalListCreate(generics.ListCreateAPIView):
    filterset_class = ProposalFilter
    serializer_class = s.ProposalOut

    def get_queryset(self):
        return selectors.proposal_list(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=s.ProposalIn, responses={201: s.ProposalOut})
    def post(self, request):
        data = s.ProposalIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        proposal = services.proposal_submit(author=request.user, **data.validated_data)
        proposal = selectors.proposal_get(pk=proposal.pk, user=request.user)
        return Response(s.ProposalOut(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDetail(APIView):
    @extend_schema(responses=s.ProposalDetailOut)
    def get(self, request, pk):
        proposal = selectors.proposal_get(pk=pk, user=request.user)
        if proposal is None:
            return Response(
                {"detail": "پیشنهادی با این شناسه نیست.", "code": "not_found"},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(s.ProposalDetailOut(proposal).data)


class ProposalEndorsement(APIView):
    """A member of a verified organisation endorses (POST) or withdraws (DELETE) for it."""

    permission_classes = [permissions.IsAuthenticated]

    def _proposal(self, request, pk):
        return get_object_or_404(selectors.proposal_list(user=request.user), pk=pk)

    @extend_schema(request=s.EndorsementIn, responses={201: s.EndorsementOut})
    def post(self, request, pk):
        proposal = self._proposal(request, pk)
        data = s.EndorsementIn(data=request.data)
        data.is_valid(raise_exception=True)
        endorsement = services.proposal_endorse(
            user=request.user,
            proposal=proposal,
            organisation=data.validated_data["organisation"],
            statement=data.validated_data.get("statement", ""),
        )
        return Response(s.EndorsementOut(endorsement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("organisation", int, required=True)],
        responses={204: None},
    )
    def delete(self, request, pk):
        proposal = self._proposal(request, pk)
        data = s.EndorsementIn(data={"organisation": request.query_params.get("organisation")})
        data.is_valid(raise_exception=True)
        services.proposal_unendorse(
            user=request.user, proposal=proposal, organisation=data.validated_data["organisation"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyPosts(APIView):
    """Everything the caller wrote, in every moderation state (the «my posts» page)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.MyPostsOut)
    def get(self, request):
        posts = selectors.my_posts(user=request.user)
        return Response(
            {
                "problems": s.ProblemOut(posts["problems"][:100], many=True).data,
                "proposals": s.ProposalOut(posts["proposals"][:100], many=True).data,
                "comments": s.CommentOut(posts["comments"][:100], many=True).data,
            }
        )


class PlanMap(APIView):
    """The plan's published problems with a point, for a map: clusters on a grid that
    follows the zoom, single problems from zoom 17 or where a cell holds one; never more
    than 300 features. Public."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "bbox",
                str,
                required=False,
                description="south,west,north,east in degrees (default: the city's box)",
            ),
            OpenApiParameter("zoom", int, required=False, description="0–22, default 12"),
            OpenApiParameter("axis", int, required=False),
            OpenApiParameter("district", int, required=False),
            OpenApiParameter(
                "triage_state", str, required=False, enum=[c for c, _ in Problem.Triage.choices]
            ),
        ],
        responses=s.MapOut,
    )
    def get(self, request, pk):
        plan = get_object_or_404(Plan.objects.select_related("city"), pk=pk)
        query = s.MapIn(data=request.query_params, context={"plan": plan})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        view = selectors.problem_map(
            plan=plan,
            user=request.user,
            bbox=data["bbox"],
            zoom=data["zoom"],
            filters={k: data.get(k) for k in ("axis", "district", "triage_state")},
        )
        return Response(s.MapOut(view).data)
