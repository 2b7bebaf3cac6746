"""The admin's navigation sidebar, rendered once per set of visible apps and current page.

Rendering the app list on every admin page cost ~5 ms a request. What it shows depends only on
the apps and models the user may see (with their URLs and permissions), the language, and which
app and model the page belongs to; all of that is the cache key, so a cached sidebar is never
another user's or another page's. The sidebars of a key are also kept in the process
(``{% nav_sidebar_kept %}``), so most views read neither the cache nor render anything.
"""

from __future__ import annotations

import hashlib

from django import template
from django.utils.translation import get_language

from config.kept import Kept

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


# sidebars kept per process (a few per role, language and app in practice)
_SIDEBARS: Kept[str] = Kept(256)


class KeptSidebarNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

    def render(self, context):
        return _SIDEBARS.get(self.key.resolve(context), lambda: self.nodelist.render(context))


@register.tag
def nav_sidebar_kept(parser, token):
    """``{% nav_sidebar_kept key %}...{% endnav_sidebar_kept %}``: the content rendered once per
    process for each ``nav_sidebar_key`` (which holds everything it shows)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("nav_sidebar_kept takes one argument: the key.")
    nodelist = parser.parse(("endnav_sidebar_kept",))
    parser.delete_first_token()
    return KeptSidebarNode(nodelist, parser.compile_filter(bits[1]))
