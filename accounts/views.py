"""The "API access" page of the portal and the vendor portal: one's API tokens (when each was
created and expires, never the secret) with a button to revoke each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from knox.models import AuthToken


@require_http_methods(["GET", "POST"])
@login_required
def api_tokens(request):
    tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
    if request.method == "POST":
        token = tokens.filter(token_key=str(request.POST.get("token", ""))[:20]).first()
        if token is None:
            raise Http404(_("No such token."))
        token.delete()
        messages.success(request, _("The token %(id)s… is revoked.") % {"id": token.token_key})
        return redirect("api_tokens")
    return render(request, "accounts/api_tokens.html", {"tokens": tokens})
