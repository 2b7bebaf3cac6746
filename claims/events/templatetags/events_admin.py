"""The admin index's box of open cyber events (two queries, with counts)."""

from django import template
from django.db.models import Count, Q

from claims import roles

from ..selectors import open_events

register = template.Library()


@register.inclusion_tag("admin/events/_open_events.html", takes_context=True)
def open_events_box(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if not roles.is_adjuster(user):
        return {"events": [], "may_declare": False}
    events = open_events().annotate(
        linked=Count("links", distinct=True),
        open_suggestions=Count("suggestions", filter=Q(suggestions__status="open"),
                               distinct=True),
    )
    return {"events": list(events), "may_declare": True}
