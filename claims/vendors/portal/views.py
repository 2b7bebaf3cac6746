"""The vendor portal: the same jobs and actions as the API, as pages. Another organisation's job
is not found (404)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from claims.exceptions import ClaimsError, ClaimValidationError
from claims.formats import local_formats
from claims.pagination import EstimatedCountPaginator
from privacy.least_data import vendor_job_contact
from privacy.models import AccessLogEntry
from privacy.services import access_record

from .. import services
from ..models import JobState, VendorJob
from ..selectors import job_documents, jobs_for_list, jobs_for_user, progress_updates
from .actions import vendor_actions_available
from .forms import ACTION_FORMS, StateFilterForm

JOBS_PER_PAGE = 50

SUCCESS = {
    "accept": _("You accepted the job."),
    "decline": _("You declined the job."),
    "quote": _("Your quote was sent to the adjuster."),
    "progress": _("Your progress update was posted."),
    "report": _("The final report was uploaded."),
    "complete": _("The job is completed."),
    "invoice": _("Your invoice was sent."),
}


def vendor_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not hasattr(request.user, "vendor_membership"):
            raise PermissionDenied(_("The vendor portal is for vendor staff."))
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@vendor_required
def job_list(request):
    form = StateFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    jobs = jobs_for_list(user=request.user, state=state or None)
    page = EstimatedCountPaginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "vendors/portal/job_list.html", {
        "jobs": job_rows(page.object_list), "page": page, "filter_form": form, "state": state,
        "organisation": request.user.vendor_membership.organisation,
    })


def job_rows(jobs) -> list[dict]:
    """What the job list shows of each job, as text: the job's link (the reversed link of one
    with the key put in), the labels and the German or English dates written once per row
    instead of through a dozen template tags and filters per row."""
    mark = 987654321
    before, _, after = reverse("vendor_portal:job", args=[mark]).partition(str(mark))
    states = {value: str(label) for value, label in JobState.choices}
    formats = local_formats()
    rows = []
    for job in jobs:
        deadline = job.accept_deadline if job.state == JobState.REQUESTED else None
        rows.append({
            "url": f"{before}{job.pk}{after}",
            "title": gettext("Job %(job)s") % {"job": job.pk},
            "emergency": job.emergency,
            "claim": f"{job.claim.number} · {job.claim.loss_type.name}",
            "service": job.service.label,
            "state": states.get(job.state, job.state),
            "deadline": formats.short_datetime(localtime(deadline)) if deadline else "",
            "requested": formats.short_datetime(localtime(job.requested_at)),
        })
    return rows


def _job(request, pk: int) -> VendorJob:
    return get_object_or_404(jobs_for_user(user=request.user), pk=pk)


def _detail(request, job: VendorJob, bound: dict | None = None, status: int = 200):
    available = vendor_actions_available(job)
    forms = {name: (bound or {}).get(name) or form_class()
             for name, form_class in ACTION_FORMS.items() if form_class and name in available}
    return render(request, "vendors/portal/job_detail.html", {
        "job": job, "claim": job.claim, "holder": vendor_job_contact(job),
        "updates": progress_updates(job=job), "available": available, "forms": forms,
        "documents": job_documents(job=job),
    }, status=status)


@require_GET
@vendor_required
def job_detail(request, pk: int):
    job = _job(request, pk)
    access_record(user=request.user, what=AccessLogEntry.What.CLAIM,
                  channel=AccessLogEntry.Channel.VENDOR_PORTAL, claim=job.claim)
    return _detail(request, job)


def _call(action: str, job: VendorJob, data: dict, user):
    if action == "accept":
        return services.vendor_job_accept(job=job, by=user)
    if action == "decline":
        return services.vendor_job_decline(job=job, reason=data["reason"], by=user)
    if action == "quote":
        return services.vendor_job_quote(job=job, estimate=data["estimate"],
                                         scope=data["scope"], by=user)
    if action == "progress":
        return services.vendor_job_progress_add(job=job, by=user, **data)
    if action == "report":
        return services.vendor_job_report_upload(job=job, upload=data["file"], by=user)
    if action == "complete":
        return services.vendor_job_complete(job=job, by=user)
    return services.vendor_job_invoice(job=job, amount=data["amount"], upload=data["file"],
                                       by=user)


@require_POST
@vendor_required
def job_action(request, pk: int, action: str):
    if action not in ACTION_FORMS:
        raise Http404(_("No such action."))
    job = _job(request, pk)
    form_class = ACTION_FORMS[action]
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return _detail(request, job, {action: form}, status=400)
    try:
        _call(action, job, form.cleaned_data if form else {}, request.user)
    except ClaimValidationError as error:
        if form is None:
            messages.error(request, error.message)
            return redirect("vendor_portal:job", pk=job.pk)
        for field, problems in error.errors.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return _detail(request, job, {action: form}, status=400)
    except ClaimsError as error:
        messages.error(request, error.message)
        return redirect("vendor_portal:job", pk=job.pk)
    messages.success(request, SUCCESS[action])
    return redirect("vendor_portal:job", pk=job.pk)
