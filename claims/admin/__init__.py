"""The adjusters' admin: the claim screen and work queue, and the screens around it.

The claim screen is composed here, once: the claims app's own screen plus the money section
(statement, cost lines, reserves, settlements) and the vendor jobs of the nested apps.
"""

from django.contrib import admin

from claims.admin import others  # noqa: F401 - registers the model admins
from claims.admin.claim import ClaimAdminBase
from claims.events.admin import ClaimEventsMixin
from claims.models import Claim
from claims.money.admin import ClaimMoneyMixin
from claims.vendors.admin import ClaimVendorJobsMixin
from privacy.admin import ClaimPrivacyMixin


@admin.register(Claim)
class ClaimAdmin(ClaimPrivacyMixin, ClaimEventsMixin, ClaimVendorJobsMixin, ClaimMoneyMixin,
                 ClaimAdminBase):
    pass
