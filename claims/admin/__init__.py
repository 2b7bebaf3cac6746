"""The adjusters' admin: the claim screen and work queue, and the screens around it.

The claim screen is composed here, once: the claims app's own screen plus the money section
(statement, cost lines, reserves, settlements) and the vendor jobs of the nested apps.
"""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet

from claims.admin import others, receipts  # noqa: F401 - register the model admins
from claims.admin.claim import ClaimAdminBase
from claims.events.admin import ClaimEventsMixin
from claims.models import Claim
from claims.money.admin import ClaimMoneyMixin
from claims.pagination import PageRead
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
        if not _is_list_view(request):
            return super().get_queryset(request)
        built = self.__dict__.get("_list_queryset")
        if built is None:
            built = self.__dict__["_list_queryset"] = super().get_queryset(request)
        return built.all()

    def get_changelist(self, request, **kwargs):
        if not _is_list_view(request):
            return super().get_changelist(request, **kwargs)
        return _ClaimChangeList


class _ClaimChangeList(ChangeList):
    """The list's page: the keys by the request's filters, order and page, then the rows with
    everything the columns show by their keys (``PageRead``, compiled once per connection)."""

    def get_results(self, request):
        super().get_results(request)
        if self.show_all or not isinstance(self.result_list, QuerySet):
            return
        admin = self.model_admin
        read = admin.__dict__.get("_list_page_read")
        if read is None:
            read = admin.__dict__["_list_page_read"] = PageRead(
                lambda: admin.__dict__["_list_queryset"])
        self.result_list = read.rows(self.result_list, self.list_per_page)


def _is_list_view(request) -> bool:
    """A GET of the claim list (the queryset the list builds once per process)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "claims_claim_changelist" and (
        request.method == "GET")
