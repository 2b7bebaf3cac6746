"""The admin's navigation sidebar, rendered once per set of visible apps and current page.

Rendering the app list on every admin page cost ~5 ms a request. What it shows depends only on
the apps and models the user may see (with their URLs and permissions), the language, and which
app and model the page belongs to; all of that is the cache key, so a cached sidebar is never
another user's or another page's.
"""

from __future__ import annotations

import hashlib

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_sidebar_key(context) -> str:
    from django.template.defaultfilters import urlencode as urlencode_filter

    request = context.get("request")
    path = urlencode_filter(request.path) if request is not None else ""
    parts = [get_language() or ""]
    for app in context.get("available_apps") or ():
        parts.append(repr((app["app_label"], str(app["name"]), app["app_url"],
                           app["app_url"] in path)))
        for model in app["models"]:
            parts.append(repr((model["object_name"], str(model["name"]), model["admin_url"],
                               model["add_url"], sorted(model["perms"].items()),
                               bool(model["admin_url"]) and model["admin_url"] in path)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
