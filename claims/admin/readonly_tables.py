"""The claim page's display-only inlines (documents, activities, vendor jobs: nobody adds or
changes rows there) as plain tables.

As formsets they rendered a management form and every row's hidden id and claim inputs through
the form templates, and a POST had to carry them back for nothing. Here each is one table with
the markup of the admin's tabular inline (same ids, classes and header texts), built in Python.
"""

from __future__ import annotations

from django.contrib.admin.templatetags.admin_list import _boolean_icon
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    help_text_for_field,
    label_for_field,
    lookup_field,
    quote,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import ForeignObjectRel, ManyToManyRel, OneToOneField
from django.template.defaultfilters import capfirst, linebreaksbr
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext

from config.html import escaped, html


def is_display_only(inline, request, obj) -> bool:
    """Rows can be neither added, changed nor deleted by this user on this claim."""
    return not (inline.has_add_permission(request, obj)
                or inline.has_change_permission(request, obj)
                or inline.has_delete_permission(request, obj))


def _admin_link(inline, field, value):
    remote = field.remote_field.model._meta
    try:
        url = reverse(f"admin:{remote.app_label}_{remote.model_name}_change",
                      args=[quote(value.pk)], current_app=inline.admin_site.name)
    except NoReverseMatch:
        return str(value)
    return html('<a href="{}">{}</a>', url, value)


def _breaks(value) -> str:
    """``linebreaksbr(value)`` (autoescaping): the text escaped, its line breaks as ``<br>``."""
    text = str(value)
    if "\n" in text or "\r" in text:
        return linebreaksbr(text)
    return text if isinstance(text, SafeData) else SafeString(escaped(text))


def _shown(inline, field, value, empty):
    """What the admin's read-only field shows of a model field's value."""
    if isinstance(field.remote_field, ManyToManyRel) and value is not None:
        return ", ".join(map(str, value.all()))
    if isinstance(field.remote_field, (ForeignObjectRel, OneToOneField)) and value is not None:
        return _admin_link(inline, field, value)
    return display_for_field(value, field, empty)


def _cell(inline, name, row, empty):
    """What the admin's read-only field shows (helpers.AdminReadonlyField.contents)."""
    try:
        field, attr, value = lookup_field(name, row, inline)
    except (AttributeError, ValueError, ObjectDoesNotExist):
        return escaped(empty)
    if field is None:
        if getattr(attr, "boolean", False):
            return escaped(_boolean_icon(value))
        return escaped(value if hasattr(value, "__html__") else _breaks(value))
    return escaped(_breaks(_shown(inline, field, value, empty)))


def _column(inline, name):
    """A function of a row giving the column's cell: ``_cell``, with the model field (if the
    column is one, as ``lookup_field`` finds it) looked up once per table."""
    try:
        field = _get_non_gfk_field(inline.model._meta, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        return lambda row, empty: _cell(inline, name, row, empty)

    def cell(row, empty):
        try:
            value = getattr(row, name)
        except (AttributeError, ValueError, ObjectDoesNotExist):
            return escaped(empty)
        return escaped(_breaks(_shown(inline, field, value, empty)))

    return cell


def render_table(inline, request, obj, *, last=False):
    """The inline's rows for ``obj`` as the admin's tabular inline shows them read-only."""
    fk_name = inline.fk_name or "claim"
    prefix = inline.model._meta.get_field(fk_name).remote_field.get_accessor_name(
        model=False).replace("+", "")
    if hasattr(inline, "table_rows"):  # rows the page has read already
        rows = inline.table_rows(request, obj)
    else:
        rows = inline.get_queryset(request).filter(**{fk_name: obj})
        if not rows.ordered:
            rows = rows.order_by(inline.model._meta.pk.name)
    names = list(inline.get_fields(request, obj))
    empty = inline.get_empty_value_display()
    help_icon = static("admin/img/icon-unknown.svg")
    headers = []
    for name in names:
        label = capfirst(label_for_field(name, inline.model, inline))
        help_text = help_text_for_field(name, inline.model)
        icon = html(
            '<img src="{}" class="help help-tooltip" width="10" height="10" alt="({})" '
            'title="{}">', help_icon, help_text, help_text) if help_text else ""
        headers.append(html('<th class="column-{}">{}{}</th>', name, label, icon))
    columns = [(escaped(name), _column(inline, name)) for name in names]
    body = []
    for index, row in enumerate(rows):
        cells = "".join(f'<td class="field-{name}"><p>{cell(row, empty)}</p></td>'
                        for name, cell in columns)
        body.append(html(
            '<tr class="form-row has_original" id="{}-{}"><td class="original"><p>{}</p></td>'
            '{}<td class="delete"></td></tr>', prefix, index, row, mark_safe(cells)))
    title = capfirst(inline.verbose_name if inline.max_num == 1 else inline.verbose_name_plural)
    footer = inline.table_footer(request, obj) if hasattr(inline, "table_footer") else ""
    return html(
        '<div class="inline-group" id="{prefix}-group"><div class="tabular inline-related{last}">'
        '<fieldset class="module {classes}" aria-labelledby="{prefix}-heading">'
        '<h2 id="{prefix}-heading" class="inline-heading">{title}</h2>'
        '<table><thead><tr><th class="original"><span class="visually-hidden">{record}</span>'
        '</th>{headers}<th><span class="visually-hidden">{actions}</span></th></tr></thead>'
        '<tbody>{body}</tbody></table></fieldset></div></div>{footer}',
        prefix=prefix, last=" last-related" if last else "",
        classes=" ".join(inline.classes or ()), title=title,
        record=gettext("Record"), actions=gettext("Actions"), headers=mark_safe("".join(headers)),
        body=mark_safe("".join(body)), footer=footer)
