from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts import serializers as s
from accounts.models import Membership, StaffRole, User
from backend.api import Pagination
from backend.authz import authorise
from backend.clientip import client_address
from backend.compression import compression_exempt
from cities.filters import CityFilter


def me_payload(user: User) -> dict:
    user = User.objects.prefetch_related(
        Prefetch("staff_roles", queryset=StaffRole.objects.select_related("city")),
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
    ).get(pk=user.pk)
    return s.MeOut(user).data


class OtpRequestView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(request=s.OtpRequestIn, responses={202: s.OtpRequestOut})
    def post(self, request):
        data = s.OtpRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.otp_request(
            phone=data.validated_data["phone"], ip=client_address(request)
        )
        body = {
            "detail": "کد ورود فرستاده شد.",
            "phone": issued.phone,
            "expires_in": issued.expires_in,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)


# A new token in the answer: sent uncompressed (BREACH; backend/compression.py).
@method_decorator(compression_exempt, name="dispatch")
class OtpVerifyView(APIView):
    """Check the code; answers a new API token for this client (a new citizen account for a
    new number)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(request=s.OtpVerifyIn, responses={200: s.TokenOut})
    def post(self, request):
        data = s.OtpVerifyIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.otp_verify(**data.validated_data)
        return Response({"token": services.api_token_for(user=user), "user": me_payload(user)})


# A new token in the answer: sent uncompressed (BREACH; backend/compression.py).
@method_decorator(compression_exempt, name="dispatch")
class PasswordLoginView(APIView):
    """Password sign-in (staff); answers a new API token for this client. Repeated failures
    lock the account and the client address for a while (django-axes, Persian 429)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(request=s.PasswordLoginIn, responses={200: s.TokenOut})
    def post(self, request):
        data = s.PasswordLoginIn(data=request.data)
        data.is_valid(raise_exception=True)
        # axes marks the Django request; its middleware reads the mark on the way out.
        user = services.password_login(request=request._request, **data.validated_data)
        return Response({"token": services.api_token_for(user=user), "user": me_payload(user)})


class LogoutView(APIView):
    """Revoke the token this request was made with; the user's other clients stay signed in."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            services.api_token_revoke(token=request.auth)  # its sockets close too
        else:
            services.session_ended(user=request.user, reason="api_logout")
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.MeOut)
    def get(self, request):
        return Response(me_payload(request.user))

    @extend_schema(request=s.MeUpdateIn, responses=s.MeOut)
    def patch(self, request):
        data = s.MeUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.profile_update(user=request.user, **data.validated_data)
        return Response(me_payload(request.user))


class NotificationPagination(Pagination):
    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread_count"] = selectors.notification_unread_count(user=self.request.user)
        return response


class NotificationListView(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.NotificationOut
    pagination_class = NotificationPagination
    filter_backends = []

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)


class NotificationsReadView(APIView):
    """Mark the listed notifications read, or all of them when `ids` is left out."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.NotificationsReadIn, responses={200: None})
    def post(self, request):
        data = s.NotificationsReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.notifications_mark_read(
            user=request.user, ids=data.validated_data.get("ids")
        )
        unread = selectors.notification_unread_count(user=request.user)
        return Response({"marked": count, "unread_count": unread})


class OrganisationListCreate(generics.ListCreateAPIView):
    """Verified organisations (and those the caller belongs to); POST registers an NGO."""

    serializer_class = s.OrganisationOut
    filterset_class = CityFilter

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)

    @extend_schema(request=s.OrganisationIn, responses={201: s.OrganisationOut})
    def post(self, request):
        data = s.OrganisationIn(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = services.organisation_register(actor=request.user, **data.validated_data)
        organisation = selectors.organisation_list(user=request.user).get(pk=organisation.pk)
        return Response(s.OrganisationOut(organisation).data, status=status.HTTP_201_CREATED)


class OrganisationDetail(generics.RetrieveAPIView):
    serializer_class = s.OrganisationOut

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)


