"""The admin start page's dashboard (``claims.desk.dashboard``) as one inclusion tag."""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from claims.desk.dashboard import dashboard

register = template.Library()

# The charts' HTML, rendered once per process for each computation of the charts (its time,
# ``as_of``) and language: the same for every user until the charts are computed again.
_CHARTS_KEPT: dict[tuple, str] = {}
CHARTS_KEPT = 8


def charts_html(desk: dict) -> str:
    key = (get_language(), desk["as_of"])
    html = _CHARTS_KEPT.get(key)
    if html is None:
        html = render_to_string("admin/desk/_charts.html", {"desk": desk})
        if len(_CHARTS_KEPT) >= CHARTS_KEPT:
            _CHARTS_KEPT.clear()
        _CHARTS_KEPT[key] = html
    return html


@register.inclusion_tag("admin/desk/_dashboard.html", takes_context=True)
def desk_dashboard(context):
    request = context["request"]
    desk = dashboard(user=request.user)
    return {"desk": desk, "charts": charts_html(desk), "request": request}
