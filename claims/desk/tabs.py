"""Which of the claim page's tabs a request renders (issue 15 and 17).

The page opens on the overview: the summary, the claim's form and the overview's panels are
rendered with it. The other tabs (money, vendors, documents and notes, questions, history) are
rendered when first opened, each from the claim's own admin URL (``…/tab/<name>/``, the same
permissions and access log as the page) and inserted in place by ``claims/desk.js``. Without
JavaScript each tab is a link to the whole page (``?tabs=all``), which renders every tab as
before; a save posts the tabs that were opened (their formsets), the others are left alone.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from claims.models import Activity, ClaimDocument, ClaimNote, InformationRequest
from claims.vendors.models import VendorJob

OVERVIEW = "overview"
# The tabs rendered on first opening, in the order of the tab bar, with their labels (the
# labels of the tab bar, claims/templates/admin/claims/claim/_desk.html).
LAZY_TABS = {
    "money": _("Money"),
    "vendors": _("Vendors"),
    "documents": _("Documents and notes"),
    "questions": _("Questions"),
    "history": _("History"),
}
ALL_TABS = frozenset({OVERVIEW, *LAZY_TABS})
# ?tabs=all: the whole page at once (the link each tab is without JavaScript).
ALL_PARAMETER = "tabs"

_INLINE_TABS = {
    ClaimNote: "documents",
    ClaimDocument: "documents",
    InformationRequest: "questions",
    Activity: OVERVIEW,
    VendorJob: "vendors",
}


def inline_tab(inline) -> str:
    """The tab an inline of the claim page belongs to."""
    return _INLINE_TABS.get(inline.model, OVERVIEW)


def fieldset_tab(fieldset) -> str:
    """The tab a fieldset of the claim page belongs to: the money statement's is the money
    tab, every other one is in the overview."""
    _name, options = fieldset
    return "money" if "money_statement" in options.get("fields", ()) else OVERVIEW


def wants_all_tabs(request) -> bool:
    return request.GET.get(ALL_PARAMETER) == "all"
