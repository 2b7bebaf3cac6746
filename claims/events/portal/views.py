"""The policyholder's event pages: the short report form of an open event and the policy's IT
providers and software. Every query starts from the caller (a foreign id is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from claims.exceptions import ClaimsError, ClaimValidationError
from claims.portal import selectors as portal_selectors
from claims.portal.forms import add_service_errors
from claims.portal.views import (
    _issue_token,
    _token_issued,
    _token_spent,
    policyholder_required,
)
from policies.dependencies import policy_dependencies_set

from ..models import EventReport
from ..selectors import open_events
from ..services import event_report_submit
from .forms import DependenciesForm, EventReportForm


def _page(request, form, event, status=200):
    return render(request, "events/portal/report.html", {
        "form": form, "event": event,
        "has_policies": form.fields["policy"].queryset.exists(),
    }, status=status)


@require_http_methods(["GET", "POST"])
@policyholder_required
def event_report(request, pk, *, holder):
    event = get_object_or_404(open_events(), pk=pk)
    if request.method == "GET":
        form = EventReportForm(holder=holder, event=event,
                               initial={"submission_token": _issue_token(request)})
        policies = form.fields["policy"].queryset
        if len(policies) == 1:
            form.initial["policy"] = policies[0].pk
        return _page(request, form, event)
    form = EventReportForm(request.POST, holder=holder, event=event)
    if form.is_valid():
        data = form.cleaned_data
        token = data["submission_token"]
        earlier = EventReport.objects.filter(reported_by=request.user,
                                             submission_token=token).first()
        if earlier is not None:
            return redirect("events_portal:received", pk=earlier.pk)
        if not _token_issued(request, token):
            form.add_error(None, _("This form has expired. Please check your entries and send "
                                   "it again."))
        else:
            try:
                report, _created = event_report_submit(
                    event=event, user=request.user, submission_token=token,
                    policy=data["policy"], loss_type=data["loss_type"],
                    loss_date=data["loss_date"], description=data["description"],
                    emergency=data["emergency"], estimated_amount=data["estimated_amount"],
                )
            except ClaimValidationError as error:
                add_service_errors(form, error)
            except ClaimsError as error:
                form.add_error(None, error.message)
            else:
                _token_spent(request, token)
                return redirect("events_portal:received", pk=report.pk)
    form.data = form.data.copy()
    form.data["submission_token"] = _issue_token(request)
    return _page(request, form, event, status=400)


@require_GET
@policyholder_required
def received(request, pk, *, holder):
    report = get_object_or_404(
        EventReport.objects.select_related("event", "claim", "policy__product"),
        pk=pk, reported_by=request.user)
    return render(request, "events/portal/received.html", {"report": report})


@require_http_methods(["GET", "POST"])
@policyholder_required
def dependencies(request, pk, *, holder):
    policy = portal_selectors.holder_policy(holder=holder, pk=pk)
    current = list(policy.it_dependencies.order_by("name"))
    initial = {
        "providers": "\n".join(d.name for d in current if d.kind == "provider"),
        "software": "\n".join(d.name for d in current if d.kind == "software"),
    }
    form = DependenciesForm(request.POST if request.method == "POST" else None,
                            initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                policy_dependencies_set(policy=policy, dependencies=form.dependencies(),
                                        by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Thank you: your IT providers and software are "
                                            "saved."))
                return redirect("events_portal:dependencies", pk=policy.pk)
        status = 400
    return render(request, "events/portal/dependencies.html", {
        "form": form, "policy": policy, "current": current,
    }, status=status)
