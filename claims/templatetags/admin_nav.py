"""The admin's navigation sidebar, rendered once per set of visible apps and current page.

Rendering the app list on every admin page cost ~5 ms a request. What it shows depends only on
the apps and models the user may see (with their URLs and permissions), the language, and which
app and model the page belongs to; all of that is the cache key, so a cached sidebar is never
another user's or another page's. On the staff site the list itself is keyed by what it is made
from (``accounts.admin_site``: language, URL prefixes, the user's permissions and groups), which
is cheaper to hash than the list (0.57 ms a page before). The sidebars of a key are also kept
in the process (``{% nav_sidebar_kept %}``), so most views read neither the cache nor render
anything.
"""

from __future__ import annotations

import hashlib

from django import template
from django.utils.translation import get_language

from config.kept import Kept

register = template.Library()

# Where the staff site's ``get_app_list`` leaves, on the request, what the site's whole app list
# is a function of (``accounts.admin_site``); the sidebar's key is made from it.
APP_LIST_KEY = "_accounts_app_list_key"


def _stable(value):
    """``value`` with its sets sorted, so that its ``repr`` is the same in every process."""
    if isinstance(value, set | frozenset):
        return tuple(sorted((_stable(item) for item in value), key=repr))
    if isinstance(value, tuple | list):
        return tuple(_stable(item) for item in value)
    return value


@register.simple_tag(takes_context=True)
def nav_sidebar_key(context) -> str:
    from django.template.defaultfilters import urlencode as urlencode_filter

    request = context.get("request")
    path = urlencode_filter(request.path) if request is not None else ""
    apps = context.get("available_apps") or ()
    listed = request.__dict__.get(APP_LIST_KEY) if request is not None else None
    if listed is not None:
        # The list is a function of what the site's app list was built from (language,
        # prefixes, permissions); the page adds which app and model are the current ones.
        current = []
        for app_index, app in enumerate(apps):
            if app["app_url"] in path:
                current.append(app_index)
            for model_index, model in enumerate(app["models"]):
                if model["admin_url"] and model["admin_url"] in path:
                    current.append((app_index, model_index))
        parts = [repr((_stable(listed), tuple(current)))]
    else:  # another site's list: everything it shows
        parts = [get_language() or ""]
        for app in apps:
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
