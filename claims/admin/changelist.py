"""The claim list's rows, rendered in one pass.

Django's ``result_list`` looks up every cell's column again for each row (``lookup_field``,
``display_for_field``, ``reverse`` of the row's link, ``add_preserved_filters``, a
``format_html`` per cell, then one template variable per cell): for 50 rows and 13 columns that
was about a third of the list's time. Here each column is resolved once per request into a small
function, the link of a row is the reversed link of the first with the primary key put in, and
each row is one string. The HTML is the same as Django's, cell for cell (the stock
``change_list_results.html`` renders it; ``tests/claims/test_admin_list.py`` compares the two).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from html import escape as html_escape

from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.templatetags.admin_list import (
    admin_list_filter as stock_list_filter,
)
from django.contrib.admin.templatetags.admin_list import (
    result_list as stock_result_list,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.validators import EMPTY_VALUES
from django.db import models
from django.template import Context
from django.template.base import render_value_in_context
from django.urls import NoReverseMatch
from django.utils.encoding import iri_to_uri
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from claims.formats import local_formats

PK_MARK = "claimlistrowpk"  # letters only: no URL quoting or encoding changes it


def _html(text) -> str:
    """``conditional_escape(text)`` as plain text (the row is marked safe as a whole), without
    ``escape``'s check of every argument for lazy strings."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html_escape(str(text))


class _Texts:
    """The escaped text of values a column shows again and again on a page (the same product,
    loss type, adjuster or state label in many rows), worked out once per value: a related
    object by its class and key, a translated label by its identity. Only for one request:
    the language and the rows' data are the same for all of its cells."""

    def __init__(self):
        self._by_key: dict = {}
        self._by_identity: dict = {}

    def of(self, value) -> str | None:
        """The escaped text of ``value`` if it is one of those values, else None."""
        if isinstance(value, Promise):
            entry = self._by_identity.get(id(value))
            if entry is None or entry[0] is not value:
                text = str(value)  # an empty one is the empty value: not for this cache
                entry = self._by_identity[id(value)] = (value, _html(text) if text else None)
            return entry[1]
        if isinstance(value, models.Model) and value.pk is not None:
            key = (type(value), value.pk)
            text = self._by_key.get(key)
            if text is None:
                text = self._by_key[key] = _html(str(value))
            return text
        return None


def _display_value(value, empty, boolean, formats):
    """``display_for_value`` with the common cases first (the same text)."""
    if isinstance(value, Promise):  # a translated label: its text (as display_for_value)
        value = str(value)
    if isinstance(value, models.Model) and not boolean:  # never empty: its text
        return str(value)
    if boolean or value in EMPTY_VALUES:
        return display_for_value(value, empty, boolean)
    if isinstance(value, str):  # a SafeString stays safe; lazy strings are not str
        return value
    if isinstance(value, datetime.datetime):
        return formats.datetime(value)
    if isinstance(value, datetime.date):
        return formats.date(value)
    return display_for_value(value, empty, boolean)


