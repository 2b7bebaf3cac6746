"""The admin start page's dashboard (``claims.desk.dashboard``) as one inclusion tag."""

from django import template

from claims.desk.dashboard import dashboard

register = template.Library()


@register.inclusion_tag("admin/desk/_dashboard.html", takes_context=True)
def desk_dashboard(context):
    request = context["request"]
    return {"desk": dashboard(user=request.user), "request": request}
