"""The policyholder portal's pages. Every view needs a login and a policyholder record, and reads
through ``claims.portal.selectors``, which start from the caller: a foreign id is a 404."""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.exceptions import ClaimsError, ClaimValidationError
from claims.models import WITHDRAWABLE_STATES, ClaimState, InformationRequest
from claims.money.financials import claim_figures
from claims.next_steps import next_step
from claims.services import claim_transition, information_request_answer
from policies.selectors import aggregate_overview, aggregate_overviews

from . import selectors
from .forms import (
    AnswerForm,
    DocumentsForm,
    MessageForm,
    ReportForm,
    WithdrawForm,
    add_service_errors,
)
from .services import (
    claim_already_submitted,
    portal_claim_report,
    portal_documents_add,
    portal_message_send,
)

HOME_OPEN_CLAIMS = 50
HOME_EARLIER_CLAIMS = 20
HOME_RECEIPTS = 10
TOKENS = "portal_report_tokens"
KEEP_TOKENS = 20


def policyholder_required(view):
    """Login required; the caller's policyholder record is passed as ``holder`` (none: 404)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        holder = selectors.policyholder_of(request.user)
        return view(request, *args, holder=holder, **kwargs)

    return wrapper


def _hotline(claim) -> str:
    return claim.policy.product.emergency_hotline


# --- home and policies ---------------------------------------------------------------------------


@require_GET
@policyholder_required
def home(request, *, holder):
    policies = list(selectors.holder_policies(holder=holder))
    # Bounded, whatever the history: the newest open claims and the latest earlier ones (every
    # claim stays on its policy's page).
    open_claims = list(selectors.open_claims(holder=holder)[:HOME_OPEN_CLAIMS])
    other_claims = list(selectors.finished_claims(holder=holder)[:HOME_EARLIER_CLAIMS + 1])
    overviews = aggregate_overviews(policies=policies)
    return render(request, "portal/home.html", {
        "holder": holder,
        "receipts": list(selectors.reports_not_registered(holder=holder)[:HOME_RECEIPTS]),
        "policies": [(policy, overviews[policy.pk]) for policy in policies],
        "open_claims": [(claim, next_step(claim=claim)) for claim in open_claims],
        "other_claims": other_claims[:HOME_EARLIER_CLAIMS],
        "more_claims": len(other_claims) > HOME_EARLIER_CLAIMS,
    })


@require_GET
@policyholder_required
def policy_detail(request, pk, *, holder):
    policy = selectors.holder_policy(holder=holder, pk=pk)
    return render(request, "portal/policy_detail.html", {
        "policy": policy,
        "accounts": aggregate_overview(policy=policy),
        # Paid and recovered per claim (reserves are the insurer's estimate, not shown here).
        "claims": claim_figures(selectors.holder_claims(holder=holder).filter(policy=policy)),
    })


# --- first notice of loss ------------------------------------------------------------------------


def _issue_token(request) -> str:
    token = str(uuid.uuid4())
    tokens = request.session.get(TOKENS, [])
    request.session[TOKENS] = [*tokens, token][-KEEP_TOKENS:]
    return token


def _token_issued(request, token) -> bool:
    return str(token) in request.session.get(TOKENS, [])


def _token_spent(request, token) -> None:
    request.session[TOKENS] = [t for t in request.session.get(TOKENS, []) if t != str(token)]


def _report_page(request, form, status=200):
    policies = form.fields["policy"].queryset
    return render(request, "portal/report.html", {
        "form": form,
        "has_policies": policies.exists(),
        "hotlines": sorted({p.product.emergency_hotline for p in policies
                            if p.product.emergency_hotline}),
        "covered": {policy_id: sorted(ids) for policy_id, ids in form.covered.items()},
        "third_party_ids": [lt.pk for lt in form.fields["loss_type"].queryset if lt.third_party],
    }, status=status)


@require_http_methods(["GET", "POST"])
@policyholder_required
def report(request, *, holder):
    if request.method == "GET":
        form = ReportForm(holder=holder, initial={"submission_token": _issue_token(request)})
        policies = form.fields["policy"].queryset
        if len(policies) == 1:
            form.initial["policy"] = policies[0].pk
        return _report_page(request, form)
    form = ReportForm(request.POST, request.FILES, holder=holder)
    if form.is_valid():
        data = form.cleaned_data
        token = data["submission_token"]
        earlier = claim_already_submitted(user=request.user, submission_token=token)
        if earlier is not None:
            return redirect("portal:report_done", pk=earlier.pk)
        if not _token_issued(request, token):
            form.add_error(None, _("This form has expired. Please check your entries and send "
                                   "it again."))
        else:
            try:
                claim, _created = portal_claim_report(
                    holder=holder, user=request.user, submission_token=token,
                    policy=data["policy"], loss_type=data["loss_type"],
                    loss_date=data["loss_date"], description=data["description"],
                    emergency=data["emergency"], estimated_amount=data["estimated_amount"],
                    claimant_name=data["claimant_name"], claimant_email=data["claimant_email"],
                    claimant_address=data["claimant_address"], documents=data["documents"],
                    first_8_hours_loss=data.get("first_8_hours_loss"),
                )
            except ClaimValidationError as error:
                add_service_errors(form, error)
            except ClaimsError as error:
                form.add_error(None, error.message)
            else:
                _token_spent(request, token)
                return redirect("portal:report_done", pk=claim.pk)
    # A fresh token for the corrected form; files must be chosen again (browsers drop them).
    form.data = form.data.copy()
    form.data["submission_token"] = _issue_token(request)
    if request.FILES:
        form.add_error(None, _("For your safety, files are not kept when the form has errors: "
                               "please choose them again."))
    return _report_page(request, form, status=400)


@require_GET
@policyholder_required
def report_done(request, pk, *, holder):
    claim = selectors.holder_claim(holder=holder, pk=pk)
    return render(request, "portal/report_done.html", {
        "claim": claim, "hotline": _hotline(claim), "next_step": next_step(claim=claim),
        "documents": selectors.visible_documents(claim=claim, user=request.user),
    })


# --- the claim page ------------------------------------------------------------------------------


def _claim_page(request, claim, *, answer_forms=None, documents_form=None,
                message_form=None, withdraw_form=None, status=200):
    open_requests = claim.information_requests.filter(status=InformationRequest.Status.OPEN)
    answer_forms = answer_forms or {}
    return render(request, "portal/claim_detail.html", {
        "claim": claim,
        "hotline": _hotline(claim),
        "next_step": next_step(claim=claim),
        "open_requests": [
            (item, answer_forms.get(item.pk) or AnswerForm(prefix=f"q{item.pk}"))
            for item in open_requests
        ],
        "answered_requests": claim.information_requests.filter(
            status=InformationRequest.Status.ANSWERED
        ),
        "timeline": selectors.claim_timeline(claim=claim, user=request.user),
        "documents": selectors.visible_documents(claim=claim, user=request.user),
        "statements": selectors.settlement_statements(claim=claim),
        "deductible_owed": selectors.deductible_owed_by_insured(claim=claim),
        "closed": claim.state in (ClaimState.CLOSED, ClaimState.WITHDRAWN),
        "may_withdraw": claim.state in WITHDRAWABLE_STATES,
        "documents_form": documents_form or DocumentsForm(),
        "message_form": message_form or MessageForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
    }, status=status)


@require_GET
@policyholder_required
def claim_detail(request, pk, *, holder):
    claim = selectors.holder_claim(holder=holder, pk=pk)
    return _claim_page(request, claim)


@require_POST
@policyholder_required
def answer(request, pk, request_pk, *, holder):
    claim = selectors.holder_claim(holder=holder, pk=pk)
    try:
        item = selectors.holder_open_request(claim=claim, pk=request_pk)
    except Http404:
        if claim.information_requests.filter(pk=request_pk).exists():
            messages.info(request, _("This question has already been answered or withdrawn."))
            return redirect("portal:claim", pk=claim.pk)
        raise
    form = AnswerForm(request.POST, request.FILES, prefix=f"q{item.pk}")
    if form.is_valid():
        try:
            information_request_answer(
                request=item, answer=form.cleaned_data["answer"], answered_by=request.user,
                documents=form.cleaned_data["documents"],
            )
        except ClaimValidationError as error:
            add_service_errors(form, error)
        except ClaimsError as error:
            messages.error(request, error.message)
            return redirect("portal:claim", pk=claim.pk)
        else:
            messages.success(request, _("Thank you: your answer has been sent to your adjuster."))
            return redirect("portal:claim", pk=claim.pk)
    return _claim_page(request, claim, answer_forms={item.pk: form}, status=400)


@require_POST
@policyholder_required
def documents_add(request, pk, *, holder):
    claim = selectors.holder_claim(holder=holder, pk=pk)
    form = DocumentsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = portal_documents_add(
                claim=claim, user=request.user, documents=form.cleaned_data["documents"]
            )
        except ClaimValidationError as error:
            add_service_errors(form, error)
        except ClaimsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, ngettext(
                "%(count)d document added to claim %(number)s.",
                "%(count)d documents added to claim %(number)s.", len(added),
            ) % {"count": len(added), "number": claim.number})
            return redirect("portal:claim", pk=claim.pk)
    return _claim_page(request, claim, documents_form=form, status=400)


@require_POST
@policyholder_required
def message(request, pk, *, holder):
    claim = selectors.holder_claim(holder=holder, pk=pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            portal_message_send(claim=claim, user=request.user, text=form.cleaned_data["text"])
        except ClaimValidationError as error:
            add_service_errors(form, error)
        except ClaimsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your message has been sent to your adjuster."))
            return redirect("portal:claim", pk=claim.pk)
    return _claim_page(request, claim, message_form=form, status=400)


@require_POST
@policyholder_required
def withdraw(request, pk, *, holder):
    claim = selectors.holder_claim(holder=holder, pk=pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            claim_transition(
                claim=claim, transition="withdraw", by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ClaimValidationError as error:
            add_service_errors(form, error)
        except ClaimsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Claim %(number)s has been withdrawn.")
                             % {"number": claim.number})
            return redirect("portal:claim", pk=claim.pk)
    return _claim_page(request, claim, withdraw_form=form, status=400)


@require_GET
@policyholder_required
def document_download(request, pk, document_pk, *, holder):
    claim = selectors.holder_claim(holder=holder, pk=pk)
    document = selectors.visible_documents(claim=claim, user=request.user).filter(
        pk=document_pk
    ).first()
    if document is None:
        raise Http404(_("No such document on this claim."))
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
