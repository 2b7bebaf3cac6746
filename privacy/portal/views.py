"""The policyholder's data-protection page in the portal: request a copy of their data (with
progress and an expiring download link) and ask for erasure (answered with what was erased and
what is kept and why)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from claims.exceptions import ClaimsError
from claims.portal.views import policyholder_required

from ..models import AccessLogEntry, DataExport, ErasureRequest, SubjectKind
from ..services import data_export_download, data_export_request, erasure_request_submit

BUSY = [DataExport.Status.QUEUED, DataExport.Status.RUNNING]


class ErasureForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Anything you want to tell us (optional)"), required=False,
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=gettext_lazy(
        "I understand that data past its retention period is erased at once and cannot be "
        "restored; data we must keep is kept and I am told why."))


def _exports(holder):
    return DataExport.objects.filter(policyholder=holder, subject_kind=SubjectKind.POLICYHOLDER)


def _page(request, holder, *, erasure_form=None, status=200):
    exports = list(_exports(holder)[:10])
    return render(request, "privacy/portal/my_data.html", {
        "holder": holder, "exports": exports,
        "busy": any(export.status in BUSY for export in exports),
        "erasure_requests": ErasureRequest.objects.filter(
            policyholder=holder, subject_kind=SubjectKind.POLICYHOLDER)[:10],
        "erasure_form": erasure_form or ErasureForm(),
    }, status=status)


@require_GET
@policyholder_required
def my_data(request, *, holder):
    return _page(request, holder)


@require_POST
@policyholder_required
def export_request(request, *, holder):
    if _exports(holder).filter(status__in=BUSY).exists():
        messages.info(request, _("Your copy is already being prepared."))
        return redirect("privacy_portal:my_data")
    try:
        data_export_request(by=request.user, subject_kind=SubjectKind.POLICYHOLDER,
                            policyholder=holder)
    except ClaimsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("We are preparing a copy of your data. This page shows "
                                    "the progress; the download link works for 7 days."))
    return redirect("privacy_portal:my_data")


@require_GET
@policyholder_required
def export_download(request, pk, *, holder):
    export = get_object_or_404(_exports(holder), pk=pk)
    try:
        handle = data_export_download(export=export, by=request.user,
                                      channel=AccessLogEntry.Channel.PORTAL)
    except ClaimsError as error:
        messages.error(request, error.message)
        return redirect("privacy_portal:my_data")
    return FileResponse(handle, as_attachment=True, filename=f"my-data-{export.pk}.zip",
                        content_type="application/zip")


@require_POST
@policyholder_required
def erasure_request(request, *, holder):
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return _page(request, holder, erasure_form=form, status=400)
    try:
        answered = erasure_request_submit(
            by=request.user, subject_kind=SubjectKind.POLICYHOLDER, policyholder=holder,
            note=form.cleaned_data["note"])
    except ClaimsError as error:
        form.add_error(None, error.message)
        return _page(request, holder, erasure_form=form, status=400)
    request.user.refresh_from_db()
    if not request.user.is_active:  # everything was erased: the login is closed too
        logout(request)
        return render(request, "privacy/portal/erased.html", {"answer": answered})
    messages.success(request, _("Your request has been answered below."))
    return redirect("privacy_portal:my_data")
