"""The events admin. The claim list's action comes as ``ClaimEventsMixin`` (composed into the
claim screen in ``claims.admin``); the admin index lists the open events."""

from django.contrib import admin

from .event import CyberEventAdmin
from .others import ClaimEventsMixin, EventSuggestionAdmin, VendorDailyCapacityAdmin

# The index shows the open events with a link to their dashboards (extends the stock index).
if admin.site.index_template is None:
    admin.site.index_template = "admin/events/index.html"

__all__ = ["ClaimEventsMixin", "CyberEventAdmin", "EventSuggestionAdmin",
           "VendorDailyCapacityAdmin"]
