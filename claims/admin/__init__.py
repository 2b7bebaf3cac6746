"""The adjusters' admin: the claim screen and work queue, and the screens around it.

The claim screen is composed here, once: the claims app's own screen plus the money section
(statement, cost lines, reserves, settlements) and the vendor jobs of the nested apps.
"""

from django.contrib import admin

from claims.admin import others, receipts  # noqa: F401 - register the model admins
from claims.admin.claim import ClaimAdminBase
from claims.events.admin import ClaimEventsMixin
from claims.models import Claim
from claims.money.admin import ClaimMoneyMixin
from claims.vendors.admin import ClaimVendorJobsMixin
from privacy.admin import ClaimPrivacyMixin

# The start page: the desk's dashboard and queues above the open cyber events and the app list.
admin.site.index_template = "admin/desk/index.html"


@admin.register(Claim)
class ClaimAdmin(ClaimPrivacyMixin, ClaimEventsMixin, ClaimVendorJobsMixin, ClaimMoneyMixin,
                 ClaimAdminBase):
    def get_queryset(self, request):
        """The claim list's queryset (what every part adds: the work-queue figures, the cyber
        events, the columns the rows show) depends on nothing of the request but the view and
        the method: built once per process (a tenth of the list's time) and copied for each
        request, which then filters, sorts (the list orders its copy itself) and slices its copy."""
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != "claims_claim_changelist" or (
                request.method != "GET"):
            return super().get_queryset(request)
        built = self.__dict__.get("_list_queryset")
        if built is None:
            built = self.__dict__["_list_queryset"] = super().get_queryset(request)
        return built.all()