class OrganisationMembers(APIView):
    """The organisation's members, for its own members; its admins add and remove them."""

    permission_classes = [permissions.IsAuthenticated]

    def _organisation(self, request, pk):
        return get_object_or_404(selectors.organisation_list(user=request.user), pk=pk)

    @extend_schema(responses=s.MemberOut(many=True))
    def get(self, request, pk):
        organisation = self._organisation(request, pk)
        members = selectors.organisation_members(organisation=organisation, viewer=request.user)
        return Response(s.MemberOut(members, many=True).data)

    @extend_schema(request=s.MemberIn, responses={201: s.InvitationSentOut})
    def post(self, request, pk):
        """Invite a person by mobile number (this path used to add them directly; now only
        their acceptance makes them a member). The answer is the same for any number."""
        organisation = self._organisation(request, pk)
        data = s.MemberIn(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.membership_invite(
            actor=request.user, organisation=organisation, **data.validated_data
        )
        return Response(s.InvitationSentOut(invitation).data, status=status.HTTP_201_CREATED)


class OrganisationMember(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def _target(self, request, pk, user_id):
        organisation = get_object_or_404(selectors.organisation_list(user=request.user), pk=pk)
        return organisation, get_object_or_404(User, pk=user_id)

    @extend_schema(request=s.MemberRoleIn, responses=s.MemberOut)
    def patch(self, request, pk, user_id):
        organisation, member = self._target(request, pk, user_id)
        data = s.MemberRoleIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_set_role(
            actor=request.user, organisation=organisation, user=member, **data.validated_data
        )
        return Response(s.MemberOut(membership).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk, user_id):
        organisation, member = self._target(request, pk, user_id)
        services.membership_remove(actor=request.user, organisation=organisation, user=member)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationList(generics.ListAPIView):
    """The signed-in person's pending invitations to organisations."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.InvitationOut
    filter_backends = []

    def get_queryset(self):
        return selectors.pending_invitations(user=self.request.user)


class InvitationAnswer(APIView):
    """`POST invitations/{id}/accept` or `…/decline`: only the invitee answers, once."""

    permission_classes = [permissions.IsAuthenticated]
    answer = "accept"

    @extend_schema(request=None, responses=s.InvitationOut)
    def post(self, request, pk):
        invitation = get_object_or_404(selectors.invitations_for(user=request.user), pk=pk)
        answer = (
            services.invitation_accept if self.answer == "accept" else (services.invitation_decline)
        )
        invitation = answer(actor=request.user, invitation=invitation)
        return Response(s.InvitationOut(invitation).data)


class OrganisationStatus(APIView):
    """A city admin of the organisation's city verifies or suspends it (never their own)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.OrganisationStatusIn, responses=s.OrganisationOut)
    def post(self, request, pk):
        organisation = get_object_or_404(
            selectors.organisation_review_list(user=request.user), pk=pk
        )
        data = s.OrganisationStatusIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.organisation_set_status(
            actor=request.user, organisation=organisation, status=data.validated_data["status"]
        )
        organisation = selectors.organisation_review_list(user=request.user).get(pk=pk)
        return Response(s.OrganisationOut(organisation).data)


class ActivityListView(generics.ListAPIView):
    """A city's activity log, newest first: who did what to which object, when, and the
    fields before and after. For the city admins of that city only."""

    serializer_class = s.ActivityOut
    filter_backends = []
    permission_classes = [permissions.AllowAny]  # refusals come from the rule, in Persian

    @extend_schema(parameters=[s.ActivityQueryIn])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = s.ActivityQueryIn(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        authorise(self.request.user, "accounts.read_activity", data["city"])
        return selectors.activity_list(
            city_id=data["city"].pk,
            action=data.get("action") or None,
            actor_id=data.get("actor"),
            object_type=data.get("object_type") or None,
            created_after=data.get("created_after"),
            created_before=data.get("created_before"),
        )
