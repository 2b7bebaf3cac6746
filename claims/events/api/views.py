"""The events API. Adjusters (``/api/events/``): declare, list, change, close; link and unlink
claims; confirm or reject suggestions; bulk actions; the dashboard's figures; vendors' daily
capacity; a policy's IT dependencies. Policyholders (``/api/me/events/``): the open events and a
report under one; their policies' IT dependencies. Every write goes through the services."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent_atomic
from claims.api.permissions import IsAdjuster, IsPolicyholder
from claims.api.views.common import READ, READ_ONE, WRITE, errors
from claims.exceptions import ClaimValidationError
from claims.models import Claim
from claims.portal import selectors as portal_selectors
from claims.vendors.models import VendorOrganisation
from policies.dependencies import policy_dependencies_set
from policies.models import Policy

from .. import services
from ..models import CyberEvent, EventReport, EventSuggestion
from ..selectors import (
    event_claims,
    event_dashboard,
    event_report_loss_types,
    open_event_for_report,
    open_events,
)
from . import serializers as s


def _events():
    return CyberEvent.objects.prefetch_related("loss_types", "vendor_panel").select_related(
        "report_loss_type").annotate(
        linked=Count("links", distinct=True),
        open_suggestions=Count("suggestions", filter=Q(suggestions__status="open"),
                               distinct=True),
    ).order_by("-starts_at", "pk")


def _event_out(event: CyberEvent) -> dict:
    return s.EventSerializer(_events().get(pk=event.pk)).data


class EventMixin:
    permission_classes = [IsAdjuster]

    def event(self) -> CyberEvent:
        return get_object_or_404(CyberEvent, pk=self.kwargs["pk"])


@extend_schema(tags=["adjuster: events"])
class EventList(EventMixin, generics.ListAPIView):
    """Every event, newest first (``status=open`` or ``closed`` filters); POST declares one."""

    serializer_class = s.EventSerializer

    def get_queryset(self):
        events = _events()
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in CyberEvent.Status.values:
                raise ClaimValidationError({"status": _("Use open or closed.")})
            events = events.filter(status=wanted)
        return events

    @extend_schema(request=s.EventInputSerializer,
                   responses={201: s.EventSerializer, **errors(*WRITE)})
    def post(self, request):
        data = s.EventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.event_declare(by=request.user, **data.validated_data)
        return Response(_event_out(event), status=status.HTTP_201_CREATED)


@extend_schema(tags=["adjuster: events"])
class EventDetail(EventMixin, generics.RetrieveAPIView):
    serializer_class = s.EventSerializer

    def get_queryset(self):
        return _events()

    @extend_schema(request=s.EventInputSerializer,
                   responses={200: s.EventSerializer, **errors(*WRITE)})
    def patch(self, request, pk):
        """Change the event; the claims are matched again."""
        event = self.event()
        data = s.EventInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        event = services.event_update(event=event, by=request.user, **data.validated_data)
        return Response(_event_out(event))


class EventClose(EventMixin, APIView):
    @extend_schema(tags=["adjuster: events"], request=None,
                   responses={200: s.EventSerializer, **errors(*WRITE)})
    def post(self, request, pk):
        """Close the event (409 if closed already)."""
        return Response(_event_out(services.event_close(event=self.event(), by=request.user)))


@extend_schema(tags=["adjuster: events"])
class EventClaimList(EventMixin, generics.ListAPIView):
    """The claims linked to the event; POST ``{"claims": [ids]}`` links more (already linked
    ones are reported in ``already_linked``)."""

    serializer_class = s.EventClaimSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Claim.objects.none()
        return event_claims(event=self.event())

    @extend_schema(request=s.ClaimIdsSerializer, responses={200: s.BulkResultSerializer,
                                                            **errors(*WRITE)})
    def post(self, request, pk):
        event = self.event()
        data = s.ClaimIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        linked, skipped = services.event_claims_link(event=event, by=request.user,
                                                     claims=data.validated_data["claims"])
        return Response({"linked": [c.number for c in linked],
                         "already_linked": [c.number for c in skipped]})


class EventClaimUnlink(EventMixin, APIView):
    @extend_schema(tags=["adjuster: events"], request=s.OptionalReasonSerializer,
                   responses={204: None, **errors(*WRITE)})
    def post(self, request, pk, claim_pk):
        """Unlink a claim from the event (a reason is required)."""
        event = self.event()
        claim = get_object_or_404(Claim, pk=claim_pk)
        data = s.OptionalReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.event_claim_unlink(event=event, claim=claim, by=request.user,
                                    reason=data.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["adjuster: events"])
class SuggestionList(EventMixin, generics.ListAPIView):
    """The event's suggestions (``status=open|confirmed|rejected``); POST looks again."""

    serializer_class = s.SuggestionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EventSuggestion.objects.none()
        suggestions = self.event().suggestions.select_related(
            "claim__policy__policyholder", "claim__loss_type", "claim__assigned_adjuster"
        ).order_by("created_at", "pk")
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in EventSuggestion.Status.values:
                raise ClaimValidationError({"status": _("Use open, confirmed or rejected.")})
            suggestions = suggestions.filter(status=wanted)
        return suggestions

    @extend_schema(request=None, responses={200: s.SuggestionSerializer(many=True),
                                            **errors(*WRITE)})
    def post(self, request, pk):
        made = services.event_suggest(event=self.event(), by=request.user)
        return Response(s.SuggestionSerializer(made, many=True).data)


