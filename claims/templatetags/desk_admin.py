"""The admin start page's dashboard (``claims.desk.dashboard``) as one inclusion tag."""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from claims.desk.dashboard import dashboard
from config.kept import Kept

register = template.Library()

# The charts' HTML, rendered once per process for each computation of the charts (its time,
# ``as_of``) and language: the same for every user until the charts are computed again.
_CHARTS: Kept[str] = Kept(8)


def charts_html(desk: dict) -> str:
    return _CHARTS.get((get_language(), desk["as_of"]), lambda: render_to_string(
        "admin/desk/_charts.html", {"desk": desk}))


@register.inclusion_tag("admin/desk/_dashboard.html", takes_context=True)
def desk_dashboard(context):
    request = context["request"]
    desk = dashboard(user=request.user)
    return {"desk": desk, "charts": charts_html(desk), "request": request}
