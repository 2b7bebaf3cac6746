"""The portal's banner of open cyber events, with the short report form's link."""

from django import template

from ..selectors import open_events

register = template.Library()


@register.inclusion_tag("events/portal/_open_events.html")
def open_events_banner():
    return {"events": list(open_events())}