class _Column:
    """One column of the list: how a row's cell is rendered (``items_for_result``'s rules,
    resolved once for the column instead of once per cell). ``html(obj)`` is the cell's
    escaped content and its ``nowrap`` class."""

    def __init__(self, cl, index: int, name, *, link: bool, first: bool, formats):
        self.name = name
        self.link = link
        self.tag = "th" if link and first else "td"
        self.formats = formats
        self.texts = _Texts()
        self.model_admin = cl.model_admin
        self.empty = cl.model_admin.get_empty_value_display()
        self.css = "action-checkbox" if name == "action_checkbox" else (
            f"field-{_coerce_field_name(name, index)}")
        self.field = self.attr = None
        self.value: Callable = self._generic
        try:
            self.field = _get_non_gfk_field(cl.model._meta, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if not callable(name) and hasattr(self.model_admin, name) and name != "__str__":
                self.attr = getattr(self.model_admin, name)
                for_page = getattr(self.attr, "for_page", None)
                if for_page is not None:  # the same cells, with what they share worked out once
                    self.attr = for_page(self.model_admin)
                self.value = self._admin_callable
                self.empty = getattr(self.attr, "empty_value_display", self.empty)
                self.boolean = getattr(self.attr, "boolean", False)
        else:
            self.value = self._field
            self.nowrap = " nowrap" if isinstance(
                self.field, (models.DateField, models.TimeField, models.ForeignKey)) else ""
            self.kind = self._field_kind(self.field)
            if self.kind == "datetime":
                self.write_datetime = formats.datetime_writer()
        self.empty_html = _html(self.empty)

    @staticmethod
    def _field_kind(field) -> str:
        """Which of ``display_for_field``'s branches the field's values take."""
        if isinstance(field.remote_field, models.ManyToOneRel):
            return "related"
        if field.flatchoices or isinstance(field, models.BooleanField):
            return "django"
        if isinstance(field, models.DateTimeField):
            return "datetime"
        if isinstance(field, models.DateField):
            return "date"
        if type(field) in (models.CharField, models.TextField, models.SlugField):
            return "text"  # display_for_value of a string: the string itself
        return "django"

    def _field(self, obj):
        value = getattr(obj, self.name)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        kind = self.kind
        if kind == "related":
            if value is None:
                return self.empty_html, self.nowrap
            return self.texts.of(value) or _html(value), self.nowrap
        if kind == "django":
            text = display_for_field(value, self.field, self.empty, avoid_link=self.link)
        elif value in self.field.empty_values:
            return self.empty_html, self.nowrap
        elif kind == "datetime":
            text = self.write_datetime(value)
        elif kind == "date":
            text = self.formats.date(value)
        elif isinstance(value, str):
            text = value
        else:
            text = display_for_field(value, self.field, self.empty, avoid_link=self.link)
        return _html(text), self.nowrap

    def _admin_callable(self, obj):
        value = self.attr(obj)
        if isinstance(value, str):
            if value.strip() == "":
                value = ""
            elif not self.boolean:  # display_for_value of a string: the string itself
                return _html(value), ""
        elif not self.boolean:
            text = self.texts.of(value)
            if text is not None:
                return text, ""
        nowrap = " nowrap" if isinstance(value, (datetime.date, datetime.time)) else ""
        return _html(_display_value(value, self.empty, self.boolean, self.formats)), nowrap

    def _generic(self, obj):
        """Anything else (a model method or property, a callable): as Django does it."""
        field, attr, value = lookup_field(self.name, obj, self.model_admin)
        empty = getattr(attr, "empty_value_display", self.empty)
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        nowrap = " nowrap" if isinstance(value, (datetime.date, datetime.time)) else ""
        return _html(display_for_value(value, empty, boolean)), nowrap

    def html(self, obj) -> tuple:
        try:
            return self.value(obj)
        except ObjectDoesNotExist:
            return self.empty_html, ""


def _row_link(cl) -> Callable | None:
    """The change link of a row as a function of its object and escaped text (``None``: no
    change view)."""
    try:
        marked = cl.url_for_result(_Marked(cl.pk_attname))
    except NoReverseMatch:
        return None
    marked = add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, marked)
    before, _, after = marked.partition(PK_MARK)
    before, after = html_escape(before), html_escape(after)
    attribute = str(cl.to_field) if cl.to_field else cl.lookup_opts.pk.attname
    popup = cl.is_popup

    def link(obj, text: str) -> str:
        pk = getattr(obj, cl.pk_attname)
        if not isinstance(pk, int):  # quoting of other keys: Django's own way
            url = _html(add_preserved_filters({"preserved_filters": cl.preserved_filters,
                                               "opts": cl.opts}, cl.url_for_result(obj)))
        else:
            url = f"{before}{pk}{after}"
        opener = format_html(' data-popup-opener="{}"', obj.serializable_value(attribute)) \
            if popup else ""
        return f'<a href="{url}"{opener}>{text}</a>'

    return link


class _Marked:
    """Stands for a row in ``url_for_result``: its primary key is the mark."""

    def __init__(self, attname: str):
        setattr(self, attname, PK_MARK)


def rows(cl) -> list[ResultList]:
    """The list's rows, each one safe string of cells (``items_for_result``'s HTML)."""
    formats = local_formats()
    links = cl.list_display_links
    columns, first = [], True
    for index, name in enumerate(cl.list_display):
        is_link = links is not None and (first and not links or name in links)
        columns.append(_Column(cl, index, name, link=is_link, first=first, formats=formats))
        if is_link:
            first = False
    link = _row_link(cl) if any(column.link for column in columns) else None
    cells = [(column.html, f'<{column.tag} class="{column.css}', f"</{column.tag}>",
              column.link and link is not None) for column in columns]
    result = []
    for obj in cl.result_list:
        row = []
        for html, opening, closing, linked in cells:
            text, nowrap = html(obj)
            if linked:
                text = link(obj, text)
            row.append(f'{opening}{nowrap}">{text}{closing}')
        result.append(ResultList(None, [mark_safe("".join(row))]))
    return result


def result_list(cl) -> dict:
    """``result_list``'s context with the rows rendered by ``rows`` (an editable list, which
    the claim list is not, goes Django's way)."""
    if cl.formset:
        return stock_result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows(cl),
    }


_FILTER_TEMPLATE = "admin/filter.html"


def list_filter(cl, spec) -> str:
    """A filter of the list as ``{% admin_list_filter %}`` renders it through
    ``admin/filter.html``, written here (the template cost more than the choices); a filter with
    its own template goes Django's way."""
    if spec.template != _FILTER_TEMPLATE:
        return stock_list_filter(cl, spec)
    context = Context()
    title = render_value_in_context(spec.title, context)
    heading = gettext(" By %(filter_title)s ") % {"filter_title": title}
    items = []
    for choice in spec.choices(cl):
        selected = ' class="selected"' if choice["selected"] else ""
        href = escape(iri_to_uri(choice["query_string"]))
        display = render_value_in_context(choice["display"], context)
        items.append(f'\n    <li{selected}>\n    <a href="{href}">{display}</a></li>\n  ')
    return mark_safe(f'\n<details data-filter-title="{title}" open>\n  <summary>\n    '
                     f'{heading}\n  </summary>\n  <ul>\n  {"".join(items)}\n  </ul>\n'
                     '</details>\n')