class SuggestionDecide(EventMixin, APIView):
    @extend_schema(tags=["adjuster: events"], request=s.OptionalReasonSerializer,
                   operation_id="events_suggestion_decide",
                   responses={200: s.SuggestionSerializer, **errors(*WRITE)})
    def post(self, request, pk, suggestion_pk, decision):
        """``confirm`` links the claim; ``reject`` (optional ``reason``) never suggests it
        again. 409 if decided already."""
        if decision not in ("confirm", "reject"):
            raise Http404(_("Decide with confirm or reject."))
        suggestion = get_object_or_404(EventSuggestion, pk=suggestion_pk, event_id=pk)
        data = s.OptionalReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if decision == "confirm":
            services.suggestion_confirm(suggestion=suggestion, by=request.user)
        else:
            services.suggestion_reject(suggestion=suggestion, by=request.user,
                                       reason=data.validated_data["reason"])
        suggestion.refresh_from_db()
        return Response(s.SuggestionSerializer(suggestion).data)


BULK = {
    "assign": s.BulkAssignSerializer,
    "information-request": s.BulkInformationRequestSerializer,
    "commission": s.BulkCommissionSerializer,
    "note": s.BulkNoteSerializer,
}


class EventBulk(EventMixin, APIView):
    @extend_schema(tags=["adjuster: events"], request=s.BulkNoteSerializer,
                   responses={200: s.BulkResultSerializer, **errors(*WRITE)})
    def post(self, request, pk, action):
        """Bulk action on the event's linked claims: ``assign`` (mode, adjusters),
        ``information-request`` (question, due_date), ``commission`` (service, scope), ``note``
        (text, visibility). Each claim through its service; ``failed`` says why per claim."""
        if action not in BULK:
            raise Http404(_("Unknown bulk action %(action)s.") % {"action": repr(action)})
        event = self.event()
        data = BULK[action](data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        claim_ids = values.pop("claims", None)
        by = request.user
        if action == "assign":
            names = values.pop("adjusters", None)
            people = None
            if names:
                people = list(get_user_model().objects.filter(username__in=names))
                missing = sorted(set(names) - {user.username for user in people})
                if missing:
                    raise ClaimValidationError({"adjusters": f"Unknown: {', '.join(missing)}."})
            result = services.event_bulk_assign(event=event, by=by, adjusters=people,
                                                claim_ids=claim_ids, **values)
        elif action == "information-request":
            result = services.event_bulk_information_request(event=event, by=by,
                                                             claim_ids=claim_ids, **values)
        elif action == "commission":
            result = services.event_bulk_commission(event=event, by=by, claim_ids=claim_ids,
                                                    **values)
        else:
            result = services.event_bulk_note(event=event, by=by, claim_ids=claim_ids,
                                              **values)
        return Response(result.as_dict())


class EventDashboard(EventMixin, APIView):
    @extend_schema(tags=["adjuster: events"], responses={200: s.DashboardSerializer,
                                                         **errors(*READ_ONE)})
    def get(self, request, pk):
        """The dashboard's figures: claims, money, timeline, vendors' load and exposure."""
        return Response(s.DashboardSerializer(event_dashboard(event=self.event())).data)


class VendorCapacity(APIView):
    permission_classes = [IsAdjuster]

    @extend_schema(tags=["adjuster: events"], request=s.CapacitySerializer,
                   responses={200: s.CapacitySerializer, **errors(*WRITE)})
    def put(self, request, organisation_pk):
        """Set a vendor's daily capacity (``null``: no limit)."""
        organisation = get_object_or_404(VendorOrganisation, pk=organisation_pk)
        data = s.CapacitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.vendor_capacity_set(organisation=organisation, by=request.user,
                                           jobs_per_day=data.validated_data["jobs_per_day"])
        return Response({"jobs_per_day": row.jobs_per_day if row else None})


class DependenciesMixin:
    def policy(self) -> Policy:
        raise NotImplementedError

    def _out(self, policy):
        return Response({"dependencies": s.DependencySerializer(
            policy.it_dependencies.order_by("kind", "name"), many=True).data})

    def get(self, request, pk):
        return self._out(self.policy())

    def put(self, request, pk):
        policy = self.policy()
        data = s.DependenciesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            policy_dependencies_set(policy=policy, by=request.user,
                                    dependencies=data.validated_data["dependencies"])
        except PermissionDenied as error:
            from rest_framework.exceptions import PermissionDenied as Denied

            raise Denied(str(error)) from error
        return self._out(policy)


@extend_schema(tags=["adjuster: events"], request=s.DependenciesInputSerializer,
               responses={200: s.DependenciesInputSerializer, **errors(*WRITE)})
class PolicyDependencies(DependenciesMixin, APIView):
    """A policy's IT providers and software (PUT replaces the list)."""

    permission_classes = [IsAdjuster]

    def policy(self):
        return get_object_or_404(Policy, pk=self.kwargs["pk"])


# --- policyholders ---------------------------------------------------------------------------


@extend_schema(tags=["policyholder"], responses={200: s.OpenEventSerializer(many=True),
                                                 **errors(*READ)})
class MyOpenEvents(generics.ListAPIView):
    """The events open now, with the causes a report under them may name."""

    permission_classes = [IsPolicyholder]
    serializer_class = s.OpenEventSerializer

    def get_queryset(self):
        return open_events().select_related("report_loss_type").prefetch_related("loss_types")


class MyEventReport(APIView):
    permission_classes = [IsPolicyholder]

    @extend_schema(tags=["policyholder"], request=s.EventReportSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   responses={202: s.EventReportOutSerializer, **errors(*WRITE)})
    @idempotent_atomic
    def post(self, request, pk):
        """Report a loss under an open event (``loss_type`` defaults to the event's cause).
        202: received; the claim is registered through the usual report rules moments later
        (poll ``/api/me/event-reports/<id>/`` for its number)."""
        event = open_event_for_report(pk)
        if event is None:
            raise Http404
        data = s.EventReportSerializer(data=request.data, holder=request.user.policyholder)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "loss_type" not in values and event.report_loss_type_id:
            values["loss_type"] = event.report_loss_type
        elif "loss_type" not in values:
            causes = event_report_loss_types(event)
            if not causes:
                raise ClaimValidationError({"loss_type": _("Name the loss type.")})
            values["loss_type"] = causes[0]
        report, _created = services.event_report_submit(event=event, user=request.user,
                                                        composed=True, **values)
        return Response(s.EventReportOutSerializer(report).data,
                        status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["policyholder"], responses={200: s.EventReportOutSerializer,
                                                 **errors(*READ_ONE)})
class MyEventReportDetail(generics.RetrieveAPIView):
    """One of my reports under an event: its status and, once registered, the claim."""

    permission_classes = [IsPolicyholder]
    serializer_class = s.EventReportOutSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EventReport.objects.none()
        return EventReport.objects.filter(reported_by=self.request.user).select_related(
            "claim", "loss_type")


@extend_schema(tags=["policyholder"], request=s.DependenciesInputSerializer,
               responses={200: s.DependenciesInputSerializer, **errors(*WRITE)})
class MyPolicyDependencies(DependenciesMixin, APIView):
    """My policy's IT providers and software (PUT replaces the list)."""

    permission_classes = [IsPolicyholder]

    def policy(self):
        return portal_selectors.holder_policy(holder=self.request.user.policyholder,
                                              pk=self.kwargs["pk"])
